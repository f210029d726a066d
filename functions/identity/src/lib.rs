//! Identity function: sign-up with progressive profiling, passwordless sign-in by email
//! link, EdDSA session tokens, account, HCP verification (the identity issue).

mod entry;
mod events;
mod evidence;
mod form;
mod handlers;
mod model;
mod npi;
mod oidc;
mod profile;
mod rate_limit;
mod registration;
mod roles;
mod second_factor;
mod session;
mod sign_in;
mod support;
pub mod totp;
mod users;
mod verification;

use handlers::{account, admin_roles, admin_verifications, login, register, verify};
use http::{HeaderValue, StatusCode, header};
use medportal_auth::Session;
use medportal_core::common::{self, Common};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{self, Request, RequestInfo, Response};
use medportal_core::{App, Ctx, Error, Function, Platform, Region, Result, render, route_table};
use medportal_templates::pages::{self, OutboxMail};
use medportal_templates::PageContext;
use time::OffsetDateTime;

pub struct Identity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Common(Common),
    Outbox,
    RegisterForm,
    Register,
    LoginForm,
    Login,
    LoginConfirm,
    LoginVerify,
    Logout,
    Account,
    ProfileForm,
    Profile,
    VerifyForm,
    Verify,
    SecondFactorForm,
    SecondFactor,
    Evidence,
    OidcStart,
    OidcCallback,
    Queue,
    Review,
    Decide,
    EvidenceFile,
    Roles,
    RoleEdit,
    RoleSave,
}

impl App for Identity {
    type Route = Route;
    const FUNCTION: Function = Function::Identity;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let b = RoutesBuilder::new()
                .get("/dev/outbox", Route::Outbox)
                .get("/register", Route::RegisterForm)
                .post("/register", Route::Register)
                .get("/login", Route::LoginForm)
                .post("/login", Route::Login)
                .get("/login/verify", Route::LoginConfirm)
                .post("/login/verify", Route::LoginVerify)
                .post("/logout", Route::Logout)
                .get("/account", Route::Account)
                .get("/account/profile", Route::ProfileForm)
                .post("/account/profile", Route::Profile)
                .get("/verify", Route::VerifyForm)
                .post("/verify", Route::Verify)
                .get("/login/totp", Route::SecondFactorForm)
                .post("/login/totp", Route::SecondFactor)
                .post("/verify/evidence", Route::Evidence)
                .post("/verify/oidc", Route::OidcStart)
                .get(oidc::CALLBACK, Route::OidcCallback)
                .get("/admin/verifications", Route::Queue)
                .get("/admin/verifications/{id}", Route::Review)
                .post("/admin/verifications/{id}", Route::Decide)
                .get("/admin/verifications/{id}/evidence", Route::EvidenceFile)
                .get("/admin/roles", Route::Roles)
                .get("/admin/roles/{id}", Route::RoleEdit)
                .post("/admin/roles/{id}", Route::RoleSave);
            common::routes(b, Function::Identity, Route::Common).build()
        })
    }

    async fn dispatch<P: Platform>(
        ctx: &Ctx<'_, P>,
        info: &RequestInfo,
        route: Route,
        params: Params,
        req: Request,
    ) -> Result<Response> {
        match route {
            Route::Common(c) => common::dispatch(ctx, c, params, req).await,
            Route::Outbox => outbox(ctx, info).await,
            Route::RegisterForm => register::register_form(ctx, info, &req).await,
            Route::Register => register::register(ctx, info, &req).await,
            Route::LoginForm => login::login_form(ctx, info, &req).await,
            Route::Login => login::login(ctx, info, &req).await,
            Route::LoginConfirm => login::login_confirm(ctx, info, &req).await,
            Route::LoginVerify => login::login_verify(ctx, info, &req).await,
            Route::Logout => login::logout(ctx, &req).await,
            Route::Account => account::account(ctx, info, &req).await,
            Route::ProfileForm => account::profile_form(ctx, info, &req).await,
            Route::Profile => account::profile(ctx, &req).await,
            Route::VerifyForm => verify::verify_form(ctx, info, &req).await,
            Route::Verify => verify::verify(ctx, info, &req).await,
            Route::SecondFactorForm => login::second_factor_form(ctx, info, &req).await,
            Route::SecondFactor => login::second_factor_submit(ctx, info, &req).await,
            Route::Evidence => verify::upload(ctx, info, &req).await,
            Route::OidcStart => verify::oidc_start(ctx, &req).await,
            Route::OidcCallback => verify::oidc_callback(ctx, &req).await,
            Route::Queue => admin_verifications::queue(ctx, info, &req).await,
            Route::Review => admin_verifications::review(ctx, info, &req, id(&params)).await,
            Route::Decide => admin_verifications::decide(ctx, info, &req, id(&params)).await,
            Route::EvidenceFile => admin_verifications::evidence(ctx, &req, id(&params)).await,
            Route::Roles => admin_roles::list(ctx, info, &req).await,
            Route::RoleEdit => admin_roles::edit(ctx, info, &req, id(&params)).await,
            Route::RoleSave => admin_roles::save(ctx, info, &req, id(&params)).await,
        }
    }
}

/// The `{id}` path parameter (ids are short ASCII; anything else cannot exist).
fn id(params: &Params) -> &str {
    params.get("id").filter(|i| i.len() <= 64 && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).unwrap_or("-")
}

/// The layout context, with the signed-in person (if any) for the header and sign-out form.
pub(crate) fn page_ctx<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, session: Option<&Session>) -> PageContext {
    medportal_auth::page_context(ctx, info, "", session)
}

/// Adds `Set-Cookie` headers.
pub(crate) fn with_cookies(mut resp: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Dev only: every mail the portal would have sent, newest first, from every region.
async fn outbox<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo) -> Result<Response> {
    if !ctx.config.dev_mode {
        return Err(Error::NotFound);
    }
    let mut mails = Vec::new();
    for region in Region::all() {
        let db = ctx.region(region).sql().await?;
        let rows = db
            .query(
                "SELECT to_addr, subject, body_text, created_at FROM mail_outbox ORDER BY created_at DESC LIMIT 100",
                &[],
            )
            .await?;
        for row in rows {
            mails.push(OutboxMail {
                region: region.code().to_owned(),
                to: row.text(0)?,
                subject: row.text(1)?,
                text: row.text(2)?,
                sent_at: OffsetDateTime::from_unix_timestamp(row.int(3)?).map_err(Error::internal)?,
            });
        }
    }
    mails.sort_by(|a, b| b.sent_at.cmp(&a.sent_at));
    let page = render::page_context(ctx.config, info, "");
    Ok(web::html(StatusCode::OK, pages::outbox(&page, &mails)))
}

#[cfg(test)]
mod tests;
