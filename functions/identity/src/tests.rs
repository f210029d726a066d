use super::*;
use medportal_core::Config;
use medportal_core::web;
use medportal_templates::Locale;
use medportal_native::testing::{TestHost, request};

#[test]
fn route_table_builds() {
    let _ = Identity::routes();
}

#[test]
fn outbox_shows_mail_sent_through_the_mail_port_in_dev_mode() {
    use medportal_core::ports::{Mail, Mailer};
    let host = TestHost::new();
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let eu = Region::from_code("eu").unwrap();
    let mail = Mail { to: "anna.mueller@example.org".into(), subject: "Your sign-in link".into(), text: "Hello <b>".into() };
    pollster::block_on(ctx.mailer(eu).send(&mail)).unwrap();
    let resp = host.get::<Identity>("/dev/outbox");
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(html.contains("anna.mueller@example.org") && html.contains("Your sign-in link"));
    assert!(html.contains("Hello &lt;b&gt;"), "mail text must be escaped");
}

#[test]
fn outbox_and_probe_do_not_exist_outside_dev_mode() {
    let prod = Config::from_lookup(|k| (k == "public_origin").then(|| "https://portal.example.com".into())).unwrap();
    let host = TestHost::new().with_config(prod);
    assert_eq!(host.get::<Identity>("/dev/outbox").status(), 404);
    assert_eq!(host.get::<Identity>("/dev/identity/probe/kv_eu/x").status(), 404);
    // readiness needs the health token outside dev mode; none configured -> refused
    assert_eq!(host.get::<Identity>("/health/identity/ready").status(), 401);
    assert_eq!(host.get::<Identity>("/health/identity").status(), 200);
}

#[test]
fn mail_is_refused_outside_dev_mode() {
    use medportal_core::ports::{Mail, Mailer};
    let prod = Config::from_lookup(|k| (k == "public_origin").then(|| "https://portal.example.com".into())).unwrap();
    let host = TestHost::new().with_config(prod);
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let us = Region::from_code("us").unwrap();
    let mail = Mail { to: "x@example.org".into(), subject: "s".into(), text: "t".into() };
    assert!(pollster::block_on(ctx.mailer(us).send(&mail)).is_err());
}

#[test]
fn probe_round_trips_in_both_regions_without_crossing() {
    let host = TestHost::new();
    let put = |path: &str, value: &str| {
        host.send::<Identity>(request(
            "PUT",
            path,
            &[("content-type", "application/json")],
            format!(r#"{{"value":"{value}"}}"#).into_bytes(),
        ))
    };
    for kind in ["kv", "db", "blob"] {
        assert_eq!(put(&format!("/dev/identity/probe/{kind}_eu/k1"), "eu-value").status(), 200);
        let back = host.get::<Identity>(&format!("/dev/identity/probe/{kind}_eu/k1"));
        assert_eq!(back.status(), 200, "{kind}");
        assert!(TestHost::text(&back).contains("eu-value"));
        // never visible in the other region
        assert_eq!(host.get::<Identity>(&format!("/dev/identity/probe/{kind}_us/k1")).status(), 404, "{kind}");
    }
    // bad input
    let bad = host.send::<Identity>(request("PUT", "/dev/identity/probe/kv_eu/k1", &[("content-type", "application/json")], b"{oops".to_vec()));
    assert_eq!(bad.status(), 400);
    assert!(TestHost::text(&bad).contains("invalid_json"));
    assert_eq!(put("/dev/identity/probe/kv_eu/bad%20key", "x").status(), 400);
    assert_eq!(host.get::<Identity>("/dev/identity/probe/kv_mars/k").status(), 404);
    let ready = host.get::<Identity>("/health/identity/ready");
    assert_eq!(ready.status(), 200, "{}", TestHost::text(&ready));
}

// ---- identity flows ------------------------------------------------------------------------

/// A tiny cookie jar over TestHost.
struct Browser<'h> {
    host: &'h TestHost,
    cookies: Vec<(String, String)>,
}

impl<'h> Browser<'h> {
    fn new(host: &'h TestHost) -> Self {
        Browser { host, cookies: Vec::new() }
    }
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }
    fn send(&mut self, method: &str, path: &str, form: &[(&str, &str)]) -> medportal_core::Response {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", web::url_encode(k), web::url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let cookie = self.cookie_header();
        let mut headers = vec![("cookie", cookie.as_str())];
        if method == "POST" {
            headers.push(("content-type", "application/x-www-form-urlencoded"));
        }
        let resp = self.host.send::<Identity>(request(method, path, &headers, body.into_bytes()));
        for v in resp.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            assert!(!k.starts_with("__Host-") || (attrs.contains("Secure") && attrs.contains("Path=/")), "{v}");
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        resp
    }
    fn get(&mut self, path: &str) -> medportal_core::Response {
        self.send("GET", path, &[])
    }
    fn has(&self, name: &str) -> bool {
        self.cookies.iter().any(|(k, _)| k == name)
    }
}

