// Package auditlog is the organization's audit log as its Owners and Admins
// read it (Team and Enterprise): filtered pages, exports, verification and
// the retention setting, authorized here. The chain itself — recording,
// querying, pruning and verifying — is package audit, which package org
// depends on; this package sits above both.
package auditlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/store"
)

// Retention bounds, in days.
const (
	DefaultRetentionDays = 365
	MinRetentionDays     = 1
	MaxRetentionDays     = 3650
)

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Service is the audit log of organizations.
type Service struct {
	DB  *store.DB
	Log *audit.Log
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Query asks for a page of the organization's events. Empty fields do not
// filter. From is inclusive and To exclusive (the UI sends the start of the
// day after the last day chosen, in the reader's time zone); both count in
// whole seconds.
type Query struct {
	ActorID     string
	Action      string
	TargetType  string
	WorkspaceID string
	From, To    time.Time
	Before      int64 // the cursor of the page: Page.Next of the previous one (0: newest)
	Limit       int   // 1 to MaxPageSize; 0 means DefaultPageSize
}

// authorize lets Owners and Admins (data.manage) of an organization on Team
// or Enterprise read the audit log and set its retention.
func authorize(ctx context.Context, q org.Querier, a org.Actor) error {
	return org.AuthorizeFeature(ctx, q, a, org.DataManage,
		func(e plans.Entitlements) bool { return e.AuditLogs }, "plan.audit_logs_unavailable")
}

func retentionOf(ctx context.Context, q org.Querier, orgID string) (int, error) {
	var days int
	err := q.QueryRowContext(ctx, `SELECT audit_retention_days FROM organizations WHERE id = ?`, orgID).Scan(&days)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New("auth.session_expired")
	}
	return days, err
}

// filter turns a query into the organization's filter, starting no earlier
// than its retention: an expired event that a prune could not delete yet
// (an older event of another organization still holds the chain's prefix)
// is neither shown nor exported.
func (s *Service) filter(ctx context.Context, q org.Querier, a org.Actor, in Query) (audit.Filter, error) {
	days, err := retentionOf(ctx, q, a.OrgID)
	if err != nil {
		return audit.Filter{}, err
	}
	from, to := in.From.UTC().Truncate(time.Second), in.To.UTC().Truncate(time.Second)
	if !in.From.IsZero() && !in.To.IsZero() && !to.After(from) {
		return audit.Filter{}, apperr.Field("to", "audit.range_invalid")
	}
	if cutoff := audit.Cutoff(s.now(), days); in.From.IsZero() || from.Before(cutoff) {
		from = cutoff
	}
	if in.To.IsZero() {
		to = time.Time{}
	}
	return audit.Filter{OrgID: a.OrgID, ActorID: in.ActorID, Action: in.Action, TargetType: in.TargetType,
		WorkspaceID: in.WorkspaceID, From: from, To: to}, nil
}

// Events returns one page of the organization's events, newest first.
func (s *Service) Events(ctx context.Context, a org.Actor, in Query) (audit.Page, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return audit.Page{}, err
	}
	f, err := s.filter(ctx, s.DB, a, in)
	if err != nil {
		return audit.Page{}, err
	}
	limit := in.Limit
	switch {
	case limit <= 0:
		limit = DefaultPageSize
	case limit > MaxPageSize:
		limit = MaxPageSize
	}
	return audit.Query(ctx, s.DB, f, max(in.Before, 0), limit)
}

// Overview is what the audit screen offers to filter by, and the retention.
type Overview struct {
	Actions       []string
	TargetTypes   []string
	RetentionDays int
}

// Overview returns the organization's distinct actions and target types and
// its retention setting.
func (s *Service) Overview(ctx context.Context, a org.Actor) (Overview, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return Overview{}, err
	}
	var o Overview
	var err error
	if o.RetentionDays, err = retentionOf(ctx, s.DB, a.OrgID); err != nil {
		return Overview{}, err
	}
	if o.Actions, err = audit.Actions(ctx, s.DB, a.OrgID); err != nil {
		return Overview{}, err
	}
	if o.TargetTypes, err = audit.TargetTypes(ctx, s.DB, a.OrgID); err != nil {
		return Overview{}, err
	}
	return o, nil
}

// ParseRetention reads the retention days as typed: a whole number from
// MinRetentionDays to MaxRetentionDays.
func ParseRetention(raw string) (int, error) {
	days, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || days < MinRetentionDays || days > MaxRetentionDays {
		return 0, apperr.Field("retentionDays", "audit.retention_invalid").
			With("Min", MinRetentionDays).With("Max", MaxRetentionDays)
	}
	return days, nil
}

