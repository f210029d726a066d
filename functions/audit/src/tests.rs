use super::*;
use medportal_auth::testing::Person;
use medportal_native::testing::{TestHost, assert_secured, request};

#[test]
fn route_table_builds() {
    let _ = Audit::routes();
}

#[test]
fn landing_page_renders_in_both_languages() {
    let host = TestHost::new();
    let en = host.get::<Audit>("/audit/about");
    assert_eq!(en.status(), 200);
    assert!(TestHost::text(&en).contains("lang=\"en\""));
    let de = host.send::<Audit>(request("GET", "/audit/about", &[("accept-language", "de")], vec![]));
    assert!(TestHost::text(&de).contains("lang=\"de\""));
    assert_eq!(host.get::<Audit>("/health/audit").status(), 200);
    assert_eq!(host.send::<Audit>(request("DELETE", "/audit/about", &[], vec![])).status(), 405);
}

// --- the tamper-evident log --------------------------------------------------------------

use medportal_core::audit::{self, AuditEntry};
use medportal_core::{Region, functions::Function as F};
use medportal_transparency::export::{Trust, verify};
use medportal_transparency::note::{Ed25519Verify, VerifierKey};

struct Dalek;
impl Ed25519Verify for Dalek {
    fn verify(&self, public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
        medportal_core::ports::dalek::verify(public, message, signature)
    }
}

fn eu() -> Region {
    Region::from_code("eu").unwrap()
}

fn ctx(host: &TestHost, f: F) -> Ctx<'_, medportal_native::NativePlatform> {
    Ctx::new(&host.platform, &host.config, f)
}

/// `n` entries appended by `f` into the EU log, one batch each.
fn append(host: &TestHost, f: F, n: usize, action: &str) {
    let c = ctx(host, f);
    for i in 0..n {
        let object = format!("object-{i}");
        let e = AuditEntry { actor: "eu-u-test", action, target: Some(&object), ..Default::default() };
        pollster::block_on(audit::commit(&c, eu(), Vec::new(), &[e])).unwrap();
    }
}

fn eu_sql(host: &TestHost, q: &str) -> medportal_core::Result<Vec<medportal_core::ports::Row>> {
    let c = ctx(host, F::Audit);
    pollster::block_on(async { c.region(eu()).sql().await?.query(q, &[]).await })
}

/// Clara, compliance officer (with or without the second factor).
fn compliance_cookie(host: &TestHost, mfa: bool) -> String {
    Person { name: "Clara Compliance", mfa, ..Person::staff("eu-u-compliance", &["compliance_officer"]) }.cookie(host)
}

fn keys(host: &TestHost) -> Vec<VerifierKey> {
    let text = TestHost::text(&host.get::<Audit>("/audit/keys"));
    text.lines().map(|l| VerifierKey::parse(l).unwrap()).collect()
}

fn export(host: &TestHost, query: &str) -> http::Response<Vec<u8>> {
    let cookie = compliance_cookie(host, true);
    host.get_as::<Audit>(&format!("/audit/export?{query}"), &cookie)
}

#[test]
fn appends_from_two_functions_are_gap_free_and_the_export_verifies() {
    let host = TestHost::new();
    append(&host, F::Identity, 7, "test.identity");
    append(&host, F::Inquiries, 5, "test.inquiries");
    let seqs: Vec<i64> = eu_sql(&host, "SELECT seq FROM audit_entries ORDER BY seq").unwrap().iter().map(|r| r.int(0).unwrap()).collect();
    assert_eq!(seqs, (0..seqs.len() as i64).collect::<Vec<_>>(), "gap-free from 0");
    assert!(seqs.len() >= 12);
    // A request to the audit function extends the tree and signs the (due) first checkpoint.
    let cps = TestHost::text(&host.get::<Audit>("/audit/checkpoints"));
    assert!(cps.contains("/audit/db_eu\n"), "{cps}");
    let resp = export(&host, "db=eu");
    assert_eq!(resp.status(), 200);
    let body = resp.body().clone();
    let published = keys(&host);
    let v = verify(&body, Trust::Published(&published), &Dalek).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(v.entries as usize, seqs.len());
    // The export was itself audited, after the exported range.
    assert_eq!(eu_sql(&host, "SELECT COUNT(*) FROM audit_entries WHERE action = 'audit.exported' AND actor = 'eu-u-compliance'").unwrap()[0].int(0).unwrap(), 1);
    // One changed byte in an entry is found.
    let text = String::from_utf8(body).unwrap().replacen("object-3", "object-9", 1);
    assert!(verify(text.as_bytes(), Trust::Published(&published), &Dalek).is_err());
    // A range export from entry 5 verifies too (start frontier from the stored nodes).
    let range = export(&host, "db=eu&from=5");
    let v = verify(range.body(), Trust::Published(&published), &Dalek).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(v.start, 5);
}

