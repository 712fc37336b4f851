/*
 * wasi.h - the WASI preview1 host of wasm-exec(1): the system calls a
 * module imports from "wasi_snapshot_preview1", performed for the guest
 * under a grant of capabilities, and recorded in a transcript.
 *
 * The standard is WASI preview1 (wasi_snapshot_preview1, witx of
 * WebAssembly/WASI at tag snapshot-01): the functions, their signatures,
 * the errno values and the layout of iovec, fdstat, prestat, filestat,
 * dirent, subscription and event in the guest's little-endian memory.
 *
 * The host never touches guest memory itself: it reads and writes it
 * through the caller's ecap_wasi_mem, so the guest can run in another
 * process (wasm-exec's sandboxed child) while the calls, the checks and
 * the transcript stay here.  Guest paths resolve only beneath a preopened
 * directory: openat2(2) with RESOLVE_BENEATH refuses "..", absolute paths
 * and symbolic links that lead out, and such a call returns ENOTCAPABLE.
 *
 * Deterministic by default: the clocks are virtual (they start at
 * clock_start_ns and advance 1 ms at each clock call, poll_oneoff waits
 * without sleeping) and random_get is HMAC_DRBG (NIST SP 800-90A, SHA-256)
 * seeded with the seed; real_clock and real_random give the host's.
 */
#ifndef ECAP_WASI_H
#define ECAP_WASI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sha256.h"

/* WASI errno values used here (preview1 "errno"). */
#define ECAP_WASI_ESUCCESS	0
#define ECAP_WASI_EBADF		8
#define ECAP_WASI_EFAULT	21
#define ECAP_WASI_EINVAL	28
#define ECAP_WASI_EIO		29
#define ECAP_WASI_ENOSYS	52
#define ECAP_WASI_ENOTSUP	58
#define ECAP_WASI_ENOTCAPABLE	76

/*
 * Guest memory as the host reaches it: each returns 0, or -1 when
 * [addr, addr + len) is out of bounds.
 */
struct ecap_wasi_mem {
	void *ctx;
	int (*read)(void *ctx, uint32_t addr, void *buf, uint32_t len);
	int (*write)(void *ctx, uint32_t addr, const void *buf, uint32_t len);
};

/* A directory the guest may reach, as --dir HOST::GUEST[:ro] gives it. */
struct ecap_wasi_dir {
	const char *host;	/* the host path */
	const char *guest;	/* the name the guest sees (fd_prestat_dir_name) */
	int ro;			/* 1: nothing may be created, changed or removed beneath it */
};

struct ecap_wasi_config {
	char **argv;		/* argv[0] is the program name the guest sees */
	size_t argc;
	char **env;		/* "NAME=VALUE" strings */
	size_t nenv;
	const struct ecap_wasi_dir *dirs;	/* preopened as fds 3, 4, ... in this order */
	size_t ndirs;
	int real_clock;		/* 1: clock_* and poll_oneoff use the host's clocks */
	int real_random;	/* 1: random_get uses getrandom(2) */
	const void *seed;	/* the seed of the virtual random_get */
	size_t seedlen;
	uint64_t clock_start_ns;	/* the virtual realtime clock's start, ns since the epoch */
	uint64_t max_output;	/* bytes the guest may write to stdout and stderr; 0: no limit */
	uint64_t deadline_ns;	/* CLOCK_MONOTONIC time past which no call sleeps; 0: none */
	/* The guest's stdin: like read(2), returns bytes, 0 at the end, -1 on error. */
	ssize_t (*stdin_read)(void *ctx, void *buf, size_t len);
	void *stdin_ctx;
	int stdout_fd, stderr_fd;	/* where the guest's output goes */
	int transcript_fd;	/* also write the transcript's text here; -1: only hash it */
};

struct ecap_wasi;

/*
 * A new host for one run, with the preopens opened.  Returns NULL with a
 * one-line reason in why ("--dir /x: No such file or directory").
 */
struct ecap_wasi *ecap_wasi_new(const struct ecap_wasi_config *c, char *why, size_t whylen);
void ecap_wasi_free(struct ecap_wasi *w);

/*
 * The function id of the import wasi_snapshot_preview1.NAME with the given
 * parameter and result types (spelled as in interp.h: "iIii", "i").
 * Returns the id (>= 0); ECAP_WASI_UNKNOWN when preview1 has no such
 * function (the caller may serve it with ENOSYS); ECAP_WASI_BADTYPE when
 * it has one of another type.
 */
#define ECAP_WASI_UNKNOWN	(-1)
#define ECAP_WASI_BADTYPE	(-2)
int ecap_wasi_lookup(const char *name, const char *params, const char *results);
const char *ecap_wasi_name(int id);

/* The preview1 signature of function id: parameter and result types. */
void ecap_wasi_signature(int id, const char **params, const char **results);

/* How a call ended. */
enum {
	ECAP_WASI_RETURN = 0,	/* *result holds the errno to return */
	ECAP_WASI_EXIT = 1,	/* proc_exit: *result holds the code */
	ECAP_WASI_LIMIT = 2,	/* the output limit was reached: stop the guest */
};

/*
 * Perform function id with its arguments (i32 zero-extended) on guest
 * memory m, and add it to the transcript.  An argument that points outside
 * memory gives EFAULT; a call outside the grant ENOTCAPABLE.
 */
int ecap_wasi_call(struct ecap_wasi *w, int id, const uint64_t *args, size_t nargs,
    const struct ecap_wasi_mem *m, uint64_t *result);

/* Record an import that is not provided and returned ENOSYS (called once per call). */
void ecap_wasi_unprovided(struct ecap_wasi *w, const char *module, const char *name);

/* Add one line of text (no newline) to the transcript: "module ...", "exit 0", ... */
void ecap_wasi_record(struct ecap_wasi *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The SHA-256 of the transcript so far, 32 bytes. */
void ecap_wasi_transcript_hash(struct ecap_wasi *w, unsigned char out[ECAP_SHA256_LEN]);

/* Figures for the report. */
struct ecap_wasi_stats {
	uint64_t calls[64];		/* per function id */
	uint64_t unprovided;		/* calls to imports served with ENOSYS */
	uint64_t denied;		/* calls refused with ENOTCAPABLE */
	uint64_t stdout_bytes, stderr_bytes, stdin_bytes;
	unsigned char stdout_hash[ECAP_SHA256_LEN];	/* SHA-256 of all the guest wrote to stdout */
	int used_env, used_clock, used_random, used_args;
	int *used_dir;			/* per preopen: 1 if a call reached beneath it */
};
void ecap_wasi_stats(struct ecap_wasi *w, struct ecap_wasi_stats *s);

#endif
