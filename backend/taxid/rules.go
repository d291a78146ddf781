package taxid

import "strings"

// The country rules. Each check receives the number without its prefix,
// already cleaned and upper-cased, and returns its canonical form.
//
// Check digits are verified where the algorithm is published and well
// established; "pattern only" below means the format is checked but a
// checksum is not (because there is none, or because no authoritative
// description of it exists).
//
// References: the VIES formats of the European Commission ("VAT number
// validation" FAQ), the national authorities' descriptions where they
// publish one, and the python-stdnum library, whose collected real numbers
// the tests use.
var rules = func() map[string]rule {
	eu := map[string]func(string) (string, bool){
		"AT": checkAT, "BE": checkBE, "BG": checkBG, "CY": checkCY,
		"CZ": checkCZ, "DE": checkDE, "DK": checkDK, "EE": checkEE,
		"ES": checkES, "FI": checkFI, "FR": checkFR,
		"HR": checkHR, "HU": checkHU, "IE": checkIE, "IT": checkIT,
		"LT": checkLT, "LU": checkLU, "LV": checkLV, "MT": checkMT,
		"NL": checkNL, "PL": checkPL, "PT": checkPT, "RO": checkRO,
		"SE": checkSE, "SI": checkSI, "SK": checkSK,
	}
	m := map[string]rule{}
	for c, check := range eu {
		m[c] = rule{prefix: c, check: check}
	}
	// Greece is GR as a country but EL in VAT numbers.
	m["GR"] = rule{prefix: "EL", alt: []string{"GR"}, check: checkEL}
	m["GB"] = rule{prefix: "GB", alt: []string{"XI"}, keepAlt: true, check: checkGB}
	m["CH"] = rule{prefix: "CHE", check: checkCH}
	m["NO"] = rule{prefix: "NO", check: checkNO}
	m["US"] = rule{check: checkUS}
	return m
}()

// checkGeneric: 2 to 20 letters and digits, for countries without a rule.
func checkGeneric(s string) (string, bool) {
	if len(s) < 2 || len(s) > 20 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !isUpperLetter(s[i]) && (s[i] < '0' || s[i] > '9') {
			return "", false
		}
	}
	return s, true
}

// AT, UID: "U" + 8 digits; the last is a Luhn-style check digit over
// digits 1-7 (weights 1,2,1,2,... with digit sums) offset by 4.
func checkAT(s string) (string, bool) {
	if len(s) != 9 || s[0] != 'U' || !allDigits(s[1:]) {
		return "", false
	}
	sum := 0
	for i := 1; i <= 7; i++ {
		d := dig(s, i)
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return s, (10-(sum+4)%10)%10 == dig(s, 8)
}

// BE, enterprise number: 10 digits starting with 0 or 1 (the old 9-digit
// form gets a leading 0); the last two are 97 - (first 8 mod 97).
func checkBE(s string) (string, bool) {
	if len(s) == 9 {
		s = "0" + s
	}
	if len(s) != 10 || !allDigits(s) || (s[0] != '0' && s[0] != '1') {
		return "", false
	}
	return s, 97-num(s[:8])%97 == num(s[8:])
}

// BG: 9 digits for legal entities (weights 1..8, or 3..10 when the first
// sum gives 10, mod 11); 10 digits for persons, accepted when they are a
// valid EGN (civil number, with its birth date), a valid personal number of
// a foreigner (LNCh) or a valid "other" number.
func checkBG(s string) (string, bool) {
	if !allDigits(s) {
		return "", false
	}
	switch len(s) {
	case 9:
		c := weighted(s, 1, 2, 3, 4, 5, 6, 7, 8) % 11
		if c == 10 {
			c = weighted(s, 3, 4, 5, 6, 7, 8, 9, 10) % 11 % 10
		}
		return s, c == dig(s, 8)
	case 10:
		return s, bgEGN(s) || bgForeigner(s) || bgOther(s)
	}
	return "", false
}

func bgEGN(s string) bool {
	year, month, day := 1900+int(num(s[0:2])), int(num(s[2:4])), int(num(s[4:6]))
	switch {
	case month > 40:
		year, month = year+100, month-40
	case month > 20:
		year, month = year-100, month-20
	}
	return validDate(year, month, day) &&
		weighted(s, 2, 4, 8, 5, 10, 9, 7, 3, 6)%11%10 == dig(s, 9)
}

func bgForeigner(s string) bool {
	return weighted(s, 21, 19, 17, 13, 11, 9, 7, 3, 1)%10 == dig(s, 9)
}

func bgOther(s string) bool {
	return (11-weighted(s, 4, 3, 2, 7, 6, 5, 4, 3, 2)%11)%11 == dig(s, 9)
}

// CY: 8 digits + check letter (odd positions translated, even positions
// as is, sum mod 26 as A-Z). Numbers starting with 12 are not issued.
func checkCY(s string) (string, bool) {
	if len(s) != 9 || !allDigits(s[:8]) || !isUpperLetter(s[8]) || s[:2] == "12" {
		return "", false
	}
	odd := [10]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21}
	sum := 0
	for i := 0; i < 8; i++ {
		if i%2 == 0 {
			sum += odd[dig(s, i)]
		} else {
			sum += dig(s, i)
		}
	}
	return s, byte('A'+sum%26) == s[8]
}

