package org

import (
	"context"
	"database/sql"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// SecurityPolicy is the organization's sign-in policy.
type SecurityPolicy struct {
	RequireMFA bool
	// MembersWithoutMFA counts who will be led through enrolment at their
	// next sign-in while the policy is on.
	MembersWithoutMFA int
}

// Security reads the sign-in policy (any member may: it applies to them).
func (s *Service) Security(ctx context.Context, a Actor) (SecurityPolicy, error) {
	if _, err := Authorize(ctx, s.DB, a, OrgRead); err != nil {
		return SecurityPolicy{}, err
	}
	return securityPolicy(ctx, s.DB, a.OrgID)
}

func securityPolicy(ctx context.Context, q Querier, orgID string) (SecurityPolicy, error) {
	var p SecurityPolicy
	err := q.QueryRowContext(ctx, `SELECT o.require_mfa = 1,
		(SELECT COUNT(*) FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = o.id AND u.mfa_enabled_at IS NULL)
		FROM organizations o WHERE o.id = ?`, orgID).Scan(&p.RequireMFA, &p.MembersWithoutMFA)
	return p, err
}

// SetRequireMFA turns the "every member needs MFA" policy on or off. Turning
// it on takes MFA on the actor's own account first (they would otherwise be
// locked into enrolment by their own click), and like other MFA changes a
// recent authentication.
func (s *Service) SetRequireMFA(ctx context.Context, a Actor, on bool) (SecurityPolicy, error) {
	var out SecurityPolicy
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Authorize(ctx, tx, a, SecurityManage); err != nil {
			return err
		}
		before, err := securityPolicy(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if before.RequireMFA == on {
			out = before
			return nil
		}
		if on {
			var mine bool
			if err := tx.QueryRowContext(ctx, `SELECT mfa_enabled_at IS NOT NULL FROM users WHERE id = ?`, a.UserID).Scan(&mine); err != nil {
				return err
			}
			if !mine {
				return apperr.New("mfa.policy_needs_own_mfa")
			}
		}
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET require_mfa = ? WHERE id = ?`, on, a.OrgID); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "organization.mfa_policy_changed",
			TargetType: "organization", TargetID: a.OrgID, OrgID: a.OrgID,
			Details: map[string]any{"requireMFA": on, "membersWithoutMFA": before.MembersWithoutMFA}}); err != nil {
			return err
		}
		out, err = securityPolicy(ctx, tx, a.OrgID)
		return err
	})
	return out, err
}
