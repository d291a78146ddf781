// The Data Capture screen's calls: per-workspace settings, captured calls,
// and export jobs (run by Go in the background; their progress arrives as
// 'capture:export' events).
import * as Capture from '../wailsjs/go/desktop/CaptureService';
import type { desktop } from '../wailsjs/go/models';
import { EventsOn } from '../wailsjs/runtime/runtime';
import { call } from './index';

export type CaptureSetting = desktop.CaptureSettingDTO;
export type CaptureLimits = desktop.CaptureLimitsDTO;
export type CapturedCall = desktop.CallDTO;
export type CallPage = desktop.CallPageDTO;
export type CallDetail = desktop.CallDetailDTO;
export type CallFilter = Omit<desktop.CallFilterDTO, 'convertValues'>;
export type ExportInput = Omit<desktop.ExportInputDTO, 'convertValues'>;
export type ExportJob = desktop.ExportJobDTO;
export type ExportStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

export const captureApi = {
  limits: () => call(Capture.Limits()),
  settings: () => call(Capture.Settings()),
  setCapture: (workspaceId: string, enabled: boolean, retentionDays: number) =>
    call(Capture.SetCapture(workspaceId, enabled, retentionDays)),
  calls: (f: CallFilter) => call(Capture.Calls(f as desktop.CallFilterDTO)),
  call: (id: number) => call(Capture.Call(id)),
  models: () => call(Capture.Models()),
  createExport: (input: ExportInput) => call(Capture.CreateExportJob(input as desktop.ExportInputDTO)),
  exports: () => call(Capture.ExportJobs()),
  cancelExport: (id: string) => call(Capture.CancelExportJob(id)),
  /** Resolves to the saved path, or "" when the dialog was cancelled. */
  saveExport: (id: string) => call(Capture.SaveExport(id)),
  /** onExport hears every state change and progress step of an export job; returns the unsubscribe function. */
  onExport: (fn: (job: ExportJob) => void) => EventsOn('capture:export', fn),
};
