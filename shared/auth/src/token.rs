//! Session tokens: compact JWTs signed with EdDSA. jwt-compact builds them and validates
//! their claims; the Ed25519 signature itself is made and checked by the platform's
//! [`Signatures`] port (WebCrypto on Workers, ed25519-dalek natively and on Spin).
//!
//! Everything jwt-compact leaves to the caller is checked here: the algorithm is pinned by
//! key type (only `EdDSA`; `none`, `HS*` and anything else fail), the key comes from the
//! configured set by `kid` only (a token naming `jku`, `jwk`, `x5u`, `x5t` or `crit` is
//! refused outright), `typ`, `iss`, `aud`, `exp` and `nbf` (both required) and the absolute
//! lifetime are validated, and sizes are bounded before any parsing.

use crate::keys::KeySet;
use chrono::{DateTime, Utc};
use jwt_compact::{Algorithm, AlgorithmExt, AlgorithmSignature, Claims, Header, TimeOptions, UntrustedToken};
use medportal_core::ports::Signatures;
use std::borrow::Cow;
use std::num::NonZeroUsize;
use medportal_core::policy::{Action, Role, allows};
use medportal_core::{Error, Region, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const ISSUER: &str = "medportal-identity";
pub const AUDIENCE: &str = "medportal";
/// The `typ` header of session tokens (explicit typing, RFC 8725 §3.11).
pub const TOKEN_TYPE: &str = "session+jwt";
/// A token expires this long after it was (re-)issued without activity.
pub const IDLE_SECS: i64 = 30 * 60;
/// No session lives longer than this after sign-in, however active.
pub const ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: i64 = 30;
/// Tokens longer than this are refused unparsed.
pub const MAX_TOKEN_LEN: usize = 2048;

/// The claims of a session token (besides `exp`, `nbf`, `iat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    /// Session id: stays the same when a token is refreshed, so revoking it ends the session.
    pub jti: String,
    /// Home region of the person.
    pub rgn: String,
    /// Country of practice (ISO 3166-1 alpha-2, upper case): the market whose content the
    /// person may see.
    pub ctry: String,
    pub roles: Vec<String>,
    /// Verification status: unverified, pending, verified, rejected.
    pub vs: String,
    pub name: String,
    /// The session's CSRF secret (forms echo it; the token itself is HttpOnly).
    pub csrf: String,
    /// Sign-in time (unix seconds): bounds the absolute lifetime.
    pub auth_time: i64,
    /// A second factor was used at sign-in.
    #[serde(default)]
    pub mfa: bool,
}

/// A verified session.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub claims: SessionClaims,
    pub region: Region,
    pub roles: Vec<Role>,
    pub issued_at: i64,
    pub expires_at: i64,
}

impl Session {
    pub fn user_id(&self) -> &str {
        &self.claims.sub
    }
    pub fn verified(&self) -> bool {
        self.claims.vs == "verified"
    }
    /// Whether the session may perform `action`. What only a staff role grants also needs a
    /// session opened with a second factor (`mfa`): a staff account signed in with the email
    /// link alone has the rights of its HCP role, if any.
    pub fn may(&self, action: Action) -> bool {
        if !allows(&self.roles, self.verified(), action) {
            return false;
        }
        if self.claims.mfa {
            return true;
        }
        let hcp_roles: Vec<Role> = self.roles.iter().copied().filter(|r| !r.is_staff()).collect();
        allows(&hcp_roles, self.verified(), action)
    }
    /// The person's country of practice (ISO alpha-2), i.e. their content market.
    pub fn country(&self) -> &str {
        &self.claims.ctry
    }
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }
}

/// Why a token was refused (for tests and logs; clients only ever see "not signed in").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    Size,
    Malformed,
    Algorithm,
    KeyId,
    ForbiddenHeader,
    TokenType,
    Signature,
    Expired,
    NotYetValid,
    Issuer,
    Audience,
    Claims,
    Revoked,
}

/// The whole header a session token may carry. Any other field (`jku`, `jwk`, `x5u`, `x5c`,
/// `x5t`, `crit`, or a name nobody knows) is refused before jwt-compact sees the token:
/// jwt-compact ignores header fields it does not use, we refuse them. (Decoding into this
/// closed struct also replaced a flattened catch-all map that cost ~15 KB of wasm.)
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictHeader {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    #[serde(default)]
    kid: Option<String>,
}

