package audit

// These tests sit inside the package so that an "attacker" can recompute
// event hashes with the real hash function (stored.hash) when forging a chain.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"admin-console/backend/secrets"
	"admin-console/backend/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newKey returns a fresh audit key from an in-memory keychain, as the app
// gets it from the OS keychain.
func newKey(t *testing.T) []byte {
	t.Helper()
	key, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "audit-key")
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 32 {
		t.Fatalf("key length %d", len(key))
	}
	return key
}

// record appends n events, each in its own transaction as a user action would.
func record(t *testing.T, db *store.DB, l *Log, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return l.Record(ctx, tx, Event{ActorID: "user-1", Action: "test.event", TargetType: "thing",
				TargetID: fmt.Sprintf("thing-%d", i), OrgID: "org-1", Details: map[string]any{"i": i, "note": "ünïcødé"}})
		})
		if err != nil {
			t.Fatalf("record event %d: %v", i+1, err)
		}
	}
}

func verify(t *testing.T, db *store.DB, l *Log) Result {
	t.Helper()
	r, err := l.Verify(context.Background(), db.DB)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

func mustExec(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

type row struct {
	s              stored
	prevHash, hash string
}

func loadRows(t *testing.T, db *store.DB) []row {
	t.Helper()
	rs, err := db.Query(`SELECT seq, id, at, actor_id, action, target_type, target_id, org_id, workspace_id,
		details, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.s.Seq, &r.s.ID, &r.s.At, &r.s.ActorID, &r.s.Action, &r.s.TargetType, &r.s.TargetID,
			&r.s.OrgID, &r.s.WorkspaceID, &r.s.Details, &r.prevHash, &r.hash); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func head(t *testing.T, db *store.DB) (seq int64, hash, mac string, ok bool) {
	t.Helper()
	err := db.QueryRow(`SELECT seq, hash, mac FROM audit_head WHERE id = 1`).Scan(&seq, &hash, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return seq, hash, mac, true
}

// rehashFrom recomputes the hashes of every event from seq on, the way an
// attacker who can write the file (but lacks the key) would cover an edit.
func rehashFrom(t *testing.T, db *store.DB, seq int64) {
	t.Helper()
	rows := loadRows(t, db)
	prev := genesis
	for _, r := range rows {
		if r.s.Seq < seq {
			prev = r.hash
			continue
		}
		h := r.s.hash(prev)
		mustExec(t, db, `UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?`, prev, h, r.s.Seq)
		prev = h
	}
}

func TestRecordBuildsAChainAndVerifies(t *testing.T) {
	db := openDB(t)
	key := newKey(t)
	l := New(key)
	if !l.Authenticated() {
		t.Fatal("a log with a key says it is not authenticated")
	}

	// An empty log is fine.
	if r := verify(t, db, l); !r.OK || r.Events != 0 {
		t.Fatalf("empty log: %+v", r)
	}

	before := time.Now().UTC().Add(-time.Second)
	record(t, db, l, 5)
	rows := loadRows(t, db)
	if len(rows) != 5 {
		t.Fatalf("%d events stored, want 5", len(rows))
	}
	prev := genesis
	ids := map[string]bool{}
	for i, r := range rows {
		if r.s.Seq != int64(i+1) {
			t.Errorf("event %d has seq %d", i+1, r.s.Seq)
		}
		if r.prevHash != prev {
			t.Errorf("event %d prev_hash %s, want %s", r.s.Seq, r.prevHash, prev)
		}
		if len(r.hash) != 64 || r.hash == r.prevHash {
			t.Errorf("event %d hash %q", r.s.Seq, r.hash)
		}
		if r.s.Action != "test.event" || r.s.ActorID != "user-1" || r.s.OrgID != "org-1" || r.s.TargetID != fmt.Sprintf("thing-%d", i) {
			t.Errorf("event %d stored as %+v", r.s.Seq, r.s)
		}
		if !strings.Contains(r.s.Details, `"i":`+fmt.Sprint(i)) {
			t.Errorf("event %d details %s", r.s.Seq, r.s.Details)
		}
		at, err := time.Parse(time.RFC3339Nano, r.s.At)
		if err != nil || at.Before(before) || at.After(time.Now().Add(time.Second)) {
			t.Errorf("event %d at %q (%v)", r.s.Seq, r.s.At, err)
		}
		if ids[r.s.ID] || r.s.ID == "" {
			t.Errorf("event %d id %q is empty or repeated", r.s.Seq, r.s.ID)
		}
		ids[r.s.ID] = true
		prev = r.hash
	}
	seq, hash, mac, ok := head(t, db)
	if !ok || seq != 5 || hash != rows[4].hash || mac != l.mac(5, rows[4].hash, 0) {
		t.Errorf("head = (%d, %s, %s, %v), want seq 5 and the last event's hash", seq, hash, mac, ok)
	}

	r := verify(t, db, l)
	if !r.OK || r.Events != 5 || r.BrokenSeq != 0 || r.Reason != "" {
		t.Fatalf("intact chain: %+v", r)
	}
	if got := r.String(); !strings.HasPrefix(got, "OK: 5 events") {
		t.Errorf("String() = %q", got)
	}

	// A nil Details map is stored as {}.
	if err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		return l.Record(context.Background(), tx, Event{Action: "no.details"})
	}); err != nil {
		t.Fatal(err)
	}
	if d := loadRows(t, db)[5].s.Details; d != "{}" {
		t.Errorf("nil details stored as %q, want {}", d)
	}
	if r := verify(t, db, l); !r.OK || r.Events != 6 {
		t.Errorf("after a 6th event: %+v", r)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	const n = 5
	cases := []struct {
		name      string
		tamper    func(t *testing.T, db *store.DB, l *Log)
		brokenSeq int64
		reason    string // a fragment of the expected reason
	}{
		{"edited details", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET details = '{"i":2,"note":"harmless"}' WHERE seq = 3`)
		}, 3, "content"},
		{"edited actor", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 3`)
		}, 3, "content"},
		{"edited time", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET at = '2001-01-01T00:00:00Z' WHERE seq = 3`)
		}, 3, "content"},
		{"edited and its own hash recomputed", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 3`)
			r := loadRows(t, db)[2]
			mustExec(t, db, `UPDATE audit_events SET hash = ? WHERE seq = 3`, r.s.hash(r.prevHash))
		}, 4, "link"},
		{"edited and the rest of the chain recomputed", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 3`)
			rehashFrom(t, db, 3)
		}, 5, "authenticated head"},
		{"deleted middle event", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 3`)
		}, 3, "missing"},
		{"deleted middle event, later seqs renumbered and rehashed", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 3`)
			mustExec(t, db, `UPDATE audit_events SET seq = seq - 1 WHERE seq > 3`)
			rehashFrom(t, db, 3)
		}, 5, "removed from the end"},
		{"deleted first event", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 1`)
		}, 1, "removed from the start"},
		{"deleted first event, the rest renumbered and rehashed", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 1`)
			mustExec(t, db, `UPDATE audit_events SET seq = seq - 1`)
			rehashFrom(t, db, 1)
		}, 5, "removed from the end"},
		{"deleted last event", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 5`)
		}, 5, "removed from the end"},
		{"deleted last two events", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq >= 4`)
		}, 4, "removed from the end"},
		{"first event does not start at genesis", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET prev_hash = ? WHERE seq = 1`, strings.Repeat("a", 64))
		}, 1, "start"},
		{"swapped seq of events 2 and 3", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET seq = -2 WHERE seq = 2`)
			mustExec(t, db, `UPDATE audit_events SET seq = 2 WHERE seq = 3`)
			mustExec(t, db, `UPDATE audit_events SET seq = 3 WHERE seq = -2`)
		}, 2, "link"},
		{"swapped seq of events 4 and 5", func(t *testing.T, db *store.DB, _ *Log) {
			mustExec(t, db, `UPDATE audit_events SET seq = -4 WHERE seq = 4`)
			mustExec(t, db, `UPDATE audit_events SET seq = 4 WHERE seq = 5`)
			mustExec(t, db, `UPDATE audit_events SET seq = 5 WHERE seq = -4`)
		}, 4, "link"},
		{"forged event appended after the head", func(t *testing.T, db *store.DB, _ *Log) {
			last := loadRows(t, db)[n-1]
			forged := stored{Seq: n + 1, ID: "forged", At: last.s.At, Action: "user.signed_in", Details: "{}"}
			mustExec(t, db, `INSERT INTO audit_events(seq, id, at, action, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?)`,
				forged.Seq, forged.ID, forged.At, forged.Action, forged.Details, last.hash, forged.hash(last.hash))
		}, n + 1, "after the authenticated head"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			l := New(newKey(t))
			record(t, db, l, n)
			if r := verify(t, db, l); !r.OK {
				t.Fatalf("before tampering: %+v", r)
			}
			tc.tamper(t, db, l)
			r := verify(t, db, l)
			if r.OK {
				t.Fatalf("tampering went unnoticed: %+v", r)
			}
			if r.BrokenSeq != tc.brokenSeq {
				t.Errorf("BrokenSeq = %d, want %d (%s)", r.BrokenSeq, tc.brokenSeq, r.Reason)
			}
			if !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to mention %q", r.Reason, tc.reason)
			}
			if s := r.String(); !strings.HasPrefix(s, fmt.Sprintf("BROKEN at event %d:", tc.brokenSeq)) {
				t.Errorf("String() = %q", s)
			}
		})
	}
}

