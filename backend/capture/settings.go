package capture

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
	"admin-console/backend/store"
)

// Setting is one workspace's Data Capture setting.
type Setting struct {
	WorkspaceID   string
	WorkspaceName string
	Archived      bool
	// Enabled is whether calls are captured now: never while ZDR is active,
	// whatever was chosen before.
	Enabled       bool
	RetentionDays int
	// ZDR: Zero Data Retention is active, so capture is off and locked.
	ZDR           bool
	ChangedBy     string // user ID; "" when never changed
	ChangedByName string
	ChangedAt     time.Time
	Calls         int // captured calls stored
}

// Settings lists the organization's workspaces with their Data Capture
// setting (off, 30 days, for a workspace never set).
func (s *Service) Settings(ctx context.Context, a org.Actor) ([]Setting, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return nil, err
	}
	return settings(ctx, s.DB, a.OrgID, "")
}

func settings(ctx context.Context, q org.Querier, orgID, wsID string) ([]Setting, error) {
	zdr, err := privacy.ZDRWorkspaces(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	where, args := `w.org_id = ?`, []any{DefaultRetentionDays, orgID}
	if wsID != "" {
		where, args = where+` AND w.id = ?`, append(args, wsID)
	}
	rows, err := q.QueryContext(ctx, `SELECT w.id, w.name, w.archived_at IS NOT NULL, COALESCE(s.enabled, 0),
		COALESCE(s.retention_days, ?), COALESCE(s.changed_by, ''), COALESCE(u.first_name || ' ' || u.last_name, ''),
		COALESCE(s.changed_at, ''), (SELECT COUNT(*) FROM captured_calls c WHERE c.workspace_id = w.id)
		FROM workspaces w LEFT JOIN capture_settings s ON s.workspace_id = w.id LEFT JOIN users u ON u.id = s.changed_by
		WHERE `+where+` ORDER BY w.archived_at IS NOT NULL, w.name COLLATE NOCASE, w.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Setting{}
	for rows.Next() {
		var st Setting
		var changed string
		if err := rows.Scan(&st.WorkspaceID, &st.WorkspaceName, &st.Archived, &st.Enabled, &st.RetentionDays, &st.ChangedBy,
			&st.ChangedByName, &changed, &st.Calls); err != nil {
			return nil, err
		}
		st.ChangedAt = store.ParseTime(changed)
		st.ZDR = zdr[st.WorkspaceID]
		st.Enabled = st.Enabled && !st.ZDR
		out = append(out, st)
	}
	return out, rows.Err()
}

// SettingInput is a change of one workspace's setting.
type SettingInput struct {
	WorkspaceID   string
	Enabled       bool
	RetentionDays int
}

// SetCapture turns capture on or off for a workspace and sets how long its
// calls are kept (1 to 365 days). Turning it on is refused while Zero Data
// Retention is active for the workspace, and for an archived workspace.
// Each change records its own event: capture.enabled or capture.disabled,
// and capture.retention_changed. Nothing changed records nothing.
func (s *Service) SetCapture(ctx context.Context, a org.Actor, in SettingInput) (Setting, error) {
	if in.RetentionDays < MinRetentionDays || in.RetentionDays > MaxRetentionDays {
		return Setting{}, apperr.Field("retentionDays", "capture.retention_range").
			With("Min", MinRetentionDays).With("Max", MaxRetentionDays)
	}
	var out Setting
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := authorize(ctx, tx, a); err != nil {
			return err
		}
		list, err := settings(ctx, tx, a.OrgID, in.WorkspaceID)
		if err != nil {
			return err
		}
		if in.WorkspaceID == "" || len(list) != 1 {
			return apperr.New("workspace.not_found")
		}
		before := list[0]
		// What is stored, not what is in effect: ZDR may have turned it off.
		var stored bool
		if err := tx.QueryRowContext(ctx, `SELECT enabled = 1 FROM capture_settings WHERE workspace_id = ?`, in.WorkspaceID).
			Scan(&stored); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if in.Enabled && before.ZDR {
			return apperr.New("capture.zdr_active")
		}
		if in.Enabled && !before.Enabled && before.Archived {
			return apperr.New("workspace.archived")
		}
		enabledChanged := in.Enabled != before.Enabled || in.Enabled != stored
		retentionChanged := in.RetentionDays != before.RetentionDays
		if !enabledChanged && !retentionChanged {
			out = before
			return nil
		}
		now := store.Timestamp(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO capture_settings(workspace_id, enabled, retention_days, changed_by, changed_at)
			VALUES (?,?,?,?,?) ON CONFLICT(workspace_id) DO UPDATE SET enabled = excluded.enabled,
			retention_days = excluded.retention_days, changed_by = excluded.changed_by, changed_at = excluded.changed_at`,
			in.WorkspaceID, in.Enabled, in.RetentionDays, a.UserID, now); err != nil {
			return err
		}
		event := func(action string, details map[string]any) error {
			details["workspace"] = before.WorkspaceName
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: action, TargetType: "workspace",
				TargetID: in.WorkspaceID, OrgID: a.OrgID, WorkspaceID: in.WorkspaceID, Details: details})
		}
		if enabledChanged {
			action := "capture.disabled"
			if in.Enabled {
				action = "capture.enabled"
			}
			if err := event(action, map[string]any{"retention_days": in.RetentionDays}); err != nil {
				return err
			}
		}
		if retentionChanged {
			if err := event("capture.retention_changed", map[string]any{"from": before.RetentionDays, "to": in.RetentionDays}); err != nil {
				return err
			}
		}
		after, err := settings(ctx, tx, a.OrgID, in.WorkspaceID)
		if err != nil {
			return err
		}
		out = after[0]
		return nil
	})
	return out, err
}
