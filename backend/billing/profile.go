package billing

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/i18n"
	"admin-console/backend/org"
	"admin-console/backend/store"
	"admin-console/backend/taxid"
)

// Profile is an organization's billing details, printed on its invoices.
type Profile struct {
	LegalName       string
	Address         string
	PostalCode      string
	City            string
	Country         string // ISO 3166-1 alpha-2
	BillingEmail    string
	TaxID           string // normalized; "" when none
	Currency        string // EUR or USD
	InvoiceLanguage string // one of the interface languages
}

// EmailCheck validates an email address (package account owns the rule).
type EmailCheck func(field, raw string) (string, error)

func text(field, raw string, max int, required bool) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case !utf8.ValidString(s):
		return "", apperr.Field(field, "name.invalid")
	case s == "" && required:
		return "", apperr.Field(field, "name.required")
	case utf8.RuneCountInString(s) > max:
		return "", apperr.Field(field, "name.too_long").With("Count", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' {
			return "", apperr.Field(field, "name.invalid")
		}
	}
	return s, nil
}

func (p Profile) normalize(checkEmail EmailCheck) (Profile, error) {
	var err error
	fields := []struct {
		name     string
		dst      *string
		max      int
		required bool
	}{
		{"legalName", &p.LegalName, 200, true},
		{"address", &p.Address, 300, true},
		{"postalCode", &p.PostalCode, 20, false},
		{"city", &p.City, 100, true},
	}
	for _, f := range fields {
		if *f.dst, err = text(f.name, *f.dst, f.max, f.required); err != nil {
			return Profile{}, err
		}
	}
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	if !taxid.IsCountry(p.Country) {
		return Profile{}, apperr.Field("country", "billing.country_invalid")
	}
	if p.BillingEmail, err = checkEmail("billingEmail", p.BillingEmail); err != nil {
		return Profile{}, err
	}
	if p.TaxID, err = taxid.Validate(p.Country, p.TaxID); err != nil {
		return Profile{}, err
	}
	if !ValidCurrency(p.Currency) {
		return Profile{}, apperr.Field("currency", "billing.currency_invalid")
	}
	if !i18n.Supported(p.InvoiceLanguage) {
		return Profile{}, apperr.Field("invoiceLanguage", "language.unsupported")
	}
	return p, nil
}

// GetProfile returns the organization's billing profile; ok is false before
// one was saved.
func (s *Service) GetProfile(ctx context.Context, a org.Actor) (p Profile, ok bool, err error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.BillingManage); err != nil {
		return Profile{}, false, err
	}
	err = s.DB.QueryRowContext(ctx, `SELECT bp.legal_name, bp.address, bp.postal_code, bp.city, bp.country, bp.billing_email,
		bp.tax_id, o.currency, bp.invoice_language FROM billing_profiles bp JOIN organizations o ON o.id = bp.org_id
		WHERE bp.org_id = ?`, a.OrgID).Scan(&p.LegalName, &p.Address, &p.PostalCode, &p.City, &p.Country, &p.BillingEmail,
		&p.TaxID, &p.Currency, &p.InvoiceLanguage)
	if errors.Is(err, sql.ErrNoRows) {
		var currency string
		if err := s.DB.QueryRowContext(ctx, `SELECT currency FROM organizations WHERE id = ?`, a.OrgID).Scan(&currency); err != nil {
			return Profile{}, false, err
		}
		return Profile{Currency: currency, InvoiceLanguage: i18n.Default}, false, nil
	}
	return p, err == nil, err
}

// SaveProfile validates and stores the billing profile. The VAT or tax ID is
// checked against the country's format and check digits. The currency can
// change only while nothing has been billed or recorded in the old one.
func (s *Service) SaveProfile(ctx context.Context, a org.Actor, in Profile, checkEmail EmailCheck) (Profile, error) {
	p, err := in.normalize(checkEmail)
	if err != nil {
		return Profile{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.BillingManage); err != nil {
			return err
		}
		var current string
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT currency, (SELECT COUNT(*) FROM invoices WHERE org_id = o.id) +
			(SELECT COUNT(*) FROM usage_records WHERE org_id = o.id) FROM organizations o WHERE id = ?`, a.OrgID).Scan(&current, &used); err != nil {
			return err
		}
		if p.Currency != current && used > 0 {
			return apperr.Field("currency", "billing.currency_locked")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET currency = ? WHERE id = ?`, p.Currency, a.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO billing_profiles(org_id, legal_name, address, postal_code, city, country,
			billing_email, tax_id, invoice_language, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(org_id) DO UPDATE SET
			legal_name = excluded.legal_name, address = excluded.address, postal_code = excluded.postal_code, city = excluded.city,
			country = excluded.country, billing_email = excluded.billing_email, tax_id = excluded.tax_id,
			invoice_language = excluded.invoice_language, updated_at = excluded.updated_at`, a.OrgID, p.LegalName, p.Address,
			p.PostalCode, p.City, p.Country, p.BillingEmail, p.TaxID, p.InvoiceLanguage, store.Timestamp(s.now())); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "billing.profile_updated", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"legalName": p.LegalName, "country": p.Country,
				"taxId": p.TaxID, "currency": p.Currency, "invoiceLanguage": p.InvoiceLanguage}})
	})
	return p, err
}