func TestVerifyDetectsRewrittenHead(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *store.DB)
		reason string
	}{
		{"mac changed", func(t *testing.T, db *store.DB) {
			mustExec(t, db, `UPDATE audit_head SET mac = ? WHERE id = 1`, strings.Repeat("0", 64))
		}, "signature"},
		{"head moved back and re-signed with another key after deleting the last event", func(t *testing.T, db *store.DB) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 5`)
			last := loadRows(t, db)[3]
			other := New(bytes.Repeat([]byte{7}, 32))
			mustExec(t, db, `UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1`, last.s.Seq, last.hash, other.mac(last.s.Seq, last.hash, 0))
		}, "signature"},
		{"whole chain rewritten and head re-signed with another key", func(t *testing.T, db *store.DB) {
			mustExec(t, db, `UPDATE audit_events SET details = '{}' WHERE seq = 2`)
			rehashFrom(t, db, 2)
			last := loadRows(t, db)[4]
			other := New(bytes.Repeat([]byte{9}, 32))
			mustExec(t, db, `UPDATE audit_head SET hash = ?, mac = ? WHERE id = 1`, last.hash, other.mac(last.s.Seq, last.hash, 0))
		}, "signature"},
		{"head seq changed without the key", func(t *testing.T, db *store.DB) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 5`)
			mustExec(t, db, `UPDATE audit_head SET seq = 4 WHERE id = 1`)
		}, "signature"},
		{"head deleted", func(t *testing.T, db *store.DB) {
			mustExec(t, db, `DELETE FROM audit_head`)
		}, "missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			l := New(newKey(t))
			record(t, db, l, 5)
			tc.tamper(t, db)
			r := verify(t, db, l)
			if r.OK {
				t.Fatalf("rewritten head went unnoticed: %+v", r)
			}
			if r.BrokenSeq != 0 {
				t.Errorf("BrokenSeq = %d, want 0 (a head failure)", r.BrokenSeq)
			}
			if !strings.Contains(r.Reason, tc.reason) {
				t.Errorf("Reason = %q, want it to mention %q", r.Reason, tc.reason)
			}
			if !strings.HasPrefix(r.String(), "BROKEN: ") {
				t.Errorf("String() = %q", r.String())
			}
		})
	}
}

