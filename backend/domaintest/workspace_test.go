package domaintest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/tokens"
	"admin-console/backend/workspace"
)

// ---------------------------------------------------------------- the permission matrix

// seesW is whether each column finds W in List.
var seesW = [columns]bool{true, true, false, false, true, true, true}

// TestPermissionMatrix checks every workspace action for every column:
// organization Owners and Admins reach every workspace as its admin;
// everybody else only the workspaces they belong to (any other is "not
// found"). In a workspace, its "member" reads it, adds resources and
// creates, rotates and revokes keys; its "admin" also manages it (Update,
// members, deleting resources). Archiving, deleting and limits stay with
// Owners and Admins; creating workspaces too.
// The organization actions' matrix is in backend/org/org_test.go.
func TestWorkspacePermissionMatrix(t *testing.T) {
	limits := workspace.LimitsInput{Rows: []workspace.LimitRow{{Model: "", RequestsPerSecond: ptr(1)}}}
	//                                owner admin billing member  member+ws  member+ws  billing+ws
	//                                                            -member    -admin     -member
	rows := []matrixRow{
		{"List", [columns]string{OK, OK, OK, OK, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error {
				list, err := e.ws.List(e.ctx, a, true)
				if err != nil {
					return err
				}
				sees := slices.ContainsFunc(list, func(w workspace.Workspace) bool { return w.ID == f.w })
				if c := column(f, a); sees != seesW[c] {
					return fmt.Errorf("%s sees W: %v, want %v", columnNames[c], sees, seesW[c])
				}
				return nil
			}},
		{"Get", [columns]string{OK, OK, NF, NF, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.ws.Get(e.ctx, a, f.w); return err }},
		{"Create", [columns]string{OK, OK, F, F, F, F, F}, []string{"workspace.created"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.Create(e.ctx, a, "Another", "")
				return err
			}},
		{"Update", [columns]string{OK, OK, NF, NF, F, OK, F}, []string{"workspace.updated"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.Update(e.ctx, a, f.w, "Renamed", "new")
				return err
			}},
		{"SetArchived", [columns]string{OK, OK, NF, NF, F, F, F}, []string{"workspace.archived"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.SetArchived(e.ctx, a, f.w, true)
				return err
			}},
		{"Delete", [columns]string{OK, OK, NF, NF, F, F, F}, []string{"workspace.deleted"},
			func(e *env, f *fixture, a org.Actor) error { return e.ws.Delete(e.ctx, a, f.w, f.wName) }},
		{"Members", [columns]string{OK, OK, NF, NF, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.ws.Members(e.ctx, a, f.w); return err }},
		{"Candidates", [columns]string{OK, OK, NF, NF, F, OK, F}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.ws.Candidates(e.ctx, a, f.w, ""); return err }},
		{"AddMember", [columns]string{OK, OK, NF, NF, F, OK, F}, []string{"workspace.member_added"},
			func(e *env, f *fixture, a org.Actor) error {
				return e.ws.AddMember(e.ctx, a, f.w, f.spare.ID, "member")
			}},
		{"ChangeMemberRole", [columns]string{OK, OK, NF, NF, F, OK, F}, []string{"workspace.member_role_changed"},
			func(e *env, f *fixture, a org.Actor) error {
				return e.ws.ChangeMemberRole(e.ctx, a, f.w, f.target.ID, "admin")
			}},
		{"RemoveMember", [columns]string{OK, OK, NF, NF, F, OK, F}, []string{"workspace.member_removed"},
			func(e *env, f *fixture, a org.Actor) error { return e.ws.RemoveMember(e.ctx, a, f.w, f.target.ID) }},
		{"AddResource", [columns]string{OK, OK, NF, NF, OK, OK, OK}, []string{"resource.created"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.AddResource(e.ctx, a, f.w, "agent", "helper", 0)
				return err
			}},
		{"Resources", [columns]string{OK, OK, NF, NF, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.Resources(e.ctx, a, f.w, "", 0, 10)
				return err
			}},
		{"DeleteResource", [columns]string{OK, OK, NF, NF, F, OK, F}, []string{"resource.deleted"},
			func(e *env, f *fixture, a org.Actor) error { return e.ws.DeleteResource(e.ctx, a, f.w, f.resourceID) }},
		{"CreateKey", [columns]string{OK, OK, NF, NF, OK, OK, OK}, []string{"api_key.created"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.CreateKey(e.ctx, a, f.w, workspace.KeyInput{Name: "mine"})
				return err
			}},
		{"Keys", [columns]string{OK, OK, NF, NF, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.ws.Keys(e.ctx, a, f.w, 0, 10); return err }},
		{"RevokeKey", [columns]string{OK, OK, NF, NF, OK, OK, OK}, []string{"api_key.revoked"},
			func(e *env, f *fixture, a org.Actor) error { return e.ws.RevokeKey(e.ctx, a, f.w, f.keyID) }},
		{"RotateKey", [columns]string{OK, OK, NF, NF, OK, OK, OK}, []string{"api_key.rotated"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.RotateKey(e.ctx, a, f.w, f.keyID, time.Hour)
				return err
			}},
		{"GetLimits", [columns]string{OK, OK, NF, NF, OK, OK, OK}, nil,
			func(e *env, f *fixture, a org.Actor) error { _, err := e.ws.GetLimits(e.ctx, a, f.w); return err }},
		{"SetLimits", [columns]string{OK, OK, NF, NF, F, F, F}, []string{"limits.updated"},
			func(e *env, f *fixture, a org.Actor) error {
				_, err := e.ws.SetLimits(e.ctx, a, f.w, limits)
				return err
			}},
	}
	runMatrix(t, rows)
}

func column(f *fixture, a org.Actor) int {
	for c, p := range f.actors {
		if p.ID == a.UserID {
			return c
		}
	}
	panic("unknown actor")
}

func ptr(v int64) *int64 { return &v }

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ---------------------------------------------------------------- isolation