// CZ, DIČ: 8 digits for legal entities (weights 8..2, mod 11; not starting
// with 9); 9 digits starting with 6 for individuals without a birth number
// (special check digit); otherwise a 9- or 10-digit birth number (rodné
// číslo: a real birth date, and for 10 digits the whole number mod 11).
func checkCZ(s string) (string, bool) {
	if !allDigits(s) {
		return "", false
	}
	switch {
	case len(s) == 8:
		if s[0] == '9' {
			return "", false
		}
		c := (11 - weighted(s, 8, 7, 6, 5, 4, 3, 2)%11) % 11
		if c == 0 {
			c = 1
		}
		return s, c%10 == dig(s, 7)
	case len(s) == 9 && s[0] == '6':
		sum := weighted(s[1:], 8, 7, 6, 5, 4, 3, 2) % 11
		c := ((8-(10-sum)%11)%10 + 10) % 10
		return s, c == dig(s, 8)
	case len(s) == 9 || len(s) == 10:
		return s, birthNumber(s)
	}
	return "", false
}

// birthNumber validates a Czech or Slovak rodné číslo (9 digits before
// 1954, 10 digits since, the 10-digit ones divisible by 11 with the
// documented exception of a remainder 10 giving check digit 0).
func birthNumber(s string) bool {
	year := 1900 + int(num(s[0:2]))
	month := int(num(s[2:4])) % 50 % 20 // women +50, overflow series +20
	day := int(num(s[4:6]))
	if len(s) == 9 {
		if year >= 1980 {
			year -= 100
		}
		if year > 1953 {
			return false
		}
	} else if year < 1954 {
		year += 100
	}
	if !validDate(year, month, day) {
		return false
	}
	return len(s) == 9 || num(s[:9])%11%10 == int64(dig(s, 9))
}

// DE, USt-IdNr.: 9 digits not starting with 0, ISO 7064 MOD 11,10.
func checkDE(s string) (string, bool) {
	if len(s) != 9 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	return s, mod11_10Valid(s)
}

// DK, CVR: 8 digits not starting with 0, weights 2,7,6,5,4,3,2,1 mod 11 = 0.
func checkDK(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	return s, weighted(s, 2, 7, 6, 5, 4, 3, 2, 1)%11 == 0
}

// EE, KMKR: 9 digits, weights 3,7,1,... mod 10 = 0.
func checkEE(s string) (string, bool) {
	if len(s) != 9 || !allDigits(s) {
		return "", false
	}
	return s, weighted(s, 3, 7, 1, 3, 7, 1, 3, 7, 1)%10 == 0
}

// EL (Greece), AFM: 9 digits (the old 8-digit form gets a leading 0); the
// last is sum(d_i * 2^(8-i)) mod 11 mod 10.
func checkEL(s string) (string, bool) {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 || !allDigits(s) {
		return "", false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum = sum*2 + dig(s, i)
	}
	return s, sum*2%11%10 == dig(s, 8)
}