fn strict_header(token: &str) -> Result<StrictHeader, Reject> {
    use base64::Engine as _;
    let (encoded, _) = token.split_once('.').ok_or(Reject::Malformed)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).map_err(|_| Reject::Malformed)?;
    serde_json::from_slice(&json).map_err(|e| if e.is_data() { Reject::ForbiddenHeader } else { Reject::Malformed })
}

/// An Ed25519 signature's 64 bytes.
struct Sig([u8; 64]);

impl AlgorithmSignature for Sig {
    const LENGTH: Option<NonZeroUsize> = NonZeroUsize::new(64);
    fn try_from_slice(slice: &[u8]) -> anyhow::Result<Self> {
        slice.try_into().map(Sig).map_err(|_| anyhow::anyhow!("an Ed25519 signature is 64 bytes"))
    }
    fn as_bytes(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.0)
    }
}

/// `EdDSA` as jwt-compact sees it, with the cryptography done beforehand by the platform
/// (whose API is async, which jwt-compact's is not):
/// * issuing: `sign` leaves a placeholder that [`issue`] replaces with the platform's
///   signature over the signing input jwt-compact produced;
/// * validating: `verify_signature` answers true only for the exact signing input and
///   signature the platform already verified under the key chosen by `kid`.
struct PlatformEdDsa<'a> {
    verified: Option<(&'a [u8], &'a [u8; 64])>,
}

impl Algorithm for PlatformEdDsa<'_> {
    type SigningKey = ();
    type VerifyingKey = ();
    type Signature = Sig;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("EdDSA")
    }
    fn sign(&self, _: &(), _: &[u8]) -> Sig {
        Sig([0; 64])
    }
    fn verify_signature(&self, signature: &Sig, _: &(), message: &[u8]) -> bool {
        self.verified.is_some_and(|(m, s)| m == message && s == &signature.0)
    }
}

