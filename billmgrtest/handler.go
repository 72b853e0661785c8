package billmgrtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// APIPath is the path of the API, where a panel answers it (https://HOST:1500/billmgr).
// The fake answers there alone: any other path (/manager/billmgr, /billmgr/, /) gets
// 404 Not Found with an HTML page, as a web server answers a path it does not serve, so
// that a wrong URL fails in tests as it would against a panel.
const APIPath = "/billmgr"

// Handler is the fake BILLmanager as a bare http.Handler. It answers the API on APIPath
// only: mounted at the root of a server (httptest.NewServer(h)), its URL is
// ts.URL + APIPath. Its methods are safe for concurrent use, also while it serves.
type Handler struct {
	mu         sync.Mutex
	st         *state
	hits       map[string]int
	failN      int
	failStatus int
	dropN      int
	delay      time.Duration
}

// NewHandler returns a fake loaded with the seed of WithSeed. It panics if
// the seed is invalid (see Seed.Validate).
func NewHandler(opts ...Option) *Handler {
	cfg := newConfig(opts)
	if err := cfg.seed.Validate(); err != nil {
		panic("billmgrtest: " + err.Error())
	}
	st := newState(cfg)
	st.load(cfg.seed)
	return &Handler{st: st, hits: make(map[string]int)}
}

// route is how a function is served and who may call it.
type route struct {
	serve  func(*call) (*reply, error)
	public bool // callable without credentials
	client bool // callable by clients (level 16), not only by the administrator
	// createsPayment, when set, reports whether a call creates a payment: under
	// WithCommitLag such a call takes the payment's ids on arrival and commits later.
	createsPayment func(*call) bool
}

var routes = map[string]route{
	"auth":                        {serve: login, public: true},
	"session.newkey":              {serve: newKey},
	"whoami":                      {serve: whoami, client: true},
	"keepalive":                   {serve: keepAlive, client: true},
	"payment":                     {serve: listOwnPayments, client: true},
	"payment.filter":              {serve: ownPaymentFilter.serve, client: true},
	"expense":                     {serve: listOwnExpenses, client: true},
	"expense.filter":              {serve: ownExpenseFilter.serve, client: true},
	"payment.setinpay":            {serve: setInPay},
	"payment.add.method":          {serve: paymentMethodsForm, client: true},
	"account":                     {serve: listAccounts},
	"register":                    {serve: formOrSubmit(registerForm, register), public: true},
	"ticket.write.account":        {serve: writeAccountTicket},
	"account.payment":             {serve: listPayments},
	"payment.edit":                {serve: formOrSubmit(viewPayment, savePayment), createsPayment: createsPayment},
	"payment.setpaid":             {serve: setPaid},
	"payment.send":                {serve: sendInvoices},
	"account.payment.filter":      {serve: paymentFilter.serve},
	"payment.refund":              {serve: formOrSubmit(refundForm, refund)},
	"payment.history":             {serve: listHistory},
	"payment.print":               {serve: printPayment},
	"payment.print.pdf":           {serve: printPaymentPDF},
	"payment.expense":             {serve: listAllocations},
	"payment.expense.edit":        {serve: formOrSubmit(viewAllocation, saveAllocation)},
	"payment.expense.delete":      {serve: deleteAllocations},
	"payment.delete":              {serve: deletePayments},
	"payment.add":                 {serve: formOrSubmit(addPaymentForm, addPayment), client: true},
	"payment.orderinfo":           {serve: listOrderLines},
	"payment.orderinfo.edit":      {serve: formOrSubmit(viewOrderLine, saveOrderLine)},
	"ticket.write.payment":        {serve: writePaymentTicket},
	"account.group":               {serve: groups.list},
	"account.group.resume":        {serve: groups.turn(true)},
	"account.group.suspend":       {serve: groups.turn(false)},
	"subaccount":                  {serve: listSubaccounts},
	"subaccount.edit":             {serve: formOrSubmit(viewSubaccount, saveSubaccount)},
	"subaccount.suspend":          {serve: setSubaccountStatus(2)},
	"subaccount.refund":           {serve: formOrSubmit(withdrawForm, withdraw)},
	"subaccount.resume":           {serve: setSubaccountStatus(1)},
	"account.discount":            {serve: discounts.list},
	"account.discount.add":        {serve: formOrSubmit(discounts.view, discounts.save)},
	"account.discount.delete":     {serve: discounts.delete},
	"account.discount.edit":       {serve: formOrSubmit(discounts.view, discounts.save)},
	"account.sms":                 {serve: formOrSubmit(smsForm, sendSMS)},
	"account.setfilter":           {serve: setClientFilter},
	"account.filter":              {serve: accountFilter.serve},
	"account.currencyrate":        {serve: currencyRates.list},
	"account.currencyrate.edit":   {serve: formOrSubmit(currencyRates.view, currencyRates.save)},
	"account.currencyrate.delete": {serve: currencyRates.delete},
	"subaccount.expense":          {serve: listExpenses},
	"subaccount.expense.filter":   {serve: expenseFilter.serve},
	"subaccount.expense.edit":     {serve: formOrSubmit(viewExpense, saveExpense)},
	"subaccount.expense.delete":   {serve: deleteExpenses},
	"account.taxrule":             {serve: taxRules.list},
	"account.taxrule.delete":      {serve: taxRules.delete},
	"account.taxrule.edit":        {serve: formOrSubmit(taxRules.view, taxRules.save)},
	"account.edit":                {serve: formOrSubmit(viewAccount, saveAccount)},
	"account.su":                  {serve: suLink},
	"account.delete":              {serve: deleteAccounts},
	"account.project":             {serve: projects.list},
	"account.project.resume":      {serve: projects.turn(true)},
	"account.project.suspend":     {serve: projects.turn(false)},
}

