package desktop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/taxid"
)

// Dialogs are the native file dialogs; app.go provides them. A cancelled
// dialog returns "" and no error.
type Dialogs interface {
	SaveFile(title, defaultName string, filters []FileFilter) (string, error)
	OpenFile(title string, filters []FileFilter) (string, error)
}

// FileFilter is one "type" choice of a file dialog.
type FileFilter struct {
	Name    string
	Pattern string // e.g. "*.pdf"
}

// SetDialogs connects the native dialogs once the window exists.
func (c *Core) SetDialogs(d Dialogs) {
	c.mu.Lock()
	c.dialogs = d
	c.mu.Unlock()
}

func (c *Core) dialogsOrNil() Dialogs {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dialogs
}

// BillingService is bound to the window: billing details, subscriptions,
// usage, spending limits and invoices.
type BillingService struct{ c *Core }

// NewBillingService binds the billing screens to core.
func NewBillingService(c *Core) *BillingService { return &BillingService{c: c} }

// ProfileDTO is the billing details form.
type ProfileDTO struct {
	LegalName       string `json:"legalName"`
	Address         string `json:"address"`
	PostalCode      string `json:"postalCode"`
	City            string `json:"city"`
	Country         string `json:"country"`
	BillingEmail    string `json:"billingEmail"`
	TaxID           string `json:"taxId"`
	Currency        string `json:"currency"`
	InvoiceLanguage string `json:"invoiceLanguage"`
	Saved           bool   `json:"saved"`
}

func profileDTO(p billing.Profile, saved bool) ProfileDTO {
	return ProfileDTO{LegalName: p.LegalName, Address: p.Address, PostalCode: p.PostalCode, City: p.City, Country: p.Country,
		BillingEmail: p.BillingEmail, TaxID: p.TaxID, Currency: p.Currency, InvoiceLanguage: p.InvoiceLanguage, Saved: saved}
}

// Profile returns the billing details.
func (s *BillingService) Profile() (ProfileDTO, error) {
	return call(s.c, "billing profile", func(ctx context.Context, a org.Actor) (ProfileDTO, error) {
		p, ok, err := s.c.Billing.GetProfile(ctx, a)
		return profileDTO(p, ok), err
	})
}

// SaveProfile validates and stores the billing details.
func (s *BillingService) SaveProfile(in ProfileDTO) (ProfileDTO, error) {
	if err := tooLong(map[string]string{"legalName": in.LegalName, "address": in.Address, "postalCode": in.PostalCode,
		"city": in.City, "country": in.Country, "billingEmail": in.BillingEmail, "taxId": in.TaxID}); err != nil {
		return ProfileDTO{}, err
	}
	return call(s.c, "save billing profile", func(ctx context.Context, a org.Actor) (ProfileDTO, error) {
		p, err := s.c.Billing.SaveProfile(ctx, a, billing.Profile{LegalName: in.LegalName, Address: in.Address,
			PostalCode: in.PostalCode, City: in.City, Country: in.Country, BillingEmail: in.BillingEmail, TaxID: in.TaxID,
			Currency: in.Currency, InvoiceLanguage: in.InvoiceLanguage}, account.NormalizeEmail)
		return profileDTO(p, err == nil), err
	})
}

// Countries lists the ISO country codes a billing address may be in; the
// window names them in its language.
func (s *BillingService) Countries() []string { return taxid.Countries() }

// SubscriptionDTO is one product's subscription.
type SubscriptionDTO struct {
	Product     string     `json:"product"`
	Plan        string     `json:"plan"`
	Interval    string     `json:"interval"`
	Seats       int64      `json:"seats"`
	PeriodStart string     `json:"periodStart"`
	PeriodEnd   string     `json:"periodEnd"`
	Scheduled   *ChangeDTO `json:"scheduled"`
}

// ChangeDTO is a subscription change.
type ChangeDTO struct {
	Product  string `json:"product"`
	Plan     string `json:"plan"`
	Interval string `json:"interval"`
	Seats    int64  `json:"seats"`
}

// QuoteDTO is the price of a change, shown before confirming it.
type QuoteDTO struct {
	Change       ChangeDTO `json:"change"`
	Immediate    bool      `json:"immediate"`
	EffectiveAt  string    `json:"effectiveAt"`
	DueNow       int64     `json:"dueNow"`
	CurrentPrice int64     `json:"currentPrice"`
	NewPrice     int64     `json:"newPrice"`
	Currency     string    `json:"currency"`
}

func changeOf(c ChangeDTO) billing.Change {
	return billing.Change{Product: plans.Product(c.Product), Plan: c.Plan, Interval: c.Interval, Seats: c.Seats}
}

