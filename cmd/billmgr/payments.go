package main

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/go-billmgr/billmgr"
	"github.com/spf13/cobra"
)

// paymentsCommand: billmgr payments list|get|create|update|setpaid|send|refund|delete|
// history|print|pdf|expenses|orderinfo|import|ticket|add|filter.
func (a *app) paymentsCommand() *cobra.Command {
	return clientResource[*billmgr.PaymentsService, billmgr.Payment, billmgr.PaymentListOptions,
		billmgr.PaymentDetails, billmgr.PaymentParams]{
		use: "payments", short: "Payments: list, credit, refund, print, and their expenses and invoice lines",
		service:     func(c *billmgr.Client) *billmgr.PaymentsService { return c.Payments },
		fnList:      "account.payment",
		fnEdit:      "payment.edit",
		fnCreate:    "payment.edit",
		listCommand: a.paymentListCommand(),
		getCommand:  a.paymentGetCommand(),
		create:      (*billmgr.PaymentsService).Create,
		update:      (*billmgr.PaymentsService).Update,
	}.command(a,
		paymentAction(a, "setpaid ID...", "Credit payments to their clients' balances", "payment.setpaid", (*billmgr.PaymentsService).SetPaid),
		paymentAction(a, "send ID...", "E-mail the invoices of payments to their clients", "payment.send", (*billmgr.PaymentsService).Send),
		paymentAction(a, "delete ID...", "Delete unpaid payments", "payment.delete", (*billmgr.PaymentsService).Delete),
		formCommand(a, formSpec[billmgr.RefundParams]{
			use: "refund ID", short: "Refund --amount of a payment through its payment method and print the refund's id", fn: "payment.refund",
			parent: accountParent, parentAs: "plid", object: true, printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, account, id int64, p *billmgr.RefundParams) (any, error) {
				return newID(c.Payments.Refund(ctx, account, id, p))
			},
		}),
		listCommand(a, listSpec[billmgr.PaymentChange, noOptions]{
			use: "history ID", short: "The change history of a payment", fn: "payment.history", byArg: true,
			page: func(ctx context.Context, c *billmgr.Client, id int64, _ *noOptions) (*billmgr.Page[billmgr.PaymentChange], error) {
				return pageAll(c.Payments.History(ctx, id))
			},
		}),
		a.printCommand(),
		a.pdfCommand(),
		a.paymentExpensesCommand(),
		a.orderInfoCommand(),
		a.importCommand(),
		formCommand(a, formSpec[billmgr.TicketParams]{
			use: "ticket ID", short: "Write a support ticket to the client about a payment and print the ticket's id", fn: "ticket.write.payment",
			object: true, printsID: true,
			submit: func(ctx context.Context, c *billmgr.Client, _, id int64, p *billmgr.TicketParams) (any, error) {
				return newID(c.Payments.WriteTicket(ctx, id, p))
			},
		}),
		formCommand(a, formSpec[billmgr.PaymentAddParams]{
			use: "add", short: "Make a payment as a client does (run it as the client: --as EMAIL)", fn: "payment.add",
			submit: func(ctx context.Context, c *billmgr.Client, _, _ int64, p *billmgr.PaymentAddParams) (any, error) {
				added, err := c.Payments.Add(ctx, p)
				if err != nil {
					return nil, err
				}
				return added, nil
			},
		}),
		filterCommand(a, filterSpec[billmgr.PaymentFilter, billmgr.PaymentFilter]{
			fn:     "account.payment.filter",
			parent: accountParent,
			get: func(ctx context.Context, c *billmgr.Client, account int64) (*billmgr.PaymentFilter, error) {
				return c.Payments.GetFilter(ctx, account)
			},
			save: func(ctx context.Context, c *billmgr.Client, account int64, f *billmgr.PaymentFilter) error {
				return c.Payments.SaveFilter(ctx, account, f)
			},
			reset: func(ctx context.Context, c *billmgr.Client, account int64) error {
				return c.Payments.ResetFilter(ctx, account)
			},
		}),
	)
}

// paymentAction is a group action on payments of any clients.
func paymentAction(a *app, use, short, fn string, act func(*billmgr.PaymentsService, context.Context, ...int64) error) *cobra.Command {
	return actionCommand(a, actionSpec{
		use: use, short: short, fn: fn,
		act: func(ctx context.Context, c *billmgr.Client, _ int64, ids ...int64) error {
			return act(c.Payments, ctx, ids...)
		},
	})
}

// printCommand writes the printed form of a payment (HTML) to stdout.
func (a *app) printCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use: "print ID", Short: "Write a payment's invoice or receipt (HTML) to stdout", Args: idArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, _ := parseID(args[0])
			c, err := a.client()
			if err != nil {
				return err
			}
			page, err := c.Payments.Print(cmd.Context(), id)
			if err != nil {
				return err
			}
			_, err = io.WriteString(a.out, page)
			return err
		},
	}
	calls(cmd, "payment.print")
	return cmd
}

