// `make bench`: per function, wasm size (raw and gzip) for Workers and Spin, then per-route
// loopback round trips (keep-alive; a function's routes timed in turn) on the real `spin up`
// and on workerd, started as the contract suite starts them (tests/contract/hosts.mjs;
// BENCH_HOSTS picks them), and a summary line per host: a health check vs a page vs a search.
// The native in-process figures come before this (medportal-bench, scripts/bench.sh).
import { readFileSync, existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { request } from "node:http";
import { ROOT, FUNCTIONS } from "../tests/workerd/portal.mjs";
import { startHost } from "../tests/contract/hosts.mjs";
import { emailSignIn } from "../tests/contract/browser.mjs";

const kb = (n) => (n / 1024).toFixed(1);
/** Bytes of `file` as `gzip -9 -c FILE | wc -c`, the size budget's measure (tests/build,
 * `make check-prod`); Node's zlib at level 9 without gzip (about 1.5% larger). */
const gzipSize = (file) => {
  const res = spawnSync("gzip", ["-9", "-c", file], { maxBuffer: 64 * 1024 * 1024 });
  return res.status === 0 ? res.stdout.length : gzipSync(readFileSync(file), { level: 9 }).length;
};
console.log("== wasm size per function (KB raw / KB gzip -9) ==");
for (const fn of FUNCTIONS) {
  const sizes = [
    ["workers", join(ROOT, "functions", fn, "build/index_bg.wasm")],
    ["spin", join(ROOT, "build/spin", `${fn}.wasm`)],
  ].map(([kind, file]) => {
    if (!existsSync(file)) return `${kind}=missing`;
    return `${kind}=${kb(readFileSync(file).length)}/${kb(gzipSize(file))}`;
  });
  console.log(`size ${fn} ${sizes.join(" ")}`);
}

const ROUTES = {
  identity: ["/health/identity", "/dev/outbox"],
  "content-desk": ["/health/content-desk"],
  content: ["/health/content", "/", "/content", "/content/hypertension-first-line-drug-classes"],
  // metformin finds no result an anonymous visitor may see (its two are HCP-only: the page
  // says so); diabetes finds six, so its page also reads their documents and makes snippets.
  search: ["/health/search", "/search?q=metformin", "/search?q=diabetes"],
  "search-admin": ["/health/search-admin"],
  inquiries: ["/health/inquiries", "/inquiries"],
  audit: ["/health/audit", "/audit/about"],
};
const N = Number(process.env.BENCH_N ?? 300);
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const HOSTS = (process.env.BENCH_HOSTS ?? "spin,workerd").split(",").filter(Boolean);
// BENCH_FUNCTIONS=content (comma-separated) times only those functions' routes.
const ONLY = process.env.BENCH_FUNCTIONS?.split(",").filter(Boolean);
const SEARCHES = ["/search?q=metformin", "/search?q=diabetes"];
const SUMMARY = ["/health/content", "/", "/health/search", ...SEARCHES];
// Content's reader pages against its health check (issue 13: each within 1.5x), with sizes.
const PAGES = ["/", "/content", "/content/hypertension-first-line-drug-classes"];
const sizes = {};
const medians = {};
const fresh = {};
/** One GET on a connection of its own (closed after), in microseconds. */
const freshConnection = (url) =>
  new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode < 400 ? resolve((performance.now() - t) * 1000) : reject(new Error(`${url}: ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
for (const hostName of HOSTS) {
  console.log(`== ${hostName}: ${N} requests per route, a function's routes in turn ==`);
  const host = await startHost(hostName);
  try {
    // A function's routes are timed in turn, request by request (health, page, search, health,
    // …), not route after route: a ratio to the health check then compares requests made in
    // the same seconds, whatever the machine's load does over the run.
    const interleaved = async (paths, once) => {
      const rtt = Object.fromEntries(paths.map((p) => [p, []]));
      for (let i = 0; i < N; i++) for (const path of paths) rtt[path].push(await once(path));
      return rtt;
    };
    const keptAlive = async (path) => {
      const t = performance.now();
      const res = await fetch(host.url + path);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`${path}: ${res.status}`);
      return (performance.now() - t) * 1000;
    };
    for (const fn of FUNCTIONS.filter((f) => !ONLY || ONLY.includes(f))) {
      for (const path of ROUTES[fn]) {
        for (let i = 0; i < 20; i++) sizes[path] = (await (await fetch(host.url + path)).arrayBuffer()).byteLength;
      }
      for (const [path, rtt] of Object.entries(await interleaved(ROUTES[fn], keptAlive))) {
        console.log(`${hostName} ${fn} ${path} rtt_median_us=${pct(rtt, 0.5).toFixed(0)} rtt_p99_us=${pct(rtt, 0.99).toFixed(0)} n=${N}`);
        (medians[hostName] ??= {})[path] = pct(rtt, 0.5);
      }
    }
    // The same on a new connection per request (no keep-alive): real Spin 4.1 leaves Nagle's
    // algorithm on for its connections (no TCP_NODELAY), so on a kept-alive connection an
    // answer whose head went out before its body waits for the client's delayed ACK (~40 ms).
    const summary = SUMMARY.filter((p) => medians[hostName][p] !== undefined);
    for (const [path, rtt] of Object.entries(await interleaved(summary, (p) => freshConnection(host.url + p)))) {
      console.log(`${hostName} ${path} (new connection each) rtt_median_us=${pct(rtt, 0.5).toFixed(0)} rtt_p99_us=${pct(rtt, 0.99).toFixed(0)} n=${N}`);
      (fresh[hostName] ??= {})[path] = pct(rtt, 0.5);
    }
    // A whole authenticated request: session token check (WebCrypto Ed25519 on workerd,
    // ed25519-dalek in the Spin component), revocation lookup, the HCP-only item, render.
    const hcp = await emailSignIn(host, "anna.mueller@example.org");
    const item = "/content/metformin-type-2-diabetes-efficacy";
    if (ONLY && !ONLY.includes("content")) continue;
    const timeIt = async (label, headers) => {
      for (let i = 0; i < 20; i++) await (await fetch(host.url + item, { headers })).arrayBuffer();
      const rtt = [];
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        const res = await fetch(host.url + item, { headers });
        await res.arrayBuffer();
        rtt.push((performance.now() - t) * 1000);
        if (res.status >= 500 || (headers.cookie && !res.ok)) throw new Error(`${item} (${label}): ${res.status}`);
      }
      console.log(`${hostName} content ${item} (${label}) rtt_median_us=${pct(rtt, 0.5).toFixed(0)} rtt_p99_us=${pct(rtt, 0.99).toFixed(0)} n=${N}`);
    };
    await timeIt("anonymous, gated", {});
    const cookie = [...hcp.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    await timeIt("verified HCP session", { cookie });
  } finally {
    await host.stop();
  }
}
console.log("== summary: median round trip (us), same run: kept-alive connection | new connection each ==");
for (const [hostName, m] of Object.entries(medians)) {
  const health = m["/health/content"];
  if (health !== undefined) {
    const pages = PAGES.map((p) => `${p}=${m[p].toFixed(0)} (${(m[p] / health).toFixed(2)}x, ${kb(sizes[p])} KB)`);
    console.log(`pages ${hostName} keep-alive health=${health.toFixed(0)} ${pages.join(" ")}`);
  }
  if (m["/search?q=metformin"] === undefined) continue;
  // A whole search request against the search function's own health check (issue 14).
  const line = (m) => {
    const health = m["/health/search"];
    const searches = SEARCHES.filter((p) => m[p] !== undefined).map((p) => `${p}=${m[p].toFixed(0)} (${(m[p] / health).toFixed(2)}x)`);
    return `health=${health.toFixed(0)} ${searches.join(" ")}`;
  };
  console.log(`summary ${hostName} keep-alive ${line(m)} | new connection ${line(fresh[hostName])}`);
}
