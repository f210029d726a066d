use super::*;
use medportal_native::testing::{TestHost, request};

#[test]
fn route_table_builds() {
    let _ = Inquiries::routes();
}

#[test]
fn landing_page_renders_in_both_languages() {
    let host = TestHost::new();
    let en = host.get::<Inquiries>("/inquiries");
    assert_eq!(en.status(), 200);
    assert!(TestHost::text(&en).contains("lang=\"en\""));
    let de = host.send::<Inquiries>(request("GET", "/inquiries", &[("accept-language", "de")], vec![]));
    assert!(TestHost::text(&de).contains("lang=\"de\""));
    assert_eq!(host.get::<Inquiries>("/health/inquiries").status(), 200);
    assert_eq!(host.send::<Inquiries>(request("DELETE", "/inquiries", &[], vec![])).status(), 405);
}
