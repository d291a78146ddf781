package domaintest_test

// Sensitive organization and workspace actions need a recent password proof
// of the actor's own session, asked inside the action's transaction after
// authorization and validation, before anything is written. The hook is the
// real one: account.RequireRecentAuth on the env's clock, wired as the
// desktop wires it. (A fresh password sign-in stands for the proof here;
// Reauthenticate itself is tested with package account.)

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/workspace"
)

// requireRecentAuth wires account.RequireRecentAuth into the env's
// organization and workspace services, as desktop.Open does, and counts how
// often it is asked.
func (e *env) requireRecentAuth() *atomic.Int32 {
	calls := new(atomic.Int32)
	hook := func(ctx context.Context, q org.Querier, a org.Actor) error {
		calls.Add(1)
		return e.acct.RequireRecentAuth(ctx, q, account.Actor{UserID: a.UserID, OrgID: a.OrgID, SessionID: a.SessionID})
	}
	e.org.RecentAuth, e.ws.RecentAuth = hook, hook
	return calls
}

// stale moves the clock just past the recent-authentication window of every
// session the fixture started.
func (e *env) stale() { e.clock.Advance(account.RecentAuthWindow + time.Second) }

func TestRecentAuthForSensitiveActions(t *testing.T) {
	base, f := buildFixture(t)
	owner := f.actors[asOwner]
	cases := []struct {
		name   string
		setup  func(t *testing.T, e *env) // while the owner's session is fresh
		run    func(e *env, a org.Actor) error
		events []string
	}{
		{name: "org.ChangeRole", events: []string{"member.role_changed"},
			run: func(e *env, a org.Actor) error { return e.org.ChangeRole(e.ctx, a, f.target.ID, string(org.Admin)) }},
		{name: "org.ChangeRole/demote an admin", events: []string{"member.role_changed"},
			run: func(e *env, a org.Actor) error {
				return e.org.ChangeRole(e.ctx, a, f.actors[asAdmin].ID, string(org.Member))
			}},
		{name: "org.TransferOwnership", events: []string{"organization.ownership_transferred"},
			run: func(e *env, a org.Actor) error { return e.org.TransferOwnership(e.ctx, a, f.target.ID) }},
		{name: "org.Delete", events: []string{"organization.deleted"},
			run: func(e *env, a org.Actor) error { return e.org.Delete(e.ctx, a, f.orgName) }},
		{name: "workspace.ChangeMemberRole", events: []string{"workspace.member_role_changed"},
			run: func(e *env, a org.Actor) error {
				return e.ws.ChangeMemberRole(e.ctx, a, f.w, f.target.ID, workspace.RoleAdmin)
			}},
		{name: "workspace.Delete", events: []string{"workspace.deleted"},
			run: func(e *env, a org.Actor) error { return e.ws.Delete(e.ctx, a, f.w, f.wName) }},
		{name: "workspace.SetLimits/raise spend", events: []string{"limits.updated"},
			setup: func(t *testing.T, e *env) {
				_ = must(e.ws.SetLimits(e.ctx, owner.Actor(), f.w, workspace.LimitsInput{MonthlySpend: ptr(100_00)}))(t)
			},
			run: func(e *env, a org.Actor) error {
				_, err := e.ws.SetLimits(e.ctx, a, f.w, workspace.LimitsInput{MonthlySpend: ptr(100_01)})
				return err
			}},
		{name: "workspace.SetLimits/remove spend", events: []string{"limits.updated"},
			setup: func(t *testing.T, e *env) {
				_ = must(e.ws.SetLimits(e.ctx, owner.Actor(), f.w, workspace.LimitsInput{MonthlySpend: ptr(100_00)}))(t)
			},
			run: func(e *env, a org.Actor) error {
				_, err := e.ws.SetLimits(e.ctx, a, f.w, workspace.LimitsInput{MonthlySpend: nil})
				return err
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := base.clone(t)
			calls := e.requireRecentAuth()
			if c.setup != nil {
				c.setup(t, e)
			}
			e.stale()

			// A stale session is refused and nothing is written.
			before, n := e.snapshot(), calls.Load()
			wantCode(t, c.run(e, owner.Actor()), "auth.reauth_required")
			e.unchanged(t, before)
			if calls.Load() != n+1 {
				t.Errorf("the hook was asked %d times, want once", calls.Load()-n)
			}

			// The proof is the acting session's own: a password sign-in
			// elsewhere does not make the old session recent, but the new
			// session may act.
			signed := must(e.acct.SignIn(e.ctx, owner.Email, password, "another device"))(t)
			fresh := person{User: signed.User, Token: signed.Token}
			if fresh.SessionID == owner.SessionID || fresh.OrgID != owner.OrgID {
				t.Fatalf("sign-in gave session %q in %q", fresh.SessionID, fresh.OrgID)
			}
			before = e.snapshot()
			wantCode(t, c.run(e, owner.Actor()), "auth.reauth_required")
			e.unchanged(t, before)

			mark, n := e.mark(), calls.Load()
			ok(t, c.run(e, fresh.Actor()))
			e.wantEvents(t, mark, c.events...)
			if calls.Load() != n+1 {
				t.Errorf("the hook was asked %d times, want once", calls.Load()-n)
			}
		})
	}
}

