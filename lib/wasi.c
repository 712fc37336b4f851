/*
 * wasi.c - the WASI preview1 host: see wasi.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "err.h"
#include "hex.h"
#include "wasi.h"
#include "xio.h"

/* The functions of wasi_snapshot_preview1, in witx order; ids index this table. */
enum {
	F_ARGS_GET, F_ARGS_SIZES_GET, F_ENVIRON_GET, F_ENVIRON_SIZES_GET, F_CLOCK_RES_GET,
	F_CLOCK_TIME_GET, F_FD_ADVISE, F_FD_ALLOCATE, F_FD_CLOSE, F_FD_DATASYNC,
	F_FD_FDSTAT_GET, F_FD_FDSTAT_SET_FLAGS, F_FD_FDSTAT_SET_RIGHTS, F_FD_FILESTAT_GET,
	F_FD_FILESTAT_SET_SIZE, F_FD_FILESTAT_SET_TIMES, F_FD_PREAD, F_FD_PRESTAT_GET,
	F_FD_PRESTAT_DIR_NAME, F_FD_PWRITE, F_FD_READ, F_FD_READDIR, F_FD_RENUMBER, F_FD_SEEK,
	F_FD_SYNC, F_FD_TELL, F_FD_WRITE, F_PATH_CREATE_DIRECTORY, F_PATH_FILESTAT_GET,
	F_PATH_FILESTAT_SET_TIMES, F_PATH_LINK, F_PATH_OPEN, F_PATH_READLINK,
	F_PATH_REMOVE_DIRECTORY, F_PATH_RENAME, F_PATH_SYMLINK, F_PATH_UNLINK_FILE,
	F_POLL_ONEOFF, F_PROC_EXIT, F_PROC_RAISE, F_SCHED_YIELD, F_RANDOM_GET, F_SOCK_ACCEPT,
	F_SOCK_RECV, F_SOCK_SEND, F_SOCK_SHUTDOWN, F_COUNT
};

static const struct {
	const char *name, *params, *results;
} fns[F_COUNT] = {
	{ "args_get", "ii", "i" },
	{ "args_sizes_get", "ii", "i" },
	{ "environ_get", "ii", "i" },
	{ "environ_sizes_get", "ii", "i" },
	{ "clock_res_get", "ii", "i" },
	{ "clock_time_get", "iIi", "i" },
	{ "fd_advise", "iIIi", "i" },
	{ "fd_allocate", "iII", "i" },
	{ "fd_close", "i", "i" },
	{ "fd_datasync", "i", "i" },
	{ "fd_fdstat_get", "ii", "i" },
	{ "fd_fdstat_set_flags", "ii", "i" },
	{ "fd_fdstat_set_rights", "iII", "i" },
	{ "fd_filestat_get", "ii", "i" },
	{ "fd_filestat_set_size", "iI", "i" },
	{ "fd_filestat_set_times", "iIIi", "i" },
	{ "fd_pread", "iiiIi", "i" },
	{ "fd_prestat_get", "ii", "i" },
	{ "fd_prestat_dir_name", "iii", "i" },
	{ "fd_pwrite", "iiiIi", "i" },
	{ "fd_read", "iiii", "i" },
	{ "fd_readdir", "iiiIi", "i" },
	{ "fd_renumber", "ii", "i" },
	{ "fd_seek", "iIii", "i" },
	{ "fd_sync", "i", "i" },
	{ "fd_tell", "ii", "i" },
	{ "fd_write", "iiii", "i" },
	{ "path_create_directory", "iii", "i" },
	{ "path_filestat_get", "iiiii", "i" },
	{ "path_filestat_set_times", "iiiiIIi", "i" },
	{ "path_link", "iiiiiii", "i" },
	{ "path_open", "iiiiiIIii", "i" },
	{ "path_readlink", "iiiiii", "i" },
	{ "path_remove_directory", "iii", "i" },
	{ "path_rename", "iiiiii", "i" },
	{ "path_symlink", "iiiii", "i" },
	{ "path_unlink_file", "iii", "i" },
	{ "poll_oneoff", "iiii", "i" },
	{ "proc_exit", "i", "" },
	{ "proc_raise", "i", "i" },
	{ "sched_yield", "", "i" },
	{ "random_get", "ii", "i" },
	{ "sock_accept", "iii", "i" },
	{ "sock_recv", "iiiiii", "i" },
	{ "sock_send", "iiiii", "i" },
	{ "sock_shutdown", "ii", "i" },
};

/* Preview1 errno values beyond those in wasi.h. */
enum {
	W_2BIG = 1, W_ACCES = 2, W_AGAIN = 6, W_BUSY = 10, W_EXIST = 20, W_FBIG = 22,
	W_INTR = 27, W_ISDIR = 31, W_LOOP = 32, W_MFILE = 33, W_MLINK = 34,
	W_NAMETOOLONG = 37, W_NOENT = 44, W_NOMEM = 48, W_NOSPC = 51, W_NOTDIR = 54,
	W_NOTEMPTY = 55, W_OVERFLOW = 61, W_PERM = 63, W_PIPE = 64, W_ROFS = 69,
	W_SPIPE = 70, W_XDEV = 75,
};

/* filetype */
enum { T_UNKNOWN, T_BLOCK, T_CHAR, T_DIR, T_FILE, T_DGRAM, T_STREAM, T_SYMLINK };

/* rights */
#define R_FD_READ	(1ull << 1)
#define R_FD_SEEK	(1ull << 2)
#define R_FD_TELL	(1ull << 5)
#define R_FD_WRITE	(1ull << 6)
#define R_FD_ALLOCATE	(1ull << 8)
#define R_FD_READDIR	(1ull << 14)
#define R_FD_FILESTAT_SET_SIZE	(1ull << 22)
#define R_POLL		(1ull << 27)
#define R_ALL		((1ull << 30) - 1)

/* oflags, fdflags, lookupflags */
#define O_W_CREAT	1
#define O_W_DIRECTORY	2
#define O_W_EXCL	4
#define O_W_TRUNC	8
#define FD_W_APPEND	1
#define LOOKUP_FOLLOW	1

#define MAXFD		1024
#define MAXIOV		1024
#define MAXPATH		4096
#define CHUNK		(1u << 20)	/* bytes moved through guest memory at a time */
#define TICK_NS		1000000ull	/* the virtual clocks' step */

enum { K_FREE, K_STDIN, K_STDOUT, K_STDERR, K_DIR, K_FILE };

