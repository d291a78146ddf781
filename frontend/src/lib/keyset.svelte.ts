// Keyset paging for long lists (audit events, captured calls): Go hands back
// the cursor of the next page; the cursors of the pages already passed are
// kept here so "newer" can go back. A late answer to an older request is
// dropped, so a quick change of filters never shows a stale page.
import { ApiError, type CodedError } from './api';

export class KeysetPages<Q, C, P> {
  page = $state<P | null>(null);
  error = $state<CodedError | null>(null);
  loading = $state(false);
  /** Cursors of the pages before the current one, oldest first. */
  #back = $state<C[]>([]);
  #cursor: C;
  #seq = 0;

  /**
   * fetch loads the page of query q at cursor at; first is the cursor of
   * the first page; next reads the next page's cursor from a page (null or
   * '' or 0 when there is none).
   */
  constructor(
    private readonly fetch: (q: Q, at: C) => Promise<P>,
    private readonly first: C,
    private readonly next: (p: P) => C | null,
  ) {
    this.#cursor = first;
  }

  /** How many pages come before this one (0 on the first). */
  get before(): number {
    return this.#back.length;
  }

  get hasOlder(): boolean {
    return !!(this.page && this.next(this.page));
  }

  /** restart shows the first page of q (filters changed). */
  restart(q: Q): Promise<void> {
    this.#back = [];
    return this.#load(q, this.first);
  }

  older(q: Q): Promise<void> | void {
    const at = this.page ? this.next(this.page) : null;
    if (!at) return;
    this.#back = [...this.#back, this.#cursor];
    return this.#load(q, at);
  }

  newer(q: Q): Promise<void> | void {
    if (this.#back.length === 0) return;
    const at = this.#back[this.#back.length - 1] as C;
    this.#back = this.#back.slice(0, -1);
    return this.#load(q, at);
  }

  async #load(q: Q, at: C): Promise<void> {
    const mine = ++this.#seq;
    this.loading = true;
    try {
      const p = await this.fetch(q, at);
      if (mine !== this.#seq) return; // an older query answered late
      this.page = p;
      this.#cursor = at;
      this.error = null;
    } catch (err) {
      if (mine !== this.#seq) return;
      this.page = null;
      this.error = err instanceof ApiError ? err.coded : { code: 'internal' };
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }
}
