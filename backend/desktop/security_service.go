package desktop

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/oidc"
	"admin-console/backend/org"
)

// SecurityService is bound to the window: multi-factor authentication, the
// ways to sign in, the sessions list and the organization's MFA policy.
type SecurityService struct{ c *Core }

// NewSecurityService binds the security screens to core.
func NewSecurityService(c *Core) *SecurityService { return &SecurityService{c: c} }

// SecurityDTO is the account's security page.
type SecurityDTO struct {
	MFAAvailable      bool          `json:"mfaAvailable"` // the keychain holds the data key
	MFAEnabled        bool          `json:"mfaEnabled"`
	MFAEnabledAt      string        `json:"mfaEnabledAt"`
	RecoveryCodesLeft int           `json:"recoveryCodesLeft"`
	MFARequired       bool          `json:"mfaRequired"` // by one of the user's organizations
	HasPassword       bool          `json:"hasPassword"`
	Identities        []IdentityDTO `json:"identities"`
	Providers         []string      `json:"providers"` // configured on this device
}

// IdentityDTO is a linked provider.
type IdentityDTO struct {
	Provider   string `json:"provider"`
	Email      string `json:"email"`
	LinkedAt   string `json:"linkedAt"`
	LastUsedAt string `json:"lastUsedAt"`
}

// EnrollmentDTO is a new TOTP secret to put in an authenticator app.
type EnrollmentDTO struct {
	Secret string `json:"secret"` // grouped by four for typing
	URI    string `json:"uri"`
	QRCode string `json:"qrCode"` // data: URL of a PNG
}

// SessionDTO is one place where the user is signed in.
type SessionDTO struct {
	ID         string `json:"id"`
	Device     string `json:"device"`
	Method     string `json:"method"`
	CreatedAt  string `json:"createdAt"`
	LastSeenAt string `json:"lastSeenAt"`
	Current    bool   `json:"current"`
}

// PolicyDTO is the organization's sign-in policy.
type PolicyDTO struct {
	RequireMFA        bool `json:"requireMFA"`
	MembersWithoutMFA int  `json:"membersWithoutMFA"`
	CanManage         bool `json:"canManage"`
}

// enrolling runs fn for the signed-in user even while the organization's
// policy holds them to enrolment: these are the calls that let them comply.
func enrolling[T any](c *Core, op string, fn func(ctx context.Context, a account.Actor) (T, error)) (T, error) {
	ctx := context.Background()
	u, err := c.session(ctx)
	if err != nil {
		var zero T
		return zero, c.fail(op, err)
	}
	out, err := fn(ctx, u.Actor())
	return out, c.fail(op, err)
}

// Security reads the security page.
func (s *SecurityService) Security() (SecurityDTO, error) {
	return enrolling(s.c, "security", func(ctx context.Context, a account.Actor) (SecurityDTO, error) {
		st, err := s.c.Accounts.MFA(ctx, a)
		if err != nil {
			return SecurityDTO{}, err
		}
		m, err := s.c.Accounts.SignInMethods(ctx, a)
		if err != nil {
			return SecurityDTO{}, err
		}
		out := SecurityDTO{MFAAvailable: s.c.Accounts.Sealer != nil, MFAEnabled: st.Enabled, MFAEnabledAt: iso(st.EnabledAt),
			RecoveryCodesLeft: st.RecoveryCodesLeft, MFARequired: st.RequiredByOrganization, HasPassword: m.HasPassword,
			Identities: []IdentityDTO{}, Providers: append([]string{}, s.c.SignIn.Settings.Enabled()...)}
		for _, l := range m.Identities {
			out.Identities = append(out.Identities, IdentityDTO{Provider: l.Provider, Email: l.Email,
				LinkedAt: iso(l.LinkedAt), LastUsedAt: iso(l.LastUsedAt)})
		}
		return out, nil
	})
}

