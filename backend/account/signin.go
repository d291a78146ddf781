package account

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sync"
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
	exp := n - freeFailures
	if exp >= 10 { // 2^10 s is already past the cap; never shift further
		return maxDelay
	}
	return min(time.Duration(1<<exp)*time.Second, maxDelay)
}

// SignIn checks an email and password and starts a new session. It answers
// the same way whether or not the email exists, and in about the same time.
func (s *Service) SignIn(ctx context.Context, rawEmail, password, device string) (Signed, error) {
	return s.SignInAndJoin(ctx, rawEmail, password, device, nil)
}

// SignInAndJoin is SignIn that, when join is set, also joins an organization
// in the same transaction (an invitation accepted at sign-in); the session
// then acts in that organization.
func (s *Service) SignInAndJoin(ctx context.Context, rawEmail, password, device string, join JoinFunc) (Signed, error) {
	email, err := NormalizeEmail("email", rawEmail)
	if err != nil {
		return Signed{}, err
	}
	if len(password) > 4*MaxPasswordLen {
		return Signed{}, apperr.New("auth.invalid_credentials")
	}
	key := EmailKey(email)
	device = TruncateDevice(device)
	// Check, attempt and count as one step per address, so parallel guesses
	// cannot all slip through before the first failure is written.
	unlock := s.attempts.lock(key)
	defer unlock()
	if err := s.checkThrottle(ctx, key); err != nil {
		return Signed{}, err
	}

	u, hash, found, err := loadSignInUser(ctx, s.DB, `u.email_key = ?`, key)
	if err != nil {
		return Signed{}, err
	}
	if !found || hash == "" {
		hash = dummyHash() // same work whether or not the account exists or has a password
	}
	ok, rehash, err := checkPassword(password, hash)
	if err != nil {
		return Signed{}, err
	}
	if !found || !ok || hash == dummyHash() {
		ev := audit.Event{Action: "user.signin_failed", TargetType: "user", Details: map[string]any{"email": key}}
		if found {
			ev.TargetID, ev.OrgID = u.ID, u.OrgID
		}
		if err := s.recordFailure(ctx, key, ev); err != nil {
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
		signed, err = s.finishFirstFactor(ctx, tx, u, "password", device, join)
		return err
	})
	return signed, err
}

// finishFirstFactor ends a successful password or provider check: with MFA
// on, it issues a challenge for the second factor (join waits for it);
// otherwise it joins, audits and starts the session.
func (s *Service) finishFirstFactor(ctx context.Context, tx *sql.Tx, u User, method, device string, join JoinFunc) (Signed, error) {
	var mfaOn bool
	if err := tx.QueryRowContext(ctx, `SELECT mfa_enabled_at IS NOT NULL FROM users WHERE id = ?`, u.ID).Scan(&mfaOn); err != nil {
		return Signed{}, err
	}
	if mfaOn {
		return s.issueChallenge(ctx, tx, u, method, device)
	}
	return s.completeSignIn(ctx, tx, u, method, device, join)
}

// completeSignIn joins (an accepted invitation), audits the sign-in and
// starts the session.
func (s *Service) completeSignIn(ctx context.Context, tx *sql.Tx, u User, method, device string, join JoinFunc) (Signed, error) {
	if join != nil {
		if err := join(ctx, tx, &u); err != nil {
			return Signed{}, err
		}
	}
	if u.OrgID == "" {
		return Signed{}, apperr.New("account.no_organization")
	}
	if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.signed_in", TargetType: "user",
		TargetID: u.ID, OrgID: u.OrgID, Details: map[string]any{"device": device, "method": method}}); err != nil {
		return Signed{}, err
	}
	return s.startSession(ctx, tx, u, device, method)
}

// loadSignInUser finds a user by a condition on u, with the organization
// they joined first, and their password hash.
func loadSignInUser(ctx context.Context, q querier, where string, arg any) (u User, hash string, found bool, err error) {
	var orgID, role sql.NullString
	u, err = scanSignIn(q.QueryRowContext(ctx, `SELECT u.id, u.email, u.first_name, u.last_name, u.language, u.created_at,
		m.org_id, m.role, u.password_hash FROM users u LEFT JOIN org_members m ON m.user_id = u.id
		WHERE `+where+` ORDER BY m.joined_at LIMIT 1`, arg), &orgID, &role, &hash)
	u.OrgID, u.Role = orgID.String, role.String
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, "", false, nil
	}
	return u, hash, err == nil, err
}

// keyedMutex serializes work per key (an email address); entries go away
// when nobody holds or waits for them.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu    sync.Mutex
	users int
}

func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.locks == nil {
		k.locks = map[string]*keyedEntry{}
	}
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.users++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		if e.users--; e.users == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

// withPasswordGuard runs a change confirmed by the actor's password under the
// same per-address delay as sign-in: a stolen session cannot be used to
// guess the password at full speed.
func (s *Service) withPasswordGuard(ctx context.Context, actor Actor, fn func() (User, error)) (User, error) {
	u, err := s.Get(ctx, actor)
	if err != nil {
		return User{}, err
	}
	key := EmailKey(u.Email)
	unlock := s.attempts.lock(key)
	defer unlock()
	if err := s.checkThrottle(ctx, key); err != nil {
		return User{}, err
	}
	out, err := fn()
	switch {
	case apperr.Code(err) == "password.wrong" || apperr.Code(err) == "mfa.code_invalid":
		action := "user.password_check_failed"
		if apperr.Code(err) == "mfa.code_invalid" {
			action = "user.mfa_failed"
		}
		ev := audit.Event{ActorID: u.ID, Action: action, TargetType: "user", TargetID: u.ID,
			OrgID: u.OrgID, Details: map[string]any{}}
		if ferr := s.recordFailure(ctx, key, ev); ferr != nil {
			return User{}, ferr
		}
	case err == nil:
		if _, err := s.DB.ExecContext(ctx, `DELETE FROM signin_failures WHERE email = ?`, key); err != nil {
			return User{}, err
		}
	}
	return out, err
}

func scanSignIn(r rowScanner, orgID, role *sql.NullString, hash *string) (User, error) {
	var u User
	var created string
	err := r.Scan(&u.ID, &u.Email, &u.FirstName, &u.LastName, &u.Language, &created, orgID, role, hash)
	u.CreatedAt = parseTS(created)
	return u, err
}

// checkThrottle refuses a password check that comes before the delay earned
// by earlier failures on key has passed, saying how many seconds remain.
func (s *Service) checkThrottle(ctx context.Context, key string) error {
	wait, err := s.throttled(ctx, key)
	if err != nil || wait <= 0 {
		return err
	}
	return apperr.New("auth.throttled").With("Count", int(math.Ceil(wait.Seconds())))
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

// recordFailure counts a failed password check and audits it (ev, with the
// count added) in one transaction.
func (s *Service) recordFailure(ctx context.Context, key string, ev audit.Event) error {
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
		ev.Details["failures"] = n
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
