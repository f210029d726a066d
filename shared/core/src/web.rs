//! HTTP plumbing shared by every function: request parsing helpers, response builders,
//! locale negotiation, error rendering and the security headers every response carries.

use crate::error::{Error, Result};
use http::{HeaderValue, Method, StatusCode, header};
use crate::locale::Locale;

pub type Request = http::Request<Vec<u8>>;
pub type Response = http::Response<Vec<u8>>;

pub const LANG_COOKIE: &str = "lang";

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// `Sec-Fetch-Site`: where a request came from (CSRF defence in depth).
pub const SEC_FETCH_SITE: header::HeaderName = header::HeaderName::from_static("sec-fetch-site");
/// The client address as Cloudflare's edge sets it (clients cannot: Cloudflare overwrites it).
/// Read by the Workers adapter only; never handed to a function.
pub const CF_CONNECTING_IP: &str = "cf-connecting-ip";
/// The peer address the Spin runtime sets on every request. Read by the Spin adapter only.
pub const SPIN_CLIENT_ADDR: &str = "spin-client-addr";
const CROSS_ORIGIN_OPENER_POLICY: header::HeaderName = header::HeaderName::from_static("cross-origin-opener-policy");
const CROSS_ORIGIN_RESOURCE_POLICY: header::HeaderName = header::HeaderName::from_static("cross-origin-resource-policy");
const PERMISSIONS_POLICY: header::HeaderName = header::HeaderName::from_static("permissions-policy");

/// The request headers a function is handed; every host drops the rest before routing
/// ([`request_headers`]). Least privilege for input: a handler cannot come to depend on a
/// header one runtime passes and another does not. It also lets the Workers adapter copy
/// headers by these constants instead of parsing arbitrary names (`http`'s name parser is
/// 12 KB of wasm). A handler that needs another header adds it here.
///
/// Client address headers are not among them: the adapter establishes the address
/// ([`ClientAddress`]), so no handler can come to trust a header a client controls.
pub const REQUEST_HEADERS: [header::HeaderName; 9] = [
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    header::AUTHORIZATION,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::COOKIE,
    header::HOST,
    header::ORIGIN,
    SEC_FETCH_SITE,
];

/// The client's network address as the platform established it, in a request's extensions:
/// Cloudflare's `CF-Connecting-IP` on Workers, the runtime's peer address on Spin (or the
/// right-most entry of a configured trusted proxy's header), the TCP peer natively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The client address the adapter established, if it could.
pub fn client_address(req: &Request) -> Option<&str> {
    req.extensions().get::<ClientAddress>().map(|c| c.0.as_str())
}

/// An address as runtimes report it (`1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]:5678`), without
/// its port and in lowercase; `None` unless it has the form of an IP address. Checked by
/// hand: the platform, not the client, writes it, and std's address parser and printer
/// would cost every function several KB of wasm.
pub fn parse_client_address(raw: &str) -> Option<ClientAddress> {
    let raw = raw.trim();
    let host = match raw.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(h, _)| h)?,
        // `a.b.c.d:port`: one colon; an IPv6 address has at least two
        None if raw.bytes().filter(|&b| b == b':').count() == 1 => raw.split_once(':').map(|(h, _)| h)?,
        None => raw,
    };
    let v4 = host.split('.').count() == 4 && host.split('.').all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u8>().is_ok());
    let v6 = host.contains(':')
        && host.len() <= 45
        && host.split(':').count() <= 8
        && host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && host.split(':').all(|g| g.len() <= 4 || g.contains('.'));
    (v4 || v6).then(|| ClientAddress(host.to_ascii_lowercase()))
}

/// The client a trusted proxy reports in a list header (`X-Forwarded-For: client, proxy1`):
/// the right-most entry, the one the trusted proxy itself appended.
pub fn forwarded_client(value: &str) -> Option<ClientAddress> {
    value.rsplit(',').next().and_then(parse_client_address)
}

