//! Probe component for the medportal Spin test host's self test.
//!
//! Every answer is plain text. Routes (query parameters in `?a=b&c=d` form):
//! - `/probe/echo`, `/exact`, anything else: who handled it, path, spin-* headers
//! - `/probe/deep/<op>` is `/probe/<op>` served by the `deep` component
//! - `/probe/kv/{set,get,delete,exists,keys}?store=&key=&value=`
//! - `/probe/sql/{exec,insert,list,types}?db=&text=&sql=`
//! - `/probe/var?name=`
//! - `/probe/outbound?url=`
//! - `/probe/trap` (panics)

use http_body_util::BodyExt;
use spin_sdk::http::{EmptyBody, Request, StatusCode};
use spin_sdk::{key_value, sqlite, variables};

type Reply = (StatusCode, String);

fn query(req: &Request) -> Vec<(String, String)> {
    req.uri()
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn param<'a>(q: &'a [(String, String)], name: &str) -> &'a str {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn kv_err(e: key_value::Error) -> Reply {
    let code = match e {
        key_value::Error::AccessDenied => StatusCode::FORBIDDEN,
        key_value::Error::NoSuchStore => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (code, format!("kv error: {e:?}"))
}

fn sql_err(e: sqlite::Error) -> Reply {
    let code = match e {
        sqlite::Error::AccessDenied => StatusCode::FORBIDDEN,
        sqlite::Error::NoSuchDatabase => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (code, format!("sqlite error: {e:?}"))
}

fn show(v: &sqlite::Value) -> String {
    match v {
        sqlite::Value::Integer(i) => format!("int:{i}"),
        sqlite::Value::Real(f) => format!("real:{f}"),
        sqlite::Value::Text(t) => format!("text:{t}"),
        sqlite::Value::Blob(b) => format!("blob:{b:?}"),
        sqlite::Value::Null => "null".to_string(),
    }
}

async fn kv(op: &str, q: &[(String, String)]) -> Result<Reply, Reply> {
    let store = key_value::Store::open(param(q, "store")).await.map_err(kv_err)?;
    let key = param(q, "key");
    Ok(match op {
        "set" => {
            store.set(key, param(q, "value").as_bytes()).await.map_err(kv_err)?;
            (StatusCode::OK, "ok".into())
        }
        "get" => match store.get(key).await.map_err(kv_err)? {
            Some(v) => (StatusCode::OK, String::from_utf8_lossy(&v).into_owned()),
            None => (StatusCode::NOT_FOUND, "missing".into()),
        },
        "delete" => {
            store.delete(key).await.map_err(kv_err)?;
            (StatusCode::OK, "deleted".into())
        }
        "exists" => (StatusCode::OK, store.exists(key).await.map_err(kv_err)?.to_string()),
        "keys" => {
            let mut keys = store.get_keys().await.collect().await.map_err(kv_err)?;
            keys.sort();
            (StatusCode::OK, keys.join(","))
        }
        _ => (StatusCode::NOT_FOUND, "unknown kv op".into()),
    })
}

async fn sql(op: &str, q: &[(String, String)]) -> Result<Reply, Reply> {
    let db = sqlite::Connection::open(param(q, "db")).await.map_err(sql_err)?;
    db.execute(
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)",
        [],
    )
    .await
    .map_err(sql_err)?
    .collect()
    .await
    .map_err(sql_err)?;
    Ok(match op {
        "insert" => {
            db.execute("INSERT INTO notes (body) VALUES (?)", [sqlite::Value::text(param(q, "text"))])
                .await
                .map_err(sql_err)?
                .collect()
                .await
                .map_err(sql_err)?;
            let id = db.last_insert_rowid().await;
            let changes = db.changes().await;
            (StatusCode::OK, format!("id={id} changes={changes}"))
        }
        "list" => {
            let rows = db
                .execute("SELECT id, body FROM notes ORDER BY id", [])
                .await
                .map_err(sql_err)?
                .collect()
                .await
                .map_err(sql_err)?;
            let lines: Vec<String> = rows
                .iter()
                .map(|r| format!("{}:{}", r.get::<i64>(0).unwrap_or(-1), r.get::<&str>(1).unwrap_or("?")))
                .collect();
            (StatusCode::OK, lines.join("\n"))
        }
        "types" => {
            let res = db
                .execute(
                    "SELECT ? AS i, ? AS r, ? AS t, ? AS b, ? AS n",
                    [
                        sqlite::Value::Integer(-42),
                        sqlite::Value::Real(1.5),
                        sqlite::Value::text("héllo"),
                        sqlite::Value::Blob(vec![0, 1, 255]),
                        sqlite::Value::Null,
                    ],
                )
                .await
                .map_err(sql_err)?;
            let cols = res.columns().join(",");
            let rows = res.collect().await.map_err(sql_err)?;
            let vals: Vec<String> = rows[0].values.iter().map(show).collect();
            (StatusCode::OK, format!("{cols}|{}", vals.join("|")))
        }
        "exec" => {
            let res = db.execute(param(q, "sql"), []).await.map_err(sql_err)?;
            let rows = res.collect().await.map_err(sql_err)?;
            let lines: Vec<String> = rows
                .iter()
                .map(|r| r.values.iter().map(show).collect::<Vec<_>>().join("|"))
                .collect();
            (StatusCode::OK, lines.join("\n"))
        }
        _ => (StatusCode::NOT_FOUND, "unknown sql op".into()),
    })
}

async fn outbound(url: &str) -> Reply {
    let req = match Request::get(url).body(EmptyBody::new()) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad url: {e}")),
    };
    match spin_sdk::http::send(req).await {
        Ok(resp) => {
            let status = resp.status();
            let body = match resp.into_body().collect().await {
                Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
                Err(e) => format!("body error: {e:?}"),
            };
            (StatusCode::OK, format!("upstream {} {body}", status.as_u16()))
        }
        Err(e) => (StatusCode::BAD_GATEWAY, format!("outbound error: {e:?}")),
    }
}

#[spin_sdk::http_service]
async fn handle(req: Request) -> Reply {
    let q = query(&req);
    let path = req.uri().path().to_string();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string()
    };
    let who = variables::get("who").await.unwrap_or_else(|e| format!("{e:?}"));
    // `/probe/deep/<op>` (served by the `deep` component) works like `/probe/<op>`.
    let mut segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if segments.len() > 2 && segments[1] == "deep" {
        segments.remove(1);
    }
    let result = match segments.as_slice() {
        ["probe", "kv", op] => kv(op, &q).await,
        ["probe", "sql", op] => sql(op, &q).await,
        ["probe", "var"] => Ok(match variables::get(param(&q, "name")).await {
            Ok(v) => (StatusCode::OK, v),
            Err(e) => (StatusCode::NOT_FOUND, format!("var error: {e:?}")),
        }),
        ["probe", "outbound"] => Ok(outbound(param(&q, "url")).await),
        ["probe", "trap"] => panic!("probe asked to trap"),
        ["probe", "body"] => {
            let (_, body) = req.into_parts();
            let bytes = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            Ok((StatusCode::OK, format!("len={}", bytes.len())))
        }
        _ => Ok((
            StatusCode::OK,
            format!(
                "who={who} method={} uri={} path-info={} matched={} full-url={}",
                req.method(),
                req.uri(),
                header("spin-path-info"),
                header("spin-matched-route"),
                header("spin-full-url"),
            ),
        )),
    };
    result.unwrap_or_else(|e| e)
}
