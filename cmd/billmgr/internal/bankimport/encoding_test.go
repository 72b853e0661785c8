package bankimport

import (
	"bytes"
	"io"
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
}

// TestEncodingCheck: text that does not decode is refused in one way, read a line at a
// time (1C) or as a stream (CSV).
func TestEncodingCheck(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "Платеж", Windows1251.decode([]byte{0xcf, 0xeb, 0xe0, 0xf2, 0xe5, 0xe6}))
	assert.NoError(t, Windows1251.check("s.csv", 2, "Платеж"))
	for _, tt := range []struct {
		enc  Encoding
		text []byte
		want string
	}{
		{Windows1251, []byte{0x98}, "s.csv line 2: holds a byte that windows-1251 does not define"},
		{UTF8, []byte{0xcf, 0xeb}, "s.csv line 2: is not valid UTF-8"},
	} {
		err := tt.enc.check("s.csv", 2, tt.enc.decode(tt.text))
		var fe *FileError
		require.ErrorAs(t, err, &fe)
		assert.EqualError(t, err, tt.want)
		assert.ErrorIs(t, err, ErrEncoding)
	}
	decoded, err := io.ReadAll(Windows1251.reader(bytes.NewReader([]byte{0xcf, 0xeb, 0x98})))
	require.NoError(t, err)
	assert.Equal(t, "Пл\ufffd", string(decoded), "the stream decodes as decode does")
}
