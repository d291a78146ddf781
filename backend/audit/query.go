package audit

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Filter selects an organization's events. Empty fields do not filter.
type Filter struct {
	OrgID       string // required
	ActorID     string
	Action      string
	TargetType  string
	WorkspaceID string
	// From (inclusive) and To (exclusive) bound the event time; zero is
	// open. Both count in whole seconds (a fraction is dropped).
	From, To time.Time
}

// Entry is an event as the audit screen and exports show it: the stored
// event with the names of who and what it concerns, looked up now (a deleted
// user or workspace keeps only its ID).
type Entry struct {
	Seq           int64
	ID            string
	At            time.Time
	ActorID       string
	ActorName     string
	ActorEmail    string
	Action        string
	TargetType    string
	TargetID      string
	TargetName    string
	WorkspaceID   string
	WorkspaceName string
	Details       string // the stored JSON object
}

// Page is one page of entries, newest first.
type Page struct {
	Entries []Entry
	// Next is the cursor of the following (older) page: pass it as before.
	Next int64
	More bool
}

// second is the stored timestamp to the second, as the index
// audit_events_org_second holds it: UTC "YYYY-MM-DDTHH:MM:SS" whatever the
// width of the fraction, so it compares exactly with whole-second bounds.
const second = "substr(at, 1, 19)"

func secondOf(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

// seqRange turns the filter's date range into the range of sequence numbers
// of the organization's events inside it — timestamps never go backwards
// along the chain — with two index seeks. empty is true when no event of the
// organization falls inside.
func seqRange(ctx context.Context, q querier, f Filter) (lo, hi int64, empty bool, err error) {
	if !f.From.IsZero() {
		err = q.QueryRowContext(ctx, `SELECT seq FROM audit_events INDEXED BY audit_events_org_second WHERE org_id = ? AND `+second+` >= ?
			ORDER BY `+second+`, seq LIMIT 1`, f.OrgID, secondOf(f.From)).Scan(&lo)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, 0, true, nil
		}
		if err != nil {
			return 0, 0, false, err
		}
	}
	if !f.To.IsZero() {
		err = q.QueryRowContext(ctx, `SELECT seq FROM audit_events INDEXED BY audit_events_org_second WHERE org_id = ? AND `+second+` < ?
			ORDER BY `+second+` DESC, seq DESC LIMIT 1`, f.OrgID, secondOf(f.To)).Scan(&hi)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, 0, true, nil
		}
		if err != nil {
			return 0, 0, false, err
		}
	}
	return lo, hi, lo > 0 && hi > 0 && lo > hi, nil
}

// where builds the filter's condition and names the index it runs on. The
// time bounds are checked on every row too (an unary + keeps them off the
// time index), so a row outside the range is never returned even if the clock
// once ran backwards.
//
// The index is chosen here, not left to the planner: every candidate is
// ordered by seq inside the organization, so any of them pages without a
// sort, but with statistics that say "three organizations" the planner would
// rather walk the whole table by rowid, which is slow exactly for a small
// organization in a large log. The most selective filter usually comes first:
// one person, one workspace, one action, one kind of target.
func where(f Filter, lo, hi, before int64, times bool) (index, cond string, args []any) {
	conds := []string{"org_id = ?"}
	args = []any{f.OrgID}
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	for _, c := range []struct{ value, column, index string }{
		{f.ActorID, "actor_id", "audit_events_org_actor"},
		{f.WorkspaceID, "workspace_id", "audit_events_org_workspace"},
		{f.Action, "action", "audit_events_org_action"},
		{f.TargetType, "target_type", "audit_events_org_target"},
	} {
		if c.value != "" {
			add(c.column+" = ?", c.value)
			if index == "" {
				index = c.index
			}
		}
	}
	if index == "" {
		index = "audit_events_org_seq"
	}
	if lo > 0 {
		add("seq >= ?", lo)
	}
	if hi > 0 {
		add("seq <= ?", hi)
	}
	if before > 0 {
		add("seq < ?", before)
	}
	if times && !f.From.IsZero() {
		add("+"+second+" >= ?", secondOf(f.From))
	}
	if times && !f.To.IsZero() {
		add("+"+second+" < ?", secondOf(f.To))
	}
	return index, strings.Join(conds, " AND "), args
}