struct wfd {
	int kind;
	int host;		/* host descriptor, -1 for stdio */
	int ro;			/* beneath a read-only preopen */
	int pre;		/* the preopen it lies beneath, or -1 */
	int preopen;		/* 1 for the preopened directory itself */
	char *prename;		/* its guest name */
};

struct ecap_wasi {
	struct ecap_wasi_config c;
	struct wfd fd[MAXFD];
	br_hmac_drbg_context drbg;
	uint64_t ticks;			/* virtual clock calls so far */
	ecap_sha256_ctx transcript, out;
	uint64_t outbytes;		/* stdout + stderr */
	struct ecap_wasi_stats st;
	unsigned char *buf;		/* CHUNK bytes of scratch */
	char line[3 * MAXPATH + 1024];	/* the call being recorded */
	size_t linelen;
};

/* Host errno to preview1 errno. */
static uint32_t
werr(int e)
{
	switch (e) {
	case 0:		return 0;
	case E2BIG:	return W_2BIG;
	case EACCES:	return W_ACCES;
	case EAGAIN:	return W_AGAIN;
	case EBADF:	return ECAP_WASI_EBADF;
	case EBUSY:	return W_BUSY;
	case EEXIST:	return W_EXIST;
	case EFAULT:	return ECAP_WASI_EFAULT;
	case EFBIG:	return W_FBIG;
	case EINTR:	return W_INTR;
	case EINVAL:	return ECAP_WASI_EINVAL;
	case EISDIR:	return W_ISDIR;
	case ELOOP:	return W_LOOP;
	case EMFILE:	return W_MFILE;
	case EMLINK:	return W_MLINK;
	case ENAMETOOLONG: return W_NAMETOOLONG;
	case ENOENT:	return W_NOENT;
	case ENOMEM:	return W_NOMEM;
	case ENOSPC:	return W_NOSPC;
	case ENOSYS:	return ECAP_WASI_ENOSYS;
	case ENOTDIR:	return W_NOTDIR;
	case ENOTEMPTY:	return W_NOTEMPTY;
	case EOPNOTSUPP: return ECAP_WASI_ENOTSUP;
	case EOVERFLOW:	return W_OVERFLOW;
	case EPERM:	return W_PERM;
	case EPIPE:	return W_PIPE;
	case EROFS:	return W_ROFS;
	case ESPIPE:	return W_SPIPE;
	case EXDEV:	return ECAP_WASI_ENOTCAPABLE;	/* RESOLVE_BENEATH: it leads out */
	default:	return ECAP_WASI_EIO;
	}
}

int
ecap_wasi_lookup(const char *name, const char *params, const char *results)
{
	int k;

	for (k = 0; k < F_COUNT; k++)
		if (strcmp(fns[k].name, name) == 0) {
			if (strcmp(fns[k].params, params) != 0 || strcmp(fns[k].results, results) != 0)
				return ECAP_WASI_BADTYPE;
			return k;
		}
	return ECAP_WASI_UNKNOWN;
}

const char *
ecap_wasi_name(int id)
{
	return id >= 0 && id < F_COUNT ? fns[id].name : "?";
}

void
ecap_wasi_signature(int id, const char **params, const char **results)
{
	*params = fns[id].params;
	*results = fns[id].results;
}

/* The transcript. */

static void
lineadd(struct ecap_wasi *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
lineadd(struct ecap_wasi *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->linelen >= sizeof w->line)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->line + w->linelen, sizeof w->line - w->linelen, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->linelen += (size_t)n;
	if (w->linelen >= sizeof w->line)
		w->linelen = sizeof w->line - 1;
}

static void
lineend(struct ecap_wasi *w)
{
	w->line[w->linelen++] = '\n';
	ecap_sha256_update(&w->transcript, w->line, w->linelen);
	if (w->c.transcript_fd >= 0)
		ecap_writeall(w->c.transcript_fd, w->line, w->linelen, "transcript");
	w->linelen = 0;
}

void
ecap_wasi_record(struct ecap_wasi *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->line, sizeof w->line - 1, fmt, ap);
	va_end(ap);
	w->linelen = n < 0 ? 0 : (size_t)n < sizeof w->line - 1 ? (size_t)n : sizeof w->line - 2;
	lineend(w);
}

void
ecap_wasi_transcript_hash(struct ecap_wasi *w, unsigned char out[ECAP_SHA256_LEN])
{
	ecap_sha256_peek(&w->transcript, out);
}

/* " name=" and the bytes, printable ones as they are, others (and %) as %XX. */
static void
lineesc(struct ecap_wasi *w, const char *name, const unsigned char *p, size_t n)
{
	size_t k;

	lineadd(w, " %s=", name);
	for (k = 0; k < n; k++) {
		if (p[k] > 0x20 && p[k] < 0x7f && p[k] != '%')
			lineadd(w, "%c", p[k]);
		else
			lineadd(w, "%%%02X", p[k]);
	}
}

/* " name=N:SHA256" for data that moved. */
static void
linedata(struct ecap_wasi *w, const char *name, uint64_t n, ecap_sha256_ctx *h)
{
	unsigned char d[ECAP_SHA256_LEN];
	char x[2 * ECAP_SHA256_LEN + 1];

	ecap_sha256_final(h, d);
	ecap_hex_encode(x, d, sizeof d);
	lineadd(w, " %s=%llu:%s", name, (unsigned long long)n, x);
}

/* Guest memory. */

static int
rd(const struct ecap_wasi_mem *m, uint64_t addr, void *buf, uint64_t len)
{
	if (addr > UINT32_MAX || len > UINT32_MAX || addr + len > (uint64_t)UINT32_MAX + 1)
		return -1;
	return len == 0 ? 0 : m->read(m->ctx, (uint32_t)addr, buf, (uint32_t)len);
}

static int
wr(const struct ecap_wasi_mem *m, uint64_t addr, const void *buf, uint64_t len)
{
	if (addr > UINT32_MAX || len > UINT32_MAX || addr + len > (uint64_t)UINT32_MAX + 1)
		return -1;
	return len == 0 ? 0 : m->write(m->ctx, (uint32_t)addr, buf, (uint32_t)len);
}

static void
le32(unsigned char *p, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		p[k] = (unsigned char)(v >> (8 * k));
}

