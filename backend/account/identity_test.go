package account_test

import (
	"strings"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
)

func google(sub, email string) account.Identity {
	return account.Identity{Provider: "google", Subject: sub, Email: email, EmailVerified: true,
		GivenName: "Grace", FamilyName: "Hopper"}
}

func TestProviderSignInCreatesAPasswordlessAccountOnce(t *testing.T) {
	e := newEnv(t)
	first, err := e.svc.SignInWithIdentity(e.ctx, google("g-1", "grace@example.com"), "fr", "laptop", nil)
	if err != nil || first.Token == "" {
		t.Fatalf("%+v %v", first, err)
	}
	u := first.User
	if u.FirstName != "Grace" || u.LastName != "Hopper" || u.Language != "fr" || u.Role != "owner" {
		t.Errorf("new user %+v", u)
	}
	// The same identity signs in to the same account.
	again, err := e.svc.SignInWithIdentity(e.ctx, google("g-1", "grace@example.com"), "en", "laptop", nil)
	if err != nil || again.User.ID != u.ID {
		t.Fatalf("second sign-in: %+v %v", again, err)
	}
	// No password was set: no password opens it.
	if _, err := e.svc.SignIn(e.ctx, "grace@example.com", "", "d"); apperr.Code(err) != "auth.invalid_credentials" {
		t.Fatalf("empty password: %v", err)
	}
	m, err := e.svc.SignInMethods(e.ctx, u.Actor())
	if err != nil || m.HasPassword || len(m.Identities) != 1 || m.Identities[0].Provider != "google" {
		t.Fatalf("methods %+v %v", m, err)
	}
	// The last way in cannot be removed.
	wantErr(t, e.svc.UnlinkIdentity(e.ctx, u.Actor(), "google"), "identity.last_method", "")
	// Setting a password takes a recent sign-in instead of the current one.
	if err := e.svc.ChangePassword(e.ctx, u.Actor(), "", goodPW); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.UnlinkIdentity(e.ctx, u.Actor(), "google"); err != nil {
		t.Fatal(err)
	}
	acts := strings.Join(e.actions(), " ")
	for _, a := range []string{"user.signed_up", "identity.linked", "identity.unlinked", "user.signed_in"} {
		if !strings.Contains(acts, a) {
			t.Errorf("no %s event in %s", a, acts)
		}
	}
	e.verifyAudit()
}

func TestProviderEmailOfAnotherAccountIsNeverMerged(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada", "Lovelace")
	before := e.counts()
	_, err := e.svc.SignInWithIdentity(e.ctx, google("g-ada", "ADA@example.com"), "en", "d", nil)
	wantErr(t, err, "identity.email_in_use", "")
	e.wantCounts(before, nil)
	// Unverified emails do not make accounts either.
	id := google("g-x", "x@example.com")
	id.EmailVerified = false
	_, err = e.svc.SignInWithIdentity(e.ctx, id, "en", "d", nil)
	wantErr(t, err, "identity.email_unverified", "")
	e.wantCounts(before, nil)
	// Linked from the profile, it signs in to Ada's account.
	if err := e.svc.LinkIdentity(e.ctx, ada.User.Actor(), google("g-ada", "ada@gmail.example")); err != nil {
		t.Fatal(err)
	}
	s, err := e.svc.SignInWithIdentity(e.ctx, google("g-ada", "ada@gmail.example"), "en", "d", nil)
	if err != nil || s.User.ID != ada.User.ID {
		t.Fatalf("%+v %v", s, err)
	}
}

func TestLinkingRules(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada", "Lovelace")
	bob := e.signUp("bob@example.com", "Bob", "Other")
	a := ada.User.Actor()
	if err := e.svc.LinkIdentity(e.ctx, a, google("g-ada", "ada@example.com")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.LinkIdentity(e.ctx, a, google("g-ada", "ada@example.com")), "identity.already_linked", "")
	wantErr(t, e.svc.LinkIdentity(e.ctx, a, google("g-ada-2", "ada@example.com")), "identity.provider_already_linked", "")
	wantErr(t, e.svc.LinkIdentity(e.ctx, bob.User.Actor(), google("g-ada", "ada@example.com")), "identity.linked_elsewhere", "")
	wantErr(t, e.svc.LinkIdentity(e.ctx, a, account.Identity{Provider: "myspace", Subject: "1"}), "identity.provider_unknown", "")
	wantErr(t, e.svc.UnlinkIdentity(e.ctx, a, "apple"), "identity.not_linked", "")
	// Linking adds a way in: it takes a recent authentication.
	e.clock.Advance(account.RecentAuthWindow + time.Second)
	ms := account.Identity{Provider: "microsoft", Subject: "m-1", Email: "ada@example.com", EmailVerified: true}
	wantErr(t, e.svc.LinkIdentity(e.ctx, a, ms), "auth.reauth_required", "")
	// A fresh provider sign-in counts as that recent authentication.
	if err := e.svc.ReauthenticateWithIdentity(e.ctx, a, google("g-ada", ""), ""); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.LinkIdentity(e.ctx, a, ms); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.svc.ReauthenticateWithIdentity(e.ctx, bob.User.Actor(), google("g-ada", ""), ""), "identity.not_linked", "")
	m, _ := e.svc.SignInMethods(e.ctx, a)
	if len(m.Identities) != 2 || m.Identities[0].Provider != "google" || m.Identities[1].Provider != "microsoft" {
		t.Errorf("methods %+v", m)
	}
}

func TestProviderSignInAsksForTheSecondFactor(t *testing.T) {
	e := newEnv(t)
	first, err := e.svc.SignInWithIdentity(e.ctx, google("g-1", "grace@example.com"), "en", "d", nil)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := e.enroll(first)
	s, err := e.svc.SignInWithIdentity(e.ctx, google("g-1", "grace@example.com"), "en", "d", nil)
	if err != nil || s.Challenge == "" || s.Token != "" {
		t.Fatalf("%+v %v", s, err)
	}
	signed, err := e.svc.CompleteSignIn(e.ctx, s.Challenge, e.code(secret, 1), nil)
	if err != nil || signed.Token == "" {
		t.Fatal(err)
	}
	list, _ := e.svc.Sessions(e.ctx, signed.User.Actor())
	if list[0].Method != "google+totp" {
		t.Errorf("session method %q", list[0].Method)
	}
}