fn csrf_of(html: &str) -> String {
    let i = html.find("name=\"csrf\" value=\"").expect("csrf field");
    let rest = &html[i + 19..];
    rest[..rest.find('"').unwrap()].to_owned()
}

fn last_link(host: &TestHost, to: &str) -> String {
    let html = TestHost::text(&host.get::<Identity>("/dev/outbox"));
    let i = html.find(to).expect("mail to recipient");
    let rest = &html[i..];
    let j = rest.find("/login/verify?").expect("link");
    let link = &rest[j..];
    let link = link[..link.find(|c: char| c.is_whitespace() || c == '<' || c == '"').unwrap()].replace("&amp;", "&");
    assert!(link.bytes().all(|b| b.is_ascii_graphic()), "{link:?}");
    link
}

fn count(host: &TestHost, region: &str, sql: &str) -> i64 {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let db = pollster::block_on(ctx.region(Region::from_code(region).unwrap()).sql()).unwrap();
    pollster::block_on(db.query(sql, &[])).unwrap()[0].int(0).unwrap()
}

fn register(b: &mut Browser<'_>, email: &str, country: &str) -> medportal_core::Response {
    let html = TestHost::text(&b.get("/register"));
    let csrf = csrf_of(&html);
    b.send("POST", "/register", &[("csrf", &csrf), ("email", email), ("country", country), ("profession", "physician"), ("name", "Dr. Jane Doe"), ("terms", "1")])
}

fn sign_in_with_link(b: &mut Browser<'_>, link: &str) -> medportal_core::Response {
    let html = TestHost::text(&b.get(link));
    let csrf = csrf_of(&html);
    let q = link.split_once('?').unwrap().1;
    let params = web::parse_urlencoded(q).unwrap();
    let r = &params.iter().find(|(k, _)| k == "r").unwrap().1;
    let t = &params.iter().find(|(k, _)| k == "t").unwrap().1;
    b.send("POST", "/login/verify", &[("csrf", &csrf), ("r", r), ("t", t)])
}

#[test]
fn register_sign_in_account_logout() {
    let host = TestHost::new();
    let mut b = Browser::new(&host);
    let resp = register(&mut b, "Jane.Doe@Example.org", "US");
    assert_eq!(resp.status(), 200, "{}", TestHost::text(&resp));
    assert!(b.has("__Host-mp_login"));
    // home region from the country; nothing in the other region
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'jane.doe@example.org'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM users WHERE email = 'jane.doe@example.org'"), 0);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action = 'user.registered'"), 1);
    let link = last_link(&host, "jane.doe@example.org");
    assert!(link.contains("r=us"), "{link:?}");
    let resp = sign_in_with_link(&mut b, &link);
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert!(b.has("__Host-mp_session") && !b.has("__Host-mp_login"));
    let set = resp.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>().join("\n");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
    // single use
    let mut again = Browser::new(&host);
    again.cookies = b.cookies.iter().filter(|(k, _)| k != "__Host-mp_session").cloned().collect();
    assert_eq!(sign_in_with_link(&mut again, &link).status(), 400);
    let account = b.get("/account");
    assert_eq!(account.status(), 200);
    let html = TestHost::text(&account);
    assert!(html.contains("jane.doe@example.org") && html.contains("Dr. Jane Doe"));
    assert_eq!(account.headers()["cache-control"], "no-store");
    // progressive profile: one step, skippable
    let html = TestHost::text(&b.get("/account/profile"));
    let csrf = csrf_of(&html);
    assert_eq!(b.send("POST", "/account/profile", &[("csrf", &csrf), ("step", "specialty"), ("value", "Cardiology")]).status(), 303);
    assert_eq!(b.send("POST", "/account/profile", &[("csrf", &csrf), ("step", "practice_setting"), ("skip", "1")]).status(), 303);
    // NPI: invalid check digit refused; a valid one with the registry unreachable (the test
    // host has no network) stays pending
    assert_eq!(b.send("POST", "/verify", &[("csrf", &csrf), ("npi", "1234567890")]).status(), 400);
    assert_eq!(b.send("POST", "/verify", &[("csrf", &csrf), ("npi", "1234567893")]).status(), 503);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE status = 'pending'"), 1);
    // logout revokes: the old cookie no longer works
    let old = b.cookies.clone();
    assert_eq!(b.send("POST", "/logout", &[("csrf", &csrf)]).status(), 303);
    assert!(!b.has("__Host-mp_session"));
    let mut replay = Browser::new(&host);
    replay.cookies = old;
    assert_eq!(replay.get("/account").status(), 401);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action IN ('session.login', 'session.logout')"), 2);
}

