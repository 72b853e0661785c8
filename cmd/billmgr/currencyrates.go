package main

import (
	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// currencyRatesCommand: billmgr currencyrates list|get|create|update|delete.
func (a *app) currencyRatesCommand() *cobra.Command {
	return clientResource[*billmgr.CurrencyRatesService, billmgr.CurrencyRate, billmgr.CurrencyRateListOptions,
		billmgr.CurrencyRateDetails, billmgr.CurrencyRateParams]{
		use: "currencyrates", short: "A client's own currency rates",
		service:  func(c *billmgr.Client) *billmgr.CurrencyRatesService { return c.CurrencyRates },
		fnList:   "account.currencyrate",
		fnEdit:   "account.currencyrate.edit",
		fnCreate: "account.currencyrate.edit",
		fnDelete: "account.currencyrate.delete",
		list:     (*billmgr.CurrencyRatesService).List,
		all:      (*billmgr.CurrencyRatesService).All,
		get:      (*billmgr.CurrencyRatesService).Get,
		create:   (*billmgr.CurrencyRatesService).Create,
		update:   (*billmgr.CurrencyRatesService).Update,
		delete:   (*billmgr.CurrencyRatesService).Delete,
	}.command(a)
}
