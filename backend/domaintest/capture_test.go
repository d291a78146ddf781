package domaintest_test

// Data Capture (package capture) with the parts it meets: plans and roles
// (org), workspaces, the usage import that brings captured calls in
// (billing), and Zero Data Retention (privacy).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/capture"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
	"admin-console/backend/workspace"
)

// capScene is a Team organization with two workspaces (Default and
// Research), an Admin, a Billing member and a Member; billing's Capture hook
// wired to package capture as the desktop wires it; and a clock in June 2026
// (the price list starts in 2026).
type capScene struct {
	*env
	cap                    *capture.Service
	bill                   *billing.Service
	owner, admin, fin, mem person
	ws1, ws2               string
	exports                string
}

var capNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func newCapScene(t *testing.T) *capScene {
	t.Helper()
	e := newEnv(t)
	e.clock.Advance(capNow.Sub(start))
	s := &capScene{env: e, exports: filepath.Join(t.TempDir(), "exports")}
	s.cap = &capture.Service{DB: e.db, Audit: e.log, Now: e.clock.Now, ExportDir: s.exports}
	s.bill = &billing.Service{DB: e.db, Audit: e.log, Now: e.clock.Now}
	s.bill.Capture = func(ctx context.Context, tx *sql.Tx, orgID string, recs []billing.Record) (int, error) {
		calls := make([]capture.Call, len(recs))
		for i, r := range recs {
			calls[i] = capture.Call{Key: r.Key(), Time: r.Time, WorkspaceID: r.WorkspaceID, APIKeyID: r.APIKeyID, Model: r.Model,
				Request: r.Request, Response: r.Response, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
				LatencyMS: r.LatencyMS, Status: r.Status}
		}
		return s.cap.StoreCalls(ctx, tx, orgID, calls)
	}
	s.owner = e.signUp("cora@example.com", "Cora", "Owner")
	e.team(s.owner)
	s.ws1 = e.defaultWorkspace(s.owner)
	s.ws2 = must(e.ws.Create(e.ctx, s.owner.Actor(), "Research", ""))(t).ID
	s.admin = e.join(s.owner, "adam@example.com", "Adam", "Admin", org.Admin)
	s.fin = e.join(s.owner, "bill@example.com", "Bill", "Finance", org.Billing)
	s.mem = e.join(s.owner, "mia@example.com", "Mia", "Member", org.Member, s.ws1)
	return s
}

func (s *capScene) set(t *testing.T, p person, ws string, on bool, days int) capture.Setting {
	t.Helper()
	return must(s.cap.SetCapture(s.ctx, p.Actor(), capture.SettingInput{WorkspaceID: ws, Enabled: on, RetentionDays: days}))(t)
}

