// Package workspace holds workspaces, the isolated environments of an
// organization: their members, resources, API keys and limits. Access is
// decided here for every call: organization Owners and Admins reach every
// workspace; everyone else only the workspaces they belong to, and any other
// workspace is "not found", whatever its ID.
package workspace

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// Workspace roles.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// Service is the workspace domain.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
	// RecentAuth refuses sensitive actions (issuing a key, changing a
	// member's role, raising or removing the spend limit, deleting a
	// workspace) when the actor's own session last proved its password too
	// long ago; package account provides it. Nil checks nothing.
	RecentAuth func(ctx context.Context, q org.Querier, a org.Actor) error
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

// ts formats a stored timestamp with a fixed width, so that SQL compares and
// sorts the strings in time order (RFC3339Nano drops trailing zeros: there
// "…:53Z" sorts after "…:53.25Z").
// ts and parseTS read and write timestamp columns.
var (
	ts      = store.Timestamp
	parseTS = store.ParseTime
)

func parseTSPtr(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTS(s.String)
	return &t
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Workspace is a workspace as a member sees it.
type Workspace struct {
	ID          string
	Name        string
	Description string
	ArchivedAt  *time.Time
	CreatedAt   time.Time
	// MyRole is the actor's workspace role, "" when they reach it only
	// through their organization role.
	MyRole      string
	CanManage   bool
	MemberCount int
	KeyCount    int
}

// access is what the actor may do in one workspace.
type access struct {
	orgRole org.Role
	wsRole  string
}

func (x access) read() bool   { return x.orgRole.Can(org.WorkspacesAll) || x.wsRole != "" }
func (x access) manage() bool { return x.orgRole.Can(org.WorkspacesAll) || x.wsRole == RoleAdmin }
func (x access) keys() bool   { return x.orgRole.Can(org.KeysAll) || x.wsRole != "" }

// open loads a workspace of the actor's organization that the actor may read.
func (s *Service) open(ctx context.Context, q org.Querier, a org.Actor, wsID string) (Workspace, access, error) {
	role, err := org.RoleOf(ctx, q, a)
	if err != nil {
		return Workspace{}, access{}, err
	}
	w, x, err := s.scanOne(ctx, q, a, wsID)
	if err != nil {
		return Workspace{}, access{}, err
	}
	x.orgRole = role
	if !x.read() {
		return Workspace{}, access{}, notFound()
	}
	w.CanManage = x.manage()
	return w, x, nil
}

func notFound() error { return apperr.New("workspace.not_found") }

// live refuses changes to an archived workspace's contents: archiving
// freezes it until it is restored.
func live(w Workspace) error {
	if w.ArchivedAt != nil {
		return apperr.New("workspace.archived")
	}
	return nil
}

const wsCols = `w.id, w.name, w.description, w.archived_at, w.created_at,
	COALESCE((SELECT role FROM workspace_members WHERE workspace_id = w.id AND user_id = ?), ''),
	(SELECT COUNT(*) FROM workspace_members WHERE workspace_id = w.id),
	(SELECT COUNT(*) FROM api_keys WHERE workspace_id = w.id AND revoked_at IS NULL)`

type rowScanner interface{ Scan(...any) error }

func scanWorkspace(r rowScanner) (Workspace, access, error) {
	var w Workspace
	var archived sql.NullString
	var created string
	var x access
	err := r.Scan(&w.ID, &w.Name, &w.Description, &archived, &created, &x.wsRole, &w.MemberCount, &w.KeyCount)
	w.ArchivedAt, w.CreatedAt, w.MyRole = parseTSPtr(archived), parseTS(created), x.wsRole
	return w, x, err
}

func (s *Service) scanOne(ctx context.Context, q org.Querier, a org.Actor, wsID string) (Workspace, access, error) {
	w, x, err := scanWorkspace(q.QueryRowContext(ctx, `SELECT `+wsCols+` FROM workspaces w WHERE w.id = ? AND w.org_id = ?`,
		a.UserID, wsID, a.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return Workspace{}, access{}, notFound()
	}
	return w, x, err
}

// List returns the workspaces the actor may see, by name; archived ones only
// when asked.
func (s *Service) List(ctx context.Context, a org.Actor, includeArchived bool) ([]Workspace, error) {
	role, err := org.RoleOf(ctx, s.DB, a)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + wsCols + ` FROM workspaces w WHERE w.org_id = ?`
	if !includeArchived {
		q += ` AND w.archived_at IS NULL`
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY w.name COLLATE NOCASE, w.created_at`, a.UserID, a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Workspace{}
	for rows.Next() {
		w, x, err := scanWorkspace(rows)
		if err != nil {
			return nil, err
		}
		x.orgRole = role
		if x.read() {
			w.CanManage = x.manage()
			out = append(out, w)
		}
	}
	return out, rows.Err()
}

// Get returns one workspace the actor may see.
func (s *Service) Get(ctx context.Context, a org.Actor, wsID string) (Workspace, error) {
	w, _, err := s.open(ctx, s.DB, a, wsID)
	return w, err
}

// MaxDescriptionLen bounds a workspace description.
const MaxDescriptionLen = 500

func normalizeDescription(raw string) (string, error) {
	d := strings.TrimSpace(raw)
	if !utf8.ValidString(d) {
		return "", apperr.Field("description", "name.invalid")
	}
	if utf8.RuneCountInString(d) > MaxDescriptionLen {
		return "", apperr.Field("description", "name.too_long").With("Count", MaxDescriptionLen)
	}
	return d, nil
}

// Create makes a workspace; its creator administers it. Any plan may have
// as many workspaces as it likes.
func (s *Service) Create(ctx context.Context, a org.Actor, rawName, rawDescription string) (Workspace, error) {
	name, err := org.NormalizeName("name", rawName)
	if err != nil {
		return Workspace{}, err
	}
	desc, err := normalizeDescription(rawDescription)
	if err != nil {
		return Workspace{}, err
	}
	var out Workspace
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.WorkspacesCreate); err != nil {
			return err
		}
		id, now := newID(), ts(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspaces(id, org_id, name, description, created_at) VALUES (?,?,?,?,?)`,
			id, a.OrgID, name, desc, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspace_members(workspace_id, user_id, role, added_at) VALUES (?,?,'admin',?)`,
			id, a.UserID, now); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "workspace.created", "workspace", id, id, map[string]any{"name": name}); err != nil {
			return err
		}
		out, _, err = s.open(ctx, tx, a, id)
		return err
	})
	return out, err
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a org.Actor, action, targetType, targetID, wsID string, details map[string]any) error {
	return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: action, TargetType: targetType,
		TargetID: targetID, OrgID: a.OrgID, WorkspaceID: wsID, Details: details})
}

// Update renames and describes a workspace.
func (s *Service) Update(ctx context.Context, a org.Actor, wsID, rawName, rawDescription string) (Workspace, error) {
	name, err := org.NormalizeName("name", rawName)
	if err != nil {
		return Workspace{}, err
	}
	desc, err := normalizeDescription(rawDescription)
	if err != nil {
		return Workspace{}, err
	}
	var out Workspace
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.manage() {
			return org.ErrForbidden()
		}
		if w.Name == name && w.Description == desc {
			out = w
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = ?, description = ? WHERE id = ?`, name, desc, wsID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, "workspace.updated", "workspace", wsID, wsID, map[string]any{
			"name": map[string]string{"from": w.Name, "to": name}, "description": map[string]string{"from": w.Description, "to": desc}}); err != nil {
			return err
		}
		out, _, err = s.open(ctx, tx, a, wsID)
		return err
	})
	return out, err
}

