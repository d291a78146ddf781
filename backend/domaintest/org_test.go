package domaintest_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/workspace"
)

// ---------------------------------------------------------------- the permission matrix

// TestPermissionMatrix checks every organization action for every role
// (backend/org/roles.go): Owner everything; Admin members and the
// organization's name but neither its plans, nor ownership, nor deleting it;
// Billing only subscriptions (SetPlans); Member nothing but reading the
// organization. Workspace membership changes nothing here.
// The workspace actions' matrix is in backend/workspace/workspace_test.go.
func TestOrgPermissionMatrix(t *testing.T) {
	//                                owner admin billing member  member+ws  member+ws  billing+ws
	//                                                            -member    -admin     -member
	rows := []matrixRow{
		{"Get", [columns]string{OK, OK, OK, OK, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.org.Get(e.ctx, a); return err }},
		{"Rename", [columns]string{OK, OK, F, F, F, F, F}, []string{"organization.renamed"},
			func(e *env, f *fixture, a org.Actor) error { _, err := e.org.Rename(e.ctx, a, "Renamed"); return err }},
		{"SetPlans", [columns]string{OK, F, OK, F, F, F, OK}, []string{"plan.changed"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.org.SetPlans(e.ctx, a, "team", "scale")
				return err
			}},
		{"Members", [columns]string{OK, OK, F, F, F, F, F}, nil,
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.org.Members(e.ctx, a, org.MemberQuery{})
				return err
			}},
		{"ChangeRole", [columns]string{OK, OK, F, F, F, F, F}, []string{"member.role_changed"},
			func(e *env, f *fixture, a org.Actor) error { return e.org.ChangeRole(e.ctx, a, f.target.ID, "billing") }},
		{"RemoveMember", [columns]string{OK, OK, F, F, F, F, F}, []string{"member.removed"},
			func(e *env, f *fixture, a org.Actor) error { return e.org.RemoveMember(e.ctx, a, f.target.ID) }},
		{"TransferOwnership", [columns]string{OK, F, F, F, F, F, F}, []string{"organization.ownership_transferred"},
			func(e *env, f *fixture, a org.Actor) error { return e.org.TransferOwnership(e.ctx, a, f.target.ID) }},
		{"Delete", [columns]string{OK, F, F, F, F, F, F}, []string{"organization.deleted"},
			func(e *env, f *fixture, a org.Actor) error { return e.org.Delete(e.ctx, a, f.orgName) }},
		{"Invite", [columns]string{OK, OK, F, F, F, F, F}, []string{"member.invited"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.org.Invite(e.ctx, a, org.InviteInput{Emails: []string{"new.person@example.com"}, Role: "member",
					WorkspaceIDs: []string{f.w}}, account.NormalizeEmail)
				return err
			}},
		{"Invitations", [columns]string{OK, OK, F, F, F, F, F}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.org.Invitations(e.ctx, a); return err }},
		{"Resend", [columns]string{OK, OK, F, F, F, F, F}, []string{"invitation.resent"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.org.Resend(e.ctx, a, f.invitationID)
				return err
			}},
		{"Revoke", [columns]string{OK, OK, F, F, F, F, F}, []string{"invitation.revoked"},
			func(e *env, f *fixture, a org.Actor) error { return e.org.Revoke(e.ctx, a, f.invitationID) }},
	}
	runMatrix(t, rows)
}

// The Go matrix itself, as the README states it.
func TestRoleMatrixTable(t *testing.T) {
	want := map[org.Role][]org.Permission{
		org.Owner: {org.OrgRead, org.OrgRename, org.OrgDelete, org.OwnershipTransfer, org.MembersRead, org.MembersManage,
			org.WorkspacesAll, org.WorkspacesCreate, org.KeysAll, org.LimitsManage, org.PrivacyManage, org.DataManage,
			org.SubscriptionsEdit, org.BillingManage, org.InvoicesRead, org.UsageRead},
		org.Admin: {org.OrgRead, org.OrgRename, org.MembersRead, org.MembersManage, org.WorkspacesAll, org.WorkspacesCreate,
			org.KeysAll, org.LimitsManage, org.PrivacyManage, org.DataManage},
		org.Billing: {org.OrgRead, org.SubscriptionsEdit, org.BillingManage, org.InvoicesRead, org.UsageRead},
		org.Member:  {org.OrgRead},
	}
	all := want[org.Owner]
	for _, r := range org.Roles {
		for _, p := range all {
			if got, exp := r.Can(p), slices.Contains(want[r], p); got != exp {
				t.Errorf("%s.Can(%s) = %v, want %v", r, p, got, exp)
			}
		}
	}
	if org.Role("root").Can(org.OrgRead) || org.ValidRole("root") || org.ValidRole("") || !org.ValidRole("billing") {
		t.Error("an unknown role holds a permission or is valid")
	}
}

// ---------------------------------------------------------------- isolation

