package billmgr_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// Each example starts its own in-memory BILLmanager (billmgrtest) and can be copied into a
// program as it is. Against a real server, pass its URL and credentials to NewClient
// instead.

func ExampleNewClient() {
	// An in-memory BILLmanager with two clients; a real one is at
	// https://billing.example.com:1500/billmgr.
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "ann@example.com", Name: "Ann", Balance: decimal.RequireFromString("100.50")},
		{Email: "bob@example.com", Name: "Bob", Currency: "USD"},
	}}))
	defer srv.Close()

	// WithSession logs in once, on the first call, and again when the session expires.
	c, err := billmgr.NewClient(srv.URL,
		billmgr.WithSession(srv.AdminUser, srv.AdminPassword),
		billmgr.WithLang("en"),
	)
	if err != nil {
		log.Fatal(err)
	}
	for a, err := range c.Accounts.All(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s <%s>: %s, %s\n", a.Name, a.Email, a.Balance, a.AccountStatus.Label)
	}
	// Output:
	// Ann <ann@example.com>: 100.50 RUB, Active
	// Bob <bob@example.com>: 0.00 USD, Active
}

func ExampleAccountsService_Register() {
	srv := billmgrtest.NewServer()
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	reg, err := c.Accounts.Register(ctx, &billmgr.RegisterParams{
		Email:           "ada@example.com",
		Password:        "correct horse battery staple",
		RealName:        "Ada Lovelace",
		ConditionsAgree: billmgr.Ptr(billmgr.OnOff(true)),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("registered", reg.Email)

	// The new client has a personal account, empty.
	accounts, err := c.Subaccounts.List(ctx, reg.AccountID, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range accounts.Items {
		fmt.Printf("personal account in %s: %s, %s\n", a.Currency, a.Balance, a.Status.Label)
	}
	// Output:
	// registered ada@example.com
	// personal account in RUB: 0.00 RUB, Active
}

func ExamplePaymentsService_SetPaid() {
	// A client, on a fake whose clock is fixed so that the pay date below never changes.
	srv := billmgrtest.NewServer(
		billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{Email: "ada@example.com"}}}),
		billmgrtest.WithClock(func() time.Time { return time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC) }),
	)
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	client := srv.AccountID("ada@example.com")
	balance := func() billmgr.Money {
		accounts, err := c.Subaccounts.List(ctx, client, nil)
		if err != nil {
			log.Fatal(err)
		}
		return accounts.Items[0].Balance
	}

	// Amounts are exact decimals: 100.10 + 0.20 is 100.30, to the kopeck.
	var ids []int64
	for _, amount := range []string{"100.10", "0.20"} {
		id, err := c.Payments.Create(ctx, client, &billmgr.PaymentParams{
			SubaccountAmount: billmgr.MustDecimal(amount),
			Description:      billmgr.Ptr("Top-up by bank transfer"),
		})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, id)
	}
	fmt.Println("before:", balance())
	if err := c.Payments.SetPaid(ctx, ids...); err != nil {
		log.Fatal(err)
	}
	fmt.Println("after:", balance())

	p, err := c.Payments.Get(ctx, client, ids[0])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("credited:", p.Status == billmgr.PaymentCredited, p.PayDate.Format(time.DateTime))
	// Output:
	// before: 0.00 RUB
	// after: 100.30 RUB
	// credited: true 2024-05-07 14:12:03
}

func ExamplePaymentsService_All() {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{Email: "ada@example.com"}}}))
	defer srv.Close()
	client := srv.AccountID("ada@example.com")
	srv.AddPayments(client, 2500, decimal.RequireFromString("0.01")) // straight into the fake
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}

	// All walks the pages (of 1000 by default) and yields each payment once.
	var n int
	var total decimal.Decimal
	for p, err := range c.Payments.All(context.Background(), client, nil) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		total = total.Add(p.SubaccountAmount.Amount)
	}
	fmt.Printf("%d payments, %s RUB in %d requests\n", n, total.StringFixed(2), srv.Hits("account.payment"))
	// Output:
	// 2500 payments, 25.00 RUB in 3 requests
}