// ES, NIF: 9 characters. A DNI (8 digits + letter), a NIE (X/Y/Z + 7 digits
// + letter), a K/L/M NIF (letter + 7 digits + letter, DNI algorithm) or a
// CIF for legal entities (letter + 7 digits + check digit or check letter).
// Sources disagree on which entity types use the digit and which the
// letter, so a CIF accepts either form of the right check value.
func checkES(s string) (string, bool) {
	const letters = "TRWAGMYFPDXBNJZSQVHLCKE"
	if len(s) != 9 || !allDigits(s[1:8]) {
		return "", false
	}
	first, last := s[0], s[8]
	switch {
	case first >= '0' && first <= '9':
		return s, allDigits(s[:8]) && letters[num(s[:8])%23] == last
	case first == 'X' || first == 'Y' || first == 'Z':
		n := int64(first-'X')*10_000_000 + num(s[1:8])
		return s, letters[n%23] == last
	case first == 'K' || first == 'L' || first == 'M':
		return s, letters[num(s[1:8])%23] == last
	case strings.IndexByte("ABCDEFGHJNPQRSUVW", first) >= 0:
		c := luhnCheckDigit(s[1:8])
		return s, last == byte('0'+c) || last == "JABCDEFGHI"[c]
	}
	return "", false
}

// FI, ALV: 8 digits (the Y-tunnus without its dash), weights
// 7,9,10,5,8,4,2,1 mod 11 = 0.
func checkFI(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) {
		return "", false
	}
	return s, weighted(s, 7, 9, 10, 5, 8, 4, 2, 1)%11 == 0
}

// FR, numéro de TVA: a 2-character key + the 9-digit SIREN. The SIREN must
// pass Luhn (except "000..." numbers, issued to Monaco companies without a
// SIREN). A numeric key must equal (12 + 3 * (SIREN mod 97)) mod 97. Keys
// with letters (new-style, alphabet without I and O) are checked by
// pattern only: their algorithm is not officially published.
func checkFR(s string) (string, bool) {
	const keyAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	if len(s) != 11 || !allDigits(s[2:]) ||
		strings.IndexByte(keyAlphabet, s[0]) < 0 || strings.IndexByte(keyAlphabet, s[1]) < 0 {
		return "", false
	}
	siren := s[2:]
	if siren[:3] != "000" && !luhnValid(siren) {
		return "", false
	}
	if allDigits(s[:2]) {
		return s, num(s[:2]) == (12+3*(num(siren)%97))%97
	}
	return s, true
}

// HR, OIB: 11 digits, ISO 7064 MOD 11,10.
func checkHR(s string) (string, bool) {
	if len(s) != 11 || !allDigits(s) {
		return "", false
	}
	return s, mod11_10Valid(s)
}

// HU: 8 digits, weights 9,7,3,1,9,7,3,1 mod 10 = 0.
func checkHU(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) {
		return "", false
	}
	return s, weighted(s, 9, 7, 3, 1, 9, 7, 3, 1)%10 == 0
}

// IE: new format 7 digits + check letter, optionally + a second letter
// (A-I or W, since 2013: "1234567FA"); old format digit + letter/+/* +
// 5 digits + check letter. Check letter: weights 8..2 (+ 9 x the second
// letter's value) mod 23 over "WABC...V".
func checkIE(s string) (string, bool) {
	const alphabet = "WABCDEFGHIJKLMNOPQRSTUV"
	if len(s) != 8 && len(s) != 9 {
		return "", false
	}
	if allDigits(s[:7]) {
		sum := weighted(s, 8, 7, 6, 5, 4, 3, 2)
		if len(s) == 9 {
			v := strings.IndexByte(alphabet[:10], s[8]) // W=0, A=1 .. I=9
			if v < 0 {
				return "", false
			}
			sum += 9 * v
		}
		return s, alphabet[sum%23] == s[7]
	}
	// old format: the check covers "0" + digits 3-7 + digit 1
	if len(s) != 8 || s[0] < '0' || s[0] > '9' || !allDigits(s[2:7]) ||
		(!isUpperLetter(s[1]) && s[1] != '+' && s[1] != '*') {
		return "", false
	}
	sum := weighted("0"+s[2:7]+s[:1], 8, 7, 6, 5, 4, 3, 2)
	return s, alphabet[sum%23] == s[7]
}

// IT, partita IVA: 11 digits, Luhn, the 7-digit company number not zero.
// (The office code in digits 8-10 is not checked against a list.)
func checkIT(s string) (string, bool) {
	if len(s) != 11 || !allDigits(s) || num(s[:7]) == 0 {
		return "", false
	}
	return s, luhnValid(s)
}

