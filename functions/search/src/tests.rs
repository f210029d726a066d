use super::*;
use medportal_native::testing::TestHost;

#[test]
fn route_table_builds() {
    let _ = Search::routes();
}

#[test]
fn search_page_renders_and_escapes_the_query() {
    let host = TestHost::new();
    let resp = host.get::<Search>("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;"));
    assert_eq!(host.get::<Search>("/search").status(), 200);
}

#[test]
fn overlong_queries_are_refused_clearly() {
    let host = TestHost::new();
    let long = "a".repeat(201);
    let resp = host.get::<Search>(&format!("/search?q={long}"));
    assert_eq!(resp.status(), 400);
    assert!(TestHost::text(&resp).contains("query_too_long"));
}

#[test]
fn search_may_not_open_personal_files() {
    let host = TestHost::new();
    assert_eq!(host.get::<Search>("/dev/search/probe/blob_eu/x").status(), 403);
    assert_eq!(host.get::<Search>("/dev/search/probe/db_global/x").status(), 403);
}