// pdfCommand saves the PDF of a payment to --output-file FILE, or writes it to stdout
// when that is not a terminal.
func (a *app) pdfCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use: "pdf ID [--output-file FILE]", Short: "Save a payment's invoice or receipt as PDF", Args: idArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, _ := parseID(args[0])
			if file == "" && a.terminal(a.stdout) {
				return usageErr("refusing to write a PDF to the terminal: use --output-file FILE, or redirect stdout")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			pdf, err := c.Payments.PDF(cmd.Context(), id)
			if err != nil {
				return err
			}
			defer pdf.Close()
			if file == "" {
				_, err = io.Copy(a.out, pdf)
				return err
			}
			return writeFileAtomic(file, pdf)
		},
	}
	cmd.Flags().StringVar(&file, "output-file", "", "write the PDF to this `file` (default stdout, when it is not a terminal)")
	calls(cmd, "payment.print.pdf")
	return cmd
}

// writeFileAtomic writes r to a temporary file next to name and renames it into place, so
// that a failure never leaves a truncated file under name.
func writeFileAtomic(name string, r io.Reader) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, r); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// expenseAmount is the form of the part of an expense a payment pays.
type expenseAmount struct {
	Amount *billmgr.Decimal `url:"amount"`
}

// expenseAllocation is the form that adds an expense to a payment's distribution.
type expenseAllocation struct {
	Expense int64            `url:"expense"`
	Amount  *billmgr.Decimal `url:"amount"`
}

// orderLineName is the form of an invoice line.
type orderLineName struct {
	Name string `url:"name"`
}

// paymentExpensesCommand: billmgr payments expenses list|get|update|delete --payment ID.
func (a *app) paymentExpensesCommand() *cobra.Command {
	return group("expenses", "How a payment is distributed across expenses",
		listCommand(a, listSpec[billmgr.PaymentExpense, noOptions]{
			use: "list", short: "The expenses a payment pays for", fn: "payment.expense", parent: paymentParent,
			page: func(ctx context.Context, c *billmgr.Client, payment int64, _ *noOptions) (*billmgr.Page[billmgr.PaymentExpense], error) {
				return pageAll(c.Payments.Expenses(ctx, payment))
			},
		}),
		viewCommand(a, viewSpec[billmgr.PaymentExpenseDetails]{
			use: "get EXPENSE_ID", short: "The part of an expense a payment pays", fn: "payment.expense.edit", parent: paymentParent, object: true,
			get: func(ctx context.Context, c *billmgr.Client, payment, id int64) (*billmgr.PaymentExpenseDetails, error) {
				return c.Payments.GetExpense(ctx, payment, id)
			},
		}),
		formCommand(a, formSpec[expenseAllocation]{
			use: "add", short: "Have a payment pay --amount of --expense", fn: "payment.expense.edit",
			parent: paymentParent, parentAs: "plid",
			submit: func(ctx context.Context, c *billmgr.Client, payment, _ int64, p *expenseAllocation) (any, error) {
				return nil, c.Payments.AddExpense(ctx, payment, p.Expense, p.Amount)
			},
		}),
		formCommand(a, formSpec[expenseAmount]{
			use: "update EXPENSE_ID", short: "Set the --amount of an expense a payment pays", fn: "payment.expense.edit",
			parent: paymentParent, parentAs: "plid", object: true,
			submit: func(ctx context.Context, c *billmgr.Client, payment, id int64, p *expenseAmount) (any, error) {
				return nil, c.Payments.UpdateExpense(ctx, payment, id, p.Amount)
			},
		}),
		actionCommand(a, actionSpec{
			use: "delete EXPENSE_ID...", short: "Stop a payment paying for expenses", fn: "payment.expense.delete",
			parent: paymentParent,
			act: func(ctx context.Context, c *billmgr.Client, payment int64, ids ...int64) error {
				return c.Payments.DeleteExpenses(ctx, payment, ids...)
			},
		}),
	)
}

// orderInfoCommand: billmgr payments orderinfo list|get|update --payment ID.
func (a *app) orderInfoCommand() *cobra.Command {
	return group("orderinfo", "The lines of a payment's invoice",
		listCommand(a, listSpec[billmgr.OrderLine, noOptions]{
			use: "list", short: "The lines of a payment's invoice", fn: "payment.orderinfo", parent: paymentParent,
			page: func(ctx context.Context, c *billmgr.Client, payment int64, _ *noOptions) (*billmgr.Page[billmgr.OrderLine], error) {
				return pageAll(c.Payments.OrderInfo(ctx, payment))
			},
		}),
		viewCommand(a, viewSpec[billmgr.OrderLineDetails]{
			use: "get LINE_ID", short: "One line of a payment's invoice", fn: "payment.orderinfo.edit", parent: paymentParent, object: true,
			get: func(ctx context.Context, c *billmgr.Client, payment, id int64) (*billmgr.OrderLineDetails, error) {
				return c.Payments.GetOrderLine(ctx, payment, id)
			},
		}),
		formCommand(a, formSpec[orderLineName]{
			use: "update LINE_ID", short: "Set the --name of an invoice line", fn: "payment.orderinfo.edit",
			parent: paymentParent, parentAs: "plid", object: true,
			submit: func(ctx context.Context, c *billmgr.Client, payment, id int64, p *orderLineName) (any, error) {
				return nil, c.Payments.UpdateOrderLine(ctx, payment, id, p.Name)
			},
		}),
	)
}
