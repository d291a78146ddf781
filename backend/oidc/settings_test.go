package oidc_test

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"admin-console/backend/apperr"
	"admin-console/backend/oidc"
)

func writeSettings(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), oidc.SettingsFile)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSettingsMissingFile(t *testing.T) {
	s, err := oidc.LoadSettings(filepath.Join(t.TempDir(), "absent.toml"))
	if err != nil || len(s.Providers) != 0 || s.Enabled() != nil {
		t.Fatalf("missing file: %+v, %v", s, err)
	}
}

func TestLoadSettingsExample(t *testing.T) {
	// The documented example must be a file the app accepts.
	path := filepath.Join("..", "..", "docs", "sign-in-providers.example.toml")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	s, err := oidc.LoadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Enabled(); !slices.Equal(got, []string{oidc.Google, oidc.Microsoft, oidc.Apple}) {
		t.Fatalf("enabled = %v", got)
	}
}

func TestLoadSettingsGood(t *testing.T) {
	path := writeSettings(t, `
# Apple first in the file; still offered last.
[apple]
issuer = "https://appleid.apple.com"
client_id = "com.example.signin"
client_secret = "eyJ.eyJ.sig"
relay_url = "https://relay.example.com/apple/callback"

[google]
issuer = "https://accounts.google.com"
client_id = "123.apps.googleusercontent.com"
client_secret = "GOCSPX-not-so-secret"
scopes = ["openid", "email"]
`)
	s, err := oidc.LoadSettings(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Enabled(); !slices.Equal(got, []string{oidc.Google, oidc.Apple}) {
		t.Fatalf("enabled = %v", got)
	}
	want := oidc.ProviderSettings{Issuer: "https://accounts.google.com", ClientID: "123.apps.googleusercontent.com",
		ClientSecret: "GOCSPX-not-so-secret", Scopes: []string{"openid", "email"}}
	if !reflect.DeepEqual(s.Providers[oidc.Google], want) {
		t.Fatalf("google = %+v", s.Providers[oidc.Google])
	}
	if s.Providers[oidc.Apple].RelayURL != "https://relay.example.com/apple/callback" {
		t.Fatalf("apple = %+v", s.Providers[oidc.Apple])
	}
}

func TestLoadSettingsRefuses(t *testing.T) {
	const google = "[google]\nissuer = \"https://accounts.google.com\"\nclient_id = \"x\"\n"
	cases := []struct {
		name, content string
		line          int    // 0: no line expected
		detail        string // in the logged cause
	}{
		{"malformed", "[google]\nissuer = \"https://accounts.google.com\"\nclient_id = \n", 3, ""},
		{"unterminated table", "[google\n", 2, ""}, // TOML reports where it gave up
		{"wrong type", google + "scopes = \"openid\"\n", 4, "scopes"},
		{"unknown provider", google + "\n[github]\nclient_id = \"x\"\n", 5, "github"},
		{"unknown key", "[microsoft]\nissuer = \"https://login.microsoftonline.com/common/v2.0\"\nclientid = \"x\"\n", 3, "clientid"},
		{"top-level key", "issuer = \"https://accounts.google.com\"\n", 0, "issuer"},
		{"no client_id", "[google]\nissuer = \"https://accounts.google.com\"\n", 1, "client_id"},
		{"no issuer", "[google]\nclient_id = \"x\"\n", 1, "issuer"},
		{"http issuer", "[google]\nissuer = \"http://accounts.google.com\"\nclient_id = \"x\"\n", 2, "https"},
		{"relative issuer", "[google]\nissuer = \"accounts.google.com\"\nclient_id = \"x\"\n", 2, "issuer"},
		{"scopes without openid", google + "scopes = [\"email\"]\n", 4, "openid"},
		{"relay_url for google", google + "relay_url = \"https://relay.example.com/apple/callback\"\n", 4, "relay_url"},
		{"apple without relay", "[apple]\nissuer = \"https://appleid.apple.com\"\nclient_id = \"x\"\nclient_secret = \"j.w.t\"\n", 1, "relay_url"},
		{"apple relay over http", "[apple]\nissuer = \"https://appleid.apple.com\"\nclient_id = \"x\"\nclient_secret = \"j.w.t\"\nrelay_url = \"http://relay.example.com/apple/callback\"\n", 5, "https"},
		{"apple without secret", "[apple]\nissuer = \"https://appleid.apple.com\"\nclient_id = \"x\"\nrelay_url = \"https://relay.example.com/apple/callback\"\n", 1, "client_secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeSettings(t, tc.content)
			s, err := oidc.LoadSettings(path)
			wantCode(t, err, oidc.CodeSettingsInvalid)
			if len(s.Providers) != 0 {
				t.Errorf("a refused file still enables %v", s.Enabled())
			}
			e := apperr.As(err)
			if e.Params["File"] != path {
				t.Errorf("params %v do not name the file", e.Params)
			}
			if line, _ := e.Params["Line"].(int); line != tc.line {
				t.Errorf("line = %v, want %d (%v)", e.Params["Line"], tc.line, err)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("logged cause %q does not say where/what (%q)", err, tc.detail)
			}
		})
	}
}

