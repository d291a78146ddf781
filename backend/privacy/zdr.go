package privacy

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
)

// Status is where a Zero Data Retention request stands.
type Status string

const (
	Requested Status = "requested" // filed, waiting for the operator
	Approved  Status = "approved"  // ZDR is active for its workspaces
	Declined  Status = "declined"
)

// Bounds of the free text a request and a decision carry.
const (
	MaxReasonLen = 2000 // characters
	MaxNoteLen   = 2000 // characters
)

// ZDRActive reports whether Zero Data Retention is active for a workspace:
// an approved request names it. Data Capture stays off there and cannot be
// turned on; package capture asks this inside its own transaction (q may be
// a *sql.Tx or the database).
func ZDRActive(ctx context.Context, q org.Querier, workspaceID string) (bool, error) {
	var active bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM zdr_request_workspaces rw
		JOIN zdr_requests r ON r.id = rw.request_id WHERE rw.workspace_id = ? AND r.status = 'approved')`, workspaceID).Scan(&active)
	return active, err
}

// ZDRWorkspaces returns the IDs of an organization's workspaces where Zero
// Data Retention is active, for lists that mark them all at once.
func ZDRWorkspaces(ctx context.Context, q org.Querier, orgID string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT rw.workspace_id FROM zdr_request_workspaces rw
		JOIN zdr_requests r ON r.id = rw.request_id WHERE r.org_id = ? AND r.status = 'approved'`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Workspace is a workspace a request names.
type Workspace struct {
	ID   string
	Name string
}

// Request is a Zero Data Retention request.
type Request struct {
	ID           string
	OrgID        string
	OrgName      string
	Status       Status
	Reason       string
	Contact      string
	RequestedBy  Person
	RequestedAt  time.Time
	DecidedAt    time.Time // zero while requested
	DecisionNote string    // the operator's note, shown to the organization
	Workspaces   []Workspace
}

// RequestInput is what an Owner or Admin files.
type RequestInput struct {
	Reason       string
	Contact      string // an email address for the operator's questions
	WorkspaceIDs []string
}

// RequestZDR files a Zero Data Retention request (Owner or Admin). The
// reason (up to MaxReasonLen characters) and a contact address are required,
// and at least one live workspace of the organization. A workspace that
// already has a request waiting, or where ZDR is already active, cannot be
// named again (a declined request does not stand in the way).
func (s *Service) RequestZDR(ctx context.Context, a org.Actor, in RequestInput, normalize org.EmailNormalizer) (Request, error) {
	var out Request
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.PrivacyManage); err != nil {
			return err
		}
		reason, err := validReason(in.Reason)
		if err != nil {
			return err
		}
		contact, err := normalize("contact", in.Contact)
		if err != nil {
			return err
		}
		wsIDs, err := requestable(ctx, tx, a.OrgID, in.WorkspaceIDs)
		if err != nil {
			return err
		}
		id, now := newID(), s.now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO zdr_requests(id, org_id, status, reason, contact, requested_by, requested_at)
			VALUES (?,?,?,?,?,?,?)`, id, a.OrgID, Requested, reason, contact, a.UserID, ts(now)); err != nil {
			return err
		}
		for _, ws := range wsIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO zdr_request_workspaces(request_id, workspace_id) VALUES (?,?)`, id, ws); err != nil {
				return err
			}
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "zdr.requested", TargetType: "zdr_request",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"workspaces": wsIDs, "contact": contact, "reason": reason}}); err != nil {
			return err
		}
		out, err = loadRequest(ctx, tx, id)
		return err
	})
	return out, err
}

func validReason(raw string) (string, error) {
	reason, ok := cleanText(raw)
	switch {
	case !ok:
		return "", apperr.Field("reason", "zdr.reason_invalid")
	case reason == "":
		return "", apperr.Field("reason", "zdr.reason_required")
	case utf8.RuneCountInString(reason) > MaxReasonLen:
		return "", apperr.Field("reason", "zdr.reason_too_long").With("Count", MaxReasonLen)
	}
	return reason, nil
}

// requestable checks the workspaces a request names, without duplicates and
// in a stable order.
func requestable(ctx context.Context, q org.Querier, orgID string, raw []string) ([]string, error) {
	var ids []string
	for _, id := range raw {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, apperr.Field("workspaces", "zdr.workspaces_required")
	}
	slices.Sort(ids)
	for _, id := range ids {
		var name string
		err := q.QueryRowContext(ctx, `SELECT name FROM workspaces WHERE id = ? AND org_id = ? AND archived_at IS NULL`, id, orgID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.Field("workspaces", "workspace.not_found")
		}
		if err != nil {
			return nil, err
		}
		var status Status
		err = q.QueryRowContext(ctx, `SELECT r.status FROM zdr_request_workspaces rw JOIN zdr_requests r ON r.id = rw.request_id
			WHERE rw.workspace_id = ? AND r.status IN ('requested','approved') ORDER BY r.status = 'approved' DESC LIMIT 1`, id).Scan(&status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, err
		case status == Approved:
			return nil, apperr.Field("workspaces", "zdr.already_active").With("Workspace", name)
		default:
			return nil, apperr.Field("workspaces", "zdr.already_requested").With("Workspace", name)
		}
	}
	return ids, nil
}

// ZDRRequests lists the organization's requests, newest first (any member may read them).
func (s *Service) ZDRRequests(ctx context.Context, a org.Actor) ([]Request, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.OrgRead); err != nil {
		return nil, err
	}
	return listRequests(ctx, s.DB, `r.org_id = ?`, `r.requested_at DESC, r.id DESC`, a.OrgID)
}

