use super::*;
use medportal_auth::testing::Person;
use medportal_core::ports::{BlobStore, KvStore, SqlStore};
use medportal_core::{Config, Platform, Region, StoreKind, StoreName};
use medportal_native::testing::{CSRF, TestHost, request};
use serde_json::{Value, json};

const TOKEN: &str = "test-search-index-token-0123456789";

fn config() -> Config {
    Config::from_lookup(|k| match k {
        "dev_mode" => Some("true".into()),
        "search_index_token" => Some(TOKEN.into()),
        _ => None,
    })
    .unwrap()
}

fn host() -> TestHost {
    TestHost::new().with_config(config())
}

fn send(host: &TestHost, method: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Response {
    // The two deployables of this crate, routed as the manifests route them.
    let req = request(method, path, headers, body);
    if path.starts_with("/admin/search") { host.send::<SearchAdmin>(req) } else { host.send::<Search>(req) }
}

fn index(host: &TestHost, body: &Value) -> Response {
    let auth = format!("Bearer {TOKEN}");
    send(host, "POST", "/admin/search/index", &[("content-type", "application/json"), ("authorization", &auth)], body.to_string().into_bytes())
}

fn ok_json(resp: Response) -> Value {
    let text = TestHost::text(&resp);
    assert_eq!(resp.status(), 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

fn put_vocab(host: &TestHost) {
    let auth = format!("Bearer {TOKEN}");
    let resp = send(host, "PUT", "/admin/search/vocab", &[("authorization", &auth)], medportal_search_index::vocab::BUILTIN_BIN.to_vec());
    let v = ok_json(resp);
    assert!(v["phrases"].as_u64().unwrap() > 1000);
}

fn doc(id: &str, title: &str, body: &str, audience: &str, area: &str, product: &str) -> Value {
    json!({
        "id": id, "title": title, "summary": body, "body": body, "audience": audience,
        "therapeutic_areas": [area], "products": [product], "content_type": "clinical_summary",
        "published": "2026-05-04"
    })
}

/// The corpus of the tests: real molecules; brand names deliberately absent from the texts of
/// the items about the generic (and vice versa).
fn seeded() -> TestHost {
    let h = host();
    put_vocab(&h);
    ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("atorvastatin-ldl", "Atorvastatin and LDL cholesterol lowering", "Atorvastatin is a statin that inhibits HMG-CoA reductase and lowers LDL cholesterol in primary hypercholesterolaemia.", "hcp", "cardiology", "Atorvastatin"),
        doc("ozempic-dosing", "Ozempic once-weekly injection: practical dose escalation", "Ozempic is started at a low weekly dose and escalated every four weeks to improve gastrointestinal tolerability.", "public", "diabetes_endocrinology", "Ozempic"),
        doc("apixaban-af", "Apixaban in atrial fibrillation", "Apixaban reduced stroke and systemic embolism compared with warfarin in patients with atrial fibrillation.", "public", "cardiology", "Apixaban"),
        doc("pembrolizumab-irae", "Pembrolizumab immune-related adverse events", "Immune checkpoint inhibitors such as pembrolizumab can cause colitis, hepatitis and pneumonitis.", "hcp", "oncology", "Pembrolizumab"),
    ]})));
    ok_json(index(&h, &json!({"market": "DE", "language": "de", "upsert": [
        doc("metformin-typ-2", "Metformin bei Typ-2-Diabetes", "Metformin senkt die hepatische Glukoseproduktion.", "hcp", "diabetes_endocrinology", "Metformin"),
        doc("nebenwirkung-melden", "So melden Sie eine vermutete Nebenwirkung", "Jede und jeder kann eine vermutete Nebenwirkung melden, zum Beispiel zu Metformin.", "public", "general", ""),
    ]})));
    ok_json(index(&h, &json!({"market": "US", "language": "en", "upsert": [
        doc("us-atorvastatin-label", "Atorvastatin US prescribing information highlights", "Atorvastatin dosing in the United States prescribing information.", "hcp", "cardiology", "Atorvastatin"),
    ]})));
    h
}

/// A session in `country` (its region's test person with `roles`), named Dr. Test.
fn session(roles: &[&str], verified: bool, country: &str, mfa: bool) -> String {
    let region = Region::for_country(country);
    let sub = format!("{}-u-test-{}", region.code(), roles.join("-"));
    let vs = if verified { "verified" } else { "unverified" };
    let who = Person { sub: &sub, rgn: region.code(), ctry: country, roles, vs, name: "Dr. Test", mfa };
    who.cookie_signed(&medportal_core::ports::dalek::Dalek, &config(), time::OffsetDateTime::now_utc())
}

fn get(host: &TestHost, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut headers = vec![];
    if let Some(c) = cookie {
        headers.push(("cookie", c));
    }
    let resp = send(host, "GET", path, &headers, Vec::new());
    (resp.status().as_u16(), TestHost::text(&resp))
}

/// Item slugs in the result list, in rank order.
fn hits(html: &str) -> Vec<String> {
    html.split("to=%2Fcontent%2F").skip(1).map(|s| s[..s.find('&').unwrap()].to_owned()).collect()
}

fn blob_keys(host: &TestHost, prefix: &str) -> Vec<String> {
    let blob = pollster::block_on(host.platform.open_blob(StoreName::Global(StoreKind::Blob))).unwrap();
    pollster::block_on(blob.list(prefix, 10_000)).unwrap()
}

fn rows(host: &TestHost, region: &str, sql: &str) -> Vec<medportal_core::ports::Row> {
    let r = Region::from_code(region).unwrap();
    let db = pollster::block_on(host.platform.open_sql(StoreName::Regional(StoreKind::Sql, r))).unwrap();
    pollster::block_on(db.query(sql, &[])).unwrap()
}

