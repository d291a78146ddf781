package invoicepdf

import (
	"testing"
	"time"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		lang, cur string
		minor     int64
		want      string
	}{
		{"en", "EUR", 123456, "€1,234.56"},
		{"en", "USD", 5, "$0.05"},
		{"en", "EUR", -123456, "-€1,234.56"},
		{"en", "JPY", 1234, "¥1,234"},          // no minor digits
		{"en", "BHD", 1234567, "BHD1,234.567"}, // three minor digits
		{"fr", "EUR", 123456, "1\u00a0234,56\u00a0€"},
		{"fr", "EUR", -50, "-0,50\u00a0€"},
		{"fr", "USD", 100, "1,00\u00a0$US"},
		{"de", "EUR", 123456, "1.234,56\u00a0€"},
		{"de", "EUR", 123456789, "1.234.567,89\u00a0€"},
		{"es", "EUR", 123456, "1234,56\u00a0€"}, // CLDR minimumGroupingDigits 2
		{"es", "EUR", 1234567, "12.345,67\u00a0€"},
		{"pl", "PLN", 123456, "1234,56\u00a0zł"},
		{"pl", "PLN", 1234567, "12\u00a0345,67\u00a0zł"},
		{"it", "EUR", 123456, "1.234,56\u00a0€"},
		{"pt-BR", "BRL", 123456, "R$\u00a01.234,56"},
		{"pt-BR", "BRL", -123456, "-R$\u00a01.234,56"},
		{"ar", "EUR", 123456, "١٬٢٣٤٫٥٦ €"},
		{"ar", "EUR", -123456, "\u061c-١٬٢٣٤٫٥٦ €"},
	} {
		loc, err := localeFor(c.lang)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := loc.currency(c.cur)
		if err != nil {
			t.Fatal(err)
		}
		if got := loc.Money(cur, c.minor); got != c.want {
			t.Errorf("%s %s %d = %q, want %q", c.lang, c.cur, c.minor, got, c.want)
		}
	}
}

func TestPercentAndNumber(t *testing.T) {
	for _, c := range []struct {
		lang string
		bp   int64
		want string
	}{
		{"en", 2000, "20%"}, {"en", 550, "5.5%"}, {"en", 725, "7.25%"}, {"en", 0, "0%"},
		{"fr", 2000, "20\u00a0%"}, {"de", 1900, "19\u00a0%"}, {"es", 2100, "21\u00a0%"},
		{"pl", 2300, "23%"}, {"it", 2200, "22%"}, {"pt-BR", 1700, "17%"}, {"ar", 1500, "١٥٪"},
		{"de", 550, "5,5\u00a0%"},
	} {
		loc, _ := localeFor(c.lang)
		if got := loc.Percent(c.bp); got != c.want {
			t.Errorf("%s %d bp = %q, want %q", c.lang, c.bp, got, c.want)
		}
	}
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 48250000, "48,250,000"}, {"fr", 48250000, "48\u00a0250\u00a0000"}, {"de", 1000, "1.000"},
		{"es", 1000, "1000"}, {"pl", 1000, "1000"}, {"pl", 10000, "10\u00a0000"}, {"ar", 48, "٤٨"},
		{"en", -3, "-3"},
	} {
		loc, _ := localeFor(c.lang)
		if got := loc.Number(c.n); got != c.want {
			t.Errorf("%s %d = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en":    "March 5, 2026",
		"fr":    "5 mars 2026",
		"de":    "5. März 2026",
		"es":    "5 de marzo de 2026",
		"pl":    "5 marca 2026",
		"it":    "5 marzo 2026",
		"pt-BR": "5 de março de 2026",
		"ar":    "٥ مارس ٢٠٢٦",
	} {
		loc, _ := localeFor(lang)
		if got := loc.Date(d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	loc, _ := localeFor("en")
	jan := loc.Period(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	if jan != "January 1, 2026 – January 31, 2026" {
		t.Errorf("half-open period: %q", jan)
	}
	// A date keeps its own location: 23:30 in Paris is still that day there.
	paris, err := time.LoadLocation("Europe/Paris")
	if err == nil {
		if got := loc.Date(time.Date(2026, 12, 31, 23, 30, 0, 0, paris)); got != "December 31, 2026" {
			t.Errorf("location: %q", got)
		}
	}
}

func TestCountry(t *testing.T) {
	for _, c := range []struct{ lang, code, want string }{
		{"de", "FR", "Frankreich"}, {"pl", "DE", "Niemcy"}, {"ar", "SA", "المملكة العربية السعودية"},
		{"en", "", ""}, {"en", "ZZZ", "ZZZ"},
	} {
		loc, _ := localeFor(c.lang)
		if got := loc.Country(c.code); got != c.want {
			t.Errorf("%s %q = %q, want %q", c.lang, c.code, got, c.want)
		}
	}
}

func TestRuns(t *testing.T) {
	fs, err := faces()
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := newFontPairs(fs)
	for _, c := range []struct {
		text string
		want []string // run texts, Arabic face marked with a leading "ar:"
	}{
		{"Invoice 12", []string{"Invoice 12"}},
		{"Łódź Żółć", []string{"Łódź Żółć"}},
		{"خطة Team — مقاعد", []string{"ar:خطة ", "Team — ", "ar:مقاعد"}},
		{"١٬٢٣٤٫٥٦ €", []string{"ar:١٬٢٣٤٫٥٦ ", "€"}},
		{"يومًا", []string{"ar:يوما"}},            // harakat dropped (folio misplaces them)
		{"ر.س.\u200f ١٠", []string{"ar:ر.س. ١٠"}}, // RLM dropped
		{"(رموز)", []string{"(", "ar:رموز", ")"}},
	} {
		var got []string
		for _, r := range reg.runs(c.text, 9, colorText) {
			s := r.Text
			if r.Embedded == reg.arabic {
				s = "ar:" + s
			} else if r.Embedded != reg.latin {
				t.Fatalf("%q: run %q in an unexpected font", c.text, r.Text)
			}
			got = append(got, s)
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: runs %q, want %q", c.text, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: runs %q, want %q", c.text, got, c.want)
				break
			}
		}
	}
}
