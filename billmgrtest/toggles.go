package billmgrtest

// A toggleKind is a list of directory entries a client has switched on or
// off: client groups (account.group) and providers (account.project).
type toggleKind struct {
	dir  []entry
	of   func(a *account) map[int64]bool
	spec listSpec
}

var (
	groups = toggleKind{dir: clientGroups, of: func(a *account) map[int64]bool { return a.groups },
		spec: toggleList("account.group", text{"Client groups", "Группы клиентов"})}
	projects = toggleKind{dir: providers, of: func(a *account) map[int64]bool { return a.projects },
		spec: toggleList("account.project", text{"Providers", "Провайдеры"})}
)

// toggleList makes the list of a client's groups (fn "account.group") or providers
// ("account.project"): the reference page's columns and Russian labels.
func toggleList(fn string, title text) listSpec {
	return listSpec{key: "id", keyname: "name",
		cols: []column{
			{name: "id", num: true},
			{name: "name"},
			{name: "status", msg: true},
		},
		toolbar: []toolgrp{{name: "resume", btns: []toolbtn{
			btn(fn+".resume", "resume", "t-resume", "group"),
			btn(fn+".suspend", "suspend", "t-suspend", "group"),
		}}},
		messages: []message{
			{name: "title", text: title},
			msg("name", "Name", "Наименование"),
			msg("status", "Status", "Статус"),
			msg("short_resume", "Turn on", "Включить"),
			msg("short_suspend", "Turn off", "Выключить"),
		},
	}
}

// list serves the list of the client in elid: every entry, on or off.
func (k toggleKind) list(c *call) (*reply, error) {
	a, err := c.client("elid")
	if err != nil {
		return nil, err
	}
	rows := make([]row, len(k.dir))
	for i, e := range k.dir {
		rows[i] = row{idNode("id", e.id), el("name", e.name.in(c.lang)), switchNode("status", k.of(a)[e.id], c.lang)}
	}
	return c.list(k.spec, rows)
}

// turn serves resume (on) and suspend (off): the entries in elid of the client in plid.
func (k toggleKind) turn(on bool) func(*call) (*reply, error) {
	return func(c *call) (*reply, error) {
		a, err := c.client("plid")
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]entry, len(k.dir))
		for _, e := range k.dir {
			byID[e.id] = e
		}
		entries, err := lookupAll(c, "elid", byID, nil)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			k.of(a)[e.id] = on
		}
		return ok(), nil
	}
}
