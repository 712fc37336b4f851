;; hostile-meminit.wat: declares an initial memory of 65536 pages (4 GiB), the most a
;; wasm32 module can, so that merely instantiating it would take 4 GiB; _start
;; exits 0 (proc_exit) if it ever runs.  A runtime with a memory limit refuses it
;; before running anything.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 65536)
  (func (export "_start")
    (call $proc_exit (i32.const 0))))
