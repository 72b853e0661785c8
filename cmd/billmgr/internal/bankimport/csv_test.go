package bankimport

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

func TestReadCSV(t *testing.T) {
	t.Parallel()
	text := "Номер;Дата;Сумма;Клиент;Назначение;Плательщик\r\n" +
		"101;06.05.2024;1 500,00;ann@example.com;Оплата по счету pfx/1;ООО Ромашка\r\n" +
		"102;2024-05-06;-200.00;;Возврат;\r\n" +
		"103;6 мая;10.00;;;\r\n" +
		"104;06.05.2024;1,500;;;\r\n" +
		"105;06.05.2024;10.00;;;ООО \"Ромашка\"\r\n" +
		"106;06.05.2024;10.00;;;\r\n" +
		"107;06.05.2024;0,00;;;\r\n" +
		"108;6 мая;-5,00;;;\r\n" +
		";2024-05-06;;;;\r\n"
	data, err := charmap.Windows1251.NewEncoder().String(text)
	require.NoError(t, err)
	o := defaultOptions
	o.Encoding = Windows1251
	o.Columns = Columns{"number": "Номер", "date": "Дата", "amount": "Сумма", "client": "Клиент", "purpose": "Назначение", "payer": "Плательщик"}
	lines, err := readAll(writeFile(t, "s.csv", []byte(data)), o)
	require.NoError(t, err)
	require.Len(t, lines, 9)
	first := lines[0]
	assert.Equal(t, 2, first.Line)
	assert.Equal(t, "101", first.Number)
	assert.True(t, decimal.RequireFromString("1500").Equal(first.Amount))
	assert.Equal(t, "ann@example.com", first.Client)
	assert.Equal(t, "Оплата по счету pfx/1", first.Purpose)
	assert.Equal(t, "RUB", first.Currency)
	assert.Equal(t, "ann@example.com", first.PayerID(), "no tax number nor bank account: the client column")
	assert.Contains(t, lines[1].Skip, "not an incoming transfer")
	assert.Contains(t, lines[2].Malformed, "date")
	assert.Contains(t, lines[3].Malformed, "amount: \"1,500\" reads two ways")
	assert.Contains(t, lines[4].Malformed, `bare " in non-quoted-field`, "a line of its own")
	assert.Equal(t, 7, lines[5].Line, "the next line reads")
	assert.Empty(t, lines[5].Malformed)
	assert.Equal(t, "not an incoming transfer: the amount is not positive", lines[6].Skip, "zero")
	assert.Equal(t, "not an incoming transfer: the amount is not positive", lines[7].Skip, "skipped, whatever else it holds")
	assert.Equal(t, "no number; no amount", lines[8].Malformed, "every reason")
	assert.Empty(t, lines[8].Skip)
}

// TestReadCSVRefusesFiles: a CSV file that cannot be read for sure is refused whole.
func TestReadCSVRefusesFiles(t *testing.T) {
	t.Parallel()
	cp1251 := Options{Format: FormatCSV, Encoding: Windows1251, Currency: "RUB"}
	for _, tt := range []struct {
		name string
		data string
		o    Options
		line int
		want string
		is   error
	}{
		{"Windows-1251 read as UTF-8", "number,date,amount,payer\n1,06.05.2024,10.00,\xcf\xe5\xf2\xf0\xee\xe2\n", defaultOptions, 2, "is not valid UTF-8", ErrEncoding},
		{"a byte Windows-1251 does not define", "number,date,amount,payer\n1,06.05.2024,10.00,\x98\n", cp1251, 2, "holds a byte that windows-1251 does not define", ErrEncoding},
		{"a quote that never closes", "number,date,amount,payer\n1,06.05.2024,10.00,\"ООО\n2,06.05.2024,10.00,ИП\n", defaultOptions, 2, "a quote opened here runs on to line", nil},
		{"a record past the bound", "number,date,amount,payer\n1,06.05.2024,10.00,\"" + strings.Repeat("x", 2*maxLine) + "\"\n", defaultOptions, 2, "a record longer than 1 MiB", nil},
		{"a first field past the bound", "number,date,amount,payer\n\"" + strings.Repeat("x", 2*maxLine) + "\",06.05.2024,10.00,x\n", defaultOptions, 2, "a record longer than 1 MiB", nil},
		{"a first field past the bound after a record of two lines", "number,date,amount,payer\n1,06.05.2024,10.00,\"ООО\nРомашка\"\n\"" +
			strings.Repeat("x", 2*maxLine) + "\",06.05.2024,10.00,x\n", defaultOptions, 4, "a record longer than 1 MiB", nil},
		{"empty", "", defaultOptions, 0, "empty: no header row", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(writeFile(t, "s.csv", []byte(tt.data)), tt.o)
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.line, fe.Line)
			assert.Contains(t, fe.Reason, tt.want)
			if tt.is != nil {
				assert.True(t, errors.Is(err, tt.is))
			}
		})
	}
}

func TestReadCSVHeaderErrors(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		text    string
		columns Columns
		want    ColumnError
	}{
		"no amount":          {"number,date\n1,06.05.2024\n", nil, ColumnError{Field: "amount", Headers: []string{"number", "date"}}},
		"mapped header gone": {"number,date,amount\n", Columns{"payer": "Плательщик"}, ColumnError{Field: "payer", Header: "Плательщик", Headers: []string{"number", "date", "amount"}}},
	} {
		o := defaultOptions
		o.Columns = tt.columns
		path := writeFile(t, "s.csv", []byte(tt.text))
		_, err := readAll(path, o)
		var ce *ColumnError
		require.ErrorAs(t, err, &ce, name)
		tt.want.Path = path
		assert.Equal(t, tt.want, *ce, name)
	}
}
