//! The staff workspaces' handlers: authorise, read a typed form, call one use case, render or
//! redirect. `/author` (list, create), `/author/{id}` (save a version, submit, publish,
//! withdraw), `/review` (queue), `/review/{id}` (diff against the last approved version,
//! record, send back, sign with a step-up assertion), `/governance`.

use http::StatusCode;
use medportal_auth::{Session, csrf};
use medportal_core::policy::Action;
use medportal_core::upload;
use medportal_core::web::{self, Form, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::pages::files::{FileRow, FilesPanel};
use medportal_templates::pages::placements::{PlacementForm, PlacementRow, SeriesPanel};
use medportal_templates::pages::staff::{self as views, DraftForm, ReviewLine, StaffRow};
use medportal_templates::paths::{content as paths, identity as id_paths};
use time::OffsetDateTime;

use crate::files;
use crate::indexing;
use crate::item::{self, Item, NewItem};
use crate::library::signature_view;
use crate::model::{ContentType, Decision, Discipline, Market, Meaning, State, join_markets};
use crate::publication;
use crate::series::{self, Placement};
use crate::signature;
use crate::version::{self, Draft, Product, Reference, Taxonomy, Version};
use crate::workflow;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn row<P: Platform>(ctx: &Ctx<'_, P>, it: &Item, v: &Version, href: String) -> StaffRow {
    StaffRow {
        href,
        slug: it.slug.clone(),
        title: v.draft.title.clone(),
        state: it.state.code().to_owned(),
        version: v.number,
        days_waiting: (ctx.now().unix_timestamp() - it.state_since).max(0) / 86_400,
        expires_on: v.draft.expires_on.clone(),
    }
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The draft fields of a form (validated by the version module when saved).
fn draft_of(f: &Form) -> Result<Draft> {
    let references = f
        .get("references")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (label, id) = l.rsplit_once('|').map_or((l, ""), |(a, b)| (a, b.trim()));
            let (doi, pmid) = if id.starts_with("10.") { (opt(id), None) } else { (None, opt(id)) };
            Reference { label: label.trim().to_owned(), doi, pmid }
        })
        .collect();
    let markets = f.get("markets").split(',').filter(|m| !m.trim().is_empty()).map(Market::parse).collect::<Option<Vec<_>>>();
    let product = (opt(f.get("brand")).is_some() || opt(f.get("generic")).is_some()).then(|| Product { brand: opt(f.get("brand")), generic: opt(f.get("generic")) });
    Ok(Draft {
        title: f.trimmed("title").to_owned(),
        summary: f.trimmed("summary").to_owned(),
        body: f.get("body").replace("\r\n", "\n"),
        references,
        taxonomy: Taxonomy { area: f.trimmed("area").to_owned(), product, audience: f.trimmed("audience").to_owned(), ..Default::default() },
        markets: markets.ok_or_else(|| Error::bad_request("invalid_markets", "Markets are country codes or INTL."))?,
        reviewed_on: opt(f.get("reviewed_on")),
        expires_on: opt(f.get("expires_on")),
    })
}

/// The fields as submitted (shown again, with the problem, when a save is refused).
fn submitted(f: &Form) -> DraftForm {
    let g = |n: &str| f.get(n).to_owned();
    DraftForm {
        slug: g("slug"),
        family: g("family"),
        language: g("language"),
        content_type: g("type"),
        title: g("title"),
        summary: g("summary"),
        body: g("body"),
        area: g("area"),
        audience: g("audience"),
        markets: g("markets"),
        reviewed_on: g("reviewed_on"),
        expires_on: g("expires_on"),
        references: g("references"),
        brand: g("brand"),
        generic: g("generic"),
        base: g("base"),
        reason: g("reason"),
    }
}

/// A refused form's problem (a 400's message), or the error itself.
fn problem(e: Error) -> Result<String> {
    match e {
        Error::BadRequest { message, .. } => Ok(message),
        other => Err(other),
    }
}

