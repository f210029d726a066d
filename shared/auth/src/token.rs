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
use crate::json::Reader;
use jwt_compact::{Algorithm, AlgorithmExt, AlgorithmSignature, Claims, Header};
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

/// The whole header a session token may carry: `alg`, `typ`, `kid`. Any other field (`jku`,
/// `jwk`, `x5u`, `x5c`, `x5t`, `crit`, `cty`, or a name nobody knows), or one of these twice,
/// is refused.
#[derive(Debug, Default)]
struct StrictHeader {
    alg: Option<String>,
    typ: Option<String>,
    kid: Option<String>,
}

fn b64(part: &str) -> Result<Vec<u8>, Reject> {
    crate::b64::decode(part).ok_or(Reject::Malformed)
}

fn strict_header(encoded: &str) -> Result<StrictHeader, Reject> {
    let json = b64(encoded)?;
    let mut h = StrictHeader::default();
    let mut forbidden = false;
    let read = Reader::new(&json).and_then(|r| {
        r.object(|key, r| {
            let slot = match key {
                "alg" => {
                    let alg = r.string()?;
                    if h.alg.replace(alg).is_some() {
                        forbidden = true;
                    }
                    return Some(());
                }
                "typ" => &mut h.typ,
                "kid" => &mut h.kid,
                _ => {
                    forbidden = true;
                    return None;
                }
            };
            // `null` is as good as absent; a repeated field is refused.
            let value = r.opt_string()?;
            if slot.is_some() {
                forbidden = true;
            }
            *slot = value;
            Some(())
        })
    });
    match read {
        _ if forbidden => Err(Reject::ForbiddenHeader),
        Some(()) => Ok(h),
        None => Err(Reject::Malformed),
    }
}

/// The claims as signed: [`SessionClaims`] and the registered times (unix seconds).
#[derive(Default)]
struct Payload {
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    iss: Option<String>,
    aud: Option<String>,
    sub: Option<String>,
    jti: Option<String>,
    rgn: Option<String>,
    ctry: Option<String>,
    roles: Option<Vec<String>>,
    vs: Option<String>,
    name: Option<String>,
    csrf: Option<String>,
    auth_time: Option<i64>,
    mfa: Option<bool>,
}

/// Times outside 1970..=9999 are refused (a session token only ever carries the present).
const MAX_TIME: i64 = 253_402_300_799;

/// Reads the (signature-checked) claims. Every claim is required except `mfa` (false when
/// absent); claims nobody reads are skipped; a claim given twice, of the wrong type, or a time
/// outside [`MAX_TIME`] refuses the token.
fn payload(json: &[u8]) -> Option<Payload> {
    fn set<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
        if slot.is_some() {
            return None;
        }
        *slot = Some(value?);
        Some(())
    }
    let time = |r: &mut Reader<'_>| r.int().filter(|t| (0..=MAX_TIME).contains(t));
    let mut p = Payload::default();
    Reader::new(json)?.object(|key, r| match key {
        "exp" => set(&mut p.exp, time(r)),
        "nbf" => set(&mut p.nbf, time(r)),
        "iat" => set(&mut p.iat, time(r)),
        "iss" => set(&mut p.iss, r.string()),
        "aud" => set(&mut p.aud, r.string()),
        "sub" => set(&mut p.sub, r.string()),
        "jti" => set(&mut p.jti, r.string()),
        "rgn" => set(&mut p.rgn, r.string()),
        "ctry" => set(&mut p.ctry, r.string()),
        "roles" => set(&mut p.roles, r.strings()),
        "vs" => set(&mut p.vs, r.string()),
        "name" => set(&mut p.name, r.string()),
        "csrf" => set(&mut p.csrf, r.string()),
        "auth_time" => set(&mut p.auth_time, r.int()),
        "mfa" => set(&mut p.mfa, r.bool()),
        _ => r.skip(),
    })?;
    Some(p)
}

impl Payload {
    fn claims(self) -> Option<SessionClaims> {
        Some(SessionClaims {
            iss: self.iss?,
            aud: self.aud?,
            sub: self.sub?,
            jti: self.jti?,
            rgn: self.rgn?,
            ctry: self.ctry?,
            roles: self.roles?,
            vs: self.vs?,
            name: self.name?,
            csrf: self.csrf?,
            auth_time: self.auth_time?,
            mfa: self.mfa.unwrap_or(false),
        })
    }
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

/// `EdDSA` as jwt-compact sees it when it mints a token: the platform signs (its API is async,
/// jwt-compact's is not), so `sign` leaves a placeholder that [`issue`] replaces with the
/// platform's signature over the signing input jwt-compact produced. Tokens are verified by
/// [`verify`], never through jwt-compact: `verify_signature` refuses everything.
struct PlatformEdDsa;

impl Algorithm for PlatformEdDsa {
    type SigningKey = ();
    type VerifyingKey = ();
    type Signature = Sig;

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("EdDSA")
    }
    fn sign(&self, _: &(), _: &[u8]) -> Sig {
        Sig([0; 64])
    }
    fn verify_signature(&self, _: &Sig, _: &(), _: &[u8]) -> bool {
        false
    }
}

