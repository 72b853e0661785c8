package billmgr

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFlagUnmarshalText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Flag
	}{
		{"on", true}, {"off", false}, {"ON", true}, {"", true}, {" on ", true},
		{"yes", true}, {"no", false}, {"true", true}, {"false", false}, {"1", true}, {"0", false},
	}
	for _, tt := range tests {
		var f Flag
		require.NoError(t, f.UnmarshalText([]byte(tt.in)), tt.in)
		assert.Equal(t, tt.want, f, tt.in)
	}
	var f Flag
	assert.Error(t, f.UnmarshalText([]byte("maybe")))
}

func TestFlagEncode(t *testing.T) {
	t.Parallel()
	type params struct {
		A *Flag `url:"a,omitempty"`
		B *Flag `url:"b,omitempty"`
		C *Flag `url:"c,omitempty"`
		D Flag  `url:"d"`
	}
	v, err := query.Values(params{A: Ptr(Flag(true)), B: Ptr(Flag(false))})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"a": {"on"}, "b": {"off"}, "d": {"off"}}, v)
	b, _ := Flag(true).MarshalText()
	assert.Equal(t, "on", string(b))
}

func TestFlagInRows(t *testing.T) {
	t.Parallel()
	type row struct {
		Active    Flag `xml:"active"`
		Autostart Flag `xml:"autostart"`
		Missing   Flag `xml:"missing"`
	}
	var r row
	n := &Node{Children: []*Node{{Name: "active", Text: "off"}, {Name: "autostart"}}}
	require.NoError(t, unmarshalNode(n, &r, nil))
	assert.Equal(t, row{Active: false, Autostart: true, Missing: false}, r)
}
