// Runs a wasm32-wasip1 command in V8 through Node's WASI (the engine Cloudflare Workers use),
// with no file-system access. usage: node scripts/wasi-run.mjs <program.wasm> [args...]
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";

const [wasmPath, ...args] = process.argv.slice(2);
if (!wasmPath) {
  console.error("usage: wasi-run.mjs <program.wasm> [args...]");
  process.exit(2);
}
const wasi = new WASI({ version: "preview1", args: [wasmPath, ...args], env: {} });
const module = await WebAssembly.compile(await readFile(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
