// Logic of the Data Capture screen, kept out of the components so Vitest
// can check it.
import type { ExportJob } from '../../../lib/api/capture';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** parseDay reads YYYY-MM-DD as a local calendar day; null when it is not one. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]) ? d : null;
}

/** dayStart is the instant a local day starts (RFC 3339, UTC); "" for no day. */
export function dayStart(day: string): string {
  return parseDay(day)?.toISOString() ?? '';
}

/** dayEnd is the instant the next local day starts: the exclusive end of a range ending on day. */
export function dayEnd(day: string): string {
  const d = parseDay(day);
  if (!d) return '';
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).toISOString();
}

/** localDay is the local date of d as YYYY-MM-DD. */
export function localDay(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** addDays moves a YYYY-MM-DD day by n calendar days. */
export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  if (!d) return day;
  return localDay(new Date(d.getFullYear(), d.getMonth(), d.getDate() + n));
}

/** spanDays counts the days from one day to another, both included (0 when to is before from or a day is missing). */
export function spanDays(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) return 0;
  // Calendar days, whatever daylight saving does to the hours between.
  const days = Math.round((Date.UTC(b.getFullYear(), b.getMonth(), b.getDate()) - Date.UTC(a.getFullYear(), a.getMonth(), a.getDate())) / 86_400_000);
  return days < 0 ? 0 : days + 1;
}

/** lastDay is the local day of the last instant before an exclusive end. */
export function lastDay(endISO: string): string {
  const t = new Date(endISO).getTime();
  return Number.isNaN(t) ? '' : localDay(new Date(t - 1));
}

export interface Body {
  text: string;
  /** The body was cut to the size limit and is shown as the text that was kept. */
  truncated: boolean;
  empty: boolean;
}

/**
 * body prepares a request or response for reading: JSON pretty-printed with
 * two spaces; a body cut to the size limit (stored as a JSON string of its
 * first megabyte) shown as that text.
 */
export function body(json: string, truncated: boolean): Body {
  if (!json) return { text: '', truncated, empty: true };
  try {
    const v: unknown = JSON.parse(json);
    if (truncated && typeof v === 'string') return { text: v, truncated, empty: false };
    return { text: JSON.stringify(v, null, 2), truncated, empty: false };
  } catch {
    return { text: json, truncated, empty: false };
  }
}

/** statusTone colours an HTTP status: 2xx success, 4xx warning, 5xx danger. */
export function statusTone(status: number): 'success' | 'warning' | 'danger' | 'neutral' {
  if (status >= 200 && status < 300) return 'success';
  if (status >= 400 && status < 500) return 'warning';
  if (status >= 500) return 'danger';
  return 'neutral';
}

/** percent is a job's progress, 0 to 100 (a completed job is 100 even when it had nothing to write). */
export function percent(job: Pick<ExportJob, 'status' | 'done' | 'total'>): number {
  if (job.status === 'completed') return 100;
  if (job.total <= 0) return 0;
  return Math.min(100, Math.floor((job.done / job.total) * 100));
}

/** active says whether a job can still change (and be cancelled). */
export function active(job: Pick<ExportJob, 'status'>): boolean {
  return job.status === 'pending' || job.status === 'running';
}

/**
 * mergeJob applies a job heard in an event to the list: progress events
 * carry no workspace names, so the listed ones are kept. A job not listed
 * is left out (the list is reloaded when jobs are created).
 */
export function mergeJob(list: ExportJob[], job: ExportJob): ExportJob[] {
  const i = list.findIndex((j) => j.id === job.id);
  if (i < 0) return list;
  const old = list[i]!;
  const merged = { ...old, ...job, workspaceNames: job.workspaceNames.length ? job.workspaceNames : old.workspaceNames } as ExportJob;
  return [...list.slice(0, i), merged, ...list.slice(i + 1)];
}
