package oidc_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"admin-console/backend/apperr"
	"admin-console/backend/oidc"
)

// newMock starts a real OpenID provider (mockoidc) on the loopback interface.
func newMock(t *testing.T, mws ...func(http.Handler) http.Handler) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, mw := range mws {
		if err := m.AddMiddleware(mw); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// onPath is a mockoidc middleware that runs h for requests to path and
// passes the others on.
func onPath(path string, h func(w http.ResponseWriter, r *http.Request, next http.Handler)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				next.ServeHTTP(w, r)
				return
			}
			h(w, r, next)
		})
	}
}

// testPage is a localized callback page (Arabic: right to left).
func testPage() oidc.CallbackPage {
	return oidc.CallbackPage{Lang: "ar", Dir: "rtl", Title: "وحدة تحكم المسؤول",
		SuccessText: "SUCCESS-تم تسجيل الدخول", FailureText: "FAILURE-لم يكتمل تسجيل الدخول"}
}

// googleFlow is a Flow whose Google is the mock provider.
func googleFlow(m *mockoidc.MockOIDC, b *browser) *oidc.Flow {
	return &oidc.Flow{
		Settings: oidc.Settings{Providers: map[string]oidc.ProviderSettings{
			oidc.Google: {Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret},
		}},
		HTTPClient:  &http.Client{Transport: b.transport},
		OpenBrowser: b.open,
		Page:        testPage,
	}
}

// browser stands in for the system browser: it follows the provider's
// redirects itself (its client never follows one) so a test can rewrite the
// authorize request or tamper with the callback before the app sees it.
type browser struct {
	transport http.RoundTripper
	client    *http.Client
	// authorize may rewrite the authorize request before the provider sees it.
	authorize func(u *url.URL)
	// callback may tamper with the redirect to the app; false keeps it back.
	callback func(u *url.URL) bool
	visits   chan visit
	// ctx is for Run: the browser cancels it when it fails, so that a broken
	// flow fails the test at once instead of waiting for the Flow's timeout.
	ctx    context.Context
	cancel context.CancelFunc
}

// visit is what the browser saw.
type visit struct {
	authURL  *url.URL // as the app asked for it
	callback *url.URL // as delivered to the app (or kept back)
	status   int      // of the app's page
	header   http.Header
	page     string
	err      error
}

func newBrowser(t *testing.T) *browser {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return newBrowserWith(t, tr)
}

func newBrowserWith(t *testing.T, tr http.RoundTripper) *browser {
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	return &browser{
		ctx: ctx, cancel: cancel,
		transport: tr,
		client: &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		visits: make(chan visit, 1),
	}
}

// open is the Flow's OpenBrowser: like a real browser, it returns at once.
func (b *browser) open(raw string) error {
	go func() {
		v := b.visit(raw)
		if v.err != nil {
			b.cancel()
		}
		b.visits <- v
	}()
	return nil
}

// next waits for the browser to be done.
func (b *browser) next(t *testing.T) visit {
	t.Helper()
	v := <-b.visits
	if v.err != nil {
		t.Fatalf("browser: %v", v.err)
	}
	return v
}

func isAppCallback(u *url.URL) bool {
	return u.Scheme == "http" && strings.HasPrefix(u.Host, "127.0.0.1:") && u.Path == "/callback"
}

func (b *browser) visit(raw string) (v visit) {
	u, err := url.Parse(raw)
	if err != nil {
		v.err = err
		return v
	}
	v.authURL = cloneURL(u)
	if b.authorize != nil {
		b.authorize(u)
	}
	method, form := http.MethodGet, url.Values(nil)
	for range 10 {
		if isAppCallback(u) {
			return b.deliver(v, u)
		}
		resp, err := b.do(method, u, form)
		if err != nil {
			v.err = err
			return v
		}
		method, form = http.MethodGet, nil
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			u, err = resp.Location()
		case resp.StatusCode == http.StatusOK:
			u, form, err = formPost(resp.body)
			method = http.MethodPost
		default:
			err = fmt.Errorf("%s %s: %d %s", method, u, resp.StatusCode, resp.body)
		}
		if err != nil {
			v.err = err
			return v
		}
	}
	v.err = errors.New("too many redirects")
	return v
}

// deliver follows the redirect to the app's loopback address.
func (b *browser) deliver(v visit, u *url.URL) visit {
	keep := b.callback == nil || b.callback(u)
	v.callback = cloneURL(u)
	if !keep {
		return v
	}
	resp, err := b.do(http.MethodGet, u, nil)
	if err != nil {
		v.err = err
		return v
	}
	v.status, v.header, v.page = resp.StatusCode, resp.Header, resp.body
	return v
}

type response struct {
	*http.Response
	body string
}

func (b *browser) do(method string, u *url.URL, form url.Values) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		return response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return response{resp, string(data)}, err
}

var (
	formRE  = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formPost reads an auto-submitting form_post page (see appleFormPost).
func formPost(page string) (*url.URL, url.Values, error) {
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return nil, nil, fmt.Errorf("200 without a form: %s", page)
	}
	action, err := url.Parse(html.UnescapeString(m[1]))
	form := url.Values{}
	for _, in := range inputRE.FindAllStringSubmatch(page, -1) {
		form.Set(in[1], html.UnescapeString(in[2]))
	}
	return action, form, err
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	return &c
}

// run starts f.Run on a goroutine; the result arrives on the channel.
func run(ctx context.Context, f *oidc.Flow, provider string, o oidc.RunOptions) <-chan result {
	ch := make(chan result, 1)
	go func() {
		id, err := f.Run(ctx, provider, o)
		ch <- result{id, err}
	}()
	return ch
}

type result struct {
	id  oidc.Identity
	err error
}

// wantCode fails unless err carries the coded error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apperr.Code(err); got != code {
		t.Fatalf("got %s (%v), want %s", got, err, code)
	}
}

// wantClosed checks that nothing listens on the app's loopback port any more.
func wantClosed(t *testing.T, callback *url.URL) {
	t.Helper()
	c, err := net.DialTimeout("tcp4", callback.Host, time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after Run returned", callback.Host)
	}
}