static void
le64(unsigned char *p, uint64_t v)
{
	for (int k = 0; k < 8; k++)
		p[k] = (unsigned char)(v >> (8 * k));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static int
wr32(const struct ecap_wasi_mem *m, uint64_t addr, uint32_t v)
{
	unsigned char b[4];

	le32(b, v);
	return wr(m, addr, b, 4);
}

static int
wr64(const struct ecap_wasi_mem *m, uint64_t addr, uint64_t v)
{
	unsigned char b[8];

	le64(b, v);
	return wr(m, addr, b, 8);
}

/* Setting up. */

struct ecap_wasi *
ecap_wasi_new(const struct ecap_wasi_config *c, char *why, size_t whylen)
{
	struct ecap_wasi *w = ecap_xcalloc(1, sizeof *w);
	static const char label[] = "wasm-exec random_get";
	size_t k;

	w->c = *c;
	w->buf = ecap_xmalloc(CHUNK);
	w->st.used_dir = ecap_xcalloc(c->ndirs + 1, sizeof *w->st.used_dir);
	ecap_sha256_init(&w->transcript);
	ecap_sha256_init(&w->out);
	br_hmac_drbg_init(&w->drbg, &br_sha256_vtable, c->seed, c->seedlen);
	br_hmac_drbg_update(&w->drbg, label, sizeof label - 1);
	w->fd[0].kind = K_STDIN;
	w->fd[1].kind = K_STDOUT;
	w->fd[2].kind = K_STDERR;
	for (k = 0; k < 3; k++) {
		w->fd[k].host = -1;
		w->fd[k].pre = -1;
	}
	if (c->ndirs > MAXFD - 3) {
		snprintf(why, whylen, "too many directories");
		ecap_wasi_free(w);
		return NULL;
	}
	for (k = 0; k < c->ndirs; k++) {
		struct wfd *f = &w->fd[3 + k];
		int d = open(c->dirs[k].host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (d < 0) {
			snprintf(why, whylen, "--dir %s: %s", c->dirs[k].host, strerror(errno));
			ecap_wasi_free(w);
			return NULL;
		}
		f->kind = K_DIR;
		f->host = d;
		f->ro = c->dirs[k].ro;
		f->pre = (int)k;
		f->preopen = 1;
		f->prename = ecap_xstrdup(c->dirs[k].guest);
	}
	return w;
}

void
ecap_wasi_free(struct ecap_wasi *w)
{
	size_t k;

	if (w == NULL)
		return;
	for (k = 0; k < MAXFD; k++) {
		if (w->fd[k].host >= 0 && w->fd[k].kind != K_FREE)
			close(w->fd[k].host);
		free(w->fd[k].prename);
	}
	free(w->buf);
	free(w->st.used_dir);
	explicit_bzero(&w->drbg, sizeof w->drbg);
	free(w);
}

void
ecap_wasi_stats(struct ecap_wasi *w, struct ecap_wasi_stats *s)
{
	*s = w->st;
	ecap_sha256_peek(&w->out, s->stdout_hash);
}

void
ecap_wasi_unprovided(struct ecap_wasi *w, const char *module, const char *name)
{
	w->st.unprovided++;
	ecap_wasi_record(w, "call %s.%s -> %d", module, name, ECAP_WASI_ENOSYS);
}

/* Descriptors. */

static struct wfd *
getfd(struct ecap_wasi *w, uint64_t fd)
{
	if (fd >= MAXFD || w->fd[fd].kind == K_FREE)
		return NULL;
	if (w->fd[fd].pre >= 0)
		w->st.used_dir[w->fd[fd].pre] = 1;
	return &w->fd[fd];
}

static int
newfd(struct ecap_wasi *w)
{
	int k;

	for (k = 3; k < MAXFD; k++)
		if (w->fd[k].kind == K_FREE)
			return k;
	return -1;
}

/*
 * Open path (read from guest memory) beneath directory fd dir with
 * openat2(RESOLVE_BENEATH).  Returns a host descriptor, or -1 with *err.
 */
static int
beneath(struct ecap_wasi *w, struct wfd *dir, const char *path, uint64_t flags, int mode,
    uint32_t *err)
{
	struct open_how how;
	long r;

	memset(&how, 0, sizeof how);
	how.flags = flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);
	how.mode = (flags & O_CREAT) ? (uint64_t)mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	do
		r = syscall(SYS_openat2, dir->host, path, &how, sizeof how);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*err = werr(errno);
		if (*err == ECAP_WASI_ENOTCAPABLE)
			w->st.denied++;
		return -1;
	}
	(void)w;
	return (int)r;
}

/*
 * Read the guest path at (ptr, len) into p (MAXPATH + 1 bytes), NUL-terminated,
 * and record it.  Returns 0 or a preview1 errno.
 */
static uint32_t
getpath(struct ecap_wasi *w, const struct ecap_wasi_mem *m, uint64_t ptr, uint64_t len, char *p,
    const char *name)
{
	if (len > MAXPATH)
		return W_NAMETOOLONG;
	if (rd(m, ptr, p, len) < 0)
		return ECAP_WASI_EFAULT;
	p[len] = '\0';
	lineesc(w, name, (const unsigned char *)p, len);
	if (memchr(p, '\0', len) != NULL)
		return ECAP_WASI_EINVAL;
	if (len == 0)
		return W_NOENT;
	return 0;
}

/*
 * For calls that act on a name in a directory: open the directory that
 * holds the last component of path beneath dir (as O_PATH), and point *base
 * at that component.  A last component of "." or ".." is refused.
 */
static int
parentof(struct ecap_wasi *w, struct wfd *dir, char *path, char **base, uint32_t *err)
{
	size_t n = strlen(path);
	char *slash;

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (slash == NULL) {
		*base = path;
		slash = NULL;
	} else {
		*base = slash + 1;
	}
	if (strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0 || **base == '\0') {
		*err = strcmp(*base, "..") == 0 ? ECAP_WASI_ENOTCAPABLE : ECAP_WASI_EINVAL;
		if (*err == ECAP_WASI_ENOTCAPABLE)
			w->st.denied++;
		return -1;
	}
	if (slash == NULL)
		return beneath(w, dir, ".", O_PATH | O_DIRECTORY, 0, err);
	if (slash == path)
		return beneath(w, dir, "/", O_PATH | O_DIRECTORY, 0, err);	/* refused */
	*slash = '\0';
	int d = beneath(w, dir, path, O_PATH | O_DIRECTORY, 0, err);
	*slash = '/';
	return d;
}

