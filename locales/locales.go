// Package locales embeds the translation files: one go-i18n TOML file per
// language, the single source of every user-visible string.
package locales

import "embed"

//go:embed *.toml
var FS embed.FS
