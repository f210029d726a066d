//! Host route tests: the content function's routes driven natively on seeded stores.
use super::*;
use medportal_auth::testing::Person;
use medportal_native::testing::{CSRF, TestHost, assert_secured, request};

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
    // the old filter URL moves to the area's path, its other parameters kept
    let moved = host.get::<Content>("/content?area=cardiology&page=2");
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], "/library/cardiology?page=2");
    let html = TestHost::text(&host.get::<Content>("/library/cardiology"));
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
    for path in ["/", "/content", "/library/cardiology"] {
        let list = TestHost::text(&host.get::<Content>(path));
        assert!(!list.contains("18,201 patients"), "{path}: HCP-only summary leaked");
    }
    let public = TestHost::text(&host.get::<Content>("/content/how-to-report-a-suspected-adverse-reaction"));
    assert!(public.contains("MedWatch"), "public body should be visible");
}

/// The seeded German HCP `sub` with verification status `vs`.
fn session_cookie(host: &TestHost, sub: &str, vs: &str) -> String {
    Person { vs, name: "Dr. Anna Müller", ..Person::hcp(sub) }.cookie(host)
}

#[test]
fn hcp_only_items_are_visible_to_verified_hcps_only() {
    let host = seeded();
    let path = "/content/apixaban-aristotle-trial-summary";
    let get = |cookie: &str| host.text_as::<Content>(path, cookie);
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
fn every_response_is_secured() {
    let host = seeded();
    for path in ["/", "/content", "/nope", "/health/content"] {
        assert_secured(&host.get::<Content>(path), path);
    }
    for path in ["/author", "/review", "/governance", "/health/content-desk"] {
        assert_secured(&host.get::<ContentDesk>(path), path);
    }
}

#[test]
fn the_reader_side_serves_no_staff_workspace() {
    // The staff workspaces are the content-desk deployable's: the reader Worker does not link them.
    let host = seeded();
    let staff = staff_cookie(&host, "eu-u-adm-01", &["admin", "author", "mlr_reviewer"], "Tom");
    for path in ["/author", "/review", "/governance"] {
        assert_eq!(host.get_as::<Content>(path, &staff).status(), 404, "{path}");
        assert_eq!(host.get_as::<ContentDesk>(path, &staff).status(), 200, "{path}");
    }
}

/// A verified HCP's session in `country`.
fn hcp_in(host: &TestHost, sub: &str, country: &str) -> String {
    Person { rgn: "us", ctry: country, name: "HCP", ..Person::hcp(sub) }.cookie(host)
}

/// A staff session (second factor used) for `sub` with `roles`.
fn staff_cookie(host: &TestHost, sub: &str, roles: &[&str], name: &str) -> String {
    Person { ctry: "NL", name, ..Person::staff(sub, roles) }.cookie(host)
}

#[test]
fn an_item_goes_from_draft_through_three_signatures_to_publication_and_an_edit_voids_the_approval() {
    let host = seeded();
    let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
    let reviewers = [("medical", "eu-u-mlr-01", "Jan de Vries"), ("legal", "us-u-mlr-01", "Sarah Johnson"), ("regulatory", "eu-u-mlr-02", "Dr. Klaus Weber")];
    let draft = [
        ("slug", "rivaroxaban-de-dosing"), ("language", "en"), ("type", "prescribing_information"), ("title", "Rivaroxaban dosing in renal impairment"),
        ("summary", "Dose by creatinine clearance."), ("body", "## Dosing\n\n- 20 mg once daily\n- 15 mg when CrCl 15-49 mL/min\n"),
        ("area", "cardiology"), ("audience", "hcp"), ("markets", "DE"), ("reviewed_on", "2026-12-02"), ("expires_on", "2099-01-10"),
        ("references", "Patel MR et al. N Engl J Med 2011 | 10.1056/NEJMoa1009638"),
    ];
    let created = host.post_form::<ContentDesk>("/author", &author, &draft);
    assert_eq!(created.status(), 303, "{}", TestHost::text(&created));
    let item = created.headers()["location"].to_str().unwrap().to_owned();
    let id = item.rsplit('/').next().unwrap().to_owned();
    // not approved: cannot be published, is not visible
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/publish"), &staff_cookie(&host, "eu-u-adm-01", &["admin"], "Tom"), &[]).status(), 409);
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/submit"), &author, &[]).status(), 303);
    let sha = |host: &TestHost| {
        let html = host.text_as::<ContentDesk>(&format!("/review/{id}"), &staff_cookie(host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries"));
        let i = html.find("SHA-256 <code>").unwrap() + 14;
        html[i..i + 64].to_owned()
    };
    let v1 = sha(&host);
    let mut first = String::new();
    for (n, (discipline, sub, name)) in reviewers.iter().enumerate() {
        let cookie = staff_cookie(&host, sub, &["mlr_reviewer"], name);
        let a = Person { name, ..Person::new(sub) }.step_up(&host, &format!("sign:{v1}:approval:{discipline}"), &format!("assertion-v1-{n}-0123456789"));
        if n == 0 {
            first = a.clone();
            // an assertion of someone else is refused
            let other = staff_cookie(&host, "us-u-mlr-01", &["mlr_reviewer"], "Sarah Johnson");
            assert_eq!(host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &other, &[("assertion", &a)]).status(), 403);
        }
        let r = host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &cookie, &[("assertion", &a), ("comment", "ok")]);
        assert_eq!(r.status(), 303, "{}", TestHost::text(&r));
    }
    // replayed: the same assertion signs once
    let replay = host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries"), &[("assertion", &first)]);
    assert_eq!(replay.status(), 409);
    assert!(host.text_as::<ContentDesk>(&item, &author).contains("Approved, version 1"));
    // an edit after approval makes version 2 and voids the approval
    let mut edited: Vec<(&str, &str)> = draft.iter().filter(|(k, _)| !matches!(*k, "slug" | "language" | "type")).cloned().collect();
    edited.push(("reason", "CrCl threshold clarified"));
    let v1_base = edit_base(&host.text_as::<ContentDesk>(&item, &author));
    edited.push(("base", &v1_base));
    edited.retain(|(k, _)| *k != "summary");
    edited.push(("summary", "Dose by creatinine clearance (Cockcroft-Gault)."));
    assert_eq!(host.post_form::<ContentDesk>(&item, &author, &edited).status(), 303);
    assert!(host.text_as::<ContentDesk>(&item, &author).contains("Draft, version 2"));
    let admin = staff_cookie(&host, "eu-u-adm-01", &["admin"], "Tom");
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/publish"), &admin, &[]).status(), 409, "the voided approval cannot be published");
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/submit"), &author, &[]).status(), 303);
    // the first signature's assertion was for version 1: refused for version 2
    let fresh_v1 = Person { name: "Jan de Vries", ..Person::new("eu-u-mlr-01") }.step_up(&host, &format!("sign:{v1}:approval:medical"), "assertion-v1-again-0123456789");
    let moved = host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries"), &[("assertion", &fresh_v1)]);
    assert_eq!(moved.status(), 403);
    let v2 = sha(&host);
    assert_ne!(v1, v2);
    // the review page shows the diff against the approved version 1
    let review = host.text_as::<ContentDesk>(&format!("/review/{id}"), &staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries"));
    assert!(review.contains("Changes from version 1 to version 2") && review.contains("Cockcroft-Gault"));
    for (n, (discipline, sub, name)) in reviewers.iter().enumerate() {
        let a = Person { name, ..Person::new(sub) }.step_up(&host, &format!("sign:{v2}:approval:{discipline}"), &format!("assertion-v2-{n}-0123456789"));
        assert_eq!(host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &staff_cookie(&host, sub, &["mlr_reviewer"], name), &[("assertion", &a)]).status(), 303);
    }
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/publish"), &admin, &[]).status(), 303);
    // published for DE only: a German HCP sees it with its signatures, a US HCP does not
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    let page = host.text_as::<Content>("/content/rivaroxaban-de-dosing", &de);
    assert!(page.contains("Rivaroxaban dosing") && page.contains("15 mg when CrCl") && page.contains("Dr. Klaus Weber"), "{page}");
    assert!(page.contains("https://doi.org/10.1056/NEJMoa1009638"));
    let us = hcp_in(&host, "us-u-hcp-01", "US");
    let us_page = host.get_as::<Content>("/content/rivaroxaban-de-dosing", &us);
    assert_eq!(us_page.status(), 404, "an item published only for DE reached a US HCP");
    // (reviewed after every demo item, so it heads the filtered list's first page)
    let listing = "/library/cardiology?type=prescribing_information";
    assert!(!host.text_as::<Content>(listing, &us).contains("Rivaroxaban dosing"));
    assert!(host.text_as::<Content>(listing, &de).contains("Rivaroxaban dosing"));
    // the version history lists both versions; the diff between them is readable
    let history = host.text_as::<Content>("/content/rivaroxaban-de-dosing/versions", &de);
    assert!(history.contains("CrCl threshold clarified"));
    assert!(host.text_as::<Content>("/content/rivaroxaban-de-dosing/diff/1/2", &de).contains("Cockcroft-Gault"));
    // the history readers see follows the live version (it is cached by the live version):
    // a draft version 3 is not in it, the published version 3 is
    let mut third = edited.clone();
    third.retain(|(k, _)| !matches!(*k, "reason" | "base"));
    third.push(("reason", "Renal dosing table added"));
    let v2_base = edit_base(&host.text_as::<ContentDesk>(&item, &author));
    third.push(("base", &v2_base));
    assert_eq!(host.post_form::<ContentDesk>(&item, &author, &third).status(), 303);
    assert!(!host.text_as::<Content>("/content/rivaroxaban-de-dosing/versions", &de).contains("Renal dosing table added"));
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/submit"), &author, &[]).status(), 303);
    let v3 = sha(&host);
    for (n, (discipline, sub, name)) in reviewers.iter().enumerate() {
        let a = Person { name, ..Person::new(sub) }.step_up(&host, &format!("sign:{v3}:approval:{discipline}"), &format!("assertion-v3-{n}-0123456789"));
        assert_eq!(host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &staff_cookie(&host, sub, &["mlr_reviewer"], name), &[("assertion", &a)]).status(), 303);
    }
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/publish"), &admin, &[]).status(), 303);
    assert!(host.text_as::<Content>("/content/rivaroxaban-de-dosing/versions", &de).contains("Renal dosing table added"));
    // the governance dashboard counts it published; withdrawal needs a reason
    let gov = host.text_as::<ContentDesk>("/governance", &admin);
    assert!(gov.contains("rivaroxaban-de-dosing"));
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/withdraw"), &admin, &[("reason", "")]).status(), 400);
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/withdraw"), &admin, &[("reason", "label change")]).status(), 303);
    assert_eq!(host.get_as::<Content>("/content/rivaroxaban-de-dosing", &de).status(), 404);
    // an HCP cannot reach the workspaces
    assert_eq!(host.get_as::<ContentDesk>("/author", &de).status(), 403);
}

