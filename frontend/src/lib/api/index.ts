// The one place that talks to Go. Components import from here, never from
// the generated bindings or window.go directly.
import * as Account from '../wailsjs/go/desktop/AccountService';
import * as I18n from '../wailsjs/go/desktop/I18nService';
import * as Org from '../wailsjs/go/desktop/OrganizationService';
import * as Ws from '../wailsjs/go/desktop/WorkspaceService';
import * as Bill from '../wailsjs/go/desktop/BillingService';
import * as Sec from '../wailsjs/go/desktop/SecurityService';
import { EventsOn, EventsEmit, ClipboardSetText } from '../wailsjs/runtime/runtime';
import { toCodedError, type CodedError } from './errors';
import type { desktop } from '../wailsjs/go/models';

export type State = desktop.StateDTO;
export type User = desktop.UserDTO;
export type Language = desktop.LanguageDTO;
export type CatalogDTO = desktop.CatalogDTO;
export type SignUpInput = Omit<desktop.SignUpDTO, 'convertValues'>;
export type Organization = desktop.OrgDTO;
export type Member = desktop.MemberDTO;
export type MemberPage = desktop.MemberPageDTO;
export type Invitation = desktop.InvitationDTO;
export type Workspace = desktop.WorkspaceDTO;
export type WorkspaceMember = desktop.WorkspaceMemberDTO;
export type Resource = desktop.ResourceDTO;
export type ResourcePage = desktop.ResourcePageDTO;
export type Key = desktop.KeyDTO;
export type KeyPage = desktop.KeyPageDTO;
export type KeyInput = Omit<desktop.KeyInputDTO, 'convertValues'>;
export type Limits = desktop.LimitsDTO;
export type LimitRow = Omit<desktop.LimitRowDTO, 'convertValues'>;
export type LimitsInput = { rows: LimitRow[]; monthlySpend: number | null };
export type BillingProfile = Omit<desktop.ProfileDTO, 'convertValues'>;
export type Subscription = desktop.SubscriptionDTO;
export type Change = Omit<desktop.ChangeDTO, 'convertValues'>;
export type Quote = desktop.QuoteDTO;
export type UsageQuery = Omit<desktop.UsageQueryDTO, 'convertValues'>;
export type UsageReport = desktop.UsageReportDTO;
export type UsagePoint = desktop.UsagePointDTO;
export type ImportResult = desktop.ImportResultDTO;
export type Spend = desktop.SpendDTO;
export type SpendAlert = desktop.AlertDTO;
export type InvoiceSummary = desktop.InvoiceDTO;
export type Security = desktop.SecurityDTO;
export type Enrollment = desktop.EnrollmentDTO;
export type Session = desktop.SessionDTO;
export type Policy = desktop.PolicyDTO;
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

/** call awaits a bound Go method, turning its coded error into an ApiError (the per-screen api modules use it). */
export async function call<T>(p: Promise<T>): Promise<T> {
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
  signInWithInvitation: (email: string, password: string, keep: boolean, token: string) =>
    call(Account.SignInWithInvitation(email, password, keep, token)),
  acceptInvitation: (token: string) => call(Account.AcceptInvitation(token)),
  switchOrganization: (orgId: string) => call(Account.SwitchOrganization(orgId)),
  reauthenticate: (password: string, code: string) => call(Account.Reauthenticate(password, code)),
  /** Finishes a sign-in waiting for its second factor (TOTP or recovery code). */
  completeSignIn: (code: string) => call(Account.CompleteSignIn(code)),
  cancelSignIn: () => call(Account.CancelSignIn()),
  /** Resolves when the system browser comes back (or the wait is cancelled). */
  signInWithProvider: (provider: string, keep: boolean, invitationToken: string) =>
    call(Account.SignInWithProvider(provider, keep, invitationToken)),
  cancelProviderSignIn: () => call(Account.CancelProviderSignIn()),
  /** Resolves to the saved ZIP's path, or "" when the dialog was cancelled. */
  exportMyData: () => call(Account.ExportMyData()),
  languages: () => call(I18n.Languages()),
  catalog: (lang: string) => call(I18n.Catalog(lang)),
  setLanguage: (lang: string) => call(I18n.SetLanguage(lang)),
};

export const securityApi = {
  security: () => call(Sec.Security()),
  beginMFA: () => call(Sec.BeginMFAEnrollment()),
  confirmMFA: (code: string) => call(Sec.ConfirmMFAEnrollment(code)),
  regenerateCodes: () => call(Sec.RegenerateRecoveryCodes()),
  disableMFA: (password: string, code: string) => call(Sec.DisableMFA(password, code)),
  /** Resolves to the saved path, or "" when the dialog was cancelled. */
  saveCodes: (codes: string[]) => call(Sec.SaveRecoveryCodes(codes)),
  linkProvider: (provider: string) => call(Sec.LinkProvider(provider)),
  unlinkProvider: (provider: string) => call(Sec.UnlinkProvider(provider)),
  reauthWithProvider: (provider: string, code: string) => call(Sec.ReauthenticateWithProvider(provider, code)),
  sessions: () => call(Sec.Sessions()),
  endSession: (id: string) => call(Sec.EndSession(id)),
  endOtherSessions: () => call(Sec.EndOtherSessions()),
  policy: () => call(Sec.Policy()),
  setRequireMFA: (on: boolean) => call(Sec.SetRequireMFA(on)),
};

