package billmgrtest

// A recordKind is a list of a client whose rows keep what was set: discounts,
// tax rules and currency rates. They share one list, form, save and delete.
type recordKind struct {
	name   string // the list function; also the key of the client's records
	spec   listSpec
	fields []field
	row    func(c *call, a *account, r *record) row
	check  func(vals map[string]string) error // the record as it would be saved; may be nil
}

func (k recordKind) of(a *account) map[int64]*record {
	m := a.records[k.name]
	if m == nil {
		m = make(map[int64]*record)
		a.records[k.name] = m
	}
	return m
}

// list serves the list of the client in elid.
func (k recordKind) list(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	var rows []row
	for _, r := range k.of(a) {
		rows = append(rows, k.row(c, a, r))
	}
	return c.list(k.spec, rows)
}

// target finds the client in plid and its record in elid (nil without elid).
func (k recordKind) target(c *call) (*account, *record, error) {
	a, err := c.client("plid")
	if err != nil || c.params.Get("elid") == "" {
		return a, nil, err
	}
	r, err := lookup(c, "elid", k.of(a), nil)
	return a, r, err
}

// view serves the form: the record in elid, or an empty one.
func (k recordKind) view(c *call) (*reply, error) {
	_, r, err := k.target(c)
	if err != nil {
		return nil, err
	}
	var vals map[string]string
	if r != nil {
		vals = r.vals
	}
	return c.form(k.fields, vals), nil
}

// save serves the form with sok: it changes the record in elid or, without
// elid, creates one; either way it answers the record's id.
func (k recordKind) save(c *call) (*reply, error) {
	a, r, err := k.target(c)
	if err != nil {
		return nil, err
	}
	vals, err := c.read(k.fields, r == nil)
	if err != nil {
		return nil, err
	}
	if r != nil {
		vals = merge(r.vals, vals)
	}
	if k.check != nil {
		if err := k.check(vals); err != nil {
			return nil, err
		}
	}
	if r == nil {
		r = &record{id: c.st.nextID()}
		k.of(a)[r.id] = r
	}
	r.vals = vals
	return created(r.id), nil
}

// delete serves the delete of the client's records: plid, elid list.
func (k recordKind) delete(c *call) (*reply, error) {
	a, err := c.client("plid")
	if err != nil {
		return nil, err
	}
	rs, err := lookupAll(c, "elid", k.of(a), nil)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		delete(k.of(a), r.id)
	}
	return ok(), nil
}

// dateOrder refuses a record whose todate is before its fromdate.
func dateOrder(from, to string) func(map[string]string) error {
	return func(vals map[string]string) error {
		if vals[from] != "" && vals[to] != "" && vals[to] < vals[from] {
			return invalid(to, vals[to], whyDateOrder)
		}
		return nil
	}
}

var discounts = recordKind{
	name: "account.discount",
	spec: listSpec{key: "id", keyname: "name",
		cols: []column{
			{name: "id", num: true}, {name: "idname"}, {name: "name"}, {name: "actiontype"},
			{name: "project", msg: true}, {name: "discount_type"}, {name: "period"}, {name: "percentage", num: true},
		},
		toolbar: []toolgrp{{name: "new", btns: []toolbtn{
			btn("account.discount.add", "new", "t-new", "new"),
			btn("account.discount.edit", "edit", "t-edit", "edit", attr{"default", "yes"}),
			btn("account.discount.delete", "delete", "t-delete", "group", attr{"warning", "yes"}),
		}}, {name: "new_sep"}},
		messages: []message{
			msg("title", "Discounts", "Скидки"),
			msg("name", "Name", "Наименование"),
			msg("actiontype", "Applies to", "Действует на"),
			msg("discount_type", "Discount type", "Тип скидки"),
			msg("period", "Validity", "Срок действия"),
			msg("percentage", "Discount, %", "Скидка, %"),
		},
	},
	fields: []field{
		{name: "name"},
		{name: "fromdate", kind: kindDate},
		{name: "todate", kind: kindDate},
		{name: "type"},
		{name: "percentage", kind: kindPercent},
		{name: "priority", kind: kindInt},
		{name: "actiontype"},
		{name: "period"},
		{name: "note"},
	},
	row: func(c *call, a *account, r *record) row {
		return row{
			idNode("id", r.id),
			idNode("idname", r.id), // account.discount.edit takes idname as elid; here it is the id
			el("name", r.vals["name"]),
			el("actiontype", r.vals["actiontype"]),
			providerNode("project", a.project, c.lang),
			el("discount_type", r.vals["type"]),
			el("period", r.vals["period"]),
			el("percentage", r.vals["percentage"]),
		}
	},
	check: dateOrder("fromdate", "todate"),
}

