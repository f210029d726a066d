//! Identity function: sign-up with progressive profiling, passwordless sign-in by email
//! link, EdDSA session tokens, account, HCP verification (the identity issue).

mod bootstrap;
mod enrolment;
mod entry;
mod events;
mod evidence;
mod handlers;
mod links;
mod mailer;
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
mod step_up;
mod support;
pub mod totp;
mod users;
mod verification;

use handlers::{account, admin_roles, admin_verifications, login, register, verify};
use medportal_core::router::{Params, Routes, RoutesBuilder};
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{App, Config, Ctx, Error, Function, Platform, Result, route_table};
use medportal_templates::paths::identity as paths;

pub struct Identity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Development builds only (`dev` feature), like every `/dev` route.
    #[cfg(any(test, feature = "dev"))]
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
    BootstrapForm,
    Bootstrap,
    StepUpForm,
    StepUp,
}

impl App for Identity {
    type Route = Route;
    const FUNCTION: Function = Function::Identity;

    fn routes() -> &'static Routes<Route> {
        route_table!(Route, {
            let routes = RoutesBuilder::new();
            #[cfg(any(test, feature = "dev"))]
            let routes = routes.get(paths::DEV_OUTBOX, Route::Outbox);
            routes
                .get(paths::REGISTER, Route::RegisterForm)
                .post(paths::REGISTER, Route::Register)
                .get(paths::LOGIN, Route::LoginForm)
                .post(paths::LOGIN, Route::Login)
                .get(paths::LOGIN_VERIFY, Route::LoginConfirm)
                .post(paths::LOGIN_VERIFY, Route::LoginVerify)
                .post(paths::LOGOUT, Route::Logout)
                .get(paths::ACCOUNT, Route::Account)
                .get(paths::PROFILE, Route::ProfileForm)
                .post(paths::PROFILE, Route::Profile)
                .get(paths::VERIFY, Route::VerifyForm)
                .post(paths::VERIFY, Route::Verify)
                .get(paths::SECOND_FACTOR, Route::SecondFactorForm)
                .post(paths::SECOND_FACTOR, Route::SecondFactor)
                .post(paths::VERIFY_EVIDENCE, Route::Evidence)
                .post(paths::VERIFY_OIDC, Route::OidcStart)
                .get(paths::VERIFY_OIDC_CALLBACK, Route::OidcCallback)
                .get(paths::ADMIN_VERIFICATIONS, Route::Queue)
                .get(paths::ADMIN_VERIFICATION, Route::Review)
                .post(paths::ADMIN_VERIFICATION, Route::Decide)
                .get(paths::ADMIN_VERIFICATION_EVIDENCE, Route::EvidenceFile)
                .get(paths::ADMIN_ROLES, Route::Roles)
                .get(paths::ADMIN_ROLE, Route::RoleEdit)
                .post(paths::ADMIN_ROLE, Route::RoleSave)
                .get(paths::ADMIN_BOOTSTRAP, Route::BootstrapForm)
                .post(paths::ADMIN_BOOTSTRAP, Route::Bootstrap)
                .get(paths::STEP_UP, Route::StepUpForm)
                .post(paths::STEP_UP, Route::StepUp)
                .build()
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
            #[cfg(any(test, feature = "dev"))]
            Route::Outbox => handlers::outbox::list(ctx, info).await,
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
            Route::BootstrapForm => handlers::bootstrap::form(ctx, info, &req).await,
            Route::Bootstrap => handlers::bootstrap::submit(ctx, info, &req).await,
            Route::StepUpForm => handlers::step_up::form(ctx, info, &req).await,
            Route::StepUp => handlers::step_up::submit(ctx, info, &req).await,
        }
    }

    fn error_page(config: &Config, info: &RequestInfo, err: &Error) -> Response {
        medportal_web::error_page(config, info, err)
    }

    /// Mail the transport did not take is retried here too (a Workers cron trigger), not only
    /// with a region's next mail.
    async fn scheduled<P: Platform>(ctx: &Ctx<'_, P>) -> Result<()> {
        for region in medportal_core::Region::all() {
            mailer::retry_due(ctx, region).await?;
        }
        Ok(())
    }
}

/// The `{id}` path parameter (ids are short ASCII; anything else cannot exist).
fn id(params: &Params) -> &str {
    params.get("id").filter(|i| i.len() <= 64 && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')).unwrap_or("-")
}

#[cfg(test)]
mod tests;
