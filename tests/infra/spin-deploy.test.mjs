// README "Deploying -> Fermyon Spin" against what the tests run: the README's command block is
// exactly the commands of tests/contract/spin-deploy.mjs, and the contract suite's `spin` host
// runs those same steps (only the manifest, the demo seeds, the port and the Spin binary
// differ, as listed). The migration command re-runs safely. Run: node --test tests/infra/
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parse } from "smol-toml";
import { ROOT } from "../workerd/portal.mjs";
import { README_SPIN, renderShell, spinCommands } from "../contract/spin-deploy.mjs";
import { spinHostSteps } from "../contract/hosts.mjs";

const MARK = "<!-- spin-commands: generated from tests/contract/spin-deploy.mjs -->";

/** The fenced block after the marker in README.md, as lines. */
function readmeBlock() {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const at = readme.indexOf(MARK);
  assert.ok(at >= 0, `README.md lacks ${MARK}`);
  const m = readme.slice(at + MARK.length).match(/^\s*```sh\n([\s\S]*?)\n```/);
  assert.ok(m, "a ```sh block right after the marker");
  return m[1].split("\n");
}

test("the README's Spin commands are exactly tests/contract/spin-deploy.mjs's", () => {
  assert.deepEqual(readmeBlock(), renderShell(spinCommands(README_SPIN)));
});

test("the contract suite's spin host runs the README's steps (dev manifest, seeds, port and binary aside)", () => {
  const state = mkdtempSync(join(tmpdir(), "medportal-spin-steps-"));
  try {
    const steps = spinHostSteps(state, 43210, "/opt/spin/bin/spin");
    const devManifest = join(state, "spin.dev.toml");
    assert.ok(existsSync(devManifest), "the host writes its development manifest into the state directory");
    // Put back what differs on purpose; everything else must be the README's line for line.
    const sub = (a) =>
      a === devManifest ? "$APP/spin.toml"
      : a === "/opt/spin/bin/spin" ? "spin"
      : a === "127.0.0.1:43210" ? README_SPIN.listen
      : a.replaceAll(state, "$STATE").replaceAll(ROOT, "$APP");
    const asReadme = steps.map((s) => ({
      ...s,
      cwd: s.cwd && sub(s.cwd),
      argv: s.argv.map(sub).filter((a) => !a.startsWith("$APP/infra/seed/")),
    }));
    assert.deepEqual(renderShell(asReadme), readmeBlock());
    // and the seeds it adds are the demo data, after the migrations, per database
    for (const s of steps.filter((s) => s.argv[0].endsWith("medportal-migrate"))) {
      const db = s.argv[1].split("/").pop().replace(/\.db$/, "");
      assert.deepEqual(s.argv.slice(2), [join(ROOT, "infra/migrations"), join(ROOT, "infra/seed", db)]);
    }
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test("store paths in the runtime config are plain file names: they land in the state directory", () => {
  const rc = parse(readFileSync(join(ROOT, "infra/spin/runtime-config.toml"), "utf8"));
  const stores = [...Object.values(rc.key_value_store), ...Object.values(rc.sqlite_database)];
  assert.ok(stores.length >= 9);
  for (const { path } of stores) assert.match(path, /^[\w-]+\.db$/, `${path}: relative to the state directory, no folder`);
});

test("medportal-migrate applies each file once per database and re-runs as a no-op", () => {
  const bin = join(ROOT, "build/bin/medportal-migrate");
  assert.ok(existsSync(bin), `${bin} missing: run make migrate-cli`);
  const dir = mkdtempSync(join(tmpdir(), "medportal-migrate-"));
  try {
    const db = join(dir, "db_eu.db");
    const files = readdirSync(join(ROOT, "infra/migrations")).filter((f) => f.endsWith(".sql")).sort();
    const run = () => execFileSync(bin, [db, join(ROOT, "infra/migrations")], { encoding: "utf8" });
    assert.deepEqual(run().trim().split("\n"), files.map((f) => `${db}: applied ${f}`));
    const recorded = () => {
      const conn = new DatabaseSync(db, { readOnly: true });
      try {
        return conn.prepare("SELECT name FROM _migrations ORDER BY name").all().map((r) => r.name);
      } finally {
        conn.close();
      }
    };
    assert.deepEqual(recorded(), files);
    // a second run (an upgrade with nothing new, or a restart) applies nothing and succeeds
    assert.equal(run(), "");
    assert.deepEqual(recorded(), files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
