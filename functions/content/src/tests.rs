//! Host route tests: the content function's routes driven natively on seeded stores.
use super::*;
use medportal_native::testing::{TestHost, request};

/// A host with the demo library imported through the publishing use cases.
fn seeded() -> TestHost {
    let host = TestHost::new();
    let lines = include_str!("../../../infra/seed/content/library.jsonl");
    let auth = format!("Bearer {}", medportal_core::Config::DEV_SEARCH_INDEX_TOKEN);
    let resp = host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", &auth)], lines.as_bytes().to_vec()));
    assert_eq!(resp.status(), 200, "{}", TestHost::text(&resp));
    host
}

#[test]
fn route_table_builds() {
    let _ = Content::routes();
}

#[test]
fn home_lists_featured_content_in_the_readers_language() {
    let host = seeded();
    let resp = host.get::<Content>("/");
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("ARISTOTLE"), "featured English item missing");
    assert!(!html.contains("Wirkmechanismus"), "German item on the English page");
    // The German items are published for the German market: an anonymous visitor who chose
    // it sees the public one; Germany's setting hides HCP-only titles from the public.
    let de = host.send::<Content>(request("GET", "/?market=DE", &[("accept-language", "de-DE,de;q=0.9")], vec![]));
    let html = TestHost::text(&de);
    assert!(html.contains("lang=\"de\""));
    assert!(html.contains("So melden Sie eine vermutete Nebenwirkung"));
    assert!(!html.contains("Wirkmechanismus"), "an HCP-only title shown to the public in DE");
    let intl = TestHost::text(&host.send::<Content>(request("GET", "/", &[("accept-language", "de-DE,de;q=0.9")], vec![])));
    assert!(!intl.contains("Nebenwirkung melden") && !intl.contains("So melden Sie"), "a DE-only item outside DE");
    // a verified HCP practising in Germany sees the German HCP item
    let cookie = session_cookie(&host, "eu-u-hcp-01", "verified");
    let hcp = TestHost::text(&host.send::<Content>(request("GET", "/", &[("accept-language", "de"), ("cookie", &cookie)], vec![])));
    assert!(hcp.contains("Wirkmechanismus"));
    // the German item does not exist for a US market visitor: a notice, not the item
    let us = host.get::<Content>("/content/vermutete-nebenwirkung-melden?market=US");
    assert_eq!(us.status(), 404);
    assert!(TestHost::text(&us).contains("Not available in your market"));
}

