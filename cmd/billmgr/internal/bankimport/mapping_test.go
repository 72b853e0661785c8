package bankimport

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMappingFiles(t *testing.T) {
	t.Parallel()
	clients := writeFile(t, "clients.map", []byte("\ufeff# ИНН = клиент\n7701234567 = 12\n\n7701234567 = ann@example.com   # ООО Ромашка\n"+
		"500100732259=bob@example.com\t# ИП Петров\n7709999999 = carol#1@example.com\n"))
	m, err := ReadClients(clients)
	require.NoError(t, err)
	assert.Equal(t, Clients{"7701234567": {"12", "ann@example.com"}, "500100732259": {"bob@example.com"},
		"7709999999": {"carol#1@example.com"}}, m, "a # after white space starts a comment; inside a word it does not")

	columns := writeFile(t, "columns", []byte("amount = Сумма\ndate = Дата # the day of the transfer\n"))
	cols, err := ReadColumns(columns)
	require.NoError(t, err)
	require.NoError(t, cols.Set("date", "Дата операции"))
	assert.Equal(t, Columns{"amount": "Сумма", "date": "Дата операции"}, cols)
	assert.ErrorContains(t, cols.Set("sum", "Сумма"), `unknown field "sum"`)

	bad := writeFile(t, "bad", []byte("amount = Сумма\namount Сумма\n"))
	_, err = ReadColumns(bad)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, FileError{Path: bad, Line: 2, Reason: `want KEY = VALUE, got "amount Сумма"`}, *fe)
	_, err = ReadClients(bad + ".missing")
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, fe.Reason, "no such file")
}
