package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// RecentAuthWindow is how long a sign-in or password confirmation counts as
// recent for sensitive actions (creating an API key, say).
const RecentAuthWindow = 10 * time.Minute

// RequireRecentAuth refuses with auth.reauth_required when the actor's
// session last proved its password more than RecentAuthWindow ago.
func (s *Service) RequireRecentAuth(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, actor Actor) error {
	var at string
	err := q.QueryRowContext(ctx, `SELECT authenticated_at FROM sessions WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
		actor.SessionID, actor.UserID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New("auth.session_expired")
	}
	if err != nil {
		return err
	}
	if s.now().Sub(parseTS(at)) > RecentAuthWindow {
		return apperr.New("auth.reauth_required")
	}
	return nil
}

// Reauthenticate confirms the actor's password and marks their session as
// recently authenticated. Wrong passwords count toward the sign-in delay.
func (s *Service) Reauthenticate(ctx context.Context, actor Actor, password string) error {
	_, err := s.withPasswordGuard(ctx, actor, func() (User, error) {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.confirmPassword(ctx, tx, actor.UserID, password); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE sessions SET authenticated_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
				ts(s.now()), actor.SessionID, actor.UserID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return apperr.New("auth.session_expired")
			}
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: actor.UserID, Action: "user.reauthenticated",
				TargetType: "session", TargetID: actor.SessionID, OrgID: actor.OrgID})
		})
		return User{}, err
	})
	return err
}

// SwitchOrganization makes the actor's session act in another organization
// they belong to.
func (s *Service) SwitchOrganization(ctx context.Context, actor Actor, orgID string) (User, error) {
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ? AND user_id = ?`, orgID, actor.UserID).Scan(&n); err != nil {
		return User{}, err
	}
	if n == 0 {
		return User{}, apperr.New("organization.not_found")
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET org_id = ? WHERE id = ? AND user_id = ?`, orgID, actor.SessionID, actor.UserID); err != nil {
		return User{}, err
	}
	return s.Get(ctx, Actor{UserID: actor.UserID, OrgID: orgID, SessionID: actor.SessionID})
}
