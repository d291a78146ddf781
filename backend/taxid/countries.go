package taxid

import (
	"sort"
	"strings"
)

// iso3166 holds every officially assigned ISO 3166-1 alpha-2 code (249).
// Reserved codes (EL, UK, EU, XI, XK, ...) are not countries and are rejected:
// Greece is GR, the United Kingdom is GB.
var iso3166 = func() map[string]bool {
	const codes = `
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG UM US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`
	m := map[string]bool{}
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

// euMembers are the 27 member states of the European Union, by ISO code.
var euMembers = map[string]bool{
	"AT": true, "BE": true, "BG": true, "CY": true, "CZ": true, "DE": true,
	"DK": true, "EE": true, "ES": true, "FI": true, "FR": true, "GR": true,
	"HR": true, "HU": true, "IE": true, "IT": true, "LT": true, "LU": true,
	"LV": true, "MT": true, "NL": true, "PL": true, "PT": true, "RO": true,
	"SE": true, "SI": true, "SK": true,
}

// IsEU reports whether a country is an EU member state (the 27, by ISO
// 3166-1 alpha-2 code; Greece is "GR"). Case and surrounding spaces are
// ignored.
func IsEU(country string) bool { return euMembers[canonCountry(country)] }

// canonCountry upper-cases (ASCII only) and trims a country code.
func canonCountry(country string) string {
	return asciiUpper(strings.TrimSpace(country))
}

// IsCountry reports whether country is an ISO 3166-1 alpha-2 code.
func IsCountry(country string) bool { return iso3166[canonCountry(country)] }

// Countries lists the ISO 3166-1 alpha-2 codes, sorted: the choices a form
// offers are exactly the codes IsCountry accepts.
func Countries() []string {
	out := make([]string, 0, len(iso3166))
	for c := range iso3166 {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
