// Runs medportal-search-bench (built for wasm32-wasip1) in V8 through Node's WASI — the same
// engine Cloudflare Workers run — over an index saved by `medportal-search-synth --save`.
// usage: node scripts/wasm-search-bench.mjs <bench.wasm> <index dir> [rounds]
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";
import path from "node:path";

// (`--load [batch]` instead of rounds: the write-side measurement, see medportal-search-bench)
const [wasmPath, dir, rounds = "3", ...rest] = process.argv.slice(2);
if (!wasmPath || !dir) {
  console.error("usage: wasm-search-bench.mjs <bench.wasm> <index dir> [rounds]");
  process.exit(2);
}
const abs = path.resolve(dir);
const wasi = new WASI({ version: "preview1", args: ["bench", "/idx", rounds, ...rest], preopens: { "/idx": abs } });
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
