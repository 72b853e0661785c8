package billmgrtest

import "strconv"

// The version the fake reports, the recorded installation's, and the administrator's
// user id (1, as recorded; no request takes a user id).
const (
	adminUserID    int64 = 1
	billmgrVersion       = "6.94.1-2014.04.04_09:25"
	coreVersion          = "5.389.1-2024.04.12_08:22"
	avatar               = "/manimg/userdata/img/customer.png"
)

// whoami serves whoami as recorded for a client: <user> with the user's attributes
// (a client's balance plain, with the ISO code of its currency), a <path> per user of
// the session (the administrator first when it acts as the client with su), the panel
// and its version. The administrator's <user> is the fake's choice: the same attributes
// without a client's.
func whoami(c *call) (*reply, error) {
	u := c.actor()
	user := el("user", "")
	a := u.account
	realname, id, email, phone := "", adminUserID, "", ""
	if a != nil {
		realname, id, email, phone = a.props["realname"], a.userID, a.email, a.props["valid_phone"]
	}
	user.attr("realname", realname).attr("level", strconv.Itoa(u.level)).attr("hostname", "").
		attr("lang", c.lang).attr("name", u.name).attr("id", idString(id))
	if a != nil {
		user.attr("account", idString(a.id))
	}
	user.attr("email", email).attr("email_verified", "off").attr("phone", phone).attr("avatar", "").
		attr("avatar_src", avatar).attr("timezone", "").attr("need_email_validate", "false").
		attr("need_phone_validate", "false")
	if a != nil {
		main := a.subs[0]
		user.attr("account_regdate", c.st.formatTime(a.registered, dateTimeLayout)).
			attr("balance", amount(main.balance)).attr("currency", main.currency.iso).
			attr("currency_id", idString(main.currency.id))
	}
	user.attr("allowsuspenditem", "off").attr("allowdeleteitem", "off").attr("ignoreitemmax", "off").
		attr("ignoreabuserate", "off")

	head := []*node{user}
	for i, p := range c.path() {
		pid := adminUserID
		if p.account != nil {
			pid = p.account.userID
		}
		// As recorded: name before level on the first path, level before name on the second.
		path, name, level := el("path", idString(pid)), attr{"name", p.name}, attr{"level", strconv.Itoa(p.level)}
		if i == 0 {
			path.attrs = []attr{name, level}
		} else {
			path.attrs = []attr{level, name}
		}
		head = append(head, path)
	}
	head = append(head,
		el("mgr", "billmgr").attr("version", billmgrVersion).attr("dist", "3"),
		el("version", "").attr("mgr", "billmgr").add(
			el("billmgr", billmgrVersion).attr("type", "release"),
			el("core", coreVersion).attr("type", "release")),
		el("default_avatar", avatar))
	return &reply{head: head}, nil
}

// path is the users of the call: who logged in and, with su, who it acts as.
func (c *call) path() []*principal {
	if c.user != nil && c.user != c.login {
		return []*principal{c.login, c.user}
	}
	return []*principal{c.actor()}
}
