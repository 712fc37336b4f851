/*
 * wasm-exec: run a WebAssembly module (WASI preview1) in a capability
 * sandbox, from a file or from the exec/1 frame stream of ecap-open(1).
 *
 * Two processes: this one (the parent) reads the input, decides the
 * grant, serves every WASI call, keeps the transcript and writes the
 * report; a child runs the interpreter under a seccomp filter that lets it
 * do nothing but compute, allocate memory, and talk to the parent over one
 * socket.  The child asks for each host call; the parent performs it,
 * reading and writing the guest's memory through the same socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "err.h"
#include "frame.h"
#include "hex.h"
#include "interp.h"
#include "parse.h"
#include "sha256.h"
#include "trust.h"
#include "trustref.h"
#include "wasi.h"
#include "wasm.h"
#include "xio.h"

/* Exit statuses of our own (see wasm-exec(1)); otherwise the guest's. */
#define EXIT_UNTRUSTED	126	/* --trust: the module or capsule is not approved */
#define EXIT_TIMEOUT	124
#define EXIT_ENGINE	125
#define EXIT_TRAP	134

#define MODULE_MAX	(256u << 20)	/* largest module, bytes */
#define MSG_MAX		((1u << 20) + 4096)	/* largest message on the socket, bytes */
#define WASI_MODULE	"wasi_snapshot_preview1"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: wasm-exec [--dir HOST[::GUEST][:ro]]... [--env NAME[=VALUE]]...\n"
	    "                 [--allow clock,random] [--seed TEXT] [--fuel N]\n"
	    "                 [--max-memory BYTES] [--max-output BYTES] [--timeout SECONDS]\n"
	    "                 [--report FILE] [--transcript FILE] [--audit | --audit-db FILE]\n"
	    "                 [--trust REPO]\n"
	    "                 [MODULE.wasm | -] [-- ARG...]\n");
	ecap_usage_exit(status);
}

/* The messages between parent and child, in host byte order. */
struct msg {
	uint32_t tag;
	uint32_t a;
	uint64_t b;
	uint32_t len;		/* bytes of payload that follow */
	uint32_t pad;
};

enum {
	M_CALL = 1,	/* child: a = import, payload = args (u64 each) */
	M_DATA,		/* child: the bytes asked for; a = 1 if out of bounds */
	M_ACK,		/* child: written; a = 1 if out of bounds */
	M_DONE,		/* child: a = how it ended (interp.h), b = exit code, payload = struct done + text */
	M_READ,		/* parent: a = address, b = length */
	M_WRITE,	/* parent: a = address, payload = bytes */
	M_RET,		/* parent: a = how the call ends (interp.h), b = value, payload = trap text */
};

#define M_FAILED	3	/* in M_DONE's a: could not instantiate, or no _start */

struct done {
	int64_t fuel_left;
	int32_t have_fuel;
	int32_t pad;
	uint64_t memory;	/* bytes of linear memory at the end */
};

static int
sendmsg_(int fd, uint32_t tag, uint32_t a, uint64_t b, const void *p, uint32_t len)
{
	struct msg m = { tag, a, b, len, 0 };
	struct iovec iov[2] = { { &m, sizeof m }, { (void *)(uintptr_t)p, len } };
	size_t total = sizeof m + len, done = 0;

	while (done < total) {
		ssize_t r = writev(fd, iov, len ? 2 : 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
		for (int k = 0; k < 2 && r > 0; k++) {
			size_t t = (size_t)r < iov[k].iov_len ? (size_t)r : iov[k].iov_len;

			iov[k].iov_base = (char *)iov[k].iov_base + t;
			iov[k].iov_len -= t;
			r -= (ssize_t)t;
		}
	}
	return 0;
}

static int
readfull(int fd, void *p, size_t n)
{
	size_t k = 0;

	while (k < n) {
		ssize_t r = read(fd, (char *)p + k, n - k);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		k += (size_t)r;
	}
	return 0;
}

/* ---- The child: the engine, sandboxed. ---- */

struct child {
	int sock;
	struct ecap_interp *in;
	const int *ids;		/* per import: a WASI id, or -1 (ENOSYS) */
	unsigned char *buf;
};

static noreturn void
child_die(void)
{
	_exit(EXIT_ENGINE);
}

/* Serve the parent's memory requests until it returns the call. */
static int
child_host(void *ctx, size_t import, const uint64_t *args, size_t nargs, uint64_t *result,
    char *msg, size_t msglen)
{
	struct child *c = ctx;
	struct msg m;
	unsigned char *base = NULL;
	uint64_t size = 0;

	if (sendmsg_(c->sock, M_CALL, (uint32_t)import, 0, args, (uint32_t)(nargs * 8)) < 0)
		child_die();
	(void)ecap_interp_memory(c->in, &base, &size);
	for (;;) {
		if (readfull(c->sock, &m, sizeof m) < 0 || m.len > MSG_MAX)
			child_die();
		if (m.len > 0 && readfull(c->sock, c->buf, m.len) < 0)
			child_die();
		switch (m.tag) {
		case M_READ:
			if (base == NULL || m.b > MSG_MAX || (uint64_t)m.a + m.b > size) {
				if (sendmsg_(c->sock, M_DATA, 1, 0, NULL, 0) < 0)
					child_die();
			} else if (sendmsg_(c->sock, M_DATA, 0, 0, base + m.a, (uint32_t)m.b) < 0) {
				child_die();
			}
			break;
		case M_WRITE:
			if (base == NULL || (uint64_t)m.a + m.len > size) {
				if (sendmsg_(c->sock, M_ACK, 1, 0, NULL, 0) < 0)
					child_die();
				break;
			}
			memcpy(base + m.a, c->buf, m.len);
			if (sendmsg_(c->sock, M_ACK, 0, 0, NULL, 0) < 0)
				child_die();
			break;
		case M_RET:
			*result = m.b;
			if (m.a == ECAP_INTERP_TRAP) {
				size_t n = m.len < msglen - 1 ? m.len : msglen - 1;

				memcpy(msg, c->buf, n);
				msg[n] = '\0';
			}
			return (int)m.a;
		default:
			child_die();
		}
	}
}

/* Allow only computing, memory, and the socket. */
static void
child_seccomp(int sock)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = 0;

	if (f == NULL)
		child_die();
	struct scmp_arg_cmp on_sock = SCMP_A0(SCMP_CMP_EQ, (unsigned)sock);

	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, on_sock);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, on_sock);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1, on_sock);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(mremap), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(brk), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(madvise), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(futex), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0);
	rc |= seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
	if (rc != 0 || seccomp_load(f) != 0)
		child_die();
	seccomp_release(f);
}

