package workspace

import (
	"context"
	"database/sql"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

// LimitRow is one model's limits in a workspace; Model "" is the default for
// every model. A nil value means none of the workspace's own.
type LimitRow struct {
	Model             string
	RequestsPerSecond *int64
	TokensPerMinute   *int64
	TokensPerMonth    *int64
}

// Limits is a workspace's limits beside the organization's.
type Limits struct {
	Rows []LimitRow
	// MonthlySpend is in minor units of Currency; nil means none.
	MonthlySpend    *int64
	Currency        string
	OrgCeiling      plans.RateCeiling
	OrgMonthlySpend *int64
}

// MaxLimitRows bounds the models a workspace may set limits for.
const MaxLimitRows = 100

// GetLimits returns a workspace's limits and the organization's ceilings.
func (s *Service) GetLimits(ctx context.Context, a org.Actor, wsID string) (Limits, error) {
	if _, _, err := s.open(ctx, s.DB, a, wsID); err != nil {
		return Limits{}, err
	}
	return s.limits(ctx, s.DB, a.OrgID, wsID)
}

func (s *Service) limits(ctx context.Context, q org.Querier, orgID, wsID string) (Limits, error) {
	var out Limits
	ent, err := org.Entitlements(ctx, q, orgID)
	if err != nil {
		return Limits{}, err
	}
	out.OrgCeiling = ent.Rates
	var wsSpend, orgSpend sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT w.monthly_spend_limit, o.monthly_spend_limit, o.currency FROM workspaces w
		JOIN organizations o ON o.id = w.org_id WHERE w.id = ?`, wsID).Scan(&wsSpend, &orgSpend, &out.Currency); err != nil {
		return Limits{}, err
	}
	out.MonthlySpend, out.OrgMonthlySpend = nullable(wsSpend), nullable(orgSpend)
	rows, err := q.QueryContext(ctx, `SELECT model, requests_per_second, tokens_per_minute, tokens_per_month
		FROM workspace_limits WHERE workspace_id = ? ORDER BY model`, wsID)
	if err != nil {
		return Limits{}, err
	}
	defer rows.Close()
	out.Rows = []LimitRow{}
	for rows.Next() {
		var r LimitRow
		var rps, tpm, tpmo sql.NullInt64
		if err := rows.Scan(&r.Model, &rps, &tpm, &tpmo); err != nil {
			return Limits{}, err
		}
		r.RequestsPerSecond, r.TokensPerMinute, r.TokensPerMonth = nullable(rps), nullable(tpm), nullable(tpmo)
		out.Rows = append(out.Rows, r)
	}
	return out, rows.Err()
}

func nullable(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	n := v.Int64
	return &n
}

// LimitsInput replaces a workspace's limits.
type LimitsInput struct {
	Rows         []LimitRow
	MonthlySpend *int64 // minor units of the organization's currency
}

// SetLimits replaces a workspace's limits. No limit may exceed the
// organization's: the error names the limit, the model and by how much.
// Raising or removing the monthly spend limit asks for a recent password
// proof; lowering it, or changing rate limits, does not.
func (s *Service) SetLimits(ctx context.Context, a org.Actor, wsID string, in LimitsInput) (Limits, error) {
	if len(in.Rows) > MaxLimitRows {
		return Limits{}, apperr.Field("rows", "model.too_many").With("Count", MaxLimitRows)
	}
	var out Limits
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		w, _, err := s.open(ctx, tx, a, wsID)
		if err != nil {
			return err
		}
		if _, err := org.Authorize(ctx, tx, a, org.LimitsManage); err != nil {
			return err
		}
		if err := live(w); err != nil {
			return err
		}
		before, err := s.limits(ctx, tx, a.OrgID, wsID)
		if err != nil {
			return err
		}
		if err := checkLimits(in, before); err != nil {
			return err
		}
		if org.RaisesSpendLimit(before.MonthlySpend, in.MonthlySpend) {
			if err := s.recentAuth(ctx, tx, a); err != nil {
				return err
			}
		}
		if err := writeLimits(ctx, tx, wsID, in); err != nil {
			return err
		}
		out, err = s.limits(ctx, tx, a.OrgID, wsID)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, "limits.updated", "workspace", wsID, wsID, map[string]any{
			"before": limitDetails(before), "after": limitDetails(out)})
	})
	return out, err
}

func checkLimits(in LimitsInput, current Limits) error {
	seen := map[string]bool{}
	for _, r := range in.Rows {
		if r.Model != "" {
			if _, err := ValidModels("model", []string{r.Model}); err != nil {
				return err
			}
		}
		if seen[r.Model] {
			return apperr.Field("model", "limits.duplicate_model").With("Model", r.Model)
		}
		seen[r.Model] = true
		checks := []struct {
			name    string
			value   *int64
			ceiling int64
		}{
			{"requests_per_second", r.RequestsPerSecond, current.OrgCeiling.RequestsPerSecond},
			{"tokens_per_minute", r.TokensPerMinute, current.OrgCeiling.TokensPerMinute},
			{"tokens_per_month", r.TokensPerMonth, current.OrgCeiling.TokensPerMonth},
		}
		for _, c := range checks {
			if err := within(c.name, r.Model, c.value, &c.ceiling); err != nil {
				return err
			}
		}
	}
	return within("monthly_spend", "", in.MonthlySpend, current.OrgMonthlySpend)
}

// within refuses a negative value, or one above the ceiling (nil: none).
func within(limit, model string, value, ceiling *int64) error {
	if value == nil {
		return nil
	}
	if *value < 0 {
		return apperr.Field(limit, "limits.negative").With("Limit", limit).With("Model", model)
	}
	if ceiling != nil && *value > *ceiling {
		return apperr.Field(limit, "limits.exceeds_org").With("Limit", limit).With("Model", model).
			With("Value", *value).With("Ceiling", *ceiling).With("Over", *value-*ceiling)
	}
	return nil
}

func writeLimits(ctx context.Context, tx *sql.Tx, wsID string, in LimitsInput) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM workspace_limits WHERE workspace_id = ?`, wsID); err != nil {
		return err
	}
	for _, r := range in.Rows {
		if r.RequestsPerSecond == nil && r.TokensPerMinute == nil && r.TokensPerMonth == nil {
			continue // a row with nothing set says nothing
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO workspace_limits(workspace_id, model, requests_per_second, tokens_per_minute,
			tokens_per_month) VALUES (?,?,?,?,?)`, wsID, r.Model, r.RequestsPerSecond, r.TokensPerMinute, r.TokensPerMonth); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE workspaces SET monthly_spend_limit = ? WHERE id = ?`, in.MonthlySpend, wsID)
	return err
}

func limitDetails(l Limits) map[string]any {
	rows := []map[string]any{}
	for _, r := range l.Rows {
		rows = append(rows, map[string]any{"model": r.Model, "rps": r.RequestsPerSecond, "tpm": r.TokensPerMinute, "tokensPerMonth": r.TokensPerMonth})
	}
	return map[string]any{"rows": rows, "monthlySpend": l.MonthlySpend}
}
