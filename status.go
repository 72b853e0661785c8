package billmgr

// Status is a localized column: Code is the machine value (the orig attribute, or the text
// when the server sent none) and Label the text shown to people in the request's language.
// Compare Code, never Label.
//
// Every column of a list that the server labels (statuses, providers, countries: an orig
// code beside the text) is a Status, and so is a column it writes as a bare code
// (Payment.RealStatus: Code and Label are both the code). Names (a payment method, a
// client, an expense) are strings. A form (XDetails) carries the codes its selects submit,
// typed as its params take them back (PaymentDetails.Status is "4").
type Status struct {
	Code  string
	Label string
}

// String returns the label, or the code when there is no label.
func (s Status) String() string {
	if s.Label != "" {
		return s.Label
	}
	return s.Code
}

// Payment status codes (Payment.Status.Code, PaymentParams.Status).
const (
	PaymentNew            = "1"
	PaymentInPay          = "2"
	PaymentPromised       = "3"
	PaymentCredited       = "4"
	PaymentAwaitingRefund = "5"
	PaymentRefunded       = "6"
	PaymentFraudulent     = "7"
	PaymentInitiated      = "8"
	PaymentCancelled      = "9"
	PaymentBeingDeleted   = "100"
)

// PaymentCreditable reports whether payment.setpaid credits a payment in status (a code:
// PaymentNew, PaymentInPay, PaymentPromised and PaymentInitiated can be credited).
func PaymentCreditable(status string) bool {
	switch status {
	case PaymentNew, PaymentInPay, PaymentPromised, PaymentInitiated:
		return true
	}
	return false
}

// Client (account) status codes (Account.AccountStatus.Code).
const (
	AccountActive    = "1"
	AccountSuspended = "2"
	AccountDeleted   = "3"
)

// Personal account (subaccount) status codes (Subaccount.Status.Code).
const (
	SubaccountActive    = "1"
	SubaccountSuspended = "2"
)

// On/off status codes of client groups and providers (Group.Status.Code, Provider.Status.Code).
const (
	StatusOn  = "on"
	StatusOff = "off"
)
