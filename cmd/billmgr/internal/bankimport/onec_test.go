package bankimport

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// TestRead1C reads the same statement in Windows-1251 and in CP866 (Кодировка=DOS).
func TestRead1C(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"statement-1c-windows.txt", "statement-1c-dos.txt"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lines := readFixture(t, name)
			require.Len(t, lines, 5)
			invoice := lines[0]
			assert.Equal(t, 21, invoice.Line)
			assert.Equal(t, "318", invoice.Number)
			assert.Equal(t, time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), invoice.Date)
			assert.Equal(t, "1500.00", invoice.Amount.StringFixed(2))
			assert.Equal(t, "RUB", invoice.Currency)
			assert.Equal(t, `ООО "Ромашка"`, invoice.Payer)
			assert.Equal(t, "7701234567", invoice.INN)
			assert.Equal(t, "40702810438000011111", invoice.PayerAccount)
			assert.Contains(t, invoice.Purpose, "pfx/101")
			assert.Empty(t, invoice.Skip)
			assert.Empty(t, invoice.Malformed)

			split := lines[1]
			assert.Equal(t, "Пополнение лицевого счета по договору 17/2023 НДС не облагается", split.Purpose, "НазначениеПлатежа1 and 2 joined")
			assert.True(t, decimal.RequireFromString("4000.50").Equal(split.Amount))
			assert.Equal(t, "ИП Петров Сергей Иванович", split.Payer)

			assert.Equal(t, "outgoing: paid from the provider's account 40702810900000012345", lines[2].Skip)
			assert.Contains(t, lines[3].Malformed, `Сумма: "15OO.00" is not an amount`)
			assert.Empty(t, lines[4].Skip)
			assert.Empty(t, lines[4].Malformed)
		})
	}
}

// exchangeFile is a 1C file in Windows-1251 with the provider's account and body.
func exchangeFile(t *testing.T, body ...string) string {
	t.Helper()
	head := []string{"1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "РасчСчет=40702810900000012345"}
	text, err := charmap.Windows1251.NewEncoder().String(strings.Join(append(head, body...), "\r\n"))
	require.NoError(t, err)
	return writeFile(t, "kl_to_1c.txt", []byte(text))
}

func document(fields ...string) []string {
	return append(append([]string{"СекцияДокумент=Платежное поручение"}, fields...), "КонецДокумента")
}

var incoming = []string{"ПолучательСчет=40702810900000012345", "ПлательщикСчет=40702810000000000001", "ПлательщикИНН=7701234567"}

func TestRead1CDocuments(t *testing.T) {
	t.Parallel()
	var body []string
	add := func(fields ...string) { body = append(body, document(append(fields, incoming...)...)...) }
	add("Номер=1", "Дата=06.05.2024", "Сумма=10")
	add("Дата=06.05.2024", "Сумма=10")                                                                                // no number
	add("Номер=3", "Дата=2024/05/06", "Сумма=10")                                                                     // bad date
	add("Номер=4", "Дата=06.05.2024", "Сумма=10.005")                                                                 // reads two ways
	body = append(body, document("Номер=5", "Дата=06.05.2024", "Сумма=10", "ПолучательСчет=40702810000000099999")...) // someone else's
	body = append(body, append([]string{"СекцияДокумент=Платежное поручение", "Номер=6", "строка без знака"}, incoming...)...)
	add("Номер=7", "Дата=06.05.2024", "Сумма=1 000,50")
	add("Номер=8", "Дата=06.05.2024", "Сумма=100.00", "Сумма=100000.00") // given twice
	add("Номер=9", "Дата=06.05.2024", "Сумма=100.00", "Сумма=100.00")    // twice, the same
	add("Номер=10", "Дата=06.05.2024", "Сумма=1,500")
	add("Номер=11", "Дата=06.05.2024", "Сумма=-10.00")                                                                // into our account
	add("Номер=12", "Дата=06.05.2024")                                                                                // no amount
	body = append(body, document("Номер=13", "Дата=06.05.2024", "Сумма=0", "ПлательщикСчет=40702810900000012345")...) // outgoing
	body = append(body, "КонецФайла", "", "")
	lines, err := readAll(exchangeFile(t, body...), defaultOptions)
	require.NoError(t, err)
	require.Len(t, lines, 13)
	assert.Empty(t, lines[0].Malformed)
	assert.Equal(t, "no Номер", lines[1].Malformed)
	assert.Contains(t, lines[2].Malformed, "Дата")
	assert.Contains(t, lines[3].Malformed, "reads two ways")
	assert.Contains(t, lines[4].Skip, "not to the provider's account")
	assert.Contains(t, lines[5].Malformed, "is not KEY=VALUE")
	assert.Contains(t, lines[5].Malformed, "no КонецДокумента before the next document")
	assert.True(t, decimal.RequireFromString("1000.50").Equal(lines[6].Amount))
	assert.Contains(t, lines[7].Malformed, `Сумма is given twice: "100.00" on line`)
	assert.Contains(t, lines[7].Malformed, `and "100000.00" on line`)
	assert.True(t, lines[7].Amount.IsZero(), "neither amount is taken")
	assert.Empty(t, lines[8].Malformed)
	assert.Contains(t, lines[9].Malformed, "reads two ways")
	assert.Equal(t, "Сумма -10.00 is not positive, yet the money comes into the provider's account", lines[10].Malformed,
		"the accounts say it comes in: not skipped, left for a person")
	assert.Empty(t, lines[10].Skip)
	assert.Equal(t, "no Сумма", lines[11].Malformed)
	assert.Equal(t, "outgoing: paid from the provider's account 40702810900000012345", lines[12].Skip)
}

// TestRead1CRefusesFiles: a file that cannot be read for sure is refused whole, with the
// line and the reason.
func TestRead1CRefusesFiles(t *testing.T) {
	t.Parallel()
	doc := document(append([]string{"Номер=1", "Дата=06.05.2024", "Сумма=10"}, incoming...)...)
	windows := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().String(s)
		require.NoError(t, err)
		return []byte(b)
	}
	for _, tt := range []struct {
		name string
		path string
		line int
		want string
	}{
		{"not 1C", writeFile(t, "a.txt", []byte("1CClientBankExchange2\r\nКонецФайла\r\n")), 1, "the first line is not 1CClientBankExchange"},
		{"cut short", exchangeFile(t, doc...), 0, "no КонецФайла at the end"},
		{"text after the end", exchangeFile(t, append(append(doc, "КонецФайла"), doc...)...), 14, "text after КонецФайла"},
		{"unknown encoding", writeFile(t, "b.txt", windows("1CClientBankExchange\r\nКодировка=KOI8\r\nКонецФайла\r\n")), 0, "unknown Кодировка=KOI8"},
		{"declares DOS, written in Windows-1251", writeFile(t, "c.txt", windows("1CClientBankExchange\r\nКодировка=DOS\r\nКонецФайла\r\n")), 0,
			"declares Кодировка=DOS but is written in windows-1251"},
		{"a byte Windows-1251 does not define", writeFile(t, "d.txt", append(windows("1CClientBankExchange\r\nКодировка=Windows\r\nПолучатель=А"), 0x98, '\r', '\n')), 3,
			"holds a byte that windows-1251 does not define"},
		{"UTF-8 that is not", writeFile(t, "e.txt", []byte("1CClientBankExchange\r\nКодировка=Windows\r\nПолучатель=\xff\xfe\r\nКонецФайла\r\n")), 3,
			"is not valid UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(tt.path, defaultOptions)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.line, fe.Line)
			assert.Contains(t, fe.Reason, tt.want)
		})
	}
}