// timeBounds are a filter's whole-second bounds as stored timestamps start
// ("" when open), to check rows in Go as the SQL condition on second does.
type timeBounds struct{ from, to string }

func boundsOf(f Filter) timeBounds {
	var b timeBounds
	if !f.From.IsZero() {
		b.from = secondOf(f.From)
	}
	if !f.To.IsZero() {
		b.to = secondOf(f.To)
	}
	return b
}

func (b timeBounds) open() bool { return b.from == "" && b.to == "" }

func (b timeBounds) contain(at string) bool {
	if len(at) < 19 {
		return false
	}
	sec := at[:19]
	return (b.from == "" || sec >= b.from) && (b.to == "" || sec < b.to)
}

const entryColumns = `seq, id, at, actor_id, action, target_type, target_id, workspace_id, details`

// Query returns up to limit of the filter's events older than the cursor
// before (0: from the newest), newest first. It pages by sequence number on
// the organization's indexes and never counts or skips rows, so every page
// costs about the same however far back it is.
func Query(ctx context.Context, q querier, f Filter, before int64, limit int) (Page, error) {
	lo, hi, empty, err := seqRange(ctx, q, f)
	if err != nil || empty {
		return Page{Entries: []Entry{}}, err
	}
	query, args := pageSQL(f, lo, hi, before, limit+1)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return Page{}, err
	}
	defer rows.Close()
	p := Page{Entries: make([]Entry, 0, limit)}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return Page{}, err
		}
		if len(p.Entries) == limit {
			p.More = true
			break
		}
		p.Entries = append(p.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if p.More {
		p.Next = p.Entries[len(p.Entries)-1].Seq
	}
	n := newNames(q, f.OrgID)
	for i := range p.Entries {
		if err := n.fill(ctx, &p.Entries[i]); err != nil {
			return Page{}, err
		}
	}
	return p, nil
}

// pageSQL is a page's query: the filter inside the seq range, newest first.
func pageSQL(f Filter, lo, hi, before int64, limit int) (string, []any) {
	index, cond, args := where(f, lo, hi, before, true)
	return `SELECT ` + entryColumns + ` FROM audit_events INDEXED BY ` + index + ` WHERE ` + cond +
		` ORDER BY seq DESC LIMIT ?`, append(args, limit)
}

// exportSQL is an export's query: the whole filter, oldest first, each row
// as its seq and packedColumns. The time bounds are checked as rows are
// written (timeBounds), cheaper there than in SQL over a million rows.
// byRowid walks the table itself through the seq range instead of an index:
// faster when the organization's events are most of that range (no index
// step and no lookup per row).
func exportSQL(f Filter, lo, hi int64, byRowid bool) (string, []any) {
	index, cond, args := where(f, lo, hi, 0, false)
	from := ` FROM audit_events INDEXED BY ` + index
	if byRowid {
		from = ` FROM audit_events NOT INDEXED`
	}
	return `SELECT seq, ` + packedColumns + from + ` WHERE ` + cond + ` ORDER BY seq`, args
}

// The table is walked instead of an index for seq ranges of at least
// rowidScanMinSpan events of which the organization holds more than
// rowidScanMinShare.
var (
	rowidScanMinSpan  int64 = 10_000
	rowidScanMinShare       = 0.5
)

// mostlyOrg reports whether an organization-only filter, matching n events,
// covers most of the events in its seq range.
func mostlyOrg(ctx context.Context, q querier, f Filter, lo, hi, n int64) (bool, error) {
	if f.ActorID != "" || f.Action != "" || f.TargetType != "" || f.WorkspaceID != "" {
		return false, nil
	}
	var first, last sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MIN(seq), MAX(seq) FROM audit_events`).Scan(&first, &last); err != nil {
		return false, err
	}
	if lo > 0 {
		first.Int64 = max(first.Int64, lo)
	}
	if hi > 0 {
		last.Int64 = min(last.Int64, hi)
	}
	span := last.Int64 - first.Int64 + 1
	if span < rowidScanMinSpan {
		return false, nil // small either way
	}
	return float64(n) > rowidScanMinShare*float64(span), nil
}

// Count counts the filter's events inside its seq range, from the index
// alone (an export's total, for its progress; exact while timestamps follow
// the chain's order, as Record keeps them).
func Count(ctx context.Context, q querier, f Filter) (int64, error) {
	lo, hi, empty, err := seqRange(ctx, q, f)
	if err != nil || empty {
		return 0, err
	}
	return countRange(ctx, q, f, lo, hi)
}

func countRange(ctx context.Context, q querier, f Filter, lo, hi int64) (int64, error) {
	index, cond, args := where(f, lo, hi, 0, false)
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events INDEXED BY `+index+` WHERE `+cond, args...).Scan(&n)
	return n, err
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(r scanner) (Entry, error) {
	var e Entry
	var at string
	if err := r.Scan(&e.Seq, &e.ID, &at, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &e.WorkspaceID, &e.Details); err != nil {
		return Entry{}, err
	}
	e.At, _ = time.Parse(time.RFC3339Nano, at)
	return e, nil
}

