-- Identity security fixes: atomic counters, pending registrations, one NPI per account,
-- staff enrolment codes.

-- Rate-limit counters (used in db_global only; empty elsewhere): one row per subject and
-- fixed window, counted with one atomic upsert (`… ON CONFLICT DO UPDATE … RETURNING`).
-- `key` is `<scope>/<keyed pseudonym>/<window start>`: no address or email in clear, and
-- rows are deleted once their window has passed.
CREATE TABLE IF NOT EXISTS rate_limits (
    key         TEXT PRIMARY KEY,
    hits        INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limits_expiry ON rate_limits (expires_at);

-- Staff second-factor steps (regional): the step after the email link, bound to a browser
-- cookie whose token's SHA-256 is the id. Attempts are counted atomically
-- (`UPDATE … SET attempts = attempts + 1 WHERE … AND attempts < 5 RETURNING …`).
CREATE TABLE IF NOT EXISTS second_factor_steps (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    enrol_secret  TEXT,          -- a new TOTP secret (base32) being enrolled, if any
    attempts      INTEGER NOT NULL DEFAULT 0,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS second_factor_steps_expiry ON second_factor_steps (expires_at);

-- Registrations waiting for their email to be confirmed (regional: the chosen country's
-- region). The id is the SHA-256 of the mailed link's token; the account is created when the
-- link is redeemed in the browser that registered (`nonce_hash`).
CREATE TABLE IF NOT EXISTS pending_registrations (
    id            TEXT PRIMARY KEY,
    nonce_hash    TEXT NOT NULL,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    country       TEXT NOT NULL CHECK (length(country) = 2),
    profession    TEXT NOT NULL,
    comms         INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pending_registrations_expiry ON pending_registrations (expires_at);

-- One NPI verifies one account at a time (the check before the registry decides is in
-- `verification.rs`; this index makes a concurrent second verification fail).
CREATE UNIQUE INDEX IF NOT EXISTS users_npi_verified ON users (npi)
    WHERE npi IS NOT NULL AND verification_status = 'verified';

-- One-time enrolment codes for a staff member's first authenticator (regional): issued by an
-- administrator with a staff role, stored only as SHA-256, single use, expiring.
CREATE TABLE IF NOT EXISTS enrolment_codes (
    user_id     TEXT PRIMARY KEY,
    code_hash   TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
