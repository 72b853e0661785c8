package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// Exit codes. Where several apply, the command exits with the one a script must act on
// first: 4, then 5, then 3, then 1 (see exitCode and the import's summary).
const (
	exitOK      = 0
	exitAPI     = 1 // the server answered with an <error> (*billmgr.Error), or work is left for a person
	exitUsage   = 2 // bad flags, arguments or configuration
	exitFailure = 3 // network or protocol failure, nothing written: no answer, HTTP errors, not a BILLmanager reply
	exitUnknown = 4 // a write may have been applied (billmgr.ErrOutcomeUnknown): look before running it again
	exitAuth    = 5 // the server refused the credentials (billmgr.ErrAuth): nothing was done
)

// run runs the command line args with the process environment and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return execute(ctx, os.LookupEnv, args, stdin, stdout, stderr)
}

// execute runs args with the environment lookupEnv and returns the exit code.
func execute(ctx context.Context, lookupEnv func(string) (string, bool), args []string,
	stdin io.Reader, stdout, stderr io.Writer,
) int {
	a := &app{env: lookupEnv, stdin: bufio.NewReader(stdin), stdout: stdout, stderr: stderr, terminal: isTerminal}
	return a.execute(ctx, args)
}

// execute runs args and returns the exit code.
func (a *app) execute(ctx context.Context, args []string) int {
	a.out = bufio.NewWriterSize(a.stdout, 64<<10)
	a.stderrTerminal = a.terminal(a.stderr)
	if a.waitAfter == 0 {
		a.waitAfter = waitNotice
	}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if a.waiter != nil {
		a.waiter.finish()
	}
	if a.cancel != nil {
		a.cancel()
	}
	if ferr := a.out.Flush(); err == nil && ferr != nil {
		err = &runError{ferr}
	}
	return a.report(cmd, err)
}

// app is one run of the command: its streams, its environment and the global flags.
type app struct {
	env    func(string) (string, bool)
	stdin  *bufio.Reader
	stdout io.Writer // for terminal detection; write through out
	stderr io.Writer
	out    *bufio.Writer
	// terminal reports whether stdout or stderr is a terminal (isTerminal).
	terminal       func(w any) bool
	stderrTerminal bool
	waitAfter      time.Duration // how long a request waits before the notice (waitNotice)
	waiter         *waiter       // the notice of the requests in flight, on a terminal

	g           globals
	dryRun      bool // --dry-run
	dryRunReads bool // the command reads from the server with --dry-run (dryRunReads)

	dryRequest *dryRequest // the write a --dry-run client did not send

	cancel context.CancelFunc // ends the --timeout context

	traceMu sync.Mutex // one exchange at a time on stderr (--trace)

	stdinTaken string          // what consumed stdin already, for a clear conflict error
	warned     bool            // the --password warning was printed
	cached     *billmgr.Client // built on first use
}

// globals are the persistent flags of the root command.
type globals struct {
	url, user, password string
	passwordStdin       bool
	session             bool
	as, lang, tz        string
	caFile, pin         string
	insecure            bool
	allowInsecureHTTP   bool
	output              string
	debug, trace        bool
	timeout             time.Duration
}

