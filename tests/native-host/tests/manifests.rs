//! wrangler.toml and spin.toml must name the same logical stores, match core's least-privilege
//! grants, and send every route of every function's route table (and the common routes core
//! serves for it) to that function, with no route that serves nothing.

use medportal_core::functions::{FUNCTIONS, StoreKind, StoreName};
use medportal_core::{App, Function};
use std::collections::BTreeSet;

fn load(name: &str) -> toml::Table {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn strings(v: Option<&toml::Value>) -> BTreeSet<String> {
    v.and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn expected_stores(name: &str) -> BTreeSet<String> {
    let f = medportal_core::Function::from_name(name).expect("known function");
    f.granted_stores().iter().map(StoreName::to_string).collect()
}

#[path = "../src/spin_routes.rs"]
mod spin_routes;

/// Every path pattern a deployable answers: its own route table plus the common routes core
/// serves for it.
fn patterns(f: Function) -> Vec<String> {
    let own: &[&str] = match f {
        Function::Identity => medportal_identity::Identity::routes().patterns(),
        Function::Content => medportal_content::Content::routes().patterns(),
        Function::Search => medportal_search::Search::routes().patterns(),
        Function::SearchAdmin => medportal_search::SearchAdmin::routes().patterns(),
        Function::Inquiries => medportal_inquiries::Inquiries::routes().patterns(),
        Function::Audit => medportal_audit::Audit::routes().patterns(),
    };
    let mut all: Vec<String> = own.iter().map(|p| p.to_string()).collect();
    all.extend(medportal_core::common::patterns(f));
    all
}

/// A concrete path for a pattern (`/a/{id}` → `/a/x1`).
fn sample(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Cloudflare route matching: among the patterns (`host/prefix*`) that match, the most
/// specific (longest) wins.
fn cloudflare_route<'a>(routes: &'a [(String, String)], path: &str) -> Option<&'a str> {
    let host = "portal.example.com";
    routes
        .iter()
        .filter(|(p, _)| p.strip_prefix(host).and_then(|p| p.strip_suffix('*')).is_some_and(|prefix| path.starts_with(prefix)))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, f)| f.as_str())
}

