//! Step-up assertions: identity's proof that a signed-in person just re-authenticated with
//! their second factor for one purpose (e.g. `sign:<version sha256>:approval:medical`).
//! Short-lived (at most [`MAX_LIFETIME_SECS`]), bound to the person and the purpose, signed
//! with the session signing key (Ed25519, under its own domain-separation prefix, so neither
//! a session token nor anything else signed with that key can pass as one), verified by any
//! function with the session public keys. Single use is the consumer's: it stores the
//! assertion's id under a unique constraint with what it authorised.
//!
//! Format: `v1.<kid>.<base64url(payload)>.<base64url(signature)>`, the payload being the
//! lines `id`, `sub`, `rgn`, `name`, `purpose`, `exp` (no field may contain a line break).

use crate::b64;
use medportal_core::ports::Signatures;
use medportal_core::{Error, Result};

use crate::keys::KeySet;

/// No assertion lives longer than this.
pub const MAX_LIFETIME_SECS: i64 = 5 * 60;
/// The form field (and cookie-free transport) carrying an assertion.
pub const FIELD: &str = "assertion";
const DOMAIN: &[u8] = b"medportal step-up assertion v1\0";
const MAX_LEN: usize = 2048;

/// What identity asserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// Random, unique: the consumer stores it once.
    pub id: String,
    /// The person (user id) and their home region.
    pub sub: String,
    pub rgn: String,
    /// Their printed name at the time (for signature records).
    pub name: String,
    pub purpose: String,
    /// Expiry, unix seconds.
    pub exp: i64,
}

fn signing_input(kid: &str, payload: &[u8]) -> Vec<u8> {
    let mut m = DOMAIN.to_vec();
    m.extend_from_slice(kid.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(payload);
    m
}

/// Signs `a` with the session signing key (identity only).
pub async fn issue<S: Signatures>(signatures: &S, keys: &KeySet, a: &Assertion) -> Result<String> {
    let signer = keys.signer.as_ref().ok_or_else(|| Error::internal("no session signing key configured"))?;
    let fields = [&a.id, &a.sub, &a.rgn, &a.name, &a.purpose];
    if fields.iter().any(|f| f.contains(['\n', '\r'])) {
        return Err(Error::internal("step-up field with a line break"));
    }
    let payload = format!("{}\n{}\n{}\n{}\n{}\n{}", a.id, a.sub, a.rgn, a.name, a.purpose, a.exp);
    let sig = signatures.ed25519_sign(&signer.seed, &signing_input(&signer.kid, payload.as_bytes())).await?;
    Ok(format!("v1.{}.{}.{}", signer.kid, b64::encode(payload), b64::encode(sig)))
}

/// Verifies an assertion's signature and lifetime at `now`; `None` for anything else
/// (malformed, unknown key, forged, expired, or claiming a lifetime over the maximum).
pub async fn verify<S: Signatures>(signatures: &S, keys: &KeySet, token: &str, now: i64) -> Option<Assertion> {
    if token.len() > MAX_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (v, kid, payload, sig) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if v != "v1" || parts.next().is_some() {
        return None;
    }
    let payload = b64::decode(payload)?;
    let sig: [u8; 64] = b64::decode(sig)?.try_into().ok()?;
    let key = keys.verifier(signatures, kid).await?;
    if !signatures.ed25519_verify(&key, &signing_input(kid, &payload), &sig).await {
        return None;
    }
    let text = String::from_utf8(payload).ok()?;
    let f: Vec<&str> = text.split('\n').collect();
    let [id, sub, rgn, name, purpose, exp] = f.as_slice() else { return None };
    let exp: i64 = exp.parse().ok()?;
    // Expired, or a lifetime longer than identity ever issues: refused.
    if now > exp || exp - now > MAX_LIFETIME_SECS + 30 || id.len() < 16 || sub.is_empty() {
        return None;
    }
    Some(Assertion { id: (*id).into(), sub: (*sub).into(), rgn: (*rgn).into(), name: (*name).into(), purpose: (*purpose).into(), exp })
}

#[cfg(test)]
mod tests {
    use super::*;
    use medportal_core::Config;
    use medportal_core::ports::dalek::Dalek;

    fn sample(exp: i64) -> Assertion {
        Assertion { id: "0123456789abcdefgh".into(), sub: "eu-u-mlr-01".into(), rgn: "eu".into(), name: "Jan de Vries".into(), purpose: "sign:ab:approval:medical".into(), exp }
    }

    #[test]
    fn issued_assertions_verify_once_in_their_lifetime_and_forgeries_never() {
        let keys = KeySet::from_config(&Config::dev()).unwrap();
        let sig = Dalek;
        let now = 1_800_000_000;
        let t = pollster::block_on(issue(&sig, &keys, &sample(now + 300))).unwrap();
        assert_eq!(pollster::block_on(verify(&sig, &keys, &t, now)), Some(sample(now + 300)));
        assert_eq!(pollster::block_on(verify(&sig, &keys, &t, now + 301)), None, "expired");
        let long = pollster::block_on(issue(&sig, &keys, &sample(now + 3600))).unwrap();
        assert_eq!(pollster::block_on(verify(&sig, &keys, &long, now)), None, "too long a lifetime");
        // another purpose in the payload, same signature: refused
        let (head, _) = t.rsplit_once('.').unwrap();
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        let payload = String::from_utf8(b64::decode(&parts[2]).unwrap()).unwrap().replace("medical", "legal");
        parts[2] = b64::encode(payload);
        assert_eq!(pollster::block_on(verify(&sig, &keys, &parts.join("."), now)), None, "tampered purpose");
        assert_eq!(pollster::block_on(verify(&sig, &keys, head, now)), None);
        assert_eq!(pollster::block_on(verify(&sig, &keys, "v1.dev.x.y", now)), None);
        let mut bad = sample(now + 300);
        bad.name = "a\nb".into();
        assert!(pollster::block_on(issue(&sig, &keys, &bad)).is_err());
    }
}
