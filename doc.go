// Package billmgr is a client for the account API of BILLmanager, the billing platform of
// hosting providers: clients, payments, personal accounts, expenses, discounts, tax rules
// and currency rates.
//
// Create one Client per server and user and share it:
//
//	c, err := billmgr.NewClient("https://billing.example.com:1500/billmgr",
//		billmgr.WithSession("admin", os.Getenv("BILLMGR_PASSWORD")))
//	id, err := c.Payments.Create(ctx, accountID, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("100.00")})
//	err = c.Payments.SetPaid(ctx, id)
//
// Every call is a form POST with the credentials in the body, never in a URL. Every reply is
// checked for an <error> document, which comes back as *Error whatever the HTTP status. Calls
// that change nothing are retried after transient failures; calls that change state are sent
// once, by the SDK and by the transport (HTTP/2 included), and succeed only on <ok/>. A call
// that changes state and fails either was not applied (nothing went out, or the server
// refused it) or may have been: then its error wraps ErrOutcomeUnknown, and the caller looks
// the object up before sending it again. Amounts are exact (Money, Decimal), dates are read
// in the server's location (WithLocation), and secrets never appear in errors or logs.
//
// Package billmgrtest runs an in-memory BILLmanager for tests.
package billmgr
