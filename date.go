package billmgr

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02 15:04:05"
)

// parseTime reads the two forms BILLmanager writes, "2024-05-07" and
// "2024-05-07 14:12:03", as wall-clock time in loc (the server's zone, see WithLocation).
// An empty value is the zero time.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch len(s) {
	case 0:
		return time.Time{}, nil
	case len(dateLayout):
		return time.ParseInLocation(dateLayout, s, loc)
	default:
		return time.ParseInLocation(dateTimeLayout, s, loc)
	}
}

// parseTimeBytes reads a date or a date-time like parseTime, the decoder's way: from the
// bytes of a column, with a fast path for "2024-05-07" and "2024-05-07 14:12:03".
func parseTimeBytes(s []byte, loc *time.Location) (time.Time, error) {
	switch {
	case len(s) == 0:
		return time.Time{}, nil
	case len(s) == len(dateLayout):
		if year, month, day, ok := plainDate(s); ok {
			return time.Date(year, month, day, 0, 0, 0, 0, loc), nil
		}
	case len(s) == len(dateTimeLayout) && s[10] == ' ' && s[13] == ':' && s[16] == ':':
		year, month, day, ok := plainDate(s[:10])
		hour, okh := twoDigits(s[11:13], 24)
		minute, okm := twoDigits(s[14:16], 60)
		second, oks := twoDigits(s[17:19], 60)
		if ok && okh && okm && oks {
			return time.Date(year, month, day, hour, minute, second, 0, loc), nil
		}
	}
	return parseTime(string(s), loc)
}

// plainDate reads YYYY-MM-DD of a real day.
func plainDate(s []byte) (int, time.Month, int, bool) {
	if s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	hi, ok1 := twoDigits(s[0:2], 100)
	lo, ok2 := twoDigits(s[2:4], 100)
	month, ok3 := twoDigits(s[5:7], 13)
	day, ok4 := twoDigits(s[8:10], 32)
	year := hi*100 + lo
	if !ok1 || !ok2 || !ok3 || !ok4 || month == 0 || day == 0 || day > daysIn(month, year) {
		return 0, 0, 0, false
	}
	return year, time.Month(month), day, true
}

// daysIn is the number of days of month (1 to 12) in year.
func daysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

// twoDigits reads two digits below limit.
func twoDigits(s []byte, limit int) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n < limit
}

// dateMemo is the last date read and its time. The dates of a row (create_date and
// pay_date, the day a payment is made and paid) and of the rows around it most often
// repeat one day, as in the real payment list, which is then read once. The memo belongs
// to one reply, read in one location.
type dateMemo struct {
	text []byte
	t    time.Time
}

// parse is parseTimeBytes, remembered.
func (m *dateMemo) parse(s []byte, loc *time.Location) (time.Time, error) {
	if len(s) > 0 && bytes.Equal(s, m.text) {
		return m.t, nil
	}
	t, err := parseTimeBytes(s, loc)
	if err == nil {
		m.text, m.t = append(m.text[:0], s...), t
	}
	return t, err
}

// Date is a calendar date in request parameters, sent as "2024-05-07".
type Date struct{ time.Time }

// DateOf wraps t for a params struct.
func DateOf(t time.Time) *Date { return &Date{t} }

// EncodeValues writes the date of t in t's own location.
func (d Date) EncodeValues(key string, v *url.Values) error {
	return encodeTime(key, v, d.Time, dateLayout)
}

// DateTime is a moment in request parameters, sent as "2024-05-07 14:12:03". The server
// reads it as its local time: build it in the client's location (Client.Location) or
// convert with t.In(c.Location()).
type DateTime struct{ time.Time }

// DateTimeOf wraps t for a params struct.
func DateTimeOf(t time.Time) *DateTime { return &DateTime{t} }

// EncodeValues writes the wall clock of t in t's own location.
func (d DateTime) EncodeValues(key string, v *url.Values) error {
	return encodeTime(key, v, d.Time, dateTimeLayout)
}

func encodeTime(key string, v *url.Values, t time.Time, layout string) error {
	if t.Year() < 1970 || t.Year() > 9999 {
		return fmt.Errorf("parameter %s: %s is outside the years 1970-9999 that BILLmanager stores", key, t.Format(layout))
	}
	v.Set(key, t.Format(layout))
	return nil
}
