package desktop

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/capture"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

// EventCaptureExport carries an export job's new state or progress
// (ExportJobDTO) to the window.
const EventCaptureExport = "capture:export"

// CaptureService is bound to the window: Data Capture settings per
// workspace, browsing captured calls, and export jobs.
type CaptureService struct {
	c *Core

	mu        sync.Mutex
	lastPurge time.Time
	runners   sync.WaitGroup
}

// NewCaptureService binds the Data Capture screen to core and starts the
// export runner: jobs left running by a previous run fail as interrupted,
// pending ones run.
func NewCaptureService(c *Core) *CaptureService {
	s := &CaptureService{c: c}
	s.runExports(true)
	go s.purgeEvery(capturePurgeDelay, capturePurgeEvery)
	return s
}

// Expired captured calls and export results go without anyone opening the
// screen: shortly after start, then every hour while the app runs.
const (
	capturePurgeDelay = 20 * time.Second
	capturePurgeEvery = time.Hour
)

func (s *CaptureService) purgeEvery(delay, every time.Duration) {
	time.Sleep(delay)
	for {
		ctx := context.Background()
		if n, err := s.c.Capture.PurgeExpired(ctx); err != nil {
			s.c.Log.Error("capture: purge", "err", err)
		} else if n > 0 {
			s.c.Log.Info("capture: purged expired calls", "count", n)
		}
		if _, err := s.c.Capture.ExpireExportResults(ctx); err != nil {
			s.c.Log.Error("capture: expire export results", "err", err)
		}
		time.Sleep(every)
	}
}

// runExports runs pending export jobs in the background.
func (s *CaptureService) runExports(recoverFirst bool) {
	s.runners.Add(1)
	go func() {
		defer s.runners.Done()
		ctx := context.Background()
		if recoverFirst {
			if err := s.c.Capture.RecoverInterrupted(ctx); err != nil {
				s.c.Log.Error("capture exports: recover", "err", err)
			}
		}
		if err := s.c.Capture.RunPending(ctx); err != nil {
			s.c.Log.Error("capture exports: run", "err", err)
		}
	}()
}

// captureCalls is billing's Capture hook: the API calls of newly imported
// usage records, stored in the import's transaction.
func (c *Core) captureCalls(ctx context.Context, tx *sql.Tx, orgID string, recs []billing.Record) (int, error) {
	calls := make([]capture.Call, len(recs))
	for i, r := range recs {
		calls[i] = capture.Call{Key: r.Key(), Time: r.Time, WorkspaceID: r.WorkspaceID, APIKeyID: r.APIKeyID, Model: r.Model,
			Request: r.Request, Response: r.Response, InputTokens: r.InputTokens, OutputTokens: r.OutputTokens,
			LatencyMS: r.LatencyMS, Status: r.Status}
	}
	return c.Capture.StoreCalls(ctx, tx, orgID, calls)
}

// captureJobChanged tells the window about an export job's state or progress.
func (c *Core) captureJobChanged(j capture.Job) {
	c.mu.Lock()
	ev := c.events
	c.mu.Unlock()
	ev.Emit(EventCaptureExport, exportJobDTO(j, nil))
}

// CaptureSettingDTO is one workspace's Data Capture setting.
type CaptureSettingDTO struct {
	WorkspaceID   string `json:"workspaceId"`
	WorkspaceName string `json:"workspaceName"`
	Archived      bool   `json:"archived"`
	Enabled       bool   `json:"enabled"`
	RetentionDays int    `json:"retentionDays"`
	ZDR           bool   `json:"zdr"`
	ChangedByName string `json:"changedByName"`
	ChangedAt     string `json:"changedAt"`
	Calls         int    `json:"calls"`
}

func captureSettingDTO(st capture.Setting) CaptureSettingDTO {
	return CaptureSettingDTO{WorkspaceID: st.WorkspaceID, WorkspaceName: st.WorkspaceName, Archived: st.Archived, Enabled: st.Enabled,
		RetentionDays: st.RetentionDays, ZDR: st.ZDR, ChangedByName: st.ChangedByName, ChangedAt: iso(st.ChangedAt), Calls: st.Calls}
}

