// Helpers shared by the subscription screen's parts.
import { ApiError, type CodedError } from '../../lib/api';
import { messageId } from '../../lib/api/errors';
import { i18n, t } from '../../lib/i18n/i18n.svelte';

/** The plans of each product, in upgrade order (their names: t('plan.<id>')). */
export const planIds = { chat: ['free', 'pro', 'team', 'enterprise'], api: ['experiment', 'scale'] } as const;

/** Used only when the plan catalog could not be read. */
const seatPlansFallback = ['team', 'enterprise'];

/** What the catalog says about a chat plan (orgApi.plans()). */
export interface PlanInfo {
  id: string;
  maxMembers: number;
}

/**
 * perSeat: a chat plan for more than one person is priced per seat, and its
 * seats are chosen; the others have none (Free, API plans) or one (Pro).
 */
export function perSeat(product: string, plan: string, catalog: PlanInfo[]): boolean {
  if (product !== 'chat') return false;
  const info = catalog.find((p) => p.id === plan);
  return info ? info.maxMembers !== 1 : seatPlansFallback.includes(plan);
}

/** coded turns whatever a call threw into a coded error. */
export function coded(err: unknown): CodedError {
  return err instanceof ApiError ? err.coded : { code: 'internal' };
}

// Built from code points: a literal control character in source is a review hazard.
const FSI = String.fromCharCode(0x2068);
const PDI = String.fromCharCode(0x2069);

/** isolate keeps a name or a path in its own direction inside a sentence. */
export function isolate(s: string): string {
  return FSI + s + PDI;
}

/**
 * message is the localized text of a coded error, its parameters made
 * readable first. Call it in markup so it follows a language switch.
 */
export function message(e: CodedError): string {
  const p = { ...(e.params ?? {}) };
  if (typeof p.Limit === 'string') p.Limit = t(`limits.name.${p.Limit}`);
  if ('Model' in p && e.code.startsWith('limits.')) p.Model = p.Model ? String(p.Model) : t('limits.all_models');
  if (typeof p.Path === 'string') p.Path = isolate(p.Path);
  if (typeof p.Model === 'string') p.Model = isolate(p.Model);
  return t(messageId(e), p);
}

/** percent writes a whole percentage (50 → "50 %" in French, "٥٠٪" in Arabic). */
export function percent(n: number): string {
  return new Intl.NumberFormat(i18n.lang, { style: 'percent' }).format(n / 100);
}

/** list joins phrases the way the language does ("a, b and c"). */
export function list(items: string[], type: 'conjunction' | 'unit' = 'conjunction'): string {
  return new Intl.ListFormat(i18n.lang, { type, style: type === 'unit' ? 'short' : 'long' }).format(items);
}
