// Package store opens the SQLite database, applies the embedded migrations and
// offers the transaction helper every domain package writes through.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNewerSchema is returned when the database was written by a newer version of
// the application: we refuse to touch it rather than risk corrupting it.
var ErrNewerSchema = errors.New("store: database schema is newer than this application")

// DB is the application's database handle.
type DB struct {
	*sql.DB
	Path string
}

// pragmas are applied to every connection of the pool: foreign keys for
// integrity, a busy timeout instead of SQLITE_BUSY errors, and
// synchronous=FULL because an admin console must not lose a commit.
// WAL (for concurrent readers) is not among them: journal_mode=WAL rewrites
// the file header, so Open switches to it only once the schema version check
// has passed, and a database from a newer version is left byte-for-byte as it
// was. WAL is a property of the file: every later connection uses it.
const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_txlock=immediate"

// Open opens (creating if needed) the database file and migrates it to the
// newest schema this binary knows.
func Open(ctx context.Context, file string) (*DB, error) {
	sqldb, err := sql.Open("sqlite", "file:"+file+"?"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	db := &DB{DB: sqldb, Path: file}
	if err := db.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("store: open %s: %w", file, err)
	}
	return db, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("store: migration %q has no version prefix", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %q: %w", name, err)
		}
		body, err := fs.ReadFile(migrationFS, path.Join("migrations", name))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// LatestVersion is the newest schema version embedded in this binary.
func LatestVersion() int {
	ms, err := loadMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// SchemaVersion reports the version recorded in the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// migrate applies every pending migration inside one transaction, so a failure
// leaves the database exactly as it was.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
			return err
		}
		var current sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		if latest := ms[len(ms)-1].version; int(current.Int64) > latest {
			return fmt.Errorf("%w (database version %d, application knows up to %d); use a newer Admin Console", ErrNewerSchema, current.Int64, latest)
		}
		for _, m := range ms {
			if m.version <= int(current.Int64) {
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES(?,?,?)`,
				m.version, m.name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Tx runs fn in one IMMEDIATE transaction: committed when fn returns nil,
// rolled back otherwise. One user action is one Tx, including its audit event.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Backup writes a consistent copy of the database to dst with VACUUM INTO,
// which reads one snapshot and so is safe while the application is running.
func (db *DB) Backup(ctx context.Context, dst string) error {
	_, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	if err != nil {
		return fmt.Errorf("store: backup to %s: %w", dst, err)
	}
	return nil
}