// TestCrossTenantOrganization: an Owner of A reaches nothing of B by ID.
func TestCrossTenantOrganization(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("alice@a.example.com", "Alice", "Anders")
	b := e.signUp("bob@b.example.com", "Bob", "Berg")
	e.team(a)
	e.team(b)
	bMember := e.join(b, "bert@b.example.com", "Bert", "Berg", org.Member)
	bInv := e.invite(b, "later@b.example.com", org.Admin)
	bWS := e.defaultWorkspace(b)
	A := a.Actor()
	before := e.snapshot()

	cases := []struct {
		name, code string
		run        func() error
	}{
		{"ChangeRole of B's member", "member.not_found", func() error { return e.org.ChangeRole(e.ctx, A, bMember.ID, "admin") }},
		{"ChangeRole of B's owner", "member.not_found", func() error { return e.org.ChangeRole(e.ctx, A, b.ID, "member") }},
		{"RemoveMember B's member", "member.not_found", func() error { return e.org.RemoveMember(e.ctx, A, bMember.ID) }},
		{"RemoveMember B's owner", "member.not_found", func() error { return e.org.RemoveMember(e.ctx, A, b.ID) }},
		{"TransferOwnership to B's owner", "member.not_found", func() error { return e.org.TransferOwnership(e.ctx, A, b.ID) }},
		{"Resend B's invitation", "invitation.not_found", func() error { _, err := e.org.Resend(e.ctx, A, bInv.ID); return err }},
		{"Revoke B's invitation", "invitation.not_found", func() error { return e.org.Revoke(e.ctx, A, bInv.ID) }},
		{"Invite into B's workspace", "workspace.not_found", func() error {
			_, err := e.org.Invite(e.ctx, A, org.InviteInput{Emails: []string{"x@a.example.com"}, Role: "member",
				WorkspaceIDs: []string{bWS}}, account.NormalizeEmail)
			return err
		}},
		// An actor naming an organization they are not in is nobody there.
		{"Get B claiming its ID", "auth.session_expired", func() error {
			_, err := e.org.Get(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID})
			return err
		}},
		{"Rename B claiming its ID", "auth.session_expired", func() error {
			_, err := e.org.Rename(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, "Mine now")
			return err
		}},
		{"Delete B claiming its ID", "auth.session_expired", func() error {
			return e.org.Delete(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, "Bob Berg's organization")
		}},
		{"Members of B claiming its ID", "auth.session_expired", func() error {
			_, err := e.org.Members(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, org.MemberQuery{})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCode(t, c.run(), c.code) })
	}
	e.unchanged(t, before)

	page := must(e.org.Members(e.ctx, A, org.MemberQuery{Limit: 200}))(t)
	if page.Total != 1 || len(page.Members) != 1 || page.Members[0].UserID != a.ID {
		t.Errorf("A's members = %+v", page)
	}
	if invs := must(e.org.Invitations(e.ctx, A))(t); len(invs) != 0 {
		t.Errorf("A sees invitations %+v", invs)
	}
	if ms := must(e.org.Memberships(e.ctx, a.ID))(t); len(ms) != 1 || ms[0].OrgID != a.OrgID || ms[0].Role != org.Owner {
		t.Errorf("A's memberships = %+v", ms)
	}
}

// ---------------------------------------------------------------- owners

