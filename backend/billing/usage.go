package billing

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// Record is one usage record as a gateway exports it: the documented format
// of the JSONL and CSV imports (CSV columns in this order, with a header).
//
//	{"id":"gw-0001","time":"2026-11-01T10:00:00Z","workspace_id":"…","api_key_id":"…",
//	 "model":"large-2","input_tokens":1200,"output_tokens":300,"requests":1}
//
// id is optional; when present it makes re-imports idempotent, else the
// record's content does.
//
// A JSONL record may also carry the API call itself, for Data Capture:
//
//	"request":{…},"response":{…},"latency_ms":840,"status":200
//
// request and response are any JSON value (the call's bodies); latency_ms
// and status (the HTTP status, 100 to 599) are optional. A record with a
// request or a response is a captured call when its workspace has Data
// Capture on (see Service.Capture); usage counts it either way. CSV has no
// such columns.
type Record struct {
	ID           string    `json:"id"`
	Time         time.Time `json:"time"`
	WorkspaceID  string    `json:"workspace_id"`
	APIKeyID     string    `json:"api_key_id"`
	Model        string    `json:"model"`
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	Requests     int64     `json:"requests"`

	// Data Capture (JSONL and RecordUsage only).
	Request   json.RawMessage `json:"request,omitempty"`
	Response  json.RawMessage `json:"response,omitempty"`
	LatencyMS int64           `json:"latency_ms,omitempty"`
	Status    int             `json:"status,omitempty"`
}

// HasCall reports whether the record carries an API call to capture.
func (r Record) HasCall() bool { return len(r.Request) > 0 || len(r.Response) > 0 }

// MaxLineBytes bounds one JSONL line (a record with its request and response).
const MaxLineBytes = 8 << 20

// MaxCallBytes bounds the request and response bodies of one import
// together, so that an import's records fit in memory.
const MaxCallBytes = 512 << 20

// maxLatencyMS is a day: no call waits longer.
const maxLatencyMS = 24 * 60 * 60 * 1000

// CSVHeader is the header line of a usage CSV file.
var CSVHeader = []string{"id", "time", "workspace_id", "api_key_id", "model", "input_tokens", "output_tokens", "requests"}

// MaxImportRecords bounds one import.
const MaxImportRecords = 1_000_000

// Key is what makes a record unique for re-imports (a captured call shares
// its record's key).
func (r Record) Key() string {
	if r.ID != "" {
		return "id:" + r.ID
	}
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%s|%s|%d|%d|%d", r.Time.UTC().Format(time.RFC3339Nano),
		r.WorkspaceID, r.APIKeyID, r.Model, r.InputTokens, r.OutputTokens, r.Requests)))
	return "sha256:" + hex.EncodeToString(h[:])
}

func lineError(line int, field string) error {
	return apperr.Field("file", "usage.invalid_line").With("Line", line).With("Field", field)
}

// ParseJSONL reads usage records, one JSON object per line; blank lines are
// skipped. The first bad line is reported by number and field.
func ParseJSONL(r io.Reader) ([]Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxLineBytes)
	var out []Record
	var callBytes int
	line := 1
	for ; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var rec Record
		dec := json.NewDecoder(strings.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return nil, lineError(line, "json")
		}
		if err := rec.check(line); err != nil {
			return nil, err
		}
		if callBytes += len(rec.Request) + len(rec.Response); callBytes > MaxCallBytes {
			return nil, apperr.Field("file", "usage.calls_too_large").With("Line", line).With("Size", MaxCallBytes>>20)
		}
		if out = append(out, rec); len(out) > MaxImportRecords {
			return nil, apperr.Field("file", "usage.too_many").With("Count", MaxImportRecords)
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return nil, apperr.Field("file", "usage.line_too_long").With("Line", line).With("Size", MaxLineBytes>>20)
	} else if err != nil {
		return nil, apperr.Field("file", "usage.unreadable")
	}
	return out, nil
}

// ParseCSV reads usage records from CSV with the CSVHeader header.
func ParseCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(CSVHeader)
	header, err := cr.Read()
	if err != nil || strings.Join(header, ",") != strings.Join(CSVHeader, ",") {
		return nil, apperr.Field("file", "usage.bad_header").With("Header", strings.Join(CSVHeader, ","))
	}
	var out []Record
	for line := 2; ; line++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, lineError(line, "csv")
		}
		rec, err := recordFromRow(row, line)
		if err != nil {
			return nil, err
		}
		if out = append(out, rec); len(out) > MaxImportRecords {
			return nil, apperr.Field("file", "usage.too_many").With("Count", MaxImportRecords)
		}
	}
	return out, nil
}

