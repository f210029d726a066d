//! Host side of `spin:key-value@3.0.0`, `spin:sqlite@3.1.0` and `spin:variables@3.0.0`.
//!
//! A component may open only the labels its manifest grants (`access-denied` otherwise);
//! a granted label missing from the runtime config is `no-such-store` / `no-such-database`.

use std::sync::Arc;
use wasmtime::component::{Accessor, FutureReader, HasSelf, Resource, StreamReader};

use crate::Ctx;
use crate::db::Db;
use spin::key_value::key_value::{self as kv, Error as KvError};
use spin::sqlite::sqlite::{self as sql, Error as SqlError, RowResult, Value};
use spin::variables::variables::{self as vars, Error as VarError};

/// An open key-value store resource: the label is the `store` column of `spin_key_value`.
pub struct KvStore {
    label: String,
    db: Arc<Db>,
}

/// An open SQLite connection resource. The file's connection is shared (Spin does the
/// same); rowid/changes are tracked per guest connection so concurrent requests on the
/// same database don't see each other's values.
pub struct SqlConn {
    db: Arc<Db>,
    last_rowid: i64,
    changes: u64,
}

wasmtime::component::bindgen!({
    path: "wit",
    world: "medportal:spin-host/host",
    imports: { default: trappable },
    with: {
        "spin:key-value/key-value.store": KvStore,
        "spin:sqlite/sqlite.connection": SqlConn,
    },
});

type Spin = HasSelf<Ctx>;

// ---------------------------------------------------------------- key-value

fn kv_open(ctx: &mut Ctx, label: String) -> wasmtime::Result<Result<Resource<KvStore>, KvError>> {
    if !ctx.component.kv_grants.contains(&label) {
        return Ok(Err(KvError::AccessDenied));
    }
    let Some(db) = ctx.resources.kv.get(&label).cloned() else {
        return Ok(Err(KvError::NoSuchStore));
    };
    Ok(Ok(ctx.table.push(KvStore { label, db })?))
}

fn kv_handle<T>(
    accessor: &Accessor<T, Spin>,
    store: &Resource<KvStore>,
) -> wasmtime::Result<(String, Arc<Db>)> {
    accessor.with(|mut access| {
        let s = access.get().table.get(store)?;
        Ok((s.label.clone(), s.db.clone()))
    })
}

fn kv_other(e: rusqlite::Error) -> KvError {
    KvError::Other(e.to_string())
}

impl<T> kv::HostStoreWithStore<T> for Spin {
    async fn open(
        accessor: &Accessor<T, Self>,
        label: String,
    ) -> wasmtime::Result<Result<Resource<KvStore>, KvError>> {
        accessor.with(|mut access| kv_open(access.get(), label))
    }

    async fn get(
        accessor: &Accessor<T, Self>,
        store: Resource<KvStore>,
        key: String,
    ) -> wasmtime::Result<Result<Option<Vec<u8>>, KvError>> {
        let (label, db) = kv_handle(accessor, &store)?;
        db.with(move |c| {
            use rusqlite::OptionalExtension;
            c.prepare_cached("SELECT value FROM spin_key_value WHERE store = ?1 AND key = ?2")
                .and_then(|mut s| s.query_row([&label, &key], |r| r.get::<_, Vec<u8>>(0)).optional())
                .map_err(kv_other)
        })
        .await
    }

