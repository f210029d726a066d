// Host drivers for the contract suite. Each starts one host serving the whole portal in dev
// mode on a free loopback port, and can dump any store directly (not through the portal),
// so residency is checked on the stores themselves. The hosts run development builds
// (`make build-dev`): the Workers from functions/<fn>/build-dev, the Spin components from
// build/spin-dev in the real `spin up` (spin.toml with the development overlay, run with the
// operators' commands: ./spin-deploy.mjs), the native host built with them.
import { spawn, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { FUNCTIONS, ROOT, WORKERS_BUILD, startPortal } from "../workerd/portal.mjs";
import { startFakeNppes } from "../fakes/nppes.mjs";
import { startFakeOidc } from "../fakes/oidc.mjs";
import { startFakeScanner } from "../fakes/scanner.mjs";
import { LIBRARY_FILE, VOCAB_FILE, importLibrary, itemsFromD1, itemsFromSqlite, seedSearch } from "../workerd/search-seed.mjs";
import { devSpinManifest, spinCommands } from "./spin-deploy.mjs";
import { readStateDir } from "../../scripts/residency.mjs";

// Outbound calls get a 1.5 s deadline here instead of the default 5 s, so the scenario with
// an unresponsive registry stays fast; the fake answers in milliseconds otherwise.
export const OUTBOUND_TIMEOUT_MS = 1500;
/** The search indexing token the contract hosts are configured with. */
export const SEARCH_INDEX_TOKEN = "contract-search-index-token-0123456789";
/** How long (ms) an instance on a host trusts what it read from a store another function
 * changes before it reads it again: the platform's one recheck interval (shared/core
 * platform.rs, `Platform::RECHECK_MS`, 1000 on Workers and Spin, whose instances serve many
 * requests). A change made through content-desk reaches the reader pages
 * (functions/content/src/live.rs), and a publish through search-admin reaches `/search`
 * (functions/search/src/engine.rs), within this long. The native host reads on every request. */
export const LIVE_RECHECK_MS = { workerd: 1000, spin: 1000 };

/** Waits until the reader pages and searches of `host` see every change made before the call
 * (publish, withdrawal, expiry, series placement in the staff workspaces, an indexing batch).
 * For what readers must NOT see any more; what they must see can be polled for with
 * `eventually`. */
export const readersCaughtUp = (host) => new Promise((r) => setTimeout(r, (LIVE_RECHECK_MS[host.name] ?? 0) && LIVE_RECHECK_MS[host.name] + 100));

/** Retries `check` (an async function that throws while its condition does not hold yet) for
 * up to `ms` (default: twice the content Workers' recheck interval), then throws its last error. */
export async function eventually(check, ms = 2000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() >= until) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
export const DEV_VARS = {
  dev_mode: "true",
  public_origin: "http://127.0.0.1",
  outbound_timeout_ms: String(OUTBOUND_TIMEOUT_MS),
  search_index_token: SEARCH_INDEX_TOKEN,
};

function spawnHost(bin, args, env) {
  return new Promise((resolvePromise, reject) => {
    if (!existsSync(bin)) return reject(new Error(`${bin} not built`));
    const child = spawn(bin, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const logs = [];
    child.stderr.on("data", (d) => logs.push(d.toString()));
    child.stdout.on("data", (d) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/[^\s]+)/);
      if (m) resolvePromise({ child, url: m[1].replace(/\/$/, ""), logs, exited: new Promise((r) => child.on("exit", r)) });
    });
    child.on("exit", (code) => reject(new Error(`${bin} exited ${code}: ${logs.join("")}`)));
    setTimeout(() => reject(new Error(`${bin} did not start: ${logs.join("")}`)), 60_000).unref();
  });
}

/** A free loopback port (Spin's `--listen` needs one named). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** The Spin CLI (`../shared/tools/spin/install` unpacks it and prints its path) or SPIN_BIN. */
export function spinBin() {
  return process.env.SPIN_BIN ?? execFileSync(join(ROOT, "../shared/tools/spin/install"), { encoding: "utf8" }).trim();
}

