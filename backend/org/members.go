package org

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// MemberRow is one line of the members list.
type MemberRow struct {
	UserID       string
	FirstName    string
	LastName     string
	Email        string
	Role         Role
	JoinedAt     time.Time
	LastActiveAt time.Time
}

// MemberQuery asks for one page of the members list.
type MemberQuery struct {
	Search string // matched, ignoring case, against names and email
	Offset int
	Limit  int
	Lang   string // sorts names as this language does
}

// MemberPage is one page and the number of members that match in all.
type MemberPage struct {
	Members []MemberRow
	Total   int
}

// MaxPageSize bounds a page of any list.
const MaxPageSize = 200

// Members returns a page of the organization's members, sorted by name with
// the collation of the reader's language, then by email.
func (s *Service) Members(ctx context.Context, a Actor, q MemberQuery) (MemberPage, error) {
	if _, err := Authorize(ctx, s.DB, a, MembersRead); err != nil {
		return MemberPage{}, err
	}
	if q.Limit <= 0 || q.Limit > MaxPageSize {
		q.Limit = 50
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if len(q.Search) > 200 {
		return MemberPage{}, apperr.Field("search", "input.too_long")
	}
	sorted, err := s.members.sorted(ctx, s.DB, a.OrgID, q.Lang)
	if err != nil {
		return MemberPage{}, err
	}
	needle := strings.ToLower(strings.TrimSpace(q.Search))
	var ids []string
	total := 0
	for _, m := range sorted {
		if needle != "" && !strings.Contains(m.search, needle) {
			continue
		}
		if total >= q.Offset && len(ids) < q.Limit {
			ids = append(ids, m.userID)
		}
		total++
	}
	rows, err := s.memberRows(ctx, a.OrgID, ids)
	return MemberPage{Members: rows, Total: total}, err
}

func (s *Service) memberRows(ctx context.Context, orgID string, ids []string) ([]MemberRow, error) {
	if len(ids) == 0 {
		return []MemberRow{}, nil
	}
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.first_name, u.last_name, u.email, m.role, m.joined_at, m.last_active_at
		FROM org_members m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND m.user_id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[string]MemberRow{}
	for rows.Next() {
		var r MemberRow
		var joined, active string
		if err := rows.Scan(&r.UserID, &r.FirstName, &r.LastName, &r.Email, &r.Role, &joined, &active); err != nil {
			return nil, err
		}
		r.JoinedAt, r.LastActiveAt = parseTS(joined), parseTS(active)
		byID[r.UserID] = r
	}
	out := make([]MemberRow, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// memberIndex keeps each organization's members sorted per language, so a
// page of 10,000 members costs a lookup, not a collation sort. An entry is
// rebuilt when the organization's members or their names change.
type memberIndex struct {
	mu      sync.Mutex
	entries map[string]*indexEntry
}

type indexEntry struct {
	fingerprint string
	rows        []indexedMember
}

type indexedMember struct {
	userID string
	search string // lower-cased names and email
	key    []byte // collation key of the name, then the email
}

func (ix *memberIndex) sorted(ctx context.Context, q Querier, orgID, lang string) ([]indexedMember, error) {
	var count int
	var maxUpdated, maxJoined string
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(u.updated_at), ''), COALESCE(MAX(m.joined_at), '')
		FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ?`, orgID).Scan(&count, &maxUpdated, &maxJoined); err != nil {
		return nil, err
	}
	fingerprint := strings.Join([]string{strconv.Itoa(count), maxUpdated, maxJoined}, "|")
	key := orgID + "|" + lang
	ix.mu.Lock()
	e := ix.entries[key]
	ix.mu.Unlock()
	if e != nil && e.fingerprint == fingerprint {
		return e.rows, nil
	}
	rows, err := buildIndex(ctx, q, orgID, lang)
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	if ix.entries == nil {
		ix.entries = map[string]*indexEntry{}
	}
	ix.entries[key] = &indexEntry{fingerprint: fingerprint, rows: rows}
	ix.mu.Unlock()
	return rows, nil
}

func buildIndex(ctx context.Context, q Querier, orgID, lang string) ([]indexedMember, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	col := collate.New(tag, collate.IgnoreCase)
	var buf collate.Buffer
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.first_name, u.last_name, u.email FROM org_members m
		JOIN users u ON u.id = m.user_id WHERE m.org_id = ?`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexedMember
	for rows.Next() {
		var id, first, last, email string
		if err := rows.Scan(&id, &first, &last, &email); err != nil {
			return nil, err
		}
		name := first + " " + last
		k := append([]byte(nil), col.KeyFromString(&buf, name)...)
		k = append(k, 0)
		k = append(k, col.KeyFromString(&buf, email)...)
		buf.Reset()
		out = append(out, indexedMember{userID: id, search: strings.ToLower(name + "\x00" + email), key: k})
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].key, out[j].key) < 0 })
	return out, rows.Err()
}

