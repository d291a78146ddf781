package facturx

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// CII D16B namespaces, bound to the prefixes Factur-X files use.
const (
	nsRSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
	nsRAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
	nsUDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
	nsQDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
)

// The element names below carry their prefix ("ram:ID"): encoding/xml
// writes such a name as is, and the root declares the prefixes, which gives
// the compact prefixed form every Factur-X reader expects rather than an
// xmlns attribute on each element. Field order is the order the CII schema
// requires (xs:sequence), so it must not be rearranged.

type ciiInvoice struct {
	XMLName xml.Name `xml:"rsm:CrossIndustryInvoice"`
	RSM     string   `xml:"xmlns:rsm,attr"`
	QDT     string   `xml:"xmlns:qdt,attr"`
	RAM     string   `xml:"xmlns:ram,attr"`
	UDT     string   `xml:"xmlns:udt,attr"`

	Guideline   string         `xml:"rsm:ExchangedDocumentContext>ram:GuidelineSpecifiedDocumentContextParameter>ram:ID"`
	Document    ciiDocument    `xml:"rsm:ExchangedDocument"`
	Transaction ciiTransaction `xml:"rsm:SupplyChainTradeTransaction"`
}

type ciiDocument struct {
	ID        string    `xml:"ram:ID"`
	TypeCode  string    `xml:"ram:TypeCode"`
	IssueDate ciiDate   `xml:"ram:IssueDateTime"`
	Notes     []ciiNote `xml:"ram:IncludedNote,omitempty"`
}

type ciiNote struct {
	Content string `xml:"ram:Content"`
}

// ciiDate is a udt:DateTimeString in format 102 (YYYYMMDD).
type ciiDate struct {
	Value ciiDateString `xml:"udt:DateTimeString"`
}

type ciiDateString struct {
	Format string `xml:"format,attr"`
	Value  string `xml:",chardata"`
}

func newDate(s string) *ciiDate { return &ciiDate{ciiDateString{"102", s}} }

type ciiTransaction struct {
	Lines      []ciiLine     `xml:"ram:IncludedSupplyChainTradeLineItem"`
	Agreement  ciiAgreement  `xml:"ram:ApplicableHeaderTradeAgreement"`
	Delivery   struct{}      `xml:"ram:ApplicableHeaderTradeDelivery"` // required, may be empty
	Settlement ciiSettlement `xml:"ram:ApplicableHeaderTradeSettlement"`
}

type ciiAgreement struct {
	Seller ciiParty `xml:"ram:SellerTradeParty"`
	Buyer  ciiParty `xml:"ram:BuyerTradeParty"`
}

type ciiParty struct {
	Name    string     `xml:"ram:Name"`
	LegalID *ciiID     `xml:"ram:SpecifiedLegalOrganization,omitempty"`
	Address ciiAddress `xml:"ram:PostalTradeAddress"`
	Email   *ciiIDWith `xml:"ram:URIUniversalCommunication>ram:URIID,omitempty"`
	VATID   *ciiIDWith `xml:"ram:SpecifiedTaxRegistration>ram:ID,omitempty"`
}

type ciiAddress struct {
	PostalCode string `xml:"ram:PostcodeCode,omitempty"`
	LineOne    string `xml:"ram:LineOne,omitempty"`
	LineTwo    string `xml:"ram:LineTwo,omitempty"`
	LineThree  string `xml:"ram:LineThree,omitempty"`
	City       string `xml:"ram:CityName,omitempty"`
	Country    string `xml:"ram:CountryID"`
}

// ciiID and ciiReference hold one identifier each. Optional elements are
// pointers: for an empty string in an "a>b,omitempty" field encoding/xml
// leaves b out but still writes an empty a; a nil pointer leaves out both.
type ciiID struct {
	ID string `xml:"ram:ID"`
}

type ciiReference struct {
	ID string `xml:"ram:IssuerAssignedID"`
}

// ciiIDWith is an identifier with its scheme: "VA" for a VAT number, "EM"
// for an email address.
type ciiIDWith struct {
	Scheme string `xml:"schemeID,attr"`
	Value  string `xml:",chardata"`
}

