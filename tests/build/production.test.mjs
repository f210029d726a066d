// The production builds (`make check-prod`: Workers in functions/<fn>/build, Spin components in
// build/spin, built without the `dev` cargo feature) hold nothing only development builds may:
// no /dev route handler (the mail outbox's and the store probe's own code), no public dev
// session key, no dev search indexing token. They do hold the refusal of dev_mode.
// The same scan over the development builds (if built) finds those markers, so it can see them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, FUNCTIONS } from "../workerd/portal.mjs";

/** Strings that exist only in code compiled with the `dev` feature. */
const DEV_ONLY = [
  "medportal development session key", // the public dev session key's seed label
  "medportal-dev-search-index-token", // the public dev indexing token
  "FROM mail_outbox ORDER BY created_at DESC", // the /dev/outbox handler's query
  "SELECT key FROM health_probe ORDER BY key", // the /dev/<fn>/probe/<store> listing
  "Keys are 1-128 characters", // the probe's key check
];
const PRODUCTION_ONLY = "but this is a production build";

const artifacts = (flavour) =>
  FUNCTIONS.flatMap((fn) => [
    [`${fn} (Workers)`, join(ROOT, "functions", fn, flavour === "prod" ? "build" : "build-dev", "index_bg.wasm")],
    [`${fn} (Spin)`, join(ROOT, flavour === "prod" ? "build/spin" : "build/spin-dev", `${fn}.wasm`)],
  ]);

test("production Workers and Spin components hold no development-only code", () => {
  for (const [what, file] of artifacts("prod")) {
    assert.ok(existsSync(file), `${file} missing: run make check-prod`);
    const bytes = readFileSync(file);
    for (const marker of DEV_ONLY) assert.equal(bytes.includes(marker), false, `${what} contains "${marker}"`);
    assert.ok(bytes.includes(PRODUCTION_ONLY), `${what} lacks the production build's dev_mode refusal`);
  }
});

test("the scan finds the markers in development builds", { skip: !artifacts("dev").every(([, f]) => existsSync(f)) && "no development build" }, () => {
  const found = (name) => artifacts("dev").filter(([what]) => what.startsWith(`${name} `)).map(([, f]) => readFileSync(f));
  for (const bytes of found("identity")) {
    for (const marker of DEV_ONLY.filter((m) => !m.includes("search-index"))) assert.ok(bytes.includes(marker), marker);
    assert.equal(bytes.includes(PRODUCTION_ONLY), false);
  }
  for (const bytes of found("search-admin")) assert.ok(bytes.includes("medportal-dev-search-index-token"));
});