var taxRules = recordKind{
	name: "account.taxrule",
	spec: listSpec{key: "id",
		cols: []column{
			{name: "id", num: true}, {name: "type", msg: true}, {name: "project", msg: true}, {name: "company"},
			{name: "country", msg: true}, {name: "taxrate", num: true}, {name: "itemtype"},
		},
		toolbar: editTools("account.taxrule.edit", "account.taxrule.delete"),
		messages: []message{
			msg("title", "Tax rules", "Налоговые правила"),
			msg("type", "Type", "Тип"),
			msg("company", "Company", "Компания"),
			msg("country", "Payer's country", "Страна плательщика"),
			msg("taxrate", "Tax rate", "Ставка налога"),
			msg("itemtype", "Product type", "Тип продукта"),
		},
	},
	fields: []field{
		{name: "project", kind: kindSelect, options: providerOptions},
		{name: "country", kind: kindSelect, options: countryOptions},
		{name: "taxrate", kind: kindPercent, required: true},
		{name: "specialitemtype", kind: kindFlag},
		{name: "itemtype"},
	},
	row: func(c *call, a *account, r *record) row {
		project := a.project
		if v := r.vals["project"]; v != "" {
			project = intOf(v)
		}
		return row{
			idNode("id", r.id),
			statusNode("type", "special", status{label: taxRuleSpecial}, c.lang),
			providerNode("project", project, c.lang),
			el("company", ""),
			el("country", name(countries, intOf(r.vals["country"]), c.lang)).attr("orig", r.vals["country"]),
			el("taxrate", r.vals["taxrate"]),
			el("itemtype", r.vals["itemtype"]),
		}
	},
}

var currencyRates = recordKind{
	name: "account.currencyrate",
	spec: listSpec{key: "id",
		cols: []column{
			{name: "id", num: true}, {name: "currency_base"}, {name: "currency_relate"},
			{name: "rate", num: true}, {name: "amount", num: true}, {name: "ratedate"},
		},
		toolbar: editTools("account.currencyrate.edit", "account.currencyrate.delete"),
		messages: []message{
			msg("title", "Currency rates", "Курсы валют"),
			msg("currency_base", "Currency", "Валюта"),
			msg("currency_relate", "Converted currency", "Конвертируемая валюта"),
			msg("rate", "Rate", "Курс"),
			msg("amount", "Units", "Количество единиц"),
			msg("ratedate", "Rate date", "Дата курса"),
		},
	},
	fields: []field{
		{name: "currency_base", kind: kindSelect, options: currencyOptions, required: true},
		{name: "currency_relate", kind: kindSelect, options: currencyOptions, required: true},
		{name: "rate", kind: kindPositive, required: true},
		{name: "amount", kind: kindPositive},
		{name: "ratedate", kind: kindDate},
	},
	row: func(c *call, a *account, r *record) row {
		return row{
			idNode("id", r.id),
			el("currency_base", currencyByID(r.vals["currency_base"]).iso),
			el("currency_relate", currencyByID(r.vals["currency_relate"]).iso),
			el("rate", r.vals["rate"]),
			el("amount", r.vals["amount"]),
			el("ratedate", r.vals["ratedate"]),
		}
	},
	check: func(vals map[string]string) error {
		if vals["currency_base"] == vals["currency_relate"] {
			return invalid("currency_relate", vals["currency_relate"], whySameCurrency)
		}
		return nil
	},
}
