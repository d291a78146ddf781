package account

import (
	"context"
	"database/sql"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
)

// UpdateProfile changes the actor's first and last name.
func (s *Service) UpdateProfile(ctx context.Context, actor Actor, rawFirst, rawLast string) (User, error) {
	first, err := NormalizeName("firstName", rawFirst)
	if err != nil {
		return User{}, err
	}
	last, err := NormalizeName("lastName", rawLast)
	if err != nil {
		return User{}, err
	}
	return s.change(ctx, actor, func(tx *sql.Tx, u User) (audit.Event, error) {
		if u.FirstName == first && u.LastName == last {
			return audit.Event{}, errUnchanged
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET first_name = ?, last_name = ?, updated_at = ? WHERE id = ?`,
			first, last, ts(s.now()), u.ID)
		return audit.Event{Action: "user.profile_updated", Details: map[string]any{
			"firstName": map[string]string{"from": u.FirstName, "to": first},
			"lastName":  map[string]string{"from": u.LastName, "to": last}}}, err
	})
}

// ChangeEmail changes the actor's email; the current password confirms it.
func (s *Service) ChangeEmail(ctx context.Context, actor Actor, rawEmail, password string) (User, error) {
	email, err := NormalizeEmail("email", rawEmail)
	if err != nil {
		return User{}, err
	}
	return s.withPasswordGuard(ctx, actor, func() (User, error) {
		return s.change(ctx, actor, func(tx *sql.Tx, u User) (audit.Event, error) {
			return s.changeEmail(ctx, tx, u, email, password)
		})
	})
}

func (s *Service) changeEmail(ctx context.Context, tx *sql.Tx, u User, email, password string) (audit.Event, error) {
	if err := s.confirmIdentity(ctx, tx, u.Actor(), password); err != nil {
		return audit.Event{}, err
	}
	if err := s.requireRecentAuthWithMFA(ctx, tx, u.Actor()); err != nil {
		return audit.Event{}, err
	}
	if email == u.Email {
		return audit.Event{}, errUnchanged
	}
	if taken, err := emailTaken(ctx, tx, email, u.ID); err != nil {
		return audit.Event{}, err
	} else if taken {
		return audit.Event{}, apperr.Field("email", "email.taken")
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, email_key = ?, updated_at = ? WHERE id = ?`,
		email, EmailKey(email), ts(s.now()), u.ID)
	return audit.Event{Action: "user.email_changed", Details: map[string]any{"from": u.Email, "to": email}}, err
}

// ChangePassword replaces the actor's password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, actor Actor, current, next string) error {
	if err := ValidatePassword("newPassword", next); err != nil {
		return err
	}
	if current == next {
		return apperr.Field("newPassword", "password.same_as_current")
	}
	_, err := s.withPasswordGuard(ctx, actor, func() (User, error) {
		return s.change(ctx, actor, func(tx *sql.Tx, u User) (audit.Event, error) {
			// An account made through a provider has no password yet: setting
			// one takes a recent sign-in instead of the current password.
			if err := s.confirmIdentity(ctx, tx, u.Actor(), current); apperr.Code(err) == "password.wrong" {
				return audit.Event{}, apperr.Field("currentPassword", "password.wrong")
			} else if err != nil {
				return audit.Event{}, err
			}
			if err := s.requireRecentAuthWithMFA(ctx, tx, u.Actor()); err != nil {
				return audit.Event{}, err
			}
			return audit.Event{Action: "user.password_changed"}, setPassword(ctx, tx, u.ID, next, s.now())
		})
	})
	return err
}

// SetLanguage saves the actor's interface language.
func (s *Service) SetLanguage(ctx context.Context, actor Actor, lang string) (User, error) {
	if err := ValidateLanguage("language", lang); err != nil {
		return User{}, err
	}
	return s.change(ctx, actor, func(tx *sql.Tx, u User) (audit.Event, error) {
		if u.Language == lang {
			return audit.Event{}, errUnchanged
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET language = ?, updated_at = ? WHERE id = ?`, lang, ts(s.now()), u.ID)
		return audit.Event{Action: "user.language_changed", Details: map[string]any{"from": u.Language, "to": lang}}, err
	})
}

func (s *Service) confirmPassword(ctx context.Context, tx *sql.Tx, userID, password string) error {
	var hash string
	if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		return err
	}
	ok, _, err := checkPassword(password, hash)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Field("password", "password.wrong")
	}
	return nil
}

// errUnchanged ends a change that would change nothing: no write, no event.
var errUnchanged = apperr.New("unchanged")

// change runs one profile change in a transaction: it loads the actor, applies
// fn, and records the event fn describes about the actor themselves.
func (s *Service) change(ctx context.Context, actor Actor, fn func(tx *sql.Tx, u User) (audit.Event, error)) (User, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userCols+userFrom+`WHERE u.id = ? AND m.org_id = ?`, actor.UserID, actor.OrgID))
		u.SessionID = actor.SessionID
		if err == sql.ErrNoRows {
			return apperr.New("auth.session_expired")
		}
		if err != nil {
			return err
		}
		ev, err := fn(tx, u)
		if err != nil {
			return err
		}
		ev.ActorID, ev.TargetType, ev.TargetID, ev.OrgID = u.ID, "user", u.ID, u.OrgID
		return s.Audit.Record(ctx, tx, ev)
	})
	if err != nil && err != errUnchanged {
		return User{}, err
	}
	return s.Get(ctx, actor)
}
