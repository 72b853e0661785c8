package billmgr

// DiscountsService calls the discount functions of the account API.
type DiscountsService service