#[test]
fn route_tables_build() {
    let _ = Search::routes();
    let _ = SearchAdmin::routes();
}

#[test]
fn search_page_renders_and_escapes_the_query() {
    let host = seeded();
    let resp = host.get::<Search>("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;script&gt;"));
    assert_eq!(host.get::<Search>("/search").status(), 200);
    // before any index exists the page says so instead of failing
    let (status, html) = get(&TestHost::new(), "/search?q=metformin", None);
    assert_eq!(status, 200);
    assert!(html.contains("search index is being prepared"), "{html}");
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

#[test]
fn brand_and_generic_names_find_each_other() {
    let h = seeded();
    let hcp = session(&["hcp"], true, "GB", false);
    // "Lipitor" appears in no item; the atorvastatin item is found through the vocabulary
    let (_, html) = get(&h, "/search?q=Lipitor", Some(&hcp));
    assert_eq!(hits(&html).first().map(String::as_str), Some("atorvastatin-ldl"), "{html}");
    assert!(html.contains("<mark>Atorvastatin</mark>"), "brand query highlights the generic name");
    // and the other way round: the Ozempic item for "semaglutide"
    let (_, html) = get(&h, "/search?q=semaglutide", None);
    assert_eq!(hits(&html).first().map(String::as_str), Some("ozempic-dosing"), "{html}");
}

#[test]
fn one_typo_finds_the_same_top_result() {
    let h = seeded();
    let hcp = session(&["hcp"], true, "GB", false);
    for (right, typo) in [("atorvastatin", "atorvastatn"), ("pembrolizumab", "pembrolizumb"), ("apixaban", "apixabam")] {
        let (_, good) = get(&h, &format!("/search?q={right}"), Some(&hcp));
        let (_, bad) = get(&h, &format!("/search?q={typo}"), Some(&hcp));
        let top = hits(&good).first().cloned();
        assert!(top.is_some(), "{right}");
        assert_eq!(hits(&bad).first().cloned(), top, "{typo}");
        assert!(bad.contains("Did you mean:"), "{typo}: {bad}");
    }
}

#[test]
fn visibility_follows_verification_market_and_language() {
    let h = seeded();
    // anonymous: public items only, and a hint that more exist for verified HCPs
    let (_, html) = get(&h, "/search?q=atrial+fibrillation+atorvastatin", None);
    let anon = hits(&html);
    assert!(anon.contains(&"apixaban-af".to_owned()), "{html}");
    assert!(!anon.contains(&"atorvastatin-ldl".to_owned()));
    assert!(html.contains("available to verified healthcare professionals only"), "{html}");
    // a verified HCP in GB also sees HCP items, but not the US-only item
    let gb = session(&["hcp"], true, "GB", false);
    let (_, html) = get(&h, "/search?q=atorvastatin", Some(&gb));
    assert_eq!(hits(&html), vec!["atorvastatin-ldl".to_owned()], "{html}");
    // a verified HCP in the US sees the US item too
    let us = session(&["hcp"], true, "US", false);
    let (_, html) = get(&h, "/search?q=atorvastatin", Some(&us));
    let mut got = hits(&html);
    got.sort();
    assert_eq!(got, vec!["atorvastatin-ldl".to_owned(), "us-atorvastatin-label".to_owned()]);
    // an unverified HCP sees public items only
    let unverified = session(&["hcp"], false, "US", false);
    let (_, html) = get(&h, "/search?q=atorvastatin", Some(&unverified));
    assert!(hits(&html).is_empty(), "{html}");
    assert!(html.contains("href=\"/verify\""));
    // German page language: the German market's content for a German HCP…
    let de = session(&["hcp"], true, "DE", false);
    let (_, html) = get(&h, "/search?q=metformin&lang=de", Some(&de));
    let mut got = hits(&html);
    got.sort();
    assert_eq!(got, vec!["metformin-typ-2".to_owned(), "nebenwirkung-melden".to_owned()], "{html}");
    // …which nobody else sees, and anonymous visitors only when they pick Germany
    let (_, html) = get(&h, "/search?q=metformin&lang=de", Some(&gb));
    assert!(hits(&html).is_empty());
    let (_, html) = get(&h, "/search?q=metformin&lang=de&market=DE", None);
    assert_eq!(hits(&html), vec!["nebenwirkung-melden".to_owned()]);
    // English page: English content by default; all languages on request
    let (_, html) = get(&h, "/search?q=metformin", Some(&de));
    assert!(hits(&html).is_empty());
    let (_, html) = get(&h, "/search?q=metformin&language=all", Some(&de));
    assert_eq!(hits(&html).len(), 2);
}

#[test]
fn facets_filter_exactly_and_count() {
    let h = seeded();
    let gb = session(&["hcp"], true, "GB", false);
    let (_, html) = get(&h, "/search?q=cholesterol+fibrillation+pembrolizumab", Some(&gb));
    assert_eq!(hits(&html).len(), 3, "{html}");
    assert!(html.contains("Cardiology (2)") && html.contains("Oncology (1)"), "{html}");
    let (_, html) = get(&h, "/search?q=cholesterol+fibrillation+pembrolizumab&area=oncology", Some(&gb));
    assert_eq!(hits(&html), vec!["pembrolizumab-irae".to_owned()]);
    // disjunctive counts: the other areas stay selectable with their counts
    assert!(html.contains("Cardiology (2)"), "{html}");
    let (_, html) = get(&h, "/search?q=cholesterol+fibrillation+pembrolizumab&year=2025", Some(&gb));
    assert!(hits(&html).is_empty());
    let (_, html) = get(&h, "/search?q=cholesterol+fibrillation&from=2026-05-01&to=2026-05-31&product=Apixaban", Some(&gb));
    assert_eq!(hits(&html), vec!["apixaban-af".to_owned()]);
    assert_eq!(get(&h, "/search?q=x&from=2026-13-01", None).0, 400);
}

