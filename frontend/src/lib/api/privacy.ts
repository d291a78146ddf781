// The privacy screen's calls: the improvement-data choice and Zero Data
// Retention requests (decided by the platform operator, not in the app).
import * as Privacy from '../wailsjs/go/desktop/PrivacyService';
import type { desktop } from '../wailsjs/go/models';
import { call } from './index';

export type PrivacySettings = desktop.PrivacyDTO;
export type Improvement = desktop.ImprovementDTO;
export type ZdrRequest = desktop.ZDRRequestDTO;
export type ZdrEndpoint = desktop.EndpointDTO;
export type ZdrStatus = 'requested' | 'approved' | 'declined';

export const privacyApi = {
  settings: () => call(Privacy.Settings()),
  setImprovementOptOut: (optOut: boolean) => call(Privacy.SetImprovementOptOut(optOut)),
  requestZdr: (reason: string, contact: string, workspaceIds: string[]) =>
    call(Privacy.RequestZDR(reason, contact, workspaceIds)),
};
