package workspace

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
)

// Member is a person in a workspace.
type Member struct {
	UserID    string
	FirstName string
	LastName  string
	Email     string
	Role      string
	AddedAt   time.Time
}

// Members lists a workspace's members by name.
func (s *Service) Members(ctx context.Context, a org.Actor, wsID string) ([]Member, error) {
	if _, _, err := s.open(ctx, s.DB, a, wsID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.first_name, u.last_name, u.email, wm.role, wm.added_at
		FROM workspace_members wm JOIN users u ON u.id = wm.user_id WHERE wm.workspace_id = ?
		ORDER BY u.first_name COLLATE NOCASE, u.last_name COLLATE NOCASE`, wsID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		var added string
		if err := rows.Scan(&m.UserID, &m.FirstName, &m.LastName, &m.Email, &m.Role, &added); err != nil {
			return nil, err
		}
		m.AddedAt = parseTS(added)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Candidates lists up to 20 members of the organization, matching search,
// who are not yet in the workspace: whom its admins may add.
func (s *Service) Candidates(ctx context.Context, a org.Actor, wsID, search string) ([]Member, error) {
	_, x, err := s.open(ctx, s.DB, a, wsID)
	if err != nil {
		return nil, err
	}
	if !x.manage() {
		return nil, org.ErrForbidden()
	}
	if len(search) > 200 {
		return nil, apperr.Field("search", "input.too_long")
	}
	// Matched here, not in SQL: SQLite's lower() and LIKE fold ASCII only, so
	// "émile" would never find "Émile".
	needle := strings.ToLower(strings.TrimSpace(search))
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.first_name, u.last_name, u.email, u.email_key FROM org_members m
		JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND u.id NOT IN (SELECT user_id FROM workspace_members WHERE workspace_id = ?)
		ORDER BY u.first_name COLLATE NOCASE`, a.OrgID, wsID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Member{}
	for len(out) < 20 && rows.Next() {
		var m Member
		var emailKey string
		if err := rows.Scan(&m.UserID, &m.FirstName, &m.LastName, &m.Email, &emailKey); err != nil {
			return nil, err
		}
		if needle == "" || strings.Contains(strings.ToLower(m.FirstName+" "+m.LastName), needle) || strings.Contains(emailKey, needle) {
			out = append(out, m)
		}
	}
	return out, rows.Err()
}

func validWsRole(r string) bool { return r == RoleAdmin || r == RoleMember }

// AddMember puts a member of the organization in the workspace. Only Team
// and Enterprise may have more than one person in a workspace.
func (s *Service) AddMember(ctx context.Context, a org.Actor, wsID, userID, role string) error {
	if !validWsRole(role) {
		return apperr.Field("role", "role.unknown")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.manage() {
			return org.ErrForbidden()
		}
		if err := live(w); err != nil {
			return err
		}
		var email string
		if err := tx.QueryRowContext(ctx, `SELECT u.email FROM org_members m JOIN users u ON u.id = m.user_id
			WHERE m.org_id = ? AND m.user_id = ?`, a.OrgID, userID).Scan(&email); err == sql.ErrNoRows {
			return apperr.Field("member", "member.not_found")
		} else if err != nil {
			return err
		}
		ent, err := org.Entitlements(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if w.MemberCount >= 1 && !ent.MultiMemberWorkspaces {
			return apperr.New("plan.workspace_single_member")
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO workspace_members(workspace_id, user_id, role, added_at) VALUES (?,?,?,?)`,
			wsID, userID, role, ts(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Field("member", "workspace.already_member")
		}
		return s.record(ctx, tx, a, "workspace.member_added", "user", userID, wsID, map[string]any{"email": email, "role": role})
	})
}

// ChangeMemberRole makes a workspace member an admin or a member. A change
// asks for a recent password proof.
func (s *Service) ChangeMemberRole(ctx context.Context, a org.Actor, wsID, userID, role string) error {
	if !validWsRole(role) {
		return apperr.Field("role", "role.unknown")
	}
	return s.changeMember(ctx, a, wsID, userID, func(tx *sql.Tx, current string) (string, map[string]any, error) {
		if current == role {
			return "", nil, nil
		}
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return "", nil, err
		}
		_, err := tx.ExecContext(ctx, `UPDATE workspace_members SET role = ? WHERE workspace_id = ? AND user_id = ?`, role, wsID, userID)
		return "workspace.member_role_changed", map[string]any{"from": current, "to": role}, err
	})
}

// RemoveMember takes someone out of the workspace.
func (s *Service) RemoveMember(ctx context.Context, a org.Actor, wsID, userID string) error {
	return s.changeMember(ctx, a, wsID, userID, func(tx *sql.Tx, current string) (string, map[string]any, error) {
		_, err := tx.ExecContext(ctx, `DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?`, wsID, userID)
		return "workspace.member_removed", map[string]any{"role": current}, err
	})
}

func (s *Service) changeMember(ctx context.Context, a org.Actor, wsID, userID string,
	fn func(tx *sql.Tx, current string) (string, map[string]any, error)) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, x, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if !x.manage() {
			return org.ErrForbidden()
		}
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT role FROM workspace_members WHERE workspace_id = ? AND user_id = ?`, wsID, userID).
			Scan(&current); err == sql.ErrNoRows {
			return apperr.Field("member", "member.not_found")
		} else if err != nil {
			return err
		}
		action, details, err := fn(tx, current)
		if err != nil || action == "" {
			return err
		}
		return s.record(ctx, tx, a, action, "user", userID, wsID, details)
	})
}