// formOrSubmit serves a form function: without sok it shows the form, with
// sok it submits it. A submit that creates or changes an object answers
// <ok/><id>ID</id>, with the object's id either way.
func formOrSubmit(view, submit func(*call) (*reply, error)) func(*call) (*reply, error) {
	return func(c *call) (*reply, error) {
		if c.sent() {
			return submit(c)
		}
		return view(c)
	}
}

// call is one request being served, with the state locked.
type call struct {
	st       *state
	fn       string
	params   url.Values
	order    []string // the names of the parameters in the order they came
	lang     string
	format   format // the format of the reply
	formatOK bool   // the fake serves the format out asks for
	host     string
	ip       string
	now      time.Time
	login    *principal  // who authenticated
	user     *principal  // who the call runs as: login, or the su user
	reserved *paymentIDs // the ids of the payment it creates, taken on arrival (WithCommitLag)
}

// actor is the user the call runs as, nil before authentication.
func (c *call) actor() *principal {
	if c.user != nil {
		return c.user
	}
	return c.login
}

// run authenticates the call and serves it. The credentials come first, as on the real
// server: a wrong password gets the auth error whatever else is wrong with the request
// (in the format it asks for, when the fake serves it). A refusal (Handler.Refuse) comes
// last, where the function would run.
func (c *call) run() (*reply, error) {
	rt, known := routes[c.fn]
	if err := c.authenticate(rt.public); err != nil {
		return nil, err
	}
	if !c.formatOK {
		return nil, invalid("out", c.params.Get("out"), whyOut)
	}
	if !known {
		return nil, notFound("func", c.fn)
	}
	if p := c.actor(); p != nil && p.account != nil && !rt.client {
		return nil, forbidden(c.fn)
	}
	if e := c.refused(); e != nil {
		return nil, e
	}
	return rt.serve(c)
}

