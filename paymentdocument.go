package billmgr

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// PaymentDocument is the document that brought a client money from outside BILLmanager: a
// bank's payment order, a payment system's transaction. It is the key of the money:
// BILLmanager has no idempotency key, so the payment credited for a document carries it,
// and the server answers "is it there already?" whatever a caller remembers.
//
// Where it lives on the payment: Number and Date in the payment form's documentnumber and
// documentdate (where accountants expect the bank document), Payer in a line
// "Payer: <Payer>" of info (what the payment system reported about the payment). Two
// payers' documents with one number and date are two documents. A payment that carries the
// number and date but records no payer (recorded by hand, or by a version of this package
// before payers were recorded) is taken for the document of any payer.
type PaymentDocument struct {
	Number string    // as its issuer wrote it; compared exactly, spaces around it aside
	Date   time.Time // only the calendar day counts, in Date's own location
	// Payer says who paid, for issuers whose numbers are unique per payer only (a bank's
	// payment orders are numbered by the payer's bank): the payer's tax number, bank account
	// or customer id. Compared exactly, spaces around it and letter case aside. "" when the
	// number alone names the document (a payment system's transaction id).
	Payer string
}

// String reads like "No. 123 of 2024-05-06" or "No. 123 of 2024-05-06 from 7701234567".
func (d PaymentDocument) String() string {
	s := fmt.Sprintf("No. %s of %s", strings.TrimSpace(d.Number), d.Date.Format(time.DateOnly))
	if p := strings.TrimSpace(d.Payer); p != "" {
		s += " from " + p
	}
	return s
}

// payerLine starts the line of a payment's info that records the document's payer.
const payerLine = "Payer: "

// Carries reports whether the payment carries document d, as FindByDocument finds it: the
// same number and calendar day, and the same payer unless one of them names none.
func (p *PaymentDetails) Carries(d PaymentDocument) bool {
	if strings.TrimSpace(p.DocumentNumber) != strings.TrimSpace(d.Number) || p.DocumentDate.IsZero() || !sameDay(p.DocumentDate, d.Date) {
		return false
	}
	payer, recorded := strings.TrimSpace(d.Payer), recordedPayer(p.Info)
	return payer == "" || recorded == "" || strings.EqualFold(payer, recorded)
}

// recordedPayer is the payer recorded in a payment's info ("" when none): the text after
// "Payer: " on the first line that starts with it.
func recordedPayer(info string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), payerLine); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// withPayer is info with the document's payer recorded: info as it is when it records one
// already or the document names none, else info with a payer line added at its end.
func (d PaymentDocument) withPayer(info string) string {
	payer := strings.TrimSpace(d.Payer)
	if payer == "" || recordedPayer(info) != "" {
		return info
	}
	if strings.TrimSpace(info) == "" {
		return payerLine + payer
	}
	return strings.TrimRight(info, "\n") + "\n" + payerLine + payer
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// check refuses, in f, a document that cannot be the key of a payment: its number and
// payer must read back from the server exactly as they were sent.
func (d PaymentDocument) check(f *fieldFaults) {
	if strings.TrimSpace(d.Number) == "" {
		f.add("Document.Number", "the document needs a number")
	} else if why := storable(d.Number, false); why != "" {
		f.add("Document.Number", "the document number %q %s", d.Number, why)
	}
	if d.Date.IsZero() {
		f.add("Document.Date", "the document needs a date")
	}
	if why := storable(d.Payer, false); why != "" {
		f.add("Document.Payer", "the payer %q %s", d.Payer, why)
	}
}

// storable says why the server cannot keep s as given, or "" when it can. Its replies are
// XML, which cannot carry most control characters and reads a carriage return back as a
// line feed: a key that reads back otherwise than it was sent never matches itself, and
// would be credited again on every call. Line breaks are refused in a single-line field.
func storable(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == '\t' || (r == '\n' && multiline):
		case r == '\n' || r == '\r':
			return "holds a line break, which the field cannot keep as sent"
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0xfffe || r == 0xffff:
			return fmt.Sprintf("holds the control character %U, which the server's XML replies cannot carry as sent", r)
		}
	}
	return ""
}
