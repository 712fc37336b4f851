;; impmem.wat: the memory imported rather than defined (1 to 256 pages), as a module
;; that shares its host's memory declares it; nothing exported.
(module
  (import "env" "memory" (memory 1 256))
  (func $touch (i32.store (i32.const 0) (i32.const 1))))
