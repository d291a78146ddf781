package account_test

import (
	"bytes"
	"encoding/base32"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
)

// RFC 6238 appendix B: the seeds are the ASCII digits repeated to the hash's
// length; the codes have eight digits.
func TestTOTPMatchesRFC6238Vectors(t *testing.T) {
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, v := range vectors {
		step := account.TOTPStep(time.Unix(v.unix, 0))
		for alg, want := range map[string]string{"SHA1": v.sha1, "SHA256": v.sha256, "SHA512": v.sha512} {
			secret := base32.StdEncoding.EncodeToString([]byte(seeds[alg]))
			got, err := account.TOTPCode(secret, step, 8, alg)
			if err != nil || got != want {
				t.Errorf("T=%d %s: got %q (%v), want %q", v.unix, alg, got, err, want)
			}
		}
	}
}

// code is the app's six-digit code for secret at the step d steps from now.
func (e *env) code(secret string, d int) string {
	e.t.Helper()
	step := uint64(int64(account.TOTPStep(e.clock.Now())) + int64(d))
	c, err := account.TOTPCode(secret, step, 6, "SHA1")
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// enroll turns MFA on for the signed-in user and returns the secret and the
// recovery codes.
func (e *env) enroll(s account.Signed) (string, []string) {
	e.t.Helper()
	en, err := e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor())
	if err != nil {
		e.t.Fatal(err)
	}
	codes, err := e.svc.ConfirmMFAEnrollment(e.ctx, s.User.Actor(), e.code(en.Secret, 0))
	if err != nil {
		e.t.Fatal(err)
	}
	return en.Secret, codes
}

// challenge signs in with the password and expects the second-factor step.
func (e *env) challenge(email string) string {
	e.t.Helper()
	s, err := e.svc.SignIn(e.ctx, email, goodPW, "laptop")
	if err != nil {
		e.t.Fatal(err)
	}
	if s.Challenge == "" || s.Token != "" {
		e.t.Fatalf("sign-in with MFA on gave %+v, want a challenge and no token", s)
	}
	return s.Challenge
}

func TestEnrollmentShowsQRCodeAndSecret(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	en, err := e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(en.QRCode, []byte("\x89PNG\r\n\x1a\n")) {
		t.Error("QR code is not a PNG")
	}
	if raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(en.Secret); err != nil || len(raw) != 20 {
		t.Errorf("secret %q: %d bytes, %v; want 160 bits of base32", en.Secret, len(raw), err)
	}
	if !strings.HasPrefix(en.URI, "otpauth://totp/") || !strings.Contains(en.URI, "secret="+en.Secret) ||
		!strings.Contains(en.URI, "period=30") || !strings.Contains(en.URI, "digits=6") {
		t.Errorf("URI %q", en.URI)
	}
	if got := account.GroupSecret("ABCDEFGHIJ"); got != "ABCD EFGH IJ" {
		t.Errorf("GroupSecret = %q", got)
	}
	// A wrong code does not turn MFA on; the right one does.
	_, err = e.svc.ConfirmMFAEnrollment(e.ctx, s.User.Actor(), e.code(en.Secret, 3))
	wantErr(t, err, "mfa.code_invalid", "code")
	if st, _ := e.svc.MFA(e.ctx, s.User.Actor()); st.Enabled {
		t.Fatal("MFA on after a wrong code")
	}
	codes, err := e.svc.ConfirmMFAEnrollment(e.ctx, s.User.Actor(), e.code(en.Secret, 0))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := e.svc.MFA(e.ctx, s.User.Actor())
	if !st.Enabled || st.RecoveryCodesLeft != 10 || len(codes) != 10 {
		t.Fatalf("status %+v with %d codes", st, len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if !regexp.MustCompile(`^[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}$`).MatchString(c) || seen[c] {
			t.Errorf("recovery code %q malformed or repeated", c)
		}
		seen[c] = true
	}
	if _, err := e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor()); apperr.Code(err) != "mfa.already_enabled" {
		t.Errorf("second enrolment: %v", err)
	}
	acts := strings.Join(e.actions(), " ")
	if !strings.Contains(acts, "mfa.enrollment_started") || !strings.Contains(acts, "mfa.enabled") {
		t.Errorf("audit: %s", acts)
	}
	e.verifyAudit()
}

