//! Typed configuration, read once at the edge from runtime variables (Workers vars/secrets,
//! Spin variables). Core never reads the environment itself.

use crate::error::{Error, Result};
use core::time::Duration;

#[derive(Clone)]
pub struct Config {
    /// Dev mode enables `/dev/*` tools (mail outbox, store probe), open probes and the public
    /// dev keys. Only a development build (cargo feature `dev`) accepts it, and only for a
    /// loopback `http://` origin with no production secret set ([`Config::from_lookup`]).
    pub dev_mode: bool,
    /// The portal's public origin, e.g. `https://portal.example.com`. Used for Origin checks
    /// and absolute links in mails.
    pub public_origin: String,
    /// Bearer token for the readiness endpoint outside dev mode. `None` disables it (fail closed).
    pub health_token: Option<String>,
    pub medical_info_email: String,
    pub medical_info_phone: String,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Session signing keys (identity function only, secret): `kid:<base64url 32-byte
    /// Ed25519 seed>` entries separated by commas; the first one signs, all verify.
    pub session_keys: Option<String>,
    /// Session verifying keys for every other function: `kid:<base64url public key>` list.
    /// Keys derived from `session_keys` are trusted too.
    pub session_public_keys: Option<String>,
    /// Bearer token of the search indexing entry point (`POST /admin/search/index`, `PUT
    /// /admin/search/vocab`), used by content publishing and bulk loads. Secret, search
    /// function only. Unset outside dev mode = indexing refused (fail closed); dev mode without
    /// it accepts [`Config::dev_search_index_token`].
    pub search_index_token: Option<String>,
    /// NPPES NPI Registry base URL, `scheme://host[:port]` without a trailing slash; lookups go
    /// to `{npi_registry_url}/api/?version=2.1&number=<npi>` (tests point it at a local fake).
    pub npi_registry_url: String,
    /// External HCP-verification provider (OpenID Connect authorization-code flow); `None`
    /// when not configured (the option is then not offered).
    pub oidc: Option<OidcConfig>,
    /// Deadline for one outbound HTTP exchange (connect, answer and body), from
    /// `outbound_timeout_ms` (100..=30000, default 5000). A registry or verification provider
    /// that does not answer in time counts as unreachable.
    pub outbound_timeout: Duration,
    /// Spin behind a trusted reverse proxy: the (lowercase) header in which that proxy
    /// appends the client address (e.g. `x-forwarded-for`; its right-most entry is used).
    /// Unset: the runtime's peer address. Workers always use Cloudflare's `CF-Connecting-IP`.
    pub client_address_header: Option<String>,
    /// How mail leaves the portal (identity sends it): see [`MailConfig`].
    pub mail: MailConfig,
    /// One-time bootstrap of the first administrator (identity only, secret, >= 24
    /// characters): while no administrator exists, a signed-in person who enters it at
    /// `/account/admin-bootstrap` becomes one (audited). Unset = no bootstrap (fail closed).
    pub admin_bootstrap_token: Option<String>,
    /// The audit log's checkpoint signing key (audit function only, secret): a base64url
    /// 32-byte Ed25519 seed. Unset outside dev mode = no checkpoints are signed (fail closed).
    pub audit_signing_key: Option<String>,
    /// The file-scanning service content sends uploads to (content only): `scanner_url` (an
    /// https URL; loopback http only in dev mode) and the secret `scanner_token` (>= 24
    /// characters), both or neither. `None`: no scanner, uploads stay pending (fail closed).
    pub scanner: Option<ScannerConfig>,
}

/// A file-scanning service: where uploads are POSTed, and the bearer token it expects.
#[derive(Clone)]
pub struct ScannerConfig {
    pub url: String,
    pub token: String,
}

/// Outgoing mail: the transport and the sender address.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub transport: MailTransport,
    /// The envelope and header sender (`mail_from`), an address of a domain whose SPF and
    /// DKIM records allow the transport to send for it. Empty for the dev outbox only.
    pub from: String,
}

