#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "parallel.h"

struct range {
	void (*fn)(void *, size_t, size_t);
	void *arg;
	size_t lo, hi;
};

static void *
run(void *p)
{
	struct range *r = p;

	r->fn(r->arg, r->lo, r->hi);
	return NULL;
}

void
ecap_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg)
{
	struct range r[64];
	pthread_t tid[64];
	unsigned t;

	if (nthreads > 64)
		nthreads = 64;
	if (nthreads > n)
		nthreads = n;
	if (nthreads <= 1) {
		fn(arg, 0, n);
		return;
	}
	for (t = 0; t < nthreads; t++)
		r[t] = (struct range){ fn, arg, n * t / nthreads, n * (t + 1) / nthreads };
	for (t = 1; t < nthreads; t++) {
		int e = pthread_create(&tid[t], NULL, run, &r[t]);

		if (e != 0)
			ecap_errx(ECAP_EXIT_ERR, "cannot start a thread: %s", strerror(e));
	}
	run(&r[0]);
	for (t = 1; t < nthreads; t++)
		pthread_join(tid[t], NULL);
}

unsigned
ecap_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}
