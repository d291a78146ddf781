package billing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/billing"
	"admin-console/backend/org"
	"admin-console/backend/store"
	"admin-console/backend/workspace"
)

type names struct{}

func (names) OrgName(_, first, last string) string { return first + " " + last }
func (names) WorkspaceName(string) string          { return "Default" }

type env struct {
	ctx   context.Context
	db    *store.DB
	log   *audit.Log
	bill  *billing.Service
	owner org.Actor
	ws    string
	now   time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "billing.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &env{ctx: ctx, db: db, log: audit.New(make([]byte, 32)), now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	accounts := &account.Service{DB: db, Audit: e.log, Defaults: names{}, Now: clock}
	signed, err := accounts.SignUp(ctx, account.SignUpInput{Email: "fin@example.com", FirstName: "Fin", LastName: "Ance",
		Password: "money is integer minor units", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	e.owner = org.Actor{UserID: signed.User.ID, OrgID: signed.User.OrgID, SessionID: signed.User.SessionID}
	list, err := (&workspace.Service{DB: db, Audit: e.log}).List(ctx, e.owner, false)
	if err != nil || len(list) == 0 {
		t.Fatal(list, err)
	}
	e.ws = list[0].ID
	e.bill = &billing.Service{DB: db, Audit: e.log, Now: clock}
	return e
}

// profile puts a billing profile in place (its own form and validation are
// tested with the billing profile).
func (e *env) profile(t *testing.T, country, taxID string) {
	t.Helper()
	if _, err := e.db.Exec(`INSERT INTO billing_profiles(org_id, legal_name, address, postal_code, city, country, billing_email,
		tax_id, invoice_language, updated_at) VALUES (?, 'Fin SARL', '1 rue X', '75001', 'Paris', ?, 'ap@example.com', ?, 'fr', '')
		ON CONFLICT(org_id) DO UPDATE SET country = excluded.country, tax_id = excluded.tax_id`, e.owner.OrgID, country, taxID); err != nil {
		t.Fatal(err)
	}
}

func (e *env) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func rec(id string, at time.Time, ws, model string, in, out int64) billing.Record {
	return billing.Record{ID: id, Time: at, WorkspaceID: ws, Model: model, InputTokens: in, OutputTokens: out, Requests: 1}
}

func TestCostIsExactInMicroUnitsAndRoundsOnce(t *testing.T) {
	p, ok := billing.Prices.Model("large-2", "EUR", time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if !ok {
		t.Fatal("no price")
	}
	// 1,234 input tokens at 1.80 €/M and 567 output at 5.40 €/M: 0.222120 + 0.306180 cents.
	if got := p.CostMicros(1234, 567); got != 1234*180+567*540 {
		t.Fatalf("cost = %d", got)
	}
	for micros, want := range map[int64]int64{0: 0, 499_999: 0, 500_000: 1, 1_499_999: 1, 1_500_000: 2, -500_000: -1} {
		if got := billing.RoundMicros(micros); got != want {
			t.Errorf("RoundMicros(%d) = %d, want %d", micros, got, want)
		}
	}
	if got := billing.VATOf(1005, 2000); got != 201 { // 201.0
		t.Errorf("VAT of 10.05 at 20%% = %d", got)
	}
	if got := billing.VATOf(1003, 1950); got != 196 { // 195.585 -> 196
		t.Errorf("VAT of 10.03 at 19.5%% = %d", got)
	}
}

func TestImportIsIdempotentAndAllOrNothing(t *testing.T) {
	e := newEnv(t)
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	jsonl := fmt.Sprintf(`{"id":"a","time":%q,"workspace_id":%q,"model":"large-2","input_tokens":1000,"output_tokens":200,"requests":1}
{"time":%q,"workspace_id":%q,"model":"small-3","input_tokens":50,"output_tokens":5,"requests":2}

`, day.Format(time.RFC3339), e.ws, day.Add(time.Hour).Format(time.RFC3339), e.ws)
	recs, err := billing.ParseJSONL(strings.NewReader(jsonl))
	if err != nil || len(recs) != 2 {
		t.Fatal(recs, err)
	}
	res, err := e.bill.ImportUsage(e.ctx, e.owner, recs)
	if err != nil || res != (billing.ImportResult{Read: 2, Added: 2}) {
		t.Fatalf("first import %+v %v", res, err)
	}
	again, _ := billing.ParseJSONL(strings.NewReader(jsonl))
	res, err = e.bill.ImportUsage(e.ctx, e.owner, again)
	if err != nil || res != (billing.ImportResult{Read: 2, Duplicates: 2}) {
		t.Fatalf("second import %+v %v", res, err)
	}
	if n := e.count(t, `SELECT SUM(requests) FROM usage_daily`); n != 3 {
		t.Fatalf("rollup counts %d requests, want 3", n)
	}
	// One bad record (another organization's workspace) stops the whole import.
	before := e.count(t, `SELECT COUNT(*) FROM usage_records`)
	events := e.count(t, `SELECT COUNT(*) FROM audit_events`)
	_, err = e.bill.ImportUsage(e.ctx, e.owner, []billing.Record{rec("b", day, e.ws, "large-2", 1, 1), rec("c", day, "elsewhere", "large-2", 1, 1)})
	if apperr.Code(err) != "usage.unknown_workspace" {
		t.Fatalf("foreign workspace: %v", err)
	}
	if e.count(t, `SELECT COUNT(*) FROM usage_records`) != before || e.count(t, `SELECT COUNT(*) FROM audit_events`) != events {
		t.Fatal("a failed import changed something")
	}
	_, err = e.bill.ImportUsage(e.ctx, e.owner, []billing.Record{rec("d", day, e.ws, "no-such-model", 1, 1)})
	if apperr.Code(err) != "usage.unknown_model" {
		t.Fatalf("unknown model: %v", err)
	}
}

func TestParseReportsTheBadLine(t *testing.T) {
	_, err := billing.ParseJSONL(strings.NewReader("{\"time\":\"2026-01-01T00:00:00Z\",\"workspace_id\":\"w\",\"model\":\"m\"}\n{\"time\":\"nope\"}\n"))
	if e := apperr.As(err); e.Code != "usage.invalid_line" || e.Params["Line"] != 2 {
		t.Fatalf("JSONL: %v", err)
	}
	csv := strings.Join(billing.CSVHeader, ",") + "\nx,2026-01-01T00:00:00Z,w,,m,10,-1,1\n"
	_, err = billing.ParseCSV(strings.NewReader(csv))
	if e := apperr.As(err); e.Code != "usage.invalid_line" || e.Params["Line"] != 2 || e.Params["Field"] != "output_tokens" {
		t.Fatalf("CSV: %v", err)
	}
	if _, err := billing.ParseCSV(strings.NewReader("a,b\n")); apperr.Code(err) != "usage.bad_header" {
		t.Fatalf("header: %v", err)
	}
	ok := strings.Join(billing.CSVHeader, ",") + "\nx,2026-01-01T00:00:00Z,w,,large-2,10,1,1\n"
	if recs, err := billing.ParseCSV(strings.NewReader(ok)); err != nil || len(recs) != 1 || recs[0].InputTokens != 10 {
		t.Fatalf("good CSV: %v %v", recs, err)
	}
}

func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"a","time":"2026-11-02T09:00:00Z","workspace_id":"w","model":"m","input_tokens":1,"output_tokens":2,"requests":3}`))
	f.Add([]byte("{}\n\n{\"input_tokens\":-1}"))
	f.Add([]byte(`{"time":"2026-11-02T09:00:00Z","workspace_id":"w","model":"m","input_tokens":1e30}`))
	f.Add([]byte(`{"id":"c","time":"2026-11-02T09:00:00Z","workspace_id":"w","model":"m","request":{"q":[1,"a"]},"response":"x","latency_ms":5,"status":200}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := billing.ParseJSONL(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.InputTokens < 0 || r.OutputTokens < 0 || r.Requests < 0 || r.WorkspaceID == "" || r.Model == "" || r.Time.IsZero() {
				t.Fatalf("accepted a bad record %+v", r)
			}
			if r.LatencyMS < 0 || (r.Status != 0 && (r.Status < 100 || r.Status > 599)) ||
				(len(r.Request) > 0 && !json.Valid(r.Request)) || (len(r.Response) > 0 && !json.Valid(r.Response)) {
				t.Fatalf("accepted a bad call %+v", r)
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(strings.Join(billing.CSVHeader, ",") + "\nx,2026-01-01T00:00:00Z,w,,m,10,1,1\n"))
	f.Add([]byte("id\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := billing.ParseCSV(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.InputTokens < 0 || r.OutputTokens < 0 || r.Requests < 0 || r.WorkspaceID == "" || r.Model == "" {
				t.Fatalf("accepted a bad record %+v", r)
			}
		}
	})
}

