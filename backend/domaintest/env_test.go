package domaintest_test

// The test environment shared by this package's tests and benchmarks: a real
// SQLite file in a temporary directory, the real audit log, and people made
// the way the app makes them (sign-up, invitations). No mocks.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
	"admin-console/backend/workspace"
)

// password is every test user's password (not in the common-password list).
const password = "correct horse battery staple"

func TestMain(m *testing.M) {
	// Password hashing is account's concern and tested there at full cost;
	// here it only slows sign-ups down, so use the cheapest argon2id.
	account.PasswordParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}

// start is the time every test clock starts at: a whole second, as a clock
// may well show.
var start = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// clock is a settable clock shared by all services of an env.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type defaults struct{}

func (defaults) OrgName(lang, first, last string) string {
	return first + " " + last + "'s organization"
}
func (defaults) WorkspaceName(lang string) string { return "Default workspace" }

type env struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	file  string
	key   []byte
	log   *audit.Log
	clock *clock
	acct  *account.Service
	org   *org.Service
	ws    *workspace.Service
}

// newEnv opens a fresh database; the audit chain is verified when the test ends.
func newEnv(t testing.TB) *env {
	t.Helper()
	key, err := secrets.LoadOrCreateKey(secrets.NewMemory(), "audit-key")
	if err != nil {
		t.Fatal(err)
	}
	return openEnv(t, filepath.Join(t.TempDir(), "admin.db"), key)
}

// openEnv opens (or creates) the database file with services on a new clock.
func openEnv(t testing.TB, file string, key []byte) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: start}
	log := audit.New(key)
	e := &env{t: t, ctx: ctx, db: db, file: file, key: key, log: log, clock: c,
		acct: &account.Service{DB: db, Audit: log, Defaults: defaults{}, Now: c.Now},
		org:  &org.Service{DB: db, Audit: log, Now: c.Now},
		ws:   &workspace.Service{DB: db, Audit: log, Now: c.Now},
	}
	t.Cleanup(e.verifyAudit) // runs before the Close above
	return e
}

// clone copies the database into a new env (a fresh file, fresh services
// with empty caches, a clock back at start): one fixture, many independent
// cases.
func (e *env) clone(t testing.TB) *env {
	t.Helper()
	file := filepath.Join(t.TempDir(), "clone.db")
	if err := e.db.Backup(e.ctx, file); err != nil {
		t.Fatal(err)
	}
	return openEnv(t, file, e.key)
}

// person is a signed-up user with their session.
type person struct {
	account.User
	Token string
}

func (p person) Actor() org.Actor {
	return org.Actor{UserID: p.ID, OrgID: p.OrgID, SessionID: p.SessionID}
}

func (p person) Account() account.Actor { return p.User.Actor() }

func (p person) Name() string { return p.FirstName + " " + p.LastName }

func (e *env) trySignUp(email, first, last string, join account.JoinFunc) (person, error) {
	s, err := e.acct.SignUp(e.ctx, account.SignUpInput{Email: email, FirstName: first, LastName: last,
		Password: password, Language: "en", Device: "test", Join: join})
	return person{User: s.User, Token: s.Token}, err
}

// signUp founds an organization (Free, Experiment) with its default workspace.
func (e *env) signUp(email, first, last string) person {
	e.t.Helper()
	p, err := e.trySignUp(email, first, last, nil)
	if err != nil {
		e.t.Fatalf("SignUp(%s): %v", email, err)
	}
	return p
}

// joinWith is the Join hook the desktop passes: accept the invitation in the
// sign-up transaction.
func (e *env) joinWith(token string) account.JoinFunc {
	return func(ctx context.Context, tx *sql.Tx, u *account.User) error {
		j, err := e.org.Accept(ctx, tx, u.ID, u.Email, token)
		if err != nil {
			return err
		}
		u.OrgID, u.Role = j.OrgID, string(j.Role)
		return nil
	}
}

