/*
 * parallel.h - run independent pieces of work on several threads.
 */
#ifndef ECAP_PARALLEL_H
#define ECAP_PARALLEL_H

#include <stddef.h>

/*
 * Call fn(arg, lo, hi) for contiguous ranges [lo, hi) that together cover
 * [0, n) once, on up to nthreads threads (the caller's among them), and
 * return when all are done.  With nthreads <= 1 or n < 2 it is one call on
 * the caller's thread.  At most 64 threads.  Ends the program (exit 2) if a
 * thread cannot be started.
 */
void ecap_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg);

/* The number of processors online, 1 to 64: the default thread count. */
unsigned ecap_ncpu(void);

#endif
