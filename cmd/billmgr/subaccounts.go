package main

import (
	"context"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// subaccountsCommand: billmgr subaccounts list|get|create|update|suspend|resume|refund.
func (a *app) subaccountsCommand() *cobra.Command {
	return clientResource[*billmgr.SubaccountsService, billmgr.Subaccount, billmgr.SubaccountListOptions,
		billmgr.SubaccountDetails, billmgr.SubaccountParams]{
		use: "subaccounts", short: "A client's personal accounts (one per provider and currency)",
		service:  func(c *billmgr.Client) *billmgr.SubaccountsService { return c.Subaccounts },
		fnList:   "subaccount",
		fnEdit:   "subaccount.edit",
		fnCreate: "subaccount.edit",
		list:     (*billmgr.SubaccountsService).List,
		all:      (*billmgr.SubaccountsService).All,
		get:      (*billmgr.SubaccountsService).Get,
		create:   (*billmgr.SubaccountsService).Create,
		update:   (*billmgr.SubaccountsService).Update,
	}.command(a,
		actionCommand(a, actionSpec{
			use: "suspend ID...", short: "Suspend personal accounts", fn: "subaccount.suspend",
			act: func(ctx context.Context, c *billmgr.Client, _ int64, ids ...int64) error {
				return c.Subaccounts.Suspend(ctx, ids...)
			},
		}),
		actionCommand(a, actionSpec{
			use: "resume ID...", short: "Resume personal accounts", fn: "subaccount.resume",
			act: func(ctx context.Context, c *billmgr.Client, _ int64, ids ...int64) error {
				return c.Subaccounts.Resume(ctx, ids...)
			},
		}),
		formCommand(a, formSpec[billmgr.SubaccountRefundParams]{
			use: "refund ID", short: "Withdraw --amount from a personal account", fn: "subaccount.refund",
			parent: accountParent, parentAs: "plid", object: true,
			submit: func(ctx context.Context, c *billmgr.Client, account, id int64, p *billmgr.SubaccountRefundParams) (any, error) {
				return nil, c.Subaccounts.Refund(ctx, account, id, p)
			},
		}),
	)
}