func TestEnrollmentNeedsRecentAuthAndTheKeychain(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	e.clock.Advance(account.RecentAuthWindow + time.Second)
	_, err := e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor())
	wantErr(t, err, "auth.reauth_required", "")
	if err := e.svc.Reauthenticate(e.ctx, s.User.Actor(), goodPW, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor()); err != nil {
		t.Fatal(err)
	}
	e.svc.Sealer = nil
	_, err = e.svc.BeginMFAEnrollment(e.ctx, s.User.Actor())
	wantErr(t, err, "mfa.keychain_unavailable", "")
}

func TestSignInAsksForTheSecondFactor(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, _ := e.enroll(s)
	before := e.counts()
	ch := e.challenge("ada@example.com")
	e.wantCounts(before, map[string]int{}) // no session, no sign-in event yet

	e.clock.Advance(30 * time.Second)
	signed, err := e.svc.CompleteSignIn(e.ctx, ch, e.code(secret, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.svc.Authenticate(e.ctx, signed.Token)
	if err != nil || u.ID != s.User.ID {
		t.Fatalf("session: %+v %v", u, err)
	}
	evs := e.eventsSince(0)
	if last := evs[len(evs)-1]; last.Action != "user.signed_in" || !strings.Contains(last.Details, `"method":"password+totp"`) {
		t.Errorf("last event %+v", last)
	}
	// The challenge is spent.
	_, err = e.svc.CompleteSignIn(e.ctx, ch, e.code(secret, 1), nil)
	wantErr(t, err, "auth.challenge_expired", "")

	// A challenge lives five minutes.
	ch = e.challenge("ada@example.com")
	e.clock.Advance(5*time.Minute + time.Second)
	_, err = e.svc.CompleteSignIn(e.ctx, ch, e.code(secret, 0), nil)
	wantErr(t, err, "auth.challenge_expired", "")
	_, err = e.svc.CompleteSignIn(e.ctx, "acm_forged", e.code(secret, 0), nil)
	wantErr(t, err, "auth.challenge_expired", "")
}

func TestTOTPCodeCountsOnceWithinOneStepEitherWay(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, _ := e.enroll(s) // spends the current step
	try := func(d int) error {
		t.Helper()
		_, err := e.svc.CompleteSignIn(e.ctx, e.challenge("ada@example.com"), e.code(secret, d), nil)
		e.db.Exec(`DELETE FROM signin_failures`) // this test is about codes, not the delay
		return err
	}
	wantErr(t, try(0), "mfa.code_reused", "code") // the enrolment's code, again
	e.clock.Advance(10 * 30 * time.Second)
	wantErr(t, try(-2), "mfa.code_invalid", "code")
	wantErr(t, try(+2), "mfa.code_invalid", "code")
	if err := try(-1); err != nil {
		t.Fatalf("one step early: %v", err)
	}
	wantErr(t, try(-1), "mfa.code_reused", "code")
	if err := try(+1); err != nil {
		t.Fatalf("one step late: %v", err)
	}
	// The current step is older than the last accepted one: refused.
	wantErr(t, try(0), "mfa.code_reused", "code")
}

func TestRecoveryCodesWorkOnceEach(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	_, codes := e.enroll(s)
	for i, c := range codes[:3] {
		typed := c
		if i == 1 {
			typed = " " + strings.ToUpper(strings.ReplaceAll(c, "-", "")) + " " // pasted differently
		}
		if _, err := e.svc.CompleteSignIn(e.ctx, e.challenge("ada@example.com"), typed, nil); err != nil {
			t.Fatalf("recovery code %d: %v", i, err)
		}
		_, err := e.svc.CompleteSignIn(e.ctx, e.challenge("ada@example.com"), c, nil)
		wantErr(t, err, "mfa.code_invalid", "code")
		e.db.Exec(`DELETE FROM signin_failures`)
	}
	st, _ := e.svc.MFA(e.ctx, s.User.Actor())
	if st.RecoveryCodesLeft != 7 {
		t.Errorf("%d codes left, want 7", st.RecoveryCodesLeft)
	}
	var used []event
	for _, ev := range e.events() {
		if ev.Action == "mfa.recovery_code_used" {
			used = append(used, ev)
		}
	}
	if len(used) != 3 || !strings.Contains(used[2].Details, `"remaining":7`) {
		t.Errorf("recovery-code events: %+v", used)
	}
	// Regenerating replaces them all.
	fresh, err := e.svc.RegenerateRecoveryCodes(e.ctx, s.User.Actor())
	if err != nil || len(fresh) != 10 {
		t.Fatal(len(fresh), err)
	}
	_, err = e.svc.CompleteSignIn(e.ctx, e.challenge("ada@example.com"), codes[5], nil)
	wantErr(t, err, "mfa.code_invalid", "code")
	if _, err := e.svc.CompleteSignIn(e.ctx, e.challenge("ada@example.com"), fresh[0], nil); err != nil {
		t.Fatal(err)
	}
	e.verifyAudit()
}

func TestWrongCodesCountTowardTheSignInDelay(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, _ := e.enroll(s)
	ch := e.challenge("ada@example.com")
	for range 3 {
		_, err := e.svc.CompleteSignIn(e.ctx, ch, "000000", nil)
		if c := apperr.Code(err); c != "mfa.code_invalid" {
			t.Fatalf("wrong code: %v", err)
		}
	}
	_, err := e.svc.CompleteSignIn(e.ctx, ch, e.code(secret, 1), nil)
	if apperr.Code(err) != "auth.throttled" {
		t.Fatalf("after three wrong codes: %v", err)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := e.svc.CompleteSignIn(e.ctx, ch, e.code(secret, 1), nil); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
	n := 0
	for _, a := range e.actions() {
		if a == "user.mfa_failed" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d user.mfa_failed events, want 3", n)
	}
}

func TestDisablingMFANeedsPasswordAndCode(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, _ := e.enroll(s)
	a := s.User.Actor()
	e.clock.Advance(30 * time.Second)
	wantErr(t, e.svc.DisableMFA(e.ctx, a, otherPW, e.code(secret, 0)), "password.wrong", "password")
	e.db.Exec(`DELETE FROM signin_failures`)
	wantErr(t, e.svc.DisableMFA(e.ctx, a, goodPW, ""), "mfa.code_required", "code")
	wantErr(t, e.svc.DisableMFA(e.ctx, a, goodPW, "123"), "mfa.code_invalid", "code")
	e.db.Exec(`DELETE FROM signin_failures`)
	// Required by an organization: it stays on.
	e.db.Exec(`UPDATE organizations SET require_mfa = 1`)
	wantErr(t, e.svc.DisableMFA(e.ctx, a, goodPW, e.code(secret, 0)), "mfa.required_by_organization", "")
	e.db.Exec(`UPDATE organizations SET require_mfa = 0`)
	if err := e.svc.DisableMFA(e.ctx, a, goodPW, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.MFA(e.ctx, a); st.Enabled || st.RecoveryCodesLeft != 0 {
		t.Fatalf("after disabling: %+v", st)
	}
	signed, err := e.svc.SignIn(e.ctx, "ada@example.com", goodPW, "d")
	if err != nil || signed.Token == "" {
		t.Fatalf("sign-in without MFA: %+v %v", signed, err)
	}
	if !strings.Contains(strings.Join(e.actions(), " "), "mfa.disabled") {
		t.Error("no mfa.disabled event")
	}
}

func TestReauthenticationAsksForACodeWhenMFAIsOn(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, codes := e.enroll(s)
	a := s.User.Actor()
	e.clock.Advance(account.RecentAuthWindow + time.Minute)
	wantErr(t, e.svc.Reauthenticate(e.ctx, a, goodPW, ""), "mfa.code_required", "code")
	wantErr(t, e.svc.ChangePassword(e.ctx, a, goodPW, otherPW), "auth.reauth_required", "")
	if err := e.svc.Reauthenticate(e.ctx, a, goodPW, e.code(secret, 0)); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ChangePassword(e.ctx, a, goodPW, otherPW); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(account.RecentAuthWindow + time.Minute)
	if err := e.svc.Reauthenticate(e.ctx, a, otherPW, codes[0]); err != nil {
		t.Fatalf("with a recovery code: %v", err)
	}
}

func TestOrganizationPolicyMarksSessionsThatMustEnroll(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	e.db.Exec(`UPDATE organizations SET require_mfa = 1 WHERE id = ?`, s.User.OrgID)
	u, err := e.svc.Authenticate(e.ctx, s.Token)
	if err != nil || !u.MustEnrollMFA {
		t.Fatalf("%+v %v", u, err)
	}
	e.enroll(s)
	if u, _ := e.svc.Authenticate(e.ctx, s.Token); u.MustEnrollMFA {
		t.Fatal("still must enrol after enrolling")
	}
}

func TestDatabaseHoldsNoTOTPSecretOrRecoveryCodeInTheClear(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("ada@example.com", "Ada", "Lovelace")
	secret, codes := e.enroll(s)
	pending := e.signUp("bob@example.com", "Bob", "Pending")
	en, err := e.svc.BeginMFAEnrollment(e.ctx, pending.User.Actor()) // pending, never confirmed
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := e.svc.RegenerateRecoveryCodes(e.ctx, s.User.Actor())
	if err != nil {
		t.Fatal(err)
	}
	find := map[string]string{}
	for name, sec := range map[string]string{"secret": secret, "pending secret": en.Secret} {
		raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(sec)
		if err != nil {
			t.Fatal(err)
		}
		find[name], find[name+" bytes"], find[name+" lower"] = sec, string(raw), strings.ToLower(sec)
	}
	for i, c := range append(codes, fresh...) {
		find["recovery code "+string(rune('a'+i))] = c
		find["recovery code body "+string(rune('a'+i))] = strings.ReplaceAll(c, "-", "")
	}
	check := func(stage string) {
		var all []byte
		for _, suffix := range []string{"", "-wal", "-journal"} {
			b, err := os.ReadFile(e.file + suffix)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		if !bytes.Contains(all, []byte("bob@example.com")) {
			t.Fatalf("%s: positive control missing: the search reads the wrong bytes", stage)
		}
		for what, v := range find {
			if bytes.Contains(all, []byte(v)) {
				t.Errorf("%s: the database files hold the %s in the clear", stage, what)
			}
		}
	}
	check("while open")
	e.db.Close()
	check("after close")
}

func TestSessionsListAndEnd(t *testing.T) {
	e := newEnv(t)
	here := e.signUp("ada@example.com", "Ada", "Lovelace")
	e.clock.Advance(time.Hour)
	phone, _ := e.svc.SignIn(e.ctx, "ada@example.com", goodPW, "phone")
	e.clock.Advance(time.Hour)
	tablet, _ := e.svc.SignIn(e.ctx, "ada@example.com", goodPW, "tablet")
	other := e.signUp("bob@example.com", "Bob", "Other")
	a := here.User.Actor()
	list, err := e.svc.Sessions(e.ctx, a)
	if err != nil || len(list) != 3 || !list[0].Current || list[1].Device != "tablet" || list[2].Device != "phone" {
		t.Fatalf("sessions %+v %v", list, err)
	}
	wantErr(t, e.svc.EndSession(e.ctx, a, here.User.SessionID), "session.is_current", "")
	wantErr(t, e.svc.EndSession(e.ctx, a, other.User.SessionID), "session.not_found", "") // not theirs
	if _, err := e.svc.Authenticate(e.ctx, other.Token); err != nil {
		t.Fatal("another user's session was ended")
	}
	if err := e.svc.EndSession(e.ctx, a, phone.User.SessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, phone.Token); apperr.Code(err) != "auth.session_expired" {
		t.Fatalf("ended session still works: %v", err)
	}
	n, err := e.svc.EndOtherSessions(e.ctx, a)
	if err != nil || n != 1 {
		t.Fatalf("EndOtherSessions = %d, %v", n, err)
	}
	if _, err := e.svc.Authenticate(e.ctx, tablet.Token); err == nil {
		t.Fatal("tablet session survived")
	}
	if _, err := e.svc.Authenticate(e.ctx, here.Token); err != nil {
		t.Fatal("the current session was ended")
	}
	acts := strings.Join(e.actions(), " ")
	if !strings.Contains(acts, "session.ended ") || !strings.Contains(acts, "session.ended_others") {
		t.Errorf("audit: %s", acts)
	}
	e.verifyAudit()
}
