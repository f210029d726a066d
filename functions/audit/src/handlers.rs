//! The audit function's handlers: authenticate, parse, call one use case, render.

use crate::log::{self, Db, Log};
use crate::trail::{self, Filter};
use http::StatusCode;
use medportal_core::policy::Action;
use medportal_core::router::Params;
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::{pages, paths};

fn not_found() -> Error {
    Error::NotFound
}

/// `GET /audit`: the filtered list (compliance officer with a second factor).
pub async fn viewer<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = medportal_auth::require(ctx, req, Action::ViewAudit).await?;
    let q = |name| web::query_param(req, name).map(|v| v.trim().to_string()).unwrap_or_default();
    let filter = Filter {
        log: Log::parse(&q(paths::audit::DB_PARAM)),
        person: q(paths::audit::PERSON_PARAM),
        object: q(paths::audit::OBJECT_PARAM),
        action: q(paths::audit::ACTION_PARAM),
        since: trail::parse_time(&q(paths::audit::SINCE_PARAM), false),
        until: trail::parse_time(&q(paths::audit::UNTIL_PARAM), true),
    };
    let mut view = trail::list(ctx, &session, web::client_address(req), &filter).await?;
    (view.since, view.until) = (q(paths::audit::SINCE_PARAM), q(paths::audit::UNTIL_PARAM));
    let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), Some(&session));
    Ok(medportal_web::html(StatusCode::OK, pages::audit::audit_viewer(&page, &view)))
}

/// `GET /audit/entries/{db}/{seq}`: one entry with its inclusion proof, a page for the
/// compliance officer or JSON for tools (`Accept: application/json`).
pub async fn entry<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, params: &Params, req: &Request) -> Result<Response> {
    let session = medportal_auth::require(ctx, req, Action::ViewAudit).await?;
    let log = params.get("db").and_then(Log::parse).ok_or_else(not_found)?;
    let seq = params.get("seq").and_then(|s| s.parse::<u64>().ok()).ok_or_else(not_found)?;
    let detail = trail::detail(ctx, &session, web::client_address(req), log, seq).await?.ok_or_else(not_found)?;
    if info.wants_json {
        return Ok(web::json(StatusCode::OK, &detail.json(ctx)?));
    }
    let page = medportal_web::page_context(ctx, info, req.uri().query().unwrap_or(""), Some(&session));
    Ok(medportal_web::html(StatusCode::OK, pages::audit::audit_entry(&page, &detail.view())))
}

/// `GET /audit/consistency?db=eu&old=M&new=N`: the consistency proof between two signed
/// checkpoints with both notes (public, JSON).
pub async fn consistency<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let q = |name| web::query_param(req, name).and_then(|v| v.parse::<u64>().ok());
    let log = web::query_param(req, paths::audit::DB_PARAM).as_deref().and_then(Log::parse).ok_or_else(not_found)?;
    let (Some(old), Some(new)) = (q(paths::audit::OLD_PARAM), q(paths::audit::NEW_PARAM)) else {
        return Err(Error::bad_request("invalid_sizes", "old and new must be checkpoint sizes."));
    };
    let proof = trail::consistency(ctx, log, old, new).await?.ok_or_else(not_found)?;
    Ok(web::json(StatusCode::OK, &proof))
}

/// `GET /audit/export?db=eu&from=0`: the log for `medportal-audit-verify` (JSON Lines).
pub async fn export<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Response> {
    let session = medportal_auth::require(ctx, req, Action::ExportAudit).await?;
    let log = web::query_param(req, paths::audit::DB_PARAM).as_deref().and_then(Log::parse).unwrap_or(Log::Regional(session.region));
    let from = web::query_param(req, paths::audit::FROM_PARAM).map_or(Some(0), |v| v.parse::<u64>().ok());
    let from = from.ok_or_else(|| Error::bad_request("invalid_from", "from must be an entry number."))?;
    let body = trail::export(ctx, &session, web::client_address(req), log, from).await?.ok_or_else(not_found)?;
    Ok(web::bytes(StatusCode::OK, "application/x-ndjson; charset=utf-8", body.into_bytes()))
}

/// `GET /audit/checkpoints`: the latest signed checkpoint of every log (public: sizes and root
/// hashes only), each note followed by a blank line.
pub async fn checkpoints<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Response> {
    let mut out = String::new();
    for l in Log::all() {
        if let Some((_, _, note)) = log::latest_checkpoint(&Db::open(ctx, l).await?).await? {
            out.push_str(&note);
            out.push('\n');
        }
    }
    Ok(web::bytes(StatusCode::OK, "text/plain; charset=utf-8", out.into_bytes()))
}

/// `GET /audit/keys`: the published checkpoint verifier keys, one `vkey` per line.
pub async fn keys<P: Platform>(ctx: &Ctx<'_, P>) -> Result<Response> {
    let key = log::verifier_key(ctx).await?.map(|k| k.to_vkey() + "\n").unwrap_or_default();
    Ok(web::bytes(StatusCode::OK, "text/plain; charset=utf-8", key.into_bytes()))
}
