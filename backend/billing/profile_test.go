package billing_test

import (
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/billing"
)

func goodProfile() billing.Profile {
	return billing.Profile{LegalName: "Fin SARL", Address: "1 rue de Rivoli", PostalCode: "75001", City: "Paris", Country: "fr",
		BillingEmail: "ap@example.com", TaxID: "FR 40 303 265 045", Currency: "EUR", InvoiceLanguage: "fr"}
}

func TestBillingProfileValidatesAndLocksTheCurrency(t *testing.T) {
	e := newEnv(t)
	p, err := e.bill.SaveProfile(e.ctx, e.owner, goodProfile(), account.NormalizeEmail)
	if err != nil {
		t.Fatal(err)
	}
	if p.Country != "FR" || p.TaxID != "FR40303265045" {
		t.Fatalf("normalized %+v", p)
	}
	bad := map[string]func(*billing.Profile){
		"taxid.invalid":           func(p *billing.Profile) { p.TaxID = "FR 41 303 265 045" },
		"billing.country_invalid": func(p *billing.Profile) { p.Country = "XX" },
		"email.invalid":           func(p *billing.Profile) { p.BillingEmail = "not an email" },
		"billing.currency_invalid": func(p *billing.Profile) {
			p.Currency = "GBP"
		},
		"language.unsupported": func(p *billing.Profile) { p.InvoiceLanguage = "xx" },
		"name.required":        func(p *billing.Profile) { p.LegalName = " " },
	}
	events := e.count(t, `SELECT COUNT(*) FROM audit_events`)
	for code, breakIt := range bad {
		in := goodProfile()
		breakIt(&in)
		if _, err := e.bill.SaveProfile(e.ctx, e.owner, in, account.NormalizeEmail); apperr.Code(err) != code {
			t.Errorf("%s: got %v", code, err)
		}
	}
	if e.count(t, `SELECT COUNT(*) FROM audit_events`) != events {
		t.Fatal("a refused profile was audited")
	}
	// USD is fine before anything is billed, not after.
	usd := goodProfile()
	usd.Currency = "USD"
	if _, err := e.bill.SaveProfile(e.ctx, e.owner, usd, account.NormalizeEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("u", e.now.Add(-time.Hour), e.ws, "small-3", 10, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bill.SaveProfile(e.ctx, e.owner, goodProfile(), account.NormalizeEmail); apperr.Code(err) != "billing.currency_locked" {
		t.Fatalf("currency change after usage: %v", err)
	}
	got, ok, err := e.bill.GetProfile(e.ctx, e.owner)
	if err != nil || !ok || got.Currency != "USD" {
		t.Fatalf("profile %+v %v %v", got, ok, err)
	}
}
