//! Forged-token suite: every kind of forged, expired or tampered token is refused.
use super::*;
use crate::token::{ABSOLUTE_SECS, IDLE_SECS, LEEWAY_SECS, Reject, TOKEN_TYPE};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jwt_compact::alg::{Hs256, Hs256Key};
use jwt_compact::{AlgorithmExt, Claims, Header};
use medportal_core::Config;
use medportal_core::ports::{Signatures, dalek};
use medportal_core::policy::Role;
use proptest::prelude::*;
use time::OffsetDateTime;

const SEED_A: [u8; 32] = [7; 32];
const SEED_B: [u8; 32] = [9; 32];

fn config(keys: &str) -> Config {
    Config::from_lookup(|k| match k {
        "public_origin" => Some("https://portal.example.com".into()),
        "session_keys" => Some(keys.into()),
        _ => None,
    })
    .unwrap()
}

/// The native hosts' Ed25519 (the Workers host's WebCrypto one is covered by the contract
/// suite, which signs in and reads protected pages on workerd).
use medportal_core::ports::dalek::Dalek;

fn issue(keys: &KeySet, claims: SessionClaims, now: OffsetDateTime) -> medportal_core::Result<(String, i64)> {
    pollster::block_on(token::issue(&Dalek, keys, claims, now))
}

fn verify(keys: &KeySet, token: &str, now: OffsetDateTime) -> Result<Session, Reject> {
    pollster::block_on(token::verify(&Dalek, keys, token, now))
}

fn keys() -> KeySet {
    KeySet::from_config(&config(&KeySet::format_signing_entry("k1", &SEED_A))).unwrap()
}
fn other_keys() -> KeySet {
    KeySet::from_config(&config(&KeySet::format_signing_entry("k1", &SEED_B))).unwrap()
}

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap()
}

fn claims() -> SessionClaims {
    SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: "eu-u-hcp-01".into(),
        jti: "0123456789abcdefghjkmnpqrs".into(),
        rgn: "eu".into(),
        ctry: "DE".into(),
        roles: vec!["hcp".into()],
        vs: "verified".into(),
        name: "Dr. Anna Müller".into(),
        csrf: "csrf-secret-0123456789".into(),
        auth_time: now().unix_timestamp(),
        mfa: false,
    }
}

fn good() -> String {
    issue(&keys(), claims(), now()).unwrap().0
}

fn parts(t: &str) -> (String, String, String) {
    let mut it = t.split('.');
    (it.next().unwrap().into(), it.next().unwrap().into(), it.next().unwrap().into())
}

fn json_part(v: serde_json::Value) -> String {
    B64.encode(serde_json::to_vec(&v).unwrap())
}

fn payload_json(t: &str) -> serde_json::Value {
    serde_json::from_slice(&B64.decode(parts(t).1).unwrap()).unwrap()
}

fn header_json(t: &str) -> serde_json::Value {
    serde_json::from_slice(&B64.decode(parts(t).0).unwrap()).unwrap()
}

/// Re-signs a header+payload with the real key (to isolate one header/claim check).
fn resign(header: serde_json::Value, payload: serde_json::Value) -> String {
    let msg = format!("{}.{}", json_part(header), json_part(payload));
    let sig = dalek::sign(&SEED_A, msg.as_bytes());
    format!("{msg}.{}", B64.encode(sig))
}

#[test]
fn a_good_token_verifies_with_all_claims() {
    let s = verify(&keys(), &good(), now()).unwrap();
    assert_eq!(s.user_id(), "eu-u-hcp-01");
    assert_eq!(s.region.code(), "eu");
    assert_eq!(s.roles, vec![Role::Hcp]);
    assert!(s.verified());
    assert_eq!(s.expires_at, now().unix_timestamp() + IDLE_SECS);
    assert_eq!(header_json(&good())["typ"], TOKEN_TYPE);
    assert_eq!(header_json(&good())["kid"], "k1");
}