// team puts the inviter's organization on Team (invitations, shared workspaces).
func (e *env) team(owner person) {
	e.t.Helper()
	if _, err := e.org.SetPlans(e.ctx, owner.Actor(), "team", "experiment"); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) invite(by person, email string, role org.Role, wsIDs ...string) org.Issued {
	e.t.Helper()
	iss, err := e.org.Invite(e.ctx, by.Actor(), org.InviteInput{Emails: []string{email}, Role: string(role), WorkspaceIDs: wsIDs},
		account.NormalizeEmail)
	if err != nil {
		e.t.Fatalf("Invite(%s): %v", email, err)
	}
	if len(iss) != 1 {
		e.t.Fatalf("Invite(%s) issued %d invitations", email, len(iss))
	}
	return iss[0]
}

// join invites email into by's organization (which must allow invitations)
// and signs them up through the invitation.
func (e *env) join(by person, email, first, last string, role org.Role, wsIDs ...string) person {
	e.t.Helper()
	iss := e.invite(by, email, role, wsIDs...)
	p, err := e.trySignUp(email, first, last, e.joinWith(iss.Token))
	if err != nil {
		e.t.Fatalf("SignUp(%s) with invitation: %v", email, err)
	}
	if p.OrgID != by.OrgID || p.Role != string(role) {
		e.t.Fatalf("joined %s as %s, want %s as %s", p.OrgID, p.Role, by.OrgID, role)
	}
	return p
}

