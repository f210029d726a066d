-- The reader's personal engagement with the library (content function, issue 13 item 5):
-- last visits, recently viewed items, saved items, progress through series, and co-view
-- counts. Personal data: used in the regional databases (db_eu, db_us) only, in the
-- reader's home region (the session's region); the tables exist but stay empty in db_global
-- (every file is applied to every database). One writer: functions/content/src/engagement.rs.

-- One row per reader: when their current visit began (`visit_mark`: the session's
-- authentication time), the boundary "new since your last visit" compares publications with
-- (`since`: the end of the previous visit) and when they were last seen.
CREATE TABLE IF NOT EXISTS reader_visits (
    user_id     TEXT PRIMARY KEY,
    visit_mark  INTEGER NOT NULL,
    since       INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL
);

-- Items a reader opened (the newest per item; "continue where you left off"), pruned to
-- the newest 50 per reader.
CREATE TABLE IF NOT EXISTS reader_views (
    user_id    TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    viewed_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX IF NOT EXISTS reader_views_recent ON reader_views (user_id, viewed_at);

-- Items a reader saved.
CREATE TABLE IF NOT EXISTS reader_saved (
    user_id   TEXT NOT NULL,
    item_id   TEXT NOT NULL,
    saved_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX IF NOT EXISTS reader_saved_recent ON reader_saved (user_id, saved_at);

-- Parts of a series a reader completed.
CREATE TABLE IF NOT EXISTS reader_progress (
    user_id       TEXT NOT NULL,
    series_id     TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    completed_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, series_id, item_id)
);

-- How often two items were opened by the same reader within a day: counts only, no person
-- ids, kept in the region where the views happened (related content reads its own region's).
CREATE TABLE IF NOT EXISTS reader_coviews (
    item_id   TEXT NOT NULL,
    other_id  TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (item_id, other_id)
);

-- Series and educational modules (db_global, no personal data): a series has a title per
-- language; its items are ordered by position. One writer: functions/content/src/series.rs.
CREATE TABLE IF NOT EXISTS library_series (
    id        TEXT NOT NULL,
    language  TEXT NOT NULL,
    title     TEXT NOT NULL,
    PRIMARY KEY (id, language)
);
CREATE TABLE IF NOT EXISTS library_series_items (
    series_id  TEXT NOT NULL,
    item_id    TEXT NOT NULL REFERENCES library_items (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (series_id, item_id)
);
CREATE INDEX IF NOT EXISTS library_series_items_item ON library_series_items (item_id);
