//! Host route tests: the inquiries function's routes natively on seeded in-memory stores.
use super::*;
use medportal_core::ports::SqlStore;
use medportal_core::{Region, StoreName};
use medportal_auth::testing::Person;
use medportal_native::testing::{TestHost, request};

/// Anna, a verified HCP in Germany.
fn anna(host: &TestHost) -> String {
    Person::hcp("eu-u-hcp-01").cookie(host)
}
/// Eva, medical information specialist (Czech Republic).
fn eva(host: &TestHost) -> String {
    Person { ctry: "CZ", ..Person::staff("eu-u-mis-01", &["mi_specialist"]) }.cookie(host)
}

fn sql(host: &TestHost, store: &str, q: &str) -> Vec<String> {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
    let rows = pollster::block_on(async {
        match StoreName::parse(store).unwrap() {
            StoreName::Regional(_, r) => ctx.region(r).sql().await.unwrap().query(q, &[]).await.unwrap(),
            StoreName::Global(_) => ctx.global_sql().await.unwrap().query(q, &[]).await.unwrap(),
        }
    });
    rows.iter().map(|r| r.text(0).unwrap()).collect()
}

const FORM: &[(&str, &str)] = &[
    ("question", "Dose of apixaban in severe renal impairment? canary-7f3q"),
    ("product", "Eliquis"),
    ("category", "dosing"),
    ("urgency", "routine"),
    ("channel", "email"),
    ("acknowledged", "1"),
];

fn submit(host: &TestHost, who: &str, key: &str) -> Response {
    let mut f = FORM.to_vec();
    f.push(("key", key));
    host.post_form::<Inquiries>("/inquiries/new", who, &f)
}

fn reference(html: &str) -> String {
    let i = html.find("class=\"reference\">").expect("reference shown") + 18;
    html[i..].split('<').next().unwrap().to_owned()
}

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

#[test]
fn only_verified_hcps_ask() {
    let host = TestHost::new();
    assert_eq!(host.get::<Inquiries>("/inquiries/new").status(), 401);
    let unverified = Person { ctry: "FR", vs: "unverified", ..Person::hcp("eu-u-hcp-03") }.cookie(&host);
    assert_eq!(host.get_as::<Inquiries>("/inquiries/new", &unverified).status(), 403);
    assert_eq!(submit(&host, &unverified, "k0000000000000000000000000").status(), 403);
    let form = host.text_as::<Inquiries>("/inquiries/new", &anna(&host));
    assert!(form.contains("name=\"key\" value=\"") && form.contains("minimum necessary"));
    // without the CSRF token nothing is written
    let enc = "question=x&product=Eliquis&key=k0000000000000000000000000";
    let r = host.send::<Inquiries>(request("POST", "/inquiries/new", &[("cookie", &anna(&host)), ("content-type", "application/x-www-form-urlencoded")], enc.into()));
    assert_eq!(r.status(), 403);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiries"), ["0"]);
}

#[test]
fn validation_keeps_what_was_typed_and_names_every_problem() {
    let host = TestHost::new();
    let r = host.post_form::<Inquiries>("/inquiries/new", &anna(&host), &[("question", "Is <b>this</b> kept?"), ("product", "Notadrugatall"), ("key", "k0000000000000000000000001")]);
    assert_eq!(r.status(), 422);
    let html = TestHost::text(&r);
    assert!(html.contains("There is a problem") || html.contains("error-summary"));
    assert!(html.contains("Is &lt;b&gt;this&lt;/b&gt; kept?"), "question kept, escaped");
    assert!(html.contains("value=\"Notadrugatall\""));
    assert!(html.contains("We do not recognise this medicine") && html.contains("Choose a topic."));
    assert!(html.contains("href=\"#acknowledged\""));
    assert!(html.contains("value=\"k0000000000000000000000001\""), "the same form key");
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiries"), ["0"]);
}

#[test]
fn a_resubmitted_form_makes_one_inquiry_with_one_audit_entry_in_the_home_region() {
    let host = TestHost::new();
    let key = "kaaaaaaaaaaaaaaaaaaaaaaaaa";
    let first = submit(&host, &anna(&host), key);
    assert_eq!(first.status(), 200, "{}", TestHost::text(&first));
    let r1 = reference(&TestHost::text(&first));
    assert!(r1.starts_with("MI-20") && r1.contains("-EU-") && r1.ends_with("000001"), "{r1}");
    let again = submit(&host, &anna(&host), key);
    assert_eq!(reference(&TestHost::text(&again)), r1);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiries"), ["1"]);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiry_messages"), ["1"]);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM audit_entries WHERE action = 'inquiry.submitted'"), ["1"]);
    for store in ["db_us", "db_global"] {
        assert_eq!(sql(&host, store, "SELECT CAST(COUNT(*) AS TEXT) FROM inquiries"), ["0"], "{store}");
    }
    // a new form is a new inquiry with the next reference; the key of another person is refused
    let second = reference(&TestHost::text(&submit(&host, &anna(&host), "kbbbbbbbbbbbbbbbbbbbbbbbbb")));
    assert!(second.ends_with("000002"));
    let other = Person::hcp("eu-u-hcp-09").cookie(&host);
    assert_eq!(submit(&host, &other, key).status(), 409);
    assert_eq!(submit(&host, &anna(&host), "short").status(), 400);
    // a US HCP's counter is the US one
    let maria = Person { rgn: "us", ctry: "US", ..Person::hcp("us-u-hcp-01") }.cookie(&host);
    assert!(reference(&TestHost::text(&submit(&host, &maria, "kccccccccccccccccccccccccc"))).contains("-US-000001"));
    let mine = host.text_as::<Inquiries>("/inquiries", &anna(&host));
    assert!(mine.contains(&r1) && mine.contains(&second) && !mine.contains("-US-"));
}

