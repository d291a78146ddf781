package desktop

import (
	"context"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/workspace"
)

// WorkspaceService is bound to the window: workspaces, their members,
// resources, API keys and limits.
type WorkspaceService struct{ c *Core }

// NewWorkspaceService binds the workspace screens to core.
func NewWorkspaceService(c *Core) *WorkspaceService { return &WorkspaceService{c: c} }

// WorkspaceDTO is one workspace.
type WorkspaceDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Archived    bool   `json:"archived"`
	CreatedAt   string `json:"createdAt"`
	MyRole      string `json:"myRole"`
	CanManage   bool   `json:"canManage"`
	MemberCount int    `json:"memberCount"`
	KeyCount    int    `json:"keyCount"`
}

func workspaceDTO(w workspace.Workspace) WorkspaceDTO {
	return WorkspaceDTO{ID: w.ID, Name: w.Name, Description: w.Description, Archived: w.ArchivedAt != nil,
		CreatedAt: iso(w.CreatedAt), MyRole: w.MyRole, CanManage: w.CanManage, MemberCount: w.MemberCount, KeyCount: w.KeyCount}
}

func (s *WorkspaceService) one(op string, fn func(ctx context.Context, a org.Actor) (workspace.Workspace, error)) (WorkspaceDTO, error) {
	return call(s.c, op, func(ctx context.Context, a org.Actor) (WorkspaceDTO, error) {
		w, err := fn(ctx, a)
		return workspaceDTO(w), err
	})
}

// List returns the workspaces the user may see.
func (s *WorkspaceService) List(includeArchived bool) ([]WorkspaceDTO, error) {
	return call(s.c, "workspaces", func(ctx context.Context, a org.Actor) ([]WorkspaceDTO, error) {
		ws, err := s.c.Workspaces.List(ctx, a, includeArchived)
		out := make([]WorkspaceDTO, 0, len(ws))
		for _, w := range ws {
			out = append(out, workspaceDTO(w))
		}
		return out, err
	})
}

// Current returns the workspace the user last chose ("" when none).
func (s *WorkspaceService) Current() (string, error) {
	return call(s.c, "current workspace", func(ctx context.Context, a org.Actor) (string, error) {
		return s.c.Workspaces.Current(ctx, a)
	})
}

// SetCurrent remembers the workspace the user switched to.
func (s *WorkspaceService) SetCurrent(id string) error {
	_, err := call(s.c, "switch workspace", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.SetCurrent(ctx, a, id)
	})
	return err
}

// Create makes a workspace.
func (s *WorkspaceService) Create(name, description string) (WorkspaceDTO, error) {
	if err := tooLong(map[string]string{"name": name, "description": description}); err != nil {
		return WorkspaceDTO{}, err
	}
	return s.one("create workspace", func(ctx context.Context, a org.Actor) (workspace.Workspace, error) {
		return s.c.Workspaces.Create(ctx, a, name, description)
	})
}

// Update renames and describes a workspace.
func (s *WorkspaceService) Update(id, name, description string) (WorkspaceDTO, error) {
	if err := tooLong(map[string]string{"name": name, "description": description}); err != nil {
		return WorkspaceDTO{}, err
	}
	return s.one("update workspace", func(ctx context.Context, a org.Actor) (workspace.Workspace, error) {
		return s.c.Workspaces.Update(ctx, a, id, name, description)
	})
}

// SetArchived archives or restores a workspace.
func (s *WorkspaceService) SetArchived(id string, archived bool) (WorkspaceDTO, error) {
	return s.one("archive workspace", func(ctx context.Context, a org.Actor) (workspace.Workspace, error) {
		return s.c.Workspaces.SetArchived(ctx, a, id, archived)
	})
}

// Delete removes a workspace; its name must be typed.
func (s *WorkspaceService) Delete(id, confirmName string) error {
	if err := tooLong(map[string]string{"confirmName": confirmName}); err != nil {
		return err
	}
	_, err := call(s.c, "delete workspace", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.Delete(ctx, a, id, confirmName)
	})
	return err
}

