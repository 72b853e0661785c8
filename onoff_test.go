package billmgr

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOnOffUnmarshalText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want OnOff
	}{
		{"on", true}, {"off", false}, {"ON", true}, {"", true}, {" on ", true},
		{"yes", true}, {"no", false}, {"true", true}, {"false", false}, {"1", true}, {"0", false},
	}
	for _, tt := range tests {
		var f OnOff
		require.NoError(t, f.UnmarshalText([]byte(tt.in)), tt.in)
		assert.Equal(t, tt.want, f, tt.in)
	}
	var f OnOff
	assert.Error(t, f.UnmarshalText([]byte("maybe")))
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
