// Package portability lets people consult and take their data: a person's
// own data, and an organization's settings, members and workspaces, each as
// a ZIP of JSON files read in one consistent snapshot. Secrets (password and
// key hashes, TOTP seeds, recovery codes, tokens) are never exported.
package portability

import (
	"archive/zip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// FormatVersion is written in manifest.json; it changes when a file's shape does.
const FormatVersion = 1

// Service exports data.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// file is one JSON file of an export: a query whose rows become objects
// keyed by column name.
type file struct {
	name  string
	query string
	args  []any
}

// Personal writes everything the app holds about the actor: profile, sign-in
// methods, memberships, sessions and the audit events they caused or that
// are about them.
func (s *Service) Personal(ctx context.Context, a org.Actor, w io.Writer) error {
	u := a.UserID
	files := []file{
		{"profile.json", `SELECT id, email, first_name, last_name, language, created_at, updated_at,
			mfa_enabled_at IS NOT NULL AS mfa_enabled, mfa_enabled_at, password_hash <> '' AS has_password
			FROM users WHERE id = ?`, []any{u}},
		{"sign_in_methods.json", `SELECT provider, email, linked_at, last_used_at FROM user_identities WHERE user_id = ?
			ORDER BY linked_at`, []any{u}},
		{"memberships.json", `SELECT m.org_id, o.name AS organization, m.role, m.joined_at, m.last_active_at
			FROM org_members m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = ? ORDER BY m.joined_at`, []any{u}},
		{"workspace_memberships.json", `SELECT w.org_id, w.id AS workspace_id, w.name AS workspace, wm.role, wm.added_at
			FROM workspace_members wm JOIN workspaces w ON w.id = wm.workspace_id WHERE wm.user_id = ? ORDER BY wm.added_at`, []any{u}},
		{"sessions.json", `SELECT id, device, method, created_at, last_seen_at, expires_at, revoked_at FROM sessions
			WHERE user_id = ? ORDER BY created_at`, []any{u}},
		{"audit_events.json", `SELECT seq, id, at, actor_id, action, target_type, target_id, org_id, workspace_id,
			json(details) AS details FROM audit_events WHERE actor_id = ? OR (target_type = 'user' AND target_id = ?)
			ORDER BY seq`, []any{u, u}},
	}
	return s.export(ctx, a, w, "user.data_exported", files, nil)
}

// Organization writes the organization's settings, members, invitations,
// workspaces (with their members, limits, keys' metadata and resources) and
// privacy requests. Only Owners may.
func (s *Service) Organization(ctx context.Context, a org.Actor, w io.Writer) error {
	o := a.OrgID
	files := []file{
		{"organization.json", `SELECT id, name, created_at, chat_plan, api_plan, currency, time_zone, monthly_spend_limit,
			require_mfa = 1 AS require_mfa, improvement_opt_out, improvement_changed_at, audit_retention_days
			FROM organizations WHERE id = ?`, []any{o}},
		{"billing_profile.json", `SELECT legal_name, address, postal_code, city, country, billing_email, tax_id,
			invoice_language, updated_at FROM billing_profiles WHERE org_id = ?`, []any{o}},
		{"members.json", `SELECT u.id AS user_id, u.email, u.first_name, u.last_name, m.role, m.joined_at, m.last_active_at,
			u.mfa_enabled_at IS NOT NULL AS mfa_enabled FROM org_members m JOIN users u ON u.id = m.user_id
			WHERE m.org_id = ? ORDER BY m.joined_at, u.id`, []any{o}},
		{"invitations.json", `SELECT id, email, role, json(workspace_ids) AS workspace_ids, invited_by, created_at, expires_at,
			accepted_at, accepted_by, revoked_at FROM invitations WHERE org_id = ? ORDER BY created_at`, []any{o}},
		{"workspaces.json", `SELECT id, name, description, created_at, archived_at, monthly_spend_limit FROM workspaces
			WHERE org_id = ? ORDER BY created_at, id`, []any{o}},
		{"workspace_members.json", `SELECT wm.workspace_id, wm.user_id, wm.role, wm.added_at FROM workspace_members wm
			JOIN workspaces w ON w.id = wm.workspace_id WHERE w.org_id = ? ORDER BY wm.workspace_id, wm.added_at`, []any{o}},
		{"workspace_limits.json", `SELECT l.workspace_id, l.model, l.requests_per_second, l.tokens_per_minute, l.tokens_per_month
			FROM workspace_limits l JOIN workspaces w ON w.id = l.workspace_id WHERE w.org_id = ? ORDER BY l.workspace_id, l.model`, []any{o}},
		{"api_keys.json", `SELECT k.id, k.workspace_id, k.name, k.display_prefix, json(k.allowed_models) AS allowed_models,
			k.created_by, k.created_at, k.expires_at, k.last_used_at, k.revoked_at FROM api_keys k
			JOIN workspaces w ON w.id = k.workspace_id WHERE w.org_id = ? ORDER BY k.created_at, k.id`, []any{o}},
		{"resources.json", `SELECT r.id, r.workspace_id, r.kind, r.name, r.size_bytes, r.created_by, r.created_at
			FROM resources r JOIN workspaces w ON w.id = r.workspace_id WHERE w.org_id = ? ORDER BY r.created_at, r.id`, []any{o}},
		{"zdr_requests.json", `SELECT r.id, r.status, r.reason, r.contact, r.requested_by, r.requested_at, r.decided_at,
			r.decision_note, (SELECT json_group_array(workspace_id) FROM zdr_request_workspaces WHERE request_id = r.id)
			AS workspace_ids FROM zdr_requests r WHERE r.org_id = ? ORDER BY r.requested_at`, []any{o}},
		{"capture_settings.json", `SELECT c.workspace_id, c.enabled = 1 AS enabled, c.retention_days, c.changed_by, c.changed_at
			FROM capture_settings c JOIN workspaces w ON w.id = c.workspace_id WHERE w.org_id = ?`, []any{o}},
	}
	return s.export(ctx, a, w, "organization.data_exported", files, func(ctx context.Context, tx *sql.Tx) error {
		_, err := org.Authorize(ctx, tx, a, org.OrgExport)
		return err
	})
}

// export writes files and a manifest in one transaction, which also records
// the export's audit event: what was taken, and when, is itself on record.
func (s *Service) export(ctx context.Context, a org.Actor, w io.Writer, action string, files []file,
	authorize func(context.Context, *sql.Tx) error) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if authorize == nil {
			authorize = func(ctx context.Context, tx *sql.Tx) error {
				_, err := org.RoleOf(ctx, tx, a)
				return err
			}
		}
		if err := authorize(ctx, tx); err != nil {
			return err
		}
		zw := zip.NewWriter(w)
		counts := map[string]int{}
		for _, f := range files {
			n, err := writeJSON(ctx, tx, zw, f)
			if err != nil {
				return fmt.Errorf("export %s: %w", f.name, err)
			}
			counts[f.name] = n
		}
		manifest := map[string]any{"format": FormatVersion, "exportedAt": store.Timestamp(s.now()),
			"exportedBy": a.UserID, "organization": a.OrgID, "files": counts}
		mw, err := zw.Create("manifest.json")
		if err != nil {
			return err
		}
		enc := json.NewEncoder(mw)
		enc.SetIndent("", "  ")
		if err := enc.Encode(manifest); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: action, TargetType: targetOf(action),
			TargetID: targetID(action, a), OrgID: a.OrgID, Details: map[string]any{"files": len(files) + 1}})
	})
}

