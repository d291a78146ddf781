package billing

import (
	"context"
	"encoding/csv"
	"io"
	"sort"
	"strconv"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
)

// UsageQuery asks for spend over a date range, by day or month, broken down
// by workspace, model or API key.
type UsageQuery struct {
	From, To time.Time // days, To included
	ByMonth  bool
	GroupBy  string // "workspace", "model" or "key"
}

// UsagePoint is one bucket of one group.
type UsagePoint struct {
	Bucket       string // 2026-11-02, or 2026-11 by month
	Group        string // the workspace, model or key ID
	Requests     int64
	InputTokens  int64
	OutputTokens int64
	Cost         int64 // minor units, rounded once per point
}

// UsageReport is the answer: points in bucket order, and totals per group
// and overall. The overall cost is rounded once from the exact sum, so it
// can differ by a cent from the sum of rounded points; the totals of the
// table use it.
type UsageReport struct {
	Currency string
	Points   []UsagePoint
	Groups   []UsagePoint // per group, Bucket empty, by cost descending
	Total    UsagePoint
}

// MaxReportDays bounds one report.
const MaxReportDays = 3 * 366

var groupColumns = map[string]string{"workspace": "workspace_id", "model": "model", "key": "api_key_id"}

// Usage reports spend from the daily rollups. Usage review needs a plan with
// cost control (Scale) and the Owner or Billing role.
func (s *Service) Usage(ctx context.Context, a org.Actor, q UsageQuery) (UsageReport, error) {
	col, ok := groupColumns[q.GroupBy]
	if !ok {
		return UsageReport{}, apperr.Field("groupBy", "input.invalid")
	}
	from, to := q.From.UTC().Truncate(24*time.Hour), q.To.UTC().Truncate(24*time.Hour)
	if to.Before(from) || to.Sub(from) > MaxReportDays*24*time.Hour {
		return UsageReport{}, apperr.Field("range", "usage.bad_range").With("Count", MaxReportDays)
	}
	if _, err := org.Authorize(ctx, s.DB, a, org.UsageRead); err != nil {
		return UsageReport{}, err
	}
	ent, err := org.Entitlements(ctx, s.DB, a.OrgID)
	if err != nil {
		return UsageReport{}, err
	}
	if !ent.CostControl {
		return UsageReport{}, apperr.New("plan.usage_review_unavailable")
	}
	rep := UsageReport{}
	if err := s.DB.QueryRowContext(ctx, `SELECT currency FROM organizations WHERE id = ?`, a.OrgID).Scan(&rep.Currency); err != nil {
		return UsageReport{}, err
	}
	bucket := "day"
	if q.ByMonth {
		bucket = "substr(day, 1, 7)"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+bucket+`, `+col+`, SUM(requests), SUM(input_tokens), SUM(output_tokens),
		SUM(cost_micros) FROM usage_daily WHERE org_id = ? AND currency = ? AND day >= ? AND day <= ?
		GROUP BY 1, 2 ORDER BY 1, 2`, a.OrgID, rep.Currency, from.Format("2006-01-02"), to.Format("2006-01-02"))
	if err != nil {
		return UsageReport{}, err
	}
	defer rows.Close()
	groups := map[string]*UsagePoint{}
	groupMicros := map[string]int64{}
	var totalMicros int64
	for rows.Next() {
		var p UsagePoint
		var micros int64
		if err := rows.Scan(&p.Bucket, &p.Group, &p.Requests, &p.InputTokens, &p.OutputTokens, &micros); err != nil {
			return UsageReport{}, err
		}
		p.Cost = RoundMicros(micros)
		rep.Points = append(rep.Points, p)
		g := groups[p.Group]
		if g == nil {
			g = &UsagePoint{Group: p.Group}
			groups[p.Group] = g
		}
		g.Requests += p.Requests
		g.InputTokens += p.InputTokens
		g.OutputTokens += p.OutputTokens
		groupMicros[p.Group] += micros
		rep.Total.Requests += p.Requests
		rep.Total.InputTokens += p.InputTokens
		rep.Total.OutputTokens += p.OutputTokens
		totalMicros += micros
	}
	if err := rows.Err(); err != nil {
		return UsageReport{}, err
	}
	for id, g := range groups {
		g.Cost = RoundMicros(groupMicros[id])
		rep.Groups = append(rep.Groups, *g)
	}
	sort.Slice(rep.Groups, func(i, j int) bool {
		if rep.Groups[i].Cost != rep.Groups[j].Cost {
			return rep.Groups[i].Cost > rep.Groups[j].Cost
		}
		return rep.Groups[i].Group < rep.Groups[j].Group
	})
	rep.Total.Cost = RoundMicros(totalMicros)
	return rep, nil
}

// WriteUsageCSV writes a report's points as CSV, amounts as exact decimals
// of the currency (no floats), for spreadsheets and finance tools.
func WriteUsageCSV(w io.Writer, rep UsageReport, groupBy string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"period", groupBy, "requests", "input_tokens", "output_tokens", "cost", "currency"}); err != nil {
		return err
	}
	for _, p := range rep.Points {
		if err := cw.Write([]string{p.Bucket, p.Group, strconv.FormatInt(p.Requests, 10), strconv.FormatInt(p.InputTokens, 10),
			strconv.FormatInt(p.OutputTokens, 10), Decimal(p.Cost, 2), rep.Currency}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Decimal writes minor units as an exact decimal with digits places.
func Decimal(minor int64, digits int) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	for len(s) <= digits {
		s = "0" + s
	}
	if digits > 0 {
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		return "-" + s
	}
	return s
}
