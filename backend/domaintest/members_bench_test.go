package domaintest_test

import (
	"testing"
	"time"

	"admin-console/backend/org"
)

// BenchmarkMembersPage serves one page of 50 from an organization of 10,000
// members: the members screen's every scroll and keystroke. Target: p95 under
// 20 ms. "warm" is the usual case (the sorted index is cached); "cold" builds
// the index first, as after a restart or a change to the members.
func BenchmarkMembersPage(b *testing.B) {
	const members = 10_000
	e := newEnv(b)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	if _, err := e.org.SetPlans(e.ctx, o.Actor(), "enterprise", "scale"); err != nil {
		b.Fatal(err)
	}
	seedMembers(b, e.db, o.OrgID, members-1, start)
	cases := []struct {
		name string
		q    org.MemberQuery
	}{
		{"offset=0", org.MemberQuery{Limit: 50, Lang: "en"}},
		{"offset=5000", org.MemberQuery{Offset: 5000, Limit: 50, Lang: "en"}},
		{"offset=9950", org.MemberQuery{Offset: 9950, Limit: 50, Lang: "en"}},
		{"search=mar", org.MemberQuery{Search: "mar", Limit: 50, Lang: "en"}},
		{"search=mar/offset=1000", org.MemberQuery{Search: "mar", Offset: 1000, Limit: 50, Lang: "en"}},
		{"search=nobody", org.MemberQuery{Search: "nobody-matches-this", Limit: 50, Lang: "en"}},
		{"lang=sv/offset=5000", org.MemberQuery{Offset: 5000, Limit: 50, Lang: "sv"}},
	}
	for _, c := range cases {
		b.Run("warm/"+c.name, func(b *testing.B) {
			if _, err := e.org.Members(e.ctx, o.Actor(), c.q); err != nil { // builds the index once
				b.Fatal(err)
			}
			timePages(b, func() (int, error) {
				p, err := e.org.Members(e.ctx, o.Actor(), c.q)
				return len(p.Members), err
			})
		})
	}
	for _, c := range cases[:2] {
		b.Run("cold/"+c.name, func(b *testing.B) {
			timePages(b, func() (int, error) {
				svc := &org.Service{DB: e.db, Audit: e.log, Now: e.clock.Now} // an empty cache
				p, err := svc.Members(e.ctx, o.Actor(), c.q)
				return len(p.Members), err
			})
		})
	}
}

// timePages runs page b.N times and reports the 50th and 95th percentile
// of the per-call latency.
func timePages(b *testing.B, page func() (int, error)) {
	b.Helper()
	ds := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		n, err := page()
		ds = append(ds, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if n > 50 {
			b.Fatalf("page of %d", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(ds, 50))/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(percentile(ds, 95))/float64(time.Millisecond), "p95-ms")
}