#[test]
fn withdrawn_items_disappear_and_replacements_update() {
    let h = seeded();
    let (_, html) = get(&h, "/search?q=apixaban", None);
    assert_eq!(hits(&html), vec!["apixaban-af".to_owned()]);
    let r = ok_json(index(&h, &json!({"market": "global", "language": "en", "withdraw": ["apixaban-af", "never-indexed"]})));
    assert_eq!((r["withdrawn"].as_u64(), r["not_found"][0].as_str()), (Some(1), Some("never-indexed")));
    let (_, html) = get(&h, "/search?q=apixaban", None);
    assert!(hits(&html).is_empty(), "{html}");
    // an upsert replaces: the old text is no longer found, the new one is
    ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("ozempic-dosing", "Ozempic: storage of pens", "Keep unused pens in a refrigerator.", "public", "diabetes_endocrinology", "Ozempic"),
    ]})));
    assert!(hits(&get(&h, "/search?q=escalated", None).1).is_empty());
    assert_eq!(hits(&get(&h, "/search?q=refrigerator", None).1), vec!["ozempic-dosing".to_owned()]);
}

#[test]
fn publishing_is_incremental_generational_and_collects_garbage() {
    let h = seeded();
    let generation = |h: &TestHost| ok_json(index(h, &json!({"market": "global", "language": "en", "withdraw": ["nothing-here"]})))["generation"].as_u64().unwrap();
    let g0 = generation(&h);
    let r = ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("empagliflozin-hf", "Empagliflozin in heart failure", "EMPEROR-Reduced.", "hcp", "cardiology", "Empagliflozin"),
    ]})));
    assert_eq!(r["generation"].as_u64(), Some(g0 + 1));
    // one item: one small segment, not a rebuild of the world
    assert!(r["new_chunks"].as_u64().unwrap() <= 8, "{r}");
    // stale writers are refused, nothing published
    let resp = index(&h, &json!({"market": "global", "language": "en", "expected_generation": g0, "upsert": [doc("x-1", "X", "x", "public", "general", "")]}));
    assert_eq!(resp.status(), 409);
    assert!(TestHost::text(&resp).contains("stale_generation"));
    assert!(hits(&get(&h, "/search?q=X", None).1).is_empty());
    // many publishes later the store holds only the live and the previous generation
    for i in 0..12 {
        ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
            doc(&format!("item-{i}"), &format!("Item {i} about warfarin"), "Warfarin monitoring.", "public", "cardiology", "Warfarin"),
        ]})));
    }
    let blob = pollster::block_on(h.platform.open_blob(StoreName::Global(StoreKind::Blob))).unwrap();
    let meta_of = |k: &str| medportal_search_index::format::decode_meta(&pollster::block_on(blob.get(k)).unwrap().unwrap().bytes).unwrap();
    let cur = meta_of("search/v1/idx/global-en/meta");
    let prev = meta_of("search/v1/idx/global-en/meta.prev");
    let mut live: std::collections::HashSet<String> = std::collections::HashSet::new();
    for m in [&cur, &prev] {
        for s in &m.segments {
            live.extend(s.chunk_refs().map(|r| format!("search/v1/idx/global-en/chunk/{}", r.id)));
        }
    }
    let stored: std::collections::HashSet<String> = blob_keys(&h, "search/v1/idx/global-en/chunk/").into_iter().collect();
    assert_eq!(stored, live, "only chunks of the current and the previous generation remain");
    assert!(cur.segments.len() <= medportal_search_index::builder::MAX_SEGMENTS);
    // 12 items plus the apixaban item (it mentions warfarin): 10 on page 1, 3 on page 2
    assert_eq!(hits(&get(&h, "/search?q=warfarin&page=2", None).1).len(), 3);
}

#[test]
fn the_entry_point_refuses_bad_tokens_and_bad_input_and_writes_nothing() {
    let h = host();
    let body = json!({"market": "global", "language": "en", "upsert": [doc("a-1", "A", "a", "public", "general", "")]}).to_string();
    let json_ct = ("content-type", "application/json");
    let resp = send(&h, "POST", "/admin/search/index", &[json_ct], body.clone().into_bytes());
    assert_eq!(resp.status(), 401);
    let resp = send(&h, "POST", "/admin/search/index", &[json_ct, ("authorization", "Bearer wrong-token-wrong-token-wrong")], body.clone().into_bytes());
    assert_eq!(resp.status(), 403);
    assert!(TestHost::text(&resp).contains("invalid_token"));
    let resp = send(&h, "PUT", "/admin/search/vocab", &[("authorization", "Bearer nope")], b"x".to_vec());
    assert_eq!(resp.status(), 403);
    for (bad, code) in [
        (json!({"market": "Germany", "language": "de", "withdraw": ["a"]}), "invalid_market"),
        (json!({"market": "DE", "language": "deutsch", "withdraw": ["a"]}), "invalid_language"),
        (json!({"market": "DE", "language": "de"}), "empty_batch"),
        (json!({"market": "DE", "language": "de", "withdraw": ["../x"]}), "invalid_id"),
        (json!({"market": "DE", "language": "de", "upsert": [doc("a b", "A", "", "public", "", "")]}), "invalid_document"),
        (json!({"market": "DE", "language": "de", "upsert": [doc("a", "", "", "public", "", "")]}), "invalid_document"),
        (json!({"market": "DE", "language": "de", "upsert": [doc("a", "A", "", "everyone", "", "")]}), "invalid_document"),
        (json!({"market": "DE", "language": "de", "upsert": [doc("a", "A", "", "public", "", ""), doc("a", "B", "", "public", "", "")]}), "duplicate_id"),
        (json!({"market": "DE", "language": "de", "upsert": [doc("a", "A", "", "public", "", "")], "withdraw": ["a"]}), "conflicting_ids"),
        (json!({"market": "DE", "language": "de", "upsert": [], "extra": 1}), "invalid_json"),
    ] {
        let resp = index(&h, &bad);
        assert_eq!(resp.status(), 400, "{bad}");
        assert!(TestHost::text(&resp).contains(code), "{bad}: {}", TestHost::text(&resp));
    }
    let mut d = doc("a", "A", "", "public", "", "");
    d["published"] = json!("2026-02-30");
    assert_eq!(index(&h, &json!({"market": "DE", "language": "de", "upsert": [d]})).status(), 400);
    let auth = format!("Bearer {TOKEN}");
    let resp = send(&h, "PUT", "/admin/search/vocab", &[("authorization", &auth)], b"not a vocabulary".to_vec());
    assert_eq!(resp.status(), 400);
    assert!(blob_keys(&h, "").is_empty(), "nothing may be written");
    for region in ["eu", "us"] {
        assert!(rows(&h, region, "SELECT seq FROM audit_entries WHERE action LIKE 'search.%'").is_empty());
    }
    // outside dev mode without a configured token, indexing is refused outright
    let prod = TestHost::new().with_config(Config::from_lookup(|k| (k == "public_origin").then(|| "https://portal.example.com".into())).unwrap());
    let resp = send(&prod, "POST", "/admin/search/index", &[json_ct, ("authorization", &format!("Bearer {}", Config::DEV_SEARCH_INDEX_TOKEN))], body.into_bytes());
    assert_eq!(resp.status(), 403);
    assert!(TestHost::text(&resp).contains("indexing_not_configured"));
}

