import { describe, expect, it } from 'vitest';
import { countries, countryName } from './countries';
import { invoiceDate, invoicePeriod, recentYears, yearText } from './invoices';

describe('countries', () => {
  // The codes themselves come from Go (taxid.Countries, tested there).
  const codes = ['ZW', 'ES', 'DE', 'EG', 'FR', 'AT'];
  it('names the codes in the interface language, in its alphabetical order', () => {
    const fr = countries('fr', codes);
    expect(fr.find((c) => c.code === 'DE')?.name).toBe('Allemagne');
    const names = fr.map((c) => c.name);
    // Accents sort with their letter in French: "Égypte" comes before "Espagne", not after "Zimbabwe".
    expect(names.indexOf('Égypte')).toBeLessThan(names.indexOf('Espagne'));
    expect(names.at(-1)).toBe('Zimbabwe');
  });
  it('falls back to the code for an empty or malformed one', () => {
    expect(countryName('en', '')).toBe('');
    expect(countryName('en', '1')).toBe('1');
  });
});

describe('invoice dates', () => {
  // ICU puts thin and narrow no-break spaces around the range's dash.
  const plain = (s: string) => s.replace(/\s/g, ' ');
  it('shows an exclusive period end as the day before', () => {
    expect(plain(invoicePeriod('en', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'))).toBe('Jan 1 – 31, 2026');
  });
  it('keeps an end that is not at midnight', () => {
    expect(plain(invoicePeriod('en', '2026-01-01T00:00:00Z', '2026-01-15T12:00:00Z'))).toBe('Jan 1 – 15, 2026');
  });
  it('reads dates in UTC, as the PDF does', () => {
    expect(invoiceDate('en', '2026-02-01T00:00:00Z')).toBe('Feb 1, 2026');
    expect(invoiceDate('en', '')).toBe('');
    expect(invoicePeriod('en', '', '')).toBe('');
  });
  it('writes years without grouping', () => {
    expect(yearText('en', 2026)).toBe('2026');
    expect(recentYears(new Date(2026, 5, 1))).toEqual([2026, 2025, 2024, 2023, 2022]);
  });
});
