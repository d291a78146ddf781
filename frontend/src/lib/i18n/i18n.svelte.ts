// The reactive language state of the window. Components call t() in their
// markup; switching language swaps the catalog and every t() re-renders.
import { translate, formatBytes, formatDate, formatDateTime, formatRelative, formatMoney, formatNumber, parseMoney, type Catalog, type Params } from './core';

type Dir = 'ltr' | 'rtl';

const state = $state<{ lang: string; dir: Dir; messages: Catalog }>({ lang: 'en', dir: 'ltr', messages: {} });

export const i18n = {
  get lang() {
    return state.lang;
  },
  get dir() {
    return state.dir;
  },
};

/** useCatalog makes a catalog from Go current and applies lang and dir to the document. */
export function useCatalog(lang: string, dir: string, messages: Catalog): void {
  state.lang = lang;
  state.dir = dir === 'rtl' ? 'rtl' : 'ltr';
  state.messages = messages;
  document.documentElement.lang = lang;
  document.documentElement.dir = state.dir;
  document.title = translate(messages, lang, 'app.name');
}

export function t(id: string, params?: Params): string {
  return translate(state.messages, state.lang, id, params);
}

export function date(iso: string): string {
  return formatDate(state.lang, iso);
}

export function dateTime(iso: string): string {
  return formatDateTime(state.lang, iso);
}

export function ago(iso: string): string {
  return formatRelative(state.lang, iso);
}

export function num(n: number): string {
  return formatNumber(state.lang, n);
}

export function bytes(n: number): string {
  return formatBytes(state.lang, n);
}

export function money(minor: number, currency: string): string {
  return formatMoney(state.lang, minor, currency);
}

export function readMoney(input: string, currency: string): number | null {
  return parseMoney(state.lang, input, currency);
}
