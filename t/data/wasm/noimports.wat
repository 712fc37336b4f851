;; noimports.wat: a module that imports nothing and has no memory: pure functions only.
(module
  (func $add (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (global (export "answer") i32 (i32.const 42)))
