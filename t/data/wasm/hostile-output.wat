;; hostile-output.wat: writes 1 MiB of "y\n" (like yes(1)) to standard output with
;; fd_write, over and over, forever; when a write fails (a closed pipe, an output
;; limit), exits (proc_exit) with 1.  A runtime must cap the output or the time.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; 17 pages: at 0 the iovec {buf = 65536, len = 1048576} and at 8 the count
  ;; written; the text at 65536, filled in by _start.
  (memory (export "memory") 17)
  (data (i32.const 0) "\00\00\01\00\00\00\10\00")
  (func (export "_start")
    (local $addr i32)
    (local.set $addr (i32.const 65536))
    (loop $fill
      (i32.store (local.get $addr) (i32.const 0x0a790a79))   ;; "y\ny\n"
      (local.set $addr (i32.add (local.get $addr) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.get $addr) (i32.const 1114112))))
    (loop $write
      (if (i32.ne (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
                  (i32.const 0))
        (then (call $proc_exit (i32.const 1))))
      (br $write))))
