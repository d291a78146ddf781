// Package taxid validates VAT and other tax identification numbers per
// country, for the billing profile (finance staff enter their company's VAT
// number).
//
// The 27 EU member states follow the VIES formats and, where the algorithm
// is defined and well documented, their check digits; the normalized form of
// an EU number carries its VIES prefix ("FR40303265045", "EL094259216").
// GB, CH and NO have their own formats and check digits, US EINs are checked
// by pattern only, and every other ISO 3166-1 country accepts 2 to 20 letters
// and digits. See rules.go for what is checked country by country.
//
// Passing validation means "well formed", not "registered": only the tax
// authority (VIES for the EU) can say whether a number is in use.
package taxid

import (
	"strings"
	"unicode"

	"admin-console/backend/apperr"
)

// Error codes (localized as "error.<code>" in locales/).
const (
	CodeInvalid            = "taxid.invalid"
	CodeUnsupportedCountry = "taxid.unsupported_country"
)

// field is the input field the errors concern.
const field = "taxId"

// maxLen bounds a normalized ID; the longest real format (CHE + 9 digits +
// MWST) is 16 characters.
const maxLen = 32

// Normalize strips spaces, dots, dashes (and slashes, colons, parentheses,
// invisible formatting characters), upper-cases ASCII letters and, for a
// country whose numbers carry a prefix, accepts an optional leading prefix
// and puts the canonical one in front: Normalize("FR", "fr 40 303 265 045")
// and Normalize("FR", "40303265045") both give "FR40303265045". Greece uses
// "EL" (a typed "GR" becomes "EL"); GB accepts "GB" or "XI"; CH uses "CHE";
// NO uses "NO". Other countries get no prefix. An input with nothing but
// separators normalizes to "".
//
// Normalize does not check the number; Validate does, and also pads the few
// formats that have a shorter legacy form (BE 9 digits, EL 8 digits, NL
// fewer than 9 digits before the B), so store what Validate returns.
func Normalize(country, raw string) string {
	c := canonCountry(country)
	s := clean(raw)
	if s == "" {
		return ""
	}
	r, ok := rules[c]
	if !ok {
		return s
	}
	p, body := r.split(s)
	return p + body
}

// Validate returns the normalized ID, or a coded error:
// apperr.Field("taxId", "taxid.invalid").With("Country", country) when it
// does not match the country's format or check digits, and
// apperr.Field("taxId", "taxid.unsupported_country") when the country is not
// an ISO 3166-1 alpha-2 code. An empty ID is valid and returns "": the field
// is optional (the country is then not checked either; it is validated as a
// field of its own).
func Validate(country, raw string) (string, error) {
	c := canonCountry(country)
	n := Normalize(c, raw)
	if n == "" {
		return "", nil
	}
	if !iso3166[c] {
		return "", apperr.Field(field, CodeUnsupportedCountry)
	}
	r, ok := rules[c]
	if !ok {
		r = generic
	}
	p, body := r.split(n)
	if len(n) > maxLen {
		return "", apperr.Field(field, CodeInvalid).With("Country", c)
	}
	canon, ok := r.check(body)
	if !ok {
		return "", apperr.Field(field, CodeInvalid).With("Country", c)
	}
	return p + canon, nil
}

// rule is how one country's numbers are written and checked.
type rule struct {
	// prefix is put in front of the normalized number ("" for none).
	prefix string
	// alt are other prefixes accepted on input.
	alt []string
	// keepAlt keeps an alternative prefix as typed instead of replacing it
	// with prefix (GB: "XI" is Northern Ireland's own prefix).
	keepAlt bool
	// check validates the number without its prefix and returns its
	// canonical form.
	check func(body string) (string, bool)
}

// split separates a cleaned number into the prefix to show and the body.
// At most one leading prefix is removed, which keeps Normalize idempotent.
func (r rule) split(s string) (prefix, body string) {
	if r.prefix == "" {
		return "", s
	}
	if strings.HasPrefix(s, r.prefix) {
		return r.prefix, s[len(r.prefix):]
	}
	for _, a := range r.alt {
		if strings.HasPrefix(s, a) {
			if r.keepAlt {
				return a, s[len(a):]
			}
			return r.prefix, s[len(a):]
		}
	}
	return r.prefix, s
}

// generic is the rule for ISO countries without a specific one.
var generic = rule{check: checkGeneric}

// clean drops separators and invisible characters and upper-cases ASCII
// letters. Anything else is kept, so that Validate rejects it.
func clean(raw string) string {
	var b strings.Builder
	for _, r := range raw {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte(r - 'a' + 'A'))
		case unicode.IsSpace(r), unicode.Is(unicode.Pd, r), unicode.Is(unicode.Cf, r),
			r == '.', r == '/', r == ':', r == '(', r == ')', r == '\u2212':
			// separators: spaces (also non-breaking), dashes of every kind,
			// dots, slashes, colons, parentheses ("BE (0)403.019.261"), the
			// minus sign and zero-width characters pasted from documents.
		default:
			// kept as is (invalid UTF-8 as U+FFFD), so that Validate rejects it
			b.WriteRune(r)
		}
	}
	return b.String()
}

// asciiUpper upper-cases ASCII letters only.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
