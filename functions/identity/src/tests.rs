use super::*;
use medportal_core::{Config, Region};
use medportal_core::web;
use medportal_templates::{Locale, Msg, t};
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
    pollster::block_on(ctx.mailer(eu).send("m1", &mail)).unwrap();
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
    assert!(pollster::block_on(ctx.mailer(us).send("m1", &mail)).is_err());
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

/// The roles a role form was made with (its hidden `seen` field).
fn seen_of(html: &str) -> String {
    let i = html.find("name=\"seen\" value=\"").expect("seen field") + 19;
    html[i..].split('"').next().unwrap().to_owned()
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
    // no account before the mailbox is confirmed: a pending registration in the country's
    // region, nothing in the other region
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'jane.doe@example.org'"), 0);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM pending_registrations WHERE email = 'jane.doe@example.org'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM pending_registrations"), 0);
    let link = last_link(&host, "jane.doe@example.org");
    assert!(link.contains("r=us"), "{link:?}");
    let resp = sign_in_with_link(&mut b, &link);
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    // the confirmed link created the account in the home region
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'jane.doe@example.org'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM users WHERE email = 'jane.doe@example.org'"), 0);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'user.registered'"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM pending_registrations"), 0);
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
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE status = 'pending' AND id NOT LIKE '%-v-demo-%'"), 1);
    // logout revokes: the old cookie no longer works
    let old = b.cookies.clone();
    assert_eq!(b.send("POST", "/logout", &[("csrf", &csrf)]).status(), 303);
    assert!(!b.has("__Host-mp_session"));
    let mut replay = Browser::new(&host);
    replay.cookies = old;
    assert_eq!(replay.get("/account").status(), 401);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action IN ('session.login', 'session.logout')"), 2);
    // the sign-in and the link asked for record the client's address, keyed (32 bytes)
    let sign_ins = "FROM audit_entries WHERE action IN ('session.login', 'session.link_requested')";
    let all = count(&host, "us", &format!("SELECT COUNT(*) {sign_ins}"));
    assert!(all >= 1 && count(&host, "us", &format!("SELECT COUNT(*) {sign_ins} AND length(origin) = 32")) == all);
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
    assert!(npi::valid("1234567893"));
    assert!(npi::valid("1558598797"));
    assert!(!npi::valid("1234567890"));
    assert!(!npi::valid("123456789"));
    assert!(!npi::valid("12345678a3"));
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
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided' AND outcome = 'success'"), 1);
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
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided' AND outcome = 'failure'"), 3);
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
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE status = 'pending' AND decided_at IS NULL AND id NOT LIKE '%-v-demo-%'"), 1);
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.lookup' AND reason = 'registry_unreachable'"), 1);
        assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided'"), 0);
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

// ---- second factor, manual verification, roles, expiry, external provider -----------------

