/*
 * interp.h - run a WebAssembly module in wabt's interpreter (wabt 1.0.32,
 * libwabt.a), the engine wasm-exec(1) calls "interp".
 *
 * The module is decoded once (ecap_interp_load), its imports listed so the
 * caller can decide how each is provided, and then instantiated and run
 * (ecap_interp_run): the start function (Core Spec §4.5.4 step 15), then the
 * exported entry point, normally "_start" (WASI preview1's command ABI).
 * Every imported function is served by one callback of the caller's, which
 * sees the import's index and its arguments, and may read and write the
 * linear memory of the calling instance while it runs.
 *
 * lib/interp.cc wraps the C++; no C++ exception crosses this header.  The
 * interpreter has no limit on time; the caller bounds it from outside (a
 * child process, a timer).  Decode with the module already validated: this
 * file does not validate beyond what wabt's reader checks.
 */
#ifndef ECAP_INTERP_H
#define ECAP_INTERP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ecap_interp;

/*
 * One import as the engine sees it.  Value types are spelled one letter
 * each: 'i' i32, 'I' i64, 'f' f32, 'F' f64, 'v' v128, 'r' a reference.
 * A function's parameter and result types are in params and results as
 * NUL-terminated strings ("iiii", "i"); other kinds leave both empty.
 */
struct ecap_interp_import {
	const char *module;	/* "wasi_snapshot_preview1"; valid while the interp lives */
	const char *name;	/* "fd_write" */
	const char *kind;	/* "func", "table", "memory", "global" or "tag" */
	char params[32];	/* at most 31 parameters; more are refused by load */
	char results[8];	/* at most 7 results */
};

/*
 * Decode len bytes of a binary module.  Returns 0 with a new interp in *ip,
 * or -1 with a one-line reason in why (wabt's first error and its byte
 * offset, a function import with more than 31 parameters or 7 results, or
 * "out of memory").
 */
int ecap_interp_load(const void *wasm, size_t len, struct ecap_interp **ip, char *why,
    size_t whylen);

/* The number of imports, and the k-th (0-based, in the order of the import section). */
size_t ecap_interp_nimports(const struct ecap_interp *in);
void ecap_interp_get_import(const struct ecap_interp *in, size_t k,
    struct ecap_interp_import *out);

/* What a host call, and a run, end with. */
enum {
	ECAP_INTERP_RETURN = 0,	/* the call returned (a host call: *result is its value) */
	ECAP_INTERP_EXIT = 1,	/* the guest asked to exit (proc_exit): the code is in *result */
	ECAP_INTERP_TRAP = 2,	/* a trap: the message is in msg */
};

/*
 * The callback serving every imported function: import is the index of
 * the import, args its nargs arguments (i32 zero-extended, floats as their
 * bits).  It returns ECAP_INTERP_RETURN with the function's single result
 * in *result (ignored when the function has none), ECAP_INTERP_EXIT with
 * the exit code in *result, or ECAP_INTERP_TRAP with a one-line message in
 * msg (msglen bytes, NUL-terminated), which becomes the trap.
 */
typedef int (*ecap_interp_host_fn)(void *ctx, size_t import, const uint64_t *args,
    size_t nargs, uint64_t *result, char *msg, size_t msglen);

/*
 * Instantiate the module with every function import served by host (all
 * imports must be functions), run its start function if it has one, then
 * call the export named entry with no arguments.  entry NULL runs only the
 * start function.
 *
 * Returns ECAP_INTERP_RETURN when the entry returned, ECAP_INTERP_EXIT with
 * the code in *code when a host call asked to exit, ECAP_INTERP_TRAP with
 * the trap's message in msg (wabt's wording: "out of bounds memory access",
 * "unreachable executed", "integer divide by zero", "call stack
 * exhausted", ...).  Returns -1 with a reason in msg when the module could
 * not be instantiated (a non-function import, a data segment out of
 * bounds), when entry is not an exported function taking and returning
 * nothing, or when memory ran out.  Run once per interp.
 */
int ecap_interp_run(struct ecap_interp *in, const char *entry, ecap_interp_host_fn host,
    void *ctx, uint32_t *code, char *msg, size_t msglen);

/*
 * During a host call: the linear memory (memory 0) of the instance that
 * called, its first byte in *base and its size in bytes in *size.  Both
 * stay valid until the callback returns.  Returns 0, or -1 when the
 * instance has no memory or no host call is running.
 */
int ecap_interp_memory(struct ecap_interp *in, unsigned char **base, uint64_t *size);

/* After a run: the size of memory 0 in bytes (0 without one); memory never shrinks. */
uint64_t ecap_interp_memory_size(const struct ecap_interp *in);

/*
 * After a run (also one that trapped or exited): the value of global
 * index (imported globals first, Core Spec §2.5.7) in *value if it is an
 * i64.  Returns 0, or -1 when there is no instance or no such i64 global.
 */
int ecap_interp_global_i64(const struct ecap_interp *in, uint32_t index, int64_t *value);

void ecap_interp_free(struct ecap_interp *in);

#ifdef __cplusplus
}
#endif

#endif
