;; meter-loop.wat: a counting loop, for ecap_wasm_meter() (t/2002-meter.bats).
;; run(n) counts $i up to n and returns it.  Under the cost model in lib/wasm.h it
;; costs 2 (the body: block, local.get) + 1 (the block: loop) + 9 for each of the
;; n + 1 times the loop body is entered (the last one leaving at br_if): 9n + 12.
;; run10() takes no argument, for wasm-interp --run-all-exports: 2 + run(10) = 104.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $i))
  (func (export "run10") (result i32)
    (call 0 (i32.const 10))))
