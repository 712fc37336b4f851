;; hostile-loop.wat: _start loops forever, calling nothing.  A runtime must stop it
;; by a time or fuel limit (or an interrupt) from outside the guest.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $forever
      (br $forever))))
