package billing_test

import (
	"context"
	"database/sql"
	"sync/atomic"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

// Raising or removing the organization's spend limit needs a recent password
// proof of the actor's session; lowering it does not. The hook is the real
// one (account.RequireRecentAuth on the test clock), counted.
func TestRaisingTheSpendLimitNeedsRecentAuth(t *testing.T) {
	e := newEnv(t)
	accounts := &account.Service{DB: e.db, Audit: e.log, Defaults: names{}, Now: func() time.Time { return e.now }}
	var calls atomic.Int32
	e.bill.RecentAuth = func(ctx context.Context, q org.Querier, a org.Actor) error {
		calls.Add(1)
		return accounts.RequireRecentAuth(ctx, q, account.Actor{UserID: a.UserID, OrgID: a.OrgID, SessionID: a.SessionID})
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(account.RecentAuthWindow + time.Second) // the sign-up's proof is now too old

	limit := func() *int64 {
		t.Helper()
		var l sql.NullInt64
		if err := e.db.QueryRow(`SELECT monthly_spend_limit FROM organizations WHERE id = ?`, e.owner.OrgID).Scan(&l); err != nil {
			t.Fatal(err)
		}
		if !l.Valid {
			return nil
		}
		return &l.Int64
	}
	events := func() int {
		return e.count(t, `SELECT COUNT(*) FROM audit_events WHERE action = 'limits.org_spend_updated'`)
	}
	i64 := func(v int64) *int64 { return &v }

	// Safe directions: from none to a limit, lower, the same again.
	for _, v := range []int64{10_000, 5_000, 5_000} {
		if err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, i64(v)); err != nil {
			t.Fatalf("set %d with a stale session: %v", v, err)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("lowering asked for a proof %d times", n)
	}
	if l := limit(); l == nil || *l != 5_000 || events() != 3 {
		t.Fatalf("limit %v, %d events", l, events())
	}

	// Authorization first: a Member is forbidden, not asked for a password.
	if _, err := e.db.Exec(`INSERT INTO users(id, email, email_key, first_name, last_name, password_hash, language, created_at, updated_at)
		VALUES ('mem', 'mem@example.com', 'mem@example.com', 'Mem', 'Ber', 'x', 'en', '', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(`INSERT INTO org_members(org_id, user_id, role, joined_at, last_active_at) VALUES (?, 'mem', 'member', '', '')`,
		e.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	if err := e.bill.SetOrgSpendLimit(e.ctx, org.Actor{UserID: "mem", OrgID: e.owner.OrgID}, nil); apperr.Code(err) != "auth.forbidden" {
		t.Fatalf("a Member removing the limit: %v", err)
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("the hook was asked for a Member's refused request")
	}

	// Raising and removing are refused with a stale session and change nothing.
	for _, v := range []*int64{i64(5_001), nil} {
		err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, v)
		if apperr.Code(err) != "auth.reauth_required" {
			t.Fatalf("raise to %v with a stale session: %v", v, err)
		}
		if l := limit(); l == nil || *l != 5_000 || events() != 3 {
			t.Fatalf("after a refused raise: limit %v, %d events", l, events())
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("the hook was asked %d times, want 2", n)
	}

	// A session with a fresh password proof (a new sign-in here;
	// Reauthenticate is account's own test) raises and removes it.
	signed, err := accounts.SignIn(e.ctx, "fin@example.com", "money is integer minor units", "test")
	if err != nil {
		t.Fatal(err)
	}
	fresh := org.Actor{UserID: signed.User.ID, OrgID: signed.User.OrgID, SessionID: signed.User.SessionID}
	if err := e.bill.SetOrgSpendLimit(e.ctx, fresh, i64(20_000)); err != nil {
		t.Fatal(err)
	}
	if l := limit(); l == nil || *l != 20_000 {
		t.Fatalf("limit %v after raising", l)
	}
	if err := e.bill.SetOrgSpendLimit(e.ctx, fresh, nil); err != nil {
		t.Fatal(err)
	}
	if l := limit(); l != nil || events() != 5 {
		t.Fatalf("limit %v, %d events after removing", l, events())
	}
}
