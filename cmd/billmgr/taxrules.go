package main

import (
	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// taxRulesCommand: billmgr taxrules list|get|create|update|delete.
func (a *app) taxRulesCommand() *cobra.Command {
	return clientResource[*billmgr.TaxRulesService, billmgr.TaxRule, billmgr.TaxRuleListOptions,
		billmgr.TaxRuleDetails, billmgr.TaxRuleParams]{
		use: "taxrules", short: "A client's special tax rules",
		service:  func(c *billmgr.Client) *billmgr.TaxRulesService { return c.TaxRules },
		fnList:   "account.taxrule",
		fnEdit:   "account.taxrule.edit",
		fnCreate: "account.taxrule.edit",
		fnDelete: "account.taxrule.delete",
		list:     (*billmgr.TaxRulesService).List,
		all:      (*billmgr.TaxRulesService).All,
		get:      (*billmgr.TaxRulesService).Get,
		create:   (*billmgr.TaxRulesService).Create,
		update:   (*billmgr.TaxRulesService).Update,
		delete:   (*billmgr.TaxRulesService).Delete,
	}.command(a)
}