#[test]
fn every_index_change_is_audited_in_the_markets_region() {
    let h = seeded();
    let audit = |region| rows(&h, region, "SELECT actor, action, object, outcome, reason FROM audit_entries WHERE action LIKE 'search.%' ORDER BY at");
    let eu = audit("eu");
    assert!(eu.iter().any(|r| r.text(2).unwrap() == "search-index:DE-de" && r.text(0).unwrap() == "system:publishing"));
    let us = audit("us");
    assert!(us.iter().any(|r| r.text(2).unwrap() == "search-index:global-en" && r.text(1).unwrap() == "search.index.publish"));
    assert!(us.iter().any(|r| r.text(1).unwrap() == "search.vocab.update"));
    assert!(us.iter().all(|r| r.text(3).unwrap() == "success"));
}

#[test]
fn suggestions_are_json_and_respect_visibility() {
    let h = seeded();
    let (status, body) = get(&h, "/search/suggest?q=atorv", Some(&session(&["hcp"], true, "GB", false)));
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["suggestions"].as_array().unwrap().iter().any(|s| s == "atorvastatin"), "{v}");
    // the only atorvastatin items are HCP-only: anonymous visitors get no such suggestion
    let (_, body) = get(&h, "/search/suggest?q=atorv", None);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["suggestions"].as_array().unwrap().is_empty(), "{v}");
    let (_, body) = get(&h, "/search/suggest?q=apix", None);
    assert!(body.contains("apixaban"), "{body}");
    for (q, code) in [("", "missing_query"), ("q=", "missing_query"), (&format!("q={}", "a".repeat(201)), "query_too_long"), ("q=%FF", "invalid_encoding")] {
        let (status, body) = get(&h, &format!("/search/suggest?{q}"), None);
        assert_eq!(status, 400, "{q}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], code, "{q}");
    }
}

#[test]
fn clicks_redirect_internally_and_record_signals_by_verification() {
    let h = seeded();
    let verified = session(&["hcp"], true, "DE", false);
    let (_, html) = get(&h, "/search?q=metformin&lang=de", Some(&verified));
    let href = html.split("href=\"/search/click?").nth(1).unwrap();
    let href = format!("/search/click?{}", &href[..href.find('"').unwrap()]).replace("&amp;", "&");
    let resp = send(&h, "GET", &href, &[("cookie", &verified)], vec![]);
    assert_eq!(resp.status(), 303);
    assert!(resp.headers()["location"].to_str().unwrap().starts_with("/content/"));
    let ev = rows(&h, "eu", "SELECT query, result_count, zero_result, id FROM search_events");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].opt_text(0).unwrap().as_deref(), Some("metformin"), "verified: query text kept");
    let clicks = rows(&h, "eu", "SELECT search_id, rank, time_to_click_ms FROM search_clicks");
    assert_eq!((clicks[0].text(0).unwrap(), clicks[0].int(1).unwrap()), (ev[0].text(3).unwrap(), 1));
    // a follow-up search from the results page is a reformulation
    let sid = ev[0].text(3).unwrap();
    get(&h, &format!("/search?q=metformin+diabetes&lang=de&prev={sid}"), Some(&verified));
    let ev = rows(&h, "eu", "SELECT reformulation, previous_query FROM search_events ORDER BY at");
    assert_eq!((ev[1].int(0).unwrap(), ev[1].opt_text(1).unwrap().as_deref()), (1, Some("metformin")));
    // unverified: the event without the query text, in their own region
    let unverified = session(&["hcp"], false, "US", false);
    get(&h, "/search?q=zzzzqqq", Some(&unverified));
    let ev = rows(&h, "us", "SELECT query, zero_result FROM search_events");
    assert_eq!((ev[0].opt_text(0).unwrap(), ev[0].int(1).unwrap()), (None, 1));
    assert!(rows(&h, "eu", "SELECT id FROM search_events WHERE user_id LIKE 'us-%'").is_empty());
    // anonymous: counters only
    get(&h, "/search?q=apixaban", None);
    let resp = send(&h, "GET", "/search/click?to=/content/apixaban-af&r=2&t=0", &[], vec![]);
    assert_eq!(resp.status(), 303);
    let ctx = medportal_core::Ctx::new(&h.platform, &h.config, Function::Search);
    let day = { let d = ctx.now().date(); format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()) };
    assert_eq!(pollster::block_on(signals::aggregate(&ctx, &day, signals::Metric::Searches)).unwrap(), 1);
    assert_eq!(pollster::block_on(signals::aggregate(&ctx, &day, signals::Metric::Clicks)).unwrap(), 1);
    // one SQL row per day and metric (the click's rank too; `t=0` is too old to be timed),
    // nothing in the key-value store
    let counts = rows(&h, "us", "SELECT metric, n FROM search_signal_counts ORDER BY metric");
    let counts: Vec<(String, i64)> = counts.iter().map(|r| (r.text(0).unwrap(), r.int(1).unwrap())).collect();
    assert_eq!(counts.iter().map(|(m, n)| (m.as_str(), *n)).collect::<Vec<_>>(), [("click_rank_2", 1), ("clicks", 1), ("searches", 1)]);
    let kv = pollster::block_on(ctx.global_kv()).unwrap();
    assert!(pollster::block_on(kv.list("search-agg/", 10)).unwrap().is_empty());
    // counters kept in the key-value store before migration 0021 are still added in
    pollster::block_on(kv.put(&format!("search-agg/{day}/searches/3"), b"40", None)).unwrap();
    assert_eq!(pollster::block_on(signals::aggregate(&ctx, &day, signals::Metric::Searches)).unwrap(), 41);
    // no open redirect
    for bad in ["//evil.example", "https://evil.example/", "/content/../admin", "/content/a%0d%0aSet-Cookie:x"] {
        let resp = send(&h, "GET", &format!("/search/click?to={}&r=1", medportal_core::web::url_encode(bad)), &[], vec![]);
        assert_eq!(resp.status(), 400, "{bad}");
        assert!(resp.headers().get("location").is_none());
    }
}

