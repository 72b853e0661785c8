package billmgr

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timeCases are dates and date-times as BILLmanager writes them, read in the client's
// location (Moscow here), and what is not one; want zero and bad false is the zero time.
var timeCases = []struct {
	in   string
	want time.Time
	bad  bool
}{
	{in: "2024-05-07", want: time.Date(2024, 5, 7, 0, 0, 0, 0, moscow)},
	{in: "2024-05-07 14:12:03", want: time.Date(2024, 5, 7, 14, 12, 3, 0, moscow)},
	{in: " 2024-04-24 10:33:46 ", want: time.Date(2024, 4, 24, 10, 33, 46, 0, moscow)},
	{in: "2024-02-29", want: time.Date(2024, 2, 29, 0, 0, 0, 0, moscow)},
	{in: "2000-02-29 23:59:59", want: time.Date(2000, 2, 29, 23, 59, 59, 0, moscow)},
	{in: "9999-12-31 23:59:59", want: time.Date(9999, 12, 31, 23, 59, 59, 0, moscow)},
	{in: "0001-01-01", want: time.Date(1, 1, 1, 0, 0, 0, 0, moscow)},
	{in: "2024-05-07 9:30:00", want: time.Date(2024, 5, 7, 9, 30, 0, 0, moscow)},       // as time.Parse reads it
	{in: "2024-05-07 14:12:03.5", want: time.Date(2024, 5, 7, 14, 12, 3, 5e8, moscow)}, // as time.Parse reads it
	{in: ""},
	{in: "Daily charges", bad: true},
	{in: "2024-13-01", bad: true},
	{in: "2024-00-10", bad: true},
	{in: "2024-04-31", bad: true},
	{in: "2023-02-29", bad: true},
	{in: "1900-02-29", bad: true},
	{in: "07.05.2024", bad: true},
	{in: "2024-05-07T14:12:03", bad: true},
	{in: "2024-05-07 24:00:00", bad: true},
}

var moscow = time.FixedZone("MSK", 3*3600)

// TestParseTime holds parseTime and the decoder's parseTimeBytes (with and without the
// memo of the date before) to every case: the same time in the same location, the same
// refusals with the same message.
func TestParseTime(t *testing.T) {
	t.Parallel()
	for _, tt := range timeCases {
		got, err := parseTime(tt.in, moscow)
		if tt.bad {
			assert.Error(t, err, "%q", tt.in)
		} else if assert.NoError(t, err, "%q", tt.in) {
			assert.True(t, got.Equal(tt.want), "%q: got %v want %v", tt.in, got, tt.want)
			if !tt.want.IsZero() {
				assert.Equal(t, moscow, got.Location(), "%q", tt.in)
			}
		}
		fast, fastErr := parseTimeBytes(trimSpace([]byte(tt.in)), moscow)
		assert.Equal(t, fmt.Sprint(err), fmt.Sprint(fastErr), "%q", tt.in)
		assert.Equal(t, got, fast, "%q", tt.in)
		var memo dateMemo
		for range 2 { // the second time from the memo
			remembered, memoErr := memo.parse(trimSpace([]byte(tt.in)), moscow)
			assert.Equal(t, fmt.Sprint(err), fmt.Sprint(memoErr), "%q", tt.in)
			assert.Equal(t, got, remembered, "%q", tt.in)
		}
	}
}

func TestDateEncode(t *testing.T) {
	t.Parallel()
	type params struct {
		Day   *Date     `url:"day,omitempty"`
		At    *DateTime `url:"at,omitempty"`
		Unset *Date     `url:"unset,omitempty"`
	}
	at := time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)
	v, err := query.Values(params{Day: DateOf(at), At: DateTimeOf(at)})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"day": {"2024-05-07"}, "at": {"2024-05-07 14:12:03"}}, v)

	_, err = query.Values(params{Day: DateOf(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC))})
	assert.ErrorContains(t, err, "1970")
}
