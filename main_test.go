package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"admin-console/backend/desktop"
	"admin-console/backend/secrets"
)

// The commands run against the real OS keychain (the Secret Service of
// scripts/with-desktop.sh), as an operator's machine has it.
func requireKeychain(t *testing.T) {
	t.Helper()
	kc := secrets.NewOS()
	if err := kc.Set("probe:"+t.Name(), "x"); err != nil {
		if os.Getenv("ADMIN_CONSOLE_REQUIRE_KEYCHAIN") == "1" {
			t.Fatalf("no Secret Service: %v", err)
		}
		t.Skipf("no Secret Service here (run under scripts/with-desktop.sh): %v", err)
	}
	_ = kc.Delete("probe:" + t.Name())
}

func runCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String() + errOut.String()
}

// seed makes a data directory with a few audited actions and returns it.
func seed(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	c, err := desktop.Open(context.Background(), desktop.Options{DataDir: dir, Keychain: secrets.NewOS()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var installID string
	if err := c.DB.QueryRow(`SELECT value FROM app_settings WHERE key = 'install_id'`).Scan(&installID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = secrets.NewOS().Delete("audit-key:" + installID) })
	a := desktop.NewAccountService(c)
	if _, err := a.SignUp(desktop.SignUpDTO{Email: "op@example.com", FirstName: "Op", LastName: "Erator",
		Password: "operators keep the logs", Language: "en"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UpdateProfile("Opal", "Erator"); err != nil {
		t.Fatal(err)
	}
	if err := a.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SignIn("op@example.com", "wrong password here", false); err == nil {
		t.Fatal("wrong password accepted")
	}
	return dir
}

// copyOf backs dir up with the backup command into a new data directory.
func copyOf(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	code, out := runCmd(t, "--data-dir", dir, "backup", filepath.Join(dst, desktop.DBFile))
	if code != 0 {
		t.Fatalf("backup: %d %s", code, out)
	}
	return dst
}

func tamper(t *testing.T, dir, query string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, desktop.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyAuditCatchesEditedDeletedAndReorderedEvents(t *testing.T) {
	requireKeychain(t)
	dir := seed(t)
	if code, out := runCmd(t, "--data-dir", dir, "verify-audit"); code != 0 || !strings.HasPrefix(out, "OK") {
		t.Fatalf("intact log: %d %q", code, out)
	}
	cases := []struct {
		name, query string
		brokenAt    int
	}{
		{"edited", `UPDATE audit_events SET details = '{"firstName":"nobody"}' WHERE seq = 3`, 3},
		{"deleted", `DELETE FROM audit_events WHERE seq = 2`, 2},
		{"reordered", `UPDATE audit_events SET seq = -1 WHERE seq = 3;
			UPDATE audit_events SET seq = 3 WHERE seq = 4;
			UPDATE audit_events SET seq = 4 WHERE seq = -1`, 3},
		{"last one deleted", `DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)`, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			copyDir := copyOf(t, dir)
			if code, out := runCmd(t, "--data-dir", copyDir, "verify-audit"); code != 0 {
				t.Fatalf("the backup does not verify: %s", out)
			}
			tamper(t, copyDir, tc.query)
			code, out := runCmd(t, "--data-dir", copyDir, "verify-audit")
			want := fmt.Sprintf("BROKEN at event %d", tc.brokenAt)
			if code != 1 || !strings.Contains(out, want) {
				t.Fatalf("got %d %q, want exit 1 and %q", code, out, want)
			}
		})
	}
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	requireKeychain(t)
	dir := seed(t)
	copyDir := copyOf(t, dir)
	db, err := sql.Open("sqlite", filepath.Join(copyDir, desktop.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var email string
	if err := db.QueryRow(`SELECT email FROM users`).Scan(&email); err != nil || email != "op@example.com" {
		t.Fatalf("copy holds %q, %v", email, err)
	}
}

func TestUnknownCommandAndNoDisplay(t *testing.T) {
	if code, _ := runCmd(t, "frobnicate"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("LANGUAGE", "de")
	code, out := runCmd(t, "--data-dir", t.TempDir())
	if code != 3 || !strings.Contains(out, "Xvfb") || !strings.Contains(out, "DISPLAY") {
		t.Fatalf("no display: %d %q", code, out)
	}
	if strings.Contains(out, "needs a graphical display") {
		t.Fatalf("the message is not in the OS language: %q", out)
	}
}
