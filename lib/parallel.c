#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "parallel.h"
#include "xio.h"

/*
 * The work of one ecap_parallel_for(): the threads take chunks of it in turn,
 * so a thread that the scheduler slows down does not hold the others up.
 */
struct shared {
	void (*fn)(void *, size_t, size_t);
	void *arg;
	size_t n, chunk;
	atomic_size_t next;		/* the first item nobody has taken */
};

static void *
run(void *p)
{
	struct shared *s = p;
	size_t lo;

	while ((lo = atomic_fetch_add(&s->next, s->chunk)) < s->n)
		s->fn(s->arg, lo, s->n - lo < s->chunk ? s->n : lo + s->chunk);
	return NULL;
}

void
ecap_parallel_for(size_t n, unsigned nthreads, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg)
{
	struct shared s = { fn, arg, n, 1, 0 };
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
	/* Eight chunks a thread: few enough to take cheaply, enough to even out. */
	if (n / (8 * nthreads) > 1)
		s.chunk = n / (8 * nthreads);
	for (t = 1; t < nthreads; t++) {
		int e = pthread_create(&tid[t], NULL, run, &s);

		if (e != 0)
			ecap_errx(ECAP_EXIT_ERR, "cannot start a thread: %s", strerror(e));
	}
	run(&s);
	for (t = 1; t < nthreads; t++)
		pthread_join(tid[t], NULL);
}

unsigned
ecap_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

struct ecap_pool {
	pthread_mutex_t mu;
	pthread_cond_t work;		/* a new piece, or stop */
	pthread_cond_t done;		/* the piece in flight is finished */
	unsigned nthreads;		/* threads that work: the workers and the caller */
	unsigned nworkers;
	pthread_t tid[64];
	/* the piece in flight: items are taken one at a time, so no thread waits on a slow one */
	void (*fn)(void *, size_t, size_t);
	void *arg;
	size_t n;
	size_t next;			/* the next item nobody has taken */
	size_t left;			/* items not yet finished */
	uint64_t gen;			/* pieces submitted so far */
	int stopping;
};

/* Take items of the piece in flight and do them until none is left; called with mu held. */
static void
drain(struct ecap_pool *p)
{
	while (p->next < p->n) {
		size_t k = p->next++;

		pthread_mutex_unlock(&p->mu);
		p->fn(p->arg, k, k + 1);
		pthread_mutex_lock(&p->mu);
		if (--p->left == 0)
			pthread_cond_broadcast(&p->done);
	}
}

static void *
worker(void *arg)
{
	struct ecap_pool *p = arg;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->gen == seen && !p->stopping)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->gen == seen)
			break;
		seen = p->gen;
		drain(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct ecap_pool *
ecap_pool_start(unsigned nthreads)
{
	struct ecap_pool *p = ecap_xcalloc(1, sizeof(*p));
	unsigned t;

	p->nthreads = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads;
	p->nworkers = p->nthreads - 1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	for (t = 0; t < p->nworkers; t++) {
		int e = pthread_create(&p->tid[t], NULL, worker, p);

		if (e != 0)
			ecap_errx(ECAP_EXIT_ERR, "cannot start a thread: %s", strerror(e));
	}
	return p;
}

void
ecap_pool_submit(struct ecap_pool *p, size_t n, void (*fn)(void *arg, size_t lo, size_t hi),
    void *arg)
{
	if (p->nworkers == 0) {
		fn(arg, 0, n);
		return;
	}
	pthread_mutex_lock(&p->mu);
	drain(p);
	while (p->left > 0)
		pthread_cond_wait(&p->done, &p->mu);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	p->next = 0;
	p->left = n;
	p->gen++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void
ecap_pool_wait(struct ecap_pool *p)
{
	if (p->nworkers == 0)
		return;
	pthread_mutex_lock(&p->mu);
	drain(p);
	while (p->left > 0)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
ecap_pool_stop(struct ecap_pool *p)
{
	unsigned t;

	if (p == NULL)
		return;
	ecap_pool_wait(p);
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (t = 0; t < p->nworkers; t++)
		pthread_join(p->tid[t], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}
