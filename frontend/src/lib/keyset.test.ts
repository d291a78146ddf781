import { describe, expect, it } from 'vitest';
import { KeysetPages } from './keyset.svelte';

// Pages of a list 0..24 by five: the cursor is the first index of a page.
const fetchPage = async (_q: string, at: number) => ({ items: [0, 1, 2, 3, 4].map((i) => at + i), next: at + 5 < 25 ? at + 5 : 0 });

describe('KeysetPages', () => {
  it('goes older and newer through remembered cursors', async () => {
    const p = new KeysetPages(fetchPage, 0, (page) => page.next || null);
    await p.restart('q');
    expect(p.page?.items[0]).toBe(0);
    await p.older('q');
    await p.older('q');
    expect([p.before, p.page?.items[0]]).toEqual([2, 10]);
    await p.newer('q');
    expect([p.before, p.page?.items[0]]).toEqual([1, 5]);
    await p.restart('q');
    expect([p.before, p.page?.items[0]]).toEqual([0, 0]);
    for (let i = 0; i < 10; i++) await p.older('q');
    expect([p.before, p.page?.items[0], p.hasOlder]).toEqual([4, 20, false]);
  });

  it('drops a late answer to an older request', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const p = new KeysetPages(async (q: string, at: number) => {
      if (q === 'old') await slow;
      return { q, at };
    }, 0, () => null);
    const first = p.restart('old');
    await p.restart('new');
    release();
    await first;
    expect(p.page?.q).toBe('new');
    expect(p.loading).toBe(false);
  });
});