// defaultWorkspace is the workspace sign-up made for p's organization.
func (e *env) defaultWorkspace(p person) string {
	e.t.Helper()
	var id string
	if err := e.db.QueryRow(`SELECT id FROM workspaces WHERE org_id = ? AND name = 'Default workspace'`, p.OrgID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// ------------------------------------------------------------ assertions

// wantCode checks that err is the coded error code.
func wantCode(t testing.TB, err error, code string) *apperr.Error {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want coded error %q", err, code)
	}
	if ae.Code != code {
		t.Fatalf("err = %s, want code %q", ae, code)
	}
	return ae
}

// must unwraps a (value, error) pair: must(f())(t).
func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshotTables is every table a domain action may write.
var snapshotTables = []string{"users", "organizations", "org_members", "workspaces", "workspace_members", "sessions",
	"signin_failures", "member_preferences", "invitations", "resources", "api_keys", "workspace_limits",
	"audit_events", "audit_head"}

// snapshot is each table's row count and a digest of its whole content.
type snapshot map[string]string

func (e *env) snapshot() snapshot {
	e.t.Helper()
	out := snapshot{}
	for _, table := range snapshotTables {
		rows, err := e.db.Query(`SELECT * FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			e.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				e.t.Fatal(err)
			}
			fmt.Fprintf(h, "%q\n", vals)
			n++
		}
		if err := rows.Err(); err != nil {
			e.t.Fatal(err)
		}
		rows.Close()
		out[table] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

// unchanged fails the test for every table that differs from before.
func (e *env) unchanged(t testing.TB, before snapshot) {
	t.Helper()
	after := e.snapshot()
	for _, table := range snapshotTables {
		if before[table] != after[table] {
			t.Errorf("table %s changed: %s -> %s", table, before[table], after[table])
		}
	}
}

type event struct {
	Action, ActorID, TargetType, TargetID, OrgID, WorkspaceID, Details string
}

func (e *env) events() []event {
	e.t.Helper()
	rows, err := e.db.Query(`SELECT action, actor_id, target_type, target_id, org_id, workspace_id, details FROM audit_events ORDER BY seq`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []event
	for rows.Next() {
		var ev event
		if err := rows.Scan(&ev.Action, &ev.ActorID, &ev.TargetType, &ev.TargetID, &ev.OrgID, &ev.WorkspaceID, &ev.Details); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

// mark is the number of events so far, for wantEvents.
func (e *env) mark() int { return len(e.events()) }

// wantEvents checks that exactly these actions were recorded since mark, in
// order, and returns their events.
func (e *env) wantEvents(t testing.TB, mark int, actions ...string) []event {
	t.Helper()
	evs := e.events()[mark:]
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Action)
	}
	if !slices.Equal(got, actions) {
		t.Errorf("events since mark = %q, want %q", got, actions)
	}
	return evs
}

func (e *env) verifyAudit() {
	e.t.Helper()
	r, err := e.log.Verify(e.ctx, e.db.DB)
	if err != nil || !r.OK {
		e.t.Errorf("audit chain: %v %v", r, err)
	}
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fileBytes returns the database file and its write-ahead log.
func (e *env) fileBytes() []byte {
	e.t.Helper()
	var out []byte
	for _, f := range []string{e.file, e.file + "-wal"} {
		fh, err := os.Open(f)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			e.t.Fatal(err)
		}
		b, err := io.ReadAll(fh)
		fh.Close()
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

// ------------------------------------------------------------ bulk seeding

// seedMembers inserts n users straight into org orgID as members, in one
// transaction: realistic, varied names for lists and benchmarks, far faster
// than n sign-ups. It returns their IDs.
func seedMembers(t testing.TB, db *store.DB, orgID string, n int, at time.Time) []string {
	t.Helper()
	firsts := []string{"Émile", "Zoë", "Ådne", "Eve", "zach", "Łukasz", "Ana", "Björn", "Chloé", "Dmitri", "Fatima", "Giulia",
		"Hiroshi", "Ingrid", "José", "Katarzyna", "Leïla", "Mohammed", "Nuno", "Olga", "Pierre", "Quentin", "Renée", "Søren",
		"Tomasz", "Ümit", "Valentina", "Wiktoria", "Xavier", "Yasmin", "Zofia", "André", "Ørjan", "Ágnes", "Çelik"}
	lasts := []string{"Martin", "Bernard", "Dubois", "Müller", "Schmidt", "García", "Fernández", "Nowak", "Kowalski", "Rossi",
		"Russo", "Silva", "Santos", "Haddad", "Nakamura", "Johansson", "Ødegaard", "Åberg", "Lefèvre", "O'Brien", "van Dijk",
		"de la Cruz", "Østergård", "Żuk", "Ćwik", "Ångström", "Eriksson", "Nguyen", "Kim", "Smith"}
	ids := make([]string, n)
	stamp := at.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") // as the services store time
	batch := seedBatch.Add(1)
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		insU, err := tx.Prepare(`INSERT INTO users(id, email, email_key, first_name, last_name, password_hash, language, created_at, updated_at)
			VALUES (?,?,?,?,?,'x','en',?,?)`)
		if err != nil {
			return err
		}
		defer insU.Close()
		insM, err := tx.Prepare(`INSERT INTO org_members(org_id, user_id, role, joined_at, last_active_at) VALUES (?,?,'member',?,?)`)
		if err != nil {
			return err
		}
		defer insM.Close()
		for i := range n {
			id := fmt.Sprintf("seed-%d-%06d", batch, i)
			first, last := firsts[(i*7)%len(firsts)], lasts[(i*13+i/len(firsts))%len(lasts)]
			email := fmt.Sprintf("%s.%s.%d.%d@seed-%d.example.com", asciiFold(first), asciiFold(last), batch, i, i%17)
			ids[i] = id
			if _, err := insU.Exec(id, email, strings.ToLower(email), first, last, stamp, stamp); err != nil {
				return err
			}
			if _, err := insM.Exec(orgID, id, stamp, stamp); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

var seedBatch atomic.Int64

// asciiFold makes a name usable in an email's local part.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r > 127:
			b.WriteByte('x')
		}
	}
	return b.String()
}

// percentile returns the p-th percentile (0..100) of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// ------------------------------------------------------------ permission matrix

// The columns of the permission matrix: who acts, by organization role and
// membership of the fixture's workspace W.
const (
	asOwner     = iota // organization Owner (W's creator, so W's admin)
	asAdmin            // organization Admin, not in W
	asBilling          // organization Billing, in no workspace
	asMember           // organization Member, in no workspace
	asWsMember         // organization Member, W's "member"
	asWsAdmin          // organization Member, W's "admin"
	asBillingWs        // organization Billing, W's "member"
	columns
)

var columnNames = [columns]string{"owner", "admin", "billing", "member", "member+ws-member", "member+ws-admin", "billing+ws-member"}

// Expected outcomes in a matrix cell.
const (
	OK = ""                    // allowed: succeeds and records its events
	F  = "auth.forbidden"      // refused: changes nothing
	NF = "workspace.not_found" // the actor may not see the workspace at all
)

// fixture is one Team organization with an actor per column, and the objects
// the actions work on.
type fixture struct {
	actors       [columns]person
	target       person // Member of the organization and of W: ChangeRole/RemoveMember/TransferOwnership's object
	spare        person // Member of the organization in no workspace: AddMember's object
	w, wName     string // the workspace under test
	keyID        string // a key in W
	resourceID   string // a resource in W
	invitationID string // a pending invitation
	orgName      string
}

func buildFixture(t testing.TB) (*env, *fixture) {
	t.Helper()
	e := newEnv(t)
	f := &fixture{wName: "Matrix workspace"}
	owner := e.signUp("olga.owner@example.com", "Olga", "Owner")
	f.actors[asOwner] = owner
	e.team(owner)
	f.w = must(e.ws.Create(e.ctx, owner.Actor(), f.wName, "the workspace under test"))(t).ID
	f.actors[asAdmin] = e.join(owner, "adam.admin@example.com", "Adam", "Admin", org.Admin)
	f.actors[asBilling] = e.join(owner, "bea.billing@example.com", "Bea", "Billing", org.Billing)
	f.actors[asMember] = e.join(owner, "max.member@example.com", "Max", "Member", org.Member)
	f.actors[asWsMember] = e.join(owner, "wim.wsmember@example.com", "Wim", "Wsmember", org.Member, f.w)
	f.actors[asWsAdmin] = e.join(owner, "wanda.wsadmin@example.com", "Wanda", "Wsadmin", org.Member, f.w)
	ok(t, e.ws.ChangeMemberRole(e.ctx, owner.Actor(), f.w, f.actors[asWsAdmin].ID, workspace.RoleAdmin))
	f.actors[asBillingWs] = e.join(owner, "bill.wsbilling@example.com", "Bill", "Wsbilling", org.Billing, f.w)
	f.target = e.join(owner, "tara.target@example.com", "Tara", "Target", org.Member, f.w)
	f.spare = e.join(owner, "sam.spare@example.com", "Sam", "Spare", org.Member)
	f.keyID = must(e.ws.CreateKey(e.ctx, owner.Actor(), f.w, workspace.KeyInput{Name: "matrix key"}))(t).ID
	f.resourceID = must(e.ws.AddResource(e.ctx, owner.Actor(), f.w, "file", "data.csv", 1024))(t).ID
	f.invitationID = e.invite(owner, "pending@example.com", org.Member).ID
	f.orgName = must(e.org.Get(e.ctx, owner.Actor()))(t).Name
	return e, f
}

// matrixRow is one action: what each column should get, how to run it, and
// the events a success records.
type matrixRow struct {
	action string
	want   [columns]string
	events []string
	run    func(e *env, f *fixture, a org.Actor) error
}

// runMatrix runs every cell on its own copy of the fixture's database:
// allowed cells succeed and record exactly their events (reads record none
// and change nothing); refused ones fail with the expected code and change
// nothing at all.
func runMatrix(t *testing.T, rows []matrixRow) {
	base, f := buildFixture(t)
	for _, row := range rows {
		for c := range columns {
			t.Run(row.action+"/"+columnNames[c], func(t *testing.T) {
				t.Parallel()
				e := base.clone(t)
				before, mark := e.snapshot(), e.mark()
				err := row.run(e, f, f.actors[c].Actor())
				if want := row.want[c]; want != OK {
					wantCode(t, err, want)
					e.unchanged(t, before)
					return
				}
				if err != nil {
					t.Fatalf("allowed, but: %v", err)
				}
				e.wantEvents(t, mark, row.events...)
				if len(row.events) == 0 {
					e.unchanged(t, before)
				}
			})
		}
	}
}
