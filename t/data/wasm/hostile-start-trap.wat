;; hostile-start-trap.wat: a start function (the module's (start), which runs while
;; the module is instantiated, before _start) that traps with unreachable.  _start,
;; which would print "not reached", never runs; the runtime reports the trap.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\08\00\00\00\0c\00\00\00")
  (data (i32.const 8) "not reached\0a")
  (func $init
    unreachable)
  (start $init)
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 24)))))