/// Keeps only [`REQUEST_HEADERS`] (all their values, in order).
pub fn request_headers(all: &http::HeaderMap) -> http::HeaderMap {
    let mut kept = http::HeaderMap::new();
    for name in &REQUEST_HEADERS {
        for v in all.get_all(name) {
            kept.append(name.clone(), v.clone());
        }
    }
    kept
}

/// What the response layer needs to know about the request, taken before the handler
/// consumes it.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub method: Method,
    pub path: String,
    pub locale: Locale,
    /// `?lang=` was given and valid: remember the choice in a cookie.
    pub chosen_locale: Option<Locale>,
    pub wants_json: bool,
}

impl RequestInfo {
    pub fn of(req: &Request) -> RequestInfo {
        let chosen = query_param(req, "lang").and_then(|l| Locale::from_tag(&l));
        let cookie_choice = cookie(req, LANG_COOKIE);
        let choice = chosen.map(|l| l.code().to_owned()).or(cookie_choice);
        let accept = header_str(req, header::ACCEPT_LANGUAGE);
        let locale = Locale::negotiate(choice.as_deref(), accept);
        let path = req.uri().path().to_owned();
        RequestInfo {
            method: req.method().clone(),
            wants_json: wants_json(req),
            path,
            locale,
            chosen_locale: chosen,
        }
    }
}

/// JSON for API clients (`Accept: application/json` or a JSON body); HTML for browsers.
fn wants_json(req: &Request) -> bool {
    let accept = header_str(req, header::ACCEPT).unwrap_or("");
    let content_type = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    (accept.contains("application/json") && !accept.contains("text/html"))
        || content_type.starts_with("application/json")
}

pub fn header_str(req: &Request, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Reads one cookie value.
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    for value in req.headers().get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for pair in value.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                if k == name {
                    return Some(v.trim_matches('"').to_owned());
                }
            }
        }
    }
    None
}

/// Percent-decodes `application/x-www-form-urlencoded` text (`+` is a space).
/// Invalid escapes and invalid UTF-8 are errors, never silently mangled.
pub fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `https://host:port/a/b?c` → `/a/b?c`: the part of an absolute request URL a handler
/// routes on (a fragment never reaches a server). Adapters use it instead of a full URL
/// parser, which would drag Unicode tables into every function's wasm.
pub fn path_and_query(url: &str) -> String {
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    match after_scheme.find(['/', '?']) {
        Some(i) if after_scheme[i..].starts_with('/') => after_scheme[i..].to_owned(),
        Some(i) => format!("/{}", &after_scheme[i..]),
        None => "/".to_owned(),
    }
}

/// Percent-encodes a query component.
pub fn url_encode(s: &str) -> String {
    percent_encode(s, b"-_.~")
}

/// `s` with every byte but ASCII letters, digits and `keep` written as `%XX` (upper-case hex).
fn percent_encode(s: &str, keep: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.extend(['%', HEX[usize::from(b >> 4)] as char, HEX[usize::from(b & 15)] as char]);
        }
    }
    out
}

/// Parses `a=1&b=2` pairs. Malformed pairs are skipped only if they are empty.
pub fn parse_urlencoded(s: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = url_decode(k).ok_or_else(|| Error::bad_request("invalid_encoding", "Malformed URL encoding."))?;
        let v = url_decode(v).ok_or_else(|| Error::bad_request("invalid_encoding", "Malformed URL encoding."))?;
        out.push((k, v));
    }
    Ok(out)
}

/// First value of a query parameter (invalid encoding → absent).
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let query = req.uri().query()?;
    parse_urlencoded(query).ok()?.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// A submitted form's fields (a urlencoded body, or a multipart body's text parts), read by
