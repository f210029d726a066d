# Runs medportal-search-bench (built for wasm32-wasip1) in Wasmtime — the engine Fermyon Spin
# runs — over an index saved by `medportal-search-synth --save`. Needs the `wasmtime` PyPI
# package (official bindings, prebuilt): `pip install wasmtime==50.0.1`.
# Wasmtime's WASI has no CPU clocks, so this script supplies `clock_time_get` itself: the
# thread CPU clock (id 3) is the CPU time of the calling thread — Wasmtime runs the wasm on
# it, so that is the request's own CPU (the module is compiled ahead of time, before the bench
# starts, by Module.from_file); the process clock (id 2) is the whole process's. Each reading
# goes through a Python host call (a few µs, inside the measured span). The bench then says
# `timer=thread-cpu`; WASMTIME_WALL=1 keeps Wasmtime's own clocks (the bench falls back to wall).
# usage: python3 scripts/wasmtime-search-bench.py <bench.wasm> <index dir> [rounds]
import os
import sys
import time

from wasmtime import Config, Engine, FuncType, Linker, Module, Store, ValType, WasiConfig

if len(sys.argv) < 3:
    sys.exit("usage: wasmtime-search-bench.py <bench.wasm> <index dir> [rounds]")
wasm, index_dir = sys.argv[1], sys.argv[2]
rest = sys.argv[3:] or ["3"]
engine = Engine(Config())
store = Store(engine)
wasi = WasiConfig()
wasi.argv = ["bench", "/idx", *rest]
wasi.preopen_dir(index_dir, "/idx")
wasi.inherit_stdout()
wasi.inherit_stderr()
store.set_wasi(wasi)
linker = Linker(engine)
linker.define_wasi()

CLOCKS = {0: time.time_ns, 1: time.monotonic_ns, 2: time.process_time_ns, 3: time.thread_time_ns}


def clock_time_get(caller, clock_id, _precision, out_ptr):
    f = CLOCKS.get(clock_id)
    if f is None:
        return 28  # EINVAL
    caller["memory"].write(caller, f().to_bytes(8, "little"), out_ptr)
    return 0


if os.environ.get("WASMTIME_WALL") != "1":
    linker.allow_shadowing = True
    ty = FuncType([ValType.i32(), ValType.i64(), ValType.i32()], [ValType.i32()])
    linker.define_func("wasi_snapshot_preview1", "clock_time_get", ty, clock_time_get, access_caller=True)
module = Module.from_file(engine, wasm)
instance = linker.instantiate(store, module)
instance.exports(store)["_start"](store)
