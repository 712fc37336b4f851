;; meter-grow.wat: a memory of 1 page with no maximum, grown on request, for the
;; memory cap of ecap_wasm_meter() (t/2002-meter.bats).  grow(n) is memory.grow:
;; the old size in pages, or -1.  A start function that costs 2 (global.set and
;; i32.const) shows fuel is charged at instantiation too.
(module
  (memory 1)
  (global $started (mut i32) (i32.const 0))
  (func $start (global.set $started (i32.const 1)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "size") (result i32)
    (memory.size))
  (start $start))