#[test]
fn the_thread_is_the_owners_the_specialist_answers_and_the_owner_follows_up_rates_and_closes() {
    let host = TestHost::new();
    let r = reference(&TestHost::text(&submit(&host, &anna(&host), "kdddddddddddddddddddddddd1")));
    let thread = format!("/inquiries/{r}");
    assert_eq!(host.get_as::<Inquiries>(&thread, &anna(&host)).status(), 200);
    let stranger = Person::hcp("eu-u-hcp-09").cookie(&host);
    let (theirs, none) = (host.get_as::<Inquiries>(&thread, &stranger), host.get_as::<Inquiries>("/inquiries/MI-2026-EU-999999", &stranger));
    assert_eq!((theirs.status().as_u16(), none.status().as_u16()), (404, 404));
    assert_eq!(TestHost::text(&theirs).replace(&r, "REF"), TestHost::text(&none).replace("MI-2026-EU-999999", "REF"), "no existence leak");
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/follow-up"), &stranger, &[("body", "mine?")]).status(), 404);
    // the specialist's queue and work
    assert_eq!(host.get_as::<Inquiries>("/mi/queue", &anna(&host)).status(), 403);
    let queue = host.text_as::<Inquiries>("/mi/queue", &eva(&host));
    assert!(queue.contains(&r));
    let mi = format!("/mi/inquiries/{r}");
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/assign"), &eva(&host), &[]).status(), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT status || ' ' || assignee FROM inquiries"), ["triaged eu-u-mis-01"]);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/note"), &eva(&host), &[("body", "internal-only-remark")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/status"), &eva(&host), &[("to", "in_progress")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/status"), &eva(&host), &[("to", "triaged")]).status(), 409);
    // citations must be published library versions
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "Reduce the dose."), ("citations", "no-such-item")]).status(), 400);
    publish_demo_item(&host);
    let answered = host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "Reduce the dose.\n\nSee the SmPC."), ("citations", "apixaban-renal")]);
    assert_eq!(answered.status(), 303, "{}", TestHost::text(&answered));
    let html = host.text_as::<Inquiries>(&thread, &anna(&host));
    assert!(html.contains("Response from Medical Information") && html.contains("Reduce the dose."));
    assert!(html.contains("Apixaban in renal impairment") && html.contains("version 3, SHA-256 abcdef012345"));
    assert!(html.contains("unsolicited question"), "the disclaimer");
    assert!(!html.contains("internal-only-remark"), "internal notes stay internal");
    assert!(host.text_as::<Inquiries>(&mi, &eva(&host)).contains("internal-only-remark"));
    // the owner is told by mail, with a link and without the content
    let mail = sql(&host, "db_eu", "SELECT body_text FROM mail_outbox WHERE to_addr = 'anna.mueller@example.org'");
    assert_eq!(mail.len(), 3, "the triage (by the assignment), the status change and the answer");
    for m in &mail {
        assert!(m.contains(&thread) && !m.contains("Reduce the dose") && !m.contains("apixaban") && !m.contains("canary"), "{m}");
    }
    // follow-up reopens with a new response time, answer again, rate, close
    let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
    let eu = Region::from_code("eu").unwrap();
    pollster::block_on(async { ctx.region(eu).sql().await.unwrap().execute(&eu, "UPDATE inquiries SET due_at = 0", &[]).await.unwrap() });
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/follow-up"), &anna(&host), &[("body", "And in dialysis?")]).status(), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT status FROM inquiries"), ["in_progress"]);
    let due = sql(&host, "db_eu", "SELECT CAST(due_at - received_at AS TEXT) FROM inquiries");
    assert!(due[0].parse::<i64>().unwrap() >= 86_400, "a reopened inquiry is due in business days from now, not at its old time: {due:?}");
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "Not recommended.")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/rating"), &anna(&host), &[("rating", "9")]).status(), 400);
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/rating"), &anna(&host), &[("rating", "5")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/close"), &anna(&host), &[]).status(), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT status || ' ' || rating FROM inquiries"), ["closed 5"]);
    assert_eq!(host.post_form::<Inquiries>(&format!("{thread}/follow-up"), &anna(&host), &[("body", "again")]).status(), 409);
    let audit = sql(&host, "db_eu", "SELECT action FROM audit_entries WHERE action LIKE 'inquiry.%' ORDER BY at, rowid");
    for a in ["inquiry.submitted", "inquiry.note", "inquiry.answered", "inquiry.follow_up", "inquiry.status"] {
        assert!(audit.iter().any(|x| x == a), "{a} audited: {audit:?}");
    }
    // metrics: one inquiry, answered in time, its medicine and topic on top
    assert_eq!(host.get_as::<Inquiries>("/mi/metrics", &anna(&host)).status(), 403);
    let metrics = host.text_as::<Inquiries>("/mi/metrics", &eva(&host));
    assert!(metrics.contains("<dd>1</dd>") && metrics.contains("100 %") && metrics.contains("<svg"), "{metrics}");
    assert!(metrics.contains(">eliquis</text>") && metrics.contains(">Dosing and administration</text>"));
    // accessible charts: title and description with every figure, and the figures as a table
    assert!(metrics.contains("aria-labelledby=\"chart-products-title\"") && metrics.contains("<title id=\"chart-products-title\">Top medicines</title>"));
    assert!(metrics.contains("<desc id=\"chart-products-desc\">eliquis: 1</desc>"), "{metrics}");
    assert!(metrics.contains("<caption>Top medicines</caption>") && metrics.contains("<th scope=\"row\">eliquis</th><td>1</td>"));
    // a US specialist does not see an EU inquiry
    let kevin = Person { rgn: "us", ctry: "US", ..Person::staff("us-u-mis-01", &["mi_specialist"]) }.cookie(&host);
    assert_eq!(host.get_as::<Inquiries>(&mi, &kevin).status(), 404);
    // a staff session without the second factor has no MI rights
    assert_eq!(host.get_as::<Inquiries>("/mi/queue", &Person { ctry: "CZ", roles: &["mi_specialist"], ..Person::new("eu-u-mis-01") }.cookie(&host)).status(), 403);
}