// target loads a member of the actor's organization; a user of another
// organization is "not found", never "forbidden", so IDs leak nothing.
func target(ctx context.Context, q Querier, orgID, userID string) (Role, string, error) {
	var role, email string
	err := q.QueryRowContext(ctx, `SELECT m.role, u.email FROM org_members m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID).Scan(&role, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", apperr.New("member.not_found")
	}
	return Role(role), email, err
}

func ownerCount(ctx context.Context, q Querier, orgID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ? AND role = 'owner'`, orgID).Scan(&n)
	return n, err
}

// ChangeRole gives a member another role. Ownership only moves through
// TransferOwnership; only an Owner may change an Owner; the last Owner
// cannot be demoted. A change asks for a recent password proof.
func (s *Service) ChangeRole(ctx context.Context, a Actor, userID, newRole string) error {
	if !ValidRole(newRole) {
		return apperr.Field("role", "role.unknown")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		actorRole, err := Authorize(ctx, tx, a, MembersManage)
		if err != nil {
			return err
		}
		current, email, err := target(ctx, tx, a.OrgID, userID)
		if err != nil {
			return err
		}
		switch {
		case Role(newRole) == current:
			return nil
		case Role(newRole) == Owner && actorRole != Owner:
			return ErrForbidden()
		case current == Owner && actorRole != Owner:
			return ErrForbidden()
		case current == Owner:
			if n, err := ownerCount(ctx, tx, a.OrgID); err != nil {
				return err
			} else if n <= 1 {
				return apperr.New("member.last_owner")
			}
		}
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_members SET role = ? WHERE org_id = ? AND user_id = ?`, newRole, a.OrgID, userID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "member.role_changed", TargetType: "user",
			TargetID: userID, OrgID: a.OrgID, Details: map[string]any{"email": email, "from": current, "to": newRole}})
	})
}

// RemoveMember takes a member out of the organization and its workspaces and
// ends their sessions in it.
func (s *Service) RemoveMember(ctx context.Context, a Actor, userID string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		actorRole, err := Authorize(ctx, tx, a, MembersManage)
		if err != nil {
			return err
		}
		current, email, err := target(ctx, tx, a.OrgID, userID)
		if err != nil {
			return err
		}
		if current == Owner && actorRole != Owner {
			return ErrForbidden()
		}
		if err := s.detach(ctx, tx, a.OrgID, userID, current); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "member.removed", TargetType: "user",
			TargetID: userID, OrgID: a.OrgID, Details: map[string]any{"email": email, "role": current}})
	})
}

// Leave takes the actor out of their organization; the last Owner cannot.
func (s *Service) Leave(ctx context.Context, a Actor) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		role, err := RoleOf(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := s.detach(ctx, tx, a.OrgID, a.UserID, role); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "member.left", TargetType: "user",
			TargetID: a.UserID, OrgID: a.OrgID, Details: map[string]any{"role": role}})
	})
}

func (s *Service) detach(ctx context.Context, tx *sql.Tx, orgID, userID string, role Role) error {
	if role == Owner {
		if n, err := ownerCount(ctx, tx, orgID); err != nil {
			return err
		} else if n <= 1 {
			return apperr.New("member.last_owner")
		}
	}
	stmts := []string{
		`DELETE FROM workspace_members WHERE user_id = ? AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = ?)`,
		`DELETE FROM member_preferences WHERE user_id = ? AND org_id = ?`,
		`DELETE FROM org_members WHERE user_id = ? AND org_id = ?`,
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q, userID, orgID); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND org_id = ? AND revoked_at IS NULL`,
		ts(s.now()), userID, orgID)
	return err
}

// TransferOwnership makes another member an Owner and the actor an Admin.
func (s *Service) TransferOwnership(ctx context.Context, a Actor, userID string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Authorize(ctx, tx, a, OwnershipTransfer); err != nil {
			return err
		}
		if userID == a.UserID {
			return apperr.Field("member", "member.already_owner")
		}
		current, email, err := target(ctx, tx, a.OrgID, userID)
		if err != nil {
			return err
		}
		// Giving the organization away is the largest role change of all.
		if err := s.recentAuth(ctx, tx, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_members SET role = 'owner' WHERE org_id = ? AND user_id = ?`, a.OrgID, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE org_members SET role = 'admin' WHERE org_id = ? AND user_id = ?`, a.OrgID, a.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: "organization.ownership_transferred",
			TargetType: "user", TargetID: userID, OrgID: a.OrgID, Details: map[string]any{"email": email, "previousRole": current}})
	})
}