func TestLastOwnerCannotLeaveBeRemovedOrDemoted(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	adm := e.join(o, "adam@example.com", "Adam", "Admin", org.Admin)
	mem := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	before := e.snapshot()

	wantCode(t, e.org.Leave(e.ctx, o.Actor()), "member.last_owner")
	wantCode(t, e.org.RemoveMember(e.ctx, o.Actor(), o.ID), "member.last_owner")
	wantCode(t, e.org.ChangeRole(e.ctx, o.Actor(), o.ID, "admin"), "member.last_owner")
	// An Admin may neither change nor remove an Owner, nor make anyone one.
	wantCode(t, e.org.ChangeRole(e.ctx, adm.Actor(), o.ID, "member"), "auth.forbidden")
	wantCode(t, e.org.RemoveMember(e.ctx, adm.Actor(), o.ID), "auth.forbidden")
	wantCode(t, e.org.ChangeRole(e.ctx, adm.Actor(), mem.ID, "owner"), "auth.forbidden")
	wantCode(t, e.org.ChangeRole(e.ctx, adm.Actor(), adm.ID, "owner"), "auth.forbidden")
	wantCode(t, e.org.TransferOwnership(e.ctx, adm.Actor(), adm.ID), "auth.forbidden")
	// Bad input.
	wantCode(t, e.org.ChangeRole(e.ctx, o.Actor(), mem.ID, "superuser"), "role.unknown")
	wantCode(t, e.org.ChangeRole(e.ctx, o.Actor(), "no-such-user", "admin"), "member.not_found")
	e.unchanged(t, before)

	// Setting the role someone already has changes nothing and records nothing.
	ok(t, e.org.ChangeRole(e.ctx, o.Actor(), o.ID, "owner"))
	ok(t, e.org.ChangeRole(e.ctx, adm.Actor(), mem.ID, "member"))
	e.unchanged(t, before)

	// With two Owners, either may be demoted, removed or leave.
	mark := e.mark()
	ok(t, e.org.ChangeRole(e.ctx, o.Actor(), adm.ID, "owner"))
	ok(t, e.org.ChangeRole(e.ctx, adm.Actor(), o.ID, "admin")) // adm is now the only Owner
	wantCode(t, e.org.RemoveMember(e.ctx, o.Actor(), adm.ID), "auth.forbidden")
	wantCode(t, e.org.Leave(e.ctx, adm.Actor()), "member.last_owner")
	ok(t, e.org.ChangeRole(e.ctx, adm.Actor(), o.ID, "owner"))
	ok(t, e.org.Leave(e.ctx, o.Actor()))
	evs := e.wantEvents(t, mark, "member.role_changed", "member.role_changed", "member.role_changed", "member.left")
	var d map[string]any
	ok(t, json.Unmarshal([]byte(evs[1].Details), &d))
	if evs[1].ActorID != adm.ID || evs[1].TargetID != o.ID || d["from"] != "owner" || d["to"] != "admin" || d["email"] != o.Email {
		t.Errorf("role change event = %+v", evs[1])
	}
	if evs[3].ActorID != o.ID || evs[3].TargetID != o.ID || evs[3].OrgID != o.OrgID {
		t.Errorf("leave event = %+v", evs[3])
	}
	_, err := e.org.Get(e.ctx, o.Actor())
	wantCode(t, err, "auth.session_expired")
	if n := e.count(`SELECT COUNT(*) FROM workspace_members WHERE user_id = ?`, o.ID); n != 0 {
		t.Errorf("the member who left is still in %d workspaces", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM sessions WHERE user_id = ? AND org_id = ? AND revoked_at IS NULL`, o.ID, o.OrgID); n != 0 {
		t.Errorf("%d sessions of the member who left still act in the organization", n)
	}

	// An Owner removes another Owner once there are two.
	mark = e.mark()
	ok(t, e.org.ChangeRole(e.ctx, adm.Actor(), mem.ID, "owner"))
	ok(t, e.org.RemoveMember(e.ctx, adm.Actor(), mem.ID))
	e.wantEvents(t, mark, "member.role_changed", "member.removed")
	if n := e.count(`SELECT COUNT(*) FROM org_members WHERE org_id = ? AND role = 'owner'`, adm.OrgID); n != 1 {
		t.Errorf("%d owners left", n)
	}
}

func TestTransferOwnershipSwapsRoles(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	before := e.snapshot()
	wantCode(t, e.org.TransferOwnership(e.ctx, o.Actor(), o.ID), "member.already_owner")
	wantCode(t, e.org.TransferOwnership(e.ctx, o.Actor(), "nobody"), "member.not_found")
	wantCode(t, e.org.TransferOwnership(e.ctx, m.Actor(), m.ID), "auth.forbidden")
	e.unchanged(t, before)

	mark := e.mark()
	ok(t, e.org.TransferOwnership(e.ctx, o.Actor(), m.ID))
	evs := e.wantEvents(t, mark, "organization.ownership_transferred")
	if evs[0].ActorID != o.ID || evs[0].TargetID != m.ID || !strings.Contains(evs[0].Details, `"previousRole":"member"`) {
		t.Errorf("event = %+v", evs[0])
	}
	if got := must(e.org.Get(e.ctx, o.Actor()))(t).Role; got != org.Admin {
		t.Errorf("former owner is %s, want admin", got)
	}
	if got := must(e.org.Get(e.ctx, m.Actor()))(t).Role; got != org.Owner {
		t.Errorf("new owner is %s", got)
	}
	wantCode(t, e.org.TransferOwnership(e.ctx, o.Actor(), o.ID), "auth.forbidden")
	wantCode(t, e.org.Leave(e.ctx, m.Actor()), "member.last_owner")
}

// ---------------------------------------------------------------- organization

func TestRenameAndDeleteOrganization(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	other := e.signUp("oscar@example.com", "Oscar", "Other")
	before := e.snapshot()
	for raw, code := range map[string]string{"   ": "name.required", strings.Repeat("x", org.MaxNameLen+1): "name.too_long",
		"evil\u202Ename": "name.invalid", "tab\tname": "name.invalid", "bad\xffutf8": "name.invalid"} {
		_, err := e.org.Rename(e.ctx, o.Actor(), raw)
		wantCode(t, err, code)
	}
	wantCode(t, e.org.Delete(e.ctx, o.Actor(), "olga's organization"), "confirm.name_mismatch")
	wantCode(t, e.org.Delete(e.ctx, o.Actor(), ""), "confirm.name_mismatch")
	e.unchanged(t, before)

	mark := e.mark()
	got := must(e.org.Rename(e.ctx, o.Actor(), "  Acme Ünïcødé  "))(t)
	if got.Name != "Acme Ünïcødé" || got.Role != org.Owner || got.MemberCount != 2 || got.Entitlements.ChatPlan != "team" {
		t.Errorf("renamed = %+v", got)
	}
	evs := e.wantEvents(t, mark, "organization.renamed")
	if !strings.Contains(evs[0].Details, `"from":"Olga Owner's organization"`) || !strings.Contains(evs[0].Details, `"to":"Acme Ünïcødé"`) {
		t.Errorf("rename details %s", evs[0].Details)
	}
	if got := must(e.org.Get(e.ctx, m.Actor()))(t); got.Name != "Acme Ünïcødé" || got.Role != org.Member {
		t.Errorf("member sees %+v", got)
	}

	mark = e.mark()
	ok(t, e.org.Delete(e.ctx, o.Actor(), " Acme Ünïcødé "))
	evs = e.wantEvents(t, mark, "organization.deleted")
	if !strings.Contains(evs[0].Details, `"members":2`) {
		t.Errorf("delete details %s", evs[0].Details)
	}
	for _, table := range []string{"org_members", "workspaces", "invitations", "member_preferences"} {
		if n := e.count(`SELECT COUNT(*) FROM `+table+` WHERE org_id = ?`, o.OrgID); n != 0 {
			t.Errorf("%d rows of the deleted organization left in %s", n, table)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM sessions WHERE org_id = ? AND revoked_at IS NULL`, o.OrgID); n != 0 {
		t.Errorf("%d sessions still act in the deleted organization", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM users WHERE id IN (?, ?)`, o.ID, m.ID); n != 2 {
		t.Errorf("deleting the organization deleted its users")
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_events WHERE org_id = ?`, o.OrgID); n < 5 {
		t.Errorf("only %d audit events of the deleted organization kept", n)
	}
	_, err := e.org.Get(e.ctx, o.Actor())
	wantCode(t, err, "auth.session_expired")
	if got := must(e.org.Get(e.ctx, other.Actor()))(t); got.Name != "Oscar Other's organization" {
		t.Errorf("the other organization = %+v", got)
	}
}

func TestSetPlans(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	got := must(e.org.Get(e.ctx, o.Actor()))(t)
	if ent := got.Entitlements; ent.ChatPlan != "free" || ent.APIPlan != "experiment" || ent.Invitations || ent.MaxMembers != 1 {
		t.Errorf("a new organization's entitlements = %+v", ent)
	}
	before := e.snapshot()
	for _, p := range [][2]string{{"gold", "experiment"}, {"team", "gold"}, {"scale", "team"}, {"", ""}} {
		_, err := e.org.SetPlans(e.ctx, o.Actor(), p[0], p[1])
		wantCode(t, err, "plan.unknown")
	}
	e.unchanged(t, before)

	mark := e.mark()
	got = must(e.org.SetPlans(e.ctx, o.Actor(), "enterprise", "scale"))(t)
	if ent := got.Entitlements; ent.MaxMembers != -1 || !ent.Invitations || !ent.CostControl || ent.Rates.RequestsPerSecond != 100 {
		t.Errorf("enterprise/scale = %+v", ent)
	}
	evs := e.wantEvents(t, mark, "plan.changed")
	if !strings.Contains(evs[0].Details, `"chat":{"from":"free","to":"enterprise"}`) || !strings.Contains(evs[0].Details, `"api":{"from":"experiment","to":"scale"}`) {
		t.Errorf("plan.changed details %s", evs[0].Details)
	}

	// A plan that cannot hold the members in use is refused.
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	ws := e.defaultWorkspace(o)
	ok(t, e.ws.AddMember(e.ctx, o.Actor(), ws, m.ID, "member"))
	before = e.snapshot()
	for _, chat := range []string{"free", "pro"} {
		_, err := e.org.SetPlans(e.ctx, o.Actor(), chat, "experiment")
		ae := wantCode(t, err, "plan.too_many_members")
		if ae.Params["Count"] != 2 || ae.Params["Max"] != 1 {
			t.Errorf("params = %v", ae.Params)
		}
	}
	e.unchanged(t, before)
	// plan.shared_workspaces (a workspace with two people on a plan without
	// shared workspaces) cannot be reached through SetPlans with today's
	// catalog: every plan without shared workspaces also allows one member,
	// so plan.too_many_members always answers first. Operator path: the same.
	err := e.org.SetPlansAsOperator(e.ctx, o.OrgID, "free", "experiment")
	wantCode(t, err, "plan.too_many_members")
	e.unchanged(t, before)
	ok(t, e.org.SetPlansAsOperator(e.ctx, o.OrgID, "team", "experiment"))
}

// ---------------------------------------------------------------- invitations

func TestInvitationsNeedTeamOrEnterprise(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	in := org.InviteInput{Emails: []string{"new@example.com"}, Role: "member"}
	for _, chat := range []string{"free", "pro"} {
		_ = must(e.org.SetPlans(e.ctx, o.Actor(), chat, "experiment"))(t)
		before := e.snapshot()
		_, err := e.org.Invite(e.ctx, o.Actor(), in, account.NormalizeEmail)
		wantCode(t, err, "plan.invitations_unavailable")
		e.unchanged(t, before)
	}
	for _, chat := range []string{"team", "enterprise"} {
		_ = must(e.org.SetPlans(e.ctx, o.Actor(), chat, "experiment"))(t)
		mark := e.mark()
		iss := must(e.org.Invite(e.ctx, o.Actor(), org.InviteInput{Emails: []string{chat + "@example.com"}, Role: "member"},
			account.NormalizeEmail))(t)
		if len(iss) != 1 {
			t.Fatalf("issued %+v", iss)
		}
		e.wantEvents(t, mark, "member.invited")
	}
}

func TestInviteValidation(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	_ = e.join(o, "Mia.Member@example.com", "Mia", "Member", org.Member)
	archived := must(e.ws.Create(e.ctx, o.Actor(), "Old", ""))(t).ID
	_ = must(e.ws.SetArchived(e.ctx, o.Actor(), archived, true))(t)
	pending := e.invite(o, "pending@example.com", org.Billing)
	tooMany := make([]string, org.MaxInvitesAtOnce+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("p%d@example.com", i)
	}
	before := e.snapshot()
	cases := []struct {
		name string
		in   org.InviteInput
		code string
	}{
		{"no address", org.InviteInput{Role: "member"}, "email.required"},
		{"blank addresses", org.InviteInput{Emails: []string{" ", ""}, Role: "member"}, "email.required"},
		{"bad address", org.InviteInput{Emails: []string{"ok@example.com", "not an email"}, Role: "member"}, "email.invalid"},
		{"owner role", org.InviteInput{Emails: []string{"x@example.com"}, Role: "owner"}, "role.unknown"},
		{"unknown role", org.InviteInput{Emails: []string{"x@example.com"}, Role: "boss"}, "role.unknown"},
		{"too many", org.InviteInput{Emails: tooMany, Role: "member"}, "invitation.too_many"},
		// One bad address fails the whole request: nobody is invited.
		{"existing member, other case", org.InviteInput{Emails: []string{"fresh@example.com", "MIA.MEMBER@EXAMPLE.COM"}, Role: "member"},
			"invitation.already_member"},
		{"already pending", org.InviteInput{Emails: []string{"fresh@example.com", "Pending@Example.com"}, Role: "admin"},
			"invitation.already_pending"},
		{"archived workspace", org.InviteInput{Emails: []string{"x@example.com"}, Role: "member", WorkspaceIDs: []string{archived}},
			"workspace.not_found"},
		{"unknown workspace", org.InviteInput{Emails: []string{"x@example.com"}, Role: "member", WorkspaceIDs: []string{"nope"}},
			"workspace.not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.org.Invite(e.ctx, o.Actor(), c.in, account.NormalizeEmail)
			ae := wantCode(t, err, c.code)
			if c.code == "email.invalid" && ae.Params["Email"] != "not an email" {
				t.Errorf("params = %v", ae.Params)
			}
		})
	}
	e.unchanged(t, before)

	// The same address twice in one request is one invitation.
	mark := e.mark()
	iss := must(e.org.Invite(e.ctx, o.Actor(), org.InviteInput{Emails: []string{"twice@example.com", " TWICE@example.com "},
		Role: "member"}, account.NormalizeEmail))(t)
	if len(iss) != 1 {
		t.Errorf("issued %d invitations for one address", len(iss))
	}
	e.wantEvents(t, mark, "member.invited")
	// Revoked, the address may be invited again.
	ok(t, e.org.Revoke(e.ctx, o.Actor(), pending.ID))
	_ = e.invite(o, "pending@example.com", org.Member)
}

func TestInvitationLifecycle(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	ws := e.defaultWorkspace(o)

	// Accepted: once, by its address only (in any case), into its workspaces.
	mark := e.mark()
	acc := e.invite(o, "Carla@Example.com", org.Admin, ws)
	if acc.Email != "Carla@example.com" || acc.State != org.Pending || acc.InvitedBy != o.ID ||
		!acc.ExpiresAt.Equal(start.Add(org.InvitationTTL)) || !slices.Equal(acc.WorkspaceIDs, []string{ws}) {
		t.Errorf("issued %+v", acc.Invitation)
	}
	before := e.snapshot()
	_, err := e.trySignUp("someone.else@example.com", "Some", "One", e.joinWith(acc.Token))
	wantCode(t, err, "invitation.other_email")
	_, err = e.trySignUp("carla@example.com", "Carla", "C", e.joinWith("acinv_garbage"))
	wantCode(t, err, "invitation.invalid")
	e.unchanged(t, before)
	carla := must(e.trySignUp("carla@example.com", "Carla", "C", e.joinWith(acc.Token)))(t)
	if carla.OrgID != o.OrgID || carla.Role != "admin" {
		t.Errorf("carla joined %s as %s", carla.OrgID, carla.Role)
	}
	evs := e.wantEvents(t, mark, "member.invited", "member.joined", "user.signed_up")
	if evs[1].ActorID != carla.ID || evs[1].OrgID != o.OrgID || !strings.Contains(evs[1].Details, acc.ID) {
		t.Errorf("joined event %+v", evs[1])
	}
	if role := e.count(`SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ? AND user_id = ? AND role = 'member'`, ws, carla.ID); role != 1 {
		t.Error("the invitation's workspace was not joined")
	}
	before = e.snapshot()
	_, err = e.trySignUp("carla2@example.com", "Carla", "Two", e.joinWith(acc.Token))
	wantCode(t, err, "invitation.used")
	wantCode(t, e.org.Revoke(e.ctx, o.Actor(), acc.ID), "invitation.not_pending")
	_, err = e.org.Resend(e.ctx, o.Actor(), acc.ID)
	wantCode(t, err, "invitation.not_pending")
	e.unchanged(t, before)

	// Revoked.
	rev := e.invite(o, "rita@example.com", org.Member)
	mark = e.mark()
	ok(t, e.org.Revoke(e.ctx, o.Actor(), rev.ID))
	e.wantEvents(t, mark, "invitation.revoked")
	before = e.snapshot()
	_, err = e.trySignUp("rita@example.com", "Rita", "R", e.joinWith(rev.Token))
	wantCode(t, err, "invitation.revoked")
	wantCode(t, e.org.Revoke(e.ctx, o.Actor(), rev.ID), "invitation.not_pending")
	e.unchanged(t, before)

	// Expired: at 7 days + 1 s; Resend gives a new token, the old one stops working.
	exp := e.invite(o, "eddie@example.com", org.Member)
	_ = e.invite(o, "penny@example.com", org.Billing)
	e.clock.Advance(org.InvitationTTL - time.Second)
	pend2 := e.invite(o, "late@example.com", org.Member) // still pending after the others expire
	e.clock.Advance(2 * time.Second)
	before = e.snapshot()
	_, err = e.trySignUp("eddie@example.com", "Eddie", "E", e.joinWith(exp.Token))
	wantCode(t, err, "invitation.expired")
	e.unchanged(t, before)

	states := map[string]string{}
	for _, inv := range must(e.org.Invitations(e.ctx, o.Actor()))(t) {
		states[inv.Email] = inv.State
	}
	want := map[string]string{"Carla@example.com": org.Accepted, "rita@example.com": org.Revoked, "eddie@example.com": org.Expired,
		"penny@example.com": org.Expired, "late@example.com": org.Pending}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("states = %v, want %v", states, want)
	}
	// Expired is no longer pending: the address may be invited anew.
	_ = e.invite(o, "penny@example.com", org.Billing)
	mark = e.mark()
	re := must(e.org.Resend(e.ctx, o.Actor(), exp.ID))(t)
	e.wantEvents(t, mark, "invitation.resent")
	if re.Token == exp.Token || re.State != org.Pending || !re.ExpiresAt.Equal(e.clock.Now().Add(org.InvitationTTL)) {
		t.Errorf("resent %+v", re.Invitation)
	}
	before = e.snapshot()
	_, err = e.trySignUp("eddie@example.com", "Eddie", "E", e.joinWith(exp.Token))
	wantCode(t, err, "invitation.invalid")
	e.unchanged(t, before)
	eddie := must(e.trySignUp("eddie@example.com", "Eddie", "E", e.joinWith(re.Token)))(t)
	if eddie.OrgID != o.OrgID {
		t.Error("the resent invitation did not work")
	}
	// Resending a pending one also replaces its token.
	re2 := must(e.org.Resend(e.ctx, o.Actor(), pend2.ID))(t)
	_, err = e.trySignUp("late@example.com", "Late", "L", e.joinWith(pend2.Token))
	wantCode(t, err, "invitation.invalid")
	_ = must(e.trySignUp("late@example.com", "Late", "L", e.joinWith(re2.Token)))(t)
	// An existing user accepts at sign-in.
	inv := e.invite(o, "olga2@example.com", org.Member)
	other := e.signUp("olga2@example.com", "Olga", "Two")
	signed := must(e.acct.SignInAndJoin(e.ctx, "olga2@example.com", password, "test", e.joinWith(inv.Token)))(t)
	if signed.User.OrgID != o.OrgID || signed.User.ID != other.ID {
		t.Errorf("signed in as %+v", signed.User)
	}
	if ms := must(e.org.Memberships(e.ctx, other.ID))(t); len(ms) != 2 {
		t.Errorf("memberships = %+v", ms)
	}
}

