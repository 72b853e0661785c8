package billmgr

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestParseIntBytes holds the decoder's parseIntBytes to strconv.ParseInt, which the tree
// path reads whole numbers with: the same numbers, the same refusals; empty text is 0.
func TestParseIntBytes(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"0", "17", "007", "123456789012345678", "9223372036854775807", "9223372036854775808",
		"-5", "+5", "-9223372036854775808", "1.5", "1 000", "x", "",
	} {
		got, err := parseIntBytes([]byte(in))
		if in == "" {
			assert.NoError(t, err)
			assert.Zero(t, got)
			continue
		}
		want, wantErr := strconv.ParseInt(in, 10, 64)
		assert.Equal(t, wantErr == nil, err == nil, "%q: %v and %v", in, wantErr, err)
		if wantErr == nil {
			assert.Equal(t, want, got, "%q", in)
		}
	}
}

func TestPlaceholderReadsAsEmptyOnEveryPathButTheTree(t *testing.T) {
	t.Parallel()
	sample := fixture(t, "samples/billmgr6_list_payment_client_full_internal.xml")
	c, _ := newStub(t, []stubReply{xmlReply(sample)})
	ctx := context.Background()

	page, err := c.Payments.List(ctx, 1, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 6)
	all := collectPayments(t, c.Payments.All(ctx, 1, nil))
	require.Equal(t, page.Items, all)
	for _, p := range page.Items {
		assert.Empty(t, p.SenderName, "the real list's \" - \" for a missing payer")
		assert.NotEmpty(t, p.PaymethodName)
	}

	doc, err := c.Call(ctx, "account.payment", nil)
	require.NoError(t, err)
	assert.Equal(t, " - ", doc.Elems()[0].Child("sender_name").Text, "Call keeps the text as sent")
}

func TestMoneyColumnsKeepTheCurrencyAsWritten(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc>
		<elem><id>1</id><subaccountamount_iso>10.00 ₽</subaccountamount_iso><paymethodamount_iso>5.00 $</paymethodamount_iso></elem>
		<elem><id>2</id><subaccountamount_iso>12.3450 RUB</subaccountamount_iso><paymethodamount_iso>1 234,50 руб.</paymethodamount_iso></elem>
	</doc>`))})
	page, err := c.Payments.List(context.Background(), 1, nil)
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	for i, want := range [][2]string{{"10.00 ₽", "5.00 $"}, {"12.3450 RUB", "1 234,50 руб."}} {
		for j, got := range []Money{page.Items[i].SubaccountAmount, page.Items[i].PaymethodAmount} {
			m, err := ParseMoney(want[j])
			require.NoError(t, err)
			assert.Equal(t, m, got, want[j])
		}
	}
	assert.Equal(t, "₽", page.Items[0].SubaccountAmount.Currency)
	assert.Equal(t, "12.345", page.Items[1].SubaccountAmount.Amount.String())
	assert.Equal(t, int32(-4), page.Items[1].SubaccountAmount.Amount.Exponent(), "the full scale as sent")
}
