package main

import (
	"strings"

	"github.com/go-billmgr/billmgr"
)

// The help of every parameter flag comes from one table, paramDocs, keyed by the API
// parameter's name, or by "FUNCTION NAME" where a function gives the name a meaning of its
// own (amount is a refund in payment.refund and a charge in subaccount.expense.edit). The
// words follow the vendor's reference of the account API, said the way the people who
// run a panel say them; where the API takes a fixed set of values, the table lists them,
// and the flag refuses any other before anything is sent.

// paramDoc is what an API parameter means and which values it takes.
type paramDoc struct {
	usage string
	// values is the fixed set the API takes: the flag refuses any other value.
	values []choice
	// examples are values to suggest of a set that each panel extends: the flag takes
	// others too.
	examples []choice
	// create marks a parameter that a create cannot go without, though an update can.
	create bool
	// typ names the form of the value in the help, where the field's type does not say it.
	typ string
}

// choice is a value of a parameter and what it means.
type choice struct{ value, meaning string }

// choices lists values that need no explanation.
func choices(values ...string) []choice {
	out := make([]choice, len(values))
	for i, v := range values {
		out[i] = choice{value: v}
	}
	return out
}

// help is the flag's help text: the meaning, then the values.
func (d paramDoc) help() string {
	switch {
	case d.values != nil:
		return d.usage + ": " + listChoices(d.values)
	case d.examples != nil:
		return d.usage + ", e.g. " + listChoices(d.examples)
	}
	return d.usage
}

// completions are the values the shell offers, each with its meaning.
func (d paramDoc) completions() []string {
	var out []string
	for _, c := range append(d.values, d.examples...) {
		out = append(out, strings.TrimSpace(c.value+"\t"+c.meaning))
	}
	return out
}

// valueType names the form of the value in the help: the values themselves when they are
// few and short, else "code".
func (d paramDoc) valueType() string {
	if d.typ != "" || len(d.values) == 0 {
		return d.typ
	}
	if len(d.values) <= 3 {
		values := make([]string, len(d.values))
		for i, c := range d.values {
			values[i] = c.value
		}
		return strings.Join(values, "|")
	}
	return "code"
}

// allows reports whether the API takes s.
func (d paramDoc) allows(s string) bool {
	if d.values == nil {
		return true
	}
	for _, c := range d.values {
		if c.value == s {
			return true
		}
	}
	return false
}