static uint8_t
filetype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFBLK:	return T_BLOCK;
	case S_IFCHR:	return T_CHAR;
	case S_IFDIR:	return T_DIR;
	case S_IFREG:	return T_FILE;
	case S_IFSOCK:	return T_STREAM;
	case S_IFLNK:	return T_SYMLINK;
	default:	return T_UNKNOWN;
	}
}

static uint64_t
ns(struct timespec t)
{
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* A filestat (64 bytes) at addr. */
static uint32_t
putstat(const struct ecap_wasi_mem *m, uint64_t addr, const struct stat *s)
{
	unsigned char b[64];

	memset(b, 0, sizeof b);
	if (s != NULL) {
		le64(b, (uint64_t)s->st_dev);
		le64(b + 8, (uint64_t)s->st_ino);
		b[16] = filetype(s->st_mode);
		le64(b + 24, (uint64_t)s->st_nlink);
		le64(b + 32, (uint64_t)s->st_size);
		le64(b + 40, ns(s->st_atim));
		le64(b + 48, ns(s->st_mtim));
		le64(b + 56, ns(s->st_ctim));
	}
	return wr(m, addr, b, sizeof b) < 0 ? ECAP_WASI_EFAULT : 0;
}

/* Strings: argv and environ. */

static uint32_t
sizes(const struct ecap_wasi_mem *m, char **v, size_t n, uint64_t countp, uint64_t sizep)
{
	uint64_t total = 0;
	size_t k;

	for (k = 0; k < n; k++)
		total += strlen(v[k]) + 1;
	if (wr32(m, countp, (uint32_t)n) < 0 || wr32(m, sizep, (uint32_t)total) < 0)
		return ECAP_WASI_EFAULT;
	return 0;
}

static uint32_t
strings(const struct ecap_wasi_mem *m, char **v, size_t n, uint64_t ptrs, uint64_t buf)
{
	size_t k, len;

	for (k = 0; k < n; k++) {
		len = strlen(v[k]) + 1;
		if (wr32(m, ptrs + 4 * k, (uint32_t)buf) < 0 || wr(m, buf, v[k], len) < 0)
			return ECAP_WASI_EFAULT;
		buf += len;
	}
	return 0;
}

/* Clocks and randomness. */

static uint32_t
clock_now(struct ecap_wasi *w, uint64_t id, uint64_t *t)
{
	struct timespec ts;
	static const clockid_t host[] = {
		CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID
	};

	if (id > 3)
		return ECAP_WASI_EINVAL;
	w->st.used_clock = 1;
	if (w->c.real_clock) {
		clock_gettime(host[id], &ts);
		*t = ns(ts);
		return 0;
	}
	w->ticks++;
	*t = w->ticks * TICK_NS + (id == 0 ? w->c.clock_start_ns : 0);
	return 0;
}

/* Sleep until the monotonic time t (ns), but never past the deadline. */
static void
sleep_until(struct ecap_wasi *w, uint64_t t)
{
	struct timespec ts;

	if (w->c.deadline_ns != 0 && t > w->c.deadline_ns)
		t = w->c.deadline_ns;
	ts.tv_sec = (time_t)(t / 1000000000ull);
	ts.tv_nsec = (long)(t % 1000000000ull);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* poll_oneoff: clock subscriptions wait (virtually by default); fd ones are not supported. */
static uint32_t
poll(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a)
{
	unsigned char s[48], e[32];
	uint64_t nsubs = a[2], k, nev = 0, now, best = UINT64_MAX, when;
	int have_clock = 0;

	if (nsubs == 0 || nsubs > 4096)
		return ECAP_WASI_EINVAL;
	if (clock_now(w, 1, &now) != 0)
		return ECAP_WASI_EINVAL;
	/* First pass: the earliest clock deadline. */
	for (k = 0; k < nsubs; k++) {
		if (rd(m, a[0] + 48 * k, s, sizeof s) < 0)
			return ECAP_WASI_EFAULT;
		if (s[8] != 0)
			continue;
		uint64_t timeout = get64(s + 24);
		int abs = get32(s + 40) & 1;
		uint64_t base = 0;

		if (abs && get32(s + 16) == 0 && clock_now(w, 0, &base) == 0 && base >= now)
			timeout = timeout > base ? timeout - base : 0;	/* realtime: make it relative */
		else if (abs)
			timeout = timeout > now ? timeout - now : 0;
		when = now + timeout;
		if (when < best)
			best = when;
		have_clock = 1;
	}
	if (have_clock) {
		if (w->c.real_clock)
			sleep_until(w, best);
		else if (best > w->ticks * TICK_NS)
			w->ticks = best / TICK_NS;
	}
	for (k = 0; k < nsubs; k++) {
		if (rd(m, a[0] + 48 * k, s, sizeof s) < 0)
			return ECAP_WASI_EFAULT;
		memset(e, 0, sizeof e);
		memcpy(e, s, 8);		/* userdata */
		e[10] = s[8];			/* type */
		if (s[8] == 0) {
			/* every clock subscription fires once the earliest has */
		} else if (s[8] <= 2) {
			e[8] = ECAP_WASI_ENOTSUP;
		} else {
			return ECAP_WASI_EINVAL;
		}
		if (wr(m, a[1] + 32 * nev, e, sizeof e) < 0)
			return ECAP_WASI_EFAULT;
		nev++;
	}
	return wr32(m, a[3], (uint32_t)nev) < 0 ? ECAP_WASI_EFAULT : 0;
}

static uint32_t
randbytes(struct ecap_wasi *w, const struct ecap_wasi_mem *m, uint64_t addr, uint64_t len)
{
	ecap_sha256_ctx h;
	uint64_t done = 0;

	ecap_sha256_init(&h);
	w->st.used_random = 1;
	while (done < len) {
		size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;

		if (w->c.real_random) {
			size_t got = 0;

			while (got < n) {
				ssize_t r = getrandom(w->buf + got, n - got, 0);

				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0)
					return ECAP_WASI_EIO;
				got += (size_t)r;
			}
		} else {
			br_hmac_drbg_generate(&w->drbg, w->buf, n);
		}
		if (wr(m, addr + done, w->buf, n) < 0)
			return ECAP_WASI_EFAULT;
		ecap_sha256_update(&h, w->buf, n);
		done += n;
	}
	linedata(w, "data", len, &h);
	return 0;
}

/* Reading and writing. */

/*
 * Write n bytes of guest output to the host descriptor, counting against
 * the limit: *done is what was written; *limit is set when the limit cut it.
 */
static int
output(struct ecap_wasi *w, struct wfd *f, const unsigned char *p, size_t n, size_t *done,
    uint32_t *err, int *limit)
{
	int fd = f->kind == K_STDOUT ? w->c.stdout_fd : w->c.stderr_fd;
	size_t k = 0;

	if (w->c.max_output != 0 && w->outbytes + n > w->c.max_output) {
		n = (size_t)(w->c.max_output - w->outbytes);
		*limit = 1;
	}
	while (k < n) {
		ssize_t r = write(fd, p + k, n - k);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*err = werr(errno);
			break;
		}
		k += (size_t)r;
	}
	w->outbytes += k;
	if (f->kind == K_STDOUT) {
		ecap_sha256_update(&w->out, p, k);
		w->st.stdout_bytes += k;
	} else {
		w->st.stderr_bytes += k;
	}
	*done = k;
	return k < n ? -1 : 0;
}