/// Which way mail goes (`mail_transport`).
#[derive(Clone)]
pub enum MailTransport {
    /// `outbox`: the recipient region's `mail_outbox` table, shown at `/dev/outbox`. Dev mode
    /// only (the default there).
    Outbox,
    /// `http`: a provider-neutral JSON mail API over outbound HTTP: `POST mail_api_url` with
    /// `Authorization: Bearer <mail_api_key>` (a secret) and `{from, to, subject, text}`.
    Http { url: String, api_key: String },
    /// `cloudflare`: Cloudflare Email Service through the Worker's `send_email` binding named
    /// `mail` (Workers only; other runtimes report a delivery failure).
    CloudflareBinding,
    /// Nothing configured outside dev mode: every send fails (and is kept for retry), never
    /// silently dropped.
    Unconfigured,
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MailTransport::Outbox => "Outbox",
            MailTransport::Http { .. } => "Http { url, api_key: <redacted> }",
            MailTransport::CloudflareBinding => "CloudflareBinding",
            MailTransport::Unconfigured => "Unconfigured",
        })
    }
}

/// An OpenID Connect HCP-verification provider (DocCheck-style): authorize, token and
/// user-data endpoints, a confidential client, and the countries it is offered in.
#[derive(Clone)]
pub struct OidcConfig {
    /// Shown to people ("Verify with …").
    pub provider_name: String,
    pub authorize_url: String,
    pub token_url: String,
    pub userinfo_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// ISO alpha-2 countries the provider is offered for; empty = every country.
    pub countries: Vec<String>,
}

impl OidcConfig {
    pub fn offered_for(&self, country: &str) -> bool {
        self.countries.is_empty() || self.countries.iter().any(|c| c == country)
    }
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("provider_name", &self.provider_name)
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("userinfo_url", &self.userinfo_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("countries", &self.countries)
            .finish()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("dev_mode", &self.dev_mode)
            .field("public_origin", &self.public_origin)
            .field("health_token", &self.health_token.as_ref().map(|_| "<redacted>"))
            .field("session_keys", &self.session_keys.as_ref().map(|_| "<redacted>"))
            .field("session_public_keys", &self.session_public_keys)
            .field("npi_registry_url", &self.npi_registry_url)
            .field("oidc", &self.oidc)
            .field("outbound_timeout", &self.outbound_timeout)
            .field("search_index_token", &self.search_index_token.as_ref().map(|_| "<redacted>"))
            .field("mail", &self.mail)
            .field("admin_bootstrap_token", &self.admin_bootstrap_token.as_ref().map(|_| "<redacted>"))
            .field("audit_signing_key", &self.audit_signing_key.as_ref().map(|_| "<redacted>"))
            .field("scanner_url", &self.scanner.as_ref().map(|s| s.url.as_str()))
            .finish_non_exhaustive()
    }
}