#[test]
fn the_database_refuses_to_change_or_delete_entries_nodes_and_checkpoints() {
    let host = TestHost::new();
    append(&host, F::Identity, 3, "test.refused");
    let _ = host.get::<Audit>("/audit/checkpoints");
    let c = ctx(&host, F::Audit);
    let run = |q: &str| pollster::block_on(async { c.region(eu()).sql().await?.execute(&eu(), q, &[]).await });
    for q in [
        "UPDATE audit_entries SET action = 'x' WHERE seq = 0",
        "DELETE FROM audit_entries WHERE seq = 0",
        "UPDATE audit_nodes SET hash = x'00' WHERE level = 0 AND idx = 0",
        "DELETE FROM audit_nodes",
        "UPDATE audit_checkpoints SET note = 'x'",
        "DELETE FROM audit_checkpoints",
        "DELETE FROM audit_tree",
        "UPDATE audit_tree SET size = 0, base = size",
        "INSERT INTO audit_entries (seq, at, actor, role, action, outcome) VALUES (999, 0, 'a', 'r', 'x', 'success')",
    ] {
        let err = run(q).expect_err(q);
        assert!(err.to_string().contains("audit log"), "{q}: {err}");
    }
}

#[test]
fn the_viewer_needs_a_compliance_officer_with_a_second_factor_and_audits_each_read() {
    let host = TestHost::new();
    append(&host, F::Identity, 3, "test.viewed");
    assert_ne!(host.get::<Audit>("/audit").status(), 200);
    let no_mfa = compliance_cookie(&host, false);
    assert_eq!(host.get_as::<Audit>("/audit", &no_mfa).status(), 403);
    let cookie = compliance_cookie(&host, true);
    let resp = host.get_as::<Audit>("/audit?db=eu&action=test.viewed&object=object-1", &cookie);
    assert_eq!(resp.status(), 200);
    let html = TestHost::text(&resp);
    assert!(html.contains("object-1") && !html.contains("object-2"), "filtered by object");
    assert_eq!(eu_sql(&host, "SELECT COUNT(*) FROM audit_entries WHERE action = 'audit.viewed'").unwrap()[0].int(0).unwrap(), 1);
    // The entry detail carries an inclusion proof that verifies against its checkpoint: a
    // page for the officer, JSON for tools.
    let page = host.send::<Audit>(request("GET", "/audit/entries/eu/1", &[("cookie", &cookie)], vec![]));
    assert_eq!(page.status(), 200);
    let html = TestHost::text(&page);
    assert!(html.contains("test.viewed") && html.contains("object-1"), "the entry's fields");
    assert!(html.contains("The proof verifies against the signed checkpoint"), "the proof checked");
    assert!(html.contains("medportal-audit-verify") && html.contains("/audit/export?db=eu"), "how to verify offline");
    let detail = host.send::<Audit>(request("GET", "/audit/entries/eu/1", &[("cookie", &cookie), ("accept", "application/json")], vec![]));
    assert_eq!(detail.status(), 200);
    let d: serde_json::Value = serde_json::from_slice(detail.body()).unwrap();
    let hash = |v: &serde_json::Value| medportal_transparency::parse_hash_hex(v.as_str().unwrap()).unwrap();
    let proof: Vec<_> = d["inclusion_proof"].as_array().unwrap().iter().map(hash).collect();
    let note = d["checkpoint"].as_str().unwrap();
    let text = &note[..note.find("\n\n").unwrap() + 1];
    let cp = medportal_transparency::Checkpoint::parse(text).unwrap();
    assert!(medportal_transparency::merkle::verify_inclusion(1, d["tree_size"].as_u64().unwrap(), &hash(&d["leaf"]), &proof, &cp.root));
    assert_eq!(host.send::<Audit>(request("GET", "/audit/entries/eu/99999", &[("cookie", &cookie)], vec![])).status(), 404);
    // Each read of an entry is itself recorded.
    assert_eq!(eu_sql(&host, "SELECT COUNT(*) FROM audit_entries WHERE action = 'audit.entry_viewed' AND reason = 'seq=1'").unwrap()[0].int(0).unwrap(), 2);
}

