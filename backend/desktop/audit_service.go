package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/auditlog"
	"admin-console/backend/org"
)

// Events the audit screen listens to, each with a ProgressDTO.
const (
	EventAuditExportProgress = "audit:export-progress"
	EventAuditVerifyProgress = "audit:verify-progress"
)

// How often the retention prune runs while the app is open: first shortly
// after start (out of the way of the first screen), then every few hours.
const (
	auditPruneDelay = 30 * time.Second
	auditPruneEvery = 6 * time.Hour
	progressEvery   = 100 * time.Millisecond // at most this often to the window
)

// AuditService is bound to the window: the organization's audit log
// (Team and Enterprise, Owners and Admins).
type AuditService struct {
	c   *Core
	log *auditlog.Service

	mu           sync.Mutex
	cancelExport context.CancelFunc // the running export (nil when none)
	exporting    bool
	pruneMu      sync.Mutex // one prune at a time
	prunes       sync.WaitGroup
}

// NewAuditService binds the audit log screen to core and starts the
// retention prune in the background.
func NewAuditService(c *Core) *AuditService {
	s := newAuditService(c)
	go func() {
		time.Sleep(auditPruneDelay)
		for {
			s.prune()
			time.Sleep(auditPruneEvery)
		}
	}()
	return s
}

func newAuditService(c *Core) *AuditService {
	return &AuditService{c: c, log: &auditlog.Service{DB: c.DB, Log: c.Audit}}
}

// prune deletes the expired prefix of the audit chain. Without the audit key
// (no keychain) nothing can be pruned: the log keeps growing and says so.
func (s *AuditService) prune() {
	s.pruneMu.Lock()
	defer s.pruneMu.Unlock()
	res, err := s.log.Prune(context.Background())
	switch {
	case errors.Is(err, audit.ErrNoKey):
		s.c.Log.Warn("audit retention: events cannot be pruned without the audit key")
	case err != nil:
		s.c.Log.Error("audit retention prune", "err", err)
	case res.Deleted > 0:
		s.c.Log.Info("audit retention prune", "deleted", res.Deleted, "throughSeq", res.ThroughSeq)
	}
}

func (s *AuditService) emit(name string, p ProgressDTO) {
	s.c.mu.Lock()
	ev := s.c.events
	s.c.mu.Unlock()
	ev.Emit(name, p)
}

// ProgressDTO is how far a long audit task is.
type ProgressDTO struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// throttled reports progress to the window at most every progressEvery, and
// always the last step (done == total).
func (s *AuditService) throttled(event string) func(done, total int64) {
	var last time.Time
	return func(done, total int64) {
		if now := time.Now(); done >= total || now.Sub(last) >= progressEvery {
			last = now
			s.emit(event, ProgressDTO{Done: done, Total: total})
		}
	}
}

// AuditQueryDTO filters the audit log. From and To are RFC 3339 instants
// (To exclusive: the start of the day after the last day chosen, in the
// reader's time zone), or "" for open ends. Before is the cursor of the page
// (the previous page's next; 0 for the newest).
type AuditQueryDTO struct {
	ActorID     string `json:"actorId"`
	Action      string `json:"action"`
	TargetType  string `json:"targetType"`
	WorkspaceID string `json:"workspaceId"`
	From        string `json:"from"`
	To          string `json:"to"`
	Before      int64  `json:"before"`
	Limit       int    `json:"limit"`
}

func (q AuditQueryDTO) query() (auditlog.Query, error) {
	if err := tooLong(map[string]string{"actorId": q.ActorID, "action": q.Action, "targetType": q.TargetType,
		"workspaceId": q.WorkspaceID, "from": q.From, "to": q.To}); err != nil {
		return auditlog.Query{}, err
	}
	out := auditlog.Query{ActorID: q.ActorID, Action: q.Action, TargetType: q.TargetType, WorkspaceID: q.WorkspaceID,
		Before: q.Before, Limit: q.Limit}
	for field, v := range map[string]struct {
		text string
		dst  *time.Time
	}{"from": {q.From, &out.From}, "to": {q.To, &out.To}} {
		if v.text == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v.text)
		if err != nil {
			return auditlog.Query{}, apperr.Field(field, "input.invalid_date")
		}
		*v.dst = t
	}
	return out, nil
}

