package desktop

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/secrets"
)

// recordedEvents keeps what the services emit.
type recordedEvents struct {
	mu   sync.Mutex
	jobs []string
}

func (r *recordedEvents) Emit(name string, data ...any) {
	if name != EventCaptureExport || len(data) != 1 {
		return
	}
	j := data[0].(ExportJobDTO)
	r.mu.Lock()
	r.jobs = append(r.jobs, fmt.Sprintf("%s %d/%d", j.Status, j.Done, j.Total))
	r.mu.Unlock()
}

// The wiring: captured calls arrive through the usage import (billing's
// Capture hook), the window browses them, and an export job runs in the
// background, reports its progress as events and is saved through the save
// dialog.
func TestCaptureThroughTheDesktopServices(t *testing.T) {
	dir := t.TempDir()
	c := openCore(t, dir, secrets.NewMemory())
	defer c.Close()
	saveDir := t.TempDir()
	c.SetDialogs(dirDialogs{saveDir})
	ev := &recordedEvents{}
	c.SetEvents(ev, nil)
	if _, err := NewAccountService(c).SignUp(ada); err != nil {
		t.Fatal(err)
	}
	s := NewCaptureService(c)
	defer s.runners.Wait()

	if _, err := s.Settings(); apperr.Code(err) != "plan.data_capture_unavailable" {
		t.Fatalf("Settings on Free: %v", err)
	}
	if l := s.Limits(); strings.Join(l.Plans, ",") != "team,enterprise" || l.MaxRetentionDays != 365 {
		t.Errorf("limits: %+v", l)
	}
	ctx := context.Background()
	a, _, err := c.actor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Orgs.SetPlans(ctx, a, "team", "experiment"); err != nil {
		t.Fatal(err)
	}
	list, err := s.Settings()
	if err != nil || len(list) != 1 || list[0].Enabled || list[0].RetentionDays != 30 {
		t.Fatalf("settings: %+v %v", list, err)
	}
	ws := list[0].WorkspaceID
	if _, err := s.SetCapture(ws, true, 400); apperr.As(err).Field != "retentionDays" {
		t.Errorf("retention 400: %v", err)
	}
	if st, err := s.SetCapture(ws, true, 14); err != nil || !st.Enabled || st.RetentionDays != 14 || st.ChangedByName != "Ada Lovelace" {
		t.Fatalf("set: %+v %v", st, err)
	}

	now := time.Now().UTC()
	var lines []string
	for i := range 7 {
		lines = append(lines, fmt.Sprintf(`{"id":"d%d","time":%q,"workspace_id":%q,"model":"large-2","input_tokens":10,"output_tokens":5,"requests":1,"request":{"q":"question %d"},"response":{"a":"answer %d"},"latency_ms":%d,"status":200}`,
			i, now.Add(-time.Duration(7-i)*time.Minute).Format(time.RFC3339Nano), ws, i, i, 100+i))
	}
	file := filepath.Join(t.TempDir(), "gateway.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := c.importFile(ctx, a, file)
	if err != nil || res.Added != 7 || res.Captured != 7 {
		t.Fatalf("import: %+v %v", res, err)
	}

	page, err := s.Calls(CallFilterDTO{Limit: 5, From: now.Add(-time.Hour).Format(time.RFC3339)})
	if err != nil || len(page.Calls) != 5 || page.Next == "" || page.Calls[0].LatencyMS != 106 {
		t.Fatalf("page: %+v %v", page, err)
	}
	if _, err := s.Calls(CallFilterDTO{From: "yesterday"}); apperr.As(err).Field != "range" {
		t.Errorf("bad date: %v", err)
	}
	d, err := s.Call(page.Calls[0].ID)
	if err != nil || d.RecordID != "d6" || d.Request != `{"q":"question 6"}` || d.Response != `{"a":"answer 6"}` {
		t.Fatalf("detail: %+v %v", d, err)
	}

	job, err := s.CreateExportJob(ExportInputDTO{WorkspaceIDs: []string{ws}, From: now.Add(-24 * time.Hour).Format(time.RFC3339),
		To: now.Add(time.Hour).Format(time.RFC3339)})
	if err != nil || job.Status != "pending" || len(job.WorkspaceNames) != 1 || job.WorkspaceNames[0] != list[0].WorkspaceName {
		t.Fatalf("job: %+v %v", job, err)
	}
	s.runners.Wait() // the background runner is done
	jobs, err := s.ExportJobs()
	if err != nil || len(jobs) != 1 || jobs[0].Status != "completed" || jobs[0].Done != 7 || !jobs[0].ResultAvailable {
		t.Fatalf("jobs: %+v %v", jobs, err)
	}
	ev.mu.Lock()
	heard := strings.Join(ev.jobs, ", ")
	ev.mu.Unlock()
	if heard != "pending 0/0, running 0/7, running 7/7, completed 7/7" {
		t.Errorf("events: %s", heard)
	}
	path, err := s.SaveExport(job.ID)
	if err != nil || filepath.Dir(path) != saveDir || !strings.HasSuffix(path, ".jsonl") {
		t.Fatalf("save: %q %v", path, err)
	}
	body, err := os.ReadFile(path)
	if err != nil || strings.Count(string(body), "\n") != 7 || !strings.HasPrefix(string(body), `{"id":"d0",`) {
		t.Errorf("saved %q %v", body, err)
	}
	if entries, _ := os.ReadDir(saveDir); len(entries) != 1 {
		t.Errorf("save folder: %v", entries) // no temporary file left
	}
	if _, err := s.CancelExportJob(job.ID); apperr.Code(err) != "capture.export_finished" {
		t.Errorf("cancel a completed job: %v", err)
	}
	var downloads int
	if err := c.DB.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'capture.export_downloaded'`).Scan(&downloads); err != nil || downloads != 1 {
		t.Errorf("download events: %d %v", downloads, err)
	}
}
