// Package audit is the append-only, hash-chained audit trail. Every event is
// written in the transaction of the change it records; each event's hash
// covers its content and the previous hash, and the chain head is
// authenticated with an HMAC whose key lives in the OS keychain, so rewriting
// the database file alone is detected.
//
// The chain is one for the whole database. Retention (Prune) deletes only a
// prefix of it and signs the prune point into the head, so what remains still
// verifies from its first event to the head, and deleting the oldest events
// any other way is caught. Query and Export read an organization's events
// (query.go, export.go).
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

// WithClock returns a copy of the log that stamps events with now (tests and
// services that run on a clock of their own).
func (l *Log) WithClock(now func() time.Time) *Log {
	c := *l
	c.now = now
	return &c
}

// Authenticated reports whether the log can authenticate its head.
func (l *Log) Authenticated() bool { return len(l.key) > 0 }

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Record appends e inside tx, the transaction of the change it describes.
//
// Timestamps never run backwards along the chain: when the clock has stepped
// back since the last event, the new one keeps the last event's time. That is
// what lets a date range be read as a range of sequence numbers (query.go).
func (l *Log) Record(ctx context.Context, tx *sql.Tx, e Event) error {
	var prevSeq int64
	prevHash, prevAt := genesis, ""
	err := tx.QueryRowContext(ctx, `SELECT seq, hash, at FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&prevSeq, &prevHash, &prevAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read chain tail: %w", err)
	}
	e.Seq = prevSeq + 1
	e.ID = uuid.Must(uuid.NewV7()).String()
	e.At = l.now().UTC()
	if last, err := time.Parse(time.RFC3339Nano, prevAt); err == nil && e.At.Before(last) {
		e.At = last.UTC()
	}
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
	h, err := l.checkedHead(ctx, tx, prevSeq, prevHash)
	if err != nil {
		return err
	}
	h.Seq, h.Hash = e.Seq, hash
	return l.writeHead(ctx, tx, h)
}

// head is the authenticated chain head: the last event, the sticky tampered
// mark and the retention prune point, under one HMAC.
type chainHead struct {
	exists     bool
	Seq        int64
	Hash       string
	Tampered   int64
	PrunedSeq  int64  // the last event a retention prune deleted (0: never pruned)
	PrunedHash string // its hash, which the first stored event links to
	MAC        string
}

func readHead(ctx context.Context, q querier) (chainHead, error) {
	var h chainHead
	err := q.QueryRowContext(ctx, `SELECT seq, hash, tampered_seq, pruned_seq, pruned_hash, mac FROM audit_head WHERE id = 1`).
		Scan(&h.Seq, &h.Hash, &h.Tampered, &h.PrunedSeq, &h.PrunedHash, &h.MAC)
	if errors.Is(err, sql.ErrNoRows) {
		return chainHead{}, nil
	}
	if err != nil {
		return chainHead{}, fmt.Errorf("audit: read head: %w", err)
	}
	h.exists = true
	return h, nil
}

func (l *Log) writeHead(ctx context.Context, tx *sql.Tx, h chainHead) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_head(id, seq, hash, tampered_seq, pruned_seq, pruned_hash, mac)
		VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, tampered_seq = excluded.tampered_seq,
		pruned_seq = excluded.pruned_seq, pruned_hash = excluded.pruned_hash, mac = excluded.mac`,
		h.Seq, h.Hash, h.Tampered, h.PrunedSeq, h.PrunedHash, l.headMAC(h))
	if err != nil {
		return fmt.Errorf("audit: write head: %w", err)
	}
	return nil
}

