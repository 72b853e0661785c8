package billmgr

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The decoder's frame, through decodeDoc: what is not a reply document is
// ErrUnexpectedResponse, saying what it is; a reply cut short is a transport failure.

func TestDecodeDocRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, says string }{
		{"empty", "", "empty body"},
		{"spaces only", " \n\t", "empty body"},
		{"html", "<!DOCTYPE html><html><body>Login</body></html>", "HTML page"},
		{"html lower", "<html><head></head></html>", "HTML page"},
		{"text", "ERROR value(elid)", "plain-text"},
		{"other root", "<?xml version=\"1.0\"?><result/>", "root element is <result>"},
		{"unclosed", "<doc><elem><id>1</id></elem>", "ends before </doc>"},
		{"mismatched", "<doc><elem></doc>", "malformed XML: <elem> closed by </doc>"},
		{"closes what is not open", "<doc></doc></elem>", "malformed XML: unexpected </elem>"},
		{"too deep", "<doc>" + strings.Repeat("<a>", 64), "elements nested deeper than 64"},
		{"two roots", "<doc/><doc/>", "content after </doc>"},
		{"bad entity", "<doc><x>&bogus;</x></doc>", "malformed XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeDoc(strings.NewReader(tt.body), defaultMaxResponseBytes)
			require.ErrorIs(t, err, ErrUnexpectedResponse)
			assert.Contains(t, err.Error(), tt.says)
		})
	}
}

func TestDecodeDocCutShortIsATransportFailure(t *testing.T) {
	t.Parallel()
	_, err := decodeDoc(strings.NewReader("<doc><elem><id>1</id></el"), defaultMaxResponseBytes)
	var te *transportError
	require.True(t, errors.As(err, &te), "%v", err)
}
