package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"admin-console/backend/store"
)

// open opens a fresh database in the test's temp dir and closes it at the end.
func open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// migrationFiles lists the migration files shipped in this package.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	return names
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return sha256.Sum256(b)
}

func dirListing(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

type migrationRow struct {
	version   int
	name      string
	appliedAt string
}

func migrationRows(t *testing.T, db *sql.DB) []migrationRow {
	t.Helper()
	rows, err := db.Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []migrationRow
	for rows.Next() {
		var r migrationRow
		if err := rows.Scan(&r.version, &r.name, &r.appliedAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenAppliesAndRecordsMigrations(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	files := migrationFiles(t)

	if got, want := store.LatestVersion(), len(files); got != want {
		// Versions are numbered 1..n without gaps in this repository.
		t.Errorf("LatestVersion() = %d, want %d (one per migration file)", got, want)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != store.LatestVersion() {
		t.Errorf("SchemaVersion = %d, want LatestVersion %d", v, store.LatestVersion())
	}

	rows := migrationRows(t, db.DB)
	if len(rows) != len(files) {
		t.Fatalf("schema_migrations has %d rows, want %d: %+v", len(rows), len(files), rows)
	}
	for i, r := range rows {
		if r.name != files[i] {
			t.Errorf("row %d name = %q, want %q", i, r.name, files[i])
		}
		if !strings.HasPrefix(r.name, fmt.Sprintf("%04d_", r.version)) {
			t.Errorf("row %d: version %d does not match name %q", i, r.version, r.name)
		}
		at, err := time.Parse(time.RFC3339Nano, r.appliedAt)
		if err != nil {
			t.Errorf("row %d applied_at %q: %v", i, r.appliedAt, err)
		} else if d := time.Since(at); d < 0 || d > time.Minute {
			t.Errorf("row %d applied_at %v is not now", i, at)
		}
	}

	// The foundation migration's tables exist.
	for _, table := range []string{"users", "organizations", "org_members", "workspaces", "workspace_members",
		"sessions", "signin_failures", "audit_events", "audit_head", "app_settings"} {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("table %s missing after Open", table)
		}
	}
	if db.Path == "" || !strings.HasSuffix(db.Path, "test.db") {
		t.Errorf("DB.Path = %q", db.Path)
	}
}

func TestOpenPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	db := open(t)

	// Hold two connections at once so that the pool really has two, and
	// check the pragmas on each.
	conns := make([]*sql.Conn, 2)
	for i := range conns {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	for i, c := range conns {
		var journal string
		var fk, syncMode, busy int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&syncMode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if journal != "wal" {
			t.Errorf("conn %d: journal_mode = %q, want wal", i, journal)
		}
		if fk != 1 {
			t.Errorf("conn %d: foreign_keys = %d, want 1", i, fk)
		}
		if syncMode != 2 {
			t.Errorf("conn %d: synchronous = %d, want 2 (FULL)", i, syncMode)
		}
		if busy <= 0 {
			t.Errorf("conn %d: busy_timeout = %d, want > 0", i, busy)
		}
	}

	// Foreign keys are enforced, not merely reported.
	_, err := db.ExecContext(ctx, `INSERT INTO org_members(org_id, user_id, role, joined_at) VALUES ('no-org','no-user','owner','x')`)
	if err == nil || !strings.Contains(strings.ToUpper(err.Error()), "FOREIGN KEY") {
		t.Errorf("insert violating foreign keys: err = %v, want a FOREIGN KEY constraint error", err)
	}
}

func TestOpenIsIdempotent(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "test.db")
	db, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	first := migrationRows(t, db.DB)
	if _, err := db.Exec(`INSERT INTO app_settings(key, value) VALUES ('k', 'v')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	for i := 0; i < 2; i++ {
		db, err := store.Open(ctx, file)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		again := migrationRows(t, db.DB)
		if fmt.Sprint(again) != fmt.Sprint(first) {
			t.Errorf("reopen %d changed schema_migrations:\n got %v\nwant %v", i, again, first)
		}
		var v string
		if err := db.QueryRow(`SELECT value FROM app_settings WHERE key = 'k'`).Scan(&v); err != nil || v != "v" {
			t.Errorf("reopen %d: data lost: %q, %v", i, v, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenRefusesNewerSchemaWithoutTouchingIt(t *testing.T) {
	ctx := context.Background()
	newer := store.LatestVersion() + 1

	// makeNewer turns an up-to-date database into one "written by a newer
	// version" and closes it cleanly.
	makeNewer := func(t *testing.T, raw *sql.DB) {
		t.Helper()
		if _, err := raw.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
			newer, fmt.Sprintf("%04d_from_the_future.sql", newer), time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			t.Fatal(err)
		}
		if err := raw.Close(); err != nil {
			t.Fatal(err)
		}
	}

	cases := []struct {
		name string
		// make returns the path of a closed database at version `newer`.
		make func(t *testing.T) string
	}{
		{"wal database written by the app", func(t *testing.T) string {
			file := filepath.Join(t.TempDir(), "newer.db")
			db, err := store.Open(ctx, file)
			if err != nil {
				t.Fatal(err)
			}
			makeNewer(t, db.DB)
			return file
		}},
		{"rollback-journal database (a backup made by a newer version)", func(t *testing.T) string {
			dir := t.TempDir()
			db, err := store.Open(ctx, filepath.Join(dir, "live.db"))
			if err != nil {
				t.Fatal(err)
			}
			backup := filepath.Join(dir, "backup.db")
			if err := db.Backup(ctx, backup); err != nil {
				t.Fatal(err)
			}
			db.Close()
			raw, err := sql.Open("sqlite", "file:"+backup)
			if err != nil {
				t.Fatal(err)
			}
			makeNewer(t, raw)
			return backup
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.make(t)
			dir := filepath.Dir(file)
			before := fileSum(t, file)
			filesBefore := dirListing(t, dir)

			db, err := store.Open(ctx, file)
			if err == nil {
				db.Close()
				t.Fatal("Open accepted a database with a newer schema")
			}
			if !errors.Is(err, store.ErrNewerSchema) {
				t.Fatalf("Open error = %v, want errors.Is ErrNewerSchema", err)
			}
			if db != nil {
				t.Error("Open returned a handle along with the error")
			}
			if after := fileSum(t, file); after != before {
				t.Error("the refused database file was modified")
			}
			if got := dirListing(t, dir); fmt.Sprint(got) != fmt.Sprint(filesBefore) {
				t.Errorf("files next to the database changed: %v -> %v", filesBefore, got)
			}

			// And it is still refused the second time (nothing was "fixed up").
			if _, err := store.Open(ctx, file); !errors.Is(err, store.ErrNewerSchema) {
				t.Errorf("second Open error = %v, want ErrNewerSchema", err)
			}
			if after := fileSum(t, file); after != before {
				t.Error("the refused database file was modified by the second attempt")
			}
		})
	}
}

func TestTxRollsBackOnErrorAndCommitsOnNil(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	count := func(key string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM app_settings WHERE key = ?`, key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('rolled', 'back')`); err != nil {
			return err
		}
		// Inside the transaction the row is visible...
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_settings WHERE key = 'rolled'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("row not visible inside its transaction: %d, %v", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx returned %v, want the callback's error", err)
	}
	if n := count("rolled"); n != 0 {
		t.Errorf("rolled-back row is present (%d)", n)
	}

	// A failing statement after a successful one undoes both.
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('first', '1')`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('first', 'duplicate')`)
		return err
	})
	if err == nil {
		t.Fatal("duplicate primary key did not fail")
	}
	if n := count("first"); n != 0 {
		t.Errorf("first statement of a failed transaction persisted (%d)", n)
	}

	// A panic rolls back and propagates.
	func() {
		defer func() {
			if p := recover(); p != "kaboom" {
				t.Errorf("recovered %v, want the callback's panic", p)
			}
		}()
		_ = db.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('panicked', 'x')`); err != nil {
				return err
			}
			panic("kaboom")
		})
	}()
	if n := count("panicked"); n != 0 {
		t.Errorf("row of a panicking transaction persisted (%d)", n)
	}

	// nil commits.
	if err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('committed', 'yes')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var v string
	if err := db.QueryRow(`SELECT value FROM app_settings WHERE key = 'committed'`).Scan(&v); err != nil || v != "yes" {
		t.Errorf("committed row: %q, %v", v, err)
	}

	// The pool is healthy after all of that (no leaked write lock).
	done := make(chan error, 1)
	go func() {
		done <- db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('after', 'ok')`)
			return err
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("transaction after rollbacks: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a write after rolled-back transactions is blocked: a write lock leaked")
	}
}

func TestBackupIsAConsistentCopyWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := open(t)

	// Fixed rows written before the backup.
	const initial = 200
	if err := db.Tx(ctx, func(tx *sql.Tx) error {
		for i := 0; i < initial; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES (?, ?)`,
				fmt.Sprintf("init-%03d", i), fmt.Sprintf("value %d", i)); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES ('counter', '0')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// A writer keeps committing transactions that each add a row and bump a
	// counter: in any consistent snapshot, counter == number of w- rows.
	var (
		stop    atomic.Bool
		wg      sync.WaitGroup
		written atomic.Int64
		werr    error
		started = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; !stop.Load(); i++ {
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES (?, 'w')`, fmt.Sprintf("w-%06d", i)); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, `UPDATE app_settings SET value = ? WHERE key = 'counter'`, fmt.Sprint(i))
				return err
			})
			if err != nil {
				werr = err
				return
			}
			if written.Add(1) == 5 {
				close(started)
			}
			if i >= 5000 { // bounded, whatever happens
				return
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		stop.Store(true)
		wg.Wait()
		t.Fatalf("writer did not get going: %v", werr)
	}

	dst := filepath.Join(t.TempDir(), "backup.db")
	berr := db.Backup(ctx, dst)
	afterBackup := written.Load()
	// Let the writer run on a little after the backup, then stop it.
	for deadline := time.Now().Add(5 * time.Second); written.Load() < afterBackup+5 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	if werr != nil {
		t.Fatalf("writer failed during backup: %v", werr)
	}
	if berr != nil {
		t.Fatalf("Backup: %v", berr)
	}

	// The copy opens as a normal database at the current version.
	bdb, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer bdb.Close()
	var check string
	if err := bdb.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("backup integrity_check = %q, %v", check, err)
	}
	if v, err := bdb.SchemaVersion(ctx); err != nil || v != store.LatestVersion() {
		t.Errorf("backup schema version = %d, %v", v, err)
	}

	// Same fixed rows.
	for i := 0; i < initial; i += 37 {
		var v string
		key := fmt.Sprintf("init-%03d", i)
		if err := bdb.QueryRow(`SELECT value FROM app_settings WHERE key = ?`, key).Scan(&v); err != nil || v != fmt.Sprintf("value %d", i) {
			t.Errorf("backup row %s = %q, %v", key, v, err)
		}
	}
	var n int
	if err := bdb.QueryRow(`SELECT COUNT(*) FROM app_settings WHERE key LIKE 'init-%'`).Scan(&n); err != nil || n != initial {
		t.Errorf("backup has %d init rows, want %d (%v)", n, initial, err)
	}

	// A snapshot: the counter matches the rows, and the writes before the
	// backup started are in it.
	var counter string
	var rows int64
	if err := bdb.QueryRow(`SELECT value FROM app_settings WHERE key = 'counter'`).Scan(&counter); err != nil {
		t.Fatal(err)
	}
	if err := bdb.QueryRow(`SELECT COUNT(*) FROM app_settings WHERE key LIKE 'w-%'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if counter != fmt.Sprint(rows) {
		t.Errorf("backup is not a consistent snapshot: counter = %s but %d written rows", counter, rows)
	}
	if rows < 5 {
		t.Errorf("backup has %d written rows, want at least the 5 committed before it started", rows)
	}
	if rows > afterBackup {
		t.Errorf("backup has %d rows but only %d were committed when it returned", rows, afterBackup)
	}

	// The live database kept every write.
	var live int64
	if err := db.QueryRow(`SELECT COUNT(*) FROM app_settings WHERE key LIKE 'w-%'`).Scan(&live); err != nil || live != written.Load() {
		t.Errorf("live database has %d written rows, writer committed %d (%v)", live, written.Load(), err)
	}

	// Backup never overwrites an existing file.
	if err := db.Backup(ctx, dst); err == nil {
		t.Error("Backup overwrote an existing file")
	}
}
