-- Inquiry safety: pharmacovigilance cases and off-label requests (the inquiries function).
--
-- Pharmacovigilance cases (the inquiries function's screening). Personal data: used in the
-- regional databases (db_eu, db_us) only, in the home region of the inquiry that opened the
-- case; the table exists but stays empty in db_global. Kept under legal retention: a case
-- is never deleted (erasure of a person leaves it; the trigger refuses DELETE).
--
-- One case per flagged message (the question or a follow-up), opened in the batch that
-- stores the message. Day 0 is the message's receipt; `forward_due_at` is one business day
-- of the inquiry's market later, `expedited_due_at` fifteen calendar days later.
CREATE TABLE IF NOT EXISTS pv_cases (
    id                TEXT PRIMARY KEY,
    inquiry_id        TEXT NOT NULL REFERENCES inquiries (id),
    message_id        TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('adverse_event', 'product_complaint')),
    status            TEXT NOT NULL CHECK (status IN ('open', 'forwarded')),
    market            TEXT NOT NULL,
    language          TEXT NOT NULL,
    -- the four minimum elements, where known (NULL: not known)
    reporter          TEXT,             -- the reporting HCP's user id
    patient           TEXT,             -- the patient mention(s) found
    product           TEXT,             -- the suspect product(s)
    event             TEXT,             -- the event or defect term(s) found
    reasons           TEXT NOT NULL,    -- why the screening flagged it, one rule per line
    verbatim          TEXT NOT NULL,    -- the flagged sentences as reported
    received_at       INTEGER NOT NULL, -- day 0
    forward_due_at    INTEGER NOT NULL,
    expedited_due_at  INTEGER NOT NULL,
    forwarded_at      INTEGER,
    forwarded_by      TEXT
);
CREATE INDEX IF NOT EXISTS pv_cases_queue ON pv_cases (status, forward_due_at);
CREATE INDEX IF NOT EXISTS pv_cases_inquiry ON pv_cases (inquiry_id);
CREATE TRIGGER IF NOT EXISTS pv_cases_no_delete BEFORE DELETE ON pv_cases
BEGIN SELECT RAISE(ABORT, 'pv cases are kept under legal retention'); END;

-- Off-label requests: a specialist records that an inquiry is an unsolicited question about
-- a use the medicine is not approved for (the use in their words); every response letter of
-- the inquiry then carries the not-approved statement, the approved indications and the
-- important safety information. Regional, like the inquiry.
CREATE TABLE IF NOT EXISTS inquiry_off_label (
    inquiry_id   TEXT PRIMARY KEY REFERENCES inquiries (id),
    use_asked    TEXT NOT NULL,
    unsolicited  INTEGER NOT NULL CHECK (unsolicited = 1),
    marked_by    TEXT NOT NULL,
    marked_at    INTEGER NOT NULL
);
