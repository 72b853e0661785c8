package billmgr

// AccountsService calls the account functions of the account API.
type AccountsService service
