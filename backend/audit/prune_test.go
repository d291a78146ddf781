package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"admin-console/backend/store"
)

// day0 is the first day of the prune tests' calendar, well after the real
// clock so the chain's never-backwards rule does not move the events.
var day0 = time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC)

func day(n int) time.Time { return day0.AddDate(0, 0, n) }

// at returns l stamping events at t.
func at(l *Log, t time.Time) *Log { return l.WithClock(func() time.Time { return t }) }

type planned struct {
	org string
	day int
}

// recordPlan appends one event per entry at its day, returning their seqs.
func recordPlan(t *testing.T, db *store.DB, l *Log, plan []planned) []int64 {
	t.Helper()
	ctx := context.Background()
	var seqs []int64
	for i, p := range plan {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return at(l, day(p.day)).Record(ctx, tx, Event{ActorID: "u", Action: "test.event", OrgID: p.org,
				Details: map[string]any{"i": i}})
		})
		if err != nil {
			t.Fatal(err)
		}
		var seq int64
		if err := db.QueryRow(`SELECT MAX(seq) FROM audit_events`).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	return seqs
}

func prune(t *testing.T, db *store.DB, l *Log, r Retention, now time.Time) PruneResult {
	t.Helper()
	var res PruneResult
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		res, err = at(l, now).Prune(context.Background(), tx, r, now)
		return err
	})
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	return res
}

func seqsOf(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	var out []int64
	for _, r := range loadRows(t, db) {
		out = append(out, r.s.Seq)
	}
	return out
}