impl Config {
    /// Variable names, identical on every runtime (Spin variables must be lowercase).
    pub const KEYS: &'static [&'static str] = &[
        "dev_mode",
        "public_origin",
        "health_token",
        "medical_info_email",
        "medical_info_phone",
        "max_body_bytes",
        "session_keys",
        "session_public_keys",
        "npi_registry_url",
        "oidc_provider_name",
        "oidc_authorize_url",
        "oidc_token_url",
        "oidc_userinfo_url",
        "oidc_client_id",
        "oidc_client_secret",
        "oidc_countries",
        "outbound_timeout_ms",
        "search_index_token",
        "client_address_header",
        "mail_transport",
        "mail_from",
        "mail_api_url",
        "mail_api_key",
        "admin_bootstrap_token",
        "audit_signing_key",
        "scanner_url",
        "scanner_token",
    ];

    /// The search indexing token dev mode accepts when `search_index_token` is unset. Public
    /// (like the dev session key): compiled into development builds only.
    #[cfg(feature = "dev")]
    pub const DEV_SEARCH_INDEX_TOKEN: &'static str = "medportal-dev-search-index-token";

    /// Production settings: any of them set means this is not a dev deployment, so dev mode is
    /// refused. The secrets, and the session public keys every deployed function is given
    /// (with them, tokens signed by the public dev key must never be trusted beside them).
    /// `search_index_token` is not among them: the contract hosts set one in dev mode to test
    /// the indexing entry point as deployed. `oidc_client_secret` counts too unless the
    /// provider is a local (loopback) one.
    pub const PRODUCTION_SETTINGS: &'static [&'static str] = &["session_keys", "health_token", "session_public_keys", "audit_signing_key"];

    /// What the public development session key is derived from, when dev mode is on in a
    /// development build (`medportal_auth` uses it when no session keys are configured).
    pub fn dev_session_key_label(&self) -> Option<&'static [u8]> {
        #[cfg(feature = "dev")]
        if self.dev_mode {
            return Some(b"medportal development session key");
        }
        None
    }

    /// What the public development audit checkpoint key is derived from (SHA-256 of it), when
    /// dev mode is on in a development build and no `audit_signing_key` is set.
    pub fn dev_audit_key_label(&self) -> Option<&'static [u8]> {
        #[cfg(feature = "dev")]
        if self.dev_mode {
            return Some(b"medportal development audit checkpoint key");
        }
        None
    }

    /// The public dev indexing token, when dev mode is on in a development build.
    pub fn dev_search_index_token(&self) -> Option<&'static str> {
        #[cfg(feature = "dev")]
        if self.dev_mode {
            return Some(Self::DEV_SEARCH_INDEX_TOKEN);
        }
        None
    }

    /// Builds the config from a lookup (`None` = unset). Invalid values are errors, not defaults.
    pub fn from_lookup(mut get: impl FnMut(&str) -> Option<String>) -> Result<Config> {
        let mut get = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let dev_mode = match get("dev_mode").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => return Err(Error::internal("config: dev_mode must be true or false")),
        };
        let public_origin = get("public_origin").unwrap_or_else(|| "http://127.0.0.1:8787".into());
        if !(public_origin.starts_with("https://") || public_origin.starts_with("http://"))
            || public_origin.ends_with('/')
        {
            return Err(Error::internal("config: public_origin must be scheme://host[:port]"));
        }
        if !dev_mode && !public_origin.starts_with("https://") {
            return Err(Error::internal("config: public_origin must be https outside dev mode"));
        }
        if dev_mode {
            check_dev_mode(&public_origin, &mut get)?;
        }
        let health_token = get("health_token");
        if let Some(t) = &health_token {
            if t.len() < 24 {
                return Err(Error::internal("config: health_token must be at least 24 characters"));
            }
        }
        let search_index_token = get("search_index_token");
        if search_index_token.as_ref().is_some_and(|t| t.len() < 24) {
            return Err(Error::internal("config: search_index_token must be at least 24 characters"));
        }
        let max_body_bytes = match get("max_body_bytes") {
            None => 1024 * 1024,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1024..=64 * 1024 * 1024).contains(n))
                .ok_or_else(|| Error::internal("config: max_body_bytes out of range"))?,
        };
        let npi_registry_url =
            get("npi_registry_url").unwrap_or_else(|| "https://npiregistry.cms.hhs.gov".into());
        if !(npi_registry_url.starts_with("https://") || npi_registry_url.starts_with("http://"))
            || npi_registry_url.ends_with('/')
        {
            return Err(Error::internal("config: npi_registry_url must be scheme://host[:port]"));
        }
        let oidc = oidc_config(&mut get, dev_mode)?;
        let outbound_timeout = match get("outbound_timeout_ms") {
            None => Duration::from_secs(5),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|ms| (100..=30_000).contains(ms))
                .map(Duration::from_millis)
                .ok_or_else(|| Error::internal("config: outbound_timeout_ms must be 100..=30000"))?,
        };
        let client_address_header = get("client_address_header").map(|h| h.to_ascii_lowercase());
        if client_address_header.as_ref().is_some_and(|h| !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) {
            return Err(Error::internal("config: client_address_header must be a header name"));
        }
        let mail = mail_config(&mut get, dev_mode)?;
        let admin_bootstrap_token = get("admin_bootstrap_token");
        if admin_bootstrap_token.as_ref().is_some_and(|t| t.len() < 24) {
            return Err(Error::internal("config: admin_bootstrap_token must be at least 24 characters"));
        }
        let scanner = match (get("scanner_url"), get("scanner_token")) {
            (None, None) => None,
            (Some(url), Some(token))
                if (url.starts_with("https://") || (dev_mode && is_loopback(&url) && url.starts_with("http://"))) && !url.contains('#') && token.len() >= 24 =>
            {
                Some(ScannerConfig { url, token })
            }
            _ => return Err(Error::internal("config: scanner_url (https; loopback http in dev mode) and scanner_token (>= 24 chars) go together")),
        };
        Ok(Config {
            scanner,
            mail,
            admin_bootstrap_token,
            audit_signing_key: get("audit_signing_key"),
            client_address_header,
            dev_mode,
            public_origin,
            health_token,
            medical_info_email: get("medical_info_email")
                .unwrap_or_else(|| "medinfo@example.com".into()),
            medical_info_phone: get("medical_info_phone")
                .unwrap_or_else(|| "+1 800 555 0100".into()),
            max_body_bytes,
            session_keys: get("session_keys"),
            session_public_keys: get("session_public_keys"),
            npi_registry_url,
            oidc,
            outbound_timeout,
            search_index_token,
        })
    }

    /// A dev configuration for tests (development builds only).
    #[cfg(feature = "dev")]
    pub fn dev() -> Config {
        Config::from_lookup(|k| (k == "dev_mode").then(|| "true".into())).unwrap_or_else(|_| {
            unreachable!("the dev defaults are valid")
        })
    }
}

