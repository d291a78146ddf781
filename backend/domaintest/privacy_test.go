package domaintest_test

// Privacy settings (issue 6): the improvement-data opt-out with its default
// by plan, Zero Data Retention requests decided by the platform operator,
// and ZDR turning Data Capture off. Real SQLite files, real audit log; the
// chain is verified when each env ends.

import (
	"strings"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/org"
	"admin-console/backend/privacy"
)

func init() {
	// Refused and invalid privacy actions must leave these untouched too.
	snapshotTables = append(snapshotTables, "zdr_requests", "zdr_request_workspaces", "capture_settings")
}

func (e *env) privacy() *privacy.Service {
	return &privacy.Service{DB: e.db, Audit: e.log, Now: e.clock.Now}
}

func (e *env) improvement(p person) privacy.Improvement {
	e.t.Helper()
	return must(e.privacy().Improvement(e.ctx, p.Actor()))(e.t)
}

func (e *env) zdrActive(wsID string) bool {
	e.t.Helper()
	return must(privacy.ZDRActive(e.ctx, e.db, wsID))(e.t)
}

// captureOn stands in for package capture turning Data Capture on.
func (e *env) captureOn(wsID string) {
	e.t.Helper()
	if _, err := e.db.Exec(`INSERT INTO capture_settings(workspace_id, enabled, changed_by, changed_at) VALUES (?, 1, 'someone', '')
		ON CONFLICT(workspace_id) DO UPDATE SET enabled = 1`, wsID); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) captureEnabled(wsID string) (enabled bool, changedBy string, exists bool) {
	e.t.Helper()
	exists = e.count(`SELECT COUNT(*) FROM capture_settings WHERE workspace_id = ?`, wsID) == 1
	if exists {
		if err := e.db.QueryRow(`SELECT enabled = 1, changed_by FROM capture_settings WHERE workspace_id = ?`, wsID).
			Scan(&enabled, &changedBy); err != nil {
			e.t.Fatal(err)
		}
	}
	return enabled, changedBy, exists
}

func TestPrivacyPermissionMatrix(t *testing.T) {
	//                                              owner admin billing member  member+ws  member+ws  billing+ws
	rows := []matrixRow{
		{"Improvement", [columns]string{OK, OK, OK, OK, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.privacy().Improvement(e.ctx, a); return err }},
		{"ZDRRequests", [columns]string{OK, OK, OK, OK, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.privacy().ZDRRequests(e.ctx, a); return err }},
		// The fixture is on Team, opted out by default: opting in is a change.
		{"SetImprovementOptOut", [columns]string{OK, OK, F, F, F, F, F}, []string{"privacy.improvement_changed"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.privacy().SetImprovementOptOut(e.ctx, a, false)
				return err
			}},
		{"RequestZDR", [columns]string{OK, OK, F, F, F, F, F}, []string{"zdr.requested"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.privacy().RequestZDR(e.ctx, a, privacy.RequestInput{Reason: "Patient records", Contact: "dpo@example.com",
					WorkspaceIDs: []string{f.w}}, account.NormalizeEmail)
				return err
			}},
	}
	runMatrix(t, rows)
}

