import { describe, expect, it } from 'vitest';
import type { ZdrRequest } from '../../lib/api/privacy';
import { activeCount, chars, checkDraft, isEmail, statusTone, workspaceStates } from './zdr';

const req = (status: string, ...ids: string[]) =>
  ({ status, workspaces: ids.map((id) => ({ id, name: id })) }) as unknown as ZdrRequest;

describe('workspaceStates', () => {
  it('marks waiting and active workspaces; a declined request leaves them free', () => {
    const s = workspaceStates([req('requested', 'a', 'b'), req('approved', 'b', 'c'), req('declined', 'd')]);
    expect(s.get('a')).toBe('pending');
    expect(s.get('b')).toBe('active'); // active wins over a request waiting
    expect(s.get('c')).toBe('active');
    expect(s.has('d')).toBe(false);
    expect(activeCount([req('requested', 'a'), req('approved', 'b', 'c')])).toBe(2);
  });
  it('keeps active when the waiting request comes later in the list', () => {
    expect(workspaceStates([req('approved', 'b'), req('requested', 'b')]).get('b')).toBe('active');
  });
});

describe('checkDraft', () => {
  const ok = { reason: 'Health data', contact: 'dpo@example.com', workspaceIds: ['w'] };
  it('accepts a complete draft', () => {
    expect(checkDraft(ok, 2000)).toEqual([]);
  });
  it('names each missing or wrong field with the message of Go’s code', () => {
    expect(checkDraft({ reason: '  ', contact: '', workspaceIds: [] }, 2000).map((e) => e.id)).toEqual([
      'error.zdr.reason_required', 'error.email.required', 'error.zdr.workspaces_required',
    ]);
    expect(checkDraft({ ...ok, contact: 'dpo@example' }, 2000)[0]).toEqual({ field: 'contact', id: 'error.email.invalid' });
  });
  it('counts characters, not UTF-16 units, against the limit', () => {
    const emoji = '😀'.repeat(2000); // 4000 UTF-16 units, 2000 characters
    expect(chars(emoji)).toBe(2000);
    expect(checkDraft({ ...ok, reason: emoji }, 2000)).toEqual([]);
    expect(checkDraft({ ...ok, reason: emoji + 'x' }, 2000)[0]).toMatchObject({ id: 'error.zdr.reason_too_long', params: { Count: 2000 } });
  });
});

describe('isEmail', () => {
  it('follows the shape Go accepts', () => {
    for (const good of ['dpo@example.com', ' a.b+c@sub.example.org ', 'zoë@exämple.de']) expect(isEmail(good)).toBe(true);
    for (const bad of ['dpo@example', 'dpo@.example.com', 'dpo@example.com.', 'DPO <dpo@example.com>', 'a b@example.com', '@example.com', 'dpo@'])
      expect(isEmail(bad), bad).toBe(false);
  });
});

describe('statusTone', () => {
  it('colours each status', () => {
    expect([statusTone('requested'), statusTone('approved'), statusTone('declined'), statusTone('x')]).toEqual([
      'warning', 'success', 'danger', 'neutral',
    ]);
  });
});
