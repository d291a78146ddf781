import { describe, expect, it } from 'vitest';
import {
  actionLabel, actor, columnsKey, compactDetails, dayEnd, dayStart, defaultColumns, detailPairs, loadColumns, saveColumns,
  targetLabel, type Translate,
} from './format';

// A catalog of two messages; anything else comes back as its id, as t() does.
const catalog: Record<string, string> = {
  'audit.action.mfa.enabled': 'Two-step verification turned on',
  'audit.target.api_key': 'API key',
  'audit.actor.system': 'System',
  'audit.actor.none': 'No one',
  'audit.actor.deleted': 'Deleted person',
};
const t: Translate = (id) => catalog[id] ?? id;

describe('labels', () => {
  it('names known actions and targets and shows unknown ones as their id', () => {
    expect(actionLabel(t, 'mfa.enabled')).toBe('Two-step verification turned on');
    expect(actionLabel(t, 'brand.new_action')).toBe('brand.new_action');
    expect(targetLabel(t, 'api_key')).toBe('API key');
    expect(targetLabel(t, 'gizmo')).toBe('gizmo');
    expect(targetLabel(t, '')).toBe('');
  });

  it('shows people by name, then email; system actors by name; the deleted by id', () => {
    expect(actor(t, { actorId: 'u1', actorName: 'Ada Lovelace', actorEmail: 'ada@example.com' }))
      .toEqual({ primary: 'Ada Lovelace', secondary: 'ada@example.com', raw: false });
    expect(actor(t, { actorId: 'u1', actorName: '', actorEmail: 'ada@example.com' }).primary).toBe('ada@example.com');
    expect(actor(t, { actorId: 'system', actorName: '', actorEmail: '' }).primary).toBe('System');
    expect(actor(t, { actorId: '', actorName: '', actorEmail: '' }).primary).toBe('No one');
    expect(actor(t, { actorId: '0190-dead', actorName: '', actorEmail: '' }))
      .toEqual({ primary: '0190-dead', secondary: 'Deleted person', raw: true });
  });
});

describe('details', () => {
  it('flattens nested objects and lists into key: value text', () => {
    const d = { from: 365, to: 30, chat: { from: 'free', to: 'team' }, ids: ['a', 'b'], empty: {}, none: null };
    expect(detailPairs(d)).toEqual([
      ['from', '365'], ['to', '30'], ['chat.from', 'free'], ['chat.to', 'team'], ['ids', 'a, b'], ['empty', '{}'], ['none', 'null'],
    ]);
    expect(compactDetails({ from: 365, to: 30 })).toBe('from: 365 · to: 30');
    expect(compactDetails({})).toBe('');
    expect(compactDetails(undefined)).toBe('');
  });
});

describe('columns', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  };

  it('defaults to all but details, and remembers a choice in column order', () => {
    const s = memory();
    expect(loadColumns(s)).toEqual(defaultColumns);
    expect(defaultColumns).not.toContain('details');
    saveColumns(['details', 'time'], s);
    expect(s.m.get(columnsKey)).toBe('["time","details"]');
    expect(loadColumns(s)).toEqual(['time', 'details']);
  });

  it('falls back to the defaults on anything unreadable', () => {
    for (const bad of ['not json', '{"a":1}', '[]', '["nope"]', '42']) {
      const s = memory();
      s.setItem(columnsKey, bad);
      expect(loadColumns(s)).toEqual(defaultColumns);
    }
    expect(loadColumns(undefined)).toEqual(defaultColumns);
    const throwing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
    expect(loadColumns(throwing)).toEqual(defaultColumns);
    expect(() => saveColumns(['time'], throwing)).not.toThrow();
  });
});

describe('days', () => {
  it('turns local days into the instants that bound them, the last day included', () => {
    const start = dayStart('2026-03-14');
    const end = dayEnd('2026-03-14');
    expect(new Date(start).getTime()).toBe(new Date(2026, 2, 14).getTime());
    expect(new Date(end).getTime()).toBe(new Date(2026, 2, 15).getTime());
    expect(start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(dayEnd('2026-12-31')).toBe(new Date(2027, 0, 1).toISOString().replace('.000Z', 'Z'));
    expect(dayStart('')).toBe('');
    expect(dayStart('2026-02-30')).toBe('');
    expect(dayEnd('14/03/2026')).toBe('');
  });
});
