;; hostile-import.wat: imports a function no WASI runtime provides, "env"
;; "launch_missiles", and calls it from _start.  A runtime must refuse to link it,
;; before running anything, naming the import.
(module
  (import "env" "launch_missiles" (func $launch (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $launch (i32.const 1)))))
