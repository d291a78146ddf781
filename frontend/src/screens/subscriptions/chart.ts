// Pure logic of the usage chart: which days or months it shows, how costs of
// groups stack in each, the money ticks of the y axis, where bars sit
// (mirrored in right-to-left) and which x labels fit. Amounts stay integer
// minor units; only pixel positions are fractional.

/** The part of a usage point the chart needs. */
export interface CostPoint {
  bucket: string;
  group: string;
  cost: number;
}

/** A group of the report, in the order the report ranks them (by cost). */
export interface GroupInfo {
  group: string;
  label: string;
}

/** One colored series of the stack: a group, or every smaller group together. */
export interface Series {
  key: string;
  label: string;
  /** The "other" series gathers the groups beyond the top ones. */
  other: boolean;
}

/** One series' share of a bar, from y0 to y1 (minor units, y0 < y1). */
export interface Segment {
  series: number;
  value: number;
  y0: number;
  y1: number;
}

export interface Column {
  bucket: string;
  total: number;
  segments: Segment[];
}

export interface Stack {
  series: Series[];
  columns: Column[];
  /** The highest bar, in minor units. */
  max: number;
}

export const OTHER = '\u0000other';

const DAY_MS = 86_400_000;
/** A guard against runaway ranges; the backend allows at most three years. */
const MAX_BUCKETS = 5000;

