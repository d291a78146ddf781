package billing_test

import (
	"fmt"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/plans"
	"admin-console/backend/workspace"
)

func TestSpendAlertsAt50_80_100AndOverLimit(t *testing.T) {
	e := newEnv(t)
	limit := int64(10_000) // 100.00 €
	if err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, &limit); apperr.Code(err) != "plan.cost_control_unavailable" {
		t.Fatalf("on Experiment: %v", err)
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	if err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, &limit); err != nil {
		t.Fatal(err)
	}
	wsLimit := int64(5_000) // 50.00 €
	ws := &workspace.Service{DB: e.db, Audit: e.log, Now: func() time.Time { return e.now }}
	if _, err := ws.SetLimits(e.ctx, e.owner, e.ws, workspace.LimitsInput{MonthlySpend: &wsLimit}); err != nil {
		t.Fatal(err)
	}
	lower := int64(1_000)
	if err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, &lower); apperr.Code(err) != "limits.below_workspaces" {
		t.Fatalf("org limit under a workspace's: %v", err)
	}

	spend := func(id string, euros int64) { // large-2 input: 1.80 € per million tokens
		t.Helper()
		tokens := euros * 1_000_000 * 100 / 180
		if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec(id, e.now.Add(-time.Hour), e.ws, "large-2", tokens, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	thresholds := func(scope string) []int64 {
		alerts, err := e.bill.Alerts(e.ctx, e.owner)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, a := range alerts {
			if a.Scope == scope {
				out = append(out, a.Threshold)
			}
		}
		return out
	}
	spend("a", 20)
	if got := thresholds(e.ws); len(got) != 0 {
		t.Fatalf("alerts at 40 %%: %v", got)
	}
	spend("b", 6) // 26 € of 50: 52 %
	if got := thresholds(e.ws); fmt.Sprint(got) != "[50]" {
		t.Fatalf("workspace alerts at 52 %%: %v", got)
	}
	if over, _ := e.bill.OverLimit(e.ctx, e.owner.OrgID, e.ws); over {
		t.Fatal("over the limit at 52 %")
	}
	spend("c", 25) // 51 €: past 100 % of the workspace, 51 % of the organization
	if got := thresholds(e.ws); len(got) != 3 {
		t.Fatalf("workspace alerts past 100 %%: %v", got)
	}
	if got := thresholds(billing.OrgScope); fmt.Sprint(got) != "[50]" {
		t.Fatalf("organization alerts at 51 %%: %v", got)
	}
	if over, _ := e.bill.OverLimit(e.ctx, e.owner.OrgID, e.ws); !over {
		t.Fatal("the gateway is not told the workspace is over its limit")
	}
	spend("d", 1) // raised once a month, not again
	if got := thresholds(e.ws); len(got) != 3 {
		t.Fatalf("alerts repeated: %v", got)
	}
	var events int
	if err := e.db.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'spend.alert'`).Scan(&events); err != nil || events != 4 {
		t.Fatalf("%d spend.alert events, want 4", events)
	}
}

// Limits reset at the month boundary of the organization's time zone.
func TestSpendMonthFollowsTheOrganizationsTimeZone(t *testing.T) {
	e := newEnv(t)
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(`UPDATE organizations SET time_zone = 'Pacific/Auckland' WHERE id = ?`, e.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	limit := int64(1_000)
	if err := e.bill.SetOrgSpendLimit(e.ctx, e.owner, &limit); err != nil {
		t.Fatal(err)
	}
	// 10:00 UTC on 30 November is 23:00 in Auckland; 12:00 UTC is 1 December there.
	e.now = time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	tokens := int64(10 * 1_000_000 * 100 / 180) // 10 €: the whole limit
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{rec("nov", e.now, e.ws, "large-2", tokens, 0)}); err != nil {
		t.Fatal(err)
	}
	if over, _ := e.bill.OverLimit(e.ctx, e.owner.OrgID, e.ws); !over {
		t.Fatal("not over the limit in November")
	}
	e.now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if over, _ := e.bill.OverLimit(e.ctx, e.owner.OrgID, e.ws); over {
		t.Fatal("December in Auckland still counts November's spend")
	}
}
