package main

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// The shapes every resource shares: a list (one page, or every row with --all), a view of
// one record, a form that creates or changes one (with --dry-run), and a group action on
// ids (with --dry-run). Resource files describe their commands with these and add nothing
// else but what is unique to them.

// parent names the id a command's objects belong to: a client (--account) or a payment
// (--payment). The zero parent is none.
type parent string

const (
	noParent      parent = ""
	accountParent parent = "account"
	paymentParent parent = "payment"
)

// flag registers the required --account or --payment flag and returns its value.
func (p parent) flag(cmd *cobra.Command) *int64 {
	id := new(int64)
	if p != noParent {
		what := map[parent]string{accountParent: "client", paymentParent: "payment"}[p]
		cmd.Flags().Var(&idValue{id}, string(p), "the "+what+"'s id")
		requireFlag(cmd, string(p))
	}
	return id
}

// idValue is a flag holding a positive id.
type idValue struct{ id *int64 }

func (v *idValue) String() string {
	if *v.id == 0 {
		return ""
	}
	return strconv.FormatInt(*v.id, 10)
}

func (v *idValue) Type() string { return "ID" }

func (v *idValue) Set(s string) error {
	id, err := parseID(s)
	if err != nil {
		return err
	}
	*v.id = id
	return nil
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not an id (a positive integer)", s)
	}
	return id, nil
}

// idArgs accepts between min and max ids (max < 0: any number).
func idArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < min:
			return usageErr("%s: want %s", cmd.CommandPath(), cmd.Use)
		case max >= 0 && len(args) > max:
			return usageErr("%s: too many arguments; want %s", cmd.CommandPath(), cmd.Use)
		}
		_, err := parseIDs(args)
		return err
	}
}

func parseIDs(args []string) ([]int64, error) {
	ids := make([]int64, len(args))
	for i, s := range args {
		id, err := parseID(s)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		ids[i] = id
	}
	return ids, nil
}

// noOptions are the options of a list that has none.
type noOptions struct{}

// listSpec is a list command of function fn. page fetches one page; all, when set,
// enables --all. With byArg, the parent is the command's one argument rather than a flag.
type listSpec[Row, Opts any] struct {
	use, short, fn string
	parent         parent
	byArg          bool
	page           func(ctx context.Context, c *billmgr.Client, parent int64, o *Opts) (*billmgr.Page[Row], error)
	all            func(ctx context.Context, c *billmgr.Client, parent int64, o *Opts) iter.Seq2[Row, error]
}

func listCommand[Row, Opts any](a *app, s listSpec[Row, Opts]) *cobra.Command {
	cmd := &cobra.Command{Use: s.use, Short: s.short, Args: idArgs(0, 0)}
	calls(cmd, s.fn)
	var parentID *int64
	if s.byArg {
		parentID = new(int64)
		cmd.Args = idArgs(1, 1)
	} else {
		parentID = s.parent.flag(cmd)
	}
	opts := new(Opts)
	a.bindParams(cmd, binding{fn: s.fn, columns: sortColumns(reflect.TypeFor[Row]())}, opts)
	var every bool
	if s.all != nil {
		cmd.Flags().BoolVar(&every, "all", false, "every row, page after page, printed as it comes")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := a.client()
		if err != nil {
			return err
		}
		if s.byArg {
			*parentID, _ = parseID(args[0])
		}
		ctx := cmd.Context()
		if every {
			return printRows(a, s.all(ctx, c, *parentID, opts), true)
		}
		page, err := s.page(ctx, c, *parentID, opts)
		if err != nil {
			return err
		}
		if err := printRows(a, rowsOf(page.Items), false); err != nil {
			return err
		}
		notePartial(a, page, s.all != nil)
		return nil
	}
	return cmd
}

// rowsOf yields the rows of a page.
func rowsOf[Row any](rows []Row) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// pageAll is the page of a list the SDK returns whole, for listSpec.page.
func pageAll[Row any](rows []Row, err error) (*billmgr.Page[Row], error) {
	if err != nil {
		return nil, err
	}
	return &billmgr.Page[Row]{Items: rows, Number: 1, Size: len(rows), Total: len(rows)}, nil
}

