// Host drivers for the contract suite. Each starts one host serving the whole portal in dev
// mode on a free loopback port, and can dump any store directly (not through the portal),
// so residency is checked on the stores themselves. The hosts run development builds
// (`make build-dev`): the Workers from functions/<fn>/build-dev, the Spin components from
// build/spin-dev (through a copy of spin.toml pointing there) in the real `spin up`, the native
// host built with them. Host `spin-host` is the home-made wasmtime stand-in (not by default).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT, startPortal } from "../workerd/portal.mjs";
import { startFakeNppes } from "../fakes/nppes.mjs";
import { startFakeOidc } from "../fakes/oidc.mjs";
import { importLibrary, itemsFromD1, itemsFromSqlite, seedSearch } from "../workerd/search-seed.mjs";

// Outbound calls get a 1.5 s deadline here instead of the default 5 s, so the scenario with
// an unresponsive registry stays fast; the fake answers in milliseconds otherwise.
export const OUTBOUND_TIMEOUT_MS = 1500;
/** The search indexing token the contract hosts are configured with. */
export const SEARCH_INDEX_TOKEN = "contract-search-index-token-0123456789";
const DEV_VARS = {
  dev_mode: "true",
  public_origin: "http://127.0.0.1",
  outbound_timeout_ms: String(OUTBOUND_TIMEOUT_MS),
  search_index_token: SEARCH_INDEX_TOKEN,
};

/** spin.toml with every component's source in build/spin-dev (absolute paths), written to `dir`. */
function devSpinManifest(dir) {
  const text = readFileSync(join(ROOT, "spin.toml"), "utf8").replace(
    /^source = "build\/spin\/([\w-]+\.wasm)"$/gm,
    (_, file) => `source = ${JSON.stringify(join(ROOT, "build/spin-dev", file))}`,
  );
  for (const m of text.matchAll(/^source = "(.+)"$/gm)) {
    if (!existsSync(m[1])) throw new Error(`${m[1]} missing: run make build-spin DEV=1`);
  }
  const file = join(dir, "spin.dev.toml");
  writeFileSync(file, text);
  return file;
}

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

/** The runtime config operators use (`infra/spin/runtime-config.toml`), every store path
 * made absolute inside `stateDir`, as the README tells operators to do. */
export function spinRuntimeConfig(stateDir) {
  const text = readFileSync(join(ROOT, "infra/spin/runtime-config.toml"), "utf8").replace(
    /^path = "([\w.-]+\.db)"$/gm,
    (_, file) => `path = ${JSON.stringify(join(stateDir, file))}`,
  );
  const file = join(stateDir, "runtime-config.toml");
  writeFileSync(file, text);
  return file;
}

/** The real `spin up` on the repository's spin.toml (development components), with the
 * production runtime-config shape, migrations applied the way operators apply them
 * (`medportal-migrate DB_FILE infra/migrations [infra/seed/<db>]`, before start), and dev
 * variables as `SPIN_VARIABLE_*`. Its stores are Spin's SQLite files in `stateDir`. */
