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
