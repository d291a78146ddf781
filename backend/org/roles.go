// Package org holds organizations: roles and the permission matrix, members,
// invitations and the organization's settings. Every call takes an explicit
// actor and is authorized here, against the database, never the UI.
package org

import (
	"context"
	"database/sql"
	"errors"

	"admin-console/backend/apperr"
)

// Role is a member's role in an organization.
type Role string

const (
	Owner   Role = "owner"
	Admin   Role = "admin"
	Billing Role = "billing"
	Member  Role = "member"
)

// Roles lists the roles from most to least powerful.
var Roles = []Role{Owner, Admin, Billing, Member}

// ValidRole reports whether r is one of the roles.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if string(x) == r {
			return true
		}
	}
	return false
}

// Permission is something an organization role may be allowed to do.
type Permission string

const (
	OrgRead           Permission = "org.read"
	OrgRename         Permission = "org.rename"
	OrgDelete         Permission = "org.delete"
	OwnershipTransfer Permission = "org.transfer_ownership"
	MembersRead       Permission = "members.read"
	MembersManage     Permission = "members.manage" // invite, remove, change roles
	WorkspacesAll     Permission = "workspaces.all" // every workspace, as its admin
	WorkspacesCreate  Permission = "workspaces.create"
	KeysAll           Permission = "keys.all"
	LimitsManage      Permission = "limits.manage"
	PrivacyManage     Permission = "privacy.manage"
	DataManage        Permission = "data.manage"
	SubscriptionsEdit Permission = "subscriptions.manage"
	BillingManage     Permission = "billing.manage"
	InvoicesRead      Permission = "invoices.read"
	UsageRead         Permission = "usage.read"
	UsageImport       Permission = "usage.import"    // importing a gateway's usage export
	SpendLimits       Permission = "spend.manage"    // the organization's monthly spend limit
	SecurityManage    Permission = "security.manage" // the organization's sign-in policy (require MFA)
	OrgExport         Permission = "org.export"      // taking a copy of the organization's data
)

// Matrix is the permission matrix, written down once (the README copies it):
//
//	Owner:   everything, including transferring ownership, exporting and deleting the organization
//	Admin:   members, workspaces, keys, limits, privacy, data, sign-in policy
//	Billing: subscriptions, billing information, invoices, usage
//	Member:  only the workspaces they belong to (see package workspace)
var Matrix = map[Role]map[Permission]bool{
	Owner: set(OrgRead, OrgRename, OrgDelete, OwnershipTransfer, MembersRead, MembersManage, WorkspacesAll,
		WorkspacesCreate, KeysAll, LimitsManage, PrivacyManage, DataManage, SubscriptionsEdit, BillingManage,
		InvoicesRead, UsageRead, UsageImport, SpendLimits, SecurityManage, OrgExport),
	Admin: set(OrgRead, OrgRename, MembersRead, MembersManage, WorkspacesAll, WorkspacesCreate, KeysAll,
		LimitsManage, PrivacyManage, DataManage, UsageImport, SpendLimits, SecurityManage),
	// Spending is a finance matter too: Billing sets the organization's
	// monthly limit and imports usage, but not workspaces' rate limits.
	Billing: set(OrgRead, SubscriptionsEdit, BillingManage, InvoicesRead, UsageRead, UsageImport, SpendLimits),
	Member:  set(OrgRead),
}

func set(ps ...Permission) map[Permission]bool {
	m := make(map[Permission]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// Can reports whether role holds permission.
func (r Role) Can(p Permission) bool { return Matrix[r][p] }

// Actor is who acts: a user in the organization their session is in.
type Actor struct {
	UserID    string
	OrgID     string
	SessionID string // for recent-authentication checks
}

// Querier is what both *sql.DB and *sql.Tx offer.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// ErrForbidden is the coded error for an action the actor's role does not allow.
func ErrForbidden() *apperr.Error { return apperr.New("auth.forbidden") }

// RoleOf returns the actor's role in their organization, read from the
// database: a removed member has none and may do nothing.
func RoleOf(ctx context.Context, q Querier, a Actor) (Role, error) {
	var r string
	err := q.QueryRowContext(ctx, `SELECT role FROM org_members WHERE org_id = ? AND user_id = ?`, a.OrgID, a.UserID).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New("auth.session_expired")
	}
	return Role(r), err
}

// Authorize checks that the actor's role holds p and returns the role.
func Authorize(ctx context.Context, q Querier, a Actor, p Permission) (Role, error) {
	r, err := RoleOf(ctx, q, a)
	if err != nil {
		return "", err
	}
	if !r.Can(p) {
		return r, ErrForbidden()
	}
	return r, nil
}