/* fd_write and fd_pwrite (a[3] the offset when pos). */
static int
writev_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a, int pos,
    uint32_t *err)
{
	struct wfd *f = getfd(w, a[0]);
	unsigned char iov[8 * 64];
	uint64_t niov = a[2], k, total = 0, off = pos ? a[3] : 0;
	uint64_t resp = pos ? a[4] : a[3];
	ecap_sha256_ctx h;
	int limit = 0;

	ecap_sha256_init(&h);
	*err = 0;
	if (f == NULL)
		return *err = ECAP_WASI_EBADF, 0;
	if (f->kind == K_STDIN || f->kind == K_DIR)
		return *err = ECAP_WASI_EBADF, 0;
	if (f->ro)
		return w->st.denied++, *err = ECAP_WASI_ENOTCAPABLE, 0;
	if ((f->kind == K_STDOUT || f->kind == K_STDERR) && pos)
		return *err = W_SPIPE, 0;
	if (niov > MAXIOV)
		return *err = ECAP_WASI_EINVAL, 0;
	for (k = 0; k < niov && *err == 0 && !limit; k++) {
		if (k % 64 == 0 &&
		    rd(m, a[1] + 8 * k, iov, 8 * (niov - k < 64 ? niov - k : 64)) < 0)
			return *err = ECAP_WASI_EFAULT, 0;
		uint64_t base = get32(iov + 8 * (k % 64)), len = get32(iov + 8 * (k % 64) + 4);
		uint64_t done = 0;

		while (done < len && !limit) {
			size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;

			if (rd(m, base + done, w->buf, n) < 0) {
				*err = ECAP_WASI_EFAULT;
				break;
			}
			if (f->kind == K_FILE) {
				ssize_t r = pos ? pwrite(f->host, w->buf, n, (off_t)(off + total))
				    : write(f->host, w->buf, n);

				if (r < 0) {
					*err = werr(errno);
					break;
				}
				n = (size_t)r;
			} else {
				size_t got;

				if (output(w, f, w->buf, n, &got, err, &limit) < 0 && got == 0)
					break;
				n = got;
			}
			ecap_sha256_update(&h, w->buf, n);
			done += n;
			total += n;
			if (n == 0)
				break;
		}
	}
	linedata(w, "data", total, &h);
	if (total > 0)
		*err = 0;	/* a short write is a success, as write(2)'s */
	if (*err == 0 && wr32(m, resp, (uint32_t)total) < 0)
		*err = ECAP_WASI_EFAULT;
	return limit;
}

/* Guest stdin. */
static ssize_t
instdin(struct ecap_wasi *w, void *buf, size_t n)
{
	ssize_t r = w->c.stdin_read(w->c.stdin_ctx, buf, n);

	if (r > 0)
		w->st.stdin_bytes += (uint64_t)r;
	return r;
}

/* fd_read and fd_pread. */
static uint32_t
readv_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a, int pos)
{
	struct wfd *f = getfd(w, a[0]);
	unsigned char iov[8];
	uint64_t niov = a[2], k, total = 0, off = pos ? a[3] : 0;
	uint64_t resp = pos ? a[4] : a[3];
	ecap_sha256_ctx h;
	uint32_t err = 0;
	int eof = 0;

	if (f == NULL || f->kind == K_STDOUT || f->kind == K_STDERR || f->kind == K_DIR)
		return ECAP_WASI_EBADF;
	if (f->kind == K_STDIN && pos)
		return W_SPIPE;
	if (niov > MAXIOV)
		return ECAP_WASI_EINVAL;
	ecap_sha256_init(&h);
	for (k = 0; k < niov && !eof && err == 0; k++) {
		if (rd(m, a[1] + 8 * k, iov, 8) < 0)
			return ECAP_WASI_EFAULT;
		uint64_t base = get32(iov), len = get32(iov + 4), done = 0;

		while (done < len) {
			size_t n = len - done < CHUNK ? (size_t)(len - done) : CHUNK;
			ssize_t r;

			if (f->kind == K_STDIN)
				r = instdin(w, w->buf, n);
			else if (pos)
				r = pread(f->host, w->buf, n, (off_t)(off + total));
			else
				r = read(f->host, w->buf, n);
			if (r < 0 && errno == EINTR && f->kind != K_STDIN)
				continue;
			if (r < 0) {
				err = f->kind == K_STDIN ? ECAP_WASI_EIO : werr(errno);
				break;
			}
			if (wr(m, base + done, w->buf, (size_t)r) < 0) {
				err = ECAP_WASI_EFAULT;
				break;
			}
			ecap_sha256_update(&h, w->buf, (size_t)r);
			done += (uint64_t)r;
			total += (uint64_t)r;
			/* A short read ends the call, so a pipe never blocks for more. */
			if ((size_t)r < n) {
				eof = 1;
				break;
			}
		}
	}
	linedata(w, "data", total, &h);
	if (total > 0)
		err = 0;
	if (err == 0 && wr32(m, resp, (uint32_t)total) < 0)
		err = ECAP_WASI_EFAULT;
	return err;
}

/* Directories. */

static int
namecmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/*
 * fd_readdir: the entries sorted by name, so that every file system lists
 * them alike; an entry's cookie is its index plus one.
 */