/// A published library item (content's tables in db_global), as content's publishing leaves it.
fn publish_demo_item(host: &TestHost) {
    let ctx = Ctx::new(&host.platform, &host.config, Function::Content);
    let sha = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
    let stmts = [
        "INSERT INTO library_families (id, created_at) VALUES ('f1', 0)".to_owned(),
        "INSERT INTO library_items (id, family_id, slug, language, content_type, state, head_version, published_version, created_by, created_at, state_since) \
         VALUES ('i1', 'f1', 'apixaban-renal', 'en', 'prescribing_information', 'published', 'v3', 'v3', 'a', 0, 0)".to_owned(),
        format!("INSERT INTO library_versions (id, item_id, number, sha256, author, created_at, reason, title, summary, body, refs, taxonomy, audience, area, markets) \
         VALUES ('v3', 'i1', 3, '{sha}', 'a', 0, 'r', 'Apixaban in renal impairment', 's', 'b', '[]', '{{}}', 'hcp', 'cardiology', 'INTL')"),
    ];
    let db = pollster::block_on(ctx.global_sql()).unwrap();
    for s in stmts {
        pollster::block_on(db.execute(&s, &[])).unwrap();
    }
}

#[test]
fn an_adverse_event_opens_a_pv_case_in_the_intake_batch_follow_ups_add_to_it_and_pv_forwards_it() {
    let host = TestHost::new();
    // Thursday 24 Dec 2026 10:00 UTC in DE: the 25th and 26th are holidays, then a weekend
    let day0 = "1798106400";
    let mut f = FORM.to_vec();
    f.retain(|(k, _)| *k != "question");
    f.extend([("question", "My patient (pv-canary-4k) developed a severe nosebleed after starting Eliquis."), ("key", "kpvpvpvpvpvpvpvpvpvpvpvpv1"), ("dev_received_at", day0)]);
    let r = reference(&TestHost::text(&host.post_form::<Inquiries>("/inquiries/new", &anna(&host), &f)));
    assert_eq!(sql(&host, "db_eu", "SELECT kind || ' ' || status || ' ' || reporter || ' ' || product FROM pv_cases"), ["adverse_event open eu-u-hcp-01 eliquis"]);
    let times = sql(&host, "db_eu", "SELECT received_at || ' ' || forward_due_at || ' ' || expedited_due_at FROM pv_cases");
    // day 0; Monday 28 Dec 10:00; Friday 8 Jan 2027 10:00
    assert_eq!(times, [format!("{day0} 1798452000 1799402400")]);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM audit_entries WHERE action = 'pv.case_opened'"), ["1"]);
    for store in ["db_us", "db_global"] {
        assert_eq!(sql(&host, store, "SELECT CAST(COUNT(*) AS TEXT) FROM pv_cases"), ["0"], "{store}");
    }
    // a flagged follow-up of an inquiry with an open case adds to that case (its receipt,
    // reasons and words; the clocks of the first receipt stay), audited in its batch
    let follow_up = |r: &str, body: &str| host.post_form::<Inquiries>(&format!("/inquiries/{r}/follow-up"), &anna(&host), &[("body", body)]).status();
    assert_eq!(follow_up(&r, "The blister was cracked and two tablets were broken (fu-canary-9z)."), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM pv_cases"), ["1"], "no second case");
    assert_eq!(sql(&host, "db_eu", "SELECT received_at || ' ' || forward_due_at || ' ' || expedited_due_at || ' ' || kind FROM pv_cases"), [format!("{day0} 1798452000 1799402400 adverse_event")]);
    let added = sql(&host, "db_eu", "SELECT f.case_id || ' ' || f.reporter || ' ' || m.kind || ' ' || f.reasons FROM pv_case_follow_ups f JOIN inquiry_messages m ON m.id = f.message_id");
    let case_id = sql(&host, "db_eu", "SELECT id FROM pv_cases").remove(0);
    assert_eq!(added.len(), 1);
    assert!(added[0].starts_with(&format!("{case_id} eu-u-hcp-01 follow_up ")) && added[0].contains("defect: cracked"), "{added:?}");
    let received = sql(&host, "db_eu", "SELECT f.received_at || ' ' || m.created_at FROM pv_case_follow_ups f JOIN inquiry_messages m ON m.id = f.message_id").remove(0);
    let (fu, msg) = received.split_once(' ').unwrap();
    assert!(fu == msg && fu != day0, "the follow-up's own receipt: {received}");
    assert_eq!(sql(&host, "db_eu", "SELECT object || ' ' || reason FROM audit_entries WHERE action = 'pv.case_follow_up'"), [format!("{case_id} kind=product_complaint")]);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM audit_entries WHERE action = 'pv.case_opened'"), ["1"]);
    // a plain question opens none; a flagged follow-up of an inquiry without a case opens one
    let plain = reference(&TestHost::text(&submit(&host, &anna(&host), "kplainplainplainplainplain")));
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM pv_cases"), ["1"]);
    assert_eq!(follow_up(&plain, "The blister was cracked and two tablets were broken."), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT kind FROM pv_cases ORDER BY rowid"), ["adverse_event", "product_complaint"]);
    // the specialist sees why it was flagged; the PV role works the cases, nobody else
    let work = host.text_as::<Inquiries>(&format!("/mi/inquiries/{r}"), &eva(&host));
    assert!(work.contains("Safety screening") && work.contains("Event term: <q>nosebleed</q>") && work.contains("Patient mention: <q>my patient</q>"), "{work}");
    assert!(work.contains("Defect term: <q>cracked</q>"), "the follow-up's reasons on its case: {work}");
    let petra = Person::staff("eu-u-pv-01", &["pv_officer"]).cookie(&host);
    assert_eq!(host.get_as::<Inquiries>("/pv/cases", &eva(&host)).status(), 403);
    assert_eq!(host.get_as::<Inquiries>("/pv/cases", &anna(&host)).status(), 403);
    let list = host.text_as::<Inquiries>("/pv/cases", &petra);
    assert!(list.contains(&r) && list.contains("Adverse event") && list.contains("Product complaint"));
    let id = sql(&host, "db_eu", "SELECT id FROM pv_cases WHERE kind = 'adverse_event'").remove(0);
    let case = host.text_as::<Inquiries>(&format!("/pv/cases/{id}"), &petra);
    assert!(case.contains("eu-u-hcp-01") && case.contains("my patient") && case.contains("pv-canary-4k") && case.contains("2026-12-28T10:00:00Z"), "{case}");
    assert!(case.contains("Follow-ups added to this case") && case.contains("Defect term: <q>cracked</q>") && case.contains("fu-canary-9z"), "{case}");
    assert!(case.contains("name=\"seen\" value=\"1\""), "the form carries the follow-ups shown");
    let forward = |seen: &[(&str, &str)]| host.post_form::<Inquiries>(&format!("/pv/cases/{id}/forward"), &petra, seen).status();
    assert_eq!(forward(&[]), 400, "the case as shown is required");
    assert_eq!(forward(&[("seen", "0")]), 409, "a page from before the follow-up forwards nothing");
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM audit_entries WHERE action = 'pv.case_forwarded'"), ["0"]);
    assert_eq!(forward(&[("seen", "1")]), 303);
    assert_eq!(forward(&[("seen", "1")]), 409);
    assert_eq!(sql(&host, "db_eu", "SELECT status || ' ' || forwarded_by FROM pv_cases WHERE id = (SELECT id FROM pv_cases WHERE kind = 'adverse_event')"), ["forwarded eu-u-pv-01"]);
    assert_eq!(sql(&host, "db_eu", "SELECT reason FROM audit_entries WHERE action = 'pv.case_forwarded'"), ["on_time"]);
    // once the case is forwarded, a new flagged follow-up opens a case of its own
    assert_eq!(follow_up(&r, "She then developed a rash."), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT kind || ' ' || status FROM pv_cases ORDER BY rowid"), ["adverse_event forwarded", "product_complaint open", "adverse_event open"]);
    // a US PV officer does not see an EU case; cases are never deleted
    let paul = Person { rgn: "us", ctry: "US", ..Person::staff("us-u-pv-01", &["pv_officer"]) }.cookie(&host);
    assert_eq!(host.get_as::<Inquiries>(&format!("/pv/cases/{id}"), &paul).status(), 404);
    let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
    let eu = Region::from_code("eu").unwrap();
    assert!(pollster::block_on(async { ctx.region(eu).sql().await.unwrap().execute(&eu, "DELETE FROM pv_cases", &[]).await }).is_err());
    assert!(pollster::block_on(async { ctx.region(eu).sql().await.unwrap().execute(&eu, "DELETE FROM pv_case_follow_ups", &[]).await }).is_err());
}

#[test]
fn an_off_label_request_is_recorded_and_every_letter_carries_the_statement_indications_and_safety_information() {
    let host = TestHost::new();
    let r = reference(&TestHost::text(&submit(&host, &anna(&host), "koffoffoffoffoffoffoffoff1")));
    let mi = format!("/mi/inquiries/{r}");
    assert!(host.text_as::<Inquiries>(&mi, &eva(&host)).contains("Mark as off-label (unsolicited)"));
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &anna(&host), &[("use", "x")]).status(), 403);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &eva(&host), &[("use", "  ")]).status(), 400);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &eva(&host), &[("use", "Apixaban in children under 12")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &eva(&host), &[("use", "again")]).status(), 409);
    assert_eq!(sql(&host, "db_eu", "SELECT use_asked || ' ' || marked_by FROM inquiry_off_label"), ["Apixaban in children under 12 eu-u-mis-01"]);
    assert_eq!(sql(&host, "db_eu", "SELECT reason FROM audit_entries WHERE action = 'inquiry.off_label'"), ["unsolicited"]);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "There are limited data.")]).status(), 303);
    let letter = host.text_as::<Inquiries>(&format!("/inquiries/{r}"), &anna(&host));
    assert!(letter.contains("You asked about a use of this medicine that is not approved: Apixaban in children under 12."), "{letter}");
    assert!(letter.contains("Approved indications") && letter.contains("non-valvular atrial fibrillation"));
    assert!(letter.contains("Important safety information") && letter.contains("risk of bleeding"));
    let de = host.send::<Inquiries>(request("GET", &format!("/inquiries/{r}"), &[("cookie", &anna(&host)), ("accept-language", "de")], vec![]));
    let de = TestHost::text(&de);
    assert!(de.contains("nicht zugelassenen Anwendung") && de.contains("Vorhofflimmern") && de.contains("Wichtige Sicherheitsinformationen"));
    // the follow-up and the next answer stay in the same record
    assert_eq!(host.post_form::<Inquiries>(&format!("/inquiries/{r}/follow-up"), &anna(&host), &[("body", "And in adolescents?")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "No data either.")]).status(), 303);
    let letter = host.text_as::<Inquiries>(&format!("/inquiries/{r}"), &anna(&host));
    assert_eq!(letter.matches("You asked about a use of this medicine").count(), 2, "every letter");
    let audit = sql(&host, "db_eu", "SELECT action FROM audit_entries WHERE object = (SELECT id FROM inquiries) ORDER BY seq");
    for a in ["inquiry.submitted", "inquiry.off_label", "inquiry.answered", "inquiry.follow_up"] {
        assert!(audit.iter().any(|x| x == a), "{a}: {audit:?}");
    }
}

