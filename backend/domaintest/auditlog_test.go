package domaintest_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/auditlog"
	"admin-console/backend/org"
)

// auditScene is an organization with one person of each role, and the
// audit log service on the real clock (the audit log stamps events with it).
type auditScene struct {
	e                      *env
	svc                    *auditlog.Service
	owner, admin, fin, mem person
}

func newAuditScene(t *testing.T, plan string) *auditScene {
	t.Helper()
	e := newEnv(t)
	s := &auditScene{e: e, svc: &auditlog.Service{DB: e.db, Log: e.log, Now: time.Now}}
	s.owner = e.signUp("olive@example.com", "Olive", "Owner")
	e.team(s.owner) // invitations need Team; the plan under test is set after
	s.admin = e.join(s.owner, "adam@example.com", "Adam", "Admin", org.Admin)
	s.fin = e.join(s.owner, "bill@example.com", "Bill", "Finance", org.Billing)
	s.mem = e.join(s.owner, "mia@example.com", "Mia", "Member", org.Member)
	if plan != "team" {
		// Free and Pro hold one member: put the plan in place directly, as
		// if the organization had been downgraded around its people.
		if _, err := e.db.Exec(`UPDATE organizations SET chat_plan = ? WHERE id = ?`, plan, s.owner.OrgID); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// calls are every audit log call, as one actor makes them.
func (s *auditScene) calls(t *testing.T) map[string]func(a org.Actor) error {
	dir, n := t.TempDir(), 0
	return map[string]func(a org.Actor) error{
		"Events": func(a org.Actor) error { _, err := s.svc.Events(s.e.ctx, a, auditlog.Query{}); return err },
		"Overview": func(a org.Actor) error {
			_, err := s.svc.Overview(s.e.ctx, a)
			return err
		},
		"SetRetention": func(a org.Actor) error { _, err := s.svc.SetRetention(s.e.ctx, a, "30"); return err },
		"Verify":       func(a org.Actor) error { _, err := s.svc.Verify(s.e.ctx, a, nil); return err },
		"Export": func(a org.Actor) error {
			n++
			path := filepath.Join(dir, fmt.Sprintf("audit-%d.csv", n))
			_, err := s.svc.Export(s.e.ctx, a, auditlog.Query{}, audit.CSV, path, nil)
			if _, statErr := os.Stat(path); err != nil && !errors.Is(statErr, os.ErrNotExist) {
				t.Errorf("a refused export left %s", path)
			}
			return err
		},
	}
}

func TestAuditLogIsForOwnersAndAdminsOnTeamAndEnterprise(t *testing.T) {
	for _, plan := range []string{"free", "pro"} {
		t.Run(plan, func(t *testing.T) {
			s := newAuditScene(t, plan)
			before := s.e.snapshot()
			for name, call := range s.calls(t) {
				for _, p := range []person{s.owner, s.admin} {
					wantCode(t, call(p.Actor()), "plan.audit_logs_unavailable")
				}
				for _, p := range []person{s.fin, s.mem} {
					if err := call(p.Actor()); apperr.Code(err) != "auth.forbidden" {
						t.Errorf("%s by %s on %s: %v, want auth.forbidden", name, p.Role, plan, err)
					}
				}
			}
			s.e.unchanged(t, before)
		})
	}
	for _, plan := range []string{"team", "enterprise"} {
		t.Run(plan, func(t *testing.T) {
			s := newAuditScene(t, plan)
			for name, call := range s.calls(t) {
				for _, p := range []person{s.owner, s.admin} {
					if err := call(p.Actor()); err != nil {
						t.Errorf("%s by %s on %s: %v", name, p.Role, plan, err)
					}
				}
				before := s.e.snapshot()
				for _, p := range []person{s.fin, s.mem} {
					if err := call(p.Actor()); apperr.Code(err) != "auth.forbidden" {
						t.Errorf("%s by %s on %s: %v, want auth.forbidden", name, p.Role, plan, err)
					}
				}
				s.e.unchanged(t, before)
			}
		})
	}
}

// allEvents pages through the organization's whole log.
func (s *auditScene) allEvents(t *testing.T, a org.Actor, q auditlog.Query) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for {
		q.Limit = 3
		p, err := s.svc.Events(s.e.ctx, a, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Entries...)
		if !p.More {
			return out
		}
		q.Before = p.Next
	}
}

func TestAuditLogShowsOnlyTheOrganizationsEvents(t *testing.T) {
	s := newAuditScene(t, "team")
	other := s.e.signUp("oscar@example.com", "Oscar", "Other")
	s.e.team(other)
	ws := s.e.defaultWorkspace(s.owner)
	must(s.e.ws.Update(s.e.ctx, s.owner.Actor(), ws, "Renamed", ""))(t)

	got := s.allEvents(t, s.admin.Actor(), auditlog.Query{})
	want := s.e.count(`SELECT COUNT(*) FROM audit_events WHERE org_id = ?`, s.owner.OrgID)
	if len(got) != want || want < 8 {
		t.Fatalf("%d events, want the organization's %d", len(got), want)
	}
	for i, e := range got {
		if s.e.count(`SELECT COUNT(*) FROM audit_events WHERE id = ? AND org_id = ?`, e.ID, s.owner.OrgID) != 1 {
			t.Errorf("event %d (%s) is not the organization's", e.Seq, e.Action)
		}
		if i > 0 && e.Seq >= got[i-1].Seq {
			t.Errorf("not newest first at %d", i)
		}
	}
	// Filters narrow it down; names are filled in.
	upd := s.allEvents(t, s.admin.Actor(), auditlog.Query{Action: "workspace.updated", WorkspaceID: ws, ActorID: s.owner.ID})
	if len(upd) != 1 || upd[0].ActorName != "Olive Owner" || upd[0].ActorEmail != "olive@example.com" ||
		upd[0].WorkspaceName != "Renamed" || upd[0].TargetName != "Renamed" {
		t.Fatalf("filtered: %+v", upd)
	}
	plan := s.allEvents(t, s.admin.Actor(), auditlog.Query{Action: "plan.changed"})
	if len(plan) != 1 || plan[0].TargetName != "Olive Owner's organization" {
		t.Errorf("the organization as target: %+v", plan)
	}
	if got := s.allEvents(t, s.admin.Actor(), auditlog.Query{Action: "workspace.updated", ActorID: other.ID}); len(got) != 0 {
		t.Errorf("another organization's person as actor: %+v", got)
	}
	o := must(s.svc.Overview(s.e.ctx, s.owner.Actor()))(t)
	if !slices.Contains(o.Actions, "workspace.updated") || !slices.Contains(o.Actions, "member.joined") ||
		!slices.Contains(o.TargetTypes, "workspace") || o.RetentionDays != auditlog.DefaultRetentionDays {
		t.Errorf("overview: %+v", o)
	}
	// A range that ends before it starts is refused.
	now := time.Now()
	_, err := s.svc.Events(s.e.ctx, s.owner.Actor(), auditlog.Query{From: now, To: now.Add(-time.Hour)})
	if ae := wantCode(t, err, "audit.range_invalid"); ae.Field != "to" {
		t.Errorf("field %q", ae.Field)
	}
	// A date range today holds everything; one that ended yesterday nothing.
	day := now.Truncate(24 * time.Hour)
	if got := s.allEvents(t, s.owner.Actor(), auditlog.Query{From: day.Add(-24 * time.Hour), To: day.Add(48 * time.Hour)}); len(got) != want {
		t.Errorf("today: %d events, want %d", len(got), want)
	}
	if got := s.allEvents(t, s.owner.Actor(), auditlog.Query{To: now.Add(-24 * time.Hour)}); len(got) != 0 {
		t.Errorf("before yesterday: %d events", len(got))
	}
}

func TestAuditRetentionIsValidatedAndAudited(t *testing.T) {
	s := newAuditScene(t, "enterprise")
	before := s.e.snapshot()
	for _, raw := range []string{"0", "3651", "-3", "abc", "", "  ", "12.5", "1e3", "30 days", "٣٠"} {
		_, err := s.svc.SetRetention(s.e.ctx, s.admin.Actor(), raw)
		ae := wantCode(t, err, "audit.retention_invalid")
		if ae.Field != "retentionDays" || ae.Params["Min"] != 1 || ae.Params["Max"] != 3650 {
			t.Errorf("%q: %+v", raw, ae)
		}
	}
	s.e.unchanged(t, before)

	mark := s.e.mark()
	if days := must(s.svc.SetRetention(s.e.ctx, s.admin.Actor(), " 30 "))(t); days != 30 {
		t.Fatalf("days = %d", days)
	}
	evs := s.e.wantEvents(t, mark, "audit.retention_changed")
	if evs[0].ActorID != s.admin.ID || evs[0].Details != `{"from":365,"to":30}` || evs[0].OrgID != s.owner.OrgID {
		t.Errorf("event: %+v", evs[0])
	}
	// The same value again changes nothing and records nothing.
	mark = s.e.mark()
	must(s.svc.SetRetention(s.e.ctx, s.owner.Actor(), "30"))(t)
	s.e.wantEvents(t, mark)
	for _, raw := range []string{"1", "3650"} {
		if days := must(s.svc.SetRetention(s.e.ctx, s.owner.Actor(), raw))(t); days != atoi(raw) {
			t.Errorf("%s: %d", raw, days)
		}
	}
	if o := must(s.svc.Overview(s.e.ctx, s.owner.Actor()))(t); o.RetentionDays != 3650 {
		t.Errorf("retention %d", o.RetentionDays)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Forty days on, with 30 days' retention: the organization's events are
// hidden at once, and the prune deletes those it can — the prefix of the
// chain before the first event another organization (365 days) still keeps.
// The rest of the chain verifies.
func TestAuditRetentionHidesThenPrunesAndTheChainStillVerifies(t *testing.T) {
	s := newAuditScene(t, "team")
	other := s.e.signUp("oscar@example.com", "Oscar", "Other")
	s.e.team(other)
	must(s.e.ws.Update(s.e.ctx, s.owner.Actor(), s.e.defaultWorkspace(s.owner), "After Oscar", ""))(t)
	must(s.svc.SetRetention(s.e.ctx, s.owner.Actor(), "30"))(t)
	total := len(s.allEvents(t, s.owner.Actor(), auditlog.Query{}))

	later := &auditlog.Service{DB: s.e.db, Log: s.e.log, Now: func() time.Time { return time.Now().AddDate(0, 0, 40) }}
	p, err := later.Events(s.e.ctx, s.owner.Actor(), auditlog.Query{})
	if err != nil || len(p.Entries) != 0 {
		t.Fatalf("40 days later with 30 days' retention: %d events shown, %v", len(p.Entries), err)
	}
	if p := must(later.Events(s.e.ctx, other.Actor(), auditlog.Query{}))(t); len(p.Entries) == 0 {
		t.Fatal("the other organization (365 days) lost its events from view")
	}

	var firstOther int64
	if err := s.e.db.QueryRow(`SELECT MIN(seq) FROM audit_events WHERE org_id = ?`, other.OrgID).Scan(&firstOther); err != nil {
		t.Fatal(err)
	}
	res := must(later.Prune(s.e.ctx))(t)
	if res.ThroughSeq != firstOther-1 || res.PerOrg[s.owner.OrgID] == 0 || res.PerOrg[other.OrgID] != 0 {
		t.Fatalf("prune = %+v, want everything before seq %d", res, firstOther)
	}
	if n := s.e.count(`SELECT COUNT(*) FROM audit_events WHERE seq < ?`, firstOther); n != 0 {
		t.Errorf("%d events left before the prune point", n)
	}
	kept := s.e.count(`SELECT COUNT(*) FROM audit_events WHERE org_id = ? AND action != ?`, s.owner.OrgID, audit.PruneAction)
	if kept == 0 || kept+int(res.PerOrg[s.owner.OrgID]) != total {
		t.Errorf("kept %d and pruned %d of the organization's %d events", kept, res.PerOrg[s.owner.OrgID], total)
	}
	if v := must(s.svc.Verify(s.e.ctx, s.owner.Actor(), nil))(t); !v.OK {
		t.Fatalf("after the prune: %+v", v)
	}
	// The organization sees the prune itself today (at 30 days, nothing of
	// today is hidden).
	if got := s.allEvents(t, s.owner.Actor(), auditlog.Query{Action: audit.PruneAction}); len(got) != 1 ||
		!strings.Contains(got[0].Details, `"retentionDays":30`) {
		t.Errorf("prune events: %+v", got)
	}
}

func TestAuditExportWritesTheFilteredEventsAndRecordsIt(t *testing.T) {
	s := newAuditScene(t, "team")
	dir := t.TempDir()
	all := s.allEvents(t, s.owner.Actor(), auditlog.Query{})
	joined := s.allEvents(t, s.owner.Actor(), auditlog.Query{Action: "member.joined"})

	path := filepath.Join(dir, "audit.csv")
	var done, total int64
	mark := s.e.mark()
	n, err := s.svc.Export(s.e.ctx, s.admin.Actor(), auditlog.Query{Action: "member.joined"}, audit.CSV, path,
		func(d, t int64) { done, total = d, t })
	if err != nil || n != int64(len(joined)) || n != 3 || done != n || total != n {
		t.Fatalf("Export = %d, %v (progress %d/%d), want %d", n, err, done, total, len(joined))
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 4 || !slices.Equal(recs[0], audit.CSVHeader) {
		t.Fatalf("CSV: %v %v", recs, err)
	}
	for i, r := range recs[1:] {
		if r[1] != joined[len(joined)-1-i].ID || r[6] != "member.joined" {
			t.Errorf("row %d: %v", i, r)
		}
	}
	evs := s.e.wantEvents(t, mark, "audit.exported")
	var d map[string]any
	if err := json.Unmarshal([]byte(evs[0].Details), &d); err != nil || d["format"] != "csv" || d["count"] != float64(3) ||
		d["filters"].(map[string]any)["action"] != "member.joined" || evs[0].ActorID != s.admin.ID {
		t.Errorf("export event: %+v", evs[0])
	}

	// JSONL of everything: one line per event (and the CSV export's event,
	// which happened before this one).
	path = filepath.Join(dir, "audit.jsonl")
	n = must(s.svc.Export(s.e.ctx, s.owner.Actor(), auditlog.Query{}, audit.JSONL, path, nil))(t)
	body, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if n != int64(len(all)+1) || len(lines) != len(all)+1 {
		t.Fatalf("JSONL: %d events, %d lines, want %d", n, len(lines), len(all)+1)
	}
	for _, l := range lines {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
	}

	// Cancelled: no file, no event. Unknown format: refused.
	ctx, cancel := context.WithCancel(s.e.ctx)
	cancel()
	mark = s.e.mark()
	path = filepath.Join(dir, "cancelled.csv")
	_, err = s.svc.Export(ctx, s.owner.Actor(), auditlog.Query{}, audit.CSV, path, nil)
	if apperr.Code(err) != "audit.export_cancelled" && apperr.Code(err) != apperr.Internal {
		t.Errorf("cancelled export: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("a cancelled export left its file")
	}
	s.e.wantEvents(t, mark)
	_, err = s.svc.Export(s.e.ctx, s.owner.Actor(), auditlog.Query{}, "xlsx", filepath.Join(dir, "x.xlsx"), nil)
	wantCode(t, err, "audit.format_unknown")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// The chain is one for every organization: verification reports a break in
// another organization's event by its number only.
func TestAuditVerifyTellsOnlyOwnEventDetails(t *testing.T) {
	s := newAuditScene(t, "team")
	other := s.e.signUp("oscar@example.com", "Oscar", "Other")
	s.e.team(other)
	var reported []int64
	if v := must(s.svc.Verify(s.e.ctx, s.owner.Actor(), func(done, _ int64) { reported = append(reported, done) }))(t); !v.OK ||
		v.Events == 0 || len(reported) == 0 || reported[len(reported)-1] != v.Events {
		t.Fatalf("intact: %+v (progress %v)", v, reported)
	}
	var seq int64
	var details, action string
	if err := s.e.db.QueryRow(`SELECT seq, details, action FROM audit_events WHERE org_id = ? ORDER BY seq DESC LIMIT 1`,
		other.OrgID).Scan(&seq, &details, &action); err != nil {
		t.Fatal(err)
	}
	if _, err := s.e.db.Exec(`UPDATE audit_events SET details = '{"forged":true}' WHERE seq = ?`, seq); err != nil {
		t.Fatal(err)
	}
	v := must(s.svc.Verify(s.e.ctx, s.owner.Actor(), nil))(t)
	if v.OK || v.BrokenSeq != seq || v.Kind != audit.KindContent || v.Own || v.Action != "" || !v.At.IsZero() {
		t.Errorf("another organization's broken event: %+v", v)
	}
	v = must(s.svc.Verify(s.e.ctx, other.Actor(), nil))(t)
	if v.OK || v.BrokenSeq != seq || !v.Own || v.Action != action || v.At.IsZero() {
		t.Errorf("own broken event: %+v", v)
	}
	// Put it back, so the chain verifies at the end of the test.
	if _, err := s.e.db.Exec(`UPDATE audit_events SET details = ? WHERE seq = ?`, details, seq); err != nil {
		t.Fatal(err)
	}
}
