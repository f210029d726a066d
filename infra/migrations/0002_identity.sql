-- Identity (issue 3): progressive profile, consents, verification, audit and funnel events.
-- Regional tables: personal data stays in the person's home region (empty in db_global).

ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';           -- active | disabled
ALTER TABLE users ADD COLUMN specialty TEXT;
ALTER TABLE users ADD COLUMN practice_setting TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN interests TEXT;
ALTER TABLE users ADD COLUMN npi TEXT;
ALTER TABLE users ADD COLUMN verified_at INTEGER;
ALTER TABLE users ADD COLUMN verification_expires_at INTEGER;
ALTER TABLE users ADD COLUMN terms_accepted_at INTEGER;
ALTER TABLE users ADD COLUMN comms_consent_at INTEGER;

-- Verification requests and decisions (NPI lookup, OIDC, manual evidence review).
CREATE TABLE IF NOT EXISTS verifications (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('npi', 'oidc', 'manual')),
    status      TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    reference   TEXT,            -- NPI number, provider subject, or evidence object key
    reason      TEXT,            -- rejection reason / registry outcome
    decided_by  TEXT,            -- verifier user id, or 'system:npi' / 'system:oidc'
    created_at  INTEGER NOT NULL,
    decided_at  INTEGER
);
CREATE INDEX IF NOT EXISTS verifications_user ON verifications (user_id, created_at);
CREATE INDEX IF NOT EXISTS verifications_queue ON verifications (status, created_at);

-- Audit entries written through core's audit port in the same batch as the action they
-- record. The audit issue turns this into the tamper-evident log.
CREATE TABLE IF NOT EXISTS audit_events (
    id          TEXT PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,   -- user id, 'anonymous' or 'system:<component>'
    action      TEXT NOT NULL,   -- e.g. user.registered, session.login, session.logout
    target      TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    reason      TEXT
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at);

-- Engagement funnel (home region only; no content beyond the event name).
CREATE TABLE IF NOT EXISTS funnel_events (
    id          TEXT PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_id     TEXT,
    event       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS funnel_events_at ON funnel_events (event, at);
