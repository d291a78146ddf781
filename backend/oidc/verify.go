package oidc

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// clockSkew is the leeway for auth_time, as go-oidc allows for nbf.
const clockSkew = 5 * time.Minute

// tenantPlaceholder is how Microsoft's multi-tenant discovery documents name
// the tenant in their issuer.
const tenantPlaceholder = "{tenantid}"

// multiTenant are Microsoft's issuers that stand for many tenants.
var multiTenant = map[string]bool{"common": true, "organizations": true, "consumers": true}

// idp is a discovered provider.
type idp struct {
	p         *oidc.Provider
	authStyle oauth2.AuthStyle
	// issuerTemplate is set for Microsoft's multi-tenant issuers: a token's
	// iss must equal it with {tenantid} replaced by the token's tid.
	issuerTemplate string
}

// discover fetches the provider's discovery document.
func discover(ctx context.Context, id string, ps ProviderSettings) (*idp, error) {
	dctx, cancel := context.WithTimeout(ctx, netTimeout)
	defer cancel()
	if id == Microsoft {
		// Multi-tenant documents name a templated issuer that never equals the
		// configured one; skip go-oidc's check and do our own below.
		dctx = oidc.InsecureIssuerURLContext(dctx, ps.Issuer)
	}
	p, err := oidc.NewProvider(dctx, ps.Issuer)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fail(CodeCancelled, err)
		}
		return nil, fail(CodeProviderUnreachable, err)
	}
	var meta struct {
		Issuer      string   `json:"issuer"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fail(CodeProviderUnreachable, err)
	}
	d := &idp{p: p, authStyle: authStyle(ps.ClientSecret, meta.AuthMethods)}
	if meta.Issuer != ps.Issuer {
		if !isTenantTemplate(ps.Issuer, meta.Issuer) {
			return nil, fail(CodeProviderUnreachable, &oidc.IssuerMismatchError{Provided: ps.Issuer, Discovered: meta.Issuer})
		}
		d.issuerTemplate = meta.Issuer
	}
	return d, nil
}

// isTenantTemplate says whether discovered is configured (a multi-tenant
// Microsoft issuer such as https://login.microsoftonline.com/common/v2.0)
// with its tenant segment replaced by {tenantid}.
func isTenantTemplate(configured, discovered string) bool {
	u, err := url.Parse(configured)
	if err != nil {
		return false
	}
	tenant, rest, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if !ok || !multiTenant[tenant] {
		return false
	}
	return discovered == u.Scheme+"://"+u.Host+"/"+tenantPlaceholder+"/"+rest
}

// authStyle picks how the client authenticates at the token endpoint, from
// what the provider says it supports: a public client (no secret) sends only
// its ID in the body; Apple supports client_secret_post only.
func authStyle(secret string, methods []string) oauth2.AuthStyle {
	switch {
	case secret == "" || slices.Contains(methods, "client_secret_post"):
		return oauth2.AuthStyleInParams
	case len(methods) == 0 || slices.Contains(methods, "client_secret_basic"):
		return oauth2.AuthStyleInHeader // the OpenID Connect default
	}
	return oauth2.AuthStyleAutoDetect
}

// claims are the ID token claims this package reads.
type claims struct {
	Issuer            string   `json:"iss"`
	Subject           string   `json:"sub"`
	Nonce             string   `json:"nonce"`
	AZP               string   `json:"azp"`
	AuthTime          *float64 `json:"auth_time"`
	TenantID          string   `json:"tid"`
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	PreferredUsername string   `json:"preferred_username"`
	EmailDomainOwner  flexBool `json:"xms_edov"` // Microsoft: the tenant owns the email's domain
	Name              string   `json:"name"`
	GivenName         string   `json:"given_name"`
	FamilyName        string   `json:"family_name"`
}

// verify checks the ID token (signature, issuer, audience, expiry by go-oidc;
// tenant, azp, nonce and auth_time here) and returns its claims.
func (d *idp) verify(ctx context.Context, raw string, a *attempt, now func() time.Time) (claims, error) {
	var c claims
	if raw == "" {
		return c, fail(CodeTokenInvalid, errors.New("token response has no id_token"))
	}
	cfg := &oidc.Config{ClientID: a.conf.ClientID, Now: now, SkipIssuerCheck: d.issuerTemplate != ""}
	tok, err := d.p.Verifier(cfg).Verify(ctx, raw)
	if err != nil {
		return c, fail(CodeTokenInvalid, err)
	}
	if err := tok.Claims(&c); err != nil {
		return c, fail(CodeTokenInvalid, err)
	}
	if err := d.checkClaims(c, tok, a); err != nil {
		return c, fail(CodeTokenInvalid, err)
	}
	if subtle.ConstantTimeCompare([]byte(c.Nonce), []byte(a.nonce)) != 1 {
		return c, fail(CodeNonceMismatch, errors.New("id_token nonce is not this sign-in's"))
	}
	return c, checkAuthTime(c, a)
}

// checkClaims does the checks go-oidc leaves to its caller.
func (d *idp) checkClaims(c claims, tok *oidc.IDToken, a *attempt) error {
	if d.issuerTemplate != "" {
		if c.TenantID == "" || strings.ContainsAny(c.TenantID, "/{}?#") {
			return fmt.Errorf("multi-tenant id_token has no usable tid (%.64q)", c.TenantID)
		}
		if want := strings.Replace(d.issuerTemplate, tenantPlaceholder, c.TenantID, 1); c.Issuer != want {
			return fmt.Errorf("id_token issuer %q is not its tenant's %q", c.Issuer, want)
		}
	}
	if c.Subject == "" {
		return errors.New("id_token has no sub")
	}
	// OpenID Connect Core 3.1.3.7: with several audiences, or an azp, the
	// token must have been issued to us.
	if (len(tok.Audience) > 1 || c.AZP != "") && c.AZP != a.conf.ClientID {
		return fmt.Errorf("id_token azp %q is not our client", c.AZP)
	}
	return nil
}

// checkAuthTime: a forced login (max_age=0) must have happened during this
// run (OpenID Connect Core 3.1.2.1). A provider that omits auth_time cannot
// be checked and is trusted to have honoured prompt=login.
func checkAuthTime(c claims, a *attempt) error {
	if !a.forced || c.AuthTime == nil {
		return nil
	}
	at := time.Unix(int64(*c.AuthTime), 0)
	if at.Before(a.started.Add(-clockSkew)) {
		return fail(CodeReauthRequired, fmt.Errorf("re-authentication asked for, but auth_time is %s", at.UTC().Format(time.RFC3339)))
	}
	return nil
}

// identity turns verified claims into an Identity. user is Apple's
// first-sign-in "user" JSON passed through the relay: it is not signed, so
// only the name is taken from it, never the email.
func (c claims) identity(provider, user string) Identity {
	id := Identity{
		Provider: provider, Subject: c.Subject,
		Email: c.Email, EmailVerified: bool(c.EmailVerified),
		GivenName: c.GivenName, FamilyName: c.FamilyName, Name: c.Name,
	}
	switch provider {
	case Microsoft:
		id.Email, id.EmailVerified = c.microsoftEmail()
	case Apple:
		if id.GivenName == "" && id.FamilyName == "" {
			id.GivenName, id.FamilyName = appleName(user)
		}
	}
	if id.Name == "" {
		id.Name = strings.TrimSpace(id.GivenName + " " + id.FamilyName)
	}
	return id
}

// microsoftEmail: Microsoft's email claim is optional and, by itself, not
// proof that the person owns the address (any tenant admin can set it).
// Only xms_edov (the tenant verified the domain) makes it verified.
// Without email, preferred_username stands in when it is an address.
func (c claims) microsoftEmail() (string, bool) {
	verified := bool(c.EmailDomainOwner) || bool(c.EmailVerified)
	if c.Email != "" {
		return c.Email, verified
	}
	if looksLikeEmail(c.PreferredUsername) {
		return c.PreferredUsername, verified
	}
	return "", false
}

func looksLikeEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// appleName reads {"name":{"firstName":..,"lastName":..}} from Apple's user JSON.
func appleName(user string) (given, family string) {
	if user == "" || len(user) > 4096 {
		return "", ""
	}
	var u struct {
		Name struct {
			FirstName string `json:"firstName"`
			LastName  string `json:"lastName"`
		} `json:"name"`
	}
	if json.Unmarshal([]byte(user), &u) != nil {
		return "", ""
	}
	return strings.TrimSpace(u.Name.FirstName), strings.TrimSpace(u.Name.LastName)
}

// flexBool reads a JSON boolean that some providers (Apple) send as a string.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := string(data)
	*b = flexBool(s == "true" || s == `"true"`)
	return nil
}
