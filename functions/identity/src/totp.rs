//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA-1, 6 digits, 30 s):
//! the second factor of staff accounts, compatible with common authenticator apps.

use hmac::{Hmac, Mac};
use medportal_core::security::ct_eq;
use sha1::Sha1;

pub const STEP_SECS: i64 = 30;
pub const DIGITS: u32 = 6;
/// Accepted clock drift, in steps either side.
pub const DRIFT_STEPS: i64 = 1;
/// Secret length in bytes (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    medportal_core::platform::base32_with(data, B32)
}

/// Decodes base32 (case-insensitive; spaces, hyphens and padding ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let v = B32.iter().position(|&b| b as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The HOTP value of `secret` at `counter`.
pub fn hotp(secret: &[u8], counter: u64) -> u32 {
    // HMAC accepts keys of any length; an empty result never matches a 6-digit code.
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else { return u32::MAX };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = (u32::from(h[off] & 0x7f) << 24) | (u32::from(h[off + 1]) << 16) | (u32::from(h[off + 2]) << 8) | u32::from(h[off + 3]);
    bin % 10u32.pow(DIGITS)
}

/// The time step of a unix time.
pub fn step_of(unix: i64) -> i64 {
    unix.div_euclid(STEP_SECS)
}

/// Checks a submitted code against the steps around `now`, never accepting a step at or
/// before `last_step` (replay). Returns the matched step. Compares in constant time.
pub fn check(secret: &[u8], code: &str, now: i64, last_step: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_of(now);
    let mut found = None;
    for step in current - DRIFT_STEPS..=current + DRIFT_STEPS {
        if step < 0 || last_step.is_some_and(|l| step <= l) {
            continue;
        }
        let want = format!("{:0width$}", hotp(secret, step as u64), width = DIGITS as usize);
        // (u32::MAX renders as 10 digits and so never matches)
        if ct_eq(want.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// `otpauth://` URI for authenticator apps.
pub fn otpauth_uri(issuer: &str, account: &str, secret_b32: &str) -> String {
    let enc = medportal_core::web::url_encode;
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B (SHA-1 seed), last 6 of the 8 published digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"), (2_000_000_000, "279037"), (20_000_000_000, "353130")] {
            assert_eq!(format!("{:06}", hotp(secret, step_of(t) as u64)), code, "t={t}");
            assert_eq!(check(secret, code, t, None), Some(step_of(t)));
        }
    }

    #[test]
    fn drift_replay_and_garbage() {
        let secret = b"12345678901234567890";
        let t = 1_111_111_109;
        let code = format!("{:06}", hotp(secret, step_of(t) as u64));
        assert!(check(secret, &code, t + 30, None).is_some(), "one step late");
        assert!(check(secret, &code, t + 90, None).is_none(), "three steps late");
        assert!(check(secret, &code, t, Some(step_of(t))).is_none(), "replayed");
        for bad in ["", "12345", "1234567", "abcdef", "28708２"] {
            assert!(check(secret, bad, t, None).is_none(), "{bad}");
        }
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(base32_encode(b"Hello!\xde\xad\xbe\xef"), "JBSWY3DPEHPK3PXP");
        assert_eq!(base32_decode("jbsw y3dp-ehpk3pxp").unwrap(), b"Hello!\xde\xad\xbe\xef");
        assert!(base32_decode("not base32!").is_none());
        let s: Vec<u8> = (0..20).collect();
        assert_eq!(base32_decode(&base32_encode(&s)).unwrap(), s);
    }
}