static noreturn void
child(int sock, struct ecap_interp *in, const int *ids, uint64_t as_limit, uint32_t fuel_global)
{
	struct child c = { sock, in, ids, NULL };
	struct rlimit rl;
	struct done d;
	char msg[512] = "";
	uint32_t code = 0;
	int how, fd;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() == 1)
		child_die();
	/* Nothing but the socket stays open. */
	for (fd = 0; fd < 3; fd++)
		if (fd != sock)
			close(fd);
	if (syscall(SYS_close_range, sock + 1, ~0u, 0) < 0)
		for (fd = sock + 1; fd < 1024; fd++)
			close(fd);
	for (fd = 3; fd < sock; fd++)
		close(fd);
	rl.rlim_cur = rl.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &rl);
	setrlimit(RLIMIT_FSIZE, &rl);
#ifndef __SANITIZE_ADDRESS__	/* AddressSanitizer reserves terabytes of address space */
	rl.rlim_cur = rl.rlim_max = as_limit;
	if (setrlimit(RLIMIT_AS, &rl) < 0)
		child_die();
#else
	(void)as_limit;
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0)
		child_die();
	c.buf = malloc(MSG_MAX);
	if (c.buf == NULL)
		child_die();
	child_seccomp(sock);

	how = ecap_interp_run(in, "_start", child_host, &c, &code, msg, sizeof msg);
	memset(&d, 0, sizeof d);
	d.have_fuel = ecap_interp_global_i64(in, fuel_global, &d.fuel_left) == 0;
	d.memory = ecap_interp_memory_size(in);
	{
		size_t n = strlen(msg);
		unsigned char out[sizeof d + sizeof msg];

		memcpy(out, &d, sizeof d);
		memcpy(out + sizeof d, msg, n);
		if (sendmsg_(sock, M_DONE, how < 0 ? M_FAILED : (uint32_t)how, code, out,
		    (uint32_t)(sizeof d + n)) < 0)
			child_die();
	}
	_exit(0);
}

/* ---- The parent. ---- */

