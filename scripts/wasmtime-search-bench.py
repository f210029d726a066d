# Runs medportal-search-bench (built for wasm32-wasip1) in Wasmtime — the engine Fermyon Spin
# runs — over an index saved by `medportal-search-synth --save`. Needs the `wasmtime` PyPI
# package (official bindings, prebuilt): `pip install wasmtime==50.0.1`. Wasmtime's WASI has no
# thread CPU clock, so the bench falls back to wall time (it says `timer=wall`).
# usage: python3 scripts/wasmtime-search-bench.py <bench.wasm> <index dir> [rounds]
import sys

from wasmtime import Config, Engine, Linker, Module, Store, WasiConfig

if len(sys.argv) < 3:
    sys.exit("usage: wasmtime-search-bench.py <bench.wasm> <index dir> [rounds]")
wasm, index_dir = sys.argv[1], sys.argv[2]
rounds = sys.argv[3] if len(sys.argv) > 3 else "3"
engine = Engine(Config())
store = Store(engine)
wasi = WasiConfig()
wasi.argv = ["bench", "/idx", rounds]
wasi.preopen_dir(index_dir, "/idx")
wasi.inherit_stdout()
wasi.inherit_stderr()
store.set_wasi(wasi)
linker = Linker(engine)
linker.define_wasi()
instance = linker.instantiate(store, Module.from_file(engine, wasm))
instance.exports(store)["_start"](store)
