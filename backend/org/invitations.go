package org

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/tokens"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// MaxInvitesAtOnce bounds one invitation request.
const MaxInvitesAtOnce = 50

// Invitation states, derived from the row and the clock.
const (
	Pending  = "pending"
	Accepted = "accepted"
	Expired  = "expired"
	Revoked  = "revoked"
)

// Invitation is one invitation as the list shows it.
type Invitation struct {
	ID           string
	Email        string
	Role         Role
	WorkspaceIDs []string
	State        string
	InvitedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

// Issued is a new invitation with its token, shown once.
type Issued struct {
	Invitation
	Token string
}

// InviteInput is one request: several addresses, one role, initial workspaces.
type InviteInput struct {
	Emails       []string
	Role         string
	WorkspaceIDs []string
}

// EmailNormalizer validates an address the way accounts do (package account
// owns the rule; the desktop wiring passes it in).
type EmailNormalizer func(field, raw string) (string, error)

// Invite issues one invitation per address. Only Team and Enterprise may
// invite; members plus pending invitations must fit the plan.
func (s *Service) Invite(ctx context.Context, a Actor, in InviteInput, normalize EmailNormalizer) ([]Issued, error) {
	if len(in.Emails) == 0 {
		return nil, apperr.Field("emails", "email.required")
	}
	if len(in.Emails) > MaxInvitesAtOnce {
		return nil, apperr.Field("emails", "invitation.too_many").With("Count", MaxInvitesAtOnce)
	}
	if !ValidRole(in.Role) || Role(in.Role) == Owner {
		return nil, apperr.Field("role", "role.unknown")
	}
	emails, err := distinctEmails(in.Emails, normalize)
	if err != nil {
		return nil, err
	}
	var out []Issued
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Authorize(ctx, tx, a, MembersManage); err != nil {
			return err
		}
		if err := s.canInvite(ctx, tx, a.OrgID, len(emails)); err != nil {
			return err
		}
		if err := workspacesInOrg(ctx, tx, a.OrgID, in.WorkspaceIDs); err != nil {
			return err
		}
		for _, email := range emails {
			iss, err := s.issue(ctx, tx, a, email, Role(in.Role), in.WorkspaceIDs)
			if err != nil {
				return err
			}
			out = append(out, iss)
		}
		return nil
	})
	return out, err
}

func distinctEmails(raw []string, normalize EmailNormalizer) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, r := range raw {
		if strings.TrimSpace(r) == "" {
			continue
		}
		e, err := normalize("emails", r)
		if err != nil {
			return nil, apperr.As(err).With("Email", strings.TrimSpace(r))
		}
		if k := strings.ToLower(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, apperr.Field("emails", "email.required")
	}
	return out, nil
}

// canInvite checks the plan: invitations at all, and room for n more people.
func (s *Service) canInvite(ctx context.Context, tx *sql.Tx, orgID string, n int) error {
	ent, err := Entitlements(ctx, tx, orgID)
	if err != nil {
		return err
	}
	if !ent.Invitations {
		return apperr.New("plan.invitations_unavailable")
	}
	var members, pending int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM org_members WHERE org_id = ?),
		(SELECT COUNT(*) FROM invitations WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?)`,
		orgID, orgID, ts(s.now())).Scan(&members, &pending); err != nil {
		return err
	}
	if !ent.AllowsMembers(members + pending + n) {
		return apperr.New("plan.member_limit").With("Count", ent.MaxMembers)
	}
	return nil
}

func workspacesInOrg(ctx context.Context, q Querier, orgID string, ids []string) error {
	for _, id := range ids {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM workspaces WHERE id = ? AND org_id = ? AND archived_at IS NULL`, id, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.Field("workspaces", "workspace.not_found")
		}
	}
	return nil
}

