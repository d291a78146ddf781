package i18n_test

// The locale test: every language file has exactly the message IDs of
// en.toml, the CLDR plural forms its language needs, the same placeholders
// as English, and no untranslated English. Each failure names the file, the
// message ID and what to fix, so a translator can act on it directly.

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"admin-console/backend/i18n"
	"admin-console/locales"
)

// pluralForms are the CLDR plural categories each language uses for
// cardinal numbers (CLDR 42+: French, Spanish, Italian and Portuguese have
// "many" for large round numbers such as 1 000 000).
var pluralForms = map[string][]string{
	"en":    {"one", "other"},
	"fr":    {"one", "many", "other"},
	"de":    {"one", "other"},
	"es":    {"one", "many", "other"},
	"pl":    {"one", "few", "many", "other"},
	"it":    {"one", "many", "other"},
	"pt-BR": {"one", "many", "other"},
	"ar":    {"zero", "one", "two", "few", "many", "other"},
}

// sameAsEnglishAllowed lists messages that may read the same in every
// language: product, plan and sign-in provider names (a plan's name is a
// brand; "Free" is a word, and is translated).
var sameAsEnglishAllowed = map[string]bool{
	"provider.google":          true,
	"provider.microsoft":       true,
	"provider.apple":           true,
	"session.method.google":    true,
	"session.method.microsoft": true,
	"session.method.apple":     true,
	"app.name":                 true,
	"plan.pro":                 true,
	"plan.team":                true,
	"plan.enterprise":          true,
	"plan.experiment":          true,
	"plan.scale":               true,
}

// countsToTry exercise every plural category of every supported language.
var countsToTry = []int{0, 1, 2, 3, 5, 11, 21, 22, 100, 101, 1000000}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

type catalog map[string]map[string]string // id -> form -> text

// loadCatalogs reads every language file of fsys with i18n.Flatten.
func loadCatalogs(fsys fs.FS) (map[string]catalog, error) {
	out := map[string]catalog{}
	for _, lang := range i18n.Languages {
		data, err := fs.ReadFile(fsys, lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("locales/%s.toml: cannot read: %w", lang, err)
		}
		c, err := i18n.Flatten(data)
		if err != nil {
			return nil, fmt.Errorf("locales/%s.toml: not valid: %w", lang, err)
		}
		out[lang] = c
	}
	return out, nil
}

func realCatalogs(t *testing.T) map[string]catalog {
	t.Helper()
	cats, err := loadCatalogs(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats["en"]) == 0 {
		t.Fatal("locales/en.toml has no messages")
	}
	return cats
}

func report(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Error(p)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// isPlural reports whether a message is a plural table: English plural
// messages have forms besides "other".
func isPlural(forms map[string]string) bool {
	_, hasOther := forms["other"]
	return len(forms) > 1 || !hasOther
}

func placeholders(s string) map[string]bool {
	out := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out[m[1]] = true
	}
	return out
}

func unionPlaceholders(forms map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, text := range forms {
		for p := range placeholders(text) {
			out[p] = true
		}
	}
	return out
}

func setString(m map[string]bool) string {
	if len(m) == 0 {
		return "none"
	}
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, "{{."+k+"}}")
	}
	return strings.Join(out, " ")
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// onlyPlaceholders reports whether s is made of placeholders and
// punctuation/space alone (such as "{{.FirstName}} {{.LastName}}").
func onlyPlaceholders(s string) bool {
	rest := placeholderRE.ReplaceAllString(s, "")
	return strings.Trim(rest, " \t.,:;-–—()/") == "" && rest != s
}

// mayOmitCount: forms that stand for one exact number can spell it out
// ("ثانيتين", two seconds) instead of showing {{.Count}}.
func mayOmitCount(lang, form string) bool {
	return lang == "ar" && (form == "zero" || form == "one" || form == "two")
}

// idProblems: every language has exactly the English message IDs.
func idProblems(cats map[string]catalog) []string {
	var out []string
	en := cats["en"]
	for _, lang := range i18n.Languages[1:] {
		c := cats[lang]
		for _, id := range sortedKeys(en) {
			if _, ok := c[id]; !ok {
				out = append(out, fmt.Sprintf("locales/%s.toml: message %q is missing; translate en.toml's %q", lang, id, en[id]["other"]))
			}
		}
		for _, id := range sortedKeys(c) {
			if _, ok := en[id]; !ok {
				out = append(out, fmt.Sprintf("locales/%s.toml: message %q is not in en.toml; remove it (or add it to en.toml first)", lang, id))
			}
		}
	}
	return out
}

