-- Content (issue 13): the library's generation, which reader pages' per-isolate cache checks
-- (functions/content/src/live.rs), and files attached to items (files.rs writes
-- library_files; the bytes live in blob_global under `files/<id>`).

-- One number that moves on every change to what readers may see: publications, items (their
-- live version, slug, state), market settings and files. Bumped by triggers only, so no
-- writer can forget it. `epoch` is random per database, so a cache never mistakes another
-- database (or a restored backup) at the same count for the one it loaded.
CREATE TABLE IF NOT EXISTS library_generation (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    epoch  TEXT NOT NULL,
    value  INTEGER NOT NULL
);
INSERT OR IGNORE INTO library_generation (id, epoch, value) VALUES (1, lower(hex(randomblob(16))), 0);

CREATE TRIGGER IF NOT EXISTS library_generation_publication_insert AFTER INSERT ON library_publications
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_publication_update AFTER UPDATE ON library_publications
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_publication_delete AFTER DELETE ON library_publications
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_item_update AFTER UPDATE ON library_items
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_market_insert AFTER INSERT ON library_markets
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_market_update AFTER UPDATE ON library_markets
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_market_delete AFTER DELETE ON library_markets
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;

-- A file attached to an item while a draft version is its head (`version_id`): readers get it
-- only once a version at least that new is published, so every visible file went through
-- review with its item. Its content type sniffed from its bytes (an allow-list), its
-- size, its SHA-256, and its scan: `pending` until the scanner has spoken, then `clean`
-- (streamed to those who may read the item) or `rejected` (never streamed; the bytes are
-- deleted).
CREATE TABLE IF NOT EXISTS library_files (
    id            TEXT PRIMARY KEY,
    item_id       TEXT NOT NULL REFERENCES library_items (id),
    version_id    TEXT NOT NULL REFERENCES library_versions (id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size          INTEGER NOT NULL CHECK (size > 0),
    sha256        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'clean', 'rejected')),
    scan_note     TEXT,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   INTEGER NOT NULL,
    scanned_at    INTEGER
);
CREATE INDEX IF NOT EXISTS library_files_item ON library_files (item_id, uploaded_at);

CREATE TRIGGER IF NOT EXISTS library_generation_file_insert AFTER INSERT ON library_files
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_file_update AFTER UPDATE ON library_files
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
