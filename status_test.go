package billmgr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusFromLocalizedColumns(t *testing.T) {
	t.Parallel()
	type row struct {
		Status Status `xml:"status"`
		Plain  Status `xml:"plain"`
	}
	tests := []struct {
		lang, label string
	}{{"en", "Credited"}, {"ru", "Зачислен"}}
	for _, tt := range tests {
		n := &Node{Children: []*Node{
			{Name: "status", Attrs: []Attr{{"color", "green"}, {"orig", "4"}}, Text: tt.label},
			{Name: "plain", Text: " on "},
		}}
		var r row
		require.NoError(t, unmarshalNode(n, &r, nil))
		assert.Equal(t, Status{Code: PaymentCredited, Label: tt.label}, r.Status, tt.lang)
		assert.Equal(t, Status{Code: "on", Label: "on"}, r.Plain)
		assert.Equal(t, tt.label, r.Status.String())
	}
	assert.Equal(t, "7", Status{Code: "7"}.String())
}