// pluralProblems: plural messages have exactly the CLDR forms of their
// language, plain messages stay plain.
func pluralProblems(cats map[string]catalog) []string {
	var out []string
	en := cats["en"]
	for _, id := range sortedKeys(en) {
		enPlural := isPlural(en[id])
		for _, lang := range i18n.Languages {
			forms, ok := cats[lang][id]
			if !ok {
				continue // an ID problem
			}
			need := pluralForms[lang]
			if !enPlural {
				if isPlural(forms) {
					out = append(out, fmt.Sprintf("locales/%s.toml: %q is a plain string in English but a plural table here (forms %v); make it a plain string",
						lang, id, sortedKeys(forms)))
				}
				continue
			}
			for _, f := range need {
				if _, ok := forms[f]; !ok {
					out = append(out, fmt.Sprintf("locales/%s.toml: plural message %q lacks the %q form (%s needs %s)",
						lang, id, f, lang, strings.Join(need, ", ")))
				}
			}
			for _, f := range sortedKeys(forms) {
				if !contains(need, f) {
					out = append(out, fmt.Sprintf("locales/%s.toml: plural message %q has a %q form, which %s does not use (it uses %s); remove it",
						lang, id, f, lang, strings.Join(need, ", ")))
				}
			}
		}
	}
	return out
}

// goi18nProblems cross-checks through go-i18n itself, with its own CLDR
// rules: a plural message with a missing form, or any message that cannot be
// rendered, comes back from the Bundle as its bare ID; a misspelled
// placeholder renders as "<no value>".
func goi18nProblems(fsys fs.FS, cats map[string]catalog) []string {
	b, err := i18n.LoadFS(fsys)
	if err != nil {
		return []string{fmt.Sprintf("go-i18n cannot load the locales: %v", err)}
	}
	var out []string
	en := cats["en"]
	for _, id := range sortedKeys(en) {
		data := map[string]any{}
		for p := range unionPlaceholders(en[id]) {
			data[p] = "X"
		}
		for _, lang := range i18n.Languages {
			if isPlural(en[id]) {
				for _, n := range countsToTry {
					d := map[string]any{}
					for k, v := range data {
						d[k] = v
					}
					got := b.N(lang, id, n, d)
					switch {
					case got == id:
						out = append(out, fmt.Sprintf("locales/%s.toml: %q has no text for count %d (go-i18n finds no plural form for it)", lang, id, n))
					case strings.Contains(got, "<no value>") || strings.Contains(got, "{{"):
						out = append(out, fmt.Sprintf("locales/%s.toml: %q for count %d renders as %q: a placeholder is misspelled", lang, id, n, got))
					}
				}
				continue
			}
			got := b.T(lang, id, data)
			switch {
			case got == id:
				out = append(out, fmt.Sprintf("locales/%s.toml: %q cannot be rendered (missing, or an invalid template)", lang, id))
			case strings.Contains(got, "<no value>") || strings.Contains(got, "{{"):
				out = append(out, fmt.Sprintf("locales/%s.toml: %q renders as %q: a placeholder is misspelled", lang, id, got))
			}
		}
	}
	return out
}

// placeholderProblems: the same {{.Placeholders}} as English.
func placeholderProblems(cats map[string]catalog) []string {
	var out []string
	en := cats["en"]
	for _, lang := range i18n.Languages {
		for _, id := range sortedKeys(en) {
			forms, ok := cats[lang][id]
			if !ok {
				continue
			}
			for _, f := range sortedKeys(forms) {
				text := forms[f]
				if strings.Count(text, "{{") != len(placeholderRE.FindAllString(text, -1)) ||
					strings.Count(text, "}}") != strings.Count(text, "{{") {
					out = append(out, fmt.Sprintf("locales/%s.toml: %q (form %q) has a malformed placeholder in %q; write it as {{.Name}}", lang, id, f, text))
				}
			}
			want := unionPlaceholders(en[id])
			got := unionPlaceholders(forms)
			if !sameSet(got, want) {
				out = append(out, fmt.Sprintf("locales/%s.toml: %q uses placeholders %s, English uses %s; use exactly the English ones (names are case-sensitive)",
					lang, id, setString(got), setString(want)))
				continue
			}
			// Each form has every placeholder, except that a form standing
			// for one exact number may omit the count.
			for _, f := range sortedKeys(forms) {
				have := placeholders(forms[f])
				for _, p := range sortedKeys(want) {
					if !have[p] && !(p == "Count" && mayOmitCount(lang, f)) {
						out = append(out, fmt.Sprintf("locales/%s.toml: %q form %q lacks {{.%s}}: %q", lang, id, f, p, forms[f]))
					}
				}
			}
		}
	}
	return out
}