impl Browser<'_> {
    fn send_multipart(&mut self, path: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> medportal_core::Response {
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(format!("--BoUnD\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
        }
        if let Some((name, data)) = file {
            body.extend_from_slice(format!("--BoUnD\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--BoUnD--\r\n");
        let cookie = self.cookie_header();
        let headers = [("cookie", cookie.as_str()), ("content-type", "multipart/form-data; boundary=BoUnD")];
        self.host.send::<Identity>(request("POST", path, &headers, body))
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn code_for(secret_b32: &str, offset_steps: i64) -> String {
    let secret = totp::base32_decode(secret_b32).unwrap();
    format!("{:06}", totp::hotp(&secret, (totp::step_of(unix_now()) + offset_steps) as u64))
}

fn claims_of(b: &Browser<'_>) -> serde_json::Value {
    let tok = &b.cookies.iter().find(|(k, _)| k == "__Host-mp_session").expect("session").1;
    let payload = tok.split('.').nth(1).unwrap();
    serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap()
}

/// Signs a seeded staff member in: email link, then the TOTP step with the demo secret.
fn staff_sign_in<'h>(host: &'h TestHost, email: &str, offset_steps: i64) -> Browser<'h> {
    let mut b = Browser::new(host);
    let html = TestHost::text(&b.get("/login"));
    assert_eq!(b.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]).status(), 200);
    let resp = sign_in_with_link(&mut b, &last_link(host, email));
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/login/totp");
    assert!(!b.has("__Host-mp_session"), "no session before the second factor");
    let html = TestHost::text(&b.get("/login/totp"));
    let resp = b.send("POST", "/login/totp", &[("csrf", &csrf_of(&html)), ("code", &code_for("JBSWY3DPEHPK3PXP", offset_steps))]);
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert_eq!(claims_of(&b)["mfa"], true);
    b
}

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

#[test]
fn staff_need_the_second_factor_wrong_and_replayed_codes_fail() {
    let host = TestHost::new();
    let email = "lars.nilsson@example.org"; // seeded verifier (eu)
    // a wrong code is refused and audited; the session is not created
    let mut b = Browser::new(&host);
    let html = TestHost::text(&b.get("/login"));
    b.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
    sign_in_with_link(&mut b, &last_link(&host, email));
    let html = TestHost::text(&b.get("/login/totp"));
    let wrong = if code_for("JBSWY3DPEHPK3PXP", 0) == "000000" { "111111" } else { "000000" };
    assert_eq!(b.send("POST", "/login/totp", &[("csrf", &csrf_of(&html)), ("code", wrong)]).status(), 400);
    assert!(!b.has("__Host-mp_session"));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'session.second_factor' AND outcome = 'failure'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'session.second_factor' AND outcome = 'failure' AND length(origin) = 32"), 1, "a failed sign-in's keyed address");
    // the right code opens a staff session with the second factor
    let mut b = staff_sign_in(&host, email, 0);
    assert_eq!(b.get("/admin/verifications").status(), 200);
    // the same code cannot be used again (replay), even with a new email link
    let mut c = Browser::new(&host);
    let html = TestHost::text(&c.get("/login"));
    c.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
    sign_in_with_link(&mut c, &last_link(&host, email));
    let html = TestHost::text(&c.get("/login/totp"));
    assert_eq!(c.send("POST", "/login/totp", &[("csrf", &csrf_of(&html)), ("code", &code_for("JBSWY3DPEHPK3PXP", 0))]).status(), 400);
    // five wrong attempts end the step
    for _ in 0..4 {
        c.send("POST", "/login/totp", &[("csrf", &csrf_of(&html)), ("code", wrong)]);
    }
    assert_eq!(c.get("/login/totp").status(), 400, "step ended after 5 attempts");
    // an HCP gets no second-factor step, and HCP sessions cannot open staff pages
    let mut h = Browser::new(&host);
    assert_eq!(register(&mut h, "hcp.mfa@example.org", "DE").status(), 200);
    assert_eq!(sign_in_with_link(&mut h, &last_link(&host, "hcp.mfa@example.org")).headers()["location"], "/account");
    assert_eq!(h.get("/admin/verifications").status(), 403);
    assert_eq!(h.get("/admin/roles").status(), 403);
}

#[test]
fn manual_evidence_is_stored_in_the_home_region_and_a_verifier_decides() {
    let host = TestHost::new();
    let email = "evidence.de@example.org";
    let mut b = Browser::new(&host);
    register(&mut b, email, "DE");
    sign_in_with_link(&mut b, &last_link(&host, email));
    let html = TestHost::text(&b.get("/verify"));
    assert!(html.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_of(&html);
    // bad evidence: not a document, missing file, no CSRF
    assert_eq!(b.send_multipart("/verify/evidence", &[("csrf", &csrf)], Some(("x.exe", b"MZ\x90\x00"))).status(), 400);
    assert_eq!(b.send_multipart("/verify/evidence", &[("csrf", &csrf)], None).status(), 400);
    assert_eq!(b.send_multipart("/verify/evidence", &[], Some(("l.pdf", b"%PDF-1.7 x"))).status(), 403);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM verifications WHERE method = 'manual' AND id NOT LIKE '%-v-demo-%'"), 0);
    // a PDF is accepted, stored in the eu object store, and the request waits in the queue
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF";
    let resp = b.send_multipart("/verify/evidence", &[("csrf", &csrf), ("note", "Ärztekammer Berlin 12345")], Some(("../../Approbation.pdf", pdf)));
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert_eq!(user_status_in(&host, "eu", email), "pending");
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let eu_objects = pollster::block_on(async { ctx.region(Region::from_code("eu").unwrap()).blob().await.unwrap().list("evidence/", 10).await.unwrap() });
    let us_objects = pollster::block_on(async { ctx.region(Region::from_code("us").unwrap()).blob().await.unwrap().list("evidence/", 10).await.unwrap() });
    assert_eq!((eu_objects.len(), us_objects.len()), (1, 0));
    // a second request while one is pending is not opened
    b.send_multipart("/verify/evidence", &[("csrf", &csrf)], Some(("again.pdf", pdf)));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM verifications WHERE method = 'manual' AND id NOT LIKE '%-v-demo-%'"), 1);
    // the eu verifier sees it, downloads the evidence (as an attachment, audited) and approves
    let mut v = staff_sign_in(&host, "lars.nilsson@example.org", 0);
    let queue = TestHost::text(&v.get("/admin/verifications"));
    let vid = {
        let i = queue.find("/admin/verifications/").unwrap() + "/admin/verifications/".len();
        let rest = &queue[i..];
        let id = rest[..rest.find('"').unwrap()].to_owned();
        if id.contains("demo") { queue[queue.rfind("/admin/verifications/").unwrap() + 21..].split('"').next().unwrap().to_owned() } else { id }
    };
    let file = v.get(&format!("/admin/verifications/{vid}/evidence"));
    assert_eq!(file.status(), 200);
    assert_eq!(file.body().as_slice(), pdf);
    assert!(file.headers()["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"Approbation.pdf\""));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.evidence_viewed'"), 1);
    let review = TestHost::text(&v.get(&format!("/admin/verifications/{vid}")));
    assert!(review.contains("Ärztekammer Berlin 12345"));
    let vcsrf = csrf_of(&review);
    // a rejection needs a reason; without CSRF nothing happens
    assert_eq!(v.send("POST", &format!("/admin/verifications/{vid}"), &[("csrf", &vcsrf), ("decision", "reject")]).status(), 400);
    assert_eq!(v.send("POST", &format!("/admin/verifications/{vid}"), &[("decision", "approve")]).status(), 403);
    assert_eq!(user_status_in(&host, "eu", email), "pending");
    // a second verifier's decision reads the request pending before this approval commits…
    let eu = Region::from_code("eu").unwrap();
    let stale = pollster::block_on(verification::pending_request(&ctx, eu, &vid)).unwrap();
    let resp = v.send("POST", &format!("/admin/verifications/{vid}"), &[("csrf", &vcsrf), ("decision", "approve")]);
    assert_eq!(resp.status(), 303);
    assert_eq!(user_status_in(&host, "eu", email), "verified");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided' AND actor = 'eu-u-ver-01' AND outcome = 'success'"), 1);
    // …so its rejection with what it read is refused whole by the guard in its batch: no
    // second decision, no entry, no mail (a conflict: reload)
    let mails = TestHost::text(&host.get::<Identity>("/dev/outbox")).len();
    let e = pollster::block_on(verification::decide(&ctx, eu, &stale, "eu-u-ver-02", false, "Name does not match", Locale::En)).unwrap_err();
    assert!(matches!(e, Error::Conflict { code: "verification_decided" }), "{e:?}");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided'"), 1);
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM verifications WHERE id = '{vid}' AND status = 'verified' AND decided_by = 'eu-u-ver-01'")), 1);
    assert_eq!(user_status_in(&host, "eu", email), "verified");
    assert_eq!(TestHost::text(&host.get::<Identity>("/dev/outbox")).len(), mails, "no mail");
    assert!(TestHost::text(&host.get::<Identity>("/dev/outbox")).contains("your professional status has been verified"));
    // decided requests leave the queue and cannot be decided again
    assert_eq!(v.send("POST", &format!("/admin/verifications/{vid}"), &[("csrf", &vcsrf), ("decision", "reject"), ("reason", "x")]).status(), 404);
    // the person's next page shows the new status with its validity
    let account = TestHost::text(&b.get("/account"));
    assert!(account.contains("Your verification is valid until"), "{account}");
    assert_eq!(claims_of(&b)["vs"], "verified");
    // a us verifier does not see eu requests
    let mut u = staff_sign_in(&host, "emily.davis@example.org", 0);
    assert_eq!(u.get(&format!("/admin/verifications/{vid}")).status(), 404);
}

fn user_status_in(host: &TestHost, region: &str, email: &str) -> String {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let db = pollster::block_on(ctx.region(Region::from_code(region).unwrap()).sql()).unwrap();
    pollster::block_on(db.query("SELECT verification_status FROM users WHERE email = ?1", &[email.into()])).unwrap()[0].text(0).unwrap()
}

fn exec(host: &TestHost, region: &str, sql: &str) {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let r = Region::from_code(region).unwrap();
    let db = pollster::block_on(ctx.region(r).sql()).unwrap();
    pollster::block_on(db.batch(&r, &[medportal_core::ports::Statement::new(sql, vec![])])).unwrap();
}

#[test]
fn admins_assign_roles_audited_and_the_person_is_signed_out() {
    let host = TestHost::new();
    let email = "new.verifier@example.org";
    let mut p = Browser::new(&host);
    register(&mut p, email, "FR");
    sign_in_with_link(&mut p, &last_link(&host, email));
    assert_eq!(p.get("/account").status(), 200);
    let mut a = staff_sign_in(&host, "tom.obrien@example.org", 0);
    let list = TestHost::text(&a.get("/admin/roles?q=new.verifier"));
    assert!(list.contains(email));
    let uid = {
        let i = list.find("/admin/roles/").unwrap() + "/admin/roles/".len();
        list[i..].split('"').next().unwrap().to_owned()
    };
    let form = TestHost::text(&a.get(&format!("/admin/roles/{uid}")));
    let (csrf, seen) = (csrf_of(&form), seen_of(&form));
    assert_eq!(seen, "hcp");
    // unknown role and empty role set are refused; nothing changes
    assert_eq!(a.send("POST", &format!("/admin/roles/{uid}"), &[("csrf", &csrf), ("seen", &seen), ("role", "superuser")]).status(), 400);
    assert_eq!(a.send("POST", &format!("/admin/roles/{uid}"), &[("csrf", &csrf), ("seen", &seen)]).status(), 400);
    assert_eq!(a.send("POST", &format!("/admin/roles/{uid}"), &[("seen", &seen), ("role", "verifier")]).status(), 403);
    let resp = a.send("POST", &format!("/admin/roles/{uid}"), &[("csrf", &csrf), ("seen", &seen), ("role", "hcp"), ("role", "verifier")]);
    // a staff role without a second factor: the one-time enrolment code is shown once
    assert_eq!(resp.status(), 200);
    let enrol_code = enrolment_code_of(&TestHost::text(&resp));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mfa.enrolment_code_issued'"), 1);
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM users WHERE id = '{uid}' AND roles = 'hcp,verifier'")), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'role.changed' AND reason = 'hcp -> hcp,verifier'"), 1);
    // the person's existing session ended; the next sign-in asks for the (new) second factor
    assert_eq!(p.get("/account").status(), 401);
    // (revocation has one-second resolution: sessions from the revocation second are refused too)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut p2 = Browser::new(&host);
    let html = TestHost::text(&p2.get("/login"));
    p2.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
    let resp = sign_in_with_link(&mut p2, &last_link(&host, email));
    assert_eq!(resp.headers()["location"], "/login/totp");
    let enrol = TestHost::text(&p2.get("/login/totp"));
    let secret: String = {
        let i = enrol.find("id=\"totp-secret\">").unwrap() + "id=\"totp-secret\">".len();
        enrol[i..enrol[i..].find('<').unwrap() + i].replace(' ', "")
    };
    assert!(enrol.contains("otpauth://totp/"));
    let resp = p2.send("POST", "/login/totp", &[("csrf", &csrf_of(&enrol)), ("code", &code_for(&secret, 0)), ("enrol_code", &enrol_code)]);
    assert_eq!(resp.status(), 303);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mfa.enrolled'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mfa.enrolment_code_used'"), 1);
    assert_eq!(p2.get("/admin/verifications").status(), 200);
    // an admin cannot remove their own admin role
    let own = TestHost::text(&a.get("/admin/roles/eu-u-adm-01"));
    assert_eq!(a.send("POST", "/admin/roles/eu-u-adm-01", &[("csrf", &csrf_of(&own)), ("seen", &seen_of(&own)), ("role", "hcp")]).status(), 400);
}