// notePartial tells on stderr when a page is not the whole list, so that a script does
// not take one page for every row.
func notePartial[Row any](a *app, p *billmgr.Page[Row], canAll bool) {
	if p.Total <= len(p.Items) {
		return
	}
	hint := "--page N for another page"
	if canAll {
		hint = "--all for every row, or " + hint
	}
	fmt.Fprintf(a.stderr, "note: page %d shows %d of %d rows; %s\n", p.Number, len(p.Items), p.Total, hint)
}

// viewSpec shows one record, read with function fn. With object, the record's id is the
// argument.
type viewSpec[D any] struct {
	use, short, fn string
	parent         parent
	object         bool
	get            func(ctx context.Context, c *billmgr.Client, parent, id int64) (*D, error)
}

func viewCommand[D any](a *app, s viewSpec[D]) *cobra.Command {
	cmd := &cobra.Command{Use: s.use, Short: s.short, Args: idArgs(0, 0)}
	calls(cmd, s.fn)
	if s.object {
		cmd.Args = idArgs(1, 1)
	}
	parentID := s.parent.flag(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ids, _ := parseIDs(args)
		c, err := a.client()
		if err != nil {
			return err
		}
		d, err := s.get(cmd.Context(), c, *parentID, firstID(ids))
		if err != nil {
			return err
		}
		return printOne(a, d)
	}
	return cmd
}

func firstID(ids []int64) int64 {
	if len(ids) == 0 {
		return 0
	}
	return ids[0]
}

// formSpec submits a form (sok=ok): fn with the parent as parentAs (plid or elid) and,
// with object, the argument as elid. submit returns what to print (the new object's id,
// a registration), or nil to print nothing.
type formSpec[P any] struct {
	use, short, fn string
	parent         parent
	parentAs       string
	object         bool
	// needChange refuses to send a form without any parameter flag (an update).
	needChange bool
	// printsID marks a form that creates an object: without -o it prints the new id alone.
	printsID bool
	submit   func(ctx context.Context, c *billmgr.Client, parent, id int64, p *P) (any, error)
}

// printsIDHelp is what a create says it prints.
const printsIDHelp = `It prints the new id alone on a line, on a terminal or not, for id=$(billmgr ...) to
take; -o json (or another format) prints the record instead, e.g. {"id":"25"}.`