/// The vocabulary is db_global's product_names (migration 0015): brands and generics in any
/// case, every name of synonyms.txt, nothing else; one query for many candidates.
#[test]
fn the_vocabulary_is_looked_up_in_db_global() {
    let host = TestHost::new();
    let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
    let known = |c: &[&str]| pollster::block_on(products::known(&ctx, &c.iter().map(|n| products::normal(n)).collect::<Vec<_>>())).unwrap();
    let names = ["Eliquis", "  apixaban ", "XARELTO", "rivaroxaban", "eliq", "zzzzzz", "ab", "", "novo nordisk", "a'b"];
    let mut found = known(&names);
    found.sort();
    assert_eq!(found, ["apixaban", "eliquis", "rivaroxaban", "xarelto"]);
    for n in ["Eliquis", "  apixaban ", "XARELTO"] {
        assert_eq!(products::recognise(n, &found), Some(products::normal(n)));
    }
    let source = include_str!("../../../shared/search-index/data/synonyms.txt");
    let all: Vec<&str> = source.lines().filter(|l| !l.starts_with('#')).flat_map(|l| l.split('|')).collect();
    assert!(all.len() > 15_000);
    let sample: Vec<&str> = all.iter().step_by(97).copied().collect();
    assert_eq!(known(&sample).len(), sample.iter().map(|n| products::normal(n)).collect::<std::collections::BTreeSet<_>>().len());
    // the candidates of a long text in one query, bounded
    let many: Vec<String> = (0..products::MAX_CANDIDATES + 10).map(|i| format!("word{i}")).chain(["eliquis".to_owned()]).collect();
    assert!(pollster::block_on(products::known(&ctx, &many)).unwrap().is_empty(), "candidates past the bound are not looked up");
    assert_eq!(sql(&host, "db_global", "SELECT generic FROM product_names WHERE name = 'eliquis'"), ["apixaban"]);
}

