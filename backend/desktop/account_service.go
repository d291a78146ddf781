package desktop

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/i18n"
	"admin-console/backend/org"
)

// maxInput bounds every string a bound method accepts before any work is done.
const maxInput = 4096

func tooLong(fields map[string]string) error {
	for name, v := range fields {
		if len(v) > maxInput {
			return apperr.Field(name, "input.too_long")
		}
	}
	return nil
}

// AccountService is bound to the window: onboarding, sign-in, sign-out and
// the signed-in user's profile.
type AccountService struct{ c *Core }

// NewAccountService binds the account screens to core.
func NewAccountService(c *Core) *AccountService { return &AccountService{c: c} }

// UserDTO is the signed-in user as the UI shows them.
type UserDTO struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Language  string `json:"language"`
	Role      string `json:"role"`
	OrgName   string `json:"orgName"`
	CreatedAt string `json:"createdAt"`
	// MustEnrollMFA: the organization requires MFA and the user has none;
	// the window leads them through enrolment before anything else.
	MustEnrollMFA bool `json:"mustEnrollMFA"`
}

// StateDTO is everything the shell needs to pick its first screen.
type StateDTO struct {
	NeedsOnboarding   bool     `json:"needsOnboarding"`
	User              *UserDTO `json:"user"`
	Language          string   `json:"language"`
	Dir               string   `json:"dir"`
	KeychainAvailable bool     `json:"keychainAvailable"`
	// MFAChallenge: the password was right; the sign-in waits for a code.
	MFAChallenge bool `json:"mfaChallenge"`
	// Providers are the social sign-in providers configured on this device.
	Providers []string `json:"providers"`
}

// SignUpDTO is the onboarding form.
type SignUpDTO struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Password  string `json:"password"`
	Language  string `json:"language"`
	Keep      bool   `json:"keep"`
	// InvitationToken, when set, joins the inviting organization instead of
	// founding one.
	InvitationToken string `json:"invitationToken"`
}

// State reports who is signed in, in which language, and whether onboarding
// is needed.
func (s *AccountService) State() (StateDTO, error) {
	ctx := context.Background()
	st, err := s.c.state(ctx)
	return st, s.c.fail("state", err)
}

func (c *Core) state(ctx context.Context) (StateDTO, error) {
	has, err := c.Accounts.HasUsers(ctx)
	if err != nil {
		return StateDTO{}, err
	}
	lang, err := c.language(ctx)
	if err != nil {
		return StateDTO{}, err
	}
	c.mu.Lock()
	st := StateDTO{NeedsOnboarding: !has, Language: lang, Dir: i18n.Dir(lang), KeychainAvailable: !c.keychainFailed,
		MFAChallenge: c.pending.challenge != "", Providers: append([]string{}, c.SignIn.Settings.Enabled()...)}
	signedIn := c.token != ""
	c.mu.Unlock()
	if signedIn {
		if u, err := c.session(ctx); err == nil {
			dto, err := c.userDTO(ctx, u)
			if err != nil {
				return StateDTO{}, err
			}
			st.User = &dto
		}
	}
	return st, nil
}

func (c *Core) userDTO(ctx context.Context, u account.User) (UserDTO, error) {
	var org string
	if err := c.DB.QueryRowContext(ctx, `SELECT name FROM organizations WHERE id = ?`, u.OrgID).Scan(&org); err != nil {
		return UserDTO{}, err
	}
	return UserDTO{ID: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Language: u.Language,
		Role: u.Role, OrgName: org, CreatedAt: u.CreatedAt.Format(time.RFC3339), MustEnrollMFA: u.MustEnrollMFA}, nil
}

// SignUp is onboarding: it creates the account, organization and default
// workspace and signs the new user in.
func (s *AccountService) SignUp(in SignUpDTO) (StateDTO, error) {
	ctx := context.Background()
	if err := tooLong(map[string]string{"email": in.Email, "firstName": in.FirstName, "lastName": in.LastName,
		"password": in.Password, "language": in.Language}); err != nil {
		return StateDTO{}, err
	}
	if err := tooLong(map[string]string{"invitationToken": in.InvitationToken}); err != nil {
		return StateDTO{}, err
	}
	signed, err := s.c.Accounts.SignUp(ctx, account.SignUpInput{Email: in.Email, FirstName: in.FirstName,
		LastName: in.LastName, Password: in.Password, Language: in.Language, Device: Device(),
		Join: s.c.joinWith(in.InvitationToken)})
	if err != nil {
		return StateDTO{}, s.c.fail("sign up", err)
	}
	return s.c.signedIn(ctx, signed, pendingSignIn{keep: in.Keep})
}

// SignIn starts a session; keep stores it in the OS keychain.
func (s *AccountService) SignIn(email, password string, keep bool) (StateDTO, error) {
	return s.SignInWithInvitation(email, password, keep, "")
}

// SignInWithInvitation signs in and, with a token, joins the inviting
// organization in the same step.
func (s *AccountService) SignInWithInvitation(email, password string, keep bool, invitationToken string) (StateDTO, error) {
	ctx := context.Background()
	if err := tooLong(map[string]string{"email": email, "password": password, "invitationToken": invitationToken}); err != nil {
		return StateDTO{}, err
	}
	signed, err := s.c.Accounts.SignInAndJoin(ctx, email, password, Device(), s.c.joinWith(invitationToken))
	if err != nil {
		return StateDTO{}, s.c.fail("sign in", err)
	}
	return s.c.signedIn(ctx, signed, pendingSignIn{keep: keep, invitation: invitationToken})
}

// pendingSignIn is a sign-in between its two factors: the challenge, and
// what the first step asked for (stay signed in, an invitation to accept).
type pendingSignIn struct {
	challenge  string
	keep       bool
	invitation string
}

