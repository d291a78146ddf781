package taxid_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"admin-console/backend/apperr"
	"admin-console/backend/taxid"
)

// fuzzCountries are checked for every fuzzed input, whatever country the
// fuzzer picked: every country with its own rule, one generic country and
// one unknown code.
var fuzzCountries = append(strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"),
	"GB", "CH", "NO", "US", "JP", "ZZ")

// FuzzValidate: Validate never panics, returns either a normalized ID or a
// coded taxId error, and what it accepts validates again to itself.
// Normalize is idempotent.
func FuzzValidate(f *testing.F) {
	for _, line := range strings.Split(realWorldValid, "\n") {
		if strings.TrimSpace(line) != "" {
			f.Add(countryOfLine(line), line)
		}
	}
	for _, s := range []string{
		"", " ", "FR", "FRFR", "EL", "GR", "CHE", "XI", "NO MVA", "(0)", "B01", "NL B01",
		"\xff\xfe", "\u00a0\u200b\u202e", "１２３４５６７８９", "ATU１３５８５６２７", "ẞ", "ſ", "İ",
		strings.Repeat("9", 40), strings.Repeat("A", 21), "++++++++", "1*23456A", "0000000000",
	} {
		f.Add("FR", s)
		f.Add("IE", s)
		f.Add("fr", s)
	}
	f.Fuzz(func(t *testing.T, country, raw string) {
		for _, c := range append([]string{country}, fuzzCountries...) {
			checkInvariants(t, c, raw)
		}
	})
}

func checkInvariants(t *testing.T, country, raw string) {
	n := taxid.Normalize(country, raw)
	if again := taxid.Normalize(country, n); again != n {
		t.Fatalf("Normalize(%q, %q) = %q, but Normalize of that is %q", country, raw, n, again)
	}
	got, err := taxid.Validate(country, raw)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Field != "taxId" ||
			(ae.Code != taxid.CodeInvalid && ae.Code != taxid.CodeUnsupportedCountry) {
			t.Fatalf("Validate(%q, %q) error %v is not a coded taxId error", country, raw, err)
		}
		if got != "" {
			t.Fatalf("Validate(%q, %q) = %q with error %v", country, raw, got, err)
		}
		return
	}
	if got == "" {
		if n != "" {
			t.Fatalf("Validate(%q, %q) accepted as empty, but it normalizes to %q", country, raw, n)
		}
		return
	}
	if !utf8.ValidString(got) || len(got) > 32 {
		t.Fatalf("Validate(%q, %q) = %q: invalid UTF-8 or too long", country, raw, got)
	}
	for i := 0; i < len(got); i++ {
		c := got[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '*') {
			t.Fatalf("Validate(%q, %q) = %q: contains %q", country, raw, got, c)
		}
	}
	again, err := taxid.Validate(country, got)
	if err != nil || again != got {
		t.Fatalf("Validate(%q, %q) = %q, but Validate of that gives %q, %v", country, raw, got, again, err)
	}
	if strings.EqualFold(strings.TrimSpace(country), "GR") && !strings.HasPrefix(got, "EL") {
		t.Fatalf("Validate(%q, %q) = %q: Greek numbers carry EL", country, raw, got)
	}
}