// TestInvitationWorkspaces: the initial workspaces are joined on accept; one
// archived in the meantime is skipped.
func TestInvitationWorkspaces(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w1 := must(e.ws.Create(e.ctx, o.Actor(), "One", ""))(t).ID
	w2 := must(e.ws.Create(e.ctx, o.Actor(), "Two", ""))(t).ID
	iss := e.invite(o, "nina@example.com", org.Member, w1, w2)
	_ = must(e.ws.SetArchived(e.ctx, o.Actor(), w2, true))(t)
	nina := must(e.trySignUp("nina@example.com", "Nina", "N", e.joinWith(iss.Token)))(t)
	list := must(e.ws.List(e.ctx, nina.Actor(), true))(t)
	if len(list) != 1 || list[0].ID != w1 || list[0].MyRole != workspace.RoleMember {
		t.Errorf("nina's workspaces = %+v", list)
	}
}

// TestMemberLimit: members plus pending invitations must fit the plan (Team: 150).
func TestMemberLimit(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	seedMembers(t, e.db, o.OrgID, 148, start) // 149 members
	first := e.invite(o, "one@example.com", org.Member)
	before := e.snapshot()
	_, err := e.org.Invite(e.ctx, o.Actor(), org.InviteInput{Emails: []string{"two@example.com"}, Role: "member"}, account.NormalizeEmail)
	if ae := wantCode(t, err, "plan.member_limit"); ae.Params["Count"] != 150 {
		t.Errorf("params = %v", ae.Params)
	}
	e.unchanged(t, before)
	// Revoking the pending invitation makes room.
	ok(t, e.org.Revoke(e.ctx, o.Actor(), first.ID))
	second := e.invite(o, "two@example.com", org.Member)
	// The plan is checked again when the invitation is accepted.
	seedMembers(t, e.db, o.OrgID, 1, start.Add(time.Second)) // someone else fills the last seat
	before = e.snapshot()
	_, err = e.trySignUp("two@example.com", "Two", "T", e.joinWith(second.Token))
	wantCode(t, err, "plan.member_limit")
	e.unchanged(t, before)
	// Enterprise has no limit.
	_ = must(e.org.SetPlans(e.ctx, o.Actor(), "enterprise", "experiment"))(t)
	_ = must(e.trySignUp("two@example.com", "Two", "T", e.joinWith(second.Token)))(t)
	_ = e.invite(o, "three@example.com", org.Member)
	// Back to Team with 151 members: refused.
	_, err = e.org.SetPlans(e.ctx, o.Actor(), "team", "experiment")
	wantCode(t, err, "plan.too_many_members")
}

