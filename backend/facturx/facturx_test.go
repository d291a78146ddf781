package facturx

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sample is the invoice invoicepdf's tests draw: 48 seats at €25.00 and
// 48,250,000 tokens at €3.00 per million, 20 % VAT.
func sample() Invoice {
	return Invoice{
		Number: "INV-2026-000123", TypeCode: TypeInvoice,
		IssueDate: day(2026, 2, 1), DueDate: day(2026, 3, 3),
		PeriodStart: day(2026, 1, 1), PeriodEnd: day(2026, 1, 31),
		Note: "VAT charged at the French standard rate.",
		Seller: Party{Name: "Nimbus Intelligence SAS", Lines: []string{"8 rue de la Paix"}, PostalCode: "75002", City: "Paris",
			Country: "FR", VATID: "FR12345678901", Email: "billing@nimbus.example"},
		Buyer: Party{Name: "Société d’Études & Fils <SARL>", Lines: []string{"12 rue de l’Église"}, PostalCode: "69002", City: "Lyon",
			Country: "FR", VATID: "FR40303265045", Email: "compta@etudes.example"},
		Currency: "EUR",
		Lines: []Line{
			{Name: "Team plan — seats", Quantity: 48, UnitPrice: 2500, Amount: 120000},
			{Name: "Large-2 model,\ninput tokens", Quantity: 48_250_000, UnitPrice: 300, PriceBase: 1_000_000, Amount: 14475},
		},
		Category: Standard, RateBP: 2000,
		LineTotal: 134475, TaxBasis: 134475, TaxTotal: 26895, GrandTotal: 161370, DuePayable: 161370,
		PaymentTerms: "Bank transfer within 30 days, quoting the invoice number.",
		IBAN:         "FR76 3000 6000 0112 3456 7890 189",
	}
}

