// How medportal is run on Fermyon Spin, as data: the commands README "Deploying → Fermyon
// Spin" shows operators (tests/infra/spin-deploy.test.mjs checks the README block is exactly
// `renderShell(spinCommands(README_SPIN))`) and the contract suite's `spin` host runs
// (tests/contract/hosts.mjs: the same steps, with the development manifest and the demo seeds).
//
// Where Spin 4.1 puts files (checked on the real CLI, and in its source: crates/runtime-config):
// key-value paths in the runtime config resolve against the config file's folder, SQLite
// paths against the working directory, component logs go to `<state dir>/logs` (by default
// `.spin/` beside the manifest). So the runtime config is copied into the state directory,
// `spin up` runs there and is given `--state-dir`: every store file and log lands in it, none
// in the source tree.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";

/** The SQL database labels, each migrated before `spin up`. */
export const DATABASES = ["db_global", "db_eu", "db_us"];

/** What the README shows: the clone and the state directory as shell variables. */
export const README_SPIN = { app: "$APP", state: "$STATE", listen: "127.0.0.1:3000" };

/**
 * The steps from a built clone to a serving portal. `app`: the clone; `state`: the state
 * directory (outside the clone); `manifest`: spin.toml (production) or a development one;
 * `seed`: also apply infra/seed/<db> (the demo data; tests only); `spin`: the Spin CLI.
 * Each step: { argv, cwd? } (`cwd` unset: anywhere); `build: true` marks the build step,
 * which the test hosts leave to `make build-dev`.
 */
export function spinCommands({ app, state, listen, manifest = `${app}/spin.toml`, seed = false, spin = "spin" }) {
  return [
    { build: true, cwd: app, argv: ["make", "build-spin", "migrate-cli"] },
    { argv: ["mkdir", "-p", state] },
    { argv: ["cp", `${app}/infra/spin/runtime-config.toml`, `${state}/runtime-config.toml`] },
    ...DATABASES.map((db) => ({
      argv: [`${app}/build/bin/medportal-migrate`, `${state}/${db}.db`, `${app}/infra/migrations`, ...(seed ? [`${app}/infra/seed/${db}`] : [])],
    })),
    {
      cwd: state,
      argv: [spin, "up", "--from", manifest, "--runtime-config-file", `${state}/runtime-config.toml`, "--state-dir", state, "--listen", listen],
    },
  ];
}

/** Shell lines for the steps (a `cd` line where a step needs its directory). */
export function renderShell(steps) {
  const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `"${a}"`);
  const lines = [];
  let cwd;
  for (const s of steps) {
    if (s.cwd && s.cwd !== cwd) lines.push(`cd ${quote(s.cwd)}`);
    cwd = s.cwd ?? cwd;
    lines.push(s.argv.map(quote).join(" "));
  }
  return lines;
}

/**
 * spin.toml with the development overlay (infra/spin/dev-overlay.toml) applied, written to
 * `dir`: every component's source from the overlay's `source_dir` (absolute), its
 * `[[trigger.http]]` routes appended, and each `[component.<id>]` list appended to that
 * component's list of the same name. Production spin.toml holds none of it
 * (tests/native-host/tests/manifests.rs checks both).
 */
export function devSpinManifest(root, dir) {
  const manifest = parse(readFileSync(join(root, "spin.toml"), "utf8"));
  const overlay = parse(readFileSync(join(root, "infra/spin/dev-overlay.toml"), "utf8"));
  for (const [id, component] of Object.entries(manifest.component)) {
    component.source = join(root, overlay.source_dir, component.source.split("/").pop());
    for (const [key, extra] of Object.entries(overlay.component?.[id] ?? {})) {
      component[key] = [...(component[key] ?? []), ...extra];
    }
  }
  manifest.trigger.http.push(...overlay.trigger.http);
  const file = join(dir, "spin.dev.toml");
  writeFileSync(file, stringify(manifest));
  return file;
}
