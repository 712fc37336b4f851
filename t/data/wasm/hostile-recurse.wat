;; hostile-recurse.wat: _start calls itself, directly, forever.  The runtime must trap
;; on call-stack exhaustion (a stack limit), not overflow its own stack and crash.
(module
  (memory (export "memory") 1)
  (func $start (export "_start")
    (call $start)))
