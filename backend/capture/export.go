package capture

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// Job states: pending -> running -> completed | failed | cancelled; a
// pending or running job can be cancelled.
const (
	Pending   = "pending"
	Running   = "running"
	Completed = "completed"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Export bounds.
const (
	// MaxExportDays is the longest date range of one export, in days.
	MaxExportDays = 31
	// MaxExportRange is that range as a duration, with the hour a
	// daylight-saving change may add to 31 local days.
	MaxExportRange = MaxExportDays*24*time.Hour + time.Hour
	// MaxActiveExports is how many jobs an organization may have pending or
	// running at once.
	MaxActiveExports = 5
	// MaxExportWorkspaces bounds the workspaces of one export.
	MaxExportWorkspaces = 100
	// jobsListed is how many of the latest jobs ExportJobs returns.
	jobsListed = 50
)

// Job is an export job.
type Job struct {
	ID            string
	OrgID         string
	CreatedBy     string
	CreatedByName string
	Status        string
	WorkspaceIDs  []string
	From          time.Time // inclusive
	To            time.Time // exclusive
	Model         string    // "" for every model
	Done          int       // calls written so far
	Total         int       // calls to write (known once running)
	ErrorCode     string    // why it failed
	ResultBytes   int64
	// ResultAvailable: completed, and its result can still be saved.
	ResultAvailable bool
	CreatedAt       time.Time
	StartedAt       time.Time
	FinishedAt      time.Time

	resultPath string
}

// ExportRequest asks for an export.
type ExportRequest struct {
	WorkspaceIDs []string
	From, To     time.Time // [From, To), at most MaxExportRange apart
	Model        string    // optional
}

// CreateExportJob files an export of the calls of some of the
// organization's workspaces over [From, To), optionally of one model. The
// job starts pending; RunPending runs it.
func (s *Service) CreateExportJob(ctx context.Context, a org.Actor, req ExportRequest) (Job, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(req.WorkspaceIDs)))
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	switch {
	case len(ids) == 0:
		return Job{}, apperr.Field("workspaces", "capture.workspaces_required")
	case len(ids) > MaxExportWorkspaces:
		return Job{}, apperr.Field("workspaces", "input.invalid")
	case req.From.IsZero() || req.To.IsZero():
		return Job{}, apperr.Field("range", "input.invalid_date")
	case !req.To.After(req.From) || req.To.Sub(req.From) > MaxExportRange:
		return Job{}, apperr.Field("range", "capture.export_range").With("Count", MaxExportDays)
	case len(req.Model) > 100:
		return Job{}, apperr.Field("model", "input.too_long")
	}
	var job Job
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := authorize(ctx, tx, a); err != nil {
			return err
		}
		for _, id := range ids {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspaces WHERE id = ? AND org_id = ?`, id, a.OrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Field("workspaces", "workspace.not_found")
			}
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM capture_export_jobs WHERE org_id = ? AND status IN ('pending','running')`,
			a.OrgID).Scan(&active); err != nil {
			return err
		}
		if active >= MaxActiveExports {
			return apperr.New("capture.too_many_exports").With("Count", MaxActiveExports)
		}
		wsJSON, _ := json.Marshal(ids)
		id := uuid.Must(uuid.NewV7()).String()
		now := s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO capture_export_jobs(id, org_id, created_by, status, workspace_ids, from_at, to_at,
			model, created_at) VALUES (?,?,?,?,?,?,?,?,?)`, id, a.OrgID, a.UserID, Pending, string(wsJSON),
			store.Timestamp(req.From), store.Timestamp(req.To), req.Model, store.Timestamp(now)); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "capture.export_created", TargetType: "capture_export",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"workspaces": ids, "from": store.Timestamp(req.From),
				"to": store.Timestamp(req.To), "model": req.Model}}); err != nil {
			return err
		}
		var err error
		job, err = loadJob(ctx, tx, a.OrgID, id)
		return err
	})
	if err == nil {
		s.notify(job)
	}
	return job, err
}

// ExportJobs lists the organization's latest export jobs, newest first.
func (s *Service) ExportJobs(ctx context.Context, a org.Actor) ([]Job, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return nil, err
	}
	return listJobs(ctx, s.DB, `j.org_id = ? ORDER BY j.created_at DESC, j.id DESC LIMIT `+strconv.Itoa(jobsListed), a.OrgID)
}

// ExportJob returns one of the organization's export jobs.
func (s *Service) ExportJob(ctx context.Context, a org.Actor, id string) (Job, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return Job{}, err
	}
	return loadJob(ctx, s.DB, a.OrgID, id)
}

// CancelExportJob cancels a pending or running job; a running one stops
// after its current batch and its partial result is removed.
func (s *Service) CancelExportJob(ctx context.Context, a org.Actor, id string) (Job, error) {
	var job Job
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := authorize(ctx, tx, a); err != nil {
			return err
		}
		j, err := loadJob(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if j.Status != Pending && j.Status != Running {
			return apperr.New("capture.export_finished")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE capture_export_jobs SET status = ?, finished_at = ? WHERE id = ?`,
			Cancelled, store.Timestamp(s.now()), id); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "capture.export_cancelled", TargetType: "capture_export",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"was": j.Status, "done": j.Done, "total": j.Total}}); err != nil {
			return err
		}
		job, err = loadJob(ctx, tx, a.OrgID, id)
		return err
	})
	if err == nil {
		s.notify(job)
	}
	return job, err
}

