//! medportal-spin-host: a small wasmtime-based stand-in for `spin up`, enough to run
//! medportal's real Spin components (spin-sdk 7, `wasi:http/handler@0.3.0`) in tests.
//!
//! ```text
//! medportal-spin-host --manifest spin.toml [--runtime-config runtime-config.toml]
//!     --state-dir DIR [--listen 127.0.0.1:3000] [--migrate LABEL=DIR_OR_FILE]...
//! ```

mod db;
mod manifest;
mod outbound;
mod router;
mod spin_apis;

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::p3::bindings::ServicePre;
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::db::{Db, DbFiles};
use crate::outbound::{HostPattern, OutboundHooks};
use crate::router::Router;

/// Longest a single request may take inside the guest before the host gives up.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

struct Args {
    manifest: PathBuf,
    runtime_config: Option<PathBuf>,
    state_dir: PathBuf,
    listen: SocketAddr,
    migrate: Vec<(String, PathBuf)>,
    /// Where compiled components are cached (None = no cache).
    compile_cache: Option<PathBuf>,
}

const USAGE: &str = "usage: medportal-spin-host --manifest spin.toml [--runtime-config FILE] \
--state-dir DIR [--listen 127.0.0.1:3000] [--migrate LABEL=DIR_OR_FILE]... \
[--compile-cache DIR|off] (default $HOME/.cache/medportal/spin-host-cwasm)";

fn parse_args() -> Result<Args> {
    let mut manifest = None;
    let mut runtime_config = None;
    let mut state_dir = None;
    let mut listen: SocketAddr = "127.0.0.1:3000".parse()?;
    let mut migrate = Vec::new();
    let mut compile_cache =
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/medportal/spin-host-cwasm"));
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| it.next())
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--manifest" | "-f" => manifest = Some(PathBuf::from(value()?)),
            "--runtime-config" | "--runtime-config-file" => runtime_config = Some(PathBuf::from(value()?)),
            "--state-dir" => state_dir = Some(PathBuf::from(value()?)),
            "--listen" => listen = value()?.parse().context("--listen wants HOST:PORT")?,
            "--migrate" => {
                let v = value()?;
                let (label, path) = v
                    .split_once('=')
                    .with_context(|| format!("--migrate wants LABEL=PATH, got `{v}`"))?;
                migrate.push((label.to_string(), PathBuf::from(path)));
            }
            "--compile-cache" => {
                let v = value()?;
                compile_cache = (v != "off").then(|| PathBuf::from(v));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    Ok(Args {
        manifest: manifest.with_context(|| format!("--manifest is required\n{USAGE}"))?,
        runtime_config,
        state_dir: state_dir.with_context(|| format!("--state-dir is required\n{USAGE}"))?,
        listen,
        migrate,
        compile_cache,
    })
}

/// What one component may use, fixed at startup.
pub struct ComponentInfo {
    pub name: Arc<str>,
    pub kv_grants: HashSet<String>,
    pub sqlite_grants: HashSet<String>,
    pub variables: HashMap<String, Result<String, String>>,
    pub allowed_hosts: Arc<Vec<HostPattern>>,
    pub environment: Vec<(String, String)>,
}

/// Stores and databases declared in the runtime config (opened lazily only if granted).
pub struct Resources {
    pub kv: HashMap<String, Arc<Db>>,
    pub sqlite: HashMap<String, Arc<Db>>,
}

/// The data of one request's `Store`.
pub struct Ctx {
    pub table: ResourceTable,
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHooks,
    pub component: Arc<ComponentInfo>,
    pub resources: Arc<Resources>,
}

impl WasiView for Ctx {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for Ctx {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.hooks }
    }
}

struct Loaded {
    info: Arc<ComponentInfo>,
    pre: ServicePre<Ctx>,
}

struct Server {
    engine: Engine,
    router: Router,
    components: Vec<Loaded>,
    resources: Arc<Resources>,
    listen: SocketAddr,
}

fn wasm_err(e: wasmtime::Error) -> anyhow::Error {
    anyhow!("{e:#}")
}

