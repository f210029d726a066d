//! Verification through an external HCP-verification provider (DocCheck-style OpenID Connect
//! authorization-code flow with PKCE): `/verify/oidc` sends the signed-in person to the
//! provider's authorize endpoint; `/verify/oidc/callback` exchanges the code at the token
//! endpoint (client secret over HTTP Basic, PKCE verifier), reads the user-data endpoint, and
//! decides: a healthcare profession in the person's registered country verifies them.
//!
//! The user-data answer is read as JSON with `sub` (the provider's stable subject), `country`
//! (ISO alpha-2) and `profession` (a code, see [`HCP_PROFESSIONS`]).

use crate::model::Method;
use crate::support::{hash_b64, random_token};
use crate::users::{self, User};
use crate::verification;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use http::header;
use medportal_core::ports::LogLevel;
use medportal_core::web;
use medportal_core::config::OidcConfig;
use medportal_core::{Ctx, Error, Platform, Region, Result};
use sha2::{Digest, Sha256};

/// The authorization round trip must finish within this time.
const STATE_SECS: i64 = 10 * 60;
pub use medportal_templates::paths::identity::VERIFY_OIDC_CALLBACK as CALLBACK;
/// Professions the provider may report that make someone a healthcare professional here.
pub const HCP_PROFESSIONS: &[&str] =
    &["physician", "pharmacist", "nurse", "nurse_practitioner", "physician_assistant", "dentist", "midwife"];

#[derive(serde::Serialize, serde::Deserialize)]
struct State {
    uid: String,
    /// PKCE code verifier.
    cv: String,
    exp: i64,
}

fn provider<'c, P: Platform>(ctx: &'c Ctx<'_, P>) -> Result<&'c OidcConfig> {
    ctx.config.oidc.as_ref().ok_or(Error::NotFound)
}

fn redirect_uri<P: Platform>(ctx: &Ctx<'_, P>) -> String {
    format!("{}{CALLBACK}", ctx.config.public_origin)
}

/// Starts the flow for the person (`region`, `user_id`): the provider's authorize address,
/// or `None` when the provider is not offered to them or they may not verify now.
pub async fn start<P: Platform>(ctx: &Ctx<'_, P>, region: Region, user_id: &str) -> Result<Option<String>> {
    let oidc = provider(ctx)?;
    let user = users::find_active(ctx, region, user_id).await?;
    let now = ctx.now().unix_timestamp();
    if !oidc.offered_for(&user.country) || !verification::may_verify(&user, now) {
        return Ok(None);
    }
    let state = random_token(ctx)?;
    let verifier = random_token(ctx)?;
    let challenge = B64.encode(Sha256::digest(verifier.as_bytes()));
    let record = State { uid: user.id.clone(), cv: verifier, exp: now + STATE_SECS };
    let kv = ctx.region(user.region).kv().await?;
    kv.put(&user.region, &format!("oidc/{}", hash_b64(state.as_bytes())), &serde_json::to_vec(&record).map_err(Error::internal)?, Some(now + STATE_SECS))
        .await?;
    let enc = web::url_encode;
    let sep = if oidc.authorize_url.contains('?') { '&' } else { '?' };
    Ok(Some(format!(
        "{}{sep}response_type=code&client_id={}&redirect_uri={}&scope={}&state={state}&code_challenge={challenge}&code_challenge_method=S256",
        oidc.authorize_url,
        enc(&oidc.client_id),
        enc(&redirect_uri(ctx)),
        enc("openid profile"),
    )))
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: String,
}

#[derive(serde::Deserialize)]
struct UserData {
    sub: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    profession: String,
}

/// Why the provider round trip produced no answer (nothing is decided then).
fn unavailable<P: Platform>(ctx: &Ctx<'_, P>, what: &str) -> Error {
    ctx.log(LogLevel::Warn, &format!("oidc: {what}"));
    Error::Upstream(format!("oidc: {what}"))
}

