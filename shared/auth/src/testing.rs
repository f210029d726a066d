//! Sessions and step-up assertions minted for host route tests (feature `testing`, which
//! functions enable in their dev-dependencies only: never in a Worker or Spin component).
//! Signed with the test host's dev keys at its clock, exactly as identity issues them; every
//! session carries the CSRF secret `TestHost::post_form` sends.

use medportal_core::ports::{Clock, Signatures};
use medportal_core::{Config, Platform};
use medportal_native::testing::{CSRF, TestHost};
use time::OffsetDateTime;

use crate::step_up::{self, Assertion};
use crate::{KeySet, SESSION_COOKIE, SessionClaims, token};

/// Who a minted session or assertion is for (the session claims that vary between tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person<'a> {
    /// The user id (`<region>-u-…`).
    pub sub: &'a str,
    /// Home region and country of practice.
    pub rgn: &'a str,
    pub ctry: &'a str,
    pub roles: &'a [&'a str],
    /// Verification status: unverified, pending, verified, rejected.
    pub vs: &'a str,
    /// The printed name.
    pub name: &'a str,
    /// A second factor was used at sign-in.
    pub mfa: bool,
}

impl<'a> Person<'a> {
    /// A verified person without roles practising in Germany (home region eu), named by
    /// their id, signed in without a second factor. Change fields with `..Person::new(sub)`.
    pub fn new(sub: &'a str) -> Person<'a> {
        Person { sub, rgn: "eu", ctry: "DE", roles: &[], vs: "verified", name: sub, mfa: false }
    }

    /// A verified HCP in Germany (as [`Person::new`], role `hcp`).
    pub fn hcp(sub: &'a str) -> Person<'a> {
        Person { roles: &["hcp"], ..Person::new(sub) }
    }

    /// Staff with `roles`, signed in with the second factor (as [`Person::new`] otherwise).
    pub fn staff(sub: &'a str, roles: &'a [&'a str]) -> Person<'a> {
        Person { roles, mfa: true, ..Person::new(sub) }
    }

    /// The `cookie` header value of a fresh session for this person.
    pub fn cookie(&self, host: &TestHost) -> String {
        self.cookie_signed(host.platform.signatures(), &host.config, host.platform.now())
    }

    /// The same without a test host: signed by `signatures` with `config`'s keys at `now`.
    pub fn cookie_signed<S: Signatures>(&self, signatures: &S, config: &Config, now: OffsetDateTime) -> String {
        let claims = SessionClaims {
            iss: token::ISSUER.into(),
            aud: token::AUDIENCE.into(),
            sub: self.sub.into(),
            jti: format!("jti-{}-0123456789abcdef", self.sub),
            rgn: self.rgn.into(),
            ctry: self.ctry.into(),
            roles: self.roles.iter().map(|r| (*r).to_owned()).collect(),
            vs: self.vs.into(),
            name: self.name.into(),
            csrf: CSRF.into(),
            auth_time: now.unix_timestamp(),
            mfa: self.mfa,
        };
        let keys = KeySet::from_config(config).expect("the test configuration's keys");
        let (t, _) = pollster::block_on(token::issue(signatures, &keys, claims, now)).expect("test session");
        format!("{SESSION_COOKIE}={t}")
    }

    /// A step-up assertion for this person (id, home region, name) and `purpose`, valid for
    /// five minutes; `id` must be unique (a consumer accepts each once).
    pub fn step_up(&self, host: &TestHost, purpose: &str, id: &str) -> String {
        let exp = host.platform.now().unix_timestamp() + 300;
        let a = Assertion { id: id.into(), sub: self.sub.into(), rgn: self.rgn.into(), name: self.name.into(), purpose: purpose.into(), exp };
        let keys = KeySet::from_config(&host.config).expect("the test host's dev keys");
        pollster::block_on(step_up::issue(host.platform.signatures(), &keys, &a)).expect("test assertion")
    }
}
