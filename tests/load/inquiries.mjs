// make load-inquiries: N inquiries (default 10,000) submitted concurrently by one verified HCP
// against the development Workers in workerd (loopback only), then N more with every request
// sent twice at once with the same form key. Prints throughput and latency percentiles and
// checks that exactly N, then 2N, inquiries are stored (0 duplicates) with 0 errors.
// Env: N (count), C (concurrency, default 32), MEDPORTAL_LOAD_HOST (default workerd).
import assert from "node:assert/strict";
import { startHost } from "../contract/hosts.mjs";
import { csrfOf, emailSignIn } from "../contract/browser.mjs";

const N = Number(process.env.N ?? 10_000);
const C = Number(process.env.C ?? 32);
const host = await startHost(process.env.MEDPORTAL_LOAD_HOST ?? "workerd");
try {
  const anna = await emailSignIn(host, "anna.mueller@example.org");
  const csrf = csrfOf(await (await anna.get("/inquiries/new")).text());
  const run = Date.now().toString(36);
  const marker = (phase) => `load-${run}-${phase}-`;
  const stored = async (phase) => (await host.dumpSql("db_eu")).split(marker(phase)).length - 1;

  async function phase(name, copies) {
    const latencies = [];
    let errors = 0, next = 0;
    const started = performance.now();
    async function worker() {
      while (next < N) {
        const i = next++;
        const fields = { csrf, key: `load${run}${name}${String(i).padStart(6, "0")}`, question: `${marker(name)}${i}`, product: "Eliquis", category: "dosing", urgency: "routine", channel: "portal", acknowledged: "1" };
        const t0 = performance.now();
        const answers = await Promise.all(Array.from({ length: copies }, () => anna.post("/inquiries/new", fields).then(async (r) => (await r.arrayBuffer(), r.status)).catch(() => 0)));
        latencies.push(performance.now() - t0);
        errors += answers.filter((s) => s !== 200).length;
      }
    }
    await Promise.all(Array.from({ length: C }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
    const count = await stored(name);
    console.log(`${name}: ${N} forms × ${copies} requests, concurrency ${C}: ${(N * copies / seconds).toFixed(0)} requests/s, ${seconds.toFixed(1)} s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors ${errors}, stored ${count}, duplicates ${Math.max(0, count - N)}`);
    return { errors, count };
  }

  const once = await phase("a", 1);
  const twice = await phase("b", 2);
  assert.deepEqual([once.errors, once.count, twice.errors, twice.count], [0, N, 0, N]);
  console.log("load-inquiries: ok");
} finally {
  await host.stop();
}
