package capture

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"time"

	"admin-console/backend/audit"
	"admin-console/backend/store"
)

// PurgeExpired deletes the captured calls that have outlived their
// workspace's retention: a call is due when at < now − retention_days (a
// call exactly retention_days old stays until the next purge). Nothing else
// is deleted. It works a workspace at a time in transactions of at most
// BatchSize calls, so it never holds the write lock for long, and each
// transaction that deleted something records capture.purged for its
// workspace (usually one per workspace). It also removes export results
// older than ExportResultDays (see ExpireExportResults). It returns how many
// calls it deleted; the maintenance loop calls it periodically.
func (s *Service) PurgeExpired(ctx context.Context) (int, error) {
	now := s.now()
	type due struct {
		ws, org, name string
		days          int
	}
	var list []due
	rows, err := s.DB.QueryContext(ctx, `SELECT w.id, w.org_id, w.name, COALESCE(s.retention_days, ?)
		FROM workspaces w LEFT JOIN capture_settings s ON s.workspace_id = w.id ORDER BY w.id`, DefaultRetentionDays)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.ws, &d.org, &d.name, &d.days); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for _, d := range list {
		cutoff := now.Add(-time.Duration(d.days) * 24 * time.Hour)
		// A read first: most runs find nothing due, and need no write lock.
		var due bool
		if err := s.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM captured_calls WHERE workspace_id = ? AND at < ?)`,
			d.ws, store.Timestamp(cutoff)).Scan(&due); err != nil {
			return total, err
		}
		for due {
			n, err := s.purgeBatch(ctx, d.ws, d.org, d.name, d.days, cutoff)
			total += n
			if err != nil {
				return total, err
			}
			if n < s.batch() {
				break
			}
		}
	}
	if _, err := s.ExpireExportResults(ctx); err != nil {
		return total, err
	}
	return total, s.removeOrphans(ctx)
}

// removeOrphans deletes the files of the export folder that no job keeps:
// the results of jobs deleted with their organization, and what a crash left
// half-written. A running job's files stay.
func (s *Service) removeOrphans(ctx context.Context) error {
	if s.ExportDir == "" {
		return nil
	}
	entries, err := os.ReadDir(s.ExportDir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		name := e.Name()
		id, ok := strings.CutSuffix(name, ".jsonl.part")
		if !ok {
			if id, ok = strings.CutSuffix(name, ".jsonl"); !ok || e.IsDir() {
				continue
			}
		}
		path := filepath.Join(s.ExportDir, name)
		var keep bool
		if err := s.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM capture_export_jobs WHERE id = ?
			AND (status = 'running' OR (status = 'completed' AND result_path = ?)))`, id, path).Scan(&keep); err != nil {
			return err
		}
		if !keep {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

func (s *Service) purgeBatch(ctx context.Context, ws, orgID, name string, days int, cutoff time.Time) (int, error) {
	var n int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM captured_calls WHERE id IN (SELECT id FROM captured_calls
			WHERE workspace_id = ? AND at < ? ORDER BY at LIMIT ?)`, ws, store.Timestamp(cutoff), s.batch())
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: System, Action: "capture.purged", TargetType: "workspace",
			TargetID: ws, OrgID: orgID, WorkspaceID: ws, Details: map[string]any{"count": n, "retention_days": days,
				"before": store.Timestamp(cutoff), "workspace": name}})
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// ExportResultDays is how long a completed export's result file is kept
// for saving; the job stays listed without it afterwards.
const ExportResultDays = 7

// ExpireExportResults removes the result files of exports completed more
// than ExportResultDays ago (capture.export_expired each) and returns how
// many it removed.
func (s *Service) ExpireExportResults(ctx context.Context) (int, error) {
	cutoff := store.Timestamp(s.now().Add(-ExportResultDays * 24 * time.Hour))
	rows, err := s.DB.QueryContext(ctx, `SELECT id, org_id, result_path FROM capture_export_jobs
		WHERE status = 'completed' AND result_path <> '' AND finished_at < ?`, cutoff)
	if err != nil {
		return 0, err
	}
	type result struct{ id, org, path string }
	var list []result
	for rows.Next() {
		var r result
		if err := rows.Scan(&r.id, &r.org, &r.path); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range list {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE capture_export_jobs SET result_path = '' WHERE id = ? AND result_path = ?`, r.id, r.path)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			if err := os.Remove(r.path); err != nil && !os.IsNotExist(err) {
				return err
			}
			n++
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: System, Action: "capture.export_expired",
				TargetType: "capture_export", TargetID: r.id, OrgID: r.org, Details: map[string]any{"days": ExportResultDays}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
