// The offline verifier (tools/audit-verify) run on an audit export, for the contract tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Runs the offline verifier on an export with the published keys; its stdout and status. */
export function verifyCli(exportText, keysText) {
  const dir = mkdtempSync(join(tmpdir(), "medportal-audit-"));
  try {
    writeFileSync(join(dir, "keys"), keysText);
    writeFileSync(join(dir, "db_eu.jsonl"), exportText);
    try {
      const out = execFileSync("cargo", ["run", "-q", "--locked", "-p", "medportal-audit-verify", "--", "--keys", join(dir, "keys"), join(dir, "db_eu.jsonl")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return { ok: true, out };
    } catch (e) {
      return { ok: false, out: `${e.stdout}${e.stderr}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

