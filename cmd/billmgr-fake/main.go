// Command billmgr-fake runs the in-memory BILLmanager fake of package
// billmgrtest as a process, for integration tests in any language.
//
//	billmgr-fake [-addr 127.0.0.1:1500] [-seed seed.json] [-demo]
//
// It prints the API URL and the administrator's credentials, then serves
// until SIGINT or SIGTERM. The seed file is the JSON form of
// billmgrtest.Seed; -demo adds a few clients with payments (with -seed,
// both are loaded).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "billmgr-fake:", err)
		}
		os.Exit(2)
	}
}

// run serves the fake until ctx ends. Usage and flag errors go to stderr.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("billmgr-fake", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:1500", "listen `address`")
	seedFile := flags.String("seed", "", "JSON `file` with the initial data (billmgrtest.Seed)")
	demo := flags.Bool("demo", false, "add a few demo clients with payments")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}

	var seed billmgrtest.Seed
	if *demo {
		seed = demoSeed()
	}
	if *seedFile != "" {
		loaded, err := readSeed(*seedFile)
		if err != nil {
			return err
		}
		seed.Accounts = append(seed.Accounts, loaded.Accounts...)
	}
	if err := seed.Validate(); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: billmgrtest.NewHandler(billmgrtest.WithSeed(seed)), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "url: http://%s/billmgr\nadmin user: %s\nadmin password: %s\n",
		ln.Addr(), billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	<-served // http.ErrServerClosed
	return nil
}

func readSeed(path string) (billmgrtest.Seed, error) {
	var seed billmgrtest.Seed
	data, err := os.ReadFile(path)
	if err != nil {
		return seed, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&seed); err != nil {
		return seed, fmt.Errorf("%s: %w", path, err)
	}
	return seed, nil
}

// demoSeed is the data of -demo.
func demoSeed() billmgrtest.Seed {
	d := decimal.RequireFromString
	return billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "ann@example.com", Password: "ann-secret", Name: "Ann Lee", Balance: d("150.00"),
			Payments: []billmgrtest.SeedPayment{
				{Amount: d("100.00"), Status: 4, Description: "Top-up"},
				{Amount: d("50.00"), Status: 4, Paymethod: 2},
				{Amount: d("25.00")},
			},
			Expenses: []billmgrtest.SeedExpense{{Name: "VPS", Operation: "prolong", Amount: d("12.50")}}},
		{Email: "ivan@example.ru", Password: "ivan-secret", Name: "Иван Петров", Balance: d("-20.00"), CreditLimit: d("100"),
			Payments: []billmgrtest.SeedPayment{{Amount: d("500.00"), Status: 6}, {Amount: d("80.00"), Status: 9}},
			Expenses: []billmgrtest.SeedExpense{{Name: "Hosting", Operation: "prolong", Amount: d("20.00")}}},
		{Email: "corp@example.com", Password: "corp-secret", Name: "Example Corp", Currency: "USD", Balance: d("1000.00")},
	}}
}
