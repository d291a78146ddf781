package billing_test

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"admin-console/backend/billing"
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
