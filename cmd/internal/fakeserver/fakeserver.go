// Package fakeserver runs the in-memory BILLmanager of package billmgrtest as a server
// that a panel's clients, in any language, can use: on 127.0.0.1:1500 over HTTPS with a
// certificate it makes at start (or one given), as a panel serves port 1500. It is the one
// implementation behind both commands that run it, billmgr-fake and billmgr fake: their
// flags, their data, their TLS and the banner they print.
package fakeserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// Flags are the settings of a fake server, one command-line flag each.
type Flags struct {
	Addr     string // listen address
	SeedFile string // JSON form of billmgrtest.Seed
	Demo     bool   // load billmgrtest.Demo first
	HTTP     bool   // plain HTTP instead of HTTPS
	CertFile string // PEM certificate to serve instead of a self-signed one
	KeyFile  string // its PEM private key
	// CommitLag is billmgrtest.WithCommitLag: creates of payments commit out of id order.
	CommitLag time.Duration
	// PasswordMinLength is billmgrtest.WithPasswordPolicy's MinLength: 0 accepts any
	// non-empty password. Register sets billmgrtest.DefaultPasswordMinLength as the
	// flag's default.
	PasswordMinLength int
}

// Register defines the flags in fs. The billmgr command adds the same set to its own
// (pflag) flags.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Addr, "addr", "127.0.0.1:1500", "listen on this `host:port` (port 0 takes a free one)")
	fs.StringVar(&f.SeedFile, "seed", "", "load clients, payments and expenses from this JSON `file` (the form of billmgrtest.Seed)")
	fs.BoolVar(&f.Demo, "demo", false, "load the demo clients first: Ann Lee, Иван Петров and Example Corp, with payments and expenses")
	fs.BoolVar(&f.HTTP, "http", false, "serve plain HTTP instead of HTTPS")
	fs.StringVar(&f.CertFile, "cert", "", "serve this PEM certificate `file` instead of a self-signed one made at start (with --key)")
	fs.StringVar(&f.KeyFile, "key", "", "the PEM private key `file` of --cert")
	fs.DurationVar(&f.CommitLag, "commit-lag", 0, "commit each created payment up to this `duration` after it took its id, "+
		"so that concurrent creates commit out of id order (for tests of concurrent crediting)")
	fs.IntVar(&f.PasswordMinLength, "password-min-length", billmgrtest.DefaultPasswordMinLength,
		"refuse a client's new password (register, account.edit) shorter than `n` characters with value(passwd); "+
			"0 accepts any non-empty password")
}

// Server is a running fake.
type Server struct {
	// URL is the API endpoint: https://127.0.0.1:1500/billmgr.
	URL string
	// Pin is the certificate's pin (billmgr.PublicKeyPin), the value --pin-sha256 and
	// billmgr.WithPinnedCertificate take; "" over plain HTTP.
	Pin string
	// User and Password are the administrator's credentials.
	User, Password string

	handler     *billmgrtest.Handler
	seed        billmgrtest.Seed
	demo        bool
	newPassword string // the password of the suggested registration: long enough for --password-min-length
	srv         *http.Server
	served      chan error
}

// Start checks the flags, loads the data, listens, and serves in the background until
// Run's context ends. Its errors are the flags' fault (a missing file, a bad seed, an
// address in use) and name the flag.
func Start(f Flags) (*Server, error) {
	seed, err := f.seed()
	if err != nil {
		return nil, err
	}
	var cert *tls.Certificate
	switch {
	case f.HTTP && (f.CertFile != "" || f.KeyFile != ""):
		return nil, errors.New("--http serves no certificate: leave out --cert and --key")
	case (f.CertFile == "") != (f.KeyFile == ""):
		return nil, errors.New("--cert and --key go together: give both, or neither for a self-signed certificate")
	case f.CertFile != "":
		c, err := loadCertificate(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, err
		}
		cert = &c
	}
	if f.PasswordMinLength < 0 {
		return nil, fmt.Errorf("--password-min-length %d: want 0 (any password) or more", f.PasswordMinLength)
	}
	host, _, err := net.SplitHostPort(f.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: %w", f.Addr, err)
	}
	if cert == nil && !f.HTTP {
		c, err := selfSigned(host, time.Now())
		if err != nil {
			return nil, err
		}
		cert = &c
	}
	ln, err := net.Listen("tcp", f.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr: %w", err)
	}

	h := billmgrtest.NewHandler(billmgrtest.WithSeed(seed), billmgrtest.WithCommitLag(f.CommitLag),
		billmgrtest.WithPasswordPolicy(billmgrtest.PasswordPolicy{MinLength: f.PasswordMinLength}))
	s := &Server{
		User:        billmgrtest.DefaultAdminUser,
		Password:    billmgrtest.DefaultAdminPassword,
		handler:     h,
		seed:        seed,
		demo:        f.Demo,
		newPassword: suggestedPassword(f.PasswordMinLength),
		// A panel's web server speaks no HTTP/2: an empty TLSNextProto keeps it off.
		srv:    &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}},
		served: make(chan error, 1),
	}
	scheme := "http"
	if cert != nil {
		scheme = "https"
		s.Pin = billmgr.PublicKeyPin(cert.Leaf)
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{*cert},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"http/1.1"},
		})
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	s.URL = scheme + "://" + net.JoinHostPort(urlHost(host), port) + billmgrtest.APIPath
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// urlHost is the host to reach a server listening on host: loopback for every interface.
func urlHost(host string) string {
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return host
}