func TestVerifyWithWrongKeyFails(t *testing.T) {
	db := openDB(t)
	record(t, db, New(newKey(t)), 3)
	r := verify(t, db, New(newKey(t)))
	if r.OK {
		t.Fatalf("a different key verified the head: %+v", r)
	}
	if !strings.Contains(r.Reason, "signature") || r.Events != 3 {
		t.Errorf("wrong key: %+v", r)
	}
}

func TestNilKeyStillChainsButHeadIsUnverified(t *testing.T) {
	db := openDB(t)
	noKey := New(nil)
	if noKey.Authenticated() {
		t.Fatal("nil-key log claims to be authenticated")
	}
	record(t, db, noKey, 3)

	rows := loadRows(t, db)
	if len(rows) != 3 {
		t.Fatalf("%d events, want 3", len(rows))
	}
	prev := genesis
	for _, r := range rows {
		if r.prevHash != prev || r.hash != r.s.hash(r.prevHash) {
			t.Errorf("event %d is not chained", r.s.Seq)
		}
		prev = r.hash
	}
	if _, _, _, ok := head(t, db); ok {
		t.Error("a nil-key log wrote an (unauthenticated) head")
	}
	for name, l := range map[string]*Log{"nil key": noKey, "real key": New(newKey(t))} {
		r := verify(t, db, l)
		if r.OK || r.Events != 3 || r.BrokenSeq != 0 {
			t.Errorf("%s: %+v, want not OK about the head", name, r)
		}
	}

	// A keyed log, then the keychain goes away: the head stays behind.
	db2 := openDB(t)
	key := newKey(t)
	record(t, db2, New(key), 3)
	record(t, db2, noKey, 2)
	if seq, _, _, _ := head(t, db2); seq != 3 {
		t.Errorf("head seq = %d after nil-key appends, want it left at 3", seq)
	}
	if r := verify(t, db2, noKey); r.OK || !strings.Contains(r.Reason, "keychain") || r.Events != 5 {
		t.Errorf("nil key verify: %+v, want not OK mentioning the keychain", r)
	}
	if r := verify(t, db2, New(key)); r.OK || r.BrokenSeq != 4 {
		t.Errorf("keyed verify after unauthenticated appends: %+v, want broken at 4", r)
	}
}

