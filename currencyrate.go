package billmgr

// CurrencyRatesService calls the currencyrate functions of the account API.
type CurrencyRatesService service
