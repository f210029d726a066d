//! `/account/admin-bootstrap`: the first administrator of a new deployment (see the bootstrap
//! module). Not found unless the operator set `admin_bootstrap_token` and no administrator exists.

use crate::bootstrap::{self, Bootstrapped};
use crate::session::signed_in;
use crate::support::html;
use crate::users;
use http::StatusCode;
use medportal_auth::require_form;
use medportal_core::policy::Action;
use medportal_core::web::{Request, RequestInfo, Response};
use medportal_core::{Ctx, Error, Platform, Result};
use medportal_templates::Msg;
use medportal_templates::pages::identity::{self as views, BootstrapView};

pub async fn form<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (session, _, cookie) = signed_in(ctx, req).await?;
    if !bootstrap::open(ctx).await? {
        return Err(Error::NotFound);
    }
    let view = BootstrapView { csrf: session.claims.csrf.clone(), ..Default::default() };
    Ok(html(StatusCode::OK, views::admin_bootstrap(&medportal_web::page_context(ctx, info, "", Some(&session)), &view), cookie))
}

pub async fn submit<P: Platform>(ctx: &Ctx<'_, P>, info: &RequestInfo, req: &Request) -> Result<Response> {
    let (form, session) = require_form(ctx, req, Action::ViewOwnAccount).await?;
    let user = users::find_active(ctx, session.region, session.user_id()).await?;
    let page = medportal_web::page_context(ctx, info, "", Some(&session));
    let mut view = BootstrapView { csrf: session.claims.csrf.clone(), ..Default::default() };
    match bootstrap::make_admin(ctx, &user, form.get("token")).await? {
        Bootstrapped::Closed => Err(Error::NotFound),
        Bootstrapped::WrongToken => {
            view.error = Some(Msg::IdentityBootstrapWrongToken);
            Ok(html(StatusCode::BAD_REQUEST, views::admin_bootstrap(&page, &view), None))
        }
        // the session is revoked (roles changed): the page says to sign in again
        Bootstrapped::Done(code, until) => {
            view.code = Some((code, until));
            Ok(html(StatusCode::OK, views::admin_bootstrap(&page, &view), Some(medportal_auth::clear_session_cookie())))
        }
    }
}