// PendingZDR lists every organization's requests that wait for a decision,
// oldest first: the operator's `zdr list`.
func (s *Service) PendingZDR(ctx context.Context) ([]Request, error) {
	return listRequests(ctx, s.DB, `r.status = 'requested'`, `r.requested_at, r.id`)
}

// ApproveZDR approves a waiting request for the platform operator, with an
// optional note. In the same transaction Data Capture is turned off for
// every workspace the request names; from then on it cannot be turned on
// there (ZDRActive).
func (s *Service) ApproveZDR(ctx context.Context, id, note string) (Request, error) {
	return s.decide(ctx, id, Approved, note)
}

// DeclineZDR declines a waiting request for the platform operator; the note,
// which tells the organization why, is required.
func (s *Service) DeclineZDR(ctx context.Context, id, note string) (Request, error) {
	return s.decide(ctx, id, Declined, note)
}

func (s *Service) decide(ctx context.Context, id string, to Status, rawNote string) (Request, error) {
	note, ok := cleanText(rawNote)
	switch {
	case !ok:
		return Request{}, apperr.Field("note", "zdr.note_invalid")
	case note == "" && to == Declined:
		return Request{}, apperr.Field("note", "zdr.note_required")
	case utf8.RuneCountInString(note) > MaxNoteLen:
		return Request{}, apperr.Field("note", "zdr.note_too_long").With("Count", MaxNoteLen)
	}
	var out Request
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadRequest(ctx, tx, strings.TrimSpace(id))
		if err != nil {
			return err
		}
		if r.Status != Requested {
			return apperr.New("zdr.already_decided").With("Status", string(r.Status))
		}
		now := ts(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE zdr_requests SET status = ?, decided_at = ?, decision_note = ?
			WHERE id = ? AND status = 'requested'`, to, now, note, r.ID); err != nil {
			return err
		}
		wsIDs := make([]string, 0, len(r.Workspaces))
		for _, w := range r.Workspaces {
			wsIDs = append(wsIDs, w.ID)
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: Operator, Action: "zdr." + string(to), TargetType: "zdr_request",
			TargetID: r.ID, OrgID: r.OrgID, Details: map[string]any{"by": Operator, "note": note, "workspaces": wsIDs}}); err != nil {
			return err
		}
		if to == Approved {
			if err := s.captureOff(ctx, tx, r, now); err != nil {
				return err
			}
		}
		out, err = loadRequest(ctx, tx, r.ID)
		return err
	})
	return out, err
}

// captureOff turns Data Capture off in the approved request's workspaces.
// Each workspace where capture was on records its own event; one without
// settings yet gets them, off, so that nothing reads it as undecided.
func (s *Service) captureOff(ctx context.Context, tx *sql.Tx, r Request, now string) error {
	for _, w := range r.Workspaces {
		var on bool
		err := tx.QueryRowContext(ctx, `SELECT enabled = 1 FROM capture_settings WHERE workspace_id = ?`, w.ID).Scan(&on)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO capture_settings(workspace_id, enabled) VALUES (?, 0)`, w.ID); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		case !on:
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE capture_settings SET enabled = 0, changed_by = ?, changed_at = ?
			WHERE workspace_id = ?`, Operator, now, w.ID); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: Operator, Action: "capture.disabled_by_zdr", TargetType: "workspace",
			TargetID: w.ID, OrgID: r.OrgID, WorkspaceID: w.ID, Details: map[string]any{"by": Operator, "request": r.ID,
				"workspace": w.Name}}); err != nil {
			return err
		}
	}
	return nil
}

func loadRequest(ctx context.Context, q org.Querier, id string) (Request, error) {
	rs, err := listRequests(ctx, q, `r.id = ?`, `r.id`, id)
	if err != nil {
		return Request{}, err
	}
	if len(rs) == 0 {
		return Request{}, apperr.New("zdr.not_found").With("ID", id)
	}
	return rs[0], nil
}

// listRequests reads requests with their people and workspaces; where and
// order are fixed SQL fragments, args their parameters.
func listRequests(ctx context.Context, q org.Querier, where, order string, args ...any) ([]Request, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.org_id, o.name, r.status, r.reason, r.contact, r.requested_by,
		COALESCE(u.first_name, ''), COALESCE(u.last_name, ''), COALESCE(u.email, ''), r.requested_at, r.decided_at, r.decision_note
		FROM zdr_requests r JOIN organizations o ON o.id = r.org_id LEFT JOIN users u ON u.id = r.requested_by
		WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, err
	}
	var out []Request
	for rows.Next() {
		var r Request
		var requested, decided string
		if err := rows.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.Status, &r.Reason, &r.Contact, &r.RequestedBy.UserID,
			&r.RequestedBy.FirstName, &r.RequestedBy.LastName, &r.RequestedBy.Email, &requested, &decided, &r.DecisionNote); err != nil {
			rows.Close()
			return nil, err
		}
		r.RequestedAt, r.DecidedAt = parseTS(requested), parseTS(decided)
		r.Workspaces = []Workspace{}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		ws, err := q.QueryContext(ctx, `SELECT w.id, w.name FROM zdr_request_workspaces rw JOIN workspaces w ON w.id = rw.workspace_id
			WHERE rw.request_id = ? ORDER BY w.name, w.id`, out[i].ID)
		if err != nil {
			return nil, err
		}
		for ws.Next() {
			var w Workspace
			if err := ws.Scan(&w.ID, &w.Name); err != nil {
				ws.Close()
				return nil, err
			}
			out[i].Workspaces = append(out[i].Workspaces, w)
		}
		ws.Close()
		if err := ws.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
