import { describe, expect, it } from 'vitest';
import {
  OTHER, addDays, bandStart, bucketLabel, dayLabel, bucketRange, labelStep, labelled, localDay, moneyTicks, scaleY, spansYears, stackUsage,
} from './chart';

describe('bucketRange', () => {
  it('lists every day, both ends included, across a month end', () => {
    expect(bucketRange('2026-10-30', '2026-11-02', false)).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
  });
  it('lists months across a year end', () => {
    expect(bucketRange('2026-11-15', '2027-02-01', true)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
  it('knows leap days and is empty for a reversed or bad range', () => {
    expect(bucketRange('2028-02-28', '2028-03-01', false)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(bucketRange('2026-11-02', '2026-11-01', false)).toEqual([]);
    expect(bucketRange('', '2026-11-01', true)).toEqual([]);
  });
});

describe('dates', () => {
  it('addDays moves calendar days', () => {
    expect(addDays('2026-03-01', -29)).toBe('2026-01-31');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
  it('localDay writes the local date', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
  it('spansYears', () => {
    expect(spansYears(['2026-12-31', '2027-01-01'])).toBe(true);
    expect(spansYears(['2026-01-01', '2026-12-31'])).toBe(false);
    expect(spansYears(['2026-01-01'])).toBe(false);
  });
});

describe('stackUsage', () => {
  const groups = (n: number) => Array.from({ length: n }, (_, i) => ({ group: `g${i}`, label: `G${i}` }));

  it('stacks groups in report order from the axis up and skips empty segments', () => {
    const s = stackUsage(
      [
        { bucket: '2026-11-01', group: 'g0', cost: 300 },
        { bucket: '2026-11-01', group: 'g1', cost: 120 },
        { bucket: '2026-11-03', group: 'g1', cost: 5 },
      ],
      groups(2),
      ['2026-11-01', '2026-11-02', '2026-11-03'],
    );
    expect(s.series.map((x) => x.key)).toEqual(['g0', 'g1']);
    expect(s.columns.map((c) => c.total)).toEqual([420, 0, 5]);
    expect(s.columns[0]!.segments).toEqual([
      { series: 0, value: 300, y0: 0, y1: 300 },
      { series: 1, value: 120, y0: 300, y1: 420 },
    ]);
    expect(s.columns[1]!.segments).toEqual([]);
    expect(s.columns[2]!.segments).toEqual([{ series: 1, value: 5, y0: 0, y1: 5 }]);
    expect(s.max).toBe(420);
  });

  it('keeps the top six groups and puts the rest in "other"', () => {
    const points = groups(9).map((g, i) => ({ bucket: '2026-11', group: g.group, cost: 100 - i }));
    const s = stackUsage(points, groups(9), ['2026-11']);
    expect(s.series).toHaveLength(7);
    expect(s.series[6]).toEqual({ key: OTHER, label: '', other: true });
    const other = s.columns[0]!.segments.find((x) => x.series === 6)!;
    expect(other.value).toBe(94 + 93 + 92);
    expect(s.columns[0]!.total).toBe(points.reduce((a, p) => a + p.cost, 0));
  });

  it('does not make an "other" of a single group', () => {
    const s = stackUsage([], groups(7), ['2026-11']);
    expect(s.series.map((x) => x.other)).toEqual([false, false, false, false, false, false, false]);
  });

  it('keeps points of an unexpected bucket or group', () => {
    const s = stackUsage([{ bucket: '2026-10-31', group: 'zz', cost: 7 }], groups(1), ['2026-11-01']);
    expect(s.columns.map((c) => c.bucket)).toEqual(['2026-10-31', '2026-11-01']);
    expect(s.series.map((x) => x.key)).toEqual(['g0', 'zz']);
    expect(s.columns[0]!.segments).toEqual([{ series: 1, value: 7, y0: 0, y1: 7 }]);
  });
});

describe('moneyTicks', () => {
  it('gives 4 or 5 round, whole gridlines covering the maximum', () => {
    for (const max of [3, 7, 10, 11, 13, 21, 41, 60, 99, 100, 101, 1234, 2500, 9999, 10_001, 123_456, 987_654_321, 5_000_000_000]) {
      const { step, top, ticks } = moneyTicks(max);
      expect(Number.isInteger(step)).toBe(true);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBe(top);
      expect(ticks.length).toBeLessThanOrEqual(5);
      if (max >= 10) expect(ticks.length).toBeGreaterThanOrEqual(4);
      const lead = step / 10 ** Math.floor(Math.log10(step));
      expect(step === 3 || [1, 2, 2.5, 5].includes(lead)).toBe(true);
    }
  });
  it('chooses the expected steps', () => {
    expect(moneyTicks(1234).ticks).toEqual([0, 500, 1000, 1500]);
    expect(moneyTicks(1000).ticks).toEqual([0, 250, 500, 750, 1000]);
    expect(moneyTicks(7).ticks).toEqual([0, 2, 4, 6, 8]);
  });
  it('has an axis even without any amount', () => {
    expect(moneyTicks(0)).toEqual({ step: 1, top: 1, ticks: [0, 1] });
  });
});

describe('labels', () => {
  it('shows every label when they fit', () => {
    expect(labelStep(7, 10)).toBe(1);
    expect(labelled(3, 10)).toEqual([0, 1, 2]);
  });
  it('thins out labels when many buckets share little room', () => {
    expect(labelStep(31, 8)).toBe(4);
    expect(labelled(31, 8)).toEqual([0, 4, 8, 12, 16, 20, 24, 28]);
    expect(labelled(365, 6).length).toBeLessThanOrEqual(6);
    expect(labelled(10, 0)).toEqual([0]);
    expect(labelled(0, 5)).toEqual([]);
  });
  it('formats buckets for the language', () => {
    expect(bucketLabel('en', '2026-11-02')).toBe('Nov 2');
    expect(bucketLabel('en', '2026-11')).toBe('Nov 2026');
    expect(bucketLabel('de', '2026-11-02')).toBe('2. Nov.');
    expect(bucketLabel('en', '2026-11-02', true)).toBe('Nov 2, 26');
  });
  it('writes a whole day without shifting it by the time zone', () => {
    expect(dayLabel('en', '2026-11-01')).toBe('November 1, 2026');
    expect(dayLabel('fr', '2026-11-01')).toBe('1 novembre 2026');
  });
});

describe('geometry', () => {
  it('bars run from the inline start, mirrored in right-to-left', () => {
    expect(bandStart(0, 4, 400, false)).toBe(0);
    expect(bandStart(3, 4, 400, false)).toBe(300);
    expect(bandStart(0, 4, 400, true)).toBe(300);
    expect(bandStart(3, 4, 400, true)).toBe(0);
  });
  it('scaleY puts zero at the bottom and the top at 0', () => {
    expect(scaleY(0, 1000, 200)).toBe(200);
    expect(scaleY(1000, 1000, 200)).toBe(0);
    expect(scaleY(250, 1000, 200)).toBe(150);
    expect(scaleY(5, 0, 200)).toBe(200);
  });
});