fn chrono_at(unix: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(unix, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Mints a token for `claims` at `now`: `exp` is the idle timeout, capped by the absolute one.
pub async fn issue<S: Signatures>(signatures: &S, keys: &KeySet, claims: SessionClaims, now: OffsetDateTime) -> Result<(String, i64)> {
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
    let placeholder = PlatformEdDsa.token(&header, &c, &()).map_err(Error::internal)?;
    let (signing_input, _) = placeholder.rsplit_once('.').ok_or_else(|| Error::internal("token without signature part"))?;
    let signature = signatures.ed25519_sign(&signer.seed, signing_input.as_bytes()).await?;
    let token = format!("{signing_input}.{}", crate::b64::encode(signature));
    Ok((token, exp))
}

/// Verifies signature, header and claims. Revocation is checked by [`crate::authenticate`].
///
/// The token is parsed here rather than by jwt-compact (which mints it): three base64url parts
/// (no padding), the header strict (see [`StrictHeader`]), the signature checked by the
/// platform under the key named by `kid` before a byte of the claims is read, then `exp` and
/// `nbf` (both required, with [`LEEWAY_SECS`]), `iss`, `aud`, the absolute lifetime and the
/// claims every function relies on.
pub async fn verify<S: Signatures>(signatures: &S, keys: &KeySet, token: &str, now: OffsetDateTime) -> Result<Session, Reject> {
    if token.len() < 16 || token.len() > MAX_TOKEN_LEN {
        return Err(Reject::Size);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Reject::Malformed);
    };
    let header = strict_header(header)?;
    if header.alg.as_deref() != Some("EdDSA") {
        return Err(Reject::Algorithm);
    }
    if header.typ.as_deref() != Some(TOKEN_TYPE) {
        return Err(Reject::TokenType);
    }
    let kid = header.kid.as_deref().ok_or(Reject::KeyId)?;
    let key = keys.verifier(signatures, kid).await.ok_or(Reject::KeyId)?;
    let claims = b64(claims)?;
    let signature: [u8; 64] = b64(signature)?.try_into().map_err(|_| Reject::Signature)?;
    let (signing_input, _) = token.rsplit_once('.').ok_or(Reject::Malformed)?;
    if !signatures.ed25519_verify(&key, signing_input.as_bytes(), &signature).await {
        return Err(Reject::Signature);
    }
    let p = payload(&claims).ok_or(Reject::Claims)?;
    let now_unix = now.unix_timestamp();
    let (exp, nbf, iat) = (p.exp.ok_or(Reject::Expired)?, p.nbf.ok_or(Reject::NotYetValid)?, p.iat);
    if now_unix > exp + LEEWAY_SECS {
        return Err(Reject::Expired);
    }
    if now_unix < nbf - LEEWAY_SECS {
        return Err(Reject::NotYetValid);
    }
    let c = p.claims().ok_or(Reject::Claims)?;
    if c.iss != ISSUER {
        return Err(Reject::Issuer);
    }
    if c.aud != AUDIENCE {
        return Err(Reject::Audience);
    }
    if now_unix > c.auth_time.saturating_add(ABSOLUTE_SECS + LEEWAY_SECS) {
        return Err(Reject::Expired);
    }
    let region = Region::from_code(&c.rgn).ok_or(Reject::Claims)?;
    if c.sub.is_empty() || c.jti.len() < 16 || c.csrf.len() < 16 {
        return Err(Reject::Claims);
    }
    // Staff roles count only after a second factor; without one a person acts as an HCP.
    let roles = c.roles.iter().filter_map(|r| Role::from_code(r)).filter(|r| c.mfa || !r.is_staff()).collect();
    Ok(Session { region, roles, issued_at: iat.ok_or(Reject::Claims)?, expires_at: exp, claims: c })
}

#[cfg(test)]
mod payload_tests {
    use super::*;

    /// What jwt-compact writes when it mints a token is what [`payload`] reads back.
    #[test]
    fn reads_the_claims_jwt_compact_writes() {
        let claims = SessionClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "eu-u-\"quoted\"".into(),
            jti: "0123456789abcdef".into(),
            rgn: "eu".into(),
            ctry: "DE".into(),
            roles: vec!["hcp".into(), "editor".into()],
            vs: "verified".into(),
            name: "Dr. Zoë Müller 😀\n".into(),
            csrf: "0123456789abcdef".into(),
            auth_time: 1_780_000_000,
            mfa: true,
        };
        let mut c = Claims::new(claims.clone());
        c.issued_at = Some(chrono_at(1_780_000_001));
        c.not_before = Some(chrono_at(1_780_000_002));
        c.expiration = Some(chrono_at(1_780_000_003));
        let json = serde_json::to_vec(&c).unwrap();
        let p = payload(&json).expect("reads jwt-compact's claims");
        assert_eq!((p.iat, p.nbf, p.exp), (Some(1_780_000_001), Some(1_780_000_002), Some(1_780_000_003)));
        assert_eq!(p.claims(), Some(claims));
    }

    #[test]
    fn refuses_repeated_mistyped_or_missing_claims() {
        let base = r#""iss":"i","aud":"a","sub":"s","jti":"j","rgn":"eu","ctry":"DE","roles":[],"vs":"v","name":"n","csrf":"c","auth_time":1"#;
        let ok = |extra: &str| payload(format!("{{{base}{extra}}}").as_bytes()).and_then(Payload::claims);
        assert!(ok("").is_some_and(|c| !c.mfa), "mfa defaults to false");
        assert!(ok(r#","mfa":true,"other":{"x":[1.5]}"#).is_some_and(|c| c.mfa), "unknown claims are skipped");
        for bad in [r#","sub":"t""#, r#","mfa":1"#, r#","mfa":null"#, r#","exp":1.5"#, r#","exp":-1"#, r#","exp":null"#, r#","exp":"1""#, r#","nbf":253402300800"#] {
            assert!(ok(bad).is_none(), "accepted {bad}");
        }
        let missing = payload(br#"{"iss":"i"}"#).expect("reads");
        assert!(missing.claims().is_none());
    }
}
