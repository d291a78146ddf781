package account

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"admin-console/backend/apperr"
)

// Providers whose identities may sign in, in the order screens list them.
var Providers = []string{"google", "microsoft", "apple"}

// Identity is what a provider vouched for after a verified OpenID Connect
// sign-in. Package account trusts it: checking the ID token is the caller's.
type Identity struct {
	Provider, Subject, Email string
	EmailVerified            bool
	GivenName, FamilyName    string
	Name                     string
}

// LinkedIdentity is a provider linked to the user, as the profile lists it.
type LinkedIdentity struct {
	Provider   string
	Email      string
	LinkedAt   time.Time
	LastUsedAt time.Time
}

// SignInMethods are the ways the user can sign in.
type SignInMethods struct {
	HasPassword bool
	Identities  []LinkedIdentity
}

func validIdentity(id Identity) error {
	if !slices.Contains(Providers, id.Provider) {
		return apperr.New("identity.provider_unknown")
	}
	if id.Subject == "" || len(id.Subject) > 255 {
		return apperr.New("identity.invalid")
	}
	return nil
}

// SignInWithIdentity signs in the user the identity is linked to. An
// identity linked to nobody creates a new account when its email is
// verified and free; an email that belongs to an existing account is never
// merged silently: its owner signs in another way and links the provider.
func (s *Service) SignInWithIdentity(ctx context.Context, id Identity, lang, device string, join JoinFunc) (Signed, error) {
	if err := validIdentity(id); err != nil {
		return Signed{}, err
	}
	device = TruncateDevice(device)
	var signed Signed
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, found, err := s.linkedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if !found {
			if u, err = s.newUserFromIdentity(ctx, tx, id, lang, join); err != nil {
				return err
			}
			signed, err = s.completeSignIn(ctx, tx, u, id.Provider, device, nil)
			return err
		}
		signed, err = s.finishFirstFactor(ctx, tx, u, id.Provider, device, join)
		return err
	})
	return signed, err
}

// linkedUser finds the user (provider, subject) belongs to, noting the use.
func (s *Service) linkedUser(ctx context.Context, tx *sql.Tx, id Identity) (User, bool, error) {
	var userID string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?`,
		id.Provider, id.Subject).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_identities SET last_used_at = ?, email = ? WHERE provider = ? AND subject = ?`,
		ts(s.now()), id.Email, id.Provider, id.Subject); err != nil {
		return User{}, false, err
	}
	u, _, found, err := loadSignInUser(ctx, tx, `u.id = ?`, userID)
	return u, found, err
}

func (s *Service) newUserFromIdentity(ctx context.Context, tx *sql.Tx, id Identity, lang string, join JoinFunc) (User, error) {
	email, err := NormalizeEmail("email", id.Email)
	if err != nil {
		return User{}, apperr.New("identity.email_missing")
	}
	if taken, err := emailTaken(ctx, tx, email, ""); err != nil {
		return User{}, err
	} else if taken {
		return User{}, apperr.New("identity.email_in_use").With("Email", email)
	}
	if !id.EmailVerified {
		return User{}, apperr.New("identity.email_unverified").With("Email", email)
	}
	if ValidateLanguage("language", lang) != nil {
		lang = "en"
	}
	first, last := namesOf(id, email)
	u := User{ID: newID(), Email: email, FirstName: first, LastName: last, Language: lang, CreatedAt: s.now()}
	if err := s.createUser(ctx, tx, &u, "", id.Provider, join); err != nil {
		return User{}, err
	}
	return u, s.insertIdentity(ctx, tx, u.Actor(), id)
}

// namesOf takes the names the provider gave, or splits the display name, or
// at worst uses the email's local part; the user can correct them later.
func namesOf(id Identity, email string) (first, last string) {
	first, last = id.GivenName, id.FamilyName
	if strings.TrimSpace(first) == "" {
		if f, l, ok := strings.Cut(strings.TrimSpace(id.Name), " "); ok {
			first, last = f, l
		} else if id.Name != "" {
			first = id.Name
		} else {
			first, _, _ = strings.Cut(email, "@")
		}
	}
	if f, err := NormalizeName("firstName", first); err == nil {
		first = f
	} else {
		first, _, _ = strings.Cut(email, "@")
	}
	if l, err := NormalizeName("lastName", last); err == nil {
		last = l
	} else {
		last = ""
	}
	return first, last
}

