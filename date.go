package billmgr

import (
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
