// Package oidc signs a person in with Google, Microsoft or Apple by OpenID
// Connect: the authorization code flow with PKCE in the system browser and a
// loopback redirect (RFC 8252). Apple refuses loopback redirect URIs, so its
// answer goes through a small HTTPS relay (cmd/oidc-relay) that forwards it
// to the loopback address.
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"admin-console/backend/apperr"
)

// DefaultTimeout is how long Run waits for the browser to come back.
const DefaultTimeout = 5 * time.Minute

// netTimeout bounds each call to the provider (discovery, token exchange).
const netTimeout = 30 * time.Second

// Identity is who the provider says signed in.
type Identity struct {
	Provider, Subject, Email string
	EmailVerified            bool
	GivenName, FamilyName    string
	Name                     string
}

// CallbackPage is the text of the page the browser shows after the redirect,
// localized by the caller.
type CallbackPage struct{ Lang, Dir, Title, SuccessText, FailureText string }

// RunOptions adjust one sign-in.
type RunOptions struct {
	ForceLogin bool   // re-authentication: prompt=login and max_age=0
	LoginHint  string // pre-fills the account at the provider
}

// Flow signs people in. Its fields are read, never written, by Run, so one
// Flow may serve concurrent runs.
type Flow struct {
	Settings   Settings
	HTTPClient *http.Client // discovery, token exchange, JWKS; nil = http.DefaultClient
	// OpenBrowser opens url in the system browser (never a webview). Run calls
	// it on a goroutine of its own, since opening a browser may block until
	// the browser exits, and keeps waiting for the callback meanwhile.
	OpenBrowser func(url string) error
	Page        func() CallbackPage // text of the page after the redirect; nil = English
	Timeout     time.Duration       // waiting for the browser; 0 = DefaultTimeout
	Now         func() time.Time    // token expiry checks; nil = time.Now
}

// errWaitTimeout tells the browser timeout from the caller's cancellation.
var errWaitTimeout = errors.New("no answer from the browser in time")

// Run signs a person in with provider (Google, Microsoft or Apple) and
// returns the verified identity, or a coded error (see errors.go).
func (f *Flow) Run(ctx context.Context, provider string, o RunOptions) (Identity, error) {
	ps, err := f.settings(provider)
	if err != nil {
		return Identity{}, err
	}
	ctx = oidc.ClientContext(ctx, f.client())
	idp, err := discover(ctx, provider, ps)
	if err != nil {
		return Identity{}, err
	}
	lb, err := listenLoopback(f.Page)
	if err != nil {
		return Identity{}, fail(apperr.Internal, err)
	}
	defer lb.close()

	a := f.newAttempt(provider, ps, idp, lb, o)
	cb, err := f.await(ctx, lb, a.authURL(o))
	if err != nil {
		return Identity{}, err
	}
	id, err := f.complete(ctx, idp, a, cb.query)
	cb.result <- err == nil // the browser's page says how it went
	return id, err
}

func (f *Flow) settings(provider string) (ProviderSettings, error) {
	ps, ok := f.Settings.Providers[provider]
	if !ok {
		return ps, fail(CodeNotConfigured, fmt.Errorf("no [%s] settings", provider))
	}
	if _, err := ps.check(provider); err != nil {
		return ps, fail(CodeNotConfigured, err)
	}
	if provider == Apple {
		if exp, ok := jwtExpiry(ps.ClientSecret); ok && !exp.After(f.now()) {
			return ps, fail(CodeNotConfigured, fmt.Errorf("apple client_secret expired at %s", exp.UTC().Format(time.RFC3339)))
		}
	}
	return ps, nil
}

func (f *Flow) client() *http.Client {
	if f.HTTPClient != nil {
		return f.HTTPClient
	}
	return http.DefaultClient
}

func (f *Flow) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Flow) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

// attempt is the secret material of one sign-in: what binds the callback,
// the code and the ID token to this run.
type attempt struct {
	provider string
	conf     oauth2.Config
	state    string // CSRF: the callback must carry it back
	nonce    string // replay: the ID token must carry it back
	verifier string // PKCE: the code is useless without it
	started  time.Time
	forced   bool // ForceLogin: auth_time must be recent
}

