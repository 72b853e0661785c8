package billmgrtest

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Wire layouts of dates and date-times.
const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

// fieldKind says how a form field is validated and shown.
type fieldKind int

const (
	kindText     fieldKind = iota
	kindFlag               // on or off
	kindDate               // 2024-05-07
	kindDateTime           // 2024-05-07 14:12:03, or a date (midnight)
	kindMoney              // a decimal with a dot, >= 0
	kindPositive           // a decimal with a dot, > 0
	kindPercent            // a decimal with a dot, 0..100
	kindInt                // an integer
	kindEmail              // an e-mail address
	kindSelect             // one key of options
	kindMulti              // keys of options separated by ", "
	kindSecret             // a secret (confirm): accepted, never shown or quoted
	kindPassword           // a client's new password: a secret held to the password policy
)

// secret reports whether a field of the kind holds a password: never shown in a form or
// quoted in an error. Which parameters tparams leaves out is secretParams's to say.
func (k fieldKind) secret() bool { return k == kindSecret || k == kindPassword }

// field is one parameter of a form.
type field struct {
	name     string
	kind     fieldKind
	options  func(c *call) []option // kindSelect and kindMulti
	required bool                   // must be non-empty on create, and when sent
	notBlank bool                   // may be left out, but not sent empty
	viewOnly bool                   // shown in the form, ignored on submit
}

// option is one choice of a select: <val key="key">label</val>, with the attributes the
// recorded forms carry: msg="yes" on a label the panel translates (statuses, periods;
// not names from the database), the image of a country's flag
// (image="/manimg/common/flag/RU.png"), which clients select countries by.
type option struct {
	key, label string
	msg        bool
	image      string
}

// unset is the key of a select's "not set" choice in the recorded forms
// (<val key="null">-- не установлен --</val>); sent, it leaves the field empty.
const unset = "null"

var decimalPattern = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// read validates the parameters named by fields that the request carries
// and returns them normalized (flags on/off, date-times in full); absent
// parameters are absent from the map, and empty ones map to "".
func (c *call) read(fields []field, creating bool) (map[string]string, error) {
	vals := make(map[string]string)
	for _, f := range fields {
		if f.viewOnly {
			continue
		}
		raw, present := c.params[f.name]
		v := ""
		if present {
			v = strings.TrimSpace(raw[0])
		}
		if v == unset && (f.kind == kindSelect || f.kind == kindMulti) {
			v = ""
		}
		if v == "" {
			if f.required && (creating || present) || f.notBlank && present {
				return nil, invalid(f.name, v, whyRequired)
			}
			if present {
				vals[f.name] = ""
			}
			continue
		}
		norm, err := f.normalize(c, v)
		if err != nil {
			return nil, err
		}
		vals[f.name] = norm
	}
	return vals, nil
}

func (f field) normalize(c *call, v string) (string, error) {
	shown := v
	if f.kind.secret() {
		shown = ""
	}
	bad := func(why reason) error { return invalid(f.name, shown, why) }
	switch f.kind {
	case kindFlag:
		if v != "on" && v != "off" {
			return "", bad(whyFlag)
		}
	case kindDate:
		if _, err := time.Parse(dateLayout, v); err != nil {
			return "", bad(whyDate)
		}
	case kindDateTime:
		t, err := time.Parse(dateTimeLayout, v)
		if err != nil {
			if t, err = time.Parse(dateLayout, v); err != nil {
				return "", bad(whyDateTime)
			}
		}
		return t.Format(dateTimeLayout), nil
	case kindMoney, kindPositive, kindPercent:
		if !decimalPattern.MatchString(v) {
			return "", bad(whyNotNumber)
		}
		d := decimal.RequireFromString(v)
		switch {
		case f.kind == kindPositive && !d.IsPositive():
			return "", bad(whyNotPositive)
		case d.IsNegative() && f.kind == kindMoney:
			return "", bad(whyNegative)
		case f.kind == kindPercent && (d.IsNegative() || d.GreaterThan(decimal.NewFromInt(100))):
			return "", bad(whyPercent)
		}
	case kindInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", bad(whyNotInteger)
		}
		return strconv.FormatInt(n, 10), nil
	case kindEmail:
		if !validEmail(v) {
			return "", bad(whyEmail)
		}
	case kindPassword:
		if err := c.st.cfg.passwords.check(v); err != nil {
			return "", err
		}
	case kindSelect, kindMulti:
		keys := []string{v}
		if f.kind == kindMulti {
			keys = splitList(v)
		}
		for _, k := range keys {
			if !hasOption(f.options(c), k) {
				return "", bad(whyChoice)
			}
		}
		return strings.Join(keys, ", "), nil
	}
	return v, nil
}