export const orgApi = {
  get: () => call(Org.Get()),
  rename: (name: string) => call(Org.Rename(name)),
  members: (search: string, offset: number, limit: number) => call(Org.Members(search, offset, limit)),
  changeRole: (userId: string, role: string) => call(Org.ChangeRole(userId, role)),
  removeMember: (userId: string) => call(Org.RemoveMember(userId)),
  transferOwnership: (userId: string) => call(Org.TransferOwnership(userId)),
  leave: () => call(Org.Leave()),
  remove: (confirmName: string) => call(Org.Delete(confirmName)),
  invite: (emails: string[], role: string, workspaceIds: string[]) => call(Org.Invite(emails, role, workspaceIds)),
  invitations: () => call(Org.Invitations()),
  resend: (id: string) => call(Org.Resend(id)),
  revoke: (id: string) => call(Org.Revoke(id)),
  plans: () => call(Org.Plans()),
  /** Resolves to the saved ZIP's path, or "" when the dialog was cancelled. */
  exportData: () => call(Org.ExportOrganizationData()),
};

export const wsApi = {
  list: (includeArchived: boolean) => call(Ws.List(includeArchived)),
  current: () => call(Ws.Current()),
  setCurrent: (id: string) => call(Ws.SetCurrent(id)),
  create: (name: string, description: string) => call(Ws.Create(name, description)),
  update: (id: string, name: string, description: string) => call(Ws.Update(id, name, description)),
  setArchived: (id: string, archived: boolean) => call(Ws.SetArchived(id, archived)),
  remove: (id: string, confirmName: string) => call(Ws.Delete(id, confirmName)),
  members: (id: string) => call(Ws.Members(id)),
  candidates: (id: string, search: string) => call(Ws.Candidates(id, search)),
  addMember: (id: string, userId: string, role: string) => call(Ws.AddMember(id, userId, role)),
  changeMemberRole: (id: string, userId: string, role: string) => call(Ws.ChangeMemberRole(id, userId, role)),
  removeMember: (id: string, userId: string) => call(Ws.RemoveMember(id, userId)),
  resources: (id: string, kind: string, offset: number, limit: number) => call(Ws.Resources(id, kind, offset, limit)),
  deleteResource: (id: string, resourceId: string) => call(Ws.DeleteResource(id, resourceId)),
  keys: (id: string, offset: number, limit: number) => call(Ws.Keys(id, offset, limit)),
  createKey: (id: string, input: KeyInput) => call(Ws.CreateKey(id, input as desktop.KeyInputDTO)),
  revokeKey: (id: string, keyId: string) => call(Ws.RevokeKey(id, keyId)),
  rotateKey: (id: string, keyId: string, graceMinutes: number) => call(Ws.RotateKey(id, keyId, graceMinutes)),
  limits: (id: string) => call(Ws.GetLimits(id)),
  setLimits: (id: string, input: LimitsInput) => call(Ws.SetLimits(id, input as unknown as desktop.LimitsInputDTO)),
};

export const billingApi = {
  profile: () => call(Bill.Profile()),
  countries: () => call(Bill.Countries()),
  saveProfile: (p: BillingProfile) => call(Bill.SaveProfile(p as desktop.ProfileDTO)),
  subscriptions: () => call(Bill.Subscriptions()),
  quote: (c: Change) => call(Bill.Quote(c as desktop.ChangeDTO)),
  changeSubscription: (c: Change) => call(Bill.ChangeSubscription(c as desktop.ChangeDTO)),
  usage: (q: UsageQuery) => call(Bill.Usage(q as desktop.UsageQueryDTO)),
  /** Resolves to the saved path, or "" when the dialog was cancelled. */
  exportUsageCSV: (q: UsageQuery) => call(Bill.ExportUsageCSV(q as desktop.UsageQueryDTO)),
  /** Asks for a JSONL or CSV file through the native dialog and imports it. */
  importUsage: () => call(Bill.ImportUsage()),
  spend: () => call(Bill.Spend()),
  setSpendLimit: (limit: number | null) => call(Bill.SetSpendLimit(limit as number)),
  invoices: (year: number, status: string) => call(Bill.Invoices(year, status)),
  markPaid: (id: string) => call(Bill.MarkPaid(id)),
  creditNote: (id: string) => call(Bill.CreditNote(id)),
  /** Resolves to the saved path, or "" when the dialog was cancelled. */
  downloadInvoice: (id: string) => call(Bill.DownloadInvoice(id)),
  downloadYear: (year: number) => call(Bill.DownloadYear(year)),
};

/** copyText puts text on the system clipboard through Go. */
export async function copyText(text: string): Promise<void> {
  const ok = await ClipboardSetText(text).catch(() => false);
  if (!ok) await navigator.clipboard?.writeText(text);
}

/** Events Go sends without being asked (native menu actions). */
export const events = {
  onLanguageChanged: (fn: (lang: string) => void) => EventsOn('language:changed', fn),
  onSignedOut: (fn: () => void) => EventsOn('session:signed-out', fn),
  /** ready tells Go the first screen has rendered (start-up benchmark). */
  ready: () => EventsEmit('app:ready'),
};
