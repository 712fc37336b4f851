;; hello.wat: "hello, world" for WASI preview 1, the shape clang --target=wasm32-wasi
;; gives a command: fd_write and proc_exit imported, _start and memory exported.
(module
  (type $fd_write_t (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (type $fd_write_t)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; an iovec { buf = 8, len = 14 } at 0, the text at 8
  (data (i32.const 0) "\08\00\00\00\0e\00\00\00")
  (data (i32.const 8) "hello, world\0a")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 24)))
    (call $proc_exit (i32.const 0))))
