package main

import (
	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// discountsCommand: billmgr discounts list|get|create|update|delete.
func (a *app) discountsCommand() *cobra.Command {
	return clientResource[*billmgr.DiscountsService, billmgr.Discount, billmgr.DiscountListOptions,
		billmgr.DiscountDetails, billmgr.DiscountParams]{
		use: "discounts", short: "A client's personal discounts",
		service:  func(c *billmgr.Client) *billmgr.DiscountsService { return c.Discounts },
		fnList:   "account.discount",
		fnEdit:   "account.discount.edit",
		fnCreate: "account.discount.add",
		fnDelete: "account.discount.delete",
		list:     (*billmgr.DiscountsService).List,
		all:      (*billmgr.DiscountsService).All,
		get:      (*billmgr.DiscountsService).Get,
		create:   (*billmgr.DiscountsService).Create,
		update:   (*billmgr.DiscountsService).Update,
		delete:   (*billmgr.DiscountsService).Delete,
	}.command(a)
}
