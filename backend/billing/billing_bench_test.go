package billing_test

import (
	"fmt"
	"testing"
	"time"

	"admin-console/backend/billing"
	"admin-console/backend/plans"
)

// BenchmarkImportMillionRecords: target under 10 s for 1,000,000 records.
func BenchmarkImportMillionRecords(b *testing.B) {
	const n = 1_000_000
	models := []string{"large-2", "medium-3", "small-3", "embed-1", "code-2"}
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		e := newEnv(&testing.T{})
		recs := make([]billing.Record, n)
		for i := range recs {
			recs[i] = rec(fmt.Sprint("r", i), start.Add(time.Duration(i)*15*time.Second), e.ws, models[i%len(models)], int64(100+i%5000), int64(i%900))
		}
		b.StartTimer()
		res, err := e.bill.RecordUsage(e.ctx, e.owner.OrgID, recs)
		if err != nil || res.Added != n {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkUsageReport180Days: the usage screen over 180 days × 6
// workspaces × 10 models (× 3 keys). Target under 50 ms.
func BenchmarkUsageReport180Days(b *testing.B) {
	e := newEnv(&testing.T{})
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	tx, err := e.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for d := range 180 {
		day := start.AddDate(0, 0, d).Format("2006-01-02")
		for w := range 6 {
			for m := range 10 {
				for k := range 3 {
					if _, err := tx.Exec(`INSERT INTO usage_daily VALUES (?,?,?,?,?, 'EUR', ?, ?, ?, ?)`, e.owner.OrgID, day,
						fmt.Sprint("ws", w), fmt.Sprint("key", w, k), fmt.Sprint("model-", m), 10, 1000*(m+1), 200*(k+1), 123456*(w+1)); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	q := billing.UsageQuery{From: start, To: start.AddDate(0, 0, 179), GroupBy: "workspace"}
	for _, byMonth := range []bool{false, true} {
		q.ByMonth = byMonth
		b.Run(fmt.Sprintf("byMonth=%v", byMonth), func(b *testing.B) {
			for b.Loop() {
				rep, err := e.bill.Usage(e.ctx, e.owner, q)
				if err != nil || len(rep.Groups) != 6 {
					b.Fatal(len(rep.Groups), err)
				}
			}
		})
	}
}