// LT, PVM kodas: 9 digits (legal entities, 8th digit 1) or 12 digits
// (temporarily registered, 11th digit 1); weights 1..9,1,2 mod 11, retried
// with weights shifted by 2 when the first sum gives 10.
func checkLT(s string) (string, bool) {
	if !allDigits(s) {
		return "", false
	}
	switch {
	case len(s) == 9 && s[7] == '1', len(s) == 12 && s[10] == '1':
	default:
		return "", false
	}
	n := len(s) - 1
	sum := 0
	for i := 0; i < n; i++ {
		sum += (1 + i%9) * dig(s, i)
	}
	c := sum % 11
	if c == 10 {
		sum = 0
		for i := 0; i < n; i++ {
			sum += (1 + (i+2)%9) * dig(s, i)
		}
		c = sum % 11
	}
	return s, c%10 == dig(s, n)
}

// LU: 8 digits, the first 6 mod 89 give the last 2.
func checkLU(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) {
		return "", false
	}
	return s, num(s[:6])%89 == num(s[6:])
}

// LV, PVN: 11 digits. Legal entities (first digit above 3): weights
// 9,1,4,8,3,10,2,5,7,6,1 mod 11 = 3. Natural persons use their personal
// code, checked by pattern only (its check digit is not officially
// published): ddmmyy + century digit 0-2 with a real date, or the
// date-less codes issued since 2017, which start with 32.
func checkLV(s string) (string, bool) {
	if len(s) != 11 || !allDigits(s) {
		return "", false
	}
	if s[0] > '3' {
		return s, weighted(s, 9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1)%11 == 3
	}
	if s[:2] == "32" {
		return s, true
	}
	century := dig(s, 6)
	if century > 2 {
		return "", false
	}
	year := 1800 + 100*century + int(num(s[4:6]))
	return s, validDate(year, int(num(s[2:4])), int(num(s[0:2])))
}

// MT: 8 digits not starting with 0, weights 3,4,6,7,8,9,10,1 mod 37 = 0.
func checkMT(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	return s, weighted(s, 3, 4, 6, 7, 8, 9, 10, 1)%37 == 0
}

// NL, btw-identificatienummer: 9 digits + "B" + 2 digits (not 00); shorter
// digit parts are zero-padded. Valid when the 9 digits pass the classic
// 11-test (weights 9..2 and -1, the RSIN/BSN rule) or, for the numbers
// issued to sole proprietors since 2020, when "NL" + the whole number is 1
// mod 97 (ISO 7064 MOD 97-10, letters as in IBANs).
func checkNL(s string) (string, bool) {
	b := len(s) - 3
	if b < 7 || b > 9 || s[b] != 'B' || !allDigits(s[:b]) || !allDigits(s[b+1:]) || s[b+1:] == "00" {
		return "", false
	}
	s = strings.Repeat("0", 9-b) + s
	if num(s[:9]) == 0 {
		return "", false
	}
	elf := weighted(s, 9, 8, 7, 6, 5, 4, 3, 2) - dig(s, 8)
	return s, elf%11 == 0 || mod97("NL"+s) == 1
}

// PL, NIP: 10 digits, weights 6,5,7,2,3,4,5,6,7 mod 11 give the last
// (a remainder of 10 is never issued).
func checkPL(s string) (string, bool) {
	if len(s) != 10 || !allDigits(s) {
		return "", false
	}
	return s, weighted(s, 6, 5, 7, 2, 3, 4, 5, 6, 7)%11 == dig(s, 9)
}

// PT, NIF: 9 digits not starting with 0, weights 9..2; check digit
// 11 - sum mod 11, 10 and 11 giving 0.
func checkPT(s string) (string, bool) {
	if len(s) != 9 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	c := 11 - weighted(s, 9, 8, 7, 6, 5, 4, 3, 2)%11
	if c >= 10 {
		c = 0
	}
	return s, c == dig(s, 8)
}

