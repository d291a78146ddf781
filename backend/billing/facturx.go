package billing

import (
	"strings"
	"time"

	"admin-console/backend/facturx"
	"admin-console/backend/invoicepdf"
)

// FacturXEligible reports whether an invoice's PDF is a Factur-X invoice,
// carrying its data as EN 16931 XML: e-invoicing is between businesses, so
// the seller and the buyer are in the EU and both have a VAT number. EN
// 16931 also needs at least one line.
func FacturXEligible(inv Invoice) bool {
	return InEU(inv.Seller.Country) && InEU(inv.Buyer.Country) && inv.Seller.TaxID != "" && inv.Buyer.TaxID != "" &&
		len(inv.Lines) > 0
}

// vatCategories are the EN 16931 VAT categories of the VAT regimes.
var vatCategories = map[string]string{
	Domestic:      facturx.Standard,
	ReverseCharge: facturx.ReverseCharge,
	OutsideEU:     facturx.Export,
}

// facturXAttachment is the Factur-X XML of an eligible invoice, for the
// PDF to embed, or nil for any other invoice.
func facturXAttachment(inv Invoice, doc invoicepdf.Document) (*invoicepdf.Attachment, error) {
	if !FacturXEligible(inv) {
		return nil, nil
	}
	data, err := facturx.XML(facturXInvoice(inv, doc))
	if err != nil {
		return nil, err
	}
	return &invoicepdf.Attachment{FacturX: data, Level: facturx.Level}, nil
}

// facturXInvoice maps an invoice to the Factur-X input in the words of its
// PDF document (doc, from Document): line names, VAT note and payment
// terms read as on the page, in the invoice's language.
//
// Tokens are counted one by one (unit C62) and priced per million (price
// base quantity 1,000,000), as the page shows "€3.00 / 1M tokens". A line
// whose price changed during the period shows the latest price, so its
// quantity times that price may differ from its amount, which sums the
// days at their own prices; EN 16931 does not check that product.
func facturXInvoice(inv Invoice, doc invoicepdf.Document) facturx.Invoice {
	out := facturx.Invoice{Number: inv.Number, TypeCode: facturx.TypeInvoice, IssueDate: inv.IssuedAt, DueDate: inv.DueAt,
		Note: doc.VATNote, Seller: facturXParty(inv.Seller), Buyer: facturXParty(inv.Buyer), Currency: inv.Currency,
		Category: vatCategories[inv.VATRegime], RateBP: inv.VATRateBP, PaymentTerms: doc.PaymentTerms, IBAN: inv.Seller.IBAN}
	// Billing keeps a credit note's figures negative, as its PDF prints
	// them; type 381 already says they are credited, so the XML states
	// them positive. Nothing is transferred for it.
	sign := int64(1)
	if inv.Kind == "credit_note" {
		sign = -1
		out.TypeCode, out.Corrects, out.DueDate, out.IBAN = facturx.TypeCreditNote, inv.CorrectsNumber, time.Time{}, ""
	}
	if !inv.PeriodStart.IsZero() {
		out.PeriodStart, out.PeriodEnd = inv.PeriodStart, lastDay(inv.PeriodStart, inv.PeriodEnd)
	}
	for i, l := range doc.Lines {
		base := int64(1)
		if strings.HasPrefix(inv.Lines[i].Item, "tokens:") {
			base = 1_000_000
		}
		out.Lines = append(out.Lines, facturx.Line{Name: l.Description, Quantity: sign * l.Quantity,
			UnitPrice: l.UnitPrice, PriceBase: base, Amount: sign * l.Amount})
	}
	out.LineTotal, out.TaxBasis, out.TaxTotal = sign*inv.Subtotal, sign*inv.Subtotal, sign*inv.VAT
	out.GrandTotal, out.DuePayable = sign*inv.Total, sign*inv.Total
	return out
}

// facturXParty splits the postal code and city out of the address lines
// when the last line is just them (as buyerOf and vat.toml write it);
// otherwise every line goes as a street line.
func facturXParty(p Party) facturx.Party {
	out := facturx.Party{Name: p.Name, Lines: p.Address, Country: p.Country, VATID: p.TaxID, Email: p.Email}
	n := len(p.Address)
	if n > 0 && p.City != "" && strings.TrimSpace(p.Address[n-1]) == strings.TrimSpace(p.PostalCode+" "+p.City) {
		out.Lines, out.PostalCode, out.City = p.Address[:n-1], p.PostalCode, p.City
	}
	return out
}

// lastDay is the last day billed in the half-open period [start, end): an
// end at midnight means the day before, as the PDF shows it.
func lastDay(start, end time.Time) time.Time {
	if h, m, s := end.Clock(); h == 0 && m == 0 && s == 0 && end.Nanosecond() == 0 && end.After(start) {
		return end.AddDate(0, 0, -1)
	}
	return end
}