// ExportResult returns the path of a completed job's JSONL result for
// saving. Call RecordExportSaved once it is saved.
func (s *Service) ExportResult(ctx context.Context, a org.Actor, id string) (string, Job, error) {
	j, err := s.ExportJob(ctx, a, id)
	if err != nil {
		return "", Job{}, err
	}
	if !j.ResultAvailable {
		return "", j, apperr.New("capture.export_unavailable")
	}
	if _, err := os.Stat(j.resultPath); err != nil {
		return "", j, apperr.New("capture.export_unavailable")
	}
	return j.resultPath, j, nil
}

// RecordExportSaved records that a person saved a job's result
// (capture.export_downloaded).
func (s *Service) RecordExportSaved(ctx context.Context, a org.Actor, id, fileName string, size int64) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := authorize(ctx, tx, a); err != nil {
			return err
		}
		j, err := loadJob(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if !j.ResultAvailable {
			return apperr.New("capture.export_unavailable")
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "capture.export_downloaded", TargetType: "capture_export",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"file": fileName, "bytes": size, "calls": j.Done}})
	})
}

// RecoverInterrupted fails the jobs left running when the application
// stopped (capture.export_interrupted); it runs before the first runner.
func (s *Service) RecoverInterrupted(ctx context.Context) error {
	s.runMu.Lock() // never a job this process is running
	defer s.runMu.Unlock()
	jobs, err := listJobs(ctx, s.DB, `j.status = 'running' ORDER BY j.created_at`)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		s.fail(ctx, j, "capture.export_interrupted", "")
	}
	return nil
}

// RunPending runs pending jobs, oldest first, until none is left. One
// runner works at a time: a second call waits, then finds what is left.
func (s *Service) RunPending(ctx context.Context) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	for {
		var id string
		err := s.DB.QueryRowContext(ctx, `SELECT id FROM capture_export_jobs WHERE status = 'pending'
			ORDER BY created_at, id LIMIT 1`).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.run(ctx, id); err != nil {
			return err
		}
	}
}

// RunExportJob runs one pending job now (tests, and a runner of one's own).
func (s *Service) RunExportJob(ctx context.Context, id string) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.run(ctx, id)
}

