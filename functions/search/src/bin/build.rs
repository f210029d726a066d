//! `medportal-search-build`: bulk builds for one index (market + language) from a JSONL file of
//! indexing documents (the `upsert` objects of `POST /admin/search/index`) or a BEIR corpus
//! (`corpus.jsonl` with `_id`, `title`, `text`), validated exactly like the entry point.
//!
//! ```text
//! medportal-search-build --market global --language en (--jsonl FILE | --beir DIR)
//!     [--audience public|hcp] [--out DIR] [--batches DIR] [--batch-bytes N]
//! ```
//! * `--out DIR` builds the index and writes it in the `blob_global` layout
//!   (`DIR/search/v1/idx/<market>-<lang>/{meta,status,chunk/<id>}` and `indexes`), ready to copy
//!   into object storage (e.g. `wrangler r2 object put`), and prints size and timing.
//! * `--batches DIR` writes request bodies for the indexing entry point (at most
//!   `--batch-bytes`, default 900 000, each), to load a running portal through the same code
//!   path publishing uses: `curl -H "authorization: Bearer $TOKEN" -H "content-type:
//!   application/json" --data-binary @DIR/batch-0001.json $ORIGIN/admin/search/index`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use medportal_search::index::IndexDocument;
use medportal_search::store::{IndexKey, IndexStatus, Publisher};
use medportal_search_index::{Document, IndexBuilder, IndexConfig, MemorySource};
use serde_json::{Value, json};

struct Args {
    market: String,
    language: String,
    audience: String,
    jsonl: Option<PathBuf>,
    beir: Option<PathBuf>,
    out: Option<PathBuf>,
    batches: Option<PathBuf>,
    batch_bytes: usize,
}

fn usage() -> String {
    "usage: medportal-search-build --market global|XX --language xx (--jsonl FILE | --beir DIR) [--audience public|hcp] [--out DIR] [--batches DIR] [--batch-bytes N]".into()
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        market: String::new(),
        language: String::new(),
        audience: "hcp".into(),
        jsonl: None,
        beir: None,
        out: None,
        batches: None,
        batch_bytes: 900_000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value\n{}", usage()));
        match flag.as_str() {
            "--market" => a.market = val()?,
            "--language" => a.language = val()?,
            "--audience" => a.audience = val()?,
            "--jsonl" => a.jsonl = Some(val()?.into()),
            "--beir" => a.beir = Some(val()?.into()),
            "--out" => a.out = Some(val()?.into()),
            "--batches" => a.batches = Some(val()?.into()),
            "--batch-bytes" => a.batch_bytes = val()?.parse().map_err(|_| "--batch-bytes: a number".to_string())?,
            _ => return Err(usage()),
        }
    }
    if a.jsonl.is_some() == a.beir.is_some() || (a.out.is_none() && a.batches.is_none()) {
        return Err(usage());
    }
    Ok(a)
}

/// BEIR ids become slugs: `beir-<id>` with anything but letters, digits and `-` replaced.
fn beir_document(v: &Value, audience: &str) -> Result<Value, String> {
    let id = v.get("_id").and_then(|x| x.as_str().map(str::to_owned).or_else(|| x.as_u64().map(|n| n.to_string())));
    let id = id.ok_or("BEIR line without _id")?;
    let slug: String = format!("beir-{id}").chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).take(120).collect();
    // corpora carry stray control characters (form feeds, …) the entry point refuses
    let clean = |s: &str| s.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c }).collect::<String>();
    let text = clean(v.get("text").and_then(Value::as_str).unwrap_or(""));
    let text = text.as_str();
    let title = v.get("title").and_then(Value::as_str).filter(|t| !t.trim().is_empty()).map(clean);
    let title = title.unwrap_or_else(|| text.chars().take(120).collect());
    Ok(json!({"id": slug, "title": if title.trim().is_empty() { slug.clone() } else { title }, "body": text, "audience": audience}))
}

