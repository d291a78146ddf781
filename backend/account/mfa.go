package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/secrets"
)

// Recovery codes: ten per user, each ten characters from an alphabet without
// look-alikes (0/o, 1/l/i), about 49 bits each, shown as "xxxxx-xxxxx".
const (
	RecoveryCodeCount  = 10
	recoveryCodeLen    = 10
	recoveryAlphabet   = "23456789abcdefghjkmnpqrstuvwxyz"
	mfaMethodTOTP      = "totp"
	mfaMethodRecovery  = "recovery_code"
	enrollmentLifetime = 30 * time.Minute
)

// Enrollment is a TOTP secret waiting for its first code.
type Enrollment struct {
	Secret string // base32, as authenticator apps take it typed
	URI    string // otpauth:// address, the content of the QR code
	QRCode []byte // PNG
}

// MFAStatus is what the security screen shows.
type MFAStatus struct {
	Enabled                bool
	EnabledAt              time.Time
	RecoveryCodesLeft      int
	RequiredByOrganization bool
}

func (s *Service) sealer() (*secrets.Sealer, error) {
	if s.Sealer == nil {
		return nil, apperr.New("mfa.keychain_unavailable")
	}
	return s.Sealer, nil
}

// totpBinding ties a sealed TOTP secret to its user: copied to another row,
// it does not open.
func totpBinding(userID string) []byte { return []byte("totp-secret:" + userID) }

// MFA reports the actor's second-factor state.
func (s *Service) MFA(ctx context.Context, actor Actor) (MFAStatus, error) {
	return mfaStatus(ctx, s.DB, actor.UserID)
}

func mfaStatus(ctx context.Context, q querier, userID string) (MFAStatus, error) {
	var st MFAStatus
	var enabledAt sql.NullString
	var required int
	err := q.QueryRowContext(ctx, `SELECT u.mfa_enabled_at,
		(SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL),
		EXISTS(SELECT 1 FROM org_members m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = u.id AND o.require_mfa = 1)
		FROM users u WHERE u.id = ?`, userID).Scan(&enabledAt, &st.RecoveryCodesLeft, &required)
	if errors.Is(err, sql.ErrNoRows) {
		return MFAStatus{}, apperr.New("auth.session_expired")
	}
	st.Enabled, st.RequiredByOrganization = enabledAt.Valid, required == 1
	if enabledAt.Valid {
		st.EnabledAt = parseTS(enabledAt.String)
	}
	return st, err
}

// BeginMFAEnrollment makes a new TOTP secret for the actor and keeps it,
// sealed, until ConfirmMFAEnrollment proves the authenticator app has it.
func (s *Service) BeginMFAEnrollment(ctx context.Context, actor Actor) (Enrollment, error) {
	seal, err := s.sealer()
	if err != nil {
		return Enrollment{}, err
	}
	var out Enrollment
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.RequireRecentAuth(ctx, tx, actor); err != nil {
			return err
		}
		u, err := s.mfaUser(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		if u.enabled {
			return apperr.New("mfa.already_enabled")
		}
		if out.Secret, out.URI, out.QRCode, err = newTOTPKey(u.email); err != nil {
			return err
		}
		sealed, err := seal.Seal([]byte(out.Secret), totpBinding(actor.UserID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mfa_enrollments(user_id, secret, created_at) VALUES (?,?,?)
			ON CONFLICT(user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
			actor.UserID, sealed, ts(s.now())); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, s.selfEvent(actor, "mfa.enrollment_started", nil))
	})
	return out, err
}

