import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../lib/i18n/core';
import { amountInput } from './money';

const languages = ['en', 'fr', 'de', 'es', 'pl', 'it', 'pt-BR', 'ar'];

describe('amountInput', () => {
  it('uses the language’s decimal mark', () => {
    expect(amountInput('en', 500000, 'EUR')).toBe('5000.00');
    expect(amountInput('de', 500000, 'EUR')).toBe('5000,00');
    expect(amountInput('fr', 5, 'EUR')).toBe('0,05');
    expect(amountInput('en', 1234, 'JPY')).toBe('1234');
  });
  it('reads back as the same minor units in every language', () => {
    for (const lang of languages) {
      for (const minor of [0, 5, 99, 100, 123456, 500000, 9_007_199_254_740_991]) {
        expect(parseMoney(lang, amountInput(lang, minor, 'EUR'), 'EUR'), `${lang} ${minor}`).toBe(minor);
      }
    }
  });
});