/// Two administrators edit one person's roles from forms read at the same time: the first
/// change is saved; the second (read before it) is refused whole, inside its batch too, with
/// a 409 naming the roles held now and keeping the second administrator's choice; saved from
/// that page again, it applies. Never one change silently undoing the other.
#[test]
fn a_role_change_read_before_another_administrators_change_is_refused() {
    use medportal_core::policy::Role;
    let host = TestHost::new();
    let email = "two.admins@example.org";
    let mut p = Browser::new(&host);
    register(&mut p, email, "FR");
    sign_in_with_link(&mut p, &last_link(&host, email));
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let eu = Region::from_code("eu").unwrap();
    let uid = pollster::block_on(async { ctx.region(eu).sql().await?.query("SELECT id FROM users WHERE email = ?1", &[email.into()]).await }).unwrap()[0].text(0).unwrap();
    let mut a = staff_sign_in(&host, "tom.obrien@example.org", 0);
    let path = format!("/admin/roles/{uid}");
    let form = TestHost::text(&a.get(&path));
    let (csrf, seen) = (csrf_of(&form), seen_of(&form));
    let changes = || count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'role.changed'");
    // the use case: both administrators read the person (roles hcp)
    let read = pollster::block_on(crate::users::person(&ctx, eu, &uid)).unwrap();
    let first = pollster::block_on(crate::roles::assign(&ctx, eu, "eu-u-adm-01", &read, &seen, &[Role::Hcp, Role::Author])).unwrap();
    assert!(matches!(first, crate::roles::Assigned::Saved(_)));
    // the second's batch with what it read (its check before the batch passes): refused
    let second = pollster::block_on(crate::roles::assign(&ctx, eu, "eu-u-adm-02", &read, &seen, &[Role::Hcp, Role::Verifier])).unwrap();
    assert!(matches!(second, crate::roles::Assigned::Overtaken));
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM users WHERE id = '{uid}' AND roles = 'hcp,author'")), 1);
    assert_eq!(changes(), 1, "one entry: the change that happened");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM batch_guards"), 0);
    // over HTTP: the form read before the change
    let resp = a.send("POST", &path, &[("csrf", &csrf), ("seen", &seen), ("role", "hcp"), ("role", "verifier")]);
    assert_eq!(resp.status(), 409);
    let page = TestHost::text(&resp);
    assert!(page.contains("Another administrator changed this person") && page.contains("Roles held now: <strong>"), "{page}");
    assert!(page.contains("value=\"verifier\" checked"), "the administrator's choice is kept: {page}");
    assert_eq!((seen_of(&page), changes()), ("hcp,author".to_owned(), 1));
    // saved again from that page: applied
    let resp = a.send("POST", &path, &[("csrf", &csrf), ("seen", &seen_of(&page)), ("role", "hcp"), ("role", "verifier")]);
    assert!(resp.status() == 200 || resp.status() == 303, "{}", resp.status());
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM users WHERE id = '{uid}' AND roles = 'hcp,verifier'")), 1);
    assert_eq!(changes(), 2);
}

