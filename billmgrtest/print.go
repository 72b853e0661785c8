package billmgrtest

import (
	"bytes"
	"fmt"
	"html"
	"strings"
)

// invoice returns the lines of the printable invoice of the payment in elid:
// its title and label/value pairs.
func (c *call) invoice(lang string) (title string, lines [][2]string, err error) {
	p, err := lookup(c, "elid", c.st.payments, nil)
	if err != nil {
		return "", nil, err
	}
	a := c.st.accounts[p.accountID]
	sa := c.st.subaccounts[p.subaccountID]
	title = text{"Invoice %s", "Счет %s"}.in(lang, p.number)
	lines = [][2]string{
		{text{"Client", "Клиент"}.in(lang), a.name},
		{text{"Date", "Дата"}.in(lang), c.st.formatTime(p.created, dateLayout)},
		{text{"Purpose", "Назначение"}.in(lang), p.lineText(lang)},
		{text{"Amount", "Сумма"}.in(lang), c.st.money(p.amount, sa.currency)},
		{text{"Status", "Статус"}.in(lang), paymentStatuses[p.status].label.in(lang)},
	}
	return title, lines, nil
}

// printPayment serves payment.print: an HTML page, not a <doc>.
func printPayment(c *call) (*reply, error) {
	title, lines, err := c.invoice(c.lang)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n<h1>%s</h1>\n<table>\n",
		c.lang, html.EscapeString(title), html.EscapeString(title))
	for _, l := range lines {
		fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", html.EscapeString(l[0]), html.EscapeString(l[1]))
	}
	b.WriteString("</table>\n</body>\n</html>\n")
	return &reply{contentType: "text/html; charset=UTF-8", raw: []byte(b.String())}, nil
}

// printPaymentPDF serves payment.print.pdf: a one-page PDF 1.4 document. Its
// text is in English and ASCII (other characters show as '?'), whatever lang.
func printPaymentPDF(c *call) (*reply, error) {
	title, lines, err := c.invoice("en")
	if err != nil {
		return nil, err
	}
	text := []string{title, ""}
	for _, l := range lines {
		text = append(text, l[0]+": "+l[1])
	}
	return &reply{contentType: "application/pdf", raw: pdf(text)}, nil
}

// pdf writes a minimal valid PDF with one page of text lines in Helvetica.
func pdf(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 16 TL 50 800 Td\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) '\n", pdfString(l))
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.Bytes()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfString escapes a PDF literal string; characters outside printable
// ASCII become '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '(' || r == ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ' || r > '~':
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