// TestCrossTenantWorkspaces: an Owner of A reaches nothing of B's workspaces
// by ID, and B's keys, resources and people are not found under A's
// workspace either.
func TestCrossTenantWorkspaces(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("alice@a.example.com", "Alice", "Anders")
	b := e.signUp("bob@b.example.com", "Bob", "Berg")
	e.team(a)
	e.team(b)
	aw, bw := e.defaultWorkspace(a), e.defaultWorkspace(b)
	bm := e.join(b, "bert@b.example.com", "Bert", "Berg", org.Member, bw)
	bk := must(e.ws.CreateKey(e.ctx, b.Actor(), bw, workspace.KeyInput{Name: "B's key"}))(t)
	br := must(e.ws.AddResource(e.ctx, b.Actor(), bw, "file", "b.csv", 1))(t)
	A := a.Actor()
	before := e.snapshot()

	cases := map[string]struct {
		code string
		err  func() error
	}{
		"Get":              {"workspace.not_found", func() error { _, err := e.ws.Get(e.ctx, A, bw); return err }},
		"Update":           {"workspace.not_found", func() error { _, err := e.ws.Update(e.ctx, A, bw, "Mine", ""); return err }},
		"SetArchived":      {"workspace.not_found", func() error { _, err := e.ws.SetArchived(e.ctx, A, bw, true); return err }},
		"Delete":           {"workspace.not_found", func() error { return e.ws.Delete(e.ctx, A, bw, "Default workspace") }},
		"SetCurrent":       {"workspace.not_found", func() error { return e.ws.SetCurrent(e.ctx, A, bw) }},
		"Members":          {"workspace.not_found", func() error { _, err := e.ws.Members(e.ctx, A, bw); return err }},
		"Candidates":       {"workspace.not_found", func() error { _, err := e.ws.Candidates(e.ctx, A, bw, ""); return err }},
		"AddMember":        {"workspace.not_found", func() error { return e.ws.AddMember(e.ctx, A, bw, a.ID, "admin") }},
		"ChangeMemberRole": {"workspace.not_found", func() error { return e.ws.ChangeMemberRole(e.ctx, A, bw, bm.ID, "admin") }},
		"RemoveMember":     {"workspace.not_found", func() error { return e.ws.RemoveMember(e.ctx, A, bw, bm.ID) }},
		"AddResource": {"workspace.not_found", func() error {
			_, err := e.ws.AddResource(e.ctx, A, bw, "file", "x", 1)
			return err
		}},
		"Resources":      {"workspace.not_found", func() error { _, err := e.ws.Resources(e.ctx, A, bw, "", 0, 50); return err }},
		"DeleteResource": {"workspace.not_found", func() error { return e.ws.DeleteResource(e.ctx, A, bw, br.ID) }},
		"CreateKey": {"workspace.not_found", func() error {
			_, err := e.ws.CreateKey(e.ctx, A, bw, workspace.KeyInput{Name: "x"})
			return err
		}},
		"Keys":      {"workspace.not_found", func() error { _, err := e.ws.Keys(e.ctx, A, bw, 0, 50); return err }},
		"RevokeKey": {"workspace.not_found", func() error { return e.ws.RevokeKey(e.ctx, A, bw, bk.ID) }},
		"RotateKey": {"workspace.not_found", func() error { _, err := e.ws.RotateKey(e.ctx, A, bw, bk.ID, 0); return err }},
		"GetLimits": {"workspace.not_found", func() error { _, err := e.ws.GetLimits(e.ctx, A, bw); return err }},
		"SetLimits": {"workspace.not_found", func() error {
			_, err := e.ws.SetLimits(e.ctx, A, bw, workspace.LimitsInput{})
			return err
		}},
		// B's objects named under A's own workspace.
		"RevokeKey of B's key in A's workspace":     {"key.not_found", func() error { return e.ws.RevokeKey(e.ctx, A, aw, bk.ID) }},
		"RotateKey of B's key in A's workspace":     {"key.not_found", func() error { _, err := e.ws.RotateKey(e.ctx, A, aw, bk.ID, 0); return err }},
		"DeleteResource of B's in A's workspace":    {"resource.not_found", func() error { return e.ws.DeleteResource(e.ctx, A, aw, br.ID) }},
		"AddMember B's owner to A's workspace":      {"member.not_found", func() error { return e.ws.AddMember(e.ctx, A, aw, b.ID, "member") }},
		"ChangeMemberRole of B's owner in A's":      {"member.not_found", func() error { return e.ws.ChangeMemberRole(e.ctx, A, aw, b.ID, "member") }},
		"RemoveMember B's owner from A's workspace": {"member.not_found", func() error { return e.ws.RemoveMember(e.ctx, A, aw, b.ID) }},
		"Get claiming B's organization":             {"auth.session_expired", func() error { _, err := e.ws.Get(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, bw); return err }},
		"List claiming B's organization":            {"auth.session_expired", func() error { _, err := e.ws.List(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, true); return err }},
		"CreateKey claiming B's organization": {"auth.session_expired", func() error {
			_, err := e.ws.CreateKey(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, bw, workspace.KeyInput{Name: "x"})
			return err
		}},
		"Create in B claiming B's organization": {"auth.session_expired", func() error {
			_, err := e.ws.Create(e.ctx, org.Actor{UserID: a.ID, OrgID: b.OrgID}, "x", "")
			return err
		}},
		"SetLimits of A's workspace claiming B's org": {"workspace.not_found", func() error {
			_, err := e.ws.SetLimits(e.ctx, org.Actor{UserID: b.ID, OrgID: b.OrgID}, aw, workspace.LimitsInput{})
			return err
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { wantCode(t, c.err(), c.code) })
	}
	e.unchanged(t, before)

	list := must(e.ws.List(e.ctx, A, true))(t)
	if len(list) != 1 || list[0].ID != aw {
		t.Errorf("A lists %+v", list)
	}
	for _, m := range must(e.ws.Candidates(e.ctx, A, aw, ""))(t) {
		if m.UserID == b.ID || m.UserID == bm.ID {
			t.Errorf("B's %s is a candidate in A's workspace", m.Email)
		}
	}
	// B's key still works: nothing of B changed.
	if u := must(e.ws.VerifyKey(e.ctx, bk.Secret))(t); u.OrgID != b.OrgID || u.WorkspaceID != bw {
		t.Errorf("B's key = %+v", u)
	}
}

// TestMemberSeesOnlyTheirWorkspaces: for a Member, a workspace they are not
// in does not exist.
func TestMemberSeesOnlyTheirWorkspaces(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	def := e.defaultWorkspace(o)
	mine := must(e.ws.Create(e.ctx, o.Actor(), "Mine", ""))(t).ID
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member, mine)
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), def, workspace.KeyInput{Name: "k"}))(t)
	M := m.Actor()
	before := e.snapshot()
	for name, err := range map[string]error{
		"Get":        func() error { _, err := e.ws.Get(e.ctx, M, def); return err }(),
		"Keys":       func() error { _, err := e.ws.Keys(e.ctx, M, def, 0, 10); return err }(),
		"RevokeKey":  e.ws.RevokeKey(e.ctx, M, def, k.ID),
		"CreateKey":  func() error { _, err := e.ws.CreateKey(e.ctx, M, def, workspace.KeyInput{Name: "x"}); return err }(),
		"Members":    func() error { _, err := e.ws.Members(e.ctx, M, def); return err }(),
		"SetCurrent": e.ws.SetCurrent(e.ctx, M, def),
		"GetLimits":  func() error { _, err := e.ws.GetLimits(e.ctx, M, def); return err }(),
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, err, "workspace.not_found") })
	}
	e.unchanged(t, before)
	list := must(e.ws.List(e.ctx, M, true))(t)
	if len(list) != 1 || list[0].ID != mine || list[0].MyRole != workspace.RoleMember || list[0].CanManage {
		t.Errorf("member lists %+v", list)
	}
	if cur := must(e.ws.Current(e.ctx, M))(t); cur != mine {
		t.Errorf("current = %q", cur)
	}
	// Removed from it, they see nothing.
	ok(t, e.ws.RemoveMember(e.ctx, o.Actor(), mine, m.ID))
	if list := must(e.ws.List(e.ctx, M, true))(t); len(list) != 0 {
		t.Errorf("after removal lists %+v", list)
	}
	if cur := must(e.ws.Current(e.ctx, M))(t); cur != "" {
		t.Errorf("current = %q, want none", cur)
	}
}

// ---------------------------------------------------------------- workspaces

