package domaintest_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"admin-console/backend/account"
	"admin-console/backend/org"
	"admin-console/backend/secrets"
)

// withMFA gives the env's account service a data key, so MFA can be used,
// and the organization service the real recent-authentication check.
func (e *env) withMFA() {
	e.t.Helper()
	key, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "data-key")
	if err != nil {
		e.t.Fatal(err)
	}
	if e.acct.Sealer, err = secrets.NewSealer(key); err != nil {
		e.t.Fatal(err)
	}
	e.org.RecentAuth = func(ctx context.Context, q org.Querier, a org.Actor) error {
		return e.acct.RequireRecentAuth(ctx, q, account.Actor{UserID: a.UserID, OrgID: a.OrgID, SessionID: a.SessionID})
	}
}

// enroll turns MFA on for p and returns the TOTP secret.
func (e *env) enroll(p person) string {
	e.t.Helper()
	en, err := e.acct.BeginMFAEnrollment(e.ctx, p.Account())
	if err != nil {
		e.t.Fatal(err)
	}
	code, err := totp.GenerateCode(en.Secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.acct.ConfirmMFAEnrollment(e.ctx, p.Account(), code); err != nil {
		e.t.Fatal(err)
	}
	return en.Secret
}

func (e *env) totp(secret string) string {
	e.t.Helper()
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

func TestRequireMFAPolicy(t *testing.T) {
	e := newEnv(t)
	e.withMFA()
	owner := e.signUp("owner@example.com", "Olive", "Owner")
	e.team(owner)
	admin := e.join(owner, "admin@example.com", "Adam", "Admin", org.Admin)
	member := e.join(owner, "member@example.com", "Mia", "Member", org.Member)

	before := e.snapshot()
	_, err := e.org.SetRequireMFA(e.ctx, member.Actor(), true)
	wantCode(t, err, "auth.forbidden")
	_, err = e.org.SetRequireMFA(e.ctx, admin.Actor(), true)
	wantCode(t, err, "mfa.policy_needs_own_mfa")
	e.unchanged(t, before)

	secret := e.enroll(admin)
	before = e.snapshot()
	e.clock.Advance(account.RecentAuthWindow + time.Second)
	_, err = e.org.SetRequireMFA(e.ctx, admin.Actor(), true)
	wantCode(t, err, "auth.reauth_required")
	e.unchanged(t, before)
	ok(t, e.acct.Reauthenticate(e.ctx, admin.Account(), password, e.totp(secret)))

	mark := e.mark()
	p := must(e.org.SetRequireMFA(e.ctx, admin.Actor(), true))(t)
	if !p.RequireMFA || p.MembersWithoutMFA != 2 {
		t.Fatalf("policy %+v", p)
	}
	e.wantEvents(t, mark, "organization.mfa_policy_changed")

	// Members without MFA may do nothing but enrol until they have it.
	u := must(e.acct.Authenticate(e.ctx, member.Token))(t)
	if !u.MustEnrollMFA {
		t.Fatal("member without MFA is not asked to enrol")
	}
	if u := must(e.acct.Authenticate(e.ctx, admin.Token))(t); u.MustEnrollMFA {
		t.Fatal("admin with MFA is asked to enrol")
	}
	ok(t, e.acct.Reauthenticate(e.ctx, member.Account(), password, ""))
	e.enroll(member)
	if u := must(e.acct.Authenticate(e.ctx, member.Token))(t); u.MustEnrollMFA {
		t.Fatal("still asked to enrol after enrolling")
	}
	// While the policy holds, MFA cannot be turned off.
	wantCode(t, e.acct.DisableMFA(e.ctx, member.Account(), password, "000000"), "mfa.required_by_organization")
	if p := must(e.org.Security(e.ctx, member.Actor()))(t); !p.RequireMFA || p.MembersWithoutMFA != 1 {
		t.Fatalf("policy as the member reads it: %+v", p)
	}
	mark = e.mark()
	ok2 := must(e.org.SetRequireMFA(e.ctx, admin.Actor(), false))(t)
	if ok2.RequireMFA {
		t.Fatal("policy still on")
	}
	e.wantEvents(t, mark, "organization.mfa_policy_changed")
}
