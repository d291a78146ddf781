package desktop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/secrets"
)

// realKeychain is the Secret Service of the test's desktop session
// (scripts/with-desktop.sh). Each test uses a service name of its own so runs
// never see each other's items.
func realKeychain(t *testing.T) secrets.Keychain {
	t.Helper()
	kc := &secrets.OS{Service: fmt.Sprintf("Admin Console test %s %d", t.Name(), time.Now().UnixNano()), Timeout: 5 * time.Second}
	if err := kc.Set("probe", "x"); err != nil {
		if os.Getenv("ADMIN_CONSOLE_REQUIRE_KEYCHAIN") == "1" {
			t.Fatalf("no Secret Service answered, but ADMIN_CONSOLE_REQUIRE_KEYCHAIN=1: %v", err)
		}
		t.Skipf("no Secret Service here (run under scripts/with-desktop.sh): %v", err)
	}
	_ = kc.Delete("probe")
	return kc
}

func openCore(t *testing.T, dir string, kc secrets.Keychain) *Core {
	t.Helper()
	c, err := Open(context.Background(), Options{DataDir: dir, Keychain: kc, OSLocales: []string{"fr_FR.UTF-8"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var ada = SignUpDTO{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace",
	Password: "correct horse battery staple", Language: "en"}

func TestKeepSignedInRestoresSessionFromRealKeychain(t *testing.T) {
	kc := realKeychain(t)
	dir := t.TempDir()

	c := openCore(t, dir, kc)
	in := ada
	in.Keep = true
	st, err := NewAccountService(c).SignUp(in)
	if err != nil {
		t.Fatal(err)
	}
	if st.User == nil || !st.KeychainAvailable {
		t.Fatalf("after sign-up: %+v", st)
	}
	token := c.token
	c.Close()

	// The token is in the keychain and nowhere in the data directory.
	if got, err := kc.Get(c.keyAccount("session")); err != nil || got != token {
		t.Fatalf("keychain item = %q, %v", got, err)
	}
	assertNotInDir(t, dir, token)

	// A new start on the same data directory opens signed in.
	c2 := openCore(t, dir, kc)
	c2.RestoreSession(context.Background())
	st2, err := NewAccountService(c2).State()
	if err != nil {
		t.Fatal(err)
	}
	if st2.User == nil || st2.User.Email != ada.Email {
		t.Fatalf("session not restored: %+v", st2)
	}

	// Signing out revokes the session and deletes the keychain item.
	if err := NewAccountService(c2).SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Get(c2.keyAccount("session")); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("keychain item after sign-out: %v", err)
	}
	if _, err := c2.Accounts.Authenticate(context.Background(), token); apperr.Code(err) != "auth.session_expired" {
		t.Fatalf("session still valid after sign-out: %v", err)
	}
	c2.Close()

	c3 := openCore(t, dir, kc)
	defer c3.Close()
	c3.RestoreSession(context.Background())
	if st3, _ := NewAccountService(c3).State(); st3.User != nil {
		t.Fatal("signed in again after sign-out")
	}
}

func TestSignInWithoutKeepLeavesKeychainEmpty(t *testing.T) {
	kc := secrets.NewMemory()
	c := openCore(t, t.TempDir(), kc)
	defer c.Close()
	a := NewAccountService(c)
	if _, err := a.SignUp(ada); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Get(c.keyAccount("session")); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("token kept without being asked: %v", err)
	}
}

func TestNoKeychainStillWorksAndWritesTokenNowhere(t *testing.T) {
	kc := secrets.NewMemory()
	kc.Broken = true
	dir := t.TempDir()
	c := openCore(t, dir, kc)
	defer c.Close()
	in := ada
	in.Keep = true
	st, err := NewAccountService(c).SignUp(in)
	if err != nil {
		t.Fatal(err)
	}
	if st.User == nil {
		t.Fatal("not signed in")
	}
	if st.KeychainAvailable {
		t.Fatal("the UI is not told that the session cannot be kept")
	}
	assertNotInDir(t, dir, c.token)
	if c.Audit.Authenticated() {
		t.Fatal("audit head claims authentication without a key")
	}
}

func TestLanguageFollowsOSThenChoiceThenUser(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	i := NewI18nService(c)
	ctx := context.Background()
	if got := c.Language(ctx); got != "fr" {
		t.Fatalf("first run language = %q, want fr from the OS locale", got)
	}
	if _, err := i.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if got := c.Language(ctx); got != "de" {
		t.Fatalf("device language = %q", got)
	}
	in := ada
	in.Language = "ar"
	st, err := NewAccountService(c).SignUp(in)
	if err != nil {
		t.Fatal(err)
	}
	if st.Language != "ar" || st.Dir != "rtl" {
		t.Fatalf("signed-in language = %q %q", st.Language, st.Dir)
	}
	if _, err := i.SetLanguage("pl"); err != nil {
		t.Fatal(err)
	}
	st, _ = NewAccountService(c).State()
	if st.User.Language != "pl" || st.Dir != "ltr" {
		t.Fatalf("language not saved on the profile: %+v", st.User)
	}
	if _, err := i.SetLanguage("klingon"); apperr.Code(err) != "language.unsupported" {
		t.Fatalf("unknown language: %v", err)
	}
	if cat := i.Catalog("ar"); cat.Dir != "rtl" || cat.Messages["nav.account"]["other"] == "" {
		t.Fatalf("Arabic catalog: %+v", cat.Dir)
	}
}

func TestOversizedInputIsRefusedBeforeAnyWork(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	in := ada
	in.FirstName = string(bytes.Repeat([]byte("a"), 1<<20))
	if _, err := NewAccountService(c).SignUp(in); apperr.Code(err) != "input.too_long" {
		t.Fatalf("1 MiB name: %v", err)
	}
	if has, _ := c.Accounts.HasUsers(context.Background()); has {
		t.Fatal("a user was created")
	}
}

func TestVerifyAuditNeedsTheKeychainKey(t *testing.T) {
	kc := secrets.NewMemory()
	dir := t.TempDir()
	c := openCore(t, dir, kc)
	if _, err := NewAccountService(c).SignUp(ada); err != nil {
		t.Fatal(err)
	}
	c.Close()
	res, err := VerifyAudit(context.Background(), dir, kc)
	if err != nil || !res.OK {
		t.Fatalf("verify: %+v %v", res, err)
	}
	res, err = VerifyAudit(context.Background(), dir, secrets.NewMemory())
	if err != nil || res.OK {
		t.Fatalf("verify without the key must fail: %+v %v", res, err)
	}
}

// assertNotInDir fails if secret appears in any file of dir (the database,
// its WAL, anything else).
func assertNotInDir(t *testing.T, dir, secret string) {
	t.Helper()
	if secret == "" {
		t.Fatal("no secret to look for")
	}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The demo fills a fresh data directory through the domain APIs: the
// promised organization, with an audit chain that verifies.
func TestDemoFillsAFreshDataDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo signs up 25 people")
	}
	kc := secrets.NewMemory()
	dir := t.TempDir()
	c := openCore(t, dir, kc)
	if err := c.FillDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for q, want := range map[string]int{
		`SELECT COUNT(*) FROM org_members`:                    25,
		`SELECT COUNT(*) FROM workspaces`:                     6,
		`SELECT COUNT(*) FROM invoices`:                       6,
		`SELECT COUNT(*) FROM invoices WHERE status = 'paid'`: 4,
		`SELECT COUNT(*) FROM captured_calls`:                 300,
	} {
		var n int
		if err := c.DB.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[q] = n
		if n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	var days int
	if err := c.DB.QueryRow(`SELECT COUNT(DISTINCT day) FROM usage_daily`).Scan(&days); err != nil || days < 170 {
		t.Errorf("usage covers %d days", days)
	}
	if err := c.FillDemo(context.Background()); err == nil {
		t.Error("the demo wrote over existing accounts")
	}
	c.Close()
	if res, err := VerifyAudit(context.Background(), dir, kc); err != nil || !res.OK {
		t.Fatalf("audit chain after the demo: %+v %v", res, err)
	}
}
