-- The steps of a decided erasure outside the database (the person's sessions revoked, their
-- stored evidence objects and key-value sign-in records deleted). The decision's batch
-- (guarded: the request still open) erases the person's rows and inserts this row; the audit
-- function then carries out the steps, each audited, and deletes the row in the batch that
-- records the completed outcome. A failure half way leaves the row, and the steps (each
-- idempotent) are taken again (the officers' queue, the Workers cron): an erasure decided once
-- completes, and nothing happens before it is decided. `user_id` names the person until then.
CREATE TABLE IF NOT EXISTS erasure_steps (
    request_id  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    decided_at  INTEGER NOT NULL
);
