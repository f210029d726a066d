-- medportal schema, applied to every database (db_global and each regional db_<region>)
-- by `wrangler d1 migrations apply` on Cloudflare and by the Spin/native hosts' migrators.
-- Personal tables stay empty in db_global; content tables stay empty in regional databases.

-- Readiness probes and the dev store probe.
CREATE TABLE IF NOT EXISTS health_probe (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    written_at  INTEGER NOT NULL
);

-- Dev mail transport: what the portal would have sent (regional: mails are personal data).
CREATE TABLE IF NOT EXISTS mail_outbox (
    id          TEXT PRIMARY KEY,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_outbox_created ON mail_outbox (created_at);

-- People (regional). The identity issue extends this table.
CREATE TABLE IF NOT EXISTS users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    country             TEXT NOT NULL CHECK (length(country) = 2),
    profession          TEXT NOT NULL,
    roles               TEXT NOT NULL DEFAULT 'hcp',
    verification_status TEXT NOT NULL DEFAULT 'unverified'
        CHECK (verification_status IN ('unverified', 'pending', 'verified', 'rejected')),
    created_at          INTEGER NOT NULL
);

-- Approved scientific content (global, no personal data). The content issue adds the
-- MLR workflow tables.
CREATE TABLE IF NOT EXISTS content_items (
    id                TEXT PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL,
    body              TEXT NOT NULL,
    content_type      TEXT NOT NULL,
    therapeutic_area  TEXT NOT NULL,
    product           TEXT,
    audience          TEXT NOT NULL CHECK (audience IN ('public', 'hcp')),
    language          TEXT NOT NULL,
    market            TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at      TEXT NOT NULL,
    featured          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS content_items_listing ON content_items (status, language, published_at);
