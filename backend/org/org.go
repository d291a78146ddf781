package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/plans"
	"admin-console/backend/store"
)

// Service is the organization domain.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
	// RecentAuth refuses sensitive actions (changing a member's role,
	// deleting the organization) when the actor's own session last proved
	// its password too long ago; package account provides it. Nil checks
	// nothing.
	RecentAuth func(ctx context.Context, q Querier, a Actor) error

	members memberIndex
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// recentAuth asks the RecentAuth hook, when there is one, inside the
// action's transaction: after authorization and validation, before any write.
func (s *Service) recentAuth(ctx context.Context, q Querier, a Actor) error {
	if s.RecentAuth == nil {
		return nil
	}
	return s.RecentAuth(ctx, q, a)
}

// ts formats a stored timestamp with a fixed width, so that SQL compares and
// sorts the strings in time order (RFC3339Nano drops trailing zeros: there
// "…:53Z" sorts after "…:53.25Z").
// ts and parseTS read and write timestamp columns.
var (
	ts      = store.Timestamp
	parseTS = store.ParseTime
)

// Organization is an organization as its members see it.
type Organization struct {
	ID                string
	Name              string
	Currency          string
	Role              Role
	Entitlements      plans.Entitlements
	MemberCount       int
	MonthlySpendLimit *int64
	CreatedAt         time.Time
}

// Get returns the actor's organization.
func (s *Service) Get(ctx context.Context, a Actor) (Organization, error) {
	role, err := Authorize(ctx, s.DB, a, OrgRead)
	if err != nil {
		return Organization{}, err
	}
	return s.load(ctx, s.DB, a.OrgID, role)
}

func (s *Service) load(ctx context.Context, q Querier, orgID string, role Role) (Organization, error) {
	o := Organization{ID: orgID, Role: role}
	var chat, api, created string
	var spend sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT name, currency, chat_plan, api_plan, monthly_spend_limit, created_at,
		(SELECT COUNT(*) FROM org_members WHERE org_id = o.id) FROM organizations o WHERE id = ?`, orgID).
		Scan(&o.Name, &o.Currency, &chat, &api, &spend, &created, &o.MemberCount)
	if errors.Is(err, sql.ErrNoRows) {
		return Organization{}, apperr.New("auth.session_expired")
	}
	if err != nil {
		return Organization{}, err
	}
	if spend.Valid {
		o.MonthlySpendLimit = &spend.Int64
	}
	o.CreatedAt = parseTS(created)
	o.Entitlements, err = plans.For(chat, api)
	return o, err
}

// Entitlements returns what an organization's plans allow.
func Entitlements(ctx context.Context, q Querier, orgID string) (plans.Entitlements, error) {
	var chat, api string
	if err := q.QueryRowContext(ctx, `SELECT chat_plan, api_plan FROM organizations WHERE id = ?`, orgID).Scan(&chat, &api); err != nil {
		return plans.Entitlements{}, err
	}
	return plans.For(chat, api)
}

// AuthorizeFeature checks that the actor's role holds permission and then
// that the organization's plans include a feature (has reads it from the
// entitlements); unavailable is the error code when they do not. The role
// comes first, so a Member hears "not allowed", not "upgrade".
func AuthorizeFeature(ctx context.Context, q Querier, a Actor, permission Permission,
	has func(plans.Entitlements) bool, unavailable string) error {
	if _, err := Authorize(ctx, q, a, permission); err != nil {
		return err
	}
	ent, err := Entitlements(ctx, q, a.OrgID)
	if err != nil {
		return err
	}
	if !has(ent) {
		return apperr.New(unavailable)
	}
	return nil
}

// MaxNameLen bounds organization and workspace names.
const MaxNameLen = 100

// NormalizeName validates an organization or workspace name.
func NormalizeName(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case !utf8.ValidString(s):
		return "", apperr.Field(field, "name.invalid")
	case s == "":
		return "", apperr.Field(field, "name.required")
	case utf8.RuneCountInString(s) > MaxNameLen:
		return "", apperr.Field(field, "name.too_long").With("Count", MaxNameLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return "", apperr.Field(field, "name.invalid")
		}
	}
	return s, nil
}

// Rename changes the organization's name.
func (s *Service) Rename(ctx context.Context, a Actor, raw string) (Organization, error) {
	name, err := NormalizeName("name", raw)
	if err != nil {
		return Organization{}, err
	}
	var out Organization
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		role, err := Authorize(ctx, tx, a, OrgRename)
		if err != nil {
			return err
		}
		before, err := s.load(ctx, tx, a.OrgID, role)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE organizations SET name = ? WHERE id = ?`, name, a.OrgID); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "organization.renamed", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"from": before.Name, "to": name}}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, a.OrgID, role)
		return err
	})
	return out, err
}

