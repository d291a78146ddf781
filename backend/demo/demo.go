// Package demo fills a fresh data directory with a realistic organization so
// that a person can try every screen: Enterprise + Scale, 25 members, six
// workspaces with keys and resources, 180 days of usage, issued invoices and
// two weeks of captured API calls in one workspace.
// Everything goes through the domain APIs, with their rules and audit events.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/capture"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/workspace"
)

// Owner is who the demo signs in as.
const (
	OwnerEmail    = "camille.martin@example.com"
	OwnerPassword = "try every screen 2026"
)

// Services are the domains the demo drives.
type Services struct {
	Accounts   *account.Service
	Orgs       *org.Service
	Workspaces *workspace.Service
	Billing    *billing.Service
	Capture    *capture.Service // nil: no captured calls
	Now        time.Time
}

var people = [][2]string{
	{"Léa", "Dubois"}, {"Jonas", "Schmidt"}, {"Lucía", "García"}, {"Wojciech", "Nowak"}, {"Giulia", "Romano"},
	{"João", "Silva"}, {"Layla", "Haddad"}, {"Omar", "Nasser"}, {"Emma", "Johnson"}, {"Hugo", "Bernard"},
	{"Zofia", "Kowalska"}, {"Matteo", "Ricci"}, {"Ana", "Costa"}, {"Noah", "Müller"}, {"Chloé", "Petit"},
	{"Yasmin", "Khalil"}, {"Pablo", "Fernández"}, {"Ingrid", "Larsen"}, {"Sven", "Åberg"}, {"Amélie", "Roux"},
	{"Karim", "Benali"}, {"Beatriz", "Lima"}, {"Felix", "Wagner"}, {"Marta", "Zielińska"},
}

var workspaceNames = []struct{ name, desc string }{
	{"Customer support", "Answers drafted for the support team"},
	{"Research", "Evaluations and experiments with new models"},
	{"Marketing", "Campaign copy in eight languages"},
	{"Data platform", "Batch enrichment of the product catalogue"},
	{"Mobile app", "The assistant inside the iOS and Android apps"},
}

var models = []string{"large-2", "medium-3", "small-3", "embed-1", "code-2"}

// Fill creates the demo organization. It refuses a data directory that
// already has accounts.
func Fill(ctx context.Context, s Services, db *sql.DB) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("demo: the data directory already has accounts; use an empty one")
	}
	r := rand.New(rand.NewPCG(2026, 11))
	owner, err := s.Accounts.SignUp(ctx, account.SignUpInput{Email: OwnerEmail, FirstName: "Camille", LastName: "Martin",
		Password: OwnerPassword, Language: "en", Device: "demo"})
	if err != nil {
		return fmt.Errorf("demo: owner: %w", err)
	}
	a := org.Actor{UserID: owner.User.ID, OrgID: owner.User.OrgID, SessionID: owner.User.SessionID}
	if _, err := s.Orgs.Rename(ctx, a, "Nimbus Analytics"); err != nil {
		return err
	}
	if _, err := s.Billing.SaveProfile(ctx, a, billing.Profile{LegalName: "Nimbus Analytics SAS", Address: "42 quai de Jemmapes",
		PostalCode: "75010", City: "Paris", Country: "FR", BillingEmail: "finance@nimbus.example", TaxID: "FR40303265045",
		Currency: "EUR", InvoiceLanguage: "fr"}, account.NormalizeEmail); err != nil {
		return fmt.Errorf("demo: billing profile: %w", err)
	}
	for _, c := range []billing.Change{
		{Product: plans.Chat, Plan: plans.Enterprise, Interval: billing.Annual, Seats: 25},
		{Product: plans.API, Plan: plans.Scale, Interval: billing.Monthly},
	} {
		if _, err := s.Billing.ChangeSubscription(ctx, a, c); err != nil {
			return fmt.Errorf("demo: subscription: %w", err)
		}
	}
	wsIDs, err := s.workspaces(ctx, a)
	if err != nil {
		return err
	}
	members, err := s.members(ctx, a, wsIDs, r)
	if err != nil {
		return err
	}
	keys, err := s.keysAndResources(ctx, a, wsIDs, members, r)
	if err != nil {
		return err
	}
	if err := s.usage(ctx, a.OrgID, keys, r); err != nil {
		return err
	}
	if err := s.invoicesAndLimits(ctx, a, wsIDs); err != nil {
		return err
	}
	return s.capturedCalls(ctx, a, keys, r)
}

