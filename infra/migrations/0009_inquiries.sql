-- Medical inquiries (the inquiries function). Personal data: used in the regional databases
-- (db_eu, db_us) only, in the asking HCP's home region; the tables exist but stay empty in
-- db_global (every file is applied to every database).

-- One inquiry. `reference` is human-readable and unique per region (the region is part of
-- it: MI-<year>-<REGION>-<6 digits>); `status` moves received → triaged → in_progress →
-- answered → closed, or to referred (rules in functions/inquiries/src/model.rs).
CREATE TABLE IF NOT EXISTS inquiries (
    id               TEXT PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE,
    user_id          TEXT NOT NULL,
    market           TEXT NOT NULL CHECK (length(market) = 2),
    language         TEXT NOT NULL,
    product          TEXT NOT NULL,   -- the search vocabulary's name (lowercase)
    category         TEXT NOT NULL CHECK (category IN ('efficacy', 'safety', 'dosing', 'interactions', 'availability', 'other')),
    urgency          TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'low')),
    channel          TEXT NOT NULL CHECK (channel IN ('portal', 'email', 'phone', 'letter')),
    patient_context  TEXT,
    status           TEXT NOT NULL CHECK (status IN ('received', 'triaged', 'in_progress', 'answered', 'closed', 'referred')),
    assignee         TEXT,
    received_at      INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    answered_at      INTEGER,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    updated_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inquiries_owner ON inquiries (user_id, received_at);
CREATE INDEX IF NOT EXISTS inquiries_queue ON inquiries (status, due_at);

-- The per-region, per-year counter behind the references (bumped in the intake's batch).
CREATE TABLE IF NOT EXISTS inquiry_counters (
    key   TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
);

-- The thread: the question, follow-ups, answers (with the approved library versions they
-- cite) and internal notes (never shown to the HCP). Append-only.
CREATE TABLE IF NOT EXISTS inquiry_messages (
    id          TEXT PRIMARY KEY,
    inquiry_id  TEXT NOT NULL REFERENCES inquiries (id),
    kind        TEXT NOT NULL CHECK (kind IN ('question', 'follow_up', 'answer', 'note')),
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    citations   TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inquiry_messages_thread ON inquiry_messages (inquiry_id, created_at);
CREATE TRIGGER IF NOT EXISTS inquiry_messages_no_update BEFORE UPDATE ON inquiry_messages
BEGIN SELECT RAISE(ABORT, 'inquiry messages are append-only'); END;
CREATE TRIGGER IF NOT EXISTS inquiry_messages_no_delete BEFORE DELETE ON inquiry_messages
BEGIN SELECT RAISE(ABORT, 'inquiry messages are append-only'); END;

-- Exactly-once submission: one row per idempotency key (one per rendered form), written in
-- the same batch as what the form created. A second POST with the key finds it here.
CREATE TABLE IF NOT EXISTS inquiry_form_keys (
    key         TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    inquiry_id  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