func TestLoadSettingsLoopbackIssuer(t *testing.T) {
	// A provider run locally for testing may use plain http on loopback.
	path := writeSettings(t, "[google]\nissuer = \"http://127.0.0.1:5556/dex\"\nclient_id = \"x\"\n")
	if _, err := oidc.LoadSettings(path); err != nil {
		t.Fatal(err)
	}
}

func TestSettingsPath(t *testing.T) {
	t.Setenv(oidc.SettingsEnv, "")
	if got := oidc.SettingsPath("/data"); got != filepath.Join("/data", "sign-in-providers.toml") {
		t.Fatalf("default path %q", got)
	}
	t.Setenv(oidc.SettingsEnv, "/etc/ac/providers.toml")
	if got := oidc.SettingsPath("/data"); got != "/etc/ac/providers.toml" {
		t.Fatalf("env path %q", got)
	}
}

func FuzzLoadSettings(f *testing.F) {
	if example, err := os.ReadFile(filepath.Join("..", "..", "docs", "sign-in-providers.example.toml")); err == nil {
		f.Add(example)
	}
	f.Add([]byte("[google]\nissuer = \"https://accounts.google.com\"\nclient_id = \"x\"\n"))
	f.Add([]byte("[apple]\nissuer = \"https://appleid.apple.com\"\nclient_id = \"x\"\nclient_secret = \"a.b.c\"\nrelay_url = \"https://r.example/apple/callback\"\n"))
	f.Add([]byte("[google\nissuer = "))
	f.Add([]byte("[github]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeSettings(t, string(data))
		s, err := oidc.LoadSettings(path)
		if err != nil {
			if apperr.Code(err) != oidc.CodeSettingsInvalid || apperr.As(err).Params["File"] != path {
				t.Fatalf("uncoded or unplaced error: %v", err)
			}
			return
		}
		enabled := s.Enabled()
		if len(enabled) != len(s.Providers) {
			t.Fatalf("enabled %v, providers %v", enabled, s.Providers)
		}
		for i, id := range enabled {
			if i > 0 && slices.Index([]string{oidc.Google, oidc.Microsoft, oidc.Apple}, enabled[i-1]) >= slices.Index([]string{oidc.Google, oidc.Microsoft, oidc.Apple}, id) {
				t.Fatalf("order %v", enabled)
			}
			p := s.Providers[id]
			if u, err := url.Parse(p.Issuer); err != nil || u.Host == "" || strings.TrimSpace(p.ClientID) == "" {
				t.Fatalf("accepted %s: %+v", id, p)
			}
			if id == oidc.Apple && !strings.HasPrefix(p.RelayURL, "https://") {
				t.Fatalf("accepted apple relay %q", p.RelayURL)
			}
		}
	})
}