func quoteDTO(q billing.Quote) QuoteDTO {
	return QuoteDTO{Change: ChangeDTO{Product: string(q.Change.Product), Plan: q.Change.Plan, Interval: q.Change.Interval,
		Seats: q.Change.Seats}, Immediate: q.Immediate, EffectiveAt: iso(q.EffectiveAt), DueNow: q.DueNow,
		CurrentPrice: q.CurrentPrice, NewPrice: q.NewPrice, Currency: q.Currency}
}

// Subscriptions returns the chat and API subscriptions.
func (s *BillingService) Subscriptions() ([]SubscriptionDTO, error) {
	return call(s.c, "subscriptions", func(ctx context.Context, a org.Actor) ([]SubscriptionDTO, error) {
		subs, err := s.c.Billing.Subscriptions(ctx, a)
		out := []SubscriptionDTO{}
		for _, sub := range subs {
			d := SubscriptionDTO{Product: string(sub.Product), Plan: sub.Plan, Interval: sub.Interval, Seats: sub.Seats,
				PeriodStart: iso(sub.PeriodStart), PeriodEnd: iso(sub.PeriodEnd)}
			if sc := sub.Scheduled; sc != nil {
				d.Scheduled = &ChangeDTO{Product: string(sc.Product), Plan: sc.Plan, Interval: sc.Interval, Seats: sc.Seats}
			}
			out = append(out, d)
		}
		return out, err
	})
}

// Quote prices a change before it is confirmed.
func (s *BillingService) Quote(c ChangeDTO) (QuoteDTO, error) {
	return call(s.c, "quote", func(ctx context.Context, a org.Actor) (QuoteDTO, error) {
		q, err := s.c.Billing.QuoteChange(ctx, a, changeOf(c))
		return quoteDTO(q), err
	})
}

// ChangeSubscription applies a change.
func (s *BillingService) ChangeSubscription(c ChangeDTO) (QuoteDTO, error) {
	return call(s.c, "change subscription", func(ctx context.Context, a org.Actor) (QuoteDTO, error) {
		q, err := s.c.Billing.ChangeSubscription(ctx, a, changeOf(c))
		return quoteDTO(q), err
	})
}

// UsageQueryDTO asks for a usage report; dates are YYYY-MM-DD.
type UsageQueryDTO struct {
	From    string `json:"from"`
	To      string `json:"to"`
	ByMonth bool   `json:"byMonth"`
	GroupBy string `json:"groupBy"`
}

// UsagePointDTO is one bucket of one group.
type UsagePointDTO struct {
	Bucket       string `json:"bucket"`
	Group        string `json:"group"`
	Label        string `json:"label"`
	Requests     int64  `json:"requests"`
	InputTokens  int64  `json:"inputTokens"`
	OutputTokens int64  `json:"outputTokens"`
	Cost         int64  `json:"cost"`
}

// UsageReportDTO is a usage report.
type UsageReportDTO struct {
	Currency string          `json:"currency"`
	Points   []UsagePointDTO `json:"points"`
	Groups   []UsagePointDTO `json:"groups"`
	Total    UsagePointDTO   `json:"total"`
}

func (q UsageQueryDTO) query() (billing.UsageQuery, error) {
	from, err1 := time.Parse("2006-01-02", q.From)
	to, err2 := time.Parse("2006-01-02", q.To)
	if err1 != nil || err2 != nil {
		return billing.UsageQuery{}, apperr.Field("range", "input.invalid_date")
	}
	return billing.UsageQuery{From: from, To: to, ByMonth: q.ByMonth, GroupBy: q.GroupBy}, nil
}

// Usage reports spend over a date range.
func (s *BillingService) Usage(q UsageQueryDTO) (UsageReportDTO, error) {
	uq, err := q.query()
	if err != nil {
		return UsageReportDTO{}, err
	}
	return call(s.c, "usage", func(ctx context.Context, a org.Actor) (UsageReportDTO, error) {
		rep, err := s.c.Billing.Usage(ctx, a, uq)
		if err != nil {
			return UsageReportDTO{}, err
		}
		labels := s.c.groupLabels(ctx, a.OrgID, q.GroupBy)
		point := func(p billing.UsagePoint) UsagePointDTO {
			label := labels[p.Group]
			if label == "" {
				label = p.Group
			}
			return UsagePointDTO{Bucket: p.Bucket, Group: p.Group, Label: label, Requests: p.Requests, InputTokens: p.InputTokens,
				OutputTokens: p.OutputTokens, Cost: p.Cost}
		}
		out := UsageReportDTO{Currency: rep.Currency, Total: point(rep.Total), Points: []UsagePointDTO{}, Groups: []UsagePointDTO{}}
		for _, p := range rep.Points {
			out.Points = append(out.Points, point(p))
		}
		for _, p := range rep.Groups {
			out.Groups = append(out.Groups, point(p))
		}
		return out, nil
	})
}

