package invoicepdf

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Languages are the document languages Render accepts.
var Languages = []string{"en", "fr", "de", "es", "pl", "it", "pt-BR", "ar"}

const (
	nbsp   = "\u00a0" // no-break space: between number and currency symbol or % sign
	enDash = "\u2013"
)

// locale holds what golang.org/x/text does not know about a language's
// invoice conventions (CLDR currency patterns, month names, date order) next
// to the x/text printer that formats digits, grouping and decimal separators.
type locale struct {
	lang    string
	tag     language.Tag
	printer *message.Printer
	rtl     bool

	// symbolFirst: CLDR pattern "¤#,##0.00" (en, pt-BR) rather than "#,##0.00 ¤".
	symbolFirst bool
	// symbolSep separates symbol and number ("" for en "€1.00").
	symbolSep string
	// percentSep separates a number and the percent sign ("20 %" in fr, de, es).
	percentSep string
	// percentSign is "%" or, in Arabic, U+066A ARABIC PERCENT SIGN.
	percentSign string
	// minGrouping2: CLDR minimumGroupingDigits=2 (es, pl): 1234,56 but 12.345,67.
	// x/text ignores it, so the renderer applies it.
	minGrouping2 bool

	months [12]string
	// date lays out day, month name and year (digits already localized).
	date func(day, month, year string) string

	// Derived from x/text at construction.
	decimalSep string
	minus      string
}

