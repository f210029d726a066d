//! SQLite files behind the key-value stores and SQLite databases: one connection per file
//! for key-value stores and set-up, shared by every label that points at it, behind a mutex;
//! every guest `open` of a SQLite database gets a connection of its own ([`Db::reopen`]), as
//! in Spin. The key-value table is Spin's own schema.

use anyhow::{Context, Result};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Db {
    /// File path, or `:memory:`.
    pub name: String,
    pub conn: Mutex<Connection>,
}

impl Db {
    /// Run `f` on the connection on a blocking thread (a panic there becomes a trap).
    pub async fn with<R: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Connection) -> R + Send + 'static,
    ) -> wasmtime::Result<R> {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| wasmtime::format_err!("sqlite task failed: {e}"))
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection of its own to the same file, as Spin gives every `open` of a SQLite
    /// database: a transaction one request opens is then never seen, or broken, by another
    /// running at the same time (SQLite's locks order them). In-memory databases cannot be
    /// reopened and stay shared.
    pub fn reopen(self: &Arc<Self>) -> Result<Arc<Db>> {
        if self.name == ":memory:" {
            return Ok(self.clone());
        }
        let conn = Connection::open(&self.name).with_context(|| format!("opening {}", self.name))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        Ok(Arc::new(Db { name: self.name.clone(), conn: Mutex::new(conn) }))
    }
}

/// Opens each file once, whichever labels (key-value or SQLite) refer to it.
#[derive(Default)]
pub struct DbFiles {
    files: HashMap<PathBuf, Arc<Db>>,
}

impl DbFiles {
    pub fn open(&mut self, path: Option<&Path>) -> Result<Arc<Db>> {
        let Some(path) = path else {
            let conn = Connection::open_in_memory()?;
            return Ok(Arc::new(Db { name: ":memory:".into(), conn: Mutex::new(conn) }));
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        // Canonicalize via the parent so two spellings of one file share a connection.
        let key = match (path.parent(), path.file_name()) {
            (Some(dir), Some(file)) => std::fs::canonicalize(dir)?.join(file),
            _ => path.to_path_buf(),
        };
        if let Some(db) = self.files.get(&key) {
            return Ok(db.clone());
        }
        let conn = Connection::open(&key).with_context(|| format!("opening {}", key.display()))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let db = Arc::new(Db { name: key.display().to_string(), conn: Mutex::new(conn) });
        self.files.insert(key, db.clone());
        Ok(db)
    }
}

pub fn init_key_value(db: &Db) -> Result<()> {
    db.lock()
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS spin_key_value (
               store TEXT NOT NULL,
               key   TEXT NOT NULL,
               value BLOB NOT NULL,
               PRIMARY KEY (store, key)
             );",
        )
        .with_context(|| format!("creating spin_key_value in {}", db.name))
}

/// Apply every `*.sql` file of `source` (a directory, in file-name order, or one file)
/// that is not yet recorded in `_migrations`, with the portal's one runner
/// (`medportal-migrate`; rules in infra/migrations/README.md). Returns the names applied now.
pub fn migrate(db: &Db, source: &Path) -> Result<Vec<String>> {
    Ok(medportal_migrate::apply_path(&db.lock(), source)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use medportal_migrate::fixture;

    fn file_db(dir: &Path) -> Arc<Db> {
        DbFiles::default().open(Some(&dir.join("db.sqlite"))).unwrap()
    }

    #[test]
    fn the_shared_fixture_applies_once_and_its_triggers_refuse_changes() {
        let dir = std::env::temp_dir().join(format!("medportal-spin-host-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let started = fixture::now();
        let db = file_db(&dir);
        assert_eq!(migrate(&db, &fixture::dir()).unwrap(), ["0001_append_only.sql", "0002_second.sql"]);
        assert!(migrate(&db, &fixture::dir()).unwrap().is_empty());
        drop(db);
        // reopened (a restart on the same state dir): still a no-op
        let db = file_db(&dir);
        assert!(migrate(&db, &fixture::dir().join("0001_append_only.sql")).unwrap().is_empty());
        fixture::assert_applied(&db.lock(), started);
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_portal_migrations_and_seeds_apply_twice() {
        let infra = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra");
        for label in ["db_global", "db_eu", "db_us"] {
            let db = DbFiles::default().open(None).unwrap();
            for _ in 0..2 {
                migrate(&db, &infra.join("migrations")).unwrap();
                let seed = infra.join("seed").join(label);
                if seed.is_dir() {
                    migrate(&db, &seed).unwrap();
                }
            }
            let n: i64 = db.lock().query_row("SELECT count(*) FROM _migrations", [], |r| r.get(0)).unwrap();
            assert!(n >= 5, "{label}: {n} migrations recorded");
        }
    }
}
