package bankimport

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEncoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Encoding{"utf-8": UTF8, "Windows-1251": Windows1251, " CP866 ": CP866} {
		got, err := ParseEncoding(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	_, err := ParseEncoding("koi8-r")
	assert.EqualError(t, err, `unknown encoding "koi8-r"; want one of cp866, utf-8, windows-1251`)

	text, bad := Windows1251.decode([]byte{0xcf, 0xeb, 0xe0, 0xf2, 0xe5, 0xe6})
	assert.Equal(t, "Платеж", text)
	assert.Empty(t, bad)
	_, bad = Windows1251.decode([]byte{0x98})
	assert.Equal(t, "holds a byte that windows-1251 does not define", bad)
	_, bad = UTF8.decode([]byte{0xcf, 0xeb})
	assert.Equal(t, "is not valid UTF-8", bad)
}
