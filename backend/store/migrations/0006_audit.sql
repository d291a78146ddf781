-- Audit log screen: filtered keyset paging, and retention prunes that keep
-- the chain verifiable.

-- Each filter of the audit screen pages newest first by seq inside the
-- organization: (org_id, <filter>, seq) serves "WHERE org_id = ? AND
-- <filter> = ? AND seq < ? ORDER BY seq DESC LIMIT n" straight from the index.
CREATE INDEX audit_events_org_seq ON audit_events(org_id, seq);
CREATE INDEX audit_events_org_action ON audit_events(org_id, action, seq);
CREATE INDEX audit_events_org_actor ON audit_events(org_id, actor_id, seq);
CREATE INDEX audit_events_org_workspace ON audit_events(org_id, workspace_id, seq);
CREATE INDEX audit_events_org_target ON audit_events(org_id, target_type, seq);

-- A date range becomes a seq range (timestamps never go backwards along the
-- chain): the first and last event of the organization inside the range, by
-- the timestamp to the second. substr(at, 1, 19) is "YYYY-MM-DDTHH:MM:SS" in
-- UTC whatever the fraction's width, so whole-second bounds compare exactly.
-- It replaces the index on the raw timestamp, which no query uses.
DROP INDEX audit_events_org_at;
CREATE INDEX audit_events_org_second ON audit_events(org_id, substr(at, 1, 19));

-- The retention prune point, under the head's HMAC: the last event deleted
-- by a prune (its seq and hash). The first stored event must be the one
-- right after it, linked to that hash. 0 and '' mean "never pruned": the
-- chain must then start at seq 1 from the genesis hash.
ALTER TABLE audit_head ADD COLUMN pruned_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN pruned_hash TEXT NOT NULL DEFAULT '';
