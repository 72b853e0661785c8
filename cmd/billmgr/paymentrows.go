package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

// payments list and payments get print what an accountant can open in a spreadsheet: a
// payment row carries the client's id and e-mail and the amount credited to the client as
// a plain number beside its currency; a status is its code and label in both, {"code",
// "label"} in JSON and status,status_label in CSV; --all-accounts lists every client's
// payments under one header.

// paymentRow is a row of payments list: the SDK's row, then the client's id and e-mail,
// and the amount credited to the client (subaccountamount_iso) as a plain decimal and its
// currency: the ISO code when the command can tell it, else as the server showed it.
type paymentRow struct {
	billmgr.Payment
	AccountID    int64           `xml:"account_id"`
	AccountEmail string          `xml:"account_email"`
	Amount       decimal.Decimal `xml:"amount"`
	Currency     string          `xml:"currency"`
}

// paymentForm is what payments get prints: the payment form, its status as a list shows
// it, code and label, where the form carries the code alone.
type paymentForm struct {
	billmgr.PaymentDetails
	Status billmgr.Status `xml:"status"`
}

// paymentStatusLabels are the labels of the documented payment statuses, English and
// Russian, as the payment list words them (the Russian ones as recorded from a panel).
var paymentStatusLabels = []struct{ code, en, ru string }{
	{billmgr.PaymentNew, "New", "Новый"},
	{billmgr.PaymentInPay, "Payment in progress", "Оплачивается"},
	{billmgr.PaymentPromised, "Promised", "Обещанный платеж"},
	{billmgr.PaymentCredited, "Credited", "Зачислен"},
	{billmgr.PaymentAwaitingRefund, "Awaiting refund", "Ожидает возврата"},
	{billmgr.PaymentRefunded, "Refunded", "Возвращен"},
	{billmgr.PaymentFraudulent, "Fraudulent", "Мошеннический"},
	{billmgr.PaymentInitiated, "Initiated", "Инициирован"},
	{billmgr.PaymentCancelled, "Cancelled", "Отменен"},
	{billmgr.PaymentBeingDeleted, "Being deleted", "Удаляется"},
}

// paymentStatus is the status code with its label in lang (en or ru); an undocumented code
// is its own label, as the list labels a code it has no word for.
func paymentStatus(code, lang string) billmgr.Status {
	for _, s := range paymentStatusLabels {
		if s.code == code {
			if lang == "ru" {
				return billmgr.Status{Code: code, Label: s.ru}
			}
			return billmgr.Status{Code: code, Label: s.en}
		}
	}
	return billmgr.Status{Code: code, Label: code}
}

// lang is the language of labels: --lang, BILLMGR_LANG, or en.
func (a *app) lang() string {
	if lang := a.setting(a.g.lang, "BILLMGR_LANG"); lang != "" {
		return lang
	}
	return "en"
}

// paymentGetCommand: payments get ID --account ID.
func (a *app) paymentGetCommand() *cobra.Command {
	return viewCommand(a, viewSpec[paymentForm]{
		use: "get ID", short: "Show one of the payments of a client", fn: "payment.edit", parent: accountParent, object: true,
		get: func(ctx context.Context, c *billmgr.Client, account, id int64) (*paymentForm, error) {
			d, err := c.Payments.Get(ctx, account, id)
			if err != nil {
				return nil, err
			}
			return &paymentForm{PaymentDetails: *d, Status: paymentStatus(d.Status, a.lang())}, nil
		},
	})
}

// paymentListCommand: payments list --account ID | --all-accounts.
func (a *app) paymentListCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the payments of a client (--account), or of every client (--all-accounts)",
		Long: `List the payments of a client (--account ID), or of every client (--all-accounts), newest
first unless --sort and --order say otherwise. Each row has the client's id and e-mail
(account_id, account_email), and the amount credited to the client as a plain number
(amount) beside its currency (currency: the ISO code, such as RUB, when the panel prints
a symbol the client's personal accounts name; else as the panel prints it).

--all-accounts walks every client and every page, printing rows as they come under one
header: an export of every payment, or of those the filters let through, e.g. the
payments credited in May:

  billmgr payments list --all-accounts --payfromdate 2024-05-01 --paytodate 2024-05-31 -o csv

It refuses to run while a filter saved on the server (accounts filter, payments filter)
would leave rows out.`,
		Args: idArgs(0, 0),
	}
	calls(cmd, "account.payment")
	var account int64
	cmd.Flags().Var(&idValue{&account}, "account", "the client's id; or --all-accounts for every client")
	opts := new(billmgr.PaymentListOptions)
	a.bindParams(cmd, binding{fn: "account.payment", columns: sortColumns(reflect.TypeFor[billmgr.Payment]())}, opts)
	var every, allAccounts bool
	cmd.Flags().BoolVar(&every, "all", false, "every row, page after page, printed as it comes")
	cmd.Flags().BoolVar(&allAccounts, "all-accounts", false, "every payment of every client, client after client, printed as it comes under one header")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		switch {
		case allAccounts && account != 0:
			return usageErr("--account and --all-accounts exclude each other: one client, or every client")
		case !allAccounts && account == 0:
			return usageErr(`required flag(s) "account" not set: give --account ID, or --all-accounts for every client`)
		case allAccounts && opts.Page != 0:
			return usageErr("--page: --all-accounts lists every page of every client")
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		ctx := cmd.Context()
		rows := &paymentRows{c: c, codes: billmgr.CurrencySymbols{}, learned: map[int64]bool{}}
		if allAccounts {
			return printRows(a, rows.everyClient(ctx, opts), true)
		}
		var email string
		if a.format() != formatIDs { // ids print no e-mail: no need to look it up
			client, err := c.Accounts.Get(ctx, account)
			if err != nil {
				return err
			}
			email = client.Email
		}
		if every {
			return printRows(a, rows.of(ctx, account, email, c.Payments.All(ctx, account, opts)), true)
		}
		page, err := c.Payments.List(ctx, account, opts)
		if err != nil {
			return err
		}
		if err := printRows(a, rows.of(ctx, account, email, rowsOf(page.Items)), false); err != nil {
			return err
		}
		notePartial(a, page, true)
		return nil
	}
	return cmd
}

