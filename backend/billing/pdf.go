package billing

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"

	"admin-console/backend/apperr"
	"admin-console/backend/i18n"
	"admin-console/backend/invoicepdf"
	"admin-console/backend/org"
)

// Document words an invoice for the PDF in its own language: the invoice
// keeps codes ("seat:team:month"), the catalog turns them into sentences.
func Document(inv Invoice, b *i18n.Bundle) (invoicepdf.Document, invoicepdf.Labels) {
	lang := inv.Language
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	t := func(id string, data map[string]any) string { return b.T(lang, id, data) }
	doc := invoicepdf.Document{Language: lang, Kind: inv.Kind, Number: inv.Number, IssueDate: inv.IssuedAt,
		DueDate: inv.DueAt, PeriodStart: inv.PeriodStart, PeriodEnd: inv.PeriodEnd, Currency: inv.Currency,
		Seller: party(inv.Seller), Buyer: party(inv.Buyer), Subtotal: inv.Subtotal, VAT: inv.VAT, Total: inv.Total,
		Status: inv.Status, VATNote: t("invoice.doc.vat_"+inv.VATRegime, nil)}
	if inv.Kind == "credit_note" {
		doc.DueDate = doc.IssueDate
		doc.PaymentTerms = t("invoice.doc.credit_terms", map[string]any{"Number": inv.CorrectsNumber})
	} else {
		doc.PaymentTerms = t("invoice.doc.payment_terms", map[string]any{"IBAN": inv.Seller.IBAN})
	}
	for _, l := range inv.Lines {
		doc.Lines = append(doc.Lines, documentLine(l, inv.VATRateBP, lang, b))
	}
	labels := invoicepdf.Labels{
		Invoice: t("invoice.doc.invoice", nil), CreditNote: t("invoice.doc.credit_note", nil), BillTo: t("invoice.doc.bill_to", nil),
		TaxID: t("invoice.doc.tax_id", nil), IssueDate: t("invoice.doc.issue_date", nil), DueDate: t("invoice.doc.due_date", nil),
		Period: t("invoice.doc.period", nil), Description: t("invoice.doc.description", nil), Quantity: t("invoice.doc.quantity", nil),
		UnitPrice: t("invoice.doc.unit_price", nil), VATRate: t("invoice.doc.vat_rate", nil), Amount: t("invoice.doc.amount", nil),
		Subtotal: t("invoice.doc.subtotal", nil), VAT: t("invoice.doc.vat", nil), Total: t("invoice.doc.total", nil),
		Payment: t("invoice.doc.payment", nil), Paid: t("invoice.doc.paid", nil), Void: t("invoice.doc.void", nil),
		// The page numbers are filled in by the renderer, per page.
		Page: t("invoice.doc.page", map[string]any{"Page": "{{.Page}}", "Pages": "{{.Pages}}"}),
	}
	return doc, labels
}

func party(p Party) invoicepdf.Party {
	return invoicepdf.Party{Name: p.Name, AddressLines: p.Address, Country: p.Country, TaxID: p.TaxID, Email: p.Email}
}

func documentLine(l Line, vatBP int64, lang string, b *i18n.Bundle) invoicepdf.Line {
	parts := strings.Split(l.Item, ":")
	at := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	interval := func(s string) string { return b.T(lang, "invoice.doc.interval_"+s, nil) }
	out := invoicepdf.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, Amount: l.Amount, VATRate: vatBP}
	switch parts[0] {
	case "seat": // seat:<plan>:<interval>
		out.Description = b.T(lang, "invoice.doc.item_seats", map[string]any{"Plan": b.T(lang, "plan."+at(1), nil), "Interval": interval(at(2))})
		out.Unit = b.N(lang, "invoice.doc.unit_seat", int(abs(l.Quantity)), nil)
	case "proration": // proration:<product>:<plan>:<interval>
		out.Description = b.T(lang, "invoice.doc.item_proration", map[string]any{"Plan": b.T(lang, "plan."+at(2), nil), "Interval": interval(at(3))})
		out.Quantity, out.UnitPrice = sign(l.Amount), abs(l.Amount)
	case "tokens": // tokens:<model>:<input|output>
		out.Description = b.T(lang, "invoice.doc.item_"+at(2), map[string]any{"Model": at(1)})
		out.Unit = b.N(lang, "invoice.doc.unit_token", int(min(abs(l.Quantity), 1_000_000_000)), nil)
		out.PriceUnit = b.T(lang, "invoice.doc.per_million", nil)
	default:
		out.Description = l.Item
	}
	return out
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int64) int64 {
	if n < 0 {
		return -1
	}
	return 1
}

// WritePDF renders one invoice of the actor's organization as a PDF in the
// invoice's language.
func (s *Service) WritePDF(ctx context.Context, a org.Actor, invoiceID string, b *i18n.Bundle, w io.Writer) (Invoice, error) {
	inv, err := s.Get(ctx, a, invoiceID)
	if err != nil {
		return Invoice{}, err
	}
	return inv, renderPDF(w, inv, b)
}

// renderPDF renders an invoice in its language, as a Factur-X invoice (the
// XML embedded) when it is eligible: the pages are the same either way.
func renderPDF(w io.Writer, inv Invoice, b *i18n.Bundle) error {
	doc, labels := Document(inv, b)
	att, err := facturXAttachment(inv, doc)
	if err != nil {
		return err
	}
	return invoicepdf.RenderWith(w, doc, labels, att)
}

// WriteYearZIP writes every invoice and credit note issued in a year as PDFs
// in one ZIP file, named by their numbers.
func (s *Service) WriteYearZIP(ctx context.Context, a org.Actor, year int, b *i18n.Bundle, w io.Writer) (int, error) {
	list, err := s.Invoices(ctx, a, year, "")
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, apperr.New("invoice.none_in_year").With("Year", year)
	}
	zw := zip.NewWriter(w)
	for _, inv := range list {
		var buf bytes.Buffer
		if err := renderPDF(&buf, inv, b); err != nil {
			return 0, err
		}
		f, err := zw.Create(inv.Number + ".pdf")
		if err != nil {
			return 0, err
		}
		if _, err := f.Write(buf.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(list), zw.Close()
}
