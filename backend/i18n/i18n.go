// Package i18n loads the translation catalog from locales/, matches the OS
// locale to a supported language and formats messages, plurals included.
package i18n

import (
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"admin-console/locales"
)

// Languages are the supported interface languages in the picker's order.
var Languages = []string{"en", "fr", "de", "es", "pl", "it", "pt-BR", "ar"}

// Default is the language used when nothing else matches.
const Default = "en"

var tags = func() []language.Tag {
	out := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		out[i] = language.MustParse(l)
	}
	return out
}()

var matcher = language.NewMatcher(tags)

// Supported reports whether tag is exactly one of the interface languages.
func Supported(tag string) bool {
	for _, l := range Languages {
		if l == tag {
			return true
		}
	}
	return false
}

// Match picks the supported language closest to the given locales (BCP 47 or
// POSIX forms such as "de_AT.UTF-8"), or English.
func Match(locales ...string) string {
	var wanted []language.Tag
	for _, l := range locales {
		l = strings.SplitN(l, ".", 2)[0]
		l = strings.ReplaceAll(l, "_", "-")
		if l == "" || l == "C" || l == "POSIX" {
			continue
		}
		if t, err := language.Parse(l); err == nil {
			wanted = append(wanted, t)
		}
	}
	if len(wanted) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(wanted...)
	if conf == language.No {
		return Default
	}
	return Languages[idx]
}

// Dir is the text direction of a language: "rtl" for Arabic, else "ltr".
func Dir(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Bundle holds every language's messages.
type Bundle struct {
	b *goi18n.Bundle
	// raw keeps each file's messages as plural-form maps for the frontend.
	raw   map[string]map[string]map[string]string
	mu    sync.Mutex
	local map[string]*goi18n.Localizer
}

// Load reads every language file from the embedded locales.
func Load() (*Bundle, error) { return LoadFS(locales.FS) }

// LoadFS reads every language file from fsys ("<lang>.toml").
func LoadFS(fsys fs.FS) (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	out := &Bundle{b: b, raw: map[string]map[string]map[string]string{}, local: map[string]*goi18n.Localizer{}}
	for _, lang := range Languages {
		data, err := fs.ReadFile(fsys, lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		if _, err := b.ParseMessageFileBytes(data, lang+".toml"); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		raw, err := Flatten(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
		out.raw[lang] = raw
	}
	return out, nil
}

// Flatten parses a locale file into message ID -> plural form -> text; a plain
// string message has the single form "other".
func Flatten(data []byte) (map[string]map[string]string, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for id, v := range doc {
		switch m := v.(type) {
		case string:
			out[id] = map[string]string{"other": m}
		case map[string]any:
			forms := map[string]string{}
			for form, text := range m {
				s, ok := text.(string)
				if !ok {
					return nil, fmt.Errorf("message %q form %q is not a string", id, form)
				}
				if form != "description" {
					forms[form] = s
				}
			}
			out[id] = forms
		default:
			return nil, fmt.Errorf("message %q has an unexpected shape", id)
		}
	}
	return out, nil
}

// Catalog returns a language's messages for the frontend, which picks plural
// forms with Intl.PluralRules.
func (b *Bundle) Catalog(lang string) map[string]map[string]string {
	if !Supported(lang) {
		lang = Default
	}
	return b.raw[lang]
}

// IDs returns the message IDs of a language file.
func (b *Bundle) IDs(lang string) []string {
	var out []string
	for id := range b.raw[lang] {
		out = append(out, id)
	}
	return out
}

func (b *Bundle) localizer(lang string) *goi18n.Localizer {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, ok := b.local[lang]
	if !ok {
		l = goi18n.NewLocalizer(b.b, lang, Default)
		b.local[lang] = l
	}
	return l
}

// T returns the message id in lang with data filled in; a missing message
// returns the id itself so a gap is visible rather than fatal.
func (b *Bundle) T(lang, id string, data map[string]any) string {
	s, err := b.localizer(lang).Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// N returns the plural message id in lang for count n.
func (b *Bundle) N(lang, id string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = n
	s, err := b.localizer(lang).Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// EnglishName is the language's English name, for logs.
func EnglishName(lang string) string {
	return display.English.Tags().Name(language.MustParse(lang))
}