#[test]
fn admin_page_needs_the_policy_action_and_rebuild_needs_csrf() {
    let h = seeded();
    assert_eq!(get(&h, "/admin/search", None).0, 401);
    assert_eq!(get(&h, "/admin/search", Some(&session(&["hcp"], true, "DE", false))).0, 403);
    // staff roles count only with a second factor
    assert_eq!(get(&h, "/admin/search", Some(&session(&["admin"], true, "DE", false))).0, 403);
    let admin = session(&["admin"], true, "DE", true);
    let (status, html) = get(&h, "/admin/search", Some(&admin));
    assert_eq!(status, 200);
    assert!(html.contains("<code>global-en</code>") && html.contains("<code>DE-de</code>"), "{html}");
    let form = |csrf: &str| format!("csrf={csrf}&index=global-en").into_bytes();
    let ct = ("content-type", "application/x-www-form-urlencoded");
    let resp = send(&h, "POST", "/admin/search/rebuild", &[ct, ("cookie", &admin)], form("wrong"));
    assert_eq!(resp.status(), 403);
    let resp = send(&h, "POST", "/admin/search/rebuild", &[ct, ("cookie", &admin), ("origin", "https://evil.example")], form(CSRF));
    assert_eq!(resp.status(), 403);
    let resp = send(&h, "POST", "/admin/search/rebuild", &[ct, ("cookie", &session(&["hcp"], true, "DE", false))], form(CSRF));
    assert_eq!(resp.status(), 403);
    let before = rows(&h, "eu", "SELECT seq FROM audit_entries WHERE action = 'search.index.rebuild'").len();
    assert_eq!(before, 0);
    let resp = send(&h, "POST", "/admin/search/rebuild", &[ct, ("cookie", &admin)], form(CSRF));
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert_eq!(resp.headers()["location"], "/admin/search?rebuilt=global-en");
    let (_, html) = get(&h, "/admin/search?rebuilt=global-en", Some(&admin));
    assert!(html.contains("Index global-en was rebuilt") && html.contains("Last rebuild completed"), "{html}");
    // audited with the admin's id in their home region; search still works
    let a = rows(&h, "eu", "SELECT actor FROM audit_entries WHERE action = 'search.index.rebuild'");
    assert_eq!(a.len(), 1);
    assert!(a[0].text(0).unwrap().starts_with("eu-u-test"));
    assert_eq!(hits(&get(&h, "/search?q=Lipitor", Some(&session(&["hcp"], true, "GB", false))).1).first().map(String::as_str), Some("atorvastatin-ldl"));
}

#[test]
fn the_enhancement_script_is_served_same_origin() {
    let h = TestHost::new();
    let resp = h.get::<Search>("/search/suggest.js");
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(!resp.headers()["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
    let (_, html) = get(&seeded(), "/search?q=x", None);
    assert!(html.contains("<script src=\"/search/suggest.js\" defer></script>"));
}

#[test]
fn a_searcher_opened_before_the_vocabulary_arrives_picks_it_up() {
    let h = host();
    ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("apixaban-af", "Apixaban in atrial fibrillation", "Apixaban reduced stroke.", "public", "cardiology", "Apixaban"),
    ]})));
    // no vocabulary yet: the brand name finds nothing, the generic name works
    assert!(hits(&get(&h, "/search?q=Eliquis", None).1).is_empty());
    assert_eq!(hits(&get(&h, "/search?q=apixaban", None).1), vec!["apixaban-af".to_owned()]);
    put_vocab(&h);
    assert_eq!(hits(&get(&h, "/search?q=Eliquis", None).1), vec!["apixaban-af".to_owned()]);
}

