package workspace

import (
	"context"
	"database/sql"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
)

// Resource kinds.
var ResourceKinds = []string{"file", "fine_tuned_model", "agent", "batch_job"}

func validKind(k string) bool {
	for _, x := range ResourceKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Resource is a file, fine-tuned model, agent or batch job of a workspace.
type Resource struct {
	ID        string
	Kind      string
	Name      string
	SizeBytes int64
	CreatedBy string // the creator's name
	CreatedAt time.Time
}

// ResourcePage is one page of resources and how many match in all.
type ResourcePage struct {
	Resources []Resource
	Total     int
}

// AddResource records a resource in a workspace. Usage import attaches them
// later; tests and the demo data call this.
func (s *Service) AddResource(ctx context.Context, a org.Actor, wsID, kind, rawName string, size int64) (Resource, error) {
	if !validKind(kind) {
		return Resource{}, apperr.Field("kind", "resource.unknown_kind")
	}
	name, err := org.NormalizeName("name", rawName)
	if err != nil {
		return Resource{}, err
	}
	if size < 0 {
		return Resource{}, apperr.Field("size", "input.invalid")
	}
	r := Resource{ID: newID(), Kind: kind, Name: name, SizeBytes: size, CreatedAt: s.now()}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, _, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if err := live(w); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resources(id, workspace_id, kind, name, size_bytes, created_by, created_at)
			VALUES (?,?,?,?,?,?,?)`, r.ID, wsID, kind, name, size, a.UserID, ts(r.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "resource.created", "resource", r.ID, wsID, map[string]any{"kind": kind, "name": name})
	})
	return r, err
}

// Resources lists a workspace's resources, newest first, of one kind or all.
func (s *Service) Resources(ctx context.Context, a org.Actor, wsID, kind string, offset, limit int) (ResourcePage, error) {
	if kind != "" && !validKind(kind) {
		return ResourcePage{}, apperr.Field("kind", "resource.unknown_kind")
	}
	if _, _, err := s.open(ctx, s.DB, a, wsID); err != nil {
		return ResourcePage{}, err
	}
	limit, offset = page(limit, offset)
	var out ResourcePage
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM resources WHERE workspace_id = ? AND (? = '' OR kind = ?)`,
		wsID, kind, kind).Scan(&out.Total); err != nil {
		return ResourcePage{}, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.kind, r.name, r.size_bytes,
		COALESCE((SELECT first_name || ' ' || last_name FROM users WHERE id = r.created_by), ''), r.created_at
		FROM resources r WHERE r.workspace_id = ? AND (? = '' OR r.kind = ?) ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?`,
		wsID, kind, kind, limit, offset)
	if err != nil {
		return ResourcePage{}, err
	}
	defer rows.Close()
	out.Resources = []Resource{}
	for rows.Next() {
		var r Resource
		var created string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Name, &r.SizeBytes, &r.CreatedBy, &created); err != nil {
			return ResourcePage{}, err
		}
		r.CreatedAt = parseTS(created)
		out.Resources = append(out.Resources, r)
	}
	return out, rows.Err()
}

// DeleteResource removes a resource; workspace admins and organization
// Owners and Admins may.
func (s *Service) DeleteResource(ctx context.Context, a org.Actor, wsID, resourceID string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.manage() {
			return org.ErrForbidden()
		}
		var kind, name string
		if err := tx.QueryRowContext(ctx, `SELECT kind, name FROM resources WHERE id = ? AND workspace_id = ?`, resourceID, wsID).
			Scan(&kind, &name); err == sql.ErrNoRows {
			return apperr.New("resource.not_found")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM resources WHERE id = ?`, resourceID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "resource.deleted", "resource", resourceID, wsID, map[string]any{"kind": kind, "name": name})
	})
}

// page clamps paging parameters.
func page(limit, offset int) (int, int) {
	if limit <= 0 || limit > org.MaxPageSize {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	return limit, offset
}
