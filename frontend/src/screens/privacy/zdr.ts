// Pure rules of the Zero Data Retention card, kept out of the components so
// Vitest can check them. Go validates everything again; these only spare a
// round trip and say at once what is missing.
import type { ZdrRequest, ZdrStatus } from '../../lib/api/privacy';

export type WorkspaceZdr = 'pending' | 'active';

/**
 * workspaceStates tells, per workspace, whether a request is waiting for it
 * or ZDR is active there; such a workspace cannot be named in a new request
 * (Go refuses it with zdr.already_requested or zdr.already_active).
 */
export function workspaceStates(requests: ZdrRequest[]): Map<string, WorkspaceZdr> {
  const out = new Map<string, WorkspaceZdr>();
  for (const r of requests) {
    for (const w of r.workspaces ?? []) {
      if (r.status === 'approved') out.set(w.id, 'active');
      else if (r.status === 'requested' && out.get(w.id) !== 'active') out.set(w.id, 'pending');
    }
  }
  return out;
}

/** activeCount is how many workspaces have ZDR active. */
export function activeCount(requests: ZdrRequest[]): number {
  let n = 0;
  for (const s of workspaceStates(requests).values()) if (s === 'active') n++;
  return n;
}

export function statusTone(status: string): 'warning' | 'success' | 'danger' | 'neutral' {
  switch (status as ZdrStatus) {
    case 'requested':
      return 'warning';
    case 'approved':
      return 'success';
    case 'declined':
      return 'danger';
    default:
      return 'neutral';
  }
}

/** chars counts characters as Go does (code points, not UTF-16 units). */
export function chars(s: string): number {
  return [...s].length;
}

// The shape Go accepts (account.NormalizeEmail): one address, no name, no
// spaces, a dot in the domain that neither starts nor ends it.
const emailRE = /^[^\s@<>()",;]+@[^\s@<>()",;.][^\s@<>()",;]*\.[^\s@<>()",;]*[^\s@<>()",;.]$/u;

export function isEmail(s: string): boolean {
  return emailRE.test(s.trim());
}

export interface RequestDraft {
  reason: string;
  contact: string;
  workspaceIds: string[];
}

export interface DraftError {
  field: 'reason' | 'contact' | 'workspaces';
  id: string;
  params?: Record<string, number>;
}

/** checkDraft returns the first problem per field, as the messages of Go's codes. */
export function checkDraft(d: RequestDraft, maxReason: number): DraftError[] {
  const out: DraftError[] = [];
  const reason = d.reason.trim();
  if (!reason) out.push({ field: 'reason', id: 'error.zdr.reason_required' });
  else if (chars(reason) > maxReason) out.push({ field: 'reason', id: 'error.zdr.reason_too_long', params: { Count: maxReason } });
  if (!d.contact.trim()) out.push({ field: 'contact', id: 'error.email.required' });
  else if (!isEmail(d.contact)) out.push({ field: 'contact', id: 'error.email.invalid' });
  if (!d.workspaceIds.length) out.push({ field: 'workspaces', id: 'error.zdr.workspaces_required' });
  return out;
}
