package oidc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/oauth2-proxy/mockoidc"

	"admin-console/backend/apperr"
	"admin-console/backend/oidc"
)

var base64url = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// checkAuthURL checks what every authorize request must carry.
func checkAuthURL(t *testing.T, v visit, clientID string) {
	t.Helper()
	q := v.authURL.Query()
	if strings.Contains(v.authURL.String(), "~") {
		t.Errorf("auth URL has a bare ~ (Wails refuses to open it): %s", v.authURL)
	}
	if q.Get("response_type") != "code" || q.Get("client_id") != clientID {
		t.Errorf("response_type/client_id: %s", v.authURL)
	}
	if got := q.Get("code_challenge_method"); got != "S256" {
		t.Errorf("code_challenge_method = %q, want S256", got)
	}
	if c := q.Get("code_challenge"); len(c) != 43 || !base64url.MatchString(c) {
		t.Errorf("code_challenge %q is not a base64url SHA-256", c)
	}
	// 128 bits are 22 base64url characters.
	if s := q.Get("state"); len(s) < 22 {
		t.Errorf("state %q is shorter than 128 bits", s)
	}
	if n := q.Get("nonce"); len(n) < 22 || n == q.Get("state") {
		t.Errorf("nonce %q is short or equals the state", n)
	}
	if v.callback != nil && q.Get("redirect_uri") != "http://"+v.callback.Host+"/callback" {
		t.Errorf("redirect_uri %q, callback went to %s", q.Get("redirect_uri"), v.callback)
	}
}

func TestRunSignsIn(t *testing.T) {
	m := newMock(t)
	m.QueueUser(&mockoidc.MockUser{Subject: "user-42", Email: "ada@example.com", EmailVerified: true})
	b := newBrowser(t)

	id, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := oidc.Identity{Provider: oidc.Google, Subject: "user-42", Email: "ada@example.com", EmailVerified: true}
	if id != want {
		t.Fatalf("identity = %+v, want %+v", id, want)
	}
	v := b.next(t)
	checkAuthURL(t, v, m.ClientID)
	if q := v.authURL.Query(); q.Get("scope") != "openid email profile" || q.Has("prompt") || q.Has("max_age") {
		t.Errorf("scope/prompt: %s", v.authURL)
	}
	if !strings.HasPrefix(v.callback.Host, "127.0.0.1:") || v.callback.Host == "127.0.0.1:0" {
		t.Errorf("callback host %q is not an IPv4 loopback port", v.callback.Host)
	}
	checkPage(t, v, testPage().SuccessText)
	wantClosed(t, v.callback)
}

// checkPage checks the page the browser shows after the redirect.
func checkPage(t *testing.T, v visit, text string) {
	t.Helper()
	if v.status != http.StatusOK || !strings.Contains(v.page, text) {
		t.Errorf("page %d does not say %q:\n%s", v.status, text, v.page)
	}
	if got := v.header.Get("Content-Security-Policy"); got != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("CSP = %q", got)
	}
	if !strings.Contains(v.page, `<html lang="ar" dir="rtl">`) {
		t.Errorf("page has no lang/dir attributes:\n%s", v.page)
	}
	for _, ext := range []string{"src=", "href=", "<script", "@import", "url("} {
		if strings.Contains(v.page, ext) {
			t.Errorf("page loads something (%s):\n%s", ext, v.page)
		}
	}
}

func TestAuthURLOptions(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	hint := "ada~lovelace@example.com"
	if _, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{ForceLogin: true, LoginHint: hint}); err != nil {
		t.Fatal(err)
	}
	v := b.next(t)
	checkAuthURL(t, v, m.ClientID)
	q := v.authURL.Query()
	if q.Get("prompt") != "login" || q.Get("max_age") != "0" || q.Get("login_hint") != hint {
		t.Errorf("re-authentication parameters missing: %s", v.authURL)
	}
}