// run takes a pending job to running, writes its calls in batches, updating
// its progress and stopping as soon as it sees it cancelled, and finishes
// it completed or failed. The error is only for what stops the runner (the
// database is gone); a job's own failure is recorded on the job.
func (s *Service) run(ctx context.Context, id string) error {
	job, sel, err := s.claim(ctx, id)
	if err != nil || job.ID == "" {
		return err
	}
	s.notify(job)
	part := filepath.Join(s.ExportDir, job.ID+".jsonl.part")
	final := filepath.Join(s.ExportDir, job.ID+".jsonl")
	var f *os.File
	fail := func(code string) error {
		if f != nil {
			f.Close() // before removing it: Windows keeps open files
		}
		s.fail(ctx, job, code, part)
		return nil
	}
	if s.ExportDir == "" {
		return fail("capture.export_write_failed")
	}
	if err := os.MkdirAll(s.ExportDir, 0o700); err != nil {
		return fail("capture.export_write_failed")
	}
	f, err = os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		f = nil
		return fail("capture.export_write_failed")
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var written int64
	var line []byte
	for {
		if ctx.Err() != nil {
			return fail("capture.export_interrupted")
		}
		if status, err := s.status(ctx, job.ID); err != nil || status != Running {
			f.Close()
			os.Remove(part)
			return err // cancelled (or gone): nothing more to record
		}
		n := 0
		rows, err := s.DB.QueryContext(ctx, sel.query(), sel.args()...)
		if err != nil {
			return fail("capture.export_failed")
		}
		for rows.Next() {
			var r exportRow
			if err := rows.Scan(&r.id, &r.at, &r.key, &r.ws, &r.apiKey, &r.model, &r.in, &r.out, &r.latency, &r.status,
				&r.truncated, &r.request, &r.response); err != nil {
				rows.Close()
				return fail("capture.export_failed")
			}
			line = r.appendJSON(line[:0])
			k, err := w.Write(line)
			written += int64(k)
			if err != nil {
				rows.Close()
				return fail("capture.export_write_failed")
			}
			sel.afterAt, sel.afterID = r.at, r.id
			n++
		}
		if err := rows.Close(); err != nil {
			return fail("capture.export_failed")
		}
		if err := rows.Err(); err != nil {
			return fail("capture.export_failed")
		}
		if n == 0 {
			break
		}
		job.Done += n
		job.Total = max(job.Total, job.Done)
		res, err := s.DB.ExecContext(ctx, `UPDATE capture_export_jobs SET done = ?, total = ? WHERE id = ? AND status = 'running'`,
			job.Done, job.Total, job.ID)
		if err != nil {
			return fail("capture.export_failed")
		}
		if k, _ := res.RowsAffected(); k == 0 {
			continue // cancelled meanwhile: the check at the loop's top stops
		}
		s.notify(job)
		if s.afterBatch != nil {
			s.afterBatch(job.ID, job.Done)
		}
		if n < sel.limit {
			break
		}
	}
	if err := w.Flush(); err != nil {
		return fail("capture.export_write_failed")
	}
	if err := f.Sync(); err != nil {
		return fail("capture.export_write_failed")
	}
	if err := f.Close(); err != nil {
		return fail("capture.export_write_failed")
	}
	if err := os.Rename(part, final); err != nil {
		return fail("capture.export_write_failed")
	}
	finished := false
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE capture_export_jobs SET status = 'completed', done = ?, total = ?, result_path = ?,
			result_bytes = ?, finished_at = ? WHERE id = ? AND status = 'running'`, job.Done, job.Done, final, written,
			store.Timestamp(s.now()), job.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil // cancelled at the last moment
		}
		finished = true
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: System, Action: "capture.export_completed", TargetType: "capture_export",
			TargetID: job.ID, OrgID: job.OrgID, Details: map[string]any{"calls": job.Done, "bytes": written}})
	})
	if err != nil || !finished {
		os.Remove(final)
		if err != nil {
			return fail("capture.export_failed")
		}
		return nil
	}
	if j, err := loadJob(ctx, s.DB, job.OrgID, job.ID); err == nil {
		s.notify(j)
	}
	return nil
}

// claim takes a pending job to running (capture.export_started) and counts
// what it will write. An empty job means it was no longer pending.
func (s *Service) claim(ctx context.Context, id string) (Job, *selection, error) {
	var job Job
	var sel *selection
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		j, err := loadJob(ctx, tx, "", id)
		if err != nil || j.Status != Pending {
			return err
		}
		// The calls present now: later imports do not stretch the job.
		var maxID int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM captured_calls`).Scan(&maxID); err != nil {
			return err
		}
		sel = &selection{org: j.OrgID, workspaces: j.WorkspaceIDs, from: store.Timestamp(j.From), to: store.Timestamp(j.To),
			model: j.Model, maxID: maxID, limit: s.batch()}
		if err := tx.QueryRowContext(ctx, sel.countQuery(), sel.countArgs()...).Scan(&j.Total); err != nil {
			return err
		}
		j.Status, j.StartedAt = Running, s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE capture_export_jobs SET status = ?, started_at = ?, total = ?, done = 0 WHERE id = ?`,
			Running, store.Timestamp(j.StartedAt), j.Total, id); err != nil {
			return err
		}
		job = j
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: System, Action: "capture.export_started", TargetType: "capture_export",
			TargetID: id, OrgID: j.OrgID, Details: map[string]any{"total": j.Total}})
	})
	if apperr.Code(err) == "capture.export_not_found" {
		return Job{}, nil, nil
	}
	return job, sel, err
}

// fail records a running job as failed with code (capture.export_failed
// event) and removes its partial result.
func (s *Service) fail(ctx context.Context, job Job, code, part string) {
	ctx = context.WithoutCancel(ctx) // a stopped runner still records why
	if part != "" {
		os.Remove(part)
	}
	var failed bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE capture_export_jobs SET status = 'failed', error_code = ?, finished_at = ?
			WHERE id = ? AND status = 'running'`, code, store.Timestamp(s.now()), job.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		failed = true
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: System, Action: "capture.export_failed", TargetType: "capture_export",
			TargetID: job.ID, OrgID: job.OrgID, Details: map[string]any{"code": code, "done": job.Done}})
	})
	if err == nil && failed {
		if j, err := loadJob(ctx, s.DB, job.OrgID, job.ID); err == nil {
			s.notify(j)
		}
	}
}

