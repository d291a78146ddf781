package desktop

import (
	"context"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/i18n"
	"admin-console/backend/oidc"
)

// CompleteSignIn finishes a sign-in that waits for its second factor with a
// TOTP code or a recovery code.
func (s *AccountService) CompleteSignIn(code string) (StateDTO, error) {
	ctx := context.Background()
	if err := tooLong(map[string]string{"code": code}); err != nil {
		return StateDTO{}, err
	}
	s.c.mu.Lock()
	p := s.c.pending
	s.c.mu.Unlock()
	if p.challenge == "" {
		return StateDTO{}, apperr.New("auth.challenge_expired")
	}
	signed, err := s.c.Accounts.CompleteSignIn(ctx, p.challenge, code, s.c.joinWith(p.invitation))
	if apperr.Code(err) == "auth.challenge_expired" {
		s.CancelSignIn() // back to the first step
	}
	if err != nil {
		return StateDTO{}, s.c.fail("complete sign in", err)
	}
	return s.c.signedIn(ctx, signed, p)
}

// CancelSignIn drops a sign-in waiting for its second factor.
func (s *AccountService) CancelSignIn() {
	s.c.mu.Lock()
	s.c.pending = pendingSignIn{}
	s.c.mu.Unlock()
}

// SignInWithProvider signs in with Google, Microsoft or Apple in the system
// browser. It returns when the browser comes back, the wait times out, or
// CancelProviderSignIn is called. An identity linked to nobody makes a new
// account (or joins the invitation's organization).
func (s *AccountService) SignInWithProvider(provider string, keep bool, invitationToken string) (StateDTO, error) {
	if err := tooLong(map[string]string{"provider": provider, "invitationToken": invitationToken}); err != nil {
		return StateDTO{}, err
	}
	ctx := context.Background()
	id, err := s.c.runProvider(ctx, provider, oidc.RunOptions{})
	if err != nil {
		return StateDTO{}, s.c.fail("provider sign in", err)
	}
	lang, err := s.c.language(ctx)
	if err != nil {
		return StateDTO{}, s.c.fail("provider sign in", err)
	}
	signed, err := s.c.Accounts.SignInWithIdentity(ctx, id, lang, Device(), s.c.joinWith(invitationToken))
	if err != nil {
		return StateDTO{}, s.c.fail("provider sign in", err)
	}
	return s.c.signedIn(ctx, signed, pendingSignIn{keep: keep, invitation: invitationToken})
}

// CancelProviderSignIn stops waiting for the browser.
func (s *AccountService) CancelProviderSignIn() {
	s.c.mu.Lock()
	cancel := s.c.cancelProvider
	s.c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// runProvider runs one provider sign-in at a time; a second one cancels the
// first (the person clicked another button).
func (c *Core) runProvider(ctx context.Context, provider string, o oidc.RunOptions) (account.Identity, error) {
	ctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	if c.cancelProvider != nil {
		c.cancelProvider()
	}
	c.cancelProvider = cancel
	c.mu.Unlock()
	defer func() {
		cancel()
		c.mu.Lock()
		c.cancelProvider = nil
		c.mu.Unlock()
	}()
	id, err := c.SignIn.Run(ctx, provider, o)
	if err != nil {
		return account.Identity{}, err
	}
	return account.Identity{Provider: id.Provider, Subject: id.Subject, Email: id.Email, EmailVerified: id.EmailVerified,
		GivenName: id.GivenName, FamilyName: id.FamilyName, Name: id.Name}, nil
}

// SetBrowser connects the system browser once the window exists.
func (c *Core) SetBrowser(open func(url string) error) {
	c.mu.Lock()
	c.browser = open
	c.mu.Unlock()
}

// openBrowser is the Flow's OpenBrowser: it reads the connected browser under
// the lock, since the window connects it while a sign-in may already run.
func (c *Core) openBrowser(url string) error {
	c.mu.Lock()
	open := c.browser
	c.mu.Unlock()
	if open == nil {
		return apperr.New("oidc.browser_failed")
	}
	return open(url)
}

// callbackPage is what the browser shows once it has handed the sign-in
// back, in the app's language.
func (c *Core) callbackPage() oidc.CallbackPage {
	lang := c.Language(context.Background())
	return oidc.CallbackPage{Lang: lang, Dir: i18n.Dir(lang), Title: c.Bundle.T(lang, "app.name", nil),
		SuccessText: c.Bundle.T(lang, "signin.provider.browser_done", nil),
		FailureText: c.Bundle.T(lang, "signin.provider.browser_failed", nil)}
}