func ExamplePaymentsService_Refund() {
	// A client whose balance is a credited payment of 100.00.
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{
		Email: "ada@example.com", Balance: decimal.RequireFromString("100.00"),
		Payments: []billmgrtest.SeedPayment{{Amount: decimal.RequireFromString("100.00"), Status: 4}},
	}}}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	client := srv.AccountID("ada@example.com")
	payment := srv.PaymentIDs(client)[0]

	if _, err := c.Payments.Refund(ctx, client, payment, &billmgr.RefundParams{
		Amount:      billmgr.MustDecimal("30.00"),
		Description: "Goodwill refund",
	}); err != nil {
		log.Fatal(err)
	}
	accounts, err := c.Subaccounts.List(ctx, client, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("balance:", accounts.Items[0].Balance)

	// Only what is left of the payment can be refunded.
	_, err = c.Payments.Refund(ctx, client, payment, &billmgr.RefundParams{Amount: billmgr.MustDecimal("70.01")})
	var apiErr *billmgr.Error
	if errors.Is(err, billmgr.ErrInvalid) && errors.As(err, &apiErr) {
		fmt.Println("refused:", apiErr.Object, "-", apiErr.Msg) // a value error carries no Detail
	}
	// Output:
	// balance: 70.00 RUB
	// refused: amount - Field 'Amount' has an invalid value. At most 70.00 RUB can be refunded from this payment
}

func ExampleExpensesService_Create() {
	// A client with 100.00 on the balance and no credit limit.
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{
		Email: "ada@example.com", Balance: decimal.RequireFromString("100.00"),
	}}}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	client := srv.AccountID("ada@example.com")

	charge := func(amount string, postpaid bool) {
		_, err := c.Expenses.Create(ctx, client, &billmgr.ExpenseParams{
			Amount:    billmgr.MustDecimal(amount),
			Name:      billmgr.Ptr("Shared hosting, one month"),
			Operation: billmgr.Ptr("prolong"),
			Postpaid:  billmgr.Ptr(billmgr.OnOff(postpaid)),
		})
		accounts, lerr := c.Subaccounts.List(ctx, client, nil)
		if lerr != nil {
			log.Fatal(lerr)
		}
		switch balance := accounts.Items[0].Balance; {
		case errors.Is(err, billmgr.ErrInvalid):
			fmt.Printf("charge %s: refused, balance stays %s\n", amount, balance)
		case err != nil:
			log.Fatal(err)
		default:
			fmt.Printf("charge %s: balance %s\n", amount, balance)
		}
	}
	charge("69.97", false)
	charge("30.04", false) // past the balance, and the credit limit is zero
	charge("30.04", true)  // postpaid: on credit
	// Output:
	// charge 69.97: balance 30.03 RUB
	// charge 30.04: refused, balance stays 30.03 RUB
	// charge 30.04: balance -0.01 RUB
}

func ExampleError() {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{Email: "ada@example.com"}}}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}

	_, err = c.Accounts.Register(context.Background(), &billmgr.RegisterParams{Email: "ada@example.com", Password: "another"})
	if errors.Is(err, billmgr.ErrExists) {
		fmt.Println("already registered")
	}
	// Match Type and Object, never the localized Msg.
	var apiErr *billmgr.Error
	if errors.As(err, &apiErr) {
		fmt.Printf("type=%s object=%s func=%s\n", apiErr.Type, apiErr.Object, apiErr.Func)
	}
	fmt.Println(err)
	// Output:
	// already registered
	// type=exists object=email func=register
	// billmgr: register: exists(email): Object 'E-mail' with value 'ada@example.com' already exists
}

func ExampleFieldErrors() {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{{Email: "ada@example.com"}}}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// Each error goes next to its field of the form.
	show := func(err error) {
		for _, fe := range billmgr.FieldErrors(err) {
			fmt.Printf("%s: %v\n", fe.Field, fe.Err)
		}
	}

	// What the SDK refuses before sending, every field at once,
	_, err = c.Accounts.Register(ctx, &billmgr.RegisterParams{RealName: "Ada Lovelace"})
	show(err)
	// and what the server refuses.
	_, err = c.Accounts.Register(ctx, &billmgr.RegisterParams{Email: "ada@example.com", Password: "another"})
	show(err)
	// Output:
	// Email: billmgr: register: invalid argument: Email is required
	// Password: billmgr: register: invalid argument: Password is required
	// Email: billmgr: register: exists(email): Object 'E-mail' with value 'ada@example.com' already exists
}