// SetPlans puts the organization on a chat and an API plan. Subscribing with
// prices and proration arrives with billing; until then tests and the demo
// data set plans here. A plan that cannot hold what is in use is refused.
func (s *Service) SetPlans(ctx context.Context, a Actor, chatPlan, apiPlan string) (Organization, error) {
	var out Organization
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		role, err := Authorize(ctx, tx, a, SubscriptionsEdit)
		if err != nil {
			return err
		}
		before, err := s.load(ctx, tx, a.OrgID, role)
		if err != nil {
			return err
		}
		if err := ApplyPlans(ctx, tx, a.OrgID, chatPlan, apiPlan); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "plan.changed", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{
				"chat": map[string]string{"from": before.Entitlements.ChatPlan, "to": chatPlan},
				"api":  map[string]string{"from": before.Entitlements.APIPlan, "to": apiPlan}}}); err != nil {
			return err
		}
		out, err = s.load(ctx, tx, a.OrgID, role)
		return err
	})
	return out, err
}

// ApplyPlans puts an organization on plans inside the caller's transaction
// (subscriptions, the operator), refusing plans below what it uses. The
// caller authorizes and audits.
func ApplyPlans(ctx context.Context, tx *sql.Tx, orgID, chatPlan, apiPlan string) error {
	ent, err := plans.For(chatPlan, apiPlan)
	if err != nil {
		return apperr.Field("plan", "plan.unknown")
	}
	var members int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ?`, orgID).Scan(&members); err != nil {
		return err
	}
	if err := fits(ctx, tx, orgID, ent, members); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE organizations SET chat_plan = ?, api_plan = ? WHERE id = ?`, chatPlan, apiPlan, orgID)
	return err
}

// fits refuses plans below what the organization uses.
func fits(ctx context.Context, q Querier, orgID string, ent plans.Entitlements, members int) error {
	if !ent.AllowsMembers(members) {
		return apperr.New("plan.too_many_members").With("Count", members).With("Max", ent.MaxMembers)
	}
	// A workspace limit above the new plan's ceiling would leave limits that
	// can no longer be saved: lower them first.
	var above int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT l.workspace_id) FROM workspace_limits l
		JOIN workspaces w ON w.id = l.workspace_id WHERE w.org_id = ? AND
		(l.requests_per_second > ? OR l.tokens_per_minute > ? OR l.tokens_per_month > ?)`,
		orgID, ent.Rates.RequestsPerSecond, ent.Rates.TokensPerMinute, ent.Rates.TokensPerMonth).Scan(&above); err != nil {
		return err
	}
	if above > 0 {
		return apperr.New("plan.limits_above_ceiling").With("Count", above)
	}
	if !ent.MultiMemberWorkspaces {
		var crowded int
		err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT wm.workspace_id FROM workspace_members wm
			JOIN workspaces w ON w.id = wm.workspace_id WHERE w.org_id = ? GROUP BY wm.workspace_id HAVING COUNT(*) > 1)`, orgID).Scan(&crowded)
		if err != nil {
			return err
		}
		if crowded > 0 {
			return apperr.New("plan.shared_workspaces").With("Count", crowded)
		}
	}
	return nil
}

// RaisesSpendLimit tells whether a monthly spend limit going from current to
// next (nil: none) allows more spending: a higher limit, or none where there
// was one. Raising is the sensitive direction (it asks for a recent password
// proof); lowering or keeping a limit is not.
func RaisesSpendLimit(current, next *int64) bool {
	switch {
	case current == nil:
		return false // nothing allows more than no limit
	case next == nil:
		return true
	}
	return *next > *current
}

// Delete removes the organization and all its data. The name must be typed
// exactly, and the actor must have proved their password recently. Sessions
// acting in it end; its audit events stay, append-only.
func (s *Service) Delete(ctx context.Context, a Actor, confirmName string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		role, err := Authorize(ctx, tx, a, OrgDelete)
		if err != nil {
			return err
		}
		o, err := s.load(ctx, tx, a.OrgID, role)
		if err != nil {
			return err
		}
		if strings.TrimSpace(confirmName) != o.Name {
			return apperr.Field("confirmName", "confirm.name_mismatch")
		}
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return err
		}
		now := ts(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE org_id = ? AND revoked_at IS NULL`, now, a.OrgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM organizations WHERE id = ?`, a.OrgID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "organization.deleted", TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"name": o.Name, "members": o.MemberCount}})
	})
}

// Membership is one organization a user belongs to.
type Membership struct {
	OrgID string
	Name  string
	Role  Role
}

// Memberships lists the organizations userID belongs to, oldest first.
func (s *Service) Memberships(ctx context.Context, userID string) ([]Membership, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT o.id, o.name, m.role FROM org_members m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY m.joined_at`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.OrgID, &m.Name, &m.Role); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// SetPlansAsOperator puts an organization on plans for the platform operator
// (the `set-plan` command), without a member acting or a subscription.
func (s *Service) SetPlansAsOperator(ctx context.Context, orgID, chatPlan, apiPlan string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		before, err := s.load(ctx, tx, orgID, "")
		if err != nil {
			return err
		}
		if err := ApplyPlans(ctx, tx, orgID, chatPlan, apiPlan); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: "operator", Action: "plan.changed", TargetType: "organization",
			TargetID: orgID, OrgID: orgID, Details: map[string]any{
				"chat": map[string]string{"from": before.Entitlements.ChatPlan, "to": chatPlan},
				"api":  map[string]string{"from": before.Entitlements.APIPlan, "to": apiPlan}}})
	})
}
