package account

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// Failed sign-ins are free up to freeFailures in a row; each one after that
// doubles the wait before the next attempt, up to maxDelay.
const (
	freeFailures = 3
	maxDelay     = 15 * time.Minute
)

// delayAfter is the wait imposed after the n-th failure in a row.
func delayAfter(n int) time.Duration {
	if n < freeFailures {
		return 0
	}
	d := time.Duration(math.Pow(2, float64(n-freeFailures))) * time.Second
	if d > maxDelay || d <= 0 {
		return maxDelay
	}
	return d
}

// SignIn checks an email and password and starts a new session. It answers
// the same way whether or not the email exists, and in about the same time.
func (s *Service) SignIn(ctx context.Context, rawEmail, password, device string) (Signed, error) {
	email, err := NormalizeEmail("email", rawEmail)
	if err != nil {
		return Signed{}, err
	}
	if len(password) > 4*MaxPasswordLen {
		return Signed{}, apperr.New("auth.invalid_credentials")
	}
	key := strings.ToLower(email)
	if wait, err := s.throttled(ctx, key); err != nil {
		return Signed{}, err
	} else if wait > 0 {
		return Signed{}, apperr.New("auth.throttled").With("Count", int(math.Ceil(wait.Seconds())))
	}

	var hash string
	u, err := scanUser(s.DB.QueryRowContext(ctx, `SELECT `+userCols+`, u.password_hash`+userFrom+
		`WHERE u.email = ? ORDER BY m.joined_at LIMIT 1`, email), &hash)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Signed{}, err
	}
	if !found {
		hash = dummyHash()
	}
	ok, rehash, err := checkPassword(password, hash)
	if err != nil {
		return Signed{}, err
	}
	if !found || !ok {
		if err := s.recordFailure(ctx, key, u, found); err != nil {
			return Signed{}, err
		}
		return Signed{}, apperr.New("auth.invalid_credentials")
	}
	var signed Signed
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE email = ?`, key); err != nil {
			return err
		}
		if rehash {
			if err := setPassword(ctx, tx, u.ID, password, s.now()); err != nil {
				return err
			}
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.signed_in", TargetType: "user",
			TargetID: u.ID, OrgID: u.OrgID, Details: map[string]any{"device": device}}); err != nil {
			return err
		}
		signed, err = s.startSession(ctx, tx, u, device)
		return err
	})
	return signed, err
}

func (s *Service) throttled(ctx context.Context, key string) (time.Duration, error) {
	var until string
	err := s.DB.QueryRowContext(ctx, `SELECT throttled_until FROM signin_failures WHERE email = ?`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return parseTS(until).Sub(s.now()), nil
}

// recordFailure counts a failed attempt and audits it in one transaction.
func (s *Service) recordFailure(ctx context.Context, key string, u User, found bool) error {
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT failures FROM signin_failures WHERE email = ?`, key).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		n++
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_failures(email, failures, last_failure_at, throttled_until)
			VALUES (?,?,?,?) ON CONFLICT(email) DO UPDATE SET failures = excluded.failures,
			last_failure_at = excluded.last_failure_at, throttled_until = excluded.throttled_until`,
			key, n, ts(now), ts(now.Add(delayAfter(n)))); err != nil {
			return err
		}
		ev := audit.Event{Action: "user.signin_failed", TargetType: "user", Details: map[string]any{"email": key, "failures": n}}
		if found {
			ev.TargetID, ev.OrgID = u.ID, u.OrgID
		}
		return s.Audit.Record(ctx, tx, ev)
	})
}

func setPassword(ctx context.Context, tx *sql.Tx, userID, password string, now time.Time) error {
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, ts(now), userID)
	return err
}