struct run {
	/* options */
	struct ecap_wasi_dir *dirs;
	size_t ndirs;
	char **env;
	size_t nenv;
	int allow_clock, allow_random;
	const char *seed;
	int64_t fuel;
	int have_fuel;
	uint64_t max_memory;
	uint64_t max_output;
	double timeout;
	const char *report, *transcript;
	struct ecap_audit *audit;	/* the audit log, or NULL: auditing is off */
	/* input */
	const char *name;		/* the module, for messages */
	unsigned char *module;
	size_t modlen;
	unsigned char modhash[ECAP_SHA256_LEN];
	int framed;
	struct ecap_frame_reader r;
	char *meta;			/* the META frame's text, NUL-terminated */
	char capsule[65];		/* x-header-hash, or "" */
	char capsule_hash[65];		/* x-capsule-hash, or "" */
	int stdin_eof, stdin_bad;
	unsigned char *pending;		/* STDI bytes not yet read by the guest */
	size_t pendlen, pendpos;
	/* the child */
	int sock;
	pid_t pid;
	uint64_t deadline;		/* CLOCK_MONOTONIC ns; 0 none */
	int timed_out, dead;
	struct ecap_wasi *w;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Wait until fd is readable, or the deadline passes (returns -1, r->timed_out). */
static int
wait_readable(struct run *r, int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	for (;;) {
		int ms = -1, n;

		if (r->deadline != 0) {
			uint64_t t = now_ns();

			if (t >= r->deadline) {
				r->timed_out = 1;
				return -1;
			}
			ms = (int)((r->deadline - t + 999999) / 1000000);
		}
		n = poll(&p, 1, ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n > 0)
			return 0;
	}
}

/* Receive one message from the child into m and buf (MSG_MAX bytes). */
static int
recv_child(struct run *r, struct msg *m, unsigned char *buf)
{
	if (r->dead)
		return -1;
	if (wait_readable(r, r->sock) < 0 || readfull(r->sock, m, sizeof *m) < 0 ||
	    m->len > MSG_MAX || (m->len > 0 && readfull(r->sock, buf, m->len) < 0)) {
		r->dead = 1;
		return -1;
	}
	return 0;
}

static unsigned char *msgbuf;

static int
mem_read(void *ctx, uint32_t addr, void *buf, uint32_t len)
{
	struct run *r = ctx;
	struct msg m;

	if (len > MSG_MAX - 4096)
		return -1;
	if (r->dead || sendmsg_(r->sock, M_READ, addr, len, NULL, 0) < 0 ||
	    recv_child(r, &m, msgbuf) < 0) {
		r->dead = 1;
		return -1;
	}
	if (m.tag != M_DATA || m.a != 0 || m.len != len) {
		if (m.tag != M_DATA)
			r->dead = 1;
		return -1;
	}
	memcpy(buf, msgbuf, len);
	return 0;
}

static int
mem_write(void *ctx, uint32_t addr, const void *buf, uint32_t len)
{
	struct run *r = ctx;
	struct msg m;

	if (len > MSG_MAX - 4096)
		return -1;
	if (r->dead || sendmsg_(r->sock, M_WRITE, addr, 0, buf, len) < 0 ||
	    recv_child(r, &m, msgbuf) < 0) {
		r->dead = 1;
		return -1;
	}
	if (m.tag != M_ACK) {
		r->dead = 1;
		return -1;
	}
	return m.a == 0 ? 0 : -1;
}

/* The guest's stdin: our stdin, or the STDI frames after the checkpoint. */
static ssize_t
stdin_read(void *ctx, void *buf, size_t len)
{
	struct run *r = ctx;
	struct ecap_frame f;
	ssize_t n;
	int rc;

	if (!r->framed) {
		if (r->stdin_eof)
			return 0;
		if (wait_readable(r, 0) < 0)
			return -1;
		while ((n = read(0, buf, len)) < 0 && errno == EINTR)
			;
		if (n == 0)
			r->stdin_eof = 1;
		return n;
	}
	while (r->pendpos == r->pendlen) {
		if (r->stdin_eof)
			return 0;
		if (r->stdin_bad)
			return -1;
		if (r->r.inpos == r->r.inlen && wait_readable(r, r->r.fd) < 0)
			return -1;
		rc = ecap_frame_read(&r->r, &f);
		if (rc == 0) {
			r->stdin_eof = 1;
			return 0;
		}
		if (rc < 0) {
			r->stdin_bad = 1;
			return -1;
		}
		if (strcmp(f.type, "STDI") != 0)
			continue;	/* END is checked by the reader; nothing else may come */
		free(r->pending);
		r->pending = ecap_xmalloc(f.len ? f.len : 1);
		memcpy(r->pending, f.data, f.len);
		r->pendlen = f.len;
		r->pendpos = 0;
	}
	n = (ssize_t)(r->pendlen - r->pendpos < len ? r->pendlen - r->pendpos : len);
	memcpy(buf, r->pending + r->pendpos, (size_t)n);
	r->pendpos += (size_t)n;
	return n;
}

/* Read a whole module file (or stdin) into r->module. */
static void
read_module_file(struct run *r, int fd)
{
	size_t cap = 1 << 16, len = 0, n;
	unsigned char *p = ecap_xmalloc(cap);

	for (;;) {
		if (len == cap) {
			if (cap >= MODULE_MAX)
				ecap_errx(ECAP_EXIT_ERR, "%s: module larger than %u bytes", r->name,
				    MODULE_MAX);
			p = ecap_xrealloc(p, cap *= 2);
		}
		if ((n = ecap_readall(fd, p + len, cap - len, r->name)) == 0)
			break;
		len += n;
	}
	r->module = p;
	r->modlen = len;
}

/* Read the exec/1 stream up to its checkpoint: META, then the module in BODY frames. */
static void
read_module_frames(struct run *r, const unsigned char *head, size_t headlen)
{
	struct ecap_frame f;
	size_t cap = 1 << 16, len = 0;
	unsigned char *p = ecap_xmalloc(cap);
	int rc;

	/* The bytes we peeked at go first. */
	ecap_frame_reader_fd(&r->r, 0, "stdin", 0);
	memcpy(r->r.in, head, headlen);
	r->r.inlen = headlen;
	r->r.inpos = 0;
	for (;;) {
		rc = ecap_frame_xread(&r->r, &f);
		if (rc == 0)
			ecap_errx(ECAP_EXIT_ERR, "stdin: the stream ended before its checkpoint");
		if (strcmp(f.type, "ECAP") == 0) {
			if (strcmp(r->r.format, "exec") != 0)
				ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: a %s/%u stream, not exec/1",
				    (unsigned long long)f.off, r->r.format, r->r.version);
		} else if (strcmp(f.type, "META") == 0) {
			if (r->meta != NULL)
				ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: a second META frame",
				    (unsigned long long)f.off);
			if (memchr(f.data, '\0', f.len) != NULL)
				ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: META holds a NUL byte",
				    (unsigned long long)f.off);
			r->meta = ecap_xmalloc((size_t)f.len + 1);
			memcpy(r->meta, f.data, f.len);
			r->meta[f.len] = '\0';
		} else if (strcmp(f.type, "BODY") == 0) {
			if (r->meta == NULL)
				ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: BODY before META",
				    (unsigned long long)f.off);
			while (len + f.len > cap) {
				if (cap >= MODULE_MAX)
					ecap_errx(ECAP_EXIT_ERR, "stdin: module larger than %u bytes",
					    MODULE_MAX);
				p = ecap_xrealloc(p, cap *= 2);
			}
			memcpy(p + len, f.data, f.len);
			len += f.len;
		} else if (strcmp(f.type, "CHKP") == 0) {
			break;
		} else if (strcmp(f.type, "EVNT") == 0) {
			continue;	/* an audit event: audit-append --tee records them */
		} else {
			ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: %s frame before the checkpoint",
			    (unsigned long long)f.off, f.type);
		}
	}
	if (r->meta == NULL)
		ecap_errx(ECAP_EXIT_ERR, "stdin: no META frame before the checkpoint");
	r->module = p;
	r->modlen = len;
	r->framed = 1;
}

/* Does the capsule's metadata declare capability cap? */
static int
declared(const struct run *r, const char *cap)
{
	size_t n;

	return ecap_meta_find(r->meta, strlen(r->meta), "capability", cap, &n) != NULL;
}