// checkedHead checks, before the head moves on, that the chain still ends
// where the signed head says, and returns the head with its sticky tampered
// mark updated: 0 while the log is intact, else the first event it can no
// longer vouch for. The prune point is carried over as stored.
func (l *Log) checkedHead(ctx context.Context, tx *sql.Tx, tailSeq int64, tailHash string) (chainHead, error) {
	h, err := readHead(ctx, tx)
	if err != nil {
		return chainHead{}, err
	}
	switch {
	case !h.exists:
		if tailSeq != 0 {
			h.Tampered = 1 // events exist that no head ever signed
		}
	case !hmac.Equal([]byte(h.MAC), []byte(l.headMAC(h))):
		h.Tampered = 1 // the head itself was rewritten: nothing before is vouched for
	case h.Tampered > 0:
	case h.Seq < tailSeq: // events appended past the head: forged, or written without the key
		h.Tampered = h.Seq + 1
	case h.Seq > tailSeq: // events removed from the end
		h.Tampered = tailSeq + 1
	case h.Hash != tailHash: // the last event rewritten
		h.Tampered = h.Seq
	}
	return h, nil
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

// headMAC authenticates the head. A head that was never pruned keeps the
// original message ("seq:hash:tampered"), so heads signed before prune points
// existed still verify; a pruned head adds ":pruned_seq:pruned_hash".
func (l *Log) headMAC(h chainHead) string {
	msg := strconv.FormatInt(h.Seq, 10) + ":" + h.Hash + ":" + strconv.FormatInt(h.Tampered, 10)
	if h.PrunedSeq != 0 || h.PrunedHash != "" {
		msg += ":" + strconv.FormatInt(h.PrunedSeq, 10) + ":" + h.PrunedHash
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// mac is the MAC of a head that was never pruned.
func (l *Log) mac(seq int64, hash string, tampered int64) string {
	return l.headMAC(chainHead{Seq: seq, Hash: hash, Tampered: tampered})
}

// Kinds of verification failure, for a localized explanation.
const (
	KindContent       = "content"        // an event's content does not match its hash
	KindLink          = "link"           // an event does not link to the one before
	KindMissing       = "missing"        // a gap in the sequence
	KindStart         = "start"          // the chain does not start where it must (genesis or the prune point)
	KindEnd           = "end"            // events removed from the end
	KindAfterHead     = "after_head"     // events after the authenticated head
	KindHeadMismatch  = "head_mismatch"  // the last event is not the authenticated one
	KindTampered      = "tampered"       // an earlier append found the chain altered (sticky mark)
	KindHeadSignature = "head_signature" // the head was rewritten
	KindHeadMissing   = "head_missing"   // events without a head
	KindNoKey         = "no_key"         // the key is unavailable: the head cannot be checked
)

// Result is the outcome of Verify.
type Result struct {
	OK     bool
	Events int64
	// BrokenSeq is the first event that fails verification (0 when OK, or
	// when the failure is about the head itself).
	BrokenSeq int64
	Reason    string
	Kind      string // one of the Kind constants when not OK
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
// mismatch), deleted ones (gap or link mismatch, a chain that does not start
// at the signed prune point, or a short chain at the head) and reordered ones
// (sequence numbers are inside the hash).
func (l *Log) Verify(ctx context.Context, db *sql.DB) (Result, error) {
	return l.VerifyProgress(ctx, db, nil)
}

// progressEvery is how many events Verify checks between progress reports.
const progressEvery = 20_000

// VerifyProgress is Verify reporting progress (events checked so far, and
// about how many there are) every few thousand events. It reads one snapshot:
// events appended meanwhile are neither seen nor reported as missing.
func (l *Log) VerifyProgress(ctx context.Context, db *sql.DB, progress func(done, total int64)) (Result, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Result{}, err
	}
	defer tx.Rollback()
	h, err := readHead(ctx, tx)
	if err != nil {
		return Result{}, err
	}
	// Where the chain must start: at genesis, or right after the prune point
	// (whose authenticity verifyHead checks with the rest of the head).
	start, prev := int64(1), genesis
	if h.exists && h.PrunedSeq > 0 {
		start, prev = h.PrunedSeq+1, h.PrunedHash
	}
	var maxSeq sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(seq) FROM audit_events`).Scan(&maxSeq); err != nil {
		return Result{}, err
	}
	total := max(maxSeq.Int64-start+1, 0)

	rows, err := tx.QueryContext(ctx, `SELECT seq, id, at, actor_id, action, target_type, target_id,
		org_id, workspace_id, details, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	expectSeq, count := start, int64(0)
	for rows.Next() {
		var s stored
		var prevHash, hash string
		if err := rows.Scan(&s.Seq, &s.ID, &s.At, &s.ActorID, &s.Action, &s.TargetType, &s.TargetID,
			&s.OrgID, &s.WorkspaceID, &s.Details, &prevHash, &hash); err != nil {
			return Result{}, err
		}
		count++
		if count == 1 {
			switch {
			case s.Seq < start:
				return broken(s.Seq, KindStart, fmt.Sprintf("event %d lies before the start of the chain (event %d)", s.Seq, start)), nil
			case s.Seq > start:
				return broken(start, KindStart, fmt.Sprintf("events %d to %d were removed from the start of the chain", start, s.Seq-1)), nil
			case prevHash != prev && start == 1:
				return broken(s.Seq, KindStart, "first event does not start the chain"), nil
			case prevHash != prev:
				return broken(s.Seq, KindStart, "first event does not start the chain at the prune point"), nil
			}
		}
		switch {
		case s.Seq != expectSeq:
			return broken(expectSeq, KindMissing, fmt.Sprintf("event missing (found %d next)", s.Seq)), nil
		case prevHash != prev:
			return broken(s.Seq, KindLink, "link to the previous event does not match"), nil
		case s.hash(prevHash) != hash:
			return broken(s.Seq, KindContent, "content does not match its hash"), nil
		}
		prev, expectSeq = hash, s.Seq+1
		if progress != nil && count%progressEvery == 0 {
			progress(count, total)
		}
	}
	if err := rows.Err(); err != nil {
		return Result{}, err
	}
	if progress != nil {
		progress(count, count)
	}
	return l.verifyHead(h, count, expectSeq-1, prev), nil
}

func (l *Log) verifyHead(h chainHead, count, lastSeq int64, lastHash string) Result {
	if !h.exists {
		if count == 0 {
			return Result{OK: true}
		}
		return Result{Reason: "the chain head is missing", Kind: KindHeadMissing, Events: count}
	}
	if !l.Authenticated() {
		return Result{Reason: "the keychain holding the audit key is unavailable; the head cannot be checked", Kind: KindNoKey, Events: count}
	}
	if !hmac.Equal([]byte(h.MAC), []byte(l.headMAC(h))) {
		return Result{Reason: "the chain head's signature does not match (the head was rewritten)", Kind: KindHeadSignature, Events: count}
	}
	if h.Tampered > 0 {
		return broken(h.Tampered, KindTampered, "the chain had been altered, or grown without the key, when later events were appended")
	}
	switch {
	case h.Seq > lastSeq:
		return broken(lastSeq+1, KindEnd, fmt.Sprintf("events %d to %d were removed from the end", lastSeq+1, h.Seq))
	case h.Seq < lastSeq:
		return broken(h.Seq+1, KindAfterHead, "events after the authenticated head")
	case h.Hash != lastHash:
		return broken(h.Seq, KindHeadMismatch, "last event does not match the authenticated head")
	}
	return Result{OK: true, Events: count}
}

func broken(seq int64, kind, reason string) Result {
	return Result{BrokenSeq: seq, Kind: kind, Reason: reason}
}
