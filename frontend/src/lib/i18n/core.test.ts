import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatRelative, interpolate, pluralForm, requiredForms, translate, type Catalog } from './core';
import { messageId, toCodedError } from '../api/errors';

const languages = ['en', 'fr', 'de', 'es', 'pl', 'it', 'pt-BR', 'ar'];

/** load reads a locale file the way Go's i18n.Flatten does. */
function load(lang: string): Catalog {
  const raw = parse(readFileSync(join(import.meta.dirname, '../../../../locales', `${lang}.toml`), 'utf8'));
  const out: Catalog = {};
  for (const [id, v] of Object.entries(raw)) out[id] = typeof v === 'string' ? { other: v } : (v as Catalog[string]);
  return out;
}

describe('plural forms follow CLDR', () => {
  it('Polish has four forms', () => {
    expect([1, 2, 5, 22, 25, 1.5].map((n) => pluralForm('pl', n))).toEqual(['one', 'few', 'many', 'few', 'many', 'other']);
  });
  it('Arabic has six forms', () => {
    expect([0, 1, 2, 3, 11, 100].map((n) => pluralForm('ar', n))).toEqual(['zero', 'one', 'two', 'few', 'many', 'other']);
  });
  it('translate picks the form by Count and fills placeholders', () => {
    const cat: Catalog = { 'x.n': { one: '{{.Count}} sekunda', few: '{{.Count}} sekundy', many: '{{.Count}} sekund', other: '{{.Count}} sekundy' } };
    expect(translate(cat, 'pl', 'x.n', { Count: 1 })).toBe('1 sekunda');
    expect(translate(cat, 'pl', 'x.n', { Count: 3 })).toBe('3 sekundy');
    expect(translate(cat, 'pl', 'x.n', { Count: 5 })).toBe('5 sekund');
  });
  it('every plural message of every language has the forms its ICU rules need', () => {
    for (const lang of languages) {
      const needed = requiredForms(lang);
      for (const [id, forms] of Object.entries(load(lang))) {
        if (Object.keys(forms).length === 1 && 'other' in forms) continue; // not a plural message
        for (const form of needed) expect(forms, `${lang} ${id} lacks "${form}"`).toHaveProperty(form);
      }
    }
  });
  it('Arabic seconds read naturally at 0, 1, 2, 3, 11, 100', () => {
    const ar = load('ar');
    const seen = new Set([0, 1, 2, 3, 11, 100].map((n) => translate(ar, 'ar', 'error.auth.throttled', { Count: n })));
    expect(seen.size).toBe(6);
  });
});

describe('interpolation and formatting', () => {
  it('keeps unknown placeholders visible', () => {
    expect(interpolate('Hello {{.Name}} {{.Other}}', { Name: 'Ada' })).toBe('Hello Ada {{.Other}}');
  });
  it('formats numbers for the language', () => {
    expect(interpolate('{{.Count}}', { Count: 1234567 }, 'de')).toBe('1.234.567');
    expect(interpolate('{{.Count}}', { Count: 1234567 }, 'fr')).toMatch(/^1\s234\s567$/u);
  });
  it('a missing message shows its id', () => {
    expect(translate({}, 'en', 'nope.missing')).toBe('nope.missing');
  });
  it('formats dates per language', () => {
    expect(formatDate('en', '2026-03-05T10:00:00Z')).toBe('March 5, 2026');
    expect(formatDate('de', '2026-03-05T10:00:00Z')).toBe('5. März 2026');
    expect(formatDate('en', 'not a date')).toBe('');
  });
});

describe('coded errors from Go', () => {
  it('parses the JSON of an apperr', () => {
    const e = toCodedError('{"code":"password.too_short","field":"password","params":{"Count":12}}');
    expect(e).toEqual({ code: 'password.too_short', field: 'password', params: { Count: 12 } });
    expect(messageId(e)).toBe('error.password.too_short');
  });
  it('turns anything else into internal', () => {
    expect(toCodedError(new Error('boom')).code).toBe('internal');
    expect(toCodedError(undefined).code).toBe('internal');
  });
  it('every error code the UI can show has an English message', () => {
    const en = load('en');
    for (const id of ['error.internal', 'error.auth.invalid_credentials', 'error.auth.throttled', 'error.password.mismatch']) {
      expect(en).toHaveProperty([id]);
    }
  });
});

describe('money typed by people', () => {
  it('reads amounts as each language writes them, in minor units', async () => {
    const { parseMoney, amountInput } = await import('./core');
    expect(parseMoney('en', '1,234.50', 'EUR')).toBe(123450);
    expect(parseMoney('en', '250.50', 'EUR')).toBe(25050);
    expect(parseMoney('de', '1.234,50', 'EUR')).toBe(123450);
    expect(parseMoney('de', '5000,00', 'EUR')).toBe(500000);
    expect(parseMoney('fr', '1 234,50', 'EUR')).toBe(123450);
    expect(parseMoney('en', '', 'EUR')).toBeNull();
  });
  it('refuses what it would misread', async () => {
    const { parseMoney } = await import('./core');
    expect(parseMoney('en', '500,5', 'EUR')).toBeNaN();
    expect(parseMoney('en', '1.2.3', 'EUR')).toBeNaN();
    expect(parseMoney('en', '1.234', 'EUR')).toBeNaN(); // three decimals in euros
    expect(parseMoney('en', '12abc', 'EUR')).toBeNaN();
  });
  it('writes a field value that reads back as the same amount', async () => {
    const { parseMoney, amountInput } = await import('./core');
    for (const lang of ['en', 'fr', 'de', 'es', 'pl', 'it', 'pt-BR']) {
      expect(parseMoney(lang, amountInput(lang, 500000, 'EUR'), 'EUR')).toBe(500000);
    }
  });
});

describe('formatRelative and formatDateTime', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  it('says "now" for the last seconds and counts larger units', () => {
    expect(formatRelative('en', '2026-11-28T11:59:50Z', now)).toBe('now');
    expect(formatRelative('en', '2026-11-28T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('en', '2026-11-28T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('en', '2026-11-27T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('fr', '2026-11-26T12:00:00Z', now)).toBe('avant-hier');
    expect(formatRelative('ar', '2026-11-28T11:55:00Z', now)).not.toBe(formatRelative('en', '2026-11-28T11:55:00Z', now));
  });
  it('refuses what is not a date', () => {
    expect(formatRelative('en', 'nope', now)).toBe('');
    expect(formatDateTime('en', 'nope')).toBe('');
    expect(formatDateTime('de', '2026-11-28T12:00:00Z')).toMatch(/28\.11\.2026/);
  });
});