fn build_server(args: &Args) -> Result<Server> {
    std::fs::create_dir_all(&args.state_dir)
        .with_context(|| format!("creating state dir {}", args.state_dir.display()))?;
    let app = manifest::load_manifest(&args.manifest)?;
    let rc = manifest::load_runtime_config(args.runtime_config.as_deref(), &args.state_dir)?;

    // Open only the stores some component is granted (or that a migration targets).
    let mut files = DbFiles::default();
    let mut kv = HashMap::new();
    let mut sqlite = HashMap::new();
    for c in &app.components {
        for label in &c.key_value_stores {
            if let (Some(path), false) = (rc.key_value.get(label), kv.contains_key(label)) {
                let db = files.open(path.as_deref())?;
                db::init_key_value(&db)?;
                kv.insert(label.clone(), db);
            }
        }
        for label in &c.sqlite_databases {
            if let (Some(path), false) = (rc.sqlite.get(label), sqlite.contains_key(label)) {
                sqlite.insert(label.clone(), files.open(path.as_deref())?);
            }
        }
    }
    for (label, source) in &args.migrate {
        if !sqlite.contains_key(label) {
            let path = rc
                .sqlite
                .get(label)
                .with_context(|| format!("--migrate {label}: no [sqlite_database.{label}] in runtime config"))?;
            sqlite.insert(label.clone(), files.open(path.as_deref())?);
        }
        let applied = db::migrate(&sqlite[label], source)?;
        eprintln!("migrate {label}: applied {} file(s) from {}", applied.len(), source.display());
    }
    let resources = Arc::new(Resources { kv, sqlite });

    let mut config = Config::new();
    config.wasm_component_model_async(true);
    let engine = Engine::new(&config).map_err(wasm_err)?;

    let mut linker = Linker::<Ctx>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(wasm_err)?;
    wasmtime_wasi::p3::add_to_linker(&mut linker).map_err(wasm_err)?;
    wasmtime_wasi_http::p3::add_to_linker(&mut linker).map_err(wasm_err)?;
    spin_apis::Host_::add_to_linker::<_, HasSelf<Ctx>>(&mut linker, |c| c).map_err(wasm_err)?;

    // Compile each routed component once (components sharing a .wasm share the compile).
    let mut compiled: HashMap<PathBuf, Component> = HashMap::new();
    let mut index_of = HashMap::new();
    let mut components = Vec::new();
    let mut router = Router::default();
    for route in &app.routes {
        let idx = match index_of.get(&route.component) {
            Some(&i) => i,
            None => {
                let spec = app.components.iter().find(|c| c.name == route.component).unwrap();
                let component = match compiled.get(&spec.source) {
                    Some(c) => c.clone(),
                    None => {
                        let c = load_component(&engine, &spec.source, args.compile_cache.as_deref())?;
                        compiled.insert(spec.source.clone(), c.clone());
                        c
                    }
                };
                let pre = linker
                    .instantiate_pre(&component)
                    .map_err(wasm_err)
                    .with_context(|| format!("linking component `{}`", spec.name))?;
                let pre = ServicePre::new(pre)
                    .map_err(wasm_err)
                    .with_context(|| format!("component `{}` does not export wasi:http/handler@0.3.0", spec.name))?;
                let allowed = spec
                    .allowed_outbound_hosts
                    .iter()
                    .map(|h| HostPattern::parse(h))
                    .collect::<Result<Vec<_>>>()
                    .with_context(|| format!("component `{}`", spec.name))?;
                components.push(Loaded {
                    info: Arc::new(ComponentInfo {
                        name: spec.name.as_str().into(),
                        kv_grants: spec.key_value_stores.iter().cloned().collect(),
                        sqlite_grants: spec.sqlite_databases.iter().cloned().collect(),
                        variables: spec.variables.clone(),
                        allowed_hosts: Arc::new(allowed),
                        environment: spec.environment.clone(),
                    }),
                    pre,
                });
                index_of.insert(route.component.clone(), components.len() - 1);
                components.len() - 1
            }
        };
        router.add(&route.route, idx)?;
    }
    Ok(Server { engine, router, components, resources, listen: args.listen })
}