func TestFailedTransactionLeavesNoEvent(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	l := New(newKey(t))
	record(t, db, l, 2)
	_, headHash, _, _ := head(t, db)

	boom := errors.New("the action failed after auditing")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if err := l.Record(ctx, tx, Event{Action: "should.vanish"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d events after a failed action, want 2 (%v)", n, err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM audit_events WHERE action = 'should.vanish'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed action's event persisted")
	}
	if seq, h, _, _ := head(t, db); seq != 2 || h != headHash {
		t.Errorf("head moved to %d after a failed action", seq)
	}
	if r := verify(t, db, l); !r.OK || r.Events != 2 {
		t.Errorf("after a failed action: %+v", r)
	}
	// And the chain continues normally.
	record(t, db, l, 1)
	if r := verify(t, db, l); !r.OK || r.Events != 3 {
		t.Errorf("after the next action: %+v", r)
	}
}

// Deleting the oldest events by hand is not a retention prune: without a
// signed prune point the chain must start at event 1 (prune_test.go covers
// real prunes).
func TestDeletingOldestEventsIsCaught(t *testing.T) {
	l := New(newKey(t))
	for _, tc := range []struct {
		name string
		del  string
		want int64
	}{
		{"first event", `DELETE FROM audit_events WHERE seq = 1`, 1},
		{"first three events", `DELETE FROM audit_events WHERE seq <= 3`, 1},
		{"every event", `DELETE FROM audit_events`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openDB(t)
			record(t, db, l, 8)
			mustExec(t, db, tc.del)
			r := verify(t, db, l)
			if r.OK || r.BrokenSeq != tc.want {
				t.Fatalf("after deleting the %s: %+v, want broken at %d", tc.name, r, tc.want)
			}
			// Honest appends afterwards do not bless it.
			record(t, db, l, 2)
			if r := verify(t, db, l); r.OK {
				t.Fatalf("appending after deleting the %s: %+v", tc.name, r)
			}
		})
	}
}

func TestConcurrentRecordsKeepOneChain(t *testing.T) {
	db := openDB(t)
	l := New(newKey(t))
	const writers, each = 3, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < each; i++ {
				errs <- db.Tx(ctx, func(tx *sql.Tx) error {
					return l.Record(ctx, tx, Event{Action: "concurrent", ActorID: fmt.Sprint(w), Details: map[string]any{"i": i}})
				})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r := verify(t, db, l)
	if !r.OK || r.Events != writers*each {
		t.Fatalf("after concurrent writers: %+v", r)
	}
}

// An attacker who rewrites the file cannot have the next honest append bless
// the rewrite: the append notices the chain no longer ends at the signed head
// and the mark it leaves is covered by the HMAC.
func TestAppendAfterTamperingDoesNotBlessIt(t *testing.T) {
	key := newKey(t)
	cases := map[string]struct {
		tamper func(t *testing.T, db *store.DB)
		want   int64
	}{
		"edit and rehash the rest": {func(t *testing.T, db *store.DB) {
			mustExec(t, db, `UPDATE audit_events SET details = '{"forged":true}' WHERE seq = 3`)
			rehashFrom(t, db, 3)
		}, 5},
		"forged event past the head": {func(t *testing.T, db *store.DB) {
			rows := loadRows(t, db)
			last := rows[len(rows)-1]
			s := last.s
			s.Seq, s.ID, s.Action = 6, "forged", "user.signed_in"
			mustExec(t, db, `INSERT INTO audit_events (seq, id, at, actor_id, action, target_type, target_id, org_id,
				workspace_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, s.Seq, s.ID, s.At, s.ActorID,
				s.Action, s.TargetType, s.TargetID, s.OrgID, s.WorkspaceID, s.Details, last.hash, s.hash(last.hash))
		}, 6},
		"last event removed": {func(t *testing.T, db *store.DB) {
			mustExec(t, db, `DELETE FROM audit_events WHERE seq = 5`)
		}, 5},
		"head reset with no key": {func(t *testing.T, db *store.DB) {
			mustExec(t, db, `UPDATE audit_head SET tampered_seq = 0, mac = 'x'`)
		}, 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			db := openDB(t)
			l := New(key)
			record(t, db, l, 5)
			tc.tamper(t, db)
			record(t, db, l, 2) // honest actions after the rewrite
			r := verify(t, db, l)
			if r.OK || r.BrokenSeq != tc.want {
				t.Fatalf("after honest appends: %+v, want broken at %d", r, tc.want)
			}
			// Clearing the mark without the key breaks the head's signature.
			mustExec(t, db, `UPDATE audit_head SET tampered_seq = 0`)
			if r := verify(t, db, l); r.OK {
				t.Fatal("clearing the mark went unnoticed")
			}
		})
	}
}