// defaultTimeout bounds a command that calls the API, every request and retry of it
// included (--timeout): generous for a walk of a long list, short of hanging a script.
const defaultTimeout = 5 * time.Minute

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:                        "billmgr",
		Short:                      "Call the BILLmanager account API from scripts and the shell",
		SuggestionsMinimumDistance: 2,
		Long: `billmgr calls the BILLmanager account API: clients (accounts), payments, personal
accounts (subaccounts), discounts, expenses, tax rules and currency rates.

Configuration comes from flags or the environment: --url/BILLMGR_URL, --user/BILLMGR_USER,
and the password from BILLMGR_PASSWORD_FILE, --password-stdin or BILLMGR_PASSWORD.

Every command that calls the API gives up after --timeout (5m by default; 0 for no
limit), all of its requests and retries included; payments import gives each line of the
statement that long. On a terminal, a request that gets no
reply for a few seconds says on stderr what it waits for: the function, the server, for
how long, and when --timeout ends the command.

Flags are named like the API's parameters, in kebab case: --account-status for
account_status (the API's spelling works too).

Exit codes: 0 success; 1 the server refused the call (an API error); 2 usage (bad flags,
arguments or configuration); 3 network or protocol failure, nothing written: safe to run
again; 4 a write may have been applied (it went out and no verdict came back): look the
object up before running it again; 5 the server refused the credentials (a wrong user or
password): nothing was done. Where several apply: 4, then 5, then 3, then 1.`,
		Version:           billmgr.Version,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return a.prepare(cmd, args) },
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// payments lst --account 12: the flags belong to the command meant, not to the group.
		if args := cmd.Flags().Args(); cmd.HasSubCommands() && len(args) > 0 {
			return unknownCommand(cmd, args[0])
		}
		return usageErr("%v", err)
	})
	f := root.PersistentFlags()
	f.StringVar(&a.g.url, "url", "", "API URL, https://host:1500/billmgr (env BILLMGR_URL)")
	f.StringVar(&a.g.user, "user", "", "user name (env BILLMGR_USER)")
	f.StringVar(&a.g.password, "password", "", "password; visible to other users: prefer BILLMGR_PASSWORD_FILE or --password-stdin")
	f.BoolVar(&a.g.passwordStdin, "password-stdin", false, "read the password from the first line of stdin")
	f.BoolVar(&a.g.session, "session", false, "log in once (func=auth) and use the session for every call of this run")
	f.StringVar(&a.g.as, "as", "", "act as this `user` (su), e.g. a client's e-mail")
	f.StringVar(&a.g.lang, "lang", "", "language of messages and labels: en or ru (env BILLMGR_LANG, default en)")
	f.StringVar(&a.g.tz, "tz", "", "the server's time `zone`, e.g. Europe/Moscow (env BILLMGR_TZ, default UTC)")
	f.StringVar(&a.g.caFile, "ca-file", "", "trust the PEM certificates in this `file` instead of the system roots")
	f.StringVar(&a.g.pin, "pin-sha256", "", "trust only the server whose certificate key has this SHA-256 (`hex`), as billmgr tls pin shows it (env BILLMGR_PIN_SHA256)")
	f.BoolVar(&a.g.insecure, "insecure", false, "accept any certificate (anyone on the path can read the password)")
	f.BoolVar(&a.g.allowInsecureHTTP, "allow-insecure-http", false, "send the password over plain http:// to another machine, "+
		"in clear for anyone on the path (env "+allowInsecureHTTPEnv+"=1); http:// to this machine needs no permission")
	f.StringVarP(&a.g.output, "output", "o", "", "output format: table, json, jsonl, csv or ids (default table on a terminal, json otherwise)")
	f.BoolVar(&a.g.debug, "debug", false, "log every call on stderr (secrets redacted)")
	f.BoolVar(&a.g.trace, "trace", false, "print every request and reply on stderr: method, URL, parameters, HTTP status, "+
		"duration and the start of the reply, indented (secrets redacted)")
	f.BoolVar(&a.dryRun, "dry-run", false, "for a write: print the request (function and parameters, secrets redacted) and send nothing")
	f.DurationVar(&a.g.timeout, "timeout", defaultTimeout, "give up the command after this `duration`, every request and retry included (e.g. 30s, 10m; 0 for no limit)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formatNames(), cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"en", "ru"}, cobra.ShellCompDirectiveNoFileComp))

	root.AddCommand(
		a.accountsCommand(),
		a.paymentsCommand(),
		a.subaccountsCommand(),
		a.discountsCommand(),
		a.expensesCommand(),
		a.taxRulesCommand(),
		a.currencyRatesCommand(),
		a.callCommand(),
		a.tlsCommand(),
	)
	root.AddCommand(a.fakeCommand())
	root.SetGlobalNormalizationFunc(normalizeFlag)
	a.markRunErrors(root)
	return root
}