func targetOf(action string) string {
	if action == "user.data_exported" {
		return "user"
	}
	return "organization"
}

func targetID(action string, a org.Actor) string {
	if action == "user.data_exported" {
		return a.UserID
	}
	return a.OrgID
}

// writeJSON streams a query's rows into the ZIP as a JSON array of objects.
// Columns named "details" or ending in "_ids"/"models" hold JSON already and
// are embedded as JSON, not as strings.
func writeJSON(ctx context.Context, tx *sql.Tx, zw *zip.Writer, f file) (int, error) {
	rows, err := tx.QueryContext(ctx, f.query, f.args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	out, err := zw.Create(f.name)
	if err != nil {
		return 0, err
	}
	if _, err := io.WriteString(out, "[\n"); err != nil {
		return 0, err
	}
	n := 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		obj := make(map[string]any, len(cols))
		for i, c := range cols {
			obj[c] = jsonValue(c, vals[i])
		}
		b, err := json.MarshalIndent(obj, "  ", "  ")
		if err != nil {
			return n, err
		}
		sep := "  "
		if n > 0 {
			sep = ",\n  "
		}
		if _, err := io.WriteString(out, sep+string(b)); err != nil {
			return n, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	_, err = io.WriteString(out, "\n]\n")
	return n, err
}

func jsonValue(col string, v any) any {
	switch x := v.(type) {
	case []byte:
		v = string(x)
	}
	if s, ok := v.(string); ok && isJSONColumn(col) && json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	return v
}

func isJSONColumn(col string) bool {
	switch col {
	case "details", "workspace_ids", "allowed_models":
		return true
	}
	return false
}
