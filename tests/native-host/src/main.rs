//! `medportal-native-host`: all five functions in one native process, routed by spin.toml,
//! with stores laid out like the Spin runtime's (one SQLite file per store label).
//!
//! Usage: medportal-native-host --manifest spin.toml --state-dir DIR --listen 127.0.0.1:PORT
//!        [--infra infra] [--seed]
//! Variables come from spin.toml defaults, overridden by SPIN_VARIABLE_<NAME> like Spin.

mod spin_routes;

use medportal_core::{App, Config, Function};
use medportal_native::{NativePlatform, NativeStores, prepare_databases};
use spin_routes::RouteTable;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(serde::Deserialize)]
struct Manifest {
    #[serde(default)]
    variables: BTreeMap<String, toml::Value>,
    trigger: Triggers,
}

#[derive(serde::Deserialize)]
struct Triggers {
    http: Vec<HttpTrigger>,
}

#[derive(serde::Deserialize)]
struct HttpTrigger {
    route: String,
    component: String,
}

struct Args {
    manifest: PathBuf,
    state_dir: PathBuf,
    listen: String,
    infra: PathBuf,
    seed: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        manifest: "spin.toml".into(),
        state_dir: ".state/native".into(),
        listen: "127.0.0.1:8788".into(),
        infra: "infra".into(),
        seed: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--manifest" => args.manifest = val()?.into(),
            "--state-dir" => args.state_dir = val()?.into(),
            "--listen" => args.listen = val()?,
            "--infra" => args.infra = val()?.into(),
            "--seed" => args.seed = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn variable_defaults(manifest: &Manifest) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, def) in &manifest.variables {
        let default = def.get("default").and_then(|d| d.as_str()).map(str::to_owned);
        let env = std::env::var(format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())).ok();
        if let Some(v) = env.or(default) {
            out.insert(name.clone(), v);
        }
    }
    out
}

fn main() {
    if let Err(e) = run() {
        eprintln!("medportal-native-host: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let text = std::fs::read_to_string(&args.manifest).map_err(|e| format!("{}: {e}", args.manifest.display()))?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| format!("spin.toml: {e}"))?;
    let routes = RouteTable::new(manifest.trigger.http.iter().map(|t| (t.route.clone(), t.component.clone())));
    let vars = variable_defaults(&manifest);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).map_err(|e| format!("config: {e}"))?;

    let stores = NativeStores::at(&args.state_dir).map_err(|e| e.to_string())?;
    prepare_databases(&stores, &args.infra, args.seed).map_err(|e| e.to_string())?;
    let platform = NativePlatform::new(stores);

    let server = Arc::new(tiny_http::Server::http(&args.listen).map_err(|e| format!("listen: {e}"))?);
    let addr = server.server_addr().to_ip().ok_or("not an IP listener")?;
    println!("listening on http://{addr}");
    let shared = Arc::new((platform, config, routes));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let server = server.clone();
            let shared = shared.clone();
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    handle(&shared.0, &shared.1, &shared.2, req);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

fn handle(platform: &NativePlatform, config: &Config, routes: &RouteTable, mut req: tiny_http::Request) {
    let started = std::time::Instant::now();
    let url = req.url().to_owned();
    let path = url.split('?').next().unwrap_or("/").to_owned();
    let mut builder = http::Request::builder().method(req.method().as_str()).uri(url.as_str());
    for h in req.headers() {
        builder = builder.header(h.field.as_str().as_str(), h.value.as_str());
    }
    let mut body = Vec::new();
    let limit = config.max_body_bytes as u64 + 1;
    let read = req.as_reader().take(limit).read_to_end(&mut body);
    if body.len() as u64 == limit && req.body_length().is_some_and(|n| n <= medportal_core::DRAIN_BYTES) {
        // refused for its declared length (core answers 413): the rest is read and dropped, like
        // the Workers and Spin adapters do (see core::DRAIN_BYTES), so that the client reads the
        // answer; a chunked body over the limit is cut off (it may never end)
        let _ = std::io::copy(&mut req.as_reader().take(medportal_core::DRAIN_BYTES as u64), &mut std::io::sink());
    }
    let peer = req.remote_addr().and_then(|a| medportal_core::web::parse_client_address(&a.to_string()));
    let response = match (read, builder.body(body)) {
        (Ok(_), Ok(mut request)) => match routes.component(&path).and_then(Function::from_name) {
            Some(f) => {
                // The TCP peer, as Spin's runtime reports it (never a request header).
                if let Some(peer) = peer {
                    request.extensions_mut().insert(peer);
                }
                pollster::block_on(dispatch(f, platform, config, request))
            }
            None => plain(404, "not found"),
        },
        _ => plain(400, "bad request"),
    };
    let status = response.status().as_u16();
    let (parts, body) = response.into_parts();
    let mut out = tiny_http::Response::from_data(body).with_status_code(status);
    for (k, v) in parts.headers.iter() {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_str().as_bytes(), v.as_bytes()) {
            out.add_header(h);
        }
    }
    eprintln!("{} {} {} {:.2}ms", req.method(), path, status, started.elapsed().as_secs_f64() * 1e3);
    let _ = req.respond(out);
}

async fn dispatch(f: Function, p: &NativePlatform, c: &Config, r: medportal_core::Request) -> medportal_core::Response {
    async fn go<A: App>(p: &NativePlatform, c: &Config, r: medportal_core::Request) -> medportal_core::Response {
        medportal_core::serve::<A, _>(p, c, r).await
    }
    match f {
        Function::Identity => go::<medportal_identity::Identity>(p, c, r).await,
        Function::Content => go::<medportal_content::Content>(p, c, r).await,
        Function::ContentDesk => go::<medportal_content::ContentDesk>(p, c, r).await,
        Function::Search => go::<medportal_search::Search>(p, c, r).await,
        Function::SearchAdmin => go::<medportal_search::SearchAdmin>(p, c, r).await,
        Function::Inquiries => go::<medportal_inquiries::Inquiries>(p, c, r).await,
        Function::Audit => go::<medportal_audit::Audit>(p, c, r).await,
    }
}

fn plain(status: u16, text: &str) -> medportal_core::Response {
    let mut resp = http::Response::new(text.as_bytes().to_vec());
    *resp.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::NOT_FOUND);
    resp
}
