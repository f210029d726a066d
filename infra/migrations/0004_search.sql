-- Search (issue 4): search success signals of signed-in people, in their home region only
-- (empty in db_global). Anonymous visitors leave no rows: only daily aggregate counters in
-- kv_global (no personal data). The query text is stored for verified HCPs only; for anyone
-- else `query` and `previous_query` stay NULL.

CREATE TABLE IF NOT EXISTS search_events (
    id              TEXT PRIMARY KEY,   -- random; carried by the result links (/search/click)
    at              INTEGER NOT NULL,   -- unix milliseconds (time-to-click resolution)
    user_id         TEXT NOT NULL,
    verified        INTEGER NOT NULL CHECK (verified IN (0, 1)),
    query           TEXT,               -- verified HCPs only
    market          TEXT NOT NULL,      -- market searched (ISO alpha-2 or 'global')
    language        TEXT NOT NULL,      -- content language searched, '' = all
    filtered        INTEGER NOT NULL,   -- any facet or date filter applied
    page            INTEGER NOT NULL,
    result_count    INTEGER NOT NULL,
    zero_result     INTEGER NOT NULL CHECK (zero_result IN (0, 1)),
    -- a new query by the same person within 10 minutes of their previous search
    reformulation   INTEGER NOT NULL CHECK (reformulation IN (0, 1)),
    previous_id     TEXT,               -- the search it reformulates
    previous_query  TEXT                -- verified HCPs only
);
CREATE INDEX IF NOT EXISTS search_events_user ON search_events (user_id, at);
CREATE INDEX IF NOT EXISTS search_events_at ON search_events (at);

-- Result clicks of a search: rank (1-based, over all pages) and time since the search.
CREATE TABLE IF NOT EXISTS search_clicks (
    id              TEXT PRIMARY KEY,
    search_id       TEXT NOT NULL,
    at              INTEGER NOT NULL,   -- unix milliseconds
    rank            INTEGER NOT NULL,
    time_to_click_ms INTEGER NOT NULL,
    target          TEXT NOT NULL       -- internal item path, e.g. /content/<slug>
);
CREATE INDEX IF NOT EXISTS search_clicks_search ON search_clicks (search_id);
