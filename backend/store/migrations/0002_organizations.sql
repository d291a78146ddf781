-- Organizations, members, invitations and isolated workspaces with their
-- resources, API keys and limits.

ALTER TABLE organizations ADD COLUMN chat_plan TEXT NOT NULL DEFAULT 'free';
ALTER TABLE organizations ADD COLUMN api_plan TEXT NOT NULL DEFAULT 'experiment';
-- ISO 4217; money is always integer minor units of this currency.
ALTER TABLE organizations ADD COLUMN currency TEXT NOT NULL DEFAULT 'EUR';

-- The organization a session acts in (a user may belong to several), and
-- when its user last proved who they are (recent authentication).
ALTER TABLE sessions ADD COLUMN org_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN authenticated_at TEXT NOT NULL DEFAULT '';
UPDATE sessions SET authenticated_at = created_at;
UPDATE sessions SET org_id = (SELECT m.org_id FROM org_members m WHERE m.user_id = sessions.user_id ORDER BY m.joined_at LIMIT 1);

ALTER TABLE org_members ADD COLUMN last_active_at TEXT NOT NULL DEFAULT '';
UPDATE org_members SET last_active_at = joined_at;
CREATE INDEX org_members_org_role ON org_members(org_id, role);

ALTER TABLE workspaces ADD COLUMN archived_at TEXT;

-- The workspace each member last opened, per organization.
CREATE TABLE member_preferences (
    org_id            TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    current_workspace TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, user_id)
);

-- Invitations: single-use tokens kept as SHA-256 digests.
CREATE TABLE invitations (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','billing','member')),
    workspace_ids TEXT NOT NULL DEFAULT '[]',
    token_hash    BLOB NOT NULL UNIQUE,
    invited_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    accepted_at   TEXT,
    accepted_by   TEXT,
    revoked_at    TEXT
);
CREATE INDEX invitations_org ON invitations(org_id, created_at);

CREATE TABLE resources (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('file','fine_tuned_model','agent','batch_job')),
    name         TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX resources_ws ON resources(workspace_id, kind, created_at);

-- API keys: only the SHA-256 of the secret, and its first characters to
-- recognize it by. A rotated key stays valid until grace_until.
CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    display_prefix TEXT NOT NULL,
    secret_hash    BLOB NOT NULL UNIQUE,
    allowed_models TEXT NOT NULL DEFAULT '[]',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT,
    last_used_at   TEXT,
    revoked_at     TEXT,
    grace_until    TEXT,
    rotated_from   TEXT
);
CREATE INDEX api_keys_ws ON api_keys(workspace_id, created_at DESC, id DESC);

-- Limits per workspace and model ('' = the default for every model). NULL
-- means no limit of the workspace's own: the organization's ceiling applies.
CREATE TABLE workspace_limits (
    workspace_id       TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    model              TEXT NOT NULL DEFAULT '',
    requests_per_second INTEGER,
    tokens_per_minute  INTEGER,
    tokens_per_month   INTEGER,
    PRIMARY KEY (workspace_id, model)
);

-- Monthly spend limit in minor units of the organization's currency.
ALTER TABLE workspaces ADD COLUMN monthly_spend_limit INTEGER;
ALTER TABLE organizations ADD COLUMN monthly_spend_limit INTEGER;
