package capture

// Inside the package: the export runner stopped mid-way by a cancel (through
// the afterBatch hook, no sleeps), the query plans, and the export
// benchmark. The black-box tests are in backend/domaintest/capture_test.go.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"admin-console/backend/account"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

func TestMain(m *testing.M) {
	account.PasswordParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}

type names struct{}

func (names) OrgName(_, first, last string) string { return first + " " + last }
func (names) WorkspaceName(string) string          { return "Default" }

var benchNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

type fixture struct {
	ctx   context.Context
	db    *store.DB
	svc   *Service
	owner org.Actor
	ws    string
}

// newFixture is a Team organization with capture on in its workspace.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "capture.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	log := audit.New(make([]byte, 32))
	clock := func() time.Time { return benchNow }
	signed, err := (&account.Service{DB: db, Audit: log, Defaults: names{}, Now: clock}).SignUp(ctx, account.SignUpInput{
		Email: "cap@example.com", FirstName: "Cap", LastName: "Ture", Password: "captured calls are kept", Language: "en"})
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{ctx: ctx, db: db, owner: org.Actor{UserID: signed.User.ID, OrgID: signed.User.OrgID, SessionID: signed.User.SessionID}}
	if _, err := (&org.Service{DB: db, Audit: log, Now: clock}).SetPlans(ctx, f.owner, "enterprise", "scale"); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRow(`SELECT id FROM workspaces WHERE org_id = ?`, f.owner.OrgID).Scan(&f.ws); err != nil {
		tb.Fatal(err)
	}
	f.svc = &Service{DB: db, Audit: log, Now: clock, ExportDir: filepath.Join(tb.TempDir(), "exports")}
	if _, err := f.svc.SetCapture(ctx, f.owner, SettingInput{WorkspaceID: f.ws, Enabled: true, RetentionDays: 365}); err != nil {
		tb.Fatal(err)
	}
	return f
}