// call is a usage record with an API call.
func capCall(id string, at time.Time, ws, model string) billing.Record {
	return billing.Record{ID: id, Time: at, WorkspaceID: ws, Model: model, InputTokens: 120, OutputTokens: 30, Requests: 1,
		Request:   []byte(fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"question %s"}]}`, model, id)),
		Response:  []byte(fmt.Sprintf(`{"choices":[{"message":{"content":"answer %s"}}]}`, id)),
		LatencyMS: 420, Status: 200}
}

func (s *capScene) imp(t *testing.T, p person, recs ...billing.Record) billing.ImportResult {
	t.Helper()
	return must(s.bill.ImportUsage(s.ctx, p.Actor(), recs))(t)
}

// keys lists the record IDs of the stored captured calls, sorted.
func (s *capScene) keys(t *testing.T, where string, args ...any) []string {
	t.Helper()
	if where == "" {
		where = "1"
	}
	rows, err := s.db.Query(`SELECT record_key FROM captured_calls WHERE `+where+` ORDER BY record_key`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimPrefix(k, "id:"))
	}
	return out
}

// capTables is what a capture action may write, with the audit log.
var capTables = []string{"capture_settings", "captured_calls", "capture_export_jobs", "usage_records", "audit_events"}

func (s *capScene) capSnapshot() map[string]string {
	out := map[string]string{}
	for _, table := range capTables {
		var n int
		var sum sql.NullString
		if err := s.db.QueryRow(`SELECT COUNT(*), group_concat(x, ';') FROM (SELECT quote(rowid) || quote(`+
			map[string]string{"capture_settings": "enabled || retention_days", "captured_calls": "record_key",
				"capture_export_jobs": "status || done", "usage_records": "record_key", "audit_events": "seq"}[table]+
			`) AS x FROM `+table+` ORDER BY rowid)`).Scan(&n, &sum); err != nil {
			s.t.Fatal(err)
		}
		out[table] = fmt.Sprint(n, " ", sum.String)
	}
	return out
}

func (s *capScene) capUnchanged(t *testing.T, before map[string]string) {
	t.Helper()
	after := s.capSnapshot()
	for _, table := range capTables {
		if before[table] != after[table] {
			t.Errorf("table %s changed", table)
		}
	}
}

func TestCaptureNeedsTeamOrEnterpriseAndDataManage(t *testing.T) {
	s := newCapScene(t)
	from, to := capNow.Add(-24*time.Hour), capNow
	actions := map[string]func(p person) error{
		"Settings": func(p person) error { _, err := s.cap.Settings(s.ctx, p.Actor()); return err },
		"SetCapture": func(p person) error {
			_, err := s.cap.SetCapture(s.ctx, p.Actor(), capture.SettingInput{WorkspaceID: s.ws1, Enabled: true, RetentionDays: 30})
			return err
		},
		"Calls":  func(p person) error { _, err := s.cap.Calls(s.ctx, p.Actor(), capture.Filter{}); return err },
		"Call":   func(p person) error { _, err := s.cap.Call(s.ctx, p.Actor(), 1); return err },
		"Models": func(p person) error { _, err := s.cap.Models(s.ctx, p.Actor()); return err },
		"CreateExportJob": func(p person) error {
			_, err := s.cap.CreateExportJob(s.ctx, p.Actor(), capture.ExportRequest{WorkspaceIDs: []string{s.ws1}, From: from, To: to})
			return err
		},
		"ExportJobs": func(p person) error { _, err := s.cap.ExportJobs(s.ctx, p.Actor()); return err },
		"CancelExportJob": func(p person) error {
			_, err := s.cap.CancelExportJob(s.ctx, p.Actor(), "no-such-job")
			return err
		},
	}
	before := s.capSnapshot()
	for name, act := range actions {
		for _, p := range []person{s.fin, s.mem} {
			if err := act(p); apperr.Code(err) != "auth.forbidden" {
				t.Errorf("%s by %s: %v, want auth.forbidden", name, p.Role, err)
			}
		}
	}
	s.capUnchanged(t, before)

	// Owners and Admins may; a Free organization may not, whoever asks.
	s.set(t, s.admin, s.ws1, true, 30)
	must(s.cap.Settings(s.ctx, s.owner.Actor()))(t)
	free := s.signUp("fred@example.com", "Fred", "Free")
	before = s.capSnapshot()
	for name, act := range actions {
		if err := act(free); apperr.Code(err) != "plan.data_capture_unavailable" {
			t.Errorf("%s on Free: %v, want plan.data_capture_unavailable", name, err)
		}
	}
	s.capUnchanged(t, before)

	// Calls imported on a plan without Data Capture are not captured, even
	// with a setting left on from a Team past.
	solo := s.signUp("solo@example.com", "Sol", "Solo")
	s.team(solo)
	soloWS := s.defaultWorkspace(solo)
	s.set(t, solo, soloWS, true, 30)
	must(s.org.SetPlans(s.ctx, solo.Actor(), "pro", "experiment"))(t)
	if res := s.imp(t, solo, capCall("after-downgrade", capNow.Add(-time.Hour), soloWS, "large-2")); res.Added != 1 || res.Captured != 0 {
		t.Errorf("import after downgrade: %+v", res)
	}
	if n := s.count(`SELECT COUNT(*) FROM captured_calls`); n != 0 {
		t.Errorf("%d calls captured on Pro", n)
	}
}

func TestCaptureSettingsAreValidatedAndEachChangeAudited(t *testing.T) {
	s := newCapScene(t)
	list := must(s.cap.Settings(s.ctx, s.owner.Actor()))(t)
	if len(list) != 2 || list[0].Enabled || list[0].RetentionDays != 30 || list[1].RetentionDays != 30 {
		t.Fatalf("defaults: %+v", list)
	}

	before := s.capSnapshot()
	for _, days := range []int{0, -1, 366, 10000} {
		_, err := s.cap.SetCapture(s.ctx, s.owner.Actor(), capture.SettingInput{WorkspaceID: s.ws1, Enabled: true, RetentionDays: days})
		if e := wantCode(t, err, "capture.retention_range"); e.Field != "retentionDays" {
			t.Errorf("field %q", e.Field)
		}
	}
	s.capUnchanged(t, before)
	other := s.signUp("otto@example.com", "Otto", "Other")
	s.team(other)
	before = s.capSnapshot()
	for _, ws := range []string{"", "nope", s.defaultWorkspace(other)} {
		_, err := s.cap.SetCapture(s.ctx, s.owner.Actor(), capture.SettingInput{WorkspaceID: ws, Enabled: true, RetentionDays: 30})
		wantCode(t, err, "workspace.not_found")
	}
	s.capUnchanged(t, before)

	m := s.mark()
	st := s.set(t, s.admin, s.ws1, true, 90)
	if !st.Enabled || st.RetentionDays != 90 || st.ChangedBy != s.admin.ID || st.ChangedByName != "Adam Admin" || !st.ChangedAt.Equal(capNow) {
		t.Errorf("after enabling: %+v", st)
	}
	s.wantEvents(t, m, "capture.enabled", "capture.retention_changed")
	m = s.mark()
	s.set(t, s.admin, s.ws1, true, 90) // no change, no event
	s.wantEvents(t, m)
	s.set(t, s.owner, s.ws1, true, 7)
	evs := s.wantEvents(t, m, "capture.retention_changed")
	if len(evs) == 1 && (evs[0].WorkspaceID != s.ws1 || !strings.Contains(evs[0].Details, `"from":90`) || !strings.Contains(evs[0].Details, `"to":7`)) {
		t.Errorf("event: %+v", evs[0])
	}
	m = s.mark()
	s.set(t, s.owner, s.ws1, false, 365)
	s.wantEvents(t, m, "capture.disabled", "capture.retention_changed")

	// An archived workspace can be turned off, not on.
	must(s.ws.SetArchived(s.ctx, s.owner.Actor(), s.ws2, true))(t)
	before = s.capSnapshot()
	_, err := s.cap.SetCapture(s.ctx, s.owner.Actor(), capture.SettingInput{WorkspaceID: s.ws2, Enabled: true, RetentionDays: 30})
	wantCode(t, err, "workspace.archived")
	s.capUnchanged(t, before)
}

func TestZDRBlocksDataCapture(t *testing.T) {
	s := newCapScene(t)
	s.set(t, s.owner, s.ws1, true, 30)
	s.set(t, s.owner, s.ws2, true, 30)
	p := &privacy.Service{DB: s.db, Audit: s.log, Now: s.clock.Now}
	req := must(p.RequestZDR(s.ctx, s.owner.Actor(), privacy.RequestInput{Reason: "Health data", Contact: "dpo@example.com",
		WorkspaceIDs: []string{s.ws1}}, account.NormalizeEmail))(t)
	must(p.ApproveZDR(s.ctx, req.ID, ""))(t)

	list := must(s.cap.Settings(s.ctx, s.owner.Actor()))(t)
	byID := map[string]capture.Setting{}
	for _, st := range list {
		byID[st.WorkspaceID] = st
	}
	if st := byID[s.ws1]; st.Enabled || !st.ZDR {
		t.Errorf("ZDR workspace: %+v", st)
	}
	if st := byID[s.ws2]; !st.Enabled || st.ZDR {
		t.Errorf("other workspace: %+v", st)
	}

	// Turning it on is refused and changes nothing; turning it off or
	// changing the retention of what was stored before stays possible.
	before := s.capSnapshot()
	_, err := s.cap.SetCapture(s.ctx, s.admin.Actor(), capture.SettingInput{WorkspaceID: s.ws1, Enabled: true, RetentionDays: 30})
	wantCode(t, err, "capture.zdr_active")
	s.capUnchanged(t, before)
	s.set(t, s.owner, s.ws1, false, 10)

	// Even a setting left on (written behind the domain's back) captures
	// nothing under ZDR, while usage still counts every record.
	if _, err := s.db.Exec(`UPDATE capture_settings SET enabled = 1 WHERE workspace_id = ?`, s.ws1); err != nil {
		t.Fatal(err)
	}
	res := s.imp(t, s.owner, capCall("z1", capNow.Add(-time.Hour), s.ws1, "large-2"), capCall("z2", capNow.Add(-time.Hour), s.ws2, "large-2"),
		capCall("z3", capNow.Add(-time.Minute), s.ws1, "small-3"))
	if res.Added != 3 || res.Captured != 1 {
		t.Errorf("import: %+v", res)
	}
	if got := s.keys(t, ""); !slices.Equal(got, []string{"z2"}) {
		t.Errorf("captured %q, want only z2", got)
	}
	if n := s.count(`SELECT COUNT(*) FROM usage_records WHERE workspace_id = ?`, s.ws1); n != 2 {
		t.Errorf("usage of the ZDR workspace: %d records, want 2", n)
	}
}

func TestImportCapturesCallsOnceAndKeepsBodiesBounded(t *testing.T) {
	s := newCapScene(t)
	s.set(t, s.owner, s.ws1, true, 30)
	key := must(s.ws.CreateKey(s.ctx, s.owner.Actor(), s.ws1, workspace.KeyInput{Name: "Gateway"}))(t)
	jsonl := fmt.Sprintf(`{"id":"c1","time":"2026-06-15T10:00:00Z","workspace_id":%[1]q,"api_key_id":%[3]q,"model":"large-2","input_tokens":1200,"output_tokens":300,"requests":1,"request":{"messages": [ {"role":"user","content":"Bonjour \u00e9t\u00e9 ﷺ"} ]},"response":{"content":"Salut"},"latency_ms":840,"status":200}
{"id":"c2","time":"2026-06-15T10:01:00Z","workspace_id":%[2]q,"model":"large-2","input_tokens":1,"output_tokens":1,"requests":1,"request":"not captured: capture is off here","status":429}
{"id":"c3","time":"2026-06-15T10:02:00Z","workspace_id":%[1]q,"model":"small-3","input_tokens":5,"output_tokens":0,"requests":1}
{"id":"c4","time":"2026-06-15T10:03:00Z","workspace_id":%[1]q,"model":"small-3","input_tokens":5,"output_tokens":0,"requests":1,"response":{"error":"overloaded"},"status":503}
`, s.ws1, s.ws2, key.ID)
	recs := must(billing.ParseJSONL(strings.NewReader(jsonl)))(t)
	m := s.mark()
	res := s.imp(t, s.owner, recs...)
	if res != (billing.ImportResult{Read: 4, Added: 4, Captured: 2}) {
		t.Errorf("first import: %+v", res)
	}
	evs := s.wantEvents(t, m, "usage.imported")
	if len(evs) == 1 && !strings.Contains(evs[0].Details, `"captured":2`) {
		t.Errorf("import event: %s", evs[0].Details)
	}
	// The same file again counts nothing and captures nothing twice.
	recs = must(billing.ParseJSONL(strings.NewReader(jsonl)))(t)
	if res := s.imp(t, s.owner, recs...); res != (billing.ImportResult{Read: 4, Duplicates: 4}) {
		t.Errorf("second import: %+v", res)
	}
	if got := s.keys(t, ""); !slices.Equal(got, []string{"c1", "c4"}) {
		t.Fatalf("captured %q", got)
	}

	page := must(s.cap.Calls(s.ctx, s.owner.Actor(), capture.Filter{}))(t)
	if len(page.Calls) != 2 || page.Calls[0].Model != "small-3" || page.Calls[1].Model != "large-2" || page.Next != "" {
		t.Fatalf("page: %+v", page)
	}
	c1 := page.Calls[1]
	if c1.APIKeyName != "Gateway" || c1.WorkspaceName != "Default workspace" || c1.LatencyMS != 840 || c1.Status != 200 ||
		c1.InputTokens != 1200 || !c1.At.Equal(time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("summary: %+v", c1)
	}
	d := must(s.cap.Call(s.ctx, s.owner.Actor(), c1.ID))(t)
	if d.RecordID != "c1" || d.Request != `{"messages":[{"role":"user","content":"Bonjour \u00e9t\u00e9 ﷺ"}]}` || d.Response != `{"content":"Salut"}` {
		t.Errorf("detail: %q %q %q", d.RecordID, d.Request, d.Response)
	}
	if d4 := must(s.cap.Call(s.ctx, s.owner.Actor(), page.Calls[0].ID))(t); d4.Request != "" || d4.Status != 503 {
		t.Errorf("call without request: %+v", d4)
	}

	// A body over 1 MiB is cut and kept as a JSON string, flagged.
	big := billing.Record{ID: "big", Time: capNow.Add(-time.Hour), WorkspaceID: s.ws1, Model: "large-2", Requests: 1,
		Request: []byte(`{"content":"` + strings.Repeat("é", capture.MaxBodyBytes) + `"}`), Response: []byte(`{}`)}
	if res := s.imp(t, s.owner, big); res.Captured != 1 {
		t.Fatalf("big: %+v", res)
	}
	var req string
	var truncated int
	if err := s.db.QueryRow(`SELECT request, truncated FROM captured_calls WHERE record_key = 'id:big'`).Scan(&req, &truncated); err != nil {
		t.Fatal(err)
	}
	if truncated != capture.RequestTruncated || !strings.HasPrefix(req, `"{\"content\":\"éé`) || len(req) > capture.MaxBodyBytes+64 {
		t.Errorf("truncated body: %d bytes, flag %d, starts %q", len(req), truncated, req[:20])
	}

	// Bad capture fields stop the import at their line and change nothing.
	before := s.capSnapshot()
	for field, line := range map[string]string{
		"status":     `"status":700`,
		"latency_ms": `"latency_ms":-1`,
	} {
		bad := fmt.Sprintf(`{"id":"x","time":"2026-06-15T10:00:00Z","workspace_id":%q,"model":"large-2","request":{},%s}`, s.ws1, line)
		_, err := billing.ParseJSONL(strings.NewReader(bad))
		if e := wantCode(t, err, "usage.invalid_line"); e.Params["Field"] != field {
			t.Errorf("%s: %v", field, e)
		}
	}
	_, err := s.bill.RecordUsage(s.ctx, s.owner.OrgID, []billing.Record{{ID: "y", Time: capNow, WorkspaceID: s.ws1, Model: "large-2",
		Request: []byte(`{"unterminated`)}})
	if e := wantCode(t, err, "usage.invalid_line"); e.Params["Field"] != "request" {
		t.Errorf("invalid request JSON: %v", e)
	}
	long := fmt.Sprintf(`{"id":"x","time":"2026-06-15T10:00:00Z","workspace_id":%q,"model":"large-2","request":"%s"}`, s.ws1,
		strings.Repeat("a", billing.MaxLineBytes))
	_, err = billing.ParseJSONL(strings.NewReader("\n" + long))
	if e := wantCode(t, err, "usage.line_too_long"); e.Params["Line"] != 2 {
		t.Errorf("long line: %v", e)
	}
	s.capUnchanged(t, before)
}