    async fn set(
        accessor: &Accessor<T, Self>,
        store: Resource<KvStore>,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), KvError>> {
        let (label, db) = kv_handle(accessor, &store)?;
        db.with(move |c| {
            c.prepare_cached(
                "INSERT INTO spin_key_value (store, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (store, key) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut s| s.execute(rusqlite::params![label, key, value]))
            .map(|_| ())
            .map_err(kv_other)
        })
        .await
    }

    async fn delete(
        accessor: &Accessor<T, Self>,
        store: Resource<KvStore>,
        key: String,
    ) -> wasmtime::Result<Result<(), KvError>> {
        let (label, db) = kv_handle(accessor, &store)?;
        db.with(move |c| {
            c.prepare_cached("DELETE FROM spin_key_value WHERE store = ?1 AND key = ?2")
                .and_then(|mut s| s.execute([&label, &key]))
                .map(|_| ())
                .map_err(kv_other)
        })
        .await
    }

    async fn exists(
        accessor: &Accessor<T, Self>,
        store: Resource<KvStore>,
        key: String,
    ) -> wasmtime::Result<Result<bool, KvError>> {
        let (label, db) = kv_handle(accessor, &store)?;
        db.with(move |c| {
            c.prepare_cached("SELECT EXISTS(SELECT 1 FROM spin_key_value WHERE store = ?1 AND key = ?2)")
                .and_then(|mut s| s.query_row([&label, &key], |r| r.get::<_, bool>(0)))
                .map_err(kv_other)
        })
        .await
    }

    async fn get_keys(
        accessor: &Accessor<T, Self>,
        store: Resource<KvStore>,
    ) -> wasmtime::Result<(StreamReader<String>, FutureReader<Result<(), KvError>>)> {
        let (label, db) = kv_handle(accessor, &store)?;
        let result = db
            .with(move |c| {
                c.prepare_cached("SELECT key FROM spin_key_value WHERE store = ?1 ORDER BY key")
                    .and_then(|mut s| {
                        s.query_map([&label], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()
                    })
                    .map_err(kv_other)
            })
            .await?;
        let (keys, outcome) = match result {
            Ok(keys) => (keys, Ok(())),
            Err(e) => (Vec::new(), Err(e)),
        };
        accessor.with(|mut access| {
            Ok((
                StreamReader::new(&mut access, keys)?,
                FutureReader::new(&mut access, async move { wasmtime::error::Ok(outcome) })?,
            ))
        })
    }
}

impl kv::HostStore for Ctx {
    fn drop(&mut self, store: Resource<KvStore>) -> wasmtime::Result<()> {
        self.table.delete(store)?;
        Ok(())
    }
}

impl kv::Host for Ctx {}

// ---------------------------------------------------------------- sqlite

fn sql_open(ctx: &mut Ctx, label: String) -> wasmtime::Result<Result<Resource<SqlConn>, SqlError>> {
    if !ctx.component.sqlite_grants.contains(&label) {
        return Ok(Err(SqlError::AccessDenied));
    }
    let Some(db) = ctx.resources.sqlite.get(&label).cloned() else {
        return Ok(Err(SqlError::NoSuchDatabase));
    };
    let db = match db.reopen() {
        Ok(db) => db,
        Err(e) => return Ok(Err(SqlError::Io(format!("{e:#}")))),
    };
    Ok(Ok(ctx.table.push(SqlConn { db, last_rowid: 0, changes: 0 })?))
}

fn to_sql(v: Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Integer(i) => V::Integer(i),
        Value::Real(f) => V::Real(f),
        Value::Text(t) => V::Text(t),
        Value::Blob(b) => V::Blob(b),
        Value::Null => V::Null,
    }
}

fn from_sql(v: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Null => Value::Null,
        V::Integer(i) => Value::Integer(i),
        V::Real(f) => Value::Real(f),
        V::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        V::Blob(b) => Value::Blob(b.to_vec()),
    }
}

struct Executed {
    columns: Vec<String>,
    rows: Vec<RowResult>,
    /// New rowid if this statement inserted a row.
    last_rowid: Option<i64>,
    /// Rows changed, if this statement could change rows.
    changes: Option<u64>,
}

fn execute(c: &rusqlite::Connection, statement: &str, params: Vec<Value>) -> Result<Executed, SqlError> {
    let io = |e: rusqlite::Error| SqlError::Io(e.to_string());
    let rowid_before = c.last_insert_rowid();
    let mut stmt = c.prepare_cached(statement).map_err(io)?;
    let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_string).collect();
    let readonly = stmt.readonly();
    let ncol = columns.len();
    let mut rows = Vec::new();
    {
        let mut cursor = stmt
            .query(rusqlite::params_from_iter(params.into_iter().map(to_sql)))
            .map_err(io)?;
        while let Some(row) = cursor.next().map_err(io)? {
            let values = (0..ncol)
                .map(|i| row.get_ref(i).map(from_sql))
                .collect::<Result<Vec<_>, _>>()
                .map_err(io)?;
            rows.push(RowResult { values });
        }
    }
    let rowid_after = c.last_insert_rowid();
    Ok(Executed {
        columns,
        rows,
        last_rowid: (rowid_after != rowid_before).then_some(rowid_after),
        changes: (!readonly).then(|| c.changes()),
    })
}

