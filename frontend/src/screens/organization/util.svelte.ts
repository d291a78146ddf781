// Small helpers shared by the organization screen's parts.
import type { Member } from '../../lib/api';

/** Roles an invitation or a role change may give: ownership only moves by transfer. */
export const assignableRoles = ['admin', 'billing', 'member'] as const;

/** Invitation states and the badge tone each shows with. */
export const stateTone = { pending: 'accent', accepted: 'success', expired: 'warning', revoked: 'neutral' } as const;

export function fullName(m: Member): string {
  return `${m.firstName} ${m.lastName}`.trim() || m.email;
}

// Built from code points: a literal control character in source is a review hazard.
const FSI = String.fromCharCode(0x2068);
const PDI = String.fromCharCode(0x2069);

/**
 * isolate wraps a name or an address placed inside a sentence in Unicode
 * isolates, so a Latin address keeps its shape inside an Arabic sentence
 * (and the sentence's punctuation stays where it belongs).
 */
export function isolate(s: string): string {
  return FSI + s + PDI;
}

/**
 * debounced calls apply with read()'s value once it has not changed for ms:
 * a search box then asks Go once per pause, not once per key. Call it while
 * a component initializes (it registers an effect).
 */
export function debounced(read: () => string, apply: (value: string) => void, ms = 250): void {
  $effect(() => {
    const value = read();
    const timer = setTimeout(() => apply(value), ms);
    return () => clearTimeout(timer);
  });
}
