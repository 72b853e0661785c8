package billmgr

// ExpensesService calls the expense functions of the account API.
type ExpensesService service