// BeginMFAEnrollment makes a new TOTP secret and its QR code.
func (s *SecurityService) BeginMFAEnrollment() (EnrollmentDTO, error) {
	return enrolling(s.c, "begin mfa", func(ctx context.Context, a account.Actor) (EnrollmentDTO, error) {
		en, err := s.c.Accounts.BeginMFAEnrollment(ctx, a)
		if err != nil {
			return EnrollmentDTO{}, err
		}
		return EnrollmentDTO{Secret: account.GroupSecret(en.Secret), URI: en.URI,
			QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(en.QRCode)}, nil
	})
}

// ConfirmMFAEnrollment turns MFA on with a first code and returns the
// recovery codes, shown once.
func (s *SecurityService) ConfirmMFAEnrollment(code string) ([]string, error) {
	if err := tooLong(map[string]string{"code": code}); err != nil {
		return nil, err
	}
	return enrolling(s.c, "confirm mfa", func(ctx context.Context, a account.Actor) ([]string, error) {
		return s.c.Accounts.ConfirmMFAEnrollment(ctx, a, code)
	})
}

// RegenerateRecoveryCodes replaces the recovery codes.
func (s *SecurityService) RegenerateRecoveryCodes() ([]string, error) {
	return enrolling(s.c, "regenerate codes", func(ctx context.Context, a account.Actor) ([]string, error) {
		return s.c.Accounts.RegenerateRecoveryCodes(ctx, a)
	})
}

// DisableMFA turns MFA off with the password and a code.
func (s *SecurityService) DisableMFA(password, code string) error {
	if err := tooLong(map[string]string{"password": password, "code": code}); err != nil {
		return err
	}
	_, err := enrolling(s.c, "disable mfa", func(ctx context.Context, a account.Actor) (struct{}, error) {
		return struct{}{}, s.c.Accounts.DisableMFA(ctx, a, password, code)
	})
	return err
}

var recoveryCodeShape = regexp.MustCompile(`^[a-z0-9]{5}-[a-z0-9]{5}$`)

// SaveRecoveryCodes writes the codes just shown to a text file the user
// picks in the native save dialog; it returns the path ("" if cancelled).
// The codes come back from the window because they are stored only as
// digests: this is their one trip to disk, where the user wants them.
func (s *SecurityService) SaveRecoveryCodes(codes []string) (string, error) {
	if len(codes) == 0 || len(codes) > account.RecoveryCodeCount {
		return "", apperr.New("mfa.codes_invalid")
	}
	for _, c := range codes {
		if !recoveryCodeShape.MatchString(c) {
			return "", apperr.New("mfa.codes_invalid")
		}
	}
	return enrolling(s.c, "save codes", func(ctx context.Context, a account.Actor) (string, error) {
		u, err := s.c.Accounts.Get(ctx, a)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n%s\n\n", s.c.T("mfa.codes_file.title", map[string]any{"Email": u.Email}),
			s.c.T("mfa.codes_file.note", nil))
		for _, c := range codes {
			b.WriteString(c + "\n")
		}
		return s.c.saveAs(s.c.T("mfa.codes_file.dialog", nil), "admin-console-recovery-codes.txt",
			FileFilter{Name: s.c.T("mfa.codes_file.filter", nil), Pattern: "*.txt"}, []byte(b.String()))
	})
}

// LinkProvider links a provider to the account after a sign-in with it in
// the system browser.
func (s *SecurityService) LinkProvider(provider string) error {
	if err := tooLong(map[string]string{"provider": provider}); err != nil {
		return err
	}
	_, err := call(s.c, "link provider", func(ctx context.Context, _ org.Actor) (struct{}, error) {
		u, err := s.c.current(ctx)
		if err != nil {
			return struct{}{}, err
		}
		// Check recent authentication before sending the user to the browser.
		if err := s.c.Accounts.RequireRecentAuth(ctx, s.c.DB, u.Actor()); err != nil {
			return struct{}{}, err
		}
		id, err := s.c.runProvider(ctx, provider, oidc.RunOptions{})
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.c.Accounts.LinkIdentity(ctx, u.Actor(), id)
	})
	return err
}

