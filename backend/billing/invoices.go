package billing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/store"
)

// PaymentTerm is how long a bank-transfer invoice may stay open.
const PaymentTerm = 30 * 24 * time.Hour

// Invoice statuses.
const (
	Open = "open"
	Paid = "paid"
	Void = "void"
)

// Line is one line of an invoice. Item names what is sold ("seat:team",
// "tokens:large-2:input") so the document can be worded in any language.
type Line struct {
	Kind      string // "seats" or "usage"
	Item      string
	Quantity  int64
	Unit      string // "seat", "token"
	UnitPrice int64  // minor units per unit (seats) or per million (tokens)
	Amount    int64  // minor units
}

// Invoice is an issued invoice or credit note.
type Invoice struct {
	ID       string
	Kind     string
	Number   string
	Corrects string // the invoice a credit note corrects
	// CorrectsNumber is that invoice's number, for the credit note's text.
	CorrectsNumber string
	Status         string
	IssuedAt       time.Time
	DueAt          time.Time
	PeriodStart    time.Time
	PeriodEnd      time.Time
	Currency       string
	Lines          []Line
	Subtotal       int64
	VAT            int64
	Total          int64
	VATRateBP      int64
	VATRegime      string
	Buyer          Party
	Seller         Party
	Language       string
	PaidAt         *time.Time
}

// IssueInvoice bills an organization for [start, end): a seat line per chat
// plan seat and a line per model and direction of the usage in the period.
// The number is the next of the organization's year, taken in the same
// transaction, so numbers have no gaps even when invoices are issued at once.
// The billing run (and the demo data) calls it; no member acts.
func (s *Service) IssueInvoice(ctx context.Context, orgID string, start, end time.Time) (Invoice, error) {
	if !end.After(start) {
		return Invoice{}, apperr.New("invoice.empty_period")
	}
	var inv Invoice
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = s.draft(ctx, tx, orgID, start.UTC(), end.UTC())
		if err != nil {
			return err
		}
		if err := s.insert(ctx, tx, orgID, &inv); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: "billing", Action: "invoice.issued", TargetType: "invoice",
			TargetID: inv.ID, OrgID: orgID, Details: map[string]any{"number": inv.Number, "total": inv.Total, "currency": inv.Currency}})
	})
	return inv, err
}

// draft computes an invoice for a period without writing it.
func (s *Service) draft(ctx context.Context, tx *sql.Tx, orgID string, start, end time.Time) (Invoice, error) {
	inv := Invoice{ID: uuid.Must(uuid.NewV7()).String(), Kind: "invoice", Status: Open, IssuedAt: s.now(),
		PeriodStart: start, PeriodEnd: end, Seller: Seller()}
	inv.DueAt = inv.IssuedAt.Add(s.payment().DueIn())
	var chatPlan string
	var members int64
	if err := tx.QueryRowContext(ctx, `SELECT currency, chat_plan, (SELECT COUNT(*) FROM org_members WHERE org_id = o.id)
		FROM organizations o WHERE id = ?`, orgID).Scan(&inv.Currency, &chatPlan, &members); err != nil {
		return Invoice{}, err
	}
	buyer, lang, err := buyerOf(ctx, tx, orgID)
	if err != nil {
		return Invoice{}, err
	}
	inv.Buyer, inv.Language = buyer, lang
	inv.VATRegime, inv.VATRateBP = DecideVAT(buyer.Country, buyer.TaxID)
	seats, err := s.seatLines(ctx, tx, orgID, chatPlan, members, inv.Currency, start, end)
	if err != nil {
		return Invoice{}, err
	}
	inv.Lines = append(inv.Lines, seats...)
	usage, err := s.usageLines(ctx, tx, orgID, inv.Currency, start, end)
	if err != nil {
		return Invoice{}, err
	}
	inv.Lines = append(inv.Lines, usage...)
	inv.totals()
	return inv, nil
}

