// Package audit is the append-only, hash-chained audit trail. Every event is
// written in the transaction of the change it records; each event's hash
// covers its content and the previous hash, and the chain head is
// authenticated with an HMAC whose key lives in the OS keychain, so rewriting
// the database file alone is detected.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// genesis is the previous hash of the first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is one audited change.
type Event struct {
	Seq         int64          `json:"seq"`
	ID          string         `json:"id"`
	At          time.Time      `json:"at"`
	ActorID     string         `json:"actorId"`
	Action      string         `json:"action"`
	TargetType  string         `json:"targetType"`
	TargetID    string         `json:"targetId"`
	OrgID       string         `json:"orgId"`
	WorkspaceID string         `json:"workspaceId"`
	Details     map[string]any `json:"details"`
}

// Log appends events and verifies the chain. Its key authenticates the head;
// a nil key (no keychain at start) still appends chained events but leaves the
// authenticated head where it was, which Verify then reports.
type Log struct {
	key []byte
	now func() time.Time
}

// New returns a Log whose head is authenticated with key.
func New(key []byte) *Log { return &Log{key: key, now: time.Now} }

// Authenticated reports whether the log can authenticate its head.
func (l *Log) Authenticated() bool { return len(l.key) > 0 }

// Record appends e inside tx, the transaction of the change it describes.
func (l *Log) Record(ctx context.Context, tx *sql.Tx, e Event) error {
	var prevSeq int64
	prevHash := genesis
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&prevSeq, &prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read chain tail: %w", err)
	}
	e.Seq = prevSeq + 1
	e.ID = uuid.Must(uuid.NewV7()).String()
	e.At = l.now().UTC()
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	details, err := json.Marshal(e.Details)
	if err != nil {
		return fmt.Errorf("audit: details: %w", err)
	}
	row := stored{e.Seq, e.ID, e.At.Format(time.RFC3339Nano), e.ActorID, e.Action, e.TargetType, e.TargetID, e.OrgID, e.WorkspaceID, string(details)}
	hash := row.hash(prevHash)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events
		(seq, id, at, actor_id, action, target_type, target_id, org_id, workspace_id, details, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		row.Seq, row.ID, row.At, row.ActorID, row.Action, row.TargetType, row.TargetID, row.OrgID, row.WorkspaceID, row.Details, prevHash, hash); err != nil {
		return fmt.Errorf("audit: append: %w", err)
	}
	if !l.Authenticated() {
		return nil
	}
	tampered, err := l.tamperedSince(ctx, tx, prevSeq, prevHash)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_head(id, seq, hash, tampered_seq, mac) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
		tampered_seq = excluded.tampered_seq, mac = excluded.mac`,
		e.Seq, hash, tampered, l.mac(e.Seq, hash, tampered))
	return err
}

// tamperedSince checks, before the head moves on, that the chain still ends
// where the signed head says. It returns the sticky tampered mark: 0 while
// the log is intact, else the first event it can no longer vouch for.
func (l *Log) tamperedSince(ctx context.Context, tx *sql.Tx, tailSeq int64, tailHash string) (int64, error) {
	var seq, tampered int64
	var hash, mac string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash, tampered_seq, mac FROM audit_head WHERE id = 1`).Scan(&seq, &hash, &tampered, &mac)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if tailSeq == 0 {
			return 0, nil // the very first event
		}
		return 1, nil // events exist that no head ever signed
	case err != nil:
		return 0, fmt.Errorf("audit: read head: %w", err)
	case !hmac.Equal([]byte(mac), []byte(l.mac(seq, hash, tampered))):
		return 1, nil // the head itself was rewritten: nothing before is vouched for
	case tampered > 0:
		return tampered, nil
	case seq < tailSeq: // events appended past the head: forged, or written without the key
		return seq + 1, nil
	case seq > tailSeq: // events removed from the end
		return tailSeq + 1, nil
	case hash != tailHash: // the last event rewritten
		return seq, nil
	}
	return 0, nil
}

// stored is an event as its columns hold it: the hash covers exactly these.
type stored struct {
	Seq         int64  `json:"seq"`
	ID          string `json:"id"`
	At          string `json:"at"`
	ActorID     string `json:"actor_id"`
	Action      string `json:"action"`
	TargetType  string `json:"target_type"`
	TargetID    string `json:"target_id"`
	OrgID       string `json:"org_id"`
	WorkspaceID string `json:"workspace_id"`
	Details     string `json:"details"`
}

