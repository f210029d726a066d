//! End-to-end self test of medportal-spin-host: builds the probe component (spin-sdk 7,
//! wasm32-wasip2), starts the host on a free port with a temp state dir, and talks
//! plain HTTP/1.1 to it. Std only, no extra dependencies.
//!
//! The probe is built into `$SPIN_PROBE_TARGET_DIR` (default
//! `$HOME/.cache/medportal/spin-probe-target`), never into the host's target dir.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HOST_BIN: &str = env!("CARGO_BIN_EXE_medportal-spin-host");
const CRATE_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn probe_dir() -> PathBuf {
    Path::new(CRATE_DIR).join("probe")
}

/// Build the probe once per test process and return the .wasm path.
fn probe_wasm() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| {
        let target_dir = std::env::var_os("SPIN_PROBE_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").expect("HOME");
                Path::new(&home).join(".cache/medportal/spin-probe-target")
            });
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(probe_dir())
            .args(["build", "--release", "--locked", "--target", "wasm32-wasip2"])
            .env("CARGO_TARGET_DIR", &target_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("running cargo for the probe");
        assert!(status.success(), "building the probe component failed");
        target_dir.join("wasm32-wasip2/release/spin_host_probe.wasm")
    })
}

/// A temp app dir holding spin.toml + probe.wasm, and a state dir.
struct App {
    dir: PathBuf,
}

impl App {
    fn new(name: &str) -> App {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "spin-host-{name}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(probe_wasm(), dir.join("probe.wasm")).unwrap();
        std::fs::copy(probe_dir().join("spin.toml"), dir.join("spin.toml")).unwrap();
        App { dir }
    }

    fn state(&self) -> PathBuf {
        self.dir.join("state")
    }

    fn start(&self, env: &[(&str, &str)]) -> Host {
        self.try_start(env).unwrap_or_else(|log| panic!("host did not start:\n{log}"))
    }

    /// Start the host; Err(stderr) if it exits before printing its listening line.
    fn try_start(&self, env: &[(&str, &str)]) -> Result<Host, String> {
        let log = (0..)
            .map(|n| self.dir.join(format!("host-{n}.log")))
            .find(|p| !p.exists())
            .unwrap();
        let started = Instant::now();
        let mut cmd = Command::new(HOST_BIN);
        cmd.arg("--manifest")
            .arg(self.dir.join("spin.toml"))
            .arg("--runtime-config")
            .arg(probe_dir().join("runtime-config.toml"))
            .arg("--state-dir")
            .arg(self.state())
            .args(["--listen", "127.0.0.1:0"])
            .arg("--migrate")
            .arg(format!("db_eu={}", probe_dir().join("migrations").display()))
            .arg("--compile-cache")
            .arg(self.dir.join("cwasm"))
            .env_remove("RUST_BACKTRACE")
            .env("SPIN_VARIABLE_API_TOKEN", "token-from-env")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawning the host");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let read_log = || std::fs::read_to_string(&log).unwrap_or_default();
        let Some(url) = line.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(read_log());
        };
        Ok(Host {
            child,
            addr: url.to_string(),
            startup: started.elapsed(),
            log,
        })
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

struct Host {
    child: Child,
    addr: String,
    startup: Duration,
    log: PathBuf,
}

impl Host {
    fn get(&self, target: &str) -> (u16, String) {
        request(&self.addr, "GET", target, b"")
    }

    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- host log ---\n{}", std::fs::read_to_string(&self.log).unwrap_or_default());
        }
    }
}