static uint32_t
readdir_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a)
{
	struct wfd *f = getfd(w, a[0]);
	uint64_t buflen = a[2], cookie = a[3], used = 0, k;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	uint32_t err = 0;
	DIR *d;
	int fd;

	if (f == NULL || f->kind != K_DIR)
		return f == NULL ? ECAP_WASI_EBADF : W_NOTDIR;
	if ((fd = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return werr(errno);
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return werr(errno);
	}
	while ((de = readdir(d)) != NULL) {
		if (n == cap)
			names = ecap_xrealloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
		names[n++] = ecap_xstrdup(de->d_name);
	}
	qsort(names, n, sizeof *names, namecmp);
	for (k = cookie; k < n && used < buflen; k++) {
		unsigned char ent[24];
		size_t len = strlen(names[k]), take;
		struct stat st;

		memset(ent, 0, sizeof ent);
		le64(ent, k + 1);
		if (fstatat(f->host, names[k], &st, AT_SYMLINK_NOFOLLOW) == 0) {
			le64(ent + 8, (uint64_t)st.st_ino);
			ent[20] = filetype(st.st_mode);
		}
		le32(ent + 16, (uint32_t)len);
		take = buflen - used < sizeof ent ? (size_t)(buflen - used) : sizeof ent;
		if (wr(m, a[1] + used, ent, take) < 0) {
			err = ECAP_WASI_EFAULT;
			break;
		}
		used += take;
		take = buflen - used < len ? (size_t)(buflen - used) : len;
		if (wr(m, a[1] + used, names[k], take) < 0) {
			err = ECAP_WASI_EFAULT;
			break;
		}
		used += take;
	}
	for (k = 0; k < n; k++)
		free(names[k]);
	free(names);
	closedir(d);
	lineadd(w, " used=%llu", (unsigned long long)used);
	if (err == 0 && wr32(m, a[4], (uint32_t)used) < 0)
		err = ECAP_WASI_EFAULT;
	return err;
}

/* The times to set, from a filestat_set_times call's atim, mtim and fstflags. */
static int
settimes(uint64_t atim, uint64_t mtim, uint64_t fl, struct timespec ts[2])
{
	if (fl & ~(uint64_t)0xf || ((fl & 1) && (fl & 2)) || ((fl & 4) && (fl & 8)))
		return -1;
	ts[0].tv_sec = (time_t)(atim / 1000000000ull);
	ts[0].tv_nsec = (fl & 2) ? UTIME_NOW : (fl & 1) ? (long)(atim % 1000000000ull) : UTIME_OMIT;
	ts[1].tv_sec = (time_t)(mtim / 1000000000ull);
	ts[1].tv_nsec = (fl & 8) ? UTIME_NOW : (fl & 4) ? (long)(mtim % 1000000000ull) : UTIME_OMIT;
	return 0;
}

/* path_open. */
static uint32_t
open_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a)
{
	struct wfd *dir = getfd(w, a[0]);
	uint64_t oflags = a[4], rights = a[5], fdflags = a[7];
	char path[MAXPATH + 1];
	int rd_ = (rights & (R_FD_READ | R_FD_READDIR)) != 0;
	int wr_ = (rights & (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE)) != 0 ||
	    (fdflags & FD_W_APPEND);
	uint64_t flags = 0;
	uint32_t err;
	struct stat st;
	int h, k;

	if ((err = getpath(w, m, a[2], a[3], path, "path")) != 0)
		return err;
	if (dir == NULL)
		return ECAP_WASI_EBADF;
	if (dir->kind != K_DIR)
		return W_NOTDIR;
	if (dir->ro && (wr_ || (oflags & (O_W_CREAT | O_W_TRUNC)))) {
		w->st.denied++;
		return ECAP_WASI_ENOTCAPABLE;
	}
	flags = wr_ ? (rd_ ? O_RDWR : O_WRONLY) : O_RDONLY;
	if (oflags & O_W_CREAT)
		flags |= O_CREAT;
	if (oflags & O_W_DIRECTORY)
		flags |= O_DIRECTORY;
	if (oflags & O_W_EXCL)
		flags |= O_EXCL;
	if (oflags & O_W_TRUNC)
		flags |= O_TRUNC;
	if (fdflags & FD_W_APPEND)
		flags |= O_APPEND;
	if (!(a[1] & LOOKUP_FOLLOW))
		flags |= O_NOFOLLOW;
	if ((k = newfd(w)) < 0)
		return W_MFILE;
	if ((h = beneath(w, dir, path, flags, 0666, &err)) < 0)
		return err;
	if (fstat(h, &st) < 0) {
		close(h);
		return werr(errno);
	}
	w->fd[k].kind = S_ISDIR(st.st_mode) ? K_DIR : K_FILE;
	w->fd[k].host = h;
	w->fd[k].ro = dir->ro;
	w->fd[k].pre = dir->pre;
	w->fd[k].preopen = 0;
	lineadd(w, " fd=%d", k);
	if (wr32(m, a[8], (uint32_t)k) < 0) {
		close(h);
		w->fd[k].kind = K_FREE;
		return ECAP_WASI_EFAULT;
	}
	return 0;
}

/*
 * The calls that act on one name in a directory: mkdir, rmdir, unlink,
 * stat, readlink.  a[0] the directory, (ptr, len) the path.
 */
