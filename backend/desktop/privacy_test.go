package desktop

import (
	"strings"
	"testing"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/secrets"
)

// The privacy screen as the window calls it: a Member reads it without the
// right to change it, every endpoint comes with its description key, and
// oversized input is refused before any work.
func TestPrivacyServiceForOwnerAndMember(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	if _, err := NewAccountService(c).SignUp(ada); err != nil {
		t.Fatal(err)
	}
	ps := NewPrivacyService(c)
	st, err := ps.Settings()
	if err != nil {
		t.Fatal(err)
	}
	if !st.CanManage || st.Improvement.OptedOut || st.Improvement.Explicit || len(st.Requests) != 0 ||
		len(st.Endpoints) == 0 || st.MaxReason != 2000 {
		t.Fatalf("owner on Free reads %+v", st)
	}
	imp, err := ps.SetImprovementOptOut(true)
	if err != nil || !imp.OptedOut || !imp.Explicit || imp.ChangedBy.Email != ada.Email || imp.ChangedAt == "" {
		t.Fatalf("opt-out: %+v %v", imp, err)
	}

	for _, tc := range []struct {
		name, reason, contact string
		ws                    []string
		code                  string
	}{
		{"a 9 kB reason", strings.Repeat("a", 9000), "dpo@example.com", []string{"w"}, "zdr.reason_too_long"},
		{"a 5 kB contact", "ok", strings.Repeat("a", 5000) + "@example.com", []string{"w"}, "input.too_long"},
		{"too many workspaces", "ok", "dpo@example.com", make([]string, 1001), "input.too_long"},
	} {
		if _, err := ps.RequestZDR(tc.reason, tc.contact, tc.ws); apperr.Code(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	var n int
	if err := c.DB.QueryRow(`SELECT COUNT(*) FROM zdr_requests`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("requests written: %d %v", n, err)
	}

	// The same person as a mere Member (as a demotion would leave them) reads, and may not change.
	if _, err := c.DB.Exec(`UPDATE org_members SET role = ?`, org.Member); err != nil {
		t.Fatal(err)
	}
	st, err = ps.Settings()
	if err != nil || st.CanManage || !st.Improvement.OptedOut {
		t.Fatalf("member reads %+v %v", st, err)
	}
	if _, err := ps.SetImprovementOptOut(false); apperr.Code(err) != "auth.forbidden" {
		t.Fatalf("member changes the setting: %v", err)
	}
}