// seed is the demo data (with --demo) and then the seed file's, validated.
func (f Flags) seed() (billmgrtest.Seed, error) {
	var seed billmgrtest.Seed
	if f.Demo {
		seed = billmgrtest.Demo()
	}
	if f.SeedFile != "" {
		data, err := os.ReadFile(f.SeedFile)
		if err != nil {
			return seed, fmt.Errorf("--seed: %w", err)
		}
		var file billmgrtest.Seed
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&file); err != nil {
			return seed, fmt.Errorf("--seed %s: %w", f.SeedFile, err)
		}
		seed.Currencies = append(seed.Currencies, file.Currencies...)
		seed.Accounts = append(seed.Accounts, file.Accounts...)
	}
	if err := seed.Validate(); err != nil {
		return seed, fmt.Errorf("--seed: %w", err)
	}
	return seed, nil
}

// Run serves until ctx ends, then shuts the server down, giving requests in flight five
// seconds.
func (s *Server) Run(ctx context.Context) error {
	select {
	case err := <-s.served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(shutdown)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.served // http.ErrServerClosed
	return err
}

// clientsShown is how many seeded clients the banner names.
const clientsShown = 5

// Banner is what the commands print at start: where the fake is, how to trust it, who
// can log in, and commands of the billmgr command that work as printed, in order, on the
// demo data (with --demo) or on any data (without).
func (s *Server) Banner() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "BILLmanager fake, serving until interrupted (Ctrl-C); its state lives in memory only.\n")
	fmt.Fprintf(&b, "url:        %s\n", s.URL)
	if s.Pin != "" {
		fmt.Fprintf(&b, "pin-sha256: %s\n", s.Pin)
	}
	fmt.Fprintf(&b, "user:       %s\n", s.User)
	fmt.Fprintf(&b, "password:   %s\n", s.Password)
	for i, a := range s.seed.Accounts {
		label := "clients:   "
		if i > 0 {
			label = "           "
		}
		if i == clientsShown {
			fmt.Fprintf(&b, "%s and %d more\n", label, len(s.seed.Accounts)-clientsShown)
			break
		}
		password := a.Password
		if password == "" {
			password = "(none: cannot log in)"
		}
		fmt.Fprintf(&b, "%s %s / %s\n", label, a.Email, password)
	}
	if s.Pin != "" {
		b.WriteString("\nThe certificate is the fake's own, as a panel's on port 1500 usually is: trust it by its\n" +
			"pin (billmgr --pin-sha256, billmgr.WithPinnedCertificate), not by turning verification off.\n")
	}
	b.WriteString("\nTry, in another shell (the fake's password may sit in the environment; a real one\n" +
		"belongs in BILLMGR_PASSWORD_FILE):\n")
	for _, line := range s.Suggestions() {
		b.WriteString("  " + line + "\n")
	}
	if !s.demo {
		b.WriteString("Run the fake with --demo for clients with payments to try more on.\n")
	}
	return b.String()
}

// Suggestions are the banner's shell lines: the environment (and the pin in a shell
// variable) first, then billmgr commands that work as printed, in this order.
func (s *Server) Suggestions() []string {
	lines := []string{"export BILLMGR_URL=" + s.URL + " BILLMGR_USER=" + s.User + " BILLMGR_PASSWORD=" + s.Password}
	billmgr := "billmgr"
	if s.Pin != "" {
		lines = append(lines, "pin="+s.Pin)
		billmgr += " --pin-sha256 $pin"
	}
	lines = append(lines, billmgr+" accounts list")
	if s.demo {
		ann := s.handler.AccountID(demoClient)
		payments := s.handler.PaymentIDs(ann)
		lines = append(lines,
			billmgr+" payments list --account "+strconv.FormatInt(ann, 10),
			// The last of the demo client's payments is the new one.
			billmgr+" payments setpaid "+strconv.FormatInt(payments[len(payments)-1], 10),
			billmgr+" --as "+demoClient+" payments add --amount 10 --paymethod 2",
		)
	}
	return append(lines,
		"printf '"+s.newPassword+"\\n' | "+billmgr+" accounts register --email dana@example.com --realname 'Dana Scully' --passwd -")
}

// suggestedPassword is the password the banner's suggested registration gives: long
// enough for a password policy of minLength.
func suggestedPassword(minLength int) string {
	const password = "dana-secret"
	return password + strings.Repeat("x", max(minLength-len(password), 0))
}

// demoClient is the client of billmgrtest.Demo the suggestions act on.
const demoClient = "ann@example.com"