// seatLines bills the chat plan's seats for the period: monthly seats every
// month, annual seats on the invoice of the month their year starts, and
// prorated upgrade charges not yet billed. An organization put on a plan
// without a subscription (by the operator) pays its members monthly.
func (s *Service) seatLines(ctx context.Context, tx *sql.Tx, orgID, chatPlan string, members int64, currency string, start, end time.Time) ([]Line, error) {
	sub, err := s.subscription(ctx, tx, orgID, plans.Chat)
	if err != nil {
		return nil, err
	}
	var lines []Line
	switch {
	case sub.PeriodEnd.IsZero():
		if p, ok := s.prices().Seat(chatPlan, currency, start); ok {
			lines = append(lines, Line{Kind: "seats", Item: "seat:" + chatPlan + ":month", Quantity: members, Unit: "seat",
				UnitPrice: p.Monthly, Amount: members * p.Monthly})
		}
	case sub.Interval == Monthly || (!sub.PeriodStart.Before(start) && sub.PeriodStart.Before(end)):
		if p, ok := s.prices().Seat(sub.Plan, currency, sub.PeriodStart); ok {
			unit := p.Monthly
			if sub.Interval == Annual {
				unit = p.Annual
			}
			lines = append(lines, Line{Kind: "seats", Item: "seat:" + sub.Plan + ":" + sub.Interval, Quantity: sub.Seats,
				Unit: "seat", UnitPrice: unit, Amount: sub.Seats * unit})
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT item, quantity, amount FROM pending_charges WHERE org_id = ? AND currency = ?
		AND invoice_id IS NULL ORDER BY created_at`, orgID, currency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Item, &l.Quantity, &l.Amount); err != nil {
			return nil, err
		}
		l.Kind, l.Unit = "proration", "seat"
		lines = append(lines, l)
	}
	return lines, rows.Err()
}

// totals sums the lines and adds the VAT: the lines always add up to the
// subtotal and the subtotal and VAT to the total.
func (inv *Invoice) totals() {
	inv.Subtotal = 0
	for _, l := range inv.Lines {
		inv.Subtotal += l.Amount
	}
	inv.VAT = VATOf(inv.Subtotal, inv.VATRateBP)
	inv.Total = inv.Subtotal + inv.VAT
}

// usageLines prices a period's usage per model and direction, each day at
// the price in force that day, rounding once per line.
func (s *Service) usageLines(ctx context.Context, tx *sql.Tx, orgID, currency string, start, end time.Time) ([]Line, error) {
	rows, err := tx.QueryContext(ctx, `SELECT model, day, SUM(input_tokens), SUM(output_tokens) FROM usage_daily
		WHERE org_id = ? AND currency = ? AND day >= ? AND day < ? GROUP BY model, day ORDER BY model, day`,
		orgID, currency, start.Format("2006-01-02"), end.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type acc struct{ tokens, micros, price int64 }
	var order []string
	sums := map[string]*acc{}
	add := func(item string, tokens, price int64) {
		a := sums[item]
		if a == nil {
			a = &acc{}
			sums[item] = a
			order = append(order, item)
		}
		a.tokens += tokens
		a.micros += tokens * price
		a.price = price // the latest price in the period is the one shown
	}
	for rows.Next() {
		var model, day string
		var in, out int64
		if err := rows.Scan(&model, &day, &in, &out); err != nil {
			return nil, err
		}
		d, _ := time.Parse("2006-01-02", day)
		price, ok := s.prices().Model(model, currency, d)
		if !ok {
			return nil, fmt.Errorf("billing: no %s price for %s on %s", currency, model, day)
		}
		add("tokens:"+model+":input", in, price.Input)
		if price.Output > 0 || out > 0 {
			add("tokens:"+model+":output", out, price.Output)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var lines []Line
	for _, item := range order {
		a := sums[item]
		if a.tokens == 0 {
			continue
		}
		lines = append(lines, Line{Kind: "usage", Item: item, Quantity: a.tokens, Unit: "token", UnitPrice: a.price,
			Amount: RoundMicros(a.micros)})
	}
	return lines, nil
}

func buyerOf(ctx context.Context, tx *sql.Tx, orgID string) (Party, string, error) {
	var p Party
	var address, postal, city, lang string
	err := tx.QueryRowContext(ctx, `SELECT legal_name, address, postal_code, city, country, tax_id, billing_email, invoice_language
		FROM billing_profiles WHERE org_id = ?`, orgID).Scan(&p.Name, &address, &postal, &city, &p.Country, &p.TaxID, &p.Email, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return Party{}, "", apperr.New("billing.profile_missing")
	}
	if err != nil {
		return Party{}, "", err
	}
	p.Address = []string{address, postal + " " + city}
	p.PostalCode, p.City = postal, city
	return p, lang, nil
}

// nextNumber takes the next number of a kind for the organization's year.
func nextNumber(ctx context.Context, tx *sql.Tx, orgID, kind string, at time.Time) (string, error) {
	year := at.UTC().Year()
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO document_counters(org_id, kind, year, last) VALUES (?, ?, ?, 1)
		ON CONFLICT(org_id, kind, year) DO UPDATE SET last = last + 1 RETURNING last`, orgID, kind, year).Scan(&n)
	if err != nil {
		return "", err
	}
	prefix := "INV"
	if kind == "credit_note" {
		prefix = "CN"
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, orgID string, inv *Invoice) error {
	number, err := nextNumber(ctx, tx, orgID, inv.Kind, inv.IssuedAt)
	if err != nil {
		return err
	}
	inv.Number = number
	buyer, _ := json.Marshal(inv.Buyer)
	seller, _ := json.Marshal(inv.Seller)
	var corrects any
	if inv.Corrects != "" {
		corrects = inv.Corrects
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO invoices(id, org_id, kind, number, corrects, status, issued_at, due_at,
		period_start, period_end, currency, subtotal, vat, total, vat_rate_bp, vat_regime, buyer, seller, language)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, inv.ID, orgID, inv.Kind, inv.Number, corrects, inv.Status,
		store.Timestamp(inv.IssuedAt), store.Timestamp(inv.DueAt), store.Timestamp(inv.PeriodStart), store.Timestamp(inv.PeriodEnd),
		inv.Currency, inv.Subtotal, inv.VAT, inv.Total, inv.VATRateBP, inv.VATRegime, string(buyer), string(seller), inv.Language); err != nil {
		return err
	}
	if inv.Kind == "invoice" {
		if _, err := tx.ExecContext(ctx, `UPDATE pending_charges SET invoice_id = ? WHERE org_id = ? AND currency = ?
			AND invoice_id IS NULL`, inv.ID, orgID, inv.Currency); err != nil {
			return err
		}
	}
	for i, l := range inv.Lines {
		if _, err := tx.ExecContext(ctx, `INSERT INTO invoice_lines(invoice_id, position, kind, item, quantity, unit, unit_price, amount)
			VALUES (?,?,?,?,?,?,?,?)`, inv.ID, i+1, l.Kind, l.Item, l.Quantity, l.Unit, l.UnitPrice, l.Amount); err != nil {
			return err
		}
	}
	return nil
}

// CreditNote corrects an issued invoice in full: a credit note with the
// same lines negated, and the invoice marked void. Owners and Billing may.
func (s *Service) CreditNote(ctx context.Context, a org.Actor, invoiceID string) (Invoice, error) {
	var cn Invoice
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.BillingManage); err != nil {
			return err
		}
		orig, err := s.load(ctx, tx, a.OrgID, invoiceID)
		if err != nil {
			return err
		}
		if orig.Kind != "invoice" || orig.Status == Void {
			return apperr.New("invoice.not_creditable")
		}
		cn = orig
		// A credit note settles against the invoice it corrects: nothing is due on it.
		cn.ID, cn.Kind, cn.Corrects, cn.Status, cn.IssuedAt = uuid.Must(uuid.NewV7()).String(), "credit_note", orig.ID, Paid, s.now()
		cn.DueAt, cn.PaidAt = cn.IssuedAt, nil
		cn.Lines = make([]Line, len(orig.Lines))
		for i, l := range orig.Lines {
			l.Quantity, l.Amount = -l.Quantity, -l.Amount
			cn.Lines[i] = l
		}
		cn.totals()
		if err := s.insert(ctx, tx, a.OrgID, &cn); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = 'void' WHERE id = ?`, orig.ID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "invoice.credited", TargetType: "invoice",
			TargetID: orig.ID, OrgID: a.OrgID, Details: map[string]any{"invoice": orig.Number, "creditNote": cn.Number}})
	})
	return cn, err
}

// MarkPaid records a bank transfer's arrival. Owners and Billing may.
func (s *Service) MarkPaid(ctx context.Context, a org.Actor, invoiceID string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.BillingManage); err != nil {
			return err
		}
		inv, err := s.load(ctx, tx, a.OrgID, invoiceID)
		if err != nil {
			return err
		}
		if inv.Kind != "invoice" || inv.Status != Open {
			return apperr.New("invoice.not_open")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = 'paid', paid_at = ? WHERE id = ?`,
			store.Timestamp(s.now()), invoiceID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "invoice.paid", TargetType: "invoice",
			TargetID: invoiceID, OrgID: a.OrgID, Details: map[string]any{"number": inv.Number}})
	})
}