/// Readers open the head: after every publish it holds each registered index's and view's
/// current meta; a search sees a publish through it, and a store without a head (written
/// before heads existed) is read through the registry and the metas.
#[test]
fn the_head_names_every_current_meta_and_stores_without_one_still_work() {
    let h = seeded();
    let blob = pollster::block_on(h.platform.open_blob(StoreName::Global(StoreKind::Blob))).unwrap();
    let check_head = || {
        let head = pollster::block_on(store::head(&blob)).unwrap().expect("a head");
        let registry = pollster::block_on(store::registry(&blob)).unwrap();
        assert_eq!(head.registry(), registry);
        assert_eq!(head.entries.len(), 2 * registry.len(), "every index and its view");
        for e in &head.entries {
            let meta = pollster::block_on(store::get(&blob, &e.key.meta_key())).unwrap().unwrap();
            assert_eq!((&e.meta, e.hash), (&meta, medportal_search_index::ChunkId::of(&meta).0), "{}", e.key.name());
        }
    };
    check_head();
    assert!(hits(&get(&h, "/search?q=rosuvastatin", None).1).is_empty());
    ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("rosuvastatin-ldl", "Rosuvastatin and LDL", "Rosuvastatin lowers LDL cholesterol.", "public", "cardiology", "Rosuvastatin"),
    ]})));
    check_head();
    assert_eq!(hits(&get(&h, "/search?q=rosuvastatin", None).1), vec!["rosuvastatin-ldl".to_owned()]);
    // readers go by the head alone: one that names no index leaves nothing to search
    pollster::block_on(blob.put(store::HEAD_KEY, &store::Head::default().encode(), "application/octet-stream")).unwrap();
    assert!(hits(&get(&h, "/search?q=rosuvastatin", None).1).is_empty());
    // a store from before heads: the registry and the metas
    pollster::block_on(blob.delete(store::HEAD_KEY)).unwrap();
    assert_eq!(hits(&get(&h, "/search?q=rosuvastatin", None).1), vec!["rosuvastatin-ldl".to_owned()]);
    ok_json(index(&h, &json!({"market": "global", "language": "en", "withdraw": ["rosuvastatin-ldl"]})));
    check_head();
    assert!(hits(&get(&h, "/search?q=rosuvastatin", None).1).is_empty());
}

/// The vocabulary is stored as uploaded and split into parts named by a directory; searches
/// (synonyms, typo tolerance, suggestions) work from the parts, and a store written before the
/// split (the whole vocabulary only) still gives synonyms.
#[test]
fn the_vocabulary_is_read_split_and_whole_stores_still_work() {
    let h = seeded();
    let blob = pollster::block_on(h.platform.open_blob(StoreName::Global(StoreKind::Blob))).unwrap();
    let parts = || pollster::block_on(blob.list(store::VOCAB_PART_PREFIX, 1000)).unwrap();
    let dir = pollster::block_on(store::get(&blob, store::VOCAB_DIR_KEY)).unwrap().expect("a directory");
    let named = medportal_search_index::Vocab::open_split(&dir).unwrap().part_ids();
    assert_eq!(parts().len(), named.len());
    assert!(named.iter().all(|id| parts().contains(&store::vocab_part_key(*id))));
    engine::forget_vocab();
    let hcp = session(&["hcp"], true, "GB", false);
    assert_eq!(hits(&get(&h, "/search?q=Lipitor", Some(&hcp)).1).first().map(String::as_str), Some("atorvastatin-ldl"));
    let (_, typo) = get(&h, "/search?q=lipitorr", Some(&hcp));
    assert!(typo.contains("Did you mean:"), "{typo}");
    let (_, json) = get(&h, "/search/suggest?q=atorv", Some(&hcp));
    assert!(json.contains("atorvastatin"), "{json}");
    // uploading it again changes no part, and a stray part is swept
    pollster::block_on(blob.put(&store::vocab_part_key(medportal_search_index::ChunkId(7)), b"x", "application/octet-stream")).unwrap();
    put_vocab(&h);
    assert_eq!(parts().len(), named.len());
    // a store from before the split: the whole vocabulary only
    pollster::block_on(blob.delete(store::VOCAB_DIR_KEY)).unwrap();
    engine::forget_vocab();
    assert_eq!(hits(&get(&h, "/search?q=Lipitor", Some(&hcp)).1).first().map(String::as_str), Some("atorvastatin-ldl"));
}

#[test]
fn hostile_queries_get_pages_not_failures() {
    let h = seeded();
    let hcp = session(&["hcp"], true, "DE", false);
    let long_accents = "é".repeat(200);
    let nasty = [
        "İstanbul ǅ ﬀ ß ΣΑΣ", "🙂🙂 atorvastatin 🙂", "a\u{0301}\u{0301}\u{0301}", "עברית العربية", "\u{200b}\u{feff}",
        "--", "\"\"''<>&;", "%", "x", "atorvastatin-", "-atorvastatin", "IL-6 COVID-19 GLP-1", "0000000000000000000000000000",
        long_accents.as_str(), "heart attack heart attack heart attack heart attack", "a b c d e f g h i j k l m n o p",
    ];
    for q in nasty {
        let enc = medportal_core::web::url_encode(q);
        for path in [format!("/search?q={enc}"), format!("/search?q={enc}&language=all&lang=de"), format!("/search/suggest?q={enc}")] {
            for cookie in [None, Some(hcp.as_str())] {
                let (status, body) = get(&h, &path, cookie);
                assert!(status == 200 || (status == 400 && body.contains("query_too_long")), "{path}: {status} {body}");
            }
        }
    }
}

