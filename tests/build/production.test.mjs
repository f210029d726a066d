// The production builds (`make check-prod`: Workers in functions/<fn>/build, Spin components in
// build/spin, built without the `dev` cargo feature) hold nothing only development builds may:
// no /dev route handler (the mail outbox's and the store probe's own code), no public dev
// session key, no dev search indexing token. They do hold the refusal of dev_mode.
// The same scan over the development builds (if built) finds those markers, so it can see them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync, constants } from "node:zlib";
import { ROOT, FUNCTIONS } from "../workerd/portal.mjs";

/** The production size budget of one Worker's wasm, `gzip -9` (Cloudflare's limit is on the
 * compressed upload; medportal keeps each function small). */
const BUDGET_BYTES = 300 * 1024;

/** Bytes of `file` compressed as `gzip -9 -c FILE | wc -c` (the budget's measure); Node's zlib
 * at level 9 when there is no gzip (it compresses about 1.5% worse: stricter). */
function gzipSize(file) {
  const res = spawnSync("gzip", ["-9", "-c", file], { maxBuffer: 64 * 1024 * 1024 });
  if (res.status === 0) return res.stdout.length;
  return gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION }).length;
}

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

// What an operator deploys: `wrangler deploy --dry-run` of every Worker with the production
// configuration (wrangler.toml; provision only swaps its placeholder ids for real ones), which
// runs each environment's build command (a production worker-build, already up to date) and
// bundles it. Each bundle's wasm must stay within the budget. Prints the sizes.
test("every Worker passes wrangler deploy --dry-run with the production config and is at most 300 KB gzip", () => {
  const sizes = [];
  for (const fn of FUNCTIONS) {
    const out = mkdtempSync(join(tmpdir(), `medportal-dry-run-${fn}-`));
    try {
      const res = spawnSync(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out, "-c", "wrangler.toml", "--env", fn], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(res.status, 0, `wrangler deploy --dry-run --env ${fn}:\n${res.stdout}\n${res.stderr}`);
      assert.match(res.stdout, /--dry-run: exiting now\./, fn);
      const wasm = readdirSync(out).filter((f) => f.endsWith(".wasm"));
      assert.equal(wasm.length, 1, `${fn}: ${readdirSync(out)}`);
      const bytes = readFileSync(join(out, wasm[0]));
      // the bundle carries the production build, not a development one
      assert.ok(bytes.equals(readFileSync(join(ROOT, "functions", fn, "build", "index_bg.wasm"))), `${fn}: bundled wasm is not functions/${fn}/build's`);
      const gz = gzipSize(join(out, wasm[0]));
      sizes.push(`${fn} ${(gz / 1024).toFixed(1)} KiB`);
      assert.ok(gz <= BUDGET_BYTES, `${fn}: ${gz} bytes gzip, over the ${BUDGET_BYTES} budget`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  console.log(`production Workers (gzip -9): ${sizes.join(", ")}`);
});