// seed stores n calls over the last 30 days, with requests and responses
// of about a kilobyte each, as a chat gateway would send them.
func (f *fixture) seed(tb testing.TB, n int) {
	tb.Helper()
	models := []string{"large-2", "medium-3", "small-3"}
	filler := strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit. ", 16)
	const chunk = 20_000
	for lo := 0; lo < n; lo += chunk {
		calls := make([]Call, 0, chunk)
		for i := lo; i < min(lo+chunk, n); i++ {
			calls = append(calls, Call{Key: fmt.Sprintf("id:call-%07d", i), Time: benchNow.Add(-time.Duration(n-i) * 25 * time.Second),
				WorkspaceID: f.ws, Model: models[i%3], InputTokens: int64(200 + i%900), OutputTokens: int64(i % 700),
				LatencyMS: int64(300 + i%2000), Status: 200,
				Request:  []byte(fmt.Sprintf(`{"model":%q,"messages":[{"role":"user","content":"Question %d. %s"}]}`, models[i%3], i, filler)),
				Response: []byte(fmt.Sprintf(`{"choices":[{"message":{"role":"assistant","content":"Answer %d. %s"}}]}`, i, filler))})
		}
		err := f.db.Tx(f.ctx, func(tx *sql.Tx) error {
			stored, err := f.svc.StoreCalls(f.ctx, tx, f.owner.OrgID, calls)
			if err == nil && stored != len(calls) {
				err = fmt.Errorf("stored %d of %d", stored, len(calls))
			}
			return err
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func (f *fixture) job(tb testing.TB) Job {
	tb.Helper()
	j, err := f.svc.CreateExportJob(f.ctx, f.owner, ExportRequest{WorkspaceIDs: []string{f.ws}, From: benchNow.Add(-31 * 24 * time.Hour),
		To: benchNow})
	if err != nil {
		tb.Fatal(err)
	}
	return j
}

func TestCancelStopsARunningExportBetweenBatches(t *testing.T) {
	f := newFixture(t)
	f.seed(t, 10)
	f.svc.BatchSize = 3
	var heard []string
	f.svc.OnJob = func(j Job) { heard = append(heard, fmt.Sprintf("%s %d/%d", j.Status, j.Done, j.Total)) }
	j := f.job(t)
	f.svc.afterBatch = func(id string, done int) {
		if done == 6 {
			if _, err := f.svc.CancelExportJob(f.ctx, f.owner, id); err != nil {
				t.Error(err)
			}
		}
	}
	if err := f.svc.RunExportJob(f.ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	j, err := f.svc.ExportJob(f.ctx, f.owner, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != Cancelled || j.Done != 6 || j.Total != 10 || j.ResultAvailable {
		t.Errorf("after cancel: %+v", j)
	}
	want := []string{"pending 0/0", "running 0/10", "running 3/10", "running 6/10", "cancelled 6/10"}
	if !slices.Equal(heard, want) {
		t.Errorf("heard %q, want %q", heard, want)
	}
	// Nothing partial is left behind, and nothing completes it later.
	if entries, _ := os.ReadDir(f.svc.ExportDir); len(entries) != 0 {
		t.Errorf("export folder keeps %v", entries)
	}
	var actions []string
	rows, err := f.db.Query(`SELECT action FROM audit_events WHERE target_id = ? ORDER BY seq`, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	rows.Close()
	if !slices.Equal(actions, []string{"capture.export_created", "capture.export_started", "capture.export_cancelled"}) {
		t.Errorf("events %q", actions)
	}

	// In batches, with the same progress, a job runs to the end.
	f.svc.afterBatch = nil
	heard = nil
	j2 := f.job(t)
	if err := f.svc.RunPending(f.ctx); err != nil {
		t.Fatal(err)
	}
	if j2, _ = f.svc.ExportJob(f.ctx, f.owner, j2.ID); j2.Status != Completed || j2.Done != 10 {
		t.Fatalf("completed: %+v", j2)
	}
	want = []string{"pending 0/0", "running 0/10", "running 3/10", "running 6/10", "running 9/10", "running 10/10", "completed 10/10"}
	if !slices.Equal(heard, want) {
		t.Errorf("heard %q, want %q", heard, want)
	}
	file, err := os.Open(j2.resultPath)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) != 10 || !strings.HasPrefix(lines[0], `{"id":"call-0000000",`) || !strings.HasPrefix(lines[9], `{"id":"call-0000009",`) {
		t.Errorf("%d lines, first %.40q", len(lines), lines)
	}
}

// The export and the browsing queries use the indexes made for them: no
// table scan, no sort of all the organization's calls.
func TestQueryPlans(t *testing.T) {
	f := newFixture(t)
	sel := &selection{org: f.owner.OrgID, workspaces: []string{f.ws, "other"}, from: "a", to: "b", model: "m", maxID: 9, limit: 10,
		afterAt: "x", afterID: 1}
	plan := func(q string, args ...any) string {
		rows, err := f.db.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			out = append(out, detail)
		}
		return strings.Join(out, "; ")
	}
	for name, p := range map[string]string{
		"export": plan(sel.query(), sel.args()...),
		"count":  plan(sel.countQuery(), sel.countArgs()...),
		"purge":  plan(`SELECT id FROM captured_calls WHERE workspace_id = ? AND at < ? ORDER BY at LIMIT ?`, f.ws, "x", 10),
		"browse workspace": plan(`SELECT c.id FROM captured_calls AS c INDEXED BY captured_calls_ws_at WHERE c.org_id = ?
			AND c.workspace_id = ? AND c.at >= ? ORDER BY c.at DESC, c.id DESC LIMIT 51`, f.owner.OrgID, f.ws, "x"),
		"browse model": plan(`SELECT c.id FROM captured_calls AS c INDEXED BY captured_calls_org_model WHERE c.org_id = ?
			AND c.model = ? AND (c.at < ? OR (c.at = ? AND c.id < ?)) ORDER BY c.at DESC, c.id DESC LIMIT 51`, f.owner.OrgID, "m", "x", "x", 1),
		"browse org": plan(`SELECT c.id FROM captured_calls c WHERE c.org_id = ? ORDER BY c.at DESC, c.id DESC LIMIT 51`, f.owner.OrgID),
	} {
		if strings.Contains(p, "SCAN captured_calls") && !strings.Contains(p, "USING INDEX") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s: %s", name, p)
		}
	}
}

func TestBodyTruncatesAtACharacterAndStaysJSON(t *testing.T) {
	raw := []byte(`"` + strings.Repeat("a", MaxBodyBytes-3) + `é€"`) // the cut falls right after "é"
	text, cut := body(raw)
	if !cut || !strings.HasPrefix(text, `"\"aaa`) || !strings.HasSuffix(text, `aé"`) {
		t.Errorf("cut=%v, ends %q", cut, text[len(text)-8:])
	}
	raw = []byte(`"` + strings.Repeat("a", MaxBodyBytes-2) + `€"`) // the cut falls inside "€"
	if text, cut = body(raw); !cut || !strings.HasSuffix(text, `aa"`) || strings.ContainsRune(text, utf8.RuneError) {
		t.Errorf("cut=%v, ends %q", cut, text[len(text)-8:])
	}
	if text, cut := body([]byte(" {\n \"a\" : 1 }\n")); cut || text != `{"a":1}` {
		t.Errorf("compact: %q", text)
	}
	if text, _ := body([]byte("  ")); text != "" {
		t.Errorf("blank: %q", text)
	}
	if got := string(jsonString(nil, "a\"b\\c\n\x01\u2028\xff")); got != `"a\"b\\c\n\u0001\u2028\ufffd"` {
		t.Errorf("jsonString: %s", got)
	}
}

// BenchmarkExport100kCalls: target under 5 s to export 100,000 captured
// calls (about 2 KB each) to a JSONL file.
func BenchmarkExport100kCalls(b *testing.B) {
	const n = 100_000
	f := newFixture(b)
	f.seed(b, n)
	var bytes int64
	for b.Loop() {
		j := f.job(b)
		if err := f.svc.RunExportJob(f.ctx, j.ID); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		j, err := f.svc.ExportJob(f.ctx, f.owner, j.ID)
		if err != nil || j.Status != Completed || j.Done != n {
			b.Fatal(j, err)
		}
		bytes = j.ResultBytes
		os.Remove(j.resultPath)
		b.StartTimer()
	}
	perExport := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perExport, "s/export")
	b.ReportMetric(float64(n)/perExport, "calls/s")
	b.ReportMetric(float64(bytes)/perExport/1e6, "MB/s")
}

// FuzzBodyAndJSONString: whatever comes in, what is stored and exported is
// one line of valid JSON, and a string survives the round trip (invalid
// UTF-8 becoming U+FFFD, as encoding/json does it).
func FuzzBodyAndJSONString(f *testing.F) {
	f.Add([]byte(`{"a": [1, "b\n"]}`))
	f.Add([]byte("\"\xff\u2028\""))
	f.Add([]byte("not json \x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		enc := jsonString(nil, s)
		var back string
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("jsonString(%q) = %s: %v", s, enc, err)
		}
		if want := strings.ToValidUTF8(s, "\uFFFD"); back != want && utf8.ValidString(s) {
			t.Fatalf("round trip %q -> %q", s, back)
		}
		text, _ := body(data)
		if text != "" && (!json.Valid([]byte(text)) || strings.ContainsAny(text, "\n\r")) {
			t.Fatalf("body(%q) = %q", data, text)
		}
	})
}
