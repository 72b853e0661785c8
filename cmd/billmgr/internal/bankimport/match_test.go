package bankimport

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReferences(t *testing.T) {
	t.Parallel()
	rule, err := NewInvoiceRule("")
	require.NoError(t, err)
	for purpose, want := range map[string][]string{
		"Оплата по счету № pfx/123 от 02.05.2024":                         {"pfx/123"},
		"Оплата по счету СЧ/45. НДС не облагается":                        {"cч/45"}, // С looks like C
		"Счета pfx/1, PFX/1 и pfx/2":                                      {"pfx/1", "pfx/2"},
		"(pfx/7)":                                                         {"pfx/7"},
		"ИНН/КПП 7701234567/770101001, за 05/2024":                        nil,
		"по договору 17/2023":                                             nil,
		"abc/pfx/12 и pfx/12x":                                            nil,
		"Пополнение лицевого счета, без НДС":                              nil,
		"Оплата сч. 36":                                                   {"36*"},
		"Оплата по сч.№36,37 и 38; 39":                                    {"36*", "37*", "38*", "39*"},
		"Оплата счёта N 36 от 01.05.2024, 250.00":                         {"36*"},
		"Invoice #36 and 37":                                              {"36*", "37*"},
		"Оплата по счету № 17 от 01.01.2024":                              {"17*"},
		"Оплата сч. 01.05.2024":                                           nil,
		"Оплата по договору 17 от 01.01.2024 без НДС":                     nil,
		"Опл. по сч.№ РFХ/50":                                             {"pfx/50"},
		"Оплата по счету № pfx/36 от 01.05.2024, в т.ч. НДС 20% — 250.00": {"pfx/36"},
	} {
		var got []string
		for _, ref := range rule.references(purpose) {
			n := ref.norm
			if ref.bare {
				n += "*"
			}
			got = append(got, n)
		}
		assert.Equal(t, want, got, purpose)
	}

	custom, err := NewInvoiceRule(`(?i)счет\s*№?\s*(\d+-\d+)`)
	require.NoError(t, err)
	assert.Equal(t, []string{"2024-17"}, custom.numbers("Оплата, счет № 2024-17 от 01.05"))
	_, err = NewInvoiceRule(`(`)
	assert.Error(t, err)
}
