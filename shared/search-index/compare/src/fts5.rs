//! SQLite FTS5 (the Cloudflare D1 path): a contentless FTS5 table with the five text columns,
//! `bm25()` with medportal's field weights, facet values in an indexed side table.

use std::path::Path;
use std::time::Instant;

use rusqlite::{Connection, params};

use crate::{Engine, Query};

const BM25: &str = "bm25(fts, 2.0, 1.5, 1.0, 0.5, 1.0)";

pub fn build(dir: &Path) {
    let docs = crate::load_docs(dir);
    let path = dir.join("fts5.db");
    let _ = std::fs::remove_file(&path);
    let t = Instant::now();
    let mut c = Connection::open(&path).expect("open db");
    c.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
         CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, refs, taxonomy, content='', tokenize='porter unicode61');
         CREATE TABLE doc(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, date INTEGER NOT NULL);
         CREATE TABLE facet(field INTEGER NOT NULL, value TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(field, value, doc)) WITHOUT ROWID;",
    )
    .expect("schema");
    {
        let tx = c.transaction().expect("tx");
        {
            let mut ins_fts = tx.prepare("INSERT INTO fts(rowid, title, summary, body, refs, taxonomy) VALUES (?1, ?2, ?3, ?4, ?5, ?6)").unwrap();
            let mut ins_doc = tx.prepare("INSERT INTO doc(rowid, id, date) VALUES (?1, ?2, ?3)").unwrap();
            let mut ins_facet = tx.prepare("INSERT OR IGNORE INTO facet(field, value, doc) VALUES (?1, ?2, ?3)").unwrap();
            for (i, d) in docs.iter().enumerate() {
                let r = i as i64 + 1;
                ins_fts.execute(params![r, d.title, d.summary, d.body, d.references, d.taxonomy_text()]).unwrap();
                ins_doc.execute(params![r, d.id, d.date]).unwrap();
                for (fi, values) in crate::facet_values(d).iter().enumerate() {
                    for v in values {
                        ins_facet.execute(params![fi as i64, v, r]).unwrap();
                    }
                }
            }
        }
        tx.commit().expect("commit");
    }
    c.execute_batch(
        "CREATE INDEX facet_doc ON facet(doc, field, value);
         INSERT INTO fts(fts) VALUES('optimize');",
    )
    .expect("optimize");
    drop(c);
    let build_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!("fts5: {} docs, {bytes} B, built in {build_ms:.0} ms", docs.len());
    std::fs::write(dir.join("fts5-build.txt"), format!("build_ms={build_ms:.1}\nindex_bytes={bytes}\n")).expect("write stats");
    println!("RESULT engine=fts5 docs={} build_ms={build_ms:.1} index_bytes={bytes}", docs.len());
}

struct Fts5 {
    c: Connection,
}

/// The FTS5 query: the query words and the expansions, ORed (a multi-word expansion is an AND
/// group). Words are quoted, so FTS5 syntax in the text cannot matter.
fn match_expr(q: &Query) -> String {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{}\"", w.to_lowercase())).collect()
    };
    let mut parts = words(&q.text);
    for e in &q.expansions {
        let w = words(e);
        match w.len() {
            0 => {}
            1 => parts.push(w[0].clone()),
            _ => parts.push(format!("({})", w.join(" AND "))),
        }
    }
    parts.dedup();
    parts.join(" OR ")
}

fn filter_sql(q: &Query) -> String {
    let mut s = String::new();
    for (fi, values) in &q.filters {
        let vals: Vec<String> = values.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
        s.push_str(&format!(" AND +rowid IN (SELECT doc FROM facet WHERE field = {fi} AND value IN ({}))", vals.join(",")));
    }
    s
}

impl Engine for Fts5 {
    fn query(&mut self, q: &Query, page: bool) -> (usize, u64) {
        let m = match_expr(q);
        let filters = filter_sql(q);
        if !page {
            let sql = format!(
                "SELECT doc.id FROM (SELECT rowid AS r, {BM25} AS s FROM fts WHERE fts MATCH ?1{filters} ORDER BY s LIMIT 10) AS t \
                 JOIN doc ON doc.rowid = t.r ORDER BY t.s"
            );
            let mut st = self.c.prepare_cached(&sql).expect("prepare");
            let ids: Vec<String> = st.query_map([&m], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect();
            return (ids.len(), 0);
        }
        // the page: matches once into a temp table, then top 10, total, facet and year counts
        self.c.prepare_cached("DELETE FROM temp.m").unwrap().execute([]).unwrap();
        let sql = format!("INSERT INTO temp.m(r, s) SELECT rowid, {BM25} FROM fts WHERE fts MATCH ?1{filters}");
        self.c.prepare_cached(&sql).expect("prepare").execute([&m]).unwrap();
        let ids: Vec<String> = self
            .c
            .prepare_cached("SELECT doc.id FROM temp.m JOIN doc ON doc.rowid = m.r ORDER BY m.s LIMIT 10")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|x| x.unwrap())
            .collect();
        let total: i64 = self.c.prepare_cached("SELECT count(*) FROM temp.m").unwrap().query_row([], |r| r.get(0)).unwrap();
        let facets: Vec<(i64, String, i64)> = self
            .c
            .prepare_cached(
                "SELECT f.field, f.value, count(*) AS n FROM temp.m JOIN facet f ON f.doc = m.r GROUP BY f.field, f.value ORDER BY f.field, n DESC",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|x| x.unwrap())
            .collect();
        let years: Vec<(i64, i64)> = self
            .c
            .prepare_cached("SELECT doc.date / 10000 AS y, count(*) FROM temp.m JOIN doc ON doc.rowid = m.r WHERE doc.date > 0 GROUP BY y ORDER BY y DESC")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|x| x.unwrap())
            .collect();
        std::hint::black_box((&ids, &facets, &years));
        (ids.len(), total as u64)
    }
}

pub fn query(dir: &Path, rounds: usize) {
    let queries = crate::load_queries(dir);
    let t = Instant::now();
    let cpu0 = crate::thread_cpu_ns();
    let c = Connection::open_with_flags(dir.join("fts5.db"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open db");
    let docs: i64 = c.query_row("SELECT count(*) FROM doc", [], |r| r.get(0)).expect("schema");
    let open_ms = t.elapsed().as_secs_f64() * 1e3;
    let open_cpu_ms = (crate::thread_cpu_ns() - cpu0) as f64 / 1e6;
    c.execute_batch("CREATE TEMP TABLE m(r INTEGER PRIMARY KEY, s REAL)").expect("temp table");
    eprintln!("fts5: {docs} docs, open {open_ms:.1} ms");
    e_cache(&c);
    let mut e = Fts5 { c };
    let r = crate::run_queries(&mut e, &queries, rounds);
    let mem = crate::vm_hwm();
    println!(
        "RESULT engine=fts5 docs={docs} timer=thread-cpu open_ms={open_ms:.2} open_cpu_ms={open_cpu_ms:.3} {r} peak_mem_mb={:.1}",
        mem as f64 / 1048576.0
    );
}

/// Every distinct filter combination is its own statement: keep them all prepared.
fn e_cache(c: &Connection) {
    c.set_prepared_statement_cache_capacity(512);
}