/// Finding 8: the anonymous results page (the count of results for verified HCPs and its
/// wording included) is the same whether or not a word, or a near spelling of it, occurs in
/// the body of an HCP-only item; the item's public fields (title, taxonomy) still count.
#[test]
fn an_hcp_only_body_does_not_change_what_anonymous_visitors_see() {
    let with_body = |body: &str| {
        let h = seeded();
        ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
            doc("ravulizumab-interim", "Confidential interim analysis", body, "hcp", "haematology", "Ultomiris"),
        ]})));
        h
    };
    let secret = with_body("Interim data of zelnoravimab in paroxysmal nocturnal haemoglobinuria.");
    let without = with_body("Interim data in paroxysmal nocturnal haemoglobinuria.");
    let hcp = session(&["hcp"], true, "GB", false);
    assert_eq!(hits(&get(&secret, "/search?q=zelnoravimab", Some(&hcp)).1), vec!["ravulizumab-interim".to_owned()], "the word is indexed");
    // the exact word, one-letter typos (an edit and a transposition) and the word with a public one
    for q in ["zelnoravimab", "zelnoravimeb", "zelnoravmiab", "zelnoravimab+apixaban", "zelnoravimab&market=DE"] {
        let (status, page) = get(&secret, &format!("/search?q={q}"), None);
        assert_eq!(status, 200);
        assert!(!page.contains("verified healthcare professionals only"), "{q}: {page}");
        assert!(!page.to_lowercase().contains("zelnoravimab") || q.starts_with("zelnoravimab"), "{q}: did-you-mean leaks the word: {page}");
        // the same page but for the time anonymous result links carry (`t=<ms>`)
        let untimed = |p: &str| p.split("&amp;t=").map(|s| s.trim_start_matches(|c: char| c.is_ascii_digit())).collect::<Vec<_>>().join("&amp;t=");
        assert_eq!(untimed(&page), untimed(&get(&without, &format!("/search?q={q}"), None).1), "{q}: the anonymous page depends on an HCP-only body");
        let unverified = session(&["hcp"], false, "GB", false);
        assert!(!get(&secret, &format!("/search?q={q}"), Some(&unverified)).1.contains("verified healthcare professionals only"), "{q}");
    }
    for prefix in ["zelnor", "zelnorav"] {
        let (_, body) = get(&secret, &format!("/search/suggest?q={prefix}"), None);
        assert!(!body.contains("zelnoravimab"), "{body}");
    }
    // public fields of HCP-only items still count: title words (and a typo of one), taxonomy
    for q in ["confidential+interim", "confidentail", "ultomiris", "haematology"] {
        let (_, page) = get(&secret, &format!("/search?q={q}"), None);
        assert!(page.contains("1 further result is available to verified healthcare professionals only"), "{q}: {page}");
    }
    // rebuilding keeps the view: same answers
    let admin = session(&["admin"], true, "DE", true);
    let resp = send(&secret, "POST", "/admin/search/rebuild", &[("content-type", "application/x-www-form-urlencoded"), ("cookie", &admin)], format!("csrf={CSRF}&index=global-en").into_bytes());
    assert_eq!(resp.status(), 303, "{}", TestHost::text(&resp));
    assert!(!get(&secret, "/search?q=zelnoravimeb", None).1.contains("verified healthcare professionals only"));
    assert!(get(&secret, "/search?q=confidential", None).1.contains("1 further result"));
    assert_eq!(hits(&get(&secret, "/search?q=zelnoravimab", Some(&hcp)).1), vec!["ravulizumab-interim".to_owned()]);
}

/// An index published before public views existed gets its view at its next publish, built from
/// all its live documents.
#[test]
fn a_missing_public_view_is_built_from_the_whole_index() {
    let h = seeded();
    let blob = pollster::block_on(h.platform.open_blob(StoreName::Global(StoreKind::Blob))).unwrap();
    for k in blob_keys(&h, "search/v1/idx/global-en.public/") {
        pollster::block_on(blob.delete(&k)).unwrap();
    }
    assert!(hits(&get(&h, "/search?q=apixaban", None).1).is_empty(), "no view, nothing for anonymous visitors");
    ok_json(index(&h, &json!({"market": "global", "language": "en", "upsert": [
        doc("warfarin-inr", "Warfarin INR monitoring", "INR targets.", "public", "cardiology", "Warfarin"),
    ]})));
    assert_eq!(hits(&get(&h, "/search?q=apixaban", None).1), vec!["apixaban-af".to_owned()]);
    assert_eq!(hits(&get(&h, "/search?q=warfarin+inr", None).1).first().map(String::as_str), Some("warfarin-inr"));
    assert!(get(&h, "/search?q=atorvastatin", None).1.contains("1 further result"));
    assert!(!get(&h, "/search?q=hypercholesterolaemia", None).1.contains("further result"), "body words of HCP items stay out");
}