func TestInvoiceVATRegimes(t *testing.T) {
	cases := []struct {
		country, taxID, regime string
		rate                   int64
	}{
		{"FR", "FR40303265045", billing.Domestic, 2000},
		{"FR", "", billing.Domestic, 2000},
		{"DE", "DE136695976", billing.ReverseCharge, 0},
		{"DE", "", billing.Domestic, 2000},
		{"US", "", billing.OutsideEU, 0},
	}
	for _, c := range cases {
		regime, rate := billing.DecideVAT(c.country, c.taxID)
		if regime != c.regime || rate != c.rate {
			t.Errorf("%s %q: %s %d, want %s %d", c.country, c.taxID, regime, rate, c.regime, c.rate)
		}
	}
}

func TestInvoiceSumsToTheCentAndNumbersHaveNoGaps(t *testing.T) {
	e := newEnv(t)
	e.profile(t, "DE", "DE136695976")
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(1, 2))
	models := []string{"large-2", "medium-3", "small-3", "embed-1", "code-2"}
	var recs []billing.Record
	for i := range 2000 {
		at := start.Add(time.Duration(r.IntN(31*24)) * time.Hour)
		recs = append(recs, rec(fmt.Sprint("r", i), at, e.ws, models[r.IntN(len(models))], r.Int64N(200_000), r.Int64N(50_000)))
	}
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, recs); err != nil {
		t.Fatal(err)
	}
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, l := range inv.Lines {
		sum += l.Amount
	}
	if sum != inv.Subtotal || inv.Total != inv.Subtotal+inv.VAT || inv.VAT != 0 || inv.VATRegime != billing.ReverseCharge {
		t.Fatalf("lines %d, subtotal %d, vat %d, total %d, regime %s", sum, inv.Subtotal, inv.VAT, inv.Total, inv.VATRegime)
	}
	if inv.Number != "INV-2026-000001" {
		t.Fatalf("first number %s", inv.Number)
	}

	// Issued at once from many goroutines: every number from 2 to 21, once.
	var wg sync.WaitGroup
	numbers := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
			if err != nil {
				t.Error(err)
				return
			}
			numbers <- inv.Number
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]bool{}
	for n := range numbers {
		seen[n] = true
	}
	for i := 2; i <= 21; i++ {
		if !seen[fmt.Sprintf("INV-2026-%06d", i)] {
			t.Errorf("number %d missing (have %v)", i, seen)
		}
	}
}

