// The one place that talks to Go. Components import from here, never from
// the generated bindings or window.go directly.
import * as Account from '../wailsjs/go/desktop/AccountService';
import * as I18n from '../wailsjs/go/desktop/I18nService';
import { EventsOn, EventsEmit } from '../wailsjs/runtime/runtime';
import { toCodedError, type CodedError } from './errors';
import type { desktop } from '../wailsjs/go/models';

export type State = desktop.StateDTO;
export type User = desktop.UserDTO;
export type Language = desktop.LanguageDTO;
export type CatalogDTO = desktop.CatalogDTO;
export type SignUpInput = Omit<desktop.SignUpDTO, 'convertValues'>;
export { toCodedError, type CodedError };

/** ApiError carries the coded error so forms can put it next to its field. */
export class ApiError extends Error {
  constructor(readonly coded: CodedError) {
    super(coded.code);
  }
}

let onExpired: () => void = () => undefined;

/** onSessionExpired registers what to do when Go says the session has ended. */
export function onSessionExpired(fn: () => void): void {
  onExpired = fn;
}

async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const coded = toCodedError(err);
    if (coded.code === 'auth.session_expired') onExpired();
    throw new ApiError(coded);
  }
}

export const api = {
  state: () => call(Account.State()),
  signUp: (input: SignUpInput) => call(Account.SignUp(input as desktop.SignUpDTO)),
  signIn: (email: string, password: string, keep: boolean) => call(Account.SignIn(email, password, keep)),
  signOut: () => call(Account.SignOut()),
  updateProfile: (first: string, last: string) => call(Account.UpdateProfile(first, last)),
  changeEmail: (email: string, password: string) => call(Account.ChangeEmail(email, password)),
  changePassword: (current: string, next: string) => call(Account.ChangePassword(current, next)),
  languages: () => call(I18n.Languages()),
  catalog: (lang: string) => call(I18n.Catalog(lang)),
  setLanguage: (lang: string) => call(I18n.SetLanguage(lang)),
};

/** Events Go sends without being asked (native menu actions). */
export const events = {
  onLanguageChanged: (fn: (lang: string) => void) => EventsOn('language:changed', fn),
  onSignedOut: (fn: () => void) => EventsOn('session:signed-out', fn),
  /** ready tells Go the first screen has rendered (start-up benchmark). */
  ready: () => EventsEmit('app:ready'),
};