func recordFromRow(row []string, line int) (Record, error) {
	rec := Record{ID: row[0], WorkspaceID: row[2], APIKeyID: row[3], Model: row[4]}
	t, err := time.Parse(time.RFC3339Nano, row[1])
	if err != nil {
		return Record{}, lineError(line, "time")
	}
	rec.Time = t
	for i, dst := range []*int64{&rec.InputTokens, &rec.OutputTokens, &rec.Requests} {
		n, err := strconv.ParseInt(row[5+i], 10, 64)
		if err != nil {
			return Record{}, lineError(line, CSVHeader[5+i])
		}
		*dst = n
	}
	return rec, rec.check(line)
}

// maxTokens bounds one record: no single call is anywhere near it, and it
// keeps every product of tokens and prices far from overflowing.
const maxTokens = 1 << 40

func (r Record) check(line int) error {
	switch {
	case len(r.ID) > 200:
		return lineError(line, "id")
	case r.Time.IsZero():
		return lineError(line, "time")
	case r.WorkspaceID == "" || len(r.WorkspaceID) > 100:
		return lineError(line, "workspace_id")
	case len(r.APIKeyID) > 100:
		return lineError(line, "api_key_id")
	case r.Model == "" || len(r.Model) > 100:
		return lineError(line, "model")
	case r.InputTokens < 0 || r.InputTokens > maxTokens:
		return lineError(line, "input_tokens")
	case r.OutputTokens < 0 || r.OutputTokens > maxTokens:
		return lineError(line, "output_tokens")
	case r.Requests < 0 || r.Requests > maxTokens:
		return lineError(line, "requests")
	case len(r.Request) > 0 && !json.Valid(r.Request):
		return lineError(line, "request")
	case len(r.Response) > 0 && !json.Valid(r.Response):
		return lineError(line, "response")
	case r.LatencyMS < 0 || r.LatencyMS > maxLatencyMS:
		return lineError(line, "latency_ms")
	case r.Status != 0 && (r.Status < 100 || r.Status > 599):
		return lineError(line, "status")
	}
	return nil
}

// ImportResult says what an import did.
type ImportResult struct {
	Read       int
	Added      int
	Duplicates int
	// Captured counts the added records whose API call Data Capture stored.
	Captured int
}

// Service is the billing domain.
type Service struct {
	DB     *store.DB
	Audit  *audit.Log
	Now    func() time.Time
	Prices *PriceList
	// Payment is how invoices are paid; bank transfer when nil.
	Payment PaymentProvider
	// RecentAuth refuses sensitive actions (raising or removing the
	// organization's spend limit) when the actor's own session last proved
	// its password too long ago; package account provides it. Nil checks
	// nothing.
	RecentAuth func(ctx context.Context, q org.Querier, a org.Actor) error
	// Capture stores the API calls of newly added records (those with
	// HasCall) inside the import's transaction, so a captured call enters
	// with its usage or not at all; it returns how many it stored (workspaces
	// without Data Capture, or under Zero Data Retention, store none). The
	// desktop wires package capture here; nil stores nothing.
	Capture func(ctx context.Context, tx *sql.Tx, orgID string, records []Record) (int, error)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// recentAuth asks the RecentAuth hook, when there is one, inside the
// action's transaction: after authorization and validation, before any write.
func (s *Service) recentAuth(ctx context.Context, q org.Querier, a org.Actor) error {
	if s.RecentAuth == nil {
		return nil
	}
	return s.RecentAuth(ctx, q, a)
}

func (s *Service) prices() *PriceList {
	if s.Prices != nil {
		return s.Prices
	}
	return Prices
}

// ImportUsage adds parsed records to the actor's organization, all or
// nothing: a record for a workspace, key or model the organization does not
// have stops the import and changes nothing. Records already imported are
// counted as duplicates, never twice.
func (s *Service) ImportUsage(ctx context.Context, a org.Actor, records []Record) (ImportResult, error) {
	var res ImportResult
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.UsageImport); err != nil {
			return err
		}
		var err error
		res, err = s.add(ctx, tx, a.OrgID, records)
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "usage.imported", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"read": res.Read, "added": res.Added, "duplicates": res.Duplicates, "captured": res.Captured}})
	})
	return res, err
}

// RecordUsage is the Go API a gateway calls: the same rules as an import,
// for one organization, with the gateway as the actor of the audit event.
func (s *Service) RecordUsage(ctx context.Context, orgID string, records []Record) (ImportResult, error) {
	for i, r := range records {
		if err := r.check(i + 1); err != nil {
			return ImportResult{}, err
		}
	}
	var res ImportResult
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = s.add(ctx, tx, orgID, records); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: "gateway", Action: "usage.recorded", TargetType: "organization",
			TargetID: orgID, OrgID: orgID, Details: map[string]any{"read": res.Read, "added": res.Added, "duplicates": res.Duplicates, "captured": res.Captured}})
	})
	return res, err
}