async function startRealSpin(stateDir, spinVars, cache) {
  const migrate = process.env.MIGRATE_BIN ?? join(cache, "native/medportal-migrate");
  const config = spinRuntimeConfig(stateDir);
  for (const db of ["db_global", "db_eu", "db_us"]) {
    execFileSync(migrate, [join(stateDir, `${db}.db`), join(ROOT, "infra/migrations"), join(ROOT, "infra/seed", db)], { stdio: "ignore" });
  }
  const manifest = devSpinManifest(stateDir);
  const port = await freePort();
  const child = spawn(spinBin(), ["up", "--from", manifest, "--runtime-config-file", config, "--listen", `127.0.0.1:${port}`], {
    cwd: stateDir,
    env: { ...process.env, ...spinVars },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
    const up = await fetch(`${url}/health/content`).then(() => true, () => false);
    if (up) break;
    if (Date.now() - started > 60_000) throw new Error(`spin up did not start: ${out.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Component output goes to .spin/logs beside the manifest as well as to the terminal.
  const logs = () => {
    const dir = join(stateDir, ".spin/logs");
    const files = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8")) : [];
    return out.join("") + files.join("");
  };
  const stop = () =>
    new Promise((resolveStop) => {
      if (exited) return resolveStop(rmSync(stateDir, { recursive: true, force: true }));
      child.once("exit", () => resolveStop(rmSync(stateDir, { recursive: true, force: true })));
      child.kill("SIGINT");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  return { name: "spin", url, logs, dump: sqliteDumper(stateDir), dumpSql: sqliteTextDumper(stateDir), contentItems: () => itemsFromSqlite(join(stateDir, "db_global.db")), stop };
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

const spinVarsOf = (vars) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [`SPIN_VARIABLE_${k.toUpperCase()}`, v]));

/** Starts host `name` with a fake NPPES registry (`host.nppes`) and a fake OpenID Connect
 * verification provider (`host.oidc`) it is configured to use, imports the demo library
 * through content's publishing use cases and makes it searchable through the indexing entry
 * point. */
export async function startHost(name) {
  const nppes = await startFakeNppes();
  const oidc = await startFakeOidc();
  const stopFakes = async () => (await nppes.stop(), await oidc.stop());
  let host;
  try {
    host = await startBareHost(name, { ...DEV_VARS, npi_registry_url: nppes.url, ...oidc.vars });
    await importLibrary(host.url, SEARCH_INDEX_TOKEN);
    await seedSearch(host.url, SEARCH_INDEX_TOKEN, await host.contentItems());
    const stop = host.stop;
    return { ...host, nppes, oidc, stop: async () => (await stop(), await stopFakes()) };
  } catch (e) {
    await host?.stop();
    await stopFakes();
    throw e;
  }
}

/** Starts host `name` with exactly `vars` (no fakes, no search seeding): { url, logs(), stop }
 * (`logs()` is what the host wrote to stderr so far). */
export async function startBareHost(name, vars) {
  const spinVars = spinVarsOf(vars);
  const cache = process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, ".cache/medportal/target");
  const stateDir = mkdtempSync(join(tmpdir(), `medportal-${name}-`));
  if (name === "native") {
    const bin = process.env.NATIVE_HOST_BIN ?? join(cache, "native/medportal-native-host");
    const { child, url, logs } = await spawnHost(
      bin,
      ["--manifest", "spin.toml", "--state-dir", stateDir, "--listen", "127.0.0.1:0", "--infra", "infra", "--seed"],
      spinVars,
    ).catch((e) => (rmSync(stateDir, { recursive: true, force: true }), Promise.reject(e)));
    return { name, url, logs: () => logs.join(""), dump: sqliteDumper(stateDir), dumpSql: sqliteTextDumper(stateDir), contentItems: () => itemsFromSqlite(join(stateDir, "db_global.db")), stop: () => (child.kill(), rmSync(stateDir, { recursive: true, force: true })) };
  }
  if (name === "spin") return startRealSpin(stateDir, spinVars, cache);
  if (name === "spin-host") {
    // The home-made wasmtime stand-in for Spin (tests/spin-host), kept for what real Spin
    // cannot do; not in the default host list.
    const bin = process.env.SPIN_HOST_BIN ?? join(process.env.HOME, ".cache/medportal/spin-host-target/release/medportal-spin-host");
    const migrate = ["db_global", "db_eu", "db_us"].flatMap((db) => [
      "--migrate", `${db}=infra/migrations`,
      "--migrate", `${db}=infra/seed/${db}`,
    ]);
    const { child, url, logs } = await spawnHost(
      bin,
      ["--manifest", devSpinManifest(stateDir), "--runtime-config", "infra/spin/runtime-config.toml", "--state-dir", stateDir, "--listen", "127.0.0.1:0", ...migrate],
      spinVars,
    );
    return { name, url, logs: () => logs.join(""), dump: sqliteDumper(stateDir), dumpSql: sqliteTextDumper(stateDir), contentItems: () => itemsFromSqlite(join(stateDir, "db_global.db")), stop: () => (child.kill(), rmSync(stateDir, { recursive: true, force: true })) };
  }
  if (name === "workerd") {
    const logs = [];
    const { mf, url, stop } = await startPortal({ vars, onOutput: (text) => logs.push(text) });
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
    return { name, url, logs: () => logs.join(""), dump, dumpSql, contentItems: () => itemsFromD1(mf), stop };
  }
  throw new Error(`unknown host ${name}`);
}
