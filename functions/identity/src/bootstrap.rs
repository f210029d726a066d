//! The first administrator of a new deployment. Roles are given by administrators (role
//! administration), so a fresh portal has nobody to give the first one: while no administrator
//! exists in any region and the operator has set the secret `admin_bootstrap_token`, a signed-in
//! person who enters that token becomes an administrator. Audited (`role.bootstrapped`, and every
//! refused attempt), their sessions end (roles live in the session), and a one-time enrolment
//! code for their authenticator is issued (administrators are staff: second factor required).
//! Once an administrator exists, it is closed for good, token or not.

use crate::enrolment;
use crate::events;
use crate::users::{self, User};
use medportal_core::policy::Role;
use medportal_core::security::ct_eq;
use medportal_core::{Ctx, Platform, Region, Result};
use time::OffsetDateTime;

/// Whether the bootstrap is open: a token is configured and nobody is an administrator yet.
pub async fn open<P: Platform>(ctx: &Ctx<'_, P>) -> Result<bool> {
    if ctx.config.admin_bootstrap_token.is_none() {
        return Ok(false);
    }
    for region in Region::all() {
        let db = ctx.region(region).sql().await?;
        let admins = db.query("SELECT 1 FROM users WHERE (',' || roles || ',') LIKE '%,admin,%' LIMIT 1", &[]).await?;
        if !admins.is_empty() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The outcome of a bootstrap attempt.
pub enum Bootstrapped {
    /// Closed (no token, or an administrator exists).
    Closed,
    /// Wrong token (audited).
    WrongToken,
    /// `user` is an administrator now: the enrolment code and until when it is valid.
    Done(String, OffsetDateTime),
}

/// Makes `user` the first administrator if `token` is the configured one and none exists yet.
pub async fn make_admin<P: Platform>(ctx: &Ctx<'_, P>, user: &User, token: &str) -> Result<Bootstrapped> {
    if !open(ctx).await? {
        return Ok(Bootstrapped::Closed);
    }
    let expected = ctx.config.admin_bootstrap_token.as_deref().unwrap_or_default();
    if !ct_eq(token.trim().as_bytes(), expected.as_bytes()) {
        let entry = events::failure(&user.id, "role.bootstrapped", &user.id, Some("wrong_token"));
        events::commit(ctx, user.region, Vec::new(), &[entry]).await?;
        return Ok(Bootstrapped::WrongToken);
    }
    let mut roles = user.roles.clone();
    roles.push(Role::Admin);
    roles.sort();
    roles.dedup();
    let entry = events::success(&user.id, "role.bootstrapped", &user.id, Some("first_administrator"));
    events::commit(ctx, user.region, vec![users::set_roles(&user.id, &roles)], &[entry]).await?;
    medportal_auth::revoke_user(ctx, user.region, &user.id).await?;
    let (code, until) = enrolment::issue(ctx, user.region, &user.id, &user.id).await?;
    Ok(Bootstrapped::Done(code, until))
}
