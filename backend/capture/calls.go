package capture

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
	"admin-console/backend/store"
)

// MaxBodyBytes bounds a stored request or response. A larger body is cut to
// its first MaxBodyBytes (at a character boundary) and stored as a JSON
// string of that text, with its Truncated bit set: the call and its usage are
// still recorded, and what is kept is still valid JSON.
const MaxBodyBytes = 1 << 20

// Truncated bits.
const (
	RequestTruncated  = 1
	ResponseTruncated = 2
)

// Call is one API call as it enters with its usage record.
type Call struct {
	Key          string // the usage record's key (billing.Record.Key)
	Time         time.Time
	WorkspaceID  string
	APIKeyID     string
	Model        string
	Request      []byte // JSON, or empty
	Response     []byte // JSON, or empty
	InputTokens  int64
	OutputTokens int64
	LatencyMS    int64
	Status       int // HTTP status; 0 when unknown
}

// StoreCalls stores the calls of one organization inside tx, the
// transaction that adds their usage. Only calls of workspaces with capture
// on are stored, never one under Zero Data Retention, and none when the plan
// has no Data Capture; a call already stored (same key) is not stored again.
// It returns how many it stored. The workspaces must be the organization's
// (the usage import checks them first).
func (s *Service) StoreCalls(ctx context.Context, tx *sql.Tx, orgID string, calls []Call) (int, error) {
	if len(calls) == 0 {
		return 0, nil
	}
	ent, err := org.Entitlements(ctx, tx, orgID)
	if err != nil || !ent.DataCapture {
		return 0, err
	}
	capturing := map[string]bool{}
	on := func(ws string) (bool, error) {
		v, seen := capturing[ws]
		if seen {
			return v, nil
		}
		err := tx.QueryRowContext(ctx, `SELECT s.enabled = 1 FROM capture_settings s JOIN workspaces w ON w.id = s.workspace_id
			WHERE s.workspace_id = ? AND w.org_id = ?`, ws, orgID).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			v, err = false, nil
		}
		if err != nil {
			return false, err
		}
		if v {
			zdr, err := privacy.ZDRActive(ctx, tx, ws)
			if err != nil {
				return false, err
			}
			v = !zdr
		}
		capturing[ws] = v
		return v, nil
	}
	insert, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO captured_calls(org_id, workspace_id, record_key, at, model,
		api_key_id, request, response, input_tokens, output_tokens, latency_ms, status, truncated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	defer insert.Close()
	stored := 0
	for _, c := range calls {
		ok, err := on(c.WorkspaceID)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		req, reqCut := body(c.Request)
		resp, respCut := body(c.Response)
		truncated := 0
		if reqCut {
			truncated |= RequestTruncated
		}
		if respCut {
			truncated |= ResponseTruncated
		}
		status := c.Status
		if status != 0 && (status < 100 || status > 599) {
			status = 0
		}
		res, err := insert.ExecContext(ctx, orgID, c.WorkspaceID, c.Key, store.Timestamp(c.Time), c.Model, c.APIKeyID, req, resp,
			max(c.InputTokens, 0), max(c.OutputTokens, 0), max(c.LatencyMS, 0), status, truncated)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			stored++
		}
	}
	return stored, nil
}

// body returns the JSON to store for a request or response: compact (one
// line, so that an export line stays one line), "" when absent, and cut to
// MaxBodyBytes as a JSON string when larger (cut reports that).
func body(raw []byte) (text string, cut bool) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "", false
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		// Not JSON (the import checks it is): keep the text as a JSON string.
		buf.Reset()
		buf.Write(jsonString(nil, string(raw)))
	}
	if buf.Len() <= MaxBodyBytes {
		return buf.String(), false
	}
	b := buf.Bytes()[:MaxBodyBytes]
	// Drop a character the cut went through (the start of the last one
	// is at most utf8.UTFMax bytes back).
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				b = b[:i]
			}
			break
		}
	}
	return string(jsonString(nil, string(b))), true
}

