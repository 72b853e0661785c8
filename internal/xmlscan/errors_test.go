package xmlscan

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScannerCutShortIsASyntaxEOF(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`<doc><elem><id>1</id></el`, `<doc a="x`, `<doc>&am`, `<!-- x`} {
		_, err := scannerTokens(strings.NewReader(body), 16)
		var syntax *xml.SyntaxError
		require.True(t, errors.As(err, &syntax), "%q: %v", body, err)
		assert.Equal(t, "unexpected EOF", syntax.Msg, body)
	}
}

func TestScannerPassesReadErrorsOn(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	_, err := scannerTokens(io.MultiReader(strings.NewReader("<doc><a>1</a"), iotest.ErrReader(boom)), 16)
	assert.ErrorIs(t, err, boom)
}

func TestScannerRefusesMisnestedDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		want error
		says string
	}{
		{"<doc><a></b></doc>", ErrMisnested, "<a> closed by </b>"},
		{"<doc></doc></x>", ErrMisnested, "unexpected </x>"},
		{strings.Repeat("<a>", 65), ErrTooDeep, "deeper than 64"},
	}
	for _, tt := range tests {
		for _, size := range []int{BufferSize, 16} { // the fast paths and the general path
			s := &Scanner{buf: make([]byte, size), CheckNesting: true}
			s.Reset(iotest.OneByteReader(strings.NewReader(tt.doc)), nil)
			var err error
			for err == nil {
				_, err = s.Next()
			}
			require.ErrorIs(t, err, tt.want, "%q", tt.doc)
			assert.ErrorContains(t, err, tt.says)
		}
	}
	_, err := scannerTokens(strings.NewReader(strings.Repeat("<a>", 70)+strings.Repeat("</a>", 70)), 16)
	assert.NoError(t, err, "without CheckNesting, as encoding/xml's RawToken")
}