// Property: whatever the usage, an invoice's lines sum to its subtotal and
// subtotal plus VAT is its total, under every VAT regime.
func TestInvoiceTotalsProperty(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	r := rand.New(rand.NewPCG(7, 7))
	countries := []struct{ c, tax string }{{"FR", ""}, {"DE", "DE136695976"}, {"IT", ""}, {"US", ""}}
	for round := range 30 {
		cc := countries[round%len(countries)]
		e.profile(t, cc.c, cc.tax)
		var recs []billing.Record
		for i := range 1 + r.IntN(40) {
			at := start.Add(time.Duration(r.IntN(30*24)) * time.Hour)
			recs = append(recs, rec(fmt.Sprintf("p%d-%d", round, i), at, e.ws, []string{"large-2", "small-3", "code-2"}[r.IntN(3)],
				r.Int64N(3_000_000), r.Int64N(900_000)))
		}
		if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, recs); err != nil {
			t.Fatal(err)
		}
		inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.bill.Get(e.ctx, e.owner, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, l := range stored.Lines {
			sum += l.Amount
		}
		if sum != stored.Subtotal || stored.Subtotal+stored.VAT != stored.Total || stored.VAT != billing.VATOf(stored.Subtotal, stored.VATRateBP) {
			t.Fatalf("round %d: %+v", round, stored)
		}
	}
}