func TestBrowseFiltersPagesAndIsolates(t *testing.T) {
	s := newCapScene(t)
	s.set(t, s.owner, s.ws1, true, 365)
	s.set(t, s.owner, s.ws2, true, 365)
	var recs []billing.Record
	models := []string{"large-2", "small-3", "medium-3"}
	for i := range 30 {
		ws := s.ws1
		if i%3 == 0 {
			ws = s.ws2
		}
		r := capCall(fmt.Sprintf("b%02d", i), capNow.Add(-time.Duration(30-i)*time.Hour), ws, models[i%3])
		r.Status = []int{200, 404, 500, 0, 302}[i%5]
		if i == 7 {
			r.Response = []byte(`{"content":"100% sure_thing\\path"}`)
		}
		recs = append(recs, r)
	}
	// Two calls at the same instant: paging must not lose either.
	same := capNow.Add(-30 * time.Minute)
	recs = append(recs, capCall("same-a", same, s.ws1, "large-2"), capCall("same-b", same, s.ws1, "large-2"))
	s.imp(t, s.owner, recs...)

	ids := func(f capture.Filter) []string {
		t.Helper()
		var out []string
		for {
			page := must(s.cap.Calls(s.ctx, s.admin.Actor(), f))(t)
			for _, c := range page.Calls {
				d := must(s.cap.Call(s.ctx, s.admin.Actor(), c.ID))(t)
				out = append(out, d.RecordID)
			}
			if page.Next == "" {
				return out
			}
			f.Cursor = page.Next
		}
	}
	all := ids(capture.Filter{Limit: 4})
	if len(all) != 32 || all[0] != "same-b" || all[1] != "same-a" || all[2] != "b29" || all[31] != "b00" {
		t.Fatalf("all pages: %d %q", len(all), all)
	}
	if got := ids(capture.Filter{WorkspaceID: s.ws2}); len(got) != 10 || got[0] != "b27" {
		t.Errorf("workspace filter: %q", got)
	}
	if got := ids(capture.Filter{Model: "medium-3", Status: "5xx"}); !slices.Equal(got, []string{"b17", "b02"}) {
		t.Errorf("model and status: %q", got)
	}
	if got := ids(capture.Filter{Status: "unknown"}); len(got) != 6 {
		t.Errorf("unknown status: %q", got)
	}
	if got := ids(capture.Filter{From: capNow.Add(-5 * time.Hour), To: capNow.Add(-2 * time.Hour)}); !slices.Equal(got, []string{"b27", "b26", "b25"}) {
		t.Errorf("dates: %q", got)
	}
	// Search is literal: % and _ and \ are not wildcards; case folds for ASCII.
	if got := ids(capture.Filter{Search: `100% SURE_thing\\path`}); !slices.Equal(got, []string{"b07"}) {
		t.Errorf("search: %q", got)
	}
	if got := ids(capture.Filter{Search: "QUESTION b1"}); len(got) != 10 {
		t.Errorf("search in requests: %q", got)
	}
	if got := ids(capture.Filter{Search: "%"}); !slices.Equal(got, []string{"b07"}) {
		t.Errorf("search %%: %q", got)
	}
	if got := must(s.cap.Models(s.ctx, s.owner.Actor()))(t); !slices.Equal(got, []string{"large-2", "medium-3", "small-3"}) {
		t.Errorf("models: %q", got)
	}
	for _, f := range []capture.Filter{{Status: "6xx"}, {Cursor: "garbage"}, {From: capNow, To: capNow.Add(-time.Hour)},
		{Search: strings.Repeat("x", 201)}} {
		if _, err := s.cap.Calls(s.ctx, s.owner.Actor(), f); apperr.As(err).Field == "" {
			t.Errorf("filter %+v: %v, want a field error", f, err)
		}
	}

	// Another organization sees none of it, by filter or by ID.
	other := s.signUp("otto@example.com", "Otto", "Other")
	s.team(other)
	if page := must(s.cap.Calls(s.ctx, other.Actor(), capture.Filter{WorkspaceID: s.ws1}))(t); len(page.Calls) != 0 {
		t.Errorf("other org sees %d calls", len(page.Calls))
	}
	first := must(s.cap.Calls(s.ctx, s.owner.Actor(), capture.Filter{Limit: 1}))(t).Calls[0]
	_, err := s.cap.Call(s.ctx, other.Actor(), first.ID)
	wantCode(t, err, "capture.call_not_found")
	if got := must(s.cap.Models(s.ctx, other.Actor()))(t); len(got) != 0 {
		t.Errorf("other org's models: %q", got)
	}
}

