//! `/admin/roles`: administrators assign roles to people of their region (`AssignRoles`).

use crate::roles::{self, Assigned};
use crate::support::html;
use crate::users::{self, Person};
use http::StatusCode;
use medportal_auth::Session;
use medportal_core::policy::{Action, Role};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Platform, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::{self as views, RoleUser, RolesView};

async fn admin<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Session> {
    medportal_auth::require(ctx, req, Action::AssignRoles).await
}

fn codes(roles: &[Role]) -> Vec<String> {
    roles.iter().map(|r| r.code().to_owned()).collect()
}

/// A person as the roles page shows them.
fn shown(p: Person) -> RoleUser {
    RoleUser { roles: codes(&p.roles), seen: p.stored_roles, id: p.id, name: p.name, email: p.email, active: p.active }
}

/// `GET /admin/roles?q=`: people of the administrator's region, filtered by name or email.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = admin(ctx, req).await?;
    let q = web::query_param(req, "q").unwrap_or_default().trim().to_owned();
    let (people, more) = roles::search(ctx, session.region, &q).await?;
    let people = people.into_iter().map(shown).collect();
    let saved = web::query_param(req, "saved").is_some();
    let view = RolesView { csrf: session.claims.csrf.clone(), query: q, people, more, saved, region: session.region.name().to_owned(), ..Default::default() };
    Ok(medportal_web::html(StatusCode::OK, views::admin_roles(&medportal_web::page_context(ctx, info, "", Some(&session)), &view)))
}

/// `GET /admin/roles/{id}`: the role form for one person.
pub async fn edit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let session = admin(ctx, req).await?;
    let who = shown(users::person(ctx, session.region, id).await?);
    let view = RolesView { csrf: session.claims.csrf.clone(), region: session.region.name().to_owned(), editing: Some(who), ..Default::default() };
    Ok(medportal_web::html(StatusCode::OK, views::admin_roles(&medportal_web::page_context(ctx, info, "", Some(&session)), &view)))
}

/// `POST /admin/roles/{id}`: sets the person's roles.
pub async fn save<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (form, session) = medportal_auth::require_form(ctx, req, Action::AssignRoles).await?;
    let who = users::person(ctx, session.region, id).await?;
    let chosen = roles::selection(form.all("role"))?;
    let (error, enrol_code, status) = match roles::assign(ctx, session.region, session.user_id(), &who, form.get("seen"), &chosen).await? {
        Assigned::Saved(None) => return Ok(web::redirect(&format!("{}?saved=1&q={}", views::ADMIN_ROLES, web::url_encode(&who.email)))),
        Assigned::Saved(code) => (None, code, StatusCode::OK),
        Assigned::Refused(e) => (Some(e), None, StatusCode::BAD_REQUEST),
        Assigned::Overtaken => (Some(Msg::IdentityRolesChanged), None, StatusCode::CONFLICT),
    };
    // On a conflict: the roles as they are now (named, and the new base), the choice kept.
    let current = users::person(ctx, session.region, id).await?;
    let now_held = (status == StatusCode::CONFLICT).then(|| codes(&current.roles));
    let mut editing = shown(current);
    editing.roles = codes(&chosen);
    let (csrf, region) = (session.claims.csrf.clone(), session.region.name().to_owned());
    let view = RolesView { csrf, region, editing: Some(editing), error, enrol_code, current: now_held, ..Default::default() };
    Ok(html(status, views::admin_roles(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), None))
}
