//! The one SQLite migration runner of the Rust hosts (the native adapter and the Spin test
//! host); the workerd harness follows the same rules in `tests/workerd/migrate.mjs`. The
//! rules are written down once, in `infra/migrations/README.md`:
//!
//! - the `*.sql` files of a directory are applied in file-name (byte) order;
//! - each file atomically: all its statements and its `_migrations` row, or nothing;
//! - recorded in `_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`,
//!   `applied_at` in unix seconds; a recorded name is skipped, so re-running is a no-op;
//! - a file may hold `CREATE TRIGGER … BEGIN …; …; END;`, string literals containing `;`
//!   and `--` / `/* */` comments, but no transaction control of its own.
//!
//! SQLite's own parser splits the statements here (`execute_batch` runs each prepared
//! statement's tail), so trigger bodies, quotes and comments need no splitter of ours.

use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The bookkeeping table, identical on every host.
pub const MIGRATIONS_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)";

/// One migration file: its name (what `_migrations` records) and its SQL.
#[derive(Debug, Clone)]
pub struct Migration {
    pub name: String,
    pub sql: String,
}

/// A failed read or apply; `file` names the migration (or path) it concerns.
#[derive(Debug)]
pub struct Error {
    pub file: Option<String>,
    pub detail: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "migration {file}: {}", self.detail),
            None => write!(f, "migrations: {}", self.detail),
        }
    }
}

impl std::error::Error for Error {}

fn err(file: Option<&str>, detail: impl fmt::Display) -> Error {
    Error { file: file.map(str::to_owned), detail: detail.to_string() }
}

/// The migrations at `source`: every `*.sql` file of a directory in file-name order, or one
/// file.
pub fn read(source: &Path) -> Result<Vec<Migration>, Error> {
    let shown = source.display().to_string();
    let mut files: Vec<PathBuf> = if source.is_dir() {
        let mut v = Vec::new();
        for entry in std::fs::read_dir(source).map_err(|e| err(Some(&shown), e))? {
            let p = entry.map_err(|e| err(Some(&shown), e))?.path();
            if p.is_file() && p.extension().is_some_and(|x| x == "sql") {
                v.push(p);
            }
        }
        v
    } else if source.is_file() {
        vec![source.to_path_buf()]
    } else {
        return Err(err(Some(&shown), "no such file or directory"));
    };
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let sql = std::fs::read_to_string(&p).map_err(|e| err(Some(&p.display().to_string()), e))?;
            Ok(Migration { name, sql })
        })
        .collect()
}

/// Reads `source` (see [`read`]) and applies it (see [`apply`]).
pub fn apply_path(conn: &Connection, source: &Path) -> Result<Vec<String>, Error> {
    apply(conn, &read(source)?)
}

/// Applies the migrations not yet recorded in `_migrations`, in the order given, each in its
/// own transaction. Returns the names applied now. Stops at the first failure: that file
/// leaves no trace, the ones before it stay applied.
///
/// Takes `&Connection` (callers hold it behind a mutex); it must not be inside a transaction.
pub fn apply(conn: &Connection, migrations: &[Migration]) -> Result<Vec<String>, Error> {
    prepare_table(conn)?;
    let mut applied = Vec::new();
    for m in migrations {
        let file = Some(m.name.as_str());
        // IMMEDIATE: the write lock is taken before the check, so two processes sharing a
        // database file cannot both apply the same file.
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate).map_err(|e| err(file, e))?;
        let done: bool = tx
            .query_row("SELECT EXISTS(SELECT 1 FROM _migrations WHERE name = ?1)", [&m.name], |r| r.get(0))
            .map_err(|e| err(file, e))?;
        if done {
            continue; // the transaction rolls back on drop; it wrote nothing
        }
        tx.execute_batch(&m.sql).map_err(|e| err(file, e))?;
        tx.execute("INSERT INTO _migrations (name, applied_at) VALUES (?1, ?2)", rusqlite::params![m.name, unix_seconds()])
            .map_err(|e| err(file, e))?;
        tx.commit().map_err(|e| err(file, e))?;
        applied.push(m.name.clone());
    }
    Ok(applied)
}

