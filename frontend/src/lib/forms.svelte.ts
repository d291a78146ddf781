// Form state shared by every screen: per-field errors from coded errors, a
// form-level error, and a busy flag while Go works.
import { ApiError } from './api';
import { messageId } from './api/errors';
import { t } from './i18n/i18n.svelte';

export class FormState {
  errors = $state<Record<string, string>>({});
  formError = $state('');
  busy = $state(false);
  done = $state('');

  constructor(private readonly fields: string[]) {}

  reset(): void {
    this.errors = {};
    this.formError = '';
    this.done = '';
  }

  fieldError(field: string, id: string, params?: Record<string, string | number>): void {
    this.errors = { ...this.errors, [field]: t(id, params) };
  }

  /** submit runs fn, placing a coded error next to its field or on the form. */
  async submit(fn: () => Promise<void>, doneId = ''): Promise<boolean> {
    this.reset();
    this.busy = true;
    try {
      await fn();
      if (doneId) this.done = t(doneId);
      return true;
    } catch (err) {
      const coded = err instanceof ApiError ? err.coded : { code: 'internal' };
      const text = t(messageId(coded), coded.params);
      if (coded.field && this.fields.includes(coded.field)) this.errors = { [coded.field]: text };
      else this.formError = text;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
