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
    // A year is a label, not a quantity: "2026", never "2,026".
    if (typeof v === 'number' && !name.endsWith('Year')) return formatNumber(lang, v);
    return String(v);
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

/** formatDateTime shows a moment to the minute, in the reader's time zone. */
export function formatDateTime(lang: string, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

const relativeSteps: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60], ['minute', 60], ['hour', 24], ['day', 30], ['month', 12], ['year', Infinity],
];

/** formatRelative says how long ago (or in how long) iso is from now: "5 minutes ago", "yesterday". */
export function formatRelative(lang: string, iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  let amount = (d.getTime() - now.getTime()) / 1000;
  for (const [unit, size] of relativeSteps) {
    if (Math.abs(amount) < size) {
      const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
      return unit === 'second' && Math.abs(amount) < 45 ? rtf.format(0, 'second') : rtf.format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return '';
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** formatBytes shows a size with the largest unit that keeps it above 1. */
export function formatBytes(lang: string, n: number): string {
  let i = 0;
  let v = n;
  while (v >= 1000 && i < byteUnits.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: byteUnits[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}

/** currencyDigits is how many minor-unit digits a currency has (2 for EUR). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** minorToDecimal writes integer minor units as an exact decimal string. */
export function minorToDecimal(minor: number, digits: number): string {
  const neg = minor < 0;
  const s = Math.abs(Math.trunc(minor)).toString().padStart(digits + 1, '0');
  const out = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return neg ? `-${out}` : out;
}

/** formatMoney formats minor units of currency for lang, without floats. */
export function formatMoney(lang: string, minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const nf = new Intl.NumberFormat(lang, { style: 'currency', currency }) as Intl.NumberFormat & {
    format(v: string | number): string;
  };
  return nf.format(minorToDecimal(minor, digits) as unknown as number);
}

/**
 * parseMoney reads an amount typed in lang ("1 234,50" in French, "1,234.50"
 * in English) as integer minor units: null for an empty field, NaN when it is
 * not an amount or has more decimals than the currency.
 */
export function parseMoney(lang: string, input: string, currency: string): number | null {
  const text = input.trim();
  if (text === '') return null;
  const parts = new Intl.NumberFormat(lang).formatToParts(12345.6);
  const group = parts.find((p) => p.type === 'group')?.value ?? ',';
  const decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const [whole0 = '', ...rest] = compact.split(decimal);
  // Group separators only where they belong ("1,234.5", never "500,5"), so a
  // decimal typed with the other language's mark is refused, not misread.
  const grouped = group.trim() === '' ? /^\d{1,3}(\d{3})*$/ : new RegExp(`^\\d{1,3}(\\${group}\\d{3})*$`);
  if (whole0.includes(group.trim() || '\u00a0') && !grouped.test(whole0)) return NaN;
  if (rest.length > 1) return NaN;
  const s = whole0.split(group.trim() || '\u00a0').join('') + (rest.length ? '.' + rest[0] : '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  const digits = currencyDigits(currency);
  if (!m || (m[2] ?? '').length > digits) return NaN;
  const whole = m[1]!;
  const frac = (m[2] ?? '').padEnd(digits, '0');
  const minor = Number(whole + frac);
  return Number.isSafeInteger(minor) ? minor : NaN;
}

/** decimalSeparator is the decimal mark of lang ("," in German, "." in English). */
export function decimalSeparator(lang: string): string {
  return new Intl.NumberFormat(lang).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
}

/**
 * amountInput writes minor units for an input field in lang, without
 * grouping and without floats: 500000 EUR is "5000.00" in English and
 * "5000,00" in German (where "5000.00" would read as 500000).
 */
export function amountInput(lang: string, minor: number, currency: string): string {
  const text = minorToDecimal(minor, currencyDigits(currency));
  const sep = decimalSeparator(lang);
  return sep === '.' ? text : text.replace('.', sep);
}
