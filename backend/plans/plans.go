// Package plans is the catalog of what each plan allows. Every rule that
// depends on a plan asks here; no other code compares plan names.
package plans

import "fmt"

// Product is one of the platform's two products.
type Product string

const (
	Chat Product = "chat"
	API  Product = "api"
)

// Plan IDs.
const (
	Free       = "free"
	Pro        = "pro"
	Team       = "team"
	Enterprise = "enterprise"
	Experiment = "experiment"
	Scale      = "scale"
)

// Unlimited marks a count without a ceiling.
const Unlimited = -1

// RateCeiling is the most an organization's workspaces may be allowed, per
// model: requests per second, tokens per minute and tokens per month.
type RateCeiling struct {
	RequestsPerSecond int64
	TokensPerMinute   int64
	TokensPerMonth    int64
}

// Plan says what one plan of one product allows.
type Plan struct {
	ID      string
	Product Product
	// Chat plans: people.
	MaxMembers            int // Unlimited, or the most members an organization may have
	MultiMemberWorkspaces bool
	Invitations           bool
	DataCapture           bool
	AuditLogs             bool
	// ImprovementOptOut: organizations on this plan are opted out of
	// anonymized improvement data until they choose otherwise.
	ImprovementOptOut bool
	// API plans: spending and throughput.
	CostControl bool // usage review and spending limits
	Rates       RateCeiling
}

var catalog = map[string]Plan{
	Free:       {ID: Free, Product: Chat, MaxMembers: 1},
	Pro:        {ID: Pro, Product: Chat, MaxMembers: 1},
	Team:       {ID: Team, Product: Chat, MaxMembers: 150, MultiMemberWorkspaces: true, Invitations: true, DataCapture: true, AuditLogs: true, ImprovementOptOut: true},
	Enterprise: {ID: Enterprise, Product: Chat, MaxMembers: Unlimited, MultiMemberWorkspaces: true, Invitations: true, DataCapture: true, AuditLogs: true, ImprovementOptOut: true},
	Experiment: {ID: Experiment, Product: API, Rates: RateCeiling{RequestsPerSecond: 1, TokensPerMinute: 500_000, TokensPerMonth: 1_000_000_000}},
	Scale:      {ID: Scale, Product: API, CostControl: true, ImprovementOptOut: true, Rates: RateCeiling{RequestsPerSecond: 100, TokensPerMinute: 20_000_000, TokensPerMonth: 200_000_000_000}},
}

// ChatPlans and APIPlans list the plans of each product in upgrade order.
var (
	ChatPlans = []string{Free, Pro, Team, Enterprise}
	APIPlans  = []string{Experiment, Scale}
)

// Get returns a plan of product by ID.
func Get(product Product, id string) (Plan, error) {
	p, ok := catalog[id]
	if !ok || p.Product != product {
		return Plan{}, fmt.Errorf("plans: no %s plan %q", product, id)
	}
	return p, nil
}

// Entitlements is what an organization may do with its two plans together.
type Entitlements struct {
	ChatPlan              string
	APIPlan               string
	MaxMembers            int
	MultiMemberWorkspaces bool
	Invitations           bool
	DataCapture           bool
	AuditLogs             bool
	CostControl           bool
	Rates                 RateCeiling
	// ImprovementOptOutByDefault: either plan opts the organization out of
	// anonymized improvement data until it chooses.
	ImprovementOptOutByDefault bool
}

// For combines an organization's chat and API plans.
func For(chatPlan, apiPlan string) (Entitlements, error) {
	c, err := Get(Chat, chatPlan)
	if err != nil {
		return Entitlements{}, err
	}
	a, err := Get(API, apiPlan)
	if err != nil {
		return Entitlements{}, err
	}
	return Entitlements{ChatPlan: c.ID, APIPlan: a.ID, MaxMembers: c.MaxMembers,
		MultiMemberWorkspaces: c.MultiMemberWorkspaces, Invitations: c.Invitations, DataCapture: c.DataCapture,
		AuditLogs: c.AuditLogs, CostControl: a.CostControl, Rates: a.Rates,
		ImprovementOptOutByDefault: c.ImprovementOptOut || a.ImprovementOptOut}, nil
}

// AllowsMembers reports whether n members fit the plan.
func (e Entitlements) AllowsMembers(n int) bool {
	return e.MaxMembers == Unlimited || n <= e.MaxMembers
}
