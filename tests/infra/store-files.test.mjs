// No store file inside the clone: after the contract suite (this file runs after
// tests/contract/ in `make test-contract`), every host kept its key-value, SQLite and blob
// files and its logs in its temporary state directory. `.state/` is `make dev`'s own state
// folder (ignored) and is left out. Run: node --test tests/infra/store-files.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { ROOT } from "../workerd/portal.mjs";

// SQLite files and their journals, Spin's key-value store, Spin's state folder (.spin/: logs,
// default stores), Miniflare's persisted state.
const STORE = /(\.(db|sqlite|sqlite3)(-wal|-shm|-journal)?$)|(^|\/)\.spin\/|(^|\/)\.wrangler\/state\//;

test("no store file or runtime state lands inside the repository", () => {
  // (ignored files include node_modules/ and any bench state: far past the default 1 MB of output)
  const git = (...args) => execFileSync("git", ["-C", ROOT, ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
  // untracked and ignored files alike, one path a line
  const files = [...git("ls-files", "--others", "--exclude-standard").split("\n"), ...git("ls-files", "--others", "--ignored", "--exclude-standard").split("\n")];
  const found = files.filter((f) => f && !f.startsWith(".state/") && !f.startsWith("node_modules/") && STORE.test(f));
  assert.deepEqual(found, [], "store files inside the clone");
});