#[test]
fn a_withdrawal_waits_in_the_outbox_while_the_indexer_fails_and_is_applied_after_recovery() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let up = Arc::new(AtomicBool::new(false));
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::new(Mutex::new(Vec::new()));
    let (u, s) = (up.clone(), seen.clone());
    let host = seeded().with_http(move |req| {
        let body = String::from_utf8_lossy(req.body()).into_owned();
        s.lock().unwrap().push((req.uri().to_string(), body));
        let status = if u.load(Ordering::SeqCst) { 200 } else { 503 };
        Ok(http::Response::builder().status(status).body(b"{}".to_vec()).unwrap())
    });
    let admin = staff_cookie(&host, "eu-u-adm-01", &["admin"], "Tom");
    // the import's events could not be sent either (no indexer during the import): all pending
    let id = {
        let html = host.text_as::<ContentDesk>("/author", &staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie"));
        let i = html.find("/author/").unwrap();
        let href = &html[i..];
        href[8..href.find('"').unwrap()].to_owned()
    };
    let before = seen.lock().unwrap().len();
    assert!(before > 0, "the workspace tried to drain");
    assert_eq!(host.post_form::<ContentDesk>(&format!("/author/{id}/withdraw"), &admin, &[("reason", "outdated")]).status(), 303);
    let failed = seen.lock().unwrap().len();
    assert!(failed > before, "the withdrawal tried to reach the indexer");
    // every attempt went to the indexing entry point of the portal's origin with the token
    assert!(seen.lock().unwrap().iter().all(|(uri, _)| uri.ends_with("/admin/search/index")));
    // recovery: the next staff request drains the newest events first (the withdrawal among
    // them); each later one drains a bounded batch more, until nothing is left
    up.store(true, Ordering::SeqCst);
    let drain = || assert_eq!(host.get_as::<ContentDesk>("/governance", &admin).status(), 200);
    drain();
    let first: Vec<(String, String)> = seen.lock().unwrap()[failed..].to_vec();
    assert!(first.iter().any(|(_, b)| b.contains("\"withdraw\"")), "the withdrawal reached search first");
    let mut rounds = 1;
    loop {
        let n = seen.lock().unwrap().len();
        drain();
        if seen.lock().unwrap().len() == n {
            break; // nothing left: a drain sends nothing
        }
        rounds += 1;
        assert!(rounds < 200, "the outbox never empties");
    }
    let calls = seen.lock().unwrap().clone();
    assert!(calls[failed..].iter().any(|(_, b)| b.contains("\"upsert\"") && b.contains("apixaban-aristotle-trial-summary")), "the import's publications reached search");
}

