package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"admin-console/backend/oidc"
)

const (
	tenantA = "9a1b2c3d-0000-4000-8000-00000000000a"
	tenantB = "9a1b2c3d-0000-4000-8000-00000000000b"
)

// signingKey is the fake provider's RSA key, made once for all tests.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeIdP is a hand-rolled OpenID provider shaped like Microsoft's: its
// issuer may be the multi-tenant template, and its tokens carry a tid.
type fakeIdP struct {
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	tenant   string // the path segment of the configured issuer: "common" or a tenant ID
	// claims edits the ID token's claims before signing.
	claims func(c map[string]any)

	mu       sync.Mutex
	sessions map[string]fakeSession // by code
}

type fakeSession struct{ nonce, challenge string }

func newFakeIdP(t *testing.T, tenant string, claims func(map[string]any)) *fakeIdP {
	t.Helper()
	p := &fakeIdP{key: signingKey(), clientID: "ms-client", tenant: tenant, claims: claims, sessions: map[string]fakeSession{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+tenant+"/v2.0/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /keys", p.keys)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// issuer is what the app is configured with.
func (p *fakeIdP) issuer() string { return p.srv.URL + "/" + p.tenant + "/v2.0" }

// tenantIssuer is a tenant's own issuer.
func (p *fakeIdP) tenantIssuer(tid string) string { return p.srv.URL + "/" + tid + "/v2.0" }

func (p *fakeIdP) discovery(w http.ResponseWriter, _ *http.Request) {
	iss := p.issuer()
	if p.tenant == "common" {
		iss = p.srv.URL + "/{tenantid}/v2.0"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                p.srv.URL + "/authorize",
		"token_endpoint":                        p.srv.URL + "/token",
		"jwks_uri":                              p.srv.URL + "/keys",
		"response_types_supported":              []string{"code"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
	})
}

func (p *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.clientID || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	code := rand.Text()
	p.mu.Lock()
	p.sessions[code] = fakeSession{nonce: q.Get("nonce"), challenge: q.Get("code_challenge")}
	p.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	to.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

func (p *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	s, ok := p.sessions[r.FormValue("code")]
	delete(p.sessions, r.FormValue("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
	if !ok || r.FormValue("client_id") != p.clientID || base64.RawURLEncoding.EncodeToString(sum[:]) != s.challenge {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	now := time.Now()
	c := map[string]any{
		"iss": p.tenantIssuer(tenantA), "tid": tenantA, "aud": p.clientID, "sub": "ms-subject",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(), "nonce": s.nonce,
		"name": "Grace Hopper", "preferred_username": "grace@contoso.example",
	}
	if p.claims != nil {
		p.claims(c)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": "opaque", "token_type": "Bearer", "expires_in": 3600, "id_token": p.sign(c),
	})
}

func (p *fakeIdP) sign(c map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: p.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		panic(err)
	}
	payload, _ := json.Marshal(c)
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	s, _ := jws.CompactSerialize()
	return s
}

func (p *fakeIdP) keys(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"},
	}})
}

// flowFor is a Flow whose provider is the fake: a public client (no secret).
func (p *fakeIdP) flowFor(provider string, b *browser) *oidc.Flow {
	return &oidc.Flow{
		Settings: oidc.Settings{Providers: map[string]oidc.ProviderSettings{
			provider: {Issuer: p.issuer(), ClientID: p.clientID},
		}},
		HTTPClient:  &http.Client{Transport: b.transport},
		OpenBrowser: b.open,
	}
}

func TestMicrosoftMultiTenant(t *testing.T) {
	cases := []struct {
		name   string
		claims func(map[string]any)
		want   oidc.Identity
		code   string
	}{
		{"email and verified domain", func(c map[string]any) { c["email"] = "grace@contoso.example"; c["xms_edov"] = true },
			oidc.Identity{Email: "grace@contoso.example", EmailVerified: true}, ""},
		{"email, domain not verified", func(c map[string]any) { c["email"] = "grace@contoso.example" },
			oidc.Identity{Email: "grace@contoso.example"}, ""},
		{"no email: preferred_username stands in, unverified", nil,
			oidc.Identity{Email: "grace@contoso.example"}, ""},
		{"no email: preferred_username stands in, xms_edov as a string", func(c map[string]any) { c["xms_edov"] = "true" },
			oidc.Identity{Email: "grace@contoso.example", EmailVerified: true}, ""},
		{"no email, preferred_username is no address", func(c map[string]any) { c["preferred_username"] = "+15551234567" },
			oidc.Identity{}, oidc.CodeEmailMissing},
		{"iss of another tenant than tid", func(c map[string]any) { c["tid"] = tenantB },
			oidc.Identity{}, oidc.CodeTokenInvalid},
		{"no tid", func(c map[string]any) { delete(c, "tid") },
			oidc.Identity{}, oidc.CodeTokenInvalid},
		{"iss is the template itself", func(c map[string]any) {
			c["tid"], c["iss"] = "{tenantid}", strings.Replace(c["iss"].(string), tenantA, "{tenantid}", 1)
		},
			oidc.Identity{}, oidc.CodeTokenInvalid},
		{"another audience", func(c map[string]any) { c["aud"] = "someone-else" },
			oidc.Identity{}, oidc.CodeTokenInvalid},
		{"azp of another client", func(c map[string]any) { c["aud"] = []string{"ms-client", "other"}; c["azp"] = "other" },
			oidc.Identity{}, oidc.CodeTokenInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newFakeIdP(t, "common", tc.claims)
			b := newBrowser(t)
			id, err := p.flowFor(oidc.Microsoft, b).Run(b.ctx, oidc.Microsoft, oidc.RunOptions{})
			b.next(t)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Provider, tc.want.Subject, tc.want.Name = oidc.Microsoft, "ms-subject", "Grace Hopper"
			if id != tc.want {
				t.Fatalf("identity = %+v, want %+v", id, tc.want)
			}
		})
	}
}