#[test]
fn spin_manifest_sends_every_route_to_its_function_and_holds_no_dead_route() {
    let spin = load("spin.toml");
    let triggers: Vec<(String, String)> = spin["trigger"]["http"]
        .as_array()
        .expect("trigger.http")
        .iter()
        .map(|t| (t["route"].as_str().unwrap_or_default().to_owned(), t["component"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let table = spin_routes::RouteTable::new(triggers.clone());
    for spec in FUNCTIONS {
        let patterns = patterns(spec.function);
        for p in &patterns {
            assert_eq!(table.component(&sample(p)), Some(spec.name), "spin.toml sends {p} elsewhere");
        }
        // every trigger of the component serves at least one of its routes (the content
        // function's `/...` is the catch-all for unknown paths)
        for (route, _) in triggers.iter().filter(|(_, c)| c == spec.name) {
            let only = spin_routes::RouteTable::new([(route.clone(), spec.name.to_owned())]);
            let used = route == "/..." || patterns.iter().any(|p| only.component(&sample(p)).is_some());
            assert!(used, "spin.toml route {route} of {} serves none of its routes", spec.name);
        }
        let comp = &spin["component"][spec.name];
        let mut stores = strings(comp.get("key_value_stores"));
        stores.extend(strings(comp.get("sqlite_databases")));
        assert_eq!(stores, expected_stores(spec.name), "spin stores of {}", spec.name);
        for db in strings(comp.get("sqlite_databases")) {
            assert_eq!(StoreName::parse(&db).map(|s| s.kind()), Some(StoreKind::Sql), "{db}");
        }
    }
}

#[test]
fn wrangler_manifest_sends_every_route_to_its_function_and_holds_no_dead_route() {
    let w = load("wrangler.toml");
    let mut routes: Vec<(String, String)> = Vec::new();
    for spec in FUNCTIONS {
        for r in w["env"][spec.name]["routes"].as_array().expect("routes") {
            routes.push((r["pattern"].as_str().unwrap_or_default().to_owned(), spec.name.to_owned()));
        }
    }
    for spec in FUNCTIONS {
        let env = &w["env"][spec.name];
        let names = |key: &str| -> BTreeSet<String> {
            env.get(key)
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|b| b["binding"].as_str().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let mut stores = names("kv_namespaces");
        stores.extend(names("d1_databases"));
        stores.extend(names("r2_buckets"));
        assert_eq!(stores, expected_stores(spec.name), "wrangler stores of {}", spec.name);
        let patterns = patterns(spec.function);
        for p in &patterns {
            assert_eq!(cloudflare_route(&routes, &sample(p)), Some(spec.name), "wrangler.toml sends {p} elsewhere");
            // Cloudflare matches path and query: a query string must not change the Worker
            let with_query = format!("{}?lang=de", sample(p));
            assert_eq!(cloudflare_route(&routes, &with_query), Some(spec.name), "wrangler.toml sends {p}?… elsewhere");
        }
        for (pattern, _) in routes.iter().filter(|(_, f)| f == spec.name) {
            let only = [(pattern.clone(), spec.name.to_owned())];
            let used = pattern.ends_with(".com/*") || patterns.iter().any(|p| cloudflare_route(&only, &sample(p)).is_some());
            assert!(used, "wrangler.toml route {pattern} of {} serves none of its routes", spec.name);
        }
        // EU object storage is created and bound in the EU jurisdiction
        for b in env.get("r2_buckets").and_then(|v| v.as_array()).into_iter().flatten() {
            if b["binding"].as_str() == Some("blob_eu") {
                assert_eq!(b.get("jurisdiction").and_then(|j| j.as_str()), Some("eu"));
            }
        }
    }
}

#[test]
fn the_same_logical_store_maps_to_one_resource_everywhere() {
    let w = load("wrangler.toml");
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for spec in FUNCTIONS {
        for (key, id_field) in [("kv_namespaces", "id"), ("d1_databases", "database_id"), ("r2_buckets", "bucket_name")] {
            for b in w["env"][spec.name].get(key).and_then(|v| v.as_array()).into_iter().flatten() {
                let binding = b["binding"].as_str().unwrap_or_default().to_owned();
                let id = b[id_field].as_str().unwrap_or_default().to_owned();
                if let Some(prev) = seen.insert(binding.clone(), id.clone()) {
                    assert_eq!(prev, id, "{binding} bound to different resources");
                }
            }
        }
    }
    // spin runtime config declares every label any component may open
    let rc = load("infra/spin/runtime-config.toml");
    let declared: BTreeSet<String> = ["key_value_store", "sqlite_database"]
        .iter()
        .flat_map(|k| rc.get(*k).and_then(|t| t.as_table()).map(|t| t.keys().cloned().collect::<Vec<_>>()).unwrap_or_default())
        .collect();
    let all: BTreeSet<String> = medportal_core::functions::all_stores().iter().map(StoreName::to_string).collect();
    assert_eq!(declared, all);
}

#[test]
fn only_identity_and_content_may_call_out_and_only_to_the_registry_the_provider_the_portal_and_local_fakes() {
    let spin = load("spin.toml");
    for spec in FUNCTIONS {
        let hosts = strings(spin["component"][spec.name].get("allowed_outbound_hosts"));
        let want: BTreeSet<String> = match spec.name {
            "identity" => ["http://127.0.0.1:*", "https://npiregistry.cms.hhs.gov", "https://login.doccheck.com"].iter().map(|s| s.to_string()).collect(),
            // publishing feeds search's indexing entry point at the portal's own origin
            "content" => ["http://127.0.0.1:*", "https://portal.example.com"].iter().map(|s| s.to_string()).collect(),
            _ => BTreeSet::new(),
        };
        assert_eq!(hosts, want, "allowed_outbound_hosts of {}", spec.name);
    }
    // the registry variable is declared, passed to identity, and its default is allowed
    let default = spin["variables"]["npi_registry_url"]["default"].as_str().expect("npi_registry_url default");
    assert_eq!(default, "https://npiregistry.cms.hhs.gov");
    assert!(spin["component"]["identity"]["variables"].get("npi_registry_url").is_some());
    let w = load("wrangler.toml");
    assert_eq!(w["env"]["identity"]["vars"]["npi_registry_url"].as_str(), Some(default));
    // outbound calls are bounded: the deadline is declared, passed, and the same everywhere
    let timeout = spin["variables"]["outbound_timeout_ms"]["default"].as_str().expect("outbound_timeout_ms default");
    assert!(spin["component"]["identity"]["variables"].get("outbound_timeout_ms").is_some());
    assert_eq!(w["env"]["identity"]["vars"]["outbound_timeout_ms"].as_str(), Some(timeout));
    let ms: u64 = timeout.parse().expect("outbound_timeout_ms is a number");
    assert!((100..=30_000).contains(&ms));
}

#[test]
fn only_identity_holds_the_session_signing_keys_and_every_function_can_verify() {
    let spin = load("spin.toml");
    let w = load("wrangler.toml");
    assert_eq!(spin["variables"]["session_keys"]["secret"].as_bool(), Some(true), "session_keys must be a secret");
    assert!(spin["variables"].get("session_public_keys").is_some());
    for spec in FUNCTIONS {
        let vars = &spin["component"][spec.name]["variables"];
        assert!(vars.get("session_public_keys").is_some(), "{} cannot verify sessions on Spin", spec.name);
        assert_eq!(vars.get("session_keys").is_some(), spec.name == "identity", "session_keys given to {}", spec.name);
        let wvars = &w["env"][spec.name]["vars"];
        assert!(wvars.get("session_public_keys").is_some(), "{} cannot verify sessions on Workers", spec.name);
        // signing keys are a Worker secret (`wrangler secret put`), never a plain var
        assert!(wvars.get("session_keys").is_none(), "session_keys must not be a plain var ({})", spec.name);
        assert!(wvars.get("oidc_client_secret").is_none(), "oidc_client_secret must not be a plain var ({})", spec.name);
        for k in ["oidc_authorize_url", "oidc_token_url", "oidc_userinfo_url", "oidc_client_id", "oidc_client_secret"] {
            assert_eq!(vars.get(k).is_some(), spec.name == "identity", "{k} given to {}", spec.name);
        }
    }
    assert_eq!(spin["variables"]["oidc_client_secret"]["secret"].as_bool(), Some(true));
}

#[test]
fn only_search_admin_and_content_hold_the_search_index_token_and_only_as_a_secret() {
    let spin = load("spin.toml");
    let w = load("wrangler.toml");
    assert_eq!(spin["variables"]["search_index_token"]["secret"].as_bool(), Some(true), "search_index_token must be a secret");
    for spec in FUNCTIONS {
        let vars = &spin["component"][spec.name]["variables"];
        // search-admin checks it; content sends it (publishing feeds search through its outbox)
        let holds = matches!(spec.name, "search-admin" | "content");
        assert_eq!(vars.get("search_index_token").is_some(), holds, "search_index_token given to {}", spec.name);
        assert!(w["env"][spec.name]["vars"].get("search_index_token").is_none(), "search_index_token must not be a plain var ({})", spec.name);
    }
}
