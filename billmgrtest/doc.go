// Package billmgrtest is an in-memory fake of the BILLmanager account API
// that speaks the real wire protocol: requests are form-encoded POSTs (or
// GETs, or multipart forms) with func, out, lang and credentials, and replies
// are the documents the real server writes, errors included: XML, or with
// out=json and out=sjson the panel's JSON forms of the same documents
// ({"doc": {"$lang": "en", "elem": …}}, every value a string, a one-row list an
// object in json and an array in sjson). The requests it
// answers, and how, are fixed by docs/wire.md, which names the recorded
// BILLmanager 6.94 document each reply follows (or says where none is
// recorded): lists and forms carry the real furniture (metadata with toolbar
// and columns, messages in English and Russian, tparams, branding, tips),
// payment lists come newest first, a missing name reads " - ", an unpaid
// payment has no pay_date, amounts read "10.00 RUB" or, in a currency the
// seed gives a symbol, "10.00 ₽".
//
// It keeps real state with exact decimal money: registering makes a client
// with a personal account, crediting a payment raises the balance, an
// expense lowers it, deleting a credited payment is refused, a password shorter
// than the password policy's minimum (WithPasswordPolicy; 6 characters by default)
// is refused. It can also misbehave on purpose (FailNext, DropNext, SetDelay,
// ExpireSessions), so that clients can test their retries and re-logins, and
// refuse a chosen function with a chosen error (Refuse, RefuseNext), so that they
// can test their error paths:
//
//	srv.RefuseNext("register", 1, billmgrtest.Refusal{Type: "exists", Object: "email",
//		Value: "ann@example.com"})
//	// the next register answers exists(email), and registers no one.
//
// It answers the API on the panel's path, /billmgr (APIPath), and nowhere else.
//
// Start a server in a test and talk to it over HTTP:
//
//	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{
//		Accounts: []billmgrtest.SeedAccount{{Email: "ann@example.com", Password: "pw"}},
//	}))
//	defer srv.Close()
//	ann := srv.AccountID("ann@example.com")
//
//	resp, err := srv.Client().PostForm(srv.URL, url.Values{
//		"func":             {"payment.edit"},
//		"out":              {"xml"},
//		"authinfo":         {srv.AdminUser + ":" + srv.AdminPassword},
//		"plid":             {strconv.FormatInt(ann, 10)},
//		"sok":              {"ok"},
//		"subaccountamount": {"100.00"},
//	})
//	// <doc ...><ok/><id>5</id>...</doc>; then func=payment.setpaid&elid=5,
//	// and srv.Balance(ann) is 100.
//
// The administrator (WithAdmin, default "admin" / "admin-secret") may call
// every function, and act as a client with su=EMAIL. Clients log in with
// their e-mail and password (level 16) and may call whoami, keepalive,
// payment.add and payment.add.method (the payment methods they can pay with),
// payment and expense (their own payments and expenses) and payment.filter and
// expense.filter; any other function answers access.
// NewTLSServer serves HTTPS, as a panel's port 1500 does; Demo is the data of
// the demo fake that cmd/billmgr-fake and billmgr fake run.
//
// A client's own payment follows the recorded flow: payment.add makes it new
// and at once initiated (status 8) and answers <ok type="url"> with the page
// of the payment method's module; the client's list (payment) hides it until
// payment.setinpay, the payment module's call, puts it in payment (status 2);
// payment.setpaid credits it.
//
// Errors come as the real server sends them, with HTTP 200 and code="1":
//
//	type    object                    when
//	auth    badpassword               wrong credentials (authinfo, func=auth, a spent key)
//	auth    (none)                    unknown or expired session id, or no credentials
//	access  the function, or su       a client calls an administrator's function
//	missed  func                      unknown function
//	missed  elid, plid, su, username  no such object (or it belongs to another client)
//	exists  email, expense            the value is taken
//	value   the field                 a bad value, or a rule of the state refuses it
//	value   passwd                    the password policy refuses the password
//
// A value error names its reason's key in <param name="desc"> and its text in
// <msg>; it has no <detail>.
//
// Every id (clients, users, payments, expenses, ...) comes from one
// increasing sequence, so an id of one kind never names an object of
// another (the administrator's user id, 1, which whoami reports and no
// request takes, is the exception). Payments are numbered
// "pfx/ID". Directories are fixed: providers 1 and 2; client groups 1 to 3;
// payment methods 1 (bank transfer, module pmruwire), 2 (bank card,
// pmtinkoff), 3 (test payment, pmtestpayment); currencies 126 RUB, 153 USD,
// 46 EUR, without symbols unless the seed sets them; countries 182, 233, 81.
package billmgrtest