fn form_of(it: &Item, v: &Version) -> DraftForm {
    let d = &v.draft;
    let p = d.taxonomy.product.clone().unwrap_or_default();
    DraftForm {
        slug: it.slug.clone(),
        family: it.family_id.clone(),
        language: it.language.clone(),
        content_type: it.content_type.code().to_owned(),
        title: d.title.clone(),
        summary: d.summary.clone(),
        body: d.body.clone(),
        area: d.taxonomy.area.clone(),
        audience: d.taxonomy.audience.clone(),
        markets: join_markets(&d.markets),
        reviewed_on: d.reviewed_on.clone().unwrap_or_default(),
        expires_on: d.expires_on.clone().unwrap_or_default(),
        references: d.references.iter().map(|r| format!("{} | {}", r.label, r.doi.as_deref().or(r.pmid.as_deref()).unwrap_or(""))).collect::<Vec<_>>().join("\n"),
        brand: p.brand.unwrap_or_default(),
        generic: p.generic.unwrap_or_default(),
        base: v.id.clone(),
        reason: String::new(),
    }
}

/// An item and its head version, or 404.
async fn load<P: Platform>(ctx: &Ctx<'_, P>, id: &str) -> Result<(Item, Version)> {
    let db = ctx.global_sql().await?;
    let it = item::find(&db, id).await?.ok_or(Error::NotFound)?;
    let head = version::find(&db, it.head_version.as_deref().unwrap_or("")).await?.ok_or(Error::NotFound)?;
    Ok((it, head))
}

fn page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, s: &Session) -> medportal_templates::PageContext {
    medportal_web::page_context(ctx, info, "", Some(s))
}

async fn rows<P: Platform>(ctx: &Ctx<'_, P>, state: Option<State>, href: fn(&str) -> String) -> Result<Vec<StaffRow>> {
    let all = item::with_heads(&ctx.global_sql().await?, state).await?;
    Ok(all.iter().map(|(it, v)| row(ctx, it, v, href(&it.id))).collect())
}

pub async fn author_list<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::AuthorContent).await?;
    indexing::drain_quietly(ctx, req).await;
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let view = views::AuthorListView { csrf, rows: rows(ctx, None, paths::author_item).await?, ..Default::default() };
    Ok(medportal_web::html(StatusCode::OK, views::author_list(&page(ctx, info, &s), &view)))
}

/// Creates a draft; a refused one comes back as the form with its values and the problem.
pub async fn author_create<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let slug = f.trimmed("slug").to_owned();
    let family = opt(f.get("family")).unwrap_or_else(|| slug.clone());
    let created = async {
        let new = NewItem { family, slug, language: f.trimmed("language").to_owned(), content_type: ContentType::submitted(f.get("type"))?, featured: false };
        item::create(ctx, s.user_id(), &new, draft_of(&f)?, "initial version").await
    };
    match created.await {
        Ok(id) => Ok(web::redirect(&paths::author_item(&id))),
        Err(e) => {
            let view = views::AuthorListView { csrf: f.get("csrf").to_owned(), rows: rows(ctx, None, paths::author_item).await?, form: submitted(&f), error: Some(problem(e)?) };
            Ok(medportal_web::html(StatusCode::BAD_REQUEST, views::author_list(&page(ctx, info, &s), &view)))
        }
    }
}

/// The item's workspace: everyone who governs content sees it (publishers and withdrawers
/// act from here); the edit form and submit button are for authors.
pub async fn author_item<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewGovernance).await?;
    author_page(ctx, info, &s, id, None).await
}

/// The item's files: the list (with their scan state) and, on drafts, the upload form.
async fn files_panel<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, it: &Item, head: i64, error: Option<String>) -> Result<FilesPanel> {
    let stored = files::of_item(&ctx.global_sql().await?, &it.id).await?;
    let rows = stored
        .iter()
        .map(|f| FileRow {
            name: f.name.clone(),
            status: f.status.code().to_owned(),
            size_kb: (f.size + 1023) / 1024,
            version: f.version,
            href: (f.status == files::Status::Clean).then(|| paths::file(&f.id)),
            removable: (it.state == State::Draft && f.version == head && s.may(Action::AuthorContent)).then(|| f.id.clone()),
            rescannable: (f.status == files::Status::Pending && may_rescan(s)).then(|| f.id.clone()),
        })
        .collect();
    let (action, remove_action, rescan_action) = (paths::author_files(&it.id), paths::author_files_remove(&it.id), paths::author_files_rescan(&it.id));
    Ok(FilesPanel { csrf: s.claims.csrf.clone(), action, remove_action, rescan_action, files: rows, limit_kb: upload::limit(ctx.config) / 1024, can_attach: it.state == State::Draft && s.may(Action::AuthorContent), error, no_scanner: !files::configured(ctx) })
}