// signedIn adopts a new session, or, when the account's second factor is
// due, keeps the challenge for CompleteSignIn.
func (c *Core) signedIn(ctx context.Context, signed account.Signed, p pendingSignIn) (StateDTO, error) {
	c.mu.Lock()
	c.pending = pendingSignIn{}
	if signed.Challenge != "" {
		p.challenge = signed.Challenge
		c.pending = p
	}
	c.mu.Unlock()
	if signed.Challenge != "" {
		st, err := c.state(ctx)
		return st, c.fail("state", err)
	}
	c.adopt(signed.Token, p.keep)
	// The signed-out screens of this device follow the last user's language.
	if err := c.putSetting(ctx, "language", signed.User.Language); err != nil {
		return StateDTO{}, c.fail("sign in", err)
	}
	c.languageChanged(signed.User.Language, false)
	st, err := c.state(ctx)
	return st, c.fail("state", err)
}

// SignOut revokes the session and removes it from the keychain.
func (s *AccountService) SignOut() error {
	return s.c.signOut(context.Background())
}

func (c *Core) signOut(ctx context.Context) error {
	c.mu.Lock()
	token := c.token
	c.mu.Unlock()
	err := c.Accounts.SignOut(ctx, token)
	c.forget()
	c.mu.Lock()
	c.pending = pendingSignIn{}
	c.mu.Unlock()
	return c.fail("sign out", err)
}

// UpdateProfile changes the signed-in user's names.
func (s *AccountService) UpdateProfile(firstName, lastName string) (UserDTO, error) {
	return s.withUser("update profile", map[string]string{"firstName": firstName, "lastName": lastName},
		func(ctx context.Context, u account.User) (account.User, error) {
			return s.c.Accounts.UpdateProfile(ctx, u.Actor(), firstName, lastName)
		})
}

// ChangeEmail changes the signed-in user's email; password confirms it.
func (s *AccountService) ChangeEmail(email, password string) (UserDTO, error) {
	return s.withUser("change email", map[string]string{"email": email, "password": password},
		func(ctx context.Context, u account.User) (account.User, error) {
			return s.c.Accounts.ChangeEmail(ctx, u.Actor(), email, password)
		})
}

// ChangePassword replaces the signed-in user's password.
func (s *AccountService) ChangePassword(current, next string) error {
	_, err := s.withUser("change password", map[string]string{"currentPassword": current, "newPassword": next},
		func(ctx context.Context, u account.User) (account.User, error) {
			return u, s.c.Accounts.ChangePassword(ctx, u.Actor(), current, next)
		})
	return err
}

func (s *AccountService) withUser(op string, inputs map[string]string, fn func(context.Context, account.User) (account.User, error)) (UserDTO, error) {
	ctx := context.Background()
	if err := tooLong(inputs); err != nil {
		return UserDTO{}, err
	}
	u, err := s.c.current(ctx)
	if err != nil {
		return UserDTO{}, s.c.fail(op, err)
	}
	u, err = fn(ctx, u)
	if err != nil {
		return UserDTO{}, s.c.fail(op, err)
	}
	dto, err := s.c.userDTO(ctx, u)
	return dto, s.c.fail(op, err)
}

// joinWith turns an invitation token into the hook that joins its
// organization inside the sign-up or sign-in transaction; nil without one.
func (c *Core) joinWith(token string) account.JoinFunc {
	if strings.TrimSpace(token) == "" {
		return nil
	}
	return func(ctx context.Context, tx *sql.Tx, u *account.User) error {
		j, err := c.Orgs.Accept(ctx, tx, u.ID, u.Email, token)
		if err != nil {
			return err
		}
		u.OrgID, u.Role = j.OrgID, string(j.Role)
		return nil
	}
}

// AcceptInvitation joins another organization as the signed-in user, whose
// session then acts in it.
func (s *AccountService) AcceptInvitation(token string) (StateDTO, error) {
	ctx := context.Background()
	if err := tooLong(map[string]string{"invitationToken": token}); err != nil {
		return StateDTO{}, err
	}
	u, err := s.c.current(ctx)
	if err != nil {
		return StateDTO{}, s.c.fail("accept invitation", err)
	}
	var joined org.Joined
	err = s.c.DB.Tx(ctx, func(tx *sql.Tx) error {
		joined, err = s.c.Orgs.Accept(ctx, tx, u.ID, u.Email, token)
		return err
	})
	if err != nil {
		return StateDTO{}, s.c.fail("accept invitation", err)
	}
	return s.SwitchOrganization(joined.OrgID)
}

// SwitchOrganization makes the session act in another organization of the
// user's.
func (s *AccountService) SwitchOrganization(orgID string) (StateDTO, error) {
	ctx := context.Background()
	u, err := s.c.current(ctx)
	if err != nil {
		return StateDTO{}, s.c.fail("switch organization", err)
	}
	if _, err := s.c.Accounts.SwitchOrganization(ctx, u.Actor(), orgID); err != nil {
		return StateDTO{}, s.c.fail("switch organization", err)
	}
	st, err := s.c.state(ctx)
	return st, s.c.fail("state", err)
}

// Reauthenticate confirms the password — and a code when MFA is on — for a
// sensitive action. It works during enforced enrolment, which needs it.
func (s *AccountService) Reauthenticate(password, code string) error {
	if err := tooLong(map[string]string{"password": password, "code": code}); err != nil {
		return err
	}
	_, err := enrolling(s.c, "reauthenticate", func(ctx context.Context, a account.Actor) (struct{}, error) {
		return struct{}{}, s.c.Accounts.Reauthenticate(ctx, a, password, code)
	})
	return err
}
