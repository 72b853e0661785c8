// Command signup is a small HTTP backend for a sign-up page: POST /signup with an e-mail, a
// password and a name (a form or JSON) registers a client in BILLmanager with the billmgr
// SDK and answers with the new client's id, or with the field to fix (see SignupHandler).
//
// By default it runs against the in-memory BILLmanager of package billmgrtest, so it needs
// no billing server:
//
//	go run ./examples/signup -addr 127.0.0.1:8080
//	curl -i -d email=ada@example.com -d password=s3cret -d name=Ada http://127.0.0.1:8080/signup
//
// To register clients in a real BILLmanager, set
//
//	BILLMGR_URL=https://billing.example.com:1500/billmgr BILLMGR_USER=admin BILLMGR_PASSWORD=… go run ./examples/signup
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen `address`")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, log); err != nil {
		log.Error("signup: " + err.Error())
		os.Exit(1)
	}
}

// connect returns a client for BILLMGR_URL, or for a fresh in-memory BILLmanager.
func connect(log *slog.Logger) (*billmgr.Client, func(), error) {
	opts := []billmgr.Option{billmgr.WithLogger(log)}
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, append(opts, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))...)
		return c, func() {}, err
	}
	srv := billmgrtest.NewServer()
	log.Info("using the built-in fake BILLmanager (set BILLMGR_URL to use a real one)", "url", srv.URL)
	c, err := billmgr.NewClient(srv.URL, append(opts, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))...)
	return c, srv.Close, err
}

// run serves /signup on addr until ctx ends, then lets the requests in flight finish.
func run(ctx context.Context, addr string, log *slog.Logger) error {
	c, closeBilling, err := connect(log)
	if err != nil {
		return err
	}
	defer closeBilling()

	mux := http.NewServeMux()
	mux.Handle("/signup", NewSignupHandler(c, log))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      registerTimeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Info("listening", "url", "http://"+ln.Addr().String()+"/signup")

	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), registerTimeout)
		defer cancel()
		done <- srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}