// untranslatedProblems: no English text left in another language.
func untranslatedProblems(cats map[string]catalog) []string {
	var out []string
	en := cats["en"]
	for _, lang := range i18n.Languages[1:] {
		for _, id := range sortedKeys(en) {
			if sameAsEnglishAllowed[id] {
				continue
			}
			forms, ok := cats[lang][id]
			if !ok {
				continue
			}
			for _, f := range sortedKeys(forms) {
				text := forms[f]
				enText, ok := en[id][f]
				if !ok {
					enText = en[id]["other"]
				}
				if strings.TrimSpace(text) == "" {
					out = append(out, fmt.Sprintf("locales/%s.toml: %q (form %q) is empty; translate %q", lang, id, f, enText))
					continue
				}
				if text == enText && !onlyPlaceholders(text) {
					out = append(out, fmt.Sprintf("locales/%s.toml: %q (form %q) is still in English: %q; translate it", lang, id, f, text))
				}
			}
		}
	}
	return out
}

func TestEveryLanguageHasExactlyTheEnglishIDs(t *testing.T) {
	report(t, idProblems(realCatalogs(t)))
}

func TestPluralFormsFollowCLDR(t *testing.T) {
	if len(pluralForms) != len(i18n.Languages) {
		t.Fatalf("this test knows the plural forms of %d languages, the app has %d: add the new language to pluralForms",
			len(pluralForms), len(i18n.Languages))
	}
	for _, lang := range i18n.Languages {
		if _, ok := pluralForms[lang]; !ok {
			t.Fatalf("no plural forms listed for %s: add them to pluralForms", lang)
		}
	}
	cats := realCatalogs(t)
	plural := 0
	for _, forms := range cats["en"] {
		if isPlural(forms) {
			plural++
		}
	}
	if plural == 0 {
		t.Fatal("en.toml has no plural messages: the test would check nothing")
	}
	report(t, pluralProblems(cats))
}

func TestEveryMessageRendersThroughGoI18n(t *testing.T) {
	report(t, goi18nProblems(locales.FS, realCatalogs(t)))
}

func TestPlaceholdersMatchEnglish(t *testing.T) {
	report(t, placeholderProblems(realCatalogs(t)))
}

func TestNoUntranslatedEnglish(t *testing.T) {
	report(t, untranslatedProblems(realCatalogs(t)))
}

