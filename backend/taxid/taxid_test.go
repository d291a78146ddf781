package taxid_test

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"admin-console/backend/apperr"
	"admin-console/backend/taxid"
)

// eu27 are the member states, by ISO code.
var eu27 = strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")

// countryOfLine maps the prefix a real-world number is printed with to its
// ISO country.
func countryOfLine(line string) string {
	p := strings.ToUpper(line[:2])
	switch p {
	case "EL":
		return "GR"
	}
	return p
}

// alnum keeps the letters and digits of s, upper-cased.
func alnum(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wantCode asserts err is the coded taxId error with the given code (and,
// for taxid.invalid, the country parameter).
func wantCode(t *testing.T, err error, code, country string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *apperr.Error", err)
	}
	if ae.Code != code || ae.Field != "taxId" {
		t.Fatalf("error = %v; want code %q on field taxId", ae, code)
	}
	if code == taxid.CodeInvalid && ae.Params["Country"] != country {
		t.Fatalf("error params = %v; want Country %q", ae.Params, country)
	}
}

func TestValidateRealWorldNumbers(t *testing.T) {
	seen := map[string]int{}
	for _, line := range strings.Split(realWorldValid, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		country := countryOfLine(line)
		seen[country]++
		t.Run(country+"/"+line, func(t *testing.T) {
			got, err := taxid.Validate(country, line)
			if err != nil {
				t.Fatalf("Validate(%q, %q) = %v; want valid", country, line, err)
			}
			// The result is the printed number without separators, with its
			// canonical prefix (and padding for the legacy short forms).
			if got != alnum(got) {
				t.Errorf("Validate(%q, %q) = %q: not upper-case letters and digits only", country, line, got)
			}
			printed := alnum(line)[len(prefixOf(country)):]
			if !strings.HasPrefix(got, prefixOf(country)) || !strings.HasSuffix(got, strings.TrimLeft(printed, "0")) {
				t.Errorf("Validate(%q, %q) = %q; want %s + %q", country, line, got, prefixOf(country), printed)
			}
			if again, err := taxid.Validate(country, got); err != nil || again != got {
				t.Errorf("Validate(%q, %q) = %q, %v; want it unchanged", country, got, again, err)
			}
			// The same number typed without its prefix.
			bare := strings.TrimPrefix(got, prefixOf(country))
			if g, err := taxid.Validate(country, bare); err != nil || g != got {
				t.Errorf("Validate(%q, %q) = %q, %v; want %q", country, bare, g, err, got)
			}
		})
	}
	for _, c := range append(eu27, "GB", "CH", "NO") {
		if seen[c] == 0 {
			t.Errorf("no real-world number for %s", c)
		}
	}
}

func prefixOf(country string) string {
	switch country {
	case "GR":
		return "EL"
	case "CH":
		return "CHE"
	}
	return country
}

// TestValidateCanonicalForm pins the exact output for one number of each
// supported country, including the legacy short forms that get padded.
func TestValidateCanonicalForm(t *testing.T) {
	tests := []struct {
		country, raw, want string
	}{
		{"AT", "ATU 142 43 102", "ATU14243102"},
		{"AT", "u13585627", "ATU13585627"},
		{"BE", "BE 0428.759.497", "BE0428759497"},
		{"BE", "BE 428 759 497", "BE0428759497"}, // 9-digit legacy form
		{"BE", "(0)428759497", "BE0428759497"},   // "(0)" as printed on letterheads
		{"BG", "BG 175 074 752", "BG175074752"},  // legal entity, 9 digits
		{"BG", "7523169263", "BG7523169263"},     // person (EGN), 10 digits
		{"BG", "BG7111042925", "BG7111042925"},   // foreigner, 10 digits
		{"CY", "CY-10259033P", "CY10259033P"},
		{"CZ", "CZ 25123891", "CZ25123891"},      // legal entity, 8 digits
		{"CZ", "CZ 710319/2745", "CZ7103192745"}, // birth number
		{"CZ", "640903926", "CZ640903926"},       // individual without birth number
		{"CZ", "991231123", "CZ991231123"},       // 9-digit birth number (born before 1954)
		{"DE", "DE 136.308.783", "DE136308783"},
		{"DK", "DK 13 20 24 35", "DK13202435"},
		{"EE", "EE 100 931 558", "EE100931558"},
		{"ES", "ES B-58378431", "ESB58378431"}, // CIF, digit check
		{"ES", "Q-2818015-F", "ESQ2818015F"},   // CIF, letter check
		{"ES", "54362315-K", "ES54362315K"},    // DNI
		{"ES", "x-2482300w", "ESX2482300W"},    // NIE
		{"FI", "FI 2094606-3", "FI20946063"},   // Y-tunnus with its dash
		{"FR", "FR 40 303 265 045", "FR40303265045"},
		{"FR", "40303265045", "FR40303265045"},
		{"FR", "FR K 7399859412", "FRK7399859412"}, // new-style key
		{"GR", "EL 094259216", "EL094259216"},
		{"GR", "GR 094259216", "EL094259216"}, // GR prefix becomes EL
		{"GR", "94051189", "EL094051189"},     // 8-digit legacy form
		{"HR", "HR 33392005961", "HR33392005961"},
		{"HU", "HU 12892312", "HU12892312"},
		{"IE", "IE 6433435F", "IE6433435F"},   // 7 digits + letter
		{"IE", "IE 6433435OA", "IE6433435OA"}, // 2013 format, two letters
		{"IE", "8D79739I", "IE8D79739I"},      // old format
		{"IT", "IT 00743110157", "IT00743110157"},
		{"LT", "LT 119511515", "LT119511515"},    // legal entity
		{"LT", "100001919017", "LT100001919017"}, // temporary, 12 digits
		{"LU", "LU 15027442", "LU15027442"},
		{"LV", "LV 4000 3521 600", "LV40003521600"}, // legal entity
		{"LV", "161175-19997", "LV16117519997"},     // personal code with birth date
		{"LV", "32579461005", "LV32579461005"},      // personal code since 2017 (pattern only)
		{"MT", "MT 1167-9112", "MT11679112"},
		{"NL", "NL 004495445B01", "NL004495445B01"}, // 11-test
		{"NL", "NL4495445B01", "NL004495445B01"},    // padded to 9 digits
		{"NL", "NL002455799B11", "NL002455799B11"},  // MOD 97 (2020)
		{"PL", "PL 584-030-44-72", "PL5840304472"},
		{"PT", "PT 501 964 843", "PT501964843"},
		{"RO", "RO 185 472 90", "RO18547290"},      // CUI
		{"RO", "1630615123457", "RO1630615123457"}, // CNP
		{"RO", "5010203100008", "RO5010203100008"}, // CNP, born in 2001
		{"RO", "6120229100011", "RO6120229100011"}, // CNP, remainder 10 gives 1
		{"SE", "SE 556043-6064 01", "SE556043606401"},
		{"SI", "SI 5022 3054", "SI50223054"},
		{"SK", "SK 202 274 96 19", "SK2022749619"},
		{"GB", "GB 980 7806 84", "GB980780684"},
		{"GB", "980780684", "GB980780684"},
		{"GB", "XI 980 7806 84", "XI980780684"},        // Northern Ireland
		{"GB", "GB 242 3380 87 388", "GB242338087388"}, // branch trader
		{"GB", "gd100", "GBGD100"},                     // government department
		{"CH", "CHE-100.155.212 MWST", "CHE100155212MWST"},
		{"CH", "CHE-107.787.577 IVA", "CHE107787577IVA"},
		{"CH", "100.155.212", "CHE100155212"},
		{"NO", "NO 995 525 828 MVA", "NO995525828MVA"},
		{"NO", "995525828", "NO995525828"},
		{"US", "12-3456789", "123456789"},
		{"JP", "T1234567890123", "T1234567890123"}, // generic: any ISO country
		{"AU", "51 824 753 556", "51824753556"},
		{"fr", "  fr 40-303-265-045  ", "FR40303265045"}, // country case and spaces
	}
	for _, tt := range tests {
		got, err := taxid.Validate(tt.country, tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("Validate(%q, %q) = %q, %v; want %q", tt.country, tt.raw, got, err, tt.want)
		}
	}
}

// TestValidateRejects covers each country with a wrong check digit, a wrong
// length and wrong characters. Most check-digit cases are real numbers from
// the valid list with one digit changed.
func TestValidateRejects(t *testing.T) {
	type bad struct{ raw, why string }
	tests := map[string][]bad{
		"AT": {{"ATU 143 43 102", "check digit"}, {"ATU46080904", "check digit"}, {"ATU 151592092", "length"},
			{"AT1 142 43 102", "no U"}, {"ATU 1515B209", "letter"}},
		"BE": {{"BE 0406.139.583", "check digits"}, {"BE697449982", "check digits"}, {"BE 02A2.239.951", "letter"},
			{"BE 0220,764.971", "comma"}, {"BE 2202239951", "starts with 2"}, {"BE 04281759497", "length"}, {"0000000000", "zero"}},
		"BG": {{"BG 1037735942", "check digit"}, {"BG 131 172 009", "check digit"}, {"BG 147147471", "check digit"},
			{"BG 10X8735941", "letter"}, {"BG 13127200", "length"}},
		"CY": {{"CY 10246672F", "check letter"}, {"CY-10009489 A", "check letter"}, {"CY-12259033P", "starts with 12"},
			{"CY-102590Z3P", "letter"}, {"CY-1225903322", "length"}, {"CY-102590333", "digit instead of letter"}},
		"CZ": {{"CZ 25557481", "check digit"}, {"CZ 48207726", "check digit"}, {"CZ 640913926", "check digit (special)"},
			{"CZ 8058018314", "check digit (birth number)"}, {"CZ 95123891", "starts with 9"}, {"CZ 7113192745", "birth date"},
			{"CZ 590312123", "9-digit birth number after 1953"},
			{"CZ 2512389", "length"}, {"CZ 2512389A", "letter"}},
		"DE": {{"DE 125014855", "check digit"}, {"DE 246 495 415", "check digit"}, {"DE 011125440", "starts with 0"},
			{"DE 246X595 415", "letter"}, {"DE 12501495", "length"}},
		"DK": {{"DK 11 96 56 58", "check"}, {"DK-27996592", "check"}, {"DK 1097565", "length"}, {"DK 0150817A", "letter"}},
		"EE": {{"EE 100 941 558", "check digit"}, {"EE101256754", "check digit"}, {"EE 10093155", "length"}},
		"ES": {{"ES 54362415K", "DNI letter"}, {"ES K-2814015-F", "K letter"}, {"ES-x-2322300w", "NIE letter"},
			{"Es-a48951310", "CIF digit"}, {"ES Q-2818015-E", "CIF letter"}, {"ES B-583784312", "length"},
			{"ES O-1234567-L", "entity letter O"}, {"ES I12345678", "entity letter I"}},
		"FI": {{"FI 20946064", "check digit"}, {"FI 2094606", "length"}, {"FI 2094606A", "letter"}},
		"FR": {{"FR 04409414264", "SIREN Luhn"}, {"FR 21 326 565 603", "key"}, {"FR K 7399859312", "SIREN Luhn"},
			{"FR000076090", "length"}, {"FR IO334175221", "I and O are not key letters"}, {"FR 40 303 265 04A", "letter in SIREN"},
			{"FR 303265045", "key missing"}},
		"GR": {{"EL 094013834", "check digit"}, {"EL094501140", "check digit"}, {"EL 1234567", "length"},
			{"EL 09425921A", "letter"}, {"FR 094259216", "other prefix"}},
		"HR": {{"HR 33392005962", "check digit"}, {"HR 3339200596", "length"}, {"HR 3339200596A", "letter"}},
		"HU": {{"HU 12892313", "check digit"}, {"HU 1289231", "length"}, {"HU 1289231A", "letter"}},
		"IE": {{"IE 4731823H", "check letter"}, {"IE 632 3421 C", "check letter"}, {"IE8D79729I", "check letter (old)"},
			{"IE 4550C59S", "letter"}, {"IE 069385V8", "letter"}, {"IE6433435FZ", "second letter"}, {"IE 643343F", "length"}},
		"IT": {{"IT 00743110158", "check digit"}, {"IT 00000000000", "zero company"}, {"IT 0074311015", "length"},
			{"IT 0074311015A", "letter"}},
		"LT": {{"LT 100001919018", "check digit"}, {"LT 119511516", "check digit"}, {"LT 100001354", "8th digit not 1"},
			{"LT 100001509922", "11th digit not 1"}, {"LT 1195115150", "length"}},
		"LU": {{"LU 15027443", "check digits"}, {"LU 1502744", "length"}, {"LU 1502744A", "letter"}},
		"LV": {{"LV 40003189715", "check digit"}, {"LV 90000528022", "check digit"}, {"LV-10103241337", "century digit"},
			{"LV 31137519997", "birth date"}, {"LV 33579461005", "day 33"}, {"LV 4000352160", "length"}},
		"MT": {{"MT 11679113", "check digits"}, {"MT 01679112", "starts with 0"}, {"MT 1167911", "length"}},
		"NL": {{"NL 123456789B90", "check"}, {"NL 001241643801", "no B"}, {"NL 009122746B00", "B00"},
			{"NL B06753742B01", "letter"}, {"NL 82X569759b01", "letter"}, {"NL006866304B021", "length"},
			{"NL 000000000B01", "zero"}, {"NL 002455799B12", "MOD 97"}},
		"PL": {{"PL 5840304473", "check digit"}, {"PL 584030447", "length"}, {"PL 584030447A", "letter"}},
		"PT": {{"PT 501 964 842", "check digit"}, {"PT 001964843", "starts with 0"}, {"PT 50196484", "length"}},
		"RO": {{"RO 185 472 91", "check digit"}, {"RO 1630615123458", "CNP check digit"}, {"RO 1632215123457", "CNP date"},
			{"RO 6130229100011", "CNP date (2013 is not a leap year)"},
			{"RO 01822964", "starts with 0"}, {"RO 12345678901", "length"}, {"RO 1", "length"}},
		"SE": {{"SE 556043606402", "not 01"}, {"SE 556043606501", "Luhn"}, {"SE 55643359201", "length"},
			{"SE 5567003255201", "length"}},
		"SI": {{"SI 50223055", "check digit"}, {"SI 05022305", "starts with 0"}, {"SI 5022305", "length"},
			{"SI 20000030", "check digit would be 11"}},
		"SK": {{"SK 1078449164", "check"}, {"SK 302 274 96 19", "check"}, {"SK A078449064", "letter"},
			{"SK 012 274 96 19", "starts with 0"}, {"SK 107844906", "length"}},
		"GB": {{"GB 802311781", "check digits"}, {"GB 001234567", "check digits"}, {"GB 9807806842", "length"},
			{"GB 9807806B4", "letter"}, {"GB GD600", "GD over 499"}, {"GB HA201", "HA under 500"}, {"GB ZZ100", "unknown code"},
			{"GB 002425770", "9755 scheme only from 100 0000 00"}},
		"CH": {{"CHE-100.155.213", "check digit"}, {"CHE-107.787.577 ZZZ", "suffix"}, {"CHE-100.155.21", "length"},
			{"ZZZ-107.787.577 MWST", "prefix"}},
		"NO": {{"NO 995 525 829 MVA", "check digit"}, {"NO 995 525 828 MVB", "suffix"}, {"NO 99552582", "length"}},
		"US": {{"12-345678", "length"}, {"AB-1234567", "letters"}, {"12-34567890", "length"}},
		"JP": {{"T", "too short"}, {strings.Repeat("1", 21), "too long"}, {"T12345#67", "symbol"}, {"Tö1234", "non-ASCII"}},
	}
	for country, cases := range tests {
		for _, tt := range cases {
			got, err := taxid.Validate(country, tt.raw)
			if err == nil {
				t.Errorf("Validate(%q, %q) = %q; want taxid.invalid (%s)", country, tt.raw, got, tt.why)
				continue
			}
			if got != "" {
				t.Errorf("Validate(%q, %q) returned %q with an error", country, tt.raw, got)
			}
			wantCode(t, err, taxid.CodeInvalid, country)
		}
	}
	for _, c := range append(eu27, "GB", "CH", "NO", "US") {
		if len(tests[c]) < 3 {
			t.Errorf("%s: want at least 3 rejected cases, have %d", c, len(tests[c]))
		}
	}
}

func TestValidateEmptyIsValid(t *testing.T) {
	for _, raw := range []string{"", "   ", " - . ", "\u00a0\u200b"} {
		for _, country := range []string{"FR", "US", "JP", "", "ZZ"} {
			got, err := taxid.Validate(country, raw)
			if got != "" || err != nil {
				t.Errorf("Validate(%q, %q) = %q, %v; want \"\", nil", country, raw, got, err)
			}
		}
	}
}

func TestValidateUnsupportedCountry(t *testing.T) {
	for _, country := range []string{"", "ZZ", "EL", "UK", "EU", "XI", "XK", "FRA", "F", "1A", "ÉS"} {
		_, err := taxid.Validate(country, "12345678")
		if err == nil {
			t.Errorf("Validate(%q, ...) accepted an unknown country", country)
			continue
		}
		wantCode(t, err, taxid.CodeUnsupportedCountry, "")
	}
}

func TestValidateErrorShape(t *testing.T) {
	_, err := taxid.Validate("de", "DE 125014855")
	wantCode(t, err, "taxid.invalid", "DE")
	if got := apperr.Code(err); got != "taxid.invalid" {
		t.Errorf("apperr.Code = %q", got)
	}
	_, err = taxid.Validate("QQ", "123")
	wantCode(t, err, "taxid.unsupported_country", "")
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		country, raw, want string
	}{
		{"FR", "FR 40 303 265 045", "FR40303265045"},
		{"FR", "40303265045", "FR40303265045"},
		{"FR", "fr40.303.265.045", "FR40303265045"},
		{"FR", "FR-40-303-265-045", "FR40303265045"},
		{"FR", "\u00a0FR\u202f40\u2009303 265 045\u200b", "FR40303265045"}, // no-break, thin, zero-width spaces
		{"FR", "FR 40–303—265‑045", "FR40303265045"},                       // en dash, em dash, non-breaking hyphen
		{"FR", "FRFR123456789", "FRFR123456789"},                           // only one prefix is removed
		{"FR", "FR", "FR"},
		{"GR", "GR 094259216", "EL094259216"},
		{"GR", "el 094259216", "EL094259216"},
		{"GR", "094259216", "EL094259216"},
		{"GR", "23456783", "EL23456783"}, // padding is Validate's job
		{"DE", "DE: 136/695/976", "DE136695976"},
		{"DE", "FR136695976", "DEFR136695976"}, // another country's prefix stays (and fails Validate)
		{"BE", "BE (0)428.759.497", "BE0428759497"},
		{"AT", "atu13585627", "ATU13585627"},
		{"at", "U13585627", "ATU13585627"},
		{"GB", "980 7806 84", "GB980780684"},
		{"GB", "XI980780684", "XI980780684"},
		{"CH", "CHE-100.155.212 MWST", "CHE100155212MWST"},
		{"CH", "100.155.212", "CHE100155212"},
		{"NO", "995 525 828 MVA", "NO995525828MVA"},
		{"US", "12-3456789", "123456789"},
		{"JP", "t-1234 5678", "T12345678"},
		{"ZZ", "ab-12", "AB12"}, // unknown country: cleaned, nothing more
		{"FR", "", ""},
		{"FR", " .-/ ", ""},
	}
	for _, tt := range tests {
		got := taxid.Normalize(tt.country, tt.raw)
		if got != tt.want {
			t.Errorf("Normalize(%q, %q) = %q; want %q", tt.country, tt.raw, got, tt.want)
		}
		if again := taxid.Normalize(tt.country, got); again != got {
			t.Errorf("Normalize(%q, %q) = %q; not idempotent", tt.country, got, again)
		}
	}
}