func TestIssuedInvoicesAreImmutableAndCorrectedByCreditNotes(t *testing.T) {
	e := newEnv(t)
	e.profile(t, "FR", "")
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("x", start.Add(time.Hour), e.ws, "large-2", 5_000_000, 1_000_000)}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, start.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	// 5M input at 1.80 + 1M output at 5.40 = 14.40 €; 20 % VAT = 2.88 €.
	if inv.Subtotal != 1440 || inv.VAT != 288 || inv.Total != 1728 {
		t.Fatalf("amounts %d %d %d", inv.Subtotal, inv.VAT, inv.Total)
	}
	if _, err := e.db.Exec(`UPDATE invoices SET total = 1 WHERE id = ?`, inv.ID); err == nil {
		t.Fatal("an issued invoice's total was changed")
	}
	if _, err := e.db.Exec(`UPDATE invoice_lines SET amount = 1 WHERE invoice_id = ?`, inv.ID); err == nil {
		t.Fatal("an issued invoice's line was changed")
	}
	cn, err := e.bill.CreditNote(e.ctx, e.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cn.Number != "CN-2026-000001" || cn.Total != -inv.Total || cn.Corrects != inv.ID {
		t.Fatalf("credit note %+v", cn)
	}
	again, _ := e.bill.Get(e.ctx, e.owner, inv.ID)
	if again.Status != billing.Void {
		t.Fatalf("corrected invoice status %s", again.Status)
	}
	if err := e.bill.MarkPaid(e.ctx, e.owner, inv.ID); apperr.Code(err) != "invoice.not_open" {
		t.Fatalf("paying a void invoice: %v", err)
	}
	if _, err := e.bill.CreditNote(e.ctx, e.owner, inv.ID); apperr.Code(err) != "invoice.not_creditable" {
		t.Fatalf("crediting twice: %v", err)
	}
	list, err := e.bill.Invoices(e.ctx, e.owner, 2026, "")
	if err != nil || len(list) != 2 {
		t.Fatalf("list %d %v", len(list), err)
	}
	if paid, _ := e.bill.Invoices(e.ctx, e.owner, 2026, billing.Open); len(paid) != 0 {
		t.Fatalf("open invoices: %d", len(paid))
	}
}

func TestInvoicesNeedTheBillingRole(t *testing.T) {
	e := newEnv(t)
	stranger := org.Actor{UserID: "nobody", OrgID: e.owner.OrgID}
	if _, err := e.bill.Invoices(e.ctx, stranger, 0, ""); apperr.Code(err) != "auth.session_expired" {
		t.Fatalf("non-member: %v", err)
	}
	if _, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, time.Now(), time.Now().Add(time.Hour)); apperr.Code(err) != "billing.profile_missing" {
		t.Fatalf("no profile: %v", err)
	}
}