func (s stored) hash(prev string) string {
	body, _ := json.Marshal(s) // struct field order makes this canonical
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func (l *Log) mac(seq int64, hash string, tampered int64) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(strconv.FormatInt(seq, 10) + ":" + hash + ":" + strconv.FormatInt(tampered, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// Result is the outcome of Verify.
type Result struct {
	OK     bool
	Events int64
	// BrokenSeq is the first event that fails verification (0 when OK, or
	// when the failure is about the head itself).
	BrokenSeq int64
	Reason    string
}

func (r Result) String() string {
	if r.OK {
		return fmt.Sprintf("OK: %d events, chain intact, head authenticated", r.Events)
	}
	if r.BrokenSeq > 0 {
		return fmt.Sprintf("BROKEN at event %d: %s", r.BrokenSeq, r.Reason)
	}
	return "BROKEN: " + r.Reason
}

// Verify walks the whole chain in order and checks each link, then checks that
// the last event is the head the HMAC vouches for. It finds edited events (hash
// mismatch), deleted ones (gap or link mismatch, or a short chain at the head)
// and reordered ones (sequence numbers are inside the hash).
func (l *Log) Verify(ctx context.Context, db *sql.DB) (Result, error) {
	rows, err := db.QueryContext(ctx, `SELECT seq, id, at, actor_id, action, target_type, target_id,
		org_id, workspace_id, details, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	prev, expectSeq, count := genesis, int64(0), int64(0)
	first := true
	for rows.Next() {
		var s stored
		var prevHash, hash string
		if err := rows.Scan(&s.Seq, &s.ID, &s.At, &s.ActorID, &s.Action, &s.TargetType, &s.TargetID,
			&s.OrgID, &s.WorkspaceID, &s.Details, &prevHash, &hash); err != nil {
			return Result{}, err
		}
		count++
		if first {
			// The chain may start after a retention prune: trust the first
			// stored link, the HMAC'd head still pins the end.
			prev, expectSeq, first = prevHash, s.Seq, false
			if s.Seq == 1 && prevHash != genesis {
				return broken(s.Seq, "first event does not start the chain"), nil
			}
		}
		switch {
		case s.Seq != expectSeq:
			return broken(expectSeq, fmt.Sprintf("event missing (found %d next)", s.Seq)), nil
		case prevHash != prev:
			return broken(s.Seq, "link to the previous event does not match"), nil
		case s.hash(prevHash) != hash:
			return broken(s.Seq, "content does not match its hash"), nil
		}
		prev, expectSeq = hash, s.Seq+1
	}
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	return l.verifyHead(ctx, db, count, expectSeq-1, prev)
}

func (l *Log) verifyHead(ctx context.Context, db *sql.DB, count, lastSeq int64, lastHash string) (Result, error) {
	var seq, tampered int64
	var hash, mac string
	err := db.QueryRowContext(ctx, `SELECT seq, hash, tampered_seq, mac FROM audit_head WHERE id = 1`).Scan(&seq, &hash, &tampered, &mac)
	if errors.Is(err, sql.ErrNoRows) {
		if count == 0 {
			return Result{OK: true}, nil
		}
		return Result{Reason: "the chain head is missing", Events: count}, nil
	}
	if err != nil {
		return Result{}, err
	}
	if !l.Authenticated() {
		return Result{Reason: "the keychain holding the audit key is unavailable; the head cannot be checked", Events: count}, nil
	}
	if !hmac.Equal([]byte(mac), []byte(l.mac(seq, hash, tampered))) {
		return Result{Reason: "the chain head's signature does not match (the head was rewritten)", Events: count}, nil
	}
	if tampered > 0 {
		return broken(tampered, "the chain had been altered, or grown without the key, when later events were appended"), nil
	}
	switch {
	case seq > lastSeq:
		return broken(lastSeq+1, fmt.Sprintf("events %d to %d were removed from the end", lastSeq+1, seq)), nil
	case seq < lastSeq:
		return broken(seq+1, "events after the authenticated head"), nil
	case hash != lastHash:
		return broken(seq, "last event does not match the authenticated head"), nil
	}
	return Result{OK: true, Events: count}, nil
}

func broken(seq int64, reason string) Result {
	return Result{BrokenSeq: seq, Reason: reason}
}
