// Package privacy holds an organization's privacy settings: the opt-out of
// anonymized improvement data and Zero Data Retention requests, which the
// platform operator approves or declines.
//
// Every call that a member makes takes an explicit org.Actor and is
// authorized here (reading: any member; changing: org.PrivacyManage, that is
// Owners and Admins). The operator's calls (PendingZDR, DecideZDR) take no
// actor: they are for the `admin-console zdr` command, which runs on the
// operator's machine, and are audited with the actor ID Operator.
package privacy

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/store"
)

// Operator is the actor ID of the platform operator's audit events (the
// `zdr approve|decline` commands), as `set-plan` records it: the operator is
// no member of any organization, so there is no user ID to name.
const Operator = "operator"

// Service is the privacy domain.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	ts      = store.Timestamp
	parseTS = store.ParseTime
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Person is who made a change, as the screens name them.
type Person struct {
	UserID    string
	FirstName string
	LastName  string
	Email     string
}

// person reads a user by ID; an unknown ID (a deleted account, the
// operator) keeps only the ID.
func person(ctx context.Context, q org.Querier, userID string) (Person, error) {
	p := Person{UserID: userID}
	if userID == "" {
		return p, nil
	}
	err := q.QueryRowContext(ctx, `SELECT first_name, last_name, email FROM users WHERE id = ?`, userID).
		Scan(&p.FirstName, &p.LastName, &p.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	return p, err
}

// cleanText trims free text (a reason, a note) and refuses what a person
// cannot see or that would reorder the text around it: control characters
// other than line breaks and tabs, and bidirectional overrides.
func cleanText(raw string) (string, bool) {
	s := strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", false
	}
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return "", false
		}
	}
	return s, true
}