// parsed is the XML read back by element names, for the tests.
type parsed struct {
	XMLName   xml.Name
	Guideline string `xml:"ExchangedDocumentContext>GuidelineSpecifiedDocumentContextParameter>ID"`
	Document  struct {
		ID, TypeCode string
		Issue        pAttr    `xml:"IssueDateTime>DateTimeString"`
		Notes        []string `xml:"IncludedNote>Content"`
	} `xml:"ExchangedDocument"`
	Tx struct {
		Lines []struct {
			ID        string  `xml:"AssociatedDocumentLineDocument>LineID"`
			Name      string  `xml:"SpecifiedTradeProduct>Name"`
			Price     string  `xml:"SpecifiedLineTradeAgreement>NetPriceProductTradePrice>ChargeAmount"`
			Base      pQty    `xml:"SpecifiedLineTradeAgreement>NetPriceProductTradePrice>BasisQuantity"`
			Quantity  pQty    `xml:"SpecifiedLineTradeDelivery>BilledQuantity"`
			TaxType   string  `xml:"SpecifiedLineTradeSettlement>ApplicableTradeTax>TypeCode"`
			Category  string  `xml:"SpecifiedLineTradeSettlement>ApplicableTradeTax>CategoryCode"`
			Rate      *string `xml:"SpecifiedLineTradeSettlement>ApplicableTradeTax>RateApplicablePercent"`
			LineTotal string  `xml:"SpecifiedLineTradeSettlement>SpecifiedTradeSettlementLineMonetarySummation>LineTotalAmount"`
		} `xml:"IncludedSupplyChainTradeLineItem"`
		Seller pParty `xml:"ApplicableHeaderTradeAgreement>SellerTradeParty"`
		Buyer  pParty `xml:"ApplicableHeaderTradeAgreement>BuyerTradeParty"`
		S      struct {
			PaymentReference string
			Currency         string `xml:"InvoiceCurrencyCode"`
			MeansCode        string `xml:"SpecifiedTradeSettlementPaymentMeans>TypeCode"`
			IBAN             string `xml:"SpecifiedTradeSettlementPaymentMeans>PayeePartyCreditorFinancialAccount>IBANID"`
			Tax              []struct {
				Calculated                                     string `xml:"CalculatedAmount"`
				Basis                                          string `xml:"BasisAmount"`
				Category                                       string `xml:"CategoryCode"`
				TypeCode, ExemptionReason, ExemptionReasonCode string
				Rate                                           *string `xml:"RateApplicablePercent"`
			} `xml:"ApplicableTradeTax"`
			PeriodStart string `xml:"BillingSpecifiedPeriod>StartDateTime>DateTimeString"`
			PeriodEnd   string `xml:"BillingSpecifiedPeriod>EndDateTime>DateTimeString"`
			Terms       string `xml:"SpecifiedTradePaymentTerms>Description"`
			Due         string `xml:"SpecifiedTradePaymentTerms>DueDateDateTime>DateTimeString"`
			Totals      struct {
				LineTotal  string `xml:"LineTotalAmount"`
				TaxBasis   string `xml:"TaxBasisTotalAmount"`
				TaxTotal   pAttr  `xml:"TaxTotalAmount"`
				GrandTotal string `xml:"GrandTotalAmount"`
				Paid       string `xml:"TotalPrepaidAmount"`
				DuePayable string `xml:"DuePayableAmount"`
			} `xml:"SpecifiedTradeSettlementHeaderMonetarySummation"`
			Corrects string `xml:"InvoiceReferencedDocument>IssuerAssignedID"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

// pAttr is an element's text and its one attribute (format, currencyID, schemeID).
type pAttr struct {
	Attr  []xml.Attr `xml:",any,attr"`
	Value string     `xml:",chardata"`
}

// String is "attr:value", or the value alone without an attribute.
func (a pAttr) String() string {
	if len(a.Attr) == 0 {
		return a.Value
	}
	return a.Attr[0].Value + ":" + a.Value
}

type pQty struct {
	Unit  string `xml:"unitCode,attr"`
	Value string `xml:",chardata"`
}

type pParty struct {
	Name    string
	LegalID string `xml:"SpecifiedLegalOrganization>ID"`
	Address struct {
		PostcodeCode, LineOne, LineTwo, LineThree, CityName, CountryID string
	} `xml:"PostalTradeAddress"`
	Email pAttr `xml:"URIUniversalCommunication>URIID"`
	VATID pAttr `xml:"SpecifiedTaxRegistration>ID"`
}

func write(t *testing.T, inv Invoice) []byte {
	t.Helper()
	out, err := XML(inv)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var emptyElement = regexp.MustCompile(`<([\w:]+)[^>]*>\s*</([\w:]+)>`)

// parse reads the XML back, first checking that every element is in the
// CII namespace its prefix stands for.
func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration: %.60s", data)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			want := nsRAM
			switch {
			case strings.HasPrefix(se.Name.Local, "CrossIndustryInvoice"), se.Name.Local == "ExchangedDocumentContext",
				se.Name.Local == "ExchangedDocument", se.Name.Local == "SupplyChainTradeTransaction":
				want = nsRSM
			case se.Name.Local == "DateTimeString":
				want = nsUDT
			}
			if se.Name.Space != want {
				t.Errorf("%s is in namespace %q, want %q", se.Name.Local, se.Name.Space, want)
			}
		}
	}
	// No empty element but the header delivery, which CII requires and
	// which has nothing to say here.
	for _, m := range emptyElement.FindAllSubmatch(data, -1) {
		if string(m[1]) != "ram:ApplicableHeaderTradeDelivery" {
			t.Errorf("empty element %s", m[1])
		}
	}
	var p parsed
	if err := xml.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	if p.XMLName.Local != "CrossIndustryInvoice" || p.XMLName.Space != nsRSM {
		t.Fatalf("root %v", p.XMLName)
	}
	return p
}

// minor reads a written amount back into minor units, without floats.
func minor(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	whole, frac, ok := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if !ok || len(frac) != 2 {
		t.Fatalf("amount %q does not have two decimals", s)
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		n = -n
	}
	return n
}

func integer(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("quantity %q: %v", s, err)
	}
	return n
}

// checkSums redoes, from the written XML alone, the sums a validator does:
// lines to line total to basis, basis plus VAT to grand total, and each
// line's quantity times its price per base quantity to its amount.
func checkSums(t *testing.T, p parsed) {
	t.Helper()
	tot := p.Tx.S.Totals
	var lines int64
	for _, l := range p.Tx.Lines {
		amount := minor(t, l.LineTotal)
		lines += amount
		base := int64(1)
		if l.Base.Value != "" {
			base = integer(t, l.Base.Value)
			if l.Base.Unit != l.Quantity.Unit {
				t.Errorf("line %s: price per %s, quantity in %s", l.ID, l.Base.Unit, l.Quantity.Unit)
			}
		}
		// Rounded half up: the quantities here are not negative.
		if got := (2*integer(t, l.Quantity.Value)*minor(t, l.Price) + base) / (2 * base); got != amount {
			t.Errorf("line %s: %s × %s / %d = %d, not %s", l.ID, l.Quantity.Value, l.Price, base, got, l.LineTotal)
		}
	}
	if lines != minor(t, tot.LineTotal) || minor(t, tot.LineTotal) != minor(t, tot.TaxBasis) {
		t.Errorf("lines %d, line total %s, basis %s", lines, tot.LineTotal, tot.TaxBasis)
	}
	var tax int64
	for _, b := range p.Tx.S.Tax {
		tax += minor(t, b.Calculated)
		if minor(t, b.Basis) != minor(t, tot.TaxBasis) {
			t.Errorf("breakdown basis %s, total basis %s", b.Basis, tot.TaxBasis)
		}
	}
	if tax != minor(t, tot.TaxTotal.Value) {
		t.Errorf("breakdown VAT %d, total VAT %s", tax, tot.TaxTotal.Value)
	}
	paid := int64(0)
	if tot.Paid != "" {
		paid = minor(t, tot.Paid)
	}
	if minor(t, tot.TaxBasis)+minor(t, tot.TaxTotal.Value) != minor(t, tot.GrandTotal) || minor(t, tot.GrandTotal)-paid != minor(t, tot.DuePayable) {
		t.Errorf("basis %s + VAT %s, grand total %s, due %s", tot.TaxBasis, tot.TaxTotal.Value, tot.GrandTotal, tot.DuePayable)
	}
}

func TestStandardRatedInvoice(t *testing.T) {
	data := write(t, sample())
	p := parse(t, data)
	checkSums(t, p)
	s := p.Tx.S
	for name, got := range map[string][2]string{
		"guideline":      {p.Guideline, "urn:cen.eu:en16931:2017"},
		"number":         {p.Document.ID, "INV-2026-000123"},
		"type":           {p.Document.TypeCode, "380"},
		"issue date":     {p.Document.Issue.String(), "102:20260201"},
		"note":           {strings.Join(p.Document.Notes, "|"), "VAT charged at the French standard rate."},
		"seller":         {p.Tx.Seller.Name, "Nimbus Intelligence SAS"},
		"seller street":  {p.Tx.Seller.Address.LineOne, "8 rue de la Paix"},
		"seller postal":  {p.Tx.Seller.Address.PostcodeCode, "75002"},
		"seller city":    {p.Tx.Seller.Address.CityName, "Paris"},
		"seller country": {p.Tx.Seller.Address.CountryID, "FR"},
		"seller VAT":     {p.Tx.Seller.VATID.String(), "VA:FR12345678901"},
		"seller email":   {p.Tx.Seller.Email.String(), "EM:billing@nimbus.example"},
		"buyer":          {p.Tx.Buyer.Name, "Société d’Études & Fils <SARL>"},
		"buyer VAT":      {p.Tx.Buyer.VATID.String(), "VA:FR40303265045"},
		"currency":       {s.Currency, "EUR"},
		"means":          {s.MeansCode, "58"},
		"IBAN":           {s.IBAN, "FR7630006000011234567890189"},
		"reference":      {s.PaymentReference, "INV-2026-000123"},
		"period":         {s.PeriodStart + "-" + s.PeriodEnd, "20260101-20260131"},
		"due date":       {s.Due, "20260303"},
		"terms":          {s.Terms, "Bank transfer within 30 days, quoting the invoice number."},
		"line total":     {s.Totals.LineTotal, "1344.75"},
		"VAT":            {s.Totals.TaxTotal.String(), "EUR:268.95"},
		"grand total":    {s.Totals.GrandTotal, "1613.70"},
		"due":            {s.Totals.DuePayable, "1613.70"},
	} {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
	if len(s.Tax) != 1 || s.Tax[0].Category != "S" || s.Tax[0].TypeCode != "VAT" || s.Tax[0].Rate == nil || *s.Tax[0].Rate != "20.00" ||
		s.Tax[0].ExemptionReasonCode != "" {
		t.Errorf("VAT breakdown %+v", s.Tax)
	}
	if len(p.Tx.Lines) != 2 {
		t.Fatalf("%d lines", len(p.Tx.Lines))
	}
	seats, tokens := p.Tx.Lines[0], p.Tx.Lines[1]
	if seats.ID != "1" || seats.Quantity != (pQty{"C62", "48"}) || seats.Price != "25.00" || seats.Base.Value != "" || seats.LineTotal != "1200.00" {
		t.Errorf("seat line %+v", seats)
	}
	// Tokens: counted one by one, priced per million like the PDF shows.
	if tokens.Name != "Large-2 model, input tokens" || tokens.Quantity != (pQty{"C62", "48250000"}) || tokens.Price != "3.00" ||
		tokens.Base != (pQty{"C62", "1000000"}) || tokens.LineTotal != "144.75" {
		t.Errorf("token line %+v", tokens)
	}
	if tokens.Category != "S" || tokens.TaxType != "VAT" || tokens.Rate == nil || *tokens.Rate != "20.00" {
		t.Errorf("token line VAT %+v", tokens)
	}
	if s.Corrects != "" || s.Totals.Paid != "" {
		t.Errorf("an invoice paid nothing and corrects nothing: %+v", s)
	}
}

func TestZeroRatedCategories(t *testing.T) {
	for _, c := range []struct {
		category, code, reason string
		mutate                 func(*Invoice)
	}{
		{ReverseCharge, "VATEX-EU-AE", "Reverse charge", func(inv *Invoice) { inv.Buyer.Country, inv.Buyer.VATID = "DE", "DE811569869" }},
		{Export, "VATEX-EU-G", "Export outside the EU", func(inv *Invoice) { inv.Buyer.Country, inv.Buyer.VATID = "US", "" }},
		{OutsideScope, "VATEX-EU-O", "Not subject to VAT", func(inv *Invoice) {
			inv.Buyer.Country, inv.Buyer.VATID, inv.Seller.VATID, inv.Seller.LegalID = "US", "", "", "123456789"
		}},
	} {
		t.Run(c.category, func(t *testing.T) {
			inv := sample()
			inv.Category, inv.RateBP = c.category, 0
			inv.TaxTotal, inv.GrandTotal, inv.DuePayable = 0, inv.TaxBasis, inv.TaxBasis
			c.mutate(&inv)
			p := parse(t, write(t, inv))
			checkSums(t, p)
			tax := p.Tx.S.Tax
			if len(tax) != 1 || tax[0].Category != c.category || tax[0].ExemptionReasonCode != c.code || tax[0].ExemptionReason != c.reason ||
				tax[0].Calculated != "0.00" || tax[0].Basis != "1344.75" {
				t.Errorf("VAT breakdown %+v", tax)
			}
			// Not subject to VAT has no rate at all (BR-O-05); the others 0 %.
			wantRate := "0.00"
			if c.category == OutsideScope {
				wantRate = ""
				if p.Tx.Seller.LegalID != "123456789" || p.Tx.Seller.VATID.Value != "" {
					t.Errorf("seller %+v", p.Tx.Seller)
				}
			}
			for _, rate := range []*string{tax[0].Rate, p.Tx.Lines[0].Rate} {
				if got := ""; rate != nil {
					got = *rate
					if got != wantRate {
						t.Errorf("rate %q, want %q", got, wantRate)
					}
				} else if wantRate != "" {
					t.Errorf("no rate, want %q", wantRate)
				}
			}
			if p.Tx.S.Totals.GrandTotal != "1344.75" {
				t.Errorf("grand total %s", p.Tx.S.Totals.GrandTotal)
			}
		})
	}
}

// A credit note states positive amounts, names the invoice it corrects
// and asks for no transfer.
func TestCreditNote(t *testing.T) {
	inv := sample()
	inv.Number, inv.TypeCode, inv.Corrects, inv.IBAN, inv.DueDate = "CN-2026-000004", TypeCreditNote, "INV-2026-000123", "", time.Time{}
	inv.PaymentTerms = "This credit note cancels invoice INV-2026-000123."
	p := parse(t, write(t, inv))
	checkSums(t, p)
	s := p.Tx.S
	if p.Document.TypeCode != "381" || s.Corrects != "INV-2026-000123" || s.MeansCode != "" || s.PaymentReference != "" || s.Due != "" {
		t.Errorf("credit note %+v %+v", p.Document, s)
	}
	if s.Totals.GrandTotal != "1613.70" || s.Terms != inv.PaymentTerms {
		t.Errorf("credit note totals %+v, terms %q", s.Totals, s.Terms)
	}
}

func TestPaidAndLongAddress(t *testing.T) {
	inv := sample()
	inv.Paid, inv.DuePayable = inv.GrandTotal, 0
	inv.Buyer.Lines = []string{"Building B", "3rd floor", "12 rue de l’Église", "  "}
	inv.Buyer.PostalCode, inv.Buyer.City = "", ""
	inv.Seller.Email = ""
	p := parse(t, write(t, inv))
	checkSums(t, p)
	if p.Tx.S.Totals.Paid != "1613.70" || p.Tx.S.Totals.DuePayable != "0.00" {
		t.Errorf("totals %+v", p.Tx.S.Totals)
	}
	a := p.Tx.Buyer.Address
	if a.LineOne != "Building B" || a.LineTwo != "3rd floor" || a.LineThree != "12 rue de l’Église" || a.PostcodeCode != "" || a.CityName != "" {
		t.Errorf("address %+v", a)
	}
	inv.Buyer.Lines = append(inv.Buyer.Lines, "69002 Lyon")
	if a := parse(t, write(t, inv)).Tx.Buyer.Address; a.LineThree != "12 rue de l’Église, 69002 Lyon" {
		t.Errorf("a fourth line is lost: %+v", a)
	}
	if p.Tx.Seller.Email.Value != "" {
		t.Error("an empty email is written")
	}
}

func TestRejects(t *testing.T) {
	for name, mutate := range map[string]func(*Invoice){
		"number":        func(inv *Invoice) { inv.Number = "" },
		"type":          func(inv *Invoice) { inv.TypeCode = "326" },
		"issue date":    func(inv *Invoice) { inv.IssueDate = time.Time{} },
		"period":        func(inv *Invoice) { inv.PeriodEnd = day(2025, 12, 31) },
		"currency":      func(inv *Invoice) { inv.Currency = "EURO" },
		"no cents":      func(inv *Invoice) { inv.Currency = "JPY" },
		"seller name":   func(inv *Invoice) { inv.Seller.Name = "" },
		"buyer country": func(inv *Invoice) { inv.Buyer.Country = "France" },
		"seller VAT":    func(inv *Invoice) { inv.Seller.VATID = "" },
		"category":      func(inv *Invoice) { inv.Category = "Z" },
		"standard 0":    func(inv *Invoice) { inv.RateBP, inv.TaxTotal, inv.GrandTotal, inv.DuePayable = 0, 0, 134475, 134475 },
		"reverse no buyer": func(inv *Invoice) {
			inv.Category, inv.RateBP, inv.TaxTotal, inv.GrandTotal, inv.DuePayable, inv.Buyer.VATID = ReverseCharge, 0, 0, 134475, 134475, ""
		},
		"reverse rate": func(inv *Invoice) { inv.Category = ReverseCharge },
		"outside VAT ID": func(inv *Invoice) {
			inv.Category, inv.RateBP, inv.TaxTotal, inv.GrandTotal, inv.DuePayable, inv.Seller.LegalID = OutsideScope, 0, 0, 134475, 134475, "1"
		},
		"no line":        func(inv *Invoice) { inv.Lines = nil },
		"line name":      func(inv *Invoice) { inv.Lines[0].Name = " \n" },
		"negative price": func(inv *Invoice) { inv.Lines[0].UnitPrice = -2500 },
		"negative base":  func(inv *Invoice) { inv.Lines[1].PriceBase = -1 },
		"line sum":       func(inv *Invoice) { inv.Lines[0].Amount++ },
		"basis":          func(inv *Invoice) { inv.TaxBasis++ },
		"VAT":            func(inv *Invoice) { inv.TaxTotal++ },
		"grand total":    func(inv *Invoice) { inv.GrandTotal++ },
		"due":            func(inv *Invoice) { inv.DuePayable-- },
	} {
		inv := sample()
		inv.Lines = append([]Line(nil), inv.Lines...)
		mutate(&inv)
		if out, err := XML(inv); err == nil {
			t.Errorf("%s: written anyway:\n%s", name, out)
		} else if out != nil {
			t.Errorf("%s: returned bytes with the error", name)
		}
	}
}

func TestAmount(t *testing.T) {
	for minor, want := range map[int64]string{0: "0.00", 5: "0.05", -5: "-0.05", 100: "1.00", 123456: "1234.56", -161370: "-1613.70",
		2000: "20.00", 550: "5.50", 900_000_000_000_000_000: "9000000000000000.00"} {
		if got := Amount(minor); got != want {
			t.Errorf("Amount(%d) = %q, want %q", minor, got, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	if !bytes.Equal(write(t, sample()), write(t, sample())) {
		t.Error("the same invoice wrote different bytes")
	}
}

// TestSchema validates against the official Factur-X XSD when one is at
// hand: set ADMIN_CONSOLE_FACTURX_XSD to Factur-X_1.07.x_EN16931.xsd (the
// Factur-X package of FNFE-MPE / FeRD) and have xmllint (libxml2-utils).
func TestSchema(t *testing.T) {
	xsd := os.Getenv("ADMIN_CONSOLE_FACTURX_XSD")
	if xsd == "" {
		t.Skip("ADMIN_CONSOLE_FACTURX_XSD is not set: no XSD validation")
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint is missing (libxml2-utils)")
	}
	credit := sample()
	credit.TypeCode, credit.Corrects, credit.IBAN = TypeCreditNote, "INV-2026-000122", ""
	outside := sample()
	outside.Category, outside.RateBP, outside.TaxTotal, outside.GrandTotal, outside.DuePayable = OutsideScope, 0, 0, 134475, 134475
	outside.Seller.VATID, outside.Buyer.VATID, outside.Seller.LegalID = "", "", "123456789"
	for name, inv := range map[string]Invoice{"invoice": sample(), "credit": credit, "outside": outside} {
		path := filepath.Join(t.TempDir(), name+".xml")
		if err := os.WriteFile(path, write(t, inv), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "--noout", "--schema", xsd, path).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
	}
}
