// Pure translation logic: plural forms by CLDR (through Intl.PluralRules),
// {{.Placeholder}} interpolation as go-i18n writes it, and locale formatting.
// The catalog itself always comes from Go (I18nService.Catalog).

export type Forms = Partial<Record<Intl.LDMLPluralRule, string>>;
export type Catalog = Record<string, Forms>;
export type Params = Record<string, string | number>;

const pluralRules = new Map<string, Intl.PluralRules>();

/** pluralForm picks the CLDR plural category of n in lang. */
export function pluralForm(lang: string, n: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  return rules.select(n);
}

/** requiredForms lists the plural categories lang needs. */
export function requiredForms(lang: string): Intl.LDMLPluralRule[] {
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories as Intl.LDMLPluralRule[];
}

/** interpolate fills go-i18n style {{.Name}} placeholders. */
export function interpolate(text: string, params: Params = {}, lang = 'en'): string {
  return text.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? formatNumber(lang, v) : v;
  });
}

/**
 * translate returns message id in lang. With a numeric Count parameter it
 * chooses the plural form; a missing message shows its id so gaps are visible.
 */
export function translate(catalog: Catalog, lang: string, id: string, params: Params = {}): string {
  const forms = catalog[id];
  if (!forms) return id;
  const count = params.Count;
  const form = typeof count === 'number' ? pluralForm(lang, count) : 'other';
  const text = forms[form] ?? forms.other ?? Object.values(forms)[0] ?? id;
  return interpolate(text, params, lang);
}

export function formatNumber(lang: string, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

export function formatDate(lang: string, iso: string, style: 'long' | 'medium' = 'long'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: style }).format(d);
}
