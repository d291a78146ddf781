package desktop

import (
	"context"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

// call runs fn as the signed-in user and codes its error for the UI.
func call[T any](c *Core, op string, fn func(ctx context.Context, a org.Actor) (T, error)) (T, error) {
	ctx := context.Background()
	a, _, err := c.actor(ctx)
	if err != nil {
		var zero T
		return zero, c.fail(op, err)
	}
	out, err := fn(ctx, a)
	return out, c.fail(op, err)
}

func iso(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func isoPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return iso(*t)
}

// OrganizationService is bound to the window: the organization's settings,
// members and invitations.
type OrganizationService struct{ c *Core }

// NewOrganizationService binds the organization screens to core.
func NewOrganizationService(c *Core) *OrganizationService { return &OrganizationService{c: c} }

// OrgDTO is the signed-in user's organization and what they may do in it.
type OrgDTO struct {
	ID                    string          `json:"id"`
	Name                  string          `json:"name"`
	Role                  string          `json:"role"`
	ChatPlan              string          `json:"chatPlan"`
	APIPlan               string          `json:"apiPlan"`
	Currency              string          `json:"currency"`
	MemberCount           int             `json:"memberCount"`
	MaxMembers            int             `json:"maxMembers"`
	Invitations           bool            `json:"invitations"`
	MultiMemberWorkspaces bool            `json:"multiMemberWorkspaces"`
	Can                   map[string]bool `json:"can"`
	Memberships           []MembershipDTO `json:"memberships"`
}

// MembershipDTO is one organization the user belongs to.
type MembershipDTO struct {
	OrgID string `json:"orgId"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func (c *Core) orgDTO(ctx context.Context, a org.Actor, o org.Organization) (OrgDTO, error) {
	can := map[string]bool{}
	// Every permission there is (the Owner holds them all), so a screen can
	// ask about any of them.
	for p := range org.Matrix[org.Owner] {
		can[string(p)] = o.Role.Can(p)
	}
	ms, err := c.Orgs.Memberships(ctx, a.UserID)
	if err != nil {
		return OrgDTO{}, err
	}
	dto := OrgDTO{ID: o.ID, Name: o.Name, Role: string(o.Role), ChatPlan: o.Entitlements.ChatPlan, APIPlan: o.Entitlements.APIPlan,
		Currency: o.Currency, MemberCount: o.MemberCount, MaxMembers: o.Entitlements.MaxMembers,
		Invitations: o.Entitlements.Invitations, MultiMemberWorkspaces: o.Entitlements.MultiMemberWorkspaces, Can: can,
		Memberships: []MembershipDTO{}}
	for _, m := range ms {
		dto.Memberships = append(dto.Memberships, MembershipDTO{OrgID: m.OrgID, Name: m.Name, Role: string(m.Role)})
	}
	return dto, nil
}

// Get returns the organization the session acts in.
func (s *OrganizationService) Get() (OrgDTO, error) {
	return call(s.c, "organization", func(ctx context.Context, a org.Actor) (OrgDTO, error) {
		o, err := s.c.Orgs.Get(ctx, a)
		if err != nil {
			return OrgDTO{}, err
		}
		return s.c.orgDTO(ctx, a, o)
	})
}

// Rename changes the organization's name.
func (s *OrganizationService) Rename(name string) (OrgDTO, error) {
	if err := tooLong(map[string]string{"name": name}); err != nil {
		return OrgDTO{}, err
	}
	return call(s.c, "rename organization", func(ctx context.Context, a org.Actor) (OrgDTO, error) {
		o, err := s.c.Orgs.Rename(ctx, a, name)
		if err != nil {
			return OrgDTO{}, err
		}
		return s.c.orgDTO(ctx, a, o)
	})
}

// MemberDTO is one line of the members list.
type MemberDTO struct {
	UserID       string `json:"userId"`
	FirstName    string `json:"firstName"`
	LastName     string `json:"lastName"`
	Email        string `json:"email"`
	Role         string `json:"role"`
	JoinedAt     string `json:"joinedAt"`
	LastActiveAt string `json:"lastActiveAt"`
}

// MemberPageDTO is one page of members.
type MemberPageDTO struct {
	Members []MemberDTO `json:"members"`
	Total   int         `json:"total"`
}

// Members returns one page of members matching search, sorted for the
// reader's language.
func (s *OrganizationService) Members(search string, offset, limit int) (MemberPageDTO, error) {
	if err := tooLong(map[string]string{"search": search}); err != nil {
		return MemberPageDTO{}, err
	}
	return call(s.c, "members", func(ctx context.Context, a org.Actor) (MemberPageDTO, error) {
		p, err := s.c.Orgs.Members(ctx, a, org.MemberQuery{Search: search, Offset: offset, Limit: limit, Lang: s.c.Language(ctx)})
		if err != nil {
			return MemberPageDTO{}, err
		}
		out := MemberPageDTO{Total: p.Total, Members: make([]MemberDTO, 0, len(p.Members))}
		for _, m := range p.Members {
			out.Members = append(out.Members, MemberDTO{UserID: m.UserID, FirstName: m.FirstName, LastName: m.LastName,
				Email: m.Email, Role: string(m.Role), JoinedAt: iso(m.JoinedAt), LastActiveAt: iso(m.LastActiveAt)})
		}
		return out, nil
	})
}

type none struct{}

// ChangeRole gives a member another organization role.
func (s *OrganizationService) ChangeRole(userID, role string) error {
	_, err := call(s.c, "change role", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Orgs.ChangeRole(ctx, a, userID, role)
	})
	return err
}

// RemoveMember takes a member out of the organization.
func (s *OrganizationService) RemoveMember(userID string) error {
	_, err := call(s.c, "remove member", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Orgs.RemoveMember(ctx, a, userID)
	})
	return err
}

// TransferOwnership makes another member the Owner.
func (s *OrganizationService) TransferOwnership(userID string) error {
	_, err := call(s.c, "transfer ownership", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Orgs.TransferOwnership(ctx, a, userID)
	})
	return err
}

// Leave takes the user out of the organization; the session moves to
// another organization of theirs, or ends.
func (s *OrganizationService) Leave() error {
	_, err := call(s.c, "leave organization", func(ctx context.Context, a org.Actor) (none, error) {
		if err := s.c.Orgs.Leave(ctx, a); err != nil {
			return none{}, err
		}
		s.c.forget()
		return none{}, nil
	})
	return err
}

// Delete removes the organization and all its data; the name must be typed.
func (s *OrganizationService) Delete(confirmName string) error {
	if err := tooLong(map[string]string{"confirmName": confirmName}); err != nil {
		return err
	}
	_, err := call(s.c, "delete organization", func(ctx context.Context, a org.Actor) (none, error) {
		if err := s.c.Orgs.Delete(ctx, a, confirmName); err != nil {
			return none{}, err
		}
		s.c.forget()
		return none{}, nil
	})
	return err
}

// InvitationDTO is one invitation; Token is set only right after issuing.
type InvitationDTO struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Role         string   `json:"role"`
	WorkspaceIDs []string `json:"workspaceIds"`
	State        string   `json:"state"`
	CreatedAt    string   `json:"createdAt"`
	ExpiresAt    string   `json:"expiresAt"`
	Token        string   `json:"token"`
}

func invitationDTO(inv org.Invitation, token string) InvitationDTO {
	return InvitationDTO{ID: inv.ID, Email: inv.Email, Role: string(inv.Role), WorkspaceIDs: inv.WorkspaceIDs,
		State: inv.State, CreatedAt: iso(inv.CreatedAt), ExpiresAt: iso(inv.ExpiresAt), Token: token}
}

// Invite invites several addresses with one role and initial workspaces.
func (s *OrganizationService) Invite(emails []string, role string, workspaceIDs []string) ([]InvitationDTO, error) {
	return call(s.c, "invite", func(ctx context.Context, a org.Actor) ([]InvitationDTO, error) {
		issued, err := s.c.Orgs.Invite(ctx, a, org.InviteInput{Emails: emails, Role: role, WorkspaceIDs: workspaceIDs}, account.NormalizeEmail)
		if err != nil {
			return nil, err
		}
		out := make([]InvitationDTO, 0, len(issued))
		for _, iss := range issued {
			out = append(out, invitationDTO(iss.Invitation, iss.Token))
		}
		return out, nil
	})
}

// Invitations lists the organization's invitations.
func (s *OrganizationService) Invitations() ([]InvitationDTO, error) {
	return call(s.c, "invitations", func(ctx context.Context, a org.Actor) ([]InvitationDTO, error) {
		invs, err := s.c.Orgs.Invitations(ctx, a)
		if err != nil {
			return nil, err
		}
		out := make([]InvitationDTO, 0, len(invs))
		for _, inv := range invs {
			out = append(out, invitationDTO(inv, ""))
		}
		return out, nil
	})
}

// Resend issues a new code for an invitation.
func (s *OrganizationService) Resend(id string) (InvitationDTO, error) {
	return call(s.c, "resend invitation", func(ctx context.Context, a org.Actor) (InvitationDTO, error) {
		iss, err := s.c.Orgs.Resend(ctx, a, id)
		return invitationDTO(iss.Invitation, iss.Token), err
	})
}

// Revoke cancels an invitation.
func (s *OrganizationService) Revoke(id string) error {
	_, err := call(s.c, "revoke invitation", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Orgs.Revoke(ctx, a, id)
	})
	return err
}

// PlanDTO describes one plan of the catalog for the screens that explain
// what a plan allows.
type PlanDTO struct {
	ID                    string `json:"id"`
	Product               string `json:"product"`
	MaxMembers            int    `json:"maxMembers"`
	MultiMemberWorkspaces bool   `json:"multiMemberWorkspaces"`
	Invitations           bool   `json:"invitations"`
}

// Plans lists the chat plans that allow inviting members, for the message
// that says what to change.
func (s *OrganizationService) Plans() []PlanDTO {
	out := []PlanDTO{}
	for _, id := range plans.ChatPlans {
		p, _ := plans.Get(plans.Chat, id)
		out = append(out, PlanDTO{ID: p.ID, Product: string(p.Product), MaxMembers: p.MaxMembers,
			MultiMemberWorkspaces: p.MultiMemberWorkspaces, Invitations: p.Invitations})
	}
	return out
}
