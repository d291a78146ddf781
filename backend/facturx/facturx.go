// Package facturx writes the XML of a Factur-X (ZUGFeRD 2.x) invoice: a
// UN/CEFACT Cross Industry Invoice (CII D16B) of the EN 16931 profile, the
// file a PDF/A-3 invoice carries as factur-x.xml so the buyer's software can
// book it without reading the page.
//
// The profile is EN 16931 (Factur-X "EN 16931", ZUGFeRD "COMFORT"): the
// complete core invoice of the European standard. BASIC would do for the
// elements written here, but EN 16931 is what public buyers and the French
// and German e-invoicing rules ask for, and it costs nothing more.
//
// The package is independent of billing: the caller fills an Invoice with
// what its PDF shows (amounts in integer minor units, never floats) and XML
// checks the EN 16931 business rules this shape can break (sums, VAT
// categories, required parties) before it writes anything. It does not run
// the official schematron: no validator ships with the app.
package facturx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// What the PDF declares about the attachment (Factur-X 1.0, XMP extension
// schema "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#").
const (
	// FileName is the name validators look the attachment up by.
	FileName = "factur-x.xml"
	// Level is the fx:ConformanceLevel of the XML XML writes.
	Level = "EN 16931"
	// Guideline is the specification identifier (BT-24) of the profile.
	Guideline = "urn:cen.eu:en16931:2017"
)

// Document type codes (UNTDID 1001, BT-3).
const (
	TypeInvoice    = "380"
	TypeCreditNote = "381"
)

// VAT category codes (UNTDID 5305, BT-151). An invoice has one category
// and one rate for all its lines, as billing issues them.
const (
	// Standard rate: the seller's VAT, RateBP > 0.
	Standard = "S"
	// ReverseCharge: the buyer, a business in another member state,
	// accounts for the VAT (Article 196 of Directive 2006/112/EC).
	ReverseCharge = "AE"
	// Export: supplies outside the EU, zero rated.
	Export = "G"
	// OutsideScope: not subject to VAT. EN 16931 then forbids every VAT
	// identifier (BR-O-02): the seller is identified by its LegalID.
	OutsideScope = "O"
)

// exemptions are the reasons (BT-120, BT-121) the zero-rated categories
// must give (BR-AE-10, BR-G-10, BR-O-10), as VATEX codes and plain text.
var exemptions = map[string]struct{ code, text string }{
	ReverseCharge: {"VATEX-EU-AE", "Reverse charge"},
	Export:        {"VATEX-EU-G", "Export outside the EU"},
	OutsideScope:  {"VATEX-EU-O", "Not subject to VAT"},
}

// Invoice is what the XML says, already computed by the caller. A credit
// note (TypeCreditNote) carries positive quantities and amounts: its type
// says they are credited.
type Invoice struct {
	// Number is the invoice number (BT-1).
	Number string
	// TypeCode is TypeInvoice or TypeCreditNote.
	TypeCode string
	// IssueDate (BT-2) and DueDate (BT-9, may be zero) are calendar dates,
	// read in their own location.
	IssueDate, DueDate time.Time
	// PeriodStart and PeriodEnd are the first and last days billed (BG-14),
	// both included; a zero PeriodStart leaves the period out.
	PeriodStart, PeriodEnd time.Time
	// Corrects is the number of the invoice a credit note corrects (BT-25); may be "".
	Corrects string
	// Note is a free text such as the reverse-charge mention (BT-22); may be "".
	Note string

	Seller, Buyer Party
	// Currency is the ISO 4217 code of every amount (BT-5): one with cents.
	Currency string
	Lines    []Line

	// Category is the VAT category of every line: Standard, ReverseCharge,
	// Export or OutsideScope; RateBP its rate in basis points (2000 = 20 %).
	Category string
	RateBP   int64

	// Totals in minor units: the sum of the lines (BT-106), the amount VAT
	// is computed on (BT-109: the same, there are no allowances or charges),
	// the VAT (BT-110), the total with VAT (BT-112), what was already paid
	// (BT-113) and what is left to pay (BT-115).
	LineTotal, TaxBasis, TaxTotal, GrandTotal, Paid, DuePayable int64

	// PaymentTerms is the text of the terms (BT-20), e.g. as the PDF words them; may be "".
	PaymentTerms string
	// IBAN, when set, makes the payment means a SEPA credit transfer (code
	// 58) to that account, with the invoice number as remittance reference.
	IBAN string
}

