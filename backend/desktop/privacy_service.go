package desktop

import (
	"context"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
)

// PrivacyService is bound to the window: the organization's improvement-data
// choice and its Zero Data Retention requests.
type PrivacyService struct{ c *Core }

// NewPrivacyService binds the privacy screen to core.
func NewPrivacyService(c *Core) *PrivacyService { return &PrivacyService{c: c} }

// PersonDTO names who made a change (empty fields when unknown).
type PersonDTO struct {
	UserID    string `json:"userId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
}

// ImprovementDTO is the improvement-data choice.
type ImprovementDTO struct {
	OptedOut      bool      `json:"optedOut"`      // what holds now
	Explicit      bool      `json:"explicit"`      // someone chose; else the plans' default holds
	DefaultOptOut bool      `json:"defaultOptOut"` // the plans' default
	ChangedBy     PersonDTO `json:"changedBy"`
	ChangedAt     string    `json:"changedAt"` // "" until someone chose
}

// ZDRWorkspaceDTO is a workspace a request names.
type ZDRWorkspaceDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ZDRRequestDTO is a Zero Data Retention request and its decision.
type ZDRRequestDTO struct {
	ID           string            `json:"id"`
	Status       string            `json:"status"` // requested, approved or declined
	Reason       string            `json:"reason"`
	Contact      string            `json:"contact"`
	RequestedBy  PersonDTO         `json:"requestedBy"`
	RequestedAt  string            `json:"requestedAt"`
	DecidedAt    string            `json:"decidedAt"`
	DecisionNote string            `json:"decisionNote"`
	Workspaces   []ZDRWorkspaceDTO `json:"workspaces"`
}

// EndpointDTO is an API endpoint and whether ZDR covers it; its description
// is the message "privacy.zdr.endpoint.<key>".
type EndpointDTO struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Key     string `json:"key"`
	Covered bool   `json:"covered"`
}

// PrivacyDTO is the privacy screen.
type PrivacyDTO struct {
	Improvement ImprovementDTO  `json:"improvement"`
	Requests    []ZDRRequestDTO `json:"requests"` // newest first
	Endpoints   []EndpointDTO   `json:"endpoints"`
	CanManage   bool            `json:"canManage"` // Owner or Admin: may change the choice and file requests
	MaxReason   int             `json:"maxReason"` // characters
}

func personDTO(p privacy.Person) PersonDTO {
	return PersonDTO{UserID: p.UserID, FirstName: p.FirstName, LastName: p.LastName, Email: p.Email}
}

func improvementDTO(i privacy.Improvement) ImprovementDTO {
	return ImprovementDTO{OptedOut: i.OptedOut, Explicit: i.Explicit, DefaultOptOut: i.DefaultOptOut,
		ChangedBy: personDTO(i.ChangedBy), ChangedAt: iso(i.ChangedAt)}
}

func zdrRequestDTO(r privacy.Request) ZDRRequestDTO {
	out := ZDRRequestDTO{ID: r.ID, Status: string(r.Status), Reason: r.Reason, Contact: r.Contact,
		RequestedBy: personDTO(r.RequestedBy), RequestedAt: iso(r.RequestedAt), DecidedAt: iso(r.DecidedAt),
		DecisionNote: r.DecisionNote, Workspaces: make([]ZDRWorkspaceDTO, 0, len(r.Workspaces))}
	for _, w := range r.Workspaces {
		out.Workspaces = append(out.Workspaces, ZDRWorkspaceDTO{ID: w.ID, Name: w.Name})
	}
	return out
}

// Settings reads the privacy screen (any member).
func (s *PrivacyService) Settings() (PrivacyDTO, error) {
	return call(s.c, "privacy settings", func(ctx context.Context, a org.Actor) (PrivacyDTO, error) {
		imp, err := s.c.Privacy.Improvement(ctx, a)
		if err != nil {
			return PrivacyDTO{}, err
		}
		reqs, err := s.c.Privacy.ZDRRequests(ctx, a)
		if err != nil {
			return PrivacyDTO{}, err
		}
		role, err := org.RoleOf(ctx, s.c.DB, a)
		if err != nil {
			return PrivacyDTO{}, err
		}
		out := PrivacyDTO{Improvement: improvementDTO(imp), Requests: make([]ZDRRequestDTO, 0, len(reqs)),
			Endpoints: make([]EndpointDTO, 0, len(privacy.Endpoints)), CanManage: role.Can(org.PrivacyManage),
			MaxReason: privacy.MaxReasonLen}
		for _, r := range reqs {
			out.Requests = append(out.Requests, zdrRequestDTO(r))
		}
		for _, e := range privacy.Endpoints {
			out.Endpoints = append(out.Endpoints, EndpointDTO{Method: e.Method, Path: e.Path, Key: e.Key, Covered: e.Covered})
		}
		return out, nil
	})
}

// SetImprovementOptOut records the organization's choice (Owner or Admin).
func (s *PrivacyService) SetImprovementOptOut(optOut bool) (ImprovementDTO, error) {
	return call(s.c, "set improvement opt-out", func(ctx context.Context, a org.Actor) (ImprovementDTO, error) {
		imp, err := s.c.Privacy.SetImprovementOptOut(ctx, a, optOut)
		return improvementDTO(imp), err
	})
}

// maxRequestWorkspaces bounds the list a request may name before any work.
const maxRequestWorkspaces = 1000

// RequestZDR files a Zero Data Retention request for some of the
// organization's workspaces (Owner or Admin).
func (s *PrivacyService) RequestZDR(reason, contact string, workspaceIDs []string) (ZDRRequestDTO, error) {
	// A reason of MaxReasonLen characters may take four bytes each.
	if len(reason) > 4*privacy.MaxReasonLen {
		return ZDRRequestDTO{}, apperr.Field("reason", "zdr.reason_too_long").With("Count", privacy.MaxReasonLen)
	}
	if err := tooLong(map[string]string{"contact": contact}); err != nil {
		return ZDRRequestDTO{}, err
	}
	if len(workspaceIDs) > maxRequestWorkspaces {
		return ZDRRequestDTO{}, apperr.Field("workspaces", "input.too_long")
	}
	for _, id := range workspaceIDs {
		if err := tooLong(map[string]string{"workspaces": id}); err != nil {
			return ZDRRequestDTO{}, err
		}
	}
	return call(s.c, "request zdr", func(ctx context.Context, a org.Actor) (ZDRRequestDTO, error) {
		r, err := s.c.Privacy.RequestZDR(ctx, a, privacy.RequestInput{Reason: reason, Contact: contact, WorkspaceIDs: workspaceIDs},
			account.NormalizeEmail)
		return zdrRequestDTO(r), err
	})
}