func (s *Service) issue(ctx context.Context, tx *sql.Tx, a Actor, email string, role Role, wsIDs []string) (Issued, error) {
	key := strings.ToLower(email)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND u.email_key = ?`, a.OrgID, key).Scan(&n); err != nil {
		return Issued{}, err
	}
	if n > 0 {
		return Issued{}, apperr.Field("emails", "invitation.already_member").With("Email", email)
	}
	now := s.now()
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM invitations WHERE org_id = ? AND email_key = ?
		AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, a.OrgID, key, ts(now)).Scan(&n); err != nil {
		return Issued{}, err
	}
	if n > 0 {
		return Issued{}, apperr.Field("emails", "invitation.already_pending").With("Email", email)
	}
	token, err := tokens.New(tokens.Invitation)
	if err != nil {
		return Issued{}, err
	}
	if wsIDs == nil {
		wsIDs = []string{}
	}
	wsJSON, _ := json.Marshal(wsIDs)
	inv := Invitation{ID: newID(), Email: email, Role: role, WorkspaceIDs: wsIDs, State: Pending, InvitedBy: a.UserID,
		CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO invitations(id, org_id, email, email_key, role, workspace_ids, token_hash,
		invited_by, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?)`, inv.ID, a.OrgID, email, key, role, string(wsJSON),
		tokens.Digest(token), a.UserID, ts(now), ts(inv.ExpiresAt)); err != nil {
		return Issued{}, err
	}
	err = s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "member.invited", TargetType: "invitation",
		TargetID: inv.ID, OrgID: a.OrgID, Details: map[string]any{"email": email, "role": role, "workspaces": wsIDs}})
	return Issued{Invitation: inv, Token: token}, err
}

// Invitations lists the organization's invitations, newest first.
func (s *Service) Invitations(ctx context.Context, a Actor) ([]Invitation, error) {
	if _, err := Authorize(ctx, s.DB, a, MembersManage); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, email, role, workspace_ids, invited_by, created_at, expires_at,
		accepted_at IS NOT NULL, revoked_at IS NOT NULL FROM invitations WHERE org_id = ? ORDER BY created_at DESC LIMIT 500`, a.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Invitation{}
	now := s.now()
	for rows.Next() {
		inv, err := scanInvitation(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, rows.Err()
}

type rowScanner interface{ Scan(...any) error }

func scanInvitation(r rowScanner, now time.Time) (Invitation, error) {
	var inv Invitation
	var ws, created, expires string
	var accepted, revoked bool
	if err := r.Scan(&inv.ID, &inv.Email, &inv.Role, &ws, &inv.InvitedBy, &created, &expires, &accepted, &revoked); err != nil {
		return Invitation{}, err
	}
	_ = json.Unmarshal([]byte(ws), &inv.WorkspaceIDs)
	inv.CreatedAt, inv.ExpiresAt = parseTS(created), parseTS(expires)
	switch {
	case accepted:
		inv.State = Accepted
	case revoked:
		inv.State = Revoked
	case !now.Before(inv.ExpiresAt):
		inv.State = Expired
	default:
		inv.State = Pending
	}
	return inv, nil
}

func (s *Service) loadInvitation(ctx context.Context, q Querier, orgID, id string) (Invitation, error) {
	inv, err := scanInvitation(q.QueryRowContext(ctx, `SELECT id, email, role, workspace_ids, invited_by, created_at, expires_at,
		accepted_at IS NOT NULL, revoked_at IS NOT NULL FROM invitations WHERE org_id = ? AND id = ?`, orgID, id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, apperr.New("invitation.not_found")
	}
	return inv, err
}

// Resend issues a new token (the old one stops working) and a new expiry for
// a pending or expired invitation.
func (s *Service) Resend(ctx context.Context, a Actor, id string) (Issued, error) {
	var out Issued
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Authorize(ctx, tx, a, MembersManage); err != nil {
			return err
		}
		inv, err := s.loadInvitation(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if inv.State != Pending && inv.State != Expired {
			return apperr.New("invitation.not_pending")
		}
		token, err := tokens.New(tokens.Invitation)
		if err != nil {
			return err
		}
		now := s.now()
		inv.CreatedAt, inv.ExpiresAt, inv.State = now, now.Add(InvitationTTL), Pending
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET token_hash = ?, created_at = ?, expires_at = ? WHERE id = ?`,
			tokens.Digest(token), ts(now), ts(inv.ExpiresAt), id); err != nil {
			return err
		}
		out = Issued{Invitation: inv, Token: token}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "invitation.resent", TargetType: "invitation",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"email": inv.Email}})
	})
	return out, err
}

