// Form state shared by every screen: per-field errors from coded errors, a
// form-level error, a confirmation, and a busy flag while Go works. Messages
// are kept as IDs and translated when read, so they follow a language switch.
import { ApiError } from './api';
import { messageId } from './api/errors';
import { t } from './i18n/i18n.svelte';

type Params = Record<string, string | number>;
interface Message {
  id: string;
  params?: Params;
}

const text = (m: Message | undefined): string => (m ? t(m.id, m.params) : '');

export class FormState {
  #fieldErrors = $state<Record<string, Message>>({});
  #formError = $state<Message | undefined>();
  #done = $state<Message | undefined>();
  busy = $state(false);

  constructor(private readonly fields: string[]) {}

  /** errors maps each field to its translated error, read reactively. */
  get errors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, m] of Object.entries(this.#fieldErrors)) out[field] = text(m);
    return out;
  }

  get formError(): string {
    return text(this.#formError);
  }

  get done(): string {
    return text(this.#done);
  }

  reset(): void {
    this.#fieldErrors = {};
    this.#formError = undefined;
    this.#done = undefined;
  }

  /** success shows a confirmation that needs parameters (a count, a name). */
  success(id: string, params?: Params): void {
    this.#done = { id, params };
  }

  fieldError(field: string, id: string, params?: Params): void {
    this.#fieldErrors = { ...this.#fieldErrors, [field]: { id, params } };
  }

  /** submit runs fn, placing a coded error next to its field or on the form. */
  async submit(fn: () => Promise<void>, doneId = ''): Promise<boolean> {
    this.reset();
    this.busy = true;
    try {
      await fn();
      if (doneId) this.#done = { id: doneId };
      return true;
    } catch (err) {
      const coded = err instanceof ApiError ? err.coded : { code: 'internal' };
      const m = { id: messageId(coded), params: coded.params };
      if (coded.field && this.fields.includes(coded.field)) this.#fieldErrors = { [coded.field]: m };
      else this.#formError = m;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
