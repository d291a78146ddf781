package desktop

import (
	"context"

	"admin-console/backend/apperr"
	"admin-console/backend/i18n"
)

// I18nService gives the window its translation catalog and switches the
// interface language.
type I18nService struct{ c *Core }

// NewI18nService binds the language features to core.
func NewI18nService(c *Core) *I18nService { return &I18nService{c: c} }

// LanguageDTO is one entry of the language picker, named in its own language.
type LanguageDTO struct {
	Tag  string `json:"tag"`
	Name string `json:"name"`
	Dir  string `json:"dir"`
}

// CatalogDTO is one language's messages: ID -> CLDR plural form -> text.
type CatalogDTO struct {
	Language string                       `json:"language"`
	Dir      string                       `json:"dir"`
	Messages map[string]map[string]string `json:"messages"`
}

// Languages lists the interface languages for the picker.
func (s *I18nService) Languages() []LanguageDTO {
	out := make([]LanguageDTO, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i] = LanguageDTO{Tag: l, Name: s.c.Bundle.T(l, "language.native", nil), Dir: i18n.Dir(l)}
	}
	return out
}

// Catalog returns the messages of lang (English for an unknown tag).
func (s *I18nService) Catalog(lang string) CatalogDTO {
	if !i18n.Supported(lang) {
		lang = i18n.Default
	}
	return CatalogDTO{Language: lang, Dir: i18n.Dir(lang), Messages: s.c.Bundle.Catalog(lang)}
}

// SetLanguage switches the interface language: saved on the signed-in user's
// profile (audited), or for this device before anyone signs in.
func (s *I18nService) SetLanguage(lang string) (CatalogDTO, error) {
	if err := s.c.setLanguage(context.Background(), lang); err != nil {
		return CatalogDTO{}, err
	}
	s.c.languageChanged(lang, false)
	return s.Catalog(lang), nil
}

func (c *Core) setLanguage(ctx context.Context, lang string) error {
	if len(lang) > 35 || !i18n.Supported(lang) {
		return apperr.Field("language", "language.unsupported")
	}
	if err := c.putSetting(ctx, "language", lang); err != nil {
		return c.fail("set language", err)
	}
	c.mu.Lock()
	signedIn := c.token != ""
	c.mu.Unlock()
	if !signedIn {
		return nil
	}
	u, err := c.session(ctx)
	if err != nil {
		return nil // the session just ended: the device setting stands
	}
	_, err = c.Accounts.SetLanguage(ctx, u.Actor(), lang)
	return c.fail("set language", err)
}

// SetLanguageFromMenu is the native menu's language switch: it also tells the
// window, which did not ask for it.
func (c *Core) SetLanguageFromMenu(lang string) {
	if err := c.setLanguage(context.Background(), lang); err != nil {
		return
	}
	c.languageChanged(lang, true)
}

// SignOutFromMenu is the native menu's sign-out.
func (c *Core) SignOutFromMenu() {
	_ = c.signOut(context.Background())
	c.mu.Lock()
	ev := c.events
	c.mu.Unlock()
	ev.Emit(EventSignedOut)
}

// Language is the interface language now: the signed-in user's, else the
// one chosen on this device, else the best match for the OS locale.
func (c *Core) Language(ctx context.Context) string {
	lang, err := c.language(ctx)
	if err != nil {
		return i18n.Default
	}
	return lang
}

func (c *Core) language(ctx context.Context) (string, error) {
	c.mu.Lock()
	signedIn := c.token != ""
	c.mu.Unlock()
	if signedIn {
		if u, err := c.session(ctx); err == nil {
			return u.Language, nil
		}
	}
	if v, ok, err := c.setting(ctx, "language"); err != nil || ok {
		return v, err
	}
	return i18n.Match(c.osLocales...), nil
}

// T translates id in the current language (menus, dialogs).
func (c *Core) T(id string, data map[string]any) string {
	return c.Bundle.T(c.Language(context.Background()), id, data)
}

// languageChanged rebuilds what Go draws (the native menu) and, when the
// change came from outside the window, tells the window.
func (c *Core) languageChanged(lang string, notifyWindow bool) {
	c.mu.Lock()
	ev, onLang := c.events, c.onLanguage
	c.mu.Unlock()
	if onLang != nil {
		onLang(lang)
	}
	if notifyWindow {
		ev.Emit(EventLanguageChanged, lang)
	}
}