function parseDay(iso: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? null : t;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function dayOf(t: number): string {
  const d = new Date(t);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** addDays moves a YYYY-MM-DD date by n days (calendar days, no time zone). */
export function addDays(iso: string, n: number): string {
  const t = parseDay(iso);
  return t === null ? iso : dayOf(t + n * DAY_MS);
}

/** localDay is the date of d in the computer's time zone, as YYYY-MM-DD. */
export function localDay(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * bucketRange lists every bucket from one day to another, both included:
 * days (2026-11-02) or months (2026-11). Days without usage still get a
 * place on the axis, so a gap reads as a gap.
 */
export function bucketRange(from: string, to: string, byMonth: boolean): string[] {
  const a = parseDay(from);
  const b = parseDay(to);
  if (a === null || b === null || b < a) return [];
  const out: string[] = [];
  if (byMonth) {
    const start = new Date(a);
    const end = new Date(b);
    let y = start.getUTCFullYear();
    let m = start.getUTCMonth();
    while ((y < end.getUTCFullYear() || (y === end.getUTCFullYear() && m <= end.getUTCMonth())) && out.length < MAX_BUCKETS) {
      out.push(`${pad(y, 4)}-${pad(m + 1)}`);
      m++;
      if (m === 12) {
        m = 0;
        y++;
      }
    }
    return out;
  }
  for (let t = a; t <= b && out.length < MAX_BUCKETS; t += DAY_MS) out.push(dayOf(t));
  return out;
}

/**
 * stackUsage turns report points into stacked columns. The top groups (the
 * report lists groups by cost, highest first) each get a series; the rest
 * share one "other" series, unless only one group would be in it. Series are
 * stacked in that order from the axis up; empty segments are left out.
 */
export function stackUsage(points: CostPoint[], groups: GroupInfo[], buckets: string[], top = 6): Stack {
  const keep = groups.length <= top + 1 ? groups : groups.slice(0, top);
  const series: Series[] = keep.map((g) => ({ key: g.group, label: g.label, other: false }));
  const index = new Map<string, number>(keep.map((g, i) => [g.group, i]));
  let otherIndex = -1;
  if (keep.length < groups.length) {
    otherIndex = series.length;
    series.push({ key: OTHER, label: '', other: true });
  }

  // Buckets the range did not foresee (should not happen) are added in order.
  const all = [...buckets];
  const known = new Set(all);
  for (const p of points) {
    if (!known.has(p.bucket)) {
      known.add(p.bucket);
      all.push(p.bucket);
    }
  }
  if (all.length !== buckets.length) all.sort();

  const sums = new Map<string, number[]>(all.map((b) => [b, new Array<number>(series.length).fill(0)]));
  for (const p of points) {
    let s = index.get(p.group);
    if (s === undefined) {
      if (otherIndex < 0) {
        // A group missing from the group list: give it its own series.
        s = series.length;
        index.set(p.group, s);
        series.push({ key: p.group, label: p.group, other: false });
        for (const row of sums.values()) row.push(0);
      } else s = otherIndex;
    }
    const row = sums.get(p.bucket)!;
    row[s] = (row[s] ?? 0) + p.cost;
  }

  let max = 0;
  const columns: Column[] = all.map((bucket) => {
    const row = sums.get(bucket)!;
    const segments: Segment[] = [];
    let y = 0;
    row.forEach((value, s) => {
      if (value <= 0) return;
      segments.push({ series: s, value, y0: y, y1: y + value });
      y += value;
    });
    if (y > max) max = y;
    return { bucket, total: y, segments };
  });
  return { series, columns, max };
}

/**
 * moneyTicks chooses y axis gridlines for amounts up to max (minor units):
 * a whole, round step (1, 2, 2.5 or 5 times a power of ten; 3 among single
 * minor units, where 2.5 is not whole) and at most `most` intervals, which
 * gives 4 or 5 gridlines for any amount from 10 minor units up.
 */
export function moneyTicks(max: number, most = 4): { step: number; top: number; ticks: number[] } {
  if (!(max > 0)) return { step: 1, top: 1, ticks: [0, 1] };
  let step = 1;
  search: for (let mag = 1; ; mag *= 10) {
    for (const m of mag >= 10 ? [1, 2, 2.5, 5] : [1, 2, 3, 5]) {
      step = m * mag;
      if (Math.ceil(max / step) <= most) break search;
    }
  }
  const n = Math.ceil(max / step);
  const ticks = Array.from({ length: n + 1 }, (_, i) => i * step);
  return { step, top: n * step, ticks };
}

/**
 * labelStep is how many buckets apart x labels must be so that at most
 * `fit` of them are shown.
 */
export function labelStep(count: number, fit: number): number {
  if (count <= 0) return 1;
  return Math.max(1, Math.ceil(count / Math.max(1, Math.floor(fit))));
}

/** labelled lists the bucket indexes that get an x label: every step-th, from the first. */
export function labelled(count: number, fit: number): number[] {
  const step = labelStep(count, fit);
  const out: number[] = [];
  for (let i = 0; i < count; i += step) out.push(i);
  return out;
}

/**
 * bandStart is the physical x where bucket i's band begins, for n bands over
 * width. Bars run from the inline start: in right-to-left the first bucket
 * is on the right.
 */
export function bandStart(i: number, n: number, width: number, rtl: boolean): number {
  const band = n > 0 ? width / n : width;
  return rtl ? width - (i + 1) * band : i * band;
}

/** scaleY maps an amount to a y pixel: 0 at the bottom of a plot of height h, top at its top. */
export function scaleY(value: number, top: number, h: number): number {
  if (top <= 0) return h;
  return h - (value / top) * h;
}

/**
 * bucketLabel writes a bucket for lang: a short day ("Nov 2", or "Nov 2, 26"
 * when the range spans years) or a month ("Nov 2026").
 */
export function bucketLabel(lang: string, bucket: string, withYear = false): string {
  const month = /^(\d{4})-(\d{2})$/.exec(bucket);
  if (month) {
    const t = Date.UTC(Number(month[1]), Number(month[2]) - 1, 1);
    return new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(t);
  }
  const t = parseDay(bucket);
  if (t === null) return bucket;
  const opts: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', timeZone: 'UTC' };
  if (withYear) opts.year = '2-digit';
  return new Intl.DateTimeFormat(lang, opts).format(t);
}

/** spansYears tells whether buckets fall in more than one calendar year. */
export function spansYears(buckets: string[]): boolean {
  if (buckets.length < 2) return false;
  return buckets[0]!.slice(0, 4) !== buckets[buckets.length - 1]!.slice(0, 4);
}

/** dayLabel writes a YYYY-MM-DD date in full for lang, as the calendar day it names (no time zone shift). */
export function dayLabel(lang: string, iso: string): string {
  const t = parseDay(iso);
  if (t === null) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(t);
}