// ---------------------------------------------------------------- members list

func memberNames(p org.MemberPage) []string {
	var out []string
	for _, m := range p.Members {
		out = append(out, m.FirstName)
	}
	return out
}

func TestMembersCollationFollowsLanguage(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	for _, n := range []string{"Émile", "Zoë", "Ådne", "Eve", "zach"} {
		_ = e.join(o, asciiFold(n)+"@example.com", n, "Test", org.Member)
	}
	want := map[string][]string{
		"fr": {"Ådne", "Émile", "Eve", "Olga", "zach", "Zoë"},
		"en": {"Ådne", "Émile", "Eve", "Olga", "zach", "Zoë"},
		// Swedish sorts Å after Z; É is an E.
		"sv": {"Émile", "Eve", "Olga", "zach", "Zoë", "Ådne"},
		// An unparsable language sorts as English.
		"no such language!": {"Ådne", "Émile", "Eve", "Olga", "zach", "Zoë"},
	}
	for lang, names := range want {
		got := memberNames(must(e.org.Members(e.ctx, o.Actor(), org.MemberQuery{Lang: lang}))(t))
		if !slices.Equal(got, names) {
			t.Errorf("%s order = %q, want %q", lang, got, names)
		}
	}
}

func TestMembersSearchAndPaging(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	seedMembers(t, e.db, o.OrgID, 69, start) // 70 members
	a := o.Actor()
	all := must(e.org.Members(e.ctx, a, org.MemberQuery{Limit: org.MaxPageSize, Lang: "de"}))(t)
	if all.Total != 70 || len(all.Members) != 70 {
		t.Fatalf("total %d, %d rows", all.Total, len(all.Members))
	}
	col := collate.New(language.German, collate.IgnoreCase)
	for i := 1; i < len(all.Members); i++ {
		p, q := all.Members[i-1], all.Members[i]
		if c := col.CompareString(p.FirstName+" "+p.LastName, q.FirstName+" "+q.LastName); c > 0 ||
			(c == 0 && col.CompareString(p.Email, q.Email) > 0) {
			t.Errorf("out of order at %d: %s %s <%s> before %s %s <%s>", i, p.FirstName, p.LastName, p.Email, q.FirstName, q.LastName, q.Email)
		}
	}
	// Pages of 20 tile the list.
	var paged []org.MemberRow
	for off := 0; off < 80; off += 20 {
		pg := must(e.org.Members(e.ctx, a, org.MemberQuery{Offset: off, Limit: 20, Lang: "de"}))(t)
		if pg.Total != 70 {
			t.Errorf("offset %d: total %d", off, pg.Total)
		}
		paged = append(paged, pg.Members...)
	}
	if len(paged) != 70 {
		t.Fatalf("pages hold %d rows", len(paged))
	}
	for i := range paged {
		if paged[i].UserID != all.Members[i].UserID {
			t.Fatalf("page row %d = %s, want %s", i, paged[i].UserID, all.Members[i].UserID)
		}
	}
	// Limits out of range fall back to 50; a negative offset to 0.
	for _, q := range []org.MemberQuery{{Limit: 0}, {Limit: -3}, {Limit: org.MaxPageSize + 1}, {Limit: 50, Offset: -7}} {
		q.Lang = "de"
		pg := must(e.org.Members(e.ctx, a, q))(t)
		if len(pg.Members) != 50 || pg.Members[0].UserID != all.Members[0].UserID {
			t.Errorf("%+v: %d rows", q, len(pg.Members))
		}
	}
	if pg := must(e.org.Members(e.ctx, a, org.MemberQuery{Offset: 1000}))(t); len(pg.Members) != 0 || pg.Total != 70 || pg.Members == nil {
		t.Errorf("past the end: %+v", pg)
	}
	// Search ignores case, on names and email, and surrounding space.
	want := func(search string, match func(m org.MemberRow) bool) {
		t.Helper()
		var exp []string
		for _, m := range all.Members {
			if match(m) {
				exp = append(exp, m.UserID)
			}
		}
		pg := must(e.org.Members(e.ctx, a, org.MemberQuery{Search: search, Limit: org.MaxPageSize, Lang: "de"}))(t)
		var got []string
		for _, m := range pg.Members {
			got = append(got, m.UserID)
		}
		if len(exp) == 0 || !slices.Equal(got, exp) || pg.Total != len(exp) {
			t.Errorf("search %q: %d matches (total %d), want %d", search, len(got), pg.Total, len(exp))
		}
	}
	want("ÉMILE", func(m org.MemberRow) bool { return strings.Contains(strings.ToLower(m.FirstName), "émile") })
	want("  müller ", func(m org.MemberRow) bool { return m.LastName == "Müller" })
	want("SEED-3.EXAMPLE", func(m org.MemberRow) bool { return strings.HasSuffix(m.Email, "@seed-3.example.com") })
	want("olga owner", func(m org.MemberRow) bool { return m.UserID == o.ID })
	if pg := must(e.org.Members(e.ctx, a, org.MemberQuery{Search: "zzzz-nobody"}))(t); pg.Total != 0 || len(pg.Members) != 0 {
		t.Errorf("no match: %+v", pg)
	}
	_, err := e.org.Members(e.ctx, a, org.MemberQuery{Search: strings.Repeat("a", 201)})
	wantCode(t, err, "input.too_long")
	// Rows carry role and dates.
	me := must(e.org.Members(e.ctx, a, org.MemberQuery{Search: "olga@example.com"}))(t).Members[0]
	if me.Role != org.Owner || me.Email != "olga@example.com" || !me.JoinedAt.Equal(start) || !me.LastActiveAt.Equal(start) {
		t.Errorf("row = %+v", me)
	}
}