func TestImprovementOptOutDefaultsByPlanAndExplicitChoice(t *testing.T) {
	e := newEnv(t)
	owner := e.signUp("olga@example.com", "Olga", "Owner")
	solo := e.signUp("sam@example.com", "Sam", "Solo")

	// Free + Experiment: opted in, nobody chose.
	if got := e.improvement(owner); got.OptedOut || got.Explicit || got.DefaultOptOut || got.ChangedBy.UserID != "" || !got.ChangedAt.IsZero() {
		t.Fatalf("Free + Experiment: %+v", got)
	}
	// Team (chat) or Scale (API): opted out by default.
	e.team(owner)
	if got := e.improvement(owner); !got.OptedOut || got.Explicit || !got.DefaultOptOut {
		t.Fatalf("Team + Experiment: %+v", got)
	}
	must(e.org.SetPlans(e.ctx, solo.Actor(), "free", "scale"))(t)
	if got := e.improvement(solo); !got.OptedOut || got.Explicit {
		t.Fatalf("Free + Scale: %+v", got)
	}

	admin := e.join(owner, "adam@example.com", "Adam", "Admin", org.Admin)
	member := e.join(owner, "mia@example.com", "Mia", "Member", org.Member)
	billing := e.join(owner, "bea@example.com", "Bea", "Billing", org.Billing)

	// Member and Billing may read but not change it; nothing is written.
	before := e.snapshot()
	for _, p := range []person{member, billing} {
		_, err := e.privacy().SetImprovementOptOut(e.ctx, p.Actor(), false)
		wantCode(t, err, "auth.forbidden")
	}
	e.unchanged(t, before)
	if got := e.improvement(member); !got.OptedOut {
		t.Fatalf("member reads %+v", got)
	}

	// An Admin opts in explicitly: who and when are kept.
	e.clock.Advance(time.Hour)
	mark := e.mark()
	got := must(e.privacy().SetImprovementOptOut(e.ctx, admin.Actor(), false))(t)
	if got.OptedOut || !got.Explicit || !got.DefaultOptOut || got.ChangedBy.UserID != admin.ID ||
		got.ChangedBy.Email != "adam@example.com" || got.ChangedBy.FirstName != "Adam" || !got.ChangedAt.Equal(start.Add(time.Hour)) {
		t.Fatalf("after the admin's choice: %+v", got)
	}
	evs := e.wantEvents(t, mark, "privacy.improvement_changed")
	if evs[0].ActorID != admin.ID || evs[0].OrgID != owner.OrgID || !strings.Contains(evs[0].Details, `"optedOut":false`) ||
		!strings.Contains(evs[0].Details, `"previousWasDefault":true`) {
		t.Fatalf("event %+v", evs[0])
	}

	// The explicit choice overrides the plans' default, through plan changes too.
	must(e.org.SetPlans(e.ctx, owner.Actor(), "enterprise", "scale"))(t)
	if got := e.improvement(member); got.OptedOut || !got.Explicit || !got.DefaultOptOut {
		t.Fatalf("explicit choice lost on a plan change: %+v", got)
	}

	// Choosing what was explicitly chosen changes nothing and records nothing.
	before = e.snapshot()
	again := must(e.privacy().SetImprovementOptOut(e.ctx, owner.Actor(), false))(t)
	if again.ChangedBy.UserID != admin.ID {
		t.Fatalf("a repeated choice rewrote who changed it: %+v", again)
	}
	e.unchanged(t, before)

	// The Owner opts out again, explicitly this time.
	e.clock.Advance(time.Minute)
	mark = e.mark()
	got = must(e.privacy().SetImprovementOptOut(e.ctx, owner.Actor(), true))(t)
	if !got.OptedOut || !got.Explicit || got.ChangedBy.UserID != owner.ID || !got.ChangedAt.Equal(start.Add(time.Hour+time.Minute)) {
		t.Fatalf("after the owner's choice: %+v", got)
	}
	e.wantEvents(t, mark, "privacy.improvement_changed")

	// An explicit opt-out on a Free organization is explicit too.
	mark = e.mark()
	must(e.org.SetPlans(e.ctx, solo.Actor(), "free", "experiment"))(t)
	got = must(e.privacy().SetImprovementOptOut(e.ctx, solo.Actor(), true))(t)
	if !got.OptedOut || !got.Explicit || got.DefaultOptOut {
		t.Fatalf("Free, opted out: %+v", got)
	}
	e.wantEvents(t, mark, "plan.changed", "privacy.improvement_changed")
	// Isolation: the other organization's setting did not move.
	if got := e.improvement(owner); !got.OptedOut || got.ChangedBy.UserID != owner.ID {
		t.Fatalf("other organization changed: %+v", got)
	}
}

