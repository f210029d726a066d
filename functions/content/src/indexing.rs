//! The outbox consumer: applies pending index events to search through its indexing entry
//! point (`POST /admin/search/index` on search-admin, bearer `search_index_token`). Each event
//! re-sends its item's current state (its live version to each market it is published in, a
//! withdrawal from every other market it was ever meant for), so applying events twice or in
//! any order converges on the truth; the newest are taken first (a fresh publish never waits
//! behind a backlog) and grouped into one request per index (market and language). Events are
//! settled only after search answered 200 for all of them; a failure (indexer down, refused,
//! timed out) leaves them pending with their attempt count and error, and a later drain
//! retries them — nothing is lost.
//!
//! When it runs: after each publish or withdrawal in the same request (best effort), at the
//! start of the staff workspace pages (review queue, governance, authoring), and at most every
//! five minutes per isolate on reader requests ([`upkeep`], with the expiry sweep), so a failed
//! event is retried by later traffic on every host. (A Workers Cron Trigger would drain without
//! any request: not wired yet.)

use http::{Method, Request as HttpRequest, header};
use medportal_core::ports::SqlStore;
use medportal_core::web::{self, Request};
use medportal_core::{Ctx, Platform, Result};

use crate::item;
use crate::markup;
use crate::model::Market;
use crate::publication;
use crate::version::{self, Version};

/// Events taken per drain (bounds one request's work and the settle statement's parameters);
/// a reader request's upkeep takes fewer.
const BATCH: i64 = 60;
const READER_BATCH: i64 = 10;
/// Documents per indexing request.
const DOCS_PER_REQUEST: usize = 40;

/// Where search's indexing entry point is: the portal's public origin; in dev mode a loopback
/// request's own origin (the contract hosts listen on a port the configuration cannot know).
fn endpoint<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> String {
    let host = web::header_str(req, header::HOST).unwrap_or("");
    let loopback = host.starts_with("127.0.0.1:") || host.starts_with("localhost:") || host.starts_with("[::1]:");
    let origin = if ctx.config.dev_mode && loopback && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".:[]".contains(&b)) {
        format!("http://{host}")
    } else {
        ctx.config.public_origin.trim_end_matches('/').to_owned()
    };
    format!("{origin}{}", medportal_templates::paths::search_admin::INDEX)
}

fn token<P: Platform>(ctx: &Ctx<'_, P>) -> Option<String> {
    ctx.config.search_index_token.clone().or_else(|| ctx.config.dev_search_index_token().map(str::to_owned))
}

/// JSON string.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn document(slug: &str, content_type: &str, v: &Version) -> String {
    let d = &v.draft;
    let list = |items: &[String]| format!("[{}]", items.iter().map(|s| js(s)).collect::<Vec<_>>().join(","));
    let refs: Vec<String> = d.references.iter().map(|r| r.label.clone()).collect();
    format!(
        "{{\"id\":{},\"title\":{},\"summary\":{},\"body\":{},\"references\":{},\"therapeutic_areas\":{},\"products\":{},\
         \"content_type\":{},\"trial_phase\":{},\"specialties\":{},\"audience\":{},\"published\":{}}}",
        js(slug),
        js(&d.title),
        js(&d.summary),
        js(&markup::plain(&d.body)),
        js(&refs.join("\n")),
        list(std::slice::from_ref(&d.taxonomy.area)),
        list(&d.taxonomy.products()),
        js(content_type),
        js(d.taxonomy.phase.as_deref().unwrap_or("")),
        list(&d.taxonomy.specialties),
        js(&d.taxonomy.audience),
        d.reviewed_on.as_deref().map_or("null".into(), js),
    )
}

/// What each index (market code, language) must change, ordered by index (a sorted vector
/// rather than a tree map: less code in the Worker).
type Changes = Vec<((String, String), (Vec<String>, Vec<String>))>;

/// Adds what brings search to the item's current state: per market it was ever meant for, its
/// live, unexpired version (a document) or its withdrawal.
async fn changes<P: Platform>(ctx: &Ctx<'_, P>, item_id: &str, out: &mut Changes) -> Result<()> {
    let db = ctx.global_sql().await?;
    let Some(it) = item::find(&db, item_id).await? else { return Ok(()) };
    let today = crate::visibility::today(ctx);
    let rows = db.query("SELECT market, version_id FROM library_publications WHERE item_id = ?1", &[item_id.into()]).await?;
    let mut live: Vec<(Market, String)> = Vec::new();
    for r in &rows {
        if let Some(m) = Market::parse(&r.text(0)?) {
            live.push((m, r.text(1)?));
        }
    }
    let history = version::history(&db, item_id).await?;
    let mut ever: Vec<Market> = history.iter().flat_map(|v| v.draft.markets.clone()).collect();
    ever.sort();
    ever.dedup();
    for m in ever {
        let current = live.iter().find(|(lm, _)| *lm == m).and_then(|(_, vid)| history.iter().find(|v| &v.id == vid));
        let current = current.filter(|v| v.draft.expires_on.as_deref().is_none_or(|e| e > today.as_str()));
        let key = (m.search_code().to_owned(), it.language.clone());
        let n = out.binary_search_by(|(k, _)| k.cmp(&key)).unwrap_or_else(|n| {
            out.insert(n, (key, Default::default()));
            n
        });
        let (upsert, withdraw) = &mut out[n].1;
        match current {
            Some(v) => upsert.push(document(&it.slug, it.content_type.code(), v)),
            None => withdraw.push(js(&it.slug)),
        }
    }
    Ok(())
}

