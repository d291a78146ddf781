package billing_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"admin-console/backend/billing"
	"admin-console/backend/facturx"
	"admin-console/backend/i18n"
	"admin-console/backend/plans"
)

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("ADMIN_CONSOLE_REQUIRE_TOOLS") == "1" {
			t.Fatal("pdftotext is missing (poppler-utils)")
		}
		t.Skip("pdftotext is missing (poppler-utils)")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// An issued invoice and its credit note come out as PDFs worded in the
// invoice language, and a year's documents as one ZIP.
func TestInvoicePDFAndYearZIP(t *testing.T) {
	e := newEnv(t)
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e.profile(t, "FR", "") // invoice language fr
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "pro", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("p", start.Add(time.Hour), e.ws, "large-2", 2_000_000, 500_000)}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := e.bill.WritePDF(e.ctx, e.owner, inv.ID, bundle, &buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{inv.Number, bundle.T("fr", "invoice.doc.invoice", nil), "Fin SARL", "large-2"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF text lacks %q:\n%s", want, text)
		}
	}
	cn, err := e.bill.CreditNote(e.ctx, e.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := e.bill.WritePDF(e.ctx, e.owner, cn.ID, bundle, &buf); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, cn.Number) || !strings.Contains(text, inv.Number) {
		t.Errorf("the credit note does not name itself and the invoice it corrects:\n%s", text)
	}
	buf.Reset()
	n, err := e.bill.WriteYearZIP(e.ctx, e.owner, 2026, bundle, &buf)
	if err != nil || n != 2 {
		t.Fatalf("zip of %d: %v", n, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 2 || zr.File[0].Name != cn.Number+".pdf" && zr.File[1].Name != cn.Number+".pdf" {
		t.Fatalf("zip entries: %v", err)
	}
}

// embedded lists a PDF's embedded files with poppler's pdfdetach and
// returns factur-x.xml when it is one of them.
func embedded(t *testing.T, pdf []byte) (list string, factur []byte) {
	t.Helper()
	bin, err := exec.LookPath("pdfdetach")
	if err != nil {
		if os.Getenv("ADMIN_CONSOLE_REQUIRE_TOOLS") == "1" {
			t.Fatal("pdfdetach is missing (poppler-utils)")
		}
		t.Skip("pdfdetach is missing (poppler-utils): the embedded Factur-X XML is not checked")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfdetach -list: %v: %s", err, out)
	}
	if !strings.Contains(string(out), facturx.FileName) {
		return string(out), nil
	}
	saved := filepath.Join(dir, "factur-x.xml")
	if out, err := exec.Command(bin, "-savefile", facturx.FileName, "-o", saved, path).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach -savefile: %v: %s", err, out)
	}
	factur, err = os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), factur
}

