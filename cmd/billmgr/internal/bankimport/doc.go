// Package bankimport credits the incoming transfers of a bank statement exactly once: it
// reads the statement (CSV or the 1C bank exchange format) as a stream, matches each
// transfer to the invoices it pays or to the client who paid, credits it with
// Payments.CreditInvoices or Payments.CreditReceipt, and keeps a journal beside the
// statement so that a rerun skips the lines it finished.
//
// The bank document (its number, date and payer) is the key of a transfer, kept on the
// payment on the server: whatever this package or its journal remembers, the server
// answers whether a transfer is credited already. What the package cannot be sure of (an
// amount that reads two ways, a document given twice with two amounts, a purpose that may
// name an invoice) is never guessed: the line is left for a person, with the reason and the
// next step.
//
// Its errors are typed (*FileError, *ColumnError, *InterruptedError and the sentinels);
// the command that uses it maps them to flags and exit codes.
package bankimport