func (f *Flow) newAttempt(provider string, ps ProviderSettings, idp *idp, lb *loopback, o RunOptions) *attempt {
	a := &attempt{provider: provider, nonce: random(), verifier: oauth2.GenerateVerifier(), started: f.now(), forced: o.ForceLogin}
	endpoint := idp.p.Endpoint()
	endpoint.AuthStyle = idp.authStyle
	a.conf = oauth2.Config{
		ClientID:     ps.ClientID,
		ClientSecret: ps.ClientSecret,
		Endpoint:     endpoint,
		RedirectURL:  lb.redirectURI(),
		Scopes:       scopes(provider, ps),
	}
	a.state = random()
	if provider == Apple {
		// Apple only redirects to HTTPS: the relay gets the answer and takes
		// the loopback port from the state to forward it here.
		a.conf.RedirectURL = ps.RelayURL
		a.state = fmt.Sprintf("%d.%s", lb.port, a.state)
	}
	return a
}

func scopes(provider string, ps ProviderSettings) []string {
	switch {
	case len(ps.Scopes) > 0:
		return ps.Scopes
	case provider == Apple:
		return []string{oidc.ScopeOpenID, "email", "name"}
	default:
		return []string{oidc.ScopeOpenID, "email", "profile"}
	}
}

// authURL is the provider's authorization URL for this attempt.
func (a *attempt) authURL(o RunOptions) string {
	opts := []oauth2.AuthCodeOption{oidc.Nonce(a.nonce), oauth2.S256ChallengeOption(a.verifier)}
	if a.provider == Apple {
		// Apple requires form_post when asking for name or email.
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", "form_post"))
	}
	if o.ForceLogin {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
	}
	if o.LoginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", o.LoginHint))
	}
	// Query escaping leaves "~" bare, and Wails' BrowserOpenURL refuses any
	// URL with "~" in it (a shell metacharacter): send the equivalent %7E.
	return strings.ReplaceAll(a.conf.AuthCodeURL(a.state, opts...), "~", "%7E")
}

// random returns 256 bits from the system CSPRNG, base64url-encoded.
func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// await opens the browser and waits for the one callback.
func (f *Flow) await(ctx context.Context, lb *loopback, authURL string) (callback, error) {
	if f.OpenBrowser == nil {
		return callback{}, fail(CodeBrowserFailed, errors.New("no OpenBrowser function"))
	}
	wait, cancel := context.WithTimeoutCause(ctx, f.timeout(), errWaitTimeout)
	defer cancel()
	opened := make(chan error, 1) // buffered: the goroutine never blocks after Run returns
	go func() { opened <- f.OpenBrowser(authURL) }()
	for {
		select {
		case cb := <-lb.got:
			return cb, nil
		case err := <-opened:
			if err != nil {
				return callback{}, fail(CodeBrowserFailed, err)
			}
			opened = nil // opened fine: keep waiting for the callback
		case <-wait.Done():
			return callback{}, waitError(ctx, wait)
		}
	}
}

func waitError(ctx, wait context.Context) error {
	cause := context.Cause(wait)
	if errors.Is(cause, errWaitTimeout) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fail(CodeTimeout, cause)
	}
	return fail(CodeCancelled, cause)
}

// complete checks the callback, exchanges the code and verifies the ID token.
func (f *Flow) complete(ctx context.Context, idp *idp, a *attempt, q url.Values) (Identity, error) {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(a.state)) != 1 {
		return Identity{}, fail(CodeStateMismatch, errors.New("callback state is not this sign-in's"))
	}
	if e := q.Get("error"); e != "" {
		return Identity{}, fail(CodeProviderDenied, fmt.Errorf("provider answered error=%.64q", e))
	}
	code := q.Get("code")
	if code == "" {
		return Identity{}, fail(CodeExchangeFailed, errors.New("callback has no code"))
	}
	xctx, cancel := context.WithTimeout(ctx, netTimeout)
	defer cancel()
	tok, err := a.conf.Exchange(xctx, code, oauth2.VerifierOption(a.verifier))
	if err != nil {
		if ctx.Err() != nil {
			return Identity{}, fail(CodeCancelled, err)
		}
		return Identity{}, fail(CodeExchangeFailed, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	c, err := idp.verify(xctx, raw, a, f.Now)
	if err != nil {
		return Identity{}, err
	}
	id := c.identity(a.provider, q.Get("user"))
	if id.Email == "" {
		return Identity{}, fail(CodeEmailMissing, errors.New("no usable email claim"))
	}
	return id, nil
}