// capturedCalls turns Data Capture on in the second workspace and brings in
// two weeks of its API calls (about 300) through the usage API, as a gateway
// would.
func (s Services) capturedCalls(ctx context.Context, a org.Actor, keys []demoKey, r *rand.Rand) error {
	if s.Capture == nil || len(keys) < 2 {
		return nil
	}
	k := keys[1]
	if _, err := s.Capture.SetCapture(ctx, a, capture.SettingInput{WorkspaceID: k.workspace, Enabled: true, RetentionDays: 90}); err != nil {
		return fmt.Errorf("demo: capture: %w", err)
	}
	questions := []string{"Summarize this support ticket in two sentences.", "Translate the release notes into German.",
		"Classify the sentiment of these reviews.", "Write a SQL query listing last month's top customers.",
		"Extract the invoice number and total from this PDF text.", "Draft a polite reply declining the meeting."}
	var recs []billing.Record
	for i := range 300 {
		m := models[i%3]
		q := questions[r.IntN(len(questions))]
		in, out := int64(200+r.IntN(3000)), int64(50+r.IntN(800))
		status, latency := 200, int64(300+r.IntN(4000))
		response := fmt.Sprintf(`{"id":"resp-%04d","model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"Here is the answer to: %s"},"finish_reason":"stop"}],"usage":{"input_tokens":%d,"output_tokens":%d}}`,
			i, m, q, in, out)
		switch {
		case i%37 == 0:
			status, out, response = 429, 0, `{"error":{"type":"rate_limit","message":"Too many requests"}}`
		case i%53 == 0:
			status, out, response = 500, 0, `{"error":{"type":"server_error","message":"Internal error"}}`
		}
		recs = append(recs, billing.Record{ID: fmt.Sprintf("demo-call-%04d", i),
			Time:        s.Now.Add(-time.Duration(300-i) * 67 * time.Minute).Add(time.Duration(r.IntN(600)) * time.Second),
			WorkspaceID: k.workspace, APIKeyID: k.key, Model: m, InputTokens: in, OutputTokens: out, Requests: 1,
			Request: []byte(fmt.Sprintf(`{"model":%q,"max_tokens":1024,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":%q}]}`,
				m, q)),
			Response: []byte(response), LatencyMS: latency, Status: status})
	}
	if _, err := s.Billing.RecordUsage(ctx, a.OrgID, recs); err != nil {
		return apperr.As(err)
	}
	return nil
}

func (s Services) workspaces(ctx context.Context, a org.Actor) ([]string, error) {
	list, err := s.Workspaces.List(ctx, a, false)
	if err != nil {
		return nil, err
	}
	ids := []string{list[0].ID}
	for _, w := range workspaceNames {
		made, err := s.Workspaces.Create(ctx, a, w.name, w.desc)
		if err != nil {
			return nil, err
		}
		ids = append(ids, made.ID)
	}
	return ids, nil
}

// members invites 24 people and signs them up with their codes, each into
// one or two workspaces.
func (s Services) members(ctx context.Context, a org.Actor, wsIDs []string, r *rand.Rand) ([]org.Actor, error) {
	roles := []org.Role{org.Admin, org.Admin, org.Billing}
	var out []org.Actor
	for i, p := range people {
		role := org.Member
		if i < len(roles) {
			role = roles[i]
		}
		email := fmt.Sprintf("%s.%d@nimbus.example", asciiName(p[0]), i+1)
		ws := []string{wsIDs[1+i%(len(wsIDs)-1)]}
		if r.IntN(3) == 0 {
			ws = append(ws, wsIDs[0])
		}
		issued, err := s.Orgs.Invite(ctx, a, org.InviteInput{Emails: []string{email}, Role: string(role), WorkspaceIDs: ws}, account.NormalizeEmail)
		if err != nil {
			return nil, fmt.Errorf("demo: invite %s: %w", email, err)
		}
		token := issued[0].Token
		signed, err := s.Accounts.SignUp(ctx, account.SignUpInput{Email: email, FirstName: p[0], LastName: p[1],
			Password: "a demo member password", Language: []string{"en", "fr", "de", "es", "pl", "it", "pt-BR", "ar"}[i%8],
			Device: "demo", Join: func(ctx context.Context, tx *sql.Tx, u *account.User) error {
				j, err := s.Orgs.Accept(ctx, tx, u.ID, u.Email, token)
				u.OrgID, u.Role = j.OrgID, string(j.Role)
				return err
			}})
		if err != nil {
			return nil, fmt.Errorf("demo: member %s: %w", email, err)
		}
		out = append(out, org.Actor{UserID: signed.User.ID, OrgID: a.OrgID})
	}
	return out, nil
}

