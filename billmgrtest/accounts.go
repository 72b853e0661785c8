package billmgrtest

import (
	"strings"
)

// accountList is the client list. Its columns are the vendor reference page's, their
// Russian labels the page's; the rest is the fake's.
var accountList = listSpec{key: "id", keyname: "name",
	cols: []column{
		{name: "id", num: true},
		{name: "name"},
		{name: "project", msg: true},
		{name: "balance", num: true},
		{name: "account_status", msg: true},
		{name: "tz_registration_date"},
		{name: "status", msg: true},
		{name: "email"},
	},
	toolbar: append(editTools("account.edit", "account.delete"),
		toolgrp{name: "su", btns: []toolbtn{btn("account.su", "su", "t-su", "edit")}},
		toolgrp{name: "filter", btns: []toolbtn{
			btn("account.filter", "filter", "t-filter", "new"),
			btn("account.setfilter", "setfilter", "t-setfilter", "edit"),
		}}),
	messages: []message{
		msg("title", "Clients", "Клиенты"),
		msg("name", "Name", "Наименование"),
		msg("balance", "Balance", "Баланс"),
		msg("account_status", "Client status", "Статус клиента"),
		msg("tz_registration_date", "Registration date", "Дата регистрации"),
		msg("status", "Properties", "Свойства"),
		msg("email", "E-mail", "E-mail"),
	},
}

var accountFilter = filterSpec{list: "account", fields: []field{
	{name: "name"},
	{name: "email"},
	{name: "project", kind: kindSelect, options: providerOptions},
	{name: "account_status", kind: kindMulti, options: statusOptions(accountStatuses, []int{1, 2, 3})},
}}

// statusOptions makes the select options of a status table.
func statusOptions(table map[int]status, codes []int) func(*call) []option {
	return func(c *call) []option {
		opts := make([]option, len(codes))
		for i, code := range codes {
			opts[i] = option{key: idString(int64(code)), label: table[code].label.in(c.lang), msg: true}
		}
		return opts
	}
}

// listAccounts serves account: every client, with the balance of its main
// personal account.
func listAccounts(c *call) (*reply, error) {
	filters, err := accountFilter.active(c)
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, a := range c.st.accounts {
		if !matchAll(filters, func(f map[string]string) bool {
			return contains(a.name, f["name"]) && contains(a.email, f["email"]) &&
				oneOf(idString(a.project), f["project"]) && oneOf(idString(int64(a.status)), f["account_status"])
		}) {
			continue
		}
		main := a.subs[0]
		rows = append(rows, row{
			idNode("id", a.id),
			el("name", a.name),
			providerNode("project", a.project, c.lang),
			el("balance", c.st.money(main.balance, main.currency)),
			intStatusNode("account_status", a.status, accountStatuses, c.lang),
			el("tz_registration_date", c.st.formatTime(a.registered, dateTimeLayout)),
			el("status", ""),
			el("email", a.email),
		})
	}
	return c.list(accountList, rows)
}

var registerFields = []field{
	{name: "email", kind: kindEmail, required: true},
	{name: "passwd", kind: kindPassword, required: true},
	{name: "realname"},
	{name: "phone"},
	{name: "conditions_agree", kind: kindFlag},
	{name: "country", kind: kindSelect, options: countryOptions, notBlank: true},
	{name: "state"},
	{name: "project", kind: kindSelect, options: providerOptions},
	{name: "recovery", kind: kindFlag},
	{name: "_ga"},
	{name: "partner"},
	{name: "sesid"},
	{name: "tzoffset"},
}

func registerForm(c *call) (*reply, error) { return c.form(registerFields, nil), nil }

// register serves register with sok: a new client with one personal account
// in rubles. The e-mail must be valid and unused, the password non-empty.
func register(c *call) (*reply, error) {
	vals, err := c.read(registerFields, true)
	if err != nil {
		return nil, err
	}
	for name, v := range c.params { // offer_<id>: the accepted offers
		if strings.HasPrefix(name, "offer_") {
			if _, err := (field{name: name, kind: kindFlag}).normalize(c, v[0]); err != nil {
				return nil, err
			}
			vals[name] = v[0]
		}
	}
	a, err := c.createAccount(vals)
	if err != nil {
		return nil, err
	}
	return ok(idNode("id", a.id), idNode("user.id", a.userID)), nil
}