/* Capabilities asked for must be declared by the capsule the module came from. */
static void
check_grant(const struct run *r)
{
	size_t k;

	if (!r->framed)
		return;
	for (k = 0; k < r->ndirs; k++)
		if (!declared(r, "dir") && !(r->dirs[k].ro && declared(r, "dir:ro")))
			ecap_errx(ECAP_EXIT_ERR, "--dir %s: the capsule does not declare capability %s",
			    r->dirs[k].host, r->dirs[k].ro ? "dir:ro" : "dir");
	if (r->nenv > 0 && !declared(r, "env"))
		ecap_errx(ECAP_EXIT_ERR, "--env: the capsule does not declare capability env");
	if (r->allow_clock && !declared(r, "clock"))
		ecap_errx(ECAP_EXIT_ERR, "--allow clock: the capsule does not declare capability clock");
	if (r->allow_random && !declared(r, "random"))
		ecap_errx(ECAP_EXIT_ERR,
		    "--allow random: the capsule does not declare capability random");
}

static void
parse_dir(struct run *r, char *arg)
{
	struct ecap_wasi_dir *d;
	size_t n = strlen(arg);
	char *sep;

	r->dirs = ecap_xrealloc(r->dirs, (r->ndirs + 1) * sizeof *r->dirs);
	d = &r->dirs[r->ndirs++];
	d->ro = 0;
	if (n > 3 && strcmp(arg + n - 3, ":ro") == 0) {
		d->ro = 1;
		arg[n - 3] = '\0';
	}
	if ((sep = strstr(arg, "::")) != NULL) {
		*sep = '\0';
		d->guest = sep + 2;
	} else {
		d->guest = arg;
	}
	d->host = arg;
	if (*d->host == '\0' || *d->guest == '\0')
		ecap_errx(ECAP_EXIT_ERR, "--dir: empty host or guest path");
}

static void
parse_env(struct run *r, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *s;

	if (eq == arg || *arg == '\0')
		ecap_errx(ECAP_EXIT_ERR, "--env %s: no variable name", arg);
	if (eq == NULL) {
		const char *v = getenv(arg);

		if (v == NULL)
			return;		/* not set here: not passed, as wasmtime does */
		s = ecap_xmalloc(strlen(arg) + strlen(v) + 2);
		sprintf(s, "%s=%s", arg, v);
	} else {
		s = ecap_xstrdup(arg);
	}
	r->env = ecap_xrealloc(r->env, (r->nenv + 1) * sizeof *r->env);
	r->env[r->nenv++] = s;
}

static void
parse_allow(struct run *r, char *arg)
{
	char *save = NULL, *t;

	for (t = strtok_r(arg, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "clock") == 0)
			r->allow_clock = 1;
		else if (strcmp(t, "random") == 0)
			r->allow_random = 1;
		else
			ecap_errx(ECAP_EXIT_ERR, "--allow %s: unknown capability (clock, random)", t);
	}
}

static double
parse_seconds(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e9)
		ecap_errx(ECAP_EXIT_ERR, "--timeout %s: not a number of seconds", s);
	return v;
}

/*
 * The capabilities granted, as the report names them; with st, those the
 * guest used go into *used.
 */
static json_t *
grants(const struct run *r, const struct ecap_wasi_stats *st, json_t **used)
{
	json_t *granted = json_array();
	size_t k;

	if (st != NULL)
		*used = json_array();
	for (k = 0; k < r->ndirs; k++) {
		char *s = NULL;

		if (asprintf(&s, "dir:%s::%s%s", r->dirs[k].host, r->dirs[k].guest,
		    r->dirs[k].ro ? ":ro" : "") < 0)
			ecap_err(EXIT_ENGINE, "asprintf");
		json_array_append_new(granted, json_string(s));
		if (st != NULL && st->used_dir[k])
			json_array_append_new(*used, json_string(s));
		free(s);
	}
	for (k = 0; k < r->nenv; k++) {
		size_t n = strcspn(r->env[k], "=");
		char *s = ecap_xmalloc(n + 5);

		memcpy(s, "env:", 4);
		memcpy(s + 4, r->env[k], n);
		s[n + 4] = '\0';
		json_array_append_new(granted, json_string(s));
		if (st != NULL && st->used_env)
			json_array_append_new(*used, json_string(s));
		free(s);
	}
	if (r->allow_clock)
		json_array_append_new(granted, json_string("clock"));
	if (r->allow_clock && st != NULL && st->used_clock)
		json_array_append_new(*used, json_string("clock"));
	if (r->allow_random)
		json_array_append_new(granted, json_string("random"));
	if (r->allow_random && st != NULL && st->used_random)
		json_array_append_new(*used, json_string("random"));
	return granted;
}

