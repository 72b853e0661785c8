package main

import (
	"context"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// expensesCommand: billmgr expenses list|get|create|update|delete|filter.
func (a *app) expensesCommand() *cobra.Command {
	return clientResource[*billmgr.ExpensesService, billmgr.Expense, billmgr.ExpenseListOptions,
		billmgr.ExpenseDetails, billmgr.ExpenseParams]{
		use: "expenses", short: "A client's expenses (charges to personal accounts)",
		service:  func(c *billmgr.Client) *billmgr.ExpensesService { return c.Expenses },
		fnList:   "subaccount.expense",
		fnEdit:   "subaccount.expense.edit",
		fnCreate: "subaccount.expense.edit",
		fnDelete: "subaccount.expense.delete",
		list:     (*billmgr.ExpensesService).List,
		all:      (*billmgr.ExpensesService).All,
		get:      (*billmgr.ExpensesService).Get,
		create:   (*billmgr.ExpensesService).Create,
		update:   (*billmgr.ExpensesService).Update,
		delete:   (*billmgr.ExpensesService).Delete,
	}.command(a, filterCommand(a, filterSpec[billmgr.ExpenseFilter, billmgr.ExpenseFilterDetails]{
		fn:     "subaccount.expense.filter",
		parent: accountParent,
		get: func(ctx context.Context, c *billmgr.Client, account int64) (*billmgr.ExpenseFilterDetails, error) {
			return c.Expenses.GetFilter(ctx, account)
		},
		save: func(ctx context.Context, c *billmgr.Client, account int64, f *billmgr.ExpenseFilter) error {
			return c.Expenses.SaveFilter(ctx, account, f)
		},
		reset: func(ctx context.Context, c *billmgr.Client, account int64) error {
			return c.Expenses.ResetFilter(ctx, account)
		},
	}))
}
