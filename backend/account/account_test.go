package account_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
)

// Passwords used throughout; neither is in the common-password list (checked
// in newEnv).
const (
	goodPW  = "correct horse battery staple"
	otherPW = "an0ther quite long passphrase!"
)

// testDefaults names what sign-up creates, recognizably per language.
type testDefaults struct{}

func (testDefaults) OrgName(lang, first, last string) string {
	return fmt.Sprintf("%s %s's organization [%s]", first, last, lang)
}
func (testDefaults) WorkspaceName(lang string) string { return "Default workspace [" + lang + "]" }

// clock is a settable clock for Service.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	file  string
	svc   *account.Service
	log   *audit.Log
	clock *clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	for _, pw := range []string{goodPW, otherPW} {
		if account.IsCommonPassword(pw) || account.ValidatePassword("password", pw) != nil {
			t.Fatalf("test password %q is not acceptable", pw)
		}
	}
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "account.db")
	db, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "audit-key")
	if err != nil {
		t.Fatal(err)
	}
	dataKey, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "data-key")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := secrets.NewSealer(dataKey)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)}
	log := audit.New(key)
	return &env{t: t, ctx: ctx, db: db, file: file, log: log, clock: c,
		svc: &account.Service{DB: db, Audit: log, Defaults: testDefaults{}, Now: c.Now, Sealer: sealer}}
}

func (e *env) signUp(email, first, last string) account.Signed {
	e.t.Helper()
	s, err := e.svc.SignUp(e.ctx, account.SignUpInput{Email: email, FirstName: first, LastName: last,
		Password: goodPW, Language: "en", Device: "test device"})
	if err != nil {
		e.t.Fatalf("SignUp(%s): %v", email, err)
	}
	return s
}

var countedTables = []string{"users", "organizations", "org_members", "workspaces", "workspace_members",
	"sessions", "audit_events", "signin_failures"}

