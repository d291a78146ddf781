package account

import (
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"admin-console/backend/apperr"
	"admin-console/backend/i18n"
)

const (
	MaxEmailLen = 254
	MaxNameLen  = 100
)

// NormalizeEmail trims and validates an email address; the domain is
// lower-cased, the local part kept as typed.
func NormalizeEmail(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", apperr.Field(field, "email.required")
	}
	if len(s) > MaxEmailLen || !utf8.ValidString(s) {
		return "", apperr.Field(field, "email.invalid")
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return "", apperr.Field(field, "email.invalid")
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", apperr.Field(field, "email.invalid")
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.ContainsAny(s, " \t\r\n") {
		return "", apperr.Field(field, "email.invalid")
	}
	// Lower-casing can lengthen the domain (U+023A Ⱥ is 2 bytes, ⱥ is 3):
	// check the length of what is returned, not only of what was typed.
	out := local + "@" + strings.ToLower(domain)
	if len(out) > MaxEmailLen {
		return "", apperr.Field(field, "email.invalid")
	}
	return out, nil
}

// EmailKey is the form an address is looked up by: folded to lower case
// across all of Unicode, so "Ä@x.com" and "ä@x.com" are one account.
func EmailKey(email string) string { return strings.ToLower(email) }

// MaxDeviceLen bounds the device description stored with a session.
const MaxDeviceLen = 200

// TruncateDevice cuts a device description to MaxDeviceLen bytes on a
// character boundary.
func TruncateDevice(s string) string {
	s = strings.ToValidUTF8(s, "")
	for len(s) > MaxDeviceLen {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

// invisible reports characters that draw nothing or reorder text: bidi
// embeddings, overrides and isolates, zero-width space, word joiner, BOM.
// They let "\u202Eevil" pass for another name in member lists and the audit
// log. ZWNJ and ZWJ stay allowed: some scripts need them inside words.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F,
		r == 0x200B, r == 0x2060, r == 0xFEFF, r == 0x061C:
		return true
	}
	return false
}

// NormalizeName trims a person's name and checks its length and characters.
func NormalizeName(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if !utf8.ValidString(s) {
		return "", apperr.Field(field, "name.invalid")
	}
	if s == "" {
		return "", apperr.Field(field, "name.required")
	}
	if utf8.RuneCountInString(s) > MaxNameLen {
		return "", apperr.Field(field, "name.too_long").With("Count", MaxNameLen)
	}
	for _, r := range s {
		if unicode.IsControl(r) || invisible(r) {
			return "", apperr.Field(field, "name.invalid")
		}
	}
	return s, nil
}

// ValidateLanguage accepts only the interface languages.
func ValidateLanguage(field, lang string) error {
	if !i18n.Supported(lang) {
		return apperr.Field(field, "language.unsupported")
	}
	return nil
}