func hasOption(opts []option, key string) bool {
	for _, o := range opts {
		if o.key == key {
			return true
		}
	}
	return false
}

// validEmail accepts a bare address with a dotted domain: a@b.c.
func validEmail(v string) bool {
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || addr.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && strings.Contains(v[at+1:], ".")
}

// splitList splits "1, 2, 3" (or "1,2,3") into its non-empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ids parses the required id list parameter name ("12, 13"), without repeats.
func (c *call) ids(name string) ([]int64, error) {
	raw := c.params.Get(name)
	items := splitList(raw)
	if len(items) == 0 {
		return nil, invalid(name, raw, whyRequired)
	}
	seen := make(map[int64]bool, len(items))
	out := make([]int64, 0, len(items))
	for _, s := range items {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, invalid(name, raw, whyID)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// id parses the required single id parameter name.
func (c *call) id(name string) (int64, error) {
	ids, err := c.ids(name)
	if err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, invalid(name, c.params.Get(name), whyOneID)
	}
	return ids[0], nil
}

// positiveInt parses an optional positive integer parameter.
func (c *call) positiveInt(name string, def int) (int, error) {
	raw := c.params.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		return 0, invalid(name, raw, whyNotPositive)
	}
	return n, nil
}

// idString writes an id.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

// sent reports whether the request carries sok (a form submit).
func (c *call) sent() bool { return c.params.Get("sok") != "" }

// intOf returns the integer of a validated value (an id); "" is 0.
func intOf(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// dec returns the decimal of a validated value; "" is zero.
func dec(v string) decimal.Decimal {
	if v == "" {
		return decimal.Zero
	}
	return decimal.RequireFromString(v)
}

// parseTime reads a validated date or date-time in the server's location;
// "" is the zero time.
func (c *call) parseTime(v string) time.Time {
	for _, layout := range []string{dateTimeLayout, dateLayout} {
		if t, err := time.ParseInLocation(layout, v, c.st.cfg.loc); err == nil {
			return t
		}
	}
	return time.Time{}
}

// formatTime writes t in the server's location; the zero time is "".
func (s *state) formatTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.cfg.loc).Format(layout)
}

// Russian month names: in the long form of a date (genitive, "7 мая 2024 г.") and the
// short one ("7 май 2024 г."); "мая", "апреля", "май" and "апр" are recorded.
var (
	ruMonthsLong  = [12]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
	ruMonthsShort = [12]string{"янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}
)

// localDate returns the localized forms the real server writes after a date column col:
// col_l ("7 мая 2024 г."), col_s ("7 май 2024 г.") and col_locale_time, the time of the
// date ("00:00"). The English forms ("May 7, 2024", "May 7, 2024") are the fake's. A zero
// date has none.
func (c *call) localDate(col string, t time.Time) []*node {
	if t.IsZero() {
		return nil
	}
	t = t.In(c.st.cfg.loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	long, short := day.Format("January 2, 2006"), day.Format("Jan 2, 2006")
	if c.lang == "ru" {
		m := day.Month() - 1
		long = fmt.Sprintf("%d %s %d г.", day.Day(), ruMonthsLong[m], day.Year())
		short = fmt.Sprintf("%d %s %d г.", day.Day(), ruMonthsShort[m], day.Year())
	}
	return []*node{el(col+"_l", long), el(col+"_s", short), el(col+"_locale_time", day.Format("15:04"))}
}

// money writes an amount in cur as the _iso columns of the real server do:
// amount + ' ' + IFNULL(currency.symbol, currency.iso), "100.00 RUB" or "5.00 $".
func (s *state) money(d decimal.Decimal, cur currency) string {
	return amount(d) + " " + s.currencySign(cur)
}

// amount writes an amount as the server's columns hold it: two decimals when it is a
// whole number of cents ("100.00"), else the full scale of four ("12.3450", "0.0774").
func amount(d decimal.Decimal) string {
	if d.Equal(d.Round(2)) {
		return d.StringFixed(2)
	}
	return d.StringFixed(4)
}

// merge returns a copy of base overwritten by the values in over.
func merge(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}
