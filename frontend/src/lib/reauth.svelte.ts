// Recent authentication: a sensitive call that Go refuses with
// auth.reauth_required asks for the password once, then runs again.
import { ApiError } from './api';

export const reauth = $state<{ open: boolean; settle: ((ok: boolean) => void) | null }>({ open: false, settle: null });

function ask(): Promise<boolean> {
  return new Promise((resolve) => {
    reauth.settle = resolve;
    reauth.open = true;
  });
}

/** withReauth runs fn, asking for the password and retrying once if needed. */
export async function withReauth<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof ApiError) || err.coded.code !== 'auth.reauth_required') throw err;
    if (!(await ask())) throw err;
    return fn();
  }
}