// ConfirmMFAEnrollment turns MFA on once code matches the pending secret,
// and returns the recovery codes, shown this once.
func (s *Service) ConfirmMFAEnrollment(ctx context.Context, actor Actor, code string) ([]string, error) {
	seal, err := s.sealer()
	if err != nil {
		return nil, err
	}
	code = normalizeCode(code)
	if !isTOTPCode(code) {
		return nil, apperr.Field("code", "mfa.code_invalid")
	}
	var codes []string
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		var created string
		err := tx.QueryRowContext(ctx, `SELECT secret, created_at FROM mfa_enrollments WHERE user_id = ?`, actor.UserID).Scan(&sealed, &created)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && s.now().Sub(parseTS(created)) > enrollmentLifetime) {
			return apperr.New("mfa.enrollment_expired")
		}
		if err != nil {
			return err
		}
		secret, err := seal.Open(sealed, totpBinding(actor.UserID))
		if err != nil {
			return err
		}
		step, ok := matchTOTP(string(secret), code, s.now())
		if !ok {
			return apperr.Field("code", "mfa.code_invalid")
		}
		now := ts(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_secret = ?, mfa_enabled_at = ?, mfa_last_step = ?, updated_at = ?
			WHERE id = ?`, sealed, now, int64(step), now, actor.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mfa_enrollments WHERE user_id = ?`, actor.UserID); err != nil {
			return err
		}
		if codes, err = s.replaceRecoveryCodes(ctx, tx, seal, actor.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, s.selfEvent(actor, "mfa.enabled", nil))
	})
	return codes, err
}

// RegenerateRecoveryCodes replaces all recovery codes, used or not.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, actor Actor) ([]string, error) {
	seal, err := s.sealer()
	if err != nil {
		return nil, err
	}
	var codes []string
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.RequireRecentAuth(ctx, tx, actor); err != nil {
			return err
		}
		u, err := s.mfaUser(ctx, tx, actor.UserID)
		if err != nil {
			return err
		}
		if !u.enabled {
			return apperr.New("mfa.not_enabled")
		}
		if codes, err = s.replaceRecoveryCodes(ctx, tx, seal, actor.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, s.selfEvent(actor, "mfa.recovery_codes_regenerated", nil))
	})
	return codes, err
}

// DisableMFA turns MFA off; it takes the password (unless the account has
// none, then a recent sign-in with a provider) and a code or recovery code.
func (s *Service) DisableMFA(ctx context.Context, actor Actor, password, code string) error {
	if _, err := s.sealer(); err != nil {
		return err
	}
	_, err := s.withPasswordGuard(ctx, actor, func() (User, error) {
		return User{}, s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.confirmIdentity(ctx, tx, actor, password); err != nil {
				return err
			}
			st, err := mfaStatus(ctx, tx, actor.UserID)
			if err != nil {
				return err
			}
			if !st.Enabled {
				return apperr.New("mfa.not_enabled")
			}
			if st.RequiredByOrganization {
				return apperr.New("mfa.required_by_organization")
			}
			if _, err := s.verifySecondFactor(ctx, tx, actor, code); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = 0,
				updated_at = ? WHERE id = ?`, ts(s.now()), actor.UserID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, actor.UserID); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, s.selfEvent(actor, "mfa.disabled", nil))
		})
	})
	return err
}

// confirmIdentity checks the actor's password; an account without one (made
// through a provider) must have signed in recently instead.
func (s *Service) confirmIdentity(ctx context.Context, tx *sql.Tx, actor Actor, password string) error {
	has, err := hasPassword(ctx, tx, actor.UserID)
	if err != nil {
		return err
	}
	if !has {
		return s.RequireRecentAuth(ctx, tx, actor)
	}
	return s.confirmPassword(ctx, tx, actor.UserID, password)
}

type mfaUser struct {
	email   string
	enabled bool
}

func (s *Service) mfaUser(ctx context.Context, q querier, userID string) (mfaUser, error) {
	var u mfaUser
	err := q.QueryRowContext(ctx, `SELECT email, mfa_enabled_at IS NOT NULL FROM users WHERE id = ?`, userID).Scan(&u.email, &u.enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.New("auth.session_expired")
	}
	return u, err
}

// verifySecondFactor accepts a current TOTP code (once: its step must be
// later than the last accepted one) or an unused recovery code (then spent),
// and says which it was. A recovery-code use is audited here.
func (s *Service) verifySecondFactor(ctx context.Context, tx *sql.Tx, actor Actor, raw string) (string, error) {
	seal, err := s.sealer()
	if err != nil {
		return "", err
	}
	code := normalizeCode(raw)
	switch {
	case code == "":
		return "", apperr.Field("code", "mfa.code_required")
	case isTOTPCode(code):
		return mfaMethodTOTP, s.useTOTP(ctx, tx, seal, actor.UserID, code)
	case isRecoveryCode(code):
		return mfaMethodRecovery, s.useRecoveryCode(ctx, tx, seal, actor, code)
	}
	return "", apperr.Field("code", "mfa.code_invalid")
}

func (s *Service) useTOTP(ctx context.Context, tx *sql.Tx, seal *secrets.Sealer, userID, code string) error {
	var sealed []byte
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT mfa_secret, mfa_last_step FROM users WHERE id = ? AND mfa_enabled_at IS NOT NULL`,
		userID).Scan(&sealed, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New("mfa.not_enabled")
	}
	if err != nil {
		return err
	}
	secret, err := seal.Open(sealed, totpBinding(userID))
	if err != nil {
		return err
	}
	step, ok := matchTOTP(string(secret), code, s.now())
	if !ok {
		return apperr.Field("code", "mfa.code_invalid")
	}
	if int64(step) <= last {
		return apperr.Field("code", "mfa.code_reused")
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET mfa_last_step = ? WHERE id = ?`, int64(step), userID)
	return err
}

func (s *Service) useRecoveryCode(ctx context.Context, tx *sql.Tx, seal *secrets.Sealer, actor Actor, code string) error {
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		ts(s.now()), actor.UserID, seal.Digest(actor.UserID, code))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Field("code", "mfa.code_invalid")
	}
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`,
		actor.UserID).Scan(&left); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, s.selfEvent(actor, "mfa.recovery_code_used", map[string]any{"remaining": left}))
}

