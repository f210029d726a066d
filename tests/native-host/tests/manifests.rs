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
        Function::ContentDesk => medportal_content::ContentDesk::routes().patterns(),
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

fn spin_triggers(manifest: &toml::Table) -> Vec<(String, String)> {
    manifest["trigger"]["http"]
        .as_array()
        .expect("trigger.http")
        .iter()
        .map(|t| (t["route"].as_str().unwrap_or_default().to_owned(), t["component"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// Development-only routes (compiled into `DEV=1` builds only).
fn is_dev_route(path: &str) -> bool {
    path.starts_with("/dev/")
}

#[test]
fn spin_manifest_sends_every_route_to_its_function_and_holds_no_dead_route() {
    let spin = load("spin.toml");
    let production = spin_triggers(&spin);
    for (route, component) in &production {
        assert!(!is_dev_route(route), "spin.toml (production) routes {route} to {component}: /dev routes belong in infra/spin/dev-overlay.toml");
    }
    // development runs: spin.toml with the overlay's routes appended
    let overlay = load("infra/spin/dev-overlay.toml");
    let added = spin_triggers(&overlay);
    for (route, _) in &added {
        assert!(is_dev_route(route), "infra/spin/dev-overlay.toml adds {route}: only /dev routes belong there");
    }
    let development: Vec<(String, String)> = production.iter().chain(&added).cloned().collect();
    for (label, triggers, with_dev) in [("spin.toml", &production, false), ("spin.toml + dev overlay", &development, true)] {
        let table = spin_routes::RouteTable::new(triggers.clone());
        for spec in FUNCTIONS {
            let patterns: Vec<String> = patterns(spec.function).into_iter().filter(|p| with_dev || !is_dev_route(p)).collect();
            for p in &patterns {
                assert_eq!(table.component(&sample(p)), Some(spec.name), "{label} sends {p} elsewhere");
            }
            // every trigger of the component serves at least one of its routes (the content
            // function's `/...` is the catch-all for unknown paths)
            for (route, _) in triggers.iter().filter(|(_, c)| c == spec.name) {
                let only = spin_routes::RouteTable::new([(route.clone(), spec.name.to_owned())]);
                let used = route == "/..." || patterns.iter().any(|p| only.component(&sample(p)).is_some());
                assert!(used, "{label} route {route} of {} serves none of its routes", spec.name);
            }
        }
    }
    for spec in FUNCTIONS {
        let comp = &spin["component"][spec.name];
        let mut stores = strings(comp.get("key_value_stores"));
        stores.extend(strings(comp.get("sqlite_databases")));
        assert_eq!(stores, expected_stores(spec.name), "spin stores of {}", spec.name);
        for db in strings(comp.get("sqlite_databases")) {
            assert_eq!(StoreName::parse(&db).map(|s| s.kind()), Some(StoreKind::Sql), "{db}");
        }
    }
}

/// The host of an outbound-host pattern (`https://a.example:443`, `http://127.0.0.1:*`,
/// `https://{{ mail_api_host }}`): loopback, private, link-local, unspecified or `localhost`
/// means a test fake, never a production peer.
fn is_loopback_or_private(pattern: &str) -> bool {
    let rest = pattern.split_once("://").map_or(pattern, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host == "*" {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Ok(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.is_unspecified() || (ip.segments()[0] & 0xfe00) == 0xfc00 || (ip.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// Fails when a production manifest lets `component` call a loopback or private host (the
/// tests' fake registries belong in the development overlay only).
fn assert_no_loopback_or_private_outbound(manifest: &str, component: &str, hosts: &BTreeSet<String>) {
    for h in hosts {
        assert!(!is_loopback_or_private(h), "{manifest}: {component} may call {h}: loopback/private hosts belong in the development overlay only");
    }
}

#[test]
fn the_outbound_host_check_knows_loopback_and_private_hosts() {
    for h in ["http://127.0.0.1:*", "http://localhost:8080", "https://10.1.2.3", "http://192.168.0.1:80", "http://[::1]:*", "http://*:*", "http://0.0.0.0:9"] {
        assert!(is_loopback_or_private(h), "{h}");
    }
    for h in ["https://npiregistry.cms.hhs.gov", "https://login.doccheck.com:443", "https://{{ mail_api_host }}", "https://8.8.8.8"] {
        assert!(!is_loopback_or_private(h), "{h}");
    }
}

/// The routes of wrangler.toml, and with `dev` those of the dev overlay (the /dev routes of
/// development builds, which these tests are) appended: (pattern, function).
fn wrangler_routes(dev: bool) -> Vec<(String, String)> {
    let w = load("wrangler.toml");
    let overlay = load("infra/cloudflare/dev-overlay.toml");
    let mut routes: Vec<(String, String)> = Vec::new();
    for spec in FUNCTIONS {
        let mut list = w["env"][spec.name]["routes"].as_array().expect("routes").clone();
        if dev {
            list.extend(overlay["env"][spec.name].get("routes").and_then(|r| r.as_array()).cloned().unwrap_or_default());
        }
        for r in list {
            routes.push((r["pattern"].as_str().unwrap_or_default().to_owned(), spec.name.to_owned()));
        }
    }
    routes
}

/// Whether a manifest value names a loopback or otherwise local host.
fn names_loopback(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "127.0.0."].iter().any(|h| v.contains(h))
}

/// Every string in a TOML value, with its dotted path.
fn all_strings(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        toml::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| all_strings(&format!("{prefix}[{i}]"), x, out)),
        toml::Value::Table(t) => t.iter().for_each(|(k, x)| all_strings(&format!("{prefix}.{k}"), x, out)),
        _ => {}
    }
}

/// The production Workers manifest carries nothing of the tests: no loopback host anywhere,
/// dev mode off in every Worker, no /dev route, https origins, and ids only as provision
/// placeholders (the real ones go to the generated wrangler.deploy.toml). A Spin counterpart
/// for spin.toml sits beside it.
#[test]
fn production_wrangler_manifest_allows_no_loopback_host_dev_mode_or_dev_route() {
    let w = load("wrangler.toml");
    let mut strings = Vec::new();
    all_strings("", &toml::Value::Table(w.clone()), &mut strings);
    for (path, value) in &strings {
        assert!(!names_loopback(value), "wrangler.toml{path} names a loopback host: {value}");
        assert!(!value.contains("/dev/"), "wrangler.toml{path} routes a development path: {value}");
    }
    for spec in FUNCTIONS {
        let env = &w["env"][spec.name];
        let vars = env["vars"].as_table().expect("vars");
        assert_eq!(vars.get("dev_mode").and_then(|v| v.as_str()), Some("false"), "dev_mode of {}", spec.name);
        for (k, v) in vars {
            if k.ends_with("_url") || k.ends_with("_origin") {
                let v = v.as_str().unwrap_or_default();
                assert!(v.is_empty() || v.starts_with("https://"), "{}: {k} = {v} is not https", spec.name);
            }
        }
        assert!(env["build"]["command"].as_str().is_some_and(|c| !c.contains("DEV=1")), "{} builds a development Worker", spec.name);
        for b in env.get("kv_namespaces").and_then(|v| v.as_array()).into_iter().flatten() {
            assert_eq!(b["id"].as_str().map(str::to_owned), Some(format!("provision:{}", b["binding"].as_str().unwrap_or_default())));
        }
        for b in env.get("d1_databases").and_then(|v| v.as_array()).into_iter().flatten() {
            assert_eq!(b["database_id"].as_str().map(str::to_owned), Some(format!("provision:{}", b["binding"].as_str().unwrap_or_default())));
            assert_eq!(b["migrations_dir"].as_str(), Some("infra/migrations"));
        }
    }
    // the check sees what it looks for
    assert!(names_loopback("http://127.0.0.1:*") && names_loopback("http://LOCALHOST:8787") && !names_loopback("https://api.resend.com"));
    // and the dev overlay holds every /dev route the production file lacks
    let dev: Vec<_> = wrangler_routes(true).into_iter().filter(|(p, _)| p.contains("/dev/")).collect();
    assert!(!dev.is_empty() && wrangler_routes(false).iter().all(|(p, _)| !p.contains("/dev/")));
}

#[test]
fn wrangler_manifest_sends_every_route_to_its_function_and_holds_no_dead_route() {
    let w = load("wrangler.toml");
    // this host is a development build: its route tables hold the /dev routes
    let routes = wrangler_routes(true);
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
fn only_identity_and_the_content_side_may_call_out_only_to_the_registry_the_provider_mail_and_the_portal_local_fakes_in_development_only() {
    let spin = load("spin.toml");
    let overlay = load("infra/spin/dev-overlay.toml");
    for spec in FUNCTIONS {
        let hosts = strings(spin["component"][spec.name].get("allowed_outbound_hosts"));
        assert_no_loopback_or_private_outbound("spin.toml", spec.name, &hosts);
        let want: BTreeSet<String> = match spec.name {
            "identity" => ["https://npiregistry.cms.hhs.gov", "https://login.doccheck.com", "{{ mail_api_host }}"].iter().map(|s| s.to_string()).collect(),
            // publishing feeds search's indexing entry point at the portal's own origin (the
            // desk after a publish, content's reader upkeep retries the outbox); uploads go to
            // the deployment's file-scanning service (the desk only)
            "content" => ["{{ public_origin }}".to_owned()].into(),
            "content-desk" => ["{{ public_origin }}", "{{ scanner_host }}"].iter().map(|s| s.to_string()).collect(),
            _ => BTreeSet::new(),
        };
        assert_eq!(hosts, want, "allowed_outbound_hosts of {}", spec.name);
        // development runs add loopback (the fakes; content's local indexer and scanner) to identity, content and content-desk only
        let dev = strings(overlay.get("component").and_then(|c| c.get(spec.name)).and_then(|c| c.get("allowed_outbound_hosts")));
        let want_dev: BTreeSet<String> = if matches!(spec.name, "identity" | "content" | "content-desk") { ["http://127.0.0.1:*".to_owned()].into() } else { BTreeSet::new() };
        assert_eq!(dev, want_dev, "infra/spin/dev-overlay.toml outbound hosts of {}", spec.name);
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
fn only_search_admin_and_the_content_side_hold_the_search_index_token_and_only_as_a_secret() {
    let spin = load("spin.toml");
    let w = load("wrangler.toml");
    assert_eq!(spin["variables"]["search_index_token"]["secret"].as_bool(), Some(true), "search_index_token must be a secret");
    for spec in FUNCTIONS {
        let vars = &spin["component"][spec.name]["variables"];
        // search-admin checks it; content and content-desk send it (publishing feeds search
        // through the library's outbox)
        let holds = matches!(spec.name, "search-admin" | "content" | "content-desk");
        assert_eq!(vars.get("search_index_token").is_some(), holds, "search_index_token given to {}", spec.name);
        assert!(w["env"][spec.name]["vars"].get("search_index_token").is_none(), "search_index_token must not be a plain var ({})", spec.name);
    }
}

#[test]
fn the_file_scanner_is_configured_for_content_desk_only_its_token_a_secret() {
    let spin = load("spin.toml");
    let w = load("wrangler.toml");
    assert_eq!(spin["variables"]["scanner_token"]["secret"].as_bool(), Some(true), "scanner_token must be a secret");
    assert!(spin["variables"]["scanner_host"]["default"].as_str().is_some_and(|h| h.starts_with("https://")));
    for spec in FUNCTIONS {
        let vars = &spin["component"][spec.name]["variables"];
        for name in ["scanner_url", "scanner_token"] {
            assert_eq!(vars.get(name).is_some(), spec.name == "content-desk", "{name} given to {}", spec.name);
        }
        assert!(w["env"][spec.name]["vars"].get("scanner_token").is_none(), "scanner_token must not be a plain var ({})", spec.name);
    }
    assert!(w["env"]["content-desk"]["vars"].get("scanner_url").is_some(), "scanner_url on Workers");
    assert!(w["env"]["content"]["vars"].get("scanner_url").is_none(), "the reader Worker has no scanner");
}

#[test]
fn every_configuration_key_can_be_set_on_spin() {
    // Spin hands a component only variables spin.toml declares: an undeclared key could never
    // be set (SPIN_VARIABLE_<NAME> is ignored) and would always read as unset.
    let spin = load("spin.toml");
    let declared: BTreeSet<String> = spin["variables"].as_table().expect("[variables]").keys().cloned().collect();
    for key in medportal_core::Config::KEYS {
        assert!(declared.contains(*key), "spin.toml [variables] lacks {key}");
        let passed = FUNCTIONS.iter().any(|spec| spin["component"][spec.name]["variables"].get(*key).is_some());
        assert!(passed, "spin.toml passes {key} to no component");
    }
}

#[test]
fn mail_and_bootstrap_secrets_are_identity_secrets_only() {
    let spin = load("spin.toml");
    let w = load("wrangler.toml");
    for name in ["mail_api_key", "admin_bootstrap_token"] {
        assert_eq!(spin["variables"][name]["secret"].as_bool(), Some(true), "{name} must be a secret");
        for spec in FUNCTIONS {
            let vars = &spin["component"][spec.name]["variables"];
            assert_eq!(vars.get(name).is_some(), spec.name == "identity", "{name} given to {}", spec.name);
            assert!(w["env"][spec.name]["vars"].get(name).is_none(), "{name} must not be a plain var ({})", spec.name);
        }
    }
    // the mail settings reach identity on both runtimes; the API host is opened on Spin
    for name in ["mail_transport", "mail_from", "mail_api_url"] {
        assert!(spin["component"]["identity"]["variables"].get(name).is_some(), "{name} on Spin");
        assert!(w["env"]["identity"]["vars"].get(name).is_some(), "{name} on Workers");
    }
    let hosts = strings(spin["component"]["identity"].get("allowed_outbound_hosts"));
    assert!(hosts.contains("{{ mail_api_host }}"));
    assert!(spin["variables"]["mail_api_host"]["default"].as_str().is_some_and(|h| h.starts_with("https://")));
}

/// Whether a route pattern (`{x}`: one segment, `{*x}`: the rest) matches `path`. A segment
/// with a parameter inside it counts as matching anything (the check errs towards failing).
fn route_matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut s) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), s.next()) {
            (None, None) => return true,
            (Some(seg), _) if seg.starts_with("{*") => return true,
            (Some(seg), Some(got)) if seg.contains('{') => {
                if got.is_empty() {
                    return false;
                }
            }
            (Some(seg), Some(got)) if seg == got => {}
            _ => return false,
        }
    }
}

/// Cloudflare route patterns match the query string too, so a prefix must end in `*` to take
/// `/author?lang=de`, and `portal.example.com/author*` then also takes `/authority`, which
/// Spin (and the native host) send to the catch-all. Proven harmless: no route of the Worker
/// Cloudflare picks nor of the component Spin picks answers such a sibling of a prefix, so
/// every runtime gives the same 404. A new route there (`/authors` on content) fails here.
#[test]
fn a_sibling_of_a_cloudflare_prefix_is_answered_by_no_function_on_either_runtime() {
    assert!(route_matches("/author/{id}/files", "/author/x1/files") && !route_matches("/author/{id}", "/authority") && route_matches("/static/{*rest}", "/static/a/b"));
    let routes = wrangler_routes(true);
    let spin: Vec<(String, String)> = spin_triggers(&load("spin.toml")).into_iter().chain(spin_triggers(&load("infra/spin/dev-overlay.toml"))).collect();
    let spin = spin_routes::RouteTable::new(spin);
    let mut checked = 0;
    for (pattern, _) in &routes {
        let Some(prefix) = pattern.strip_prefix("portal.example.com").and_then(|p| p.strip_suffix('*')) else { continue };
        if prefix.ends_with('/') {
            continue;
        }
        for sibling in [format!("{prefix}ity"), format!("{prefix}-x/x1")] {
            let on_cloudflare = cloudflare_route(&routes, &sibling).expect("the catch-all");
            let on_spin = spin.component(&sibling).expect("the catch-all");
            for name in [on_cloudflare, on_spin] {
                let f = Function::from_name(name).expect("known function");
                let served: Vec<String> = patterns(f).into_iter().filter(|p| route_matches(p, &sibling)).collect();
                assert!(served.is_empty(), "{sibling} (a sibling of {pattern}) is served by {name}'s {served:?}: Cloudflare sends it to {on_cloudflare}, Spin to {on_spin}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}