fn sql_handle<T>(accessor: &Accessor<T, Spin>, conn: &Resource<SqlConn>) -> wasmtime::Result<Arc<Db>> {
    accessor.with(|mut access| Ok(access.get().table.get(conn)?.db.clone()))
}

fn record(conn: &mut SqlConn, done: &Executed) {
    if let Some(id) = done.last_rowid {
        conn.last_rowid = id;
    }
    if let Some(n) = done.changes {
        conn.changes = n;
    }
}

impl<T> sql::HostConnectionWithStore<T> for Spin {
    async fn open_async(
        accessor: &Accessor<T, Self>,
        database: String,
    ) -> wasmtime::Result<Result<Resource<SqlConn>, SqlError>> {
        accessor.with(|mut access| sql_open(access.get(), database))
    }

    async fn execute_async(
        accessor: &Accessor<T, Self>,
        conn: Resource<SqlConn>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<
        Result<(Vec<String>, StreamReader<RowResult>, FutureReader<Result<(), SqlError>>), SqlError>,
    > {
        let db = sql_handle(accessor, &conn)?;
        let done = match db.with(move |c| execute(c, &statement, parameters)).await? {
            Ok(done) => done,
            Err(e) => return Ok(Err(e)),
        };
        accessor.with(|mut access| {
            record(access.get().table.get_mut(&conn)?, &done);
            Ok(Ok((
                done.columns,
                StreamReader::new(&mut access, done.rows)?,
                FutureReader::new(&mut access, async { wasmtime::error::Ok(Ok(())) })?,
            )))
        })
    }

    async fn last_insert_rowid_async(
        accessor: &Accessor<T, Self>,
        conn: Resource<SqlConn>,
    ) -> wasmtime::Result<i64> {
        accessor.with(|mut access| Ok(access.get().table.get(&conn)?.last_rowid))
    }

    async fn changes_async(accessor: &Accessor<T, Self>, conn: Resource<SqlConn>) -> wasmtime::Result<u64> {
        accessor.with(|mut access| Ok(access.get().table.get(&conn)?.changes))
    }
}

impl sql::HostConnection for Ctx {
    fn open(&mut self, database: String) -> wasmtime::Result<Result<Resource<SqlConn>, SqlError>> {
        sql_open(self, database)
    }

    fn execute(
        &mut self,
        conn: Resource<SqlConn>,
        statement: String,
        parameters: Vec<Value>,
    ) -> wasmtime::Result<Result<sql::QueryResult, SqlError>> {
        let db = self.table.get(&conn)?.db.clone();
        let done = match execute(&db.lock(), &statement, parameters) {
            Ok(done) => done,
            Err(e) => return Ok(Err(e)),
        };
        record(self.table.get_mut(&conn)?, &done);
        Ok(Ok(sql::QueryResult { columns: done.columns, rows: done.rows }))
    }

    fn last_insert_rowid(&mut self, conn: Resource<SqlConn>) -> wasmtime::Result<i64> {
        Ok(self.table.get(&conn)?.last_rowid)
    }

    fn changes(&mut self, conn: Resource<SqlConn>) -> wasmtime::Result<u64> {
        Ok(self.table.get(&conn)?.changes)
    }

    fn drop(&mut self, conn: Resource<SqlConn>) -> wasmtime::Result<()> {
        self.table.delete(conn)?;
        Ok(())
    }
}

impl sql::Host for Ctx {}

// ---------------------------------------------------------------- variables

impl<T> vars::HostWithStore<T> for Spin {
    async fn get(accessor: &Accessor<T, Self>, name: String) -> wasmtime::Result<Result<String, VarError>> {
        if crate::manifest::check_variable_name(&name).is_err() {
            return Ok(Err(VarError::InvalidName(name)));
        }
        accessor.with(|mut access| {
            Ok(match access.get().component.variables.get(&name) {
                Some(Ok(v)) => Ok(v.clone()),
                Some(Err(e)) => Err(VarError::Provider(e.clone())),
                None => Err(VarError::Undefined(format!("no variable for {name:?}"))),
            })
        })
    }
}

impl vars::Host for Ctx {}
