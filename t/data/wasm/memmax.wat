;; memmax.wat: a memory with both limits (2 to 16 pages of 64 KiB), a table, a start
;; function, and one export of every kind but tag.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "counter" (global $counter (mut i32)))
  (memory $mem 2 16)
  (table $tab 1 funcref)
  (global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 1)))
  (func $run (export "run") (call $log (global.get $g)))
  (start $init)
  (export "mem" (memory $mem))
  (export "tab" (table $tab))
  (export "g" (global $g)))
