// The HTTP contract suite: the same scenarios against every host (native, workerd, spin).
// Run: node --test tests/contract/  with MEDPORTAL_HOSTS=native,workerd,spin (default: all).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { startHost } from "./hosts.mjs";

const HOSTS = (process.env.MEDPORTAL_HOSTS ?? "native,workerd,spin").split(",").filter(Boolean);
const FUNCTIONS = ["identity", "content", "content-desk", "search", "search-admin", "inquiries", "audit"];
const SECURITY_HEADERS = [
  "content-security-policy",
  "strict-transport-security",
  "x-content-type-options",
  "referrer-policy",
  "cross-origin-opener-policy",
];

for (const hostName of HOSTS) {
  describe(`contract on ${hostName}`, () => {
    let host;
    const run = `${hostName}-${Date.now().toString(36)}`;
    const get = (path, headers = {}) => fetch(host.url + path, { headers, redirect: "manual" });
    const put = (path, body, type = "application/json") =>
      fetch(host.url + path, { method: "PUT", headers: { "content-type": type }, body });

    before(async () => {
      host = await startHost(hostName);
    });
    after(async () => {
      await host?.stop();
    });

    test("every function answers its health check", async () => {
      for (const fn of FUNCTIONS) {
        const res = await get(`/health/${fn}`);
        assert.equal(res.status, 200, fn);
        const body = await res.json();
        assert.deepEqual([body.status, body.function], ["ok", fn]);
      }
    });

    test("every function's granted stores pass a readiness round trip", async () => {
      for (const fn of FUNCTIONS) {
        const res = await get(`/health/${fn}/ready`);
        const body = await res.json();
        assert.equal(res.status, 200, `${fn}: ${JSON.stringify(body)}`);
        assert.ok(body.stores.length >= 3, fn);
        assert.ok(body.stores.every((s) => s.ok), `${fn}: ${JSON.stringify(body.stores)}`);
      }
    });

    test("home page: seeded content, valid document, security headers", async () => {
      const res = await get("/");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type"), /text\/html/);
      for (const h of SECURITY_HEADERS) assert.ok(res.headers.get(h), `missing ${h}`);
      assert.match(res.headers.get("content-security-policy"), /frame-ancestors 'none'/);
      assert.doesNotMatch(res.headers.get("content-security-policy"), /unsafe-inline/);
      const html = await res.text();
      assert.ok(html.startsWith("<!DOCTYPE html>"));
      assert.match(html, /<html lang="en"/);
      assert.match(html, /ARISTOTLE/);
      assert.match(html, /<main id="main"/);
    });

    test("every function serves its page", async () => {
      for (const path of ["/content", "/inquiries", "/audit/about", "/search?q=metformin", "/dev/outbox", "/privacy"]) {
        const res = await get(path);
        assert.equal(res.status, 200, path);
        assert.match(await res.text(), /<!DOCTYPE html>/, path);
      }
    });

    test("language follows ?lang, then Accept-Language", async () => {
      const de = await get("/", { "accept-language": "de-DE,de;q=0.9,en;q=0.5" });
      assert.match(await de.text(), /<html lang="de"/);
      const chosen = await get("/content?lang=de");
      assert.match(chosen.headers.get("set-cookie") ?? "", /^lang=de/);
      assert.match(await chosen.text(), /<html lang="de"/);
    });

    test("HCP-only content is gated for anonymous visitors: title only, never summary or body", async () => {
      const html = await (await get("/content/apixaban-aristotle-trial-summary")).text();
      assert.match(html, /ARISTOTLE/);
      assert.doesNotMatch(html, /18,201 patients/, "HCP-only summary shown to the public");
      assert.doesNotMatch(html, /target INR 2\.0 to 3\.0/);
      for (const path of ["/", "/content"]) {
        assert.doesNotMatch(await (await get(path)).text(), /18,201 patients/, `${path}: HCP-only summary shown to the public`);
      }
    });

    test("unknown paths are 404 with a stable code, as HTML or JSON", async () => {
      const html = await get("/no/such/page");
      assert.equal(html.status, 404);
      assert.match(await html.text(), /not_found/);
      const json = await get("/no/such/page", { accept: "application/json" });
      assert.equal(json.status, 404);
      assert.equal((await json.json()).error.code, "not_found");
      assert.equal((await get("/content/not-a-real-item")).status, 404);
    });

    test("wrong method is 405 with Allow", async () => {
      const res = await fetch(host.url + "/inquiries", { method: "DELETE" });
      assert.equal(res.status, 405);
      assert.match(res.headers.get("allow"), /GET/);
      for (const h of SECURITY_HEADERS) assert.ok(res.headers.get(h), `405 lacks ${h}`);
    });

    test("HEAD returns headers without a body", async () => {
      const res = await fetch(host.url + "/", { method: "HEAD" });
      assert.equal(res.status, 200);
      assert.equal((await res.arrayBuffer()).byteLength, 0);
    });

    test("bad input gets a clear error and writes nothing", async () => {
      const key = `bad-${run}`;
      let res = await put(`/dev/identity/probe/kv_eu/${key}`, "{not json");
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error.code, "invalid_json");
      res = await put(`/dev/identity/probe/kv_eu/${key}`, JSON.stringify({ value: "x", extra: 1 }));
      assert.equal(res.status, 400);
      res = await put(`/dev/identity/probe/kv_eu/${key}`, "value=x", "application/x-www-form-urlencoded");
      assert.equal(res.status, 415);
      res = await put(`/dev/identity/probe/kv_eu/bad%20key`, JSON.stringify({ value: "x" }));
      assert.equal((await res.json()).error.code, "invalid_key");
      res = await get(`/dev/identity/probe/kv_mars/${key}`);
      assert.equal(res.status, 404);
      res = await get(`/search?q=${"a".repeat(201)}`);
      assert.equal(res.status, 400);
      assert.equal((await host.dump("kv_eu")).includes(key), false);
    });

    test("oversized bodies are refused with 413", async () => {
      const big = JSON.stringify({ value: "x".repeat(1100 * 1024) });
      const res = await put(`/dev/identity/probe/kv_eu/big-${run}`, big);
      assert.equal(res.status, 413);
    });

    test("least privilege: a function cannot open stores it was not granted", async () => {
      const res = await get(`/dev/search/probe/blob_eu/x`);
      assert.equal(res.status, 403);
      assert.equal((await res.json()).error.code, "store_not_granted");
      // content keeps readers' engagement in regional databases, but holds no personal files
      assert.equal((await get(`/dev/content/probe/blob_eu/x`)).status, 403);
    });

    test("storage round trips in both regions never cross regions", async () => {
      const written = [];
      for (const region of ["eu", "us"]) {
        const other = region === "eu" ? "us" : "eu";
        for (const kind of ["kv", "db", "blob"]) {
          const key = `rt-${kind}-${region}-${run}`;
          const value = `value for ${region} ${kind} ü`;
          let res = await put(`/dev/identity/probe/${kind}_${region}/${key}`, JSON.stringify({ value }));
          assert.equal(res.status, 200, `${kind}_${region}`);
          res = await get(`/dev/identity/probe/${kind}_${region}/${key}`);
          assert.equal(res.status, 200);
          assert.equal((await res.json()).value, value);
          res = await get(`/dev/identity/probe/${kind}_${other}/${key}`);
          assert.equal(res.status, 404, `${key} visible in ${kind}_${other}`);
          written.push({ store: `${kind}_${region}`, other: `${kind}_${other}`, key });
        }
      }
      // the global store is shared by functions
      const gkey = `rt-global-${run}`;
      assert.equal((await put(`/dev/content/probe/kv_global/${gkey}`, JSON.stringify({ value: "g" }))).status, 200);
      assert.equal((await (await get(`/dev/identity/probe/kv_global/${gkey}`)).json()).value, "g");
      // read the stores themselves, not through the portal
      for (const { store, other, key } of written) {
        assert.ok((await host.dump(store)).includes(key), `${key} missing from ${store}`);
        assert.ok(!(await host.dump(other)).includes(key), `${key} leaked into ${other}`);
        assert.ok(!(await host.dump(`${store.split("_")[0]}_global`)).includes(key), `${key} leaked into global`);
      }
      // delete round trip
      const { store, key } = written[0];
      assert.equal((await fetch(`${host.url}/dev/identity/probe/${store}/${key}`, { method: "DELETE" })).status, 200);
      assert.equal((await get(`/dev/identity/probe/${store}/${key}`)).status, 404);
      assert.ok(!(await host.dump(store)).includes(key));
    });

    test("static stylesheet is served with an immutable cache policy", async () => {
      const html = await (await get("/")).text();
      const href = html.match(/href="(\/static\/medportal\.[0-9a-f]+\.css)"/)[1];
      const css = await get(href);
      assert.equal(css.status, 200);
      assert.match(css.headers.get("cache-control"), /immutable/);
    });
  });
}
