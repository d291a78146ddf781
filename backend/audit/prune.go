package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Retention says how long events are kept, per organization.
type Retention struct {
	Days map[string]int // organization ID → days
	// Default applies to events of no organization (sign-in failures of
	// unknown emails, the prune's own summary) and of organizations that no
	// longer exist.
	Default int
}

func (r Retention) days(orgID string) int {
	if d, ok := r.Days[orgID]; ok {
		return d
	}
	return r.Default
}

// Cutoff is the oldest moment an event kept for days may carry at now: older
// events are expired. It is a whole second, as the screen's date filters are.
func Cutoff(now time.Time, days int) time.Time {
	return now.UTC().AddDate(0, 0, -days).Truncate(time.Second)
}

// PruneResult says what Prune deleted.
type PruneResult struct {
	Deleted    int64
	ThroughSeq int64            // the last deleted event (0: nothing deleted)
	PerOrg     map[string]int64 // deleted events per organization ID ("" for none)
}

// ErrNoKey: without the audit key a prune point cannot be signed, so nothing
// is pruned (the rest of the chain would no longer verify).
var ErrNoKey = errors.New("audit: the audit key is unavailable; events cannot be pruned")

// PruneAction is the action of the events a prune records.
const PruneAction = "audit.pruned"

// SystemActor is the actor of what the log does by itself (retention prunes).
const SystemActor = "system"

// Prune deletes the expired prefix of the chain inside tx: every event from
// the start up to (not including) the first one that is still within its
// organization's retention at now. An expired event behind an unexpired one
// stays until everything before it has expired too (the screens hide it).
// The newest event is never deleted: the chain continues from it.
//
// The prune point (the last deleted event's seq and hash) goes into the
// signed head, so Verify expects the chain to start right after it, and an
// event records the prune: one per organization that lost events (with its
// count and cutoff) and one summary without organization.
func (l *Log) Prune(ctx context.Context, tx *sql.Tx, r Retention, now time.Time) (PruneResult, error) {
	if !l.Authenticated() {
		return PruneResult{}, ErrNoKey
	}
	var tailSeq int64
	var tailHash string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&tailSeq, &tailHash)
	if errors.Is(err, sql.ErrNoRows) {
		return PruneResult{}, nil
	}
	if err != nil {
		return PruneResult{}, fmt.Errorf("audit: read chain tail: %w", err)
	}

	res := PruneResult{PerOrg: map[string]int64{}}
	cutoffs := map[string]time.Time{}
	var throughHash string
	rows, err := tx.QueryContext(ctx, `SELECT seq, at, org_id, hash FROM audit_events WHERE seq < ? ORDER BY seq`, tailSeq)
	if err != nil {
		return PruneResult{}, err
	}
	for rows.Next() {
		var seq int64
		var at, orgID, hash string
		if err := rows.Scan(&seq, &at, &orgID, &hash); err != nil {
			rows.Close()
			return PruneResult{}, err
		}
		cutoff, ok := cutoffs[orgID]
		if !ok {
			cutoff = Cutoff(now, r.days(orgID))
			cutoffs[orgID] = cutoff
		}
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil || !t.Before(cutoff) {
			break // still kept (or unreadable: kept, and Verify will say why)
		}
		res.Deleted++
		res.PerOrg[orgID]++
		res.ThroughSeq, throughHash = seq, hash
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return PruneResult{}, err
	}
	rows.Close()
	if res.Deleted == 0 {
		return PruneResult{}, nil
	}

	// Check the head against the tail before anything moves, as an append
	// does: a rewritten chain keeps its sticky mark through the prune.
	h, err := l.checkedHead(ctx, tx, tailSeq, tailHash)
	if err != nil {
		return PruneResult{}, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM audit_events WHERE seq <= ?`, res.ThroughSeq); err != nil {
		return PruneResult{}, fmt.Errorf("audit: prune: %w", err)
	}
	h.Seq, h.Hash = tailSeq, tailHash
	h.PrunedSeq, h.PrunedHash = res.ThroughSeq, throughHash
	if err := l.writeHead(ctx, tx, h); err != nil {
		return PruneResult{}, err
	}

	orgs := make([]string, 0, len(res.PerOrg))
	for id := range res.PerOrg {
		if _, exists := r.Days[id]; exists && id != "" {
			orgs = append(orgs, id)
		}
	}
	sort.Strings(orgs)
	for _, id := range orgs {
		if err := l.Record(ctx, tx, Event{ActorID: SystemActor, Action: PruneAction, TargetType: "audit_log", TargetID: id,
			OrgID: id, Details: map[string]any{"count": res.PerOrg[id], "retentionDays": r.days(id),
				"before": cutoffs[id].Format(time.RFC3339)}}); err != nil {
			return PruneResult{}, err
		}
	}
	err = l.Record(ctx, tx, Event{ActorID: SystemActor, Action: PruneAction, TargetType: "audit_log",
		Details: map[string]any{"count": res.Deleted, "throughSeq": res.ThroughSeq}})
	return res, err
}