func (s *Service) status(ctx context.Context, id string) (string, error) {
	var st string
	err := s.DB.QueryRowContext(ctx, `SELECT status FROM capture_export_jobs WHERE id = ?`, id).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return st, err
}

func (s *Service) notify(j Job) {
	if s.OnJob != nil {
		s.OnJob(j)
	}
}

// selection is what a job writes, read in batches after a keyset cursor.
type selection struct {
	org        string
	workspaces []string
	from, to   string
	model      string
	maxID      int64
	limit      int
	afterAt    string
	afterID    int64
}

func (q *selection) where() (string, []any) {
	marks := strings.TrimSuffix(strings.Repeat("?,", len(q.workspaces)), ",")
	where := `org_id = ? AND at >= ? AND at < ? AND id <= ? AND workspace_id IN (` + marks + `)`
	args := []any{q.org, q.from, q.to, q.maxID}
	for _, w := range q.workspaces {
		args = append(args, w)
	}
	if q.model != "" {
		where, args = where+` AND model = ?`, append(args, q.model)
	}
	return where, args
}

func (q *selection) countQuery() string {
	w, _ := q.where()
	return `SELECT COUNT(*) FROM captured_calls INDEXED BY captured_calls_org_at WHERE ` + w
}

func (q *selection) countArgs() []any { _, a := q.where(); return a }

func (q *selection) query() string {
	w, _ := q.where()
	if q.afterAt != "" {
		w += ` AND (at > ? OR (at = ? AND id > ?))`
	}
	// The organization's time index gives the order without sorting, and
	// each batch starts where the last one stopped.
	return `SELECT id, at, record_key, workspace_id, api_key_id, model, input_tokens, output_tokens, latency_ms, status, truncated,
		request, response FROM captured_calls INDEXED BY captured_calls_org_at WHERE ` + w + ` ORDER BY at, id LIMIT ` + strconv.Itoa(q.limit)
}

func (q *selection) args() []any {
	_, a := q.where()
	if q.afterAt != "" {
		a = append(a, q.afterAt, q.afterAt, q.afterID)
	}
	return a
}

// exportRow is one captured call as the export reads it.
type exportRow struct {
	id                  int64
	at, key, ws, apiKey string
	model               string
	in, out, latency    int64
	status, truncated   int
	request, response   string
}

