// A fake NPPES NPI Registry API (https://npiregistry.cms.hhs.gov/api/?version=2.1&number=…)
// for tests. Known numbers (all with a valid check digit):
//   1234567893  JANE DOE    active      1111111112  JOHN SMITH  active
//   2222222228  JANE DOE    deactivated anything else: no result
// `startFakeNppes()` listens on 127.0.0.1:<free port> and resolves to
// { url, requests, delay, stop }. `delay(ms, phase)` makes it unresponsive for the following
// requests: phase "headers" holds the whole answer back for `ms`; phase "body" sends the
// status and headers at once, then one body byte, then holds the rest back for `ms` (a stalled
// body). `delay(0)` restores prompt answers; `stop()` drops held connections.
// `oversize(bytes)` makes the following answers a 200 whose JSON body is `bytes` long, sent in
// 64 KiB chunks without a Content-Length (as a misbehaving or hostile registry might);
// `oversized.sent` counts the bytes actually written before the client stopped reading
// (`oversize(0)` restores normal answers).
// Run alone: node tests/fakes/nppes.mjs [delay-ms [headers|body]]
//   (prints "listening on http://127.0.0.1:PORT").
import { createServer } from "node:http";

export const NPIS = {
  "1234567893": { first_name: "JANE", last_name: "DOE", status: "A" },
  "1111111112": { first_name: "JOHN", last_name: "SMITH", status: "A" },
  "2222222228": { first_name: "JANE", last_name: "DOE", status: "D" },
  // A second active JANE DOE: one NPI verifies one account, so a second journey needs its own.
  "4444444440": { first_name: "JANE", last_name: "DOE", status: "A" },
};

export function startFakeNppes() {
  const requests = [];
  const held = new Set();
  let delayMs = 0;
  let delayPhase = "headers";
  const oversized = { bytes: 0, sent: 0, finished: false };
  const sendOversized = (res) => {
    Object.assign(oversized, { sent: 0, finished: false });
    res.writeHead(200, { "content-type": "application/json" });
    const head = '{"result_count":0,"results":[],"pad":"';
    const chunk = Buffer.alloc(64 * 1024, "x");
    res.write(head);
    oversized.sent = head.length;
    const pump = () => {
      while (oversized.sent + chunk.length < oversized.bytes) {
        oversized.sent += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
      oversized.finished = true;
      res.end('"}');
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  };
  const later = (ms, fn) => {
    const t = setTimeout(() => (held.delete(t), fn()), ms);
    held.add(t);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    requests.push(url.pathname + url.search);
    const [ms, phase] = [delayMs, delayPhase];
    if (oversized.bytes > 0) return sendOversized(res);
    const send = (status, body) => {
      const text = JSON.stringify(body);
      if (ms > 0 && phase === "headers") return later(ms, () => reply(status, text));
      if (ms > 0 && phase === "body") {
        res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
        res.write(text.slice(0, 1));
        return later(ms, () => res.end(text.slice(1)));
      }
      reply(status, text);
    };
    const reply = (status, text) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (url.pathname !== "/api/" || url.searchParams.get("version") !== "2.1") {
      return send(400, { Errors: [{ description: "unsupported request", field: "version", number: "04" }] });
    }
    const number = url.searchParams.get("number") ?? "";
    const basic = NPIS[number];
    if (!basic) return send(200, { result_count: 0, results: [] });
    send(200, {
      result_count: 1,
      results: [{ created_epoch: "1117584000000", enumeration_type: "NPI-1", number, basic: { ...basic, credential: "MD", sole_proprietor: "NO", sex: "F" }, addresses: [], taxonomies: [] }],
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      const delay = (ms, phase = "headers") => {
        if (!["headers", "body"].includes(phase)) throw new Error(`unknown delay phase ${phase}`);
        [delayMs, delayPhase] = [ms, phase];
      };
      const stop = () =>
        new Promise((r) => {
          for (const t of held) clearTimeout(t);
          held.clear();
          server.close(r);
          server.closeAllConnections();
        });
      const oversize = (bytes) => (oversized.bytes = bytes);
      resolve({ url: `http://127.0.0.1:${port}`, requests, delay, oversize, oversized, stop });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url, delay } = await startFakeNppes();
  if (process.argv[2]) delay(Number(process.argv[2]), process.argv[3]);
  console.log(`listening on ${url}`);
}