/// A refused change on an item's page: the submitted values and the problem.
enum Refusal {
    /// An edit: the form as submitted and the problem's text.
    Draft(DraftForm, String),
    /// An upload: the error code.
    File(String),
    /// A series placement: the form as submitted and the error code.
    Series(PlacementForm, String),
    /// An edit based on a version someone else's save replaced meanwhile: the form as
    /// submitted, shown again on the new head (a 409).
    Overtaken(DraftForm),
}

/// Authors and reviewers may ask for a pending file to be scanned again.
fn may_rescan(s: &Session) -> bool {
    s.may(Action::AuthorContent) || s.may(Action::ReviewContent)
}

/// The item's series panel: its placements and, for authors, the placement form.
async fn series_panel<P: Platform>(ctx: &Ctx<'_, P>, s: &Session, it: &Item, refused: Option<(PlacementForm, String)>) -> Result<SeriesPanel> {
    let db = ctx.global_sql().await?;
    let titles = series::titles(&db).await?;
    let title = |id: &str| series::title_in(&titles, id, &it.language).unwrap_or(id).to_owned();
    let placements = series::of_item(&db, &it.id).await?.into_iter().map(|(id, position)| PlacementRow { title: title(&id), series: id, position }).collect();
    let mut known: Vec<(String, String)> = titles.iter().map(|(id, _, _)| (id.clone(), title(id))).collect();
    known.sort();
    known.dedup();
    let (form, error) = refused.map_or((PlacementForm::default(), None), |(f, e)| (f, Some(e)));
    let (action, remove_action) = (paths::author_series(&it.id), paths::author_series_remove(&it.id));
    Ok(SeriesPanel { csrf: s.claims.csrf.clone(), action, remove_action, placements, known, can_place: s.may(Action::AuthorContent), form, error })
}

/// The item page, with a refused change's values and problem when there is one.
async fn author_page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, s: &Session, id: &str, refusal: Option<Refusal>) -> Result<Response> {
    let (it, head) = load(ctx, id).await?;
    let db = ctx.global_sql().await?;
    let history = version::history(&db, &it.id).await?;
    let status = match refusal {
        Some(Refusal::Overtaken(_)) => StatusCode::CONFLICT,
        Some(_) => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let (mut refused, mut file_error, mut series_error) = (None, None, None);
    match refusal {
        Some(Refusal::Draft(f, e)) => refused = Some((f, e)),
        Some(Refusal::Overtaken(f)) => {
            let text = medportal_templates::tf(info.locale, medportal_templates::Msg::AuthorOvertaken, &[("n", &head.number.to_string())]);
            refused = Some((DraftForm { base: head.id.clone(), ..f }, text));
        }
        Some(Refusal::File(code)) => file_error = Some(code),
        Some(Refusal::Series(f, code)) => series_error = Some((f, code)),
        None => {}
    }
    let (form, error) = refused.map_or_else(|| (form_of(&it, &head), None), |(f, e)| (f, Some(e)));
    let view = views::AuthorItemView {
        csrf: s.claims.csrf.clone(),
        id: it.id.clone(),
        slug: it.slug.clone(),
        state: it.state.code().to_owned(),
        version: head.number,
        sha256: head.sha256.clone(),
        form,
        can_edit: s.may(Action::AuthorContent),
        can_submit: s.may(Action::AuthorContent)
            && (matches!(it.state, State::Draft) || (matches!(it.state, State::Published | State::Expired) && it.head_version != it.published_version)),
        can_publish: it.state == State::Approved && s.may(Action::PublishContent),
        can_withdraw: it.state != State::Withdrawn && s.may(Action::WithdrawContent),
        reviews: review_lines(&workflow::reviews(&db, &it.id).await?, &history),
        signatures: signature::of_item(&db, &it.id).await?.iter().filter(|g| g.version_id == head.id).map(signature_view).collect(),
        withdraw_reason: it.withdraw_reason.clone(),
        error,
        files: files_panel(ctx, s, &it, head.number, file_error).await?,
        series: series_panel(ctx, s, &it, series_error).await?,
    };
    Ok(medportal_web::html(status, views::author_item(&page(ctx, info, s), &view)))
}

/// Saves a new version; a refused one comes back as the item page with the values and the
/// problem.
pub async fn author_save<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let (it, _) = load(ctx, id).await?;
    let saved = async { item::save(ctx, s.user_id(), &it, f.get("base"), draft_of(&f)?, f.trimmed("reason")).await };
    match saved.await {
        Ok(_) => Ok(web::redirect(&paths::author_item(id))),
        Err(Error::Conflict { code: item::OVERTAKEN }) => author_page(ctx, info, &s, id, Some(Refusal::Overtaken(submitted(&f)))).await,
        Err(e) => author_page(ctx, info, &s, id, Some(Refusal::Draft(submitted(&f), problem(e)?))).await,
    }
}

