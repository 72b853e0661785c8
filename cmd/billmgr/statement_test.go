package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

var defaultStatementOptions = statementOptions{format: statementAuto, encoding: "utf-8", currency: "RUB"}

func readFixture(t *testing.T, name string, o statementOptions) []statementLine {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	lines, err := readStatement(data, o)
	require.NoError(t, err)
	return lines
}

// TestRead1C reads the same statement in Windows-1251 and in CP866 (Кодировка=DOS).
func TestRead1C(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"statement-1c-windows.txt", "statement-1c-dos.txt"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lines := readFixture(t, name, defaultStatementOptions)
			require.Len(t, lines, 5)
			day := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)

			invoice := lines[0]
			assert.Equal(t, 21, invoice.line)
			assert.Equal(t, "318", invoice.number)
			assert.Equal(t, day, invoice.date)
			assert.Equal(t, "1500.00", invoice.amount.StringFixed(2))
			assert.Equal(t, "RUB", invoice.currency)
			assert.Equal(t, `ООО "Ромашка"`, invoice.payer)
			assert.Equal(t, "7701234567", invoice.inn)
			assert.Equal(t, "40702810438000011111", invoice.payerAccount)
			assert.Contains(t, invoice.purpose, "pfx/101")
			assert.Empty(t, invoice.skip)
			assert.NoError(t, invoice.malformed)

			split := lines[1]
			assert.Equal(t, "Пополнение лицевого счета по договору 17/2023 НДС не облагается", split.purpose, "НазначениеПлатежа1 and 2 joined")
			assert.True(t, decimal.RequireFromString("4000.50").Equal(split.amount))
			assert.Equal(t, "ИП Петров Сергей Иванович", split.payer)

			assert.Equal(t, "outgoing: paid from the provider's account 40702810900000012345", lines[2].skip)
			require.Error(t, lines[3].malformed)
			assert.Contains(t, lines[3].malformed.Error(), `Сумма: "15OO.00" is not an amount`)
			assert.Empty(t, lines[4].skip)
			assert.NoError(t, lines[4].malformed)
		})
	}
}

func exchangeFile(body ...string) []byte {
	head := []string{"1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", "РасчСчет=40702810900000012345"}
	text, err := charmap.Windows1251.NewEncoder().String(strings.Join(append(head, body...), "\r\n"))
	if err != nil {
		panic(err)
	}
	return []byte(text)
}

func TestRead1CRefusesBrokenFiles(t *testing.T) {
	t.Parallel()
	o := defaultStatementOptions
	o.format = statement1C
	for name, data := range map[string][]byte{
		"not 1C":          []byte("number,date,amount\n"),
		"cut short":       exchangeFile("СекцияДокумент=Платежное поручение", "Номер=1", "Дата=06.05.2024", "Сумма=10"),
		"unknown charset": []byte("1CClientBankExchange\r\nКодировка=KOI8\r\nКонецФайла\r\n\xff"),
	} {
		_, err := readStatement(data, o)
		var usage *usageError
		assert.ErrorAs(t, err, &usage, name)
	}
}