/// Finding 10: anonymous signals count at most `ANONYMOUS_SIGNALS_PER_HOUR` per client address
/// (the address the platform established; request headers do not change it). Beyond that the
/// search still answers and the click still redirects.
#[test]
fn anonymous_signals_are_limited_per_client_address() {
    let h = seeded();
    let from = |addr: Option<&str>, path: &str, headers: &[(&str, &str)]| {
        let mut req = request("GET", path, headers, Vec::new());
        req.extensions_mut().remove::<medportal_core::web::ClientAddress>();
        if let Some(a) = addr {
            req.extensions_mut().insert(medportal_core::web::ClientAddress(a.into()));
        }
        h.send::<Search>(req)
    };
    let ctx = medportal_core::Ctx::new(&h.platform, &h.config, Function::Search);
    let day = { let d = ctx.now().date(); format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()) };
    let total = |m| pollster::block_on(signals::aggregate(&ctx, &day, m)).unwrap();
    let limit = signals::ANONYMOUS_SIGNALS_PER_HOUR as usize;
    for _ in 0..limit - 1 {
        assert_eq!(from(Some("203.0.113.7"), "/search/click?to=/content/apixaban-af&r=1", &[]).status(), 303);
    }
    let resp = from(Some("203.0.113.7"), "/search?q=apixaban", &[]);
    assert_eq!(hits(&TestHost::text(&resp)), vec!["apixaban-af".to_owned()]);
    assert_eq!((total(signals::Metric::Clicks), total(signals::Metric::Searches)), (limit as u64 - 1, 1));
    // over the limit: answered as before, not counted; forged address headers change nothing
    let forged = [("cf-connecting-ip", "198.51.100.1"), ("x-forwarded-for", "198.51.100.2")];
    for _ in 0..5 {
        assert_eq!(from(Some("203.0.113.7"), "/search/click?to=/content/apixaban-af&r=1", &forged).status(), 303);
        let resp = from(Some("203.0.113.7"), "/search?q=apixaban", &forged);
        assert_eq!((resp.status().as_u16(), hits(&TestHost::text(&resp))), (200, vec!["apixaban-af".to_owned()]));
    }
    assert_eq!((total(signals::Metric::Clicks), total(signals::Metric::Searches)), (limit as u64 - 1, 1));
    // another address is counted; no address is not (no shared bucket)
    from(Some("2001:db8::1"), "/search?q=apixaban", &[]);
    for i in 0..limit as u32 + 5 {
        from(Some(&format!("2001:db8::{:x}:{:x}", i >> 16, i & 0xffff)), "/search/click?to=/content/apixaban-af&r=1", &[]);
    }
    assert_eq!(total(signals::Metric::Clicks), 2 * limit as u64 - 2, "one /64 network is one address");
    from(None, "/search?q=apixaban", &[]);
    assert_eq!(total(signals::Metric::Searches), 2);
    // the counters hold pseudonyms, never the address
    let stored = rows(&h, "us", "SELECT subject, count FROM search_signal_limits ORDER BY count DESC");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored.iter().map(|r| r.int(1).unwrap()).collect::<Vec<_>>(), vec![limit as i64 + 10, limit as i64 + 6]);
    assert!(stored.iter().all(|r| !r.text(0).unwrap().contains("203.0.113") && !r.text(0).unwrap().contains("2001")));
}

/// A round of anonymous signals (several addresses, one of them new this hour with a row of
/// an older hour, counters of several kinds, one address crossing its hourly limit within the
/// round) leaves the same limit rows and daily counters as counting each signal in its own
/// batch, one after another.
#[test]
fn a_round_of_signals_counts_as_its_signals_one_by_one() {
    use crate::signal_queue::Pending;
    let h = host();
    let limit = signals::ANONYMOUS_SIGNALS_PER_HOUR;
    let db = |code: &str| pollster::block_on(h.platform.open_sql(StoreName::Regional(StoreKind::Sql, Region::from_code(code).unwrap()))).unwrap();
    let (one_by_one, round) = (db("us"), db("eu"));
    let signal = |subject: &str, hour: i64, counts: &[(&'static str, u64)]| Pending { subject: subject.into(), hour, day: "2026-12-07".into(), counts: counts.to_vec() };
    // before the round: address a three signals short of its limit, b with an older hour's row
    let before = vec![signal("a", 10, &[("searches", 1)]); limit as usize - 3].into_iter().chain([signal("b", 9, &[("clicks", 1)])]);
    let mut signals = Vec::new();
    for i in 0..8u64 {
        signals.push(signal("a", 10, &[("searches", 1), ("zero_results", i % 2)]));
        signals.push(signal(if i % 3 == 0 { "b" } else { "c" }, 10, &[("clicks", 1), ("click_ms_sum", 100 * i)]));
    }
    for p in before {
        for store in [&one_by_one, &round] {
            pollster::block_on(store.batch(&signals::count_statements(std::slice::from_ref(&p)))).unwrap();
        }
    }
    for p in &signals {
        pollster::block_on(one_by_one.batch(&signals::count_statements(std::slice::from_ref(p)))).unwrap();
    }
    let statements = signals::count_statements(&signals);
    assert!(statements.len() < signals.len(), "{} statements for {} signals", statements.len(), signals.len());
    pollster::block_on(round.batch(&statements)).unwrap();
    let dump = |code: &str| {
        let limits = rows(&h, code, "SELECT subject, hour, count FROM search_signal_limits ORDER BY subject, hour");
        let counts = rows(&h, code, "SELECT metric, n FROM search_signal_counts ORDER BY metric");
        let limits: Vec<(String, i64, i64)> = limits.iter().map(|r| (r.text(0).unwrap().to_owned(), r.int(1).unwrap(), r.int(2).unwrap())).collect();
        let counts: Vec<(String, i64)> = counts.iter().map(|r| (r.text(0).unwrap().to_owned(), r.int(1).unwrap())).collect();
        (limits, counts)
    };
    let expected = dump("us");
    assert_eq!(dump("eu"), expected);
    // of a's eight signals in the round, three were within its limit
    assert!(expected.1.contains(&("searches".to_owned(), limit)), "{expected:?}");
    assert_eq!(expected.0, [("a".to_owned(), 10, limit + 5), ("b".to_owned(), 10, 3), ("c".to_owned(), 10, 5)], "b's row of hour 9 deleted");
}

/// The query Worker's start-up warm-up (engine::warm_up) reads the index build.rs embedded
/// with this build's engine, and leaves the isolate's caches as a new isolate has them.
#[test]
fn the_embedded_warm_up_index_is_searched_and_nothing_is_kept() {
    engine::forget_isolate();
    engine::warm_up().expect("the embedded warm-up index is readable by this engine");
    assert!(engine::isolate_keeps_nothing());
}
