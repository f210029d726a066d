-- Data-subject requests (GDPR Art. 15/16/17/20) and what erasure needs (the audit function's
-- privacy modules). Regional tables: used in db_eu and db_us (the person's home region);
-- they stay empty in db_global.

-- Per-person salts of the audit log's commitments to personal fields (the audit log issue):
-- erasing a person deletes their salt, so their entries can no longer be linked to them

-- One request of a person about their data. `details`: what the person says (rectification:
-- what is wrong), erased with the person. After an erasure `user_id` becomes `erased` and
-- `outcome` says, per table and store, what was removed, pseudonymised or kept and why (no
-- personal data). Due one month after receipt (Art. 12(3)).
CREATE TABLE IF NOT EXISTS data_requests (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure')),
    details       TEXT,
    status        TEXT NOT NULL CHECK (status IN ('open', 'completed', 'refused')),
    received_at   INTEGER NOT NULL,
    due_at        INTEGER NOT NULL,
    decided_at    INTEGER,
    decided_by    TEXT,
    -- the step-up assertion that authorised the decision: it decides once
    assertion_id  TEXT UNIQUE,
    reason        TEXT,
    outcome       TEXT
);
CREATE INDEX IF NOT EXISTS data_requests_queue ON data_requests (status, due_at);
CREATE INDEX IF NOT EXISTS data_requests_user ON data_requests (user_id, received_at);

-- Erasure is the one deletion an append-only table allows: an erasure batch inserts the
-- person's id here first and deletes it last (one atomic batch, so a row never outlives it);
-- while it exists, the person's inquiry messages may be deleted. Anything else is refused as
-- before.
CREATE TABLE IF NOT EXISTS erasure_grants (subject TEXT PRIMARY KEY);
DROP TRIGGER IF EXISTS inquiry_messages_no_delete;
CREATE TRIGGER IF NOT EXISTS inquiry_messages_no_delete BEFORE DELETE ON inquiry_messages
WHEN NOT EXISTS (SELECT 1 FROM erasure_grants g JOIN inquiries i ON i.user_id = g.subject WHERE i.id = OLD.inquiry_id)
BEGIN SELECT RAISE(ABORT, 'inquiry messages are append-only'); END;
