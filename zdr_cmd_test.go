package main

import (
	"context"
	"strings"
	"testing"

	"admin-console/backend/desktop"
	"admin-console/backend/privacy"
	"admin-console/backend/secrets"
)

// The operator's zdr commands end to end through run(), on a data directory
// where an Owner filed requests through the bound PrivacyService. The
// keychain is an in-memory one shared by the app and the commands: the
// keychain is not what is under test here (main_test.go covers it).
func TestZDRCommands(t *testing.T) {
	kc := secrets.NewMemory()
	orig := operatorKeychain
	operatorKeychain = func() secrets.Keychain { return kc }
	t.Cleanup(func() { operatorKeychain = orig })
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "")
	t.Setenv("LANG", "en_US.UTF-8")
	ctx := context.Background()
	dir := t.TempDir()

	// An Owner files two requests through the window's service.
	c, err := desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	acct := desktop.NewAccountService(c)
	if _, err := acct.SignUp(desktop.SignUpDTO{Email: "olga@example.com", FirstName: "Olga", LastName: "Owner",
		Password: "operators decide requests", Language: "en"}); err != nil {
		t.Fatal(err)
	}
	ws := desktop.NewWorkspaceService(c)
	prod, err := ws.Create("Production", "")
	if err != nil {
		t.Fatal(err)
	}
	var def string
	if err := c.DB.QueryRow(`SELECT id FROM workspaces WHERE id <> ?`, prod.ID).Scan(&def); err != nil {
		t.Fatal(err)
	}
	ps := desktop.NewPrivacyService(c)
	first, err := ps.RequestZDR("We process health data.\nAll of it.", "dpo@example.com", []string{prod.ID})
	if err != nil {
		t.Fatal(err)
	}
	second, err := ps.RequestZDR("Support tickets", "it@example.com", []string{def})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DB.Exec(`INSERT INTO capture_settings(workspace_id, enabled) VALUES (?, 1)`, prod.ID); err != nil {
		t.Fatal(err)
	}
	c.Close()

	zdr := func(args ...string) (int, string) {
		return runCmd(t, append([]string{"--data-dir", dir, "zdr"}, args...)...)
	}
	code, out := zdr("list")
	if code != 0 || !strings.Contains(out, first.ID) || !strings.Contains(out, second.ID) ||
		!strings.Contains(out, "Production") || !strings.Contains(out, "organization  Olga Owner") ||
		!strings.Contains(out, "dpo@example.com") || !strings.Contains(out, "2 waiting") {
		t.Fatalf("list: %d\n%s", code, out)
	}

	// Usage mistakes: exit 2, nothing decided.
	for _, args := range [][]string{{}, {"frobnicate"}, {"approve"}, {"approve", first.ID, "extra"}, {"list", "x"}, {"decline", "--bogus", first.ID}} {
		if code, out := zdr(args...); code != 2 || !strings.Contains(out, "Usage") {
			t.Errorf("zdr %q: %d %q", args, code, out)
		}
	}
	// Refusals: exit 1 with the message and its code.
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"decline", second.ID}, "(zdr.note_required)"},
		{[]string{"decline", second.ID, "--note", "   "}, "(zdr.note_required)"},
		{[]string{"approve", "no-such-request", "--note", "fine"}, "(zdr.not_found)"},
	}
	for _, tc := range cases {
		code, out := zdr(tc.args...)
		if code != 1 || !strings.Contains(out, tc.want) || !strings.HasPrefix(out, "zdr ") {
			t.Errorf("zdr %q: %d %q, want exit 1 and %s", tc.args, code, out, tc.want)
		}
	}

	if code, out := zdr("approve", first.ID, "--note", "Approved for the health workloads."); code != 0 ||
		!strings.Contains(out, "approved") || !strings.Contains(out, "Production") {
		t.Fatalf("approve: %d %q", code, out)
	}
	if code, out := zdr("decline", "--note=Nothing personal in there.", second.ID); code != 0 || !strings.Contains(out, "declined") {
		t.Fatalf("decline: %d %q", code, out)
	}
	for _, args := range [][]string{{"approve", first.ID}, {"decline", second.ID, "--note", "again"}} {
		if code, out := zdr(args...); code != 1 || !strings.Contains(out, "(zdr.already_decided)") {
			t.Errorf("deciding again %q: %d %q", args, code, out)
		}
	}
	if code, out := zdr("list"); code != 0 || !strings.Contains(out, "No Zero Data Retention request is waiting") {
		t.Fatalf("list after deciding: %d %q", code, out)
	}

	// The organization sees the decisions and notes; Data Capture is off
	// where ZDR is active; every change is in an intact audit chain.
	c, err = desktop.Open(ctx, desktop.Options{DataDir: dir, Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := desktop.NewAccountService(c).SignIn("olga@example.com", "operators decide requests", false); err != nil {
		t.Fatal(err)
	}
	st, err := desktop.NewPrivacyService(c).Settings()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]desktop.ZDRRequestDTO{}
	for _, r := range st.Requests {
		got[r.ID] = r
	}
	if r := got[first.ID]; r.Status != "approved" || r.DecisionNote != "Approved for the health workloads." || r.DecidedAt == "" {
		t.Errorf("approved request reads %+v", r)
	}
	if r := got[second.ID]; r.Status != "declined" || r.DecisionNote != "Nothing personal in there." {
		t.Errorf("declined request reads %+v", r)
	}
	if on, err := privacy.ZDRActive(ctx, c.DB, prod.ID); err != nil || !on {
		t.Errorf("ZDR active in Production: %v %v", on, err)
	}
	var enabled bool
	if err := c.DB.QueryRow(`SELECT enabled = 1 FROM capture_settings WHERE workspace_id = ?`, prod.ID).Scan(&enabled); err != nil || enabled {
		t.Errorf("capture in Production: %v %v", enabled, err)
	}
	var operatorEvents int
	if err := c.DB.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE actor_id = 'operator' AND action IN
		('zdr.approved','zdr.declined','capture.disabled_by_zdr')`).Scan(&operatorEvents); err != nil || operatorEvents != 3 {
		t.Errorf("operator events: %d %v", operatorEvents, err)
	}
	res, err := desktop.VerifyAudit(ctx, dir, kc)
	if err != nil || !res.OK {
		t.Errorf("verify-audit: %v %v", res, err)
	}
}