#[test]
fn the_entry_page_shows_personal_values_until_erased() {
    let host = TestHost::new();
    let c = ctx(&host, F::Identity);
    let personal = [("email", "canary-page@example.com")];
    let e = AuditEntry { actor: "eu-u-page", action: "test.personal", subject: Some("eu-u-page"), personal: &personal, ..Default::default() };
    pollster::block_on(audit::commit_personal(&c, eu(), Vec::new(), &[e])).unwrap();
    let cookie = compliance_cookie(&host, true);
    let html = TestHost::text(&host.send::<Audit>(request("GET", "/audit/entries/eu/0", &[("cookie", &cookie)], vec![])));
    assert!(html.contains("canary-page@example.com"), "the value while the salt exists");
    pollster::block_on(async { c.region(eu()).sql().await?.batch(&eu(), &[audit::forget_subject("eu-u-page")]).await }).unwrap();
    let html = TestHost::text(&host.send::<Audit>(request("GET", "/audit/entries/eu/0", &[("cookie", &cookie)], vec![])));
    assert!(!html.contains("canary-page") && html.contains("erased"), "erased after the salt is gone");
    assert!(html.contains("The proof verifies against the signed checkpoint"));
}

#[test]
fn origins_are_keyed_by_the_database_s_monthly_key() {
    use medportal_core::ports::SqlStore;
    use sha2::Digest;
    let host = TestHost::new();
    let c = ctx(&host, F::Identity);
    let e = AuditEntry { actor: "anonymous", action: "test.origin", origin: Some("203.0.113.7"), ..Default::default() };
    assert!(pollster::block_on(audit::commit(&c, eu(), Vec::new(), &[e.clone()])).is_err(), "the lean path refuses an origin");
    pollster::block_on(audit::commit_personal(&c, eu(), Vec::new(), &[e.clone()])).unwrap();
    pollster::block_on(audit::commit_personal(&c, eu(), Vec::new(), &[e])).unwrap();
    let rows = eu_sql(&host, "SELECT origin FROM audit_entries WHERE action = 'test.origin'").unwrap();
    let stored: Vec<Vec<u8>> = rows.iter().map(|r| r.bytes(0).unwrap()).collect();
    assert_eq!(stored[0], stored[1], "one key per month: the same address links within it");
    assert_ne!(stored[0], sha2::Sha256::digest(b"203.0.113.7").to_vec(), "not an unkeyed hash");
    let subject = audit::origin_subject(medportal_core::ports::Clock::now(&host.platform).unix_timestamp());
    let key = eu_sql(&host, &format!("SELECT salt FROM audit_salts WHERE subject = '{subject}'")).unwrap()[0].bytes(0).unwrap();
    assert_eq!(key.len(), 32);
    assert_eq!(stored[0], audit::commitment(&key, "203.0.113.7").to_vec());
    // global records key with db_global's own key
    let g = AuditEntry { actor: "system:test", action: "test.origin", origin: Some("203.0.113.7"), ..Default::default() };
    assert!(pollster::block_on(audit::commit_global(&c, Vec::new(), &[g.clone()])).is_err());
    pollster::block_on(audit::commit_global_personal(&c, Vec::new(), &[g])).unwrap();
    let global = pollster::block_on(async { c.global_sql().await?.query("SELECT origin FROM audit_entries WHERE action = 'test.origin'", &[]).await }).unwrap();
    assert_ne!(global[0].bytes(0).unwrap(), stored[0], "another database, another key");
}