func TestWrongStateIsRefused(t *testing.T) {
	var tokenCalls atomic.Int32
	m := newMock(t, onPath(mockoidc.TokenEndpoint, func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		tokenCalls.Add(1)
		next.ServeHTTP(w, r)
	}))
	b := newBrowser(t)
	var genuine *url.URL
	b.callback = func(u *url.URL) bool {
		genuine = cloneURL(u)
		q := u.Query()
		q.Set("state", "forged-state-forged-state-forged")
		u.RawQuery = q.Encode()
		return true
	}
	_, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeStateMismatch)
	v := b.next(t)
	checkPage(t, v, testPage().FailureText)

	// The genuine callback, arriving afterwards, finds nobody listening.
	if resp, err := b.client.Get(genuine.String()); err == nil {
		resp.Body.Close()
		t.Fatalf("genuine callback after a forged one: %d, want no listener", resp.StatusCode)
	}
	if n := tokenCalls.Load(); n != 0 {
		t.Fatalf("%d token requests after a forged state, want none", n)
	}
}

// roundTripFunc lets a test sit between the Flow and the provider.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestOnlyFirstCallbackCounts(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	var before []int
	delivered := make(chan *url.URL, 1)
	b.callback = func(u *url.URL) bool {
		// Requests that are not the provider's redirect are turned away and
		// leave the sign-in waiting: another path, another Host name (DNS
		// rebinding), another method.
		before = append(before,
			status(t, b, http.MethodGet, "http://"+u.Host+"/other?"+u.RawQuery, ""),
			status(t, b, http.MethodGet, u.String(), "localhost:"+u.Port()),
			status(t, b, http.MethodPost, u.String(), ""))
		delivered <- cloneURL(u)
		return true
	}
	f := googleFlow(m, b)
	// While the app exchanges the code, the same callback comes again.
	replay := 0
	f.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		select {
		case cb := <-delivered:
			replay = status(t, b, http.MethodGet, cb.String(), "")
		default: // (only when a request above was taken for the callback)
		}
		return b.transport.RoundTrip(r)
	})}
	if _, err := f.Run(b.ctx, oidc.Google, oidc.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	checkPage(t, b.next(t), testPage().SuccessText)
	if want := []int{404, 404, 405}; !slices.Equal(before, want) || replay != 404 {
		t.Fatalf("before the callback: %v, want %v; replayed callback: %d, want 404", before, want, replay)
	}
}

// status sends one request to the app's loopback address. The deadline only
// matters when the code under test is broken and the request would hang.
func status(t *testing.T, b *browser, method, u, host string) int {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Host = host
	resp, err := b.client.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWrongNonceIsRefused(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	b.authorize = func(u *url.URL) { // before the provider sees it
		q := u.Query()
		q.Set("nonce", "a-nonce-of-another-sign-in")
		u.RawQuery = q.Encode()
	}
	_, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeNonceMismatch)
	checkPage(t, b.next(t), testPage().FailureText)
}

func TestCodeIsUselessWithoutVerifier(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	b.callback = func(*url.URL) bool { return false } // intercepted: never reaches the app
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	res := run(ctx, googleFlow(m, b), oidc.Google, oidc.RunOptions{})

	v := b.next(t)
	checkAuthURL(t, v, m.ClientID)
	resp, err := http.PostForm(m.TokenEndpoint(), url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {v.callback.Query().Get("code")},
		"redirect_uri":  {v.authURL.Query().Get("redirect_uri")},
		"client_id":     {m.ClientID},
		"client_secret": {m.ClientSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || !strings.Contains(string(body), "invalid_grant") {
		t.Fatalf("code without verifier: %d %s, want invalid_grant", resp.StatusCode, body)
	}
	cancel()
	wantCode(t, (<-res).err, oidc.CodeCancelled)
}

func TestExpiredIDTokenIsRefused(t *testing.T) {
	m := newMock(t) // ID tokens live 10 minutes
	b := newBrowser(t)
	f := googleFlow(m, b)
	f.Now = func() time.Time { return time.Now().Add(time.Hour) }
	_, err := f.Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeTokenInvalid)
	var expired *gooidc.TokenExpiredError
	if !errors.As(err, &expired) {
		t.Fatalf("cause is not expiry: %v", err)
	}
	checkPage(t, b.next(t), testPage().FailureText)
}

func TestTamperedSignatureIsRefused(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	f := googleFlow(m, b)
	f.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := b.transport.RoundTrip(r)
		if err != nil || r.URL.Path != mockoidc.TokenEndpoint {
			return resp, err
		}
		return tamperIDToken(t, resp), nil
	})}
	_, err := f.Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeTokenInvalid)
	if !strings.Contains(err.Error(), "signature") {
		t.Fatalf("cause is not the signature: %v", err)
	}
	b.next(t)
}