#[test]
fn verification_lapses_and_can_be_renewed() {
    let host = TestHost::new().with_http(fake_registry);
    let email = "lapse@example.org";
    let (status, _, _) = submit_npi(&host, email, "1234567893");
    assert_eq!(status, 303);
    assert_eq!(user_status(&host, email), "verified");
    // the validity ended yesterday
    exec(&host, "us", &format!("UPDATE users SET verification_expires_at = {} WHERE email = '{email}'", unix_now() - 86_400));
    // another request reads the person (verified, due to lapse) before the sign-in below
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let mut stale = pollster::block_on(users::find_by_email(&ctx, email)).unwrap().unwrap();
    let mut b = Browser::new(&host);
    let html = TestHost::text(&b.get("/login"));
    b.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
    sign_in_with_link(&mut b, &last_link(&host, email));
    assert_eq!(claims_of(&b)["vs"], "unverified");
    assert_eq!(user_status(&host, email), "unverified");
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.expired'"), 1);
    // …and records the lapse after it: refused by the guard, recorded once
    assert_eq!(stale.status, model::VerificationStatus::Verified);
    pollster::block_on(verification::expire_if_due(&ctx, &mut stale)).unwrap();
    assert_eq!(stale.status, model::VerificationStatus::Unverified);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.expired'"), 1, "recorded once");
    let account = TestHost::text(&b.get("/account"));
    assert!(account.contains("Your verification ended on"), "{account}");
    // verifying again starts a new validity period
    let html = TestHost::text(&b.get("/verify"));
    assert_eq!(b.send("POST", "/verify", &[("csrf", &csrf_of(&html)), ("npi", "1234567893")]).status(), 303);
    assert_eq!(user_status(&host, email), "verified");
    assert_eq!(count(&host, "us", &format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND verification_expires_at > {}", unix_now() + 300 * 86_400)), 1);
}

/// A fake OpenID Connect provider behind the HTTP port: the token endpoint checks the client
/// and PKCE verifier; the user data says who the person is.
fn oidc_host(profession: &'static str, country: &'static str) -> TestHost {
    let config = Config::from_lookup(|k| match k {
        "dev_mode" => Some("true".into()),
        "oidc_authorize_url" => Some("http://127.0.0.1:9443/authorize".into()),
        "oidc_token_url" => Some("http://127.0.0.1:9443/token".into()),
        "oidc_userinfo_url" => Some("http://127.0.0.1:9443/userinfo".into()),
        "oidc_client_id" => Some("medportal".into()),
        "oidc_client_secret" => Some("client-secret".into()),
        "oidc_countries" => Some("DE,AT".into()),
        _ => None,
    })
    .unwrap();
    TestHost::new().with_config(config).with_http(move |req| {
        let ok = |body: String| Ok(http::Response::builder().status(200).body(body.into_bytes()).unwrap());
        match req.uri().path() {
            "/token" => {
                let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
                let body = String::from_utf8(req.body().clone()).unwrap();
                let form = web::parse_urlencoded(&body).unwrap();
                let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
                let basic = base64::engine::general_purpose::STANDARD.encode("medportal:client-secret");
                if auth != format!("Basic {basic}") || get("code") != "good-code" || get("code_verifier").len() != 43 {
                    return Ok(http::Response::builder().status(400).body(br#"{"error":"invalid_grant"}"#.to_vec()).unwrap());
                }
                ok(r#"{"access_token":"at-1","token_type":"Bearer","expires_in":300}"#.into())
            }
            "/userinfo" if req.headers()["authorization"] == "Bearer at-1" => {
                ok(format!(r#"{{"sub":"dc-42","profession":"{profession}","country":"{country}"}}"#))
            }
            _ => Ok(http::Response::builder().status(401).body(Vec::new()).unwrap()),
        }
    })
}

fn oidc_round_trip<'h>(host: &'h TestHost, email: &str, code: &str) -> (Browser<'h>, medportal_core::Response) {
    let mut b = Browser::new(host);
    register(&mut b, email, "DE");
    sign_in_with_link(&mut b, &last_link(host, email));
    let html = TestHost::text(&b.get("/verify"));
    assert!(html.contains("Verify with DocCheck"), "{html}");
    let resp = b.send("POST", "/verify/oidc", &[("csrf", &csrf_of(&html))]);
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1:9443/authorize?response_type=code&client_id=medportal&redirect_uri=http%3A%2F%2F127.0.0.1%3A8787%2Fverify%2Foidc%2Fcallback"), "{location}");
    assert!(location.contains("code_challenge_method=S256"));
    let state = location.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let resp = b.get(&format!("/verify/oidc/callback?code={code}&state={state}"));
    (b, resp)
}

#[test]
fn oidc_provider_verifies_hcps_in_their_country_and_rejects_others() {
    let host = oidc_host("physician", "DE");
    let (mut b, resp) = oidc_round_trip(&host, "oidc.ok@example.org", "good-code");
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert_eq!(user_status_in(&host, "eu", "oidc.ok@example.org"), "verified");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM verifications WHERE method = 'oidc' AND reference = 'dc-42' AND status = 'verified'"), 1);
    b.get("/account");
    assert_eq!(claims_of(&b)["vs"], "verified");
    // the state is single use
    let again = b.get("/verify/oidc/callback?code=good-code&state=AAAA");
    assert_eq!(again.status(), 400);
    // the same provider identity cannot verify a second account
    let (_, resp) = oidc_round_trip(&host, "oidc.twin@example.org", "good-code");
    assert_eq!(resp.status(), 303);
    assert_eq!(user_status_in(&host, "eu", "oidc.twin@example.org"), "rejected");
    // a bad code: the provider refuses, nothing is decided
    let (_, resp) = oidc_round_trip(&host, "oidc.bad@example.org", "bad-code");
    assert_eq!(resp.status(), 502);
    assert_eq!(user_status_in(&host, "eu", "oidc.bad@example.org"), "unverified");
    // not a healthcare professional / another country: rejected with the reason
    let host = oidc_host("marketing", "DE");
    oidc_round_trip(&host, "oidc.nothcp@example.org", "good-code");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM verifications WHERE reason = 'not_hcp'"), 1);
    let host = oidc_host("physician", "FR");
    let (mut b, _) = oidc_round_trip(&host, "oidc.fr@example.org", "good-code");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM verifications WHERE reason = 'country_mismatch'"), 1);
    assert!(TestHost::text(&b.get("/verify")).contains("a different country of practice"));
}

#[test]
fn verification_requests_store_the_same_values_for_every_method() {
    const YEAR: i64 = 365 * 86_400;
    // NPI, registry match: decided on arrival by system:npi, valid for a year
    let host = TestHost::new().with_http(fake_registry);
    submit_npi(&host, "jane.rows@example.org", "1234567893");
    let sql = format!(
        "SELECT COUNT(*) FROM verifications WHERE method = 'npi' AND status = 'verified' AND reference = '1234567893' \
         AND reason = 'registry_match' AND decided_by = 'system:npi' AND decided_at = created_at \
         AND expires_at = created_at + {YEAR} AND evidence_type IS NULL AND note IS NULL"
    );
    assert_eq!(count(&host, "us", &sql), 1);
    let sql = format!("SELECT COUNT(*) FROM users WHERE email = 'jane.rows@example.org' AND npi = '1234567893' AND verification_expires_at = verified_at + {YEAR}");
    assert_eq!(count(&host, "us", &sql), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.submitted' AND reason = 'npi' AND outcome = 'success'"), 1);
    // NPI, registry unreachable: pending and undecided
    let host = TestHost::new().with_http(|_| Err(Error::platform("connection refused")));
    submit_npi(&host, "jane.rows@example.org", "1234567893");
    let sql = "SELECT COUNT(*) FROM verifications WHERE method = 'npi' AND status = 'pending' AND reason = 'registry_unreachable' \
               AND decided_by IS NULL AND decided_at IS NULL AND expires_at IS NULL AND id NOT LIKE '%-v-demo-%'";
    assert_eq!(count(&host, "us", sql), 1);
    // evidence: pending, with the file's type, name and the note
    let host = TestHost::new();
    let mut b = Browser::new(&host);
    register(&mut b, "rows.de@example.org", "DE");
    sign_in_with_link(&mut b, &last_link(&host, "rows.de@example.org"));
    let csrf = csrf_of(&TestHost::text(&b.get("/verify")));
    let resp = b.send_multipart("/verify/evidence", &[("csrf", &csrf), ("note", "n")], Some(("a.png", b"\x89PNG\r\n\x1a\nrest")));
    assert_eq!(resp.status(), 303);
    let sql = "SELECT COUNT(*) FROM verifications WHERE method = 'manual' AND status = 'pending' AND reference LIKE 'evidence/%.png' \
               AND evidence_type = 'image/png' AND evidence_name = 'a.png' AND note = 'n' AND reason IS NULL \
               AND decided_by IS NULL AND decided_at IS NULL AND expires_at IS NULL AND id NOT LIKE '%-v-demo-%'";
    assert_eq!(count(&host, "eu", sql), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.submitted' AND reason = 'manual'"), 1);
    // external provider: decided on arrival by system:oidc
    let host = oidc_host("physician", "DE");
    oidc_round_trip(&host, "oidc.rows@example.org", "good-code");
    let sql = format!(
        "SELECT COUNT(*) FROM verifications WHERE method = 'oidc' AND status = 'verified' AND reason = 'provider_confirmed' \
         AND decided_by = 'system:oidc' AND decided_at = created_at AND expires_at = created_at + {YEAR}"
    );
    assert_eq!(count(&host, "eu", &sql), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.submitted' AND reason = 'oidc'"), 1);
    let sql = "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.decided' AND actor = 'system:oidc' AND reason = 'provider_confirmed'";
    assert_eq!(count(&host, "eu", sql), 1);
}

// ---- security fixes: atomic counters, pending registrations, NPI, CSRF, enrolment codes ----

fn enrolment_code_of(html: &str) -> String {
    let marker = "One-time enrolment code: ";
    let i = html.find(marker).expect("enrolment code shown") + marker.len();
    html[i..].split_whitespace().next().unwrap().to_owned()
}

/// A form POST from client address `addr` with the browser's cookies (no cookie update).
fn post_from(host: &TestHost, addr: &str, cookies: &str, path: &str, form: &[(&str, &str)]) -> medportal_core::Response {
    let body = form.iter().map(|(k, v)| format!("{}={}", web::url_encode(k), web::url_encode(v))).collect::<Vec<_>>().join("&");
    let req = http::Request::builder()
        .method("POST")
        .uri(path)
        .extension(web::ClientAddress(addr.into()))
        .header("cookie", cookies)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .unwrap();
    host.send::<Identity>(req)
}

/// Sends `n` copies of a POST at once, from parallel threads; their statuses.
fn at_once(host: &TestHost, n: usize, addr: &str, cookies: &str, path: &str, form: &[(&str, &str)]) -> Vec<u16> {
    let barrier = std::sync::Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    post_from(host, addr, cookies, path, form).status().as_u16()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn mails_to(host: &TestHost, region: &str, to: &str) -> i64 {
    count(host, region, &format!("SELECT COUNT(*) FROM mail_outbox WHERE to_addr = '{to}'"))
}

#[test]
fn concurrent_second_factor_guesses_get_five_evaluations_and_then_the_step_ends() {
    let host = TestHost::new();
    let email = "lars.nilsson@example.org";
    let mut b = Browser::new(&host);
    let html = TestHost::text(&b.get("/login"));
    b.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
    sign_in_with_link(&mut b, &last_link(&host, email));
    let csrf = csrf_of(&TestHost::text(&b.get("/login/totp")));
    let right = code_for("JBSWY3DPEHPK3PXP", 0);
    let wrong = if right == "000000" { "111111" } else { "000000" };
    let statuses = at_once(&host, 20, "127.0.0.1", &b.cookie_header(), "/login/totp", &[("csrf", &csrf), ("code", wrong)]);
    assert!(statuses.iter().all(|s| *s == 400), "{statuses:?}");
    // exactly five attempts were evaluated (and audited)
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'session.second_factor' AND outcome = 'failure'"), 5);
    // the step has ended: the right code now gets no session
    let resp = b.send("POST", "/login/totp", &[("csrf", &csrf), ("code", &right)]);
    assert_eq!(resp.status(), 400);
    assert!(!b.has("__Host-mp_session"));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM second_factor_steps"), 0);
}

#[test]
fn sign_in_links_are_limited_per_email_and_address_atomically_and_a_refusal_is_said() {
    let host = TestHost::new();
    let email = "anna.mueller@example.org";
    let mut b = Browser::new(&host);
    let csrf = csrf_of(&TestHost::text(&b.get("/login")));
    let statuses = at_once(&host, 20, "127.0.0.2", &b.cookie_header(), "/login", &[("csrf", &csrf), ("email", email)]);
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 15, "{statuses:?}");
    assert_eq!(mails_to(&host, "eu", email), 5);
    // the refusal is said, with when to try again
    let refused = post_from(&host, "127.0.0.2", &b.cookie_header(), "/login", &[("csrf", &csrf), ("email", email)]);
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let known = TestHost::text(&refused).replace(&csrf, "");
    assert!(known.contains(t(Locale::En, Msg::IdentityTooManyTitle)), "{known}");
    // the owner, from their own address, still gets their link
    let own = post_from(&host, "127.0.0.3", &b.cookie_header(), "/login", &[("csrf", &csrf), ("email", email)]);
    assert_eq!(own.status(), 200);
    assert_eq!(mails_to(&host, "eu", email), 6);
    // unknown addresses are counted and answered the same way
    for _ in 0..5 {
        assert_eq!(post_from(&host, "127.0.0.2", &b.cookie_header(), "/login", &[("csrf", &csrf), ("email", "nobody@example.org")]).status(), 200);
    }
    let unknown = post_from(&host, "127.0.0.2", &b.cookie_header(), "/login", &[("csrf", &csrf), ("email", "nobody@example.org")]);
    assert_eq!(unknown.status(), 429);
    assert_eq!(TestHost::text(&unknown).replace(&csrf, ""), known);
    // the counters hold pseudonyms only
    let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
    let db = pollster::block_on(ctx.global_sql()).unwrap();
    use medportal_core::ports::SqlStore;
    let keys = pollster::block_on(db.query("SELECT key FROM rate_limits", &[])).unwrap();
    assert!(!keys.is_empty());
    assert!(keys.iter().all(|r| { let k = r.text(0).unwrap(); !k.contains('@') && !k.contains("127.0.0") }));
}

#[test]
fn registration_creates_no_account_until_the_mailbox_confirms_and_cannot_be_pre_claimed() {
    let host = TestHost::new();
    let victim = "victim@example.org";
    // the attacker registers the victim's address first, in the US, with a chosen name
    let mut attacker = Browser::new(&host);
    let html = TestHost::text(&attacker.get("/register"));
    let form = [("csrf", csrf_of(&html)), ("email", victim.into()), ("country", "US".into()), ("profession", "physician".into()), ("name", "Mallory Click-here-evil.example".into()), ("terms", "1".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(attacker.send("POST", "/register", &form).status(), 200);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'victim@example.org'"), 0);
    // the victim registers in Germany, and confirms their own link
    let mut owner = Browser::new(&host);
    assert_eq!(register(&mut owner, victim, "DE").status(), 200);
    let outbox = TestHost::text(&host.get::<Identity>("/dev/outbox"));
    assert!(!outbox.contains("Mallory") && !outbox.contains("evil.example"), "no typed text in mails");
    assert!(!outbox.contains("Jane Doe"), "no display name in mails");
    let resp = sign_in_with_link(&mut owner, &last_link(&host, victim));
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/account");
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM users WHERE email = 'victim@example.org' AND country = 'DE' AND display_name = 'Dr. Jane Doe'"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM users WHERE email = 'victim@example.org'"), 0);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'registration.requested'"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'registration.requested'"), 1);
    // registering a known address: the same answer, and a sign-in link instead
    let mut again = Browser::new(&host);
    let before = mails_to(&host, "eu", victim);
    assert_eq!(register(&mut again, victim, "US").status(), 200);
    assert_eq!(mails_to(&host, "eu", victim), before + 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM pending_registrations WHERE email = 'victim@example.org' AND expires_at > 0") , 1);
    assert_eq!(sign_in_with_link(&mut again, &last_link(&host, victim)).status(), 303);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM users WHERE email = 'victim@example.org'"), 1);
}

#[test]
fn an_npi_verifies_one_account_the_other_goes_to_a_verifier_with_the_reason() {
    let host = TestHost::new().with_http(fake_registry);
    let (status, _, _) = submit_npi(&host, "npi.first@example.org", "1234567893");
    assert_eq!(status, 303);
    let (status, body, _) = submit_npi(&host, "npi.second@example.org", "1234567893");
    assert_eq!(status, 202, "{body}");
    assert!(body.contains(t(Locale::En, Msg::IdentityVerifyReview)), "{body}");
    assert_eq!(user_status(&host, "npi.second@example.org"), "pending");
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE reference = '1234567893' AND status = 'pending' AND reason = 'npi_in_use'"), 1);
    // the verifier sees the request and why it waits
    let mut v = staff_sign_in(&host, "emily.davis@example.org", 0);
    let queue = TestHost::text(&v.get("/admin/verifications"));
    let ids: Vec<String> = queue.match_indices("/admin/verifications/").map(|(j, _)| queue[j + 21..].split('"').next().unwrap().to_owned()).collect();
    let shown = ids.iter().map(|id| TestHost::text(&v.get(&format!("/admin/verifications/{id}")))).any(|p| p.contains(t(Locale::En, Msg::IdentityReasonNpiInUse)));
    assert!(shown, "the verifier sees the reason");
}

#[test]
fn registry_names_must_be_the_first_and_last_words() {
    use crate::npi::names_match;
    assert!(names_match("Dr. Jane Doe", "JANE", "DOE"));
    assert!(names_match("Prof. Dr. Jane Q. Doe MD", "JANE", "DOE"));
    assert!(names_match("JANE MARY DOE-SMITH", "JANE", "DOE-SMITH"));
    // the registry's words somewhere inside a chosen name are not enough
    assert!(!names_match("Mallory Jane Doe", "JANE", "DOE"));
    assert!(!names_match("Jane Doe Impostor", "JANE", "DOE"));
    assert!(!names_match("Doe Jane", "JANE", "DOE"));
    assert!(!names_match("Dr. Jane", "JANE", "JANE"));
}

#[test]
fn npi_submissions_are_limited_per_person_with_a_message() {
    let host = TestHost::new().with_http(fake_registry);
    let mut b = Browser::new(&host);
    assert_eq!(register(&mut b, "npi.many@example.org", "US").status(), 200);
    sign_in_with_link(&mut b, &last_link(&host, "npi.many@example.org"));
    let csrf = csrf_of(&TestHost::text(&b.get("/verify")));
    for _ in 0..5 {
        assert_eq!(b.send("POST", "/verify", &[("csrf", &csrf), ("npi", "3333333334")]).status(), 422);
    }
    let resp = b.send("POST", "/verify", &[("csrf", &csrf), ("npi", "3333333334")]);
    assert_eq!(resp.status(), 429);
    assert!(TestHost::text(&resp).contains("too many NPI checks"));
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM verifications WHERE reference = '3333333334'"), 5);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'verification.submitted' AND reason = 'rate_limited'"), 1);
}

#[test]
fn a_pre_session_csrf_token_is_refused_after_sign_in() {
    let host = TestHost::new();
    let mut b = Browser::new(&host);
    let anon = csrf_of(&TestHost::text(&b.get("/login")));
    assert_eq!(register(&mut b, "csrf.pair@example.org", "DE").status(), 200);
    sign_in_with_link(&mut b, &last_link(&host, "csrf.pair@example.org"));
    assert!(b.has("__Host-mp_session") && b.has("__Host-mp_csrf"));
    let resp = b.send("POST", "/account/profile", &[("csrf", &anon), ("step", "specialty"), ("value", "Cardiology")]);
    assert_eq!(resp.status(), 403);
    let session_token = csrf_of(&TestHost::text(&b.get("/account/profile")));
    assert_ne!(session_token, anon);
    assert_eq!(b.send("POST", "/account/profile", &[("csrf", &session_token), ("step", "specialty"), ("value", "Cardiology")]).status(), 303);
}

#[test]
fn staff_enrolment_needs_the_administrators_one_time_code() {
    let host = TestHost::new();
    let email = "enrol.me@example.org";
    let mut p = Browser::new(&host);
    register(&mut p, email, "FR");
    sign_in_with_link(&mut p, &last_link(&host, email));
    let uid = {
        let ctx = Ctx::new(&host.platform, &host.config, Function::Identity);
        let db = pollster::block_on(ctx.region(Region::from_code("eu").unwrap()).sql()).unwrap();
        pollster::block_on(db.query("SELECT id FROM users WHERE email = ?1", &[email.into()])).unwrap()[0].text(0).unwrap()
    };
    let mut a = staff_sign_in(&host, "tom.obrien@example.org", 0);
    let form = TestHost::text(&a.get(&format!("/admin/roles/{uid}")));
    let csrf = csrf_of(&form);
    let resp = a.send("POST", &format!("/admin/roles/{uid}"), &[("csrf", &csrf), ("seen", &seen_of(&form)), ("role", "hcp"), ("role", "verifier")]);
    let saved = TestHost::text(&resp);
    let first = enrolment_code_of(&saved);
    // saving again (from the page the save returned) replaces the code (a lost one is re-issued this way)
    let resp = a.send("POST", &format!("/admin/roles/{uid}"), &[("csrf", &csrf), ("seen", &seen_of(&saved)), ("role", "hcp"), ("role", "verifier")]);
    let code = enrolment_code_of(&TestHost::text(&resp));
    assert_ne!(first, code);
    // stored hashed only: one row, without the code in clear
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM enrolment_codes WHERE user_id = '{uid}'")), 1);
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM enrolment_codes WHERE code_hash LIKE '%{}%'", code.replace('-', "").to_lowercase())), 0);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let step = |b: &mut Browser<'_>| {
        let html = TestHost::text(&b.get("/login"));
        b.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", email)]);
        sign_in_with_link(b, &last_link(&host, email));
        TestHost::text(&b.get("/login/totp"))
    };
    let mut b = Browser::new(&host);
    let enrol = step(&mut b);
    assert!(enrol.contains("name=\"enrol_code\""));
    let secret: String = {
        let i = enrol.find("id=\"totp-secret\">").unwrap() + "id=\"totp-secret\">".len();
        enrol[i..enrol[i..].find('<').unwrap() + i].replace(' ', "")
    };
    // without the code, or with the replaced one: refused with the reason, nothing enrolled
    for given in ["", first.as_str()] {
        let resp = b.send("POST", "/login/totp", &[("csrf", &csrf_of(&enrol)), ("code", &code_for(&secret, 0)), ("enrol_code", given)]);
        assert_eq!(resp.status(), 400);
        assert!(TestHost::text(&resp).contains(t(Locale::En, Msg::IdentityTotpEnrolCodeWrong)));
    }
    assert_eq!(count(&host, "eu", &format!("SELECT COUNT(*) FROM users WHERE id = '{uid}' AND totp_secret IS NULL")), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'session.second_factor' AND reason = 'wrong_enrolment_code'"), 2);
    // with it (typed loosely): enrolled, and the code is used up
    let resp = b.send("POST", "/login/totp", &[("csrf", &csrf_of(&enrol)), ("code", &code_for(&secret, 0)), ("enrol_code", &code.to_uppercase().replace('-', " "))]);
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM enrolment_codes"), 0);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mfa.enrolment_code_used'"), 1);
}

// ---- mail over an HTTP mail API: delivery, outage, retry, expiry -------------------------

/// A fake JSON mail API: records every accepted mail; answers 503 while `down`.
#[derive(Clone, Default)]
struct FakeMailApi {
    sent: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl FakeMailApi {
    fn host(&self) -> TestHost {
        let api = self.clone();
        let vars = [("dev_mode", "true"), ("mail_transport", "http"), ("mail_from", "no-reply@portal.test"),
            ("mail_api_url", "http://127.0.0.1:9/send"), ("mail_api_key", "test-mail-key-0123456789")];
        let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap();
        TestHost::new().with_config(config).with_http(move |req| {
            assert_eq!(req.uri(), "http://127.0.0.1:9/send");
            assert_eq!(req.headers()["authorization"], "Bearer test-mail-key-0123456789");
            assert!(req.headers().contains_key("idempotency-key"));
            if api.down.load(std::sync::atomic::Ordering::SeqCst) {
                return Ok(http::Response::builder().status(503).body(b"{\"error\":\"down\"}".to_vec()).unwrap());
            }
            api.sent.lock().unwrap().push(serde_json::from_slice(req.body()).unwrap());
            Ok(http::Response::builder().status(202).body(b"{\"id\":\"x\"}".to_vec()).unwrap())
        })
    }
    fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }
    fn to(&self) -> Vec<String> {
        self.sent.lock().unwrap().iter().map(|m| m["to"][0].as_str().unwrap().to_owned()).collect()
    }
}

fn ask_link(b: &mut Browser<'_>, email: &str) -> medportal_core::Response {
    let html = TestHost::text(&b.get("/login"));
    let csrf = csrf_of(&html);
    b.send("POST", "/login", &[("csrf", &csrf), ("email", email)])
}

#[test]
fn a_sign_in_link_goes_out_through_the_mail_api_and_is_audited() {
    let api = FakeMailApi::default();
    let host = api.host();
    let mut b = Browser::new(&host);
    assert_eq!(register(&mut b, "mail.api@example.org", "DE").status(), 200);
    let sent = api.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["from"], "no-reply@portal.test");
    assert_eq!(sent[0]["to"], serde_json::json!(["mail.api@example.org"]));
    assert!(sent[0]["text"].as_str().unwrap().contains("/login/verify?r=eu&t="));
    // nothing stored: not in the queue, not in the dev outbox
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM mail_queue"), 0);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM mail_outbox"), 0);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mail.sent' AND outcome = 'success'"), 1);
}

#[test]
fn a_mail_api_outage_is_shown_kept_retried_and_never_lost() {
    let api = FakeMailApi::default();
    let host = api.host();
    api.set_down(true);
    let mut b = Browser::new(&host);
    let resp = register(&mut b, "outage@example.org", "US");
    assert_eq!(resp.status(), 503);
    assert!(TestHost::text(&resp).contains(t(Locale::En, Msg::IdentityMailDeferredTitle)));
    assert!(b.has("__Host-mp_login"), "a later delivery still works in this browser");
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM mail_queue WHERE attempts = 1"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mail.deferred'"), 1);
    // an unknown address gets the same answer while the transport is failing
    assert_eq!(ask_link(&mut Browser::new(&host), "nobody@example.org").status(), 503);
    // back up: the next send retries the kept mail once it is due (5 s later), before its own
    api.set_down(false);
    assert_eq!(register(&mut Browser::new(&host), "early@example.org", "US").status(), 200);
    assert_eq!(api.to(), ["early@example.org"], "not due yet");
    exec(&host, "us", "UPDATE mail_queue SET next_try_at = next_try_at - 5");
    assert_eq!(register(&mut Browser::new(&host), "second@example.org", "US").status(), 200);
    assert_eq!(api.to(), ["early@example.org", "outage@example.org", "second@example.org"]);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM mail_queue"), 0, "delivered mail is not kept");
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mail.sent' AND reason = 'retried'"), 1);
    // the retried link works in the browser that asked for it
    let text = api.sent.lock().unwrap()[1]["text"].as_str().unwrap().to_owned();
    let link = &text[text.find("/login/verify?").unwrap()..];
    let link = link[..link.find(char::is_whitespace).unwrap_or(link.len())].to_owned();
    assert_eq!(sign_in_with_link(&mut b, &link).status(), 303);
    assert_eq!(ask_link(&mut Browser::new(&host), "nobody@example.org").status(), 200, "marker cleared");
}

