package billmgr

// PaymentsService calls the payment functions of the account API.
type PaymentsService service