// TestMembersCacheFollowsChanges: the sorted index is rebuilt when a member
// is renamed, joins, leaves or is removed.
func TestMembersCacheFollowsChanges(t *testing.T) {
	for _, step := range []time.Duration{time.Minute, 250 * time.Millisecond} {
		t.Run("clock step "+step.String(), func(t *testing.T) {
			e := newEnv(t)
			o := e.signUp("olga@example.com", "Olga", "Owner")
			e.team(o)
			eve := e.join(o, "eve@example.com", "Eve", "Test", org.Member)
			zoe := e.join(o, "zoe@example.com", "Zoë", "Test", org.Member)
			q := org.MemberQuery{Lang: "en"}
			names := func() []string { return memberNames(must(e.org.Members(e.ctx, o.Actor(), q))(t)) }
			if got := names(); !slices.Equal(got, []string{"Eve", "Olga", "Zoë"}) {
				t.Fatalf("names = %q", got)
			}
			e.clock.Advance(step)
			_ = must(e.acct.UpdateProfile(e.ctx, zoe.Account(), "Aaron", "Aardvark"))(t)
			if got := names(); !slices.Equal(got, []string{"Aaron", "Eve", "Olga"}) {
				t.Errorf("after a rename: %q", got)
			}
			if pg := must(e.org.Members(e.ctx, o.Actor(), org.MemberQuery{Search: "aardvark"}))(t); pg.Total != 1 {
				t.Errorf("search for the new name: %+v", pg)
			}
			e.clock.Advance(step)
			_ = e.join(o, "bob@example.com", "Bob", "Test", org.Member)
			if got := names(); !slices.Equal(got, []string{"Aaron", "Bob", "Eve", "Olga"}) {
				t.Errorf("after a join: %q", got)
			}
			e.clock.Advance(step)
			ok(t, e.org.RemoveMember(e.ctx, o.Actor(), eve.ID))
			if got := names(); !slices.Equal(got, []string{"Aaron", "Bob", "Olga"}) {
				t.Errorf("after a removal: %q", got)
			}
			ok(t, e.org.ChangeRole(e.ctx, o.Actor(), zoe.ID, "admin"))
			if pg := must(e.org.Members(e.ctx, o.Actor(), q))(t); pg.Members[0].Role != org.Admin {
				t.Errorf("role change not shown: %+v", pg.Members[0])
			}
			ok(t, e.org.Leave(e.ctx, zoe.Actor()))
			if got := names(); !slices.Equal(got, []string{"Bob", "Olga"}) {
				t.Errorf("after leaving: %q", got)
			}
		})
	}
}

