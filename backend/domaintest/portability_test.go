package domaintest_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"admin-console/backend/portability"
)

// unzip reads every JSON file of an export.
func unzip(t *testing.T, b []byte) map[string][]map[string]any {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]any{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "manifest.json" {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("manifest: %v", err)
			}
			out[f.Name] = []map[string]any{m}
			continue
		}
		var rows []map[string]any
		if err := json.Unmarshal(body, &rows); err != nil {
			t.Fatalf("%s is not a JSON array: %v\n%s", f.Name, err, body)
		}
		out[f.Name] = rows
	}
	return out
}

// noSecrets checks that no stored digest or hash appears in the export.
func (e *env) noSecrets(t *testing.T, b []byte) {
	t.Helper()
	var secrets []string
	for _, q := range []string{`SELECT password_hash FROM users WHERE password_hash <> ''`,
		`SELECT hex(token_hash) FROM sessions`, `SELECT hex(secret_hash) FROM api_keys`, `SELECT hex(token_hash) FROM invitations`} {
		rows, err := e.db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			secrets = append(secrets, s, strings.ToLower(s))
		}
		rows.Close()
	}
	if len(secrets) == 0 {
		t.Fatal("no secrets to look for: the check proves nothing")
	}
	all := unzipped(t, b)
	for _, s := range secrets {
		if strings.Contains(all, s) {
			t.Errorf("the export holds a secret digest %s…", s[:min(12, len(s))])
		}
	}
}

// unzipped is the text of every file of a ZIP (compressed bytes hide it).
func unzipped(t *testing.T, b []byte) string {
	t.Helper()
	var all bytes.Buffer
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&all, rc)
		rc.Close()
	}
	return all.String()
}

func TestPersonalDataExport(t *testing.T) {
	e, f := buildFixture(t)
	p := &portability.Service{DB: e.db, Audit: e.log, Now: e.clock.Now}
	target := f.target
	var buf bytes.Buffer
	mark := e.mark()
	ok(t, p.Personal(e.ctx, target.Actor(), &buf))
	e.wantEvents(t, mark, "user.data_exported")
	files := unzip(t, buf.Bytes())
	for _, name := range []string{"manifest.json", "profile.json", "sign_in_methods.json", "memberships.json",
		"workspace_memberships.json", "sessions.json", "audit_events.json"} {
		if _, found := files[name]; !found {
			t.Errorf("no %s", name)
		}
	}
	if prof := files["profile.json"]; len(prof) != 1 || prof[0]["email"] != target.Email || prof[0]["has_password"] != float64(1) {
		t.Errorf("profile %v", prof)
	}
	if m := files["memberships.json"]; len(m) != 1 || m[0]["role"] != "member" {
		t.Errorf("memberships %v", m)
	}
	if w := files["workspace_memberships.json"]; len(w) != 1 || w[0]["workspace_id"] != f.w {
		t.Errorf("workspace memberships %v", w)
	}
	if len(files["sessions.json"]) == 0 {
		t.Error("no sessions")
	}
	// Audit events: theirs and about them, nobody else's.
	evs := files["audit_events.json"]
	if len(evs) == 0 {
		t.Fatal("no audit events")
	}
	for _, ev := range evs {
		if ev["actor_id"] != target.ID && ev["target_id"] != target.ID {
			t.Errorf("event about someone else: %v", ev)
		}
		if _, isObj := ev["details"].(map[string]any); !isObj {
			t.Errorf("details not embedded as JSON: %T", ev["details"])
		}
	}
	e.noSecrets(t, buf.Bytes())
}

func TestOrganizationDataExportIsForOwners(t *testing.T) {
	e, f := buildFixture(t)
	p := &portability.Service{DB: e.db, Audit: e.log, Now: e.clock.Now}
	for _, who := range []int{asAdmin, asBilling, asMember} {
		before := e.snapshot()
		wantCode(t, p.Organization(e.ctx, f.actors[who].Actor(), io.Discard), "auth.forbidden")
		e.unchanged(t, before)
	}
	var buf bytes.Buffer
	mark := e.mark()
	ok(t, p.Organization(e.ctx, f.actors[asOwner].Actor(), &buf))
	e.wantEvents(t, mark, "organization.data_exported")
	files := unzip(t, buf.Bytes())
	if o := files["organization.json"]; len(o) != 1 || o[0]["name"] != f.orgName || o[0]["chat_plan"] != "team" {
		t.Errorf("organization %v", o)
	}
	if n := e.count(`SELECT COUNT(*) FROM org_members WHERE org_id = ?`, f.actors[asOwner].OrgID); len(files["members.json"]) != n {
		t.Errorf("%d members exported, want %d", len(files["members.json"]), n)
	}
	if k := files["api_keys.json"]; len(k) != 1 || k[0]["id"] != f.keyID {
		t.Errorf("keys %v", k)
	}
	if ws := files["workspaces.json"]; len(ws) < 2 {
		t.Errorf("workspaces %v", ws)
	}
	if inv := files["invitations.json"]; len(inv) == 0 {
		t.Error("no invitations")
	}
	e.noSecrets(t, buf.Bytes())
	// Another organization's data never appears.
	other := e.signUp("other.owner@example.com", "Otto", "Other")
	var ob bytes.Buffer
	ok(t, p.Organization(e.ctx, other.Actor(), &ob))
	if strings.Contains(unzipped(t, ob.Bytes()), f.orgName) {
		t.Error("another organization's export mentions this one")
	}
	if got := unzip(t, ob.Bytes())["members.json"]; len(got) != 1 {
		t.Errorf("other org members %v", got)
	}
}
