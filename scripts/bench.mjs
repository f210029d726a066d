// `make bench`: per function, wasm size (raw and gzip) for Workers and Spin, and per-route
// timings natively (in-process), in the Spin component (wasmtime host, per-request time
// including instantiation, from the host's own log) and in workerd (loopback round trip).
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { ROOT, FUNCTIONS } from "../tests/workerd/portal.mjs";
import { startHost } from "../tests/contract/hosts.mjs";
import { emailSignIn } from "../tests/contract/browser.mjs";

const kb = (n) => (n / 1024).toFixed(1);
console.log("== wasm size per function (KB raw / KB gzip -9) ==");
for (const fn of FUNCTIONS) {
  const sizes = [
    ["workers", join(ROOT, "functions", fn, "build/index_bg.wasm")],
    ["spin", join(ROOT, "build/spin", `${fn}.wasm`)],
  ].map(([kind, file]) => {
    if (!existsSync(file)) return `${kind}=missing`;
    const bytes = readFileSync(file);
    return `${kind}=${kb(bytes.length)}/${kb(gzipSync(bytes, { level: 9 }).length)}`;
  });
  console.log(`size ${fn} ${sizes.join(" ")}`);
}

const ROUTES = {
  identity: ["/health/identity", "/dev/outbox"],
  content: ["/health/content", "/"],
  search: ["/health/search", "/search?q=metformin"],
  "search-admin": ["/health/search-admin"],
  inquiries: ["/health/inquiries", "/inquiries"],
  audit: ["/health/audit", "/audit"],
};
const N = Number(process.env.BENCH_N ?? 300);
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

for (const hostName of ["spin", "workerd"]) {
  console.log(`== ${hostName}: ${N} sequential requests per route ==`);
  const host = await startHost(hostName);
  try {
    for (const fn of FUNCTIONS) {
      for (const path of ROUTES[fn]) {
        for (let i = 0; i < 20; i++) await (await fetch(host.url + path)).arrayBuffer();
        const rtt = [];
        for (let i = 0; i < N; i++) {
          const t = performance.now();
          const res = await fetch(host.url + path);
          await res.arrayBuffer();
          rtt.push((performance.now() - t) * 1000);
          if (!res.ok) throw new Error(`${path}: ${res.status}`);
        }
        console.log(`${hostName} ${fn} ${path} rtt_median_us=${pct(rtt, 0.5).toFixed(0)} rtt_p99_us=${pct(rtt, 0.99).toFixed(0)} n=${N}`);
      }
    }
    // A whole authenticated request: session token check (WebCrypto Ed25519 on workerd,
    // ed25519-dalek in the Spin component), revocation lookup, the HCP-only item, render.
    const hcp = await emailSignIn(host, "anna.mueller@example.org");
    const item = "/content/metformin-type-2-diabetes-efficacy";
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
