package oidc

import (
	"admin-console/backend/apperr"
)

// Error codes returned by this package. Each is also the message key
// "error.<code>" in locales/.
const (
	CodeNotConfigured       = "oidc.not_configured"       // provider missing or incomplete in the settings file
	CodeSettingsInvalid     = "oidc.settings_invalid"     // the settings file cannot be used (params File, Line)
	CodeBrowserFailed       = "oidc.browser_failed"       // the system browser could not be opened
	CodeCancelled           = "oidc.cancelled"            // the caller cancelled the sign-in
	CodeTimeout             = "oidc.timeout"              // the browser never came back
	CodeStateMismatch       = "oidc.state_mismatch"       // callback without our state: possible forgery
	CodeProviderDenied      = "oidc.provider_denied"      // the provider answered error=... (user said no)
	CodeExchangeFailed      = "oidc.exchange_failed"      // the token endpoint refused the code
	CodeTokenInvalid        = "oidc.token_invalid"        // signature, audience, issuer, expiry, tenant, azp
	CodeNonceMismatch       = "oidc.nonce_mismatch"       // ID token not minted for this sign-in
	CodeProviderUnreachable = "oidc.provider_unreachable" // discovery failed
	CodeReauthRequired      = "oidc.reauth_required"      // ForceLogin, but the provider reused an older login (auth_time)
	CodeEmailMissing        = "oidc.email_missing"        // the provider did not share an email address
)

// codedError carries a coded error for the UI and the underlying cause for
// the log. apperr.As and apperr.Code find the coded part through Unwrap, so
// only the code and its params ever cross into the UI; Error() (what a log
// line prints) names both.
type codedError struct {
	coded *apperr.Error
	cause error
}

func (e *codedError) Error() string   { return e.coded.Code + ": " + e.cause.Error() }
func (e *codedError) Unwrap() []error { return []error{e.coded, e.cause} }

// fail returns the coded error for code, wrapping cause when there is one.
func fail(code string, cause error) error {
	return failWith(apperr.New(code), cause)
}

func failWith(coded *apperr.Error, cause error) error {
	if cause == nil {
		return coded
	}
	return &codedError{coded: coded, cause: cause}
}
