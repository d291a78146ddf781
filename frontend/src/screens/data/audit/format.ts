// Logic of the audit log screen, kept out of the components so Vitest can
// check it: labels with a fallback to the raw id, details as compact text,
// the columns remembered on this device, and local days as instants.

/** A translate function: returns the id itself when the message is missing (as t() does). */
export type Translate = (id: string, params?: Record<string, string | number>) => string;

/** labelOr is the message id translated, or fallback when there is no such message. */
export function labelOr(translate: Translate, id: string, fallback: string): string {
  const s = translate(id);
  return s === id ? fallback : s;
}

/** actionLabel names an action ("mfa.enabled" → "Two-step verification turned on"), else shows its id. */
export function actionLabel(translate: Translate, action: string): string {
  return labelOr(translate, `audit.action.${action}`, action);
}

/** targetLabel names a kind of target ("api_key" → "API key"), else shows its id. */
export function targetLabel(translate: Translate, type: string): string {
  return type ? labelOr(translate, `audit.target.${type}`, type) : '';
}

/** Actors that are not people: the app itself, the operator, billing runs, the gateway. */
const systemActors = ['system', 'operator', 'billing', 'gateway'];

export interface Actor {
  /** What to show: the person's name, else their email, the system actor's name, or the raw id. */
  primary: string;
  /** A second line: the email under a name, or "" */
  secondary: string;
  /** The id is shown as is (deleted person or unknown actor): render it left to right, in monospace. */
  raw: boolean;
}

export function actor(translate: Translate, e: { actorId: string; actorName: string; actorEmail: string }): Actor {
  if (e.actorName) return { primary: e.actorName, secondary: e.actorEmail, raw: false };
  if (e.actorEmail) return { primary: e.actorEmail, secondary: '', raw: false };
  if (!e.actorId) return { primary: translate('audit.actor.none'), secondary: '', raw: false };
  if (systemActors.includes(e.actorId)) return { primary: translate(`audit.actor.${e.actorId}`), secondary: '', raw: false };
  return { primary: e.actorId, secondary: translate('audit.actor.deleted'), raw: true };
}

/** detailPairs flattens an event's details to key/value text: nested objects as "chat.from". */
export function detailPairs(details: Record<string, unknown> | null | undefined, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(details ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const inner = detailPairs(v as Record<string, unknown>, key);
      if (inner.length) out.push(...inner);
      else out.push([key, '{}']);
    } else if (Array.isArray(v)) {
      out.push([key, v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ')]);
    } else {
      out.push([key, String(v)]);
    }
  }
  return out;
}

/** compactDetails is the details on one line: "from: 365 · to: 30". */
export function compactDetails(details: Record<string, unknown> | null | undefined): string {
  return detailPairs(details)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}

export const columns = ['time', 'actor', 'action', 'target', 'workspace', 'details'] as const;
export type Column = (typeof columns)[number];

/**
 * Shown unless the person chooses otherwise: all but details, which every
 * row still opens with its expander (a details column of long JSON crowds
 * the table at the window's narrowest).
 */
export const defaultColumns: Column[] = ['time', 'actor', 'action', 'target', 'workspace'];

export const columnsKey = 'admin-console.audit.columns';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function storage(): Store | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage refused: the defaults, every time
  }
}

/** loadColumns reads this device's choice; anything unreadable gives the defaults. */
export function loadColumns(store: Store | undefined = storage()): Column[] {
  try {
    const v: unknown = JSON.parse(store?.getItem(columnsKey) ?? 'null');
    if (Array.isArray(v)) {
      const chosen = columns.filter((c) => v.includes(c));
      if (chosen.length) return chosen;
    }
  } catch {
    // fall through
  }
  return [...defaultColumns];
}

export function saveColumns(chosen: Column[], store: Store | undefined = storage()): void {
  try {
    store?.setItem(columnsKey, JSON.stringify(columns.filter((c) => chosen.includes(c))));
  } catch {
    // a full or refused storage only forgets the choice
  }
}

/** parseDay reads YYYY-MM-DD as a local calendar day; null when it is not one. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]) ? d : null;
}

/** dayStart is the instant a local day starts, as RFC 3339 in UTC ("" for no day). */
export function dayStart(day: string): string {
  return parseDay(day)?.toISOString().replace(/\.000Z$/, 'Z') ?? '';
}

/** dayEnd is the instant the next local day starts: the exclusive end of a range whose last day is day. */
export function dayEnd(day: string): string {
  const d = parseDay(day);
  if (!d) return '';
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).toISOString().replace(/\.000Z$/, 'Z');
}
