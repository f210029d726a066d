// Platform contract: what every host's adapter guarantees whatever a function does. Dev mode
// only on a loopback development host; request bodies and outbound replies bounded while they
// are read; downloads that stay downloads; the client address from the connection, never from
// a header the client sent.
// Run: MEDPORTAL_HOSTS=native node --test tests/contract/platform.test.mjs
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startHost, startBareHost } from "./hosts.mjs";
import { Browser, csrfOf, lastLink, staffSignIn } from "./browser.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const MAX_BODY = 1024 * 1024; // the default max_body_bytes
const MAX_REPLY = 1024 * 1024; // medportal_core::ports::MAX_REPLY_BYTES

/** One raw HTTP/1.1 request through node:http (no fetch: it cannot leave a body unfinished or
 * pick the source address). `body`: a function writing to the request; `end` false leaves the
 * body unfinished. Resolves to { status, text } or rejects after `ms`. */
function raw(url, { method = "GET", path, headers = {}, localAddress, body, end = true, ms = 10_000 }) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, method, path, headers, localAddress, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => (clearTimeout(timer), req.destroy(), resolve({ status: res.statusCode, headers: res.headers, text })));
      // the connection closed before the answer's end (e.g. a chunked answer without its last chunk)
      res.on("error", (e) => (clearTimeout(timer), req.destroy(), reject(new Error(`answer ${res.statusCode} cut off: ${e.message}`))));
    });
    const timer = setTimeout(() => (req.destroy(), reject(new Error(`no answer within ${ms} ms`))), ms);
    req.on("error", (e) => (clearTimeout(timer), reject(e)));
    body?.(req);
    if (end) req.end();
  });
}

/** The 413 arrived whole: the JSON error with its stable code, or (Workers: the adapter refuses
 * before it has the request's head, so it answers with the HTML error page) the whole page. */
function assertWholeRefusal(res) {
  if (res.headers["content-type"]?.startsWith("application/json")) assert.equal(JSON.parse(res.text).error.code, "payload_too_large");
  else assert.match(res.text, /<\/html>\s*$/);
}

/** Writes `total` bytes in 64 KiB chunks (a chunked body: no Content-Length). */
const chunks = (total) => (req) => {
  const chunk = Buffer.alloc(64 * 1024, " ");
  for (let sent = 0; sent < total; sent += chunk.length) req.write(chunk);
};

// A configuration shaped like production (https origin, real secrets) with dev_mode switched on.
const SEED = Buffer.alloc(32, 7).toString("base64url");
const PRODUCTION_SHAPED = [
  [{ dev_mode: "true", public_origin: "https://portal.example.com" }, /dev_mode=true needs a loopback http public_origin/],
  // session_keys is identity's alone; session_public_keys every function's
  [{ dev_mode: "true", public_origin: "http://127.0.0.1", session_keys: `k1:${SEED}`, session_public_keys: `k1:${SEED}` }, /production setting `session_keys`/],
  [{ dev_mode: "true", public_origin: "http://127.0.0.1", health_token: "health-0123456789abcdef-token" }, /production setting `health_token`/],
];