func TestMicrosoftSingleTenant(t *testing.T) {
	// A tenant's own issuer is checked as it is, with no template.
	p := newFakeIdP(t, tenantA, func(c map[string]any) { c["email"] = "grace@contoso.example" })
	b := newBrowser(t)
	if _, err := p.flowFor(oidc.Microsoft, b).Run(b.ctx, oidc.Microsoft, oidc.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	b.next(t)

	// A token of another tenant, even with a matching tid, is refused.
	other := func(c map[string]any) { c["iss"], c["tid"] = p.tenantIssuer(tenantB), tenantB }
	p = newFakeIdP(t, tenantA, other)
	b = newBrowser(t)
	_, err := p.flowFor(oidc.Microsoft, b).Run(b.ctx, oidc.Microsoft, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeTokenInvalid)
	b.next(t)
}

func TestTemplatedIssuerOnlyForMicrosoftMultiTenant(t *testing.T) {
	// Google configured with a multi-tenant-looking issuer: go-oidc's strict
	// issuer check applies, so discovery fails.
	p := newFakeIdP(t, "common", nil)
	b := newBrowser(t)
	_, err := p.flowFor(oidc.Google, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeProviderUnreachable)
}

func TestForceLoginChecksAuthTime(t *testing.T) {
	for _, tc := range []struct {
		name     string
		authTime time.Duration // before now
		code     string
	}{
		{"fresh login", 0, ""},
		{"session from yesterday", 24 * time.Hour, oidc.CodeReauthRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFakeIdP(t, tenantA, func(c map[string]any) {
				c["email"] = "grace@contoso.example"
				c["auth_time"] = time.Now().Add(-tc.authTime).Unix()
			})
			b := newBrowser(t)
			_, err := p.flowFor(oidc.Microsoft, b).Run(b.ctx, oidc.Microsoft, oidc.RunOptions{ForceLogin: true})
			b.next(t)
			if tc.code == "" && err != nil {
				t.Fatal(err)
			}
			if tc.code != "" {
				wantCode(t, err, tc.code)
			}
		})
	}
}

func TestEmailVerifiedAsString(t *testing.T) {
	// Apple sends email_verified as "true" or "false" (strings).
	for _, v := range []string{"true", "false"} {
		p := newFakeIdP(t, tenantA, func(c map[string]any) {
			c["email"], c["email_verified"] = "ada@example.com", v
		})
		b := newBrowser(t)
		id, err := p.flowFor(oidc.Google, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
		b.next(t)
		if err != nil {
			t.Fatal(err)
		}
		if id.EmailVerified != (v == "true") || !strings.Contains(id.Email, "@") {
			t.Fatalf("email_verified %q read as %+v", v, id)
		}
	}
}
