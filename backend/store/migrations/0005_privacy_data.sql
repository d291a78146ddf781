-- Privacy settings, Zero Data Retention, Data Capture and audit retention.

-- Improvement data: opted out (1) keeps the organization's traffic out of
-- anonymized model-improvement data. NULL means "never chosen": the default
-- follows the plan (opted out on Scale, Team and Enterprise).
ALTER TABLE organizations ADD COLUMN improvement_opt_out INTEGER;
ALTER TABLE organizations ADD COLUMN improvement_changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN improvement_changed_at TEXT NOT NULL DEFAULT '';

-- How long the organization keeps its audit events (1 to 3650 days).
ALTER TABLE organizations ADD COLUMN audit_retention_days INTEGER NOT NULL DEFAULT 365;

-- Zero Data Retention requests, decided by the platform operator
-- (`admin-console zdr approve|decline ID --note ...`).
CREATE TABLE zdr_requests (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('requested','approved','declined')),
    reason        TEXT NOT NULL,
    contact       TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    requested_at  TEXT NOT NULL,
    decided_at    TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX zdr_requests_org ON zdr_requests(org_id, requested_at);

-- The workspaces a request concerns. ZDR is active for a workspace while an
-- approved request names it: Data Capture is then off and cannot be turned on.
CREATE TABLE zdr_request_workspaces (
    request_id   TEXT NOT NULL REFERENCES zdr_requests(id) ON DELETE CASCADE,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, workspace_id)
);
CREATE INDEX zdr_request_workspaces_ws ON zdr_request_workspaces(workspace_id);

-- Data Capture per workspace (Team and Enterprise).
CREATE TABLE capture_settings (
    workspace_id   TEXT PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
    enabled        INTEGER NOT NULL DEFAULT 0,
    retention_days INTEGER NOT NULL DEFAULT 30 CHECK (retention_days BETWEEN 1 AND 365),
    changed_by     TEXT NOT NULL DEFAULT '',
    changed_at     TEXT NOT NULL DEFAULT ''
);