func formCommand[P any](a *app, s formSpec[P]) *cobra.Command {
	cmd := &cobra.Command{Use: s.use, Short: s.short, Args: idArgs(0, 0)}
	calls(cmd, s.fn)
	if s.object {
		cmd.Args = idArgs(1, 1)
	}
	parentID := s.parent.flag(cmd)
	if s.printsID {
		cmd.Long = s.short + ".\n\n" + printsIDHelp
	}
	p := new(P)
	bound := a.bindParams(cmd, binding{fn: s.fn, create: !s.object}, p)
	allowDryRun(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ids, _ := parseIDs(args)
		id := firstID(ids)
		if s.needChange && !bound.changed(cmd) {
			return usageErr("%s: nothing to change: set at least one parameter flag (see --help)", cmd.CommandPath())
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		result, err := s.submit(cmd.Context(), c, *parentID, id, p)
		switch {
		case err != nil || result == nil:
			return err
		case s.printsID && a.g.output == "":
			return printRecord(a, formatIDs, result)
		}
		return printOne(a, result)
	}
	return cmd
}

// created is what a create prints: the new object's id.
type created struct {
	ID int64 `xml:"id"`
}

// newID is the result of a create for formSpec.submit: the id, or nothing when the
// reply named none.
func newID(id int64, err error) (any, error) {
	if err != nil || id == 0 {
		return nil, err
	}
	return &created{ID: id}, nil
}

// filterSpec is the saved filter of a list: get shows it, save replaces it with the flags
// given (every field is sent, the unset ones blank), reset clears it.
type filterSpec[F, D any] struct {
	fn     string
	parent parent // the client whose list it is, sent as elid; none for the client list
	get    func(ctx context.Context, c *billmgr.Client, parent int64) (*D, error)
	save   func(ctx context.Context, c *billmgr.Client, parent int64, f *F) error
	reset  func(ctx context.Context, c *billmgr.Client, parent int64) error
}

func filterCommand[F, D any](a *app, s filterSpec[F, D]) *cobra.Command {
	parentAs := ""
	if s.parent != noParent {
		parentAs = "elid"
	}
	return group("filter", "The filter saved on the server for the list (it applies to every later list until reset)",
		viewCommand(a, viewSpec[D]{
			use: "get", short: "Show the saved filter", fn: s.fn, parent: s.parent,
			get: func(ctx context.Context, c *billmgr.Client, parent, _ int64) (*D, error) {
				return s.get(ctx, c, parent)
			},
		}),
		formCommand(a, formSpec[F]{
			use: "save", short: "Replace the saved filter with the fields given", fn: s.fn,
			parent: s.parent, parentAs: parentAs,
			submit: func(ctx context.Context, c *billmgr.Client, parent, _ int64, f *F) (any, error) {
				return nil, s.save(ctx, c, parent, f)
			},
		}),
		formCommand(a, formSpec[noOptions]{
			use: "reset", short: "Clear the saved filter", fn: s.fn, parent: s.parent, parentAs: parentAs,
			submit: func(ctx context.Context, c *billmgr.Client, parent, _ int64, _ *noOptions) (any, error) {
				return nil, s.reset(ctx, c, parent)
			},
		}),
	)
}

// actionSpec is a group action on the ids in the arguments (elid=1, 2, 3), inside the
// parent (plid) when there is one. With single, it takes exactly one id.
type actionSpec struct {
	use, short, fn string
	parent         parent
	single         bool
	act            func(ctx context.Context, c *billmgr.Client, parent int64, ids ...int64) error
}

func actionCommand(a *app, s actionSpec) *cobra.Command {
	cmd := &cobra.Command{Use: s.use, Short: s.short, Args: idArgs(1, -1)}
	calls(cmd, s.fn)
	if s.single {
		cmd.Args = idArgs(1, 1)
	}
	parentID := s.parent.flag(cmd)
	allowDryRun(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ids, _ := parseIDs(args)
		c, err := a.client()
		if err != nil {
			return err
		}
		return s.act(cmd.Context(), c, *parentID, ids...)
	}
	return cmd
}

// Annotations of commands: dryRunAnnotation marks the commands that honour the global
// --dry-run; funcAnnotation names the API functions a command calls, which a slow reply's
// notice names; timeoutAnnotation marks the commands that apply --timeout themselves
// instead of to the whole command (see ownTimeout).
const (
	dryRunAnnotation  = "billmgr/dry-run"
	funcAnnotation    = "billmgr/func"
	timeoutAnnotation = "billmgr/timeout"
)

// ownTimeout marks cmd as applying --timeout itself, as how says: fake serves until it is
// stopped, import gives each line of a statement the whole --timeout.
func ownTimeout(cmd *cobra.Command, how string) { annotate(cmd, timeoutAnnotation, how) }

// annotate sets the annotation key of cmd.
func annotate(cmd *cobra.Command, key, value string) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[key] = value
}

// allowDryRun marks cmd as a write that prints its request with --dry-run.
func allowDryRun(cmd *cobra.Command) { annotate(cmd, dryRunAnnotation, "yes") }

// calls records that cmd calls the API functions fns.
func calls(cmd *cobra.Command, fns ...string) { annotate(cmd, funcAnnotation, strings.Join(fns, ", ")) }

// printRequest prints the request a write would send: the function, then the parameters
// in key order, as billmgr.WithDryRun hands them over: without credentials, secrets
// redacted.
func (a *app) printRequest(fn string, params url.Values) error {
	shown := map[string]string{}
	for k, v := range params {
		shown[k] = strings.Join(v, ",")
	}
	if f := a.format(); f == formatJSON || f == formatJSONL {
		b, err := json.Marshal(struct {
			Func   string            `json:"func"`
			Params map[string]string `json:"params"`
		}{fn, shown})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.out, "%s\n", b)
		return err
	}
	fmt.Fprintf(a.out, "func=%s\n", fn)
	for _, k := range slices.Sorted(maps.Keys(shown)) {
		fmt.Fprintf(a.out, "%s=%s\n", k, shown[k])
	}
	return nil
}

// group returns a command that groups the subcommands. Alone it prints its help; with an
// unknown subcommand it is a usage error that suggests the subcommands it resembles.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Args: cobra.ArbitraryArgs, SuggestionsMinimumDistance: 2}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return unknownCommand(cmd, args[0])
		}
		return cmd.Help()
	}
	cmd.AddCommand(subs...)
	return cmd
}

// unknownCommand is the usage error of name, not a subcommand of the group cmd: as cobra
// words it for the root command, with the subcommands it resembles (payments lst: list).
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	if suggestions := cmd.SuggestionsFor(name); len(suggestions) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(suggestions, "\n\t")
	}
	return usageErr("%s", msg)
}