func (e *env) counts() map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, table := range countedTables {
		var n int
		if err := e.db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func (e *env) wantCounts(before map[string]int, changes map[string]int) {
	e.t.Helper()
	after := e.counts()
	for _, table := range countedTables {
		if want := before[table] + changes[table]; after[table] != want {
			e.t.Errorf("%s: %d rows, want %d", table, after[table], want)
		}
	}
}

type event struct {
	Seq                                   int64
	Action, ActorID, TargetType, TargetID string
	OrgID, WorkspaceID, Details           string
}

func (e *env) events() []event {
	e.t.Helper()
	rows, err := e.db.Query(`SELECT seq, action, actor_id, target_type, target_id, org_id, workspace_id, details
		FROM audit_events ORDER BY seq`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []event
	for rows.Next() {
		var ev event
		if err := rows.Scan(&ev.Seq, &ev.Action, &ev.ActorID, &ev.TargetType, &ev.TargetID, &ev.OrgID, &ev.WorkspaceID, &ev.Details); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func (e *env) actions() []string {
	var out []string
	for _, ev := range e.events() {
		out = append(out, ev.Action)
	}
	return out
}

// eventsSince returns the events recorded after the first n.
func (e *env) eventsSince(n int) []event {
	e.t.Helper()
	evs := e.events()
	if len(evs) < n {
		e.t.Fatalf("only %d events, expected at least %d", len(evs), n)
	}
	return evs[n:]
}

func (e *env) verifyAudit() {
	e.t.Helper()
	r, err := e.log.Verify(e.ctx, e.db.DB)
	if err != nil || !r.OK {
		e.t.Errorf("audit chain: %v %v", r, err)
	}
}

type userRow struct {
	Email, First, Last, Hash, Lang, Updated string
}

func (e *env) userRow(id string) userRow {
	e.t.Helper()
	var u userRow
	if err := e.db.QueryRow(`SELECT email, first_name, last_name, password_hash, language, updated_at FROM users WHERE id = ?`, id).
		Scan(&u.Email, &u.First, &u.Last, &u.Hash, &u.Lang, &u.Updated); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// wantErr checks that err is the coded error code about field.
func wantErr(t *testing.T, err error, code, field string) *apperr.Error {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want coded error %q", err, code)
	}
	if ae.Code != code || ae.Field != field {
		t.Fatalf("err = %s, want code %q field %q", ae, code, field)
	}
	return ae
}

// commonPassword returns a password from the shipped list that is long
// enough to pass the length rule, so only the list rejects it.
func commonPassword(t *testing.T) string {
	t.Helper()
	for _, pw := range []string{"password1234", "qwertyuiop12", "password12345", "123456789012"} {
		if account.IsCommonPassword(pw) && utf8.RuneCountInString(pw) >= account.MinPasswordLen {
			return pw
		}
	}
	t.Fatal("no common password of 12+ characters found in common_passwords.txt")
	return ""
}

// ---------------------------------------------------------------- sign-up

func TestSignUpCreatesEverythingInOneTransaction(t *testing.T) {
	e := newEnv(t)
	if has, err := e.svc.HasUsers(e.ctx); err != nil || has {
		t.Fatalf("HasUsers on an empty database = %v, %v", has, err)
	}
	before := e.counts()
	s, err := e.svc.SignUp(e.ctx, account.SignUpInput{Email: "  Alice.Martin@Example.COM ", FirstName: " Alice ",
		LastName: "Martin", Password: goodPW, Language: "fr", Device: "Alice's laptop"})
	if err != nil {
		t.Fatal(err)
	}
	u := s.User
	if !strings.HasPrefix(s.Token, account.TokenPrefix) || len(s.Token) < len(account.TokenPrefix)+40 {
		t.Errorf("token %q lacks the prefix or entropy", s.Token)
	}
	if u.ID == "" || u.OrgID == "" || u.Email != "Alice.Martin@example.com" || u.FirstName != "Alice" ||
		u.LastName != "Martin" || u.Language != "fr" || u.Role != "owner" || !u.CreatedAt.Equal(e.clock.Now()) {
		t.Errorf("signed-up user = %+v", u)
	}
	e.wantCounts(before, map[string]int{"users": 1, "organizations": 1, "org_members": 1, "workspaces": 1,
		"workspace_members": 1, "sessions": 1, "audit_events": 2})

	var orgName, role string
	if err := e.db.QueryRow(`SELECT o.name, m.role FROM organizations o JOIN org_members m ON m.org_id = o.id
		WHERE o.id = ? AND m.user_id = ?`, u.OrgID, u.ID).Scan(&orgName, &role); err != nil {
		t.Fatal(err)
	}
	if want := (testDefaults{}).OrgName("fr", "Alice", "Martin"); orgName != want || role != "owner" {
		t.Errorf("organization %q role %q, want %q owner", orgName, role, want)
	}
	var wsID, wsName, wsRole string
	if err := e.db.QueryRow(`SELECT w.id, w.name, wm.role FROM workspaces w JOIN workspace_members wm ON wm.workspace_id = w.id
		WHERE w.org_id = ? AND wm.user_id = ?`, u.OrgID, u.ID).Scan(&wsID, &wsName, &wsRole); err != nil {
		t.Fatal(err)
	}
	if wsName != (testDefaults{}).WorkspaceName("fr") || wsRole != "admin" {
		t.Errorf("workspace %q role %q", wsName, wsRole)
	}
	var digest []byte
	var device string
	if err := e.db.QueryRow(`SELECT token_hash, device FROM sessions WHERE user_id = ?`, u.ID).Scan(&digest, &device); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(s.Token)); !bytes.Equal(digest, sum[:]) || device != "Alice's laptop" {
		t.Errorf("session stored as digest %x device %q", digest, device)
	}

	evs := e.events()
	if len(evs) != 2 {
		t.Fatalf("events = %+v", evs)
	}
	if ev := evs[0]; ev.Action != "user.signed_up" || ev.ActorID != u.ID || ev.TargetID != u.ID || ev.OrgID != u.OrgID ||
		!strings.Contains(ev.Details, "Alice.Martin@example.com") {
		t.Errorf("first event = %+v", ev)
	}
	if ev := evs[1]; ev.Action != "workspace.created" || ev.TargetID != wsID || ev.WorkspaceID != wsID || ev.OrgID != u.OrgID {
		t.Errorf("second event = %+v", ev)
	}
	e.verifyAudit()

	got, err := e.svc.Authenticate(e.ctx, s.Token)
	if err != nil || got.ID != u.ID || got.OrgID != u.OrgID || got.Role != "owner" {
		t.Errorf("Authenticate(new token) = %+v, %v", got, err)
	}
	if has, err := e.svc.HasUsers(e.ctx); err != nil || !has {
		t.Errorf("HasUsers after sign-up = %v, %v", has, err)
	}
	if g, err := e.svc.Get(e.ctx, u.Actor()); err != nil || g.Email != u.Email {
		t.Errorf("Get = %+v, %v", g, err)
	}
}

// A failure at any step of sign-up leaves nothing behind: a trigger makes
// one insert fail, and every earlier insert of the action must vanish too.
func TestSignUpIsAtomic(t *testing.T) {
	for _, failOn := range []struct{ table, when string }{
		{"workspace_members", ""},
		{"audit_events", "WHEN NEW.action = 'workspace.created'"},
		{"sessions", ""},
	} {
		t.Run(failOn.table, func(t *testing.T) {
			e := newEnv(t)
			e.signUp("first@example.com", "First", "User")
			if _, err := e.db.Exec(fmt.Sprintf(`CREATE TRIGGER fail_signup BEFORE INSERT ON %s %s
				BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, failOn.table, failOn.when)); err != nil {
				t.Fatal(err)
			}
			before := e.counts()
			_, err := e.svc.SignUp(e.ctx, account.SignUpInput{Email: "second@example.com", FirstName: "Second",
				LastName: "User", Password: goodPW, Language: "en"})
			if err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("SignUp = %v, want the injected failure", err)
			}
			if apperr.Code(err) != apperr.Internal {
				t.Errorf("an uncoded failure has code %q, want internal", apperr.Code(err))
			}
			e.wantCounts(before, nil)
			var n int
			e.db.QueryRow(`SELECT COUNT(*) FROM users WHERE email = 'second@example.com'`).Scan(&n)
			if n != 0 {
				t.Error("user of a failed sign-up exists")
			}
			e.verifyAudit()
		})
	}
}

func TestSignUpRejectsInvalidInputAndChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.signUp("existing@example.com", "Existing", "User")
	common := commonPassword(t)
	valid := account.SignUpInput{Email: "new@example.com", FirstName: "New", LastName: "User", Password: goodPW, Language: "en"}

	cases := []struct {
		name   string
		edit   func(in *account.SignUpInput)
		code   string
		field  string
		params map[string]any
	}{
		{"bad email", func(in *account.SignUpInput) { in.Email = "not-an-email" }, "email.invalid", "email", nil},
		{"email without a dot in the domain", func(in *account.SignUpInput) { in.Email = "a@localhost" }, "email.invalid", "email", nil},
		{"email with a display name", func(in *account.SignUpInput) { in.Email = "New <new@example.com>" }, "email.invalid", "email", nil},
		{"email with two @", func(in *account.SignUpInput) { in.Email = "a@b@example.com" }, "email.invalid", "email", nil},
		{"email too long", func(in *account.SignUpInput) { in.Email = strings.Repeat("a", 250) + "@example.com" }, "email.invalid", "email", nil},
		{"empty email", func(in *account.SignUpInput) { in.Email = "  " }, "email.required", "email", nil},
		{"empty first name", func(in *account.SignUpInput) { in.FirstName = "" }, "name.required", "firstName", nil},
		{"blank first name", func(in *account.SignUpInput) { in.FirstName = " \t " }, "name.required", "firstName", nil},
		{"empty last name", func(in *account.SignUpInput) { in.LastName = "" }, "name.required", "lastName", nil},
		{"first name of 101 runes", func(in *account.SignUpInput) { in.FirstName = strings.Repeat("é", 101) }, "name.too_long", "firstName", map[string]any{"Count": 100}},
		{"last name of 101 runes", func(in *account.SignUpInput) { in.LastName = strings.Repeat("ж", 101) }, "name.too_long", "lastName", map[string]any{"Count": 100}},
		{"control character in a name", func(in *account.SignUpInput) { in.FirstName = "Ne\x00w" }, "name.invalid", "firstName", nil},
		{"newline inside a name", func(in *account.SignUpInput) { in.LastName = "Us\ner" }, "name.invalid", "lastName", nil},
		{"password of 11 runes", func(in *account.SignUpInput) { in.Password = "ééééééééééé" }, "password.too_short", "password", map[string]any{"Count": 12}},
		{"password of 129 runes", func(in *account.SignUpInput) { in.Password = strings.Repeat("x", 129) }, "password.too_long", "password", map[string]any{"Count": 128}},
		{"common password", func(in *account.SignUpInput) { in.Password = common }, "password.too_common", "password", nil},
		{"common password in capitals", func(in *account.SignUpInput) { in.Password = strings.ToUpper(common) }, "password.too_common", "password", nil},
		{"password that is not UTF-8", func(in *account.SignUpInput) { in.Password = strings.Repeat("\xff", 16) }, "password.invalid", "password", nil},
		{"unsupported language", func(in *account.SignUpInput) { in.Language = "xx" }, "language.unsupported", "language", nil},
		{"language in the wrong case", func(in *account.SignUpInput) { in.Language = "EN" }, "language.unsupported", "language", nil},
		{"empty language", func(in *account.SignUpInput) { in.Language = "" }, "language.unsupported", "language", nil},
		{"duplicate email", func(in *account.SignUpInput) { in.Email = "existing@example.com" }, "email.taken", "email", nil},
		{"duplicate email in other case", func(in *account.SignUpInput) { in.Email = "EXISTING@Example.Com" }, "email.taken", "email", nil},
		{"duplicate email with spaces", func(in *account.SignUpInput) { in.Email = " Existing@EXAMPLE.com\n" }, "email.taken", "email", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.counts()
			in := valid
			tc.edit(&in)
			s, err := e.svc.SignUp(e.ctx, in)
			ae := wantErr(t, err, tc.code, tc.field)
			if s.Token != "" {
				t.Error("a token was issued")
			}
			if fmt.Sprint(ae.Params) != fmt.Sprint(tc.params) && !(len(ae.Params) == 0 && len(tc.params) == 0) {
				t.Errorf("params = %v, want %v", ae.Params, tc.params)
			}
			e.wantCounts(before, nil)
		})
	}

	// Boundaries that are accepted.
	in := valid
	in.FirstName = strings.Repeat("é", 100)
	in.Password = strings.Repeat("ü", 12)
	if _, err := e.svc.SignUp(e.ctx, in); err != nil {
		t.Errorf("100-rune name and 12-rune password rejected: %v", err)
	}
	in = valid
	in.Email = "max@example.com"
	in.Password = strings.Repeat("ab", 64) // 128 runes
	in.Language = "pt-BR"
	if _, err := e.svc.SignUp(e.ctx, in); err != nil {
		t.Errorf("128-rune password rejected: %v", err)
	}
	e.verifyAudit()
}

// --------------------------------------------------------------- sign-in

func TestSignInIssuesDistinctWorkingTokens(t *testing.T) {
	e := newEnv(t)
	up := e.signUp("bob@example.com", "Bob", "Builder")
	n := len(e.events())
	tokens := map[string]bool{up.Token: true}
	for i, email := range []string{"bob@example.com", "BOB@EXAMPLE.COM", " Bob@Example.com "} {
		s, err := e.svc.SignIn(e.ctx, email, goodPW, fmt.Sprintf("device %d", i))
		if err != nil {
			t.Fatalf("SignIn(%q): %v", email, err)
		}
		if !strings.HasPrefix(s.Token, "acs_") {
			t.Errorf("token %q lacks the acs_ prefix", s.Token)
		}
		if tokens[s.Token] {
			t.Errorf("sign-in %d reissued a token", i)
		}
		tokens[s.Token] = true
		if s.User.ID != up.User.ID || s.User.OrgID != up.User.OrgID {
			t.Errorf("signed in as %+v", s.User)
		}
	}
	for tok := range tokens {
		if u, err := e.svc.Authenticate(e.ctx, tok); err != nil || u.ID != up.User.ID {
			t.Errorf("Authenticate(%q) = %+v, %v", tok, u, err)
		}
	}
	evs := e.eventsSince(n)
	if len(evs) != 3 {
		t.Fatalf("events = %+v", evs)
	}
	for _, ev := range evs {
		if ev.Action != "user.signed_in" || ev.ActorID != up.User.ID || ev.OrgID != up.User.OrgID {
			t.Errorf("event %+v", ev)
		}
	}
	var sessions int
	e.db.QueryRow(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, up.User.ID).Scan(&sessions)
	if sessions != 4 {
		t.Errorf("%d sessions, want 4", sessions)
	}
	e.verifyAudit()

	// Tokens that were never issued.
	for _, bad := range []string{"", "acs_", "acs_" + strings.Repeat("A", 43), "xyz_" + strings.TrimPrefix(up.Token, "acs_"),
		strings.TrimPrefix(up.Token, "acs_"), up.Token + "x", "acs_" + strings.Repeat("A", 200)} {
		_, err := e.svc.Authenticate(e.ctx, bad)
		wantErr(t, err, "auth.session_expired", "")
	}
}

func TestSignInFailureIsTheSameForWrongPasswordAndUnknownEmail(t *testing.T) {
	e := newEnv(t)
	up := e.signUp("carol@example.com", "Carol", "Singer")
	before := e.counts()
	n := len(e.events())

	_, errWrong := e.svc.SignIn(e.ctx, "carol@example.com", otherPW, "d")
	_, errUnknown := e.svc.SignIn(e.ctx, "nobody@example.com", otherPW, "d")
	a := wantErr(t, errWrong, "auth.invalid_credentials", "")
	b := wantErr(t, errUnknown, "auth.invalid_credentials", "")
	if errWrong.Error() != errUnknown.Error() || len(a.Params) != 0 || len(b.Params) != 0 {
		t.Errorf("the two failures differ: %q vs %q", errWrong, errUnknown)
	}
	// Both are audited, neither starts a session.
	e.wantCounts(before, map[string]int{"audit_events": 2, "signin_failures": 2})
	evs := e.eventsSince(n)
	if evs[0].Action != "user.signin_failed" || evs[0].TargetID != up.User.ID || evs[0].OrgID != up.User.OrgID ||
		!strings.Contains(evs[0].Details, `"email":"carol@example.com"`) || !strings.Contains(evs[0].Details, `"failures":1`) {
		t.Errorf("failure event for a known email = %+v", evs[0])
	}
	if evs[1].Action != "user.signin_failed" || evs[1].TargetID != "" || evs[1].OrgID != "" ||
		!strings.Contains(evs[1].Details, `"email":"nobody@example.com"`) {
		t.Errorf("failure event for an unknown email = %+v", evs[1])
	}
	for _, ev := range evs {
		if strings.Contains(ev.Details, otherPW) {
			t.Errorf("the attempted password is in the audit log: %s", ev.Details)
		}
	}
	e.verifyAudit()

	// A password far too long is rejected the same way, without hashing it.
	_, err := e.svc.SignIn(e.ctx, "carol@example.com", strings.Repeat("p", 10000), "d")
	wantErr(t, err, "auth.invalid_credentials", "")
	// A malformed email is an input error, not a credential failure.
	_, err = e.svc.SignIn(e.ctx, "carol", goodPW, "d")
	wantErr(t, err, "email.invalid", "email")
}

func TestSignInThrottlesWithGrowingDelays(t *testing.T) {
	e := newEnv(t)
	e.signUp("dave@example.com", "Dave", "Grohl")

	for i := 1; i <= 3; i++ {
		_, err := e.svc.SignIn(e.ctx, "dave@example.com", otherPW, "d")
		wantErr(t, err, "auth.invalid_credentials", "")
	}
	// The 4th attempt is refused even with the right password.
	beforeThrottled := e.counts()
	_, err := e.svc.SignIn(e.ctx, "dave@example.com", goodPW, "d")
	ae := wantErr(t, err, "auth.throttled", "")
	if ae.Params["Count"] != 1 {
		t.Errorf("first delay Count = %v, want 1 (second)", ae.Params["Count"])
	}
	e.wantCounts(beforeThrottled, nil) // a refused attempt writes nothing, starts nothing

	// Each further failure doubles the wait.
	var delays []any
	for i := 0; i < 3; i++ {
		e.clock.Advance(time.Duration(1<<i)*time.Second + time.Millisecond)
		_, err := e.svc.SignIn(e.ctx, "dave@example.com", otherPW, "d")
		wantErr(t, err, "auth.invalid_credentials", "")
		_, err = e.svc.SignIn(e.ctx, "DAVE@example.com", goodPW, "d") // the throttle ignores case
		delays = append(delays, wantErr(t, err, "auth.throttled", "").Params["Count"])
	}
	if fmt.Sprint(delays) != "[2 4 8]" {
		t.Errorf("delays = %v, want [2 4 8] seconds", delays)
	}
	// Part of the wait elapsed: the remaining seconds, rounded up.
	e.clock.Advance(5*time.Second + 500*time.Millisecond)
	_, err = e.svc.SignIn(e.ctx, "dave@example.com", goodPW, "d")
	if c := wantErr(t, err, "auth.throttled", "").Params["Count"]; c != 3 {
		t.Errorf("after 5.5s of 8s, Count = %v, want 3", c)
	}
	// After the wait the right password works and clears the count.
	e.clock.Advance(3 * time.Second)
	if _, err := e.svc.SignIn(e.ctx, "dave@example.com", goodPW, "d"); err != nil {
		t.Fatalf("sign-in after the wait: %v", err)
	}
	var rows int
	e.db.QueryRow(`SELECT COUNT(*) FROM signin_failures`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d failure rows remain after a successful sign-in", rows)
	}
	_, err = e.svc.SignIn(e.ctx, "dave@example.com", otherPW, "d")
	wantErr(t, err, "auth.invalid_credentials", "")
	if _, err := e.svc.SignIn(e.ctx, "dave@example.com", goodPW, "d"); err != nil {
		t.Errorf("one failure after a reset throttles already: %v", err)
	}

	// The delay is capped at 15 minutes however many failures (including
	// counts whose 2^n seconds overflow a time.Duration).
	for _, failures := range []int{13, 40, 58, 61, 62, 63, 64, 70, 100, 1 << 20} {
		if _, err := e.db.Exec(`INSERT INTO signin_failures(email, failures, last_failure_at, throttled_until)
			VALUES ('dave@example.com', ?, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
			ON CONFLICT(email) DO UPDATE SET failures = excluded.failures, throttled_until = excluded.throttled_until`, failures); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.SignIn(e.ctx, "dave@example.com", otherPW, "d")
		wantErr(t, err, "auth.invalid_credentials", "")
		_, err = e.svc.SignIn(e.ctx, "dave@example.com", goodPW, "d")
		if c := wantErr(t, err, "auth.throttled", "").Params["Count"]; c != 900 {
			t.Errorf("after %d failures the delay is %v s, want the 900 s cap", failures+1, c)
		}
	}
	e.verifyAudit()
}

func TestThrottleTreatsUnknownEmailsTheSame(t *testing.T) {
	e := newEnv(t)
	e.signUp("erin@example.com", "Erin", "Known")
	for i := 1; i <= 5; i++ {
		_, errKnown := e.svc.SignIn(e.ctx, "erin@example.com", otherPW, "d")
		_, errUnknown := e.svc.SignIn(e.ctx, "ghost@example.com", otherPW, "d")
		if errKnown == nil || errUnknown == nil || errKnown.Error() != errUnknown.Error() {
			t.Fatalf("attempt %d: known %v, unknown %v: they must be identical", i, errKnown, errUnknown)
		}
		want := "auth.invalid_credentials"
		if i == 4 {
			want = "auth.throttled"
		}
		if c := apperr.Code(errUnknown); c != want {
			t.Errorf("attempt %d: code %q, want %q", i, c, want)
		}
		if i == 4 {
			e.clock.Advance(time.Second + time.Millisecond)
		}
	}
	var known, unknown int
	e.db.QueryRow(`SELECT failures FROM signin_failures WHERE email = 'erin@example.com'`).Scan(&known)
	e.db.QueryRow(`SELECT failures FROM signin_failures WHERE email = 'ghost@example.com'`).Scan(&unknown)
	if known != 4 || unknown != 4 {
		t.Errorf("failures known=%d unknown=%d, want 4 each", known, unknown)
	}
	// One email's failures do not throttle another.
	if _, err := e.svc.SignIn(e.ctx, "erin2@example.com", otherPW, "d"); apperr.Code(err) != "auth.invalid_credentials" {
		t.Errorf("unrelated email: %v", err)
	}
}

// --------------------------------------------------------------- sessions

func TestSessionIdleTimeout(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("fay@example.com", "Fay", "Idle")
	lastSeen := func() string {
		var v string
		e.db.QueryRow(`SELECT last_seen_at FROM sessions WHERE user_id = ?`, s.User.ID).Scan(&v)
		return v
	}
	start := lastSeen()
	e.clock.Advance(30 * time.Second)
	if _, err := e.svc.Authenticate(e.ctx, s.Token); err != nil {
		t.Fatal(err)
	}
	if lastSeen() != start {
		t.Error("last_seen_at written more often than once a minute")
	}
	// Used just within the idle timeout, twice: still alive.
	for i := 0; i < 2; i++ {
		e.clock.Advance(account.IdleTimeout - time.Minute)
		if _, err := e.svc.Authenticate(e.ctx, s.Token); err != nil {
			t.Fatalf("use %d within the idle timeout: %v", i, err)
		}
	}
	if lastSeen() == start {
		t.Error("last_seen_at never refreshed")
	}
	e.clock.Advance(account.IdleTimeout + time.Second)
	_, err := e.svc.Authenticate(e.ctx, s.Token)
	if apperr.Code(err) != "auth.session_expired" {
		t.Fatalf("after idling past the timeout: %v", err)
	}
	var revoked sql.NullString
	e.db.QueryRow(`SELECT revoked_at FROM sessions WHERE user_id = ?`, s.User.ID).Scan(&revoked)
	if !revoked.Valid {
		t.Error("expired session not marked revoked")
	}
	// Gone for good, even if the clock goes back.
	e.clock.Advance(-account.IdleTimeout)
	if _, err := e.svc.Authenticate(e.ctx, s.Token); apperr.Code(err) != "auth.session_expired" {
		t.Errorf("revoked session came back: %v", err)
	}
}

func TestSessionAbsoluteLifetime(t *testing.T) {
	e := newEnv(t)
	s := e.signUp("gus@example.com", "Gus", "Busy")
	start := e.clock.Now()
	for d := 6 * 24 * time.Hour; d < account.AbsoluteLifetime; d += 6 * 24 * time.Hour {
		e.clock.Set(start.Add(d))
		if _, err := e.svc.Authenticate(e.ctx, s.Token); err != nil {
			t.Fatalf("active use at %v: %v", d, err)
		}
	}
	e.clock.Set(start.Add(account.AbsoluteLifetime - time.Minute))
	if _, err := e.svc.Authenticate(e.ctx, s.Token); err != nil {
		t.Fatalf("just before the absolute lifetime: %v", err)
	}
	e.clock.Set(start.Add(account.AbsoluteLifetime + time.Second))
	if _, err := e.svc.Authenticate(e.ctx, s.Token); apperr.Code(err) != "auth.session_expired" {
		t.Errorf("session outlived its absolute lifetime though in use: %v", err)
	}
	// A new sign-in gets a fresh lifetime.
	s2, err := e.svc.SignIn(e.ctx, "gus@example.com", goodPW, "d")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, s2.Token); err != nil {
		t.Errorf("fresh session: %v", err)
	}
}

func TestSignOutRevokesOnlyThatSession(t *testing.T) {
	e := newEnv(t)
	s1 := e.signUp("hal@example.com", "Hal", "Leaves")
	s2, err := e.svc.SignIn(e.ctx, "hal@example.com", goodPW, "second device")
	if err != nil {
		t.Fatal(err)
	}
	n := len(e.events())
	if err := e.svc.SignOut(e.ctx, s1.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, s1.Token); apperr.Code(err) != "auth.session_expired" {
		t.Errorf("signed-out token still works: %v", err)
	}
	if _, err := e.svc.Authenticate(e.ctx, s2.Token); err != nil {
		t.Errorf("the other session ended too: %v", err)
	}
	evs := e.eventsSince(n)
	if len(evs) != 1 || evs[0].Action != "user.signed_out" || evs[0].ActorID != s1.User.ID {
		t.Errorf("sign-out events = %+v", evs)
	}
	// Signing out again, or with nonsense, is a no-op.
	if err := e.svc.SignOut(e.ctx, s1.Token); err != nil {
		t.Errorf("second sign-out: %v", err)
	}
	if err := e.svc.SignOut(e.ctx, "garbage"); err != nil {
		t.Errorf("sign-out of garbage: %v", err)
	}
	if got := len(e.events()); got != n+1 {
		t.Errorf("%d events, want %d: a no-op sign-out was audited", got, n+1)
	}
	e.verifyAudit()
}

// The database file never holds a raw session token or password, whatever
// happened: sign-up, sign-in, failed sign-ins, password change, sign-out.
func TestDatabaseFilesHoldNoRawSecrets(t *testing.T) {
	e := newEnv(t)
	const wrongPW = "my other account's passphrase"
	s1 := e.signUp("ivy@example.com", "Ivy", "Secret")
	s2, err := e.svc.SignIn(e.ctx, "ivy@example.com", goodPW, "d")
	if err != nil {
		t.Fatal(err)
	}
	e.svc.SignIn(e.ctx, "ivy@example.com", wrongPW, "d")
	e.svc.SignIn(e.ctx, "nobody@example.com", wrongPW, "d")
	if err := e.svc.ChangePassword(e.ctx, s1.User.Actor(), goodPW, otherPW); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ChangeEmail(e.ctx, s1.User.Actor(), "ivy.new@example.com", otherPW); err != nil {
		t.Fatal(err)
	}
	s3, err := e.svc.SignIn(e.ctx, "ivy.new@example.com", otherPW, "d")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SignOut(e.ctx, s2.Token); err != nil {
		t.Fatal(err)
	}

	secretsToFind := map[string]string{"password": goodPW, "new password": otherPW, "wrong password": wrongPW}
	for i, tok := range []string{s1.Token, s2.Token, s3.Token} {
		secretsToFind[fmt.Sprintf("token %d", i+1)] = tok
		secretsToFind[fmt.Sprintf("token %d body", i+1)] = strings.TrimPrefix(tok, account.TokenPrefix)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok, account.TokenPrefix))
		if err != nil {
			t.Fatal(err)
		}
		secretsToFind[fmt.Sprintf("token %d bytes", i+1)] = string(raw)
	}
	check := func(stage string, wantWAL bool) {
		t.Helper()
		var all []byte
		for _, suffix := range []string{"", "-wal", "-journal"} {
			b, err := os.ReadFile(e.file + suffix)
			if errors.Is(err, os.ErrNotExist) {
				if suffix == "-wal" && wantWAL {
					t.Errorf("%s: no WAL file; the check would miss recent writes", stage)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		// Positive control: what is stored in clear is found, so the search works.
		if !bytes.Contains(all, []byte("ivy.new@example.com")) {
			t.Fatalf("%s: the email is not in the files: the search reads the wrong bytes", stage)
		}
		for what, secret := range secretsToFind {
			if bytes.Contains(all, []byte(secret)) {
				t.Errorf("%s: the database files contain the raw %s", stage, what)
			}
		}
	}
	check("while open", true)
	if err := e.db.Close(); err != nil { // checkpoints the WAL into the main file
		t.Fatal(err)
	}
	check("after close", false)
}

// --------------------------------------------------------------- passwords

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestStoredHashIsArgon2idPHC(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("jack@example.com", "Jack", "One")
	b := e.signUp("jill@example.com", "Jill", "Two")
	ha, hb := e.userRow(a.User.ID).Hash, e.userRow(b.User.ID).Hash
	for _, h := range []string{ha, hb} {
		if !phcRE.MatchString(h) {
			t.Errorf("stored hash %q is not argon2id PHC with m=19456,t=2,p=1, 16-byte salt, 32-byte key", h)
		}
	}
	if ha == hb {
		t.Error("the same password hashed the same twice: no salt")
	}
}

func TestPasswordIsRehashedWhenParametersChange(t *testing.T) {
	orig := account.PasswordParams
	t.Cleanup(func() { account.PasswordParams = orig })
	weak := *orig
	weak.Iterations = 1
	account.PasswordParams = &weak

	e := newEnv(t)
	s := e.signUp("kim@example.com", "Kim", "Rehash")
	old := e.userRow(s.User.ID)
	if !strings.HasPrefix(old.Hash, "$argon2id$v=19$m=19456,t=1,p=1$") {
		t.Fatalf("hash made with t=1 is %q", old.Hash)
	}

	account.PasswordParams = orig
	// A wrong password does not rehash.
	e.svc.SignIn(e.ctx, "kim@example.com", otherPW, "d")
	if got := e.userRow(s.User.ID).Hash; got != old.Hash {
		t.Error("a failed sign-in replaced the hash")
	}
	e.clock.Advance(time.Hour)
	if _, err := e.svc.SignIn(e.ctx, "kim@example.com", goodPW, "d"); err != nil {
		t.Fatal(err)
	}
	now := e.userRow(s.User.ID)
	if !phcRE.MatchString(now.Hash) {
		t.Errorf("after sign-in the hash is %q, want today's parameters (t=2)", now.Hash)
	}
	if now.Updated == old.Updated {
		t.Error("updated_at not changed by the rehash")
	}
	// Stable from then on, and the password still works.
	if _, err := e.svc.SignIn(e.ctx, "kim@example.com", goodPW, "d"); err != nil {
		t.Fatal(err)
	}
	if again := e.userRow(s.User.ID).Hash; again != now.Hash {
		t.Error("a current hash was rehashed again")
	}
}

// --------------------------------------------------------------- profile

// noChange asserts that a failed change left the user row and the audit log
// as they were.
func (e *env) noChange(id string, before userRow, events int) {
	e.t.Helper()
	if after := e.userRow(id); after != before {
		e.t.Errorf("user changed by a failed action: %+v -> %+v", before, after)
	}
	if n := len(e.events()); n != events {
		e.t.Errorf("%d events, want %d: a failed action was audited", n, events)
	}
}

// oneEvent asserts that exactly one event, action, was recorded about u.
func (e *env) oneEvent(events int, action string, u account.User) event {
	e.t.Helper()
	evs := e.eventsSince(events)
	if len(evs) != 1 {
		e.t.Fatalf("%d events recorded, want exactly one %s: %+v", len(evs), action, evs)
	}
	ev := evs[0]
	if ev.Action != action || ev.ActorID != u.ID || ev.TargetType != "user" || ev.TargetID != u.ID || ev.OrgID != u.OrgID {
		e.t.Errorf("event = %+v, want %s about the user", ev, action)
	}
	return ev
}

func TestUpdateProfile(t *testing.T) {
	e := newEnv(t)
	u := e.signUp("lee@example.com", "Lee", "Old").User

	for _, bad := range []struct{ first, last, code, field string }{
		{"", "New", "name.required", "firstName"},
		{"New", "  ", "name.required", "lastName"},
		{strings.Repeat("x", 101), "New", "name.too_long", "firstName"},
		{"New", "Na\x07me", "name.invalid", "lastName"},
	} {
		before, n := e.userRow(u.ID), len(e.events())
		_, err := e.svc.UpdateProfile(e.ctx, u.Actor(), bad.first, bad.last)
		wantErr(t, err, bad.code, bad.field)
		e.noChange(u.ID, before, n)
	}

	n := len(e.events())
	e.clock.Advance(time.Minute)
	got, err := e.svc.UpdateProfile(e.ctx, u.Actor(), "  Leigh ", "Nouveau-Nom")
	if err != nil {
		t.Fatal(err)
	}
	if got.FirstName != "Leigh" || got.LastName != "Nouveau-Nom" || got.ID != u.ID {
		t.Errorf("updated user = %+v", got)
	}
	if row := e.userRow(u.ID); row.First != "Leigh" || row.Last != "Nouveau-Nom" {
		t.Errorf("stored = %+v", row)
	}
	ev := e.oneEvent(n, "user.profile_updated", u)
	if !strings.Contains(ev.Details, `"from":"Lee"`) || !strings.Contains(ev.Details, `"to":"Leigh"`) {
		t.Errorf("details = %s", ev.Details)
	}

	// The same names again: nothing to do, no event.
	before, n := e.userRow(u.ID), len(e.events())
	if _, err := e.svc.UpdateProfile(e.ctx, u.Actor(), "Leigh", "Nouveau-Nom"); err != nil {
		t.Errorf("unchanged profile: %v", err)
	}
	e.noChange(u.ID, before, n)

	// Someone else's organization: refused, nothing changes.
	other := e.signUp("mallory@example.com", "Mallory", "Other").User
	before, n = e.userRow(u.ID), len(e.events())
	_, err = e.svc.UpdateProfile(e.ctx, account.Actor{UserID: u.ID, OrgID: other.OrgID}, "Hacked", "Name")
	wantErr(t, err, "auth.session_expired", "")
	e.noChange(u.ID, before, n)
	e.verifyAudit()
}

func TestChangeEmail(t *testing.T) {
	e := newEnv(t)
	u := e.signUp("max@example.com", "Max", "Mail").User
	e.signUp("taken@example.com", "Someone", "Else")

	for _, bad := range []struct{ email, pw, code, field string }{
		{"new@example.com", otherPW, "password.wrong", "password"},
		{"new@example.com", "", "password.wrong", "password"},
		{"TAKEN@example.com", goodPW, "email.taken", "email"},
		{"not an email", goodPW, "email.invalid", "email"},
		{"", goodPW, "email.required", "email"},
	} {
		before, n := e.userRow(u.ID), len(e.events())
		_, err := e.svc.ChangeEmail(e.ctx, u.Actor(), bad.email, bad.pw)
		wantErr(t, err, bad.code, bad.field)
		if bad.code == "password.wrong" {
			// A wrong password is a security event: audited and counted
			// toward the sign-in delay, but nothing else changes.
			e.oneEvent(n, "user.password_check_failed", u)
			e.noChange(u.ID, before, n+1)
			continue
		}
		e.noChange(u.ID, before, n)
	}

	n := len(e.events())
	got, err := e.svc.ChangeEmail(e.ctx, u.Actor(), " Max.New@EXAMPLE.org ", goodPW)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "Max.New@example.org" || e.userRow(u.ID).Email != "Max.New@example.org" {
		t.Errorf("email now %q", got.Email)
	}
	ev := e.oneEvent(n, "user.email_changed", u)
	if !strings.Contains(ev.Details, `"from":"max@example.com"`) || !strings.Contains(ev.Details, `"to":"Max.New@example.org"`) {
		t.Errorf("details = %s", ev.Details)
	}
	if _, err := e.svc.SignIn(e.ctx, "max.new@example.org", goodPW, "d"); err != nil {
		t.Errorf("sign-in with the new email: %v", err)
	}
	if _, err := e.svc.SignIn(e.ctx, "max@example.com", goodPW, "d"); apperr.Code(err) != "auth.invalid_credentials" {
		t.Errorf("sign-in with the old email: %v", err)
	}
	// The old address is free again.
	e.signUp("max@example.com", "Another", "Max")

	// Same address: no event.
	before, n := e.userRow(u.ID), len(e.events())
	if _, err := e.svc.ChangeEmail(e.ctx, u.Actor(), "Max.New@example.org", goodPW); err != nil {
		t.Errorf("unchanged email: %v", err)
	}
	e.noChange(u.ID, before, n)
	e.verifyAudit()
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	u := e.signUp("ned@example.com", "Ned", "Pass").User
	common := commonPassword(t)

	for _, bad := range []struct{ current, next, code, field string }{
		{otherPW, "a brand new passphrase", "password.wrong", "currentPassword"},
		{"", "a brand new passphrase", "password.wrong", "currentPassword"},
		{goodPW, goodPW, "password.same_as_current", "newPassword"},
		{goodPW, "short", "password.too_short", "newPassword"},
		{goodPW, strings.Repeat("y", 129), "password.too_long", "newPassword"},
		{goodPW, common, "password.too_common", "newPassword"},
	} {
		before, n := e.userRow(u.ID), len(e.events())
		err := e.svc.ChangePassword(e.ctx, u.Actor(), bad.current, bad.next)
		wantErr(t, err, bad.code, bad.field)
		if bad.code == "password.wrong" {
			e.oneEvent(n, "user.password_check_failed", u)
			e.noChange(u.ID, before, n+1)
			continue
		}
		e.noChange(u.ID, before, n)
	}

	n := len(e.events())
	old := e.userRow(u.ID)
	if err := e.svc.ChangePassword(e.ctx, u.Actor(), goodPW, otherPW); err != nil {
		t.Fatal(err)
	}
	if now := e.userRow(u.ID); now.Hash == old.Hash || !phcRE.MatchString(now.Hash) {
		t.Errorf("hash after change = %q", now.Hash)
	}
	ev := e.oneEvent(n, "user.password_changed", u)
	if strings.Contains(ev.Details, goodPW) || strings.Contains(ev.Details, otherPW) {
		t.Errorf("a password is in the audit details: %s", ev.Details)
	}
	if _, err := e.svc.SignIn(e.ctx, "ned@example.com", otherPW, "d"); err != nil {
		t.Errorf("sign-in with the new password: %v", err)
	}
	if _, err := e.svc.SignIn(e.ctx, "ned@example.com", goodPW, "d"); apperr.Code(err) != "auth.invalid_credentials" {
		t.Errorf("sign-in with the old password: %v", err)
	}
	e.verifyAudit()
}

func TestSetLanguage(t *testing.T) {
	e := newEnv(t)
	u := e.signUp("ola@example.com", "Ola", "Lang").User

	for _, bad := range []string{"xx", "EN", "en-US", "pt", "", "ar "} {
		before, n := e.userRow(u.ID), len(e.events())
		_, err := e.svc.SetLanguage(e.ctx, u.Actor(), bad)
		wantErr(t, err, "language.unsupported", "language")
		e.noChange(u.ID, before, n)
	}

	n := len(e.events())
	got, err := e.svc.SetLanguage(e.ctx, u.Actor(), "ar")
	if err != nil {
		t.Fatal(err)
	}
	if got.Language != "ar" || e.userRow(u.ID).Lang != "ar" {
		t.Errorf("language now %q", got.Language)
	}
	ev := e.oneEvent(n, "user.language_changed", u)
	if !strings.Contains(ev.Details, `"from":"en"`) || !strings.Contains(ev.Details, `"to":"ar"`) {
		t.Errorf("details = %s", ev.Details)
	}

	before, n := e.userRow(u.ID), len(e.events())
	if _, err := e.svc.SetLanguage(e.ctx, u.Actor(), "ar"); err != nil {
		t.Errorf("same language: %v", err)
	}
	e.noChange(u.ID, before, n)
	e.verifyAudit()
}

// --------------------------------------------------------------- validators

func TestNormalizeEmail(t *testing.T) {
	ok := map[string]string{
		"alice@example.com":                       "alice@example.com",
		"  Alice@Example.COM\n":                   "Alice@example.com",
		"a.b+tag@sub.example.co.uk":               "a.b+tag@sub.example.co.uk",
		"o'brien@example.ie":                      "o'brien@example.ie",
		"用户@例子.中国":                                "用户@例子.中国",
		strings.Repeat("a", 242) + "@example.com": strings.Repeat("a", 242) + "@example.com",
	}
	for in, want := range ok {
		got, err := account.NormalizeEmail("email", in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                          "email.required",
		" \t\n":                     "email.required",
		"alice":                     "email.invalid",
		"alice@":                    "email.invalid",
		"@example.com":              "email.invalid",
		"alice@example":             "email.invalid",
		"alice@.example.com":        "email.invalid",
		"alice@example.com.":        "email.invalid",
		"alice@exa mple.com":        "email.invalid",
		"Alice <alice@example.com>": "email.invalid",
		`"al ice"@example.com`:      "email.invalid",
		`"a@b"@example.com`:         "email.invalid",
		"a@b@example.com":           "email.invalid",
		"alice@example.com\x00":     "email.invalid",
		"\xffalice@example.com":     "email.invalid",
		strings.Repeat("a", 243) + "@example.com": "email.invalid",
	}
	for in, code := range bad {
		_, err := account.NormalizeEmail("email", in)
		wantErr(t, err, code, "email")
	}
}

func TestValidatePasswordAndNames(t *testing.T) {
	if !account.IsCommonPassword("password1234") || !account.IsCommonPassword("PASSWORD1234") {
		t.Error("password1234 should be common, whatever its case")
	}
	if account.IsCommonPassword(goodPW) {
		t.Error("a long passphrase is reported as common")
	}
	cases := map[string]string{
		strings.Repeat("a", 11) + "é":        "",
		strings.Repeat("é", 11):              "password.too_short",
		strings.Repeat("😀", 128):             "",
		strings.Repeat("😀", 129):             "password.too_long",
		"password1234":                       "password.too_common",
		"\xc3\x28" + strings.Repeat("a", 12): "password.invalid",
	}
	for pw, code := range cases {
		err := account.ValidatePassword("pw", pw)
		if code == "" {
			if err != nil {
				t.Errorf("ValidatePassword(%q) = %v", pw, err)
			}
			continue
		}
		wantErr(t, err, code, "pw")
	}

	names := map[string]string{
		"  Ada  ":                "Ada",
		"José María":             "José María",
		"李小龍":                    "李小龍",
		"محمد":                   "محمد",
		strings.Repeat("ñ", 100): strings.Repeat("ñ", 100),
	}
	for in, want := range names {
		if got, err := account.NormalizeName("n", in); err != nil || got != want {
			t.Errorf("NormalizeName(%q) = %q, %v", in, got, err)
		}
	}
	badNames := map[string]string{
		"":                       "name.required",
		"\u00a0\u2003":           "name.required",
		"A\x00B":                 "name.invalid",
		"A\u0085B":               "name.invalid",
		"A\x7fB":                 "name.invalid",
		"\xff":                   "name.invalid",
		strings.Repeat("ñ", 101): "name.too_long",
	}
	for in, code := range badNames {
		_, err := account.NormalizeName("n", in)
		wantErr(t, err, code, "n")
	}
}

// ----------------------------------------------------------------- fuzzing

var trickyStrings = []string{
	"", " ", "a@b.c", "alice@example.com", "Alice@EXAMPLE.com", " alice@example.com ",
	"\u200falice@example.com", "alice\u202e@example.com", "alice@exa\u200bmple.com",
	"alice@example.com\u200e", "ALICE@ÉXAMPLE.COM", "a@Ⱥ.com", "a@" + strings.Repeat("Ⱥ", 124) + ".com",
	"a@İ.com", "a@K.com", "\x00@example.com", "a\r\n@example.com", "a@example.com\r\nBcc: x@y.z",
	`"a b"@example.com`, "<a@example.com>", "a@[127.0.0.1]", "a@example..com", ".a@example.com",
	"a.@example.com", "a..b@example.com", "a@-example.com", "a@example.com (comment)",
	strings.Repeat("a", 64) + "@" + strings.Repeat("b", 189) + ".com", strings.Repeat("@", 300),
	"\xff\xfe@example.com", "é@example.com", "日本語@例え.テスト", "مرحبا@مثال.السعودية",
	"password1234", "PASSWORD1234", "correct horse battery staple", strings.Repeat("x", 128), strings.Repeat("x", 129),
	strings.Repeat("é", 12), strings.Repeat("é", 11), strings.Repeat("😀", 128), strings.Repeat("😀", 129),
	"\xc3\x28aaaaaaaaaaaa", "\t\n\v\f\r", "Ada\u0000Lovelace", "\u202eevil\u202c", "\u200b", "\ufeffBOM",
	"Zoë", "  trimmed  ", "new\nline", strings.Repeat("ñ", 100), strings.Repeat("ñ", 101), "\u0085x\u0085",
	"\U0010FFFF", "\ud7ff", strings.Repeat("a ", 200),
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := account.NormalizeEmail("email", raw)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Field != "email" || (ae.Code != "email.invalid" && ae.Code != "email.required") {
				t.Fatalf("NormalizeEmail(%q) error %v is not a coded email error", raw, err)
			}
			return
		}
		if strings.Count(out, "@") != 1 {
			t.Errorf("accepted %q has %d '@'", out, strings.Count(out, "@"))
		}
		if len(out) > account.MaxEmailLen {
			t.Errorf("accepted %q is %d bytes, over %d", out, len(out), account.MaxEmailLen)
		}
		if !utf8.ValidString(out) || strings.ContainsAny(out, " \t\r\n") {
			t.Errorf("accepted %q has invalid UTF-8 or whitespace", out)
		}
		again, err := account.NormalizeEmail("email", out)
		if err != nil || again != out {
			t.Errorf("NormalizeEmail(%q) = %q, but normalizing that again gives %q, %v", raw, out, again, err)
		}
	})
}

func FuzzValidatePassword(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		err := account.ValidatePassword("password", pw)
		n := utf8.RuneCountInString(pw)
		valid := utf8.ValidString(pw)
		want := valid && n >= account.MinPasswordLen && n <= account.MaxPasswordLen && !account.IsCommonPassword(pw)
		if (err == nil) != want {
			t.Fatalf("ValidatePassword(%q) = %v; want accepted=%v (runes %d, utf8 %v, common %v)",
				pw, err, want, n, valid, account.IsCommonPassword(pw))
		}
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Field != "password" {
				t.Fatalf("error %v is not coded for the password field", err)
			}
			wantCode := "password.too_common"
			switch {
			case !valid:
				wantCode = "password.invalid"
			case n < account.MinPasswordLen:
				wantCode = "password.too_short"
			case n > account.MaxPasswordLen:
				wantCode = "password.too_long"
			}
			if ae.Code != wantCode {
				t.Errorf("ValidatePassword(%q) code %q, want %q", pw, ae.Code, wantCode)
			}
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := account.NormalizeName("firstName", raw)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Field != "firstName" {
				t.Fatalf("NormalizeName(%q) error %v is not coded for the field", raw, err)
			}
			switch ae.Code {
			case "name.invalid", "name.required", "name.too_long":
			default:
				t.Fatalf("NormalizeName(%q) unexpected code %q", raw, ae.Code)
			}
			return
		}
		n := utf8.RuneCountInString(out)
		if !utf8.ValidString(out) || n == 0 || n > account.MaxNameLen {
			t.Errorf("accepted %q: valid %v, %d runes", out, utf8.ValidString(out), n)
		}
		if out != strings.TrimSpace(out) {
			t.Errorf("accepted %q is not trimmed", out)
		}
		for _, r := range out {
			if unicode.IsControl(r) {
				t.Errorf("accepted %q contains control character %U", out, r)
			}
		}
		if again, err := account.NormalizeName("firstName", out); err != nil || again != out {
			t.Errorf("NormalizeName is not idempotent on %q: %q, %v", out, again, err)
		}
	})
}

// A signed-in session cannot be used to guess the password at full speed:
// wrong confirmations count toward the same delay as sign-in failures.
func TestPasswordConfirmationIsThrottled(t *testing.T) {
	e := newEnv(t)
	u := e.signUp("guess@example.com", "Gus", "Guess").User
	for i := 0; i < 3; i++ {
		if _, err := e.svc.ChangeEmail(e.ctx, u.Actor(), "new@example.com", otherPW); apperr.Code(err) != "password.wrong" {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if err := e.svc.ChangePassword(e.ctx, u.Actor(), goodPW, "a brand new passphrase"); apperr.Code(err) != "auth.throttled" {
		t.Fatalf("fourth check, right password, within the delay: %v", err)
	}
	if _, err := e.svc.SignIn(e.ctx, "guess@example.com", goodPW, "d"); apperr.Code(err) != "auth.throttled" {
		t.Fatalf("sign-in shares the delay: %v", err)
	}
}

func TestNamesAndEmailsRefuseInvisibleCharacters(t *testing.T) {
	for _, name := range []string{"\u202Eevil", "Ada\u200BLovelace", "\u2066Ada\u2069", "Ada\uFEFF"} {
		if _, err := account.NormalizeName("firstName", name); apperr.Code(err) != "name.invalid" {
			t.Errorf("name %q: %v", name, err)
		}
	}
	for _, ok := range []string{"می\u200Cخواهم", "Zoë", "محمد", "Łukasz"} {
		if _, err := account.NormalizeName("firstName", ok); err != nil {
			t.Errorf("name %q refused: %v", ok, err)
		}
	}
	for _, email := range []string{"a\u0080@example.com", "a\u200B@example.com", "\u202Ea@example.com"} {
		if _, err := account.NormalizeEmail("email", email); apperr.Code(err) != "email.invalid" {
			t.Errorf("email %q: %v", email, err)
		}
	}
}

func TestEmailsDifferingOnlyInUnicodeCaseAreOneAccount(t *testing.T) {
	e := newEnv(t)
	e.signUp("Ärger@example.com", "Ä", "Rger")
	_, err := e.svc.SignUp(e.ctx, account.SignUpInput{Email: "ärger@example.com", FirstName: "Ä", LastName: "Rger",
		Password: goodPW, Language: "en"})
	if apperr.Code(err) != "email.taken" {
		t.Fatalf("second account for the same address: %v", err)
	}
	if _, err := e.svc.SignIn(e.ctx, "ÄRGER@EXAMPLE.COM", goodPW, "d"); err != nil {
		t.Fatalf("sign-in in another case: %v", err)
	}
}