async fn exchange<P: Platform>(ctx: &Ctx<'_, P>, oidc: &OidcConfig, code: &str, verifier: &str) -> Result<UserData> {
    let enc = web::url_encode;
    let body = format!(
        "grant_type=authorization_code&code={}&redirect_uri={}&code_verifier={}",
        enc(code),
        enc(&redirect_uri(ctx)),
        enc(verifier)
    );
    let basic = STANDARD.encode(format!("{}:{}", enc(&oidc.client_id), enc(&oidc.client_secret)));
    let req = http::Request::post(&oidc.token_url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .body(body.into_bytes())
        .map_err(Error::internal)?;
    let resp = ctx.http_send(req).await.map_err(|_| unavailable(ctx, "token endpoint unreachable"))?;
    if !resp.status().is_success() {
        return Err(unavailable(ctx, &format!("token endpoint answered {}", resp.status().as_u16())));
    }
    let token: TokenAnswer = serde_json::from_slice(resp.body()).map_err(|_| unavailable(ctx, "token answer unreadable"))?;
    if !token.token_type.is_empty() && !token.token_type.eq_ignore_ascii_case("bearer") {
        return Err(unavailable(ctx, "token type is not bearer"));
    }
    let req = http::Request::get(&oidc.userinfo_url)
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {}", token.access_token))
        .body(Vec::new())
        .map_err(Error::internal)?;
    let resp = ctx.http_send(req).await.map_err(|_| unavailable(ctx, "user-data endpoint unreachable"))?;
    if !resp.status().is_success() {
        return Err(unavailable(ctx, &format!("user-data endpoint answered {}", resp.status().as_u16())));
    }
    let data: UserData = serde_json::from_slice(resp.body()).map_err(|_| unavailable(ctx, "user data unreadable"))?;
    if data.sub.is_empty() || data.sub.len() > 255 {
        return Err(unavailable(ctx, "user data without a subject"));
    }
    Ok(data)
}

/// How the provider round trip ended.
pub enum Finished {
    /// The person cancelled at the provider (nothing is decided).
    Cancelled,
    /// The provider answered and the request is decided.
    Decided,
}

/// The decision on the provider's answer: its reason code (`provider_confirmed` verifies).
fn assess(data: &UserData, user: &User, subject_taken: bool) -> &'static str {
    if subject_taken {
        "identity_in_use"
    } else if !HCP_PROFESSIONS.contains(&data.profession.as_str()) {
        "not_hcp"
    } else if !data.country.eq_ignore_ascii_case(&user.country) {
        "country_mismatch"
    } else {
        "provider_confirmed"
    }
}

/// Finishes the flow for the signed-in person who started it (`state`), with the provider's
/// `code` or `error`: exchanges the code, reads the user data and records the decision.
pub async fn finish<P: Platform>(ctx: &Ctx<'_, P>, user: &User, state: &str, error: bool, code: Option<String>) -> Result<Finished> {
    let oidc = provider(ctx)?;
    let kv = ctx.region(user.region).kv().await?;
    let key = format!("oidc/{}", hash_b64(state.as_bytes()));
    let now = ctx.now().unix_timestamp();
    let record = match kv.get(&key).await? {
        Some(raw) => serde_json::from_slice::<State>(&raw).ok(),
        None => None,
    };
    let Some(record) = record.filter(|r| r.exp >= now && r.uid == user.id) else {
        return Err(Error::bad_request("invalid_state", "This verification attempt is unknown or has expired. Please start again."));
    };
    // Single use, whatever happens next.
    kv.delete(&user.region, &key).await?;
    if error {
        return Ok(Finished::Cancelled);
    }
    let code = code.filter(|c| !c.is_empty() && c.len() <= 2048);
    let Some(code) = code else { return Err(Error::bad_request("invalid_code", "The provider sent no authorization code.")) };
    let data = exchange(ctx, oidc, &code, &record.cv).await?;
    // One provider identity verifies one account.
    let taken = verification::subject_in_use(ctx, user, Method::Oidc, &data.sub).await?;
    let reason = assess(&data, user, taken);
    verification::submit_provider_answer(ctx, user, &data.sub, reason == "provider_confirmed", reason).await?;
    Ok(Finished::Decided)
}