// appendJSON writes the call as one JSONL line:
//
//	{"id":"gw-1","time":"2026-11-01T10:00:00Z","workspace_id":"…","api_key_id":"…","model":"large-2",
//	 "input_tokens":1200,"output_tokens":300,"latency_ms":840,"status":200,"request":{…},"response":{…}}
//
// id is the source record's id (absent when it had none); request and
// response are null when not captured; "request_truncated":true and
// "response_truncated":true mark a body cut to MaxBodyBytes (kept as a JSON
// string); status is 0 when unknown.
func (r *exportRow) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if id := recordID(r.key); id != "" {
		b = append(b, `"id":`...)
		b = jsonString(b, id)
		b = append(b, ',')
	}
	b = append(b, `"time":`...)
	b = jsonString(b, store.ParseTime(r.at).UTC().Format(time.RFC3339Nano))
	b = append(b, `,"workspace_id":`...)
	b = jsonString(b, r.ws)
	b = append(b, `,"api_key_id":`...)
	b = jsonString(b, r.apiKey)
	b = append(b, `,"model":`...)
	b = jsonString(b, r.model)
	b = append(b, `,"input_tokens":`...)
	b = strconv.AppendInt(b, r.in, 10)
	b = append(b, `,"output_tokens":`...)
	b = strconv.AppendInt(b, r.out, 10)
	b = append(b, `,"latency_ms":`...)
	b = strconv.AppendInt(b, r.latency, 10)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(r.status), 10)
	b = append(b, `,"request":`...)
	b = rawOrNull(b, r.request)
	b = append(b, `,"response":`...)
	b = rawOrNull(b, r.response)
	if r.truncated&RequestTruncated != 0 {
		b = append(b, `,"request_truncated":true`...)
	}
	if r.truncated&ResponseTruncated != 0 {
		b = append(b, `,"response_truncated":true`...)
	}
	return append(b, '}', '\n')
}

// rawOrNull appends stored JSON (compact, one line) or null.
func rawOrNull(b []byte, raw string) []byte {
	if raw == "" {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

const hexDigits = "0123456789abcdef"

// jsonString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD;
// U+2028 and U+2029 are escaped so a line is safe as JavaScript too.
func jsonString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func loadJob(ctx context.Context, q org.Querier, orgID, id string) (Job, error) {
	where, args := `j.id = ?`, []any{id}
	if orgID != "" {
		where, args = where+` AND j.org_id = ?`, append(args, orgID)
	}
	jobs, err := listJobs(ctx, q, where, args...)
	if err != nil {
		return Job{}, err
	}
	if len(jobs) == 0 {
		return Job{}, apperr.New("capture.export_not_found")
	}
	return jobs[0], nil
}

func listJobs(ctx context.Context, q org.Querier, where string, args ...any) ([]Job, error) {
	rows, err := q.QueryContext(ctx, `SELECT j.id, j.org_id, j.created_by, COALESCE(u.first_name || ' ' || u.last_name, ''), j.status,
		j.workspace_ids, j.from_at, j.to_at, j.model, j.done, j.total, j.error_code, j.result_path, j.result_bytes, j.created_at,
		j.started_at, j.finished_at FROM capture_export_jobs j LEFT JOIN users u ON u.id = j.created_by WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Job{}
	for rows.Next() {
		var j Job
		var ws, from, to, created, started, finished string
		if err := rows.Scan(&j.ID, &j.OrgID, &j.CreatedBy, &j.CreatedByName, &j.Status, &ws, &from, &to, &j.Model, &j.Done, &j.Total,
			&j.ErrorCode, &j.resultPath, &j.ResultBytes, &created, &started, &finished); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ws), &j.WorkspaceIDs); err != nil {
			return nil, fmt.Errorf("capture: job %s workspaces: %w", j.ID, err)
		}
		j.From, j.To = store.ParseTime(from), store.ParseTime(to)
		j.CreatedAt, j.StartedAt, j.FinishedAt = store.ParseTime(created), store.ParseTime(started), store.ParseTime(finished)
		j.ResultAvailable = j.Status == Completed && j.resultPath != ""
		out = append(out, j)
	}
	return out, rows.Err()
}
