-- Mail the transport did not take yet (regional: in the recipient's home region). Written
-- and read only by identity's mailer module. A row exists only between a failed delivery and
-- the retry that delivers it, or until it expires (a sign-in link's lifetime: the body holds
-- the link, so it is never kept longer than the link is good for); then it is deleted. Every
-- send, deferral, retry and expiry is audited against `about` (a person or registration id).
CREATE TABLE IF NOT EXISTS mail_queue (
    id          TEXT PRIMARY KEY,
    about       TEXT NOT NULL,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    attempts    INTEGER NOT NULL CHECK (attempts >= 1),
    next_try_at INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS mail_queue_due ON mail_queue (next_try_at);
CREATE INDEX IF NOT EXISTS mail_queue_expiry ON mail_queue (expires_at);