/// Dev mode opens every door (the mail outbox hands out sign-in links, probes and readiness
/// need no token, public dev keys are trusted), so it is refused unless the build is a
/// development build, the origin is loopback `http://`, no production secret is set, and a
/// verification provider, if any, is a local one (its client secret is then a test value).
fn check_dev_mode(public_origin: &str, get: &mut impl FnMut(&str) -> Option<String>) -> Result<()> {
    if !cfg!(feature = "dev") {
        return Err(Error::internal("config: dev_mode=true, but this is a production build (built without the `dev` feature)"));
    }
    if !public_origin.starts_with("http://") || !is_loopback(public_origin) {
        return Err(Error::internal(
            "config: dev_mode=true needs a loopback http public_origin (http://127.0.0.1[:port], http://localhost[:port] or http://[::1][:port])",
        ));
    }
    if let Some(setting) = Config::PRODUCTION_SETTINGS.iter().find(|k| get(k).is_some()) {
        return Err(Error::internal(format!("config: dev_mode=true with the production setting `{setting}` set; dev mode is for local runs only")));
    }
    let remote_provider = ["oidc_authorize_url", "oidc_token_url", "oidc_userinfo_url"].iter().any(|k| get(k).is_some_and(|u| !is_loopback(&u)));
    let remote_mail_api = get("mail_api_url").is_some_and(|u| !is_loopback(&u));
    if remote_mail_api && get("mail_api_key").is_some() {
        return Err(Error::internal(
            "config: dev_mode=true with the production setting `mail_api_key` of a non-loopback mail API; dev mode is for local runs only",
        ));
    }
    if remote_provider && get("oidc_client_secret").is_some() {
        return Err(Error::internal(
            "config: dev_mode=true with the production setting `oidc_client_secret` of a non-loopback verification provider; dev mode is for local runs only",
        ));
    }
    Ok(())
}

/// Whether a URL's host is `127.0.0.1`, `localhost` or `[::1]` (any port, any path after it).
fn is_loopback(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else { return false };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let port_ok = |p: &str| p.is_empty() || p.strip_prefix(':').is_some_and(|n| (1..=5).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|host| authority.strip_prefix(host).is_some_and(port_ok))
}

