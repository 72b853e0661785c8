package billmgrtest

import (
	"strings"
	"time"
)

// filterSpec describes the filter of a list: its inline fields (filter=on on
// the list call) and its saved form (the list's .filter function).
type filterSpec struct {
	list     string      // the list function it restricts
	fields   []field     // filter fields
	period   string      // the period select (nodate/other), "" if none
	ranges   []dateRange // other pairs of date fields that bound one date
	byClient bool        // the form takes the client as elid, like its list
}

// dateRange names the date fields of a range: the first day and the last, both included.
type dateRange struct{ from, to string }

// The key of a saved filter field set by account.setfilter.
const clientFilter = "account"

// periodFields are the select of a date filter: no restriction, or the range
// in the fields name+"start" and name+"end".
func periodFields(name string) []field {
	return []field{
		{name: name, kind: kindSelect, options: periodOptions},
		{name: name + "start", kind: kindDate},
		{name: name + "end", kind: kindDate},
	}
}

func periodOptions(c *call) []option {
	return []option{
		{key: "nodate", label: text{"All time", "за все время"}.in(c.lang), msg: true},
		{key: "other", label: text{"Custom range", "произвольный диапазон"}.in(c.lang), msg: true},
	}
}

// filterKey names the saved filter of a list for the calling user.
func (c *call) filterKey(list string) string { return c.actor().name + "\x00" + list }

// serve serves the filter form: without sok it shows the saved filter; with
// sok it saves the sent fields, and saving them all empty (the period at
// nodate) resets the filter, a client restriction included.
func (f filterSpec) serve(c *call) (*reply, error) {
	if f.byClient {
		if _, err := c.client("elid"); err != nil {
			return nil, err
		}
	}
	key := c.filterKey(f.list)
	saved := c.st.filters[key]
	if !c.sent() {
		view := map[string]string{}
		if f.period != "" {
			view[f.period] = "nodate"
		}
		return c.form(f.fields, merge(view, saved)), nil
	}
	vals, err := f.read(c)
	if err != nil {
		return nil, err
	}
	keep := map[string]string{}
	for k, v := range vals {
		if v != "" && !(k == f.period && v == "nodate") {
			keep[k] = v
		}
	}
	if len(keep) == 0 {
		delete(c.st.filters, key)
		return ok(), nil
	}
	if saved[clientFilter] != "" {
		keep[clientFilter] = saved[clientFilter]
	}
	c.st.filters[key] = keep
	return ok(), nil
}

// read validates the filter fields of the request; a range (the period's, or another)
// that ends before it starts is refused.
func (f filterSpec) read(c *call) (map[string]string, error) {
	vals, err := c.read(f.fields, false)
	if err != nil {
		return nil, err
	}
	ranges := f.ranges
	if f.period != "" {
		ranges = append([]dateRange{{f.period + "start", f.period + "end"}}, ranges...)
	}
	for _, r := range ranges {
		from, to := vals[r.from], vals[r.to]
		if from != "" && to != "" && to < from {
			return nil, invalid(r.to, to, whyDateOrder)
		}
	}
	return vals, nil
}

// active returns the filters a list call obeys: the user's saved filter and,
// with filter=on, the filter fields sent with the call. A row must match all.
func (f filterSpec) active(c *call) ([]map[string]string, error) {
	var out []map[string]string
	if saved := c.st.filters[c.filterKey(f.list)]; saved != nil {
		out = append(out, saved)
	}
	if c.params.Get("filter") == "on" {
		vals, err := f.read(c)
		if err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, nil
}

// matchAll reports whether match accepts the row under every filter.
func matchAll(filters []map[string]string, match func(map[string]string) bool) bool {
	for _, f := range filters {
		if !match(f) {
			return false
		}
	}
	return true
}

// contains matches a text filter: a case-insensitive substring; "" matches all.
func contains(value, want string) bool {
	return strings.Contains(strings.ToLower(value), strings.ToLower(want))
}

// oneOf matches a select filter: one of "1, 4"; "" matches all.
func oneOf(value, want string) bool {
	if want == "" {
		return true
	}
	for _, w := range splitList(want) {
		if w == value {
			return true
		}
	}
	return false
}

// inPeriod matches a date filter: with the period "other", the day of t lies
// within the start and end days (both included, either may be open).
func (c *call) inPeriod(vals map[string]string, period string, t time.Time) bool {
	if vals[period] != "other" {
		return true
	}
	return c.withinDays(vals, dateRange{period + "start", period + "end"}, t)
}

// withinDays reports whether the day of t, in the server's location, lies within the
// days of the range the filter values give, both included; either bound may be open ("").
func (c *call) withinDays(vals map[string]string, r dateRange, t time.Time) bool {
	day := c.st.formatTime(t, dateLayout)
	from, to := vals[r.from], vals[r.to]
	return (from == "" || day >= from) && (to == "" || day <= to)
}

// setClientFilter serves account.setfilter: later payment and expense lists
// of the calling user show only this client's rows. Without elid it lifts
// the restriction; resetting a list's saved filter lifts it for that list.
func setClientFilter(c *call) (*reply, error) {
	id := ""
	if c.params.Get("elid") != "" {
		a, err := c.client("elid")
		if err != nil {
			return nil, err
		}
		id = idString(a.id)
	}
	for _, list := range []string{paymentFilter.list, expenseFilter.list} {
		key := c.filterKey(list)
		saved := c.st.filters[key]
		if saved == nil {
			saved = map[string]string{}
		}
		if id == "" {
			delete(saved, clientFilter)
		} else {
			saved[clientFilter] = id
		}
		if len(saved) == 0 {
			delete(c.st.filters, key)
		} else {
			c.st.filters[key] = saved
		}
	}
	return ok(), nil
}
