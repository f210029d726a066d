-- The governed medical library (content issue; db_global: approved content and staff ids,
-- no other personal data). Each table has one writer in functions/content/src:
-- library_families and library_items (item.rs), library_versions (version.rs),
-- library_reviews (workflow.rs), library_signatures (signature.rs), library_publications
-- and library_outbox (publication.rs), library_markets (market settings, seeded here).
-- The read-only demo table content_items of 0001 is replaced: the demo library is seeded
-- through the publishing path (infra/seed/content/library.jsonl).
DROP INDEX IF EXISTS content_items_listing;
DROP TABLE IF EXISTS content_items;

-- Translations of one item share a family.
CREATE TABLE IF NOT EXISTS library_families (
    id          TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL
);

-- One item: one language version of a family, its workflow state and which of its
-- versions is current, approved and published.
CREATE TABLE IF NOT EXISTS library_items (
    id                 TEXT PRIMARY KEY,
    family_id          TEXT NOT NULL REFERENCES library_families (id),
    slug               TEXT NOT NULL UNIQUE,
    language           TEXT NOT NULL,
    content_type       TEXT NOT NULL CHECK (content_type IN ('trial_summary', 'publication', 'safety_communication',
                           'prescribing_information', 'faq_answer', 'guideline_summary', 'educational_module')),
    state              TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'published', 'expired', 'withdrawn')),
    head_version       TEXT,
    approved_version   TEXT,
    published_version  TEXT,
    withdraw_reason    TEXT,
    featured           INTEGER NOT NULL DEFAULT 0,
    created_by         TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    state_since        INTEGER NOT NULL,
    UNIQUE (family_id, language)
);
CREATE INDEX IF NOT EXISTS library_items_state ON library_items (state, language);

-- Immutable versions: every save makes one; sha256 is over the canonical serialisation of
-- the version's content (version.rs). Never updated, never deleted.
CREATE TABLE IF NOT EXISTS library_versions (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL REFERENCES library_items (id),
    number       INTEGER NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    author       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    title        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    body         TEXT NOT NULL,
    refs         TEXT NOT NULL,
    taxonomy     TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (audience IN ('public', 'hcp')),
    area         TEXT NOT NULL,
    markets      TEXT NOT NULL,
    reviewed_on  TEXT,
    expires_on   TEXT,
    UNIQUE (item_id, number)
);
CREATE TRIGGER IF NOT EXISTS library_versions_immutable BEFORE UPDATE ON library_versions
BEGIN SELECT RAISE(ABORT, 'library_versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS library_versions_kept BEFORE DELETE ON library_versions
BEGIN SELECT RAISE(ABORT, 'library_versions are never deleted'); END;

-- Review decisions on a version (medical, legal, regulatory), with comments.
CREATE TABLE IF NOT EXISTS library_reviews (
    id          TEXT PRIMARY KEY,
    version_id  TEXT NOT NULL REFERENCES library_versions (id),
    discipline  TEXT NOT NULL CHECK (discipline IN ('medical', 'legal', 'regulatory')),
    decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject', 'request_changes')),
    reviewer    TEXT NOT NULL,
    comment     TEXT NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS library_reviews_version ON library_reviews (version_id, at);

-- Electronic signatures (21 CFR Part 11 §11.50, §11.70): bound to the version's SHA-256,
-- one per discipline and version, each step-up assertion used once. Append-only.
CREATE TABLE IF NOT EXISTS library_signatures (
    id            TEXT PRIMARY KEY,
    version_id    TEXT NOT NULL REFERENCES library_versions (id),
    sha256        TEXT NOT NULL,
    discipline    TEXT NOT NULL CHECK (discipline IN ('medical', 'legal', 'regulatory')),
    meaning       TEXT NOT NULL CHECK (meaning IN ('review', 'approval', 'responsibility')),
    signer        TEXT NOT NULL,
    printed_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    at            INTEGER NOT NULL,
    assertion_id  TEXT NOT NULL UNIQUE,
    UNIQUE (version_id, discipline),
    UNIQUE (version_id, signer)
);
CREATE TRIGGER IF NOT EXISTS library_signatures_immutable BEFORE UPDATE ON library_signatures
BEGIN SELECT RAISE(ABORT, 'library_signatures are append-only'); END;
CREATE TRIGGER IF NOT EXISTS library_signatures_kept BEFORE DELETE ON library_signatures
BEGIN SELECT RAISE(ABORT, 'library_signatures are never deleted'); END;

-- Where an item is published: one row per market (ISO alpha-2 or INTL).
CREATE TABLE IF NOT EXISTS library_publications (
    item_id       TEXT NOT NULL REFERENCES library_items (id),
    market        TEXT NOT NULL,
    version_id    TEXT NOT NULL REFERENCES library_versions (id),
    published_at  INTEGER NOT NULL,
    published_by  TEXT NOT NULL,
    PRIMARY KEY (item_id, market)
);
CREATE INDEX IF NOT EXISTS library_publications_market ON library_publications (market, published_at);

-- Transactional outbox to search: written in the batch of the publish, withdrawal or expiry.
CREATE TABLE IF NOT EXISTS library_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id     TEXT NOT NULL,
    event       TEXT NOT NULL CHECK (event IN ('publish', 'withdraw')),
    created_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER,
    last_error  TEXT
);
CREATE INDEX IF NOT EXISTS library_outbox_pending ON library_outbox (done_at, seq);

-- Per-market settings: whether the titles of HCP-only items are shown to the public (a
-- market without a row: shown, as search's public view does).
CREATE TABLE IF NOT EXISTS library_markets (
    market             TEXT PRIMARY KEY,
    hcp_titles_public  INTEGER NOT NULL DEFAULT 1
);
