package privacy

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

// Improvement is the organization's choice about anonymized improvement data.
type Improvement struct {
	// OptedOut is what holds now: the explicit choice, else the plan's default.
	OptedOut bool
	// Explicit tells whether someone chose; until then the default follows
	// the plans, and changes with them.
	Explicit bool
	// DefaultOptOut is the plans' default (opted out on Team, Enterprise and Scale).
	DefaultOptOut bool
	// ChangedBy and ChangedAt say who chose last and when (zero until someone did).
	ChangedBy Person
	ChangedAt time.Time
}

// Improvement reads the organization's improvement-data setting (any member may).
func (s *Service) Improvement(ctx context.Context, a org.Actor) (Improvement, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.OrgRead); err != nil {
		return Improvement{}, err
	}
	return improvement(ctx, s.DB, a.OrgID)
}

func improvement(ctx context.Context, q org.Querier, orgID string) (Improvement, error) {
	var chat, api, by, at string
	var choice sql.NullBool
	err := q.QueryRowContext(ctx, `SELECT chat_plan, api_plan, improvement_opt_out, improvement_changed_by, improvement_changed_at
		FROM organizations WHERE id = ?`, orgID).Scan(&chat, &api, &choice, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return Improvement{}, apperr.New("auth.session_expired")
	}
	if err != nil {
		return Improvement{}, err
	}
	ent, err := plans.For(chat, api)
	if err != nil {
		return Improvement{}, err
	}
	out := Improvement{DefaultOptOut: ent.ImprovementOptOutByDefault, OptedOut: ent.ImprovementOptOutByDefault,
		Explicit: choice.Valid, ChangedAt: parseTS(at)}
	if choice.Valid {
		out.OptedOut = choice.Bool
	}
	if by != "" {
		if out.ChangedBy, err = person(ctx, q, by); err != nil {
			return Improvement{}, err
		}
	}
	return out, nil
}

// SetImprovementOptOut records the organization's explicit choice (Owner or
// Admin). Choosing what already holds by default still records it: the
// choice then no longer follows a plan change. Choosing again what was
// explicitly chosen changes nothing and records nothing.
func (s *Service) SetImprovementOptOut(ctx context.Context, a org.Actor, optOut bool) (Improvement, error) {
	var out Improvement
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.PrivacyManage); err != nil {
			return err
		}
		before, err := improvement(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if before.Explicit && before.OptedOut == optOut {
			out = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET improvement_opt_out = ?, improvement_changed_by = ?,
			improvement_changed_at = ? WHERE id = ?`, optOut, a.UserID, ts(s.now()), a.OrgID); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "privacy.improvement_changed",
			TargetType: "organization", TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{
				"optedOut": optOut, "previous": before.OptedOut, "previousWasDefault": !before.Explicit}}); err != nil {
			return err
		}
		out, err = improvement(ctx, tx, a.OrgID)
		return err
	})
	return out, err
}