#[test]
fn versions_and_signatures_show_on_the_record() {
    let host = seeded();
    let html = TestHost::text(&host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction"));
    assert!(html.contains("Medically reviewed on 2026-05-04"), "reviewed on");
    for name in ["Jan de Vries", "Sarah Johnson", "Dr. Klaus Weber"] {
        assert!(html.contains(name), "signature of {name}");
    }
    let versions = host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction/versions");
    assert_eq!(versions.status(), 200);
    assert!(TestHost::text(&versions).contains("SHA-256"));
    assert_eq!(host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction/diff/1/1").status(), 200);
    assert_eq!(host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction/diff/1/9").status(), 404);
    // importing again changes nothing
    let auth = format!("Bearer {}", medportal_core::Config::DEV_SEARCH_INDEX_TOKEN);
    let lines = include_str!("../../../infra/seed/content/library.jsonl");
    let again = host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", &auth)], lines.as_bytes().to_vec()));
    assert!(TestHost::text(&again).contains("\"created\":0"));
    let wrong = host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", "Bearer nope")], lines.as_bytes().to_vec()));
    assert_eq!(wrong.status(), 403);
}

#[test]
fn library_filters_and_paginates() {
    let host = seeded();
    let html = TestHost::text(&host.get::<Content>("/content?area=cardiology"));
    assert!(html.contains("EMPEROR-Reduced") && html.contains("ARISTOTLE"));
    assert!(!html.contains("Semaglutide:"), "diabetes item in a cardiology filter");
    let bad = host.get::<Content>("/content?area=%3Cscript%3E");
    assert_eq!(bad.status(), 400);
    assert_eq!(host.get::<Content>("/content?page=0").status(), 400);
    assert_eq!(host.get::<Content>("/content?page=abc").status(), 400);
}

#[test]
fn hcp_only_items_are_gated_for_anonymous_visitors() {
    let host = seeded();
    let resp = host.get::<Content>("/content/apixaban-aristotle-trial-summary");
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(html.contains("ARISTOTLE"), "the title is shown (INTL allows HCP-only titles)");
    assert!(!html.contains("18,201 patients"), "HCP-only summary leaked to an anonymous visitor");
    assert!(!html.contains("target INR 2.0 to 3.0"), "HCP-only body leaked to an anonymous visitor");
    // nor do the home page and the library show HCP-only summaries to the public
    for path in ["/", "/content", "/content?area=cardiology"] {
        let list = TestHost::text(&host.get::<Content>(path));
        assert!(!list.contains("18,201 patients"), "{path}: HCP-only summary leaked");
    }
    let public = TestHost::text(&host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction"));
    assert!(public.contains("MedWatch"), "public body should be visible");
}

/// A session cookie for the seeded person `sub` with verification status `vs` (dev keys, the
/// host's clock).
fn session_cookie(host: &TestHost, sub: &str, vs: &str) -> String {
    use medportal_auth::{KeySet, SessionClaims, token};
    use medportal_core::ports::Clock;
    let now = host.platform.now();
    let claims = SessionClaims {
        iss: token::ISSUER.into(),
        aud: token::AUDIENCE.into(),
        sub: sub.into(),
        jti: "0123456789abcdefghjkmnpqrs".into(),
        rgn: "eu".into(),
        ctry: "DE".into(),
        roles: vec!["hcp".into()],
        vs: vs.into(),
        name: "Dr. Anna Müller".into(),
        csrf: "csrf-secret-0123456789".into(),
        auth_time: now.unix_timestamp(),
        mfa: false,
    };
    let keys = KeySet::from_config(&host.config).unwrap();
    format!("{}={}", medportal_auth::SESSION_COOKIE, pollster::block_on(token::issue(host.platform.signatures(), &keys, claims, now)).unwrap().0)
}

#[test]
fn hcp_only_items_are_visible_to_verified_hcps_only() {
    let host = seeded();
    let path = "/content/apixaban-aristotle-trial-summary";
    let get = |cookie: &str| TestHost::text(&host.send::<Content>(request("GET", path, &[("cookie", cookie)], vec![])));
    let verified = get(&session_cookie(&host, "eu-u-hcp-01", "verified"));
    assert!(verified.contains("target INR 2.0 to 3.0"), "a verified HCP must see the body");
    assert!(verified.contains("Dr. Anna Müller"), "the signed-in person is shown");
    let unverified = get(&session_cookie(&host, "eu-u-hcp-03", "unverified"));
    assert!(!unverified.contains("target INR 2.0 to 3.0"), "HCP-only body leaked to an unverified HCP");
    // a forged token (signature broken) counts as anonymous
    let mut forged = session_cookie(&host, "eu-u-hcp-01", "verified");
    forged.replace_range(forged.len() - 4.., "AAAA");
    let html = get(&forged);
    assert!(!html.contains("target INR 2.0 to 3.0"), "HCP-only body shown for a forged token");
    assert!(!html.contains("Dr. Anna Müller"));
}

#[test]
fn unknown_paths_and_methods_get_clear_errors() {
    let host = seeded();
    let resp = host.get::<Content>("/no/such/page");
    assert_eq!(resp.status(), 404);
    assert!(TestHost::text(&resp).contains("not_found"));
    assert_eq!(host.get::<Content>("/content/does-not-exist").status(), 404);
    let resp = host.send::<Content>(request("POST", "/", &[], vec![]));
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET, HEAD");
    let json = host.send::<Content>(request("GET", "/nope", &[("accept", "application/json")], vec![]));
    assert_eq!(json.status(), 404);
    let body: serde_json::Value = serde_json::from_slice(json.body()).unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[test]
fn stylesheet_is_immutable_and_every_response_is_secured() {
    let host = seeded();
    let css = host.get::<Content>(medportal_templates::CSS_PATH);
    assert_eq!(css.status(), 200);
    assert!(css.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    for path in ["/", "/content", "/nope", "/privacy", "/health/content"] {
        let resp = host.get::<Content>(path);
        for h in ["content-security-policy", "strict-transport-security", "x-content-type-options", "referrer-policy"] {
            assert!(resp.headers().contains_key(h), "{path} lacks {h}");
        }
    }
}

#[test]
fn legal_pages_render_in_both_languages() {
    let host = seeded();
    for path in ["/privacy", "/terms", "/imprint", "/accessibility"] {
        assert_eq!(host.get::<Content>(path).status(), 200, "{path}");
        let de = host.get::<Content>(&format!("{path}?lang=de"));
        assert_eq!(de.status(), 200);
        assert!(de.headers()["set-cookie"].to_str().unwrap().starts_with("lang=de"));
    }
}