func TestIsEU(t *testing.T) {
	n := 0
	for _, c := range eu27 {
		if !taxid.IsEU(c) {
			t.Errorf("IsEU(%q) = false", c)
		}
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if taxid.IsEU(string([]rune{a, b})) {
				n++
			}
		}
	}
	if n != 27 {
		t.Errorf("IsEU is true for %d codes; want 27", n)
	}
	for _, c := range []string{"EL", "GB", "UK", "CH", "NO", "IS", "LI", "US", "EU", ""} {
		if taxid.IsEU(c) {
			t.Errorf("IsEU(%q) = true", c)
		}
	}
	if !taxid.IsEU(" fr ") {
		t.Error(`IsEU(" fr ") = false; want case and spaces ignored`)
	}
}

// TestCountryTable checks the ISO 3166-1 table against golang.org/x/text,
// which knows every assigned code (plus reserved and withdrawn ones): the
// table must list 249 codes, all of them countries there.
func TestCountryTable(t *testing.T) {
	withdrawnOrReserved := map[string]bool{ // countries to x/text, not assigned ISO codes
		"AC": true, "AN": true, "BU": true, "CP": true, "CQ": true, "CS": true, "CT": true, "DD": true,
		"DG": true, "DY": true, "EA": true, "EZ": true, "FQ": true, "FX": true, "HV": true, "IC": true,
		"JT": true, "MI": true, "NH": true, "NQ": true, "NT": true, "PC": true, "PU": true, "PZ": true,
		"RH": true, "SU": true, "TA": true, "TP": true, "UK": true, "UN": true, "VD": true, "WK": true,
		"XK": true, "YD": true, "YU": true, "ZR": true,
	}
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			want := err == nil && r.IsCountry() && r.String() == code && !withdrawnOrReserved[code]
			_, verr := taxid.Validate(code, "AB12")
			got := apperr.Code(verr) != taxid.CodeUnsupportedCountry
			if got != want {
				t.Errorf("%s: supported = %v; x/text says country = %v", code, got, want)
			}
			if got {
				n++
			}
		}
	}
	if n != 249 {
		t.Errorf("%d supported codes; ISO 3166-1 assigns 249", n)
	}
}