type ciiSettlement struct {
	PaymentReference string           `xml:"ram:PaymentReference,omitempty"`
	Currency         string           `xml:"ram:InvoiceCurrencyCode"`
	PaymentMeans     *ciiPaymentMeans `xml:"ram:SpecifiedTradeSettlementPaymentMeans,omitempty"`
	Tax              ciiHeaderTax     `xml:"ram:ApplicableTradeTax"`
	Period           *ciiPeriod       `xml:"ram:BillingSpecifiedPeriod,omitempty"`
	Terms            *ciiTerms        `xml:"ram:SpecifiedTradePaymentTerms,omitempty"`
	Totals           ciiTotals        `xml:"ram:SpecifiedTradeSettlementHeaderMonetarySummation"`
	Corrects         *ciiReference    `xml:"ram:InvoiceReferencedDocument,omitempty"`
}

type ciiPaymentMeans struct {
	TypeCode string `xml:"ram:TypeCode"`
	IBAN     string `xml:"ram:PayeePartyCreditorFinancialAccount>ram:IBANID"`
}

type ciiHeaderTax struct {
	Calculated    string `xml:"ram:CalculatedAmount"`
	TypeCode      string `xml:"ram:TypeCode"`
	Exemption     string `xml:"ram:ExemptionReason,omitempty"`
	Basis         string `xml:"ram:BasisAmount"`
	Category      string `xml:"ram:CategoryCode"`
	ExemptionCode string `xml:"ram:ExemptionReasonCode,omitempty"`
	Rate          string `xml:"ram:RateApplicablePercent,omitempty"`
}

type ciiPeriod struct {
	Start *ciiDate `xml:"ram:StartDateTime"`
	End   *ciiDate `xml:"ram:EndDateTime"`
}

type ciiTerms struct {
	Description string   `xml:"ram:Description,omitempty"`
	Due         *ciiDate `xml:"ram:DueDateDateTime,omitempty"`
}

type ciiTotals struct {
	LineTotal  string    `xml:"ram:LineTotalAmount"`
	TaxBasis   string    `xml:"ram:TaxBasisTotalAmount"`
	TaxTotal   ciiAmount `xml:"ram:TaxTotalAmount"`
	GrandTotal string    `xml:"ram:GrandTotalAmount"`
	Paid       string    `xml:"ram:TotalPrepaidAmount,omitempty"`
	DuePayable string    `xml:"ram:DuePayableAmount"`
}

// ciiAmount is the VAT total, the one amount that names its currency (BT-110).
type ciiAmount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
}

type ciiLine struct {
	ID         string            `xml:"ram:AssociatedDocumentLineDocument>ram:LineID"`
	Name       string            `xml:"ram:SpecifiedTradeProduct>ram:Name"`
	Price      ciiPrice          `xml:"ram:SpecifiedLineTradeAgreement>ram:NetPriceProductTradePrice"`
	Quantity   ciiQuantity       `xml:"ram:SpecifiedLineTradeDelivery>ram:BilledQuantity"`
	Settlement ciiLineSettlement `xml:"ram:SpecifiedLineTradeSettlement"`
}

type ciiPrice struct {
	Amount string       `xml:"ram:ChargeAmount"`
	Base   *ciiQuantity `xml:"ram:BasisQuantity,omitempty"`
}

type ciiQuantity struct {
	Unit  string `xml:"unitCode,attr"`
	Value string `xml:",chardata"`
}

type ciiLineSettlement struct {
	Tax    ciiLineTax `xml:"ram:ApplicableTradeTax"`
	Amount string     `xml:"ram:SpecifiedTradeSettlementLineMonetarySummation>ram:LineTotalAmount"`
}

type ciiLineTax struct {
	TypeCode string `xml:"ram:TypeCode"`
	Category string `xml:"ram:CategoryCode"`
	Rate     string `xml:"ram:RateApplicablePercent,omitempty"`
}

func (inv Invoice) cii() ciiInvoice {
	doc := ciiInvoice{RSM: nsRSM, QDT: nsQDT, RAM: nsRAM, UDT: nsUDT, Guideline: Guideline,
		Document: ciiDocument{ID: inv.Number, TypeCode: inv.TypeCode, IssueDate: *newDate(date(inv.IssueDate))}}
	if inv.Note != "" {
		doc.Document.Notes = []ciiNote{{inv.Note}}
	}
	for i, l := range inv.Lines {
		doc.Transaction.Lines = append(doc.Transaction.Lines, inv.line(i, l))
	}
	doc.Transaction.Agreement = ciiAgreement{Seller: party(inv.Seller), Buyer: party(inv.Buyer)}
	doc.Transaction.Settlement = inv.settlement()
	return doc
}

