-- The tamper-evident audit log of this database (issue 16): an RFC 9162 Merkle tree over the
-- entries, signed checkpoints (C2SP tlog-checkpoint / signed-note), and per-person salts so an
-- erasure keeps every proof valid. Applied to db_eu, db_us and db_global alike.
--
-- Writers:
--   audit_entries, audit_personal, audit_salts   core's audit::commit / commit_global, in the
--                                                 batch of the action they record
--   audit_nodes, audit_tree, audit_checkpoints   the audit function's checkpointer
--
-- Entries, nodes and checkpoints are append-only: the triggers below refuse UPDATE and DELETE,
-- and refuse an entry whose seq is not the next one (the log stays gap-free under concurrent
-- writers: each INSERT computes seq inside its batch's transaction). Whatever the database
-- allows an operator to do beyond that, an altered entry no longer hashes to the leaf its
-- signed checkpoints cover (tools/audit-verify names it).

CREATE TABLE IF NOT EXISTS audit_entries (
    seq         INTEGER PRIMARY KEY,          -- the leaf index, from 0, no gaps
    at          INTEGER NOT NULL,             -- unix seconds (UTC); the leaf has its RFC 3339 form
    actor       TEXT NOT NULL,                -- user id, 'anonymous' or 'system:<component>'
    role        TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT,
    version     TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
    reason      TEXT,                         -- never personal data in clear
    meaning     TEXT,                         -- meaning of an electronic signature (Part 11)
    origin      BLOB,                         -- SHA-256 of the request origin, never the address
    subject     TEXT,                         -- pseudonymous person whose salt commits `personal`
    personal    TEXT NOT NULL DEFAULT ''      -- 'name <hex SHA-256(salt || value)>' lines, names ascending
);
CREATE INDEX IF NOT EXISTS audit_entries_at ON audit_entries (at);
CREATE INDEX IF NOT EXISTS audit_entries_actor ON audit_entries (actor, seq);
CREATE INDEX IF NOT EXISTS audit_entries_object ON audit_entries (object, seq);
CREATE INDEX IF NOT EXISTS audit_entries_subject ON audit_entries (subject, seq);

-- The clear values behind the commitments (for the viewer and data-subject access). Deleted
-- with the subject's salt (trigger below); the entries and their leaves stay as they were.
CREATE TABLE IF NOT EXISTS audit_personal (
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (seq, name)
);

CREATE TABLE IF NOT EXISTS audit_salts (
    subject     TEXT PRIMARY KEY,
    salt        BLOB NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Tree nodes: level 0 = the entries' leaf hashes, level k = perfect subtrees of 2^k leaves.
CREATE TABLE IF NOT EXISTS audit_nodes (
    level       INTEGER NOT NULL,
    idx         INTEGER NOT NULL,
    hash        BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

-- The tree's state (one row): size, frontier (32 bytes per perfect subtree, largest first),
-- root; the last signed checkpoint's size and time. `base` is a compare-and-swap guard: an
-- update must name the size it extends.
CREATE TABLE IF NOT EXISTS audit_tree (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    size        INTEGER NOT NULL,
    frontier    BLOB NOT NULL,
    root        BLOB NOT NULL,
    base        INTEGER NOT NULL,
    signed_size INTEGER NOT NULL,
    signed_at   INTEGER NOT NULL
);
-- SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1).
INSERT OR IGNORE INTO audit_tree (id, size, frontier, root, base, signed_size, signed_at)
VALUES (1, 0, x'', x'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 0, 0, 0);

CREATE TABLE IF NOT EXISTS audit_checkpoints (
    size        INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    note        TEXT NOT NULL                 -- the signed note (checkpoint text, blank line, signatures)
);

-- The rows of the former plain table become the log's first entries, in time order (their
-- role is derived from the actor), and the plain table goes: every audit read is of the log.
INSERT INTO audit_entries (seq, at, actor, role, action, object, outcome, reason)
SELECT (SELECT COUNT(*) FROM audit_entries) + ROW_NUMBER() OVER (ORDER BY at, id) - 1,
       at, actor,
       CASE WHEN actor LIKE 'system:%' THEN 'system' WHEN actor = 'anonymous' THEN 'anonymous' ELSE 'user' END,
       action, target, outcome, reason
FROM audit_events;
DROP INDEX IF EXISTS audit_events_at;
DROP TABLE IF EXISTS audit_events;

CREATE TRIGGER IF NOT EXISTS audit_entries_next_seq BEFORE INSERT ON audit_entries
WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries)
BEGIN SELECT RAISE(ABORT, 'audit log: an entry must take the next sequence number'); END;
CREATE TRIGGER IF NOT EXISTS audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit log: entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit log: entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_nodes_no_update BEFORE UPDATE ON audit_nodes
BEGIN SELECT RAISE(ABORT, 'audit log: tree nodes are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_nodes_no_delete BEFORE DELETE ON audit_nodes
BEGIN SELECT RAISE(ABORT, 'audit log: tree nodes are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit log: checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit log: checkpoints are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_tree_no_delete BEFORE DELETE ON audit_tree
BEGIN SELECT RAISE(ABORT, 'audit log: the tree state stays'); END;
-- Compare-and-swap: the update names the size it extends; the tree never shrinks, and a
-- checkpoint never goes back.
CREATE TRIGGER IF NOT EXISTS audit_tree_cas BEFORE UPDATE ON audit_tree
WHEN NEW.base IS NOT OLD.size OR NEW.size < OLD.size OR NEW.signed_size < OLD.signed_size
BEGIN SELECT RAISE(ABORT, 'audit log: tree state moved (compare-and-swap failed)'); END;

-- Erasure (audit::forget_subject deletes the salt): the clear values go with it.
CREATE TRIGGER IF NOT EXISTS audit_salts_forget AFTER DELETE ON audit_salts
BEGIN DELETE FROM audit_personal WHERE seq IN (SELECT seq FROM audit_entries WHERE subject = OLD.subject); END;