/// Attaches the uploaded file (multipart, field `file`) to a draft; a refused one (type, size,
/// scan) comes back as the item page with the problem.
pub async fn author_attach<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let parts = web::multipart(req)?;
    let session = medportal_auth::authenticate(ctx, req).await?;
    csrf::check(ctx.config, req, &web::multipart_fields(&parts)?, session.as_ref())?;
    let s = session.ok_or(Error::Unauthenticated)?;
    if !s.may(Action::AuthorContent) {
        return Err(Error::Forbidden { code: "not_permitted" });
    }
    let (it, _) = load(ctx, id).await?;
    let part = parts.iter().find(|p| p.name == "file" && p.filename.is_some());
    let (name, data) = part.map_or(("", &[][..]), |p| (p.filename.as_deref().unwrap_or(""), p.data.as_slice()));
    match files::attach(ctx, s.user_id(), &it, name, data, &files::scanner(ctx)).await {
        Ok(_) => Ok(web::redirect(&paths::author_item(id))),
        Err(Error::BadRequest { code, .. }) => author_page(ctx, info, &s, id, Some(Refusal::File(code.to_owned()))).await,
        Err(e) => Err(e),
    }
}

/// Removes a file (form field `file`) from the draft; back to the item.
pub async fn author_remove_file<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let (it, head) = load(ctx, id).await?;
    files::remove(ctx, s.user_id(), &it, head.number, f.trimmed("file")).await?;
    Ok(web::redirect(&paths::author_item(id)))
}

/// Scans a pending file (form field `file`) again, for authors and reviewers; back to the item.
pub async fn author_rescan<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::ViewGovernance).await?;
    if !may_rescan(&s) {
        return Err(Error::Forbidden { code: "not_permitted" });
    }
    let (it, _) = load(ctx, id).await?;
    files::rescan(ctx, s.user_id(), &it, f.trimmed("file"), &files::scanner(ctx)).await?;
    Ok(web::redirect(&paths::author_item(id)))
}

/// Places the item in a series or moves it there; a refused placement comes back as the item
/// page with the values and the problem.
pub async fn author_series<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let (it, _) = load(ctx, id).await?;
    let form = PlacementForm { series: f.trimmed("series").to_owned(), title: f.trimmed("series_title").to_owned(), position: f.trimmed("position").to_owned() };
    let p = Placement { id: form.series.clone(), title: form.title.clone(), position: form.position.parse().unwrap_or(0) };
    match series::place(ctx, s.user_id(), &it.id, &it.language, &p).await {
        Ok(()) => Ok(web::redirect(&paths::author_item(id))),
        Err(Error::BadRequest { code, .. }) => author_page(ctx, info, &s, id, Some(Refusal::Series(form, code.to_owned()))).await,
        Err(e) => Err(e),
    }
}

/// Takes the item out of a series (form field `series`); back to the item.
pub async fn author_series_remove<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let (it, _) = load(ctx, id).await?;
    series::remove(ctx, s.user_id(), &it.id, f.trimmed("series")).await?;
    Ok(web::redirect(&paths::author_item(id)))
}

pub async fn author_submit<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (_, s) = medportal_auth::require_form(ctx, req, Action::AuthorContent).await?;
    let (it, _) = load(ctx, id).await?;
    workflow::submit(ctx, s.user_id(), &it).await?;
    Ok(web::redirect(&paths::author_item(id)))
}

pub async fn author_publish<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (_, s) = medportal_auth::require_form(ctx, req, Action::PublishContent).await?;
    let (it, head) = load(ctx, id).await?;
    publication::publish(ctx, s.user_id(), &it, &head).await?;
    indexing::drain_quietly(ctx, req).await;
    Ok(web::redirect(&paths::author_item(id)))
}

pub async fn author_withdraw<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::WithdrawContent).await?;
    let (it, _) = load(ctx, id).await?;
    publication::withdraw(ctx, s.user_id(), &it, f.get("reason")).await?;
    indexing::drain_quietly(ctx, req).await;
    Ok(web::redirect(&paths::author_item(id)))
}