// ServeHTTP answers one request to APIPath: GET (query) or POST (query and form body).
// A request to another path gets 404 and is neither counted (Hits) nor faulted.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != APIPath {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, faultPage(http.StatusNotFound))
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req, err := readRequest(r)
	if err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.hits[req.params.Get("func")]++
	failStatus, drop := h.takeFault()
	delay := h.delay
	h.mu.Unlock()

	if !wait(r.Context(), delay) {
		return
	}
	switch {
	case failStatus != 0:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(failStatus)
		fmt.Fprint(w, faultPage(failStatus))
		return
	case drop:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler) // closes the stream without a reply
		}
		conn.Close()
		return
	}
	c, lag := h.arrive(r, req)
	if !wait(r.Context(), lag) {
		return
	}
	body, contentType := h.serve(c, req.refusal)
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// arrive makes the call of a request, and returns how long it waits before it runs. A
// call that creates a payment under WithCommitLag takes the payment's ids (and its date)
// now and commits a random time of up to the lag later, as a database sequence hands out
// ids before the transaction commits: concurrent creates then commit out of id order.
func (h *Handler) arrive(r *http.Request, req incoming) (*call, time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.st.newCall(r, req)
	cfg := h.st.cfg
	creates := routes[c.fn].createsPayment
	if cfg.commitLag <= 0 || creates == nil || !creates(c) {
		return c, 0
	}
	ids := h.st.newPaymentIDs()
	c.reserved = &ids
	return c, cfg.commitDelay(cfg.commitLag)
}

// serve runs the call with the state locked (or refuses it, refusal set) and renders its
// reply in the format the request asks for.
func (h *Handler) serve(c *call, refusal *apiError) (body []byte, contentType string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var rep *reply
	err := error(refusal)
	if refusal == nil {
		rep, err = c.run()
	}
	if err != nil {
		var e *apiError
		if !errors.As(err, &e) {
			e = &apiError{typ: "internal", object: "error", value: err.Error()}
		}
		return c.format.render(c.errorDocument(e)), c.format.contentType()
	}
	if rep.contentType != "" {
		return rep.raw, rep.contentType
	}
	return c.format.render(c.document(rep)), c.format.contentType()
}

func (s *state) newCall(r *http.Request, req incoming) *call {
	lang := req.params.Get("lang")
	if lang != "ru" {
		lang = "en"
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	f, ok := outFormat(req.params.Get("out"))
	return &call{st: s, fn: req.params.Get("func"), params: req.params, order: req.order, lang: lang,
		format: f, formatOK: ok, host: scheme + "://" + r.Host, ip: ip, now: s.cfg.now()}
}

// wait sleeps d, or less when ctx ends first; it reports whether to go on.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// faultPage is the HTML page a reverse proxy answers with, nginx style: for a failure
// (FailNext) and for a path other than APIPath.
func faultPage(status int) string {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
}

// takeFault consumes one pending fault: a failure status, or a drop.
func (h *Handler) takeFault() (failStatus int, drop bool) {
	switch {
	case h.failN > 0:
		h.failN--
		return h.failStatus, false
	case h.dropN > 0:
		h.dropN--
		return 0, true
	}
	return 0, false
}

// Hits returns how many requests to APIPath named fn in their func parameter, faulted,
// failed and refused ones included.
func (h *Handler) Hits(fn string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[fn]
}

// FailNext makes the next n requests fail with the HTTP status (such as
// 502), with an HTML body as a reverse proxy sends. It replaces failures
// still pending. Pending failures come before pending drops (DropNext).
func (h *Handler) FailNext(n int, status int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failN, h.failStatus = n, status
}

// DropNext makes the next n requests end with the connection closed and no
// reply at all. It replaces drops still pending.
func (h *Handler) DropNext(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropN = n
}

// SetDelay makes every reply, faults included, wait d (in real time); a
// request whose context ends first gets no reply. 0 turns the delay off.
func (h *Handler) SetDelay(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.delay = d
}