/// Minimal HTTP/1.1 client (Connection: close, Content-Length bodies).
fn request(addr: &str, method: &str, target: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("http response");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

#[track_caller]
fn expect(host: &Host, target: &str, status: u16, body: &str) {
    let (s, b) = host.get(target);
    assert_eq!((s, b.as_str()), (status, body), "GET {target}");
}

#[track_caller]
fn expect_contains(host: &Host, target: &str, status: u16, needle: &str) {
    let (s, b) = host.get(target);
    assert!(s == status && b.contains(needle), "GET {target}: got {s} {b:?}, want {status} containing {needle:?}");
}

#[test]
fn key_value_sqlite_variables_routing_and_restart() {
    let app = App::new("main");
    let host = app.start(&[("SPIN_VARIABLE_GREETING", "hi")]);
    let t = Instant::now();
    let first = host.get("/probe/echo");
    let first_latency = t.elapsed();
    assert_eq!(first.0, 200);

    // Key-value: round trip in kv_eu, invisible in kv_us (separate file and label).
    expect(&host, "/probe/kv/set?store=kv_eu&key=patient&value=eu-value", 200, "ok");
    expect(&host, "/probe/kv/get?store=kv_eu&key=patient", 200, "eu-value");
    expect(&host, "/probe/kv/get?store=kv_us&key=patient", 404, "missing");
    expect(&host, "/probe/kv/set?store=kv_us&key=other&value=us", 200, "ok");
    expect(&host, "/probe/kv/set?store=kv_eu&key=gone&value=x", 200, "ok");
    expect(&host, "/probe/kv/delete?store=kv_eu&key=gone", 200, "deleted");
    expect(&host, "/probe/kv/exists?store=kv_eu&key=gone", 200, "false");
    expect(&host, "/probe/kv/exists?store=kv_eu&key=patient", 200, "true");
    expect(&host, "/probe/kv/keys?store=kv_eu", 200, "patient");
    // Granted labels only: declared-but-ungranted is refused, granted-but-undeclared unknown.
    expect(&host, "/probe/kv/get?store=kv_other&key=patient", 403, "kv error: Error::AccessDenied");
    expect(&host, "/probe/kv/get?store=nonsense&key=patient", 403, "kv error: Error::AccessDenied");
    expect(&host, "/probe/kv/get?store=kv_undeclared&key=k", 404, "kv error: Error::NoSuchStore");

    // SQLite: round trip, all value types, grants, migrations.
    expect(&host, "/probe/sql/insert?db=db_eu&text=first", 200, "id=1 changes=1");
    expect(&host, "/probe/sql/insert?db=db_eu&text=second", 200, "id=2 changes=1");
    expect(&host, "/probe/sql/list?db=db_eu", 200, "1:first\n2:second");
    expect(
        &host,
        "/probe/sql/types?db=db_eu",
        200,
        "i,r,t,b,n|int:-42|real:1.5|text:h\u{e9}llo|blob:[0, 1, 255]|null",
    );
    expect(&host, "/probe/sql/exec?db=db_eu&sql=SELECT+name+FROM+seeded+ORDER+BY+id", 200, "text:alpha\ntext:beta");
    expect_contains(&host, "/probe/sql/exec?db=db_eu&sql=SELEKT+1", 500, "Error::Io");
    expect(&host, "/probe/sql/list?db=db_us", 403, "sqlite error: Error::AccessDenied");
    expect(&host, "/probe/sql/list?db=db_undeclared", 404, "sqlite error: Error::NoSuchDatabase");

    // Variables: literal, template + env override, required from env, undeclared, invalid.
    expect(&host, "/probe/var?name=who", 200, "probe");
    expect(&host, "/probe/var?name=greeting", 200, "hi, world");
    expect(&host, "/probe/var?name=token", 200, "token-from-env");
    expect(&host, "/probe/var?name=secret", 200, "s3cret");
    expect_contains(&host, "/probe/var?name=api_token", 404, "Undefined");
    expect_contains(&host, "/probe/var?name=Bad-Name", 404, "InvalidName");

    // Routing: exact beats wildcard, longest wildcard prefix wins, unrouted is 404.
    expect_contains(&host, "/probe/deep/x?q=1", 200, "who=deep method=GET uri=http://");
    expect_contains(&host, "/probe/deep/x?q=1", 200, "/probe/deep/x?q=1 path-info=/x matched=/probe/deep/...");
    expect_contains(&host, "/probe/deep", 200, "who=deep");
    expect_contains(&host, "/probe/deeper", 200, "who=probe");
    expect_contains(&host, "/probe/x/y", 200, "who=probe");
    expect_contains(&host, "/probe", 200, "who=probe");
    expect_contains(&host, "/exact", 200, "who=deep");
    expect(&host, "/exact/below", 404, "not found");
    expect(&host, "/nowhere", 404, "not found");
    expect(&host, "/", 404, "not found");

    // Request bodies reach the guest.
    let big = vec![b'x'; 300_000];
    assert_eq!(request(&host.addr, "POST", "/probe/body", &big), (200, "len=300000".into()));

    // A trap is a 500 with a plain body, and the host keeps serving.
    expect(&host, "/probe/trap", 500, "internal error");
    expect(&host, "/probe/kv/get?store=kv_eu&key=patient", 200, "eu-value");

    // Sequential latency (informational).
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        assert_eq!(host.get("/probe/echo").0, 200);
    }
    let echo = t.elapsed() / n;
    let t = Instant::now();
    for _ in 0..n {
        assert_eq!(host.get("/probe/sql/list?db=db_eu").0, 200);
    }
    let sql = t.elapsed() / n;
    let t = Instant::now();
    for _ in 0..n {
        assert_eq!(host.get("/probe/kv/get?store=kv_eu&key=patient").0, 200);
    }
    let kv = t.elapsed() / n;
    eprintln!(
        "timing: startup (incl. compile) {:?}, first request {:?}, per request: echo {:?}, kv get {:?}, sqlite select {:?}",
        host.startup, first_latency, echo, kv, sql
    );

    let log = host.stop();
    assert!(log.contains("GET /probe/echo 200"), "per-request log line missing:\n{log}");
    assert!(log.contains("compiled ") && log.contains("probe.wasm in "), "{log}");
    assert!(log.contains("migrate db_eu: applied 2 file(s)"), "{log}");

    // Restart on the same state dir: everything is still there, migrations not re-run.
    let host = app.start(&[]);
    let restart = host.startup;
    expect(&host, "/probe/kv/get?store=kv_eu&key=patient", 200, "eu-value");
    expect(&host, "/probe/kv/get?store=kv_us&key=other", 200, "us");
    expect(&host, "/probe/kv/get?store=kv_us&key=patient", 404, "missing");
    expect(&host, "/probe/sql/list?db=db_eu", 200, "1:first\n2:second");
    expect(&host, "/probe/sql/exec?db=db_eu&sql=SELECT+count(*)+FROM+seeded", 200, "int:2");
    expect(&host, "/probe/sql/exec?db=db_eu&sql=SELECT+count(*)+FROM+_migrations", 200, "int:2");
    expect(&host, "/probe/var?name=greeting", 200, "hello, world");
    let log = host.stop();
    assert!(log.contains("migrate db_eu: applied 0 file(s)"), "{log}");
    assert!(log.contains("probe.wasm from cache"), "restart should use the compile cache:\n{log}");
    eprintln!("timing: restart with compile cache {restart:?}");

    // Spin's own key-value schema on disk.
    let kv_file = app.state().join("kv_eu.db");
    assert!(kv_file.exists());
    assert!(app.state().join("kv_us.db").exists());
    assert!(!app.state().join("kv_other.db").exists(), "ungranted stores are not opened");
}