// prepare checks the global flags and starts the --timeout of the command cmd, and the
// notice of its requests in flight.
func (a *app) prepare(cmd *cobra.Command, args []string) error {
	if err := a.checkGlobals(cmd); err != nil {
		return err
	}
	if a.g.timeout > 0 && cmd.Annotations[timeoutAnnotation] == "" {
		ctx, cancel := context.WithTimeout(cmd.Context(), a.g.timeout)
		a.cancel = cancel
		cmd.SetContext(ctx)
	}
	cmd.SetContext(a.waitingFor(cmd.Context(), cmd, args))
	return nil
}

// checkGlobals validates the global flags for the command cmd.
func (a *app) checkGlobals(cmd *cobra.Command) error {
	if a.g.output != "" && cmd.Flags().Lookup("output-file") != nil {
		return usageErr("-o is the output format, and %s prints no records: write the file with --output-file FILE", cmd.CommandPath())
	}
	if a.g.output != "" && !validFormat(a.g.output) {
		return usageErr("-o %q: want one of %s", a.g.output, strings.Join(formatNames(), ", "))
	}
	if a.dryRun && cmd.Annotations[dryRunAnnotation] == "" {
		return usageErr("--dry-run: %s changes nothing; --dry-run applies to commands that write", cmd.CommandPath())
	}
	a.dryRunReads = cmd.Annotations[dryRunAnnotation] == dryRunReads
	if a.g.timeout < 0 {
		return usageErr("--timeout %v: want a positive duration, or 0 for no limit", a.g.timeout)
	}
	return nil
}

// setting returns the flag value when set, else the environment variable.
func (a *app) setting(flag, env string) string {
	if flag != "" {
		return flag
	}
	v, _ := a.env(env)
	return v
}

// dryRunReads is the dryRunAnnotation of a command that reads from the server with
// --dry-run, to report what it would write (payments import): its client has the
// credentials, and sends no write.
const dryRunReads = "reads"

// client returns the SDK client configured by the flags and the environment.
func (a *app) client() (*billmgr.Client, error) {
	if a.cached != nil {
		return a.cached, nil
	}
	opts, err := a.clientOptions()
	if err != nil {
		return nil, err
	}
	base := a.setting(a.g.url, "BILLMGR_URL")
	if a.dryRun {
		// No write sent: the SDK hands the request to recordRequest (see
		// billmgr.WithDryRun), so --dry-run prints exactly what would go out.
		opts = append(opts, billmgr.WithDryRun(a.recordRequest))
	}
	if a.dryRun && !a.dryRunReads {
		// No credentials either: the command reads nothing.
		base = cmp.Or(base, "https://billing.example.com/billmgr")
		u, err := a.checkedURL(base)
		if err != nil {
			return nil, err
		}
		if err := a.checkPlainHTTP(u, false); err != nil {
			return nil, err
		}
	} else {
		auth, err := a.credentials(base)
		if err != nil {
			return nil, err
		}
		opts = append(opts, auth)
	}
	c, err := billmgr.NewClient(base, opts...)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	if a.g.as != "" {
		c = c.As(a.g.as)
	}
	a.cached = c
	return c, nil
}

// credentials is the authentication option of the flags and the environment, for the API
// URL base (of --url or BILLMGR_URL), which they are refused for when it is plain http://
// to another machine (see checkPlainHTTP).
func (a *app) credentials(base string) (billmgr.Option, error) {
	u, err := a.checkedURL(base)
	if err != nil {
		return nil, err
	}
	if err := a.checkPlainHTTP(u, true); err != nil {
		return nil, err
	}
	user := a.setting(a.g.user, "BILLMGR_USER")
	if user == "" {
		return nil, usageErr("no user: set --user or BILLMGR_USER")
	}
	password, err := a.password()
	if err != nil {
		return nil, err
	}
	if a.g.session {
		return billmgr.WithSession(user, password), nil
	}
	return billmgr.WithAuthInfo(user, password), nil
}

// dryRequest is a write that --dry-run did not send.
type dryRequest struct {
	fn     string
	params url.Values
}

func (a *app) recordRequest(fn string, params url.Values) {
	params.Del("func")
	a.dryRequest = &dryRequest{fn: fn, params: params}
}