for (const hostName of HOSTS) {
  describe(`platform on ${hostName}`, () => {
    test("dev mode with a production-shaped configuration is refused, and the operator is told why", async () => {
      for (const [vars, why] of PRODUCTION_SHAPED) {
        if (hostName === "native") {
          // the native host reads its configuration at start: it does not start
          await assert.rejects(startBareHost(hostName, vars), (e) => (assert.match(e.message, why), true));
          continue;
        }
        // Workers and Spin read it per request: every answer is a plain 500, the reason logged
        const host = await startBareHost(hostName, vars);
        try {
          for (const path of ["/health/identity", "/dev/outbox", "/dev/identity/probe/kv_eu", "/"]) {
            const res = await fetch(host.url + path);
            assert.equal(res.status, 500, path);
            assert.equal(await res.text(), "Service misconfigured", path);
          }
          // the log is written asynchronously (workerd's console, the Spin host's stderr)
          for (let i = 0; i < 50 && !why.test(host.logs()); i++) await new Promise((r) => setTimeout(r, 100));
          assert.match(host.logs(), /invalid configuration/);
          assert.match(host.logs(), why);
        } finally {
          await host.stop();
        }
      }
    });

    describe("with a development configuration", () => {
      let host;
      const run = `${hostName}-${Date.now().toString(36)}`;
      before(async () => {
        host = await startHost(hostName);
      });
      after(async () => {
        await host?.stop();
      });

      // On Spin the answer must arrive whole although the request body was left partly read:
      // Spin 4.1's HTTP server (hyper 1.10.1) could shut such a connection before flushing
      // the response's final chunk, until the adapter kept the request body until the answer
      // was handed over (shared/spin: `Reply`). The answer's end is what `raw` waits for.
      test("a chunked request body over the limit is refused with 413", async () => {
        const res = await raw(host.url, {
          method: "PUT",
          path: `/dev/identity/probe/kv_eu/chunked-${run}`,
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
          body: chunks(MAX_BODY + 256 * 1024),
        });
        assert.equal(res.status, 413);
        assertWholeRefusal(res);
        assert.equal((await host.dump("kv_eu")).includes(`chunked-${run}`), false);
      });

      // A host that answers while the client is still sending and then closes with the body
      // unread resets the connection, and the reset can destroy the answer (CI once saw
      // "fetch failed" instead of 413). A declared length ends the body, so it is read to its
      // end first: the body goes in two halves, and no answer may come while the second is
      // held back.
      test("a body over the limit with its length declared is read to its end before the 413", async () => {
        const body = Buffer.alloc(MAX_BODY + 100 * 1024, " ");
        let req;
        let answered = false;
        const answer = raw(host.url, {
          method: "PUT",
          path: `/dev/identity/probe/kv_eu/declared-${run}`,
          headers: { "content-type": "application/json", "content-length": body.length },
          body: (r) => ((req = r), r.write(body.subarray(0, 600 * 1024))),
          end: false,
        }).finally(() => (answered = true));
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(answered, false, "answered before the body was read");
        req.end(body.subarray(600 * 1024));
        const res = await answer;
        assert.equal(res.status, 413);
        assertWholeRefusal(res);
      });

      test("a chunked body over the limit is refused before it ends (not read whole)", async () => {
        const res = await raw(host.url, {
          method: "PUT",
          path: `/dev/identity/probe/kv_eu/unended-${run}`,
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
          body: chunks(MAX_BODY + 256 * 1024),
          end: false,
        });
        assert.equal(res.status, 413);
        assertWholeRefusal(res);
      });

      test("an oversized registry reply is cut off: the registry counts as unavailable", async () => {
        const b = new Browser(host);
        const email = `oversize.${run}@example.org`;
        const csrf = csrfOf(await (await b.get("/register")).text());
        assert.equal((await b.post("/register", { csrf, email, country: "US", profession: "physician", name: "Dr. O Size", terms: "1" })).status, 200);
        const link = await lastLink(host, email);
        const confirm = await b.get(link.path);
        assert.equal((await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t })).status, 303);
        const form = await (await b.get("/verify")).text();
        const total = 24 * MAX_REPLY;
        host.nppes.oversize(total);
        let res;
        try {
          res = await b.post("/verify", { csrf: csrfOf(form), npi: "1234567893" });
        } finally {
          host.nppes.oversize(0);
        }
        const html = await res.text();
        assert.equal(res.status, 503, html.slice(0, 300));
        assert.match(html, /professional register cannot be reached/);
        // the host stopped reading: the fake could not hand over the whole reply
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(host.nppes.oversized.finished, false, `the whole ${total}-byte reply was read`);
        assert.ok(host.nppes.oversized.sent < total / 2, `${host.nppes.oversized.sent} bytes sent`);
        assert.match(await (await b.get("/account")).text(), /Your verification is in progress/);
      });

      test("evidence downloads stay sandboxed attachments, whatever the file's name", async () => {
        const email = `evidence-name.${run}@example.org`;
        const b = new Browser(host);
        const csrf0 = csrfOf(await (await b.get("/register")).text());
        await b.post("/register", { csrf: csrf0, email, country: "DE", profession: "physician", name: "Dr. Ü", terms: "1" });
        const link = await lastLink(host, email);
        const confirm = await b.get(link.path);
        assert.equal((await b.post("/login/verify", { csrf: csrfOf(await confirm.text()), r: link.r, t: link.t })).status, 303);
        const csrf = csrfOf(await (await b.get("/verify")).text());
        // a PDF that is also an HTML page with a script
        const polyglot = `%PDF-1.7\n<html><body><script>document.title="pwned ${run}"</script></body></html>\n%%EOF`;
        const name = "Approbationsurkunde Müller 証明.pdf";
        const up = await b.upload("/verify/evidence", { csrf, note: "Landesärztekammer" }, { data: polyglot, type: "text/html", name });
        assert.equal(up.status, 303, await up.text());
        const v = await staffSignIn(host, "lars.nilsson@example.org");
        const queue = await (await v.get("/admin/verifications")).text();
        let id;
        for (const candidate of [...queue.matchAll(/href="\/admin\/verifications\/([\w-]+)"/g)].map((m) => m[1])) {
          if ((await (await v.get(`/admin/verifications/${candidate}`)).text()).includes(email)) id = candidate;
        }
        assert.ok(id, "request in the queue");
        const file = await v.get(`/admin/verifications/${id}/evidence`);
        assert.equal(file.status, 200);
        assert.equal(file.headers.get("content-type"), "application/pdf");
        assert.equal(file.headers.get("x-content-type-options"), "nosniff");
        const disposition = file.headers.get("content-disposition") ?? "";
        assert.match(disposition, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/, disposition);
        assert.equal(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]), name);
        const csp = file.headers.get("content-security-policy") ?? "";
        assert.match(csp, /^sandbox(;|$)/, csp);
        assert.match(csp, /default-src 'none'/);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.equal(await file.text(), polyglot);
      });

      test("the client address comes from the connection, never from a header the client sent", async () => {
        const client = async (headers, localAddress) => {
          const res = await raw(host.url, { path: "/dev/identity/client", headers: { accept: "application/json", ...headers }, localAddress });
          assert.equal(res.status, 200, res.text);
          return JSON.parse(res.text).client;
        };
        const forged = [
          {},
          { "cf-connecting-ip": "203.0.113.7", "x-forwarded-for": "198.51.100.1" },
          { "cf-connecting-ip": "203.0.113.99", "x-forwarded-for": "198.51.100.2, 192.0.2.3", "x-real-ip": "192.0.2.4", "spin-client-addr": "192.0.2.5:1234" },
        ];
        const seen = [];
        for (const headers of forged) seen.push(await client(headers));
        assert.deepEqual(seen, ["127.0.0.1", "127.0.0.1", "127.0.0.1"], "one source address, one client");
        // another source address is another client, forged headers or not
        assert.equal(await client({}, "127.0.0.2"), "127.0.0.2");
        assert.equal(await client(forged[1], "127.0.0.2"), "127.0.0.2");
      });
    });

    // Spin behind a trusted reverse proxy: the operator names the header the proxy appends the
    // client address to (README "Security notes"); the right-most entry is the proxy's.
    if (hostName === "spin") {
      test("with client_address_header set, the client is the right-most entry of that header", async () => {
        const host = await startBareHost(hostName, { dev_mode: "true", public_origin: "http://127.0.0.1", client_address_header: "x-forwarded-for" });
        try {
          const client = async (headers) => {
            const res = await raw(host.url, { path: "/dev/identity/client", headers: { accept: "application/json", ...headers } });
            assert.equal(res.status, 200, res.text);
            return JSON.parse(res.text).client;
          };
          assert.equal(await client({ "x-forwarded-for": "198.51.100.2, 192.0.2.3" }), "192.0.2.3");
          assert.equal(await client({ "x-forwarded-for": "203.0.113.9", "spin-client-addr": "192.0.2.5:1234" }), "203.0.113.9");
          // no such header: no address (limited requests then fail closed), never the peer's
          assert.equal(await client({}), null);
        } finally {
          await host.stop();
        }
      });
    }
  });
}
