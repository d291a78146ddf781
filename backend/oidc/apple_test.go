package oidc_test

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"admin-console/backend/oidc"
)

// appleAuthorize makes mockoidc's authorize endpoint behave like Apple's:
// it insists on response_mode=form_post, knows the "name" scope (mockoidc
// does not, so it is dropped before mockoidc sees it) and, with formPost,
// answers with an auto-submitting form carrying the code, the state and the
// first-sign-in user JSON, as Apple does. deny answers error= instead.
func appleAuthorize(formPost, deny bool, user string) func(http.Handler) http.Handler {
	return onPath(mockoidc.AuthorizationEndpoint, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		q := r.URL.Query()
		if q.Get("response_mode") != "form_post" {
			http.Error(w, "invalid_request: response_mode must be form_post", http.StatusBadRequest)
			return
		}
		q.Set("scope", strings.Join(slices.DeleteFunc(strings.Fields(q.Get("scope")), func(s string) bool { return s == "name" }), " "))
		r.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		to, err := url.Parse(rec.Header().Get("Location"))
		if rec.Code != http.StatusFound || err != nil {
			http.Error(w, rec.Body.String(), rec.Code)
			return
		}
		fields := to.Query()
		if deny {
			fields = url.Values{"error": {"user_cancelled_authorize"}, "state": {fields.Get("state")}}
		} else if user != "" {
			fields.Set("user", user)
		}
		if !formPost {
			to.RawQuery = fields.Encode()
			http.Redirect(w, r, to.String(), http.StatusFound)
			return
		}
		to.RawQuery = ""
		var page strings.Builder
		fmt.Fprintf(&page, `<html><body onload="document.forms[0].submit()"><form method="post" action="%s">`, html.EscapeString(to.String()))
		for k := range fields {
			fmt.Fprintf(&page, `<input type="hidden" name="%s" value="%s">`, html.EscapeString(k), html.EscapeString(fields.Get(k)))
		}
		page.WriteString(`</form></body></html>`)
		_, _ = w.Write([]byte(page.String()))
	})
}

// syncBuffer is a log sink the relay's server goroutines may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// appleSetup runs the relay (behind TLS, as Apple requires) and an Apple-like
// provider, and returns a Flow whose Apple goes through them.
func appleSetup(t *testing.T, mw func(http.Handler) http.Handler) (*oidc.Flow, *browser, *mockoidc.MockOIDC, *syncBuffer) {
	logs := &syncBuffer{}
	relay := httptest.NewTLSServer(oidc.NewRelay(slog.New(slog.NewTextHandler(logs, nil))))
	t.Cleanup(relay.Close)
	m := newMock(t, mw)
	b := newBrowserWith(t, relay.Client().Transport) // trusts the relay's certificate
	f := &oidc.Flow{
		Settings: oidc.Settings{Providers: map[string]oidc.ProviderSettings{oidc.Apple: {
			Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret, RelayURL: relay.URL + oidc.RelayPath,
		}}},
		HTTPClient:  relay.Client(),
		OpenBrowser: b.open,
		Page:        testPage,
	}
	return f, b, m, logs
}

var appleState = regexp.MustCompile(`^(\d+)\.[A-Za-z0-9_-]{43}$`)

func TestAppleThroughRelay(t *testing.T) {
	user := `{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"ada@privaterelay.appleid.com"}`
	for _, formPost := range []bool{true, false} {
		t.Run(fmt.Sprintf("form_post=%v", formPost), func(t *testing.T) {
			f, b, m, logs := appleSetup(t, appleAuthorize(formPost, false, user))
			m.QueueUser(&mockoidc.MockUser{Subject: "001234.abcdef", Email: "ada@privaterelay.appleid.com", EmailVerified: true})

			id, err := f.Run(b.ctx, oidc.Apple, oidc.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := oidc.Identity{Provider: oidc.Apple, Subject: "001234.abcdef", Email: "ada@privaterelay.appleid.com",
				EmailVerified: true, GivenName: "Ada", FamilyName: "Lovelace", Name: "Ada Lovelace"}
			if id != want {
				t.Fatalf("identity = %+v, want %+v", id, want)
			}
			v := b.next(t)
			checkPage(t, v, testPage().SuccessText)
			checkAppleRequest(t, f, v)
			for _, secret := range []string{v.callback.Query().Get("code"), v.callback.Query().Get("state"), "Lovelace"} {
				if strings.Contains(logs.String(), secret) {
					t.Fatalf("relay log shows %q:\n%s", secret, logs)
				}
			}
			if !strings.Contains(logs.String(), "relay: forwarding") {
				t.Fatalf("relay did not log the forward:\n%s", logs)
			}
		})
	}
}

func checkAppleRequest(t *testing.T, f *oidc.Flow, v visit) {
	t.Helper()
	checkAuthURL(t, visit{authURL: v.authURL}, f.Settings.Providers[oidc.Apple].ClientID)
	q := v.authURL.Query()
	if q.Get("redirect_uri") != f.Settings.Providers[oidc.Apple].RelayURL || q.Get("response_mode") != "form_post" {
		t.Errorf("Apple must redirect to the relay with form_post: %s", v.authURL)
	}
	if q.Get("scope") != "openid email name" {
		t.Errorf("scope = %q", q.Get("scope"))
	}
	m := appleState.FindStringSubmatch(q.Get("state"))
	if m == nil || "127.0.0.1:"+m[1] != v.callback.Host {
		t.Errorf("state %q does not name the loopback port of %s", q.Get("state"), v.callback)
	}
}

func TestAppleCancelledThroughRelay(t *testing.T) {
	f, b, _, _ := appleSetup(t, appleAuthorize(true, true, ""))
	_, err := f.Run(b.ctx, oidc.Apple, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeProviderDenied)
	checkPage(t, b.next(t), testPage().FailureText)
}

func TestAppleExpiredClientSecret(t *testing.T) {
	f, _, _, _ := appleSetup(t, appleAuthorize(true, false, ""))
	key := p8Key(t)
	old, err := oidc.AppleClientSecret(key, "TEAMID1234", "KEYID12345", "com.example.signin", time.Now().Add(-200*24*time.Hour), oidc.MaxAppleSecretValidity)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Settings.Providers[oidc.Apple]
	ps.ClientSecret = old
	f.Settings.Providers[oidc.Apple] = ps
	f.OpenBrowser = func(string) error { return errors.New("the browser must not open with an expired client secret") }
	_, err = f.Run(t.Context(), oidc.Apple, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeNotConfigured)
	if !strings.Contains(err.Error(), "expired") {
		t.Fatalf("cause: %v", err)
	}
}
