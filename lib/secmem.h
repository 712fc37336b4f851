/*
 * secmem.h - memory for secrets and plaintext: locked in RAM (mlock(2), never
 * swapped), left out of core dumps (MADV_DONTDUMP), and wiped when freed.
 */
#ifndef ECAP_SECMEM_H
#define ECAP_SECMEM_H

#include <stddef.h>

/*
 * Make this process not dumpable (prctl PR_SET_DUMPABLE 0: no core dumps,
 * no ptrace by others of the same user) and disable core dumps (RLIMIT_CORE
 * 0).  Call once, first thing, in programs that hold keys or plaintext.
 */
void ecap_secmem_harden(void);

/*
 * len bytes of zeroed memory, page-aligned, locked and excluded from core
 * dumps.  Ends the program (exit 2) when it cannot be allocated or locked
 * (raise RLIMIT_MEMLOCK: ulimit -l).
 */
void *ecap_secmem_alloc(size_t len);

/* Wipe len bytes at p and return them (p from ecap_secmem_alloc with that len; NULL is fine). */
void ecap_secmem_free(void *p, size_t len);

#endif
