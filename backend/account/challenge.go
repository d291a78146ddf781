package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"admin-console/backend/apperr"
)

// A challenge is a sign-in halfway through: the first factor was right and
// the second is due. It lives a few minutes and is spent by one success.
const (
	ChallengePrefix   = "acm_"
	challengeLifetime = 5 * time.Minute
)

func (s *Service) issueChallenge(ctx context.Context, tx *sql.Tx, u User, method, device string) (Signed, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Signed{}, err
	}
	token := ChallengePrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	// Old challenges of this user are dropped: only the latest counts.
	if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE user_id = ? OR expires_at < ?`, u.ID, ts(now)); err != nil {
		return Signed{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO mfa_challenges(id, token_hash, user_id, method, device, created_at, expires_at)
		VALUES (?,?,?,?,?,?,?)`, newID(), digest(token), u.ID, method, device, ts(now), ts(now.Add(challengeLifetime))); err != nil {
		return Signed{}, err
	}
	return Signed{Challenge: token, User: User{ID: u.ID, Email: u.Email, Language: u.Language}}, nil
}

// CompleteSignIn finishes a sign-in that answered with a challenge: code is
// a TOTP code or a recovery code. Wrong codes count toward the same growing
// delay as wrong passwords. join, as for SignInAndJoin, runs only now.
func (s *Service) CompleteSignIn(ctx context.Context, challenge, code string, join JoinFunc) (Signed, error) {
	if !strings.HasPrefix(challenge, ChallengePrefix) || len(challenge) > 100 {
		return Signed{}, apperr.New("auth.challenge_expired")
	}
	var userID, method, device, expires string
	err := s.DB.QueryRowContext(ctx, `SELECT user_id, method, device, expires_at FROM mfa_challenges WHERE token_hash = ?`,
		digest(challenge)).Scan(&userID, &method, &device, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && s.now().After(parseTS(expires))) {
		return Signed{}, apperr.New("auth.challenge_expired")
	}
	if err != nil {
		return Signed{}, err
	}
	u, _, found, err := loadSignInUser(ctx, s.DB, `u.id = ?`, userID)
	if err != nil || !found {
		return Signed{}, errors.Join(apperr.New("auth.challenge_expired"), err)
	}
	key := EmailKey(u.Email)
	unlock := s.attempts.lock(key)
	defer unlock()
	if err := s.checkThrottle(ctx, key); err != nil {
		return Signed{}, err
	}
	var signed Signed
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE token_hash = ?`, digest(challenge))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 { // spent by a parallel attempt
			return apperr.New("auth.challenge_expired")
		}
		second, err := s.verifySecondFactor(ctx, tx, u.Actor(), code)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE email = ?`, key); err != nil {
			return err
		}
		signed, err = s.completeSignIn(ctx, tx, u, method+"+"+second, device, join)
		return err
	})
	if c := apperr.Code(err); c == "mfa.code_invalid" || c == "mfa.code_reused" {
		ev := s.selfEvent(u.Actor(), "user.mfa_failed", map[string]any{"email": key})
		if ferr := s.recordFailure(ctx, key, ev); ferr != nil {
			return Signed{}, ferr
		}
	}
	return signed, err
}
