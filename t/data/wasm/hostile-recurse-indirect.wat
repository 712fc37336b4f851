;; hostile-recurse-indirect.wat: _start calls itself forever, but through
;; call_indirect on a table, which a runtime runs by another path than a direct
;; call (hostile-recurse.wat); the call-stack limit must hold on this path too, and
;; the runtime trap, not overflow its own stack.  wabt 1.0.32's interpreter, called
;; through Func::Call as wasm-exec embeds it, drops the trap of such a call and
;; returns from _start as if all went well (fixed upstream in 1.0.37); lib/interp.cc
;; turns it back into the trap.  Node says "Maximum call stack size exceeded".
(module
  (type $void (func))
  (memory (export "memory") 1)
  (table 1 funcref)
  (elem (i32.const 0) $start)
  (func $start (export "_start")
    (call_indirect (type $void) (i32.const 0))))