#[test]
fn consistency_proofs_between_signed_checkpoints_verify() {
    use medportal_transparency::{Checkpoint, merkle, parse_hash_hex};
    let host = TestHost::new();
    let c = ctx(&host, F::Audit);
    let eu_log = crate::log::Log::Regional(eu());
    let mut sizes = Vec::new();
    for n in [3, 4, 6, 1] {
        append(&host, F::Identity, n, "test.consistency");
        sizes.push(pollster::block_on(crate::log::checkpoint(&c, eu_log, true)).unwrap().signed_size);
    }
    assert_eq!(sizes, vec![3, 7, 13, 14]);
    let root = |note: &serde_json::Value| Checkpoint::parse(&note.as_str().unwrap()[..note.as_str().unwrap().find("\n\n").unwrap() + 1]).unwrap().root;
    for (old, new) in [(3, 7), (3, 14), (7, 13), (13, 14)] {
        let resp = host.get::<Audit>(&format!("/audit/consistency?db=eu&old={old}&new={new}"));
        assert_eq!(resp.status(), 200, "{old}..{new}");
        let v: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
        let proof: Vec<_> = v["consistency_proof"].as_array().unwrap().iter().map(|h| parse_hash_hex(h.as_str().unwrap()).unwrap()).collect();
        let (a, b) = (root(&v["old"]["checkpoint"]), root(&v["new"]["checkpoint"]));
        assert!(merkle::verify_consistency(old, new, &a, &b, &proof), "{old}..{new}");
        assert!(!merkle::verify_consistency(old, new, &b, &a, &proof));
    }
    for bad in ["old=7&new=3", "old=0&new=7", "old=4&new=7", "old=3&new=99", "db=xx&old=3&new=7"] {
        let q = if bad.starts_with("db=") { bad.to_string() } else { format!("db=eu&{bad}") };
        assert_eq!(host.get::<Audit>(&format!("/audit/consistency?{q}")).status(), 404, "{bad}");
    }
    assert_eq!(host.get::<Audit>("/audit/consistency?db=eu&old=x&new=7").status(), 400);
}

#[test]
fn erasing_a_subject_removes_the_salt_and_values_and_the_log_still_verifies() {
    let host = TestHost::new();
    let c = ctx(&host, F::Identity);
    let personal = [("email", "canary-erase@example.com")];
    let e = AuditEntry { actor: "eu-u-erase", action: "test.personal", subject: Some("eu-u-erase"), personal: &personal, ..Default::default() };
    assert!(pollster::block_on(audit::commit(&c, eu(), Vec::new(), &[e.clone()])).is_err(), "the lean path refuses personal values");
    pollster::block_on(audit::commit_personal(&c, eu(), Vec::new(), &[e])).unwrap();
    assert_eq!(eu_sql(&host, "SELECT value FROM audit_personal").unwrap()[0].text(0).unwrap(), "canary-erase@example.com");
    let entry = eu_sql(&host, "SELECT personal FROM audit_entries WHERE action = 'test.personal'").unwrap();
    assert!(entry[0].text(0).unwrap().starts_with("email ") && !entry[0].text(0).unwrap().contains("canary"));
    let cps = host.get::<Audit>("/audit/checkpoints");
    assert_eq!(cps.status(), 200);
    pollster::block_on(async { c.region(eu()).sql().await?.batch(&eu(), &[audit::forget_subject("eu-u-erase")]).await }).unwrap();
    assert!(eu_sql(&host, "SELECT value FROM audit_personal").unwrap().is_empty());
    assert!(eu_sql(&host, "SELECT salt FROM audit_salts WHERE subject = 'eu-u-erase'").unwrap().is_empty());
    let resp = export(&host, "db=eu");
    assert!(!String::from_utf8_lossy(resp.body()).contains("canary"));
    verify(resp.body(), Trust::Published(&keys(&host)), &Dalek).unwrap_or_else(|f| panic!("{f}"));
}