fn review_lines(reviews: &[workflow::Review], history: &[Version]) -> Vec<ReviewLine> {
    reviews
        .iter()
        .map(|r| ReviewLine {
            version: history.iter().find(|v| v.id == r.version_id).map_or(0, |v| v.number),
            discipline: r.discipline.code().to_owned(),
            decision: r.decision.code().to_owned(),
            reviewer: r.reviewer.clone(),
            comment: r.comment.clone(),
            at: at(r.at),
        })
        .collect()
}

/// Expired items are swept (and their withdrawals queued) before the queue is shown.
pub async fn review_queue<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ReviewContent).await?;
    publication::expire_due(ctx).await?;
    indexing::drain_quietly(ctx, req).await;
    let view = views::ReviewQueueView { in_review: rows(ctx, Some(State::InReview), paths::review_item).await?, expired: rows(ctx, Some(State::Expired), paths::author_item).await? };
    Ok(medportal_web::html(StatusCode::OK, views::review_queue(&page(ctx, info, &s), &view)))
}

pub async fn review_page<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ReviewContent).await?;
    let (it, head) = load(ctx, id).await?;
    let db = ctx.global_sql().await?;
    let history = version::history(&db, &it.id).await?;
    let sigs = signature::of_item(&db, &it.id).await?;
    // The last approved version before the head: the newest one all three disciplines signed.
    let approved = history.iter().filter(|v| v.number < head.number).find(|v| sigs.iter().filter(|g| g.version_id == v.id).count() >= 3);
    let signed: Vec<&str> = sigs.iter().filter(|g| g.version_id == head.id).map(|g| g.discipline.code()).collect();
    let ret = paths::review_sign(&it.id);
    let link = |d: Discipline| {
        let purpose = signature::purpose(&head.sha256, Meaning::Approval, d);
        (d.code().to_owned(), format!("{}?purpose={}&return={}", id_paths::STEP_UP, web::url_encode(&purpose), web::url_encode(&ret)))
    };
    let (csrf, _) = csrf::form_token(ctx, req, Some(&s))?;
    let view = views::ReviewPageView {
        csrf,
        id: it.id.clone(),
        title: head.draft.title.clone(),
        state: it.state.code().to_owned(),
        version: head.number,
        sha256: head.sha256.clone(),
        diff_from: approved.map(|v| v.number),
        diff: crate::diff::lines(&approved.map(version::lines).unwrap_or_default(), &version::lines(&head)),
        reviews: review_lines(&workflow::reviews(&db, &it.id).await?, &history),
        signatures: sigs.iter().filter(|g| g.version_id == head.id).map(signature_view).collect(),
        sign_links: Discipline::ALL.iter().filter(|d| !signed.contains(&d.code())).map(|d| link(*d)).collect(),
        in_review: it.state == State::InReview,
    };
    Ok(medportal_web::html(StatusCode::OK, views::review_page(&page(ctx, info, &s), &view)))
}

pub async fn review_send_back<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::ReviewContent).await?;
    let (it, _) = load(ctx, id).await?;
    workflow::send_back(ctx, s.user_id(), &it, Discipline::submitted(f.get("discipline"))?, Decision::submitted(f.get("decision"))?, f.get("comment")).await?;
    Ok(web::redirect(&paths::review_item(id)))
}

pub async fn review_sign<P: Platform>(ctx: &Ctx<'_, P>, req: &Request, id: &str) -> Result<Response> {
    let (f, s) = medportal_auth::require_form(ctx, req, Action::ReviewContent).await?;
    let (it, head) = load(ctx, id).await?;
    signature::sign_with_assertion(ctx, &s, &it, &head, f.get(medportal_auth::step_up::FIELD), f.get("comment")).await?;
    Ok(web::redirect(&paths::review_item(id)))
}

pub async fn governance<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let s = medportal_auth::require(ctx, req, Action::ViewGovernance).await?;
    publication::expire_due(ctx).await?;
    indexing::drain_quietly(ctx, req).await;
    let all = rows(ctx, None, paths::author_item).await?;
    let soon = {
        let d = ctx.now().date() + time::Duration::days(30);
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    };
    let counts = State::ALL.iter().map(|st| (st.code().to_owned(), all.iter().filter(|r| r.state == st.code()).count() as u32)).collect();
    let expiring = all.iter().filter(|r| r.state == "published" && r.expires_on.as_deref().is_some_and(|e| e <= soon.as_str())).cloned().collect();
    let view = views::GovernanceView { counts, rows: all, expiring };
    Ok(medportal_web::html(StatusCode::OK, views::governance(&page(ctx, info, &s), &view)))
}
