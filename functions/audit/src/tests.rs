use super::*;
use medportal_native::testing::{TestHost, request};

#[test]
fn route_table_builds() {
    let _ = Audit::routes();
}

#[test]
fn landing_page_renders_in_both_languages() {
    let host = TestHost::new();
    let en = host.get::<Audit>("/audit");
    assert_eq!(en.status(), 200);
    assert!(TestHost::text(&en).contains("lang=\"en\""));
    let de = host.send::<Audit>(request("GET", "/audit", &[("accept-language", "de")], vec![]));
    assert!(TestHost::text(&de).contains("lang=\"de\""));
    assert_eq!(host.get::<Audit>("/health/audit").status(), 200);
    assert_eq!(host.send::<Audit>(request("DELETE", "/audit", &[], vec![])).status(), 405);
}

/// A session cookie for `sub` (dev keys, the host's clock).
fn cookie(host: &TestHost, sub: &str, roles: &[&str], mfa: bool) -> String {
    use medportal_auth::{KeySet, SessionClaims, token};
    use medportal_core::ports::Clock;
    let now = host.platform.now();
    let claims = SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: sub.into(),
        jti: format!("jti-{sub}-0123456789abcdef"),
        rgn: "eu".into(),
        ctry: "DE".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        vs: "verified".into(),
        name: sub.into(),
        csrf: "csrf-secret-0123456789".into(),
        auth_time: now.unix_timestamp(),
        mfa,
    };
    let keys = KeySet::from_config(&host.config).unwrap();
    format!("{}={}", medportal_auth::SESSION_COOKIE, pollster::block_on(token::issue(host.platform.signatures(), &keys, claims, now)).unwrap().0)
}

fn assertion(host: &TestHost, sub: &str, purpose: &str, id: &str) -> String {
    use medportal_auth::step_up::{Assertion, issue};
    use medportal_core::ports::Clock;
    let keys = medportal_auth::KeySet::from_config(&host.config).unwrap();
    let exp = host.platform.now().unix_timestamp() + 300;
    let a = Assertion { id: id.into(), sub: sub.into(), rgn: "eu".into(), name: sub.into(), purpose: purpose.into(), exp };
    pollster::block_on(issue(host.platform.signatures(), &keys, &a)).unwrap()
}

fn post(host: &TestHost, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
    let mut body: Vec<(&str, &str)> = vec![("csrf", "csrf-secret-0123456789")];
    body.extend_from_slice(fields);
    let enc: Vec<String> = body.iter().map(|(k, v)| format!("{k}={}", medportal_core::web::url_encode(v))).collect();
    host.send::<Audit>(request("POST", path, &[("cookie", cookie), ("content-type", "application/x-www-form-urlencoded")], enc.join("&").into_bytes()))
}

fn get_as(host: &TestHost, path: &str, cookie: &str) -> Response {
    host.send::<Audit>(request("GET", path, &[("cookie", cookie)], vec![]))
}

#[test]
fn an_erasure_request_is_decided_once_with_a_second_factor_and_removes_the_person() {
    let host = TestHost::new();
    let hcp = cookie(&host, "eu-u-hcp-01", &["hcp"], false);
    let officer = cookie(&host, "eu-u-cmp-01", &["compliance_officer"], true);
    assert_eq!(post(&host, "/account/privacy", &hcp, &[("kind", "nonsense")]).status(), 422);
    let sent = post(&host, "/account/privacy", &hcp, &[("kind", "erasure"), ("details", "erase-me-details-q9")]);
    assert_eq!(sent.status(), 303, "{}", TestHost::text(&sent));
    assert_eq!(post(&host, "/account/privacy", &hcp, &[("kind", "erasure")]).status(), 422, "one open request per kind");
    let export = get_as(&host, "/account/privacy/export", &hcp);
    assert_eq!(export.status(), 200, "{}", TestHost::text(&export));
    let archive: serde_json::Value = serde_json::from_slice(export.body()).unwrap();
    assert_eq!(archive["tables"]["users"][0]["email"], "anna.mueller@example.org");
    // the officer's queue
    assert_eq!(get_as(&host, "/compliance/dsar", &hcp).status(), 403);
    let queue = TestHost::text(&get_as(&host, "/compliance/dsar", &officer));
    let at = queue.find("href=\"/compliance/dsar/").expect("listed") + 23;
    let id = queue[at..].split('"').next().unwrap().to_owned();
    let item = TestHost::text(&get_as(&host, &format!("/compliance/dsar/{id}"), &officer));
    assert!(item.contains("/account/step-up?purpose=sign%3A") && item.contains("%3Aerase%3Adsar"), "{item}");
    let decide = format!("/compliance/dsar/{id}/decide");
    // no assertion, someone else's, another request's or another decision's: refused
    assert_eq!(post(&host, &decide, &officer, &[("assertion", "")]).status(), 403);
    for (sub, purpose) in [("eu-u-adm-01", format!("sign:{id}:erase:dsar")), ("eu-u-cmp-01", "sign:other:erase:dsar".into()), ("eu-u-cmp-01", format!("sign:{id}:complete:dsar"))] {
        assert_eq!(post(&host, &decide, &officer, &[("assertion", &assertion(&host, sub, &purpose, "assertion-bad-0123456789"))]).status(), 403, "{sub} {purpose}");
    }
    let good = assertion(&host, "eu-u-cmp-01", &format!("sign:{id}:erase:dsar"), "assertion-good-0123456789");
    let done = post(&host, &decide, &officer, &[("assertion", &good), ("comment", "verified request")]);
    assert_eq!(done.status(), 303, "{}", TestHost::text(&done));
    assert_eq!(post(&host, &decide, &officer, &[("assertion", &good)]).status(), 409, "decided once");
    let outcome = TestHost::text(&get_as(&host, &format!("/compliance/dsar/{id}"), &officer));
    assert!(outcome.contains("Completed") && outcome.contains("audit_events") && outcome.contains("Legal duty: audit trail"), "{outcome}");
    assert!(!outcome.contains("erase-me-details-q9"), "what the person wrote is erased");
    // signed out everywhere
    assert_eq!(get_as(&host, "/account/privacy", &hcp).status(), 401);
}

#[test]
fn compliance_reports_come_from_configuration_for_compliance_officers_only() {
    let host = TestHost::new();
    let officer = cookie(&host, "eu-u-cmp-01", &["compliance_officer"], true);
    let processing = TestHost::text(&get_as(&host, "/compliance/processing", &officer));
    for a in compliance::ACTIVITIES {
        assert!(processing.contains(&maud::html! { (a.purpose) }.into_string()), "{}", a.code);
    }
    let residency = TestHost::text(&get_as(&host, "/compliance/residency", &officer));
    assert_eq!(residency.matches("No record outside its home region.").count(), 2, "{residency}");
    for c in compliance::CATEGORIES {
        assert!(residency.contains(&maud::html! { (c.name) }.into_string()), "{}", c.code);
    }
    for path in ["/compliance/processing", "/compliance/residency"] {
        assert_eq!(get_as(&host, path, &cookie(&host, "eu-u-hcp-01", &["hcp"], false)).status(), 403);
        assert_eq!(host.get::<Audit>(path).status(), 401);
    }
}