/* The record of the run: the report's JSON object (wasm-exec(1) lists the fields). */
static json_t *
run_record(struct run *r, int status, const char *trap, uint64_t fuel_used, int fuel_known,
    uint64_t memory, double wall)
{
	struct ecap_wasi_stats st;
	unsigned char th[ECAP_SHA256_LEN];
	char hex[2 * ECAP_SHA256_LEN + 1];
	json_t *o = json_object(), *calls = json_object(), *granted, *used;
	size_t k;

	ecap_wasi_stats(r->w, &st);
	ecap_wasi_transcript_hash(r->w, th);
	ecap_hex_encode(hex, r->modhash, sizeof r->modhash);
	json_object_set_new(o, "module_hash", json_string(hex));
	json_object_set_new(o, "capsule_id", r->capsule[0] ? json_string(r->capsule) : json_null());
	json_object_set_new(o, "capsule_hash", r->capsule_hash[0] ? json_string(r->capsule_hash) :
	    json_null());
	json_object_set_new(o, "engine", json_string("interp"));
	granted = grants(r, &st, &used);
	json_object_set_new(o, "granted", granted);
	json_object_set_new(o, "used", used);
	for (k = 0; k < sizeof st.calls / sizeof st.calls[0]; k++)
		if (st.calls[k] > 0)
			json_object_set_new(calls, ecap_wasi_name((int)k), json_integer((json_int_t)st.calls[k]));
	json_object_set_new(o, "calls", calls);
	json_object_set_new(o, "unprovided_calls", json_integer((json_int_t)st.unprovided));
	json_object_set_new(o, "denied_calls", json_integer((json_int_t)st.denied));
	json_object_set_new(o, "fuel_used",
	    fuel_known ? json_integer((json_int_t)fuel_used) : json_null());
	json_object_set_new(o, "fuel_limit", r->have_fuel ? json_integer(r->fuel) : json_null());
	json_object_set_new(o, "peak_memory", json_integer((json_int_t)memory));
	json_object_set_new(o, "exit_status", json_integer(status));
	json_object_set_new(o, "trap", trap ? json_string(trap) : json_null());
	ecap_hex_encode(hex, st.stdout_hash, sizeof st.stdout_hash);
	json_object_set_new(o, "output_hash", json_string(hex));
	json_object_set_new(o, "output_bytes", json_integer((json_int_t)st.stdout_bytes));
	json_object_set_new(o, "stderr_bytes", json_integer((json_int_t)st.stderr_bytes));
	json_object_set_new(o, "wall_time", json_real(wall));
	{
		struct rusage self, kids;

		getrusage(RUSAGE_SELF, &self);
		getrusage(RUSAGE_CHILDREN, &kids);
		json_object_set_new(o, "max_rss", json_integer((json_int_t)self.ru_maxrss * 1024));
		json_object_set_new(o, "max_rss_engine",
		    json_integer((json_int_t)kids.ru_maxrss * 1024));
	}
	ecap_hex_encode(hex, th, sizeof th);
	json_object_set_new(o, "transcript_hash", json_string(hex));
	return o;
}

static void
write_report(const struct run *r, const json_t *o)
{
	struct ecap_out out;
	char *text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);

	if (text == NULL)
		ecap_errx(EXIT_ENGINE, "report: out of memory");
	ecap_out_open(&out, r->report);
	ecap_writeall(out.fd, text, strlen(text), r->report);
	ecap_writeall(out.fd, "\n", 1, r->report);
	ecap_out_commit(&out);
	free(text);
}

/*
 * --trust REPO: the module hash must be approved as a wasm entry, or the
 * capsule hash that ecap-open passed on as a capsule entry, in the approval
 * on REPO's refs/ecap/trust that trust-verify(1) would accept.
 */
static void
check_trust(struct run *r, const char *repo)
{
	/* Static: reachable still when a refusal ends the program. */
	static struct ecap_trust_repo tr;
	static struct ecap_trust_state ts;
	unsigned char ch[32];
	char why[512], mod[72], cap[72] = "", commit[GIT_OID_HEXSZ + 1] = "";
	/* The capsule hash ecap-open passed on (x-capsule-hash), when it is one. */
	const int hh = ecap_hex_decode(ch, 32, r->capsule_hash) == 0;
	size_t i;
	int ok = 0, rc;

	if (hh)
		ecap_trust_hash_text(cap, ch);
	ecap_trust_hash_text(mod, r->modhash);
	rc = ecap_trust_xload(repo, NULL, NULL, NULL, &tr, &ts, why, sizeof why);
	if (rc == 0) {
		git_oid_tostr(commit, sizeof commit, &ts.tip);
		ok = !ts.policy.enforce;
		if (ok)
			ecap_warnx("--trust %s: enforcement is disabled by the approval %s", repo,
			    commit);
		for (i = 0; !ok && i < ts.manifest.n; i++) {
			const struct ecap_trust_entry *e = &ts.manifest.v[i];

			ok = (e->kind == ECAP_TRUST_WASM && memcmp(e->hash, r->modhash, 32) == 0) ||
			    (e->kind == ECAP_TRUST_CAPSULE && hh && memcmp(e->hash, ch, 32) == 0);
		}
		if (!ok)
			snprintf(why, sizeof why, "%s %.71s is not approved by %s %s", hh ? "capsule" :
			    "module", hh ? cap : mod, ECAP_TRUST_REF, commit);
	}
	if (!ok && r->audit != NULL) {
		json_t *o = json_pack("{s:s, s:s, s:s}", "repository", tr.base, "reason", why,
		    "module_hash", mod + 7);

		if (hh)
			json_object_set_new(o, "capsule_hash", json_string(cap + 7));
		if (r->capsule[0] != '\0')
			json_object_set_new(o, "capsule_id", json_string(r->capsule));
		if (commit[0] != '\0')
			json_object_set_new(o, "commit", json_string(commit));
		ecap_audit_xappend(r->audit, "TrustViolation", o);
	}
	if (!ok)
		ecap_errx(EXIT_UNTRUSTED, "--trust %s: %s", repo, why);
	ecap_trust_state_free(&ts);
	ecap_trust_repo_close(&tr);
}

/* ExecutionStart: what is about to run, and with what (wasm-exec(1), AUDIT). */
static void
audit_start(struct run *r)
{
	json_t *o = json_object();
	char hex[2 * ECAP_SHA256_LEN + 1];

	ecap_hex_encode(hex, r->modhash, sizeof r->modhash);
	json_object_set_new(o, "module_hash", json_string(hex));
	if (r->capsule[0])
		json_object_set_new(o, "capsule_id", json_string(r->capsule));
	json_object_set_new(o, "engine", json_string("interp"));
	json_object_set_new(o, "granted", grants(r, NULL, NULL));
	ecap_audit_xappend(r->audit, "ExecutionStart", o);
}

