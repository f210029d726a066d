use super::*;
use medportal_core::Config;
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
