package billmgr

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// AccountsService calls the account functions of the account API: the client list, the
// client form, registration, the saved filter of the client list, and the client's groups
// and providers.
type AccountsService service

// Account is one row of the client list (the account function).
//
// The list's status column is not a status code: BILLmanager labels it "Properties" and
// fills it with free text about the client, so it is Properties, a string. The client's
// status is AccountStatus.
type Account struct {
	ID               int64     `xml:"id|elid"` // elid on the vendor's reference page
	Name             string    `xml:"name"`
	Email            string    `xml:"email"`
	Project          Status    `xml:"project"`              // Code is the provider id, Label its name
	Balance          Money     `xml:"balance"`              // "100.00 RUB"
	AccountStatus    Status    `xml:"account_status"`       // AccountActive, AccountSuspended, AccountDeleted
	RegistrationDate time.Time `xml:"tz_registration_date"` // in the client's location
	Properties       string    `xml:"status"`               // the "Properties" text
}

// AccountListOptions page, sort and filter the client list. Setting any filter field sends
// filter=on with the fields set; a zero field does not filter.
type AccountListOptions struct {
	ListOptions

	Name          string `url:"name,omitempty"`
	Email         string `url:"email,omitempty"`
	Project       int64  `url:"project,omitempty"`        // provider id
	AccountStatus string `url:"account_status,omitempty"` // AccountActive, AccountSuspended, AccountDeleted
}

const fnAccount = "account"

// List returns one page of clients.
//
// A filter saved with SaveFilter (or in the panel) applies to this list on the server as
// well, silently leaving rows out; see ResetFilter.
//
// API: account
func (s *AccountsService) List(ctx context.Context, opts *AccountListOptions) (*Page[Account], error) {
	params, err := listParams(fnAccount, opts)
	if err != nil {
		return nil, err
	}
	return listPage[Account](ctx, s.client, fnAccount, params, opts)
}

// All returns every client, page by page, each once. Like List, it sees only what the
// saved filter of the client list lets through: call ResetFilter first to walk them all.
//
// API: account
func (s *AccountsService) All(ctx context.Context, opts *AccountListOptions) iter.Seq2[Account, error] {
	params, err := listParams(fnAccount, opts)
	if err != nil {
		return func(yield func(Account, error) bool) { yield(Account{}, err) }
	}
	return listAll(ctx, s.client, fnAccount, inIDOrder(params), opts, func(a *Account) int64 { return a.ID })
}