#[test]
fn no_user_enumeration() {
    let host = TestHost::new();
    let login = |email: &str| {
        let mut b = Browser::new(&host);
        let csrf = csrf_of(&TestHost::text(&b.get("/login")));
        let r = b.send("POST", "/login", &[("csrf", &csrf), ("email", email)]);
        (r.status(), TestHost::text(&r).replace(&csrf, ""), b.has("__Host-mp_login"))
    };
    let known = login("anna.mueller@example.org");
    let unknown = login("nobody@example.org");
    assert_eq!(known, unknown);
    assert!(last_link(&host, "anna.mueller@example.org").contains("r=eu"));
    // registering a known address: the same answer, no second account
    let mut b = Browser::new(&host);
    let r = register(&mut b, "anna.mueller@example.org", "US");
    assert_eq!(r.status(), 200);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'anna.mueller@example.org'"), 0);
}

#[test]
fn posts_without_valid_csrf_are_refused_and_write_nothing() {
    let host = TestHost::new();
    let mut b = Browser::new(&host);
    let html = TestHost::text(&b.get("/register"));
    let good = csrf_of(&html);
    let users = || count(&host, "eu", "SELECT COUNT(*) FROM users") + count(&host, "us", "SELECT COUNT(*) FROM users");
    let before = users();
    let form = |csrf: &str| vec![("csrf", csrf.to_owned()), ("email", "x@example.org".into()), ("country", "DE".into()), ("profession", "nurse".into()), ("name", "X Y".into()), ("terms", "1".into())];
    for path in ["/register", "/login", "/login/verify", "/logout", "/account/profile", "/verify"] {
        for bad in ["", "forged", &good[..good.len() - 1]] {
            let f: Vec<(&str, &str)> = form(bad).iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>().into_iter().map(|(k, v)| (k, Box::leak(v.to_owned().into_boxed_str()) as &str)).collect();
            let r = b.send("POST", path, &f);
            assert_eq!(r.status(), 403, "{path} with {bad:?}");
        }
        // a good token from another browser (no cookie) is refused too
        let mut other = Browser::new(&host);
        let f: Vec<(&str, &str)> = vec![("csrf", &good), ("email", "x@example.org")];
        assert_eq!(other.send("POST", path, &f).status(), 403, "{path} cross-browser");
    }
    // cross-site origin with a valid token
    let cookie = b.cookie_header();
    let r = host.send::<Identity>(request("POST", "/login", &[("cookie", &cookie), ("content-type", "application/x-www-form-urlencoded"), ("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")], format!("csrf={good}&email=x%40example.org").into_bytes()));
    assert_eq!(r.status(), 403);
    assert_eq!(users(), before);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM mail_outbox") + count(&host, "us", "SELECT COUNT(*) FROM mail_outbox"), 0);
}

#[test]
fn npi_check_digit() {
    assert!(flows::npi_valid("1234567893"));
    assert!(flows::npi_valid("1558598797"));
    assert!(!flows::npi_valid("1234567890"));
    assert!(!flows::npi_valid("123456789"));
    assert!(!flows::npi_valid("12345678a3"));
}

#[test]
fn protected_pages_need_a_session() {
    let host = TestHost::new();
    for p in ["/account", "/account/profile", "/verify"] {
        assert_eq!(host.get::<Identity>(p).status(), 401, "{p}");
    }
    // a forged cookie is just "not signed in"
    let r = host.send::<Identity>(request("GET", "/account", &[("cookie", "__Host-mp_session=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")], vec![]));
    assert_eq!(r.status(), 401);
}

// ---- NPI registry ------------------------------------------------------------------------