// --- numbers computed with small independent implementations ---------------

// genDigits returns n random digits.
func genDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// iso7064Mod11_10 computes the check digit the way ISO 7064 describes it:
// running product/sum with 10 and 11.
func iso7064Mod11_10(body string) byte {
	product := 10
	for _, c := range body {
		sum := (int(c-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = 2 * sum % 11
	}
	return byte('0' + (11-product)%10)
}

// luhnDigit computes a Luhn check digit with the lookup-table method.
func luhnDigit(body string) byte {
	doubled := [10]int{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d = doubled[d]
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// bigMod97 is the remainder mod 97 of an IBAN-style string, via math/big.
func bigMod97(s string) int {
	var digits strings.Builder
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			digits.WriteString(strconv.Itoa(int(c-'A') + 10))
		} else {
			digits.WriteRune(c)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

// elevenTest is the Dutch RSIN/BSN "11-proef": 9*d1 + 8*d2 + ... + 2*d8 - d9
// divisible by 11.
func elevenTest(nine string) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(nine[i]-'0')
	}
	return (sum-int(nine[8]-'0'))%11 == 0
}

// generators make a random valid number (without country prefix) and tell
// where its check character is, so the test can also try every other value.
var generators = map[string]func(rng *rand.Rand) (number string, checkAt int){
	"DE": func(rng *rand.Rand) (string, int) {
		body := string(rune('1'+rng.IntN(9))) + genDigits(rng, 7)
		return body + string(iso7064Mod11_10(body)), 8
	},
	"HR": func(rng *rand.Rand) (string, int) {
		body := genDigits(rng, 10)
		return body + string(iso7064Mod11_10(body)), 10
	},
	"IT": func(rng *rand.Rand) (string, int) {
		body := "1" + genDigits(rng, 9)
		return body + string(luhnDigit(body)), 10
	},
	"SE": func(rng *rand.Rand) (string, int) {
		body := "55" + genDigits(rng, 7)
		return body + string(luhnDigit(body)) + "01", 9
	},
	"FR": func(rng *rand.Rand) (string, int) {
		body := "3" + genDigits(rng, 7)
		siren := body + string(luhnDigit(body))
		n, _ := strconv.ParseInt(siren, 10, 64)
		key := (n*100 + 12) % 97 // VIES: key = (SIREN x 100 + 12) mod 97
		return fmt.Sprintf("%02d%s", key, siren), 1
	},
	"NL": func(rng *rand.Rand) (string, int) {
		// 2020 sole-proprietor numbers: choose the suffix so that
		// "NL" + number is 1 mod 97.
		digits := "00" + genDigits(rng, 7)
		for elevenTest(digits) { // else every suffix would be valid
			digits = "00" + genDigits(rng, 7)
		}
		for suffix := 1; suffix <= 99; suffix++ {
			s := fmt.Sprintf("%sB%02d", digits, suffix)
			if bigMod97("NL"+s) == 1 {
				return s, 11
			}
		}
		panic("unreachable: 99 consecutive suffixes cover every remainder")
	},
	"GB": func(rng *rand.Rand) (string, int) {
		// HMRC: weighted total, then subtract 97 until negative; the
		// check is the absolute value. From 100 0000 00 on, also the
		// 9755 scheme: add 55 to the total first.
		for {
			body := string(rune('1'+rng.IntN(9))) + genDigits(rng, 6)
			total := 0
			for i, w := range []int{8, 7, 6, 5, 4, 3, 2} {
				total += w * int(body[i]-'0')
			}
			if rng.IntN(2) == 0 {
				total += 55
			}
			for total >= 0 {
				total -= 97
			}
			if -total <= 96 {
				return fmt.Sprintf("%s%02d", body, -total), 8
			}
		}
	},
	"CH": func(rng *rand.Rand) (string, int) {
		for {
			body := genDigits(rng, 8)
			sum := 0
			for i, w := range []int{5, 4, 3, 2, 7, 6, 5, 4} {
				sum += w * int(body[i]-'0')
			}
			c := 11 - sum%11
			if c == 11 {
				c = 0
			}
			if c != 10 {
				return body + strconv.Itoa(c) + "MWST", 8
			}
		}
	},
	"NO": func(rng *rand.Rand) (string, int) {
		for {
			body := "9" + genDigits(rng, 7)
			sum := 0
			for i, w := range []int{3, 2, 7, 6, 5, 4, 3, 2} {
				sum += w * int(body[i]-'0')
			}
			c := 11 - sum%11
			if c == 11 {
				c = 0
			}
			if c != 10 {
				return body + strconv.Itoa(c) + "MVA", 8
			}
		}
	},
	"PL": func(rng *rand.Rand) (string, int) {
		for {
			body := genDigits(rng, 9)
			sum := 0
			for i, w := range []int{6, 5, 7, 2, 3, 4, 5, 6, 7} {
				sum += w * int(body[i]-'0')
			}
			if sum%11 != 10 {
				return body + strconv.Itoa(sum%11), 9
			}
		}
	},
}

func TestValidateComputedNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for country, gen := range generators {
		for range 200 {
			number, at := gen(rng)
			want := prefixOf(country) + number
			got, err := taxid.Validate(country, number)
			if err != nil || got != want {
				t.Fatalf("Validate(%q, %q) = %q, %v; want %q", country, number, got, err, want)
			}
			// Any other value of the check digit must be rejected (for GB
			// and FR, whose check is two digits, this changes one of them).
			for d := byte('0'); d <= '9'; d++ {
				if d == number[at] {
					continue
				}
				wrong := number[:at] + string(d) + number[at+1:]
				if got, err := taxid.Validate(country, wrong); err == nil {
					t.Fatalf("Validate(%q, %q) = %q; want invalid (check digit of %q changed)", country, wrong, got, number)
				}
			}
		}
	}
}

// TestSingleDigitErrorsDetected mistypes every digit of every real-world
// number of the countries whose check digits catch any single wrong digit
// (a weight coprime with the modulus at every position), and expects each
// mistyped number to be rejected.
func TestSingleDigitErrorsDetected(t *testing.T) {
	detectsAll := map[string]bool{
		"AT": true, "BE": true, "DE": true, "DK": true, "EE": true, "FI": true, "HR": true, "HU": true,
		"IT": true, "LU": true, "MT": true, "PL": true, "SE": true, "CH": true, "NO": true,
	}
	tried := 0
	for _, line := range strings.Split(realWorldValid, "\n") {
		if strings.TrimSpace(line) == "" || !detectsAll[countryOfLine(line)] {
			continue
		}
		country := countryOfLine(line)
		good, err := taxid.Validate(country, line)
		if err != nil {
			t.Fatalf("Validate(%q, %q): %v", country, line, err)
		}
		for i := len(prefixOf(country)); i < len(good); i++ {
			if good[i] < '0' || good[i] > '9' {
				continue
			}
			for d := byte('0'); d <= '9'; d++ {
				if d == good[i] {
					continue
				}
				typo := good[:i] + string(d) + good[i+1:]
				tried++
				if got, err := taxid.Validate(country, typo); err == nil {
					t.Errorf("Validate(%q, %q) = %q; want invalid (one digit of %q changed)", country, typo, got, good)
				}
			}
		}
	}
	if tried < 1000 {
		t.Errorf("only %d mistyped numbers tried", tried)
	}
}

func TestCountriesAreWhatIsCountryAccepts(t *testing.T) {
	list := taxid.Countries()
	if len(list) != 249 {
		t.Fatalf("%d countries, want 249", len(list))
	}
	for i, c := range list {
		if !taxid.IsCountry(c) || (i > 0 && list[i-1] >= c) {
			t.Fatalf("%q at %d", c, i)
		}
	}
}