func TestRead1CDocuments(t *testing.T) {
	t.Parallel()
	doc := func(fields ...string) []string {
		return append(append([]string{"СекцияДокумент=Платежное поручение"}, fields...), "КонецДокумента")
	}
	incoming := []string{"ПолучательСчет=40702810900000012345", "ПлательщикСчет=40702810000000000001", "ПлательщикИНН=7701234567"}
	var body []string
	body = append(body, doc(append([]string{"Номер=1", "Дата=06.05.2024", "Сумма=10"}, incoming...)...)...)
	body = append(body, doc(append([]string{"Дата=06.05.2024", "Сумма=10"}, incoming...)...)...)                               // no number
	body = append(body, doc(append([]string{"Номер=3", "Дата=2024/05/06", "Сумма=10"}, incoming...)...)...)                    // bad date
	body = append(body, doc(append([]string{"Номер=4", "Дата=06.05.2024", "Сумма=10.005"}, incoming...)...)...)                // sub-kopeck
	body = append(body, doc("Номер=5", "Дата=06.05.2024", "Сумма=10", "ПолучательСчет=40702810000000099999")...)               // someone else's
	body = append(body, append([]string{"СекцияДокумент=Платежное поручение", "Номер=6", "строка без знака"}, incoming...)...) // no КонецДокумента
	body = append(body, doc(append([]string{"Номер=7", "Дата=06.05.2024", "Сумма=1 000,50"}, incoming...)...)...)
	body = append(body, "КонецФайла")
	lines, err := readStatement(exchangeFile(body...), defaultStatementOptions)
	require.NoError(t, err)
	require.Len(t, lines, 7)
	assert.NoError(t, lines[0].malformed)
	assert.EqualError(t, lines[1].malformed, "no Номер")
	assert.ErrorContains(t, lines[2].malformed, "Дата")
	assert.ErrorContains(t, lines[3].malformed, "more than two decimals")
	assert.Contains(t, lines[4].skip, "not to the provider's account")
	assert.ErrorContains(t, lines[5].malformed, "no КонецДокумента")
	assert.ErrorContains(t, lines[5].malformed, "is not KEY=VALUE")
	assert.True(t, decimal.RequireFromString("1000.50").Equal(lines[6].amount))
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	text := "Номер;Дата;Сумма;Клиент;Назначение\r\n" +
		"101;06.05.2024;1 500,00;ann@example.com;Оплата по счету pfx/1\r\n" +
		"102;2024-05-06;-200.00;;Возврат\r\n" +
		"103;6 мая;10.00;;\r\n" +
		"\"104;06.05.2024;10.00;;\r\n"
	data, err := charmap.Windows1251.NewEncoder().String(text)
	require.NoError(t, err)
	o := defaultStatementOptions
	o.encoding = "windows-1251"
	o.columns = map[string]string{"number": "Номер", "date": "Дата", "amount": "Сумма", "client": "Клиент", "purpose": "Назначение"}
	lines, err := readStatement([]byte(data), o)
	require.NoError(t, err)
	require.Len(t, lines, 4)
	first := lines[0]
	assert.Equal(t, 2, first.line)
	assert.Equal(t, "101", first.number)
	assert.True(t, decimal.RequireFromString("1500").Equal(first.amount))
	assert.Equal(t, "ann@example.com", first.client)
	assert.Equal(t, "Оплата по счету pfx/1", first.purpose)
	assert.Equal(t, "RUB", first.currency)
	assert.Contains(t, lines[1].skip, "not an incoming transfer")
	assert.ErrorContains(t, lines[2].malformed, "date")
	assert.Error(t, lines[3].malformed, "a quote that never closes")
}

func TestReadCSVHeaderErrors(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		text    string
		columns map[string]string
		want    string
	}{
		"no amount":          {"number,date\n1,06.05.2024\n", nil, "no amount column"},
		"mapped header gone": {"number,date,amount\n", map[string]string{"payer": "Плательщик"}, `no column "Плательщик"`},
	} {
		o := defaultStatementOptions
		o.columns = tt.columns
		_, err := readStatement([]byte(tt.text), o)
		assert.ErrorContains(t, err, tt.want, name)
	}
	_, err := readStatement([]byte("number,date,amount\n1,06.05.2024,\xff\n"), defaultStatementOptions)
	assert.ErrorContains(t, err, "--encoding", "Windows-1251 read as UTF-8")
}

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1500.00": "1500", "1500": "1500", "1 500,50": "1500.5", "0.01": "0.01", "1\u00a0000.10": "1000.1"} {
		got, err := parseAmount(in)
		require.NoError(t, err, in)
		assert.True(t, decimal.RequireFromString(want).Equal(got), "%s: %s", in, got)
	}
	for _, in := range []string{"", "15OO", "1e3", "1.001", "NaN", "1,000.50"} {
		_, err := parseAmount(in)
		assert.Error(t, err, in)
	}
}

// TestLineKey: the key names the document, its payer and its amount, and no two of the
// fixture's lines share one.
func TestLineKey(t *testing.T) {
	t.Parallel()
	lines := readFixture(t, "statement-1c-windows.txt", defaultStatementOptions)
	assert.Equal(t, "2024-05-06 | 318 | 7701234567 | 1500.00 RUB", lines[0].key())
	keys := map[string]bool{}
	for _, l := range lines {
		keys[l.key()] = true
	}
	assert.Len(t, keys, len(lines))
	dos := readFixture(t, "statement-1c-dos.txt", defaultStatementOptions)
	assert.Equal(t, lines[1].key(), dos[1].key(), "the same document in another encoding")
}