func TestCreateAndUpdateWorkspace(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	before := e.snapshot()
	for _, c := range []struct{ name, desc, code, field string }{
		{"", "", "name.required", "name"},
		{strings.Repeat("n", org.MaxNameLen+1), "", "name.too_long", "name"},
		{"bidi\u202Etrick", "", "name.invalid", "name"},
		{"ok", strings.Repeat("d", workspace.MaxDescriptionLen+1), "name.too_long", "description"},
		{"ok", "bad\xff", "name.invalid", "description"},
	} {
		_, err := e.ws.Create(e.ctx, o.Actor(), c.name, c.desc)
		if ae := wantCode(t, err, c.code); ae.Field != c.field {
			t.Errorf("field %q, want %q", ae.Field, c.field)
		}
	}
	e.unchanged(t, before)

	mark := e.mark()
	w := must(e.ws.Create(e.ctx, o.Actor(), "  Research  ", "  models & data "))(t)
	if w.Name != "Research" || w.Description != "models & data" || w.MyRole != workspace.RoleAdmin || !w.CanManage ||
		w.MemberCount != 1 || w.KeyCount != 0 || w.ArchivedAt != nil || !w.CreatedAt.Equal(start) {
		t.Errorf("created %+v", w)
	}
	evs := e.wantEvents(t, mark, "workspace.created")
	if ev := evs[0]; ev.ActorID != o.ID || ev.OrgID != o.OrgID || ev.WorkspaceID != w.ID || ev.TargetID != w.ID || ev.TargetType != "workspace" {
		t.Errorf("event %+v", ev)
	}
	// An update that changes nothing records nothing.
	before = e.snapshot()
	_ = must(e.ws.Update(e.ctx, o.Actor(), w.ID, "Research", "models & data"))(t)
	e.unchanged(t, before)
	mark = e.mark()
	up := must(e.ws.Update(e.ctx, o.Actor(), w.ID, "R&D", ""))(t)
	if up.Name != "R&D" || up.Description != "" {
		t.Errorf("updated %+v", up)
	}
	evs = e.wantEvents(t, mark, "workspace.updated")
	if !strings.Contains(evs[0].Details, `"name":{"from":"Research","to":"R\u0026D"}`) {
		t.Errorf("details %s", evs[0].Details)
	}
	// Listed by name, case-insensitively.
	_ = must(e.ws.Create(e.ctx, o.Actor(), "alpha", ""))(t)
	var names []string
	for _, w := range must(e.ws.List(e.ctx, o.Actor(), false))(t) {
		names = append(names, w.Name)
	}
	if !slices.Equal(names, []string{"alpha", "Default workspace", "R&D"}) {
		t.Errorf("listed %q", names)
	}
}