fn read_documents(a: &Args) -> Result<Vec<Value>, String> {
    let (file, beir) = match (&a.jsonl, &a.beir) {
        (Some(f), _) => (f.clone(), false),
        (_, Some(d)) => (d.join("corpus.jsonl"), true),
        _ => return Err(usage()),
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", file.display(), n + 1))?;
        out.push(if beir { beir_document(&v, &a.audience)? } else { v });
    }
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let a = parse_args()?;
    let key = IndexKey::new(&a.market, &a.language).map_err(|e| e.public_message())?;
    let started = Instant::now();
    let raw = read_documents(&a)?;
    // the entry point's own validation
    let mut docs = Vec::with_capacity(raw.len());
    for (i, v) in raw.iter().enumerate() {
        let d = IndexDocument::from_json(v, i).map_err(|e| e.public_message())?;
        docs.push(d.into_document(&key, i).map_err(|e| e.public_message())?);
    }
    eprintln!("{}: {} documents read and validated in {:.0} ms", key.name(), docs.len(), started.elapsed().as_secs_f64() * 1e3);

    if let Some(dir) = &a.batches {
        write_batches(dir, &key, &raw, a.batch_bytes)?;
    }
    if let Some(out) = &a.out {
        write_index(out, &key, docs)?;
    }
    Ok(())
}

/// Request bodies for `POST /admin/search/index`, at most `batch_bytes` each.
fn write_batches(dir: &Path, key: &IndexKey, raw: &[Value], batch_bytes: usize) -> Result<(), String> {
    let mut batch: Vec<&Value> = Vec::new();
    let mut size = 0;
    let mut n = 0;
    let flush = |batch: &mut Vec<&Value>, n: &mut usize| -> Result<(), String> {
        if batch.is_empty() {
            return Ok(());
        }
        *n += 1;
        let body = json!({"market": key.market, "language": key.language, "upsert": batch});
        write(&dir.join(format!("batch-{n:04}.json")), body.to_string().as_bytes())?;
        batch.clear();
        Ok(())
    };
    for v in raw {
        let len = v.to_string().len() + 1;
        if size + len > batch_bytes || batch.len() >= medportal_search::index::MAX_BATCH {
            flush(&mut batch, &mut n)?;
            size = 0;
        }
        batch.push(v);
        size += len;
    }
    flush(&mut batch, &mut n)?;
    eprintln!("{n} batches for POST /admin/search/index in {}", dir.display());
    Ok(())
}

/// The index in the `blob_global` layout under `out`, with size and timing.
fn write_index(out: &Path, key: &IndexKey, docs: Vec<Document>) -> Result<(), String> {
    let build = Instant::now();
    let mut b = IndexBuilder::new(IndexConfig::default());
    for d in docs {
        b.add(d).map_err(|e| e.to_string())?;
    }
    let commit = b.commit(&MemorySource::new()).map_err(|e| e.to_string())?;
    let ms = build.elapsed().as_secs_f64() * 1e3;
    let meta = medportal_search_index::format::decode_meta(&commit.meta).map_err(|e| e.to_string())?;
    for (id, bytes) in &commit.new_chunks {
        write(&out.join(key.chunk_key(*id)), bytes)?;
    }
    write(&out.join(key.meta_key()), &commit.meta)?;
    let status = IndexStatus {
        generation: commit.generation,
        documents: meta.live_doc_count(),
        segments: meta.segments.len() as u64,
        chunks: commit.new_chunks.len() as u64,
        bytes: (commit.meta.len() + commit.new_bytes()) as u64,
        published_at: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        published_by: Some(Publisher::Publishing),
        ..Default::default()
    };
    write(&out.join(key.status_key()), status.encode().as_bytes())?;
    write(&out.join(medportal_search::store::REGISTRY_KEY), format!("{}\n", key.name()).as_bytes())?;
    let store_bytes: u64 = meta.segments.iter().flat_map(|s| s.store.iter().map(|r| u64::from(r.chunk.len))).sum();
    println!(
        "{}: {} documents, {} chunks, {} bytes (index {} + stored documents {}), meta {} bytes, built in {:.0} ms",
        key.name(),
        status.documents,
        status.chunks,
        status.bytes,
        status.bytes - store_bytes,
        store_bytes,
        commit.meta.len(),
        ms
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("medportal-search-build: {e}");
        std::process::exit(1);
    }
}