/// Compile a component, or load it from the compile cache (keyed by a hash of the wasm
/// bytes and the engine's compatibility hash; written by this program only).
fn load_component(engine: &Engine, source: &Path, cache: Option<&Path>) -> Result<Component> {
    use std::hash::{Hash, Hasher};
    let t = Instant::now();
    let wasm = std::fs::read(source).with_context(|| format!("reading {}", source.display()))?;
    let cached = cache.map(|dir| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        wasm.hash(&mut h);
        engine.precompile_compatibility_hash().hash(&mut h);
        let stem = source.file_stem().unwrap_or_default().to_string_lossy();
        dir.join(format!("{stem}-{:016x}.cwasm", h.finish()))
    });
    if let Some(path) = cached.as_ref().filter(|p| p.exists()) {
        // SAFETY: the file was produced by `Component::serialize` of this same program
        // (the key includes the engine's compatibility hash).
        match unsafe { Component::deserialize_file(engine, path) } {
            Ok(c) => {
                eprintln!("loaded {} from cache in {} ms", source.display(), t.elapsed().as_millis());
                return Ok(c);
            }
            Err(e) => eprintln!("ignoring compile cache {}: {e}", path.display()),
        }
    }
    let component = Component::new(engine, &wasm)
        .map_err(wasm_err)
        .with_context(|| format!("compiling {}", source.display()))?;
    eprintln!("compiled {} in {} ms", source.display(), t.elapsed().as_millis());
    if let Some(path) = cached {
        let write = || -> Result<()> {
            std::fs::create_dir_all(path.parent().unwrap())?;
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, component.serialize().map_err(wasm_err)?)?;
            std::fs::rename(&tmp, &path)?;
            // Drop stale entries for the same file name (older builds of this component).
            let prefix = format!("{}-", source.file_stem().unwrap_or_default().to_string_lossy());
            for entry in std::fs::read_dir(path.parent().unwrap())?.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let stale = name.strip_prefix(&prefix).is_some_and(|rest| {
                    rest.len() == 16 + ".cwasm".len()
                        && rest.ends_with(".cwasm")
                        && rest[..16].bytes().all(|b| b.is_ascii_hexdigit())
                });
                if stale && entry.path() != path {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            Ok(())
        };
        if let Err(e) = write() {
            eprintln!("could not write compile cache {}: {e:#}", path.display());
        }
    }
    Ok(component)
}

type HostResponse = hyper::Response<Full<Bytes>>;

fn plain(status: u16, body: &'static str) -> HostResponse {
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap()
}

impl Server {
    async fn serve(self: Arc<Self>, req: hyper::Request<Incoming>, peer: SocketAddr) -> HostResponse {
        let start = Instant::now();
        let method = req.method().clone();
        let target = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_default();
        // Run in its own task so that even a host-side panic becomes a 500.
        let host = self.clone();
        let (resp, component) = match tokio::spawn(async move { host.dispatch(req, peer).await }).await {
            Ok((Ok(resp), c)) => (resp, c),
            Ok((Err(e), c)) => {
                eprintln!("error in {}: {e:#}", c.as_deref().unwrap_or("host"));
                (plain(500, "internal error"), c)
            }
            Err(e) => {
                eprintln!("host task failed: {e}");
                (plain(500, "internal error"), None)
            }
        };
        eprintln!(
            "{method} {target} {} {:.1}ms{}",
            resp.status().as_u16(),
            start.elapsed().as_secs_f64() * 1000.0,
            component.map(|c| format!(" [{c}]")).unwrap_or_default()
        );
        resp
    }

