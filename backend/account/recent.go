package account

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// querier reads inside or outside a transaction.
type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// RecentAuthWindow is how long a sign-in or password confirmation counts as
// recent for sensitive actions (creating an API key, say).
const RecentAuthWindow = 10 * time.Minute

// RequireRecentAuth refuses with auth.reauth_required when the actor's
// session last proved its password more than RecentAuthWindow ago.
func (s *Service) RequireRecentAuth(ctx context.Context, q querier, actor Actor) error {
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

// Reauthenticate confirms the actor's password — and, with MFA on, a code
// or recovery code — and marks their session as recently authenticated.
// Wrong passwords and codes count toward the sign-in delay.
func (s *Service) Reauthenticate(ctx context.Context, actor Actor, password, code string) error {
	_, err := s.withPasswordGuard(ctx, actor, func() (User, error) {
		return User{}, s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.confirmPassword(ctx, tx, actor.UserID, password); err != nil {
				return err
			}
			return s.markAuthenticated(ctx, tx, actor, "password", code)
		})
	})
	return err
}

// markAuthenticated finishes a re-authentication whose first factor was
// checked: it asks the second factor when MFA is on, then refreshes the
// session's authentication time and audits how it was proved.
func (s *Service) markAuthenticated(ctx context.Context, tx *sql.Tx, actor Actor, method, code string) error {
	st, err := mfaStatus(ctx, tx, actor.UserID)
	if err != nil {
		return err
	}
	if st.Enabled {
		second, err := s.verifySecondFactor(ctx, tx, actor, code)
		if err != nil {
			return err
		}
		method += "+" + second
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
		TargetType: "session", TargetID: actor.SessionID, OrgID: actor.OrgID, Details: map[string]any{"method": method}})
}

// requireRecentAuthWithMFA asks for a recent authentication only when MFA is
// on: without it, the password a form confirms is the whole proof.
func (s *Service) requireRecentAuthWithMFA(ctx context.Context, tx *sql.Tx, actor Actor) error {
	st, err := mfaStatus(ctx, tx, actor.UserID)
	if err != nil || !st.Enabled {
		return err
	}
	return s.RequireRecentAuth(ctx, tx, actor)
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