// createAccount makes a client from register or account.edit values.
func (c *call) createAccount(vals map[string]string) (*account, error) {
	if c.st.accountByEmail(vals["email"]) != nil {
		return nil, clash("email", vals["email"])
	}
	rub, _ := currencyByISO("RUB")
	a := c.st.createAccount(vals["email"], vals["passwd"], vals["realname"], rub, c.now)
	a.props["registration_ip"] = c.ip
	c.updateAccount(a, vals)
	return a, nil
}

var accountFields = []field{
	{name: "email", kind: kindEmail, required: true},
	{name: "verify_email", kind: kindFlag},
	{name: "project", kind: kindSelect, options: providerOptions},
	{name: "country", kind: kindSelect, options: countryOptions, notBlank: true},
	{name: "state"},
	{name: "realname"},
	{name: "name"},
	{name: "settingurl"},
	{name: "valid_phone"},
	{name: "try_phone"},
	{name: "label"},
	{name: "selfview"},
	{name: "passwd", kind: kindPassword},
	{name: "confirm", kind: kindSecret},
	{name: "products_page"},
	{name: "registration_date", kind: kindDateTime},
	{name: "registration_ip"},
	{name: "attitude"},
	{name: "employee"},
	{name: "nocalcstat", kind: kindFlag},
	{name: "note"},
	{name: "notify", kind: kindFlag},
	{name: "recovery", kind: kindFlag},
}

// viewAccount serves the account.edit form (never with the password).
func viewAccount(c *call) (*reply, error) {
	if c.params.Get("elid") == "" {
		return c.form(accountFields, nil), nil
	}
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	return c.form(accountFields, merge(a.props, map[string]string{
		"email":             a.email,
		"name":              a.name,
		"project":           idString(a.project),
		"registration_date": c.st.formatTime(a.registered, dateTimeLayout),
	})), nil
}

// saveAccount serves account.edit with sok: it changes the client of elid,
// or without elid creates one.
func saveAccount(c *call) (*reply, error) {
	creating := c.params.Get("elid") == ""
	var a *account
	if !creating {
		var err error
		if a, err = c.client("elid"); err != nil {
			return nil, err
		}
	}
	vals, err := c.read(accountFields, creating)
	if err != nil {
		return nil, err
	}
	if confirm, sent := vals["confirm"]; sent && confirm != vals["passwd"] {
		return nil, invalid("confirm", "", whyConfirm)
	}
	if creating {
		if a, err = c.createAccount(vals); err != nil {
			return nil, err
		}
		return created(a.id), nil
	}
	if email, sent := vals["email"]; sent {
		if other := c.st.accountByEmail(email); other != nil && other != a {
			return nil, clash("email", email)
		}
	}
	c.updateAccount(a, vals)
	return created(a.id), nil
}

// updateAccount stores account.edit or register values in a.
func (c *call) updateAccount(a *account, vals map[string]string) {
	for k, v := range vals {
		switch k {
		case "email":
			a.email = v
		case "passwd":
			if v != "" {
				a.password = v
			}
		case "confirm":
		case "name":
			a.name = v
		case "project":
			if v != "" {
				a.project = intOf(v)
				a.projects[a.project] = true
			}
		case "registration_date":
			a.registered = c.parseTime(v)
		default:
			a.props[k] = v
		}
	}
}

// deleteAccounts serves account.delete: the clients go with everything they
// had; their sessions and login keys stop working.
func deleteAccounts(c *call) (*reply, error) {
	accounts, err := lookupAll(c, "elid", c.st.accounts, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		deleteOwned(c.st.subaccounts, a.id)
		deleteOwned(c.st.payments, a.id)
		deleteOwned(c.st.expenses, a.id)
		delete(c.st.accounts, a.id)
	}
	return ok(), nil
}

// deleteOwned removes the objects of client id from m.
func deleteOwned[T interface{ owner() int64 }](m map[int64]T, id int64) {
	for k, obj := range m {
		if obj.owner() == id {
			delete(m, k)
		}
	}
}