// Party is the seller or the buyer.
type Party struct {
	Name string
	// Lines are the street address, at most three written (BT-35..BT-37);
	// more are joined into the third.
	Lines []string
	// PostalCode and City may be "" when the address has them in Lines.
	PostalCode, City string
	// Country is an ISO 3166-1 alpha-2 code.
	Country string
	// VATID is the VAT identifier with its country prefix; may be "" for a buyer.
	VATID string
	// LegalID is a registration number (SIREN, HRB...; BT-30, BT-47); may be "".
	LegalID string
	// Email is the party's electronic address (BT-34, BT-49); may be "".
	Email string
}

// Line is one invoice line.
type Line struct {
	// Name is the item as the PDF words it (BT-153).
	Name string
	// Quantity is counted in UnitCode (BT-129, BT-130).
	Quantity int64
	// UnitCode is a UN/ECE Recommendation 20 code; "" means C62 (one).
	UnitCode string
	// UnitPrice is the net price in minor units (BT-146, not negative) of
	// PriceBase units (BT-149): tokens are priced per million, so 300 with
	// PriceBase 1,000,000 reads as the PDF's "€3.00 / 1M tokens". A zero
	// PriceBase means 1.
	UnitPrice, PriceBase int64
	// Amount is the line's net amount in minor units (BT-131).
	Amount int64
}

