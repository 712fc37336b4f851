;; hostile-memmax.wat: declares the largest wasm32 memory, 65536 pages (4 GiB), as
;; its maximum, and asks for all of it in one memory.grow; exits 0 (proc_exit) when
;; that was granted, 1 when memory.grow returned -1.  A runtime with a memory limit
;; refuses the module, or the grow, rather than reserving 4 GiB.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1 65536)
  (func (export "_start")
    (call $proc_exit
      (i32.eq (memory.grow (i32.const 65535)) (i32.const -1)))))
