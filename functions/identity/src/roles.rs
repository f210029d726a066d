//! `/admin/roles`: administrators assign roles to people of their region. Every change is
//! audited and ends the person's sessions, so new rights (and the staff second factor) apply
//! at their next sign-in.

use crate::flows::html;
use crate::page_ctx;
use http::StatusCode;
use medportal_auth::Session;
use medportal_core::audit::{AuditEntry, Outcome};
use medportal_core::policy::{Action, Role};
use medportal_core::ports::{Row, Statement};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::{self as views, RoleUser, RolesView};

const PAGE: usize = 50;
const MAX_QUERY: usize = 100;

async fn admin<P: Platform>(ctx: &Ctx<'_, P>, req: &Request) -> Result<Session> {
    medportal_auth::require(ctx, req, Action::AssignRoles).await
}

fn user_of(r: &Row) -> Result<RoleUser> {
    let roles = Role::parse_list(&r.text(3)?).iter().map(|r| r.code().to_owned()).collect();
    Ok(RoleUser { id: r.text(0)?, name: r.text(1)?, email: r.text(2)?, roles, active: r.text(4)? == "active" })
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `GET /admin/roles?q=`: people of the administrator's region, filtered by name or email.
pub async fn list<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let session = admin(ctx, req).await?;
    let q = web::query_param(req, "q").unwrap_or_default().trim().to_owned();
    if q.chars().count() > MAX_QUERY {
        return Err(Error::bad_request("query_too_long", "Search terms are at most 100 characters."));
    }
    let db = ctx.region(session.region).sql().await?;
    let rows = db
        .query(
            &format!(
                "SELECT id, display_name, email, roles, status FROM users \
                 WHERE ?1 = '' OR lower(email) LIKE ?2 ESCAPE '\\' OR lower(display_name) LIKE ?2 ESCAPE '\\' \
                 ORDER BY email LIMIT {}",
                PAGE + 1
            ),
            &[q.as_str().into(), like_pattern(&q.to_lowercase()).into()],
        )
        .await?;
    let mut people = rows.iter().map(user_of).collect::<Result<Vec<_>>>()?;
    let more = people.len() > PAGE;
    people.truncate(PAGE);
    let saved = web::query_param(req, "saved").is_some();
    let view = RolesView { csrf: session.claims.csrf.clone(), query: q, people, more, saved, region: session.region.name().to_owned(), error: None, editing: None };
    Ok(web::html(StatusCode::OK, views::admin_roles(&page_ctx(ctx, info, Some(&session)), &view)))
}

async fn person<P: Platform>(ctx: &Ctx<'_, P>, session: &Session, id: &str) -> Result<RoleUser> {
    let db = ctx.region(session.region).sql().await?;
    let rows = db.query("SELECT id, display_name, email, roles, status FROM users WHERE id = ?1", &[id.into()]).await?;
    rows.first().map(user_of).transpose()?.ok_or(Error::NotFound)
}

/// `GET /admin/roles/{id}`: the role form for one person.
pub async fn edit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let session = admin(ctx, req).await?;
    let who = person(ctx, &session, id).await?;
    let view = RolesView { csrf: session.claims.csrf.clone(), region: session.region.name().to_owned(), editing: Some(who), ..Default::default() };
    Ok(web::html(StatusCode::OK, views::admin_roles(&page_ctx(ctx, info, Some(&session)), &view)))
}

/// `POST /admin/roles/{id}`: sets the person's roles.
pub async fn save<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request, id: &str) -> Result<Response> {
    let (form, session) = medportal_auth::require_form(ctx, req, Action::AssignRoles).await?;
    let who = person(ctx, &session, id).await?;
    let mut roles = Vec::new();
    for (k, v) in &form {
        if k == "role" {
            roles.push(Role::from_code(v).ok_or_else(|| Error::bad_request("invalid_role", "Unknown role."))?);
        }
    }
    roles.sort();
    roles.dedup();
    let error = if roles.is_empty() {
        Some(Msg::IdentityRolesNone)
    } else if who.id == session.user_id() && !roles.contains(&Role::Admin) {
        Some(Msg::IdentityRolesOwnAdmin)
    } else {
        None
    };
    if let Some(e) = error {
        let mut editing = who;
        editing.roles = roles.iter().map(|r| r.code().to_owned()).collect();
        let view = RolesView { csrf: session.claims.csrf.clone(), region: session.region.name().to_owned(), editing: Some(editing), error: Some(e), ..Default::default() };
        return Ok(html(StatusCode::BAD_REQUEST, views::admin_roles(&page_ctx(ctx, info, Some(&session)), &view), None));
    }
    let after = roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
    let before = who.roles.join(",");
    if before != after {
        let now = ctx.now().unix_timestamp();
        let change = format!("{before} -> {after}");
        let entry = AuditEntry { actor: session.user_id(), action: "role.changed", target: Some(&who.id), outcome: Outcome::Success, reason: Some(&change) };
        let stmts = [
            Statement::new("UPDATE users SET roles = ?1 WHERE id = ?2", vec![after.as_str().into(), who.id.as_str().into()]),
            entry.statement(ctx.random_id()?, now),
        ];
        ctx.region(session.region).sql().await?.batch(&session.region, &stmts).await?;
        // Sessions carry roles: end them so the change applies at the next sign-in.
        medportal_auth::revoke_user(ctx, session.region, &who.id).await?;
        let revoked = AuditEntry { actor: session.user_id(), action: "session.revoked", target: Some(&who.id), outcome: Outcome::Success, reason: Some("roles_changed") };
        ctx.region(session.region).sql().await?.batch(&session.region, &[revoked.statement(ctx.random_id()?, now)]).await?;
    }
    Ok(web::redirect(&format!("{}?saved=1&q={}", views::ADMIN_ROLES, web::url_encode(&who.email))))
}