// groupLabels names workspaces and keys for the chart; models are their
// own names.
func (c *Core) groupLabels(ctx context.Context, orgID, groupBy string) map[string]string {
	out := map[string]string{}
	q := map[string]string{
		"workspace": `SELECT id, name FROM workspaces WHERE org_id = ?`,
		"key": `SELECT k.id, w.name || ' · ' || k.name FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
			WHERE w.org_id = ?`,
	}[groupBy]
	if q == "" {
		return out
	}
	rows, err := c.DB.QueryContext(ctx, q, orgID)
	if err != nil {
		return out
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if rows.Scan(&id, &name) == nil {
			out[id] = name
		}
	}
	return out
}

// ExportUsageCSV saves a usage report as CSV through the native save
// dialog; it returns the path, or "" when the dialog was cancelled.
func (s *BillingService) ExportUsageCSV(q UsageQueryDTO) (string, error) {
	uq, err := q.query()
	if err != nil {
		return "", err
	}
	return call(s.c, "export usage", func(ctx context.Context, a org.Actor) (string, error) {
		rep, err := s.c.Billing.Usage(ctx, a, uq)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := billing.WriteUsageCSV(&buf, rep, q.GroupBy); err != nil {
			return "", err
		}
		return s.c.saveAs(s.c.T("billing.dialog.export_usage", nil), fmt.Sprintf("usage-%s-%s.csv", q.From, q.To),
			FileFilter{Name: "CSV", Pattern: "*.csv"}, buf.Bytes())
	})
}

// ImportResultDTO says what an import did.
type ImportResultDTO struct {
	File       string `json:"file"`
	Read       int    `json:"read"`
	Added      int    `json:"added"`
	Duplicates int    `json:"duplicates"`
	Captured   int    `json:"captured"` // API calls Data Capture stored
}

// ImportUsage asks for a JSONL or CSV file through the native open dialog
// and imports it, all or nothing.
func (s *BillingService) ImportUsage() (ImportResultDTO, error) {
	return call(s.c, "import usage", func(ctx context.Context, a org.Actor) (ImportResultDTO, error) {
		d := s.c.dialogsOrNil()
		if d == nil {
			return ImportResultDTO{}, apperr.New(apperr.Internal)
		}
		path, err := d.OpenFile(s.c.T("billing.dialog.import_usage", nil), []FileFilter{{Name: "JSONL, CSV", Pattern: "*.jsonl;*.csv"}})
		if err != nil || path == "" {
			return ImportResultDTO{}, err
		}
		return s.c.importFile(ctx, a, path)
	})
}

func (c *Core) importFile(ctx context.Context, a org.Actor, path string) (ImportResultDTO, error) {
	f, err := os.Open(path)
	if err != nil {
		return ImportResultDTO{}, apperr.Field("file", "usage.unreadable")
	}
	defer f.Close()
	var recs []billing.Record
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		recs, err = billing.ParseCSV(f)
	} else {
		recs, err = billing.ParseJSONL(f)
	}
	if err != nil {
		return ImportResultDTO{}, err
	}
	res, err := c.Billing.ImportUsage(ctx, a, recs)
	return ImportResultDTO{File: filepath.Base(path), Read: res.Read, Added: res.Added, Duplicates: res.Duplicates,
		Captured: res.Captured}, err
}

// SpendDTO is the organization's spending limit and this month's alerts.
type SpendDTO struct {
	MonthlyLimit *int64     `json:"monthlyLimit"`
	Currency     string     `json:"currency"`
	CostControl  bool       `json:"costControl"`
	Alerts       []AlertDTO `json:"alerts"`
}

// AlertDTO is one spend alert.
type AlertDTO struct {
	Scope     string `json:"scope"`
	ScopeName string `json:"scopeName"`
	Threshold int64  `json:"threshold"`
	Spent     int64  `json:"spent"`
	Limit     int64  `json:"limit"`
	At        string `json:"at"`
}

