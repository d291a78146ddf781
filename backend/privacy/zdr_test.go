package privacy_test

// ZDRActive is what package capture asks before turning Data Capture on: it
// must be true exactly while an approved request names the workspace. The
// broader behaviour (validation, permissions, audit) is in backend/domaintest.

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/alexedwards/argon2id"

	"admin-console/backend/account"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
)

type names struct{}

func (names) OrgName(lang, first, last string) string { return first + "'s organization" }
func (names) WorkspaceName(lang string) string        { return "Default workspace" }

type fixture struct {
	ctx     context.Context
	db      *store.DB
	log     *audit.Log
	privacy *privacy.Service
	owner   org.Actor
	ws      string // the default workspace
}

func setup(t *testing.T) *fixture {
	t.Helper()
	account.PasswordParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "privacy.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "audit-key")
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(key)
	accounts := &account.Service{DB: db, Audit: log, Defaults: names{}}
	s, err := accounts.SignUp(ctx, account.SignUpInput{Email: "olga@example.com", FirstName: "Olga", LastName: "Owner",
		Password: "correct horse battery staple", Language: "en", Device: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: ctx, db: db, log: log, privacy: &privacy.Service{DB: db, Audit: log},
		owner: org.Actor{UserID: s.User.ID, OrgID: s.User.OrgID, SessionID: s.User.SessionID}}
	if err := db.QueryRow(`SELECT id FROM workspaces WHERE org_id = ?`, f.owner.OrgID).Scan(&f.ws); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if r, err := log.Verify(ctx, db.DB); err != nil || !r.OK {
			t.Errorf("audit chain: %v %v", r, err)
		}
	})
	return f
}

func (f *fixture) active(t *testing.T, ws string) bool {
	t.Helper()
	on, err := privacy.ZDRActive(f.ctx, f.db, ws)
	if err != nil {
		t.Fatal(err)
	}
	return on
}

func (f *fixture) file(t *testing.T) privacy.Request {
	t.Helper()
	r, err := f.privacy.RequestZDR(f.ctx, f.owner, privacy.RequestInput{Reason: "Health data", Contact: "dpo@example.com",
		WorkspaceIDs: []string{f.ws}}, account.NormalizeEmail)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestZDRActiveOnlyWhileApproved(t *testing.T) {
	f := setup(t)
	if f.active(t, f.ws) {
		t.Fatal("active before any request")
	}
	declined := f.file(t)
	if f.active(t, f.ws) {
		t.Fatal("active while only requested")
	}
	if _, err := f.privacy.DeclineZDR(f.ctx, declined.ID, "Not on this plan"); err != nil {
		t.Fatal(err)
	}
	if f.active(t, f.ws) {
		t.Fatal("active after a decline")
	}
	approved := f.file(t) // a declined request does not stand in the way of a new one
	if _, err := f.privacy.ApproveZDR(f.ctx, approved.ID, ""); err != nil {
		t.Fatal(err)
	}
	// Inside a transaction too, as package capture asks it.
	err := f.db.Tx(f.ctx, func(tx *sql.Tx) error {
		on, err := privacy.ZDRActive(f.ctx, tx, f.ws)
		if err == nil && !on {
			t.Error("not active inside a transaction after approval")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !f.active(t, f.ws) || f.active(t, "no-such-workspace") {
		t.Fatal("ZDRActive does not follow the approval")
	}
	ws, err := privacy.ZDRWorkspaces(f.ctx, f.db, f.owner.OrgID)
	if err != nil || len(ws) != 1 || !ws[f.ws] {
		t.Fatalf("ZDRWorkspaces = %v, %v", ws, err)
	}
}

// Every endpoint has its description in English (the locale tests then ask
// every other language for the same keys), once, and the list says both
// what ZDR covers and what it does not.
func TestEndpointsAreDescribed(t *testing.T) {
	var en map[string]any
	if _, err := toml.DecodeFile(filepath.Join("..", "..", "locales", "en.toml"), &en); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	covered := 0
	for _, e := range privacy.Endpoints {
		if _, ok := en["privacy.zdr.endpoint."+e.Key]; !ok {
			t.Errorf("%s %s: no privacy.zdr.endpoint.%s in locales/en.toml", e.Method, e.Path, e.Key)
		}
		if seen[e.Key] || seen[e.Method+" "+e.Path] || !strings.HasPrefix(e.Path, "/v1/") {
			t.Errorf("%s %s (%s): repeated or malformed", e.Method, e.Path, e.Key)
		}
		seen[e.Key], seen[e.Method+" "+e.Path] = true, true
		if e.Covered {
			covered++
		}
	}
	if covered == 0 || covered == len(privacy.Endpoints) {
		t.Fatalf("%d of %d endpoints covered", covered, len(privacy.Endpoints))
	}
}
