// Runs medportal-search-bench (built for wasm32-wasip1) in V8 through Node's WASI — the same
// engine Cloudflare Workers run — over an index saved by `medportal-search-synth --save`.
// usage: node scripts/wasm-search-bench.mjs <bench.wasm> <index dir> [rounds]
// V8 compiles wasm functions lazily, on their first call, so the bench's cold figures (open,
// first query) include compiling the code they run. WASM_EAGER=1 compiles the whole module
// before it starts instead (the compile time is then printed on its own), which separates the
// engine's own cold cost from V8's code compilation.
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import path from "node:path";
import v8 from "node:v8";

// (`--load [batch]` instead of rounds: the write-side measurement, see medportal-search-bench)
const [wasmPath, dir, rounds = "3", ...rest] = process.argv.slice(2);
if (!wasmPath || !dir) {
  console.error("usage: wasm-search-bench.mjs <bench.wasm> <index dir> [rounds]");
  process.exit(2);
}
const abs = path.resolve(dir);
const wasi = new WASI({ version: "preview1", args: ["bench", "/idx", rounds, ...rest], preopens: { "/idx": abs } });
const eager = process.env.WASM_EAGER === "1";
if (eager) v8.setFlagsFromString("--no-wasm-lazy-compilation");
const bytes = await readFile(wasmPath);
const t0 = performance.now();
const module = await WebAssembly.compile(bytes);
if (eager) console.log(`wasm compile (eager, whole module) ${(performance.now() - t0).toFixed(1)} ms wall`);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