// cii is what the tests read back from factur-x.xml, by element names.
type cii struct {
	Guideline string `xml:"ExchangedDocumentContext>GuidelineSpecifiedDocumentContextParameter>ID"`
	Number    string `xml:"ExchangedDocument>ID"`
	TypeCode  string `xml:"ExchangedDocument>TypeCode"`
	Tx        struct {
		Lines []struct {
			Name     string `xml:"SpecifiedTradeProduct>Name"`
			Quantity string `xml:"SpecifiedLineTradeDelivery>BilledQuantity"`
			Base     string `xml:"SpecifiedLineTradeAgreement>NetPriceProductTradePrice>BasisQuantity"`
			Amount   string `xml:"SpecifiedLineTradeSettlement>SpecifiedTradeSettlementLineMonetarySummation>LineTotalAmount"`
		} `xml:"IncludedSupplyChainTradeLineItem"`
		Seller     ciiParty `xml:"ApplicableHeaderTradeAgreement>SellerTradeParty"`
		Buyer      ciiParty `xml:"ApplicableHeaderTradeAgreement>BuyerTradeParty"`
		Settlement struct {
			Category   string `xml:"ApplicableTradeTax>CategoryCode"`
			Rate       string `xml:"ApplicableTradeTax>RateApplicablePercent"`
			Exemption  string `xml:"ApplicableTradeTax>ExemptionReasonCode"`
			IBAN       string `xml:"SpecifiedTradeSettlementPaymentMeans>PayeePartyCreditorFinancialAccount>IBANID"`
			Due        string `xml:"SpecifiedTradePaymentTerms>DueDateDateTime>DateTimeString"`
			PeriodEnd  string `xml:"BillingSpecifiedPeriod>EndDateTime>DateTimeString"`
			LineTotal  string `xml:"SpecifiedTradeSettlementHeaderMonetarySummation>LineTotalAmount"`
			TaxTotal   string `xml:"SpecifiedTradeSettlementHeaderMonetarySummation>TaxTotalAmount"`
			GrandTotal string `xml:"SpecifiedTradeSettlementHeaderMonetarySummation>GrandTotalAmount"`
			Due2       string `xml:"SpecifiedTradeSettlementHeaderMonetarySummation>DuePayableAmount"`
			Corrects   string `xml:"InvoiceReferencedDocument>IssuerAssignedID"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

type ciiParty struct {
	Name       string
	PostalCode string `xml:"PostalTradeAddress>PostcodeCode"`
	Street     string `xml:"PostalTradeAddress>LineOne"`
	City       string `xml:"PostalTradeAddress>CityName"`
	Country    string `xml:"PostalTradeAddress>CountryID"`
	VATID      string `xml:"SpecifiedTaxRegistration>ID"`
}

func parseCII(t *testing.T, data []byte) cii {
	t.Helper()
	var c cii
	if err := xml.Unmarshal(data, &c); err != nil {
		t.Fatalf("factur-x.xml does not parse: %v\n%s", err, data)
	}
	return c
}

// issue bills November 2026 to a buyer in country with VAT number taxID:
// pro seats and large-2 tokens.
func issue(t *testing.T, e *env, country, taxID string) billing.Invoice {
	t.Helper()
	e.profile(t, country, taxID)
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "pro", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("p", start.Add(time.Hour), e.ws, "large-2", 2_345_678, 500_000)}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func writePDF(t *testing.T, e *env, b *i18n.Bundle, id string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := e.bill.WritePDF(e.ctx, e.owner, id, b, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An EU business's invoice and credit note are Factur-X PDFs: the XML
// inside holds the same number, parties, lines and totals as the page.
func TestFacturXPDF(t *testing.T) {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ country, taxID, category, rate, exemption string }{
		{"FR", "FR40303265045", "S", "20.00", ""},          // domestic, standard rate
		{"DE", "DE811569869", "AE", "0.00", "VATEX-EU-AE"}, // reverse charge
	} {
		t.Run(c.country, func(t *testing.T) {
			e := newEnv(t)
			inv := issue(t, e, c.country, c.taxID)
			if !billing.FacturXEligible(inv) {
				t.Fatal("an EU business's invoice is not eligible")
			}
			pdf := writePDF(t, e, bundle, inv.ID)
			list, data := embedded(t, pdf)
			if data == nil {
				t.Fatalf("no factur-x.xml in the PDF: %s", list)
			}
			x := parseCII(t, data)
			s := x.Tx.Settlement
			for name, got := range map[string][2]string{
				"guideline":   {x.Guideline, facturx.Guideline},
				"number":      {x.Number, inv.Number},
				"type":        {x.TypeCode, facturx.TypeInvoice},
				"buyer":       {x.Tx.Buyer.Name + "|" + x.Tx.Buyer.Street + "|" + x.Tx.Buyer.PostalCode + "|" + x.Tx.Buyer.City + "|" + x.Tx.Buyer.Country, "Fin SARL|1 rue X|75001|Paris|" + c.country},
				"buyer VAT":   {x.Tx.Buyer.VATID, c.taxID},
				"seller":      {x.Tx.Seller.Name + "|" + x.Tx.Seller.PostalCode + "|" + x.Tx.Seller.City + "|" + x.Tx.Seller.VATID, "Admin Platform SAS|75002|Paris|FR40303265045"},
				"category":    {strings.TrimSpace(s.Category + " " + s.Rate + " " + s.Exemption), strings.TrimSpace(c.category + " " + c.rate + " " + c.exemption)},
				"IBAN":        {s.IBAN, strings.ReplaceAll(billing.Seller().IBAN, " ", "")},
				"due date":    {s.Due, inv.DueAt.Format("20060102")},
				"period end":  {s.PeriodEnd, "20261130"},
				"line total":  {s.LineTotal, facturx.Amount(inv.Subtotal)},
				"VAT":         {s.TaxTotal, facturx.Amount(inv.VAT)},
				"grand total": {s.GrandTotal, facturx.Amount(inv.Total)},
				"due":         {s.Due2, facturx.Amount(inv.Total)},
			} {
				if got[0] != got[1] {
					t.Errorf("%s = %q, want %q", name, got[0], got[1])
				}
			}
			if len(x.Tx.Lines) != len(inv.Lines) {
				t.Fatalf("%d lines in the XML, %d on the invoice", len(x.Tx.Lines), len(inv.Lines))
			}
			text := pdfText(t, pdf)
			tokens := 0
			for i, l := range x.Tx.Lines {
				if l.Amount != facturx.Amount(inv.Lines[i].Amount) {
					t.Errorf("line %d amount %s, want %s", i+1, l.Amount, facturx.Amount(inv.Lines[i].Amount))
				}
				// The line reads as on the page, in the invoice language (the
				// page wraps it within its column, so word by word).
				for _, w := range strings.Fields(l.Name) {
					if !strings.Contains(text, w) {
						t.Errorf("line name %q: %q is not on the page:\n%s", l.Name, w, text)
					}
				}
				if strings.HasPrefix(inv.Lines[i].Item, "tokens:") {
					tokens++
					if l.Base != "1000000" || l.Quantity != strconv.FormatInt(inv.Lines[i].Quantity, 10) {
						t.Errorf("token line %+v: want the token count priced per million", l)
					}
				}
			}
			if tokens == 0 {
				t.Error("no token line to check")
			}

			cn, err := e.bill.CreditNote(e.ctx, e.owner, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, data = embedded(t, writePDF(t, e, bundle, cn.ID))
			if data == nil {
				t.Fatal("no factur-x.xml in the credit note")
			}
			x = parseCII(t, data)
			s = x.Tx.Settlement
			// The credit note states the credited amounts positive and asks for no transfer.
			if x.TypeCode != facturx.TypeCreditNote || x.Number != cn.Number || s.Corrects != inv.Number ||
				s.GrandTotal != facturx.Amount(-cn.Total) || s.IBAN != "" || s.Due != "" {
				t.Errorf("credit note XML: %s %s corrects %q, total %s (want %s), IBAN %q, due %q",
					x.TypeCode, x.Number, s.Corrects, s.GrandTotal, facturx.Amount(-cn.Total), s.IBAN, s.Due)
			}
		})
	}
}

// Outside the EU, or without a VAT number, the PDF carries no XML.
func TestNoFacturXForOthers(t *testing.T) {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ country, taxID string }{{"US", "12-3456789"}, {"CH", "CHE-123.456.788 MWST"}, {"FR", ""}} {
		e := newEnv(t)
		inv := issue(t, e, c.country, c.taxID)
		if billing.FacturXEligible(inv) {
			t.Errorf("%s %q: eligible", c.country, c.taxID)
		}
		if list, data := embedded(t, writePDF(t, e, bundle, inv.ID)); data != nil || !strings.HasPrefix(strings.TrimSpace(list), "0 embedded files") {
			t.Errorf("%s %q: pdfdetach -list: %s", c.country, c.taxID, list)
		}
	}
}

func TestFacturXEligible(t *testing.T) {
	lines := []billing.Line{{Kind: "seats", Item: "seat:pro:month", Quantity: 1, Unit: "seat", UnitPrice: 2500, Amount: 2500}}
	eu := billing.Party{Name: "A", Country: "DE", TaxID: "DE811569869"}
	for name, c := range map[string]struct {
		buyer, seller billing.Party
		lines         []billing.Line
		want          bool
	}{
		"EU business":        {eu, billing.Seller(), lines, true},
		"EU consumer":        {billing.Party{Name: "B", Country: "DE"}, billing.Seller(), lines, false},
		"non-EU business":    {billing.Party{Name: "C", Country: "US", TaxID: "12-3456789"}, billing.Seller(), lines, false},
		"seller outside EU":  {eu, billing.Party{Name: "S", Country: "GB", TaxID: "GB123456789"}, lines, false},
		"seller without VAT": {eu, billing.Party{Name: "S", Country: "FR"}, lines, false},
		"no line (EN 16931)": {eu, billing.Seller(), nil, false},
	} {
		if got := billing.FacturXEligible(billing.Invoice{Buyer: c.buyer, Seller: c.seller, Lines: c.lines}); got != c.want {
			t.Errorf("%s: eligible = %v, want %v", name, got, c.want)
		}
	}
}

func BenchmarkInvoicePDF(b *testing.B) {
	e := newEnv(&testing.T{})
	bundle, _ := i18n.Load()
	e.profile(&testing.T{}, "FR", "")
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("p", start.Add(time.Hour), e.ws, "large-2", 2_000_000, 500_000)}); err != nil {
		b.Fatal(err)
	}
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		var buf bytes.Buffer
		if _, err := e.bill.WritePDF(e.ctx, e.owner, inv.ID, bundle, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

// Every invoice language, worded from the app's catalog: the extracted text
// holds the number, the translated title and the buyer.
func TestInvoicePDFInEveryLanguage(t *testing.T) {
	bundle, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.profile(t, "FR", "")
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("l", start.Add(time.Hour), e.ws, "large-2", 3_000_000, 100_000)}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		if _, err := e.db.Exec(`UPDATE billing_profiles SET invoice_language = ?`, lang); err != nil {
			t.Fatal(err)
		}
		inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := e.bill.WritePDF(e.ctx, e.owner, inv.ID, bundle, &buf); err != nil {
			t.Fatal(err)
		}
		text := norm.NFKC.String(pdfText(t, buf.Bytes()))
		title := norm.NFKC.String(bundle.T(lang, "invoice.doc.invoice", nil))
		for _, want := range []string{inv.Number, title, "Fin SARL"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the PDF text lacks %q", lang, want)
			}
		}
	}
}
