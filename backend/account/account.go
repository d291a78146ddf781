// Package account holds users, their passwords and their sessions: sign-up
// (which founds an organization and its default workspace), sign-in with a
// growing delay after failures, sign-out and profile changes. Every change
// writes its audit event in the same transaction.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
)

// Session lifetimes: a session ends after IdleTimeout without use, and in any
// case AbsoluteLifetime after it began.
const (
	IdleTimeout      = 7 * 24 * time.Hour
	AbsoluteLifetime = 30 * 24 * time.Hour
	// lastSeenGranularity bounds how often a session's last use is written.
	lastSeenGranularity = time.Minute
	// TokenPrefix marks the app's session tokens so a secret scanner can spot them.
	TokenPrefix = "acs_"
)

// User is an account as the rest of the app sees it.
type User struct {
	ID        string
	Email     string
	FirstName string
	LastName  string
	Language  string
	OrgID     string
	Role      string
	CreatedAt time.Time
	// SessionID is the session the user was resolved from (Authenticate).
	SessionID string
	// MustEnrollMFA is set by Authenticate when the session's organization
	// requires MFA and the user has none yet: until they enrol, nothing else
	// may be done with the session.
	MustEnrollMFA bool
}

// Actor is who performs an action: the signed-in user, the organization
// their session acts in, and the session itself.
type Actor struct {
	UserID    string
	OrgID     string
	SessionID string
}

// Actor returns u as the actor of an action.
func (u User) Actor() Actor { return Actor{UserID: u.ID, OrgID: u.OrgID, SessionID: u.SessionID} }

// JoinFunc adds a new or signing-in user to an organization inside the
// transaction that creates their session (an accepted invitation), setting
// u.OrgID and u.Role. Package account knows nothing of invitations.
type JoinFunc func(ctx context.Context, tx *sql.Tx, u *User) error

// Defaults names what sign-up creates, in the new user's language.
type Defaults interface {
	OrgName(lang, firstName, lastName string) string
	WorkspaceName(lang string) string
}

// Service is the account domain.
type Service struct {
	DB       *store.DB
	Audit    *audit.Log
	Defaults Defaults
	Now      func() time.Time
	// Sealer protects TOTP secrets and recovery codes with the data key from
	// the OS keychain; without it MFA cannot be set up or used.
	Sealer *secrets.Sealer

	attempts keyedMutex // password checks, one at a time per address
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// ts formats a stored timestamp with a fixed width, so that SQL compares and
// sorts the strings in time order (RFC3339Nano drops trailing zeros: there
// "…:53Z" sorts after "…:53.25Z").
// ts and parseTS read and write timestamp columns.
var (
	ts      = store.Timestamp
	parseTS = store.ParseTime
)

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// HasUsers reports whether anyone has signed up: the first run shows onboarding.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1)`).Scan(&n)
	return n > 0, err
}

// SignUpInput is what onboarding asks for.
type SignUpInput struct {
	Email     string
	FirstName string
	LastName  string
	Password  string
	Language  string
	Device    string
	// Join, when set, replaces founding an organization: the new user joins
	// an existing one instead.
	Join JoinFunc
}

// Signed is a new session: the token is returned once and never stored.
type Signed struct {
	Token string
	User  User
	// Challenge, instead of a Token, means the password (or provider) was
	// right and the account's second factor is due: CompleteSignIn takes it
	// with a code.
	Challenge string
}

// SignUp creates a user, their organization (named after them) with them as
// Owner, a default workspace, and a first session, all in one transaction.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (Signed, error) {
	email, first, last, err := validateProfile(in.Email, in.FirstName, in.LastName)
	if err != nil {
		return Signed{}, err
	}
	if err := ValidatePassword("password", in.Password); err != nil {
		return Signed{}, err
	}
	if err := ValidateLanguage("language", in.Language); err != nil {
		return Signed{}, err
	}
	hash, err := hashPassword(in.Password)
	if err != nil {
		return Signed{}, err
	}
	u := User{ID: newID(), Email: email, FirstName: first, LastName: last, Language: in.Language, CreatedAt: s.now()}
	var signed Signed
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.createUser(ctx, tx, &u, hash, "password", in.Join); err != nil {
			return err
		}
		signed, err = s.startSession(ctx, tx, u, in.Device, "password")
		return err
	})
	return signed, err
}

// createUser inserts u (hash may be empty for an account made through a
// provider) and either founds their organization or joins one, auditing
// both; how says which way they signed up.
func (s *Service) createUser(ctx context.Context, tx *sql.Tx, u *User, hash, how string, join JoinFunc) error {
	if taken, err := emailTaken(ctx, tx, u.Email, ""); err != nil {
		return err
	} else if taken {
		return apperr.Field("email", "email.taken")
	}
	now := ts(u.CreatedAt)
	if _, err := tx.ExecContext(ctx, `INSERT INTO users(id, email, email_key, first_name, last_name, password_hash,
		language, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)`,
		u.ID, u.Email, EmailKey(u.Email), u.FirstName, u.LastName, hash, u.Language, now, now); err != nil {
		return err
	}
	var wsID string
	var err error
	if join != nil {
		err = join(ctx, tx, u)
	} else {
		wsID, err = s.foundOrganization(ctx, tx, u)
	}
	if err != nil {
		return err
	}
	if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.signed_up", TargetType: "user",
		TargetID: u.ID, OrgID: u.OrgID, Details: map[string]any{"email": u.Email, "method": how}}); err != nil {
		return err
	}
	if wsID == "" {
		return nil
	}
	return s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "workspace.created", TargetType: "workspace",
		TargetID: wsID, OrgID: u.OrgID, WorkspaceID: wsID})
}

