// `make bench`: what the workerd edge proxy (tests/workerd/portal.mjs) adds to a round trip:
// the same requests straight to Miniflare and through the proxy, interleaved, in one process.
import { Miniflare } from "miniflare";
import { portalOptions, prepareDatabases, startEdgeProxy } from "../tests/workerd/portal.mjs";
const mf = new Miniflare(portalOptions({ vars: { dev_mode: "true", public_origin: "http://127.0.0.1" } }));
const direct = (await mf.ready).toString().replace(/\/$/, "");
await prepareDatabases(mf);
const edge = await startEdgeProxy(direct);
const N = Number(process.env.BENCH_N ?? 300);
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length * p)];
for (const path of ["/health/identity", "/"]) {
  const t = { direct: [], edge: [] };
  for (let i = 0; i < 30; i++) for (const u of [direct, edge.url]) await (await fetch(u + path)).arrayBuffer();
  for (let i = 0; i < N; i++) {
    for (const [k, u] of [["direct", direct], ["edge", edge.url]]) {
      const s = performance.now();
      await (await fetch(u + path)).arrayBuffer();
      t[k].push((performance.now() - s) * 1000);
    }
  }
  for (const k of ["direct", "edge"]) console.log(`workerd ${k} ${path} median_us=${pct(t[k], 0.5).toFixed(0)} p99_us=${pct(t[k], 0.99).toFixed(0)} n=${N}`);
}
await edge.close();
await mf.dispose();