/// The mail settings: `mail_transport` (`outbox`, `http`, `cloudflare`; unset = the outbox in
/// dev mode, nothing otherwise), `mail_from`, and for `http` the API's URL and key.
fn mail_config(get: &mut impl FnMut(&str) -> Option<String>, dev_mode: bool) -> Result<MailConfig> {
    let from = get("mail_from").unwrap_or_default();
    let valid_from = from.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !from.bytes().any(|b| b.is_ascii_whitespace() || b"<>\",;".contains(&b))
    });
    let transport = match get("mail_transport").as_deref() {
        None if dev_mode => MailTransport::Outbox,
        None => MailTransport::Unconfigured,
        Some("outbox") if dev_mode => MailTransport::Outbox,
        Some("outbox") => return Err(Error::internal("config: mail_transport=outbox is for dev mode only")),
        Some("http") => {
            let url = get("mail_api_url").unwrap_or_default();
            let https = url.starts_with("https://") || (dev_mode && url.starts_with("http://") && is_loopback(&url));
            if !https || url.contains('#') {
                return Err(Error::internal("config: mail_api_url must be an https URL (loopback http only in dev mode)"));
            }
            let api_key = get("mail_api_key").filter(|k| k.len() >= 16 && !k.bytes().any(|b| b.is_ascii_control()));
            let api_key = api_key.ok_or_else(|| Error::internal("config: mail_transport=http needs mail_api_key (a secret, at least 16 characters)"))?;
            MailTransport::Http { url, api_key }
        }
        Some("cloudflare") => MailTransport::CloudflareBinding,
        Some(_) => return Err(Error::internal("config: mail_transport must be outbox, http or cloudflare")),
    };
    if !matches!(transport, MailTransport::Outbox | MailTransport::Unconfigured) && !valid_from {
        return Err(Error::internal("config: mail_from must be a plain sender address (name@domain)"));
    }
    Ok(MailConfig { transport, from })
}

