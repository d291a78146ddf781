-- Billing: profiles, subscriptions, usage and invoices. Money is always an
-- integer of minor units (cents) beside an ISO 4217 currency; usage costs
-- keep six more decimal places (micro-minor units) until an invoice rounds
-- them once.

CREATE TABLE billing_profiles (
    org_id           TEXT PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
    legal_name       TEXT NOT NULL DEFAULT '',
    address          TEXT NOT NULL DEFAULT '',
    postal_code      TEXT NOT NULL DEFAULT '',
    city             TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT '',
    billing_email    TEXT NOT NULL DEFAULT '',
    tax_id           TEXT NOT NULL DEFAULT '',
    invoice_language TEXT NOT NULL DEFAULT 'en',
    updated_at       TEXT NOT NULL
);

-- Usage as a gateway reports it. record_key makes an import idempotent.
CREATE TABLE usage_records (
    id            INTEGER PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    record_key    TEXT NOT NULL,
    at            TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    api_key_id    TEXT NOT NULL DEFAULT '',
    model         TEXT NOT NULL,
    input_tokens  INTEGER NOT NULL CHECK (input_tokens >= 0),
    output_tokens INTEGER NOT NULL CHECK (output_tokens >= 0),
    requests      INTEGER NOT NULL CHECK (requests >= 0),
    currency      TEXT NOT NULL,
    cost_micros   INTEGER NOT NULL CHECK (cost_micros >= 0),
    UNIQUE (org_id, record_key)
);
CREATE INDEX usage_records_org_at ON usage_records(org_id, at);

-- Daily rollups keep months of usage screens fast.
CREATE TABLE usage_daily (
    org_id        TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    api_key_id    TEXT NOT NULL,
    model         TEXT NOT NULL,
    currency      TEXT NOT NULL,
    requests      INTEGER NOT NULL,
    input_tokens  INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_micros   INTEGER NOT NULL,
    PRIMARY KEY (org_id, day, workspace_id, api_key_id, model, currency)
);

-- Gapless invoice numbers: one counter per organization, kind and year,
-- taken in the transaction that issues the document.
CREATE TABLE document_counters (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind   TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind, year)
);

CREATE TABLE invoices (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),
    number       TEXT NOT NULL,
    corrects     TEXT,
    status       TEXT NOT NULL CHECK (status IN ('open','paid','void')),
    issued_at    TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    currency     TEXT NOT NULL,
    subtotal     INTEGER NOT NULL,
    vat          INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    vat_rate_bp  INTEGER NOT NULL,
    vat_regime   TEXT NOT NULL,
    buyer        TEXT NOT NULL,
    seller       TEXT NOT NULL,
    language     TEXT NOT NULL,
    paid_at      TEXT,
    UNIQUE (org_id, number),
    CHECK (total = subtotal + vat)
);
CREATE INDEX invoices_org_issued ON invoices(org_id, issued_at);

CREATE TABLE invoice_lines (
    invoice_id  TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    item        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    unit        TEXT NOT NULL,
    unit_price  INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

-- An issued invoice is immutable: only its payment status may change; a
-- correction is a credit note.
CREATE TRIGGER invoices_immutable BEFORE UPDATE OF org_id, kind, number, corrects, issued_at, due_at,
    period_start, period_end, currency, subtotal, vat, total, vat_rate_bp, vat_regime, buyer, seller, language
    ON invoices BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END;
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE ON invoice_lines
    BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END;

-- One subscription per organization and product. Entitlements follow the
-- plan columns of organizations; a downgrade waits in scheduled_* until the
-- period ends.
CREATE TABLE subscriptions (
    org_id             TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    product            TEXT NOT NULL CHECK (product IN ('chat','api')),
    plan               TEXT NOT NULL,
    interval           TEXT NOT NULL CHECK (interval IN ('month','year')),
    seats              INTEGER NOT NULL CHECK (seats >= 0),
    period_start       TEXT NOT NULL,
    period_end         TEXT NOT NULL,
    scheduled_plan     TEXT,
    scheduled_interval TEXT,
    scheduled_seats    INTEGER,
    PRIMARY KEY (org_id, product)
);

-- Prorated charges of upgrades, billed on the next invoice.
CREATE TABLE pending_charges (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    item        TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    invoice_id  TEXT
);
CREATE INDEX pending_charges_org ON pending_charges(org_id, invoice_id);

-- Spending: the organization's time zone decides when a month starts.
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

-- Alerts at 50, 80 and 100 % of a monthly spend limit, once per month each;
-- scope is 'org' or a workspace ID. At 100 % the scope is over its limit.
CREATE TABLE spend_alerts (
    org_id    TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    scope     TEXT NOT NULL,
    month     TEXT NOT NULL,
    threshold INTEGER NOT NULL CHECK (threshold IN (50, 80, 100)),
    spent     INTEGER NOT NULL,
    spend_limit INTEGER NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (org_id, scope, month, threshold)
);
