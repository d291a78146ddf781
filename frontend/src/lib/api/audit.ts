// The audit log screen's calls (Team and Enterprise; Owners and Admins).
// Exports and verification run in Go and report their progress as
// 'audit:export-progress' and 'audit:verify-progress' events.
import * as Audit from '../wailsjs/go/desktop/AuditService';
import type { desktop } from '../wailsjs/go/models';
import { EventsOn } from '../wailsjs/runtime/runtime';
import { call } from './index';

export type AuditQuery = Omit<desktop.AuditQueryDTO, 'convertValues'>;
export type AuditEvent = desktop.AuditEventDTO;
export type AuditPage = desktop.AuditPageDTO;
export type AuditOverview = desktop.AuditOverviewDTO;
export type AuditVerification = desktop.AuditVerifyDTO;
export type AuditExport = desktop.AuditExportDTO;
export type AuditFormat = 'csv' | 'jsonl';

/** How far an export or a verification is (events). */
export interface AuditProgress {
  done: number;
  total: number;
}

export const auditApi = {
  overview: () => call(Audit.Overview()),
  events: (q: AuditQuery) => call(Audit.Events(q as desktop.AuditQueryDTO)),
  /** Every event matching q, through the save dialog; path is "" when the dialog was cancelled. */
  export: (q: AuditQuery, format: AuditFormat) => call(Audit.Export(q as desktop.AuditQueryDTO, format)),
  /** Stops the running export: it then fails with audit.export_cancelled and leaves no file. */
  cancelExport: () => call(Audit.CancelExport()),
  verify: () => call(Audit.Verify()),
  /** The days as typed: Go validates them. Resolves to the days now in force. */
  setRetention: (days: string) => call(Audit.SetRetention(days)),
  /** Each returns its unsubscribe function. */
  onExportProgress: (fn: (p: AuditProgress) => void) => EventsOn('audit:export-progress', fn),
  onVerifyProgress: (fn: (p: AuditProgress) => void) => EventsOn('audit:verify-progress', fn),
};