#[test]
fn a_specialist_undoes_an_off_label_mark_with_a_reason_before_any_answer_audited() {
    let host = TestHost::new();
    let r = reference(&TestHost::text(&submit(&host, &anna(&host), "kundoundoundoundoundoundo1")));
    let mi = format!("/mi/inquiries/{r}");
    let undo = format!("{mi}/off-label/undo");
    assert_eq!(host.post_form::<Inquiries>(&undo, &eva(&host), &[("reason", "not marked")]).status(), 409, "nothing to undo");
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &eva(&host), &[("use", "Apixaban in children")]).status(), 303);
    assert!(host.text_as::<Inquiries>(&mi, &eva(&host)).contains("Undo the off-label mark"));
    assert_eq!(host.post_form::<Inquiries>(&undo, &anna(&host), &[("reason", "x")]).status(), 403, "the HCP cannot");
    assert_eq!(host.post_form::<Inquiries>(&undo, &eva(&host), &[("reason", "  ")]).status(), 400, "a reason is required");
    assert_eq!(host.send::<Inquiries>(request("POST", &undo, &[("cookie", &eva(&host)), ("content-type", "application/x-www-form-urlencoded")], b"reason=x".to_vec())).status(), 403, "CSRF");
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiry_off_label"), ["1"], "refused attempts change nothing");
    assert_eq!(host.post_form::<Inquiries>(&undo, &eva(&host), &[("reason", "Marked on the wrong inquiry")]).status(), 303);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiry_off_label"), ["0"]);
    assert_eq!(sql(&host, "db_eu", "SELECT use_asked || ' | ' || marked_by || ' | ' || undone_by || ' | ' || reason FROM inquiry_off_label_undone"), ["Apixaban in children | eu-u-mis-01 | eu-u-mis-01 | Marked on the wrong inquiry"]);
    assert_eq!(sql(&host, "db_eu", "SELECT actor || ' ' || object || ' ' || reason FROM audit_entries WHERE action = 'inquiry.off_label_undone'").len(), 1);
    assert!(host.text_as::<Inquiries>(&mi, &eva(&host)).contains("Mark as off-label (unsolicited)"), "it may be marked again");
    // once an answer carried the statement, the mark stays
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/off-label"), &eva(&host), &[("use", "Apixaban in children")]).status(), 303);
    assert_eq!(host.post_form::<Inquiries>(&format!("{mi}/answer"), &eva(&host), &[("body", "Data are limited.")]).status(), 303);
    assert!(!host.text_as::<Inquiries>(&mi, &eva(&host)).contains("Undo the off-label mark"));
    assert_eq!(host.post_form::<Inquiries>(&undo, &eva(&host), &[("reason", "too late")]).status(), 409);
    assert_eq!(sql(&host, "db_eu", "SELECT CAST(COUNT(*) AS TEXT) FROM inquiry_off_label"), ["1"]);
}

