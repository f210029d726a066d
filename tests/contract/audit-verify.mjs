// The offline verifier (tools/audit-verify) run on an audit export, for the contract tests.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

/** Runs a binary of tools/audit-verify with the published keys in a file ($KEYS) and the
 * given files ($NAME: their text) in a temporary directory; its stdout and status. */
function runTool(bin, keysText, files, args) {
  const dir = mkdtempSync(join(tmpdir(), "medportal-audit-"));
  try {
    writeFileSync(join(dir, "keys"), keysText);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const argv = args.map((a) => (a === "$KEYS" ? join(dir, "keys") : a.startsWith("$") ? join(dir, a.slice(1)) : a));
    try {
      const out = execFileSync("cargo", ["run", "-q", "--locked", "-p", "medportal-audit-verify", "--bin", bin, "--", ...argv], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return { ok: true, out };
    } catch (e) {
      return { ok: false, out: `${e.stdout}${e.stderr}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The tamper test (medportal-audit-tamper) on a host's export. */
export function tamperCli(exportText, keysText) {
  return runTool("medportal-audit-tamper", keysText, { "db_eu.jsonl": exportText }, ["$KEYS", "$db_eu.jsonl"]);
}

/** The verifier's check of a consistency proof as /audit/consistency serves it. */
export function consistencyCli(proofText, keysText) {
  return runTool("medportal-audit-verify", keysText, { "proof.json": proofText }, ["--keys", "$KEYS", "--consistency", "$proof.json"]);
}

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