// ---------------------------------------------------------------- removing members

func TestRemoveMemberDetachesEverywhere(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	ws := e.defaultWorkspace(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member, ws)
	ok(t, e.ws.SetCurrent(e.ctx, m.Actor(), ws))
	e.clock.Advance(time.Hour)
	mark := e.mark()
	ok(t, e.org.RemoveMember(e.ctx, o.Actor(), m.ID))
	evs := e.wantEvents(t, mark, "member.removed")
	if evs[0].TargetID != m.ID || !strings.Contains(evs[0].Details, `"email":"mia@example.com"`) || !strings.Contains(evs[0].Details, `"role":"member"`) {
		t.Errorf("event %+v", evs[0])
	}
	for table, q := range map[string]string{
		"org_members":        `SELECT COUNT(*) FROM org_members WHERE user_id = ?`,
		"workspace_members":  `SELECT COUNT(*) FROM workspace_members WHERE user_id = ?`,
		"member_preferences": `SELECT COUNT(*) FROM member_preferences WHERE user_id = ?`,
		"live sessions":      `SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL`,
	} {
		if n := e.count(q, m.ID); n != 0 {
			t.Errorf("%s: %d rows of the removed member left", table, n)
		}
	}
	// The session ends at the service's time (the clock every other timestamp uses).
	var revoked string
	if err := e.db.QueryRow(`SELECT revoked_at FROM sessions WHERE user_id = ?`, m.ID).Scan(&revoked); err != nil {
		t.Fatal(err)
	}
	if at, _ := time.Parse(time.RFC3339Nano, revoked); !at.Equal(e.clock.Now()) {
		t.Errorf("session revoked at %s, want the service clock's %s", revoked, e.clock.Now().Format(time.RFC3339Nano))
	}
	_, err := e.acct.Authenticate(e.ctx, m.Token)
	wantCode(t, err, "auth.session_expired")
	_, err = e.org.Get(e.ctx, m.Actor())
	wantCode(t, err, "auth.session_expired")
	wantCode(t, e.org.RemoveMember(e.ctx, o.Actor(), m.ID), "member.not_found")
}