var locales = func() map[string]*locale {
	m := map[string]*locale{
		"en": {symbolFirst: true, percentSign: "%",
			months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			date:   func(d, m, y string) string { return m + " " + d + ", " + y }},
		"fr": {symbolSep: nbsp, percentSep: nbsp, percentSign: "%",
			months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
			date:   func(d, m, y string) string { return d + " " + m + " " + y }},
		"de": {symbolSep: nbsp, percentSep: nbsp, percentSign: "%",
			months: [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
			date:   func(d, m, y string) string { return d + ". " + m + " " + y }},
		"es": {symbolSep: nbsp, percentSep: nbsp, percentSign: "%", minGrouping2: true,
			months: [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
			date:   func(d, m, y string) string { return d + " de " + m + " de " + y }},
		"pl": {symbolSep: nbsp, percentSign: "%", minGrouping2: true,
			// Genitive forms, as in "5 stycznia 2026".
			months: [12]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
			date:   func(d, m, y string) string { return d + " " + m + " " + y }},
		"it": {symbolSep: nbsp, percentSign: "%",
			months: [12]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"},
			date:   func(d, m, y string) string { return d + " " + m + " " + y }},
		"pt-BR": {symbolFirst: true, symbolSep: nbsp, percentSign: "%",
			months: [12]string{"janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"},
			date:   func(d, m, y string) string { return d + " de " + m + " de " + y }},
		// A plain space: folio v0.11.0 drops a no-break space at a change of
		// font, and Arabic digits and "€" come from different fonts.
		"ar": {rtl: true, symbolSep: " ", percentSign: "\u066a",
			months: [12]string{"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"},
			date:   func(d, m, y string) string { return d + " " + m + " " + y }},
	}
	for lang, l := range m {
		l.lang = lang
		l.tag = language.MustParse(lang)
		l.printer = message.NewPrinter(l.tag)
		// "0.0" in the language's digits gives its decimal separator; "-1"
		// gives its minus sign (Arabic: U+061C ARABIC LETTER MARK + "-").
		zero := l.printer.Sprint(number.Decimal(0, number.Scale(1)))
		_, first := utf8.DecodeRuneInString(zero)
		_, last := utf8.DecodeLastRuneInString(zero)
		l.decimalSep = zero[first : len(zero)-last]
		neg := l.printer.Sprint(number.Decimal(-1))
		_, one := utf8.DecodeLastRuneInString(neg)
		l.minus = neg[:len(neg)-one]
	}
	return m
}()

func localeFor(lang string) (*locale, error) {
	l, ok := locales[lang]
	if !ok {
		return nil, fmt.Errorf("invoicepdf: unsupported language %q (want one of %s)", lang, strings.Join(Languages, ", "))
	}
	return l, nil
}

// integer formats a non-negative integer with the language's digits and
// grouping.
func (l *locale) integer(n int64) string {
	if l.minGrouping2 && n < 10000 {
		return l.printer.Sprint(number.Decimal(n, number.NoSeparator()))
	}
	return l.printer.Sprint(number.Decimal(n))
}

// digits formats n with the language's digits, no grouping, at least width digits.
func (l *locale) digits(n int64, width int) string {
	opts := []number.Option{number.NoSeparator()}
	if width > 1 {
		opts = append(opts, number.MinIntegerDigits(width))
	}
	return l.printer.Sprint(number.Decimal(n, opts...))
}

// Number formats a signed integer (a quantity) for the language.
func (l *locale) Number(n int64) string {
	if n < 0 {
		return l.minus + l.integer(uabs(n))
	}
	return l.integer(n)
}

// decimal formats v / 10^scale exactly, from integers: no float is involved.
func (l *locale) decimal(v int64, scale int) string {
	neg := v < 0
	a := uabs(v)
	pow := int64(1)
	for range scale {
		pow *= 10
	}
	s := l.integer(a / pow)
	if scale > 0 {
		s += l.decimalSep + l.digits(a%pow, scale)
	}
	if neg {
		s = l.minus + s
	}
	return s
}

func uabs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// money is a currency with its CLDR symbol for a language and its number of
// minor digits.
type money struct {
	code   string
	symbol string
	scale  int
}

func (l *locale) currency(code string) (money, error) {
	cu, err := currency.ParseISO(code)
	if err != nil {
		return money{}, fmt.Errorf("invoicepdf: currency %q: %w", code, err)
	}
	scale, _ := currency.Standard.Rounding(cu)
	return money{code: cu.String(), symbol: l.printer.Sprint(currency.Symbol(cu)), scale: scale}, nil
}

// Money formats an amount in minor units following the language's CLDR
// currency pattern: en "€1,234.56", fr "1 234,56 €", de "1.234,56 €",
// pt-BR "R$ 1.234,56", ar "١٬٢٣٤٫٥٦ €". A negative amount (credit notes) puts
// the language's minus sign first: "-€1,234.56", "-1.234,56 €".
func (l *locale) Money(m money, minor int64) string {
	num := l.decimal(uabs(minor), m.scale)
	var s string
	if l.symbolFirst {
		s = m.symbol + l.symbolSep + num
	} else {
		s = num + l.symbolSep + m.symbol
	}
	if minor < 0 {
		s = l.minus + s
	}
	return s
}

// Percent formats a rate in basis points (2000 = 20 %, 550 = 5.5 %).
func (l *locale) Percent(bp int64) string {
	neg := bp < 0
	a := uabs(bp)
	s := l.integer(a / 100)
	if frac := a % 100; frac != 0 {
		if frac%10 == 0 {
			s += l.decimalSep + l.digits(frac/10, 1)
		} else {
			s += l.decimalSep + l.digits(frac, 2)
		}
	}
	if neg {
		s = l.minus + s
	}
	return s + l.percentSep + l.percentSign
}

// Date formats a calendar date in the language's long form with month names:
// en "January 5, 2026", fr "5 janvier 2026", de "5. Januar 2026",
// es "5 de enero de 2026", pl "5 stycznia 2026", ar "٥ يناير ٢٠٢٦".
// The date is read in t's own location.
func (l *locale) Date(t time.Time) string {
	y, m, d := t.Date()
	return l.date(l.digits(int64(d), 1), l.months[m-1], l.digits(int64(y), 1))
}

// Period formats a billing period given as the half-open range [start, end),
// as billing stores it: an end at midnight is shown as the day before, so
// January reads "January 1, 2026 – January 31, 2026".
func (l *locale) Period(start, end time.Time) string {
	if h, mi, s := end.Clock(); h == 0 && mi == 0 && s == 0 && end.Nanosecond() == 0 && end.After(start) {
		end = end.AddDate(0, 0, -1)
	}
	return l.Date(start) + " " + enDash + " " + l.Date(end)
}

// Country is the region's name in the language ("DE" -> "Deutschland"), or
// the code itself when x/text does not know it.
func (l *locale) Country(code string) string {
	if code == "" {
		return ""
	}
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return code
	}
	if name := display.Regions(l.tag).Name(r); name != "" {
		return name
	}
	return code
}