static uint32_t
atname(struct ecap_wasi *w, const struct ecap_wasi_mem *m, int id, const uint64_t *a)
{
	int flagged = id == F_PATH_FILESTAT_GET || id == F_PATH_FILESTAT_SET_TIMES;
	uint64_t ptr = flagged ? a[2] : a[1];
	uint64_t len = flagged ? a[3] : a[2];
	struct timespec ts[2];
	struct wfd *dir = getfd(w, a[0]);
	char path[MAXPATH + 1], *base;
	uint32_t err;
	struct stat st;
	int d, r = 0;

	if ((err = getpath(w, m, ptr, len, path, "path")) != 0)
		return err;
	if (dir == NULL)
		return ECAP_WASI_EBADF;
	if (dir->kind != K_DIR)
		return W_NOTDIR;
	if (dir->ro && id != F_PATH_FILESTAT_GET && id != F_PATH_READLINK) {
		w->st.denied++;
		return ECAP_WASI_ENOTCAPABLE;
	}
	if (id == F_PATH_FILESTAT_SET_TIMES && settimes(a[4], a[5], a[6], ts) < 0)
		return ECAP_WASI_EINVAL;
	if (flagged && (a[1] & LOOKUP_FOLLOW)) {
		/* Follow the link, beneath the directory still. */
		if ((d = beneath(w, dir, path, O_PATH, 0, &err)) < 0)
			return err;
		if (id == F_PATH_FILESTAT_GET) {
			r = fstat(d, &st);
			err = r < 0 ? werr(errno) : putstat(m, a[4], &st);
		} else {
			r = utimensat(d, "", ts, AT_EMPTY_PATH);
			err = r < 0 ? werr(errno) : 0;
		}
		close(d);
		return err;
	}
	if ((d = parentof(w, dir, path, &base, &err)) < 0)
		return err;
	switch (id) {
	case F_PATH_CREATE_DIRECTORY:
		r = mkdirat(d, base, 0777);
		break;
	case F_PATH_REMOVE_DIRECTORY:
		r = unlinkat(d, base, AT_REMOVEDIR);
		break;
	case F_PATH_UNLINK_FILE:
		r = unlinkat(d, base, 0);
		break;
	case F_PATH_FILESTAT_GET:
		if ((r = fstatat(d, base, &st, AT_SYMLINK_NOFOLLOW)) == 0)
			err = putstat(m, a[4], &st);
		break;
	case F_PATH_FILESTAT_SET_TIMES:
		r = utimensat(d, base, ts, AT_SYMLINK_NOFOLLOW);
		break;
	case F_PATH_READLINK: {
		ssize_t n = readlinkat(d, base, (char *)w->buf, MAXPATH);
		uint64_t take;

		if (n < 0) {
			r = -1;
			break;
		}
		take = (uint64_t)n < a[4] ? (uint64_t)n : a[4];
		if (wr(m, a[3], w->buf, take) < 0 || wr32(m, a[5], (uint32_t)take) < 0)
			err = ECAP_WASI_EFAULT;
		break;
	}
	}
	if (r < 0)
		err = werr(errno);
	close(d);
	return err;
}

static uint32_t
rename_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a)
{
	struct wfd *from = getfd(w, a[0]), *to = getfd(w, a[3]);
	char p1[MAXPATH + 1], p2[MAXPATH + 1], *b1, *b2;
	uint32_t err;
	int d1, d2, r;

	if ((err = getpath(w, m, a[1], a[2], p1, "from")) != 0 ||
	    (err = getpath(w, m, a[4], a[5], p2, "to")) != 0)
		return err;
	if (from == NULL || to == NULL)
		return ECAP_WASI_EBADF;
	if (from->kind != K_DIR || to->kind != K_DIR)
		return W_NOTDIR;
	if (from->ro || to->ro) {
		w->st.denied++;
		return ECAP_WASI_ENOTCAPABLE;
	}
	if ((d1 = parentof(w, from, p1, &b1, &err)) < 0)
		return err;
	if ((d2 = parentof(w, to, p2, &b2, &err)) < 0) {
		close(d1);
		return err;
	}
	r = renameat(d1, b1, d2, b2);
	err = r < 0 ? werr(errno) : 0;
	close(d1);
	close(d2);
	return err;
}

/*
 * path_symlink: any target may be written, since following a link never
 * leads out of a preopen (RESOLVE_BENEATH).
 */
static uint32_t
symlink_(struct ecap_wasi *w, const struct ecap_wasi_mem *m, const uint64_t *a)
{
	struct wfd *dir = getfd(w, a[2]);
	char target[MAXPATH + 1], path[MAXPATH + 1], *base;
	uint32_t err;
	int d, r;

	if ((err = getpath(w, m, a[0], a[1], target, "target")) != 0 ||
	    (err = getpath(w, m, a[3], a[4], path, "path")) != 0)
		return err;
	if (dir == NULL)
		return ECAP_WASI_EBADF;
	if (dir->kind != K_DIR)
		return W_NOTDIR;
	if (dir->ro) {
		w->st.denied++;
		return ECAP_WASI_ENOTCAPABLE;
	}
	if ((d = parentof(w, dir, path, &base, &err)) < 0)
		return err;
	r = symlinkat(target, d, base);
	err = r < 0 ? werr(errno) : 0;
	close(d);
	return err;
}

/* The fd calls that need no more than the descriptor. */
static uint32_t
fdcall(struct ecap_wasi *w, const struct ecap_wasi_mem *m, int id, const uint64_t *a)
{
	struct wfd *f = getfd(w, a[0]);
	unsigned char b[24];
	struct stat st;
	off_t off;
	int stdio;

	if (f == NULL)
		return ECAP_WASI_EBADF;
	stdio = f->kind == K_STDIN || f->kind == K_STDOUT || f->kind == K_STDERR;
	switch (id) {
	case F_FD_CLOSE:
		if (f->host >= 0)
			close(f->host);
		free(f->prename);
		memset(f, 0, sizeof *f);
		f->kind = K_FREE;
		f->host = -1;
		return 0;
	case F_FD_FDSTAT_GET:
		memset(b, 0, sizeof b);
		/* stdio is the same whatever the host wires to it, for deterministic runs */
		b[0] = stdio ? T_UNKNOWN : f->kind == K_DIR ? T_DIR : T_FILE;
		if (f->kind == K_FILE && fstat(f->host, &st) == 0)
			b[0] = filetype(st.st_mode);
		le64(b + 8, stdio ? (R_FD_READ | R_FD_WRITE | R_POLL) : R_ALL);
		le64(b + 16, stdio ? 0 : R_ALL);
		return wr(m, a[1], b, sizeof b) < 0 ? ECAP_WASI_EFAULT : 0;
	case F_FD_FILESTAT_GET:
		if (stdio)
			return putstat(m, a[1], NULL);
		if (fstat(f->host, &st) < 0)
			return werr(errno);
		return putstat(m, a[1], &st);
	case F_FD_FILESTAT_SET_SIZE:
		if (f->kind != K_FILE)
			return ECAP_WASI_EBADF;
		if (f->ro)
			return w->st.denied++, ECAP_WASI_ENOTCAPABLE;
		return ftruncate(f->host, (off_t)a[1]) < 0 ? werr(errno) : 0;
	case F_FD_FILESTAT_SET_TIMES: {
		struct timespec ts[2];

		if (stdio)
			return ECAP_WASI_EBADF;
		if (f->ro)
			return w->st.denied++, ECAP_WASI_ENOTCAPABLE;
		if (settimes(a[1], a[2], a[3], ts) < 0)
			return ECAP_WASI_EINVAL;
		return futimens(f->host, ts) < 0 ? werr(errno) : 0;
	}
	case F_FD_PRESTAT_GET:
		if (!f->preopen)
			return ECAP_WASI_EBADF;
		memset(b, 0, 8);
		le32(b + 4, (uint32_t)strlen(f->prename));
		return wr(m, a[1], b, 8) < 0 ? ECAP_WASI_EFAULT : 0;
	case F_FD_PRESTAT_DIR_NAME: {
		size_t n = strlen(f->prename);

		if (!f->preopen)
			return ECAP_WASI_EBADF;
		return wr(m, a[1], f->prename, a[2] < n ? a[2] : n) < 0 ? ECAP_WASI_EFAULT : 0;
	}
	case F_FD_SEEK:
	case F_FD_TELL:
		if (stdio)
			return W_SPIPE;
		if (f->kind == K_DIR)
			return ECAP_WASI_EBADF;
		if (id == F_FD_SEEK && a[2] > 2)
			return ECAP_WASI_EINVAL;
		off = id == F_FD_TELL ? lseek(f->host, 0, SEEK_CUR)
		    : lseek(f->host, (off_t)a[1], a[2] == 0 ? SEEK_SET : a[2] == 1 ? SEEK_CUR : SEEK_END);
		if (off < 0)
			return werr(errno);
		lineadd(w, " offset=%lld", (long long)off);
		return wr64(m, id == F_FD_TELL ? a[1] : a[3], (uint64_t)off) < 0 ? ECAP_WASI_EFAULT : 0;
	case F_FD_SYNC:
	case F_FD_DATASYNC:
		if (stdio)
			return ECAP_WASI_EINVAL;
		return fsync(f->host) < 0 ? werr(errno) : 0;
	case F_FD_ADVISE:
		return stdio || f->kind == K_DIR ? ECAP_WASI_EBADF : 0;
	}
	return ECAP_WASI_ENOSYS;
}