// AuditEventDTO is one event of the audit log. Names are looked up now: an
// actor or target since deleted has only its ID (the UI shows it).
type AuditEventDTO struct {
	Seq           int64          `json:"seq"`
	ID            string         `json:"id"`
	At            string         `json:"at"`
	ActorID       string         `json:"actorId"`
	ActorName     string         `json:"actorName"`
	ActorEmail    string         `json:"actorEmail"`
	Action        string         `json:"action"`
	TargetType    string         `json:"targetType"`
	TargetID      string         `json:"targetId"`
	TargetName    string         `json:"targetName"`
	WorkspaceID   string         `json:"workspaceId"`
	WorkspaceName string         `json:"workspaceName"`
	Details       map[string]any `json:"details"`
}

// AuditPageDTO is one page, newest first; next is the cursor of the
// following (older) page when more is true.
type AuditPageDTO struct {
	Events []AuditEventDTO `json:"events"`
	Next   int64           `json:"next"`
	More   bool            `json:"more"`
}

func auditEventDTO(e audit.Entry) AuditEventDTO {
	d := AuditEventDTO{Seq: e.Seq, ID: e.ID, At: e.At.UTC().Format(time.RFC3339Nano), ActorID: e.ActorID, ActorName: e.ActorName,
		ActorEmail: e.ActorEmail, Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, TargetName: e.TargetName,
		WorkspaceID: e.WorkspaceID, WorkspaceName: e.WorkspaceName, Details: map[string]any{}}
	if err := json.Unmarshal([]byte(e.Details), &d.Details); err != nil || d.Details == nil {
		d.Details = map[string]any{"details": e.Details} // not an object: shown as stored
	}
	return d
}

// Events returns one page of the organization's audit log.
func (s *AuditService) Events(q AuditQueryDTO) (AuditPageDTO, error) {
	query, err := q.query()
	if err != nil {
		return AuditPageDTO{}, err
	}
	return call(s.c, "audit events", func(ctx context.Context, a org.Actor) (AuditPageDTO, error) {
		p, err := s.log.Events(ctx, a, query)
		if err != nil {
			return AuditPageDTO{}, err
		}
		out := AuditPageDTO{Events: make([]AuditEventDTO, 0, len(p.Entries)), Next: p.Next, More: p.More}
		for _, e := range p.Entries {
			out.Events = append(out.Events, auditEventDTO(e))
		}
		return out, nil
	})
}

// AuditOverviewDTO is what the screen offers to filter by, and the
// retention setting with its bounds.
type AuditOverviewDTO struct {
	Actions          []string `json:"actions"`
	TargetTypes      []string `json:"targetTypes"`
	RetentionDays    int      `json:"retentionDays"`
	MinRetentionDays int      `json:"minRetentionDays"`
	MaxRetentionDays int      `json:"maxRetentionDays"`
	// Authenticated is false when the audit key is unavailable (no
	// keychain): verification cannot check the head, prunes do not run.
	Authenticated bool `json:"authenticated"`
}

// Overview returns the organization's actions, target types and retention.
func (s *AuditService) Overview() (AuditOverviewDTO, error) {
	return call(s.c, "audit overview", func(ctx context.Context, a org.Actor) (AuditOverviewDTO, error) {
		o, err := s.log.Overview(ctx, a)
		return AuditOverviewDTO{Actions: o.Actions, TargetTypes: o.TargetTypes, RetentionDays: o.RetentionDays,
			MinRetentionDays: auditlog.MinRetentionDays, MaxRetentionDays: auditlog.MaxRetentionDays,
			Authenticated: s.c.Audit.Authenticated()}, err
	})
}

