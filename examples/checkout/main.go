// Command checkout is the payment step of a web checkout with the billmgr SDK: a client
// tops up its personal account through a payment system. It lists the payment methods the
// client can pay the amount with (Payments.Methods), takes the one the client picked,
// creates the payment (Payments.Add), which returns the payment system's page to send the
// client's browser to, and follows the payment until it is credited.
//
// By default it runs against the in-memory BILLmanager of package billmgrtest, and plays
// the payment system's side itself with the calls the panel's payment module makes
// (payment.setinpay, then payment.setpaid):
//
//	go run ./examples/checkout
//	go run ./examples/checkout -amount 99.90 -method 3
//
// On a real BILLmanager it registers a new client, or acts for an existing one (-client),
// prints the payment page, and waits for the payment system to report the payment once
// you have paid there; it never credits a payment itself:
//
//	BILLMGR_URL=https://billing.example.com:1500/billmgr BILLMGR_USER=admin BILLMGR_PASSWORD=… \
//		go run ./examples/checkout -client ada@example.com -method 5
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// options are the command's flags.
type options struct {
	amount decimal.Decimal // -amount: what the client tops up by
	method int64           // -method: the payment method the client picks
	client string          // -client: an existing client to act for; "" registers one
	wait   time.Duration   // -wait: on a real panel, how long to wait for the payment
	poll   time.Duration   // how often to look at the payment while waiting
}

