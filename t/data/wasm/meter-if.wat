;; meter-if.wat: both arms of an if, an if without else, calls direct and through
;; a table, and a guest's own trap, for ecap_wasm_meter() (t/2002-meter.bats).
;; Costs under lib/wasm.h's model:
;;   pick(x)  = 2 (local.get, if) + 1 (then) or 3 (else): 3 if x != 0, else 5
;;   maybe(x) = 3 (local.get, if, i32.const) + 2 (then: nop nop) or 1 (the empty
;;              else): 5 if x != 0, else 4
;;   twice(x) = 5 (local.get, call, local.get, call, i32.add) + 2 pick(x): 11 or 15
;;   dyn(x)   = 3 (local.get, i32.const, call_indirect) + pick(x): 6 or 8
;;   boom()   = 1 (unreachable), then the guest's trap with the fuel left >= 0
(module
  (type $unop (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $pick)
  (func $pick (export "pick") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.const 10))
      (else (i32.add (i32.const 20) (i32.const 1)))))
  (func (export "maybe") (param i32) (result i32)
    (if (local.get 0)
      (then (nop) (nop)))
    (i32.const 7))
  (func (export "twice") (param i32) (result i32)
    (i32.add (call $pick (local.get 0)) (call $pick (local.get 0))))
  (func (export "dyn") (param i32) (result i32)
    (call_indirect (type $unop) (local.get 0) (i32.const 0)))
  (func (export "boom")
    (unreachable)))