    async fn dispatch(
        &self,
        req: hyper::Request<Incoming>,
        peer: SocketAddr,
    ) -> (Result<HostResponse>, Option<String>) {
        let path = req.uri().path().to_string();
        let Some(m) = self.router.route(&path) else {
            return (Ok(plain(404, "not found")), None);
        };
        let loaded = &self.components[m.route.component];
        let name = loaded.info.name.to_string();
        let result = async {
            let (mut parts, body) = req.into_parts();
            let body = body.collect().await.context("reading request body")?.to_bytes();
            let authority = parts
                .headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
                .unwrap_or_else(|| self.listen.to_string());
            let path_and_query = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_string();
            let full_url = format!("http://{authority}{path_and_query}");
            parts.uri = full_url.parse().context("building request URI")?;
            let h = &mut parts.headers;
            let mut set = |k: &'static str, v: &str| {
                if let Ok(v) = http::HeaderValue::from_str(v) {
                    h.insert(k, v);
                }
            };
            set("spin-full-url", &full_url);
            set("spin-path-info", &m.path_info);
            set("spin-matched-route", &m.route.raw);
            set("spin-raw-component-route", &m.route.raw);
            set("spin-component-route", &m.component_route);
            set("spin-base-path", "/");
            set("spin-client-addr", &peer.to_string());
            let req = hyper::Request::from_parts(parts, Full::new(body));
            tokio::time::timeout(REQUEST_TIMEOUT, self.run_guest(loaded, req))
                .await
                .map_err(|_| anyhow!("request timed out after {REQUEST_TIMEOUT:?}"))?
        }
        .await;
        (result, Some(name))
    }

    async fn run_guest(&self, loaded: &Loaded, req: hyper::Request<Full<Bytes>>) -> Result<HostResponse> {
        let info = loaded.info.clone();
        let wasi = WasiCtxBuilder::new()
            .stdout(wasmtime_wasi::cli::stderr())
            .stderr(wasmtime_wasi::cli::stderr())
            .envs(&info.environment)
            .build();
        let mut hooks = OutboundHooks { component: info.name.clone(), allowed: info.allowed_hosts.clone() };
        let (wasi_req, req_io) = wasmtime_wasi_http::p3::Request::from_http(&mut hooks, req);
        let mut store = Store::new(
            &self.engine,
            Ctx {
                table: ResourceTable::new(),
                wasi,
                http: WasiHttpCtx::new(),
                hooks,
                component: info,
                resources: self.resources.clone(),
            },
        );
        let service = loaded.pre.instantiate_async(&mut store).await.map_err(wasm_err)?;
        let (status, headers, body) = store
            .run_concurrent(async move |accessor| -> wasmtime::Result<_> {
                let response = async {
                    let res = match service.handle(accessor, wasi_req).await? {
                        Ok(res) => res,
                        Err(code) => wasmtime::bail!("guest returned error code {code:?}"),
                    };
                    let res = accessor.with(|access| res.into_http(access, async { Ok(()) }))?;
                    let (parts, body) = res.into_parts();
                    let body = body
                        .collect()
                        .await
                        .map_err(|e| wasmtime::format_err!("response body: {e}"))?
                        .to_bytes();
                    wasmtime::Result::Ok((parts.status, parts.headers, body))
                };
                let request_io = async {
                    req_io.await.map_err(|e| wasmtime::format_err!("request body: {e}"))
                };
                let (out, ()) = futures_join(response, request_io).await?;
                Ok(out)
            })
            .await
            .map_err(wasm_err)?
            .map_err(wasm_err)?;

        let mut resp = hyper::Response::builder().status(status);
        for (k, v) in headers.iter() {
            if k != http::header::TRANSFER_ENCODING && k != http::header::CONNECTION {
                resp = resp.header(k, v);
            }
        }
        Ok(resp.body(Full::new(body))?)
    }
}

/// `try_join` for two futures (the response must be collected while the request body is
/// still being fed to the guest).
async fn futures_join<A, B>(
    a: impl Future<Output = wasmtime::Result<A>>,
    b: impl Future<Output = wasmtime::Result<B>>,
) -> wasmtime::Result<(A, B)> {
    tokio::try_join!(a, b)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let server = build_server(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(server, &args.state_dir))
}

async fn run(mut server: Server, state_dir: &Path) -> Result<()> {
    let addr = server.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    server.listen = local;
    let host = Arc::new(server);
    eprintln!("state dir: {}", state_dir.display());
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{local}")?;
        out.flush()?;
    }
    let accept = async {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let host = host.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req| {
                    let host = host.clone();
                    async move { Ok::<_, Infallible>(host.serve(req, peer).await) }
                });
                let served = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
                match served {
                    Err(e) if !e.is_incomplete_message() => eprintln!("connection from {peer}: {e}"),
                    _ => {}
                }
            });
        }
    };
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        anyhow::Ok(())
    };
    tokio::select! {
        () = accept => {}
        r = shutdown => { r?; eprintln!("shutting down"); }
    }
    Ok(())
}