// FindByEmail returns the client whose e-mail (its login) is email, compared whole,
// ignoring case and the spaces around it: the list's e-mail filter narrows the search, and
// a client whose e-mail merely contains email (joann@ for ann@) is never taken for it.
// When it finds no single client it says so with an *EmailLookupError: none (it wraps
// ErrNotFound), several (e-mails differing in case, on a panel that lets them be; only a
// person can tell which one is meant), or none while a filter saved for the client list
// could be hiding the client (see SaveFilter; no proof of absence, so not ErrNotFound).
//
// API: account
func (s *AccountsService) FindByEmail(ctx context.Context, email string) (*Account, error) {
	want := strings.TrimSpace(email)
	if want == "" {
		return nil, argError(fnAccount, "empty e-mail")
	}
	var found []Account
	for a, err := range s.All(ctx, &AccountListOptions{Email: want}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(strings.TrimSpace(a.Email), want) {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 1:
		return &found[0], nil
	case 0:
		saved, err := s.GetFilter(ctx)
		if err != nil {
			return nil, &chainError{msg: fmt.Sprintf("billmgr: %s: no client with the e-mail %s among those the list shows; "+
				"reading the filter saved for the list, which may hide one, failed: %s", fnAccount, want, unprefixed(err)), errs: []error{err}}
		}
		return nil, &EmailLookupError{Email: want, Filtered: *saved != (AccountFilter{})}
	}
	ids := make([]int64, len(found))
	for i, a := range found {
		ids[i] = a.ID
	}
	return nil, &EmailLookupError{Email: want, IDs: ids}
}

// EmailLookupError is FindByEmail finding no single client with the e-mail: several
// (IDs), none among the clients a filter saved for the client list lets through
// (Filtered), or none at all, when it wraps ErrNotFound.
type EmailLookupError struct {
	Email    string
	IDs      []int64 // the clients with the e-mail, when there are several
	Filtered bool    // none found, and a saved filter may hide the client
}

func (e *EmailLookupError) Error() string {
	switch {
	case len(e.IDs) > 0:
		ids := make([]string, len(e.IDs))
		for i, id := range e.IDs {
			ids[i] = idText(id)
		}
		return fmt.Sprintf("billmgr: %s: %d clients have the e-mail %s (ids %s): name the one meant by its id",
			fnAccount, len(e.IDs), e.Email, strings.Join(ids, ", "))
	case e.Filtered:
		return fmt.Sprintf("billmgr: %s: no client with the e-mail %s among those the list shows, "+
			"but the filter saved on the server for the client list may hide it: clear that filter and look again", fnAccount, e.Email)
	}
	return fmt.Sprintf("billmgr: %s: no client with the e-mail %s: %v", fnAccount, e.Email, ErrNotFound)
}

// Unwrap is ErrNotFound when no client has the e-mail, whatever a filter lets through.
func (e *EmailLookupError) Unwrap() error {
	if len(e.IDs) == 0 && !e.Filtered {
		return ErrNotFound
	}
	return nil
}

// RegisterParams are the fields of a self-registration (register). Email and Password are
// required. String, GoString and LogValue redact the password.
type RegisterParams struct {
	Email           string  `url:"email"`              // the login and e-mail of the new client
	Password        string  `url:"passwd"`             // sent in the request body only
	RealName        string  `url:"realname,omitempty"` // full name
	Phone           *string `url:"phone,omitempty"`
	ConditionsAgree *OnOff  `url:"conditions_agree,omitempty"` // the terms of use are accepted
	Offers          Offers  `url:"offer,omitempty"`            // offer agreements, by id
	Country         *int64  `url:"country,omitempty"`          // country id in BILLmanager's directory
	State           *int64  `url:"state,omitempty"`            // region id in BILLmanager's directory
	Project         *int64  `url:"project,omitempty"`          // provider id
	Recovery        *OnOff  `url:"recovery,omitempty"`         // mail a password-reset link too
	GA              *string `url:"_ga,omitempty"`              // Google Analytics client id
	Partner         *string `url:"partner,omitempty"`          // referral partner code
	SesID           *string `url:"sesid,omitempty"`            // referral click id
	TZOffset        *int    `url:"tzoffset,omitempty"`         // the client's offset from GMT, as the browser reports it
}

// String shows the parameters as they are sent, with the password redacted.
func (p RegisterParams) String() string { return describeSecretParams(p) }

// GoString is String, so that %#v does not print the password either.
func (p RegisterParams) GoString() string { return "billmgr.RegisterParams{" + p.String() + "}" }

// LogValue logs String.
func (p RegisterParams) LogValue() slog.Value { return slog.StringValue(p.String()) }

// checkFields refuses a registration without an e-mail or a password before it is sent.
func (p RegisterParams) checkFields(f *fieldFaults) {
	if p.Email == "" {
		f.add("Email", "Email is required")
	}
	if p.Password == "" {
		f.add("Password", "Password is required")
	}
}

// Offers are the offer agreements (договор-оферта) of a registration: offer id → accepted.
// Each entry goes out as offer_<id>=on or off.
type Offers map[int64]OnOff

// EncodeValues writes one offer_<id> on/off value per entry.
func (o Offers) EncodeValues(key string, v *url.Values) error {
	for id, accepted := range o {
		if id <= 0 {
			return fmt.Errorf("offer id %d: ids are positive", id)
		}
		v.Set(key+"_"+idText(id), accepted.String())
	}
	return nil
}

// Registration is the outcome of Register. BILLmanager answers with the new client's id
// (<id>) and user id (<user.id>); an id the reply leaves out stays 0.
type Registration struct {
	AccountID int64
	UserID    int64
	Email     string // the login, as registered
}

// Register signs a new client up, as the site registration form does, and returns the ids
// of the new client and its user. After an error that wraps ErrOutcomeUnknown the client
// may exist: look for its e-mail (List) before registering again.
//
// API: register
func (s *AccountsService) Register(ctx context.Context, p *RegisterParams) (*Registration, error) {
	const fn = "register"
	params, err := encodeParams(fn, p)
	if err != nil {
		return nil, err
	}
	doc, err := s.client.submit(ctx, fn, params, p)
	if err != nil {
		return nil, err
	}
	reg := &Registration{Email: p.Email}
	if reg.AccountID, err = replyID(fn, doc, "id"); err != nil {
		return nil, err
	}
	if reg.UserID, err = replyID(fn, doc, "user.id"); err != nil {
		return nil, err
	}
	return reg, nil
}

// replyID reads the id in the child name of doc; a missing child is 0.
func replyID(fn string, doc *Doc, name string) (int64, error) {
	raw := doc.Value(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, badID(fn, name, raw)
	}
	return id, nil
}

// TicketParams are a support request written to a client (ticket.write.account,
// ticket.write.payment).
type TicketParams struct {
	Subject string `url:"subject"`
	Message string `url:"message"`
}

// WriteTicket opens a support request to the client accountID and returns the ticket id.
//
// API: ticket.write.account
func (s *AccountsService) WriteTicket(ctx context.Context, accountID int64, p *TicketParams) (int64, error) {
	return s.client.writeTicket(ctx, "ticket.write.account", "account", accountID, p)
}

// writeTicket submits a ticket.write.* form for the object id (named what in errors) and
// returns the new ticket's id.
func (c *Client) writeTicket(ctx context.Context, fn, what string, id int64, p *TicketParams) (int64, error) {
	doc, err := c.submitWithElid(ctx, fn, what, id, p)
	if err != nil {
		return 0, err
	}
	return createdID(fn, doc)
}

// submitWithElid checks id, encodes p and submits fn with elid=id.
func (c *Client) submitWithElid(ctx context.Context, fn, what string, id int64, p any) (*Doc, error) {
	if err := checkID(fn, what, id); err != nil {
		return nil, err
	}
	params, err := encodeParams(fn, p)
	if err != nil {
		return nil, err
	}
	return c.submit(ctx, fn, withIDs(params, 0, idText(id)), p)
}

// AccountDetails is the client form (account.edit). The password is never shown.
type AccountDetails struct {
	ID               int64     `xml:"elid"`
	Email            string    `xml:"email"`
	VerifyEmail      OnOff     `xml:"verify_email"`
	Project          int64     `xml:"project"` // provider id
	Country          int64     `xml:"country"` // country id in BILLmanager's directory
	State            int64     `xml:"state"`   // region id
	RealName         string    `xml:"realname"`
	Name             string    `xml:"name"`
	SettingURL       string    `xml:"settingurl"`
	ValidPhone       string    `xml:"valid_phone"`
	TryPhone         string    `xml:"try_phone"`
	Label            string    `xml:"label"`
	SelfView         string    `xml:"selfview"`
	ProductsPage     string    `xml:"products_page"`
	RegistrationDate time.Time `xml:"registration_date"`
	RegistrationIP   string    `xml:"registration_ip"`
	Attitude         string    `xml:"attitude"`
	Employee         int64     `xml:"employee"` // id of the staff member who registered the client
	NoCalcStat       OnOff     `xml:"nocalcstat"`
	Note             string    `xml:"note"`
	Notify           OnOff     `xml:"notify"`
	Recovery         OnOff     `xml:"recovery"`
}

// AccountParams are the fields of the client form (account.edit). Only the fields set are
// sent, so an Update changes those alone. String, GoString and LogValue redact Password
// and Confirm.
type AccountParams struct {
	Email            *string   `url:"email,omitempty"`
	VerifyEmail      *OnOff    `url:"verify_email,omitempty"`
	Project          *int64    `url:"project,omitempty"` // provider id
	Country          *int64    `url:"country,omitempty"` // country id in BILLmanager's directory
	State            *int64    `url:"state,omitempty"`   // region id
	RealName         *string   `url:"realname,omitempty"`
	Name             *string   `url:"name,omitempty"`
	SettingURL       *string   `url:"settingurl,omitempty"`
	ValidPhone       *string   `url:"valid_phone,omitempty"`
	TryPhone         *string   `url:"try_phone,omitempty"`
	Label            *string   `url:"label,omitempty"`
	SelfView         *string   `url:"selfview,omitempty"`
	Password         *string   `url:"passwd,omitempty"`
	Confirm          *string   `url:"confirm,omitempty"` // the password again
	ProductsPage     *string   `url:"products_page,omitempty"`
	RegistrationDate *DateTime `url:"registration_date,omitempty"`
	RegistrationIP   *string   `url:"registration_ip,omitempty"`
	Attitude         *string   `url:"attitude,omitempty"`
	Employee         *int64    `url:"employee,omitempty"`
	NoCalcStat       *OnOff    `url:"nocalcstat,omitempty"`
	Note             *string   `url:"note,omitempty"`
	Notify           *OnOff    `url:"notify,omitempty"`   // mail the client a registration notice
	Recovery         *OnOff    `url:"recovery,omitempty"` // put password-reset data in the notice
}

// String shows the parameters as they are sent, with the passwords redacted.
func (p AccountParams) String() string { return describeSecretParams(p) }

// GoString is String, so that %#v does not print the passwords either.
func (p AccountParams) GoString() string { return "billmgr.AccountParams{" + p.String() + "}" }

// LogValue logs String.
func (p AccountParams) LogValue() slog.Value { return slog.StringValue(p.String()) }

// describeSecretParams renders params as they are encoded, "key=value" in key order, with the
// values of secret parameters (secret.IsParam) replaced.
func describeSecretParams(p any) string {
	v, err := query.Values(p)
	if err != nil {
		return "invalid: " + err.Error()
	}
	pairs := make([]string, 0, len(v))
	for _, k := range slices.Sorted(maps.Keys(v)) {
		val := strings.Join(v[k], ",")
		if secret.IsParam(k) {
			val = secret.Redacted
		}
		pairs = append(pairs, k+"="+strconv.Quote(val))
	}
	return strings.Join(pairs, " ")
}

const fnAccountEdit = "account.edit"

// Get returns the client form of the client id.
//
// API: account.edit
func (s *AccountsService) Get(ctx context.Context, id int64) (*AccountDetails, error) {
	if err := checkID(fnAccountEdit, "account", id); err != nil {
		return nil, err
	}
	d := &AccountDetails{}
	if err := s.client.view(ctx, fnAccountEdit, withIDs(nil, 0, idText(id)), d); err != nil {
		return nil, err
	}
	return d, nil
}

// Create adds a client and returns its id. After an error that wraps ErrOutcomeUnknown the
// client may exist: look for it (List) before creating another.
//
// API: account.edit
func (s *AccountsService) Create(ctx context.Context, p *AccountParams) (int64, error) {
	params, err := encodeParams(fnAccountEdit, p)
	if err != nil {
		return 0, err
	}
	return s.client.create(ctx, fnAccountEdit, params, p)
}

// Update changes the fields of p that are set on the client id.
//
// API: account.edit
func (s *AccountsService) Update(ctx context.Context, id int64, p *AccountParams) error {
	_, err := s.client.submitWithElid(ctx, fnAccountEdit, "account", id, p)
	return err
}

// Delete deletes the clients ids. After an error that wraps ErrOutcomeUnknown they may be
// gone: list them before trying again.
//
// API: account.delete
func (s *AccountsService) Delete(ctx context.Context, ids ...int64) error {
	return s.client.act(ctx, "account.delete", 0, ids)
}

// LoginURL asks for a URL that opens the panel as the client accountID (the "drill down
// to the user panel" of account.su) and returns it as an absolute URL, resolved against
// the client's base URL. Whoever opens the URL is logged in as the client without a
// password: hand it to a browser as a redirect and never log or store it. The SDK redacts
// its key from its own errors and logs.
//
// API: account.su
func (s *AccountsService) LoginURL(ctx context.Context, accountID int64) (string, error) {
	const fn = "account.su"
	if err := checkID(fn, "account", accountID); err != nil {
		return "", err
	}
	doc, err := s.client.document(ctx, &request{fn: fn, params: withIDs(nil, 0, idText(accountID))})
	if err != nil {
		return "", err
	}
	return s.client.resolveLoginURL(fn, doc.Child("ok"))
}

// errNoURL is returned when account.su succeeds without <ok type="url">.
var errNoURL = errors.New(`the reply carries no <ok type="url">`)

// resolveLoginURL reads the URL of <ok type="url"> and resolves it against the base URL.
// The URL's text never goes into an error: it holds a login key.
func (c *Client) resolveLoginURL(fn string, ok *Node) (string, error) {
	raw := strings.TrimSpace(ok.text())
	if ok.Attr("type") != "url" || raw == "" {
		return "", fmt.Errorf("billmgr: %s: %w: %w", fn, ErrUnexpectedResponse, errNoURL)
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("billmgr: %s: %w: the login URL does not parse", fn, ErrUnexpectedResponse)
	}
	base, err := url.Parse(c.baseURL)
	if err != nil {
		return "", fmt.Errorf("billmgr: %s: base URL: %w", fn, err)
	}
	u := base.ResolveReference(ref)
	if key := u.Query().Get("key"); key != "" {
		c.creds.addSecret(key)
	}
	return u.String(), nil
}

// SetFilter narrows the administrator's later lists of payments and expenses to the client
// accountID, as choosing "filter by client" in the panel does. The filter is saved on the
// server for the user and stays until those lists' filters are reset.
//
// API: account.setfilter
func (s *AccountsService) SetFilter(ctx context.Context, accountID int64) error {
	const fn = "account.setfilter"
	if err := checkID(fn, "account", accountID); err != nil {
		return err
	}
	return s.client.act(ctx, fn, 0, []int64{accountID})
}

// AccountFilter is the saved filter of the client list (account.filter). A zero field
// does not filter.
type AccountFilter struct {
	Name          string `xml:"name" url:"name,omitempty"`
	Email         string `xml:"email" url:"email,omitempty"`
	Project       int64  `xml:"project" url:"project,omitempty"`               // provider id
	AccountStatus string `xml:"account_status" url:"account_status,omitempty"` // AccountActive, …
}

// accountFilterKeys are the fields of account.filter. Saving sends all of them, the empty
// ones blank, so that a save replaces the whole filter.
var accountFilterKeys = []string{"name", "email", "project", "account_status"}

const fnAccountFilter = "account.filter"

// GetFilter returns the filter saved for the client list.
//
// API: account.filter
func (s *AccountsService) GetFilter(ctx context.Context) (*AccountFilter, error) {
	f := &AccountFilter{}
	if err := s.client.view(ctx, fnAccountFilter, url.Values{}, f); err != nil {
		return nil, err
	}
	return f, nil
}

// SaveFilter replaces the filter of the client list with f. The server keeps it for the
// user and applies it to every later client list, List and All included, silently leaving
// out the clients it does not match, until it is reset. Prefer the inline filters of
// AccountListOptions, which apply to one call only.
//
// API: account.filter
func (s *AccountsService) SaveFilter(ctx context.Context, f *AccountFilter) error {
	params, err := encodeParams(fnAccountFilter, f)
	if err != nil {
		return err
	}
	for _, k := range accountFilterKeys {
		if !params.Has(k) {
			params.Set(k, "")
		}
	}
	_, err = s.client.submit(ctx, fnAccountFilter, params, f)
	return err
}

// ResetFilter saves the empty filter of the client list, so that later lists show every
// client again.
//
// API: account.filter
func (s *AccountsService) ResetFilter(ctx context.Context) error {
	return s.SaveFilter(ctx, &AccountFilter{})
}

// SMSParams are an SMS to a client (account.sms).
type SMSParams struct {
	Type    *string `url:"type,omitempty"`  // which of the client's numbers to use
	Phone   *string `url:"phone,omitempty"` // the number to send to
	Message string  `url:"message"`
}

// SendSMS sends a text message to the client accountID.
//
// API: account.sms
func (s *AccountsService) SendSMS(ctx context.Context, accountID int64, p *SMSParams) error {
	_, err := s.client.submitWithElid(ctx, "account.sms", "account", accountID, p)
	return err
}

// Group is one row of a client's groups (account.group).
type Group struct {
	ID     int64  `xml:"id"`
	Name   string `xml:"name"`
	Status Status `xml:"status"` // StatusOn: the client is in the group; StatusOff: not
}

var groupList = subList[Group]{fn: "account.group", id: func(g *Group) int64 { return g.ID }}

// Groups returns one page of the client groups and whether the client accountID is in each.
//
// API: account.group
func (s *AccountsService) Groups(ctx context.Context, accountID int64, opts *ListOptions) (*Page[Group], error) {
	return groupList.page(ctx, s.client, accountID, opts)
}

// ResumeGroups puts the client accountID into the groups ids (their status turns on).
//
// API: account.group.resume
func (s *AccountsService) ResumeGroups(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.group.resume", accountID, ids)
}

// SuspendGroups takes the client accountID out of the groups ids (their status turns off).
//
// API: account.group.suspend
func (s *AccountsService) SuspendGroups(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.group.suspend", accountID, ids)
}

// Provider is one row of the providers available to a client (account.project).
type Provider struct {
	ID     int64  `xml:"id"`
	Name   string `xml:"name"`
	Status Status `xml:"status"` // StatusOn: available to the client; StatusOff: not
}

var providerList = subList[Provider]{fn: "account.project", id: func(p *Provider) int64 { return p.ID }}

// Providers returns one page of the providers and whether each is available to the client
// accountID.
//
// API: account.project
func (s *AccountsService) Providers(ctx context.Context, accountID int64, opts *ListOptions) (*Page[Provider], error) {
	return providerList.page(ctx, s.client, accountID, opts)
}

// ResumeProviders makes the providers ids available to the client accountID.
//
// API: account.project.resume
func (s *AccountsService) ResumeProviders(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.project.resume", accountID, ids)
}

// SuspendProviders makes the providers ids unavailable to the client accountID.
//
// API: account.project.suspend
func (s *AccountsService) SuspendProviders(ctx context.Context, accountID int64, ids ...int64) error {
	return subAct(ctx, s.client, "account.project.suspend", accountID, ids)
}

// User is a user as whoami reports it.
type User struct {
	ID       int64
	Name     string // the login
	RealName string
	Email    string
	Level    int    // the access level: 16 for a client, higher for staff
	Lang     string // the language of the call
	// AccountID is the client the user belongs to; 0 for staff.
	AccountID int64
	// Balance is the balance of the client's main personal account, with the ISO code of
	// its currency ("RUB", never a symbol); zero for staff.
	Balance    Money
	CurrencyID int64     // the id of that currency; 0 for staff
	Registered time.Time // when the client registered; zero for staff
}

const fnWhoami = "whoami"

// Whoami returns the user the calls run as: with As, the client acted for; otherwise the
// user of the credentials. A client-side integration reads its client's id and balance
// here.
//
// API: whoami
func (c *Client) Whoami(ctx context.Context) (*User, error) {
	doc, err := c.document(ctx, &request{fn: fnWhoami, params: url.Values{}, readOnly: true})
	if err != nil {
		return nil, err
	}
	n := doc.Child("user")
	if n == nil {
		return nil, fmt.Errorf("billmgr: %s: %w: the reply has no <user>", fnWhoami, ErrUnexpectedResponse)
	}
	u := &User{Name: n.Attr("name"), RealName: n.Attr("realname"), Email: n.Attr("email"), Lang: n.Attr("lang")}
	var level int64
	for _, f := range []struct {
		attr string
		dst  *int64
	}{{"id", &u.ID}, {"level", &level}, {"account", &u.AccountID}, {"currency_id", &u.CurrencyID}} {
		if *f.dst, err = replyNumber(n.Attr(f.attr)); err != nil {
			return nil, fmt.Errorf("billmgr: %s: %w: user@%s: %v", fnWhoami, ErrUnexpectedResponse, f.attr, err)
		}
	}
	u.Level = int(level)
	if raw := n.Attr("balance"); raw != "" {
		if u.Balance.Amount, err = decimal.NewFromString(raw); err != nil {
			return nil, fmt.Errorf("billmgr: %s: %w: user@balance %q is not a number", fnWhoami, ErrUnexpectedResponse, raw)
		}
		u.Balance.Currency = n.Attr("currency")
	}
	if u.Registered, err = parseTime(n.Attr("account_regdate"), c.loc); err != nil {
		return nil, fmt.Errorf("billmgr: %s: %w: user@account_regdate: %v", fnWhoami, ErrUnexpectedResponse, err)
	}
	return u, nil
}

// replyNumber reads an integer attribute; "" is 0.
func replyNumber(raw string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	return strconv.ParseInt(raw, 10, 64)
}