// FuzzNormalizeName: never panics; an accepted name is trimmed valid UTF-8
// of 1 to 100 characters with no control or bidirectional override
// characters, and normalizing it again changes nothing.
func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Acme", "  Acme  ", "", " ", "a\u202Eb", "x\u2066y", "tab\tname", "bad\xff", strings.Repeat("é", 100),
		strings.Repeat("é", 101), "العربية", "\u00a0nbsp\u00a0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := org.NormalizeName("name", raw)
		if err != nil {
			switch apperr.Code(err) {
			case "name.required", "name.too_long", "name.invalid":
			default:
				t.Fatalf("NormalizeName(%q): %v", raw, err)
			}
			return
		}
		if name != strings.TrimSpace(name) || name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > org.MaxNameLen {
			t.Fatalf("NormalizeName(%q) = %q", raw, name)
		}
		for _, r := range name {
			if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("NormalizeName(%q) kept %U", raw, r)
			}
		}
		if again, err := org.NormalizeName("name", name); err != nil || again != name {
			t.Fatalf("NormalizeName(NormalizeName(%q)) = %q, %v", raw, again, err)
		}
	})
}

// Lowering the API plan below a workspace's limits is refused: the limits
// could no longer be saved afterwards.
func TestAPIDowngradeBelowWorkspaceLimitsIsRefused(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("dora@example.com", "Dora", "Downgrade")
	ok(t, func() error { _, err := e.org.SetPlans(e.ctx, o.Actor(), "free", "scale"); return err }())
	rps := int64(50)
	ws := e.defaultWorkspace(o)
	if _, err := e.ws.SetLimits(e.ctx, o.Actor(), ws, workspace.LimitsInput{Rows: []workspace.LimitRow{{RequestsPerSecond: &rps}}}); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot()
	_, err := e.org.SetPlans(e.ctx, o.Actor(), "free", "experiment")
	if got := wantCode(t, err, "plan.limits_above_ceiling"); got != nil && got.Params["Count"] != 1 {
		t.Errorf("params %v", got.Params)
	}
	e.unchanged(t, before)
	rps = 1
	if _, err := e.ws.SetLimits(e.ctx, o.Actor(), ws, workspace.LimitsInput{Rows: []workspace.LimitRow{{RequestsPerSecond: &rps}}}); err != nil {
		t.Fatal(err)
	}
	ok(t, func() error { _, err := e.org.SetPlans(e.ctx, o.Actor(), "free", "experiment"); return err }())
}