/// name: the one way handlers read form input.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn new(fields: Vec<(String, String)>) -> Form {
        Form(fields)
    }
    /// The first value of `name`; empty when the field is absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
    /// The first value of `name` without surrounding white space.
    pub fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }
    /// A checkbox (or a submit button's name): present with a non-empty value.
    pub fn checkbox(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }
    /// Every value of a repeated field (a group of checkboxes), in order.
    pub fn all<'f>(&'f self, name: &'f str) -> impl Iterator<Item = &'f str> + 'f {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    /// Every field, in the order submitted.
    pub fn fields(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Parses a form body (`application/x-www-form-urlencoded` only).
pub fn form(req: &Request) -> Result<Form> {
    let ct = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return Err(Error::UnsupportedMediaType);
    }
    let body = std::str::from_utf8(req.body())
        .map_err(|_| Error::bad_request("invalid_encoding", "The form is not valid UTF-8."))?;
    parse_urlencoded(body).map(Form)
}

/// Parses a JSON body into `T` with a clear error.
pub fn json_body<T: serde::de::DeserializeOwned>(req: &Request) -> Result<T> {
    let ct = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    if !ct.starts_with("application/json") {
        return Err(Error::UnsupportedMediaType);
    }
    serde_json::from_slice(req.body())
        .map_err(|e| Error::bad_request("invalid_json", format!("The JSON body is invalid: {}", e.classify_str())))
}

trait Classify {
    fn classify_str(&self) -> &'static str;
}
impl Classify for serde_json::Error {
    fn classify_str(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected fields or types",
            serde_json::error::Category::Eof => "unexpected end of input",
        }
    }
}

fn build(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut resp = http::Response::new(body);
    *resp.status_mut() = status;
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// An HTML document (rendered by the functions' web layer; core knows no markup).
pub fn html_bytes(status: StatusCode, document: String) -> Response {
    build(status, "text/html; charset=utf-8", document.into_bytes())
}

pub fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => build(status, "application/json", body),
        Err(_) => build(
            StatusCode::INTERNAL_SERVER_ERROR,
            "application/json",
            br#"{"error":{"code":"internal_error","message":"Something went wrong on our side."}}"#.to_vec(),
        ),
    }
}

pub fn bytes(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    build(status, content_type, body)
}

/// 303 See Other (after a POST) to a same-site path.
pub fn redirect(location: &str) -> Response {
    let mut resp = build(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", Vec::new());
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// The JSON error body: `{"error":{"code":"…","message":"…"}}`.
pub fn error_json(err: &Error) -> Response {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        error: Inner<'a>,
    }
    #[derive(serde::Serialize)]
    struct Inner<'a> {
        code: &'a str,
        message: String,
    }
    json(err.status(), &Body { error: Inner { code: err.code(), message: err.public_message() } })
}

/// The headers an error answer carries: `Allow` for 405, `Retry-After` for 429.
pub fn with_error_headers(mut resp: Response, err: &Error) -> Response {
    let headers = resp.headers_mut();
    match err {
        Error::MethodNotAllowed { allow } => {
            if let Ok(v) = HeaderValue::from_str(allow) {
                headers.insert(header::ALLOW, v);
            }
        }
        Error::RateLimited { retry_after_secs } => {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        _ => {}
    }
    resp
}

/// The policy a response leaves with: [`CSP`], unless the handler set a stricter one, a
/// `sandbox` policy (a downloaded file: no scripts, no plugins, an opaque origin even if a
/// browser renders it inline), which is kept and gets `frame-ancestors 'none'` if it lacks it.
/// Any other handler policy is replaced: no handler can loosen the portal's policy.
fn content_security_policy(handler: Option<&HeaderValue>) -> HeaderValue {
    let sandboxed = handler.and_then(|v| v.to_str().ok()).filter(|p| {
        let first = p.split(';').next().unwrap_or("").trim();
        first == "sandbox" && !p.contains(['\r', '\n'])
    });
    match sandboxed {
        Some(p) if p.contains("frame-ancestors") => HeaderValue::from_str(p).unwrap_or(HeaderValue::from_static(CSP)),
        Some(p) => HeaderValue::from_str(&format!("{}; frame-ancestors 'none'", p.trim_end_matches([';', ' '])))
            .unwrap_or(HeaderValue::from_static(CSP)),
        None => HeaderValue::from_static(CSP),
    }
}

/// `Content-Disposition` for a download (RFC 6266): `attachment`, an ASCII `filename` fallback
/// (anything else becomes `_`) and the exact name as `filename*` (RFC 8187, UTF-8,
/// percent-encoded), so the header is never dropped for a name a header cannot carry as is.
pub fn attachment(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let fallback = if fallback.trim().is_empty() { "download".to_owned() } else { fallback };
    let encoded = percent_encode(name, b"!#$&+-.^_`|~");
    let value = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("attachment"))
}