#[test]
fn an_undelivered_link_mail_is_deleted_when_its_link_expires_and_the_loss_audited() {
    let api = FakeMailApi::default();
    let mut host = api.host();
    let start = time::OffsetDateTime::now_utc();
    host.platform.fixed_now = Some(start);
    api.set_down(true);
    assert_eq!(register(&mut Browser::new(&host), "late@example.org", "US").status(), 503);
    // still down at the first retry: rescheduled with a longer pause
    host.platform.fixed_now = Some(start + time::Duration::seconds(6));
    assert_eq!(register(&mut Browser::new(&host), "later@example.org", "US").status(), 503);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM mail_queue WHERE attempts = 2"), 1);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mail.deferred' AND reason = 'retry_failed'"), 1);
    // past the links' lifetime: the bodies (with their links) are gone, the loss audited
    api.set_down(false);
    host.platform.fixed_now = Some(start + time::Duration::minutes(16));
    assert_eq!(register(&mut Browser::new(&host), "fresh@example.org", "US").status(), 200);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM mail_queue"), 0);
    assert_eq!(count(&host, "us", "SELECT COUNT(*) FROM audit_entries WHERE action = 'mail.abandoned'"), 2);
    assert_eq!(api.to(), ["fresh@example.org"]);
}

// ---- the first administrator ---------------------------------------------------------------

