package oidc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"admin-console/backend/apperr"
)

// Provider IDs: the table names in the settings file and the value of
// Identity.Provider.
const (
	Google    = "google"
	Microsoft = "microsoft"
	Apple     = "apple"
)

// order is the fixed order providers are offered in.
var order = []string{Google, Microsoft, Apple}

// SettingsFile is the name of the settings file in the data directory, and
// SettingsEnv the environment variable that may point elsewhere.
const (
	SettingsFile = "sign-in-providers.toml"
	SettingsEnv  = "ADMIN_CONSOLE_SIGNIN_PROVIDERS"
)

// ProviderSettings is one provider's table in the settings file.
type ProviderSettings struct {
	Issuer       string   `toml:"issuer"`        // e.g. https://accounts.google.com
	ClientID     string   `toml:"client_id"`     // required
	ClientSecret string   `toml:"client_secret"` // optional; Apple: the client-secret JWT (required)
	Scopes       []string `toml:"scopes"`        // default openid email profile (Apple: openid email name)
	RelayURL     string   `toml:"relay_url"`     // Apple only, required there: HTTPS address of cmd/oidc-relay
}

// Settings is the parsed settings file: provider ID -> its settings.
type Settings struct{ Providers map[string]ProviderSettings }

// SettingsPath is where the desktop reads the settings from: the file named
// by $ADMIN_CONSOLE_SIGNIN_PROVIDERS, else sign-in-providers.toml in dataDir.
func SettingsPath(dataDir string) string {
	if p := os.Getenv(SettingsEnv); p != "" {
		return p
	}
	return filepath.Join(dataDir, SettingsFile)
}

// Enabled lists the configured providers in the fixed order google,
// microsoft, apple.
func (s Settings) Enabled() []string {
	var out []string
	for _, id := range order {
		if _, ok := s.Providers[id]; ok {
			out = append(out, id)
		}
	}
	return out
}

// file mirrors the TOML layout; pointers tell an absent table from an empty one.
type file struct {
	Google    *ProviderSettings `toml:"google"`
	Microsoft *ProviderSettings `toml:"microsoft"`
	Apple     *ProviderSettings `toml:"apple"`
}

// LoadSettings reads the settings file at path. A missing file means no
// provider is configured (empty Settings, nil). Anything else that is wrong
// — malformed TOML, an unknown table or key, a missing client ID, a bad URL —
// is a CodeSettingsInvalid error with params File and (when known) Line:
// a half-understood file must not silently disable or misroute a sign-in.
func LoadSettings(path string) (Settings, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, settingsError(path, 0, err)
	}
	return parseSettings(path, data)
}

func parseSettings(path string, data []byte) (Settings, error) {
	var f file
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		return Settings{}, settingsError(path, tomlLine(err), err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return Settings{}, unknownKey(path, data, u[0])
	}
	s := Settings{Providers: map[string]ProviderSettings{}}
	for id, p := range map[string]*ProviderSettings{Google: f.Google, Microsoft: f.Microsoft, Apple: f.Apple} {
		if p == nil {
			continue
		}
		if key, err := p.check(id); err != nil {
			return Settings{}, settingsError(path, keyLine(data, id, key), fmt.Errorf("[%s] %w", id, err))
		}
		s.Providers[id] = *p
	}
	return s, nil
}

// unknownKey reports the first key the file has but this package does not know.
func unknownKey(path string, data []byte, k toml.Key) error {
	if len(k) == 1 || !slices.Contains(order, k[0]) {
		return settingsError(path, keyLine(data, k[0], ""),
			fmt.Errorf("unknown provider %q (known: %s)", k[0], strings.Join(order, ", ")))
	}
	return settingsError(path, keyLine(data, k[0], k[1]), fmt.Errorf("unknown key %q", k.String()))
}

func settingsError(path string, line int, cause error) error {
	e := apperr.New(CodeSettingsInvalid).With("File", path)
	where := path
	if line > 0 {
		e = e.With("Line", line)
		where += ":" + strconv.Itoa(line)
	}
	return failWith(e, fmt.Errorf("%s: %w", where, cause))
}

// check validates one provider's settings and names the offending key.
func (p ProviderSettings) check(id string) (key string, err error) {
	if err := checkIssuer(p.Issuer); err != nil {
		return "issuer", err
	}
	if strings.TrimSpace(p.ClientID) == "" {
		return "client_id", errors.New("client_id is required")
	}
	if p.Scopes != nil && !slices.Contains(p.Scopes, "openid") {
		return "scopes", errors.New(`scopes must include "openid"`)
	}
	if id != Apple {
		if p.RelayURL != "" {
			return "relay_url", errors.New("relay_url is for apple only")
		}
		return "", nil
	}
	if strings.TrimSpace(p.ClientSecret) == "" {
		return "client_secret", errors.New("client_secret (the client-secret JWT) is required for apple")
	}
	if err := checkHTTPS(p.RelayURL); err != nil {
		return "relay_url", fmt.Errorf("relay_url: %w", err)
	}
	return "", nil
}

// checkIssuer accepts an absolute https URL, or http on a loopback host
// (a provider run locally for testing).
func checkIssuer(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("issuer %q is not an absolute URL without query", raw)
	}
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return fmt.Errorf("issuer %q must use https", raw)
}

func checkHTTPS(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an absolute https URL", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var tomlLineRE = regexp.MustCompile(`^toml: line (\d+)`)

// tomlLine finds the line of a TOML error: parse errors carry it, type
// errors only name it in their text.
func tomlLine(err error) int {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return pe.Position.Line
	}
	if m := tomlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// keyLine finds the line of "key = ..." in [table], or of "[table]" itself
// when key is "" or absent from it, for error messages; 0 when the file is
// laid out otherwise. TOML's decoder does not expose key positions.
func keyLine(data []byte, table, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	header, inTable := 0, false
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			inTable = strings.TrimSpace(strings.Trim(line, "[]")) == table
			if inTable && header == 0 {
				header = n
			}
			continue
		}
		if inTable && key != "" && strings.HasPrefix(line, key) {
			if rest := strings.TrimSpace(line[len(key):]); strings.HasPrefix(rest, "=") {
				return n
			}
		}
	}
	return header
}