// clientOptions are the options of the global flags besides the credentials.
func (a *app) clientOptions() ([]billmgr.Option, error) {
	opts := []billmgr.Option{billmgr.WithUserAgent("billmgr-cli/" + billmgr.Version)}
	if lang := a.setting(a.g.lang, "BILLMGR_LANG"); lang != "" {
		if lang != "en" && lang != "ru" {
			return nil, usageErr("--lang %q: want en or ru", lang)
		}
		opts = append(opts, billmgr.WithLang(lang))
	}
	loc, err := a.location()
	if err != nil {
		return nil, err
	}
	opts = append(opts, billmgr.WithLocation(loc))
	roots, err := a.rootCAs()
	if err != nil {
		return nil, err
	}
	if roots != nil {
		opts = append(opts, billmgr.WithRootCAs(roots))
	}
	pin, err := a.pinOption()
	if err != nil {
		return nil, err
	}
	if pin != nil {
		opts = append(opts, pin)
	}
	if a.g.insecure {
		opts = append(opts, billmgr.WithInsecureSkipVerify())
	}
	if a.g.debug {
		h := slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		opts = append(opts, billmgr.WithLogger(slog.New(h)))
	}
	if a.g.trace {
		opts = append(opts, billmgr.WithTrace(func(_ context.Context, t billmgr.Trace) { a.printTrace(t) }))
	}
	return opts, nil
}

// rootCAs are the certificates of --ca-file, or nil for the system's.
func (a *app) rootCAs() (*x509.CertPool, error) {
	if a.g.caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(a.g.caFile)
	if err != nil {
		return nil, usageErr("--ca-file: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, usageErr("--ca-file %s: no PEM certificate in the file", a.g.caFile)
	}
	return pool, nil
}

// location is the server's time zone of --tz or BILLMGR_TZ, UTC by default. Dates in
// replies are read, and dates in flags are written, as wall-clock time there.
func (a *app) location() (*time.Location, error) {
	name := a.setting(a.g.tz, "BILLMGR_TZ")
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, usageErr("--tz: %v", err)
	}
	return loc, nil
}

// password reads the password from, in this order: --password-stdin, --password,
// BILLMGR_PASSWORD_FILE, BILLMGR_PASSWORD. --password warns, since argv is visible to
// every user of the machine.
func (a *app) password() (string, error) {
	switch {
	case a.g.passwordStdin && a.g.password != "":
		return "", usageErr("--password and --password-stdin exclude each other")
	case a.g.passwordStdin:
		return a.stdinLine("--password-stdin")
	case a.g.password != "":
		if !a.warned {
			a.warned = true
			fmt.Fprintln(a.stderr, "warning: a password in the command line is visible to other users and kept in shell history; "+
				"use BILLMGR_PASSWORD_FILE or --password-stdin")
		}
		return a.g.password, nil
	}
	if file, ok := a.env("BILLMGR_PASSWORD_FILE"); ok && file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", usageErr("BILLMGR_PASSWORD_FILE: %v", err)
		}
		pw := strings.TrimRight(string(b), "\r\n")
		if pw == "" {
			return "", usageErr("BILLMGR_PASSWORD_FILE %s is empty", file)
		}
		return pw, nil
	}
	if pw, ok := a.env("BILLMGR_PASSWORD"); ok && pw != "" {
		return pw, nil
	}
	return "", usageErr("no password: set BILLMGR_PASSWORD_FILE, --password-stdin or BILLMGR_PASSWORD")
}

// stdinLine reads one line of stdin for what (a flag). Stdin can serve one reader only.
func (a *app) stdinLine(what string) (string, error) {
	if a.stdinTaken != "" {
		return "", usageErr("%s: stdin is already read for %s", what, a.stdinTaken)
	}
	a.stdinTaken = what
	line, err := a.stdin.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", usageErr("%s: reading stdin: %v", what, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageErr("%s: stdin is empty", what)
	}
	return line, nil
}

// usageError is a mistake in the command line or the configuration: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// exitError is the error of a command that knows which exit code its failure deserves,
// where the error's own type would say otherwise (see exitCode). Its message is the
// command's own, printed as it is.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExitCode makes err end the command with exit code code.
func withExitCode(code int, err error) error { return &exitError{code: code, err: err} }

