package desktop

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
	"github.com/pquerna/otp/totp"

	"admin-console/backend/apperr"
	"admin-console/backend/oidc"
	"admin-console/backend/secrets"
)

// dirDialogs "saves" into a directory, as the e2e hook does.
type dirDialogs struct{ dir string }

func (d dirDialogs) SaveFile(_, name string, _ []FileFilter) (string, error) {
	return filepath.Join(d.dir, name), nil
}
func (d dirDialogs) OpenFile(string, []FileFilter) (string, error) { return "", nil }

func totpNow(t *testing.T, grouped string) string {
	t.Helper()
	code, err := totp.GenerateCode(strings.ReplaceAll(grouped, " ", ""), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// The data key that seals TOTP secrets lives in the real Secret Service; a
// sign-in then waits for the second factor, and a recovery code completes it.
func TestMFAWithTheRealKeychain(t *testing.T) {
	kc := realKeychain(t)
	c := openCore(t, t.TempDir(), kc)
	defer c.Close()
	saveDir := t.TempDir()
	c.SetDialogs(dirDialogs{saveDir})
	acc, sec := NewAccountService(c), NewSecurityService(c)
	if _, err := acc.SignUp(ada); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Get(c.keyAccount("data-key")); err != nil {
		t.Fatalf("no data key in the keychain: %v", err)
	}
	en, err := sec.BeginMFAEnrollment()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(en.QRCode, "data:image/png;base64,") || !strings.Contains(en.Secret, " ") {
		t.Errorf("enrolment %+v", en)
	}
	codes, err := sec.ConfirmMFAEnrollment(totpNow(t, en.Secret))
	if err != nil {
		t.Fatal(err)
	}
	path, err := sec.SaveRecoveryCodes(codes)
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(body), codes[9]) || !strings.Contains(string(body), ada.Email) {
		t.Fatalf("codes file %q: %v", body, err)
	}
	if _, err := sec.SaveRecoveryCodes([]string{"<script>"}); apperr.Code(err) != "mfa.codes_invalid" {
		t.Errorf("odd codes saved: %v", err)
	}

	if err := acc.SignOut(); err != nil {
		t.Fatal(err)
	}
	st, err := acc.SignIn(ada.Email, ada.Password, false)
	if err != nil || !st.MFAChallenge || st.User != nil {
		t.Fatalf("sign-in with MFA: %+v %v", st, err)
	}
	if _, err := acc.CompleteSignIn("000000"); apperr.Code(err) != "mfa.code_invalid" {
		t.Fatalf("wrong code: %v", err)
	}
	st, err = acc.CompleteSignIn(codes[0])
	if err != nil || st.User == nil || st.MFAChallenge {
		t.Fatalf("recovery code: %+v %v", st, err)
	}
	s, err := sec.Security()
	if err != nil || !s.MFAEnabled || s.RecoveryCodesLeft != 9 || !s.MFAAvailable || !s.HasPassword {
		t.Fatalf("security %+v %v", s, err)
	}
}

// An organization that requires MFA holds a member without it to enrolment.
func TestPolicyAllowsOnlyEnrolmentUntilDone(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	acc, sec, orgs := NewAccountService(c), NewSecurityService(c), NewOrganizationService(c)
	if _, err := acc.SignUp(ada); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DB.Exec(`UPDATE organizations SET require_mfa = 1`); err != nil {
		t.Fatal(err)
	}
	st, err := acc.State()
	if err != nil || st.User == nil || !st.User.MustEnrollMFA {
		t.Fatalf("state %+v %v", st, err)
	}
	if _, err := orgs.Get(); apperr.Code(err) != "mfa.enrollment_required" {
		t.Fatalf("organization read during enforced enrolment: %v", err)
	}
	if st, _ := acc.State(); st.User == nil {
		t.Fatal("the refused call ended the session")
	}
	en, err := sec.BeginMFAEnrollment()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sec.ConfirmMFAEnrollment(totpNow(t, en.Secret)); err != nil {
		t.Fatal(err)
	}
	if _, err := orgs.Get(); err != nil {
		t.Fatalf("after enrolment: %v", err)
	}
}

// Social sign-in end to end through the desktop service: a real OpenID
// provider on loopback, a "system browser" that follows its redirects.
func TestProviderSignInThroughTheBrowser(t *testing.T) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown()
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	c.SignIn.Settings = oidc.Settings{Providers: map[string]oidc.ProviderSettings{
		oidc.Google: {Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret}}}
	opened := make(chan string, 1)
	c.SetBrowser(func(url string) error {
		opened <- url
		go func() {
			if resp, err := http.Get(url); err == nil { // follows the redirect to the loopback listener
				resp.Body.Close()
			}
		}()
		return nil
	})
	acc := NewAccountService(c)
	st, err := acc.SignInWithProvider(oidc.Google, false, "")
	if err != nil || st.User == nil || st.User.Email != "jane.doe@example.com" || st.User.Role != "owner" {
		t.Fatalf("provider sign-in: %+v %v", st, err)
	}
	if u := <-opened; !strings.Contains(u, "code_challenge_method=S256") || !strings.Contains(u, "redirect_uri=http%3A%2F%2F127.0.0.1%3A") {
		t.Errorf("authorize URL %s", u)
	}
	s, err := NewSecurityService(c).Security()
	if err != nil || s.HasPassword || len(s.Identities) != 1 || s.Identities[0].Provider != oidc.Google {
		t.Fatalf("security %+v %v", s, err)
	}
	// The last way in stays.
	if err := NewSecurityService(c).UnlinkProvider(oidc.Google); apperr.Code(err) != "identity.last_method" {
		t.Fatalf("unlink last: %v", err)
	}
	// Cancelling while waiting for the browser ends the wait.
	c.SetBrowser(func(string) error { return nil })
	done := make(chan error, 1)
	go func() { _, err := acc.SignInWithProvider(oidc.Google, false, ""); done <- err }()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		waiting := c.cancelProvider != nil
		c.mu.Unlock()
		if waiting {
			break
		}
		select {
		case <-deadline:
			t.Fatal("the sign-in never started waiting")
		case <-time.After(5 * time.Millisecond):
		}
	}
	acc.CancelProviderSignIn()
	if err := <-done; apperr.Code(err) != "oidc.cancelled" {
		t.Fatalf("cancelled sign-in: %v", err)
	}
}

// The data exports ask where to save first and write a ZIP there.
func TestDataExportsSaveZIPs(t *testing.T) {
	c := openCore(t, t.TempDir(), secrets.NewMemory())
	defer c.Close()
	dir := t.TempDir()
	c.SetDialogs(dirDialogs{dir})
	if _, err := NewAccountService(c).SignUp(ada); err != nil {
		t.Fatal(err)
	}
	for name, export := range map[string]func() (string, error){
		"personal": NewAccountService(c).ExportMyData, "organization": NewOrganizationService(c).ExportOrganizationData} {
		path, err := export()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.HasPrefix(string(b), "PK") {
			t.Fatalf("%s: %s is not a ZIP (%v)", name, path, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.part"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