#[test]
fn an_expired_item_leaves_search_on_ordinary_traffic_and_waits_for_re_review() {
    use medportal_core::ports::Clock;
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let host = seeded().with_http(move |req| {
        s.lock().unwrap().push(String::from_utf8_lossy(req.body()).into_owned());
        Ok(http::Response::builder().status(200).body(b"{}".to_vec()).unwrap())
    });
    let today = host.platform.now().date();
    let line = format!(
        "{{\"family\":\"exp-x\",\"slug\":\"expiring-today\",\"language\":\"en\",\"type\":\"faq_answer\",\"title\":\"Expiring today\",\"summary\":\"s\",\"body\":\"b\",\
         \"references\":[],\"taxonomy\":{{\"area\":\"general\",\"product\":null,\"audience\":\"public\"}},\"markets\":[\"INTL\"],\
         \"reviewed_on\":\"{}\",\"expires_on\":\"{}\",\"state\":\"published\"}}",
        today - time::Duration::days(1),
        today
    );
    let auth = format!("Bearer {}", medportal_core::Config::DEV_SEARCH_INDEX_TOKEN);
    assert_eq!(host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", &auth)], line.into_bytes())).status(), 200);
    // expired at read time: never shown
    assert_eq!(host.get::<Content>("/content/expiring-today").status(), 404);
    // that reader request's upkeep marked it expired and sent its withdrawal to search (newest
    // events first, one request per index: the backlog of the import does not delay it)
    let withdrawn = |b: &String| {
        let v: serde_json::Value = serde_json::from_str(b).unwrap_or_default();
        v["withdraw"].as_array().is_some_and(|w| w.iter().any(|s| s == "expiring-today"))
    };
    assert!(seen.lock().unwrap().iter().any(withdrawn), "{:?}", seen.lock().unwrap());
    // grouped per index: one request per (market, language) in a drain
    let indexes: Vec<(String, String)> = seen.lock().unwrap().iter().map(|b| {
        let v: serde_json::Value = serde_json::from_str(b).expect("indexing body is JSON");
        (v["market"].as_str().unwrap_or_default().to_owned(), v["language"].as_str().unwrap_or_default().to_owned())
    }).collect();
    let distinct: std::collections::BTreeSet<&(String, String)> = indexes.iter().collect();
    assert_eq!(distinct.len(), indexes.len(), "one request per index: {indexes:?}");
    let reviewer = staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries");
    let queue = host.text_as::<ContentDesk>("/review", &reviewer);
    let expired = &queue[queue.find("Expired: due for re-review").unwrap()..];
    assert!(expired.contains("expiring-today"), "queued for re-review");
}

#[test]
fn the_import_walks_lines_into_every_workflow_state() {
    let host = seeded();
    let states = ["draft", "in_review", "approved", "published", "expired", "withdrawn"];
    let lines: Vec<String> = states
        .iter()
        .map(|st| {
            format!(
                "{{\"family\":\"st-{0}\",\"slug\":\"state-{0}\",\"language\":\"en\",\"type\":\"publication\",\"title\":\"State {st}\",\"body\":\"x\",\
                 \"taxonomy\":{{\"area\":\"oncology\",\"audience\":\"public\"}},\"markets\":[\"US\",\"GB\"],\"reviewed_on\":\"2026-01-01\",\
                 \"expires_on\":\"2099-01-01\",\"state\":\"{st}\",\"withdraw_reason\":\"superseded\",\"series\":null,\"provenance\":{{\"source\":\"test\"}}}}",
                st.replace('_', "-")
            )
        })
        .collect();
    let auth = format!("Bearer {}", medportal_core::Config::DEV_SEARCH_INDEX_TOKEN);
    let resp = host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", &auth)], lines.join("\n").into_bytes()));
    assert_eq!(TestHost::text(&resp), "{\"created\":6,\"skipped\":0}");
    let gov = host.text_as::<ContentDesk>("/governance", &staff_cookie(&host, "eu-u-adm-01", &["admin"], "Tom"));
    for st in states {
        let i = gov.find(&format!("data-state=\"{st}\">")).unwrap_or_else(|| panic!("{st}")) + st.len() + 14;
        let n: u32 = gov[i..].split('<').next().unwrap().parse().unwrap();
        assert!(n >= 1, "{st}: {n}");
    }
    // only the published one is visible (to a US visitor: it is a US/GB item)
    for st in states {
        let status = host.get::<Content>(&format!("/content/state-{}?market=US", st.replace('_', "-"))).status();
        assert_eq!(status, if st == "published" { 200 } else { 404 }, "{st}");
    }
}

#[test]
fn a_refused_draft_comes_back_with_its_values_and_the_problem() {
    let host = seeded();
    let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
    let fields = [
        ("slug", "bad-doi-item"), ("language", "en"), ("type", "publication"), ("title", "Kept title"), ("body", "x"),
        ("area", "oncology"), ("audience", "hcp"), ("markets", "US"), ("references", "A paper | 10.bad doi"),
    ];
    let resp = host.post_form::<ContentDesk>("/author", &author, &fields);
    assert_eq!(resp.status(), 400);
    let html = TestHost::text(&resp);
    assert!(html.contains("A reference needs a label and a valid DOI or PMID.") && html.contains("value=\"Kept title\""), "{html}");
    assert!(html.contains("class=\"error-summary\"") || html.contains("error-summary"));
    // nothing was created
    assert!(!host.text_as::<ContentDesk>("/author", &author).contains("bad-doi-item\">"));
    // a new version needs a reason
    let ok: Vec<(&str, &str)> = fields.iter().filter(|(k, _)| *k != "references").cloned().collect();
    let created = host.post_form::<ContentDesk>("/author", &author, &ok);
    assert_eq!(created.status(), 303);
    let item = created.headers()["location"].to_str().unwrap().to_owned();
    let mut edit: Vec<(&str, &str)> = ok.iter().filter(|(k, _)| !matches!(*k, "slug" | "language" | "type" | "title")).cloned().collect();
    edit.push(("title", "Edited title"));
    let refused = host.post_form::<ContentDesk>(&item, &author, &edit);
    assert_eq!(refused.status(), 400);
    let html = TestHost::text(&refused);
    assert!(html.contains("Say why this version was made.") && html.contains("value=\"Edited title\""));
}

// --- The reader's own features (new since the last visit, saved, continue, related, series)

/// Imports one demo-library line (published through the use cases) for `markets`.
fn import_line(host: &TestHost, slug: &str, title: &str, markets: &str) {
    let line = format!(
        "{{\"family\":\"{slug}\",\"slug\":\"{slug}\",\"language\":\"en\",\"type\":\"trial_summary\",\"title\":\"{title}\",\"summary\":\"s\",\"body\":\"b\",\
         \"references\":[],\"taxonomy\":{{\"area\":\"cardiology\",\"product\":{{\"brand\":\"Eliquis\",\"generic\":\"apixaban\"}},\
         \"indication\":\"stroke prevention in atrial fibrillation\",\"phase\":\"3\",\"specialties\":[\"cardiology\"],\"audience\":\"hcp\"}},\
         \"markets\":[{markets}],\"reviewed_on\":\"2026-11-01\",\"expires_on\":\"2099-01-01\",\"state\":\"published\",\"series\":null}}"
    );
    let auth = format!("Bearer {}", medportal_core::Config::DEV_SEARCH_INDEX_TOKEN);
    let resp = host.send::<Content>(request("POST", medportal_templates::paths::content::DEV_IMPORT, &[("authorization", &auth)], line.into_bytes()));
    assert_eq!(resp.status(), 200, "{}", TestHost::text(&resp));
}

/// The HTML of the section with `id` (up to its end).
fn section(html: &str, id: &str) -> String {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else { return String::new() };
    let rest = &html[start..];
    rest[..rest.find("</section>").or_else(|| rest.find("</nav>")).unwrap_or(rest.len())].to_owned()
}

fn pause() {
    // the visit boundary is in whole seconds
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

#[test]
fn new_since_the_last_visit_shows_what_was_published_for_the_readers_market_since() {
    let host = seeded();
    pause();
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    let us = hcp_in(&host, "us-u-hcp-01", "US");
    // anonymous visitors get no personal sections
    assert!(section(&TestHost::text(&host.get::<Content>("/")), "new-since").is_empty());
    // first visits: nothing is new yet
    for c in [&de, &us] {
        let first = section(&host.text_as::<Content>("/", c), "new-since");
        assert!(first.contains("New since your last visit") && first.contains("From your next visit on"), "{first}");
    }
    pause();
    import_line(&host, "apixaban-de-reader-news", "Apixaban news for Germany", "\"DE\"");
    import_line(&host, "apixaban-intl-reader-news", "Apixaban news for every market", "\"INTL\"");
    pause();
    // the German HCP's next page view (same visit): both new items, none of the older library
    let news = section(&host.text_as::<Content>("/", &de), "new-since");
    assert!(news.contains("Apixaban news for Germany") && news.contains("Apixaban news for every market"), "{news}");
    assert_eq!(news.matches("<li>").count(), 2, "an older item shown as new: {news}");
    // the US HCP: the international one only
    let news = section(&host.text_as::<Content>("/", &us), "new-since");
    assert!(news.contains("Apixaban news for every market") && !news.contains("for Germany"), "{news}");
    // a new sign-in is a new visit: what was new the last time is not new any more
    pause();
    let next = Person { name: "Dr. Anna Müller", ..Person::hcp("eu-u-hcp-01") }.cookie(&host);
    let later = section(&host.text_as::<Content>("/", &next), "new-since");
    assert!(later.contains("Nothing new has been published"), "{later}");
}

#[test]
fn saved_items_and_continue_where_you_left_off() {
    let host = seeded();
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    let slug = "apixaban-aristotle-trial-summary";
    let page = host.text_as::<Content>(&format!("/content/{slug}"), &de);
    assert!(page.contains("Save for later") && page.contains("Reading time"), "{page}");
    // continue where you left off: the item just read
    assert!(section(&host.text_as::<Content>("/", &de), "continue").contains(slug));
    // saving needs the CSRF token
    let forged = host.send::<Content>(request("POST", "/saved", &[("cookie", &de), ("content-type", "application/x-www-form-urlencoded")], format!("item={slug}&action=save").into_bytes()));
    assert_eq!(forged.status(), 403);
    let saved = host.post_form::<Content>("/saved", &de, &[("item", slug), ("action", "save")]);
    assert_eq!(saved.status(), 303);
    assert_eq!(saved.headers()["location"], format!("/content/{slug}"));
    assert!(host.text_as::<Content>("/saved", &de).contains("ARISTOTLE"));
    assert!(host.text_as::<Content>(&format!("/content/{slug}"), &de).contains("Remove from saved items"));
    // another reader's list is their own
    assert!(!host.text_as::<Content>("/saved", &hcp_in(&host, "us-u-hcp-01", "US")).contains("ARISTOTLE"));
    let removed = host.post_form::<Content>("/saved", &de, &[("item", slug), ("action", "unsave"), ("back", "saved")]);
    assert_eq!(removed.headers()["location"], "/saved");
    assert!(host.text_as::<Content>("/saved", &de).contains("Nothing saved yet"));
    // an item not available in the reader's market cannot be saved; anonymous visitors are sent to sign in
    assert_eq!(host.post_form::<Content>("/saved", &hcp_in(&host, "us-u-hcp-01", "US"), &[("item", "vermutete-nebenwirkung-melden"), ("action", "save")]).status(), 404);
    assert_eq!(host.get::<Content>("/saved").status(), 401);
}

#[test]
fn related_content_never_shows_an_item_of_another_market() {
    let host = seeded();
    import_line(&host, "apixaban-de-only-related", "Apixaban in German practice", "\"DE\"");
    let item = "/content/apixaban-aristotle-trial-summary";
    // taxonomy: the German HCP sees the German item as related, the US HCP never does
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    assert!(section(&host.text_as::<Content>(item, &de), "related-title").contains("Apixaban in German practice"));
    let us = hcp_in(&host, "us-u-hcp-01", "US");
    assert!(!host.text_as::<Content>(item, &us).contains("Apixaban in German practice"));
    // co-viewing: two German readers read the German item and a public one together; the
    // count (no person ids) relates them for German readers but never shows the German item
    // to a reader of another market of the same region
    let public = "/content/how-to-report-a-suspected-adverse-reaction";
    for sub in ["eu-u-hcp-01", "eu-u-hcp-02"] {
        let c = Person { name: "Reader", ..Person::hcp(sub) }.cookie(&host);
        host.text_as::<Content>("/content/apixaban-de-only-related", &c);
        host.text_as::<Content>(public, &c);
    }
    let de_related = section(&host.text_as::<Content>(public, &de), "related-title");
    assert!(de_related.contains("Apixaban in German practice"), "{de_related}");
    let fr = Person { ctry: "FR", name: "Reader", ..Person::hcp("eu-u-hcp-03") }.cookie(&host);
    let fr_page = host.text_as::<Content>(public, &fr);
    assert!(!fr_page.contains("Apixaban in German practice"), "a DE-only item related for a French reader");
    // anonymous visitors never get an HCP-only summary through related content
    assert!(!TestHost::text(&host.get::<Content>(item)).contains("18,201 patients"));
}

#[test]
fn a_series_shows_its_parts_in_order_with_the_readers_progress() {
    let host = seeded();
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    let first = "/content/obesity-as-a-medical-problem";
    let page = host.text_as::<Content>(first, &de);
    assert!(page.contains("Part 1 of"), "{page}");
    assert!(page.contains("Mark this part as completed"));
    let series = host.text_as::<Content>("/series/obesity-and-type-2-diabetes", &de);
    assert!(series.contains("0 of"), "{series}");
    assert_eq!(host.post_form::<Content>(&format!("{first}/progress"), &de, &[]).status(), 303);
    assert!(host.text_as::<Content>(first, &de).contains("You completed this part."));
    assert!(host.text_as::<Content>("/series/obesity-and-type-2-diabetes", &de).contains("1 of"));
    assert_eq!(host.get::<Content>("/series/no-such-series").status(), 404);
}

#[test]
fn the_library_of_an_area_has_its_own_path() {
    let host = seeded();
    let html = TestHost::text(&host.get::<Content>("/library/cardiology"));
    assert!(html.contains("EMPEROR-Reduced") && !html.contains("Semaglutide:"));
    assert_eq!(host.get::<Content>("/library").status(), 200);
    assert_eq!(host.get::<Content>("/library/%3Cx%3E").status(), 404);
}

/// A multipart upload of `data` as `name` (field `file`) with the CSRF field.
fn upload(host: &TestHost, path: &str, cookie: &str, name: &str, data: &[u8]) -> Response {
    let b = "----medportal-test-boundary";
    let mut body = format!("--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{CSRF}\r\n").into_bytes();
    body.extend_from_slice(format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={b}");
    host.send::<ContentDesk>(request("POST", path, &[("cookie", cookie), ("content-type", &ct)], body))
}

#[test]
fn files_are_checked_scanned_and_streamed_only_to_readers_of_the_item() {
    let host = seeded();
    let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
    let draft = [
        ("slug", "apixaban-de-leaflet"), ("language", "en"), ("type", "prescribing_information"), ("title", "Apixaban patient leaflet"),
        ("summary", "The leaflet."), ("body", "See the attached leaflet."), ("area", "cardiology"), ("audience", "hcp"), ("markets", "DE"),
        ("reviewed_on", "2026-12-02"), ("expires_on", "2099-01-10"),
    ];
    let created = host.post_form::<ContentDesk>("/author", &author, &draft);
    let item = created.headers()["location"].to_str().unwrap().to_owned();
    let id = item.rsplit('/').next().unwrap().to_owned();
    let files = format!("{item}/files");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    // the type comes from the bytes, not the name or the declared type
    let html = upload(&host, &files, &author, "leaflet.pdf", b"<html><script>alert(1)</script>");
    assert_eq!(html.status(), 400);
    assert!(TestHost::text(&html).contains("Choose a PDF, PNG or JPEG file"));
    let big = [pdf.clone(), vec![b' '; host.config.max_body_bytes - 8 * 1024]].concat();
    let too_big = upload(&host, &files, &author, "big.pdf", &big);
    assert_eq!(too_big.status(), 400);
    assert!(TestHost::text(&too_big).contains("The file is too large"));
    // the scan refuses the EICAR test signature: recorded as rejected, never stored
    let eicar = [pdf.clone(), b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".to_vec()].concat();
    let infected = upload(&host, &files, &author, "infected.pdf", &eicar);
    assert_eq!(infected.status(), 400);
    assert!(TestHost::text(&infected).contains("The malware scan refused this file"));
    // without the CSRF token or by a reader: refused
    let hcp = session_cookie(&host, "eu-u-hcp-01", "verified");
    assert_eq!(upload(&host, &files, &hcp, "x.pdf", &pdf).status(), 403);
    let ok = upload(&host, &files, &author, "../Leaflet v1.pdf", &pdf);
    assert_eq!(ok.status(), 303, "{}", TestHost::text(&ok));
    let page = host.text_as::<ContentDesk>(&item, &author);
    assert!(page.contains("Leaflet v1.pdf") && page.contains("Refused by the malware scan"), "{page}");
    let i = page.find("href=\"/files/").unwrap() + 6;
    let file = page[i..].split('"').next().unwrap().to_owned();
    // staff get it at once; readers only once the item is published for their market
    let staff_get = host.get_as::<Content>(&file, &author);
    assert_eq!(staff_get.status(), 200);
    assert_eq!(staff_get.headers()["content-type"], "application/pdf");
    assert!(staff_get.headers()["content-disposition"].to_str().unwrap().contains("Leaflet v1.pdf"));
    assert_eq!(host.get_as::<Content>(&file, &hcp).status(), 404);
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/submit"), &author, &[]).status(), 303);
    let review = host.text_as::<ContentDesk>(&format!("/review/{id}"), &staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries"));
    let s = review.find("SHA-256 <code>").unwrap() + 14;
    let sha = review[s..s + 64].to_owned();
    for (n, (discipline, sub, name)) in [("medical", "eu-u-mlr-01", "Jan de Vries"), ("legal", "us-u-mlr-01", "Sarah Johnson"), ("regulatory", "eu-u-mlr-02", "Dr. Klaus Weber")].iter().enumerate() {
        let a = Person { name, ..Person::new(sub) }.step_up(&host, &format!("sign:{sha}:approval:{discipline}"), &format!("assertion-files-{n}-0123456789"));
        assert_eq!(host.post_form::<ContentDesk>(&format!("/review/{id}/sign"), &staff_cookie(&host, sub, &["mlr_reviewer"], name), &[("assertion", &a)]).status(), 303);
    }
    assert_eq!(upload(&host, &files, &author, "late.pdf", &pdf).status(), 400, "a file after approval");
    let admin = staff_cookie(&host, "eu-u-adm-01", &["admin"], "Tom");
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/publish"), &admin, &[]).status(), 303);
    // a German HCP sees the download on the item page and gets the exact bytes
    assert!(host.text_as::<Content>("/content/apixaban-de-leaflet", &hcp).contains(&format!("href=\"{file}\"")));
    let got = host.get_as::<Content>(&file, &hcp);
    assert_eq!(got.status(), 200);
    assert_eq!(got.body().as_slice(), pdf.as_slice());
    assert_eq!(got.headers()["cache-control"], "private, no-store");
    // a US HCP (another market), an anonymous visitor, an unverified account: the same 404
    assert_eq!(host.get_as::<Content>(&file, &hcp_in(&host, "us-u-hcp-01", "US")).status(), 404);
    assert_eq!(host.get::<Content>(&file).status(), 404);
    assert_eq!(host.get::<Content>(&format!("{file}?market=DE")).status(), 404);
    assert_eq!(host.get_as::<Content>(&file, &session_cookie(&host, "eu-u-hcp-02", "unverified")).status(), 404);
    assert_eq!(host.get::<Content>("/files/nope").status(), 404);
    // withdrawn: gone for readers at once
    assert_eq!(host.post_form::<ContentDesk>(&format!("{item}/withdraw"), &admin, &[("reason", "superseded")]).status(), 303);
    assert_eq!(host.get_as::<Content>(&file, &hcp).status(), 404);
}

/// The authoring id of the item with `slug`, from the author list as `cookie` sees it.
fn author_id(host: &TestHost, cookie: &str, slug: &str) -> String {
    let list = host.text_as::<ContentDesk>("/author", cookie);
    let end = list.find(&format!("<code>{slug}</code>")).expect(slug);
    let start = list[..end].rfind("href=\"/author/").unwrap() + 14;
    list[start..].split('"').next().unwrap().to_owned()
}

#[test]
fn authors_place_move_and_remove_an_item_in_a_series() {
    let host = seeded();
    let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
    let (a, b) = ("hypertension-first-line-drug-classes", "how-to-report-a-suspected-adverse-reaction");
    let (id_a, id_b) = (author_id(&host, &author, a), author_id(&host, &author, b));
    let place = |id: &str, fields: &[(&str, &str)]| host.post_form::<ContentDesk>(&format!("/author/{id}/series"), &author, fields);
    // a new series needs a title; a bad code or position is refused with the problem shown
    let untitled = place(&id_a, &[("series", "primary-care-basics"), ("position", "2")]);
    assert_eq!(untitled.status(), 400);
    let page = TestHost::text(&untitled);
    assert!(page.contains("error-summary") && page.contains("href=\"#series_title\"") && page.contains("Enter a title for the new series"), "{page}");
    assert!(page.contains("value=\"primary-care-basics\""), "the values come back");
    assert_eq!(place(&id_a, &[("series", "Bad Code"), ("series_title", "x"), ("position", "1")]).status(), 400);
    assert_eq!(place(&id_a, &[("series", "primary-care-basics"), ("series_title", "x"), ("position", "0")]).status(), 400);
    // placed: the reader's series page lists it; the second item joins without a title
    assert_eq!(place(&id_a, &[("series", "primary-care-basics"), ("series_title", "Primary care basics"), ("position", "2")]).status(), 303);
    assert_eq!(place(&id_b, &[("series", "primary-care-basics"), ("position", "3")]).status(), 303);
    let order = |html: &str| (html.find(&format!("/content/{a}")), html.find(&format!("/content/{b}")));
    let series = TestHost::text(&host.get::<Content>("/series/primary-care-basics"));
    assert!(series.contains("Primary care basics"), "{series}");
    let (pa, pb) = order(&series);
    assert!(pa.unwrap() < pb.unwrap(), "position 2 before 3");
    assert!(host.text_as::<ContentDesk>(&format!("/author/{id_a}"), &author).contains("Primary care basics"));
    // moved behind the other part
    assert_eq!(place(&id_a, &[("series", "primary-care-basics"), ("position", "5")]).status(), 303);
    let (pa, pb) = order(&TestHost::text(&host.get::<Content>("/series/primary-care-basics")));
    assert!(pb.unwrap() < pa.unwrap(), "moved to position 5");
    // removed: gone from the series; a removal of what is not there is a 404
    let remove = |fields: &[(&str, &str)]| host.post_form::<ContentDesk>(&format!("/author/{id_a}/series/remove"), &author, fields);
    assert_eq!(remove(&[("series", "primary-care-basics")]).status(), 303);
    assert_eq!(remove(&[("series", "primary-care-basics")]).status(), 404);
    let (pa, pb) = order(&TestHost::text(&host.get::<Content>("/series/primary-care-basics")));
    assert!(pa.is_none() && pb.is_some());
    // readers and reviewers may not place
    let hcp = session_cookie(&host, "eu-u-hcp-01", "verified");
    assert_eq!(host.post_form::<ContentDesk>(&format!("/author/{id_a}/series"), &hcp, &[("series", "x-y-z"), ("series_title", "X"), ("position", "1")]).status(), 403);
    let reviewer = staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries");
    assert_eq!(host.post_form::<ContentDesk>(&format!("/author/{id_a}/series"), &reviewer, &[("series", "x-y-z"), ("series_title", "X"), ("position", "1")]).status(), 403);
    // audited in db_global, each change in its batch
    use medportal_core::ports::SqlStore;
    let ctx = medportal_core::Ctx::new(&host.platform, &host.config, medportal_core::Function::ContentDesk);
    let count = |action: &str| {
        let q = format!("SELECT COUNT(*) FROM audit_entries WHERE action = '{action}' AND reason LIKE 'series=primary-care-basics%'");
        pollster::block_on(async { ctx.global_sql().await?.query(&q, &[]).await }).unwrap()[0].int(0).unwrap()
    };
    assert_eq!((count("content.series_placed"), count("content.series_removed")), (3, 1));
}

#[test]
fn a_pending_file_is_scanned_again_once_the_scanner_is_back() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let up = Arc::new(AtomicBool::new(false));
    let state = up.clone();
    let config = medportal_core::Config {
        scanner: Some(medportal_core::config::ScannerConfig { url: "https://scanner.example/scan".into(), token: "scanner-token-0123456789abcdef".into() }),
        ..medportal_core::Config::dev()
    };
    let host = seeded().with_config(config).with_http(move |_req| {
        if !state.load(Ordering::SeqCst) {
            return Err(medportal_core::Error::platform("scanner down"));
        }
        Ok(http::Response::builder().status(200).body(b"stream: OK\n".to_vec()).unwrap())
    });
    let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
    let draft = [
        ("slug", "rescan-leaflet"), ("language", "en"), ("type", "prescribing_information"), ("title", "Rescan leaflet"), ("summary", "s"),
        ("body", "b"), ("area", "cardiology"), ("audience", "hcp"), ("markets", "DE"), ("reviewed_on", "2026-12-02"), ("expires_on", "2099-01-10"),
    ];
    let item = host.post_form::<ContentDesk>("/author", &author, &draft).headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(upload(&host, &format!("{item}/files"), &author, "leaflet.pdf", b"%PDF-1.4\n%%EOF\n").status(), 303);
    let page = host.text_as::<ContentDesk>(&item, &author);
    assert!(page.contains("Waiting for the malware scan") && page.contains("Scan again"), "{page}");
    let i = page.find("files/rescan\"><input type=\"hidden\" name=\"csrf\"").expect("a rescan form");
    let v = page[i..].find("name=\"file\" value=\"").unwrap() + i + 19;
    let file = page[v..].split('"').next().unwrap().to_owned();
    let rescan = |cookie: &str| host.post_form::<ContentDesk>(&format!("{item}/files/rescan"), cookie, &[("file", &file)]);
    // still down: still pending; a reader may not ask
    assert_eq!(rescan(&author).status(), 303);
    assert!(host.text_as::<ContentDesk>(&item, &author).contains("Waiting for the malware scan"));
    assert_eq!(rescan(&session_cookie(&host, "eu-u-hcp-01", "verified")).status(), 403);
    // back: a reviewer's rescan makes it clean; a second one has nothing to do
    up.store(true, Ordering::SeqCst);
    assert_eq!(rescan(&staff_cookie(&host, "eu-u-mlr-01", &["mlr_reviewer"], "Jan de Vries")).status(), 303);
    let page = host.text_as::<ContentDesk>(&item, &author);
    assert!(page.contains("Checked: available to readers") && !page.contains("Scan again"), "{page}");
    assert_eq!(rescan(&author).status(), 409);
}

/// Cloudflare route patterns cannot name `/author` with a query string (`?lang=de`, the
/// language switch) without a trailing wildcard, so wrangler.toml sends `/author*` (and
/// `/review*`, `/governance*`) to content-desk, which also catches `/authority`. Such a path
/// gets exactly the catch-all's answer: the same 404 page the content Worker gives.
#[test]
fn paths_the_desk_patterns_over_catch_get_the_catch_alls_404() {
    let host = seeded();
    for path in ["/authority", "/reviewers?lang=de", "/governance-report"] {
        let (desk, reader) = (host.get::<ContentDesk>(path), host.get::<Content>(path));
        assert_eq!((desk.status(), reader.status()), (http::StatusCode::NOT_FOUND, http::StatusCode::NOT_FOUND), "{path}");
        assert_eq!(TestHost::text(&desk), TestHost::text(&reader), "{path}");
    }
}

/// A reload of the item read last writes nothing, but going back to an earlier item moves it
/// to the front of "continue where you left off" again.
#[test]
fn going_back_to_an_earlier_item_puts_it_first_again() {
    let host = seeded();
    let de = session_cookie(&host, "eu-u-hcp-01", "verified");
    let (a, b) = ("apixaban-aristotle-trial-summary", "metformin-type-2-diabetes-efficacy");
    let open = |slug: &str| assert_eq!(host.get_as::<Content>(&format!("/content/{slug}"), &de).status(), 200);
    let order = || {
        let html = section(&host.text_as::<Content>("/", &de), "continue");
        (html.find(&format!("/content/{a}")).unwrap(), html.find(&format!("/content/{b}")).unwrap())
    };
    open(a);
    pause();
    open(b);
    open(b);
    let (pa, pb) = order();
    assert!(pb < pa, "b read last");
    pause();
    open(a);
    let (pa, pb) = order();
    assert!(pa < pb, "a read last");
}

/// The edit form's base version (its hidden field), as a browser sends it back.
fn edit_base(html: &str) -> String {
    let i = html.find("name=\"base\" value=\"").expect("the edit form's base") + 19;
    html[i..].split('"').next().unwrap().to_owned()
}

/// The file races, interleaved deterministically: the use case reads the item or the file,
/// a competing change commits, then the use case's batch runs with what it read. The guard
/// in the batch refuses it whole: no change, no audit entry, the bytes kept, a 409.
mod races {
    use super::*;
    use crate::files::{self, EicarScanner, NoScanner, Scanner, Verdict};
    use crate::item::{self, Item};
    use medportal_core::ports::{BlobStore, SqlStore};
    use medportal_core::{Ctx, Error, Function};

    type NativeCtx<'a> = Ctx<'a, medportal_native::NativePlatform>;

    fn count(ctx: &NativeCtx<'_>, q: &str) -> i64 {
        pollster::block_on(async { ctx.global_sql().await?.query(&format!("SELECT COUNT(*) FROM {q}"), &[]).await }).unwrap()[0].int(0).unwrap()
    }
    fn stored(ctx: &NativeCtx<'_>, file: &str) -> bool {
        pollster::block_on(async { ctx.global_blob().await?.get(&format!("files/{file}")).await }).unwrap().is_some()
    }
    fn read(ctx: &NativeCtx<'_>, id: &str) -> (Item, i64) {
        pollster::block_on(async {
            let db = ctx.global_sql().await.unwrap();
            let it = item::find(&db, id).await.unwrap().unwrap();
            let head = crate::version::find(&db, it.head_version.as_deref().unwrap()).await.unwrap().unwrap();
            (it, head.number)
        })
    }
    /// A draft item of its own (`slug`), as the author desk creates it: its id.
    fn draft(host: &TestHost, author: &str, slug: &str) -> String {
        let fields = [
            ("slug", slug), ("language", "en"), ("type", "prescribing_information"), ("title", "Race leaflet"), ("summary", "s"),
            ("body", "b"), ("area", "cardiology"), ("audience", "hcp"), ("markets", "DE"), ("reviewed_on", "2026-12-02"), ("expires_on", "2099-01-10"),
        ];
        let created = host.post_form::<ContentDesk>("/author", author, &fields);
        assert_eq!(created.status(), 303, "{}", TestHost::text(&created));
        created.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_owned()
    }
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";

    #[test]
    fn a_removal_read_while_the_item_was_a_draft_is_refused_once_it_was_submitted() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::ContentDesk);
        let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
        let id = draft(&host, &author, "race-remove");
        let (it, _) = read(&ctx, &id);
        let file = pollster::block_on(files::attach(&ctx, "eu-u-aut-01", &it, "leaflet.pdf", PDF, &EicarScanner)).unwrap();
        // the removal reads: a draft, the file on its head version…
        let (before, head) = read(&ctx, &id);
        // …the author submits it for review in between…
        assert_eq!(host.post_form::<ContentDesk>(&format!("/author/{id}/submit"), &author, &[]).status(), 303);
        // …so the removal's batch with what it read is refused: the reviewed file stays
        let e = pollster::block_on(files::remove(&ctx, "eu-u-aut-01", &before, head, &file)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "file_not_removable" }), "{e:?}");
        assert_eq!(count(&ctx, &format!("library_files WHERE id = '{file}'")), 1, "the record stays");
        assert!(stored(&ctx, &file), "the bytes stay");
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.file_removed'"), 0, "no entry without the change");
        assert_eq!(count(&ctx, "batch_guards"), 0, "a guard writes nothing");
        assert_eq!(host.get_as::<Content>(&format!("/files/{file}"), &author).status(), 200, "still served to staff");

        // two removals that both read the file: the first removes it, the second is refused
        // (one entry, not two)
        let id2 = draft(&host, &author, "race-remove-twice");
        let (it2, _) = read(&ctx, &id2);
        let file2 = pollster::block_on(files::attach(&ctx, "eu-u-aut-01", &it2, "twice.pdf", PDF, &EicarScanner)).unwrap();
        let (it2, head2) = read(&ctx, &id2);
        pollster::block_on(files::remove(&ctx, "eu-u-aut-01", &it2, head2, &file2)).unwrap();
        assert!(!stored(&ctx, &file2), "the bytes go with the record");
        let e = pollster::block_on(files::remove(&ctx, "eu-u-aut-02", &it2, head2, &file2)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "file_not_removable" }), "{e:?}");
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.file_removed'"), 1);
    }

    /// Two removals of an item from a series that both read it placed: the first takes it out,
    /// the second's batch is refused by its guard (409 `series_not_placed`): one entry, not two.
    #[test]
    fn two_removals_from_a_series_that_read_it_placed_leave_one_entry() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::ContentDesk);
        let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
        let id = draft(&host, &author, "race-series");
        let placement = crate::series::Placement { id: "race-basics".into(), title: "Race basics".into(), position: 1 };
        pollster::block_on(crate::series::place(&ctx, "eu-u-aut-01", &id, "en", &placement)).unwrap();
        // both read it placed; the first removes it through the route
        assert_eq!(host.post_form::<ContentDesk>(&format!("/author/{id}/series/remove"), &author, &[("series", "race-basics")]).status(), 303);
        // the second's batch, with what it read
        let e = pollster::block_on(crate::series::take_out(&ctx, "eu-u-aut-02", &id, "race-basics")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "series_not_placed" }), "{e:?}");
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.series_removed'"), 1, "one entry: the removal that happened");
        assert_eq!(count(&ctx, "batch_guards"), 0);
    }

    /// Two saves from one read of an item: the first makes the next version; the second is
    /// refused by the guard on the head it was based on (a 409, not a clash of version
    /// numbers), and over HTTP its author gets the item page back with their text, the reason
    /// why and the new head as the base, so saving again keeps both versions.
    #[test]
    fn two_saves_from_one_read_keep_both_texts_and_the_second_gets_its_text_back() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::ContentDesk);
        let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
        let id = draft(&host, &author, "race-save");
        let versions = |ctx: &NativeCtx<'_>| count(ctx, &format!("library_versions WHERE item_id = '{id}'"));
        // the use case: both read version 1
        let (it, head) = head_of(&ctx, &id);
        pollster::block_on(item::save(&ctx, "eu-u-aut-01", &it, &head.id, head.draft.clone(), "first")).unwrap();
        let e = pollster::block_on(item::save(&ctx, "eu-u-aut-02", &it, &head.id, head.draft.clone(), "second")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: item::OVERTAKEN }), "{e:?}");
        assert_eq!((versions(&ctx), count(&ctx, "audit_entries WHERE action = 'content.version_saved'")), (2, 1));
        assert_eq!(count(&ctx, "batch_guards"), 0);
        // over HTTP: two authors' forms read version 2
        let path = format!("/author/{id}");
        let base = super::edit_base(&host.text_as::<ContentDesk>(&path, &author));
        let form = |body: &'static str, base: &str, reason: &'static str| {
            let fields = [("title", "Race leaflet"), ("summary", "s"), ("body", body), ("area", "cardiology"), ("audience", "hcp"), ("markets", "DE"), ("reviewed_on", "2026-12-02"), ("expires_on", "2099-01-10"), ("reason", reason), ("base", base)];
            host.post_form::<ContentDesk>(&path, &author, &fields)
        };
        assert_eq!(form("Text of the first author", &base, "first edit").status(), 303);
        let late = form("Text of the second author, kept", &base, "second edit");
        assert_eq!(late.status(), 409);
        let page = TestHost::text(&late);
        assert!(page.contains("Someone else saved a newer version (version 3)") && page.contains("error-summary"), "{page}");
        assert!(page.contains("Text of the second author, kept") && page.contains("value=\"second edit\""), "the author's text and reason come back");
        assert_eq!(versions(&ctx), 3, "nothing saved by the late save");
        // saving the page's form again (based on version 3 now) makes version 4
        let again = super::edit_base(&page);
        assert_ne!(again, base);
        assert_eq!(form("Text of the second author, kept", &again, "second edit").status(), 303);
        assert_eq!(versions(&ctx), 4);
        assert!(host.text_as::<ContentDesk>(&path, &author).contains("Text of the second author, kept"));
        // a form without a base is refused the same way (fail closed)
        assert_eq!(form("no base", "", "x").status(), 409);
    }

    /// A scanner that, while it scans, lets another rescan of the same file (with a clean
    /// verdict) commit first, then finds the file infected.
    struct Overtaken<'c, 'a> {
        ctx: &'c NativeCtx<'a>,
        item: &'c Item,
        file: &'c str,
    }
    impl Scanner for Overtaken<'_, '_> {
        async fn scan(&self, _bytes: &[u8]) -> Verdict {
            assert_eq!(files::rescan(self.ctx, "eu-u-mlr-01", self.item, self.file, &EicarScanner).await.unwrap(), Verdict::Clean);
            Verdict::Infected("Race.Test".into())
        }
    }

    #[test]
    fn a_rescan_overtaken_by_another_scan_changes_nothing_and_keeps_the_bytes() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::ContentDesk);
        let author = staff_cookie(&host, "eu-u-aut-01", &["author"], "Sophie Martin");
        let id = draft(&host, &author, "race-rescan");
        let (it, _) = read(&ctx, &id);
        // no verdict at the upload: pending
        let file = pollster::block_on(files::attach(&ctx, "eu-u-aut-01", &it, "pending.pdf", PDF, &NoScanner)).unwrap();
        assert_eq!(count(&ctx, &format!("library_files WHERE id = '{file}' AND status = 'pending'")), 1);
        // this rescan read "pending"; the one that overtook it found the file clean
        let e = pollster::block_on(files::rescan(&ctx, "eu-u-aut-01", &it, &file, &Overtaken { ctx: &ctx, item: &it, file: &file })).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "file_not_pending" }), "{e:?}");
        assert_eq!(count(&ctx, &format!("library_files WHERE id = '{file}' AND status = 'clean'")), 1, "the first verdict stands");
        assert!(stored(&ctx, &file), "the clean file's bytes are not deleted by the late verdict");
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.file_rescanned'"), 1);
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.file_rejected'"), 0, "no entry for the refused batch");
        assert_eq!(count(&ctx, "batch_guards"), 0);
        let got = host.get_as::<Content>(&format!("/files/{file}"), &author);
        assert_eq!((got.status(), got.body().as_slice()), (http::StatusCode::OK, PDF));
        // a late "no verdict" after the other scan: no "still pending" entry either
        struct Late<'c, 'a>(Overtaken<'c, 'a>);
        impl Scanner for Late<'_, '_> {
            async fn scan(&self, bytes: &[u8]) -> Verdict {
                let _ = self.0.scan(bytes).await;
                Verdict::Unavailable("scanner unreachable")
            }
        }
        let file2 = pollster::block_on(files::attach(&ctx, "eu-u-aut-01", &it, "pending2.pdf", PDF, &NoScanner)).unwrap();
        let pending_entries = count(&ctx, "audit_entries WHERE action = 'content.file_pending'");
        let e = pollster::block_on(files::rescan(&ctx, "eu-u-aut-01", &it, &file2, &Late(Overtaken { ctx: &ctx, item: &it, file: &file2 }))).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "file_not_pending" }), "{e:?}");
        assert_eq!(count(&ctx, "audit_entries WHERE action = 'content.file_pending'"), pending_entries);
    }

    fn head_of(ctx: &NativeCtx<'_>, id: &str) -> (Item, crate::version::Version) {
        pollster::block_on(async {
            let db = ctx.global_sql().await.unwrap();
            let it = item::find(&db, id).await.unwrap().unwrap();
            let head = crate::version::find(&db, it.head_version.as_deref().unwrap()).await.unwrap().unwrap();
            (it, head)
        })
    }
    fn sign_all(ctx: &NativeCtx<'_>, id: &str) {
        for (discipline, who, name) in crate::import::REVIEWERS {
            let (it, head) = head_of(ctx, id);
            let assertion = format!("race:{}", ctx.random_id().unwrap());
            let signer = crate::signature::Signer { user_id: who, printed_name: name, role: "mlr_reviewer", assertion_id: &assertion, sha256: &head.sha256, meaning: crate::model::Meaning::Approval };
            pollster::block_on(crate::signature::sign(ctx, &it, &head, discipline, &signer, "")).unwrap();
        }
    }
    fn save_again(ctx: &NativeCtx<'_>, id: &str, reason: &str) {
        let (it, head) = head_of(ctx, id);
        pollster::block_on(item::save(ctx, "eu-u-aut-01", &it, &head.id, head.draft.clone(), reason)).unwrap();
    }

    /// The item workflow's steps from a read the item moved on from: each is refused whole.
    #[test]
    fn workflow_steps_read_before_a_competing_change_are_refused_whole() {
        use crate::{publication, workflow};
        use crate::model::{Decision, Discipline, State};
        let host = seeded();
        let ctx = Ctx::new(&host.platform, &host.config, Function::ContentDesk);
        let entries = |action: &str| count(&ctx, &format!("audit_entries WHERE action = '{action}'"));
        let it = pollster::block_on(async { item::by_slug(&ctx.global_sql().await?, "apixaban-aristotle-trial-summary").await }).unwrap().unwrap();
        assert_eq!(it.state, State::Published);
        let live = |ctx: &NativeCtx<'_>| count(ctx, &format!("library_publications WHERE item_id = '{}' AND version_id = '{}'", it.id, it.published_version.as_deref().unwrap()));
        let markets = live(&ctx);
        assert!(markets > 0);
        // a new version, submitted twice from the same read: one submission, one entry
        save_again(&ctx, &it.id, "race: new dosing table");
        let (draft, _) = head_of(&ctx, &it.id);
        let submitted = entries("content.submitted");
        pollster::block_on(workflow::submit(&ctx, "eu-u-aut-01", &draft)).unwrap();
        let e = pollster::block_on(workflow::submit(&ctx, "eu-u-aut-02", &draft)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "not_a_draft" }), "{e:?}");
        assert_eq!(entries("content.submitted"), submitted + 1);
        // a reviewer's page shows it in review; another reviewer sends it back meanwhile:
        // the first one's decision and signature are refused (nothing recorded on a draft)
        let (in_review, head) = head_of(&ctx, &it.id);
        let (decisions, signed) = (entries("content.review_decision"), entries("content.signed"));
        pollster::block_on(workflow::send_back(&ctx, "eu-u-mlr-01", &in_review, Discipline::Medical, Decision::RequestChanges, "Check the table.")).unwrap();
        let e = pollster::block_on(workflow::send_back(&ctx, "eu-u-mlr-02", &in_review, Discipline::Regulatory, Decision::Reject, "No.")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "not_in_review" }), "{e:?}");
        let signer = crate::signature::Signer { user_id: "us-u-mlr-01", printed_name: "Sarah Johnson", role: "mlr_reviewer", assertion_id: "race:late-signature", sha256: &head.sha256, meaning: crate::model::Meaning::Approval };
        let e = pollster::block_on(crate::signature::sign(&ctx, &in_review, &head, Discipline::Legal, &signer, "")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "not_in_review" }), "{e:?}");
        assert_eq!((entries("content.review_decision"), entries("content.signed")), (decisions + 1, signed));
        assert_eq!(count(&ctx, &format!("library_signatures WHERE version_id = '{}'", head.id)), 0);
        // approved; the publisher's page shows it approved; the author saves another version
        // meanwhile: the publication is refused and the live version stays live everywhere
        let (draft, _) = head_of(&ctx, &it.id);
        pollster::block_on(workflow::submit(&ctx, "eu-u-aut-01", &draft)).unwrap();
        sign_all(&ctx, &it.id);
        let (approved, v) = head_of(&ctx, &it.id);
        assert_eq!(approved.state, State::Approved);
        save_again(&ctx, &it.id, "race: one more change");
        let published = entries("content.published");
        let e = pollster::block_on(publication::publish(&ctx, "eu-u-adm-01", &approved, &v)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "not_approved" }), "{e:?}");
        assert_eq!(live(&ctx), markets, "the live version was not taken off its markets");
        assert_eq!(entries("content.published"), published);
        // two withdrawals from the same read: one withdrawal, one entry; a late expiry: none
        let (current, _) = head_of(&ctx, &it.id);
        pollster::block_on(publication::withdraw(&ctx, "eu-u-adm-01", &current, "superseded")).unwrap();
        let e = pollster::block_on(publication::withdraw(&ctx, "eu-u-adm-02", &current, "duplicate")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "already_withdrawn" }), "{e:?}");
        assert_eq!(count(&ctx, &format!("audit_entries WHERE action = 'content.withdrawn' AND object = '{}'", it.id)), 1);
        // an edit from a page read before the withdrawal: refused, the item stays withdrawn
        let saved = entries("content.version_saved");
        let (_, head) = head_of(&ctx, &it.id);
        let e = pollster::block_on(item::save(&ctx, "eu-u-aut-01", &current, &head.id, head.draft.clone(), "late edit")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "withdrawn" }), "{e:?}");
        assert_eq!((head_of(&ctx, &it.id).0.state, entries("content.version_saved")), (State::Withdrawn, saved));
        let e = pollster::block_on(publication::expire(&ctx, &it.id, "system:content", "late")).unwrap_err();
        assert!(medportal_core::audit::refused(&e), "{e:?}");
        assert_eq!(count(&ctx, &format!("audit_entries WHERE action = 'content.expired' AND object = '{}'", it.id)), 0);
        assert_eq!(count(&ctx, "batch_guards"), 0);
    }
}
