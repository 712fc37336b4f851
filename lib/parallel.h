/*
 * parallel.h - run independent pieces of work on several threads.
 */
#ifndef ECAP_PARALLEL_H
#define ECAP_PARALLEL_H

#include <stddef.h>

/*
 * Call fn(arg, lo, hi) for contiguous ranges [lo, hi) that together cover
 * [0, n) once, on up to nthreads threads (the caller's among them), and
 * return when all are done.  The threads take the ranges, about eight
 * apiece, in turn, so one that runs slower holds up no other.  With nthreads <= 1 or n < 2 it is one call on
 * the caller's thread.  At most 64 threads.  Ends the program (exit 2) if a
 * thread cannot be started.
 */
void ecap_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg);

/*
 * A pool of worker threads that take one piece of work at a time while the
 * caller's thread goes on (reading the next batch, writing the last one):
 * ecap_pool_submit() hands fn(arg, lo, hi) over [0, n) to the workers, split
 * as ecap_parallel_for() splits it, and returns at once; ecap_pool_wait()
 * returns when that work is done.  One piece is in flight at a time:
 * submit, wait, submit again.  A pool of 1 thread starts none and runs the
 * work in ecap_pool_submit() itself.  Ends the program (exit 2) if a thread
 * cannot be started.
 */
struct ecap_pool;

struct ecap_pool *ecap_pool_start(unsigned nthreads);
void ecap_pool_submit(struct ecap_pool *p, size_t n, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg);
void ecap_pool_wait(struct ecap_pool *p);
/* Wait for any work in flight, stop the threads and free the pool (NULL: nothing). */
void ecap_pool_stop(struct ecap_pool *p);

/* The number of processors online, 1 to 64: the default thread count. */
unsigned ecap_ncpu(void);

#endif