// tamperIDToken flips one character in the middle of the ID token's signature.
func tamperIDToken(t *testing.T, resp *http.Response) *http.Response {
	var body map[string]any
	err := json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil {
		t.Error(err)
	}
	parts := strings.Split(body["id_token"].(string), ".")
	sig := []byte(parts[2])
	i := len(sig) / 2
	sig[i] = map[bool]byte{true: 'B', false: 'A'}[sig[i] == 'A']
	parts[2] = string(sig)
	body["id_token"] = strings.Join(parts, ".")
	data, _ := json.Marshal(body)
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Del("Content-Length")
	return resp
}

func TestProviderDenied(t *testing.T) {
	// The person clicks "Cancel" at the provider: it redirects with error=.
	m := newMock(t, onPath(mockoidc.AuthorizationEndpoint, func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		to, _ := url.Parse(r.URL.Query().Get("redirect_uri"))
		to.RawQuery = url.Values{"error": {"access_denied"}, "state": {r.URL.Query().Get("state")}}.Encode()
		http.Redirect(w, r, to.String(), http.StatusFound)
	}))
	b := newBrowser(t)
	_, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeProviderDenied)
	checkPage(t, b.next(t), testPage().FailureText)
}

func TestCancelled(t *testing.T) {
	m := newMock(t)
	f := googleFlow(m, newBrowser(t))
	ctx, cancel := context.WithCancel(t.Context())
	f.OpenBrowser = func(string) error { cancel(); return nil } // the person clicks Cancel in the app
	_, err := f.Run(ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeCancelled)
}

func TestTimeout(t *testing.T) {
	m := newMock(t)
	f := googleFlow(m, newBrowser(t))
	f.OpenBrowser = func(string) error { return nil } // the browser never comes back
	f.Timeout = time.Millisecond
	_, err := f.Run(t.Context(), oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeTimeout)
}

func TestBrowserFailed(t *testing.T) {
	m := newMock(t)
	f := googleFlow(m, newBrowser(t))
	f.OpenBrowser = func(string) error { return errors.New("xdg-open: not found") }
	_, err := f.Run(t.Context(), oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeBrowserFailed)
	// The UI gets the code only; the log gets the cause.
	if e := apperr.As(err); len(e.Params) != 0 || !strings.Contains(err.Error(), "xdg-open") {
		t.Fatalf("coded %+v, logged %q", e, err)
	}
}

func TestNotConfigured(t *testing.T) {
	m := newMock(t)
	f := googleFlow(m, newBrowser(t))
	for _, p := range []string{oidc.Microsoft, oidc.Apple, "github", ""} {
		_, err := f.Run(t.Context(), p, oidc.RunOptions{})
		wantCode(t, err, oidc.CodeNotConfigured)
	}
	f.Settings.Providers[oidc.Apple] = oidc.ProviderSettings{Issuer: m.Issuer(), ClientID: "x", ClientSecret: "y"} // no relay
	_, err := f.Run(t.Context(), oidc.Apple, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeNotConfigured)
}

func TestProviderUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	b := newBrowser(t)
	f := &oidc.Flow{
		Settings:    oidc.Settings{Providers: map[string]oidc.ProviderSettings{oidc.Google: {Issuer: "http://" + addr, ClientID: "x"}}},
		OpenBrowser: b.open,
	}
	_, err = f.Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeProviderUnreachable)
}

func TestExchangeFailed(t *testing.T) {
	m := newMock(t)
	b := newBrowser(t)
	f := googleFlow(m, b)
	ps := f.Settings.Providers[oidc.Google]
	ps.ClientSecret = "not-the-secret"
	f.Settings.Providers[oidc.Google] = ps
	_, err := f.Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeExchangeFailed)
	checkPage(t, b.next(t), testPage().FailureText)
}

func TestEmailMissing(t *testing.T) {
	m := newMock(t)
	m.QueueUser(&mockoidc.MockUser{Subject: "no-mail"})
	b := newBrowser(t)
	_, err := googleFlow(m, b).Run(b.ctx, oidc.Google, oidc.RunOptions{})
	wantCode(t, err, oidc.CodeEmailMissing)
	b.next(t)
}
