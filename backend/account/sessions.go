package account

import (
	"context"
	"database/sql"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// Session is one place where the user is signed in.
type Session struct {
	ID         string
	Device     string
	Method     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool
}

// Sessions lists the actor's live sessions, the current one first, then the
// most recently used.
func (s *Service) Sessions(ctx context.Context, actor Actor) ([]Session, error) {
	now := s.now()
	rows, err := s.DB.QueryContext(ctx, `SELECT id, device, method, created_at, last_seen_at FROM sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND last_seen_at > ?
		ORDER BY id = ? DESC, last_seen_at DESC, id`, actor.UserID, ts(now), ts(now.Add(-IdleTimeout)), actor.SessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var se Session
		var created, seen string
		if err := rows.Scan(&se.ID, &se.Device, &se.Method, &created, &seen); err != nil {
			return nil, err
		}
		se.CreatedAt, se.LastSeenAt, se.Current = parseTS(created), parseTS(seen), se.ID == actor.SessionID
		out = append(out, se)
	}
	return out, rows.Err()
}

// EndSession signs the actor out of one of their sessions (not the current
// one: signing out does that).
func (s *Service) EndSession(ctx context.Context, actor Actor, sessionID string) error {
	if sessionID == actor.SessionID {
		return apperr.New("session.is_current")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
			ts(s.now()), sessionID, actor.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New("session.not_found")
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: actor.UserID, Action: "session.ended", TargetType: "session",
			TargetID: sessionID, OrgID: actor.OrgID})
	})
}

// EndOtherSessions signs the actor out everywhere but here, and says how
// many sessions it ended.
func (s *Service) EndOtherSessions(ctx context.Context, actor Actor) (int, error) {
	var n int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL`,
			ts(s.now()), actor.UserID, actor.SessionID)
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil // nothing changed: no event
		}
		return s.Audit.Record(ctx, tx, s.selfEvent(actor, "session.ended_others", map[string]any{"count": n}))
	})
	return int(n), err
}
