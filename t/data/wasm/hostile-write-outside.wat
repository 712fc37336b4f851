;; hostile-write-outside.wat: asks the runtime itself (path_open, without wasi-libc's
;; own checks) to create "../escape" and "/tmp/escape" relative to fd 3, the first
;; preopened directory, and writes "escaped\n" into each it gets.  Exits (proc_exit)
;; with the sum of what succeeded: 1 path_open ../escape, 2 fd_write to it,
;; 4 path_open /tmp/escape, 8 fd_write to it; 0 when everything was refused.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; at 0 the iovec {buf = 32, len = 8}; at 16 the opened fd, at 20 the count
  ;; written; at 32 the text; the paths at 64 and 80.
  (data (i32.const 0) "\20\00\00\00\08\00\00\00")
  (data (i32.const 32) "escaped\0a")
  (data (i32.const 64) "../escape")
  (data (i32.const 80) "/tmp/escape")

  ;; try: path_open(3, dirflags 0, path, len, oflags O_CREAT, rights fd_write,
  ;; inheriting 0, fdflags 0) then fd_write; returns open_bit, plus write_bit when
  ;; the write went through too, or 0.
  (func $try (param $path i32) (param $len i32) (param $open_bit i32) (param $write_bit i32)
             (result i32)
    (if (i32.ne (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
                  (i32.const 1) (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 16))
                (i32.const 0))
      (then (return (i32.const 0))))
    (if (i32.ne (call $fd_write (i32.load (i32.const 16)) (i32.const 0) (i32.const 1)
                  (i32.const 20))
                (i32.const 0))
      (then (return (local.get $open_bit))))
    (i32.or (local.get $open_bit) (local.get $write_bit)))

  (func (export "_start")
    (call $proc_exit
      (i32.or
        (call $try (i32.const 64) (i32.const 9) (i32.const 1) (i32.const 2))
        (call $try (i32.const 80) (i32.const 11) (i32.const 4) (i32.const 8))))))