// UnlinkProvider removes a provider, unless it is the last way in.
func (s *SecurityService) UnlinkProvider(provider string) error {
	if err := tooLong(map[string]string{"provider": provider}); err != nil {
		return err
	}
	_, err := enrolling(s.c, "unlink provider", func(ctx context.Context, a account.Actor) (struct{}, error) {
		return struct{}{}, s.c.Accounts.UnlinkIdentity(ctx, a, provider)
	})
	return err
}

// ReauthenticateWithProvider proves the user again through a provider (for
// accounts without a password), with a code when MFA is on.
func (s *SecurityService) ReauthenticateWithProvider(provider, code string) error {
	if err := tooLong(map[string]string{"provider": provider, "code": code}); err != nil {
		return err
	}
	_, err := enrolling(s.c, "reauthenticate", func(ctx context.Context, a account.Actor) (struct{}, error) {
		id, err := s.c.runProvider(ctx, provider, oidc.RunOptions{ForceLogin: true})
		if err != nil {
			return struct{}{}, err
		}
		return struct{}{}, s.c.Accounts.ReauthenticateWithIdentity(ctx, a, id, code)
	})
	return err
}

// Sessions lists where the user is signed in.
func (s *SecurityService) Sessions() ([]SessionDTO, error) {
	return enrolling(s.c, "sessions", func(ctx context.Context, a account.Actor) ([]SessionDTO, error) {
		list, err := s.c.Accounts.Sessions(ctx, a)
		if err != nil {
			return nil, err
		}
		out := make([]SessionDTO, len(list))
		for i, se := range list {
			out[i] = SessionDTO{ID: se.ID, Device: se.Device, Method: se.Method, CreatedAt: iso(se.CreatedAt),
				LastSeenAt: iso(se.LastSeenAt), Current: se.Current}
		}
		return out, nil
	})
}

// EndSession signs out one other session.
func (s *SecurityService) EndSession(id string) error {
	if err := tooLong(map[string]string{"id": id}); err != nil {
		return err
	}
	_, err := enrolling(s.c, "end session", func(ctx context.Context, a account.Actor) (struct{}, error) {
		return struct{}{}, s.c.Accounts.EndSession(ctx, a, id)
	})
	return err
}

// EndOtherSessions signs out every session but this one.
func (s *SecurityService) EndOtherSessions() (int, error) {
	return enrolling(s.c, "end sessions", func(ctx context.Context, a account.Actor) (int, error) {
		return s.c.Accounts.EndOtherSessions(ctx, a)
	})
}

// Policy reads the organization's sign-in policy.
func (s *SecurityService) Policy() (PolicyDTO, error) {
	return call(s.c, "policy", func(ctx context.Context, a org.Actor) (PolicyDTO, error) {
		p, err := s.c.Orgs.Security(ctx, a)
		if err != nil {
			return PolicyDTO{}, err
		}
		role, err := org.RoleOf(ctx, s.c.DB, a)
		return PolicyDTO{RequireMFA: p.RequireMFA, MembersWithoutMFA: p.MembersWithoutMFA,
			CanManage: role.Can(org.SecurityManage)}, err
	})
}

// SetRequireMFA turns the organization's MFA requirement on or off.
func (s *SecurityService) SetRequireMFA(on bool) (PolicyDTO, error) {
	return call(s.c, "set policy", func(ctx context.Context, a org.Actor) (PolicyDTO, error) {
		p, err := s.c.Orgs.SetRequireMFA(ctx, a, on)
		return PolicyDTO{RequireMFA: p.RequireMFA, MembersWithoutMFA: p.MembersWithoutMFA, CanManage: true}, err
	})
}
