// Formatting for the invoices list. Invoice dates are read in UTC, as the
// PDF prints them: a list in local time would show an invoice issued at
// midnight UTC a day earlier than its own document in America.

/** Badge tone of each invoice status. */
export const statusTone = { open: 'warning', paid: 'success', void: 'neutral' } as const;
export const statuses = Object.keys(statusTone) as (keyof typeof statusTone)[];

const DAY = 86_400_000;

// The month by name, never a number: 03/04 reads as March or April depending
// on who reads it ("medium" is all digits in German and Arabic).
function utc(lang: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return iso && !Number.isNaN(d.getTime()) ? d : null;
}

/** invoiceDate is a calendar date of an invoice ("Jan 5, 2026"), or "" when there is none. */
export function invoiceDate(lang: string, iso: string): string {
  const d = parse(iso);
  return d ? utc(lang).format(d) : '';
}

/**
 * invoicePeriod shows a billed period. Go stores it half-open, [start, end):
 * an end at midnight is shown as the day before, so January reads
 * "Jan 1 – 31, 2026" and not "Jan 1 – Feb 1, 2026".
 */
export function invoicePeriod(lang: string, startIso: string, endIso: string): string {
  const start = parse(startIso);
  let end = parse(endIso);
  if (!start || !end) return '';
  if (end.getTime() % DAY === 0 && end > start) end = new Date(end.getTime() - DAY);
  return utc(lang).formatRange(start, end);
}

/** yearText writes a year without digit grouping ("2026", never "2,026"). */
export function yearText(lang: string, year: number): string {
  return new Intl.NumberFormat(lang, { useGrouping: false }).format(year);
}

/** recentYears is this year and the ones before it, newest first. */
export function recentYears(now: Date, count = 5): number[] {
  const y = now.getFullYear();
  return Array.from({ length: count }, (_, i) => y - i);
}