/// Adds the headers every response of every function carries, and finishes HEAD requests.
pub fn secure(mut resp: Response, info: &RequestInfo) -> Response {
    let h = resp.headers_mut();
    let set = |h: &mut http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    let csp = content_security_policy(h.get(header::CONTENT_SECURITY_POLICY));
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, CROSS_ORIGIN_OPENER_POLICY, "same-origin");
    set(h, CROSS_ORIGIN_RESOURCE_POLICY, "same-origin");
    set(h, PERMISSIONS_POLICY, "camera=(), microphone=(), geolocation=(), payment=()");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    if !h.contains_key(header::VARY) {
        set(h, header::VARY, "Accept-Language, Cookie");
    }
    if let Some(l) = info.chosen_locale {
        let v = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; Secure", l.code());
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.append(header::SET_COOKIE, v);
        }
    }
    if info.method == Method::HEAD {
        // No Content-Length: runtimes (wasi-http in particular) check it against the body
        // they actually send, which is empty for HEAD.
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        resp.body_mut().clear();
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(uri: &str, headers: &[(&str, &str)]) -> Request {
        let mut b = http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Vec::new()).unwrap()
    }

    #[test]
    fn functions_are_handed_only_the_listed_request_headers() {
        let r = req(
            "/x",
            &[
                ("Cookie", "a=1"),
                ("cookie", "b=2"),
                ("Accept-Language", "de"),
                ("Sec-Fetch-Site", "same-origin"),
                ("X-Forwarded-Host", "evil.example"),
                ("If-None-Match", "\"etag\""),
            ],
        );
        let kept = request_headers(r.headers());
        let cookies: Vec<_> = kept.get_all(header::COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert_eq!(cookies, ["a=1", "b=2"], "every value of a listed header, in order");
        assert_eq!(kept.get(header::ACCEPT_LANGUAGE).unwrap(), "de");
        assert_eq!(kept.get(SEC_FETCH_SITE).unwrap(), "same-origin");
        let forged = request_headers(req("/x", &[("CF-Connecting-IP", "1.2.3.4"), ("X-Forwarded-For", "1.2.3.4")]).headers());
        assert!(forged.is_empty(), "address headers never reach a function");
        assert!(kept.get("x-forwarded-host").is_none());
        assert!(kept.get(header::IF_NONE_MATCH).is_none());
        assert_eq!(kept.len(), 4);
    }

    #[test]
    fn client_addresses_are_ip_addresses_without_ports() {
        let ip = |s: &str| parse_client_address(s).map(|c| c.0);
        assert_eq!(ip("203.0.113.7").as_deref(), Some("203.0.113.7"));
        assert_eq!(ip("203.0.113.7:54321").as_deref(), Some("203.0.113.7"));
        assert_eq!(ip("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip("2001:DB8::1").as_deref(), Some("2001:db8::1"));
        assert_eq!(ip("::ffff:192.0.2.1").as_deref(), Some("::ffff:192.0.2.1"));
        for bad in ["", "local", "1.2.3", "1.2.3.256", "evil.example", "1.2.3.4, 5.6.7.8", "12345::1", "g::1", "1:2:3:4:5:6:7:8:9"] {
            assert_eq!(ip(bad), None, "{bad}");
        }
        assert_eq!(forwarded_client("198.51.100.1, 203.0.113.9").map(|c| c.0).as_deref(), Some("203.0.113.9"));
        assert_eq!(forwarded_client("garbage"), None);
        let mut r = req("/", &[]);
        assert_eq!(client_address(&r), None);
        r.extensions_mut().insert(ClientAddress("203.0.113.7".into()));
        assert_eq!(client_address(&r), Some("203.0.113.7"));
    }

    #[test]
    fn url_decoding_is_strict() {
        assert_eq!(url_decode("a+b%20c%C3%A4").as_deref(), Some("a b cä"));
        assert_eq!(url_decode("%zz"), None);
        assert_eq!(url_decode("%4"), None);
        assert_eq!(url_decode("%FF"), None); // invalid UTF-8
        assert_eq!(url_encode("a b&c/ä"), "a%20b%26c%2F%C3%A4");
        assert_eq!(url_decode(&url_encode("x=1&y=ü")).as_deref(), Some("x=1&y=ü"));
    }

    #[test]
    fn path_and_query_from_absolute_urls() {
        assert_eq!(path_and_query("https://portal.example.com/search?q=a%20b"), "/search?q=a%20b");
        assert_eq!(path_and_query("http://127.0.0.1:8787/"), "/");
        assert_eq!(path_and_query("http://127.0.0.1:8787"), "/");
        assert_eq!(path_and_query("https://x.test?lang=de"), "/?lang=de");
        assert_eq!(path_and_query("https://x.test/a/b/c"), "/a/b/c");
        assert_eq!(path_and_query("/already/relative?x=1"), "/already/relative?x=1");
    }

    #[test]
    fn cookies_and_query() {
        let r = req("/x?q=heart+attack&lang=de", &[("cookie", "a=1; lang=en; b=\"2\"")]);
        assert_eq!(cookie(&r, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&r, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&r, "c"), None);
        assert_eq!(query_param(&r, "q").as_deref(), Some("heart attack"));
        // explicit ?lang= beats the cookie and is remembered
        let info = RequestInfo::of(&r);
        assert_eq!(info.locale, Locale::De);
        assert_eq!(info.chosen_locale, Some(Locale::De));
    }

    #[test]
    fn locale_follows_choice_then_accept_language() {
        let r = req("/", &[("accept-language", "de-AT,de;q=0.9,en;q=0.5")]);
        assert_eq!(RequestInfo::of(&r).locale, Locale::De);
        let r = req("/", &[("accept-language", "de"), ("cookie", "lang=en")]);
        assert_eq!(RequestInfo::of(&r).locale, Locale::En);
        let r = req("/?lang=xx", &[]);
        let info = RequestInfo::of(&r);
        assert_eq!((info.locale, info.chosen_locale), (Locale::En, None));
    }

    #[test]
    fn every_response_is_secured() {
        let info = RequestInfo::of(&req("/", &[]));
        let resp = secure(bytes(StatusCode::OK, "text/plain", b"x".to_vec()), &info);
        for h in [
            "content-security-policy",
            "strict-transport-security",
            "x-content-type-options",
            "referrer-policy",
            "cross-origin-opener-policy",
            "cache-control",
        ] {
            assert!(resp.headers().contains_key(h), "missing {h}");
        }
        let csp = resp.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    }

    #[test]
    fn a_sandbox_policy_set_by_a_handler_is_kept_and_nothing_looser() {
        let info = RequestInfo::of(&req("/", &[]));
        let with = |csp: &'static str| {
            let mut r = bytes(StatusCode::OK, "application/pdf", b"%PDF".to_vec());
            r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
            secure(r, &info).headers()["content-security-policy"].to_str().unwrap().to_owned()
        };
        assert_eq!(with("sandbox; default-src 'none'"), "sandbox; default-src 'none'; frame-ancestors 'none'");
        assert_eq!(with("sandbox; default-src 'none'; frame-ancestors 'none'"), "sandbox; default-src 'none'; frame-ancestors 'none'");
        // a handler cannot loosen the portal's policy
        assert_eq!(with("default-src *; script-src 'unsafe-inline'"), CSP);
        assert_eq!(with("sandboxed-nonsense"), CSP);
        let plain = secure(bytes(StatusCode::OK, "text/plain", b"x".to_vec()), &info);
        assert_eq!(plain.headers()["content-security-policy"], CSP);
    }

    #[test]
    fn attachments_always_carry_a_disposition() {
        assert_eq!(attachment("Approbation.pdf"), "attachment; filename=\"Approbation.pdf\"; filename*=UTF-8''Approbation.pdf");
        assert_eq!(
            attachment("Ärztekammer Zeugnis.pdf"),
            "attachment; filename=\"_rztekammer Zeugnis.pdf\"; filename*=UTF-8''%C3%84rztekammer%20Zeugnis.pdf"
        );
        assert_eq!(attachment("証明書.pdf").to_str().unwrap(), "attachment; filename=\"___.pdf\"; filename*=UTF-8''%E8%A8%BC%E6%98%8E%E6%9B%B8.pdf");
        assert_eq!(attachment("a\"b\\c;\r\n.pdf").to_str().unwrap(), "attachment; filename=\"a_b_c;__.pdf\"; filename*=UTF-8''a%22b%5Cc%3B%0D%0A.pdf");
        assert_eq!(attachment("").to_str().unwrap(), "attachment; filename=\"download\"; filename*=UTF-8''");
    }

    #[test]
    fn head_drops_the_body() {
        let mut r = req("/", &[]);
        *r.method_mut() = Method::HEAD;
        let resp = secure(bytes(StatusCode::OK, "text/plain", b"hello".to_vec()), &RequestInfo::of(&r));
        assert!(resp.body().is_empty());
        assert!(!resp.headers().contains_key("content-length"));
        assert_eq!(resp.status(), StatusCode::OK);
    }

    #[test]
    fn forms_are_read_by_name() {
        let r = http::Request::builder()
            .header("content-type", "application/x-www-form-urlencoded")
            .body(b"name=+Ada+&terms=on&name=second&empty=".to_vec())
            .unwrap();
        let f = form(&r).unwrap();
        assert_eq!(f.get("name"), " Ada ", "the first value, as sent");
        assert_eq!(f.trimmed("name"), "Ada");
        assert!(f.checkbox("terms"));
        assert!(!f.checkbox("empty") && !f.checkbox("absent"));
        assert_eq!(f.all("name").collect::<Vec<_>>(), [" Ada ", "second"]);
        assert_eq!(f.get("absent"), "");
        assert_eq!(f.fields().len(), 4);
    }

    #[test]
    fn bad_bodies_get_clear_errors() {
        let r = http::Request::builder()
            .header("content-type", "application/json")
            .body(b"{not json".to_vec())
            .unwrap();
        let err = json_body::<serde_json::Value>(&r).unwrap_err();
        assert_eq!(err.code(), "invalid_json");
        let r = http::Request::builder().header("content-type", "text/plain").body(vec![]).unwrap();
        assert!(matches!(form(&r), Err(Error::UnsupportedMediaType)));
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// Set for file inputs (may be empty when no file was chosen).
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Vec<u8>,
}

/// Parses a `multipart/form-data` body (RFC 7578). Malformed bodies are a 400 with a stable
/// code; at most 32 parts are accepted.
pub fn multipart(req: &Request) -> Result<Vec<Part>> {
    let ct = header_str(req, header::CONTENT_TYPE).unwrap_or("");
    let (mime, params) = ct.split_once(';').unwrap_or((ct, ""));
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(Error::UnsupportedMediaType);
    }
    let boundary = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or_else(|| bad_multipart("The multipart boundary is missing."))?;
    parse_multipart(req.body(), boundary)
}

fn bad_multipart(message: &'static str) -> Error {
    Error::bad_request("invalid_multipart", message)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > haystack.len() || needle.is_empty() {
        return None;
    }
    haystack[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

/// The multipart parser behind [`multipart`].
pub fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>> {
    const MAX_PARTS: usize = 32;
    let delim = format!("--{boundary}").into_bytes();
    let next_delim = format!("\r\n--{boundary}").into_bytes();
    let start = find(body, &delim, 0).ok_or_else(|| bad_multipart("The multipart body has no parts."))?;
    let mut pos = start + delim.len();
    let mut parts = Vec::new();
    loop {
        if body[pos..].starts_with(b"--") {
            return Ok(parts); // closing delimiter
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err(bad_multipart("The multipart body is malformed."));
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or_else(|| bad_multipart("A multipart part has no header end."))?;
        let head = std::str::from_utf8(&body[pos..head_end]).map_err(|_| bad_multipart("A multipart header is not UTF-8."))?;
        let data_start = head_end + 4;
        let data_end = find(body, &next_delim, data_start).ok_or_else(|| bad_multipart("The multipart body is truncated."))?;
        let mut part = Part { name: String::new(), filename: None, content_type: None, data: body[data_start..data_end].to_vec() };
        let mut has_disposition = false;
        for line in head.split("\r\n") {
            let Some((k, v)) = line.split_once(':') else { return Err(bad_multipart("A multipart header is malformed.")) };
            if k.trim().eq_ignore_ascii_case("content-disposition") {
                let mut items = v.split(';').map(str::trim);
                if !items.next().is_some_and(|d| d.eq_ignore_ascii_case("form-data")) {
                    return Err(bad_multipart("A multipart part is not form data."));
                }
                has_disposition = true;
                for item in items {
                    let Some((pk, pv)) = item.split_once('=') else { continue };
                    let pv = pv.trim().trim_matches('"').to_owned();
                    match pk.trim().to_ascii_lowercase().as_str() {
                        "name" => part.name = pv,
                        "filename" => part.filename = Some(pv),
                        _ => {}
                    }
                }
            } else if k.trim().eq_ignore_ascii_case("content-type") {
                part.content_type = Some(v.trim().to_owned());
            }
        }
        if !has_disposition || part.name.is_empty() {
            return Err(bad_multipart("A multipart part has no name."));
        }
        parts.push(part);
        if parts.len() > MAX_PARTS {
            return Err(bad_multipart("Too many multipart parts."));
        }
        pos = data_end + next_delim.len();
    }
}

/// The text fields of a multipart form as name/value pairs (file parts are left out).
pub fn multipart_fields(parts: &[Part]) -> Result<Form> {
    parts
        .iter()
        .filter(|p| p.filename.is_none())
        .map(|p| {
            let v = String::from_utf8(p.data.clone()).map_err(|_| Error::bad_request("invalid_encoding", "The form is not valid UTF-8."))?;
            Ok((p.name.clone(), v))
        })
        .collect::<Result<_>>()
        .map(Form)
}

#[cfg(test)]
mod multipart_tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut b = Vec::new();
        for (name, file, data) in parts {
            b.extend_from_slice(b"--XyZ\r\n");
            match file {
                Some(f) => b.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes()),
                None => b.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            b.extend_from_slice(data);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        b
    }

    #[test]
    fn parses_fields_and_binary_files() {
        let pdf: &[u8] = b"%PDF-1.7\r\n\x00\xff--X\r\nbinary";
        let parts = parse_multipart(&body(&[("csrf", None, b"tok"), ("evidence", Some("licence.pdf"), pdf)]), "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].filename.as_deref(), Some("licence.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(parts[1].data, pdf);
        assert_eq!(multipart_fields(&parts).unwrap().fields(), [("csrf".to_owned(), "tok".to_owned())]);
    }

    #[test]
    fn malformed_bodies_are_clear_errors() {
        let good = body(&[("a", None, b"1")]);
        for bad in [&b""[..], b"--XyZ", b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", &good[..good.len() - 12], b"--XyZ\r\nX: y\r\n\r\nv\r\n--XyZ--"] {
            let err = parse_multipart(bad, "XyZ").unwrap_err();
            assert_eq!(err.code(), "invalid_multipart", "{:?}", String::from_utf8_lossy(bad));
        }
        let many: Vec<(&str, Option<&str>, &[u8])> = (0..40).map(|_| ("a", None, &b"1"[..])).collect();
        assert_eq!(parse_multipart(&body(&many), "XyZ").unwrap_err().code(), "invalid_multipart");
    }
}
