// Provisions medportal's Cloudflare resources per region with wrangler:
//   D1 database per region (location hint + jurisdiction), R2 bucket per region (EU
//   jurisdiction for `eu`), KV namespace per region, plus the global (non-personal) stores.
// Usage: node infra/provision.mjs --dry-run   prints the commands (default)
//        node infra/provision.mjs --apply     runs them (needs CLOUDFLARE_API_TOKEN)
import { parse } from "smol-toml";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

export function plan() {
  const policy = parse(readFileSync(join(ROOT, "infra/regions.toml"), "utf8"));
  const cmds = [];
  for (const [code, region] of Object.entries(policy.region)) {
    const jurisdiction = region.jurisdiction ? ["--jurisdiction", region.jurisdiction] : [];
    const d1 = ["d1", "create", `medportal-${code}`];
    cmds.push(region.jurisdiction ? [...d1, ...jurisdiction] : [...d1, "--location", region.d1_location]);
    cmds.push(["r2", "bucket", "create", `medportal-${code}`, ...jurisdiction, ...(region.jurisdiction ? [] : ["--location", region.d1_location])]);
    cmds.push(["kv", "namespace", "create", `medportal-kv-${code}`]);
  }
  cmds.push(["d1", "create", "medportal-global"]);
  cmds.push(["r2", "bucket", "create", "medportal-global"]);
  cmds.push(["kv", "namespace", "create", "medportal-kv-global"]);
  for (const db of [...Object.keys(policy.region), "global"]) {
    cmds.push(["d1", "migrations", "apply", `medportal-${db}`, "--remote", "--env", db === "global" ? "content" : "identity"]);
  }
  return cmds;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const apply = process.argv.includes("--apply");
  for (const args of plan()) {
    console.log(`wrangler ${args.join(" ")}`);
    if (apply) execFileSync(join(ROOT, "node_modules/.bin/wrangler"), args, { stdio: "inherit", cwd: ROOT });
  }
  if (!apply) console.log("# dry run: nothing was created. Re-run with --apply, then put the printed ids into wrangler.toml.");
}