// CaptureLimitsDTO are the bounds the forms show.
type CaptureLimitsDTO struct {
	MinRetentionDays     int      `json:"minRetentionDays"`
	MaxRetentionDays     int      `json:"maxRetentionDays"`
	DefaultRetentionDays int      `json:"defaultRetentionDays"`
	MaxExportDays        int      `json:"maxExportDays"`
	MaxBodyBytes         int      `json:"maxBodyBytes"`
	ResultDays           int      `json:"resultDays"`
	Plans                []string `json:"plans"` // the chat plans that include Data Capture
}

// Limits returns the bounds of the settings and exports, and which plans
// include Data Capture (for the note shown on the others).
func (s *CaptureService) Limits() CaptureLimitsDTO {
	out := CaptureLimitsDTO{MinRetentionDays: capture.MinRetentionDays, MaxRetentionDays: capture.MaxRetentionDays,
		DefaultRetentionDays: capture.DefaultRetentionDays, MaxExportDays: capture.MaxExportDays, MaxBodyBytes: capture.MaxBodyBytes,
		ResultDays: capture.ExportResultDays, Plans: []string{}}
	for _, id := range plans.ChatPlans {
		if p, err := plans.Get(plans.Chat, id); err == nil && p.DataCapture {
			out.Plans = append(out.Plans, id)
		}
	}
	return out
}

// Settings lists every workspace's Data Capture setting.
func (s *CaptureService) Settings() ([]CaptureSettingDTO, error) {
	return call(s.c, "capture settings", func(ctx context.Context, a org.Actor) ([]CaptureSettingDTO, error) {
		list, err := s.c.Capture.Settings(ctx, a)
		out := []CaptureSettingDTO{}
		for _, st := range list {
			out = append(out, captureSettingDTO(st))
		}
		return out, err
	})
}

// SetCapture turns capture on or off for a workspace and sets its retention.
func (s *CaptureService) SetCapture(workspaceID string, enabled bool, retentionDays int) (CaptureSettingDTO, error) {
	return call(s.c, "set capture", func(ctx context.Context, a org.Actor) (CaptureSettingDTO, error) {
		st, err := s.c.Capture.SetCapture(ctx, a, capture.SettingInput{WorkspaceID: workspaceID, Enabled: enabled,
			RetentionDays: retentionDays})
		return captureSettingDTO(st), err
	})
}

// CallFilterDTO filters the captured calls; from and to are RFC 3339
// instants ("" for open), to exclusive.
type CallFilterDTO struct {
	WorkspaceID string `json:"workspaceId"`
	Model       string `json:"model"`
	Status      string `json:"status"`
	From        string `json:"from"`
	To          string `json:"to"`
	Search      string `json:"search"`
	Cursor      string `json:"cursor"`
	Limit       int    `json:"limit"`
}

// CallDTO is a captured call in the list.
type CallDTO struct {
	ID            int64  `json:"id"`
	At            string `json:"at"`
	WorkspaceID   string `json:"workspaceId"`
	WorkspaceName string `json:"workspaceName"`
	APIKeyID      string `json:"apiKeyId"`
	APIKeyName    string `json:"apiKeyName"`
	Model         string `json:"model"`
	InputTokens   int64  `json:"inputTokens"`
	OutputTokens  int64  `json:"outputTokens"`
	LatencyMS     int64  `json:"latencyMs"`
	Status        int    `json:"status"`
	RequestBytes  int    `json:"requestBytes"`
	ResponseBytes int    `json:"responseBytes"`
	Truncated     int    `json:"truncated"`
	Preview       string `json:"preview"`
}

// CallPageDTO is one page of captured calls, newest first.
type CallPageDTO struct {
	Calls []CallDTO `json:"calls"`
	Next  string    `json:"next"`
}

// CallDetailDTO is one captured call with its bodies (JSON text).
type CallDetailDTO struct {
	CallDTO
	RecordID string `json:"recordId"`
	Request  string `json:"request"`
	Response string `json:"response"`
}