// add prices and inserts records and updates the daily rollups.
func (s *Service) add(ctx context.Context, tx *sql.Tx, orgID string, records []Record) (ImportResult, error) {
	var currency string
	if err := tx.QueryRowContext(ctx, `SELECT currency FROM organizations WHERE id = ?`, orgID).Scan(&currency); err != nil {
		return ImportResult{}, err
	}
	var err error
	known := newOwnership(ctx, tx, orgID)
	res := ImportResult{Read: len(records)}
	touched := map[string]bool{}
	days := map[dayKey]daySum{}
	var calls []Record // added records that carry an API call
	// Prepared once: an import may hold a million records.
	insertRecord, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO usage_records(org_id, record_key, at, workspace_id,
		api_key_id, model, input_tokens, output_tokens, requests, currency, cost_micros) VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return ImportResult{}, err
	}
	defer insertRecord.Close()
	addToDay, err := tx.PrepareContext(ctx, `INSERT INTO usage_daily(org_id, day, workspace_id, api_key_id, model, currency,
		requests, input_tokens, output_tokens, cost_micros) VALUES (?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(org_id, day, workspace_id, api_key_id, model, currency) DO UPDATE SET
		requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
		output_tokens = output_tokens + excluded.output_tokens, cost_micros = cost_micros + excluded.cost_micros`)
	if err != nil {
		return ImportResult{}, err
	}
	defer addToDay.Close()
	for i, r := range records {
		if err := known.check(r, i+1); err != nil {
			return ImportResult{}, err
		}
		price, ok := s.prices().Model(r.Model, currency, r.Time)
		if !ok {
			return ImportResult{}, apperr.Field("file", "usage.unknown_model").With("Line", i+1).With("Model", r.Model)
		}
		cost := price.CostMicros(r.InputTokens, r.OutputTokens)
		inserted, err := insertRecord.ExecContext(ctx, orgID, r.Key(), store.Timestamp(r.Time), r.WorkspaceID, r.APIKeyID, r.Model, r.InputTokens, r.OutputTokens,
			r.Requests, currency, cost)
		if err != nil {
			return ImportResult{}, err
		}
		if n, _ := inserted.RowsAffected(); n == 0 {
			res.Duplicates++
			continue
		}
		res.Added++
		if r.HasCall() {
			calls = append(calls, r)
		}
		touched[r.WorkspaceID] = true
		d := days[dayKey{r.Time.UTC().Format("2006-01-02"), r.WorkspaceID, r.APIKeyID, r.Model}]
		d.requests, d.input, d.output, d.cost = d.requests+r.Requests, d.input+r.InputTokens, d.output+r.OutputTokens, d.cost+cost
		days[dayKey{r.Time.UTC().Format("2006-01-02"), r.WorkspaceID, r.APIKeyID, r.Model}] = d
	}
	if len(calls) > 0 && s.Capture != nil {
		if res.Captured, err = s.Capture(ctx, tx, orgID, calls); err != nil {
			return ImportResult{}, err
		}
	}
	// One rollup write per day, workspace, key and model, not per record.
	for k, d := range days {
		if _, err := addToDay.ExecContext(ctx, orgID, k.day, k.workspace, k.key, k.model, currency,
			d.requests, d.input, d.output, d.cost); err != nil {
			return ImportResult{}, err
		}
	}
	return res, s.checkAlerts(ctx, tx, orgID, touched)
}

type dayKey struct{ day, workspace, key, model string }

type daySum struct{ requests, input, output, cost int64 }

// ownership caches which workspaces and keys belong to the organization, so
// an import of a million records asks the database once per ID.
type ownership struct {
	ctx        context.Context
	tx         *sql.Tx
	orgID      string
	workspaces map[string]bool
	keys       map[string]string // key ID -> its workspace
}

func newOwnership(ctx context.Context, tx *sql.Tx, orgID string) *ownership {
	return &ownership{ctx: ctx, tx: tx, orgID: orgID, workspaces: map[string]bool{}, keys: map[string]string{}}
}

func (o *ownership) check(r Record, line int) error {
	ok, seen := o.workspaces[r.WorkspaceID]
	if !seen {
		var n int
		if err := o.tx.QueryRowContext(o.ctx, `SELECT COUNT(*) FROM workspaces WHERE id = ? AND org_id = ?`, r.WorkspaceID, o.orgID).Scan(&n); err != nil {
			return err
		}
		ok = n > 0
		o.workspaces[r.WorkspaceID] = ok
	}
	if !ok {
		return apperr.Field("file", "usage.unknown_workspace").With("Line", line)
	}
	if r.APIKeyID == "" {
		return nil
	}
	ws, seen := o.keys[r.APIKeyID]
	if !seen {
		err := o.tx.QueryRowContext(o.ctx, `SELECT workspace_id FROM api_keys WHERE id = ?`, r.APIKeyID).Scan(&ws)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		o.keys[r.APIKeyID] = ws
	}
	if ws != r.WorkspaceID {
		return apperr.Field("file", "usage.unknown_key").With("Line", line)
	}
	return nil
}