/// The indexing request bodies for `changes` (at most [`DOCS_PER_REQUEST`] documents each).
fn bodies(changes: Changes) -> Vec<String> {
    let mut out = Vec::new();
    for ((market, language), (upsert, withdraw)) in changes {
        let head = format!("{{\"market\":{},\"language\":{}", js(&market), js(&language));
        let mut chunks: Vec<&[String]> = upsert.chunks(DOCS_PER_REQUEST).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        for (i, docs) in chunks.into_iter().enumerate() {
            let mut body = head.clone();
            if !docs.is_empty() {
                body.push_str(&format!(",\"upsert\":[{}]", docs.join(",")));
            }
            if i == 0 && !withdraw.is_empty() {
                body.push_str(&format!(",\"withdraw\":[{}]", withdraw.join(",")));
            }
            body.push('}');
            out.push(body);
        }
    }
    out
}

async fn send<P: Platform>(ctx: &Ctx<'_, P>, url: &str, token: &str, body: String) -> std::result::Result<(), String> {
    let req = HttpRequest::builder()
        .method(Method::POST)
        .uri(url)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .body(body.into_bytes())
        .map_err(|e| e.to_string())?;
    match ctx.http_send(req).await {
        Ok(resp) if resp.status().is_success() => Ok(()),
        Ok(resp) => Err(format!("indexer answered {}", resp.status().as_u16())),
        Err(e) => Err(format!("indexer unreachable: {e}")),
    }
}

/// Applies up to `batch` pending events (newest first, one request per index); returns how
/// many were applied (0 when search could not be reached: they wait for the next drain).
pub async fn drain<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, batch: i64) -> Result<usize> {
    let Some(token) = token(ctx) else { return Ok(0) };
    let db = ctx.global_sql().await?;
    let events = publication::pending(&db, batch).await?;
    let Some(max_seq) = events.iter().map(|e| e.seq).max() else { return Ok(0) };
    let mut items: Vec<String> = Vec::new();
    for e in &events {
        if !items.contains(&e.item_id) {
            items.push(e.item_id.clone());
        }
    }
    let mut all = Changes::new();
    for id in &items {
        changes(ctx, id, &mut all).await?;
    }
    let url = endpoint(ctx, req);
    for body in bodies(all) {
        if let Err(e) = send(ctx, &url, &token, body).await {
            publication::settle(ctx, &items, max_seq, Some(&e)).await?;
            return Ok(0);
        }
    }
    publication::settle(ctx, &items, max_seq, None).await?;
    Ok(events.len())
}

/// [`drain`] where a failure must not fail the request: logged, the events stay pending.
pub async fn drain_quietly<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) {
    quietly(ctx, req, BATCH).await
}

async fn quietly<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, batch: i64) {
    if let Err(e) = drain(ctx, req, batch).await {
        ctx.log(medportal_core::ports::LogLevel::Warn, &format!("content index drain: {e}"));
    }
}


/// Seconds between two upkeep runs of one isolate on reader requests.
const UPKEEP_EVERY_SECS: i64 = 300;

/// Reader-side upkeep, at most every five minutes per isolate: marks items whose live
/// version passed its expiry date expired (reader pages already hide them by date; this takes
/// them out of search and queues them for re-review) and retries pending index events. So
/// every host catches up on ordinary traffic, without a scheduler.
pub async fn upkeep<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) {
    thread_local! {
        static LAST: std::cell::Cell<i64> = const { std::cell::Cell::new(i64::MIN) };
    }
    let now = ctx.now().unix_timestamp();
    if LAST.with(|l| now.saturating_sub(l.get()) < UPKEEP_EVERY_SECS) {
        return;
    }
    LAST.with(|l| l.set(now));
    if let Err(e) = crate::publication::expire_due(ctx).await {
        ctx.log(medportal_core::ports::LogLevel::Warn, &format!("content expiry sweep: {e}"));
    }
    quietly(ctx, req, READER_BATCH).await;
}