// TestTheChecksCatchBrokenTranslations breaks a copy of the locales in
// every way the checks above are meant to catch, and expects each to be
// reported with the language and the message ID.
func TestTheChecksCatchBrokenTranslations(t *testing.T) {
	original := map[string]string{}
	for _, lang := range i18n.Languages {
		data, err := fs.ReadFile(locales.FS, lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		original[lang] = string(data)
	}
	replace := func(t *testing.T, files map[string]string, lang, old, new string) {
		t.Helper()
		if !strings.Contains(files[lang], old) {
			t.Fatalf("%s.toml has no %q to break", lang, old)
		}
		files[lang] = strings.Replace(files[lang], old, new, 1)
	}
	cases := []struct {
		name   string
		mutate func(t *testing.T, files map[string]string)
		check  func(fsys fs.FS, cats map[string]catalog) []string
		want   []string // fragments of one reported problem
	}{
		{"missing id", func(t *testing.T, f map[string]string) {
			replace(t, f, "de", `"common.save" = "Speichern"`, ``)
		}, ids, []string{"de.toml", `"common.save"`, "missing"}},
		{"extra id", func(t *testing.T, f map[string]string) {
			f["fr"] = `"common.obsolete" = "Obsolète"` + "\n" + f["fr"]
		}, ids, []string{"fr.toml", `"common.obsolete"`, "not in en.toml"}},
		{"missing plural form", func(t *testing.T, f map[string]string) {
			replace(t, f, "pl", "many = \"Zbyt wiele nieudanych prób. Spróbuj ponownie za {{.Count}} sekund.\"\n", "")
		}, plurals, []string{"pl.toml", `"error.auth.throttled"`, `"many"`}},
		{"missing plural form, seen by go-i18n", func(t *testing.T, f map[string]string) {
			replace(t, f, "pl", "many = \"Zbyt wiele nieudanych prób. Spróbuj ponownie za {{.Count}} sekund.\"\n", "")
		}, goi18nProblems, []string{"pl.toml", `"error.auth.throttled"`, "count 5"}},
		{"missing arabic zero form, seen by go-i18n", func(t *testing.T, f map[string]string) {
			replace(t, f, "ar", "zero = \"محاولات فاشلة كثيرة جدًا. حاول مرة أخرى الآن.\"\n", "")
		}, goi18nProblems, []string{"ar.toml", `"error.auth.throttled"`, "count 0"}},
		{"form the language does not use", func(t *testing.T, f map[string]string) {
			replace(t, f, "de", `["error.auth.throttled"]`, `["error.auth.throttled"]`+"\nfew = \"x {{.Count}}\"")
		}, plurals, []string{"de.toml", `"error.auth.throttled"`, `"few"`, "does not use"}},
		{"renamed placeholder", func(t *testing.T, f map[string]string) {
			replace(t, f, "es", "{{.Reason}}", "{{.Razon}}")
		}, placeholderCheck, []string{"es.toml", `"startup.failed"`, "{{.Razon}}", "{{.Reason}}"}},
		{"renamed placeholder, seen by go-i18n", func(t *testing.T, f map[string]string) {
			replace(t, f, "es", "{{.Reason}}", "{{.Razon}}")
		}, goi18nProblems, []string{"es.toml", `"startup.failed"`, "misspelled"}},
		{"malformed placeholder", func(t *testing.T, f map[string]string) {
			replace(t, f, "it", "{{.Name}}", "{{ Name }}")
		}, placeholderCheck, []string{"it.toml", `"nav.signed_in_as"`, "malformed"}},
		{"count dropped from a form that needs it", func(t *testing.T, f map[string]string) {
			replace(t, f, "ar", "few = \"استخدم {{.Count}} أحرف كحد أقصى.\"", "few = \"استخدم أحرف كحد أقصى.\"")
		}, placeholderCheck, []string{"ar.toml", `form "few" lacks {{.Count}}`}},
		{"english left in", func(t *testing.T, f map[string]string) {
			replace(t, f, "pt-BR", `"common.save" = "Salvar"`, `"common.save" = "Save"`)
		}, untranslated, []string{"pt-BR.toml", `"common.save"`, "still in English"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range original {
				files[k] = v
			}
			tc.mutate(t, files)
			fsys := fstest.MapFS{}
			for lang, text := range files {
				fsys[lang+".toml"] = &fstest.MapFile{Data: []byte(text)}
			}
			cats, err := loadCatalogs(fsys)
			if err != nil {
				t.Fatalf("the broken copy does not parse: %v", err)
			}
			problems := tc.check(fsys, cats)
			for _, p := range problems {
				ok := true
				for _, w := range tc.want {
					ok = ok && strings.Contains(p, w)
				}
				if ok {
					return
				}
			}
			t.Errorf("no problem reported mentioning %q; got %q", tc.want, problems)
		})
	}
	// And the untouched copy is clean for every check.
	fsys := fstest.MapFS{}
	for lang, text := range original {
		fsys[lang+".toml"] = &fstest.MapFile{Data: []byte(text)}
	}
	cats, err := loadCatalogs(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, check := range []func(fs.FS, map[string]catalog) []string{ids, plurals, goi18nProblems, placeholderCheck, untranslated} {
		if p := check(fsys, cats); len(p) > 0 {
			t.Errorf("clean copy reported %q", p)
		}
	}
}

// Adapters giving every check the same signature for the table above.
func ids(_ fs.FS, c map[string]catalog) []string              { return idProblems(c) }
func plurals(_ fs.FS, c map[string]catalog) []string          { return pluralProblems(c) }
func placeholderCheck(_ fs.FS, c map[string]catalog) []string { return placeholderProblems(c) }
func untranslated(_ fs.FS, c map[string]catalog) []string     { return untranslatedProblems(c) }

func TestOnlyPlaceholders(t *testing.T) {
	cats := realCatalogs(t)
	for id := range sameAsEnglishAllowed {
		if _, ok := cats["en"][id]; !ok {
			t.Errorf("allow-list entry %q is not an English message", id)
		}
	}
	if got := cats["en"]["app.name"]["other"]; got != "Admin Console" {
		t.Errorf("app.name = %q", got)
	}
	for s, want := range map[string]bool{
		"{{.FirstName}} {{.LastName}}": true,
		"{{.Count}}":                   true,
		"({{.Count}})":                 true,
		"Save":                         false,
		"":                             false,
		"{{.Count}} items":             false,
	} {
		if got := onlyPlaceholders(s); got != want {
			t.Errorf("onlyPlaceholders(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestLoadAndCatalog(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cats := realCatalogs(t)
	for _, lang := range i18n.Languages {
		if got, want := len(b.Catalog(lang)), len(cats[lang]); got != want || got == 0 {
			t.Errorf("Catalog(%s) has %d messages, the file %d", lang, got, want)
		}
		if got := b.Catalog(lang)["language.native"]["other"]; got == "" || (lang != "en" && got == "English") {
			t.Errorf("Catalog(%s) language.native = %q", lang, got)
		}
		if len(b.IDs(lang)) != len(cats[lang]) {
			t.Errorf("IDs(%s) = %d ids", lang, len(b.IDs(lang)))
		}
	}
	if got := b.Catalog("xx")["language.native"]["other"]; got != "English" {
		t.Errorf("Catalog of an unsupported language = %q, want the English catalog", got)
	}
	if got := b.T("fr", "common.save", nil); got != cats["fr"]["common.save"]["other"] || got == "Save" {
		t.Errorf("T(fr, common.save) = %q", got)
	}
	if got := b.T("de", "no.such.message", nil); got != "no.such.message" {
		t.Errorf("T of a missing message = %q, want the id", got)
	}
	if got := b.N("en", "error.auth.throttled", 1, nil); got != "Too many failed attempts. Try again in 1 second." {
		t.Errorf("N(en, throttled, 1) = %q", got)
	}
	if got := b.N("en", "error.auth.throttled", 5, nil); got != "Too many failed attempts. Try again in 5 seconds." {
		t.Errorf("N(en, throttled, 5) = %q", got)
	}
	if got := b.N("pl", "error.auth.throttled", 22, nil); got != strings.ReplaceAll(cats["pl"]["error.auth.throttled"]["few"], "{{.Count}}", "22") {
		t.Errorf("N(pl, throttled, 22) = %q, want the few form", got)
	}
	if got := b.N("ar", "error.auth.throttled", 2, nil); got != cats["ar"]["error.auth.throttled"]["two"] {
		t.Errorf("N(ar, throttled, 2) = %q, want the two form", got)
	}
	if got := b.N("fr", "error.auth.throttled", 1000000, nil); got != strings.ReplaceAll(cats["fr"]["error.auth.throttled"]["many"], "{{.Count}}", "1000000") {
		t.Errorf("N(fr, throttled, 1000000) = %q, want the many form", got)
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"de_AT.UTF-8"}, "de"},
		{[]string{"de-DE"}, "de"},
		{[]string{"pt_BR"}, "pt-BR"},
		{[]string{"pt_BR.UTF-8"}, "pt-BR"},
		{[]string{"ar_EG"}, "ar"},
		{[]string{"ar-SA"}, "ar"},
		{[]string{"zh_CN"}, "en"},
		{[]string{"C"}, "en"},
		{[]string{"C.UTF-8"}, "en"},
		{[]string{"POSIX"}, "en"},
		{[]string{""}, "en"},
		{nil, "en"},
		{[]string{"fr-CA"}, "fr"},
		{[]string{"fr_BE.UTF-8"}, "fr"},
		{[]string{"es_MX"}, "es"},
		{[]string{"pl_PL"}, "pl"},
		{[]string{"it_CH"}, "it"},
		{[]string{"en_GB"}, "en"},
		{[]string{"not a locale!"}, "en"},
		{[]string{"C", "fr_FR.UTF-8"}, "fr"},
		{[]string{"zz", "de"}, "de"},
	}
	for _, tc := range cases {
		if got := i18n.Match(tc.in...); got != tc.want {
			t.Errorf("Match(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Portuguese from Portugal: whatever is closest, but a supported language.
	if got := i18n.Match("pt_PT"); !i18n.Supported(got) {
		t.Errorf("Match(pt_PT) = %q, not a supported language", got)
	}
	for _, l := range i18n.Languages {
		if got := i18n.Match(l); got != l {
			t.Errorf("Match(%q) = %q, want itself", l, got)
		}
	}
}

func TestDirAndSupported(t *testing.T) {
	for _, l := range i18n.Languages {
		want := "ltr"
		if l == "ar" {
			want = "rtl"
		}
		if got := i18n.Dir(l); got != want {
			t.Errorf("Dir(%q) = %q, want %q", l, got, want)
		}
		if !i18n.Supported(l) {
			t.Errorf("Supported(%q) = false", l)
		}
		if i18n.EnglishName(l) == "" {
			t.Errorf("EnglishName(%q) is empty", l)
		}
	}
	for _, l := range []string{"xx", "EN", "en-US", "pt", "pt-br", "pt_BR", "ar-EG", "", " en"} {
		if i18n.Supported(l) {
			t.Errorf("Supported(%q) = true, want false", l)
		}
	}
	if len(i18n.Languages) != 8 || i18n.Languages[0] != i18n.Default || i18n.Default != "en" {
		t.Errorf("Languages = %v, Default = %q", i18n.Languages, i18n.Default)
	}
}