func prunedPoint(t *testing.T, db *store.DB) (int64, string) {
	t.Helper()
	var seq int64
	var hash string
	if err := db.QueryRow(`SELECT pruned_seq, pruned_hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
		t.Fatal(err)
	}
	return seq, hash
}

// A keeps its events 10 days, B 100; events of no organization the
// shortest of them.
var twoOrgs = Retention{Days: map[string]int{"A": 10, "B": 100}, Default: 10}

func TestPruneDeletesOnlyTheExpiredPrefix(t *testing.T) {
	db := openDB(t)
	l := New(newKey(t))
	seqs := recordPlan(t, db, l, []planned{
		{"A", 0}, {"", 0}, {"B", 1}, {"A", 2}, {"A", 50}, // all expired on day 205
		{"B", 150}, // within B's 100 days on day 205: the prefix stops here
		{"A", 160}, // expired for A, but behind B's event: kept
		{"A", 200}, {"B", 201},
	})
	all := loadRows(t, db)

	now := day(205)
	res := prune(t, db, l, twoOrgs, now)
	if res.Deleted != 5 || res.ThroughSeq != seqs[4] {
		t.Fatalf("Prune = %+v, want 5 events through seq %d", res, seqs[4])
	}
	if res.PerOrg["A"] != 3 || res.PerOrg["B"] != 1 || res.PerOrg[""] != 1 {
		t.Errorf("per organization: %v", res.PerOrg)
	}
	// Nothing unexpired went, and nothing after the first unexpired event.
	kept := map[int64]bool{}
	for _, s := range seqsOf(t, db) {
		kept[s] = true
	}
	for _, r := range all {
		expired := parseAt(r.s.At).Before(Cutoff(now, twoOrgs.days(r.s.OrgID)))
		if !kept[r.s.Seq] && !expired {
			t.Errorf("event %d (%s, %s) was deleted but had not expired", r.s.Seq, r.s.OrgID, r.s.At)
		}
		if !kept[r.s.Seq] && r.s.Seq > res.ThroughSeq {
			t.Errorf("event %d was deleted after the prune point", r.s.Seq)
		}
		if kept[r.s.Seq] != (r.s.Seq > res.ThroughSeq) {
			t.Errorf("event %d kept = %v with the prune point at %d", r.s.Seq, kept[r.s.Seq], res.ThroughSeq)
		}
	}
	if !kept[seqs[6]] {
		t.Error("A's expired event behind B's unexpired one was deleted")
	}
	if p, h := prunedPoint(t, db); p != seqs[4] || h != all[4].hash {
		t.Errorf("head prune point = %d %s, want %d %s", p, h, seqs[4], all[4].hash)
	}

	// The prune recorded itself: one event per organization, one summary.
	rows := loadRows(t, db)
	tail := rows[len(rows)-3:]
	want := []struct{ org, details string }{
		{"A", fmt.Sprintf(`{"before":"%s","count":3,"retentionDays":10}`, Cutoff(now, 10).Format(time.RFC3339))},
		{"B", fmt.Sprintf(`{"before":"%s","count":1,"retentionDays":100}`, Cutoff(now, 100).Format(time.RFC3339))},
		{"", fmt.Sprintf(`{"count":5,"throughSeq":%d}`, seqs[4])},
	}
	for i, w := range want {
		if tail[i].s.Action != PruneAction || tail[i].s.OrgID != w.org || tail[i].s.Details != w.details || tail[i].s.ActorID != SystemActor {
			t.Errorf("prune event %d = %+v, want org %q details %s", i, tail[i].s, w.org, w.details)
		}
	}

	if r := verify(t, db, l); !r.OK || r.Events != int64(len(rows)) {
		t.Fatalf("after the prune: %+v", r)
	}

	// Again at the same moment: nothing more can go, nothing is recorded.
	before := len(loadRows(t, db))
	if res := prune(t, db, l, twoOrgs, now); res.Deleted != 0 {
		t.Errorf("second prune deleted %+v", res)
	}
	if n := len(loadRows(t, db)); n != before {
		t.Errorf("a prune that deleted nothing recorded %d events", n-before)
	}

	// Later the rest of the old events go, and the chain still verifies and grows.
	res = prune(t, db, l, twoOrgs, day(262)) // B keeps from day 162, A from day 252
	if res.ThroughSeq != seqs[7] || res.Deleted != 3 {
		t.Errorf("later prune = %+v, want through seq %d", res, seqs[7])
	}
	if r := verify(t, db, l); !r.OK {
		t.Fatalf("after the second prune: %+v", r)
	}
	record(t, db, at(l, day(263)), 2)
	if r := verify(t, db, l); !r.OK {
		t.Fatalf("appending after prunes: %+v", r)
	}
}

// parseAt reads a stored timestamp.
func parseAt(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func TestPruneKeepsTheNewestEventAndNeedsTheKey(t *testing.T) {
	db := openDB(t)
	l := New(newKey(t))
	seqs := recordPlan(t, db, l, []planned{{"A", 0}, {"A", 1}, {"A", 2}})
	res := prune(t, db, l, twoOrgs, day(400))
	if res.ThroughSeq != seqs[1] || res.Deleted != 2 {
		t.Fatalf("everything expired: %+v, want all but the newest", res)
	}
	if r := verify(t, db, l); !r.OK {
		t.Fatalf("after pruning all but the newest: %+v", r)
	}

	db2 := openDB(t)
	recordPlan(t, db2, l, []planned{{"A", 0}, {"A", 1}, {"A", 2}})
	before := len(loadRows(t, db2))
	err := db2.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := New(nil).Prune(context.Background(), tx, twoOrgs, day(400))
		return err
	})
	if !errors.Is(err, ErrNoKey) {
		t.Fatalf("Prune without the key = %v, want ErrNoKey", err)
	}
	if n := len(loadRows(t, db2)); n != before {
		t.Errorf("a prune without the key deleted %d events", before-n)
	}
}

func TestPruneThenTamperingIsCaught(t *testing.T) {
	plan := []planned{{"A", 0}, {"A", 1}, {"A", 2}, {"A", 300}, {"A", 301}, {"A", 302}, {"B", 303}}
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *store.DB, p int64)
		broken int64 // -1: the head's signature (BrokenSeq 0)
		kind   string
	}{
		{"first kept event deleted", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = ?`, p+1)
		}, 4, KindStart},
		{"two oldest kept events deleted", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq <= ?`, p+2)
		}, 4, KindStart},
		{"prune point raised over deleted events", func(t *testing.T, db *store.DB, p int64) {
			var h string
			if err := db.QueryRow(`SELECT hash FROM audit_events WHERE seq = ?`, p+2).Scan(&h); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, `DELETE FROM audit_events WHERE seq <= ?`, p+2)
			mustExec(t, db, `UPDATE audit_head SET pruned_seq = ?, pruned_hash = ?`, p+2, h)
		}, -1, KindHeadSignature},
		{"prune point lowered", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `UPDATE audit_head SET pruned_seq = pruned_seq - 1`)
		}, 3, KindStart},
		{"prune point erased", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `UPDATE audit_head SET pruned_seq = 0, pruned_hash = ''`)
		}, 1, KindStart},
		{"prune point hash changed", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `UPDATE audit_head SET pruned_hash = ?`, genesis)
		}, 4, KindStart},
		{"kept event edited", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `UPDATE audit_events SET details = '{}' WHERE seq = ?`, p+2)
		}, 5, KindContent},
		{"kept events swapped", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `UPDATE audit_events SET seq = -1 WHERE seq = ?`, p+2)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = ?`, p+2, p+3)
			mustExec(t, db, `UPDATE audit_events SET seq = ? WHERE seq = -1`, p+3)
		}, 5, KindLink},
		{"pruned event put back", func(t *testing.T, db *store.DB, p int64) {
			mustExec(t, db, `INSERT INTO audit_events(seq, id, at, action, details, prev_hash, hash) VALUES (?, 'back', ?, 'x', '{}', ?, ?)`,
				p, day(2).Format(time.RFC3339Nano), genesis, genesis)
		}, 3, KindStart},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			l := New(newKey(t))
			recordPlan(t, db, l, plan)
			res := prune(t, db, l, twoOrgs, day(305))
			if res.ThroughSeq != 3 {
				t.Fatalf("prune = %+v, want through 3", res)
			}
			if r := verify(t, db, l); !r.OK {
				t.Fatalf("before tampering: %+v", r)
			}
			tc.tamper(t, db, res.ThroughSeq)
			r := verify(t, db, l)
			if r.OK {
				t.Fatalf("tampering went unnoticed: %+v", r)
			}
			want := tc.broken
			if want < 0 {
				want = 0
			}
			if r.BrokenSeq != want || r.Kind != tc.kind {
				t.Errorf("got %+v, want broken at %d (%s)", r, want, tc.kind)
			}
		})
	}
}

// A head written before prune points existed (no prune columns in its MAC)
// still verifies, and the first prune moves it to the new form.
func TestHeadWithoutPrunePointKeepsItsMAC(t *testing.T) {
	db := openDB(t)
	l := New(newKey(t))
	recordPlan(t, db, l, []planned{{"A", 0}, {"A", 1}, {"A", 300}})
	seq, hash, mac, _ := head(t, db)
	if mac != l.mac(seq, hash, 0) {
		t.Fatal("an unpruned head is not signed as before")
	}
	prune(t, db, l, twoOrgs, day(305))
	seq, hash, mac, _ = head(t, db)
	p, ph := prunedPoint(t, db)
	if mac == l.mac(seq, hash, 0) || mac != l.headMAC(chainHead{Seq: seq, Hash: hash, PrunedSeq: p, PrunedHash: ph}) {
		t.Fatal("a pruned head's MAC does not cover its prune point")
	}
}