#[test]
fn the_first_administrator_is_bootstrapped_once_with_the_operators_token_audited() {
    const TOKEN: &str = "bootstrap-token-0123456789abcdef";
    let vars = [("dev_mode", "true"), ("admin_bootstrap_token", TOKEN)];
    let config = Config::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap();
    let host = TestHost::new().with_config(config);
    let mut b = Browser::new(&host);
    assert_eq!(register(&mut b, "first.admin@example.org", "DE").status(), 200);
    assert_eq!(sign_in_with_link(&mut b, &last_link(&host, "first.admin@example.org")).status(), 303);
    // the demo data has an administrator: closed
    assert_eq!(b.get("/account/admin-bootstrap").status(), 404);
    exec(&host, "eu", "UPDATE users SET roles = 'hcp' WHERE roles LIKE '%admin%'");
    exec(&host, "us", "UPDATE users SET roles = 'hcp' WHERE roles LIKE '%admin%'");
    let form = b.get("/account/admin-bootstrap");
    assert_eq!(form.status(), 200);
    let csrf = csrf_of(&TestHost::text(&form));
    // CSRF first, then the token (compared in constant time); a wrong one is audited
    assert_eq!(b.send("POST", "/account/admin-bootstrap", &[("token", TOKEN)]).status(), 403);
    let wrong = b.send("POST", "/account/admin-bootstrap", &[("csrf", &csrf), ("token", "guess-0123456789abcdef0123")]);
    assert_eq!(wrong.status(), 400);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'role.bootstrapped' AND outcome = 'failure'"), 1);
    let done = b.send("POST", "/account/admin-bootstrap", &[("csrf", &csrf), ("token", TOKEN)]);
    assert_eq!(done.status(), 200);
    assert!(TestHost::text(&done).contains(t(Locale::En, Msg::IdentityBootstrapDone)));
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM users WHERE email = 'first.admin@example.org' AND roles = 'hcp,admin'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'role.bootstrapped' AND outcome = 'success'"), 1);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM enrolment_codes"), 1, "an enrolment code for the authenticator");
    // signed out (roles changed), and closed for good
    assert_eq!(b.get("/account").status(), 401);
    let mut other = Browser::new(&host);
    assert_eq!(register(&mut other, "second.admin@example.org", "US").status(), 200);
    assert_eq!(sign_in_with_link(&mut other, &last_link(&host, "second.admin@example.org")).status(), 303);
    assert_eq!(other.get("/account/admin-bootstrap").status(), 404);
}