// XML writes the invoice as factur-x.xml. It fails, writing nothing, when
// the invoice breaks an EN 16931 rule it can check.
func XML(inv Invoice) ([]byte, error) {
	if err := inv.check(); err != nil {
		return nil, err
	}
	out, err := xml.MarshalIndent(inv.cii(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("facturx: %s: %w", inv.Number, err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func (inv Invoice) check() error {
	for _, check := range []func() error{inv.checkDocument, inv.checkParties, inv.checkVAT, inv.checkLines, inv.checkTotals} {
		if err := check(); err != nil {
			return fmt.Errorf("facturx: invoice %q: %w", inv.Number, err)
		}
	}
	return nil
}

func (inv Invoice) checkDocument() error {
	switch {
	case inv.Number == "":
		return errors.New("no number (BR-02)")
	case inv.TypeCode != TypeInvoice && inv.TypeCode != TypeCreditNote:
		return fmt.Errorf("type code %q is neither %s nor %s", inv.TypeCode, TypeInvoice, TypeCreditNote)
	case inv.IssueDate.IsZero():
		return errors.New("no issue date (BR-03)")
	case !inv.PeriodStart.IsZero() && date(inv.PeriodEnd) < date(inv.PeriodStart):
		return errors.New("the period ends before it starts (BR-29)")
	}
	cu, err := currency.ParseISO(inv.Currency)
	if err != nil {
		return fmt.Errorf("currency %q (BR-05): %w", inv.Currency, err)
	}
	// Amounts are written with two decimals: minor units must be cents.
	if scale, _ := currency.Standard.Rounding(cu); scale != 2 {
		return fmt.Errorf("currency %s has %d decimals, not 2", inv.Currency, scale)
	}
	return nil
}

func (inv Invoice) checkParties() error {
	for _, p := range []struct {
		role string
		Party
	}{{"seller", inv.Seller}, {"buyer", inv.Buyer}} {
		if p.Name == "" {
			return fmt.Errorf("the %s has no name (BR-06, BR-07)", p.role)
		}
		if len(p.Country) != 2 || strings.ToUpper(p.Country) != p.Country {
			return fmt.Errorf("the %s's country %q is not an ISO 3166 code (BR-09, BR-11)", p.role, p.Country)
		}
	}
	if inv.Seller.VATID == "" && inv.Seller.LegalID == "" {
		return errors.New("the seller has neither a VAT identifier nor a legal registration (BR-CO-26)")
	}
	return nil
}

// checkVAT applies the rules of the invoice's VAT category.
func (inv Invoice) checkVAT() error {
	switch inv.Category {
	case Standard:
		if inv.RateBP <= 0 {
			return errors.New("standard rated without a rate (BR-S-05)")
		}
	case ReverseCharge, Export, OutsideScope:
		if inv.RateBP != 0 {
			return fmt.Errorf("category %s with a %d bp rate, want 0", inv.Category, inv.RateBP)
		}
	default:
		return fmt.Errorf("unknown VAT category %q", inv.Category)
	}
	switch {
	case inv.Category == OutsideScope && (inv.Seller.VATID != "" || inv.Buyer.VATID != ""):
		return errors.New("not subject to VAT, yet with a VAT identifier (BR-O-02)")
	case inv.Category != OutsideScope && inv.Seller.VATID == "":
		return fmt.Errorf("category %s without the seller's VAT identifier (BR-%s-02)", inv.Category, inv.Category)
	case inv.Category == ReverseCharge && inv.Buyer.VATID == "":
		return errors.New("reverse charge without the buyer's VAT identifier (BR-AE-02)")
	}
	return nil
}

func (inv Invoice) checkLines() error {
	if len(inv.Lines) == 0 {
		return errors.New("no line (BR-16)")
	}
	for i, l := range inv.Lines {
		switch {
		case strings.TrimSpace(l.Name) == "":
			return fmt.Errorf("line %d has no name (BR-25)", i+1)
		case l.UnitPrice < 0:
			return fmt.Errorf("line %d has a negative price (BR-27)", i+1)
		case l.PriceBase < 0:
			return fmt.Errorf("line %d has a negative price base quantity", i+1)
		}
	}
	return nil
}

// checkTotals holds the sums EN 16931 checks (BR-CO-10, -13, -14, -15,
// -16, -17): the PDF shows the same figures, so they must add up here.
func (inv Invoice) checkTotals() error {
	var sum int64
	for _, l := range inv.Lines {
		sum += l.Amount
	}
	switch {
	case sum != inv.LineTotal:
		return fmt.Errorf("the lines add up to %s, not %s (BR-CO-10)", Amount(sum), Amount(inv.LineTotal))
	case inv.TaxBasis != inv.LineTotal:
		return fmt.Errorf("the tax basis %s is not the line total %s (BR-CO-13)", Amount(inv.TaxBasis), Amount(inv.LineTotal))
	case inv.TaxTotal != vatOf(inv.TaxBasis, inv.RateBP):
		return fmt.Errorf("the VAT %s is not %s of %s (BR-CO-17)", Amount(inv.TaxTotal), Amount(inv.RateBP)+" %", Amount(inv.TaxBasis))
	case inv.GrandTotal != inv.TaxBasis+inv.TaxTotal:
		return fmt.Errorf("the grand total %s is not the basis plus VAT (BR-CO-15)", Amount(inv.GrandTotal))
	case inv.DuePayable != inv.GrandTotal-inv.Paid:
		return fmt.Errorf("the amount due %s is not the grand total less what was paid (BR-CO-16)", Amount(inv.DuePayable))
	}
	return nil
}

// vatOf is the VAT on basis at rate basis points, rounded half away from
// zero to the cent, as billing computes it.
func vatOf(basis, rateBP int64) int64 {
	p := basis * rateBP
	if p < 0 {
		return -((-p + 5000) / 10000)
	}
	return (p + 5000) / 10000
}

// Amount writes minor units as a decimal with two places, from integers:
// 123456 is "1234.56", -5 is "-0.05". Rates in basis points read the same
// way as percents: 2000 is "20.00".
func Amount(minor int64) string {
	sign, u := "", uint64(minor)
	if minor < 0 {
		sign, u = "-", uint64(-minor)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// date is a calendar date in CII format 102 (YYYYMMDD), read in the time's
// own location like the PDF reads it.
func date(t time.Time) string { return t.Format("20060102") }
