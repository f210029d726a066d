// The provisioning plan: every region gets its own D1, R2 and KV with the right residency flags.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { plan } from "../../infra/provision.mjs";

test("dry run prints one D1, R2 and KV per region with EU jurisdiction for eu", () => {
  const out = execFileSync(process.execPath, ["infra/provision.mjs", "--dry-run"], { encoding: "utf8" });
  const lines = out.trim().split("\n");
  assert.ok(lines.includes("wrangler d1 create medportal-eu --jurisdiction eu"));
  assert.ok(lines.includes("wrangler r2 bucket create medportal-eu --jurisdiction eu"));
  assert.ok(lines.includes("wrangler d1 create medportal-us --location enam"));
  assert.ok(lines.includes("wrangler kv namespace create medportal-kv-us"));
  assert.match(lines.at(-1), /dry run: nothing was created/);
  // nothing personal is created without a region
  const creates = plan().filter((c) => c.includes("create"));
  assert.equal(creates.length, 9);
});