// Filter selects captured calls for browsing. Zero values select everything.
type Filter struct {
	WorkspaceID string
	Model       string
	// Status is a class of HTTP status: "2xx", "3xx", "4xx", "5xx", or
	// "unknown" (none recorded).
	Status string
	From   time.Time // inclusive
	To     time.Time // exclusive
	// Search finds text in the request or the response (case-insensitive
	// for ASCII letters).
	Search string
	// Cursor continues after the last call of a page (Page.Next).
	Cursor string
	Limit  int // DefaultPageSize when 0, at most MaxPageSize
}

// Paging and search bounds.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
	MaxSearchLen    = 200
	PreviewLen      = 200 // characters of the request shown in a list
)

// Summary is a captured call in a list.
type Summary struct {
	ID            int64
	At            time.Time
	WorkspaceID   string
	WorkspaceName string
	APIKeyID      string
	APIKeyName    string
	Model         string
	InputTokens   int64
	OutputTokens  int64
	LatencyMS     int64
	Status        int
	Truncated     int
	RequestBytes  int
	ResponseBytes int
	Preview       string // the request's first PreviewLen characters
}

// Page is one page of captured calls, newest first.
type Page struct {
	Calls []Summary
	Next  string // the cursor of the next (older) page; "" at the end
}

// Detail is one captured call with its request and response.
type Detail struct {
	Summary
	RecordID string // the source record's id, when it had one
	Request  string // JSON; "" when none was captured
	Response string
}

var statusClasses = map[string][2]int{"2xx": {200, 299}, "3xx": {300, 399}, "4xx": {400, 499}, "5xx": {500, 599}, "unknown": {0, 0}}