func main() {
	o := options{poll: 5 * time.Second}
	amount := flag.String("amount", "150.00", "the `amount` the client tops up by")
	flag.Int64Var(&o.method, "method", 2, "the payment method `id` the client picks, one of those listed (2 is the fake's bank card)")
	flag.StringVar(&o.client, "client", "", "act for the existing client with this `e-mail` instead of registering one")
	flag.DurationVar(&o.wait, "wait", 15*time.Minute, "on a real panel, how long to wait for the payment system to report the payment")
	flag.Parse()
	var err error
	if o.amount, err = decimal.NewFromString(*amount); err != nil || !o.amount.IsPositive() {
		fmt.Fprintf(os.Stderr, "checkout: -amount %q: give a positive amount with a dot, like 150.00\n", *amount)
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, o options) error {
	admin, onFake, closePanel, err := connect(w)
	if err != nil {
		return err
	}
	defer closePanel()

	email := o.client
	if email == "" {
		if email, err = register(ctx, admin, onFake); err != nil {
			return err
		}
		fmt.Fprintf(w, "Registered %s.\n", email)
	}
	client := admin.As(email) // every call of client runs with the client's rights (su)
	me, err := client.Whoami(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "The client: %s, client %d, balance %s.\n\n", email, me.AccountID, me.Balance)

	// 1. The checkout page: the methods the client can pay the amount with.
	methods, err := client.Payments.Methods(ctx, &billmgr.PaymentMethodsParams{Amount: billmgr.DecimalOf(o.amount)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1. Payments.Methods: what %s can pay %s with, for the checkout page:\n\n",
		email, billmgr.Money{Amount: o.amount, Currency: me.Balance.Currency})
	table := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(table, "   ID\tMETHOD\tTO PAY\tDESCRIPTION\tICON")
	for _, m := range methods {
		fmt.Fprintf(table, "   %d\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Amount, m.Desc, m.Image)
	}
	if err := table.Flush(); err != nil {
		return err
	}

	// 2. The client picked one: the form posts back its id, which must be one of the list.
	picked, err := pick(methods, o.method)
	if err != nil {
		return err
	}
	added, err := client.Payments.Add(ctx, &billmgr.PaymentAddParams{Amount: billmgr.DecimalOf(o.amount), Paymethod: picked.ID})
	if err != nil {
		return err // with ErrOutcomeUnknown the payment may exist: look for it before adding another
	}
	payment, err := find(ctx, admin, me.AccountID, added.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n2. The client picks %d, %s: Payments.Add creates payment %s (id %d), %s.\n"+
		"   Its page, where the client pays:\n\n   %s\n\n",
		picked.ID, picked.Name, payment.Number, added.ID, payment.Status.Label, added.PaymentURL)
	own, err := client.Payments.ListOwn(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   Redirect the client's browser there (303 See Other). Until the payment system reports it,\n"+
		"   the client's own list (Payments.ListOwn) leaves the payment out: %d payments there now.\n", own.Total)

	// 3. The payment system's side: it reports the payment to the panel, not to the shop.
	if onFake {
		err = simulatePaymentSystem(ctx, w, admin, me.AccountID, added.ID)
	} else {
		err = awaitCredit(ctx, w, admin, me.AccountID, added.ID, o)
	}
	if err != nil {
		return err
	}

	// 4. What the client sees now.
	fmt.Fprintln(w, "\n4. Payments.ListOwn: the client's payments, as its account page shows them.")
	fmt.Fprintln(w)
	table = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(table, "   NUMBER\tMETHOD\tAMOUNT\tSTATUS\tPAID")
	for p, err := range client.Payments.AllOwn(ctx, nil) {
		if err != nil {
			return err
		}
		fmt.Fprintf(table, "   %s\t%s\t%s\t%s\t%s\n", p.Number, p.PaymethodName, p.SubaccountAmount, p.Status.Label, p.PayDate.Format(time.DateOnly))
	}
	if err := table.Flush(); err != nil {
		return err
	}
	if me, err = client.Whoami(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nBalance of %s: %s.\n", email, me.Balance)
	return nil
}

// connect returns an administrator's client for BILLMGR_URL, or for a fresh in-memory
// BILLmanager (onFake), whose clock stands still so that every run prints the same.
func connect(w io.Writer) (admin *billmgr.Client, onFake bool, closePanel func(), err error) {
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))
		return c, false, func() {}, err
	}
	now := time.Date(2024, 5, 7, 10, 0, 0, 0, time.UTC)
	srv := billmgrtest.NewServer(billmgrtest.WithClock(func() time.Time { return now }))
	fmt.Fprintf(w, "On the built-in fake BILLmanager (set BILLMGR_URL to use a real one).\n\n")
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	return c, true, srv.Close, err
}

// register signs up a new client and returns its e-mail, its login.
func register(ctx context.Context, admin *billmgr.Client, onFake bool) (string, error) {
	email := "ada@example.com"
	if !onFake {
		email = fmt.Sprintf("ada+%d@example.com", time.Now().Unix())
	}
	_, err := admin.Accounts.Register(ctx, &billmgr.RegisterParams{
		Email: email, Password: "correct horse battery staple", RealName: "Ada Lovelace"})
	if errors.Is(err, billmgr.ErrExists) {
		return "", fmt.Errorf("%s is already registered; act for it with -client %s: %w", email, email, err)
	}
	return email, err
}

// pick returns the method with the id the client chose, which must be one of methods: a
// checkout never trusts the id a form posts back.
func pick(methods []billmgr.PaymentMethod, id int64) (billmgr.PaymentMethod, error) {
	var offered []string
	for _, m := range methods {
		if m.ID == id {
			return m, nil
		}
		offered = append(offered, fmt.Sprintf("%d (%s)", m.ID, m.Name))
	}
	if len(offered) == 0 {
		return billmgr.PaymentMethod{}, errors.New("the client has no payment method to pay with: the panel's administrator enables them")
	}
	return billmgr.PaymentMethod{}, fmt.Errorf("payment method %d is not one the client can pay with; pick one of %s with -method",
		id, strings.Join(offered, ", "))
}

// find returns the row of payment id in the payment list of client accountID, as the
// administrator sees it (the client's own list leaves out a payment not reported yet).
func find(ctx context.Context, admin *billmgr.Client, accountID, id int64) (billmgr.Payment, error) {
	newestFirst := &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{Order: "desc"}}
	for p, err := range admin.Payments.All(ctx, accountID, newestFirst) {
		if err != nil {
			return billmgr.Payment{}, err
		}
		if p.ID == id {
			return p, nil
		}
	}
	return billmgr.Payment{}, fmt.Errorf("payment %d is not in the payment list of client %d", id, accountID)
}
