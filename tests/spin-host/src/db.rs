//! SQLite files behind the key-value stores and SQLite databases: one connection per
//! file, shared by every label that points at it, behind a mutex (which serializes
//! writes). The key-value table is Spin's own schema.

use anyhow::{Context, Result, bail};
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
/// that is not yet recorded in `_migrations`. Returns the names applied now.
pub fn migrate(db: &Db, source: &Path) -> Result<Vec<String>> {
    let mut files: Vec<PathBuf> = if source.is_dir() {
        let mut v = Vec::new();
        for entry in std::fs::read_dir(source).with_context(|| format!("reading {}", source.display()))? {
            let p = entry?.path();
            if p.is_file() && p.extension().is_some_and(|e| e == "sql") {
                v.push(p);
            }
        }
        v
    } else if source.is_file() {
        vec![source.to_path_buf()]
    } else {
        bail!("migration source {} does not exist", source.display());
    };
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));

    let mut conn = db.lock();
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS _migrations (
           name TEXT PRIMARY KEY,
           applied_at TEXT NOT NULL DEFAULT (datetime('now'))
         );",
    )?;
    let mut applied = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let done: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM _migrations WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        let sql = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let tx = conn.transaction()?;
        tx.execute_batch(&sql)
            .with_context(|| format!("applying migration {}", file.display()))?;
        tx.execute("INSERT INTO _migrations (name) VALUES (?1)", [&name])?;
        tx.commit()?;
        applied.push(name);
    }
    Ok(applied)
}