#[test]
fn a_stale_tree_extension_is_refused_and_the_checkpointer_catches_up() {
    let host = TestHost::new();
    append(&host, F::Identity, 5, "test.cas");
    let c = ctx(&host, F::Audit);
    let eu_log = crate::log::Log::Regional(eu());
    let t = pollster::block_on(crate::log::checkpoint(&c, eu_log, false)).unwrap();
    assert_eq!((t.state.size(), t.signed_size), (5, 5), "the first checkpoint is due at once");
    // A second checkpointer that read the tree at size 0 computes the same first nodes: its
    // batch (guarded by size 0) fails as a whole.
    let mut stale = medportal_transparency::TreeState::empty();
    let nodes = stale.append(&[7; 32]);
    let stmts = crate::log::extension(0, &stale, &nodes);
    let db = pollster::block_on(c.region(eu()).sql()).unwrap();
    assert!(pollster::block_on(db.batch(&eu(), &stmts)).is_err());
    assert_eq!(eu_sql(&host, "SELECT size FROM audit_tree").unwrap()[0].int(0).unwrap(), 5);
    // New entries: not yet due (signed just now, fewer than 1,000), but the tree extends.
    append(&host, F::Inquiries, 3, "test.cas");
    let t = pollster::block_on(crate::log::checkpoint(&c, eu_log, false)).unwrap();
    assert_eq!((t.state.size(), t.signed_size), (8, 5));
    let t = pollster::block_on(crate::log::checkpoint(&c, eu_log, true)).unwrap();
    assert_eq!(t.signed_size, 8);
    assert_eq!(eu_sql(&host, "SELECT COUNT(*) FROM audit_checkpoints").unwrap()[0].int(0).unwrap(), 2);
}

#[test]
fn an_erasure_request_is_decided_once_with_a_second_factor_and_removes_the_person() {
    let host = TestHost::new();
    let hcp = Person::hcp("eu-u-hcp-01").cookie(&host);
    let officer = Person::staff("eu-u-cmp-01", &["compliance_officer"]).cookie(&host);
    assert_eq!(host.post_form::<Audit>("/account/privacy", &hcp, &[("kind", "nonsense")]).status(), 422);
    let sent = host.post_form::<Audit>("/account/privacy", &hcp, &[("kind", "erasure"), ("details", "erase-me-details-q9")]);
    assert_eq!(sent.status(), 303, "{}", TestHost::text(&sent));
    assert_eq!(host.post_form::<Audit>("/account/privacy", &hcp, &[("kind", "erasure")]).status(), 422, "one open request per kind");
    let export = host.get_as::<Audit>("/account/privacy/export", &hcp);
    assert_eq!(export.status(), 200, "{}", TestHost::text(&export));
    let archive: serde_json::Value = serde_json::from_slice(export.body()).unwrap();
    assert_eq!(archive["tables"]["users"][0]["email"], "anna.mueller@example.org");
    // the officer's queue
    assert_eq!(host.get_as::<Audit>("/compliance/dsar", &hcp).status(), 403);
    let queue = host.text_as::<Audit>("/compliance/dsar", &officer);
    let at = queue.find("href=\"/compliance/dsar/").expect("listed") + 23;
    let id = queue[at..].split('"').next().unwrap().to_owned();
    let item = host.text_as::<Audit>(&format!("/compliance/dsar/{id}"), &officer);
    assert!(item.contains("/account/step-up?purpose=sign%3A") && item.contains("%3Aerase%3Adsar"), "{item}");
    let decide = format!("/compliance/dsar/{id}/decide");
    // no assertion, someone else's, another request's or another decision's: refused
    assert_eq!(host.post_form::<Audit>(&decide, &officer, &[("assertion", "")]).status(), 403);
    for (sub, purpose) in [("eu-u-adm-01", format!("sign:{id}:erase:dsar")), ("eu-u-cmp-01", "sign:other:erase:dsar".into()), ("eu-u-cmp-01", format!("sign:{id}:complete:dsar"))] {
        assert_eq!(host.post_form::<Audit>(&decide, &officer, &[("assertion", &Person::new(sub).step_up(&host, &purpose, "assertion-bad-0123456789"))]).status(), 403, "{sub} {purpose}");
    }
    let good = Person::new("eu-u-cmp-01").step_up(&host, &format!("sign:{id}:erase:dsar"), "assertion-good-0123456789");
    let done = host.post_form::<Audit>(&decide, &officer, &[("assertion", &good), ("comment", "verified request")]);
    assert_eq!(done.status(), 303, "{}", TestHost::text(&done));
    assert_eq!(host.post_form::<Audit>(&decide, &officer, &[("assertion", &good)]).status(), 409, "decided once");
    let outcome = host.text_as::<Audit>(&format!("/compliance/dsar/{id}"), &officer);
    assert!(outcome.contains("Completed") && outcome.contains("audit_entries") && outcome.contains("Legal duty: audit trail"), "{outcome}");
    assert!(!outcome.contains("erase-me-details-q9"), "what the person wrote is erased");
    // signed out everywhere
    assert_eq!(host.get_as::<Audit>("/account/privacy", &hcp).status(), 401);
}