fn unix_seconds() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Creates `_migrations`, or brings an older layout to the shared one: the former Spin test
/// host used to keep `applied_at` as TEXT (`datetime('now')`), the workerd harness as milliseconds.
fn prepare_table(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch(MIGRATIONS_TABLE).map_err(|e| err(None, e))?;
    let declared: String = conn
        .query_row("SELECT type FROM pragma_table_info('_migrations') WHERE name = 'applied_at'", [], |r| r.get(0))
        .map_err(|e| err(None, e))?;
    let seconds = "CASE
           WHEN typeof(applied_at) = 'integer' THEN applied_at
           WHEN applied_at GLOB '[0-9]*' AND applied_at NOT GLOB '*[^0-9]*' THEN CAST(applied_at AS INTEGER)
           ELSE COALESCE(unixepoch(applied_at), 0) END";
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate).map_err(|e| err(None, e))?;
    if !declared.eq_ignore_ascii_case("INTEGER") {
        tx.execute_batch(&format!(
            "ALTER TABLE _migrations RENAME TO _migrations_old;
             {MIGRATIONS_TABLE};
             INSERT INTO _migrations (name, applied_at) SELECT name, {seconds} FROM _migrations_old;
             DROP TABLE _migrations_old;"
        ))
        .map_err(|e| err(None, format!("upgrading _migrations: {e}")))?;
    }
    // Milliseconds: anything past the year 5000 in seconds.
    tx.execute("UPDATE _migrations SET applied_at = applied_at / 1000 WHERE applied_at > 100000000000", [])
        .map_err(|e| err(None, e))?;
    tx.commit().map_err(|e| err(None, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_applies_once_and_its_triggers_refuse_changes() {
        let conn = Connection::open_in_memory().unwrap();
        let started = unix_seconds();
        let first = apply_path(&conn, &fixture::dir()).unwrap();
        assert_eq!(first, ["0001_append_only.sql", "0002_second.sql"]);
        assert!(apply_path(&conn, &fixture::dir()).unwrap().is_empty());
        fixture::assert_applied(&conn, started);
    }

    #[test]
    fn a_failing_file_leaves_no_trace_and_the_earlier_ones_stay() {
        let conn = Connection::open_in_memory().unwrap();
        let m = |name: &str, sql: &str| Migration { name: name.into(), sql: sql.into() };
        let e = apply(
            &conn,
            &[
                m("1.sql", "CREATE TABLE one (x);"),
                m("2.sql", "CREATE TABLE two (x); INSERT INTO two VALUES (1); INSERT INTO missing VALUES (1);"),
                m("3.sql", "CREATE TABLE three (x);"),
            ],
        )
        .unwrap_err();
        assert_eq!(e.file.as_deref(), Some("2.sql"));
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(tables, ["_migrations", "one"]);
        let names: Vec<String> =
            conn.prepare("SELECT name FROM _migrations").unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(names, ["1.sql"]);
        // the connection is usable again: no transaction was left open
        assert!(conn.is_autocommit());
        assert_eq!(apply(&conn, &[m("2.sql", "CREATE TABLE two (x);")]).unwrap(), ["2.sql"]);
    }

    #[test]
    fn transaction_control_in_a_file_is_refused() {
        let conn = Connection::open_in_memory().unwrap();
        let m = Migration { name: "tx.sql".into(), sql: "BEGIN; CREATE TABLE t (x); COMMIT;".into() };
        assert!(apply(&conn, &[m]).is_err());
        assert!(conn.is_autocommit());
        let n: i64 = conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 't'", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn older_layouts_are_brought_to_integer_seconds() {
        // the former Spin test host's TEXT column
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (datetime('now')));
             INSERT INTO _migrations VALUES ('a.sql', '2024-01-02 03:04:05');",
        )
        .unwrap();
        apply(&conn, &[Migration { name: "a.sql".into(), sql: "CREATE TABLE never (x);".into() }]).unwrap();
        let (at, ty): (i64, String) =
            conn.query_row("SELECT applied_at, typeof(applied_at) FROM _migrations", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((at, ty.as_str()), (1_704_164_645, "integer"));
        let declared: String =
            conn.query_row("SELECT type FROM pragma_table_info('_migrations') WHERE name = 'applied_at'", [], |r| r.get(0)).unwrap();
        assert_eq!(declared, "INTEGER");
        // the workerd harness's former milliseconds
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&format!("{MIGRATIONS_TABLE}; INSERT INTO _migrations VALUES ('a.sql', 1704164645123);")).unwrap();
        apply(&conn, &[]).unwrap();
        let at: i64 = conn.query_row("SELECT applied_at FROM _migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(at, 1_704_164_645);
    }
}

/// Test support for the hosts that wrap this runner: the shared fixture's path and checks.
#[doc(hidden)]
pub mod fixture {
    use super::*;

    /// `tests/fixtures/migrations` of the repository.
    pub fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/migrations")
    }

    /// Now, in unix seconds (take it before applying, pass it to [`assert_applied`]).
    pub fn now() -> i64 {
        unix_seconds()
    }

    /// Panics unless the fixture was applied exactly once (`applied_at` an integer of unix
    /// seconds since `started`) and its triggers refuse UPDATE and DELETE.
    pub fn assert_applied(conn: &Connection, started: i64) {
        let rows: Vec<(String, i64, String)> = conn
            .prepare("SELECT name, applied_at, typeof(applied_at) FROM _migrations WHERE name LIKE '000%' ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["0001_append_only.sql", "0002_second.sql"]);
        for (_, at, ty) in &rows {
            assert_eq!(ty, "integer");
            assert!(*at >= started && *at <= unix_seconds() + 1, "applied_at {at} is not unix seconds");
        }
        let notes: Vec<String> = conn
            .prepare("SELECT note FROM fixture_audit ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(notes, ["first; it's -- not a comment /* nor this */", "second", "third"]);
        let e = conn.execute("UPDATE fixture_audit SET note = 'changed' WHERE id = 1", []).unwrap_err();
        assert!(e.to_string().contains("append-only; UPDATE refused"), "{e}");
        let e = conn.execute("DELETE FROM fixture_audit WHERE id = 1", []).unwrap_err();
        assert!(e.to_string().contains("append-only; DELETE refused"), "{e}");
        let count: i64 = conn.query_row("SELECT count(*) FROM fixture_audit", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 3);
        let log: Vec<String> = conn
            .prepare("SELECT kind FROM fixture_audit_log ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(log, ["insert; with semicolon", "insert", "insert"]);
    }
}