#[test]
fn forged_tokens_are_all_refused() {
    let k = keys();
    let t = good();
    let (h, p, s) = parts(&t);
    let hdr = header_json(&t);
    let pl = payload_json(&t);
    let mut forged: Vec<(&str, String)> = Vec::new();
    // alg none / None, with and without a signature
    for alg in ["none", "None", "NONE", "nOnE"] {
        let mut hh = hdr.clone();
        hh["alg"] = alg.into();
        forged.push(("alg none", format!("{}.{p}.", json_part(hh.clone()))));
        forged.push(("alg none+sig", format!("{}.{p}.{s}", json_part(hh))));
    }
    // wrong key (same kid)
    forged.push(("wrong key", issue(&other_keys(), claims(), now()).unwrap().0));
    // HS256 signed with the public key bytes as the HMAC secret (key confusion)
    let public = dalek::public(&SEED_A);
    for secret in [public.to_vec(), B64.encode(public).into_bytes(), SEED_A.to_vec()] {
        let mut c = Claims::new(claims());
        c.expiration = Some(chrono::DateTime::from_timestamp(now().unix_timestamp() + 600, 0).unwrap());
        c.not_before = Some(chrono::DateTime::from_timestamp(now().unix_timestamp(), 0).unwrap());
        let header = Header::empty().with_key_id("k1").with_token_type(TOKEN_TYPE);
        forged.push(("hs256 confusion", Hs256.token(&header, &c, &Hs256Key::new(&secret)).unwrap()));
    }
    // expired beyond leeway; nbf in the future; absolute lifetime exceeded
    let mut pp = pl.clone();
    pp["exp"] = (now().unix_timestamp() - LEEWAY_SECS - 1).into();
    forged.push(("expired", resign(hdr.clone(), pp)));
    let mut pp = pl.clone();
    pp["nbf"] = (now().unix_timestamp() + LEEWAY_SECS + 5).into();
    forged.push(("nbf future", resign(hdr.clone(), pp)));
    let mut pp = pl.clone();
    pp["auth_time"] = (now().unix_timestamp() - ABSOLUTE_SECS - LEEWAY_SECS - 1).into();
    forged.push(("absolute timeout", resign(hdr.clone(), pp)));
    for claim in ["exp", "nbf"] {
        let mut pp = pl.clone();
        pp.as_object_mut().unwrap().remove(claim);
        forged.push(("missing time claim", resign(hdr.clone(), pp)));
    }
    // wrong aud / iss / typ, missing typ
    for (field, value) in [("aud", "other-app"), ("iss", "evil"), ("rgn", "mars")] {
        let mut pp = pl.clone();
        pp[field] = value.into();
        forged.push(("wrong claim", resign(hdr.clone(), pp)));
    }
    for typ in [Some("JWT"), Some("at+jwt"), None] {
        let mut hh = hdr.clone();
        match typ {
            Some(v) => hh["typ"] = v.into(),
            None => {
                hh.as_object_mut().unwrap().remove("typ");
            }
        }
        forged.push(("typ", resign(hh, pl.clone())));
    }
    // injected jwk / jku / x5u / crit / unknown kid / missing kid
    let pubkey = B64.encode(dalek::public(&SEED_B));
    for (field, value) in [
        ("jwk", serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": pubkey})),
        ("jku", "https://evil.example/keys.json".into()),
        ("x5u", "https://evil.example/cert.pem".into()),
        ("crit", serde_json::json!(["exp"])),
        ("kid", "k2".into()),
        ("kid", "../../etc/passwd".into()),
        ("kid", serde_json::Value::Null),
    ] {
        let mut hh = hdr.clone();
        hh[field] = value;
        forged.push(("header injection", resign(hh, pl.clone())));
    }
    let mut hh = hdr.clone();
    hh.as_object_mut().unwrap().remove("kid");
    forged.push(("no kid", resign(hh, pl.clone())));
    // a header field given twice (the second `alg` would win in a lenient parser); `cty`
    let dup = format!("{{\"alg\":\"EdDSA\",\"typ\":\"{TOKEN_TYPE}\",\"kid\":\"k1\",\"alg\":\"EdDSA\"}}");
    let msg = format!("{}.{p}", B64.encode(dup));
    let repeated = format!("{msg}.{}", B64.encode(dalek::sign(&SEED_A, msg.as_bytes())));
    assert_eq!(verify(&k, &repeated, now()).unwrap_err(), Reject::ForbiddenHeader);
    let mut hh = hdr.clone();
    hh["cty"] = "JWT".into();
    assert_eq!(verify(&k, &resign(hh, pl.clone()), now()).unwrap_err(), Reject::ForbiddenHeader);
    // claims: a fractional or far-future time, no iat, a claim given twice, not an object
    for (claim, value) in [("exp", serde_json::json!(2.0e9)), ("exp", serde_json::json!(1e300)), ("exp", serde_json::json!(i64::MAX))] {
        let mut pp = pl.clone();
        pp[claim] = value;
        assert_eq!(verify(&k, &resign(hdr.clone(), pp), now()).unwrap_err(), Reject::Claims);
    }
    let mut pp = pl.clone();
    pp.as_object_mut().unwrap().remove("iat");
    assert_eq!(verify(&k, &resign(hdr.clone(), pp), now()).unwrap_err(), Reject::Claims);
    let body = serde_json::to_string(&pl).unwrap();
    let twice = format!("{},\"sub\":\"eu-u-admin\"}}", body.trim_end_matches('}'));
    let msg = format!("{h}.{}", B64.encode(twice));
    assert_eq!(verify(&k, &format!("{msg}.{}", B64.encode(dalek::sign(&SEED_A, msg.as_bytes()))), now()).unwrap_err(), Reject::Claims);
    let msg = format!("{h}.{}", B64.encode("[1]"));
    assert_eq!(verify(&k, &format!("{msg}.{}", B64.encode(dalek::sign(&SEED_A, msg.as_bytes()))), now()).unwrap_err(), Reject::Claims);
    // and the untouched claims re-signed the same way do verify (the checks above are not vacuous)
    assert!(verify(&k, &resign(hdr.clone(), pl.clone()), now()).is_ok());
    // tampered header / payload / signature
    let mut pp = pl.clone();
    pp["roles"] = serde_json::json!(["admin"]);
    forged.push(("tampered payload", format!("{h}.{}.{s}", json_part(pp))));
    let mut hh = hdr.clone();
    hh["kid"] = "k1 ".into();
    forged.push(("tampered header", format!("{}.{p}.{s}", json_part(hh))));
    let mut sig = B64.decode(&s).unwrap();
    sig[0] ^= 1;
    forged.push(("tampered signature", format!("{h}.{p}.{}", B64.encode(&sig))));
    forged.push(("empty signature", format!("{h}.{p}.")));
    forged.push(("short signature", format!("{h}.{p}.{}", &s[..20])));
    // truncated and oversized
    for cut in [1, 10, t.len() / 2, t.len() - 1] {
        forged.push(("truncated", t[..cut].to_owned()));
    }
    forged.push(("oversized", format!("{t}{}", "A".repeat(4096))));
    let mut pp = pl.clone();
    pp["name"] = "x".repeat(3000).into();
    forged.push(("oversized claims", resign(hdr.clone(), pp)));
    forged.push(("two parts", format!("{h}.{p}")));
    forged.push(("four parts", format!("{t}.{s}")));
    forged.push(("garbage", "not a token at all, not even close".into()));

    for (what, tok) in &forged {
        assert!(verify(&k, tok, now()).is_err(), "{what} accepted: {tok}");
    }
    assert!(forged.len() > 40);
}

#[test]
fn key_rotation_by_kid() {
    let a = KeySet::format_signing_entry("k1", &SEED_A);
    let b = KeySet::format_signing_entry("k2", &SEED_B);
    let old = KeySet::from_config(&config(&a)).unwrap();
    let rotated = KeySet::from_config(&config(&format!("{b},{a}"))).unwrap();
    let t_old = issue(&old, claims(), now()).unwrap().0;
    let t_new = issue(&rotated, claims(), now()).unwrap().0;
    assert_eq!(header_json(&t_new)["kid"], "k2");
    assert!(verify(&rotated, &t_old, now()).is_ok(), "old kid still verifies during rotation");
    assert!(verify(&old, &t_new, now()).is_err(), "unknown kid refused");
    // verification-only functions: public keys only, no signing, no CSRF key
    let public = Config::from_lookup(|k| match k {
        "public_origin" => Some("https://portal.example.com".into()),
        "session_public_keys" => Some(pollster::block_on(rotated.public_keys(&Dalek)).unwrap()),
        _ => None,
    })
    .unwrap();
    let verifier = KeySet::from_config(&public).unwrap();
    assert!(!verifier.can_sign());
    assert!(verify(&verifier, &t_new, now()).is_ok());
    assert!(issue(&verifier, claims(), now()).is_err());
}

#[test]
fn no_keys_outside_dev_mode_fails_closed() {
    let prod = Config::from_lookup(|k| (k == "public_origin").then(|| "https://portal.example.com".into())).unwrap();
    let set = KeySet::from_config(&prod).unwrap();
    assert!(!set.can_sign());
    assert!(verify(&set, &good(), now()).is_err());
    assert!(KeySet::from_config(&config("k1:short")).is_err());
    assert!(KeySet::from_config(&config("nokid")).is_err());
}

#[test]
fn idle_timeout_never_extends_past_absolute() {
    let mut c = claims();
    c.auth_time = now().unix_timestamp() - ABSOLUTE_SECS + 60;
    let (_, exp) = issue(&keys(), c.clone(), now()).unwrap();
    assert_eq!(exp, c.auth_time + ABSOLUTE_SECS);
    c.auth_time = now().unix_timestamp() - ABSOLUTE_SECS;
    assert!(issue(&keys(), c, now()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Any single bit flip anywhere in a valid token is refused.
    #[test]
    fn bit_flips_are_refused(pos in 0usize..10_000, bit in 0u8..8) {
        let t = good();
        let mut bytes = t.clone().into_bytes();
        let i = pos % bytes.len();
        bytes[i] ^= 1 << bit;
        if let Ok(s) = String::from_utf8(bytes) {
            // base64url has trailing bits that some decoders ignore: a flip that decodes to
            // the very same bytes is the same token, not a forgery
            let same = s.split('.').map(|p| B64.decode(p).ok()).collect::<Vec<_>>()
                == t.split('.').map(|p| B64.decode(p).ok()).collect::<Vec<_>>();
            prop_assert!(same || verify(&keys(), &s, now()).is_err(), "bit flip accepted at {}", i);
        }
    }

    /// Random strings never verify and never panic.
    #[test]
    fn random_input_is_refused(s in "\\PC{0,300}") {
        prop_assert!(verify(&keys(), &s, now()).is_err());
    }
}

#[test]
fn csrf_origin_checks() {
    let cfg = config(&KeySet::format_signing_entry("k1", &SEED_A));
    let req = |h: &[(&str, &str)]| {
        let mut b = http::Request::builder().method("POST").uri("/logout");
        for (k, v) in h {
            b = b.header(*k, *v);
        }
        b.body(Vec::new()).unwrap()
    };
    assert!(csrf::check_origin(&cfg, &req(&[])).is_ok());
    assert!(csrf::check_origin(&cfg, &req(&[("origin", "https://portal.example.com"), ("sec-fetch-site", "same-origin")])).is_ok());
    assert!(csrf::check_origin(&cfg, &req(&[("origin", "https://evil.example")])).is_err());
    assert!(csrf::check_origin(&cfg, &req(&[("origin", "https://portal.example.com.evil.example")])).is_err());
    assert!(csrf::check_origin(&cfg, &req(&[("sec-fetch-site", "cross-site")])).is_err());
    assert!(csrf::check_origin(&cfg, &req(&[("sec-fetch-site", "same-site")])).is_err());
    assert!(csrf::check_origin(&cfg, &req(&[("origin", "null")])).is_err());
    // no token, wrong token
    let s = verify(&keys(), &good(), now()).unwrap();
    let form = |v: &str| medportal_core::web::Form::new(vec![("csrf".to_owned(), v.to_owned())]);
    assert!(csrf::check(&cfg, &req(&[]), &Default::default(), Some(&s)).is_err());
    assert!(csrf::check(&cfg, &req(&[]), &form("csrf-secret-0123456788"), Some(&s)).is_err());
    assert!(csrf::check(&cfg, &req(&[]), &form("csrf-secret-0123456789"), Some(&s)).is_ok());
    assert!(csrf::check(&cfg, &req(&[]), &form("csrf-secret-0123456789"), None).is_err());
}

#[test]
fn a_pre_session_csrf_pair_is_refused_once_signed_in() {
    let cfg = config(&KeySet::format_signing_entry("k1", &SEED_A));
    let key_set = KeySet::cached(&cfg).unwrap();
    let cookie = "c".repeat(43);
    let anon = csrf::anon_mac(&key_set, &cookie).unwrap();
    let req = http::Request::builder()
        .method("POST")
        .uri("/account/profile")
        .header("cookie", format!("{}={cookie}", csrf::CSRF_COOKIE))
        .body(Vec::new())
        .unwrap();
    let form = |v: &str| medportal_core::web::Form::new(vec![("csrf".to_owned(), v.to_owned())]);
    // before sign-in the pair is the token
    assert!(csrf::check(&cfg, &req, &form(&anon), None).is_ok());
    // with a session only the session's token counts, the pair no longer does
    let s = verify(&keys(), &good(), now()).unwrap();
    assert!(matches!(csrf::check(&cfg, &req, &form(&anon), Some(&s)), Err(medportal_core::Error::Csrf)));
    assert!(csrf::check(&cfg, &req, &form("csrf-secret-0123456789"), Some(&s)).is_ok());
}

#[test]
fn staff_rights_need_the_second_factor() {
    use medportal_core::policy::Action;
    let mut c = claims();
    c.roles = vec!["hcp".into(), "verifier".into()];
    let (tok, _) = issue(&keys(), c.clone(), now()).unwrap();
    let s = verify(&keys(), &tok, now()).unwrap();
    assert!(!s.may(Action::DecideVerification), "staff action without a second factor");
    assert!(s.may(Action::ReadHcpContent), "the HCP role still applies");
    c.mfa = true;
    let (tok, _) = issue(&keys(), c, now()).unwrap();
    let s = verify(&keys(), &tok, now()).unwrap();
    assert!(s.may(Action::DecideVerification));
    assert!(!s.may(Action::AssignRoles), "the second factor adds no role");
}

/// A signing key's public half is derived by the platform once per key set, then remembered.
#[test]
fn public_halves_are_derived_once() {
    use std::cell::Cell;
    struct Counting(Cell<u32>);
    impl Signatures for Counting {
        async fn ed25519_public(&self, seed: &[u8; 32]) -> medportal_core::Result<[u8; 32]> {
            self.0.set(self.0.get() + 1);
            Ok(dalek::public(seed))
        }
        async fn ed25519_sign(&self, seed: &[u8; 32], message: &[u8]) -> medportal_core::Result<[u8; 64]> {
            Ok(dalek::sign(seed, message))
        }
        async fn ed25519_verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
            dalek::verify(public, message, signature)
        }
    }
    let platform = Counting(Cell::new(0));
    let k = keys();
    let t = good();
    for _ in 0..3 {
        assert!(pollster::block_on(token::verify(&platform, &k, &t, now())).is_ok());
    }
    assert_eq!(platform.0.get(), 1);
    // a listed public key is used as given: nothing to derive
    let listed = KeySet::from_config(
        &Config::from_lookup(|key| match key {
            "public_origin" => Some("https://portal.example.com".into()),
            "session_public_keys" => Some(format!("k1:{}", B64.encode(dalek::public(&SEED_A)))),
            _ => None,
        })
        .unwrap(),
    )
    .unwrap();
    let platform = Counting(Cell::new(0));
    assert!(pollster::block_on(token::verify(&platform, &listed, &t, now())).is_ok());
    assert_eq!(platform.0.get(), 0);
}