// likeEscape escapes LIKE's wildcards (the query says ESCAPE '\').
var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Calls lists captured calls, newest first, a page at a time. The calls of
// another organization are never among them.
func (s *Service) Calls(ctx context.Context, a org.Actor, f Filter) (Page, error) {
	where := []string{`c.org_id = ?`}
	args := []any{a.OrgID}
	if f.WorkspaceID != "" {
		where, args = append(where, `c.workspace_id = ?`), append(args, f.WorkspaceID)
	}
	if f.Model != "" {
		if len(f.Model) > 100 {
			return Page{}, apperr.Field("model", "input.too_long")
		}
		where, args = append(where, `c.model = ?`), append(args, f.Model)
	}
	if f.Status != "" {
		r, ok := statusClasses[f.Status]
		if !ok {
			return Page{}, apperr.Field("status", "input.invalid")
		}
		where, args = append(where, `c.status BETWEEN ? AND ?`), append(args, r[0], r[1])
	}
	if !f.From.IsZero() {
		where, args = append(where, `c.at >= ?`), append(args, store.Timestamp(f.From))
	}
	if !f.To.IsZero() {
		if !f.From.IsZero() && !f.To.After(f.From) {
			return Page{}, apperr.Field("range", "capture.bad_dates")
		}
		where, args = append(where, `c.at < ?`), append(args, store.Timestamp(f.To))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		if utf8.RuneCountInString(q) > MaxSearchLen {
			return Page{}, apperr.Field("search", "input.too_long")
		}
		pattern := "%" + likeEscape.Replace(q) + "%"
		where, args = append(where, `(c.request LIKE ? ESCAPE '\' OR c.response LIKE ? ESCAPE '\')`), append(args, pattern, pattern)
	}
	if f.Cursor != "" {
		at, id, ok := parseCursor(f.Cursor)
		if !ok {
			return Page{}, apperr.Field("cursor", "input.invalid")
		}
		where, args = append(where, `(c.at < ? OR (c.at = ? AND c.id < ?))`), append(args, at, at, id)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	if err := authorize(ctx, s.DB, a); err != nil {
		return Page{}, err
	}
	// The index that gives the order without a sort and narrows the most.
	index := "captured_calls_org_at"
	if f.WorkspaceID != "" {
		index = "captured_calls_ws_at"
	} else if f.Model != "" {
		index = "captured_calls_org_model"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+summaryColumns+`, c.at FROM captured_calls AS c INDEXED BY `+index+`
		JOIN workspaces w ON w.id = c.workspace_id LEFT JOIN api_keys k ON k.id = c.api_key_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.at DESC, c.id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	page := Page{Calls: []Summary{}}
	var lastAt string
	for rows.Next() {
		var sm Summary
		var at string
		if err := rows.Scan(append(sm.dest(), &at)...); err != nil {
			return Page{}, err
		}
		if len(page.Calls) == limit {
			page.Next = lastAt + "|" + strconv.FormatInt(page.Calls[limit-1].ID, 10)
			break
		}
		lastAt = at
		page.Calls = append(page.Calls, sm)
	}
	return page, rows.Err()
}

const summaryColumns = `c.id, c.at, c.workspace_id, w.name, c.api_key_id, COALESCE(k.name, ''), c.model, c.input_tokens,
	c.output_tokens, c.latency_ms, c.status, c.truncated, length(CAST(c.request AS BLOB)), length(CAST(c.response AS BLOB)),
	substr(c.request, 1, 200)` // 200: PreviewLen

// dest lists where summaryColumns scan to; the time is scanned as text.
func (sm *Summary) dest() []any {
	return []any{&sm.ID, (*timeText)(&sm.At), &sm.WorkspaceID, &sm.WorkspaceName, &sm.APIKeyID, &sm.APIKeyName, &sm.Model,
		&sm.InputTokens, &sm.OutputTokens, &sm.LatencyMS, &sm.Status, &sm.Truncated, &sm.RequestBytes, &sm.ResponseBytes, &sm.Preview}
}

// timeText scans a timestamp column into a time.Time.
type timeText time.Time

func (t *timeText) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*t = timeText(store.ParseTime(x))
	case []byte:
		*t = timeText(store.ParseTime(string(x)))
	default:
		*t = timeText(time.Time{})
	}
	return nil
}

func parseCursor(c string) (at string, id int64, ok bool) {
	at, idText, found := strings.Cut(c, "|")
	if !found || store.ParseTime(at).IsZero() {
		return "", 0, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	return at, id, err == nil && id > 0
}

// Call returns one captured call of the actor's organization.
func (s *Service) Call(ctx context.Context, a org.Actor, id int64) (Detail, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return Detail{}, err
	}
	var d Detail
	var key string
	err := s.DB.QueryRowContext(ctx, `SELECT `+summaryColumns+`, c.record_key, c.request, c.response FROM captured_calls c
		JOIN workspaces w ON w.id = c.workspace_id LEFT JOIN api_keys k ON k.id = c.api_key_id
		WHERE c.id = ? AND c.org_id = ?`, id, a.OrgID).Scan(append(d.dest(), &key, &d.Request, &d.Response)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Detail{}, apperr.New("capture.call_not_found")
	}
	d.RecordID = recordID(key)
	return d, err
}

// recordID is the source record's id from its key ("id:…"); a record
// without one was keyed by its content.
func recordID(key string) string {
	id, ok := strings.CutPrefix(key, "id:")
	if !ok {
		return ""
	}
	return id
}

// Models lists the models of the organization's captured calls, for the
// browsing filter.
func (s *Service) Models(ctx context.Context, a org.Actor) ([]string, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return nil, err
	}
	// One index probe per model: jump to the next model after each.
	rows, err := s.DB.QueryContext(ctx, `WITH RECURSIVE m(model) AS (
		SELECT MIN(model) FROM captured_calls WHERE org_id = ?1
		UNION ALL
		SELECT (SELECT MIN(model) FROM captured_calls WHERE org_id = ?1 AND model > m.model) FROM m WHERE m.model IS NOT NULL)
		SELECT model FROM m WHERE model IS NOT NULL`, a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