// Invoices lists the organization's invoices and credit notes of a year
// (0: all) and status ("": all), newest first.
func (s *Service) Invoices(ctx context.Context, a org.Actor, year int, status string) ([]Invoice, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.InvoicesRead); err != nil {
		return nil, err
	}
	if status != "" && status != Open && status != Paid && status != Void {
		return nil, apperr.Field("status", "input.invalid")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM invoices WHERE org_id = ? AND (? = 0 OR substr(issued_at, 1, 4) = printf('%04d', ?))
		AND (? = '' OR status = ?) ORDER BY issued_at DESC, number DESC`, a.OrgID, year, year, status, status)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]Invoice, 0, len(ids))
	for _, id := range ids {
		inv, err := s.load(ctx, s.DB, a.OrgID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, nil
}

// Get returns one invoice of the actor's organization.
func (s *Service) Get(ctx context.Context, a org.Actor, invoiceID string) (Invoice, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.InvoicesRead); err != nil {
		return Invoice{}, err
	}
	return s.load(ctx, s.DB, a.OrgID, invoiceID)
}

func (s *Service) load(ctx context.Context, q org.Querier, orgID, id string) (Invoice, error) {
	var inv Invoice
	var corrects, paid sql.NullString
	var issued, due, start, end, buyer, seller string
	err := q.QueryRowContext(ctx, `SELECT id, kind, number, corrects, status, issued_at, due_at, period_start, period_end, currency,
		subtotal, vat, total, vat_rate_bp, vat_regime, buyer, seller, language, paid_at,
		COALESCE((SELECT c.number FROM invoices c WHERE c.id = invoices.corrects), '') FROM invoices WHERE org_id = ? AND id = ?`,
		orgID, id).Scan(&inv.ID, &inv.Kind, &inv.Number, &corrects, &inv.Status, &issued, &due, &start, &end, &inv.Currency,
		&inv.Subtotal, &inv.VAT, &inv.Total, &inv.VATRateBP, &inv.VATRegime, &buyer, &seller, &inv.Language, &paid, &inv.CorrectsNumber)
	if errors.Is(err, sql.ErrNoRows) {
		return Invoice{}, apperr.New("invoice.not_found")
	}
	if err != nil {
		return Invoice{}, err
	}
	inv.Corrects = corrects.String
	inv.IssuedAt, inv.DueAt = store.ParseTime(issued), store.ParseTime(due)
	inv.PeriodStart, inv.PeriodEnd = store.ParseTime(start), store.ParseTime(end)
	if paid.Valid {
		t := store.ParseTime(paid.String)
		inv.PaidAt = &t
	}
	_ = json.Unmarshal([]byte(buyer), &inv.Buyer)
	_ = json.Unmarshal([]byte(seller), &inv.Seller)
	rows, err := q.QueryContext(ctx, `SELECT kind, item, quantity, unit, unit_price, amount FROM invoice_lines
		WHERE invoice_id = ? ORDER BY position`, id)
	if err != nil {
		return Invoice{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.Kind, &l.Item, &l.Quantity, &l.Unit, &l.UnitPrice, &l.Amount); err != nil {
			return Invoice{}, err
		}
		inv.Lines = append(inv.Lines, l)
	}
	return inv, rows.Err()
}