/// The races of the last review, interleaved deterministically: a use case reads the state,
/// a competing change commits, then the use case's batch runs with what it read. The guard in
/// the batch refuses it whole: no change, no audit entry, a conflict (never a 500).
mod races {
    use super::*;
    use crate::inquiry::{self, Inquiry};
    use crate::{off_label, pv, screening, thread};
    use medportal_core::audit::{self, commit};
    use medportal_core::platform::RegionSql;
    use medportal_core::ports::Statement;

    fn eu() -> Region {
        Region::from_code("eu").unwrap()
    }
    fn count(host: &TestHost, q: &str) -> String {
        sql(host, "db_eu", &format!("SELECT CAST(COUNT(*) AS TEXT) FROM {q}")).remove(0)
    }
    fn read(ctx: &Ctx<'_, medportal_native::NativePlatform>, reference: &str) -> (RegionSql<medportal_native::NativeSql>, Inquiry) {
        pollster::block_on(async {
            let db = ctx.region(eu()).sql().await.unwrap();
            let inq = inquiry::by_reference(&db, reference).await.unwrap().unwrap();
            (db, inq)
        })
    }

    #[test]
    fn an_answer_committed_after_the_undo_read_the_inquiry_refuses_the_undo() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
        let r = reference(&TestHost::text(&submit(&host, &anna(&host), "kraceraceraceraceraceracer")));
        assert_eq!(host.post_form::<Inquiries>(&format!("/mi/inquiries/{r}/off-label"), &eva(&host), &[("use", "Apixaban in children")]).status(), 303);
        // the undo reads: marked, no answer yet
        let (_, before) = read(&ctx, &r);
        assert_eq!(before.answered_at, 0);
        // the answer commits in between (its letter carries the off-label statement)
        pollster::block_on(inquiry::answer(&ctx, eu(), "eu-u-mis-02", &before, "Data in children are limited.", &[])).unwrap();
        // the undo's batch with what it read: refused
        let e = pollster::block_on(off_label::undo(&ctx, eu(), "eu-u-mis-01", &before, "Marked by mistake")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "off_label_answered" }), "{e:?}");
        assert_eq!(count(&host, "inquiry_off_label"), "1", "the mark stays");
        assert_eq!(count(&host, "inquiry_off_label_undone"), "0");
        assert_eq!(count(&host, "audit_entries WHERE action = 'inquiry.off_label_undone'"), "0", "no entry without the change");
        assert_eq!(count(&host, "batch_guards"), "0", "a guard writes nothing");
        // an undo of a mark another specialist undid meanwhile: nothing to undo, one entry only
        // (its own read of the mark is fresh; the guard covers the moment after it)
        let r2 = reference(&TestHost::text(&submit(&host, &anna(&host), "kracetworacetworacetworace")));
        assert_eq!(host.post_form::<Inquiries>(&format!("/mi/inquiries/{r2}/off-label"), &eva(&host), &[("use", "Crushed tablets")]).status(), 303);
        let (_, inq2) = read(&ctx, &r2);
        pollster::block_on(off_label::undo(&ctx, eu(), "eu-u-mis-02", &inq2, "first")).unwrap();
        let e = pollster::block_on(off_label::undo(&ctx, eu(), "eu-u-mis-01", &inq2, "second")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "not_off_label" }), "{e:?}");
        assert_eq!(count(&host, "audit_entries WHERE action = 'inquiry.off_label_undone'"), "1");
    }

    /// A flagged follow-up's PV part as the follow-up use case builds it: the message and the
    /// flag read from the state now.
    fn flagged(ctx: &Ctx<'_, medportal_native::NativePlatform>, db: &RegionSql<medportal_native::NativeSql>, inq: &Inquiry, body: &str) -> (Vec<Statement>, pv::Flag, screening::Screening) {
        pollster::block_on(async {
            let s = screening::screen(body, &inq.language, &inq.product, &[]);
            assert!(s.flagged(), "{body}");
            let message_id = ctx.random_id().unwrap();
            let now = ctx.now();
            let from = pv::Source { inquiry_id: &inq.id, message_id: &message_id, market: &inq.market, language: &inq.language, reporter: "eu-u-hcp-01", received: now };
            let flag = pv::flag(db, ctx.random_id().unwrap(), &from, &s).await.unwrap();
            let message = thread::append(message_id.clone(), &inq.id, thread::Kind::FollowUp, "eu-u-hcp-01", body, &[], now.unix_timestamp()).unwrap();
            (vec![message], flag, s)
        })
    }
    fn run(ctx: &Ctx<'_, medportal_native::NativePlatform>, (mut stmts, flag, s): (Vec<Statement>, pv::Flag, screening::Screening)) -> Result<()> {
        stmts.extend(flag.statements.iter().cloned());
        pollster::block_on(commit(ctx, eu(), stmts, &[flag.entry(&s)]))
    }

    #[test]
    fn a_follow_up_never_joins_a_case_forwarded_after_it_was_read_nor_opens_a_second_open_case() {
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
        let mut f = FORM.to_vec();
        f.retain(|(k, _)| *k != "question");
        f.extend([("question", "My patient developed a severe nosebleed after starting Eliquis."), ("key", "kpvracepvracepvracepvrace1")]);
        let r = reference(&TestHost::text(&host.post_form::<Inquiries>("/inquiries/new", &anna(&host), &f)));
        let (db, inq) = read(&ctx, &r);
        let case = sql(&host, "db_eu", "SELECT id FROM pv_cases").remove(0);
        // the follow-up reads the open case and would join it…
        let join = flagged(&ctx, &db, &inq, "The blister was cracked and two tablets were broken.");
        assert!(join.1.follow_up && join.1.case_id == case);
        // …the PV officer forwards it in between…
        let c = pollster::block_on(pv::by_id(&db, &case)).unwrap().unwrap();
        pollster::block_on(pv::forward(&ctx, eu(), "eu-u-pv-01", &c, 0)).unwrap();
        // …so the joining batch is refused whole: no follow-up on a forwarded case, no message, no entry
        let e = run(&ctx, join).unwrap_err();
        assert!(audit::refused(&e), "{e:?}");
        assert_eq!(count(&host, "pv_case_follow_ups"), "0");
        assert_eq!(count(&host, "inquiry_messages WHERE kind = 'follow_up'"), "0");
        assert_eq!(count(&host, "audit_entries WHERE action = 'pv.case_follow_up'"), "0");
        // two flagged follow-ups both read "no open case"; the first opens one, the second is refused
        let first = flagged(&ctx, &db, &inq, "She then developed a rash.");
        let second = flagged(&ctx, &db, &inq, "Meanwhile she was admitted with a gastrointestinal bleed.");
        assert!(!first.1.follow_up && !second.1.follow_up);
        run(&ctx, first).unwrap();
        assert!(audit::refused(&run(&ctx, second).unwrap_err()));
        assert_eq!(count(&host, "pv_cases WHERE status = 'open'"), "1", "one open case");
        // the use case reads again after such a refusal: the message lands, on the open case
        let follow_up = host.post_form::<Inquiries>(&format!("/inquiries/{r}/follow-up"), &anna(&host), &[("body", "Meanwhile she was admitted with a gastrointestinal bleed.")]);
        assert_eq!(follow_up.status(), 303);
        assert_eq!(count(&host, "pv_cases WHERE status = 'open'"), "1");
        assert_eq!(sql(&host, "db_eu", "SELECT c.status FROM pv_case_follow_ups f JOIN pv_cases c ON c.id = f.case_id"), ["open"]);
        // a forwarding from a page that did not show the latest follow-up is refused the same way
        let open = pollster::block_on(pv::by_id(&db, &sql(&host, "db_eu", "SELECT id FROM pv_cases WHERE status = 'open'").remove(0))).unwrap().unwrap();
        let e = pollster::block_on(pv::forward(&ctx, eu(), "eu-u-pv-01", &open, 0)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "case_changed" }), "{e:?}");
        pollster::block_on(pv::forward(&ctx, eu(), "eu-u-pv-01", &open, 1)).unwrap();
        let e = pollster::block_on(pv::forward(&ctx, eu(), "eu-u-pv-01", &open, 1)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "case_already_forwarded" }), "{e:?}");
        assert_eq!(count(&host, "audit_entries WHERE action = 'pv.case_forwarded'"), "2", "one per forwarded case");
    }

    #[test]
    fn a_change_read_before_another_status_change_is_refused_whole() {
        use crate::model::Status;
        let host = TestHost::new();
        let ctx = Ctx::new(&host.platform, &host.config, Function::Inquiries);
        let entries = |action: &str| count(&host, &format!("audit_entries WHERE action = '{action}'"));
        let r = reference(&TestHost::text(&submit(&host, &anna(&host), "kchangechangechangechange1")));
        // the specialist's answer reads "received"; another specialist refers it in between
        let (_, before) = read(&ctx, &r);
        pollster::block_on(inquiry::set_status(&ctx, eu(), "eu-u-mis-02", &before, Status::Referred)).unwrap();
        let (status_entries, messages) = (entries("inquiry.status"), count(&host, "inquiry_messages"));
        let e = pollster::block_on(inquiry::answer(&ctx, eu(), "eu-u-mis-01", &before, "Reduce the dose.", &[])).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "status_not_allowed" }), "{e:?}");
        assert_eq!(entries("inquiry.answered"), "0", "no entry without the change");
        assert_eq!(count(&host, "inquiry_messages"), messages, "no answer in the thread of a referred inquiry");
        assert_eq!(sql(&host, "db_eu", "SELECT status || ' ' || COALESCE(answered_at, 'never') FROM inquiries"), ["referred never"]);
        // a status change from the same stale read: refused the same way (one entry only)
        let e = pollster::block_on(inquiry::set_status(&ctx, eu(), "eu-u-mis-01", &before, Status::Triaged)).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "status_not_allowed" }), "{e:?}");
        assert_eq!(entries("inquiry.status"), status_entries);
        // taking it from a page that showed it open: refused once it was referred
        let e = pollster::block_on(inquiry::assign(&ctx, eu(), "eu-u-mis-01", &Inquiry { status: Status::Triaged, ..before.clone() })).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "inquiry_not_open" }), "{e:?}");
        assert_eq!(sql(&host, "db_eu", "SELECT COALESCE(assignee, 'none') FROM inquiries"), ["none"]);
        assert_eq!(count(&host, "batch_guards"), "0", "a guard writes nothing");

        // the HCP's follow-up reads "received"; the answer commits in between: the follow-up
        // would land on an answered inquiry without reopening it, so it is refused (the HCP
        // reloads and sends it again, which reopens the inquiry)
        let r2 = reference(&TestHost::text(&submit(&host, &anna(&host), "kchangefollowupchangefollo")));
        let (_, asked) = read(&ctx, &r2);
        pollster::block_on(inquiry::answer(&ctx, eu(), "eu-u-mis-01", &asked, "Reduce the dose.", &[])).unwrap();
        let e = pollster::block_on(inquiry::follow_up(&ctx, eu(), "eu-u-hcp-01", &asked, "And in dialysis?")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "inquiry_not_open" }), "{e:?}");
        assert_eq!(entries("inquiry.follow_up"), "0");
        let (_, answered) = read(&ctx, &r2);
        pollster::block_on(inquiry::follow_up(&ctx, eu(), "eu-u-hcp-01", &answered, "And in dialysis?")).unwrap();
        assert_eq!(read(&ctx, &r2).1.status, Status::InProgress, "read again, the follow-up reopens it");
        // a flagged follow-up (its PV part retried on a refusal) from a stale read: the status
        // refused it, so it is answered at once with the status's conflict, not the case's
        let (_, open) = read(&ctx, &r2);
        pollster::block_on(inquiry::set_status(&ctx, eu(), "eu-u-mis-01", &open, Status::Referred)).unwrap();
        let e = pollster::block_on(inquiry::follow_up(&ctx, eu(), "eu-u-hcp-01", &open, "She developed a severe nosebleed after starting Eliquis.")).unwrap_err();
        assert!(matches!(e, Error::Conflict { code: "inquiry_not_open" }), "{e:?}");
        assert_eq!(entries("inquiry.follow_up"), "1");
        assert_eq!(count(&host, "pv_cases"), "0", "no case opened by the refused message");
    }
}