func (inv Invoice) settlement() ciiSettlement {
	s := ciiSettlement{Currency: inv.Currency, Tax: inv.headerTax(),
		Totals: ciiTotals{LineTotal: Amount(inv.LineTotal), TaxBasis: Amount(inv.TaxBasis),
			TaxTotal: ciiAmount{inv.Currency, Amount(inv.TaxTotal)}, GrandTotal: Amount(inv.GrandTotal),
			DuePayable: Amount(inv.DuePayable)}}
	if inv.Corrects != "" {
		s.Corrects = &ciiReference{inv.Corrects}
	}
	if inv.Paid != 0 {
		s.Totals.Paid = Amount(inv.Paid)
	}
	if iban := strings.Join(strings.Fields(inv.IBAN), ""); iban != "" {
		// 58: SEPA credit transfer; the number lets the seller match the payment.
		s.PaymentReference = inv.Number
		s.PaymentMeans = &ciiPaymentMeans{TypeCode: "58", IBAN: iban}
	}
	if !inv.PeriodStart.IsZero() {
		s.Period = &ciiPeriod{Start: newDate(date(inv.PeriodStart)), End: newDate(date(inv.PeriodEnd))}
	}
	if inv.PaymentTerms != "" || !inv.DueDate.IsZero() {
		s.Terms = &ciiTerms{Description: inv.PaymentTerms}
		if !inv.DueDate.IsZero() {
			s.Terms.Due = newDate(date(inv.DueDate))
		}
	}
	return s
}

func (inv Invoice) headerTax() ciiHeaderTax {
	t := ciiHeaderTax{Calculated: Amount(inv.TaxTotal), TypeCode: "VAT", Basis: Amount(inv.TaxBasis),
		Category: inv.Category, Rate: inv.rate()}
	if e, ok := exemptions[inv.Category]; ok {
		t.Exemption, t.ExemptionCode = e.text, e.code
	}
	return t
}

// rate is the VAT rate as written, or "" for a category without one
// (BR-O-05: not subject to VAT has no rate, not even 0).
func (inv Invoice) rate() string {
	if inv.Category == OutsideScope {
		return ""
	}
	return Amount(inv.RateBP)
}

func (inv Invoice) line(i int, l Line) ciiLine {
	unit := l.UnitCode
	if unit == "" {
		unit = "C62"
	}
	out := ciiLine{ID: strconv.Itoa(i + 1), Name: oneLine(l.Name),
		Price:    ciiPrice{Amount: Amount(l.UnitPrice)},
		Quantity: ciiQuantity{unit, strconv.FormatInt(l.Quantity, 10)},
		Settlement: ciiLineSettlement{Tax: ciiLineTax{TypeCode: "VAT", Category: inv.Category, Rate: inv.rate()},
			Amount: Amount(l.Amount)}}
	if l.PriceBase > 1 {
		out.Price.Base = &ciiQuantity{unit, strconv.FormatInt(l.PriceBase, 10)}
	}
	return out
}

func party(p Party) ciiParty {
	out := ciiParty{Name: p.Name, Address: address(p)}
	if p.LegalID != "" {
		out.LegalID = &ciiID{p.LegalID}
	}
	if p.Email != "" {
		out.Email = &ciiIDWith{"EM", p.Email}
	}
	if p.VATID != "" {
		out.VATID = &ciiIDWith{"VA", p.VATID}
	}
	return out
}

// address fills the three address lines CII has; extra lines go into the
// third so nothing the PDF prints is lost.
func address(p Party) ciiAddress {
	var lines []string
	for _, l := range p.Lines {
		if l = oneLine(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 3 {
		lines = append(lines[:2], strings.Join(lines[2:], ", "))
	}
	lines = append(lines, "", "", "")
	return ciiAddress{PostalCode: p.PostalCode, LineOne: lines[0], LineTwo: lines[1], LineThree: lines[2],
		City: p.City, Country: p.Country}
}

// oneLine folds a multi-line text (the PDF breaks line descriptions) into
// one line, as names and address lines are.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