// paymentRows makes paymentRow values of the SDK's rows. It learns the ISO codes of the
// currency symbols a panel prints from the personal accounts of a client whose row shows
// one it does not know (a request per such client, none where the panel prints codes).
type paymentRows struct {
	c       *billmgr.Client
	codes   billmgr.CurrencySymbols
	learned map[int64]bool // the clients whose personal accounts were read
}

// of yields the payments of seq, of the client account with the e-mail email, as rows.
func (r *paymentRows) of(ctx context.Context, account int64, email string, seq iter.Seq2[billmgr.Payment, error]) iter.Seq2[paymentRow, error] {
	return func(yield func(paymentRow, error) bool) {
		for p, err := range seq {
			if err != nil {
				yield(paymentRow{}, err)
				return
			}
			currency, err := r.currency(ctx, account, p.SubaccountAmount)
			row := paymentRow{Payment: p, AccountID: account, AccountEmail: email, Amount: p.SubaccountAmount.Amount, Currency: currency}
			if !yield(row, err) || err != nil {
				return
			}
		}
	}
}

// currency is the currency of m, an amount of a payment of the client account: its ISO
// code when it is one or the symbol of a known one, else as the panel showed it.
func (r *paymentRows) currency(ctx context.Context, account int64, m billmgr.Money) (string, error) {
	if m.Currency == "" {
		return "", nil
	}
	if iso, err := r.codes.ISO(m); err == nil {
		return iso, nil
	}
	if r.learned[account] {
		return m.Currency, nil
	}
	r.learned[account] = true
	var subs []billmgr.Subaccount
	for sa, err := range r.c.Subaccounts.All(ctx, account, nil) {
		if err != nil {
			return "", err
		}
		subs = append(subs, sa)
	}
	if table, err := billmgr.CurrencySymbolsOf(subs); err == nil {
		for sign, iso := range table {
			if _, known := r.codes[sign]; !known {
				r.codes[sign] = iso
			}
		}
	}
	if iso, err := r.codes.ISO(m); err == nil {
		return iso, nil
	}
	return m.Currency, nil
}

// everyClient yields the payments of every client that pass opts: the clients first
// (their ids and e-mails, in memory), then each one's payments, one page in memory at a
// time.
func (r *paymentRows) everyClient(ctx context.Context, opts *billmgr.PaymentListOptions) iter.Seq2[paymentRow, error] {
	return func(yield func(paymentRow, error) bool) {
		saved, err := r.c.Accounts.GetFilter(ctx)
		if err == nil && *saved != (billmgr.AccountFilter{}) {
			err = withExitCode(exitAPI, errors.New("--all-accounts: the filter saved on the server for the client list would "+
				"leave clients out: see it with 'billmgr accounts filter get', clear it with 'billmgr accounts filter reset'"))
		}
		if err != nil {
			yield(paymentRow{}, err)
			return
		}
		type client struct {
			id    int64
			email string
		}
		var clients []client
		for acc, err := range r.c.Accounts.All(ctx, nil) {
			if err != nil {
				yield(paymentRow{}, err)
				return
			}
			clients = append(clients, client{acc.ID, acc.Email})
		}
		if len(clients) == 0 {
			return
		}
		filter, err := r.c.Payments.GetFilter(ctx, clients[0].id)
		if err == nil && filter.Active() {
			err = withExitCode(exitAPI, fmt.Errorf("--all-accounts: the filter saved on the server for the payment list would "+
				"leave payments out: see it with 'billmgr payments filter get --account %d', clear it with "+
				"'billmgr payments filter reset --account %d'", clients[0].id, clients[0].id))
		}
		if err != nil {
			yield(paymentRow{}, err)
			return
		}
		for _, cl := range clients {
			for row, err := range r.of(ctx, cl.id, cl.email, r.c.Payments.All(ctx, cl.id, opts)) {
				if !yield(row, err) || err != nil {
					return
				}
			}
		}
	}
}
