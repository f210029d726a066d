//! `/admin/search`: index status per market and language, and rebuilds (staff with
//! `Action::ManageSearch`; POSTs check CSRF before anything is read or written).

use http::StatusCode;
use medportal_auth::csrf;
use medportal_core::policy::Action;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::search::{self as views, IndexRow, RebuildView, SearchAdminView};
use time::OffsetDateTime;

use crate::index::{self, Actor};
use crate::store::{self, IndexKey, Publisher};

fn at(unix: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(unix).ok().filter(|_| unix > 0)
}

pub async fn status_page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::require(ctx, req, Action::ManageSearch).await?;
    let blob = ctx.global_blob().await?;
    let keys = store::registry(&blob).await?;
    let statuses = store::join_all(keys.iter().map(|k| store::status(&blob, k)).collect()).await;
    let mut indexes = Vec::new();
    for (k, s) in keys.iter().zip(statuses) {
        let s = s?;
        indexes.push(IndexRow {
            name: k.name(),
            market: k.market.clone(),
            language: k.language.clone(),
            generation: s.generation,
            documents: s.documents,
            tombstones: s.tombstones,
            segments: s.segments,
            bytes: s.bytes,
            published: at(s.published_at),
            published_by: s.published_by.map_or("", Publisher::as_str).to_owned(),
            rebuild: s.rebuild.map(|r| RebuildView { state: r.state.as_str().to_owned(), done: r.done, total: r.total, finished: r.finished_at.and_then(at) }),
        });
    }
    let vocab_bytes = store::get(&blob, store::VOCAB_KEY).await?.map(|v| v.len() as u64);
    let rebuilt = web::query_param(req, "rebuilt").filter(|n| keys.iter().any(|k| &k.name() == n));
    let (token, _) = csrf::form_token(ctx, req, Some(&session))?;
    let view = SearchAdminView { indexes, vocab_bytes, csrf: token, rebuilt };
    Ok(medportal_web::html(StatusCode::OK, views::admin(&medportal_web::page_context(ctx, info, "", Some(&session)), &view)))
}

/// `POST /admin/search/rebuild` (form: `csrf`, `index`).
pub async fn rebuild<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let (form, session) = medportal_auth::require_form(ctx, req, Action::ManageSearch).await?;
    let name = form.get("index");
    let key = IndexKey::parse(name).ok_or_else(|| Error::bad_request("invalid_index", "Unknown index."))?;
    let actor = Actor::Staff { user_id: session.user_id().to_owned(), region: session.region };
    index::rebuild(ctx, &key, &actor).await?;
    Ok(web::redirect(&format!("{}?rebuilt={}", views::ADMIN, key.name())))
}
