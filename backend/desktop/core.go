// Package desktop holds the services the Wails window binds: thin adapters
// that take the signed-in session, call the domain packages and return plain
// DTOs and coded errors. It does not import Wails; app.go wires it in.
package desktop

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"admin-console/backend/account"
	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/billing"
	"admin-console/backend/capture"
	"admin-console/backend/demo"
	"admin-console/backend/i18n"
	"admin-console/backend/oidc"
	"admin-console/backend/org"
	"admin-console/backend/portability"
	"admin-console/backend/privacy"
	"admin-console/backend/secrets"
	"admin-console/backend/store"
	"admin-console/backend/workspace"
)

// Events lets the services tell the window about changes it did not ask for
// (a language picked in the native menu, a sign-out from the menu).
type Events interface {
	Emit(name string, data ...any)
}

// Event names the frontend listens to.
const (
	EventLanguageChanged = "language:changed"
	EventSignedOut       = "session:signed-out"
)

type noEvents struct{}

func (noEvents) Emit(string, ...any) {}

// Core is what every service shares: the store, the domains, the keychain and
// the signed-in session, whose token lives only in memory and, when the user
// asked to stay signed in, in the OS keychain.
type Core struct {
	DB         *store.DB
	Bundle     *i18n.Bundle
	Keychain   secrets.Keychain
	Accounts   *account.Service
	Orgs       *org.Service
	Workspaces *workspace.Service
	Billing    *billing.Service
	Privacy    *privacy.Service
	Capture    *capture.Service
	Export     *portability.Service
	Audit      *audit.Log
	Log        *slog.Logger

	installID string
	osLocales []string

	// SignIn runs social sign-in in the system browser.
	SignIn *oidc.Flow

	mu             sync.Mutex
	token          string
	pending        pendingSignIn      // a sign-in waiting for its second factor
	cancelProvider context.CancelFunc // the provider sign-in waiting for the browser, if any
	browser        func(url string) error
	events         Events
	onLanguage     func(lang string)
	keychainFailed bool
	dialogs        Dialogs
}

// Options configure Open.
type Options struct {
	DataDir   string
	Keychain  secrets.Keychain
	OSLocales []string // the OS's preferred locales, most preferred first
	Log       *slog.Logger
	// SignInProviders is the provider settings file; empty means
	// oidc.SettingsPath(DataDir).
	SignInProviders string
}

// DBFile is the database's file name inside the data directory.
const DBFile = "admin-console.db"

// Open opens the data directory (creating it), the database and the audit
// key, ready to be bound.
func Open(ctx context.Context, o Options) (*Core, error) {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := store.Open(ctx, filepath.Join(o.DataDir, DBFile))
	if err != nil {
		return nil, err
	}
	bundle, err := i18n.Load()
	if err != nil {
		db.Close()
		return nil, err
	}
	c := &Core{DB: db, Bundle: bundle, Keychain: o.Keychain, Log: o.Log, osLocales: o.OSLocales, events: noEvents{}}
	if c.installID, err = c.settingOrInit(ctx, "install_id", randomHex); err != nil {
		db.Close()
		return nil, err
	}
	key, err := secrets.LoadOrCreateKey(o.Keychain, c.keyAccount("audit-key"))
	if err != nil {
		// The app still works; the audit chain grows but its head stays
		// unauthenticated until a keychain answers, and verify-audit says so.
		o.Log.Warn("audit key unavailable; audit head will not be authenticated", "err", err)
		c.keychainFailed = true
		key = nil
	}
	c.Audit = audit.New(key)
	c.Accounts = &account.Service{DB: db, Audit: c.Audit, Defaults: defaults{bundle}, Sealer: c.openSealer(o)}
	c.SignIn = c.newSignInFlow(o)
	recentAuth := func(ctx context.Context, q org.Querier, a org.Actor) error {
		return c.Accounts.RequireRecentAuth(ctx, q, account.Actor{UserID: a.UserID, OrgID: a.OrgID, SessionID: a.SessionID})
	}
	c.Orgs = &org.Service{DB: db, Audit: c.Audit, RecentAuth: recentAuth}
	c.Billing = &billing.Service{DB: db, Audit: c.Audit, RecentAuth: recentAuth}
	c.Workspaces = &workspace.Service{DB: db, Audit: c.Audit, RecentAuth: recentAuth}
	c.Privacy = &privacy.Service{DB: db, Audit: c.Audit}
	c.Capture = &capture.Service{DB: db, Audit: c.Audit, ExportDir: filepath.Join(o.DataDir, "exports"),
		OnJob: c.captureJobChanged}
	c.Billing.Capture = c.captureCalls // captured calls enter with their usage (capture_service.go)
	c.Export = &portability.Service{DB: db, Audit: c.Audit}
	return c, nil
}

