-- Data Capture: captured API calls and their export jobs (Team and Enterprise).
-- The per-workspace settings (enabled, retention_days) are capture_settings (0005).

-- One captured API call. It enters with its usage record (the same JSONL
-- import and Go API) and shares its record key, so a re-import stores it once.
-- request and response hold compact JSON (one line); a body larger than 1 MiB
-- is cut to its first 1 MiB and kept as a JSON string, with its bit set in
-- truncated (1 = request, 2 = response). A call expires when it is older than
-- its workspace's retention (at < now - retention_days): there is no
-- expires_at, so changing the retention applies to what is already stored.
CREATE TABLE captured_calls (
    id            INTEGER PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    record_key    TEXT NOT NULL,
    at            TEXT NOT NULL,
    model         TEXT NOT NULL,
    api_key_id    TEXT NOT NULL DEFAULT '',
    request       TEXT NOT NULL,
    response      TEXT NOT NULL,
    input_tokens  INTEGER NOT NULL CHECK (input_tokens >= 0),
    output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
    latency_ms    INTEGER NOT NULL CHECK (latency_ms >= 0),
    status        INTEGER NOT NULL CHECK (status = 0 OR status BETWEEN 100 AND 599),
    truncated     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, record_key)
);
CREATE INDEX captured_calls_ws_at ON captured_calls(workspace_id, at, id);
CREATE INDEX captured_calls_org_at ON captured_calls(org_id, at, id);
CREATE INDEX captured_calls_org_model ON captured_calls(org_id, model, at, id);

-- Export jobs: pending -> running -> completed | failed | cancelled (cancel
-- from pending or running). The runner writes the JSONL result into the data
-- directory (result_path, removed after 7 days or when the job is cancelled
-- or fails); saving copies it where the person chooses.
CREATE TABLE capture_export_jobs (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_by    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','cancelled')),
    workspace_ids TEXT NOT NULL,            -- JSON array of workspace IDs
    from_at       TEXT NOT NULL,            -- inclusive
    to_at         TEXT NOT NULL,            -- exclusive
    model         TEXT NOT NULL DEFAULT '', -- '' for every model
    done          INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    error_code    TEXT NOT NULL DEFAULT '',
    result_path   TEXT NOT NULL DEFAULT '',
    result_bytes  INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    started_at    TEXT NOT NULL DEFAULT '',
    finished_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX capture_export_jobs_org ON capture_export_jobs(org_id, created_at);
CREATE INDEX capture_export_jobs_status ON capture_export_jobs(status, created_at);