func TestRetentionPurgesWhatIsDueAndNothingElse(t *testing.T) {
	s := newCapScene(t)
	s.set(t, s.owner, s.ws1, true, 30)
	s.set(t, s.owner, s.ws2, true, 100)
	other := s.signUp("otto@example.com", "Otto", "Other")
	s.team(other)
	ows := s.defaultWorkspace(other)
	s.set(t, other, ows, true, 60)

	day := 24 * time.Hour
	cut30 := capNow.Add(-30 * day)
	s.imp(t, s.owner,
		capCall("w1-due", cut30.Add(-time.Nanosecond), s.ws1, "large-2"), // a nanosecond past the cutoff: due
		capCall("w1-edge", cut30, s.ws1, "large-2"),                      // exactly retention_days old: kept
		capCall("w1-young", capNow.Add(-29*day), s.ws1, "large-2"),
		capCall("w1-old", capNow.Add(-45*day), s.ws1, "large-2"),
		capCall("w2-kept", capNow.Add(-45*day), s.ws2, "large-2"), // 100 days there
		capCall("w2-due", capNow.Add(-101*day), s.ws2, "large-2"),
	)
	s.imp(t, other, capCall("o-kept", capNow.Add(-45*day), ows, "large-2"), capCall("o-due", capNow.Add(-61*day), ows, "large-2"))
	usage := s.count(`SELECT COUNT(*) FROM usage_records`)

	m := s.mark()
	n := must(s.cap.PurgeExpired(s.ctx))(t)
	if n != 4 {
		t.Errorf("purged %d, want 4", n)
	}
	if got := s.keys(t, ""); !slices.Equal(got, []string{"o-kept", "w1-edge", "w1-young", "w2-kept"}) {
		t.Errorf("left %q", got)
	}
	if s.count(`SELECT COUNT(*) FROM usage_records`) != usage {
		t.Error("the purge touched usage")
	}
	evs := s.wantEvents(t, m, "capture.purged", "capture.purged", "capture.purged")
	counts := map[string]string{}
	for _, ev := range evs {
		counts[ev.WorkspaceID] = ev.Details
	}
	if !strings.Contains(counts[s.ws1], `"count":2`) || !strings.Contains(counts[s.ws2], `"count":1`) ||
		!strings.Contains(counts[ows], `"count":1`) || evs[0].ActorID != capture.System {
		t.Errorf("purge events: %+v", evs)
	}

	// Nothing due: nothing done, nothing recorded.
	m = s.mark()
	if n := must(s.cap.PurgeExpired(s.ctx))(t); n != 0 {
		t.Errorf("second purge: %d", n)
	}
	s.wantEvents(t, m)

	// One nanosecond later the edge is due; in batches of one the result is
	// the same, one event per transaction.
	s.clock.Advance(time.Nanosecond)
	s.cap.BatchSize = 1
	if n := must(s.cap.PurgeExpired(s.ctx))(t); n != 1 {
		t.Errorf("edge purge: %d", n)
	}
	if got := s.keys(t, ""); !slices.Equal(got, []string{"o-kept", "w1-young", "w2-kept"}) {
		t.Errorf("left %q", got)
	}

	// A shorter retention applies to what is already stored.
	s.set(t, s.owner, s.ws2, true, 44)
	s.cap.BatchSize = 0
	if n := must(s.cap.PurgeExpired(s.ctx))(t); n != 1 {
		t.Errorf("after shortening: %d", n)
	}
	if got := s.keys(t, ""); !slices.Equal(got, []string{"o-kept", "w1-young"}) {
		t.Errorf("left %q", got)
	}
}

