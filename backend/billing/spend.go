package billing

import (
	"context"
	"database/sql"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// Thresholds are the shares of a monthly spend limit that raise an alert.
var Thresholds = []int64{50, 80, 100}

// OrgScope names the organization-wide limit among alert scopes.
const OrgScope = "org"

// monthStart is the first instant of the month containing t in the
// organization's time zone: limits reset there, not at midnight UTC.
func monthStart(t time.Time, tz string) (time.Time, string) {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	local := t.In(loc)
	start := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	return start.UTC(), start.Format("2006-01")
}

// SetOrgSpendLimit sets (or, with nil, removes) the organization's monthly
// spend limit in minor units. It needs a plan with cost control (Scale), and
// may not fall below a workspace's own limit. Raising or removing the limit
// asks for a recent password proof; lowering it does not.
func (s *Service) SetOrgSpendLimit(ctx context.Context, a org.Actor, limit *int64) error {
	if limit != nil && *limit < 0 {
		return apperr.Field("monthlySpend", "limits.negative").With("Limit", "monthly_spend").With("Model", "")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.SpendLimits); err != nil {
			return err
		}
		ent, err := org.Entitlements(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if !ent.CostControl {
			return apperr.New("plan.cost_control_unavailable")
		}
		if limit != nil {
			var above int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspaces WHERE org_id = ? AND monthly_spend_limit > ?`,
				a.OrgID, *limit).Scan(&above); err != nil {
				return err
			}
			if above > 0 {
				return apperr.Field("monthlySpend", "limits.below_workspaces").With("Count", above)
			}
		}
		var current sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT monthly_spend_limit FROM organizations WHERE id = ?`, a.OrgID).Scan(&current); err != nil {
			return err
		}
		var before *int64
		if current.Valid {
			before = &current.Int64
		}
		if org.RaisesSpendLimit(before, limit) {
			if err := s.recentAuth(ctx, tx, a); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET monthly_spend_limit = ? WHERE id = ?`, limit, a.OrgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "limits.org_spend_updated", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"monthlySpend": limit}})
	})
}

// checkAlerts raises the alerts that spending up to now has crossed, for the
// organization and the given workspaces, inside the transaction that
// recorded the usage.
func (s *Service) checkAlerts(ctx context.Context, tx *sql.Tx, orgID string, workspaces map[string]bool) error {
	var tz string
	var orgLimit sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT time_zone, monthly_spend_limit FROM organizations WHERE id = ?`, orgID).
		Scan(&tz, &orgLimit); err != nil {
		return err
	}
	start, month := monthStart(s.now(), tz)
	if orgLimit.Valid {
		if err := s.alert(ctx, tx, orgID, OrgScope, "", month, start, orgLimit.Int64); err != nil {
			return err
		}
	}
	for ws := range workspaces {
		var limit sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT monthly_spend_limit FROM workspaces WHERE id = ? AND org_id = ?`, ws, orgID).
			Scan(&limit); err != nil {
			return err
		}
		if limit.Valid {
			if err := s.alert(ctx, tx, orgID, ws, ws, month, start, limit.Int64); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) alert(ctx context.Context, tx *sql.Tx, orgID, scope, wsID, month string, start time.Time, limit int64) error {
	var micros int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(cost_micros), 0) FROM usage_records WHERE org_id = ? AND at >= ?
		AND (? = '' OR workspace_id = ?)`, orgID, store.Timestamp(start), wsID, wsID).Scan(&micros); err != nil {
		return err
	}
	spent := RoundMicros(micros)
	for _, th := range Thresholds {
		// spent/limit ≥ th% without division: a zero limit is crossed at once.
		if spent*100 < limit*th {
			continue
		}
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO spend_alerts(org_id, scope, month, threshold, spent, spend_limit, at)
			VALUES (?,?,?,?,?,?,?)`, orgID, scope, month, th, spent, limit, store.Timestamp(s.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // raised earlier this month
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "billing", Action: "spend.alert", TargetType: "spend_limit",
			TargetID: scope, OrgID: orgID, WorkspaceID: wsID, Details: map[string]any{"threshold": th, "spent": spent,
				"limit": limit, "month": month}}); err != nil {
			return err
		}
	}
	return nil
}

// Alert is one raised spend alert.
type Alert struct {
	Scope     string // OrgScope or a workspace ID
	Threshold int64
	Spent     int64
	Limit     int64
	At        time.Time
}

// Alerts lists this month's alerts of the organization, newest first.
func (s *Service) Alerts(ctx context.Context, a org.Actor) ([]Alert, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.OrgRead); err != nil {
		return nil, err
	}
	var tz string
	if err := s.DB.QueryRowContext(ctx, `SELECT time_zone FROM organizations WHERE id = ?`, a.OrgID).Scan(&tz); err != nil {
		return nil, err
	}
	_, month := monthStart(s.now(), tz)
	rows, err := s.DB.QueryContext(ctx, `SELECT scope, threshold, spent, spend_limit, at FROM spend_alerts
		WHERE org_id = ? AND month = ? ORDER BY at DESC, threshold DESC`, a.OrgID, month)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		var al Alert
		var at string
		if err := rows.Scan(&al.Scope, &al.Threshold, &al.Spent, &al.Limit, &at); err != nil {
			return nil, err
		}
		al.At = store.ParseTime(at)
		out = append(out, al)
	}
	return out, rows.Err()
}

// OverLimit tells a gateway whether calls for a workspace must be refused
// this month: the workspace or the organization reached 100 % of its limit.
func (s *Service) OverLimit(ctx context.Context, orgID, workspaceID string) (bool, error) {
	var tz string
	if err := s.DB.QueryRowContext(ctx, `SELECT time_zone FROM organizations WHERE id = ?`, orgID).Scan(&tz); err != nil {
		return false, err
	}
	_, month := monthStart(s.now(), tz)
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM spend_alerts WHERE org_id = ? AND month = ? AND threshold = 100
		AND scope IN (?, ?)`, orgID, month, OrgScope, workspaceID).Scan(&n)
	return n > 0, err
}