// Spend returns the spending limit and this month's alerts.
func (s *BillingService) Spend() (SpendDTO, error) {
	return call(s.c, "spend", func(ctx context.Context, a org.Actor) (SpendDTO, error) {
		o, err := s.c.Orgs.Get(ctx, a)
		if err != nil {
			return SpendDTO{}, err
		}
		alerts, err := s.c.Billing.Alerts(ctx, a)
		if err != nil {
			return SpendDTO{}, err
		}
		names := s.c.groupLabels(ctx, a.OrgID, "workspace")
		out := SpendDTO{MonthlyLimit: o.MonthlySpendLimit, Currency: o.Currency, CostControl: o.Entitlements.CostControl, Alerts: []AlertDTO{}}
		for _, al := range alerts {
			out.Alerts = append(out.Alerts, AlertDTO{Scope: al.Scope, ScopeName: names[al.Scope], Threshold: al.Threshold,
				Spent: al.Spent, Limit: al.Limit, At: iso(al.At)})
		}
		return out, nil
	})
}

// SetSpendLimit sets or (nil) removes the organization's monthly limit.
func (s *BillingService) SetSpendLimit(limit *int64) error {
	_, err := call(s.c, "set spend limit", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Billing.SetOrgSpendLimit(ctx, a, limit)
	})
	return err
}

// InvoiceDTO is one invoice or credit note of the list.
type InvoiceDTO struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Number      string `json:"number"`
	Status      string `json:"status"`
	IssuedAt    string `json:"issuedAt"`
	DueAt       string `json:"dueAt"`
	PeriodStart string `json:"periodStart"`
	PeriodEnd   string `json:"periodEnd"`
	Currency    string `json:"currency"`
	Total       int64  `json:"total"`
}

// Invoices lists invoices of a year (0: all) and status ("": all).
func (s *BillingService) Invoices(year int, status string) ([]InvoiceDTO, error) {
	return call(s.c, "invoices", func(ctx context.Context, a org.Actor) ([]InvoiceDTO, error) {
		list, err := s.c.Billing.Invoices(ctx, a, year, status)
		out := []InvoiceDTO{}
		for _, inv := range list {
			out = append(out, InvoiceDTO{ID: inv.ID, Kind: inv.Kind, Number: inv.Number, Status: inv.Status,
				IssuedAt: iso(inv.IssuedAt), DueAt: iso(inv.DueAt), PeriodStart: iso(inv.PeriodStart),
				PeriodEnd: iso(inv.PeriodEnd), Currency: inv.Currency, Total: inv.Total})
		}
		return out, err
	})
}

// MarkPaid records a payment.
func (s *BillingService) MarkPaid(id string) error {
	_, err := call(s.c, "mark paid", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Billing.MarkPaid(ctx, a, id)
	})
	return err
}

// CreditNote corrects an invoice with a credit note.
func (s *BillingService) CreditNote(id string) (InvoiceDTO, error) {
	return call(s.c, "credit note", func(ctx context.Context, a org.Actor) (InvoiceDTO, error) {
		cn, err := s.c.Billing.CreditNote(ctx, a, id)
		return InvoiceDTO{ID: cn.ID, Kind: cn.Kind, Number: cn.Number, Status: cn.Status, IssuedAt: iso(cn.IssuedAt),
			Currency: cn.Currency, Total: cn.Total}, err
	})
}

// DownloadInvoice saves an invoice's PDF through the native save dialog
// and returns the path ("" when cancelled).
func (s *BillingService) DownloadInvoice(id string) (string, error) {
	return call(s.c, "download invoice", func(ctx context.Context, a org.Actor) (string, error) {
		var buf bytes.Buffer
		inv, err := s.c.Billing.WritePDF(ctx, a, id, s.c.Bundle, &buf)
		if err != nil {
			return "", err
		}
		return s.c.saveAs(s.c.T("billing.dialog.save_invoice", nil), inv.Number+".pdf", FileFilter{Name: "PDF", Pattern: "*.pdf"}, buf.Bytes())
	})
}

// DownloadYear saves all invoices of a year as one ZIP.
func (s *BillingService) DownloadYear(year int) (string, error) {
	return call(s.c, "download invoices", func(ctx context.Context, a org.Actor) (string, error) {
		var buf bytes.Buffer
		if _, err := s.c.Billing.WriteYearZIP(ctx, a, year, s.c.Bundle, &buf); err != nil {
			return "", err
		}
		return s.c.saveAs(s.c.T("billing.dialog.save_year", nil), fmt.Sprintf("invoices-%d.zip", year), FileFilter{Name: "ZIP", Pattern: "*.zip"}, buf.Bytes())
	})
}

// saveAs asks where to save data and writes it there.
func (c *Core) saveAs(title, name string, filter FileFilter, data []byte) (string, error) {
	d := c.dialogsOrNil()
	if d == nil {
		return "", apperr.New(apperr.Internal)
	}
	path, err := d.SaveFile(title, name, []FileFilter{filter})
	if err != nil || path == "" {
		return "", err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", apperr.New("file.write_failed").With("Path", path)
	}
	return path, nil
}