func TestDeleteWorkspace(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w := must(e.ws.Create(e.ctx, o.Actor(), "Doomed", ""))(t)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member, w.ID)
	k1 := must(e.ws.CreateKey(e.ctx, o.Actor(), w.ID, workspace.KeyInput{Name: "one"}))(t)
	k2 := must(e.ws.CreateKey(e.ctx, m.Actor(), w.ID, workspace.KeyInput{Name: "two"}))(t)
	ok(t, e.ws.RevokeKey(e.ctx, o.Actor(), w.ID, k2.ID))
	_ = must(e.ws.AddResource(e.ctx, o.Actor(), w.ID, "file", "f", 1))(t)
	_ = must(e.ws.SetLimits(e.ctx, o.Actor(), w.ID, workspace.LimitsInput{Rows: []workspace.LimitRow{{RequestsPerSecond: ptr(1)}}}))(t)
	ok(t, e.ws.SetCurrent(e.ctx, m.Actor(), w.ID))
	_ = must(e.ws.VerifyKey(e.ctx, k1.Secret))(t)

	before := e.snapshot()
	for _, typed := range []string{"", "doomed", "Doomed!", "Default workspace"} {
		wantCode(t, e.ws.Delete(e.ctx, o.Actor(), w.ID, typed), "confirm.name_mismatch")
	}
	e.unchanged(t, before)

	mark := e.mark()
	ok(t, e.ws.Delete(e.ctx, o.Actor(), w.ID, " Doomed "))
	evs := e.wantEvents(t, mark, "workspace.deleted")
	if !strings.Contains(evs[0].Details, `"keysDeleted":2`) || evs[0].WorkspaceID != w.ID {
		t.Errorf("event %+v", evs[0])
	}
	_, err := e.ws.VerifyKey(e.ctx, k1.Secret)
	wantCode(t, err, "key.invalid")
	for _, table := range []string{"api_keys", "resources", "workspace_limits", "workspace_members"} {
		if n := e.count(`SELECT COUNT(*) FROM `+table+` WHERE workspace_id = ?`, w.ID); n != 0 {
			t.Errorf("%d rows of the deleted workspace left in %s", n, table)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM member_preferences WHERE current_workspace = ?`, w.ID); n != 0 {
		t.Error("the deleted workspace is still someone's current one")
	}
	_, err = e.ws.Get(e.ctx, o.Actor(), w.ID)
	wantCode(t, err, "workspace.not_found")
	if cur := must(e.ws.Current(e.ctx, o.Actor()))(t); cur != e.defaultWorkspace(o) {
		t.Errorf("current = %q", cur)
	}
	if cur := must(e.ws.Current(e.ctx, m.Actor()))(t); cur != "" {
		t.Errorf("member's current = %q, want none", cur)
	}
}

func TestArchiveAndRestoreWorkspace(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := must(e.ws.Create(e.ctx, o.Actor(), "Seasonal", ""))(t)
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w.ID, workspace.KeyInput{Name: "k"}))(t)
	k2 := must(e.ws.CreateKey(e.ctx, o.Actor(), w.ID, workspace.KeyInput{Name: "k2"}))(t)
	e.clock.Advance(time.Minute)

	mark := e.mark()
	got := must(e.ws.SetArchived(e.ctx, o.Actor(), w.ID, true))(t)
	if got.ArchivedAt == nil || !got.ArchivedAt.Equal(e.clock.Now()) {
		t.Errorf("archived %+v", got)
	}
	e.wantEvents(t, mark, "workspace.archived")
	before := e.snapshot()
	_ = must(e.ws.SetArchived(e.ctx, o.Actor(), w.ID, true))(t) // already archived: nothing happens
	_, err := e.ws.VerifyKey(e.ctx, k.Secret)
	wantCode(t, err, "key.invalid")
	_, err = e.ws.CreateKey(e.ctx, o.Actor(), w.ID, workspace.KeyInput{Name: "new"})
	wantCode(t, err, "workspace.archived")
	_, err = e.ws.RotateKey(e.ctx, o.Actor(), w.ID, k.ID, time.Hour)
	wantCode(t, err, "workspace.archived")
	// Archiving freezes the contents too, until the workspace is restored.
	_, err = e.ws.AddResource(e.ctx, o.Actor(), w.ID, "file", "late.jsonl", 10)
	wantCode(t, err, "workspace.archived")
	_, err = e.ws.SetLimits(e.ctx, o.Actor(), w.ID, workspace.LimitsInput{})
	wantCode(t, err, "workspace.archived")
	e.unchanged(t, before)
	// Archived workspaces are listed only on request, and are never current.
	if list := must(e.ws.List(e.ctx, o.Actor(), false))(t); slices.ContainsFunc(list, func(x workspace.Workspace) bool { return x.ID == w.ID }) {
		t.Error("archived workspace listed")
	}
	if list := must(e.ws.List(e.ctx, o.Actor(), true))(t); !slices.ContainsFunc(list, func(x workspace.Workspace) bool { return x.ID == w.ID && x.ArchivedAt != nil }) {
		t.Error("archived workspace not listed with includeArchived")
	}
	// A key can still be revoked while archived (and stays revoked after).
	ok(t, e.ws.RevokeKey(e.ctx, o.Actor(), w.ID, k2.ID))

	mark = e.mark()
	got = must(e.ws.SetArchived(e.ctx, o.Actor(), w.ID, false))(t)
	if got.ArchivedAt != nil {
		t.Errorf("restored %+v", got)
	}
	e.wantEvents(t, mark, "workspace.restored")
	_ = must(e.ws.VerifyKey(e.ctx, k.Secret))(t)
	_, err = e.ws.VerifyKey(e.ctx, k2.Secret)
	wantCode(t, err, "key.invalid")
	_ = must(e.ws.CreateKey(e.ctx, o.Actor(), w.ID, workspace.KeyInput{Name: "new"}))(t)
}

func TestCurrentWorkspace(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	def := e.defaultWorkspace(o)
	a := o.Actor()
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != def {
		t.Errorf("current = %q, want the default workspace", cur)
	}
	zed := must(e.ws.Create(e.ctx, a, "Zed", ""))(t).ID
	alpha := must(e.ws.Create(e.ctx, a, "Alpha", ""))(t).ID
	// Nothing chosen yet: the first by name.
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != alpha {
		t.Errorf("current = %q, want Alpha", cur)
	}
	ok(t, e.ws.SetCurrent(e.ctx, a, zed))
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != zed {
		t.Errorf("current = %q, want Zed", cur)
	}
	ok(t, e.ws.SetCurrent(e.ctx, a, zed)) // again: still one preference row
	if n := e.count(`SELECT COUNT(*) FROM member_preferences WHERE user_id = ?`, o.ID); n != 1 {
		t.Errorf("%d preference rows", n)
	}
	_ = must(e.ws.SetArchived(e.ctx, a, zed, true))(t)
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != alpha {
		t.Errorf("current while Zed is archived = %q, want Alpha", cur)
	}
	_ = must(e.ws.SetArchived(e.ctx, a, zed, false))(t)
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != zed {
		t.Errorf("current after restoring Zed = %q", cur)
	}
	wantCode(t, e.ws.SetCurrent(e.ctx, a, "no-such-workspace"), "workspace.not_found")
	if cur := must(e.ws.Current(e.ctx, a))(t); cur != zed {
		t.Errorf("current = %q", cur)
	}
}

// ---------------------------------------------------------------- workspace members

func TestWorkspaceMembers(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w := must(e.ws.Create(e.ctx, o.Actor(), "Team room", ""))(t).ID
	sam := e.join(o, "sam@example.com", "Sam", "Spare", org.Member)
	pct := e.join(o, "percent@example.com", "100%", "Sure", org.Member)
	amy := e.join(o, "amy@example.com", "amy", "Lower", org.Admin)
	stranger := e.signUp("stranger@example.com", "Stranger", "S")

	cands := must(e.ws.Candidates(e.ctx, o.Actor(), w, ""))(t)
	if got := len(cands); got != 3 {
		t.Errorf("%d candidates, want 3: %+v", got, cands)
	}
	for search, want := range map[string][]string{"SAM": {sam.ID}, "spare": {sam.ID}, "@EXAMPLE.com": {pct.ID, amy.ID, sam.ID},
		"%": {pct.ID}, "_": nil, "olga": nil, "100% s": {pct.ID}} {
		var got []string
		for _, c := range must(e.ws.Candidates(e.ctx, o.Actor(), w, search))(t) {
			got = append(got, c.UserID)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("candidates for %q = %v, want %v", search, got, want)
		}
	}
	_, err := e.ws.Candidates(e.ctx, o.Actor(), w, strings.Repeat("x", 201))
	wantCode(t, err, "input.too_long")

	before := e.snapshot()
	wantCode(t, e.ws.AddMember(e.ctx, o.Actor(), w, sam.ID, "owner"), "role.unknown")
	wantCode(t, e.ws.AddMember(e.ctx, o.Actor(), w, stranger.ID, "member"), "member.not_found")
	wantCode(t, e.ws.AddMember(e.ctx, o.Actor(), w, o.ID, "member"), "workspace.already_member")
	wantCode(t, e.ws.ChangeMemberRole(e.ctx, o.Actor(), w, sam.ID, "admin"), "member.not_found")
	wantCode(t, e.ws.ChangeMemberRole(e.ctx, o.Actor(), w, o.ID, "root"), "role.unknown")
	wantCode(t, e.ws.RemoveMember(e.ctx, o.Actor(), w, sam.ID), "member.not_found")
	e.unchanged(t, before)

	mark := e.mark()
	ok(t, e.ws.AddMember(e.ctx, o.Actor(), w, sam.ID, "member"))
	ok(t, e.ws.AddMember(e.ctx, o.Actor(), w, amy.ID, "admin"))
	ok(t, e.ws.ChangeMemberRole(e.ctx, o.Actor(), w, sam.ID, "member")) // unchanged: no event
	ok(t, e.ws.ChangeMemberRole(e.ctx, o.Actor(), w, sam.ID, "admin"))
	ok(t, e.ws.RemoveMember(e.ctx, o.Actor(), w, amy.ID))
	evs := e.wantEvents(t, mark, "workspace.member_added", "workspace.member_added", "workspace.member_role_changed", "workspace.member_removed")
	if ev := evs[0]; ev.TargetID != sam.ID || ev.WorkspaceID != w || ev.TargetType != "user" || !strings.Contains(ev.Details, `"role":"member"`) {
		t.Errorf("added event %+v", ev)
	}
	if !strings.Contains(evs[2].Details, `"from":"member"`) || !strings.Contains(evs[2].Details, `"to":"admin"`) {
		t.Errorf("role event %s", evs[2].Details)
	}
	var got []string
	for _, m := range must(e.ws.Members(e.ctx, o.Actor(), w))(t) {
		got = append(got, m.FirstName+":"+m.Role)
	}
	if !slices.Equal(got, []string{"Olga:admin", "Sam:admin"}) {
		t.Errorf("members %q", got)
	}
	// Sam, a workspace admin, now manages it (but is still an organization Member).
	ok(t, e.ws.AddMember(e.ctx, sam.Actor(), w, pct.ID, "member"))
	_, err = e.ws.Update(e.ctx, sam.Actor(), w, "Sam's room", "")
	ok(t, err)
	_, err = e.ws.SetArchived(e.ctx, sam.Actor(), w, true)
	wantCode(t, err, "auth.forbidden")
}

// TestSingleMemberWorkspacesOnFree: without shared workspaces (Free, Pro) a
// workspace holds one person. Free allows one member, so two people in an
// organization on Free only happen when its plan is lowered outside
// SetPlans (billing, later); the rule holds then too.
func TestSingleMemberWorkspacesOnFree(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w := e.defaultWorkspace(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	other := must(e.ws.Create(e.ctx, o.Actor(), "Other", ""))(t).ID
	// Down to Free and Pro: refused while two people are in the organization.
	for _, chat := range []string{"free", "pro"} {
		_, err := e.org.SetPlans(e.ctx, o.Actor(), chat, "experiment")
		wantCode(t, err, "plan.too_many_members")
	}
	for _, chat := range []string{"free", "pro"} {
		if _, err := e.db.Exec(`UPDATE organizations SET chat_plan = ? WHERE id = ?`, chat, o.OrgID); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		wantCode(t, e.ws.AddMember(e.ctx, o.Actor(), w, m.ID, "member"), "plan.workspace_single_member")
		e.unchanged(t, before)
	}
	// An empty workspace may take its one person.
	ok(t, e.ws.RemoveMember(e.ctx, o.Actor(), other, o.ID))
	ok(t, e.ws.AddMember(e.ctx, o.Actor(), other, m.ID, "admin"))
	// On Team, a second person is fine, and then Free is refused.
	if _, err := e.db.Exec(`UPDATE organizations SET chat_plan = 'team' WHERE id = ?`, o.OrgID); err != nil {
		t.Fatal(err)
	}
	ok(t, e.ws.AddMember(e.ctx, o.Actor(), w, m.ID, "member"))
	before := e.snapshot()
	_, err := e.org.SetPlans(e.ctx, o.Actor(), "free", "experiment")
	wantCode(t, err, "plan.too_many_members") // plan.shared_workspaces would hold too, but is checked second
	e.unchanged(t, before)
}

// ---------------------------------------------------------------- resources

func TestResources(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	before := e.snapshot()
	for _, c := range []struct {
		kind, name string
		size       int64
		code       string
	}{{"video", "x", 1, "resource.unknown_kind"}, {"file", " ", 1, "name.required"}, {"file", "x", -1, "input.invalid"}} {
		_, err := e.ws.AddResource(e.ctx, o.Actor(), w, c.kind, c.name, c.size)
		wantCode(t, err, c.code)
	}
	e.unchanged(t, before)
	mark := e.mark()
	var ids []string
	for i, kind := range []string{"file", "fine_tuned_model", "agent", "batch_job", "file"} {
		e.clock.Advance(time.Second)
		r := must(e.ws.AddResource(e.ctx, o.Actor(), w, kind, fmt.Sprintf("r%d", i), int64(i*100)))(t)
		ids = append(ids, r.ID)
	}
	e.wantEvents(t, mark, "resource.created", "resource.created", "resource.created", "resource.created", "resource.created")
	pg := must(e.ws.Resources(e.ctx, o.Actor(), w, "", 0, 2))(t)
	if pg.Total != 5 || len(pg.Resources) != 2 || pg.Resources[0].ID != ids[4] || pg.Resources[1].ID != ids[3] ||
		pg.Resources[0].CreatedBy != "Olga Owner" || pg.Resources[0].SizeBytes != 400 {
		t.Errorf("page %+v", pg)
	}
	if pg := must(e.ws.Resources(e.ctx, o.Actor(), w, "file", 0, 0))(t); pg.Total != 2 || len(pg.Resources) != 2 || pg.Resources[1].ID != ids[0] {
		t.Errorf("files %+v", pg)
	}
	_, err := e.ws.Resources(e.ctx, o.Actor(), w, "video", 0, 10)
	wantCode(t, err, "resource.unknown_kind")
	mark = e.mark()
	ok(t, e.ws.DeleteResource(e.ctx, o.Actor(), w, ids[0]))
	e.wantEvents(t, mark, "resource.deleted")
	wantCode(t, e.ws.DeleteResource(e.ctx, o.Actor(), w, ids[0]), "resource.not_found")
}

// ---------------------------------------------------------------- keys

func TestKeySecretIsShownOnce(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	mark := e.mark()
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: " CI deploy ", AllowedModels: []string{"gpt-x", "gpt-x", "embed/v2"}}))(t)
	evs := e.wantEvents(t, mark, "api_key.created")
	if _, err := tokens.Parse(tokens.APIKey, k.Secret); err != nil {
		t.Fatalf("secret %q does not parse: %v", k.Secret, err)
	}
	if k.DisplayPrefix != k.Secret[:12] || k.Name != "CI deploy" || !slices.Equal(k.AllowedModels, []string{"gpt-x", "embed/v2"}) ||
		k.Status != workspace.KeyActive {
		t.Errorf("new key %+v", k.Key)
	}
	hidden := k.Secret[len(k.DisplayPrefix):] // what is never shown again
	page := must(e.ws.Keys(e.ctx, o.Actor(), w, 0, 50))(t)
	js, _ := json.Marshal(page)
	if bytes.Contains(js, []byte(hidden)) {
		t.Error("the key list holds the secret")
	}
	if strings.Contains(evs[0].Details, hidden) || !strings.Contains(evs[0].Details, k.DisplayPrefix) {
		t.Errorf("event details %s", evs[0].Details)
	}
	raw := e.fileBytes()
	if bytes.Contains(raw, []byte(hidden)) {
		t.Error("the database file or its WAL holds the secret")
	}
	if !bytes.Contains(raw, tokens.Digest(k.Secret)) {
		t.Error("the digest is not in the files read: the check above proves nothing")
	}
}

func TestKeyList(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w := e.defaultWorkspace(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member, w)
	exp := start.Add(48 * time.Hour)
	k1 := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "first", ExpiresAt: &exp, AllowedModels: []string{"m1"}}))(t)
	e.clock.Advance(250 * time.Millisecond) // same second: still sorted newest first
	k2 := must(e.ws.CreateKey(e.ctx, m.Actor(), w, workspace.KeyInput{Name: "second"}))(t)
	e.clock.Advance(time.Second)
	k3 := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "third"}))(t)
	e.clock.Advance(time.Minute)
	used := e.clock.Now()
	u := must(e.ws.VerifyKey(e.ctx, "  "+k1.Secret+"\n"))(t)
	if u.KeyID != k1.ID || u.WorkspaceID != w || u.OrgID != o.OrgID || !slices.Equal(u.AllowedModels, []string{"m1"}) {
		t.Errorf("verified %+v", u)
	}
	ok(t, e.ws.RevokeKey(e.ctx, o.Actor(), w, k3.ID))

	page := must(e.ws.Keys(e.ctx, m.Actor(), w, 0, 50))(t)
	if page.Total != 3 || len(page.Keys) != 3 {
		t.Fatalf("page %+v", page)
	}
	got := []string{page.Keys[0].ID, page.Keys[1].ID, page.Keys[2].ID}
	if !slices.Equal(got, []string{k3.ID, k2.ID, k1.ID}) {
		t.Errorf("order %v, want third, second, first", got)
	}
	first := page.Keys[2]
	if first.Name != "first" || first.DisplayPrefix != k1.DisplayPrefix || first.CreatedBy != "Olga Owner" ||
		!first.CreatedAt.Equal(start) || first.ExpiresAt == nil || !first.ExpiresAt.Equal(exp) ||
		first.LastUsedAt == nil || !first.LastUsedAt.Equal(used) || first.Status != workspace.KeyActive ||
		!slices.Equal(first.AllowedModels, []string{"m1"}) {
		t.Errorf("first key %+v", first)
	}
	if k := page.Keys[1]; k.CreatedBy != "Mia Member" || k.LastUsedAt != nil || k.ExpiresAt != nil || k.Status != workspace.KeyActive ||
		k.AllowedModels == nil {
		t.Errorf("second key %+v", k)
	}
	if k := page.Keys[0]; k.Status != workspace.KeyRevoked {
		t.Errorf("third key %+v", k)
	}
	if ws := must(e.ws.Get(e.ctx, o.Actor(), w))(t); ws.KeyCount != 2 {
		t.Errorf("KeyCount %d, want 2 live keys", ws.KeyCount)
	}
	if pg := must(e.ws.Keys(e.ctx, o.Actor(), w, 1, 1))(t); len(pg.Keys) != 1 || pg.Keys[0].ID != k2.ID || pg.Total != 3 {
		t.Errorf("paged %+v", pg)
	}
}

func TestRevokeKey(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "k"}))(t)
	_ = must(e.ws.VerifyKey(e.ctx, k.Secret))(t)
	mark := e.mark()
	ok(t, e.ws.RevokeKey(e.ctx, o.Actor(), w, k.ID))
	evs := e.wantEvents(t, mark, "api_key.revoked")
	if evs[0].TargetID != k.ID || evs[0].WorkspaceID != w {
		t.Errorf("event %+v", evs[0])
	}
	_, err := e.ws.VerifyKey(e.ctx, k.Secret)
	wantCode(t, err, "key.invalid")
	before := e.snapshot()
	wantCode(t, e.ws.RevokeKey(e.ctx, o.Actor(), w, k.ID), "key.already_revoked")
	_, err = e.ws.RotateKey(e.ctx, o.Actor(), w, k.ID, time.Hour)
	wantCode(t, err, "key.not_active")
	wantCode(t, e.ws.RevokeKey(e.ctx, o.Actor(), w, "no-such-key"), "key.not_found")
	e.unchanged(t, before)
}

func TestRotateKey(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	exp := start.Add(30 * 24 * time.Hour)
	old := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "svc", ExpiresAt: &exp, AllowedModels: []string{"a", "b"}}))(t)
	before := e.snapshot()
	for _, g := range []time.Duration{-time.Second, workspace.MaxRotationGrace + time.Nanosecond, 48 * time.Hour} {
		_, err := e.ws.RotateKey(e.ctx, o.Actor(), w, old.ID, g)
		wantCode(t, err, "key.grace_too_long")
	}
	_, err := e.ws.RotateKey(e.ctx, o.Actor(), w, "nope", time.Hour)
	wantCode(t, err, "key.not_found")
	e.unchanged(t, before)

	e.clock.Advance(time.Minute)
	mark := e.mark()
	nk := must(e.ws.RotateKey(e.ctx, o.Actor(), w, old.ID, time.Hour))(t)
	evs := e.wantEvents(t, mark, "api_key.rotated")
	if !strings.Contains(evs[0].Details, `"graceSeconds":3600`) || !strings.Contains(evs[0].Details, nk.ID) || evs[0].TargetID != old.ID {
		t.Errorf("event %+v", evs[0])
	}
	if nk.Secret == old.Secret || nk.ID == old.ID || nk.Name != "svc" || nk.ExpiresAt == nil || !nk.ExpiresAt.Equal(exp) ||
		!slices.Equal(nk.AllowedModels, []string{"a", "b"}) {
		t.Errorf("new key %+v", nk.Key)
	}
	status := func(id string) workspace.Key {
		for _, k := range must(e.ws.Keys(e.ctx, o.Actor(), w, 0, 50))(t).Keys {
			if k.ID == id {
				return k
			}
		}
		t.Fatalf("key %s not listed", id)
		return workspace.Key{}
	}
	if k := status(old.ID); k.Status != workspace.KeyRotating || k.GraceUntil == nil || !k.GraceUntil.Equal(e.clock.Now().Add(time.Hour)) {
		t.Errorf("old key during grace %+v", k)
	}
	_, err = e.ws.RotateKey(e.ctx, o.Actor(), w, old.ID, time.Hour)
	wantCode(t, err, "key.not_active")
	// Both work until the grace period ends, then only the new one.
	e.clock.Advance(time.Hour - time.Second)
	_ = must(e.ws.VerifyKey(e.ctx, old.Secret))(t)
	_ = must(e.ws.VerifyKey(e.ctx, nk.Secret))(t)
	e.clock.Advance(time.Second)
	_, err = e.ws.VerifyKey(e.ctx, old.Secret)
	wantCode(t, err, "key.invalid")
	_ = must(e.ws.VerifyKey(e.ctx, nk.Secret))(t)
	if k := status(old.ID); k.Status != workspace.KeyRevoked {
		t.Errorf("old key after grace: %s", k.Status)
	}
	// Grace 0 ends the old key at once; 24 hours is the most allowed.
	k0 := must(e.ws.RotateKey(e.ctx, o.Actor(), w, nk.ID, 0))(t)
	_, err = e.ws.VerifyKey(e.ctx, nk.Secret)
	wantCode(t, err, "key.invalid")
	_ = must(e.ws.RotateKey(e.ctx, o.Actor(), w, k0.ID, workspace.MaxRotationGrace))(t)
	_ = must(e.ws.VerifyKey(e.ctx, k0.Secret))(t)
}

func TestKeyValidation(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	past, now, far := start.Add(-time.Second), start, start.Add(workspace.MaxKeyLifetime+time.Hour)
	tooMany := make([]string, workspace.MaxAllowedModels+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("m%d", i)
	}
	before := e.snapshot()
	for _, c := range []struct {
		in    workspace.KeyInput
		code  string
		model string
	}{
		{workspace.KeyInput{Name: ""}, "name.required", ""},
		{workspace.KeyInput{Name: "k", ExpiresAt: &past}, "key.expiry_past", ""},
		{workspace.KeyInput{Name: "k", ExpiresAt: &now}, "key.expiry_past", ""},
		{workspace.KeyInput{Name: "k", ExpiresAt: &far}, "key.expiry_too_far", ""},
		{workspace.KeyInput{Name: "k", AllowedModels: []string{"good", "bad model"}}, "model.invalid", "bad model"},
		{workspace.KeyInput{Name: "k", AllowedModels: []string{""}}, "model.invalid", ""},
		{workspace.KeyInput{Name: "k", AllowedModels: []string{"-leading-dash"}}, "model.invalid", "-leading-dash"},
		{workspace.KeyInput{Name: "k", AllowedModels: []string{strings.Repeat("m", 101)}}, "model.invalid", strings.Repeat("m", 101)},
		{workspace.KeyInput{Name: "k", AllowedModels: tooMany}, "model.too_many", ""},
	} {
		_, err := e.ws.CreateKey(e.ctx, o.Actor(), w, c.in)
		ae := wantCode(t, err, c.code)
		if c.code == "model.invalid" && ae.Params["Model"] != c.model {
			t.Errorf("model.invalid params %v", ae.Params)
		}
	}
	e.unchanged(t, before)
	valid := []string{"gpt-4o", "org/model:v1.2", strings.Repeat("m", 100), "A_b-c.d"}
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "k", AllowedModels: valid}))(t)
	if !slices.Equal(k.AllowedModels, valid) {
		t.Errorf("models %q", k.AllowedModels)
	}
	if k.AllowedModels == nil {
		t.Error("nil models")
	}
}

func TestExpiredKeyDoesNotVerify(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	exp := start.Add(time.Hour)
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "short", ExpiresAt: &exp}))(t)
	e.clock.Advance(time.Hour - time.Nanosecond)
	_ = must(e.ws.VerifyKey(e.ctx, k.Secret))(t)
	e.clock.Advance(time.Nanosecond)
	_, err := e.ws.VerifyKey(e.ctx, k.Secret)
	wantCode(t, err, "key.invalid")
	if st := must(e.ws.Keys(e.ctx, o.Actor(), w, 0, 10))(t).Keys[0].Status; st != workspace.KeyExpired {
		t.Errorf("status %s", st)
	}
	_, err = e.ws.RotateKey(e.ctx, o.Actor(), w, k.ID, 0)
	wantCode(t, err, "key.not_active")
}

func TestVerifyKeyRefusesMalformed(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), e.defaultWorkspace(o), workspace.KeyInput{Name: "k"}))(t)
	inv, _ := tokens.New(tokens.Invitation)
	fresh, _ := tokens.New(tokens.APIKey) // well-formed, never issued
	flip := []byte(k.Secret)
	flip[20] ^= 0x20 // change a letter's case
	for _, s := range []string{"", "acsk_", k.Secret[:len(k.Secret)-1], k.Secret + "x", strings.ToUpper(k.Secret), string(flip), inv, fresh,
		"Bearer " + k.Secret} {
		before := e.snapshot()
		_, err := e.ws.VerifyKey(e.ctx, s)
		wantCode(t, err, "key.invalid")
		e.unchanged(t, before)
	}
}

// TestRecentAuthForKeys: with RecentAuth wired as the desktop wires it,
// issuing a secret (create, rotate) needs a password proof in the last 10
// minutes; revoking does not.
func TestRecentAuthForKeys(t *testing.T) {
	e := newEnv(t)
	e.ws.RecentAuth = func(ctx context.Context, q org.Querier, a org.Actor) error {
		return e.acct.RequireRecentAuth(ctx, q, account.Actor{UserID: a.UserID, OrgID: a.OrgID, SessionID: a.SessionID})
	}
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	e.clock.Advance(account.RecentAuthWindow)
	k := must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "at the edge"}))(t)
	e.clock.Advance(time.Second)
	before := e.snapshot()
	_, err := e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "too late"})
	wantCode(t, err, "auth.reauth_required")
	_, err = e.ws.RotateKey(e.ctx, o.Actor(), w, k.ID, time.Hour)
	wantCode(t, err, "auth.reauth_required")
	// Without a session there is no proof at all.
	noSession := o.Actor()
	noSession.SessionID = ""
	_, err = e.ws.CreateKey(e.ctx, noSession, w, workspace.KeyInput{Name: "x"})
	wantCode(t, err, "auth.session_expired")
	e.unchanged(t, before)
	// Access is checked before the proof: a stranger learns nothing.
	stranger := e.signUp("sven@example.com", "Sven", "S")
	e.clock.Advance(time.Hour)
	_, err = e.ws.CreateKey(e.ctx, stranger.Actor(), w, workspace.KeyInput{Name: "x"})
	wantCode(t, err, "workspace.not_found")

	err = e.acct.Reauthenticate(e.ctx, o.Account(), "wrong password, surely", "")
	if apperr.Code(err) != "password.wrong" {
		t.Errorf("wrong password: %v", err)
	}
	mark := e.mark()
	ok(t, e.acct.Reauthenticate(e.ctx, o.Account(), password, ""))
	_ = must(e.ws.CreateKey(e.ctx, o.Actor(), w, workspace.KeyInput{Name: "after proof"}))(t)
	rotated := must(e.ws.RotateKey(e.ctx, o.Actor(), w, k.ID, time.Hour))(t)
	e.wantEvents(t, mark, "user.reauthenticated", "api_key.created", "api_key.rotated")
	// Revoking needs no fresh proof.
	e.clock.Advance(time.Hour)
	ok(t, e.ws.RevokeKey(e.ctx, o.Actor(), w, rotated.ID))
}

// ---------------------------------------------------------------- limits

func TestLimits(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	a := o.Actor()
	exp, _ := plans.Get(plans.API, plans.Experiment)
	scale, _ := plans.Get(plans.API, plans.Scale)
	if exp.Rates == scale.Rates || exp.Rates.RequestsPerSecond >= scale.Rates.RequestsPerSecond {
		t.Fatalf("catalog: experiment %+v, scale %+v", exp.Rates, scale.Rates)
	}
	l := must(e.ws.GetLimits(e.ctx, a, w))(t)
	if l.OrgCeiling != exp.Rates || len(l.Rows) != 0 || l.Rows == nil || l.MonthlySpend != nil || l.Currency != "EUR" || l.OrgMonthlySpend != nil {
		t.Errorf("initial limits %+v", l)
	}

	before := e.snapshot()
	over := exp.Rates.RequestsPerSecond + 4
	_, err := e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{Rows: []workspace.LimitRow{
		{Model: "", TokensPerMinute: ptr(100)},
		{Model: "gpt-x", RequestsPerSecond: ptr(over)},
	}})
	ae := wantCode(t, err, "limits.exceeds_org")
	wantParams := map[string]any{"Limit": "requests_per_second", "Model": "gpt-x", "Value": over,
		"Ceiling": exp.Rates.RequestsPerSecond, "Over": over - exp.Rates.RequestsPerSecond}
	if fmt.Sprint(ae.Params) != fmt.Sprint(wantParams) || ae.Field != "requests_per_second" {
		t.Errorf("params %v (field %q), want %v", ae.Params, ae.Field, wantParams)
	}
	for _, c := range []struct {
		in   workspace.LimitsInput
		code string
	}{
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{TokensPerMinute: ptr(exp.Rates.TokensPerMinute + 1)}}}, "limits.exceeds_org"},
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{TokensPerMonth: ptr(exp.Rates.TokensPerMonth + 1)}}}, "limits.exceeds_org"},
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{RequestsPerSecond: ptr(-1)}}}, "limits.negative"},
		{workspace.LimitsInput{MonthlySpend: ptr(-100)}, "limits.negative"},
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{Model: "m", RequestsPerSecond: ptr(1)}, {Model: "m"}}}, "limits.duplicate_model"},
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{}, {}}}, "limits.duplicate_model"},
		{workspace.LimitsInput{Rows: []workspace.LimitRow{{Model: "no spaces allowed"}}}, "model.invalid"},
		{workspace.LimitsInput{Rows: make([]workspace.LimitRow, workspace.MaxLimitRows+1)}, "model.too_many"},
	} {
		_, err := e.ws.SetLimits(e.ctx, a, w, c.in)
		ae := wantCode(t, err, c.code)
		if c.code == "limits.exceeds_org" {
			v, c2, ov := ae.Params["Value"].(int64), ae.Params["Ceiling"].(int64), ae.Params["Over"].(int64)
			if ov != v-c2 || ov <= 0 {
				t.Errorf("Over %d, Value %d, Ceiling %d", ov, v, c2)
			}
		}
	}
	e.unchanged(t, before)

	// Within the ceilings: one event; empty rows are dropped; sorted by model.
	mark := e.mark()
	got := must(e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{MonthlySpend: ptr(50_00), Rows: []workspace.LimitRow{
		{Model: "zeta", RequestsPerSecond: ptr(exp.Rates.RequestsPerSecond)},
		{Model: "alpha"}, // says nothing
		{Model: "", TokensPerMinute: ptr(1000), TokensPerMonth: ptr(0)},
	}}))(t)
	evs := e.wantEvents(t, mark, "limits.updated")
	if ev := evs[0]; ev.TargetID != w || ev.WorkspaceID != w || !strings.Contains(ev.Details, `"before"`) || !strings.Contains(ev.Details, `"monthlySpend":5000`) {
		t.Errorf("event %+v", ev)
	}
	if len(got.Rows) != 2 || got.Rows[0].Model != "" || *got.Rows[0].TokensPerMinute != 1000 || *got.Rows[0].TokensPerMonth != 0 ||
		got.Rows[0].RequestsPerSecond != nil || got.Rows[1].Model != "zeta" || *got.MonthlySpend != 50_00 {
		t.Errorf("limits %+v", got)
	}
	if again := must(e.ws.GetLimits(e.ctx, a, w))(t); jsonOf(again) != jsonOf(got) {
		t.Errorf("GetLimits %+v, SetLimits returned %+v", again, got)
	}
	// Replacing drops what is not given again.
	_ = must(e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{}))(t)
	if l := must(e.ws.GetLimits(e.ctx, a, w))(t); len(l.Rows) != 0 || l.MonthlySpend != nil {
		t.Errorf("after clearing %+v", l)
	}

	// Scale lifts the ceilings.
	tooHigh := workspace.LimitsInput{Rows: []workspace.LimitRow{{RequestsPerSecond: ptr(50)}}}
	_, err = e.ws.SetLimits(e.ctx, a, w, tooHigh)
	wantCode(t, err, "limits.exceeds_org")
	_ = must(e.org.SetPlans(e.ctx, a, "free", "scale"))(t)
	if l := must(e.ws.GetLimits(e.ctx, a, w))(t); l.OrgCeiling != scale.Rates {
		t.Errorf("ceiling on Scale %+v", l.OrgCeiling)
	}
	_ = must(e.ws.SetLimits(e.ctx, a, w, tooHigh))(t)

	// The organization's monthly spend limit caps the workspace's.
	if _, err := e.db.Exec(`UPDATE organizations SET monthly_spend_limit = 10000 WHERE id = ?`, o.OrgID); err != nil {
		t.Fatal(err)
	}
	_, err = e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{MonthlySpend: ptr(100_01)})
	if ae := wantCode(t, err, "limits.exceeds_org"); ae.Params["Limit"] != "monthly_spend" || ae.Params["Over"] != int64(1) {
		t.Errorf("params %v", ae.Params)
	}
	_ = must(e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{MonthlySpend: ptr(100_00)}))(t)
}

// ---------------------------------------------------------------- the audit trail

// TestAuditTrail runs one of each workspace change and checks each event's
// stable action, actor, target and scope.
func TestAuditTrail(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	m := e.join(o, "mia@example.com", "Mia", "Member", org.Member)
	a := o.Actor()
	mark := e.mark()
	w := must(e.ws.Create(e.ctx, a, "Audited", ""))(t).ID
	_ = must(e.ws.Update(e.ctx, a, w, "Audited!", ""))(t)
	ok(t, e.ws.AddMember(e.ctx, a, w, m.ID, "member"))
	ok(t, e.ws.ChangeMemberRole(e.ctx, a, w, m.ID, "admin"))
	r := must(e.ws.AddResource(e.ctx, a, w, "file", "f", 1))(t)
	ok(t, e.ws.DeleteResource(e.ctx, a, w, r.ID))
	k := must(e.ws.CreateKey(e.ctx, a, w, workspace.KeyInput{Name: "k"}))(t)
	k2 := must(e.ws.RotateKey(e.ctx, a, w, k.ID, 0))(t)
	ok(t, e.ws.RevokeKey(e.ctx, a, w, k2.ID))
	_ = must(e.ws.SetLimits(e.ctx, a, w, workspace.LimitsInput{}))(t)
	ok(t, e.ws.RemoveMember(e.ctx, a, w, m.ID))
	_ = must(e.ws.SetArchived(e.ctx, a, w, true))(t)
	_ = must(e.ws.SetArchived(e.ctx, a, w, false))(t)
	ok(t, e.ws.Delete(e.ctx, a, w, "Audited!"))
	evs := e.wantEvents(t, mark, "workspace.created", "workspace.updated", "workspace.member_added", "workspace.member_role_changed",
		"resource.created", "resource.deleted", "api_key.created", "api_key.rotated", "api_key.revoked", "limits.updated",
		"workspace.member_removed", "workspace.archived", "workspace.restored", "workspace.deleted")
	targets := map[string]string{"workspace": w, "user": m.ID, "resource": r.ID, "api_key": ""}
	for _, ev := range evs {
		want, known := targets[ev.TargetType]
		if ev.ActorID != o.ID || ev.OrgID != o.OrgID || ev.WorkspaceID != w || !known || (want != "" && ev.TargetID != want) {
			t.Errorf("event %+v", ev)
		}
	}
}

// TestCandidatesSearchIgnoresCaseBeyondASCII: the people picker finds
// "Émile Ørsted" whether one types "émile", "ÉMILE" or "ØRSTED", as the
// organization's members list does.
func TestCandidatesSearchIgnoresCaseBeyondASCII(t *testing.T) {
	e := newEnv(t)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	e.team(o)
	w := e.defaultWorkspace(o)
	emile := e.join(o, "emile@example.com", "Émile", "Ørsted", org.Member)
	_ = e.join(o, "eve@example.com", "Eve", "Other", org.Member)
	for _, search := range []string{"Émile", "émile", "ÉMILE", "ørsted", "ØRSTED", "émile ør", "EMILE@"} {
		got := must(e.ws.Candidates(e.ctx, o.Actor(), w, search))(t)
		if len(got) != 1 || got[0].UserID != emile.ID {
			t.Errorf("Candidates(%q) = %+v", search, got)
		}
		// The organization's list agrees.
		pg := must(e.org.Members(e.ctx, o.Actor(), org.MemberQuery{Search: search}))(t)
		if pg.Total != 1 || pg.Members[0].UserID != emile.ID {
			t.Errorf("Members(%q) = %+v", search, pg)
		}
	}
}

// FuzzValidModels: never panics; what it accepts is a de-duplicated list of
// names that match the model pattern, and accepting it again changes nothing.
func FuzzValidModels(f *testing.F) {
	f.Add("gpt-4o", "embed/v2", "gpt-4o")
	f.Add("", "a b", "-x")
	f.Add("org/model:v1.2", strings.Repeat("m", 100), strings.Repeat("m", 101))
	f.Add("é", "a\x00", "A_b-c.d")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		in := []string{a, b, c}
		out, err := workspace.ValidModels("m", in)
		if err != nil {
			if apperr.Code(err) != "model.invalid" || out != nil {
				t.Fatalf("ValidModels(%q) = %q, %v", in, out, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range out {
			if seen[m] || !slices.Contains(in, m) || len(m) == 0 || len(m) > 100 || strings.ContainsAny(m, " \t\n\x00") {
				t.Fatalf("ValidModels(%q) = %q", in, out)
			}
			seen[m] = true
		}
		if len(seen) != len(out) {
			t.Fatalf("duplicates in %q", out)
		}
		again, err := workspace.ValidModels("m", out)
		if err != nil || !slices.Equal(again, out) {
			t.Fatalf("ValidModels(ValidModels(%q)) = %q, %v", in, again, err)
		}
	})
}