func (s *Service) insertIdentity(ctx context.Context, tx *sql.Tx, actor Actor, id Identity) error {
	now := ts(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO user_identities(provider, subject, user_id, email, linked_at, last_used_at)
		VALUES (?,?,?,?,?,?)`, id.Provider, id.Subject, actor.UserID, id.Email, now, now); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, s.selfEvent(actor, "identity.linked",
		map[string]any{"provider": id.Provider, "email": id.Email}))
}

// LinkIdentity adds a provider as a way to sign in to the actor's account.
// Adding a way in is sensitive: it takes a recent authentication.
func (s *Service) LinkIdentity(ctx context.Context, actor Actor, id Identity) error {
	if err := validIdentity(id); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.RequireRecentAuth(ctx, tx, actor); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?`,
			id.Provider, id.Subject).Scan(&owner)
		switch {
		case err == nil && owner == actor.UserID:
			return apperr.New("identity.already_linked")
		case err == nil:
			return apperr.New("identity.linked_elsewhere")
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_identities WHERE user_id = ? AND provider = ?`,
			actor.UserID, id.Provider).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New("identity.provider_already_linked")
		}
		return s.insertIdentity(ctx, tx, actor, id)
	})
}

// UnlinkIdentity removes a provider from the actor's ways to sign in,
// unless it is the last one.
func (s *Service) UnlinkIdentity(ctx context.Context, actor Actor, provider string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		m, err := signInMethods(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(m.Identities, func(l LinkedIdentity) bool { return l.Provider == provider })
		if i < 0 {
			return apperr.New("identity.not_linked")
		}
		if !m.HasPassword && len(m.Identities) == 1 {
			return apperr.New("identity.last_method")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_identities WHERE user_id = ? AND provider = ?`,
			actor.UserID, provider); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, s.selfEvent(actor, "identity.unlinked",
			map[string]any{"provider": provider, "email": m.Identities[i].Email}))
	})
}

// SignInMethods lists how the actor can sign in.
func (s *Service) SignInMethods(ctx context.Context, actor Actor) (SignInMethods, error) {
	var m SignInMethods
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		m, err = signInMethods(ctx, tx, actor.UserID)
		return err
	})
	return m, err
}

func signInMethods(ctx context.Context, tx *sql.Tx, userID string) (SignInMethods, error) {
	var m SignInMethods
	var err error
	if m.HasPassword, err = hasPassword(ctx, tx, userID); err != nil {
		return m, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT provider, email, linked_at, COALESCE(last_used_at, '') FROM user_identities
		WHERE user_id = ?`, userID)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var l LinkedIdentity
		var linked, used string
		if err := rows.Scan(&l.Provider, &l.Email, &linked, &used); err != nil {
			return m, err
		}
		l.LinkedAt = parseTS(linked)
		if used != "" {
			l.LastUsedAt = parseTS(used)
		}
		m.Identities = append(m.Identities, l)
	}
	slices.SortFunc(m.Identities, func(a, b LinkedIdentity) int {
		return slices.Index(Providers, a.Provider) - slices.Index(Providers, b.Provider)
	})
	return m, rows.Err()
}

// ReauthenticateWithIdentity counts a fresh provider sign-in (and a code when
// MFA is on) as the recent authentication sensitive actions ask for.
func (s *Service) ReauthenticateWithIdentity(ctx context.Context, actor Actor, id Identity, code string) error {
	if err := validIdentity(id); err != nil {
		return err
	}
	_, err := s.withPasswordGuard(ctx, actor, func() (User, error) {
		return User{}, s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var owner string
			err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE provider = ? AND subject = ?`,
				id.Provider, id.Subject).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != actor.UserID) {
				return apperr.New("identity.not_linked")
			}
			if err != nil {
				return err
			}
			return s.markAuthenticated(ctx, tx, actor, id.Provider, code)
		})
	})
	return err
}
