package billmgr

import (
	"bytes"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

func TestTrimSpaceMatchesBytesTrimSpace(t *testing.T) {
	t.Parallel()
	var spaces []string
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			spaces = append(spaces, string(r))
		}
	}
	words := []string{"", "a", "Ж", "Жа", "€", "\u00a0x\u00a0", "\xe2", "\xe2\x80", "x\xc2", "\xc2", "\xff", "𝄞"}
	for _, space := range spaces {
		for _, word := range words {
			for _, s := range []string{word, space + word, word + space, space + word + space + space, space + space} {
				assert.Equal(t, string(bytes.TrimSpace([]byte(s))), string(trimSpace([]byte(s))), "%q", s)
			}
		}
	}
}