// Actions lists the distinct actions of an organization's events, sorted.
func Actions(ctx context.Context, q querier, orgID string) ([]string, error) {
	return distinct(ctx, q, orgID, "action", "audit_events_org_action")
}

// TargetTypes lists the distinct target types of an organization's events.
func TargetTypes(ctx context.Context, q querier, orgID string) ([]string, error) {
	return distinct(ctx, q, orgID, "target_type", "audit_events_org_target")
}

// distinct walks the (org_id, column, seq) index one value at a time (a
// skip scan: one seek per distinct value, not one step per event).
func distinct(ctx context.Context, q querier, orgID, column, index string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `WITH RECURSIVE v(x) AS (
			SELECT MIN(`+column+`) FROM audit_events INDEXED BY `+index+` WHERE org_id = ?1
			UNION ALL
			SELECT (SELECT MIN(`+column+`) FROM audit_events INDEXED BY `+index+` WHERE org_id = ?1 AND `+column+` > v.x)
			FROM v WHERE v.x IS NOT NULL)
		SELECT x FROM v WHERE x IS NOT NULL AND x != ''`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// names looks up and remembers the people and workspaces events name.
// Workspaces are looked up inside the organization only.
type names struct {
	q          querier
	orgID      string
	users      map[string][2]string // id → name, email
	workspaces map[string]string
	orgName    *string
}

func newNames(q querier, orgID string) *names {
	return &names{q: q, orgID: orgID, users: map[string][2]string{}, workspaces: map[string]string{}}
}

func (n *names) user(ctx context.Context, id string) ([2]string, error) {
	if id == "" {
		return [2]string{}, nil
	}
	if u, ok := n.users[id]; ok {
		return u, nil
	}
	var first, last, email string
	err := n.q.QueryRowContext(ctx, `SELECT first_name, last_name, email FROM users WHERE id = ?`, id).Scan(&first, &last, &email)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return [2]string{}, err
	}
	u := [2]string{strings.TrimSpace(first + " " + last), email}
	n.users[id] = u
	return u, nil
}

func (n *names) workspace(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	if w, ok := n.workspaces[id]; ok {
		return w, nil
	}
	var name string
	err := n.q.QueryRowContext(ctx, `SELECT name FROM workspaces WHERE id = ? AND org_id = ?`, id, n.orgID).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	n.workspaces[id] = name
	return name, nil
}

func (n *names) fill(ctx context.Context, e *Entry) error {
	u, err := n.user(ctx, e.ActorID)
	if err != nil {
		return err
	}
	e.ActorName, e.ActorEmail = u[0], u[1]
	if e.WorkspaceName, err = n.workspace(ctx, e.WorkspaceID); err != nil {
		return err
	}
	switch e.TargetType {
	case "user":
		t, err := n.user(ctx, e.TargetID)
		if err != nil {
			return err
		}
		e.TargetName = t[0]
		if e.TargetName == "" {
			e.TargetName = t[1]
		}
	case "workspace":
		if e.TargetName, err = n.workspace(ctx, e.TargetID); err != nil {
			return err
		}
	case "organization", "audit_log":
		if e.TargetID == n.orgID { // the organization itself, never another's
			if e.TargetName, err = n.organization(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func (n *names) organization(ctx context.Context) (string, error) {
	if n.orgName != nil {
		return *n.orgName, nil
	}
	var name string
	err := n.q.QueryRowContext(ctx, `SELECT name FROM organizations WHERE id = ?`, n.orgID).Scan(&name)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	n.orgName = &name
	return name, nil
}
