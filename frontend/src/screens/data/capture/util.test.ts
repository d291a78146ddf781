import { describe, expect, it } from 'vitest';
import type { ExportJob } from '../../../lib/api/capture';
import { active, addDays, body, dayEnd, dayStart, lastDay, mergeJob, parseDay, percent, spanDays, statusTone } from './util';

describe('days', () => {
  it('reads only real calendar days', () => {
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2026-13-01')).toBeNull();
    expect(parseDay('')).toBeNull();
    expect(parseDay('2028-02-29')?.getDate()).toBe(29);
  });
  it('turns a local day range into instants, the end exclusive', () => {
    const start = new Date(dayStart('2026-03-01'));
    const end = new Date(dayEnd('2026-03-31'));
    expect(start.getHours()).toBe(0);
    expect(start.getDate()).toBe(1);
    expect(end.getMonth()).toBe(3);
    expect(end.getDate()).toBe(1);
    expect(lastDay(end.toISOString())).toBe('2026-03-31');
    expect(dayStart('nope')).toBe('');
  });
  it('counts calendar days, both ends included, across DST and months', () => {
    expect(spanDays('2026-03-01', '2026-03-31')).toBe(31);
    expect(spanDays('2026-03-01', '2026-04-01')).toBe(32);
    expect(spanDays('2026-10-20', '2026-11-05')).toBe(17);
    expect(spanDays('2026-03-02', '2026-03-01')).toBe(0);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('body', () => {
  it('pretty-prints JSON', () => {
    expect(body('{"a":[1,{"b":"c"}]}', false).text).toBe('{\n  "a": [\n    1,\n    {\n      "b": "c"\n    }\n  ]\n}');
  });
  it('shows a truncated body as the text kept', () => {
    expect(body('"{\\"content\\":\\"abc"', true)).toEqual({ text: '{"content":"abc', truncated: true, empty: false });
  });
  it('says when there is none, and keeps what does not parse', () => {
    expect(body('', false).empty).toBe(true);
    expect(body('{oops', false).text).toBe('{oops');
  });
});

describe('jobs', () => {
  const job = (over: Partial<ExportJob>): ExportJob =>
    ({ id: 'j', status: 'running', done: 0, total: 0, workspaceNames: ['Prod'], ...over }) as ExportJob;
  it('measures progress', () => {
    expect(percent(job({ done: 1, total: 3 }))).toBe(33);
    expect(percent(job({ done: 0, total: 0 }))).toBe(0);
    expect(percent(job({ status: 'completed', done: 0, total: 0 }))).toBe(100);
    expect(active(job({ status: 'pending' }))).toBe(true);
    expect(active(job({ status: 'cancelled' }))).toBe(false);
  });
  it('merges progress events and keeps the names', () => {
    const list = [job({ id: 'a' }), job({ id: 'b' })];
    const merged = mergeJob(list, job({ id: 'b', done: 5, total: 9, workspaceNames: [] }));
    expect(merged[1]).toMatchObject({ id: 'b', done: 5, total: 9, workspaceNames: ['Prod'] });
    expect(merged[0]).toBe(list[0]);
    expect(mergeJob(list, job({ id: 'c' }))).toBe(list);
  });
  it('colours statuses', () => {
    expect([200, 302, 404, 503, 0].map(statusTone)).toEqual(['success', 'neutral', 'warning', 'danger', 'neutral']);
  });
});