// zdrOrg is a Team organization with three workspaces and an Admin and a Member.
type zdrOrg struct {
	owner, admin, member person
	def, prod, staging   string
	archived             string
}

func newZDROrg(t *testing.T, e *env, email string) zdrOrg {
	t.Helper()
	var z zdrOrg
	z.owner = e.signUp(email, "Olga", "Owner")
	e.team(z.owner)
	z.def = e.defaultWorkspace(z.owner)
	z.prod = must(e.ws.Create(e.ctx, z.owner.Actor(), "Production", ""))(t).ID
	z.staging = must(e.ws.Create(e.ctx, z.owner.Actor(), "Staging", ""))(t).ID
	z.archived = must(e.ws.Create(e.ctx, z.owner.Actor(), "Old", ""))(t).ID
	must(e.ws.SetArchived(e.ctx, z.owner.Actor(), z.archived, true))(t)
	z.admin = e.join(z.owner, "admin."+email, "Adam", "Admin", org.Admin)
	z.member = e.join(z.owner, "member."+email, "Mia", "Member", org.Member)
	return z
}

func TestZDRRequestValidationChangesNothing(t *testing.T) {
	e := newEnv(t)
	z := newZDROrg(t, e, "olga@example.com")
	other := newZDROrg(t, e, "otto@example.com")
	valid := privacy.RequestInput{Reason: "We process health data.", Contact: "dpo@example.com", WorkspaceIDs: []string{z.prod}}

	cases := []struct {
		name, code, field string
		edit              func(in *privacy.RequestInput)
	}{
		{"empty reason", "zdr.reason_required", "reason", func(in *privacy.RequestInput) { in.Reason = "" }},
		{"blank reason", "zdr.reason_required", "reason", func(in *privacy.RequestInput) { in.Reason = " \n\t " }},
		{"reason too long", "zdr.reason_too_long", "reason", func(in *privacy.RequestInput) { in.Reason = strings.Repeat("é", 2001) }},
		{"reason with a bidi override", "zdr.reason_invalid", "reason", func(in *privacy.RequestInput) { in.Reason = "ok \u202e kayak" }},
		{"no contact", "email.required", "contact", func(in *privacy.RequestInput) { in.Contact = "" }},
		{"bad contact", "email.invalid", "contact", func(in *privacy.RequestInput) { in.Contact = "dpo@example" }},
		{"contact with a name", "email.invalid", "contact", func(in *privacy.RequestInput) { in.Contact = "DPO <dpo@example.com>" }},
		{"no workspaces", "zdr.workspaces_required", "workspaces", func(in *privacy.RequestInput) { in.WorkspaceIDs = nil }},
		{"blank workspace IDs", "zdr.workspaces_required", "workspaces", func(in *privacy.RequestInput) { in.WorkspaceIDs = []string{"", " "} }},
		{"another organization's workspace", "workspace.not_found", "workspaces",
			func(in *privacy.RequestInput) { in.WorkspaceIDs = []string{z.prod, other.prod} }},
		{"an archived workspace", "workspace.not_found", "workspaces", func(in *privacy.RequestInput) { in.WorkspaceIDs = []string{z.archived} }},
		{"an unknown workspace", "workspace.not_found", "workspaces", func(in *privacy.RequestInput) { in.WorkspaceIDs = []string{"nope"} }},
	}
	before := e.snapshot()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := valid
			tc.edit(&in)
			_, err := e.privacy().RequestZDR(e.ctx, z.admin.Actor(), in, account.NormalizeEmail)
			if ae := wantCode(t, err, tc.code); ae.Field != tc.field {
				t.Fatalf("field %q, want %q", ae.Field, tc.field)
			}
		})
	}
	e.unchanged(t, before)
	// The valid input itself is accepted; the reason is trimmed, the
	// address's domain lower-cased, duplicates dropped.
	in := valid
	in.Reason, in.Contact, in.WorkspaceIDs = "  "+valid.Reason+"\r\n", "dpo@Example.COM", []string{z.prod, z.prod, z.staging}
	r := must(e.privacy().RequestZDR(e.ctx, z.admin.Actor(), in, account.NormalizeEmail))(t)
	if r.Reason != valid.Reason || r.Contact != "dpo@example.com" || len(r.Workspaces) != 2 {
		t.Fatalf("request %+v", r)
	}
}