// TestRecentAuthAfterAuthorizationAndValidation: with every session stale,
// a refused or invalid request gets its own error, not a password prompt,
// and a request that changes nothing (or only lowers a spend limit, or only
// changes rate limits) asks for no proof.
func TestRecentAuthAfterAuthorizationAndValidation(t *testing.T) {
	base, f := buildFixture(t)
	e := base.clone(t)
	calls := e.requireRecentAuth()
	owner, admin := f.actors[asOwner].Actor(), f.actors[asAdmin].Actor()
	_ = must(e.ws.SetLimits(e.ctx, owner, f.w, workspace.LimitsInput{MonthlySpend: ptr(100_00)}))(t)
	e.stale()
	over := func() workspace.LimitsInput {
		l := must(e.ws.GetLimits(e.ctx, owner, f.w))(t)
		return workspace.LimitsInput{MonthlySpend: ptr(200_00),
			Rows: []workspace.LimitRow{{RequestsPerSecond: ptr(l.OrgCeiling.RequestsPerSecond + 1)}}}
	}()

	before := e.snapshot()
	for _, c := range []struct {
		name, code string
		run        func() error
	}{
		{"ChangeRole by a Member", "auth.forbidden", func() error {
			return e.org.ChangeRole(e.ctx, f.actors[asMember].Actor(), f.target.ID, "admin")
		}},
		{"ChangeRole of the Owner by an Admin", "auth.forbidden", func() error {
			return e.org.ChangeRole(e.ctx, admin, f.actors[asOwner].ID, "member")
		}},
		{"ChangeRole to an unknown role", "role.unknown", func() error { return e.org.ChangeRole(e.ctx, owner, f.target.ID, "root") }},
		{"ChangeRole of a stranger", "member.not_found", func() error { return e.org.ChangeRole(e.ctx, owner, "nobody", "admin") }},
		{"ChangeRole of the last Owner", "member.last_owner", func() error {
			return e.org.ChangeRole(e.ctx, owner, f.actors[asOwner].ID, "admin")
		}},
		{"ChangeRole to the same role", "", func() error { return e.org.ChangeRole(e.ctx, owner, f.target.ID, "member") }},
		{"Delete organization by an Admin", "auth.forbidden", func() error { return e.org.Delete(e.ctx, admin, f.orgName) }},
		{"Delete organization, wrong name", "confirm.name_mismatch", func() error { return e.org.Delete(e.ctx, owner, "nope") }},
		{"ChangeMemberRole by a workspace member", "auth.forbidden", func() error {
			return e.ws.ChangeMemberRole(e.ctx, f.actors[asWsMember].Actor(), f.w, f.target.ID, workspace.RoleAdmin)
		}},
		{"ChangeMemberRole by an outsider", "workspace.not_found", func() error {
			return e.ws.ChangeMemberRole(e.ctx, f.actors[asMember].Actor(), f.w, f.target.ID, workspace.RoleAdmin)
		}},
		{"ChangeMemberRole of a non-member", "member.not_found", func() error {
			return e.ws.ChangeMemberRole(e.ctx, owner, f.w, f.spare.ID, workspace.RoleAdmin)
		}},
		{"ChangeMemberRole to the same role", "", func() error {
			return e.ws.ChangeMemberRole(e.ctx, owner, f.w, f.target.ID, workspace.RoleMember)
		}},
		{"Delete workspace by its admin (an org Member)", "auth.forbidden", func() error {
			return e.ws.Delete(e.ctx, f.actors[asWsAdmin].Actor(), f.w, f.wName)
		}},
		{"Delete workspace, wrong name", "confirm.name_mismatch", func() error { return e.ws.Delete(e.ctx, owner, f.w, "nope") }},
		{"SetLimits by a workspace admin", "auth.forbidden", func() error {
			_, err := e.ws.SetLimits(e.ctx, f.actors[asWsAdmin].Actor(), f.w, workspace.LimitsInput{})
			return err
		}},
		{"SetLimits above the organization's ceiling", "limits.exceeds_org", func() error {
			_, err := e.ws.SetLimits(e.ctx, owner, f.w, over)
			return err
		}},
	} {
		err := c.run()
		if c.code == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if got := apperr.Code(err); got != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	e.unchanged(t, before)

	// Safe directions write, with no proof asked.
	mark := e.mark()
	_ = must(e.ws.SetLimits(e.ctx, owner, f.w, workspace.LimitsInput{MonthlySpend: ptr(50_00)}))(t) // lower
	_ = must(e.ws.SetLimits(e.ctx, owner, f.w, workspace.LimitsInput{MonthlySpend: ptr(50_00),      // same spend, rates raised
		Rows: []workspace.LimitRow{{RequestsPerSecond: ptr(1)}}}))(t)
	other := e.defaultWorkspace(f.actors[asOwner])
	_ = must(e.ws.SetLimits(e.ctx, owner, other, workspace.LimitsInput{MonthlySpend: ptr(1_00)}))(t) // none to some
	e.wantEvents(t, mark, "limits.updated", "limits.updated", "limits.updated")
	if n := calls.Load(); n != 0 {
		t.Errorf("the hook was asked %d times, want never", n)
	}
}
