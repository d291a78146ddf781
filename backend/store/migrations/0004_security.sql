-- Sign-in security: TOTP second factor, recovery codes, pending second-factor
-- challenges, the organization's MFA policy and social sign-in identities.

-- The TOTP seed is sealed with the data key from the OS keychain (AES-GCM,
-- bound to the user's ID); NULL while MFA is off. mfa_last_step is the last
-- 30-second step whose code was accepted: a code counts once.
ALTER TABLE users ADD COLUMN mfa_secret BLOB;
ALTER TABLE users ADD COLUMN mfa_enabled_at TEXT;
ALTER TABLE users ADD COLUMN mfa_last_step INTEGER NOT NULL DEFAULT 0;

-- An enrolment started but not yet confirmed with a code.
CREATE TABLE mfa_enrollments (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Recovery codes are kept as keyed digests (HMAC with the data key).
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A password (or provider) sign-in waiting for its second factor. The token
-- is kept as a SHA-256 digest and lives a few minutes.
CREATE TABLE mfa_challenges (
    id         TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    method     TEXT NOT NULL,
    device     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX mfa_challenges_user ON mfa_challenges(user_id);

ALTER TABLE organizations ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

-- How a session was started (password, password+totp, google, ...), shown in
-- the sessions list.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';

-- Accounts created through a provider have no password: '' never matches.
-- One identity per (provider, subject); a user links each provider once.
CREATE TABLE user_identities (
    provider     TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email        TEXT NOT NULL DEFAULT '',
    linked_at    TEXT NOT NULL,
    last_used_at TEXT,
    PRIMARY KEY (provider, subject),
    UNIQUE (user_id, provider)
);
