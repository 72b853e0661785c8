package main

import (
	"context"
	"iter"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// clientResource is a resource inside a client's card (payments, personal accounts,
// discounts, expenses, tax rules, currency rates), described by the methods of its SDK
// service S: list, list every row, view, create, update and, when the API deletes it
// inside the client, delete. Its commands take the client as --account.
type clientResource[S, Row, Opts, Details, Params any] struct {
	use, short string
	service    func(*billmgr.Client) S
	// The API functions: the list, the form (view and update), create and delete.
	fnList, fnEdit, fnCreate, fnDelete string

	list func(S, context.Context, int64, *Opts) (*billmgr.Page[Row], error)
	all  func(S, context.Context, int64, *Opts) iter.Seq2[Row, error]
	get  func(S, context.Context, int64, int64) (*Details, error)
	// listCommand and getCommand, when set, replace the list and the view made of list,
	// all and get: a resource whose rows print more than the SDK's.
	listCommand, getCommand *cobra.Command
	create                  func(S, context.Context, int64, *Params) (int64, error)
	update                  func(S, context.Context, int64, int64, *Params) error
	delete                  func(S, context.Context, int64, ...int64) error // nil: not deleted per client
}

// command returns the resource's command with list, get, create, update and delete, and
// the extra subcommands.
func (r clientResource[S, Row, Opts, Details, Params]) command(a *app, extra ...*cobra.Command) *cobra.Command {
	list, get := r.listCommand, r.getCommand
	if list == nil {
		list = listCommand(a, listSpec[Row, Opts]{
			use: "list", short: "List the " + r.use + " of a client", fn: r.fnList, parent: accountParent,
			page: func(ctx context.Context, c *billmgr.Client, account int64, o *Opts) (*billmgr.Page[Row], error) {
				return r.list(r.service(c), ctx, account, o)
			},
			all: func(ctx context.Context, c *billmgr.Client, account int64, o *Opts) iter.Seq2[Row, error] {
				return r.all(r.service(c), ctx, account, o)
			},
		})
	}
	if get == nil {
		get = viewCommand(a, viewSpec[Details]{
			use: "get ID", short: "Show one of the " + r.use + " of a client", fn: r.fnEdit, parent: accountParent, object: true,
			get: func(ctx context.Context, c *billmgr.Client, account, id int64) (*Details, error) {
				return r.get(r.service(c), ctx, account, id)
			},
		})
	}
	subs := []*cobra.Command{
		list,
		get,
		formCommand(a, formSpec[Params]{
			use: "create", short: "Create one of the " + r.use + " of a client and print its id", fn: r.fnCreate,
			parent: accountParent, parentAs: "plid", printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, account, _ int64, p *Params) (any, error) {
				return newID(r.create(r.service(c), ctx, account, p))
			},
		}),
		formCommand(a, formSpec[Params]{
			use: "update ID", short: "Change the parameters given as flags, and only those", fn: r.fnEdit,
			parent: accountParent, parentAs: "plid", object: true, needChange: true,
			submit: func(ctx context.Context, c *billmgr.Client, account, id int64, p *Params) (any, error) {
				return nil, r.update(r.service(c), ctx, account, id, p)
			},
		}),
	}
	if r.delete != nil {
		subs = append(subs, actionCommand(a, actionSpec{
			use: "delete ID...", short: "Delete " + r.use + " of a client", fn: r.fnDelete, parent: accountParent,
			act: func(ctx context.Context, c *billmgr.Client, account int64, ids ...int64) error {
				return r.delete(r.service(c), ctx, account, ids...)
			},
		}))
	}
	return group(r.use, r.short, append(subs, extra...)...)
}