// openSealer loads the data key that seals TOTP secrets; without a keychain
// MFA cannot be set up (the screens say so) but everything else works.
func (c *Core) openSealer(o Options) *secrets.Sealer {
	key, err := secrets.LoadOrCreateKey(o.Keychain, c.keyAccount("data-key"))
	if err == nil {
		var s *secrets.Sealer
		if s, err = secrets.NewSealer(key); err == nil {
			return s
		}
	}
	o.Log.Warn("data key unavailable; multi-factor authentication cannot be used", "err", err)
	return nil
}

// newSignInFlow reads the provider settings file. A broken file is logged
// and leaves social sign-in off rather than stopping the app.
func (c *Core) newSignInFlow(o Options) *oidc.Flow {
	path := o.SignInProviders
	if path == "" {
		path = oidc.SettingsPath(o.DataDir)
	}
	settings, err := oidc.LoadSettings(path)
	if err != nil {
		o.Log.Error("sign-in provider settings ignored", "file", path, "err", err)
		settings = oidc.Settings{}
	}
	return &oidc.Flow{Settings: settings, Page: c.callbackPage, OpenBrowser: c.openBrowser}
}

// Close releases the database.
func (c *Core) Close() error { return c.DB.Close() }

// SetEvents connects the window once it exists.
func (c *Core) SetEvents(e Events, onLanguage func(lang string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events, c.onLanguage = e, onLanguage
}

func (c *Core) keyAccount(kind string) string { return kind + ":" + c.installID }

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// setting reads a device setting; ok is false when it was never set.
func (c *Core) setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = c.DB.QueryRowContext(ctx, `SELECT value FROM app_settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// settingOrInit reads a device setting, storing def() the first time.
func (c *Core) settingOrInit(ctx context.Context, key string, def func() string) (string, error) {
	if v, ok, err := c.setting(ctx, key); ok || err != nil {
		return v, err
	}
	if err := c.putSetting(ctx, key, def()); err != nil {
		return "", err
	}
	v, _, err := c.setting(ctx, key)
	return v, err
}

func (c *Core) putSetting(ctx context.Context, key, value string) error {
	_, err := c.DB.ExecContext(ctx, `INSERT INTO app_settings(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// RestoreSession signs in with the token kept in the keychain, if any; a
// token that no longer works is removed from the keychain.
func (c *Core) RestoreSession(ctx context.Context) {
	token, err := c.Keychain.Get(c.keyAccount("session"))
	if err != nil {
		if !errors.Is(err, secrets.ErrNotFound) {
			c.Log.Warn("keychain unavailable; cannot restore session", "err", err)
			c.setKeychainFailed(true)
		}
		return
	}
	if _, err := c.Accounts.Authenticate(ctx, token); err != nil {
		_ = c.Keychain.Delete(c.keyAccount("session"))
		return
	}
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
}

func (c *Core) setKeychainFailed(v bool) {
	c.mu.Lock()
	c.keychainFailed = v
	c.mu.Unlock()
}

// current returns the signed-in user, or a coded error when nobody is or
// when the organization's policy wants them to enrol in MFA first: until
// then, only the calls that use session (state, enrolment, sign-out,
// language) work.
func (c *Core) current(ctx context.Context) (account.User, error) {
	u, err := c.session(ctx)
	if err == nil && u.MustEnrollMFA {
		return account.User{}, apperr.New("mfa.enrollment_required")
	}
	return u, err
}

// session returns the signed-in user, policy or not.
func (c *Core) session(ctx context.Context) (account.User, error) {
	c.mu.Lock()
	token := c.token
	c.mu.Unlock()
	if token == "" {
		return account.User{}, apperr.New("auth.session_expired")
	}
	u, err := c.Accounts.Authenticate(ctx, token)
	if err != nil {
		c.forget()
	}
	return u, err
}

// actor returns the signed-in user as the actor of organization and
// workspace calls.
func (c *Core) actor(ctx context.Context) (org.Actor, account.User, error) {
	u, err := c.current(ctx)
	if err != nil {
		return org.Actor{}, account.User{}, err
	}
	return org.Actor{UserID: u.ID, OrgID: u.OrgID, SessionID: u.SessionID}, u, nil
}

// adopt makes a new session current, keeping it in the keychain when asked.
func (c *Core) adopt(token string, keep bool) {
	c.mu.Lock()
	c.token = token
	c.mu.Unlock()
	account := c.keyAccount("session")
	if !keep {
		_ = c.Keychain.Delete(account)
		return
	}
	if err := c.Keychain.Set(account, token); err != nil {
		c.Log.Warn("keychain unavailable; session kept in memory only", "err", err)
		c.setKeychainFailed(true)
		return
	}
	c.setKeychainFailed(false)
}

// forget drops the session from memory and the keychain.
func (c *Core) forget() {
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
	_ = c.Keychain.Delete(c.keyAccount("session"))
}

// fail turns any error into a coded one for the UI, logging what is internal.
func (c *Core) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	e := apperr.As(err)
	if e.Code == apperr.Internal {
		c.Log.Error(op, "err", err)
	}
	return e
}

// Device describes this computer for the sessions list.
func Device() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s (%s)", host, runtime.GOOS)
}

// defaults names what sign-up creates, in the new user's language.
type defaults struct{ b *i18n.Bundle }

func (d defaults) OrgName(lang, first, last string) string {
	return d.b.T(lang, "org.default_name", map[string]any{"FirstName": first, "LastName": last})
}

func (d defaults) WorkspaceName(lang string) string {
	return d.b.T(lang, "workspace.default_name", nil)
}

// VerifyAudit checks the audit chain of the data directory with the key from
// the keychain, without creating anything: a missing key is a failed check.
func VerifyAudit(ctx context.Context, dataDir string, kc secrets.Keychain) (audit.Result, error) {
	file := filepath.Join(dataDir, DBFile)
	if _, err := os.Stat(file); err != nil {
		return audit.Result{}, fmt.Errorf("no database in %s: %w", dataDir, err)
	}
	db, err := store.Open(ctx, file)
	if err != nil {
		return audit.Result{}, err
	}
	defer db.Close()
	var installID string
	if err := db.QueryRowContext(ctx, `SELECT value FROM app_settings WHERE key = 'install_id'`).Scan(&installID); err != nil {
		return audit.Result{}, fmt.Errorf("data directory has no install id: %w", err)
	}
	var key []byte
	if s, err := kc.Get("audit-key:" + installID); err == nil {
		key, _ = hex.DecodeString(s)
	} else if !errors.Is(err, secrets.ErrNotFound) {
		return audit.Result{}, fmt.Errorf("keychain: %w", err)
	}
	if key == nil {
		return audit.Result{Reason: "the audit key is missing from the keychain; the head cannot be checked"}, nil
	}
	return audit.New(key).Verify(ctx, db.DB)
}

// OwnedOrganization returns the first organization the user with email owns
// (operator commands name organizations by their owner).
func (c *Core) OwnedOrganization(ctx context.Context, email string) (string, error) {
	var id string
	err := c.DB.QueryRowContext(ctx, `SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id
		WHERE u.email_key = ? AND m.role = 'owner' ORDER BY m.joined_at LIMIT 1`, account.EmailKey(email)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("no organization owned by %s", email)
	}
	return id, err
}

// FillDemo fills an empty data directory with the demo organization.
func (c *Core) FillDemo(ctx context.Context) error {
	return demo.Fill(ctx, demo.Services{Accounts: c.Accounts, Orgs: c.Orgs, Workspaces: c.Workspaces, Billing: c.Billing,
		Capture: c.Capture, Now: time.Now().UTC()}, c.DB.DB)
}