// foundOrganization gives a new user an organization named after them, with
// them as Owner, and a default workspace they administer, whose ID it returns.
func (s *Service) foundOrganization(ctx context.Context, tx *sql.Tx, u *User) (string, error) {
	now := ts(s.now())
	u.OrgID, u.Role = newID(), "owner"
	wsID := newID()
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO organizations(id, name, created_at) VALUES (?,?,?)`,
			[]any{u.OrgID, s.Defaults.OrgName(u.Language, u.FirstName, u.LastName), now}},
		{`INSERT INTO org_members(org_id, user_id, role, joined_at, last_active_at) VALUES (?,?,'owner',?,?)`, []any{u.OrgID, u.ID, now, now}},
		{`INSERT INTO workspaces(id, org_id, name, created_at) VALUES (?,?,?,?)`,
			[]any{wsID, u.OrgID, s.Defaults.WorkspaceName(u.Language), now}},
		{`INSERT INTO workspace_members(workspace_id, user_id, role, added_at) VALUES (?,?,'admin',?)`, []any{wsID, u.ID, now}},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return "", err
		}
	}
	return wsID, nil
}

func validateProfile(rawEmail, rawFirst, rawLast string) (email, first, last string, err error) {
	if email, err = NormalizeEmail("email", rawEmail); err != nil {
		return
	}
	if first, err = NormalizeName("firstName", rawFirst); err != nil {
		return
	}
	last, err = NormalizeName("lastName", rawLast)
	return
}

func emailTaken(ctx context.Context, tx *sql.Tx, email, exceptUser string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ? AND id <> ?`, EmailKey(email), exceptUser).Scan(&n)
	return n > 0, err
}

// startSession issues a new random token and stores only its digest.
func (s *Service) startSession(ctx context.Context, tx *sql.Tx, u User, device, method string) (Signed, error) {
	raw := make([]byte, 32) // 256 bits
	if _, err := rand.Read(raw); err != nil {
		return Signed{}, err
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	u.SessionID = newID()
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions(id, user_id, org_id, token_hash, device, created_at, last_seen_at,
		expires_at, authenticated_at, method) VALUES (?,?,?,?,?,?,?,?,?,?)`, u.SessionID, u.ID, u.OrgID, digest(token), device,
		ts(now), ts(now), ts(now.Add(AbsoluteLifetime)), ts(now), method)
	if err != nil {
		return Signed{}, err
	}
	return Signed{Token: token, User: u}, nil
}

func digest(token string) []byte {
	d := sha256.Sum256([]byte(token))
	return d[:]
}

// userCols selects a user with their organization and role.
const userCols = `u.id, u.email, u.first_name, u.last_name, u.language, u.created_at, m.org_id, m.role`

const userFrom = ` FROM users u JOIN org_members m ON m.user_id = u.id `

type rowScanner interface{ Scan(...any) error }

func scanUser(r rowScanner, extra ...any) (User, error) {
	var u User
	var created string
	err := r.Scan(append([]any{&u.ID, &u.Email, &u.FirstName, &u.LastName, &u.Language, &created, &u.OrgID, &u.Role}, extra...)...)
	u.CreatedAt = parseTS(created)
	return u, err
}

// Authenticate resolves a session token to its user, ending the session if it
// has been idle too long or outlived its absolute lifetime.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 100 {
		return User{}, apperr.New("auth.session_expired")
	}
	var sessID, lastSeen, expires string
	var mustEnroll bool
	u, err := scanUser(s.DB.QueryRowContext(ctx, `SELECT `+userCols+`, s.id, s.last_seen_at, s.expires_at,
		o.require_mfa = 1 AND u.mfa_enabled_at IS NULL
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_members m ON m.user_id = u.id AND m.org_id = s.org_id
		JOIN organizations o ON o.id = s.org_id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL`, digest(token)), &sessID, &lastSeen, &expires, &mustEnroll)
	u.SessionID, u.MustEnrollMFA = sessID, mustEnroll
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New("auth.session_expired")
	}
	if err != nil {
		return User{}, err
	}
	now := s.now()
	if now.After(parseTS(expires)) || now.Sub(parseTS(lastSeen)) > IdleTimeout {
		_, err := s.DB.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE id = ?`, ts(now), sessID)
		return User{}, errors.Join(apperr.New("auth.session_expired"), err)
	}
	if now.Sub(parseTS(lastSeen)) > lastSeenGranularity {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, ts(now), sessID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE org_members SET last_active_at = ? WHERE org_id = ? AND user_id = ?`, ts(now), u.OrgID, u.ID)
			return err
		})
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// SignOut revokes the session of token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	u, err := s.Authenticate(ctx, token)
	if err != nil {
		return nil // already over: nothing to revoke
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET revoked_at = ? WHERE token_hash = ?`, ts(s.now()), digest(token)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: u.ID, Action: "user.signed_out", TargetType: "user", TargetID: u.ID, OrgID: u.OrgID})
	})
}

// Get returns the user with id, as seen by actor (only themselves for now).
func (s *Service) Get(ctx context.Context, actor Actor) (User, error) {
	u, err := scanUser(s.DB.QueryRowContext(ctx, `SELECT `+userCols+userFrom+`WHERE u.id = ? AND m.org_id = ?`, actor.UserID, actor.OrgID))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New("auth.session_expired")
	}
	u.SessionID = actor.SessionID
	return u, err
}