int
ecap_wasi_call(struct ecap_wasi *w, int id, const uint64_t *a, size_t nargs,
    const struct ecap_wasi_mem *m, uint64_t *result)
{
	uint32_t err = 0;
	uint64_t t;
	size_t k;
	int rc = ECAP_WASI_RETURN;

	(void)nargs;
	w->st.calls[id]++;
	w->linelen = 0;
	lineadd(w, "call %s", fns[id].name);
	for (k = 0; k < strlen(fns[id].params); k++)
		lineadd(w, " %llu", (unsigned long long)a[k]);
	lineadd(w, " ->");
	/* What the call found or moved is added after the errno: keep it aside. */
	size_t mark = w->linelen;
	w->line[w->linelen] = '\0';

	switch (id) {
	case F_ARGS_SIZES_GET:
		w->st.used_args = 1;
		err = sizes(m, w->c.argv, w->c.argc, a[0], a[1]);
		break;
	case F_ARGS_GET:
		w->st.used_args = 1;
		err = strings(m, w->c.argv, w->c.argc, a[0], a[1]);
		break;
	case F_ENVIRON_SIZES_GET:
		w->st.used_env |= w->c.nenv > 0;
		err = sizes(m, w->c.env, w->c.nenv, a[0], a[1]);
		break;
	case F_ENVIRON_GET:
		w->st.used_env |= w->c.nenv > 0;
		err = strings(m, w->c.env, w->c.nenv, a[0], a[1]);
		break;
	case F_CLOCK_RES_GET:
		if (a[0] > 3)
			err = ECAP_WASI_EINVAL;
		else
			err = wr64(m, a[1], w->c.real_clock ? 1 : TICK_NS) < 0 ? ECAP_WASI_EFAULT : 0;
		break;
	case F_CLOCK_TIME_GET:
		if ((err = clock_now(w, a[0], &t)) == 0) {
			lineadd(w, " time=%llu", (unsigned long long)t);
			err = wr64(m, a[2], t) < 0 ? ECAP_WASI_EFAULT : 0;
		}
		break;
	case F_FD_READ:
	case F_FD_PREAD:
		err = readv_(w, m, a, id == F_FD_PREAD);
		break;
	case F_FD_WRITE:
	case F_FD_PWRITE:
		if (writev_(w, m, a, id == F_FD_PWRITE, &err))
			rc = ECAP_WASI_LIMIT;
		break;
	case F_FD_READDIR:
		err = readdir_(w, m, a);
		break;
	case F_PATH_OPEN:
		err = open_(w, m, a);
		break;
	case F_PATH_CREATE_DIRECTORY:
	case F_PATH_REMOVE_DIRECTORY:
	case F_PATH_UNLINK_FILE:
	case F_PATH_FILESTAT_GET:
	case F_PATH_FILESTAT_SET_TIMES:
	case F_PATH_READLINK:
		err = atname(w, m, id, a);
		break;
	case F_PATH_RENAME:
		err = rename_(w, m, a);
		break;
	case F_PATH_SYMLINK:
		err = symlink_(w, m, a);
		break;
	case F_FD_CLOSE:
	case F_FD_FDSTAT_GET:
	case F_FD_FILESTAT_GET:
	case F_FD_FILESTAT_SET_SIZE:
	case F_FD_FILESTAT_SET_TIMES:
	case F_FD_PRESTAT_GET:
	case F_FD_PRESTAT_DIR_NAME:
	case F_FD_SEEK:
	case F_FD_TELL:
	case F_FD_SYNC:
	case F_FD_DATASYNC:
	case F_FD_ADVISE:
		err = fdcall(w, m, id, a);
		break;
	case F_POLL_ONEOFF:
		err = poll(w, m, a);
		break;
	case F_RANDOM_GET:
		err = randbytes(w, m, a[0], a[1]);
		break;
	case F_SCHED_YIELD:
		break;
	case F_PROC_EXIT:
		*result = (uint32_t)a[0];
		w->line[mark] = '\0';
		w->linelen = mark;
		lineadd(w, " exit");
		lineend(w);
		return ECAP_WASI_EXIT;
	default:
		err = ECAP_WASI_ENOSYS;
		break;
	}
	/* "call NAME ARGS -> ERRNO DETAILS": put the errno before the details. */
	{
		char details[sizeof w->line];
		size_t dl = w->linelen - mark;

		memcpy(details, w->line + mark, dl);
		w->linelen = mark;
		lineadd(w, " %u", err);
		if (w->linelen + dl < sizeof w->line) {
			memcpy(w->line + w->linelen, details, dl);
			w->linelen += dl;
		}
	}
	lineend(w);
	*result = err;
	return rc;
}