#[test]
fn outbound_http_is_limited_to_allowed_hosts() {
    // A one-shot-per-connection fake upstream on 127.0.0.1.
    let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = upstream.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in upstream.incoming().take(4) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nupstream");
        }
    });
    let app = App::new("outbound");
    let host = app.start(&[]);
    expect(
        &host,
        &format!("/probe/outbound?url=http://127.0.0.1:{port}/x"),
        200,
        "upstream 200 upstream",
    );
    // localhost is not 127.0.0.1 in the allow-list; https to 127.0.0.1 isn't allowed either.
    expect_contains(&host, &format!("/probe/outbound?url=http://localhost:{port}/x"), 502, "HttpRequestDenied");
    expect_contains(&host, &format!("/probe/outbound?url=https://127.0.0.1:{port}/x"), 502, "HttpRequestDenied");
    expect_contains(&host, "/probe/outbound?url=https://example.com/", 502, "HttpRequestDenied");
    // The `deep` component (same wasm) has no allowed_outbound_hosts and no kv_eu grant.
    expect_contains(&host, &format!("/probe/deep/outbound?url=http://127.0.0.1:{port}/x"), 502, "HttpRequestDenied");
    expect(&host, "/probe/deep/kv/get?store=kv_eu&key=k", 403, "kv error: Error::AccessDenied");
    expect(&host, "/probe/deep/kv/get?store=kv_us&key=k", 404, "missing");
}

#[test]
fn concurrent_requests() {
    let app = App::new("concurrent");
    let host = app.start(&[]);
    let addr = host.addr.clone();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                for j in 0..15 {
                    let key = format!("k{i}-{j}");
                    let (s, b) = request(&addr, "GET", &format!("/probe/kv/set?store=kv_eu&key={key}&value={i}"), b"");
                    assert_eq!((s, b.as_str()), (200, "ok"));
                    let (s, _) = request(&addr, "GET", &format!("/probe/sql/insert?db=db_eu&text={key}"), b"");
                    assert_eq!(s, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (_, keys) = host.get("/probe/kv/keys?store=kv_eu");
    assert_eq!(keys.split(',').count(), 8 * 15);
    let (_, rows) = host.get("/probe/sql/exec?db=db_eu&sql=SELECT+count(*)+FROM+notes");
    assert_eq!(rows, "int:120");
}

#[test]
fn missing_required_variable_fails_startup() {
    let app = App::new("required");
    let out = Command::new(HOST_BIN)
        .arg("--manifest")
        .arg(app.dir.join("spin.toml"))
        .arg("--state-dir")
        .arg(app.state())
        .args(["--listen", "127.0.0.1:0"])
        .args(["--compile-cache", "off"])
        .env_remove("SPIN_VARIABLE_API_TOKEN")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "must not print the listening line");
    assert!(err.contains("required variable `api_token` has no value"), "{err}");
}