func callDTO(sm capture.Summary) CallDTO {
	return CallDTO{ID: sm.ID, At: iso(sm.At), WorkspaceID: sm.WorkspaceID, WorkspaceName: sm.WorkspaceName, APIKeyID: sm.APIKeyID,
		APIKeyName: sm.APIKeyName, Model: sm.Model, InputTokens: sm.InputTokens, OutputTokens: sm.OutputTokens,
		LatencyMS: sm.LatencyMS, Status: sm.Status, RequestBytes: sm.RequestBytes, ResponseBytes: sm.ResponseBytes,
		Truncated: sm.Truncated, Preview: sm.Preview}
}

// parseInstant reads an RFC 3339 instant; "" is the zero time.
func parseInstant(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, apperr.Field(field, "input.invalid_date")
	}
	return t, nil
}

// Calls lists captured calls, a page at a time (Next continues). Calls past
// their retention are purged first (at most once a minute).
func (s *CaptureService) Calls(f CallFilterDTO) (CallPageDTO, error) {
	if err := tooLong(map[string]string{"search": f.Search, "model": f.Model, "cursor": f.Cursor,
		"workspaceId": f.WorkspaceID}); err != nil {
		return CallPageDTO{}, err
	}
	from, err := parseInstant("range", f.From)
	if err != nil {
		return CallPageDTO{}, err
	}
	to, err := parseInstant("range", f.To)
	if err != nil {
		return CallPageDTO{}, err
	}
	return call(s.c, "captured calls", func(ctx context.Context, a org.Actor) (CallPageDTO, error) {
		s.purgeNow(ctx)
		page, err := s.c.Capture.Calls(ctx, a, capture.Filter{WorkspaceID: f.WorkspaceID, Model: f.Model, Status: f.Status,
			From: from, To: to, Search: f.Search, Cursor: f.Cursor, Limit: f.Limit})
		out := CallPageDTO{Calls: []CallDTO{}, Next: page.Next}
		for _, sm := range page.Calls {
			out.Calls = append(out.Calls, callDTO(sm))
		}
		return out, err
	})
}