// exportAll runs the pending jobs and returns the job.
func (s *capScene) runJobs(t *testing.T) {
	t.Helper()
	ok(t, s.cap.RunPending(s.ctx))
}

func TestExportJobsMoveThroughTheirStates(t *testing.T) {
	s := newCapScene(t)
	s.set(t, s.owner, s.ws1, true, 365)
	s.set(t, s.owner, s.ws2, true, 365)
	t0 := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	a := capCall("e1", t0.Add(time.Hour), s.ws1, "large-2")
	a.Request = []byte("{\"text\":\"line\\nbreak \\\"quoted\\\" \\u2028\"}")
	b := capCall("e2", t0.Add(2*time.Hour), s.ws2, "small-3")
	b.Status, b.LatencyMS, b.Response = 500, 0, nil
	c := capCall("e3", t0.Add(-time.Nanosecond), s.ws1, "large-2")                // before the range
	d := capCall("e4", t0.Add(31*24*time.Hour), s.ws1, "large-2")                 // at its end: excluded
	e := capCall("e5", t0.Add(31*24*time.Hour-time.Nanosecond), s.ws1, "large-2") // last instant inside
	e.ID = ""
	s.imp(t, s.owner, a, b, c, d, e)
	req := capture.ExportRequest{WorkspaceIDs: []string{s.ws2, s.ws1, s.ws1}, From: t0, To: t0.Add(31 * 24 * time.Hour)}

	// Validation changes nothing.
	other := s.signUp("otto@example.com", "Otto", "Other")
	s.team(other)
	before := s.capSnapshot()
	for _, bad := range []struct {
		req  capture.ExportRequest
		code string
	}{
		{capture.ExportRequest{From: req.From, To: req.To}, "capture.workspaces_required"},
		{capture.ExportRequest{WorkspaceIDs: []string{""}, From: req.From, To: req.To}, "capture.workspaces_required"},
		{capture.ExportRequest{WorkspaceIDs: req.WorkspaceIDs, From: req.From, To: req.To.Add(time.Hour + time.Nanosecond)}, "capture.export_range"},
		{capture.ExportRequest{WorkspaceIDs: req.WorkspaceIDs, From: req.To, To: req.From}, "capture.export_range"},
		{capture.ExportRequest{WorkspaceIDs: req.WorkspaceIDs, From: req.From, To: req.From}, "capture.export_range"},
		{capture.ExportRequest{WorkspaceIDs: req.WorkspaceIDs, To: req.To}, "input.invalid_date"},
		{capture.ExportRequest{WorkspaceIDs: []string{s.ws1, s.defaultWorkspace(other)}, From: req.From, To: req.To}, "workspace.not_found"},
		{capture.ExportRequest{WorkspaceIDs: req.WorkspaceIDs, From: req.From, To: req.To, Model: strings.Repeat("m", 101)}, "input.too_long"},
	} {
		_, err := s.cap.CreateExportJob(s.ctx, s.owner.Actor(), bad.req)
		wantCode(t, err, bad.code)
	}
	s.capUnchanged(t, before)

	// Pending, then cancelled: the runner leaves it alone.
	var seen []string
	s.cap.OnJob = func(j capture.Job) { seen = append(seen, fmt.Sprintf("%s %d/%d", j.Status, j.Done, j.Total)) }
	m := s.mark()
	j1 := must(s.cap.CreateExportJob(s.ctx, s.admin.Actor(), req))(t)
	if j1.Status != capture.Pending || !slices.Equal(j1.WorkspaceIDs, []string{s.ws1, s.ws2}) || j1.CreatedByName != "Adam Admin" {
		t.Fatalf("created: %+v", j1)
	}
	j1 = must(s.cap.CancelExportJob(s.ctx, s.owner.Actor(), j1.ID))(t)
	if j1.Status != capture.Cancelled || !j1.FinishedAt.Equal(capNow) {
		t.Errorf("cancelled: %+v", j1)
	}
	before = s.capSnapshot()
	_, err := s.cap.CancelExportJob(s.ctx, s.owner.Actor(), j1.ID)
	wantCode(t, err, "capture.export_finished")
	_, err = s.cap.CancelExportJob(s.ctx, other.Actor(), j1.ID)
	wantCode(t, err, "capture.export_not_found")
	s.capUnchanged(t, before)
	s.runJobs(t)
	s.wantEvents(t, m, "capture.export_created", "capture.export_cancelled")

	// Pending, running, completed, with the exact lines.
	m = s.mark()
	j2 := must(s.cap.CreateExportJob(s.ctx, s.owner.Actor(), req))(t)
	seen = nil
	s.runJobs(t)
	j2 = must(s.cap.ExportJob(s.ctx, s.owner.Actor(), j2.ID))(t)
	if j2.Status != capture.Completed || j2.Done != 3 || j2.Total != 3 || !j2.ResultAvailable {
		t.Fatalf("completed: %+v", j2)
	}
	if !slices.Equal(seen, []string{"running 0/3", "running 3/3", "completed 3/3"}) {
		t.Errorf("progress heard: %q", seen)
	}
	s.wantEvents(t, m, "capture.export_created", "capture.export_started", "capture.export_completed")
	path, _, err := s.cap.ExportResult(s.ctx, s.owner.Actor(), j2.ID)
	ok(t, err)
	got, err := os.ReadFile(path)
	ok(t, err)
	want := `{"id":"e1","time":"2026-06-01T01:00:00Z","workspace_id":"` + s.ws1 + `","api_key_id":"","model":"large-2","input_tokens":120,"output_tokens":30,"latency_ms":420,"status":200,"request":{"text":"line\nbreak \"quoted\" \u2028"},"response":{"choices":[{"message":{"content":"answer e1"}}]}}
{"time":"2026-06-01T02:00:00Z","workspace_id":"` + s.ws2 + `","api_key_id":"","model":"small-3","input_tokens":120,"output_tokens":30,"latency_ms":0,"status":500,"request":{"model":"small-3","messages":[{"role":"user","content":"question e2"}]},"response":null}
{"time":"2026-07-01T23:59:59.999999999Z","workspace_id":"` + s.ws1 + `","api_key_id":"","model":"large-2","input_tokens":120,"output_tokens":30,"latency_ms":420,"status":200,"request":{"model":"large-2","messages":[{"role":"user","content":"question e5"}]},"response":{"choices":[{"message":{"content":"answer e5"}}]}}
`
	want = strings.Replace(want, `{"time":"2026-06-01T02:00:00Z"`, `{"id":"e2","time":"2026-06-01T02:00:00Z"`, 1)
	if string(got) != want {
		t.Errorf("result:\n%s\nwant:\n%s", got, want)
	}
	ok(t, s.cap.RecordExportSaved(s.ctx, s.owner.Actor(), j2.ID, "calls.jsonl", int64(len(got))))
	s.wantEvents(t, m, "capture.export_created", "capture.export_started", "capture.export_completed", "capture.export_downloaded")
	_, err = s.cap.CancelExportJob(s.ctx, s.owner.Actor(), j2.ID)
	wantCode(t, err, "capture.export_finished")
	_, _, err = s.cap.ExportResult(s.ctx, other.Actor(), j2.ID)
	wantCode(t, err, "capture.export_not_found")
	if jobs := must(s.cap.ExportJobs(s.ctx, other.Actor()))(t); len(jobs) != 0 {
		t.Errorf("other org lists %d jobs", len(jobs))
	}

	// One model only.
	j3 := must(s.cap.CreateExportJob(s.ctx, s.owner.Actor(), capture.ExportRequest{WorkspaceIDs: []string{s.ws1, s.ws2},
		From: req.From, To: req.To, Model: "small-3"}))(t)
	s.runJobs(t)
	if j3 = must(s.cap.ExportJob(s.ctx, s.owner.Actor(), j3.ID))(t); j3.Done != 1 || j3.Status != capture.Completed {
		t.Errorf("model job: %+v", j3)
	}

	// Failed: the export folder cannot be written.
	blocked := filepath.Join(t.TempDir(), "a-file")
	ok(t, os.WriteFile(blocked, nil, 0o600))
	s.cap.ExportDir = blocked
	m = s.mark()
	j4 := must(s.cap.CreateExportJob(s.ctx, s.owner.Actor(), req))(t)
	s.runJobs(t)
	j4 = must(s.cap.ExportJob(s.ctx, s.owner.Actor(), j4.ID))(t)
	if j4.Status != capture.Failed || j4.ErrorCode != "capture.export_write_failed" || j4.ResultAvailable {
		t.Errorf("failed: %+v", j4)
	}
	s.wantEvents(t, m, "capture.export_created", "capture.export_started", "capture.export_failed")
	_, _, err = s.cap.ExportResult(s.ctx, s.owner.Actor(), j4.ID)
	wantCode(t, err, "capture.export_unavailable")
	s.cap.ExportDir = s.exports

	// Results expire after a week; the job stays listed.
	s.clock.Advance(capture.ExportResultDays*24*time.Hour + time.Second)
	m = s.mark()
	must(s.cap.PurgeExpired(s.ctx))(t)
	s.wantEvents(t, m, "capture.export_expired", "capture.export_expired")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("expired result still there: %v", err)
	}
	if j2 = must(s.cap.ExportJob(s.ctx, s.owner.Actor(), j2.ID))(t); j2.ResultAvailable || j2.Status != capture.Completed {
		t.Errorf("expired job: %+v", j2)
	}
	entries, _ := os.ReadDir(s.exports)
	if len(entries) != 0 {
		t.Errorf("export folder keeps %d files", len(entries))
	}

	// Files no job keeps (an organization deleted with its jobs, a crash
	// mid-way) go too; other files are not the purge's business.
	for _, name := range []string{"0190-gone.jsonl", "0190-crashed.jsonl.part", "notes.txt"} {
		ok(t, os.WriteFile(filepath.Join(s.exports, name), []byte("{}\n"), 0o600))
	}
	must(s.cap.PurgeExpired(s.ctx))(t)
	if entries, _ = os.ReadDir(s.exports); len(entries) != 1 || entries[0].Name() != "notes.txt" {
		t.Errorf("after removing orphans: %v", entries)
	}

	// At most five jobs waiting at once.
	for range capture.MaxActiveExports {
		must(s.cap.CreateExportJob(s.ctx, s.owner.Actor(), req))(t)
	}
	before = s.capSnapshot()
	_, err = s.cap.CreateExportJob(s.ctx, s.owner.Actor(), req)
	wantCode(t, err, "capture.too_many_exports")
	s.capUnchanged(t, before)
	if jobs := must(s.cap.ExportJobs(s.ctx, s.owner.Actor()))(t); len(jobs) != 9 || jobs[0].Status != capture.Pending {
		t.Errorf("jobs: %d", len(jobs))
	}
}

// A job left running by an application that stopped fails as interrupted.
func TestInterruptedExportFails(t *testing.T) {
	s := newCapScene(t)
	j := must(s.cap.CreateExportJob(s.ctx, s.owner.Actor(), capture.ExportRequest{WorkspaceIDs: []string{s.ws1},
		From: capNow.Add(-time.Hour), To: capNow}))(t)
	if _, err := s.db.Exec(`UPDATE capture_export_jobs SET status = 'running' WHERE id = ?`, j.ID); err != nil {
		t.Fatal(err)
	}
	m := s.mark()
	ok(t, s.cap.RecoverInterrupted(s.ctx))
	if j = must(s.cap.ExportJob(s.ctx, s.owner.Actor(), j.ID))(t); j.Status != capture.Failed || j.ErrorCode != "capture.export_interrupted" {
		t.Errorf("after recovery: %+v", j)
	}
	s.wantEvents(t, m, "capture.export_failed")
}
