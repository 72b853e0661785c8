package billmgrtest

// A toggleKind is a list of directory entries a client has switched on or
// off: client groups (account.group) and providers (account.project).
type toggleKind struct {
	dir []entry
	of  func(a *account) map[int64]bool
}

var (
	groups   = toggleKind{dir: clientGroups, of: func(a *account) map[int64]bool { return a.groups }}
	projects = toggleKind{dir: providers, of: func(a *account) map[int64]bool { return a.projects }}
)

var toggleList = listSpec{key: "id", cols: []column{
	{name: "id", num: true},
	{name: "name"},
	{name: "status", msg: true},
}}

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
	return c.list(toggleList, rows)
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