// runError marks an error returned by a command's RunE, as opposed to one cobra found in
// the command line before running anything.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// markRunErrors wraps the RunE of every command so that report can tell its errors from
// cobra's.
func (a *app) markRunErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			err := run(cmd, args)
			if errors.Is(err, billmgr.ErrDryRun) && a.dryRequest != nil {
				err = a.printRequest(a.dryRequest.fn, a.dryRequest.params)
			}
			if errors.Is(err, billmgr.ErrInvalidArgument) {
				return usageErr("%v", err)
			}
			if err != nil {
				return &runError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		a.markRunErrors(sub)
	}
}

// report prints err on stderr and returns the exit code it deserves.
func (a *app) report(cmd *cobra.Command, err error) int {
	if err == nil {
		return exitOK
	}
	var (
		usage  *usageError
		ran    *runError
		coded  *exitError
		apiErr *billmgr.Error
	)
	if errors.As(err, &usage) || !errors.As(err, &ran) {
		fmt.Fprintf(a.stderr, "error: %s\nRun '%s --help' for usage.\n", strings.TrimRight(err.Error(), "\n"), cmd.CommandPath())
		return exitUsage
	}
	code := exitCode(err)
	switch {
	case errors.As(err, &coded):
		fmt.Fprintf(a.stderr, "error: %v\n", err)
	case code == exitAPI && errors.As(err, &apiErr):
		fmt.Fprintln(a.stderr, "error: "+describeAPIError(apiErr))
		return exitAPI
	case code == exitAuth && errors.As(err, &apiErr):
		fmt.Fprintln(a.stderr, "error: "+describeAPIError(apiErr))
	case errors.Is(err, billmgr.ErrUntrustedCertificate):
		msg, advice := a.untrusted(err)
		fmt.Fprintln(a.stderr, "error: "+msg)
		for _, line := range advice {
			fmt.Fprintln(a.stderr, line)
		}
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(a.stderr, "error: interrupted")
	default:
		fmt.Fprintf(a.stderr, "error: %v\n", err)
	}
	for _, hint := range a.hints(err) {
		fmt.Fprintln(a.stderr, "hint: "+hint)
	}
	return code
}

// exitCode is the exit code of err, the failure of a command's run: the code the command
// gave it (*exitError); else 4 when a write may have been applied, which wins over the
// rest, since running it again blindly may apply it twice; 5 when the server refused the
// credentials; 1 when it refused the call; 3 for any other failure, which wrote nothing.
func exitCode(err error) int {
	var (
		coded  *exitError
		apiErr *billmgr.Error
	)
	switch {
	case errors.As(err, &coded):
		return coded.code
	case errors.Is(err, billmgr.ErrOutcomeUnknown):
		return exitUnknown
	case errors.Is(err, billmgr.ErrAuth):
		return exitAuth
	case errors.As(err, &apiErr):
		return exitAPI
	}
	return exitFailure
}

// hints say what to do after a failure: credentials refused, a network or protocol
// failure.
func (a *app) hints(err error) []string {
	var hints []string
	if errors.Is(err, billmgr.ErrAuth) {
		hints = append(hints, "the server refused the credentials: check the user (--user, BILLMGR_USER) and the password "+
			"(BILLMGR_PASSWORD_FILE, --password-stdin or BILLMGR_PASSWORD)")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		hints = append(hints, fmt.Sprintf("--timeout %v ran out; raise it, or --timeout 0 for no limit", a.g.timeout))
	}
	if errors.Is(err, billmgr.ErrOutcomeUnknown) {
		hints = append(hints, "the server may have applied the call: look the object up (list, get) before running it again")
	}
	return hints
}

// describeAPIError reads like "value(amount): The amount exceeds the payment": the type,
// the object and the server's message.
func describeAPIError(e *billmgr.Error) string {
	s := e.Type
	if e.Object != "" {
		s += "(" + e.Object + ")"
	}
	msg := strings.TrimSpace(e.Msg)
	if msg == "" {
		msg = strings.TrimSpace(e.Detail)
	}
	if msg != "" {
		s += ": " + msg
	}
	if detail := strings.TrimSpace(e.Detail); detail != "" && !strings.Contains(msg, detail) {
		s += "\n  " + detail
	}
	return s
}
