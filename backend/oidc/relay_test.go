package oidc_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"admin-console/backend/oidc"
)

func relayRequest(t *testing.T, h http.Handler, method, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target+"?"+form.Encode(), nil)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestRelayForwardsToLoopback(t *testing.T) {
	logs := &syncBuffer{}
	h := oidc.NewRelay(slog.New(slog.NewJSONHandler(logs, nil)))
	form := url.Values{
		"code":  {"c0de-SECRET"},
		"state": {"49152.R4nd0m"},
		"user":  {`{"name":{"firstName":"Ada","lastName":"Lovelace"}}`},
		"evil":  {"dropped"},
	}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		rec := relayRequest(t, h, method, oidc.RelayPath, form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", method, rec.Code, rec.Body)
		}
		to, err := url.Parse(rec.Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		q := to.Query()
		if to.Scheme != "http" || to.Host != "127.0.0.1:49152" || to.Path != "/callback" ||
			q.Get("code") != "c0de-SECRET" || q.Get("state") != "49152.R4nd0m" || q.Get("user") != form.Get("user") || q.Has("evil") {
			t.Fatalf("%s: forwarded to %s", method, to)
		}
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: cacheable redirect", method)
		}
	}
	for _, secret := range []string{"c0de-SECRET", "R4nd0m", "Lovelace"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("log shows %q:\n%s", secret, logs)
		}
	}
}

func TestRelayRefuses(t *testing.T) {
	h := oidc.NewRelay(nil)
	for _, state := range []string{"", "abc", "1023.x", "65536.x", "01024.x", "1024.", "+1024.x", "1024x.y", "99999999999999999999.x", "٤٩١٥٢.x"} {
		rec := relayRequest(t, h, http.MethodPost, oidc.RelayPath, url.Values{"code": {"c"}, "state": {state}})
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" {
			t.Errorf("state %q: %d %q", state, rec.Code, rec.Header().Get("Location"))
		}
	}
	if rec := relayRequest(t, h, http.MethodPut, oidc.RelayPath, url.Values{"state": {"1024.x"}}); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", rec.Code)
	}
	if rec := relayRequest(t, h, http.MethodGet, "/elsewhere", url.Values{"state": {"1024.x"}}); rec.Code != http.StatusNotFound {
		t.Errorf("other path: %d", rec.Code)
	}
	big := url.Values{"state": {"1024.x"}, "user": {strings.Repeat("x", 100<<10)}}
	if rec := relayRequest(t, h, http.MethodPost, oidc.RelayPath, big); rec.Code != http.StatusBadRequest {
		t.Errorf("oversized body: %d", rec.Code)
	}
}

func FuzzStatePort(f *testing.F) {
	for _, s := range []string{"49152.abc", "1024.x", "65535.y", "0.x", "65536.x", "01024.x", "abc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, state string) {
		port, ok := oidc.StatePort(state)
		if !ok {
			return
		}
		if port < 1024 || port > 65535 || !strings.HasPrefix(state, strconv.Itoa(port)+".") || len(state) <= len(strconv.Itoa(port))+1 {
			t.Fatalf("StatePort(%q) = %d", state, port)
		}
	})
}