// listChoices reads "1=new, 2=payment in progress or 3=promised".
func listChoices(cs []choice) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.value
		if c.meaning != "" {
			parts[i] += "=" + c.meaning
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// docOf is the doc of parameter name of function fn.
func docOf(fn, name string) (paramDoc, bool) {
	if alias, ok := docAliases[fn]; ok {
		fn = alias
	}
	if d, ok := paramDocs[fn+" "+name]; ok {
		return d, true
	}
	d, ok := paramDocs[name]
	return d, ok
}

// docAliases are functions whose parameters mean what those of another mean: a saved
// filter's fields are its list's inline filter, a discount is created with the fields it
// is edited with.
var docAliases = map[string]string{
	"account.filter":            "account",
	"account.payment.filter":    "account.payment",
	"subaccount.expense.filter": "subaccount.expense",
	"account.discount.add":      "account.discount.edit",
}

var (
	// paymentStatuses are the codes of paymentStatusLabels, each meaning its English label.
	paymentStatuses = func() []choice {
		out := make([]choice, len(paymentStatusLabels))
		for i, s := range paymentStatusLabels {
			out[i] = choice{s.code, strings.ToLower(s.en)}
		}
		return out
	}()
	accountStatuses = []choice{
		{billmgr.AccountActive, "active"}, {billmgr.AccountSuspended, "suspended"}, {billmgr.AccountDeleted, "deleted"},
	}
	// operations are the operations of expenses the vendor's reference names.
	operations = choices("prolong", "billdaily", "changeaddon")
)

// periods are the choices of a list filter's period, as the recorded payment filter form
// lists them (testdata/samples/billmgr6_form_payment_filter_internal.xml); other is the
// days of the flags start and end.
func periods(start, end string) []choice {
	return []choice{
		{"nodate", "any date"}, {"today", ""}, {"currentweek", ""}, {"currentmonth", ""}, {"currentyear", ""},
		{"lastday", "yesterday"}, {"lastweek", ""}, {"lastmonth", ""}, {"lastyear", ""},
		{"week", ""}, {"month", ""}, {"quarter", ""}, {"halfyear", ""}, {"year", ""},
		{"other", "from --" + start + " to --" + end},
	}
}

// paramDocs are the words of every parameter flag (see the top of the file).
var paramDocs = map[string]paramDoc{
	// Clients: account.edit, register and the client list's filter.
	"verify_email":       {usage: "on: take the client's e-mail address as verified"},
	"project":            {usage: "the provider the client belongs to (provider id)"},
	"country":            {usage: "the client's country (id in the panel's country directory)"},
	"state":              {usage: "the client's region (id in the panel's directory)"},
	"realname":           {usage: "the contact person: the client's full name, or the contact at the client's company"},
	"name":               {usage: "the client's name as the panel shows it"},
	"settingurl":         {usage: "the URL the client's ISPmanager panels fetch their settings from"},
	"valid_phone":        {usage: "the client's verified phone number"},
	"try_phone":          {usage: "the client's phone number, not verified yet"},
	"label":              {usage: "a label for staff to filter clients by; the client does not see it"},
	"selfview":           {usage: "the client's own name servers, shown instead of the ones in the panel's settings"},
	"passwd":             {usage: "the client's password to the panel (- reads it from stdin)"},
	"confirm":            {usage: "the same password again, to confirm it (- reads it from stdin)"},
	"products_page":      {usage: "the products page the client is shown (the reference calls it Page)"},
	"registration_date":  {usage: "when the client registered"},
	"registration_ip":    {usage: "the IP address the client registered from"},
	"attitude":           {usage: "the staff's characteristic of the client, as the panel's list of them names it"},
	"employee":           {usage: "the staff member who registered the client (user id)"},
	"nocalcstat":         {usage: "on: leave the client's services out of the statistics"},
	"note":               {usage: "a comment on the client, for staff"},
	"notify":             {usage: "on: e-mail the client a notice of the registration"},
	"recovery":           {usage: "on: put a password-reset link in the notice to the client"},
	"account.edit email": {usage: "the client's e-mail address, which is also the login to the panel", create: true},

	"register email":    {usage: "the new client's e-mail address, which is also the login to the panel"},
	"register passwd":   {usage: "the new client's password (- reads it from stdin)"},
	"register realname": {usage: "the new client's full name"},
	"register project":  {usage: "the provider the client signs up with (provider id)"},
	"phone":             {usage: "the client's phone number"},
	"conditions_agree":  {usage: "on: the client accepted the terms of use (where signing up asks for it)"},
	"offer":             {usage: "an offer agreement the client accepted, by the offer's id: OFFER_ID=on (repeat for more)"},
	"_ga":               {usage: "the Google Analytics client id of the visitor who signs up"},
	"partner":           {usage: "the referral partner's code, when the client came by a referral link"},
	"sesid":             {usage: "the referral program's click id"},
	"tzoffset":          {usage: "the client's time zone offset from GMT, as the browser reports it"},

	"account name":           {usage: "only clients whose name contains this text"},
	"account email":          {usage: "only clients whose e-mail address contains this text (joann@ too for ann@; accounts get --email finds one client by the whole address)"},
	"account project":        {usage: "only clients of this provider (provider id)"},
	"account account_status": {usage: "only clients in this status", values: accountStatuses},

	"account.sms type":    {usage: "which of the client's numbers to text when --phone is not given", examples: []choice{{"valid_phone", "the verified number"}, {"try_phone", "the number not verified yet"}}},
	"account.sms phone":   {usage: "the phone number to send the message to"},
	"account.sms message": {usage: "the text of the message"},
	"subject":             {usage: "the subject of the support ticket"},
	"message":             {usage: "the text of the support ticket"},

	// Payments: payment.edit, the payment list's filter, refunds, a client's own payment.
	"number":            {usage: "the invoice number, e.g. pfx/123 (the panel's numbering makes one when not given)"},
	"createdate":        {usage: "when the invoice was issued"},
	"paydate":           {usage: "when the payment was paid or credited"},
	"documentnumber":    {usage: "the number of the payment document, e.g. the bank transfer's"},
	"documentdate":      {usage: "the date of the payment document"},
	"description":       {usage: "the purpose of the payment"},
	"sender":            {usage: "the payer, among the client's payers, the payment comes from (payer id)"},
	"subaccountamount":  {usage: "the amount credited to the client's account, in the account's currency", create: true},
	"usedamount":        {usage: "the part of the payment already spent"},
	"paymethodamount":   {usage: "the amount in the payment method's currency"},
	"commissionamount":  {usage: "the commission added to the amount the client pays"},
	"status":            {usage: "the payment's status", values: paymentStatuses},
	"paymethod":         {usage: "the payment method (id)"},
	"restrictrefund":    {usage: "on: forbid refunds of the payment"},
	"info":              {usage: "what the payment system reported about the payment"},
	"payment.edit note": {usage: "a comment on the payment, for staff"},
	"currency":          {usage: "the currency of the payment (id in the panel's currency directory)"},

	"account.payment number":          {usage: "only payments whose number contains this text"},
	"account.payment status":          {usage: "only payments in this status", values: paymentStatuses},
	"account.payment paymethod":       {usage: "only payments by this payment method (id)"},
	"account.payment createdate":      {usage: "only payments created in this period", values: periods("createdatestart", "createdateend"), typ: "period"},
	"account.payment createdatestart": {usage: "only payments created on this day or later", typ: "2024-05-07"},
	"account.payment createdateend":   {usage: "only payments created on this day or earlier", typ: "2024-05-07"},
	"account.payment payfromdate":     {usage: "only payments paid (credited) on this day or later; an unpaid payment has no pay date", typ: "2024-05-07"},
	"account.payment paytodate":       {usage: "only payments paid (credited) on this day or earlier; an unpaid payment has no pay date", typ: "2024-05-07"},

	"payment.refund amount":        {usage: "the amount to give back to the client, in the payment method's currency; at most what is left of the payment"},
	"payment.refund description":   {usage: "why the payment is refunded, passed to the payment system"},
	"payment.add amount":           {usage: "the amount to pay"},
	"payment.add paymethod":        {usage: "the payment method to pay with (id)"},
	"payment.add payment_currency": {usage: "the currency to pay in (currency id); the payment method's when not given"},
	"payment.expense.edit expense": {usage: "the expense the payment pays for (expense id)"},
	"payment.expense.edit amount":  {usage: "the part of the expense the payment pays"},
	"payment.orderinfo.edit name":  {usage: "the text of the invoice line"},

	// Personal accounts.
	"subaccount_project":            {usage: "the provider of the new personal account (provider id)"},
	"subaccount_currency":           {usage: "the currency of the new personal account (currency id)"},
	"allowpostpaid":                 {usage: "on: the client may pay for services from this account after using them, on credit"},
	"creditlimit":                   {usage: "how far into debt the client may go on this account"},
	"referer":                       {usage: "the code of the client who referred this one (referral program)"},
	"active":                        {usage: "on: this is the client's active account with its provider (one per provider)"},
	"incident_limit":                {usage: "how many support tickets the client may open, ever"},
	"subaccount.refund amount":      {usage: "the amount to withdraw from the account's balance; at most the balance"},
	"subaccount.refund description": {usage: "why the amount is withdrawn, for the account's history"},

	// Discounts.
	"account.discount.edit name": {usage: "the name of the discount"},
	"fromdate":                   {usage: "the first day the discount is in effect"},
	"todate":                     {usage: "the last day the discount is in effect"},
	"account.discount.edit type": {usage: "how the discount is granted, as the panel's discount types name it"},
	"percentage":                 {usage: "the discount, in percent of the price"},
	"priority":                   {usage: "which discount applies first: by default a client's own discounts come before promotions; a negative one applies only when no promotion discount fits"},
	"actiontype":                 {usage: "what the discount applies to (an order, a renewal), as the panel names it; a renewal discount does not apply to tariffs charged daily"},
	"period":                     {usage: "the order period the discount covers, as the panel names it"},
	"account.discount.edit note": {usage: "a comment on the discount, for staff"},

	// Expenses: subaccount.expense.edit and the expense list's filter.
	"subaccount":                      {usage: "the personal account charged (its id)"},
	"item":                            {usage: "the service the expense is for (service id)"},
	"operation":                       {usage: "the operation the expense is for", examples: operations, typ: "name"},
	"subaccount.expense.edit amount":  {usage: "the amount charged, tax included", create: true},
	"subaccount.expense.edit taxrate": {usage: "the tax rate in percent, included in the amount: 20 on 120.00 is 20.00 of tax"},
	"postpaid":                        {usage: "on: charge it on credit, as a debt, when the balance does not cover it"},
	"subaccount.expense.edit name":    {usage: "the name of the expense; the panel names it after the operation when not given"},
	"realdate":                        {usage: "the day the amount is debited"},
	"cdate":                           {usage: "the day the service starts"},

	"subaccount.expense realdate":      {usage: "only expenses debited in this period", values: periods("realdatestart", "realdateend"), typ: "period"},
	"subaccount.expense realdatestart": {usage: "only expenses debited on this day or later"},
	"subaccount.expense realdateend":   {usage: "only expenses debited on this day or earlier"},
	"subaccount.expense operation":     {usage: "only expenses of this operation", examples: operations, typ: "name"},

	// Tax rules.
	"account.taxrule.edit project": {usage: "the provider the rule is for (provider id)"},
	"account.taxrule.edit country": {usage: "the payer's country the rule is for (country id)"},
	"taxrate":                      {usage: "the tax rate in percent", create: true},
	"specialitemtype":              {usage: "on: tax only the product types of --itemtype"},
	"itemtype":                     {usage: "the product types taxed"},

	// Currency rates.
	"currency_base":                    {usage: "the base currency, which the rate converts into (currency id)", create: true},
	"currency_relate":                  {usage: "the currency converted into the base one (currency id)", create: true},
	"rate":                             {usage: "the value of the rate on --ratedate, for --amount units", create: true},
	"account.currencyrate.edit amount": {usage: "the number of units of the base currency the rate is quoted for"},
	"ratedate":                         {usage: "the day the rate applies from"},
}
