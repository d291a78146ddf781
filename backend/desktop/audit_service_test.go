package desktop

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/secrets"
)

// auditDialogs saves into a directory; the name is the one the app offers.
type auditDialogs struct{ dir string }

func (d auditDialogs) SaveFile(_, name string, _ []FileFilter) (string, error) {
	return filepath.Join(d.dir, name), nil
}
func (d auditDialogs) OpenFile(string, []FileFilter) (string, error) { return "", nil }

// progressEvents keeps the audit progress the service emits.
type progressEvents struct {
	mu     sync.Mutex
	events map[string][]ProgressDTO
}

func (p *progressEvents) Emit(name string, data ...any) {
	if len(data) != 1 {
		return
	}
	if d, ok := data[0].(ProgressDTO); ok {
		p.mu.Lock()
		p.events[name] = append(p.events[name], d)
		p.mu.Unlock()
	}
}

func (p *progressEvents) last(name string) (ProgressDTO, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	evs := p.events[name]
	if len(evs) == 0 {
		return ProgressDTO{}, false
	}
	return evs[len(evs)-1], true
}

func TestAuditThroughTheDesktopService(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	saveDir := t.TempDir()
	c.SetDialogs(auditDialogs{saveDir})
	ev := &progressEvents{events: map[string][]ProgressDTO{}}
	c.SetEvents(ev, nil)
	if _, err := NewAccountService(c).SignUp(ada); err != nil {
		t.Fatal(err)
	}
	s := newAuditService(c)
	defer s.prunes.Wait()

	if _, err := s.Overview(); apperr.Code(err) != "plan.audit_logs_unavailable" {
		t.Fatalf("Overview on Free: %v", err)
	}
	ctx := context.Background()
	a, _, err := c.actor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Orgs.SetPlansAsOperator(ctx, a.OrgID, "team", "experiment"); err != nil {
		t.Fatal(err)
	}

	o, err := s.Overview()
	if err != nil || o.RetentionDays != 365 || o.MinRetentionDays != 1 || o.MaxRetentionDays != 3650 || !o.Authenticated ||
		!strings.Contains(strings.Join(o.Actions, ","), "plan.changed") {
		t.Fatalf("Overview: %+v, %v", o, err)
	}

	// A page, in the DTO the window reads.
	p, err := s.Events(AuditQueryDTO{Limit: 2})
	if err != nil || len(p.Events) != 2 || !p.More || p.Next != p.Events[1].Seq {
		t.Fatalf("first page: %+v, %v", p, err)
	}
	if e := p.Events[0]; e.Action != "plan.changed" || e.ActorID != "operator" || e.Details["chat"] == nil ||
		!strings.HasSuffix(e.At, "Z") {
		t.Errorf("newest event: %+v", e)
	}
	signup, err := s.Events(AuditQueryDTO{Action: "user.signed_up"})
	if err != nil || len(signup.Events) != 1 || signup.Events[0].ActorName != "Ada Lovelace" || signup.Events[0].ActorEmail != ada.Email {
		t.Errorf("sign-up event: %+v, %v", signup, err)
	}
	day := time.Now().UTC().Format("2006-01-02")
	if _, err := s.Events(AuditQueryDTO{From: day}); apperr.As(err).Field != "from" {
		t.Errorf("a date without a time: %v", err)
	}

	// Export: the file where the dialog says, progress to the window.
	res, err := s.Export(AuditQueryDTO{}, "csv")
	if err != nil || res.Count < 3 || filepath.Dir(res.Path) != saveDir || !strings.HasSuffix(res.Path, ".csv") {
		t.Fatalf("Export: %+v, %v", res, err)
	}
	body, err := os.ReadFile(res.Path)
	if err != nil || strings.Count(string(body), "\r\n") != int(res.Count)+1 {
		t.Errorf("CSV of %d events: %q", res.Count, body)
	}
	if last, ok := ev.last(EventAuditExportProgress); !ok || last.Done != res.Count || last.Total != res.Count {
		t.Errorf("export progress: %+v", ev.events[EventAuditExportProgress])
	}
	if _, err := s.Export(AuditQueryDTO{}, "pdf"); apperr.As(err).Field != "format" {
		t.Errorf("unknown format: %v", err)
	}
	s.CancelExport() // nothing running: nothing happens

	v, err := s.Verify()
	if err != nil || !v.OK || v.Events == 0 {
		t.Fatalf("Verify: %+v, %v", v, err)
	}
	if last, ok := ev.last(EventAuditVerifyProgress); !ok || last.Done != v.Events {
		t.Errorf("verify progress: %+v", ev.events[EventAuditVerifyProgress])
	}

	if _, err := s.SetRetention("0"); apperr.Code(err) != "audit.retention_invalid" || apperr.As(err).Field != "retentionDays" {
		t.Errorf("retention 0: %v", err)
	}
	if days, err := s.SetRetention("90"); err != nil || days != 90 {
		t.Errorf("retention 90: %d, %v", days, err)
	}
	s.prunes.Wait()
	if v, err := s.Verify(); err != nil || !v.OK {
		t.Errorf("after the retention change: %+v, %v", v, err)
	}
}
