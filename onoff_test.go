package billmgr

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onOffCases are the on/off values of replies and what they read as.
var onOffCases = []struct {
	in   string
	want OnOff
	bad  bool
}{
	{in: "on", want: true}, {in: "off", want: false}, {in: "ON", want: true}, {in: "Off", want: false},
	{in: "", want: true}, {in: " on ", want: true}, {in: "\u00a0off\n", want: false}, // empty: set (<autostart/>)
	{in: "yes", want: true}, {in: "no", want: false}, {in: "true", want: true}, {in: "false", want: false},
	{in: "1", want: true}, {in: "0", want: false},
	{in: "maybe", bad: true}, {in: "оn", bad: true}, {in: "on off", bad: true},
}

// TestOnOffUnmarshalText holds OnOff.UnmarshalText and the decoder's parseOnOffBytes to
// every case: the same value, the same refusals with the same message.
func TestOnOffUnmarshalText(t *testing.T) {
	t.Parallel()
	for _, tt := range onOffCases {
		var f OnOff
		err := f.UnmarshalText([]byte(tt.in))
		if tt.bad {
			assert.ErrorContains(t, err, "want on or off", "%q", tt.in)
		} else if assert.NoError(t, err, "%q", tt.in) {
			assert.Equal(t, tt.want, f, "%q", tt.in)
		}
		fast, fastErr := parseOnOffBytes([]byte(tt.in))
		assert.Equal(t, fmt.Sprint(err), fmt.Sprint(fastErr), "%q", tt.in)
		assert.Equal(t, bool(f), fast, "%q", tt.in)
	}
}

func TestOnOffEncode(t *testing.T) {
	t.Parallel()
	type params struct {
		A *OnOff `url:"a,omitempty"`
		B *OnOff `url:"b,omitempty"`
		C *OnOff `url:"c,omitempty"`
		D OnOff  `url:"d"`
	}
	v, err := query.Values(params{A: Ptr(OnOff(true)), B: Ptr(OnOff(false))})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"a": {"on"}, "b": {"off"}, "d": {"off"}}, v)
	b, _ := OnOff(true).MarshalText()
	assert.Equal(t, "on", string(b))
}

func TestOnOffInRows(t *testing.T) {
	t.Parallel()
	type row struct {
		Active    OnOff `xml:"active"`
		Autostart OnOff `xml:"autostart"`
		Missing   OnOff `xml:"missing"`
	}
	var r row
	n := &Node{Children: []*Node{{Name: "active", Text: "off"}, {Name: "autostart"}}}
	require.NoError(t, unmarshalNode(n, &r, nil))
	assert.Equal(t, row{Active: false, Autostart: true, Missing: false}, r)
}