// purgeNow deletes expired calls before a list is shown, at most once a
// minute; the maintenance loop does it otherwise.
func (s *CaptureService) purgeNow(ctx context.Context) {
	s.mu.Lock()
	due := time.Since(s.lastPurge) > time.Minute
	if due {
		s.lastPurge = time.Now()
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if _, err := s.c.Capture.PurgeExpired(ctx); err != nil {
		s.c.Log.Error("capture purge", "err", err)
	}
}

// Call returns one captured call with its request and response.
func (s *CaptureService) Call(id int64) (CallDetailDTO, error) {
	return call(s.c, "captured call", func(ctx context.Context, a org.Actor) (CallDetailDTO, error) {
		d, err := s.c.Capture.Call(ctx, a, id)
		return CallDetailDTO{CallDTO: callDTO(d.Summary), RecordID: d.RecordID, Request: d.Request, Response: d.Response}, err
	})
}

// Models lists the models of the captured calls, for the filter.
func (s *CaptureService) Models() ([]string, error) {
	return call(s.c, "captured models", func(ctx context.Context, a org.Actor) ([]string, error) {
		return s.c.Capture.Models(ctx, a)
	})
}

// ExportInputDTO asks for an export; from and to are RFC 3339 instants
// (to exclusive), at most 31 days apart.
type ExportInputDTO struct {
	WorkspaceIDs []string `json:"workspaceIds"`
	From         string   `json:"from"`
	To           string   `json:"to"`
	Model        string   `json:"model"`
}

// ExportJobDTO is an export job.
type ExportJobDTO struct {
	ID              string   `json:"id"`
	Status          string   `json:"status"`
	WorkspaceIDs    []string `json:"workspaceIds"`
	WorkspaceNames  []string `json:"workspaceNames"`
	From            string   `json:"from"`
	To              string   `json:"to"`
	Model           string   `json:"model"`
	Done            int      `json:"done"`
	Total           int      `json:"total"`
	ErrorCode       string   `json:"errorCode"`
	ResultBytes     int64    `json:"resultBytes"`
	ResultAvailable bool     `json:"resultAvailable"`
	CreatedByName   string   `json:"createdByName"`
	CreatedAt       string   `json:"createdAt"`
	StartedAt       string   `json:"startedAt"`
	FinishedAt      string   `json:"finishedAt"`
}

// exportJobDTO describes a job; names maps workspace IDs to names (nil
// leaves the names out, as progress events do).
func exportJobDTO(j capture.Job, names map[string]string) ExportJobDTO {
	d := ExportJobDTO{ID: j.ID, Status: j.Status, WorkspaceIDs: j.WorkspaceIDs, WorkspaceNames: []string{}, From: iso(j.From),
		To: iso(j.To), Model: j.Model, Done: j.Done, Total: j.Total, ErrorCode: j.ErrorCode, ResultBytes: j.ResultBytes,
		ResultAvailable: j.ResultAvailable, CreatedByName: j.CreatedByName, CreatedAt: iso(j.CreatedAt),
		StartedAt: iso(j.StartedAt), FinishedAt: iso(j.FinishedAt)}
	if d.WorkspaceIDs == nil {
		d.WorkspaceIDs = []string{}
	}
	if names != nil {
		for _, id := range j.WorkspaceIDs {
			d.WorkspaceNames = append(d.WorkspaceNames, names[id])
		}
	}
	return d
}

// CreateExportJob files an export job; it runs in the background and
// reports its progress through EventCaptureExport.
func (s *CaptureService) CreateExportJob(in ExportInputDTO) (ExportJobDTO, error) {
	if err := tooLong(map[string]string{"model": in.Model}); err != nil {
		return ExportJobDTO{}, err
	}
	from, err := parseInstant("range", in.From)
	if err != nil {
		return ExportJobDTO{}, err
	}
	to, err := parseInstant("range", in.To)
	if err != nil {
		return ExportJobDTO{}, err
	}
	job, err := call(s.c, "create capture export", func(ctx context.Context, a org.Actor) (ExportJobDTO, error) {
		j, err := s.c.Capture.CreateExportJob(ctx, a, capture.ExportRequest{WorkspaceIDs: in.WorkspaceIDs, From: from, To: to,
			Model: in.Model})
		return exportJobDTO(j, s.c.groupLabels(ctx, a.OrgID, "workspace")), err
	})
	if err == nil {
		s.runExports(false)
	}
	return job, err
}

// ExportJobs lists the latest export jobs, newest first.
func (s *CaptureService) ExportJobs() ([]ExportJobDTO, error) {
	return call(s.c, "capture exports", func(ctx context.Context, a org.Actor) ([]ExportJobDTO, error) {
		jobs, err := s.c.Capture.ExportJobs(ctx, a)
		names := s.c.groupLabels(ctx, a.OrgID, "workspace")
		out := []ExportJobDTO{}
		for _, j := range jobs {
			out = append(out, exportJobDTO(j, names))
		}
		return out, err
	})
}

// CancelExportJob cancels a pending or running export job.
func (s *CaptureService) CancelExportJob(id string) (ExportJobDTO, error) {
	return call(s.c, "cancel capture export", func(ctx context.Context, a org.Actor) (ExportJobDTO, error) {
		j, err := s.c.Capture.CancelExportJob(ctx, a, id)
		return exportJobDTO(j, s.c.groupLabels(ctx, a.OrgID, "workspace")), err
	})
}

// SaveExport saves a completed job's JSONL result where the person chooses
// in the native save dialog and returns the path ("" when cancelled). The
// file is copied to a temporary file next to the destination and renamed,
// so a half-written file never carries the chosen name.
func (s *CaptureService) SaveExport(id string) (string, error) {
	return call(s.c, "save capture export", func(ctx context.Context, a org.Actor) (string, error) {
		src, job, err := s.c.Capture.ExportResult(ctx, a, id)
		if err != nil {
			return "", err
		}
		name := "data-capture-" + job.CreatedAt.Format("2006-01-02") + "-" + job.ID[len(job.ID)-8:] + ".jsonl"
		var size int64
		path, err := s.c.saveStream(s.c.T("capture.dialog.save_export", nil), name, FileFilter{Name: "JSONL", Pattern: "*.jsonl"},
			func(w io.Writer) error {
				in, err := os.Open(src)
				if err != nil {
					return err
				}
				defer in.Close()
				size, err = io.Copy(w, in)
				return err
			})
		if err != nil || path == "" {
			return "", err
		}
		if err := s.c.Capture.RecordExportSaved(ctx, a, id, filepath.Base(path), size); err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	})
}