#[test]
fn no_bootstrap_without_the_token() {
    let host = TestHost::new();
    exec(&host, "eu", "UPDATE users SET roles = 'hcp' WHERE roles LIKE '%admin%'");
    exec(&host, "us", "UPDATE users SET roles = 'hcp' WHERE roles LIKE '%admin%'");
    let mut b = Browser::new(&host);
    assert_eq!(register(&mut b, "no.token@example.org", "US").status(), 200);
    assert_eq!(sign_in_with_link(&mut b, &last_link(&host, "no.token@example.org")).status(), 303);
    assert_eq!(b.get("/account/admin-bootstrap").status(), 404);
}

#[test]
fn step_up_issues_one_purpose_bound_assertion_per_code_and_never_accepts_a_code_twice() {
    let host = TestHost::new();
    let email = "jan.devries@example.org"; // seeded MLR reviewer (eu)
    let mut b = staff_sign_in(&host, email, 0);
    let sha = "ab".repeat(32);
    let purpose = format!("sign:{sha}:approval:medical");
    let q = format!("/account/step-up?purpose={}&return=%2Freview%2Fitem1%2Fsign", medportal_core::web::url_encode(&purpose));
    let form = TestHost::text(&b.get(&q));
    let csrf = csrf_of(&form);
    // the return path must be a signing page of content; the purpose a signing purpose
    assert_eq!(b.get("/account/step-up?purpose=sign:x&return=https://evil.example/").status(), 400);
    assert_eq!(b.get("/account/step-up?purpose=delete:all&return=/review/x/sign").status(), 400);
    // the sign-in code (step 0) cannot be used again to sign
    let post = |b: &mut Browser<'_>, code: &str| b.send("POST", "/account/step-up", &[("csrf", &csrf), ("purpose", &purpose), ("return", "/review/item1/sign"), ("code", code)]);
    assert_eq!(post(&mut b, &code_for("JBSWY3DPEHPK3PXP", 0)).status(), 400, "replayed sign-in code");
    // a fresh code: the confirmation page hands a verifiable assertion to the content page
    let ok = post(&mut b, &code_for("JBSWY3DPEHPK3PXP", 1));
    assert_eq!(ok.status(), 200);
    let html = TestHost::text(&ok);
    assert!(html.contains("action=\"/review/item1/sign\""));
    let token = html.split("name=\"assertion\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let keys = medportal_auth::KeySet::from_config(&host.config).unwrap();
    use medportal_core::ports::Clock;
    let a = pollster::block_on(medportal_auth::step_up::verify(host.platform.signatures(), &keys, &token, host.platform.now().unix_timestamp())).unwrap();
    assert_eq!((a.sub.as_str(), a.purpose.as_str(), a.name.as_str()), ("eu-u-mlr-01", purpose.as_str(), "Jan de Vries"));
    // the same code again, even at once from many requests: refused
    assert_eq!(post(&mut b, &code_for("JBSWY3DPEHPK3PXP", 1)).status(), 400);
    assert_eq!(count(&host, "eu", "SELECT COUNT(*) FROM audit_entries WHERE action = 'session.step_up' AND outcome = 'success'"), 1);
    // an HCP cannot step up to sign
    let mut h = Browser::new(&host);
    let html = TestHost::text(&h.get("/login"));
    h.send("POST", "/login", &[("csrf", &csrf_of(&html)), ("email", "anna.mueller@example.org")]);
    sign_in_with_link(&mut h, &last_link(&host, "anna.mueller@example.org"));
    assert_eq!(h.get(&q).status(), 403);
}

#[test]
fn concurrent_step_ups_with_one_code_yield_one_assertion() {
    let host = TestHost::new();
    let b = staff_sign_in(&host, "sarah.johnson@example.org", 0);
    let purpose = format!("sign:{}:approval:legal", "cd".repeat(32));
    let csrf = claims_of(&b)["csrf"].as_str().unwrap().to_owned();
    let code = code_for("JBSWY3DPEHPK3PXP", 1);
    let statuses = at_once(&host, 8, "127.0.0.1", &b.cookie_header(), "/account/step-up", &[("csrf", &csrf), ("purpose", &purpose), ("return", "/review/x/sign"), ("code", &code)]);
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
}
