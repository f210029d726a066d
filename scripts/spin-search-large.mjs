// `make bench-search-spin`: a large synthetic index (medportal-search-synth --save, e.g. 100,000
// documents) put into a real `spin up`'s blob_global store in the layout the search function
// reads (functions/search/src/store.rs; core's KvBlobStore records in Spin's key-value SQLite
// file), then whole `/search` requests against the health check, each on a fresh component
// instance (`--max-instance-reuse-count 1`) and on a new connection. Prints medians. Not a test.
//
// Usage: node scripts/spin-search-large.mjs <synth dir, e.g. .state/search-bench/n100000> [N]
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DEV_VARS, spinHostSteps } from "../tests/contract/hosts.mjs";
import { createServer } from "node:net";

const [dir, nArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: spin-search-large.mjs <synth --save dir>/n<N> [requests]");
const N = Number(nArg ?? 200);
// The synthetic documents name markets (no `global`) and are 3/4 HCP-only: the index is
// registered as the US English one, and an anonymous visitor choosing the US market searches
// its public view, here the same index.
const INDEX = "US-en";
const VIEW = `${INDEX}.public`;

const CHUNK = 512 * 1024;
/** core's KvBlobStore records for one object: inline up to 512 KiB, else chunks + metadata. */
function records(key, bytes, contentType = "application/octet-stream") {
  if (bytes.length <= CHUNK) {
    const ct = Buffer.from(contentType);
    const head = Buffer.alloc(3);
    head[0] = 1;
    head.writeUInt16LE(ct.length, 1);
    return [[`m/${key}`, Buffer.concat([head, ct, bytes])]];
  }
  const out = [];
  const chunks = Math.ceil(bytes.length / CHUNK);
  for (let i = 0; i < chunks; i++) out.push([`o/${key}/${i}`, bytes.subarray(i * CHUNK, (i + 1) * CHUNK)]);
  out.push([`m/${key}`, Buffer.from(JSON.stringify({ size: bytes.length, chunks, content_type: contentType }))]);
  return out;
}

function load(stateDir) {
  const db = new DatabaseSync(join(stateDir, "blob_global.db"));
  db.exec(`CREATE TABLE IF NOT EXISTS spin_key_value (store TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (store, key))`);
  const put = db.prepare("INSERT OR REPLACE INTO spin_key_value (store, key, value) VALUES ('blob_global', ?, ?)");
  db.exec("BEGIN");
  let bytes = 0;
  const prefix = `search/v1/idx/${VIEW}`;
  for (const id of readdirSync(join(dir, "chunks"))) {
    const b = readFileSync(join(dir, "chunks", id));
    bytes += b.length;
    for (const [k, v] of records(`${prefix}/chunk/${id}`, b)) put.run(k, v);
  }
  const meta = readFileSync(join(dir, "meta"));
  for (const [k, v] of records(`${prefix}/meta`, meta)) put.run(k, v);
  for (const [k, v] of records("search/v1/indexes", Buffer.from(`${INDEX}\n`), "text/plain; charset=utf-8")) put.run(k, v);
  db.exec("COMMIT");
  db.close();
  return { bytes: bytes + meta.length, metaBytes: meta.length };
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });

/** One GET on a connection of its own: [microseconds, status, bytes]. */
const get = (url) =>
  new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(url, { agent: false }, (res) => {
      let n = 0;
      res.on("data", (d) => (n += d.length));
      res.on("end", () => resolve([(performance.now() - t) * 1000, res.statusCode, n]));
    });
    req.on("error", reject);
    req.end();
  });
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const stateDir = mkdtempSync(join(tmpdir(), "medportal-spin-large-"));
const port = await freePort();
const steps = spinHostSteps(stateDir, port);
const up = steps.pop();
for (const { argv, build } of steps) if (!build) execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
const loaded = load(stateDir);
const env = { ...process.env, ...Object.fromEntries(Object.entries(DEV_VARS).map(([k, v]) => [`SPIN_VARIABLE_${k.toUpperCase()}`, v])) };
const child = spawn(up.argv[0], [...up.argv.slice(1), "--max-instance-reuse-count", "1"], { cwd: up.cwd, env, stdio: ["ignore", process.env.SPIN_LOGS ? "inherit" : "ignore", process.env.SPIN_LOGS ? "inherit" : "ignore"] });
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if (await get(`${url}/health/search`).then(() => true, () => false)) break;
    if (i > 600) throw new Error("spin up did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  // a word of the synthetic corpus's queries
  const q = process.env.QUERY ?? readFileSync(join(dir, "queries.tsv"), "utf8").split("\n")[0].split("\t")[0];
  const routes = ["/health/search", `/search?q=${encodeURIComponent(q)}&market=US`];
  const [, status, size] = await get(url + routes[1]);
  if (status !== 200) throw new Error(`${routes[1]}: ${status}`);
  const t = routes.map(() => []);
  for (let i = 0; i < 10; i++) for (const r of routes) await get(url + r);
  for (let i = 0; i < N; i++) for (const [j, r] of routes.entries()) t[j].push((await get(url + r))[0]);
  const [h, s] = t.map(median);
  console.log(`spin fresh instance, new connection each, ${N} interleaved: index ${(loaded.bytes / 1e6).toFixed(1)} MB (meta ${(loaded.metaBytes / 1e3).toFixed(1)} KB) from ${dir}`);
  console.log(`health=${h.toFixed(0)} us  ${routes[1]}=${s.toFixed(0)} us (${(s / h).toFixed(2)}x, ${size} B page)`);
} finally {
  child.kill("SIGINT");
  await new Promise((r) => child.once("exit", r));
  rmSync(stateDir, { recursive: true, force: true });
}
