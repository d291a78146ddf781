package billing_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/plans"
)

func TestUsageReportByDayAndMonthWithExactTotals(t *testing.T) {
	e := newEnv(t)
	q := billing.UsageQuery{From: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), GroupBy: "model"}
	if _, err := e.bill.Usage(e.ctx, e.owner, q); apperr.Code(err) != "plan.usage_review_unavailable" {
		t.Fatalf("on Experiment: %v", err)
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}); err != nil {
		t.Fatal(err)
	}
	d1 := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 11, 7, 10, 0, 0, 0, time.UTC)
	if _, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, []billing.Record{
		rec("1", d1, e.ws, "large-2", 1_000_000, 0),   // 1.80
		rec("2", d1, e.ws, "small-3", 333_333, 0),     // 0.0299999… -> 0.03
		rec("3", d2, e.ws, "large-2", 500_000, 1_000), // 0.90 + 0.0054
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.bill.Usage(e.ctx, e.owner, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Points) != 3 || rep.Points[0].Bucket != "2026-10-05" || rep.Total.Requests != 3 {
		t.Fatalf("points %+v", rep.Points)
	}
	if rep.Total.Cost != 274 || rep.Groups[0].Group != "large-2" || rep.Groups[0].Cost != 271 {
		t.Fatalf("totals %+v groups %+v", rep.Total, rep.Groups)
	}
	q.ByMonth = true
	byMonth, _ := e.bill.Usage(e.ctx, e.owner, q)
	if len(byMonth.Points) != 3 || byMonth.Points[0].Bucket != "2026-10" {
		t.Fatalf("by month %+v", byMonth.Points)
	}
	var buf bytes.Buffer
	if err := billing.WriteUsageCSV(&buf, byMonth, "model"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "2026-10,large-2,1,1000000,0,1.80,EUR") {
		t.Fatalf("csv:\n%s", buf.String())
	}
	q.GroupBy = "nope"
	if _, err := e.bill.Usage(e.ctx, e.owner, q); apperr.Code(err) != "input.invalid" {
		t.Fatalf("bad group: %v", err)
	}
}

func TestDecimal(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 123456: "1234.56", -7: "-0.07"} {
		if got := billing.Decimal(in, 2); got != want {
			t.Errorf("Decimal(%d) = %s, want %s", in, got, want)
		}
	}
}
