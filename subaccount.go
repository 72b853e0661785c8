package billmgr

// SubaccountsService calls the subaccount functions of the account API.
type SubaccountsService service
