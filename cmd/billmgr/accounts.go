package main

import (
	"context"
	"fmt"
	"iter"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// accountsCommand: billmgr accounts list|get|create|update|delete|register|login-url|
// set-filter|filter|sms|ticket|groups|providers.
func (a *app) accountsCommand() *cobra.Command {
	return group("accounts", "Clients: list, create, change, register, and their groups and providers",
		listCommand(a, listSpec[billmgr.Account, billmgr.AccountListOptions]{
			use: "list", short: "List clients", fn: "account",
			page: func(ctx context.Context, c *billmgr.Client, _ int64, o *billmgr.AccountListOptions) (*billmgr.Page[billmgr.Account], error) {
				return c.Accounts.List(ctx, o)
			},
			all: func(ctx context.Context, c *billmgr.Client, _ int64, o *billmgr.AccountListOptions) iter.Seq2[billmgr.Account, error] {
				return c.Accounts.All(ctx, o)
			},
		}),
		viewCommand(a, viewSpec[billmgr.AccountDetails]{
			use: "get ID", short: "Show a client", fn: "account.edit", object: true,
			get: func(ctx context.Context, c *billmgr.Client, _, id int64) (*billmgr.AccountDetails, error) {
				return c.Accounts.Get(ctx, id)
			},
		}),
		formCommand(a, formSpec[billmgr.AccountParams]{
			use: "create", short: "Create a client and print its id", fn: "account.edit", printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, _ int64, p *billmgr.AccountParams) (any, error) {
				return newID(c.Accounts.Create(ctx, p))
			},
		}),
		formCommand(a, formSpec[billmgr.AccountParams]{
			use: "update ID", short: "Change the parameters given as flags, and only those", fn: "account.edit",
			object: true, needChange: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, id int64, p *billmgr.AccountParams) (any, error) {
				return nil, c.Accounts.Update(ctx, id, p)
			},
		}),
		actionCommand(a, actionSpec{
			use: "delete ID...", short: "Delete clients", fn: "account.delete",
			act: func(ctx context.Context, c *billmgr.Client, _ int64, ids ...int64) error {
				return c.Accounts.Delete(ctx, ids...)
			},
		}),
		formCommand(a, formSpec[billmgr.RegisterParams]{
			use: "register", short: "Sign a client up as the registration form does and print the client's id (--passwd - reads the password from stdin)",
			fn: "register", printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, _ int64, p *billmgr.RegisterParams) (any, error) {
				return c.Accounts.Register(ctx, p)
			},
		}),
		a.loginURLCommand(),
		actionCommand(a, actionSpec{
			use: "set-filter ID", short: "Narrow later payment and expense lists to this client", fn: "account.setfilter",
			single: true,
			act: func(ctx context.Context, c *billmgr.Client, _ int64, ids ...int64) error {
				return c.Accounts.SetFilter(ctx, ids[0])
			},
		}),
		filterCommand(a, filterSpec[billmgr.AccountFilter, billmgr.AccountFilter]{
			fn: "account.filter",
			get: func(ctx context.Context, c *billmgr.Client, _ int64) (*billmgr.AccountFilter, error) {
				return c.Accounts.GetFilter(ctx)
			},
			save: func(ctx context.Context, c *billmgr.Client, _ int64, f *billmgr.AccountFilter) error {
				return c.Accounts.SaveFilter(ctx, f)
			},
			reset: func(ctx context.Context, c *billmgr.Client, _ int64) error { return c.Accounts.ResetFilter(ctx) },
		}),
		formCommand(a, formSpec[billmgr.SMSParams]{
			use: "sms ID", short: "Send a text message to a client", fn: "account.sms", object: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, id int64, p *billmgr.SMSParams) (any, error) {
				return nil, c.Accounts.SendSMS(ctx, id, p)
			},
		}),
		formCommand(a, formSpec[billmgr.TicketParams]{
			use: "ticket ID", short: "Write a support ticket to a client and print the ticket's id", fn: "ticket.write.account", object: true,
			printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, id int64, p *billmgr.TicketParams) (any, error) {
				return newID(c.Accounts.WriteTicket(ctx, id, p))
			},
		}),
		toggleCommand(a, "groups", "client groups", "account.group",
			(*billmgr.AccountsService).Groups, (*billmgr.AccountsService).SuspendGroups, (*billmgr.AccountsService).ResumeGroups),
		toggleCommand(a, "providers", "providers", "account.project",
			(*billmgr.AccountsService).Providers, (*billmgr.AccountsService).SuspendProviders, (*billmgr.AccountsService).ResumeProviders),
	)
}

// toggleCommand: the groups (or providers) of a client, each on or off: list, suspend
// (turn off), resume (turn on).
func toggleCommand[Row any](a *app, use, what, fn string,
	list func(*billmgr.AccountsService, context.Context, int64, *billmgr.ListOptions) (*billmgr.Page[Row], error),
	suspend, resume func(*billmgr.AccountsService, context.Context, int64, ...int64) error,
) *cobra.Command {
	turn := func(verb, onOff string, act func(*billmgr.AccountsService, context.Context, int64, ...int64) error) *cobra.Command {
		return actionCommand(a, actionSpec{
			use: verb + " ID...", short: fmt.Sprintf("Turn %s %s for a client", what, onOff), fn: fn + "." + verb,
			parent: accountParent,
			act: func(ctx context.Context, c *billmgr.Client, account int64, ids ...int64) error {
				return act(c.Accounts, ctx, account, ids...)
			},
		})
	}
	return group(use, "The "+what+" of a client, each on or off",
		listCommand(a, listSpec[Row, billmgr.ListOptions]{
			use: "list", short: "List the " + what + " and whether each is on for the client", fn: fn, parent: accountParent,
			page: func(ctx context.Context, c *billmgr.Client, account int64, o *billmgr.ListOptions) (*billmgr.Page[Row], error) {
				return list(c.Accounts, ctx, account, o)
			},
		}),
		turn("suspend", "off", suspend),
		turn("resume", "on", resume),
	)
}

// loginURLCommand prints a one-time URL that opens the panel as the client.
func (a *app) loginURLCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "login-url ID",
		Short: "Print a one-time URL that logs a browser into the panel as the client (keep it secret)",
		Args:  idArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, _ := parseID(args[0])
			c, err := a.client()
			if err != nil {
				return err
			}
			u, err := c.Accounts.LoginURL(cmd.Context(), id)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.out, u)
			return err
		},
	}
	calls(cmd, "account.su")
	return cmd
}