// replaceRecoveryCodes stores digests of ten new codes and returns the codes.
func (s *Service) replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, seal *secrets.Sealer, userID string) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		c, err := newRecoveryCode()
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes(user_id, code_hash) VALUES (?,?)`,
			userID, seal.Digest(userID, c)); err != nil {
			return nil, err
		}
		codes[i] = c[:recoveryCodeLen/2] + "-" + c[recoveryCodeLen/2:]
	}
	return codes, nil
}

func newRecoveryCode() (string, error) {
	b := make([]byte, recoveryCodeLen)
	for i := range b {
		// rand.Text-style rejection-free choice: 256 % 31 != 0, so draw until
		// the byte falls in the largest multiple of 31 to keep it uniform.
		for {
			var r [1]byte
			if _, err := rand.Read(r[:]); err != nil {
				return "", err
			}
			if int(r[0]) < 256-256%len(recoveryAlphabet) {
				b[i] = recoveryAlphabet[int(r[0])%len(recoveryAlphabet)]
				break
			}
		}
	}
	return string(b), nil
}

// normalizeCode drops what people add while typing or pasting a code:
// spaces, dashes, upper case.
func normalizeCode(raw string) string {
	if len(raw) > 64 {
		return "!" // too long to be any code; never matches
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(raw)))
}

func isTOTPCode(c string) bool {
	if len(c) != 6 {
		return false
	}
	for _, r := range c {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func isRecoveryCode(c string) bool {
	if len(c) != recoveryCodeLen {
		return false
	}
	for _, r := range c {
		if !strings.ContainsRune(recoveryAlphabet, r) {
			return false
		}
	}
	return true
}

// selfEvent is an event the actor causes about their own account.
func (s *Service) selfEvent(actor Actor, action string, details map[string]any) audit.Event {
	return audit.Event{ActorID: actor.UserID, Action: action, TargetType: "user", TargetID: actor.UserID,
		OrgID: actor.OrgID, Details: details}
}

func hasPassword(ctx context.Context, tx *sql.Tx, userID string) (bool, error) {
	var h string
	err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&h)
	return h != "", err
}