fn chrono_at(unix: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Mints a token for `claims` at `now`: `exp` is the idle timeout, capped by the absolute one.
pub async fn issue<S: Signatures>(signatures: &S, keys: &KeySet, claims: SessionClaims, now: OffsetDateTime) -> Result<(String, i64)> {
    use base64::Engine as _;
    let signer = keys.signer.as_ref().ok_or_else(|| Error::internal("no session signing key configured"))?;
    let now = now.unix_timestamp();
    let exp = (now + IDLE_SECS).min(claims.auth_time + ABSOLUTE_SECS);
    if exp <= now {
        return Err(Error::Unauthenticated);
    }
    let mut c = Claims::new(claims);
    c.issued_at = Some(chrono_at(now));
    c.not_before = Some(chrono_at(now));
    c.expiration = Some(chrono_at(exp));
    let header = Header::empty().with_key_id(signer.kid.clone()).with_token_type(TOKEN_TYPE);
    let placeholder = PlatformEdDsa { verified: None }.token(&header, &c, &()).map_err(Error::internal)?;
    let (signing_input, _) = placeholder.rsplit_once('.').ok_or_else(|| Error::internal("token without signature part"))?;
    let signature = signatures.ed25519_sign(&signer.seed, signing_input.as_bytes()).await?;
    let token = format!("{signing_input}.{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature));
    Ok((token, exp))
}

/// Verifies signature, header and claims. Revocation is checked by [`crate::authenticate`].
pub async fn verify<S: Signatures>(signatures: &S, keys: &KeySet, token: &str, now: OffsetDateTime) -> Result<Session, Reject> {
    if token.len() < 16 || token.len() > MAX_TOKEN_LEN {
        return Err(Reject::Size);
    }
    let header = strict_header(token)?;
    if header.alg != "EdDSA" {
        return Err(Reject::Algorithm);
    }
    if header.typ.as_deref() != Some(TOKEN_TYPE) {
        return Err(Reject::TokenType);
    }
    let kid = header.kid.as_deref().ok_or(Reject::KeyId)?;
    let key = keys.verifier(signatures, kid).await.ok_or(Reject::KeyId)?;
    let untrusted = UntrustedToken::<jwt_compact::Empty>::try_from(token).map_err(|_| Reject::Malformed)?;
    // jwt-compact read the same header bytes; the algorithm it validates under must agree.
    if untrusted.algorithm() != "EdDSA" || untrusted.header().key_id.as_deref() != Some(kid) {
        return Err(Reject::Malformed);
    }
    let signature = untrusted.signature_bytes();
    let signature: &[u8; 64] = signature.try_into().map_err(|_| Reject::Signature)?;
    let (signing_input, _) = token.rsplit_once('.').ok_or(Reject::Malformed)?;
    if !signatures.ed25519_verify(&key, signing_input.as_bytes(), signature).await {
        return Err(Reject::Signature);
    }
    let alg = PlatformEdDsa { verified: Some((signing_input.as_bytes(), signature)) };
    let token = alg.validator::<SessionClaims>(&()).validate(&untrusted).map_err(|_| Reject::Signature)?;
    let claims = token.claims();
    let now_unix = now.unix_timestamp();
    let opts = TimeOptions::new(chrono::Duration::seconds(LEEWAY_SECS), move || chrono_at(now_unix));
    claims.validate_expiration(&opts).map_err(|_| Reject::Expired)?;
    claims.validate_maturity(&opts).map_err(|_| Reject::NotYetValid)?;
    let c = &claims.custom;
    if c.iss != ISSUER {
        return Err(Reject::Issuer);
    }
    if c.aud != AUDIENCE {
        return Err(Reject::Audience);
    }
    if now_unix > c.auth_time + ABSOLUTE_SECS + LEEWAY_SECS {
        return Err(Reject::Expired);
    }
    let region = Region::from_code(&c.rgn).ok_or(Reject::Claims)?;
    if c.sub.is_empty() || c.jti.len() < 16 || c.csrf.len() < 16 {
        return Err(Reject::Claims);
    }
    // Staff roles count only after a second factor; without one a person acts as an HCP.
    let roles = c.roles.iter().filter_map(|r| Role::from_code(r)).filter(|r| c.mfa || !r.is_staff()).collect();
    let ts = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp());
    Ok(Session {
        region,
        roles,
        issued_at: ts(claims.issued_at).ok_or(Reject::Claims)?,
        expires_at: ts(claims.expiration).ok_or(Reject::Claims)?,
        claims: c.clone(),
    })
}

#[cfg(test)]
mod platform_eddsa_tests {
    use super::*;

    /// jwt-compact's validation through [`PlatformEdDsa`] accepts exactly the signing input and
    /// signature the platform verified: nothing else, and nothing when nothing was verified.
    #[test]
    fn only_the_verified_input_and_signature_pass() {
        use base64::Engine as _;
        let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
        let sig = [5u8; 64];
        let header = b64(br#"{"alg":"EdDSA","typ":"session+jwt","kid":"k1"}"#);
        let token = |payload: &str| format!("{header}.{}.{}", b64(payload.as_bytes()), b64(&sig));
        let good = token(r#"{"exp":2000000000,"nbf":1}"#);
        let other = token(r#"{"exp":2000000001,"nbf":1}"#);
        let input = |t: &str| t.rsplit_once('.').unwrap().0.as_bytes().to_vec();
        let (good_input, other_input) = (input(&good), input(&other));
        let validate = |alg: &PlatformEdDsa<'_>, t: &str| {
            let untrusted = UntrustedToken::<jwt_compact::Empty>::try_from(t).unwrap();
            alg.validator::<serde_json::Value>(&()).validate(&untrusted).is_ok()
        };
        let verified = PlatformEdDsa { verified: Some((&good_input, &sig)) };
        assert!(validate(&verified, &good));
        assert!(!validate(&verified, &other), "a different signing input");
        let other_sig = [6u8; 64];
        assert!(!validate(&PlatformEdDsa { verified: Some((&good_input, &other_sig)) }, &good), "a different signature");
        assert!(!validate(&PlatformEdDsa { verified: Some((&other_input, &sig)) }, &good));
        assert!(!validate(&PlatformEdDsa { verified: None }, &good), "nothing verified");
    }
}