// SetArchived archives (keys stop working, nothing is deleted) or restores.
func (s *Service) SetArchived(ctx context.Context, a org.Actor, wsID string, archived bool) (Workspace, error) {
	var out Workspace
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.orgRole.Can(org.WorkspacesAll) {
			return org.ErrForbidden()
		}
		if (w.ArchivedAt != nil) == archived {
			out = w
			return nil
		}
		var at any
		action := "workspace.restored"
		if archived {
			at, action = ts(s.now()), "workspace.archived"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE workspaces SET archived_at = ? WHERE id = ?`, at, wsID); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, action, "workspace", wsID, wsID, map[string]any{"name": w.Name}); err != nil {
			return err
		}
		out, _, err = s.open(ctx, tx, a, wsID)
		return err
	})
	return out, err
}

// Delete removes a workspace, its resources, keys and limits. Its name must
// be typed exactly.
func (s *Service) Delete(ctx context.Context, a org.Actor, wsID, confirmName string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.orgRole.Can(org.WorkspacesAll) {
			return org.ErrForbidden()
		}
		if strings.TrimSpace(confirmName) != w.Name {
			return apperr.Field("confirmName", "confirm.name_mismatch")
		}
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return err
		}
		var keys int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE workspace_id = ?`, wsID).Scan(&keys); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM workspaces WHERE id = ?`, wsID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_preferences SET current_workspace = '' WHERE current_workspace = ?`, wsID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "workspace.deleted", "workspace", wsID, wsID, map[string]any{"name": w.Name, "keysDeleted": keys})
	})
}

// SetCurrent remembers the workspace the actor works in.
func (s *Service) SetCurrent(ctx context.Context, a org.Actor, wsID string) error {
	if _, _, err := s.open(ctx, s.DB, a, wsID); err != nil {
		return err
	}
	_, err := s.DB.ExecContext(ctx, `INSERT INTO member_preferences(org_id, user_id, current_workspace) VALUES (?,?,?)
		ON CONFLICT(org_id, user_id) DO UPDATE SET current_workspace = excluded.current_workspace`, a.OrgID, a.UserID, wsID)
	return err
}

// Current returns the workspace the actor last chose, else the first they
// can see that is not archived; "" when there is none.
func (s *Service) Current(ctx context.Context, a org.Actor) (string, error) {
	var id string
	err := s.DB.QueryRowContext(ctx, `SELECT current_workspace FROM member_preferences WHERE org_id = ? AND user_id = ?`, a.OrgID, a.UserID).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if id != "" {
		if w, _, err := s.open(ctx, s.DB, a, id); err == nil && w.ArchivedAt == nil {
			return id, nil
		}
	}
	list, err := s.List(ctx, a, false)
	if err != nil || len(list) == 0 {
		return "", err
	}
	return list[0].ID, nil
}