/// Two officers decide one request: the second read it open before the first decision
/// committed, so its batch (the decision and its entry, or the erasure's statements) is
/// refused whole by the guard (no second entry, no erasure after a refusal), 409.
#[test]
fn a_decision_read_before_another_officers_decision_is_refused_whole() {
    let host = TestHost::new();
    let hcp = Person::hcp("eu-u-hcp-01").cookie(&host);
    let officer = Person::staff("eu-u-cmp-01", &["compliance_officer"]).cookie(&host);
    assert_eq!(host.post_form::<Audit>("/account/privacy", &hcp, &[("kind", "erasure")]).status(), 303);
    let c = ctx(&host, F::Audit);
    let id = eu_sql(&host, "SELECT id FROM data_requests").unwrap()[0].text(0).unwrap();
    // the second officer's decision reads the request: open
    let stale = pollster::block_on(async { crate::requests::find(&c.region(eu()).sql().await?, &id).await }).unwrap().unwrap();
    // the first officer refuses it meanwhile (second factor, through the route)
    let refuse = Person::new("eu-u-cmp-01").step_up(&host, &format!("sign:{id}:refuse:dsar"), "assertion-refuse-0123456789");
    assert_eq!(host.post_form::<Audit>(&format!("/compliance/dsar/{id}/decide"), &officer, &[("assertion", &refuse), ("comment", "not verified")]).status(), 303);
    let count = |q: &str| eu_sql(&host, &format!("SELECT COUNT(*) FROM {q}")).unwrap()[0].int(0).unwrap();
    let users = count("users");
    give_records(&c);
    // the erasure with what it read: refused, nothing of the person's records erased
    let Err(e) = pollster::block_on(crate::erasure::erase(&c, eu(), &stale, "eu-u-cmp-02", "assertion-erase-0123456789", None)) else { panic!("erased after a refusal") };
    assert!(audit::refused(&e), "{e:?}");
    assert_eq!(count("users"), users, "no row erased after the refusal");
    assert_eq!(count("audit_entries WHERE action LIKE 'privacy.erasure%'"), 0);
    assert_eq!(count("erasure_steps"), 0);
    // nor anything outside the database: objects, sign-in records, sessions
    assert_eq!(person_records(&c), (1, 1), "objects and key-value records untouched");
    assert_eq!(host.get_as::<Audit>("/account/privacy", &hcp).status(), 200, "still signed in");
    // a completion or refusal with what it read: refused the same way
    let stmts = crate::requests::decide(&stale, crate::requests::Status::Refused, "eu-u-cmp-02", "assertion-late-0123456789", None, None, 0);
    let entry = AuditEntry { actor: "eu-u-cmp-02", action: "privacy.request.refuse", target: Some(&id), ..Default::default() };
    assert!(audit::refused(&pollster::block_on(audit::commit(&c, eu(), stmts.into(), &[entry])).unwrap_err()));
    assert_eq!(count("audit_entries WHERE action = 'privacy.request.refuse'"), 1, "one entry: the decision that happened");
    assert_eq!(count("batch_guards"), 0);
}