// SetRetention sets how many days the organization keeps its audit events
// (typed text, validated in Go) and returns the days now in force. Events
// past a shorter retention are pruned in the background.
func (s *AuditService) SetRetention(days string) (int, error) {
	if err := tooLong(map[string]string{"retentionDays": days}); err != nil {
		return 0, err
	}
	return call(s.c, "audit retention", func(ctx context.Context, a org.Actor) (int, error) {
		n, err := s.log.SetRetention(ctx, a, days)
		if err == nil {
			s.prunes.Add(1)
			go func() {
				defer s.prunes.Done()
				s.prune()
			}()
		}
		return n, err
	})
}

// AuditVerifyDTO is the outcome of Verify. BrokenSeq is the first event that
// fails (0 when OK or when the head itself fails, see kind); when that event
// is this organization's, own is true and at and action say which.
type AuditVerifyDTO struct {
	OK        bool   `json:"ok"`
	Events    int64  `json:"events"`
	BrokenSeq int64  `json:"brokenSeq"`
	Kind      string `json:"kind"`
	Own       bool   `json:"own"`
	At        string `json:"at"`
	Action    string `json:"action"`
}

// Verify checks the audit chain (one for the whole database) and its
// authenticated head, reporting progress as audit:verify-progress.
func (s *AuditService) Verify() (AuditVerifyDTO, error) {
	return call(s.c, "audit verify", func(ctx context.Context, a org.Actor) (AuditVerifyDTO, error) {
		v, err := s.log.Verify(ctx, a, s.throttled(EventAuditVerifyProgress))
		return AuditVerifyDTO{OK: v.OK, Events: v.Events, BrokenSeq: v.BrokenSeq, Kind: v.Kind, Own: v.Own, At: iso(v.At),
			Action: v.Action}, err
	})
}

// AuditExportDTO says where an export went ("" when the dialog was
// cancelled) and how many events it holds.
type AuditExportDTO struct {
	Path  string `json:"path"`
	Count int64  `json:"count"`
}

// Export saves every event matching the filters (not only the page shown)
// as CSV or JSONL where the person chooses, reporting progress as
// audit:export-progress. One export runs at a time; CancelExport stops it.
func (s *AuditService) Export(q AuditQueryDTO, format string) (AuditExportDTO, error) {
	query, err := q.query()
	if err != nil {
		return AuditExportDTO{}, err
	}
	if format != audit.CSV && format != audit.JSONL {
		return AuditExportDTO{}, apperr.Field("format", "audit.format_unknown")
	}
	return call(s.c, "audit export", func(ctx context.Context, a org.Actor) (AuditExportDTO, error) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		s.mu.Lock()
		if s.exporting {
			s.mu.Unlock()
			return AuditExportDTO{}, apperr.New("audit.export_running")
		}
		s.exporting, s.cancelExport = true, cancel
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.exporting, s.cancelExport = false, nil
			s.mu.Unlock()
		}()

		d := s.c.dialogsOrNil()
		if d == nil {
			return AuditExportDTO{}, apperr.New(apperr.Internal)
		}
		filter := FileFilter{Name: "CSV", Pattern: "*.csv"}
		if format == audit.JSONL {
			filter = FileFilter{Name: "JSON Lines", Pattern: "*.jsonl"}
		}
		path, err := d.SaveFile(s.c.T("audit.dialog.export", nil), fmt.Sprintf("audit-log-%s.%s", time.Now().Format("2006-01-02"), format),
			[]FileFilter{filter})
		if err != nil || path == "" {
			return AuditExportDTO{}, err
		}
		n, err := s.log.Export(ctx, a, query, format, path, s.throttled(EventAuditExportProgress))
		if err != nil {
			return AuditExportDTO{}, err
		}
		return AuditExportDTO{Path: path, Count: n}, nil
	})
}

// CancelExport stops the running export, if any; it then fails with
// audit.export_cancelled and leaves no file.
func (s *AuditService) CancelExport() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancelExport != nil {
		s.cancelExport()
	}
}