/// A fake NPPES registry: 1234567893 = JANE DOE (active), 1111111112 = JOHN SMITH (active),
/// 2222222228 = JANE DOE (deactivated), anything else: no result.
fn fake_registry(req: http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>> {
    let uri = req.uri().to_string();
    assert!(uri.starts_with("https://npiregistry.cms.hhs.gov/api/?version=2.1&number="), "{uri}");
    let number = uri.rsplit('=').next().unwrap_or_default();
    let entry = |first: &str, last: &str, status: &str| {
        format!(r#"{{"result_count":1,"results":[{{"number":"{number}","basic":{{"first_name":"{first}","last_name":"{last}","status":"{status}"}}}}]}}"#)
    };
    let body = match number {
        "1234567893" => entry("JANE", "DOE", "A"),
        "1111111112" => entry("JOHN", "SMITH", "A"),
        "2222222228" => entry("JANE", "DOE", "D"),
        _ => r#"{"result_count":0,"results":[]}"#.to_owned(),
    };
    Ok(http::Response::builder().status(200).header("content-type", "application/json").body(body.into_bytes()).unwrap())
}

/// Registers a US physician "Dr. Jane Doe", signs in and submits `npi`; returns the response,
/// the browser and the host.
fn submit_npi(host: &TestHost, email: &str, npi: &str) -> (u16, String, String) {
    let mut b = Browser::new(host);
    assert_eq!(register(&mut b, email, "US").status(), 200);
    let link = last_link(host, email);
    assert_eq!(sign_in_with_link(&mut b, &link).status(), 303);
    let csrf = csrf_of(&TestHost::text(&b.get("/verify")));
    let resp = b.send("POST", "/verify", &[("csrf", &csrf), ("npi", npi)]);
    let status = resp.status().as_u16();
    let body = TestHost::text(&resp);
    // what the session shows afterwards
    let account = TestHost::text(&b.get("/account"));
    (status, body, account)
}

fn user_status(host: &TestHost, email: &str) -> String {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let db = pollster::block_on(ctx.region(Region::from_code("us").unwrap()).sql()).unwrap();
    let rows = pollster::block_on(db.query("SELECT verification_status FROM users WHERE email = ?1", &[email.into()])).unwrap();
    rows[0].text(0).unwrap()
}

#[test]
fn npi_registry_match_verifies_and_the_session_shows_it() {
    let host = TestHost::new().with_http(fake_registry);
    let (status, _, account) = submit_npi(&host, "jane.match@example.org", "1234567893");
    assert_eq!(status, 303);
    assert_eq!(user_status(&host, "jane.match@example.org"), "verified");
    assert!(account.contains(t(Locale::En, Msg::IdentityStatusVerified)) || account.contains(t(Locale::En, Msg::IdentityRoleVerifiedHcp)), "{account}");
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE status = 'verified' AND decided_by = 'system:npi' AND reason = 'registry_match'"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action = 'verification.decided' AND outcome = 'success'"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM funnel_events WHERE event IN ('verification_submitted', 'verification_decided')"), 2);
}

#[test]
fn npi_registry_name_mismatch_and_inactive_are_rejected_with_a_reason() {
    let host = TestHost::new().with_http(fake_registry);
    for (email, npi, reason) in [
        ("jane.other@example.org", "1111111112", "name_mismatch"),
        ("jane.inactive@example.org", "2222222228", "npi_inactive"),
        ("jane.unknown@example.org", "3333333334", "npi_not_found"),
    ] {
        let (status, body, _) = submit_npi(&host, email, npi);
        assert_eq!(status, 422, "{npi}");
        assert!(body.contains(t(Locale::En, Msg::IdentityVerifyFailed)), "{body}");
        assert_eq!(user_status(&host, email), "rejected");
        let sql = format!("SELECT COUNT(*) FROM verifications WHERE reference = '{npi}' AND status = 'rejected' AND reason = '{reason}'");
        assert_eq!(count(&host, "us", &sql), 1, "{npi}");
    }
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action = 'verification.decided' AND outcome = 'failure'"), 3);
}

#[test]
fn npi_registry_unreachable_stays_pending_and_says_so() {
    for broken in [
        (|_| Err(Error::platform("connection refused"))) as fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>>,
        |_| Ok(http::Response::builder().status(502).body(b"bad gateway".to_vec()).unwrap()),
        |_| Ok(http::Response::builder().status(200).body(br#"{"Errors":[{"description":"x"}]}"#.to_vec()).unwrap()),
    ] {
        let host = TestHost::new().with_http(broken);
        let (status, body, _) = submit_npi(&host, "jane.offline@example.org", "1234567893");
        assert_eq!(status, 503);
        assert!(body.contains(t(Locale::En, Msg::IdentityVerifyUnavailable)), "{body}");
        assert_eq!(user_status(&host, "jane.offline@example.org"), "pending");
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE status = 'pending' AND decided_at IS NULL"), 1);
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action = 'verification.lookup' AND reason = 'registry_unreachable'"), 1);
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_events WHERE action = 'verification.decided'"), 0);
    }
}

#[test]
fn registry_names_match_without_case_diacritics_or_titles() {
    use crate::npi::names_match;
    assert!(names_match("Dr. Jane Doe", "JANE", "DOE"));
    assert!(names_match("Dr. José Ünal-Smith", "JOSE", "UNAL-SMITH"));
    assert!(names_match("Siobhán O’Brien", "SIOBHAN", "O'BRIEN"));
    assert!(!names_match("Dr. Jane Doe", "JOHN", "DOE"));
    assert!(!names_match("Jane", "JANE", ""));
    assert!(!names_match("Dr. Jane Doeman", "JANE", "DOE"));
}