func asciiName(s string) string {
	out := []rune{}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			out = append(out, c|0x20)
		case c == 'é' || c == 'è':
			out = append(out, 'e')
		case c == 'ú' || c == 'ü':
			out = append(out, 'u')
		case c == 'ã' || c == 'á' || c == 'à':
			out = append(out, 'a')
		case c == 'ó' || c == 'ö':
			out = append(out, 'o')
		case c == 'í':
			out = append(out, 'i')
		}
	}
	return string(out)
}

type demoKey struct{ workspace, key string }

func (s Services) keysAndResources(ctx context.Context, a org.Actor, wsIDs []string, _ []org.Actor, r *rand.Rand) ([]demoKey, error) {
	var keys []demoKey
	kinds := workspace.ResourceKinds
	for wi, ws := range wsIDs {
		for k, name := range []string{"Production", "Staging", "Nightly batch"} {
			if wi == 0 && k > 0 {
				break
			}
			made, err := s.Workspaces.CreateKey(ctx, a, ws, workspace.KeyInput{Name: name})
			if err != nil {
				return nil, fmt.Errorf("demo: key: %w", err)
			}
			keys = append(keys, demoKey{ws, made.ID})
		}
		for i := range 4 + r.IntN(6) {
			kind := kinds[r.IntN(len(kinds))]
			if _, err := s.Workspaces.AddResource(ctx, a, ws, kind, fmt.Sprintf("%s-%02d", kind, i+1), r.Int64N(2_000_000_000)); err != nil {
				return nil, err
			}
		}
	}
	return keys, nil
}

// usage records 180 days of traffic, per day, key and model, growing slowly.
func (s Services) usage(ctx context.Context, orgID string, keys []demoKey, r *rand.Rand) error {
	start := s.Now.AddDate(0, 0, -180).Truncate(24 * time.Hour)
	var recs []billing.Record
	for d := range 180 {
		day := start.AddDate(0, 0, d)
		growth := int64(100 + d)
		for ki, k := range keys {
			for mi, m := range models {
				if (ki+mi+d)%3 == 0 {
					continue
				}
				in := growth * int64(2_000+r.IntN(30_000)) * int64(1+mi%3)
				recs = append(recs, billing.Record{ID: fmt.Sprintf("demo-%d-%d-%s", d, ki, m), Time: day.Add(time.Duration(r.IntN(86_400)) * time.Second),
					WorkspaceID: k.workspace, APIKeyID: k.key, Model: m, InputTokens: in, OutputTokens: in / int64(3+mi),
					Requests: growth * int64(1+r.IntN(40))})
			}
		}
	}
	if _, err := s.Billing.RecordUsage(ctx, orgID, recs); err != nil {
		return apperr.As(err)
	}
	return nil
}

// invoicesAndLimits issues the last six monthly invoices (all but the last
// two paid) and sets spending limits.
func (s Services) invoicesAndLimits(ctx context.Context, a org.Actor, wsIDs []string) error {
	month := time.Date(s.Now.Year(), s.Now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i := 6; i >= 1; i-- {
		start := month.AddDate(0, -i, 0)
		// Issued on the first day after the period, as the billing run does.
		issuer := *s.Billing
		issuer.Now = func() time.Time { return start.AddDate(0, 1, 0).Add(6 * time.Hour) }
		inv, err := issuer.IssueInvoice(ctx, a.OrgID, start, start.AddDate(0, 1, 0))
		if err != nil {
			return fmt.Errorf("demo: invoice: %w", err)
		}
		if i > 2 {
			if err := s.Billing.MarkPaid(ctx, a, inv.ID); err != nil {
				return err
			}
		}
	}
	orgLimit := int64(2_000_000) // 20,000.00 €
	if err := s.Billing.SetOrgSpendLimit(ctx, a, &orgLimit); err != nil {
		return err
	}
	wsLimit := int64(400_000)
	_, err := s.Workspaces.SetLimits(ctx, a, wsIDs[2], workspace.LimitsInput{MonthlySpend: &wsLimit})
	return err
}