/// The provider settings: all of them or none (a partial set is an error, not a silent "off").
fn oidc_config(get: &mut impl FnMut(&str) -> Option<String>, dev_mode: bool) -> Result<Option<OidcConfig>> {
    let names = ["oidc_authorize_url", "oidc_token_url", "oidc_userinfo_url", "oidc_client_id", "oidc_client_secret"];
    let values: Vec<Option<String>> = names.iter().map(|n| get(n)).collect();
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [Some(authorize_url), Some(token_url), Some(userinfo_url), Some(client_id), Some(client_secret)] =
        <[Option<String>; 5]>::try_from(values).map_err(|_| Error::internal("config: oidc"))?
    else {
        return Err(Error::internal("config: oidc_* settings must be given together"));
    };
    for url in [&authorize_url, &token_url, &userinfo_url] {
        let https = url.starts_with("https://");
        if !(https || (dev_mode && url.starts_with("http://"))) || url.contains('#') {
            return Err(Error::internal("config: oidc endpoints must be https URLs (http only in dev mode)"));
        }
    }
    let countries = get("oidc_countries")
        .unwrap_or_default()
        .split(',')
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>();
    if countries.iter().any(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Err(Error::internal("config: oidc_countries must be ISO alpha-2 codes"));
    }
    Ok(Some(OidcConfig {
        provider_name: get("oidc_provider_name").unwrap_or_else(|| "DocCheck".into()),
        authorize_url,
        token_url,
        userinfo_url,
        client_id,
        client_secret,
        countries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config> {
        Config::from_lookup(|k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn production_requires_https_origin() {
        assert!(cfg(&[]).is_err());
        assert!(cfg(&[("public_origin", "https://portal.example.com")]).is_ok());
    }

    #[cfg(feature = "dev")]
    #[test]
    fn dev_mode_only_on_loopback_http_without_production_secrets() {
        assert!(cfg(&[("dev_mode", "true")]).unwrap().dev_mode);
        for origin in ["http://127.0.0.1", "http://127.0.0.1:8787", "http://localhost:3000", "http://[::1]:9", "http://localhost"] {
            assert!(cfg(&[("dev_mode", "true"), ("public_origin", origin)]).is_ok(), "{origin}");
        }
        for origin in ["https://portal.example.com", "https://127.0.0.1", "http://portal.example.com", "http://127.0.0.1.evil.example",
            "http://localhost.evil.example", "http://127.0.0.1:80x", "http://10.0.0.1:8787", "http://[::1]x", "http://127.0.0.1:123456"]
        {
            let err = cfg(&[("dev_mode", "true"), ("public_origin", origin)]).unwrap_err().to_string();
            assert!(err.contains("loopback http public_origin"), "{origin}: {err}");
        }
        let settings = [("session_keys", "k1:AAAA"), ("health_token", "0123456789abcdef0123456789"), ("session_public_keys", "k1:AAAA")];
        for (k, v) in settings {
            let err = cfg(&[("dev_mode", "true"), (k, v)]).unwrap_err().to_string();
            assert!(err.contains(&format!("production setting `{k}`")), "{k}: {err}");
        }
        // a verification provider's client secret: production unless the provider is local
        let oidc = |base: &'static str| {
            let url = |p: &str| format!("{base}/{p}");
            let (a, t, u) = (url("authorize"), url("token"), url("userinfo"));
            cfg(&[("dev_mode", "true"), ("oidc_authorize_url", &a), ("oidc_token_url", &t), ("oidc_userinfo_url", &u),
                ("oidc_client_id", "medportal"), ("oidc_client_secret", "s3cret-value")])
        };
        assert!(oidc("http://127.0.0.1:9443").is_ok());
        let err = oidc("https://id.example.net").unwrap_err().to_string();
        assert!(err.contains("production setting `oidc_client_secret`"), "{err}");
        // the contract hosts test the indexing entry point with a real token in dev mode
        assert!(cfg(&[("dev_mode", "true"), ("search_index_token", "contract-search-index-token-0123456789")]).is_ok());
        assert_eq!(Config::dev().dev_search_index_token(), Some(Config::DEV_SEARCH_INDEX_TOKEN));
        assert_eq!(cfg(&[("public_origin", "https://portal.example.com")]).unwrap().dev_search_index_token(), None);
    }

    /// A production build (no `dev` feature) refuses dev mode whatever else is set.
    #[cfg(not(feature = "dev"))]
    #[test]
    fn production_build_refuses_dev_mode() {
        let err = cfg(&[("dev_mode", "true"), ("public_origin", "http://127.0.0.1:8787")]).unwrap_err().to_string();
        assert!(err.contains("production build"), "{err}");
        let c = cfg(&[("public_origin", "https://portal.example.com")]).unwrap();
        assert_eq!(c.dev_search_index_token(), None);
    }

    #[test]
    fn oidc_is_all_or_nothing_and_https() {
        let full = [
            ("public_origin", "https://portal.example.com"),
            ("oidc_authorize_url", "https://id.example.net/authorize"),
            ("oidc_token_url", "https://id.example.net/token"),
            ("oidc_userinfo_url", "https://id.example.net/userinfo"),
            ("oidc_client_id", "medportal"),
            ("oidc_client_secret", "s3cret-value"),
            ("oidc_countries", "de, at"),
        ];
        let c = cfg(&full).unwrap().oidc.unwrap();
        assert_eq!(c.countries, ["DE", "AT"]);
        assert!(c.offered_for("AT") && !c.offered_for("US"));
        assert!(!format!("{c:?}").contains("s3cret"), "secret redacted");
        assert!(cfg(&full[..3]).is_err(), "partial settings");
        let mut http = full;
        http[2].1 = "http://id.example.net/token";
        assert!(cfg(&http).is_err(), "http outside dev mode");
        assert!(cfg(&full[..1]).unwrap().oidc.is_none());
    }

    #[test]
    fn invalid_values_fail_instead_of_defaulting() {
        assert!(cfg(&[("dev_mode", "yes")]).is_err());
        assert!(cfg(&[("public_origin", "https://x.test"), ("health_token", "short")]).is_err());
        const P: (&str, &str) = ("public_origin", "https://x.test");
        assert!(cfg(&[P, ("max_body_bytes", "12")]).is_err());
        assert!(cfg(&[P, ("search_index_token", "short")]).is_err());
        assert!(cfg(&[P, ("admin_bootstrap_token", "short")]).is_err());
        assert!(cfg(&[("public_origin", "https://x.test/")]).is_err());
        for bad in ["0", "99", "30001", "5s", "-1"] {
            assert!(cfg(&[P, ("outbound_timeout_ms", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn outbound_timeout_defaults_to_five_seconds() {
        const P: (&str, &str) = ("public_origin", "https://x.test");
        assert_eq!(cfg(&[P]).unwrap().outbound_timeout, Duration::from_secs(5));
        let c = cfg(&[P, ("outbound_timeout_ms", "250")]).unwrap();
        assert_eq!(c.outbound_timeout, Duration::from_millis(250));
    }

    #[test]
    fn mail_transport_is_chosen_by_configuration_and_checked() {
        const P: (&str, &str) = ("public_origin", "https://x.test");
        assert!(matches!(cfg(&[P]).unwrap().mail.transport, MailTransport::Unconfigured));
        assert!(cfg(&[P, ("mail_transport", "outbox")]).unwrap_err().to_string().contains("dev mode only"));
        assert!(cfg(&[P, ("mail_transport", "smtp")]).is_err());
        let http = [P, ("mail_transport", "http"), ("mail_from", "no-reply@portal.example.com"),
            ("mail_api_url", "https://api.mail.example/v1/send"), ("mail_api_key", "key-0123456789abcdef")];
        let c = cfg(&http).unwrap();
        assert!(matches!(&c.mail.transport, MailTransport::Http { url, .. } if url == "https://api.mail.example/v1/send"));
        assert!(!format!("{c:?}").contains("0123456789abcdef"), "key redacted");
        assert!(cfg(&http[..4]).unwrap_err().to_string().contains("mail_api_key"), "no key");
        let mut plain = http;
        plain[3].1 = "http://api.mail.example/v1/send";
        assert!(cfg(&plain).is_err(), "http outside dev mode");
        for bad in ["", "no-reply", "a b@x.test", "Portal <a@x.test>", "a@localhost"] {
            let mut f = http;
            f[2].1 = bad;
            assert!(cfg(&f).is_err(), "from {bad:?}");
        }
        let cf = cfg(&[P, ("mail_transport", "cloudflare"), ("mail_from", "no-reply@portal.example.com")]).unwrap();
        assert!(matches!(cf.mail.transport, MailTransport::CloudflareBinding));
    }

    #[cfg(feature = "dev")]
    #[test]
    fn dev_mode_mails_to_the_outbox_or_a_local_mail_api_only() {
        assert!(matches!(Config::dev().mail.transport, MailTransport::Outbox));
        let local = [("dev_mode", "true"), ("mail_transport", "http"), ("mail_from", "no-reply@portal.test"),
            ("mail_api_url", "http://127.0.0.1:9999/send"), ("mail_api_key", "test-key-0123456789")];
        assert!(matches!(cfg(&local).unwrap().mail.transport, MailTransport::Http { .. }));
        let mut remote = local;
        remote[3].1 = "https://api.mail.example/v1/send";
        assert!(cfg(&remote).unwrap_err().to_string().contains("`mail_api_key`"));
    }

    #[test]
    fn a_scanner_is_https_with_a_token_or_nothing() {
        let prod = |pairs: &[(&str, &str)]| cfg(&[&[("public_origin", "https://x.test")], pairs].concat());
        assert!(prod(&[]).unwrap().scanner.is_none());
        let token = ("scanner_token", "scanner-0123456789abcdef-secret");
        let c = prod(&[("scanner_url", "https://scan.internal/scan"), token]).unwrap();
        assert_eq!(c.scanner.as_ref().map(|s| s.url.as_str()), Some("https://scan.internal/scan"));
        assert!(!format!("{c:?}").contains("0123456789abcdef"), "the token is redacted");
        assert!(prod(&[("scanner_url", "https://scan.internal/scan")]).is_err(), "a URL without its token");
        assert!(prod(&[token]).is_err(), "a token without its URL");
        assert!(prod(&[("scanner_url", "http://scan.internal/scan"), token]).is_err(), "plain http outside dev mode");
        assert!(prod(&[("scanner_url", "https://scan.internal/scan"), ("scanner_token", "short")]).is_err());
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = cfg(&[("public_origin", "https://x.test"), ("health_token", "0123456789abcdef0123456789")]).unwrap();
        assert!(!format!("{c:?}").contains("0123456789abcdef"));
        let c = cfg(&[("public_origin", "https://x.test"), ("search_index_token", "index-0123456789abcdef-secret")]).unwrap();
        assert!(!format!("{c:?}").contains("0123456789abcdef"));
    }
}
