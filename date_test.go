package billmgr

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTimeInTheClientsLocation(t *testing.T) {
	t.Parallel()
	moscow := time.FixedZone("MSK", 3*3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-05-07", time.Date(2024, 5, 7, 0, 0, 0, 0, moscow)},
		{"2024-05-07 14:12:03", time.Date(2024, 5, 7, 14, 12, 3, 0, moscow)},
		{" 2024-04-24 10:33:46 ", time.Date(2024, 4, 24, 10, 33, 46, 0, moscow)},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got, err := parseTime(tt.in, moscow)
		require.NoError(t, err, tt.in)
		assert.True(t, got.Equal(tt.want), "%q: got %v want %v", tt.in, got, tt.want)
		if !tt.want.IsZero() {
			assert.Equal(t, moscow, got.Location())
		}
	}
	for _, bad := range []string{"Daily charges", "2024-13-01", "07.05.2024", "2024-05-07T14:12:03"} {
		_, err := parseTime(bad, moscow)
		assert.Error(t, err, bad)
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