/*
 * ExecutionComplete: these fields of the record, under the same names; a
 * null (no capsule, no trap, fuel not known) is left out.
 */
static void
audit_complete(struct run *r, json_t *record)
{
	static const char *const names[] = { "module_hash", "capsule_id", "capsule_hash", "engine",
		"exit_status", "trap", "fuel_used", "peak_memory", "output_hash", "transcript_hash",
		"wall_time", "calls", "denied_calls" };
	json_t *o = json_object(), *v;
	size_t k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if ((v = json_object_get(record, names[k])) != NULL && !json_is_null(v))
			json_object_set(o, names[k], v);
	ecap_audit_xappend(r->audit, "ExecutionComplete", o);
}

/* The signal's name for messages ("SIGSEGV"). */
static const char *
signame(int sig)
{
	static char buf[32];
	const char *d = sigabbrev_np(sig);

	if (d == NULL)
		return "an unknown signal";
	snprintf(buf, sizeof buf, "SIG%s", d);
	return buf;
}

int
main(int argc, char *argv[])
{
	enum { O_DIR = 256, O_ENV, O_ALLOW, O_SEED, O_FUEL, O_MAXMEM, O_MAXOUT, O_TIMEOUT,
	    O_REPORT, O_TRANSCRIPT, O_AUDIT, O_AUDITDB, O_TRUST };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, O_DIR },
		{ "env", required_argument, NULL, O_ENV },
		{ "allow", required_argument, NULL, O_ALLOW },
		{ "seed", required_argument, NULL, O_SEED },
		{ "fuel", required_argument, NULL, O_FUEL },
		{ "max-memory", required_argument, NULL, O_MAXMEM },
		{ "max-output", required_argument, NULL, O_MAXOUT },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "report", required_argument, NULL, O_REPORT },
		{ "transcript", required_argument, NULL, O_TRANSCRIPT },
		{ "audit", no_argument, NULL, O_AUDIT },
		{ "audit-db", required_argument, NULL, O_AUDITDB },
		{ "trust", required_argument, NULL, O_TRUST },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r;
	struct ecap_wasm_meter_opts mo;
	struct ecap_wasi_config wc;
	struct ecap_wasi_mem mem;
	struct ecap_interp *in = NULL;
	struct msg m;
	struct done d;
	struct ecap_out tout;
	const char *path = "-";
	char why[512], trap[512] = "", hex[65];
	char **gargv;
	size_t gargc, k, nimports;
	void *metered = NULL;
	size_t meteredlen = 0;
	uint32_t fuel_global = 0;
	int *ids, sv[2], c, status = 0, how = -1, wstatus, limit = 0;
	uint64_t t0 = now_ns(), fuel_used = 0, memory = 0, v;
	int fuel_known = 0, dashdash = 0, auditing = 0;
	const char *sde, *auditdb = NULL, *trustrepo = NULL;

	ecap_setprogname(argv[0]);
	memset(&r, 0, sizeof r);
	r.fuel = INT64_MAX;
	r.max_memory = 256u << 20;
	r.sock = -1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DIR:
			parse_dir(&r, optarg);
			break;
		case O_ENV:
			parse_env(&r, optarg);
			break;
		case O_ALLOW:
			parse_allow(&r, optarg);
			break;
		case O_SEED:
			r.seed = optarg;
			break;
		case O_FUEL:
			if (ecap_parse_u64(optarg, &v) < 0 || v > INT64_MAX)
				ecap_errx(ECAP_EXIT_ERR, "--fuel %s: not a count", optarg);
			r.fuel = (int64_t)v;
			r.have_fuel = 1;
			break;
		case O_MAXMEM:
			if (ecap_parse_size(optarg, &r.max_memory) < 0 ||
			    r.max_memory < ECAP_WASM_PAGE_SIZE || r.max_memory > (4ull << 30))
				ecap_errx(ECAP_EXIT_ERR, "--max-memory %s: not a size from 64K to 4G",
				    optarg);
			break;
		case O_MAXOUT:
			if (ecap_parse_size(optarg, &r.max_output) < 0 || r.max_output == 0)
				ecap_errx(ECAP_EXIT_ERR, "--max-output %s: not a size", optarg);
			break;
		case O_TIMEOUT:
			r.timeout = parse_seconds(optarg);
			break;
		case O_REPORT:
			r.report = optarg;
			break;
		case O_TRANSCRIPT:
			r.transcript = optarg;
			break;
		case O_AUDIT:
			if (auditing++)
				ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
			break;
		case O_AUDITDB:
			if (auditdb != NULL)
				ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
			auditdb = optarg;
			break;
		case O_TRUST:
			if (trustrepo != NULL)
				ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
			trustrepo = optarg;
			break;
		case 'h':
			usage(ECAP_EXIT_OK);
		case 'V':
			ecap_print_version();
		default:
			usage(ECAP_EXIT_ERR);
		}
	}
	dashdash = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
	if (!dashdash && optind < argc) {
		path = argv[optind++];
		if (optind < argc && strcmp(argv[optind], "--") == 0)
			optind++;
	}
	r.name = ecap_displayname(path, 0);
	if (auditing && auditdb != NULL)
		ecap_errx(ECAP_EXIT_ERR, "give --audit or --audit-db, not both");
	if (r.timeout > 0)
		r.deadline = t0 + (uint64_t)(r.timeout * 1e9);
	signal(SIGPIPE, SIG_IGN);

	/* The module: a file, a module on stdin, or an exec/1 stream on stdin. */
	if (strcmp(path, "-") == 0) {
		unsigned char head[8];
		size_t n = ecap_readall(0, head, sizeof head, "stdin");

		if (n >= 4 && memcmp(head, "ECAP", 4) == 0) {
			read_module_frames(&r, head, n);
		} else {
			size_t rest;

			read_module_file(&r, 0);
			rest = r.modlen;
			r.module = ecap_xrealloc(r.module, rest + n);
			memmove(r.module + n, r.module, rest);
			memcpy(r.module, head, n);
			r.modlen = rest + n;
			r.stdin_eof = 1;	/* stdin was the module: the guest's is empty */
		}
	} else {
		int fd = ecap_xopen(path, O_RDONLY);

		read_module_file(&r, fd);
		close(fd);
	}
	/*
	 * The audit log, before anything is done with the module: when it cannot be
	 * written, nothing runs.  Not sooner, so that in a pipeline ecap-open has
	 * done with it (its checkpoint came) before we open it.
	 */
	r.audit = ecap_audit_xopen_if(auditing, auditdb);
	if (!ecap_wasm_is_module(r.module, r.modlen))
		ecap_errx(ECAP_EXIT_ERR, "%s: not a WebAssembly module",
		    r.framed ? "capsule payload" : r.name);
	ecap_sha256(r.modhash, r.module, r.modlen);
	if (r.framed) {
		size_t n;
		const char *hh = ecap_meta_find(r.meta, strlen(r.meta), "x-header-hash", NULL, &n);

		if (hh != NULL)
			snprintf(r.capsule, sizeof r.capsule, "%.*s", (int)n, hh);
		if ((hh = ecap_meta_find(r.meta, strlen(r.meta), "x-capsule-hash", NULL, &n)) != NULL)
			snprintf(r.capsule_hash, sizeof r.capsule_hash, "%.*s", (int)n, hh);
	}
	if (trustrepo != NULL)
		check_trust(&r, trustrepo);
	check_grant(&r);

	/* Meter it, cap its memory, and decode it. */
	memset(&mo, 0, sizeof mo);
	mo.fuel = r.fuel;
	mo.max_pages = (uint32_t)(r.max_memory / ECAP_WASM_PAGE_SIZE);
	if (ecap_wasm_meter(r.module, r.modlen, &mo, &metered, &meteredlen, &fuel_global, why,
	    sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", r.framed ? "capsule payload" : r.name, why);
	if (ecap_interp_load(metered, meteredlen, &in, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", r.name, why);
	free(metered);

	/* Every import must be a WASI function: known ones served, unknown ones ENOSYS. */
	nimports = ecap_interp_nimports(in);
	ids = ecap_xcalloc(nimports + 1, sizeof *ids);
	for (k = 0; k < nimports; k++) {
		struct ecap_interp_import im;

		ecap_interp_get_import(in, k, &im);
		if (strcmp(im.kind, "func") != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: import %s.%s: a %s import is not provided",
			    r.name, im.module, im.name, im.kind);
		if (strcmp(im.module, WASI_MODULE) != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: import %s.%s is not provided", r.name,
			    im.module, im.name);
		ids[k] = ecap_wasi_lookup(im.name, im.params, im.results);
		if (ids[k] == ECAP_WASI_BADTYPE)
			ecap_errx(ECAP_EXIT_ERR, "%s: import %s.%s does not have WASI's type",
			    r.name, im.module, im.name);
		if (ids[k] == ECAP_WASI_UNKNOWN && strcmp(im.results, "i") != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: import %s.%s is not provided", r.name,
			    im.module, im.name);
	}

	/* The host. */
	gargc = (size_t)(argc - optind) + 1;
	gargv = ecap_xcalloc(gargc + 1, sizeof *gargv);
	gargv[0] = (char *)(uintptr_t)(strcmp(path, "-") == 0 ? "main.wasm" : path);
	for (k = 1; k < gargc; k++)
		gargv[k] = argv[optind + (int)k - 1];
	memset(&wc, 0, sizeof wc);
	wc.argv = gargv;
	wc.argc = gargc;
	wc.env = r.env;
	wc.nenv = r.nenv;
	wc.dirs = r.dirs;
	wc.ndirs = r.ndirs;
	wc.real_clock = r.allow_clock;
	wc.real_random = r.allow_random;
	wc.seed = r.seed ? (const void *)r.seed : (const void *)r.modhash;
	wc.seedlen = r.seed ? strlen(r.seed) : sizeof r.modhash;
	if ((sde = getenv("SOURCE_DATE_EPOCH")) != NULL && ecap_parse_u64(sde, &v) == 0 &&
	    v < UINT64_MAX / 1000000000ull)
		wc.clock_start_ns = v * 1000000000ull;
	wc.max_output = r.max_output;
	wc.deadline_ns = r.deadline;
	wc.stdin_read = stdin_read;
	wc.stdin_ctx = &r;
	wc.stdout_fd = 1;
	wc.stderr_fd = 2;
	wc.transcript_fd = -1;
	if (r.transcript != NULL) {
		ecap_out_open(&tout, r.transcript);
		wc.transcript_fd = tout.fd;
	}
	if ((r.w = ecap_wasi_new(&wc, why, sizeof why)) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	ecap_hex_encode(hex, r.modhash, sizeof r.modhash);
	ecap_wasi_record(r.w, "module %s", hex);
	if (r.audit != NULL)
		audit_start(&r);

	/* The child. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		ecap_err(EXIT_ENGINE, "socketpair");
	fflush(NULL);
	if ((r.pid = fork()) < 0)
		ecap_err(EXIT_ENGINE, "fork");
	if (r.pid == 0) {
		close(sv[0]);
		child(sv[1], in, ids, 2 * r.max_memory + (512ull << 20) + 16 * (uint64_t)r.modlen,
		    fuel_global);
	}
	close(sv[1]);
	r.sock = sv[0];
	msgbuf = ecap_xmalloc(MSG_MAX);
	mem.ctx = &r;
	mem.read = mem_read;
	mem.write = mem_write;

	/* Serve the child's calls until it is done. */
	for (;;) {
		if (recv_child(&r, &m, msgbuf) < 0)
			break;
		if (m.tag == M_DONE) {
			if (m.len < sizeof d)
				break;
			memcpy(&d, msgbuf, sizeof d);
			how = (int)m.a;
			status = (int)m.b;
			memory = d.memory;
			if (d.have_fuel) {
				fuel_known = 1;
				fuel_used = d.fuel_left >= 0 ? (uint64_t)(r.fuel - d.fuel_left)
				    : (uint64_t)r.fuel;
			}
			snprintf(trap, sizeof trap, "%.*s", (int)(m.len - sizeof d),
			    (const char *)msgbuf + sizeof d);
			trap[strcspn(trap, "\r\n")] = '\0';
			if (how == ECAP_INTERP_TRAP && d.have_fuel && d.fuel_left < 0)
				snprintf(trap, sizeof trap, "all fuel consumed (--fuel %lld)",
				    (long long)r.fuel);
			break;
		}
		if (m.tag != M_CALL || m.a >= nimports || m.len % 8 != 0 || m.len > 32 * 8) {
			r.dead = 1;
			break;
		}
		uint64_t args[32], result = 0;
		uint32_t kind = ECAP_INTERP_RETURN;
		const char *text = "";
		int id = ids[m.a];

		memcpy(args, msgbuf, m.len);
		if (id < 0) {
			struct ecap_interp_import im;

			ecap_interp_get_import(in, m.a, &im);
			ecap_wasi_unprovided(r.w, im.module, im.name);
			result = ECAP_WASI_ENOSYS;
		} else {
			const char *params, *results;

			ecap_wasi_signature(id, &params, &results);
			if (m.len / 8 != strlen(params)) {
				r.dead = 1;
				break;
			}
			switch (ecap_wasi_call(r.w, id, args, m.len / 8, &mem, &result)) {
			case ECAP_WASI_EXIT:
				kind = ECAP_INTERP_EXIT;
				break;
			case ECAP_WASI_LIMIT:
				kind = ECAP_INTERP_TRAP;
				limit = 1;
				text = "output limit";
				break;
			}
		}
		if (r.dead || r.timed_out)
			break;
		if (sendmsg_(r.sock, M_RET, kind, result, text, (uint32_t)strlen(text)) < 0) {
			r.dead = 1;
			break;
		}
	}

	/* Make sure the child is gone, and learn how it went. */
	if (how < 0 || r.timed_out)
		kill(r.pid, SIGKILL);
	while (waitpid(r.pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (r.timed_out) {
		snprintf(trap, sizeof trap, "timeout after %g seconds", r.timeout);
		ecap_wasi_record(r.w, "timeout");
		ecap_warnx("%s", trap);
		status = EXIT_TIMEOUT;
	} else if (how < 0) {
		if (WIFSIGNALED(wstatus))
			snprintf(trap, sizeof trap, "the engine was killed by %s%s",
			    signame(WTERMSIG(wstatus)),
			    WTERMSIG(wstatus) == SIGSYS ? " (a system call outside the sandbox)" : "");
		else
			snprintf(trap, sizeof trap, "the engine failed (exit %d)",
			    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
		ecap_wasi_record(r.w, "failed %s", trap);
		ecap_warnx("%s", trap);
		status = EXIT_ENGINE;
	} else if (how == ECAP_INTERP_TRAP && limit) {
		snprintf(trap, sizeof trap, "output limit of %llu bytes reached",
		    (unsigned long long)r.max_output);
		ecap_wasi_record(r.w, "trap %s", trap);
		ecap_warnx("trap: %s", trap);
		status = EXIT_TRAP;
	} else if (how == ECAP_INTERP_TRAP) {
		ecap_wasi_record(r.w, "trap %s", trap);
		ecap_warnx("trap: %s", trap);
		status = EXIT_TRAP;
	} else if (how == ECAP_INTERP_EXIT) {
		ecap_wasi_record(r.w, "exit %d", status);
		if (status > 255)
			status = 255;
	} else if (how == ECAP_INTERP_RETURN) {
		status = 0;
		ecap_wasi_record(r.w, "exit 0");
	} else {
		/* -1: could not instantiate or no _start */
		ecap_wasi_record(r.w, "failed %s", trap);
		ecap_warnx("%s: %s", r.name, trap);
		status = ECAP_EXIT_ERR;
	}
	if (r.framed && r.stdin_bad) {
		ecap_warnx("stdin: %s", r.r.err);
		status = ECAP_EXIT_ERR;
	}
	if (r.transcript != NULL)
		ecap_out_commit(&tout);
	if (r.report != NULL || r.audit != NULL) {
		json_t *record = run_record(&r, status, trap[0] && how != ECAP_INTERP_EXIT &&
		    how != ECAP_INTERP_RETURN ? trap : NULL, fuel_used, fuel_known, memory,
		    (double)(now_ns() - t0) / 1e9);

		if (r.report != NULL)
			write_report(&r, record);
		if (r.audit != NULL)
			audit_complete(&r, record);
		json_decref(record);
	}
	ecap_audit_close(r.audit);
	ecap_wasi_free(r.w);
	ecap_interp_free(in);
	if (r.framed)
		ecap_frame_reader_free(&r.r);
	for (k = 0; k < r.nenv; k++)
		free(r.env[k]);
	free(r.env);
	free(r.dirs);
	free(r.meta);
	free(r.pending);
	free(r.module);
	free(msgbuf);
	free(gargv);
	free(ids);
	return status;
}