// Revoke cancels a pending invitation.
func (s *Service) Revoke(ctx context.Context, a Actor, id string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Authorize(ctx, tx, a, MembersManage); err != nil {
			return err
		}
		inv, err := s.loadInvitation(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if inv.State != Pending && inv.State != Expired {
			return apperr.New("invitation.not_pending")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET revoked_at = ? WHERE id = ?`, ts(s.now()), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "invitation.revoked", TargetType: "invitation",
			TargetID: id, OrgID: a.OrgID, Details: map[string]any{"email": inv.Email}})
	})
}

// Joined is the membership an accepted invitation gave.
type Joined struct {
	OrgID string
	Role  Role
}

// Accept redeems a token for the user with userID and email, inside tx (the
// sign-up or sign-in transaction that carries it). The token works once, for
// that email only, until it expires or is revoked.
func (s *Service) Accept(ctx context.Context, tx *sql.Tx, userID, email, rawToken string) (Joined, error) {
	token, err := tokens.Parse(tokens.Invitation, rawToken)
	if err != nil {
		return Joined{}, apperr.Field("invitationToken", "invitation.invalid")
	}
	var id, orgID, invEmailKey string
	err = tx.QueryRowContext(ctx, `SELECT id, org_id, email_key FROM invitations WHERE token_hash = ?`, tokens.Digest(token)).
		Scan(&id, &orgID, &invEmailKey)
	if errors.Is(err, sql.ErrNoRows) {
		return Joined{}, apperr.Field("invitationToken", "invitation.invalid")
	}
	if err != nil {
		return Joined{}, err
	}
	inv, err := s.loadInvitation(ctx, tx, orgID, id)
	if err != nil {
		return Joined{}, err
	}
	switch {
	case inv.State == Accepted:
		return Joined{}, apperr.Field("invitationToken", "invitation.used")
	case inv.State == Revoked:
		return Joined{}, apperr.Field("invitationToken", "invitation.revoked")
	case inv.State == Expired:
		return Joined{}, apperr.Field("invitationToken", "invitation.expired")
	case strings.ToLower(email) != invEmailKey:
		return Joined{}, apperr.Field("invitationToken", "invitation.other_email")
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ? AND user_id = ?`, orgID, userID).Scan(&n); err != nil {
		return Joined{}, err
	}
	if n > 0 {
		return Joined{}, apperr.Field("invitationToken", "invitation.already_member")
	}
	if err := s.join(ctx, tx, orgID, userID, inv); err != nil {
		return Joined{}, err
	}
	return Joined{OrgID: orgID, Role: inv.Role}, s.Audit.Record(ctx, tx, audit.Event{ActorID: userID, Action: "member.joined",
		TargetType: "user", TargetID: userID, OrgID: orgID, Details: map[string]any{"invitation": id, "role": inv.Role}})
}

func (s *Service) join(ctx context.Context, tx *sql.Tx, orgID, userID string, inv Invitation) error {
	ent, err := Entitlements(ctx, tx, orgID)
	if err != nil {
		return err
	}
	var members int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ?`, orgID).Scan(&members); err != nil {
		return err
	}
	if !ent.Invitations || !ent.AllowsMembers(members+1) {
		return apperr.Field("invitationToken", "plan.member_limit").With("Count", ent.MaxMembers)
	}
	now := ts(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_members(org_id, user_id, role, joined_at, last_active_at) VALUES (?,?,?,?,?)`,
		orgID, userID, inv.Role, now, now); err != nil {
		return err
	}
	for _, ws := range inv.WorkspaceIDs {
		// A workspace archived or deleted since the invitation is skipped.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO workspace_members(workspace_id, user_id, role, added_at)
			SELECT id, ?, 'member', ? FROM workspaces WHERE id = ? AND org_id = ? AND archived_at IS NULL`, userID, now, ws, orgID); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ?`, now, userID, inv.ID)
	return err
}