/** The steps the `spin` host runs (the last one is `spin up`): the operators' commands with
 * the development manifest (written to `stateDir`), the demo seeds and a loopback port. */
export function spinHostSteps(stateDir, port, spin = spinBin()) {
  const manifest = devSpinManifest(ROOT, stateDir);
  return spinCommands({ app: ROOT, state: stateDir, listen: `127.0.0.1:${port}`, manifest, seed: true, spin });
}

/** The real `spin up` on spin.toml with the development overlay (development components,
 * the /dev routes, loopback outbound for the fakes), started with exactly the operators'
 * commands (./spin-deploy.mjs; README "Deploying -> Fermyon Spin") plus the demo seeds, dev
 * variables as `SPIN_VARIABLE_*`. Its stores and logs are Spin's files in `stateDir`. */
async function startRealSpin(stateDir, spinVars, port, drop) {
  port ??= await freePort();
  const steps = spinHostSteps(stateDir, port);
  const up = steps.pop();
  for (const { argv, cwd, build } of steps) {
    if (build) continue; // make build-dev built them
    if (!existsSync(argv[0]) && argv[0].startsWith("/")) throw new Error(`${argv[0]} missing: run make build-dev`);
    execFileSync(argv[0], argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });
  }
  const child = spawn(up.argv[0], up.argv.slice(1), { cwd: up.cwd, env: { ...process.env, ...spinVars }, stdio: ["ignore", "pipe", "pipe"] });
  const out = [];
  child.stdout.on("data", (d) => out.push(d.toString()));
  child.stderr.on("data", (d) => out.push(d.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error(`spin up exited: ${out.join("")}`);
    // Any answer means it serves (a misconfigured portal answers 500, which tests look at).
    const serving = await fetch(`${url}/health/content`, { signal: AbortSignal.timeout(10_000) }).then(() => true, () => false);
    if (serving) break;
    if (Date.now() - started > 60_000) {
      child.kill("SIGINT"); // spin up stops its trigger process with it
      throw new Error(`spin up did not start: ${out.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Component output goes to <state dir>/logs as well as to the terminal.
  const logs = () => {
    const dir = join(stateDir, "logs");
    const files = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")) : [];
    return out.join("") + files.join("");
  };
  const stop = () =>
    new Promise((resolveStop) => {
      if (exited) return resolveStop(drop());
      child.once("exit", () => resolveStop(drop()));
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  return { name: "spin", url, stateDir, logs, dump: sqliteDumper(stateDir), dumpSql: sqliteTextDumper(stateDir), execSql: sqliteExec(stateDir), dumpStores: async (only) => picked(readStateDir(stateDir), only), contentItems: () => itemsFromSqlite(join(stateDir, "db_global.db")), stop };
}

/** Stores laid out like Spin's runtime: one SQLite file per label in the state dir. */
function sqliteDumper(stateDir) {
  return async (store) => {
    const file = join(stateDir, `${store}.db`);
    if (!existsSync(file)) return [];
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      if (store.startsWith("db_")) {
        return db.prepare("SELECT key FROM health_probe ORDER BY key").all().map((r) => r.key);
      }
      const keys = db.prepare("SELECT key FROM spin_key_value ORDER BY key").all().map((r) => r.key);
      // blob stores are key-value backed: report object names (metadata records)
      return store.startsWith("blob_") ? keys.filter((k) => k.startsWith("m/")).map((k) => k.slice(2)) : keys;
    } finally {
      db.close();
    }
  };
}

/** Every value of every row of every table of a SQL store as text (residency canaries). */
function sqliteTextDumper(stateDir) {
  return async (store) => {
    const file = join(stateDir, `${store}.db`);
    if (!existsSync(file)) return "";
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
      return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join("\n");
    } finally {
      db.close();
    }
  };
}

/** Runs one statement directly on a store's SQLite file (what an operator with file access
 * could do): the audit log's triggers must refuse changes to its entries. */
function sqliteExec(stateDir) {
  return async (store, sql) => {
    const db = new DatabaseSync(join(stateDir, `${store}.db`));
    try {
      db.exec("PRAGMA busy_timeout = 5000");
      return db.prepare(sql).run();
    } finally {
      db.close();
    }
  };
}

/** This Node process's child processes (Linux /proc; none elsewhere): pid, name (the
 * command, as `comm` gives it), CPU ticks so far (user + system) and their threads' states. */
export function childProcesses() {
  const out = [];
  let pids = [];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(f[1]) !== process.pid) continue;
      const threads = readdirSync(`/proc/${pid}/task`).map((t) => {
        const ts = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
        return ts[ts.lastIndexOf(")") + 2];
      });
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.push({ pid: Number(pid), name, ticks: Number(f[11]) + Number(f[12]), threads: threads.join("") });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The stores of a dump named in `only` (all without it). */
const picked = (stores, only) => (only ? Object.fromEntries(Object.entries(stores).filter(([store]) => only.includes(store))) : stores);

const spinVarsOf = (vars) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [`SPIN_VARIABLE_${k.toUpperCase()}`, v]));

/** Starts host `name` with a fake NPPES registry (`host.nppes`), a fake OpenID Connect
 * verification provider (`host.oidc`) and a fake file-scanning service (`host.scanner`,
 * content's production scanner adapter talks to it) it is configured to use, on a copy of
 * its seeded state: the demo library imported through content's publishing use cases and
 * made searchable through the indexing entry point (`seededState`). */
export async function startHost(name) {
  const nppes = await startFakeNppes();
  const oidc = await startFakeOidc();
  const scanner = await startFakeScanner();
  const stopFakes = async () => (await nppes.stop(), await oidc.stop(), await scanner.stop());
  let host;
  try {
    const scan = { scanner_url: `${scanner.url}/scan`, scanner_token: scanner.token };
    const vars = { ...DEV_VARS, npi_registry_url: nppes.url, ...oidc.vars, ...scan };
    host = await startBareHost(name, vars, { from: await seededState(name, vars) });
    const stop = host.stop;
    return { ...host, nppes, oidc, scanner, stop: async () => (await stop(), await stopFakes()) };
  } catch (e) {
    await host?.stop();
    await stopFakes();
    throw e;
  }
}

/** Where seeded states are kept between suites (and between runs on one build). */
const SEEDED_ROOT = join(tmpdir(), "medportal-seeded");

/** What host `name`'s seeded state is made from, as one key: the builds it runs, the schema
 * and seeds, the library, the search vocabulary, the dev variables and this module. Files by
 * path, size and modification time (a rebuild or a checkout changes it). */
function seededKey(name) {
  const hash = createHash("sha256");
  const add = (path) => {
    if (!existsSync(path)) return hash.update(`${path} absent\n`);
    const st = statSync(path);
    if (st.isDirectory()) return readdirSync(path).sort().forEach((e) => add(join(path, e)));
    hash.update(`${path} ${st.size} ${st.mtimeMs}\n`);
  };
  const builds = {
    native: [nativeHostBin()],
    spin: [join(ROOT, "build/spin-dev"), join(ROOT, "build/bin/medportal-migrate"), join(ROOT, "infra/spin"), spinBin()],
    workerd: FUNCTIONS.map((fn) => join(ROOT, "functions", fn, WORKERS_BUILD)),
  }[name];
  const shared = ["infra/migrations", "infra/seed", "spin.toml", "wrangler.toml", "tests/workerd"].map((p) => join(ROOT, p));
  [...builds, ...shared, LIBRARY_FILE, VOCAB_FILE, import.meta.filename].forEach(add);
  hash.update(JSON.stringify(DEV_VARS));
  return hash.digest("hex").slice(0, 16);
}

/**
 * The state directory of host `name` (started with `vars`) after the demo library's import
 * and the search seeding, made once per build and kept in SEEDED_ROOT; suites start on a
 * copy. Making it costs 15-25 s on workerd and Spin (the import's 269 items through content's
 * use cases, and workerd's migrations through D1), which every suite paid before. One process
 * makes it while others wait (a lock directory; a lock older than 5 minutes is a dead run's).
 */
export async function seededState(name, vars) {
  const dir = join(SEEDED_ROOT, `${name}-${seededKey(name)}`);
  if (existsSync(dir)) return dir;
  mkdirSync(SEEDED_ROOT, { recursive: true });
  const lock = `${dir}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    if (existsSync(dir)) return dir;
    try {
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    if (existsSync(dir)) return dir;
    const host = await startBareHost(name, vars, { keep: true });
    try {
      await importLibrary(host.url, SEARCH_INDEX_TOKEN);
      await seedSearch(host.url, SEARCH_INDEX_TOKEN, await host.contentItems());
    } catch (e) {
      await host.stop();
      rmSync(host.stateDir, { recursive: true, force: true });
      throw e;
    }
    await host.stop();
    rmSync(join(host.stateDir, "logs"), { recursive: true, force: true });
    renameSync(host.stateDir, dir);
    // earlier builds' states of this host, a day old (another run may still be copying newer ones)
    for (const e of readdirSync(SEEDED_ROOT)) {
      const old = join(SEEDED_ROOT, e);
      if (e.startsWith(`${name}-`) && old !== dir && !e.endsWith(".lock") && Date.now() - statSync(old).mtimeMs > 86_400_000) {
        rmSync(old, { recursive: true, force: true });
      }
    }
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The native host binary the contract hosts run (NATIVE_HOST_BIN, else the cached build). */
function nativeHostBin() {
  const cache = process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, ".cache/medportal/target");
  return process.env.NATIVE_HOST_BIN ?? join(cache, "host/medportal-native-host");
}

/** Starts host `name` with exactly `vars` (no fakes, no search seeding): { url, logs(), stop }
 * (`logs()` is what the host wrote to stderr so far). `port`: the port to serve on (Spin and
 * workerd; default a free one). `from`: a state directory to start on a copy of
 * (`seededState`). `keep`: stopping leaves the state directory (`host.stateDir`). workerd
 * keeps its stores in memory unless it starts from or keeps a state directory. */
export async function startBareHost(name, vars, { port, from, keep = false } = {}) {
  const spinVars = spinVarsOf(vars);
  const stateDir = mkdtempSync(join(tmpdir(), `medportal-${name}-`));
  if (from) cpSync(from, stateDir, { recursive: true });
  const drop = () => keep || rmSync(stateDir, { recursive: true, force: true });
  if (name === "native") {
    const { child, url, logs, exited } = await spawnHost(
      nativeHostBin(),
      ["--manifest", devSpinManifest(ROOT, stateDir), "--state-dir", stateDir, "--listen", "127.0.0.1:0", "--infra", "infra", "--seed"],
      spinVars,
    ).catch((e) => (rmSync(stateDir, { recursive: true, force: true }), Promise.reject(e)));
    const stop = async () => (child.kill(), await exited, drop());
    return { name, url, stateDir, logs: () => logs.join(""), dump: sqliteDumper(stateDir), dumpSql: sqliteTextDumper(stateDir), execSql: sqliteExec(stateDir), dumpStores: async (only) => picked(readStateDir(stateDir), only), contentItems: () => itemsFromSqlite(join(stateDir, "db_global.db")), stop };
  }
  if (name === "spin") {
    return startRealSpin(stateDir, spinVars, port, drop).catch((e) => (rmSync(stateDir, { recursive: true, force: true }), Promise.reject(e)));
  }
  if (name === "workerd") {
    const logs = [];
    const persisted = Boolean(from) || keep;
    if (!persisted) rmSync(stateDir, { recursive: true, force: true });
    const portal = await startPortal({ vars, port, persistDir: persisted ? stateDir : undefined, onOutput: (text) => logs.push(text) })
      .catch((e) => (rmSync(stateDir, { recursive: true, force: true }), Promise.reject(e)));
    const { mf, url } = portal;
    const stop = async () => (await portal.stop(), persisted && drop());
    const dump = async (store) => {
      const [kind] = store.split("_");
      const worker = kind === "db" && store === "db_global" ? "content" : "identity";
      if (kind === "kv") return (await (await mf.getKVNamespace(store, "content")).list()).keys.map((k) => k.name).sort();
      if (kind === "db") {
        const db = await mf.getD1Database(store, worker);
        return (await db.prepare("SELECT key FROM health_probe ORDER BY key").all()).results.map((r) => r.key);
      }
      const bucketWorker = store === "blob_global" ? "content" : "identity";
      return (await (await mf.getR2Bucket(store, bucketWorker)).list()).objects.map((o) => o.key).sort();
    };
    const dumpSql = async (store) => {
      const db = await mf.getD1Database(store, "inquiries");
      const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all()).results.map((r) => r.name);
      const out = [];
      for (const t of tables) out.push(JSON.stringify((await db.prepare(`SELECT * FROM "${t}"`).all()).results));
      return out.join("\n");
    };
    const execSql = async (store, sql) => (await mf.getD1Database(store, "audit")).prepare(sql).run();
    // The Workers cron trigger of a function (wrangler.toml `[env.<fn>.triggers]`), run once.
    const scheduled = async (fn) => (await mf.getWorker(fn)).scheduled({ cron: "* * * * *" });
    // (every call is a round trip into the runtime: a database's tables are read in one
    // batch, the regions side by side)
    const dumpScope = async (scope, wanted, out) => {
      if (wanted(`db_${scope}`)) {
        const db = await mf.getD1Database(`db_${scope}`, "identity");
        const names = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all()).results.map((r) => r.name);
        const rows = names.length ? await db.batch(names.map((t) => db.prepare(`SELECT * FROM "${t}"`))) : [];
        out[`db_${scope}`] = { tables: Object.fromEntries(names.map((t, i) => [t, rows[i].results])) };
      }
      if (wanted(`kv_${scope}`)) out[`kv_${scope}`] = await kvValues(await mf.getKVNamespace(`kv_${scope}`, "content"));
      if (wanted(`blob_${scope}`)) {
        const bucket = await mf.getR2Bucket(`blob_${scope}`, scope === "global" ? "content" : "identity");
        const objects = (await bucket.list()).objects.map((o) => o.key);
        out[`blob_${scope}`] = await Promise.all(objects.map(async (key) => ({ key, value: (await (await bucket.get(key))?.text()) ?? "" })));
      }
    };
    const kvValues = async (kv) => {
      const keys = [];
      let cursor;
      do {
        const page = await kv.list({ cursor });
        keys.push(...page.keys.map((k) => k.name));
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return Promise.all(keys.map(async (key) => ({ key, value: (await kv.get(key)) ?? "" })));
    };
    /** Every store (or the stores named in `only`), records with their values
     * (scripts/residency.mjs's dump format). */
    const dumpStores = async (only) => {
      const wanted = (store) => !only || only.includes(store);
      const scopes = ["global", "eu", "us"];
      const out = {};
      await Promise.all(scopes.map((scope) => dumpScope(scope, wanted, out)));
      // in the order the other hosts give (scripts/residency.mjs)
      const stores = scopes.flatMap((scope) => ["db", "kv", "blob"].map((k) => `${k}_${scope}`));
      return Object.fromEntries(stores.filter(wanted).map((store) => [store, out[store]]));
    };
    return { name, url, stateDir, logs: () => logs.join(""), dump, dumpSql, execSql, scheduled, dumpStores, contentItems: () => itemsFromD1(mf), stop };
  }
  throw new Error(`unknown host ${name}`);
}
