;; hostile-membomb.wat: grows its memory 1 MiB (16 pages) at a time, writing to
;; every 4 KiB of each new MiB so that the host really commits it, until memory.grow
;; fails (-1), then traps with unreachable.  With no declared maximum it can take
;; the whole 4 GiB of wasm32; a runtime's memory limit makes memory.grow fail sooner
;; (and so the trap), or stops the module.
(module
  (memory (export "memory") 16)   ;; 1 MiB, so that each new MiB is aligned
  (func (export "_start")
    (local $page i32)   ;; the first new page, from memory.grow
    (local $addr i32)
    (loop $grow
      (local.set $page (memory.grow (i32.const 16)))
      (if (i32.eq (local.get $page) (i32.const -1))
        (then unreachable))
      (local.set $addr (i32.mul (local.get $page) (i32.const 65536)))
      (loop $touch
        (i32.store8 (local.get $addr) (i32.const 1))
        (local.set $addr (i32.add (local.get $addr) (i32.const 4096)))
        (br_if $touch (i32.and (local.get $addr) (i32.const 0xfffff))))
      (br $grow))))