// RO, CIF: 2 to 10 digits not starting with 0 (CUI: weights 7,5,3,2,1,
// 7,5,3,2 right-aligned, 10 x sum mod 11 mod 10), or a 13-digit personal
// code (CNP) with a real birth date and its check digit (weights
// 2,7,9,1,4,6,3,5,8,2,7,9 mod 11, 10 giving 1).
func checkRO(s string) (string, bool) {
	if !allDigits(s) || s[0] == '0' {
		return "", false
	}
	switch {
	case len(s) >= 2 && len(s) <= 10:
		body := strings.Repeat("0", 10-len(s)) + s[:len(s)-1]
		c := 10 * weighted(body, 7, 5, 3, 2, 1, 7, 5, 3, 2) % 11 % 10
		return s, c == dig(s, len(s)-1)
	case len(s) == 13:
		century := 1900 // 1, 2; and 7, 8, 9 (residents and foreigners)
		switch s[0] {
		case '3', '4':
			century = 1800
		case '5', '6':
			century = 2000
		}
		if !validDate(century+int(num(s[1:3])), int(num(s[3:5])), int(num(s[5:7]))) {
			return "", false
		}
		c := weighted(s, 2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9) % 11
		if c == 10 {
			c = 1
		}
		return s, c == dig(s, 12)
	}
	return "", false
}

// SE, momsregistreringsnummer: the 10-digit organisation number (Luhn)
// followed by 01.
func checkSE(s string) (string, bool) {
	if len(s) != 12 || !allDigits(s) || s[10:] != "01" {
		return "", false
	}
	return s, luhnValid(s[:10])
}

// SI, ID za DDV: 8 digits not starting with 0, weights 8..2; check digit
// 11 - sum mod 11, 10 giving 0 and 11 never issued.
func checkSI(s string) (string, bool) {
	if len(s) != 8 || !allDigits(s) || s[0] == '0' {
		return "", false
	}
	c := 11 - weighted(s, 8, 7, 6, 5, 4, 3, 2)%11
	if c == 11 {
		return "", false
	}
	return s, c%10 == dig(s, 7)
}

// SK, IČ DPH: 10 digits, not starting with 0, third digit 2, 3, 4, 7, 8 or
// 9, the whole number divisible by 11; or a valid birth number.
func checkSK(s string) (string, bool) {
	if len(s) != 10 || !allDigits(s) {
		return "", false
	}
	if s[0] != '0' && strings.IndexByte("234789", s[2]) >= 0 && num(s)%11 == 0 {
		return s, true
	}
	return s, birthNumber(s)
}

// GB: 9 digits (or 12 with a 3-digit branch suffix): weights 8..2 on the
// first 7 digits plus the 2-digit check number must be 0 mod 97, or, for
// numbers from 100 0000 00 on, 42 mod 97 (the "9755" scheme: 55 added
// before the remainder). Government departments GD000-GD499 and health
// authorities HA500-HA999 have no check digits.
func checkGB(s string) (string, bool) {
	switch {
	case len(s) == 5 && allDigits(s[2:]):
		n := num(s[2:])
		return s, (s[:2] == "GD" && n < 500) || (s[:2] == "HA" && n >= 500)
	case (len(s) == 9 || len(s) == 12) && allDigits(s):
		r := weighted(s, 8, 7, 6, 5, 4, 3, 2, 10, 1) % 97
		return s, r == 0 || (r == 42 && num(s[:3]) >= 100)
	}
	return "", false
}

// CH, UID/MWST: "CHE" + 9 digits (weights 5,4,3,2,7,6,5,4, check digit
// 11 - sum mod 11, 10 never issued), optionally followed by MWST, TVA, IVA
// or TPV, which is kept.
func checkCH(s string) (string, bool) {
	if len(s) < 9 || !allDigits(s[:9]) {
		return "", false
	}
	switch s[9:] {
	case "", "MWST", "TVA", "IVA", "TPV":
	default:
		return "", false
	}
	c := (11 - weighted(s, 5, 4, 3, 2, 7, 6, 5, 4)%11) % 11
	return s, c == dig(s, 8)
}

// NO, organisasjonsnummer: 9 digits, weights 3,2,7,6,5,4,3,2,1 mod 11 = 0,
// optionally followed by MVA (VAT-registered), which is kept.
func checkNO(s string) (string, bool) {
	if len(s) != 9 && !(len(s) == 12 && s[9:] == "MVA") {
		return "", false
	}
	if !allDigits(s[:9]) {
		return "", false
	}
	return s, weighted(s, 3, 2, 7, 6, 5, 4, 3, 2, 1)%11 == 0
}

// US, EIN: 9 digits, written XX-XXXXXXX. Pattern only: an EIN has no
// check digit.
func checkUS(s string) (string, bool) {
	return s, len(s) == 9 && allDigits(s)
}
