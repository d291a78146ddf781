package audit_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"admin-console/backend/audit"
	"admin-console/backend/store"
)

func benchLog(b *testing.B, events int) (*store.DB, *audit.Log) {
	b.Helper()
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	log := audit.New(make([]byte, 32))
	const batch = 1000
	for done := 0; done < events; done += batch {
		err := db.Tx(context.Background(), func(tx *sql.Tx) error {
			for i := 0; i < batch && done+i < events; i++ {
				if err := log.Record(context.Background(), tx, audit.Event{ActorID: "u", Action: "user.signed_in", OrgID: "o"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return db, log
}

// BenchmarkRecord is the cost the audit trail adds to every user action: one
// event appended in its own transaction (synchronous=FULL, so an fsync).
func BenchmarkRecord(b *testing.B) {
	db, log := benchLog(b, 0)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return log.Record(ctx, tx, audit.Event{ActorID: "u", Action: "user.profile_updated", OrgID: "o"})
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify100k walks a chain of 100,000 events.
func BenchmarkVerify100k(b *testing.B) {
	db, log := benchLog(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		res, err := log.Verify(context.Background(), db.DB)
		if err != nil || !res.OK {
			b.Fatal(res, err)
		}
	}
}
