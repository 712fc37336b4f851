;; invalid.wat: parses, but does not validate: i32.add given an i64 operand.
(module
  (func (export "bad") (result i32)
    (i32.add (i32.const 1) (i64.const 2))))