/// Gives the person an evidence object and a sign-in record.
fn give_records(c: &Ctx<'_, medportal_native::NativePlatform>) {
    pollster::block_on(async {
        let (kv, blob) = (c.region(eu()).kv().await.unwrap(), c.region(eu()).blob().await.unwrap());
        kv.put(&eu(), "login/erase-test", br#"{"uid":"eu-u-hcp-01","nh":"x","exp":0}"#, None).await.unwrap();
        blob.put(&eu(), "evidence/eu-u-hcp-01/licence.txt", b"x", "text/plain").await.unwrap();
    })
}

/// How many of the person's evidence objects and of the sign-in record are left.
fn person_records(c: &Ctx<'_, medportal_native::NativePlatform>) -> (usize, usize) {
    pollster::block_on(async {
        let (kv, blob) = (c.region(eu()).kv().await.unwrap(), c.region(eu()).blob().await.unwrap());
        let left = |keys: Vec<String>| keys.len();
        (left(blob.list("evidence/eu-u-hcp-01/", 100).await.unwrap()), usize::from(kv.get("login/erase-test").await.unwrap().is_some()))
    })
}

/// An erasure decided but stopped before its steps outside the database (the process ended,
/// a store failed half way): the request is decided once (a second decision is refused), the
/// steps are shown pending and taken on the officers' next visit of the queue, each audited,
/// once; the person is signed out and their objects and records gone.
#[test]
fn a_decided_erasure_stopped_half_way_is_finished_later_once() {
    let host = TestHost::new();
    let hcp = Person::hcp("eu-u-hcp-01").cookie(&host);
    let officer = Person::staff("eu-u-cmp-01", &["compliance_officer"]).cookie(&host);
    assert_eq!(host.post_form::<Audit>("/account/privacy", &hcp, &[("kind", "erasure")]).status(), 303);
    let c = ctx(&host, F::Audit);
    let count = |q: &str| eu_sql(&host, &format!("SELECT COUNT(*) FROM {q}")).unwrap()[0].int(0).unwrap();
    give_records(&c);
    let id = eu_sql(&host, "SELECT id FROM data_requests").unwrap()[0].text(0).unwrap();
    let r = pollster::block_on(async { crate::requests::find(&c.region(eu()).sql().await?, &id).await }).unwrap().unwrap();
    // the decision commits, then the process stops after the first step (sessions revoked)
    pollster::block_on(crate::erasure::decide(&c, eu(), &r, "eu-u-cmp-01", "assertion-erase-0123456789", None)).unwrap();
    pollster::block_on(medportal_auth::revoke_user_until_expiry(&c, eu(), "eu-u-hcp-01")).unwrap();
    assert_eq!((count("users WHERE id = 'eu-u-hcp-01'"), count("erasure_steps")), (0, 1));
    assert_eq!(person_records(&c), (1, 1), "the steps outside the database not taken yet");
    // the item shows them pending; a second decision is refused
    let item = host.text_as::<Audit>(&format!("/compliance/dsar/{id}"), &officer);
    assert!(item.contains("Decided, not yet done"), "{item}");
    let again = Person::new("eu-u-cmp-01").step_up(&host, &format!("sign:{id}:erase:dsar"), "assertion-again-0123456789");
    assert_eq!(host.post_form::<Audit>(&format!("/compliance/dsar/{id}/decide"), &officer, &[("assertion", &again)]).status(), 409);
    // the officers' queue takes the steps again, then they are done
    assert_eq!(host.get_as::<Audit>("/compliance/dsar", &officer).status(), 200);
    assert_eq!(person_records(&c), (0, 0));
    assert_eq!(count("erasure_steps"), 0);
    assert_eq!(host.get_as::<Audit>("/account/privacy", &hcp).status(), 401, "signed out");
    let item = host.text_as::<Audit>(&format!("/compliance/dsar/{id}"), &officer);
    assert!(!item.contains("Decided, not yet done") && item.contains("evidence/"), "{item}");
    // each step audited once, the decision once; a later run finds nothing to do
    assert!(pollster::block_on(crate::erasure::finish(&c, eu(), &id, "system:erasure")).unwrap().is_empty());
    let actions: Vec<String> = eu_sql(&host, "SELECT action || ' ' || actor FROM audit_entries WHERE action LIKE 'privacy.erasure%' ORDER BY seq").unwrap().iter().map(|r| r.text(0).unwrap()).collect();
    assert_eq!(
        actions,
        [
            "privacy.erasure eu-u-cmp-01",
            "privacy.erasure.sessions_revoked system:erasure",
            "privacy.erasure.objects_deleted system:erasure",
            "privacy.erasure.records_deleted system:erasure",
            "privacy.erasure.completed system:erasure",
        ]
    );
}

#[test]
fn compliance_reports_come_from_configuration_for_compliance_officers_only() {
    let host = TestHost::new();
    let officer = Person::staff("eu-u-cmp-01", &["compliance_officer"]).cookie(&host);
    let processing = host.text_as::<Audit>("/compliance/processing", &officer);
    for a in compliance::ACTIVITIES {
        assert!(processing.contains(&maud::html! { (a.purpose) }.into_string()), "{}", a.code);
    }
    let residency = host.text_as::<Audit>("/compliance/residency", &officer);
    assert_eq!(residency.matches("No record outside its home region.").count(), 2, "{residency}");
    for c in compliance::CATEGORIES {
        assert!(residency.contains(&maud::html! { (c.name) }.into_string()), "{}", c.code);
    }
    for path in ["/compliance/processing", "/compliance/residency"] {
        assert_eq!(host.get_as::<Audit>(path, &Person::hcp("eu-u-hcp-01").cookie(&host)).status(), 403);
        assert_eq!(host.get::<Audit>(path).status(), 401);
    }
}

// --- The portal's static pages (served by the audit function)

#[test]
fn the_stylesheet_is_immutable_and_the_legal_pages_are_secured() {
    let host = TestHost::new();
    let css = host.get::<Audit>(medportal_templates::CSS_PATH);
    assert_eq!(css.status(), 200);
    assert!(css.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    for path in ["/privacy", "/terms", "/health/audit"] {
        assert_secured(&host.get::<Audit>(path), path);
    }
}

#[test]
fn legal_pages_render_in_both_languages() {
    let host = TestHost::new();
    for path in ["/privacy", "/terms", "/imprint", "/accessibility"] {
        assert_eq!(host.get::<Audit>(path).status(), 200, "{path}");
        let de = host.get::<Audit>(&format!("{path}?lang=de"));
        assert_eq!(de.status(), 200);
        assert!(de.headers()["set-cookie"].to_str().unwrap().starts_with("lang=de"));
    }
}

/// Listings see every key, however many: a person's records sorting after more than a
/// thousand others' (one runtime page) are still exported and erased.
#[test]
fn export_and_erasure_see_every_record_past_a_thousand_keys() {
    use medportal_core::ports::EVERY_KEY;
    let host = TestHost::new();
    let c = ctx(&host, F::Audit);
    let r = eu();
    pollster::block_on(async {
        let kv = c.region(r).kv().await.unwrap();
        for i in 0..1500 {
            kv.put(&r, &format!("login/a{i:05}"), br#"{"uid":"eu-u-hcp-77","nh":"x","exp":0}"#, None).await.unwrap();
        }
        for k in ["login/zz1", "login/zz2"] {
            kv.put(&r, k, br#"{"uid":"eu-u-hcp-01","nh":"x","exp":0}"#, None).await.unwrap();
        }
        let blob = c.region(r).blob().await.unwrap();
        for i in 0..1100 {
            blob.put(&r, &format!("evidence/eu-u-hcp-01/{i:05}.txt"), b"x", "text/plain").await.unwrap();
        }
        assert_eq!(kv.list("login/", EVERY_KEY).await.unwrap().len(), 1502);
        assert_eq!(kv.list("login/", 1200).await.unwrap().len(), 1200, "a limit is still a limit");
        let objects = blob.list("evidence/", EVERY_KEY).await.unwrap();
        assert_eq!((objects.len(), objects.last().map(String::as_str)), (1100, Some("evidence/eu-u-hcp-01/01099.txt")));
        let archive = crate::erasure::export(&c, r, "eu-u-hcp-01").await.unwrap();
        assert_eq!(archive["sessions"]["pending_sign_in_records"], 2, "the records after the first thousand keys");
        assert_eq!(archive["verification_evidence"].as_array().unwrap().len(), 1100);
    });
}