// SetRetention changes how many days the organization keeps its events;
// the change is audited. Events past a shorter retention go at the next
// prune (and are hidden at once).
func (s *Service) SetRetention(ctx context.Context, a org.Actor, raw string) (int, error) {
	days, err := ParseRetention(raw)
	if err != nil {
		return 0, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := authorize(ctx, tx, a); err != nil {
			return err
		}
		from, err := retentionOf(ctx, tx, a.OrgID)
		if err != nil || from == days {
			return err // unchanged: nothing to write, nothing to audit
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET audit_retention_days = ? WHERE id = ?`, days, a.OrgID); err != nil {
			return err
		}
		return s.Log.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "audit.retention_changed",
			TargetType: "organization", TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"from": from, "to": days}})
	})
	if err != nil {
		return 0, err
	}
	return days, nil
}

// Prune deletes the expired prefix of the audit chain (see audit.Log.Prune)
// by each organization's retention; events of no organization, or of one
// since deleted, are kept as long as the shortest retention of any
// organization (DefaultRetentionDays when there is none). Without the audit
// key nothing is pruned and audit.ErrNoKey is returned.
func (s *Service) Prune(ctx context.Context) (audit.PruneResult, error) {
	var res audit.PruneResult
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r := audit.Retention{Days: map[string]int{}}
		rows, err := tx.QueryContext(ctx, `SELECT id, audit_retention_days FROM organizations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var days int
			if err := rows.Scan(&id, &days); err != nil {
				rows.Close()
				return err
			}
			r.Days[id] = days
			if r.Default == 0 || days < r.Default {
				r.Default = days
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return err
		}
		rows.Close()
		if r.Default == 0 {
			r.Default = DefaultRetentionDays
		}
		res, err = s.Log.Prune(ctx, tx, r, s.now())
		return err
	})
	return res, err
}

// Verification is the outcome of Verify as an organization may see it: the
// chain is one for the whole database, so a break may be in another
// organization's event, of which only the sequence number is told.
type Verification struct {
	OK        bool
	Events    int64
	BrokenSeq int64  // 0 when OK or when the head itself fails
	Kind      string // audit.Kind* when not OK
	Own       bool   // the broken event is this organization's: At and Action say which
	At        time.Time
	Action    string
}

// Verify checks the whole chain and its authenticated head, reporting
// progress (events checked, about how many there are).
func (s *Service) Verify(ctx context.Context, a org.Actor, progress func(done, total int64)) (Verification, error) {
	if err := authorize(ctx, s.DB, a); err != nil {
		return Verification{}, err
	}
	r, err := s.Log.VerifyProgress(ctx, s.DB.DB, progress)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{OK: r.OK, Events: r.Events, BrokenSeq: r.BrokenSeq, Kind: r.Kind}
	if r.BrokenSeq > 0 {
		var orgID, at, action string
		err := s.DB.QueryRowContext(ctx, `SELECT org_id, at, action FROM audit_events WHERE seq = ?`, r.BrokenSeq).Scan(&orgID, &at, &action)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Verification{}, err
		}
		if err == nil && orgID == a.OrgID {
			v.Own, v.Action = true, action
			v.At, _ = time.Parse(time.RFC3339Nano, at)
		}
	}
	return v, nil
}

// Export writes the query's events (all of them, not one page) to path as
// CSV or JSONL, streaming into a temporary file beside it that is renamed
// once complete, and records the export. progress gets the events written
// and the total. A cancelled ctx stops it, leaving no file
// (audit.export_cancelled).
func (s *Service) Export(ctx context.Context, a org.Actor, in Query, format, path string,
	progress func(done, total int64)) (int64, error) {
	if format != audit.CSV && format != audit.JSONL {
		return 0, apperr.Field("format", "audit.format_unknown")
	}
	if err := authorize(ctx, s.DB, a); err != nil {
		return 0, err
	}
	f, err := s.filter(ctx, s.DB, a, in)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return 0, apperr.New("file.write_failed").With("Path", path)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	defer tmp.Close()

	n, err := s.write(ctx, f, format, tmp, progress)
	if err != nil {
		if ctx.Err() != nil {
			return 0, apperr.New("audit.export_cancelled")
		}
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, apperr.New("file.write_failed").With("Path", path)
	}
	if err := tmp.Close(); err != nil {
		return 0, apperr.New("file.write_failed").With("Path", path)
	}
	details := map[string]any{"format": format, "count": n, "filters": filtersOf(in)}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.Log.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "audit.exported", TargetType: "audit_log",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: details}); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return apperr.New("file.write_failed").With("Path", path)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// write writes the filter's events from one snapshot.
func (s *Service) write(ctx context.Context, f audit.Filter, format string, w *os.File, progress func(done, total int64)) (int64, error) {
	tx, err := s.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := audit.Export(ctx, tx, f, format, w, progress)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return 0, apperr.New("file.write_failed").With("Path", pe.Path)
		}
		return 0, fmt.Errorf("audit export: %w", err)
	}
	return n, nil
}

// filtersOf is the query's filters as the export's audit event records them.
func filtersOf(in Query) map[string]any {
	out := map[string]any{}
	for k, v := range map[string]string{"actorId": in.ActorID, "action": in.Action, "targetType": in.TargetType,
		"workspaceId": in.WorkspaceID} {
		if v != "" {
			out[k] = v
		}
	}
	if !in.From.IsZero() {
		out["from"] = in.From.UTC().Format(time.RFC3339)
	}
	if !in.To.IsZero() {
		out["to"] = in.To.UTC().Format(time.RFC3339)
	}
	return out
}