// WorkspaceMemberDTO is a person in a workspace (or one who could be).
type WorkspaceMemberDTO struct {
	UserID    string `json:"userId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	AddedAt   string `json:"addedAt"`
}

func memberDTOs(ms []workspace.Member) []WorkspaceMemberDTO {
	out := make([]WorkspaceMemberDTO, 0, len(ms))
	for _, m := range ms {
		out = append(out, WorkspaceMemberDTO{UserID: m.UserID, FirstName: m.FirstName, LastName: m.LastName, Email: m.Email,
			Role: m.Role, AddedAt: iso(m.AddedAt)})
	}
	return out
}

// Members lists a workspace's members.
func (s *WorkspaceService) Members(id string) ([]WorkspaceMemberDTO, error) {
	return call(s.c, "workspace members", func(ctx context.Context, a org.Actor) ([]WorkspaceMemberDTO, error) {
		ms, err := s.c.Workspaces.Members(ctx, a, id)
		return memberDTOs(ms), err
	})
}

// Candidates lists organization members who could be added.
func (s *WorkspaceService) Candidates(id, search string) ([]WorkspaceMemberDTO, error) {
	if err := tooLong(map[string]string{"search": search}); err != nil {
		return nil, err
	}
	return call(s.c, "workspace candidates", func(ctx context.Context, a org.Actor) ([]WorkspaceMemberDTO, error) {
		ms, err := s.c.Workspaces.Candidates(ctx, a, id, search)
		return memberDTOs(ms), err
	})
}

// AddMember puts an organization member in the workspace.
func (s *WorkspaceService) AddMember(id, userID, role string) error {
	_, err := call(s.c, "add workspace member", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.AddMember(ctx, a, id, userID, role)
	})
	return err
}

// ChangeMemberRole changes someone's workspace role.
func (s *WorkspaceService) ChangeMemberRole(id, userID, role string) error {
	_, err := call(s.c, "change workspace role", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.ChangeMemberRole(ctx, a, id, userID, role)
	})
	return err
}

// RemoveMember takes someone out of the workspace.
func (s *WorkspaceService) RemoveMember(id, userID string) error {
	_, err := call(s.c, "remove workspace member", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.RemoveMember(ctx, a, id, userID)
	})
	return err
}

// ResourceDTO is one resource.
type ResourceDTO struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	SizeBytes int64  `json:"sizeBytes"`
	CreatedBy string `json:"createdBy"`
	CreatedAt string `json:"createdAt"`
}

// ResourcePageDTO is one page of resources.
type ResourcePageDTO struct {
	Resources []ResourceDTO `json:"resources"`
	Total     int           `json:"total"`
}

// Resources lists a workspace's resources of one kind ("" for all).
func (s *WorkspaceService) Resources(id, kind string, offset, limit int) (ResourcePageDTO, error) {
	return call(s.c, "resources", func(ctx context.Context, a org.Actor) (ResourcePageDTO, error) {
		p, err := s.c.Workspaces.Resources(ctx, a, id, kind, offset, limit)
		out := ResourcePageDTO{Total: p.Total, Resources: []ResourceDTO{}}
		for _, r := range p.Resources {
			out.Resources = append(out.Resources, ResourceDTO{ID: r.ID, Kind: r.Kind, Name: r.Name, SizeBytes: r.SizeBytes,
				CreatedBy: r.CreatedBy, CreatedAt: iso(r.CreatedAt)})
		}
		return out, err
	})
}

// DeleteResource removes a resource.
func (s *WorkspaceService) DeleteResource(id, resourceID string) error {
	_, err := call(s.c, "delete resource", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.DeleteResource(ctx, a, id, resourceID)
	})
	return err
}

// KeyDTO is one API key; Secret is set only right after it is made.
type KeyDTO struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	DisplayPrefix string   `json:"displayPrefix"`
	AllowedModels []string `json:"allowedModels"`
	CreatedBy     string   `json:"createdBy"`
	CreatedAt     string   `json:"createdAt"`
	ExpiresAt     string   `json:"expiresAt"`
	LastUsedAt    string   `json:"lastUsedAt"`
	GraceUntil    string   `json:"graceUntil"`
	Status        string   `json:"status"`
	Secret        string   `json:"secret"`
}

func keyDTO(k workspace.Key, secret string) KeyDTO {
	models := k.AllowedModels
	if models == nil {
		models = []string{}
	}
	return KeyDTO{ID: k.ID, Name: k.Name, DisplayPrefix: k.DisplayPrefix, AllowedModels: models, CreatedBy: k.CreatedBy,
		CreatedAt: iso(k.CreatedAt), ExpiresAt: isoPtr(k.ExpiresAt), LastUsedAt: isoPtr(k.LastUsedAt),
		GraceUntil: isoPtr(k.GraceUntil), Status: k.Status, Secret: secret}
}

// KeyPageDTO is one page of keys.
type KeyPageDTO struct {
	Keys  []KeyDTO `json:"keys"`
	Total int      `json:"total"`
}

// Keys lists a workspace's keys.
func (s *WorkspaceService) Keys(id string, offset, limit int) (KeyPageDTO, error) {
	return call(s.c, "keys", func(ctx context.Context, a org.Actor) (KeyPageDTO, error) {
		p, err := s.c.Workspaces.Keys(ctx, a, id, offset, limit)
		out := KeyPageDTO{Total: p.Total, Keys: []KeyDTO{}}
		for _, k := range p.Keys {
			out.Keys = append(out.Keys, keyDTO(k, ""))
		}
		return out, err
	})
}

// KeyInputDTO describes a key to create; ExpiresOn is a date (YYYY-MM-DD,
// the key works through that day, UTC) or "".
type KeyInputDTO struct {
	Name          string   `json:"name"`
	ExpiresOn     string   `json:"expiresOn"`
	AllowedModels []string `json:"allowedModels"`
}

// CreateKey issues a key; the secret is in the answer and never again.
func (s *WorkspaceService) CreateKey(id string, in KeyInputDTO) (KeyDTO, error) {
	if err := tooLong(map[string]string{"name": in.Name, "expiresOn": in.ExpiresOn}); err != nil {
		return KeyDTO{}, err
	}
	var expires *time.Time
	if in.ExpiresOn != "" {
		d, err := time.Parse("2006-01-02", in.ExpiresOn)
		if err != nil {
			return KeyDTO{}, apperr.Field("expiresAt", "input.invalid_date")
		}
		end := d.Add(24 * time.Hour)
		expires = &end
	}
	return call(s.c, "create key", func(ctx context.Context, a org.Actor) (KeyDTO, error) {
		k, err := s.c.Workspaces.CreateKey(ctx, a, id, workspace.KeyInput{Name: in.Name, ExpiresAt: expires, AllowedModels: in.AllowedModels})
		return keyDTO(k.Key, k.Secret), err
	})
}

// RevokeKey ends a key at once.
func (s *WorkspaceService) RevokeKey(id, keyID string) error {
	_, err := call(s.c, "revoke key", func(ctx context.Context, a org.Actor) (none, error) {
		return none{}, s.c.Workspaces.RevokeKey(ctx, a, id, keyID)
	})
	return err
}

// RotateKey issues a new secret; the old one works for graceMinutes more.
func (s *WorkspaceService) RotateKey(id, keyID string, graceMinutes int) (KeyDTO, error) {
	return call(s.c, "rotate key", func(ctx context.Context, a org.Actor) (KeyDTO, error) {
		k, err := s.c.Workspaces.RotateKey(ctx, a, id, keyID, time.Duration(graceMinutes)*time.Minute)
		return keyDTO(k.Key, k.Secret), err
	})
}

// LimitRowDTO is one model's limits; null means none of the workspace's own.
type LimitRowDTO struct {
	Model             string `json:"model"`
	RequestsPerSecond *int64 `json:"requestsPerSecond"`
	TokensPerMinute   *int64 `json:"tokensPerMinute"`
	TokensPerMonth    *int64 `json:"tokensPerMonth"`
}

// LimitsDTO is a workspace's limits beside the organization's ceilings.
type LimitsDTO struct {
	Rows                 []LimitRowDTO `json:"rows"`
	MonthlySpend         *int64        `json:"monthlySpend"`
	Currency             string        `json:"currency"`
	OrgRequestsPerSecond int64         `json:"orgRequestsPerSecond"`
	OrgTokensPerMinute   int64         `json:"orgTokensPerMinute"`
	OrgTokensPerMonth    int64         `json:"orgTokensPerMonth"`
	OrgMonthlySpend      *int64        `json:"orgMonthlySpend"`
	CanEdit              bool          `json:"canEdit"`
}

func limitsDTO(l workspace.Limits, canEdit bool) LimitsDTO {
	out := LimitsDTO{MonthlySpend: l.MonthlySpend, Currency: l.Currency, OrgRequestsPerSecond: l.OrgCeiling.RequestsPerSecond,
		OrgTokensPerMinute: l.OrgCeiling.TokensPerMinute, OrgTokensPerMonth: l.OrgCeiling.TokensPerMonth,
		OrgMonthlySpend: l.OrgMonthlySpend, CanEdit: canEdit, Rows: []LimitRowDTO{}}
	for _, r := range l.Rows {
		out.Rows = append(out.Rows, LimitRowDTO{Model: r.Model, RequestsPerSecond: r.RequestsPerSecond,
			TokensPerMinute: r.TokensPerMinute, TokensPerMonth: r.TokensPerMonth})
	}
	return out
}

func (c *Core) canEditLimits(ctx context.Context, a org.Actor) bool {
	r, err := org.RoleOf(ctx, c.DB, a)
	return err == nil && r.Can(org.LimitsManage)
}

// GetLimits returns a workspace's limits and the organization's ceilings.
func (s *WorkspaceService) GetLimits(id string) (LimitsDTO, error) {
	return call(s.c, "limits", func(ctx context.Context, a org.Actor) (LimitsDTO, error) {
		l, err := s.c.Workspaces.GetLimits(ctx, a, id)
		return limitsDTO(l, s.c.canEditLimits(ctx, a)), err
	})
}

// LimitsInputDTO replaces a workspace's limits.
type LimitsInputDTO struct {
	Rows         []LimitRowDTO `json:"rows"`
	MonthlySpend *int64        `json:"monthlySpend"`
}

// SetLimits replaces a workspace's limits.
func (s *WorkspaceService) SetLimits(id string, in LimitsInputDTO) (LimitsDTO, error) {
	rows := make([]workspace.LimitRow, 0, len(in.Rows))
	for _, r := range in.Rows {
		rows = append(rows, workspace.LimitRow{Model: r.Model, RequestsPerSecond: r.RequestsPerSecond,
			TokensPerMinute: r.TokensPerMinute, TokensPerMonth: r.TokensPerMonth})
	}
	return call(s.c, "set limits", func(ctx context.Context, a org.Actor) (LimitsDTO, error) {
		l, err := s.c.Workspaces.SetLimits(ctx, a, id, workspace.LimitsInput{Rows: rows, MonthlySpend: in.MonthlySpend})
		return limitsDTO(l, true), err
	})
}
