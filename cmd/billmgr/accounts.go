package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

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
		a.accountGetCommand(),
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

// accountGetCommand shows a client's form, the client given by its id or its e-mail.
func (a *app) accountGetCommand() *cobra.Command {
	var email string
	cmd := &cobra.Command{
		Use:   "get ID | get --email EMAIL",
		Short: "Show a client, given by its id or its exact e-mail",
		Long: `Show a client's form, the client given by its id or by --email: the whole e-mail, ignoring
case, never a part of another client's (ann@example.com is not joann@example.com),
unlike the --email filter of accounts list, which matches a part. With -o ids it prints
the client's id alone, for scripts:

  ann=$(billmgr accounts get --email ann@example.com -o ids)

No client with the e-mail, or several (e-mails differing in case), exits 1.`,
		Args: idArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, _ := parseIDs(args)
			switch {
			case len(ids) > 0 && email != "":
				return usageErr("%s: give the client's id or --email, not both", cmd.CommandPath())
			case len(ids) == 0 && email == "":
				return usageErr("%s: want %s", cmd.CommandPath(), cmd.Use)
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			id := firstID(ids)
			if email != "" {
				found, err := c.Accounts.FindByEmail(cmd.Context(), email)
				if err != nil {
					return emailLookupError(err)
				}
				id = found.ID
			}
			d, err := c.Accounts.Get(cmd.Context(), id)
			if err != nil {
				return err
			}
			return printOne(a, d)
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the client's whole e-mail address (its login), ignoring case; never a part of another's")
	calls(cmd, "account", "account.edit")
	return cmd
}

// emailLookupError says, in the command's words, why no single client has the e-mail:
// an answer of the server's data, exit code 1. Any other error passes as it is.
func emailLookupError(err error) error {
	var lookup *billmgr.EmailLookupError
	if !errors.As(err, &lookup) {
		return err
	}
	switch {
	case len(lookup.IDs) > 0:
		ids := make([]string, len(lookup.IDs))
		for i, id := range lookup.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		err = fmt.Errorf("%d clients have the e-mail %s (ids %s): give the one meant by its id, billmgr accounts get ID",
			len(ids), lookup.Email, strings.Join(ids, ", "))
	case lookup.Filtered:
		err = fmt.Errorf("no client with the e-mail %s among those the client list shows, but the filter saved on the server "+
			"for the list may hide it: see it with 'billmgr accounts filter get', clear it with 'billmgr accounts filter reset'", lookup.Email)
	default:
		err = fmt.Errorf("no client with the e-mail %s", lookup.Email)
	}
	return withExitCode(exitAPI, err)
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