func TestZDRLifecycleAndDataCapture(t *testing.T) {
	e := newEnv(t)
	z := newZDROrg(t, e, "olga@example.com")
	other := newZDROrg(t, e, "otto@example.com")
	p := e.privacy()

	// Filed by an Admin: requested, with who, when and the workspaces.
	e.clock.Advance(time.Hour)
	mark := e.mark()
	r := must(p.RequestZDR(e.ctx, z.admin.Actor(), privacy.RequestInput{Reason: "Health data", Contact: "dpo@example.com",
		WorkspaceIDs: []string{z.staging, z.prod}}, account.NormalizeEmail))(t)
	if r.Status != privacy.Requested || r.OrgID != z.owner.OrgID || r.RequestedBy.UserID != z.admin.ID ||
		r.RequestedBy.Email != z.admin.Email || !r.RequestedAt.Equal(start.Add(time.Hour)) || !r.DecidedAt.IsZero() ||
		len(r.Workspaces) != 2 || r.Workspaces[0].Name != "Production" || r.Workspaces[1].Name != "Staging" {
		t.Fatalf("filed %+v", r)
	}
	evs := e.wantEvents(t, mark, "zdr.requested")
	if evs[0].ActorID != z.admin.ID || evs[0].TargetID != r.ID || evs[0].OrgID != z.owner.OrgID {
		t.Fatalf("event %+v", evs[0])
	}
	if e.zdrActive(z.prod) {
		t.Fatal("ZDR active while only requested")
	}

	// A waiting request blocks another for the same workspaces, not for others.
	before := e.snapshot()
	_, err := p.RequestZDR(e.ctx, z.owner.Actor(), privacy.RequestInput{Reason: "Again", Contact: "dpo@example.com",
		WorkspaceIDs: []string{z.def, z.prod}}, account.NormalizeEmail)
	if ae := wantCode(t, err, "zdr.already_requested"); ae.Field != "workspaces" || ae.Params["Workspace"] != "Production" {
		t.Fatalf("refusal %+v", ae)
	}
	e.unchanged(t, before)
	second := must(p.RequestZDR(e.ctx, z.owner.Actor(), privacy.RequestInput{Reason: "Support tickets", Contact: "it@example.com",
		WorkspaceIDs: []string{z.def}}, account.NormalizeEmail))(t)

	// The operator sees both waiting, oldest first, with their organization.
	pending := must(p.PendingZDR(e.ctx))(t)
	if len(pending) != 2 || pending[0].ID != r.ID || pending[1].ID != second.ID || pending[0].OrgName == "" {
		t.Fatalf("pending %+v", pending)
	}

	// Approval: Data Capture goes off for its workspaces, in the same transaction.
	e.captureOn(z.prod)
	e.captureOn(z.def)      // not named: stays on
	e.captureOn(other.prod) // another organization: stays on
	e.clock.Advance(24 * time.Hour)
	mark = e.mark()
	approved := must(p.ApproveZDR(e.ctx, r.ID, "  Approved for the health workloads. "))(t)
	if approved.Status != privacy.Approved || approved.DecisionNote != "Approved for the health workloads." ||
		!approved.DecidedAt.Equal(start.Add(25*time.Hour)) {
		t.Fatalf("approved %+v", approved)
	}
	evs = e.wantEvents(t, mark, "zdr.approved", "capture.disabled_by_zdr")
	if evs[0].ActorID != privacy.Operator || evs[0].OrgID != z.owner.OrgID || !strings.Contains(evs[0].Details, `"by":"operator"`) ||
		evs[1].WorkspaceID != z.prod || evs[1].ActorID != privacy.Operator {
		t.Fatalf("events %+v", evs)
	}
	if on, by, _ := e.captureEnabled(z.prod); on || by != privacy.Operator {
		t.Fatalf("capture in Production: on=%v by=%q", on, by)
	}
	if on, _, exists := e.captureEnabled(z.staging); on || !exists {
		t.Fatalf("capture in Staging: on=%v settings=%v", on, exists)
	}
	if on, _, _ := e.captureEnabled(z.def); !on {
		t.Fatal("capture turned off in a workspace the request does not name")
	}
	if on, _, _ := e.captureEnabled(other.prod); !on {
		t.Fatal("capture turned off in another organization")
	}
	if !e.zdrActive(z.prod) || !e.zdrActive(z.staging) || e.zdrActive(z.def) || e.zdrActive(other.prod) {
		t.Fatal("ZDRActive does not follow the approval")
	}

	// Active ZDR blocks a new request for the same workspace.
	_, err = p.RequestZDR(e.ctx, z.admin.Actor(), privacy.RequestInput{Reason: "More", Contact: "dpo@example.com",
		WorkspaceIDs: []string{z.staging}}, account.NormalizeEmail)
	if ae := wantCode(t, err, "zdr.already_active"); ae.Params["Workspace"] != "Staging" {
		t.Fatalf("refusal %+v", ae)
	}

	// Declining takes a note; the request is then declined and ZDR stays off.
	before = e.snapshot()
	_, err = p.DeclineZDR(e.ctx, second.ID, "   ")
	wantCode(t, err, "zdr.note_required")
	_, err = p.DeclineZDR(e.ctx, second.ID, strings.Repeat("n", 2001))
	wantCode(t, err, "zdr.note_too_long")
	e.unchanged(t, before)
	mark = e.mark()
	declined := must(p.DeclineZDR(e.ctx, second.ID, "The default workspace holds no personal data."))(t)
	if declined.Status != privacy.Declined || declined.DecisionNote == "" || declined.DecidedAt.IsZero() {
		t.Fatalf("declined %+v", declined)
	}
	e.wantEvents(t, mark, "zdr.declined")
	if e.zdrActive(z.def) {
		t.Fatal("ZDR active after a decline")
	}
	if on, _, _ := e.captureEnabled(z.def); !on {
		t.Fatal("a decline turned capture off")
	}

	// A decided request cannot be decided again; an unknown one is refused.
	before = e.snapshot()
	for _, id := range []string{r.ID, second.ID} {
		_, err = p.ApproveZDR(e.ctx, id, "")
		wantCode(t, err, "zdr.already_decided")
		_, err = p.DeclineZDR(e.ctx, id, "no")
		wantCode(t, err, "zdr.already_decided")
	}
	_, err = p.ApproveZDR(e.ctx, "no-such-request", "")
	wantCode(t, err, "zdr.not_found")
	e.unchanged(t, before)
	if got := must(p.PendingZDR(e.ctx))(t); len(got) != 0 {
		t.Fatalf("still pending: %+v", got)
	}

	// Any member of the organization reads the decisions and notes; another
	// organization sees none of it.
	list := must(p.ZDRRequests(e.ctx, z.member.Actor()))(t)
	if len(list) != 2 || list[0].ID != second.ID || list[0].Status != privacy.Declined || list[1].Status != privacy.Approved ||
		list[1].DecisionNote != "Approved for the health workloads." {
		t.Fatalf("member reads %+v", list)
	}
	if got := must(p.ZDRRequests(e.ctx, other.owner.Actor()))(t); len(got) != 0 {
		t.Fatalf("another organization reads %+v", got)
	}
}
