/* trust.c - trust manifests, ecap-trust(5): parsing, writing, hashing, the stat cache. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "hex.h"
#include "parallel.h"
#include "sha256.h"
#include "trust.h"
#include "xio.h"

static const char *const kinds[] = {
	[ECAP_TRUST_INLINE] = "inline",
	[ECAP_TRUST_FILE] = "file",
	[ECAP_TRUST_INTERP] = "interp",
	[ECAP_TRUST_WASM] = "wasm",
	[ECAP_TRUST_CAPSULE] = "capsule",
};

const char *
ecap_trust_kind_name(enum ecap_trust_kind k)
{
	return kinds[k];
}

int
ecap_trust_kind_parse(const char *s, enum ecap_trust_kind *k)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(s, kinds[i]) == 0) {
			*k = (enum ecap_trust_kind)i;
			return 0;
		}
	return -1;
}

void
ecap_trust_hash_text(char out[72], const unsigned char h[ECAP_TRUST_HASH_LEN])
{
	memcpy(out, "sha256:", 7);
	ecap_hex_encode(out + 7, h, ECAP_TRUST_HASH_LEN);
}

/* A field may hold no control character (tab and newline separate fields and entries). */
static int
clean_field(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > ECAP_TRUST_FIELD_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *p = ecap_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* The script path of an interp spec: its second word (a new string), or NULL. */
static char *
interp_script(const char *spec)
{
	const char *a = strchr(spec, ' '), *b;

	if (a == NULL || a[1] == '\0' || a[1] == ' ')
		return NULL;
	b = strchr(a + 1, ' ');
	return xstrndup(a + 1, b == NULL ? strlen(a + 1) : (size_t)(b - a - 1));
}

static void
entry_free(struct ecap_trust_entry *e)
{
	free(e->name);
	free(e->spec);
	free(e->path);
}

void
ecap_trust_manifest_add(struct ecap_trust_manifest *m, char *name, enum ecap_trust_kind kind,
    char *spec, char *path)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = ecap_xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n] = (struct ecap_trust_entry){ name, kind, { 0 }, spec, path };
	m->n++;
}

/* An entry with its position: where it was given (an argument's index, a list's line). */
struct slot {
	struct ecap_trust_entry e;
	size_t at;
};

static int
byslot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->e.name, y->e.name);

	return c != 0 ? c : (x->at > y->at) - (x->at < y->at);
}

/*
 * Sort the entries from index from on (given at at[k - from]) by name.  With
 * why NULL, of entries of one name only the last given stays; otherwise a
 * repeated name is an error: -1 with "line N: ..." in why.
 */
static int
sort_given(struct ecap_trust_manifest *m, size_t from, const size_t *at, char *why,
    size_t whylen)
{
	size_t n = m->n - from, i, k = from;
	struct slot *s = ecap_xcalloc(n + 1, sizeof *s);
	int rc = 0;

	for (i = 0; i < n; i++)
		s[i] = (struct slot){ m->v[from + i], at != NULL ? at[i] : i };
	qsort(s, n, sizeof *s, byslot);
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(s[i].e.name, s[i + 1].e.name) == 0) {
			if (why != NULL && rc == 0) {
				ecap_setwhy(why, whylen, "line %zu: entry %s given twice (first on line "
				    "%zu)", s[i + 1].at, s[i].e.name, s[i].at);
				rc = -1;
			}
			entry_free(&s[i].e);
			continue;
		}
		m->v[k++] = s[i].e;
	}
	m->n = k;
	free(s);
	return rc;
}

int
ecap_trust_manifest_parse(struct ecap_trust_manifest *m, const char *text, size_t len,
    char *why, size_t whylen)
{
	const char *p = text, *end = text + len, *nl, *f[4];
	size_t fl[4], line = 1, k, mlen = strlen(ECAP_TRUST_MAGIC);
	enum ecap_trust_kind kind;
	char kindbuf[16], hex[65];
	unsigned char h[ECAP_TRUST_HASH_LEN];

	if (len < mlen + 1 || memcmp(text, ECAP_TRUST_MAGIC "\n", mlen + 1) != 0) {
		ecap_setwhy(why, whylen, "line 1: not \"%s\"", ECAP_TRUST_MAGIC);
		return -1;
	}
	for (p += mlen + 1; p < end; p = nl + 1) {
		const char *q = p;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			ecap_setwhy(why, whylen, "line %zu: no newline at the end", line);
			return -1;
		}
		for (k = 0; k < 4; k++) {
			const char *t = k < 3 ? memchr(q, '\t', (size_t)(nl - q)) : nl;

			if (t == NULL || (k == 3 && memchr(q, '\t', (size_t)(nl - q)) != NULL)) {
				ecap_setwhy(why, whylen, "line %zu: not four tab-separated fields", line);
				return -1;
			}
			f[k] = q;
			fl[k] = (size_t)(t - q);
			if (!clean_field(f[k], fl[k])) {
				ecap_setwhy(why, whylen, "line %zu: field %zu is empty, too long or "
				    "holds a control character", line, k + 1);
				return -1;
			}
			q = t + 1;
		}
		if (fl[1] >= sizeof kindbuf || (memcpy(kindbuf, f[1], fl[1]), kindbuf[fl[1]] = '\0',
		    ecap_trust_kind_parse(kindbuf, &kind) < 0)) {
			ecap_setwhy(why, whylen, "line %zu: unknown kind", line);
			return -1;
		}
		if (fl[2] != 7 + 64 || memcmp(f[2], "sha256:", 7) != 0 ||
		    (memcpy(hex, f[2] + 7, 64), hex[64] = '\0', ecap_hex_decode(h, 32, hex) < 0) ||
		    strspn(hex, "0123456789abcdef") != 64) {
			ecap_setwhy(why, whylen, "line %zu: the hash is not sha256: and 64 lower-case "
			    "hex digits", line);
			return -1;
		}
		if (m->n > 0) {
			const char *prev = m->v[m->n - 1].name;
			size_t pl = strlen(prev);
			int c = memcmp(prev, f[0], pl < fl[0] ? pl : fl[0]);

			if (c > 0 || (c == 0 && pl >= fl[0])) {
				ecap_setwhy(why, whylen, "line %zu: entry %.*s is %s", line, (int)fl[0],
				    f[0], c == 0 && pl == fl[0] ? "repeated" : "out of order");
				return -1;
			}
		}
		{
			char *spec = xstrndup(f[3], fl[3]), *path = NULL;

			if (kind == ECAP_TRUST_INTERP) {
				if ((path = interp_script(spec)) == NULL) {
					free(spec);
					ecap_setwhy(why, whylen, "line %zu: an interp entry needs "
					    "\"INTERPRETER SCRIPT [ARG...]\"", line);
					return -1;
				}
			} else if (kind != ECAP_TRUST_INLINE) {
				path = ecap_xstrdup(spec);
			}
			ecap_trust_manifest_add(m, xstrndup(f[0], fl[0]), kind, spec, path);
			memcpy(m->v[m->n - 1].hash, h, sizeof h);
		}
	}
	return 0;
}

char *
ecap_trust_manifest_format(const struct ecap_trust_manifest *m, size_t *len)
{
	char *s = NULL, hash[72];
	size_t i;
	FILE *f = open_memstream(&s, len);

	if (f == NULL)
		ecap_err(ECAP_EXIT_ERR, "open_memstream");
	fputs(ECAP_TRUST_MAGIC "\n", f);
	for (i = 0; i < m->n; i++) {
		ecap_trust_hash_text(hash, m->v[i].hash);
		fprintf(f, "%s\t%s\t%.71s\t%s\n", m->v[i].name, kinds[m->v[i].kind], hash,
		    m->v[i].spec);
	}
	if (fclose(f) == EOF)
		ecap_err(ECAP_EXIT_ERR, "open_memstream");
	return s;
}

static int
byname(const void *a, const void *b)
{
	return strcmp(((const struct ecap_trust_entry *)a)->name,
	    ((const struct ecap_trust_entry *)b)->name);
}

int
ecap_trust_manifest_sort(struct ecap_trust_manifest *m, char *why, size_t whylen)
{
	size_t i;

	if (m->n > 1)
		qsort(m->v, m->n, sizeof *m->v, byname);
	for (i = 1; i < m->n; i++)
		if (strcmp(m->v[i - 1].name, m->v[i].name) == 0) {
			ecap_setwhy(why, whylen, "entry %s given twice", m->v[i].name);
			return -1;
		}
	return 0;
}

struct ecap_trust_entry *
ecap_trust_manifest_find(const struct ecap_trust_manifest *m, const char *name)
{
	struct ecap_trust_entry key = { .name = (char *)(uintptr_t)name };

	if (m->n == 0)
		return NULL;
	return bsearch(&key, m->v, m->n, sizeof *m->v, byname);
}


int
ecap_trust_manifest_remove(struct ecap_trust_manifest *m, const char *name)
{
	struct ecap_trust_entry *e = ecap_trust_manifest_find(m, name);

	if (e == NULL)
		return -1;
	entry_free(e);
	memmove(e, e + 1, (size_t)(m->v + m->n - e - 1) * sizeof *e);
	m->n--;
	return 0;
}

void
ecap_trust_manifest_free(struct ecap_trust_manifest *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		entry_free(&m->v[i]);
	free(m->v);
	memset(m, 0, sizeof *m);
}

/*
 * path as stored: made absolute against the current directory, "." and
 * ".." resolved by name, then relative to base when beneath it.
 */
static char *
store_path(const char *path, const char *base)
{
	char *cwd = NULL, *abs, *out, *seg, *save = NULL;
	size_t n = 0, bl = strlen(base);

	if (path[0] == '/') {
		abs = ecap_xstrdup(path);
	} else {
		if ((cwd = getcwd(NULL, 0)) == NULL)
			ecap_err(ECAP_EXIT_ERR, "getcwd");
		if (asprintf(&abs, "%s/%s", cwd, path) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
		free(cwd);
	}
	out = ecap_xmalloc(strlen(abs) + 2);
	out[0] = '\0';
	for (seg = strtok_r(abs, "/", &save); seg != NULL; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (slash != NULL)
				*slash = '\0';
			n = strlen(out);
			continue;
		}
		n += (size_t)sprintf(out + n, "/%s", seg);
	}
	if (out[0] == '\0')
		strcpy(out, "/");
	free(abs);
	if (strcmp(base, "/") == 0)
		bl = 0;
	if (strncmp(out, base, bl) == 0 && out[bl] == '/' && out[bl + 1] != '\0')
		memmove(out, out + bl + 1, strlen(out + bl));
	return out;
}

int
ecap_trust_describe(enum ecap_trust_kind kind, const char *spec, const char *name,
    const char *base, char **outname, char **outspec, char **outpath, char *why, size_t whylen)
{
	char *s = NULL, *path = NULL;

	if (!clean_field(spec, strlen(spec)) || (name != NULL && !clean_field(name, strlen(name)))) {
		ecap_setwhy(why, whylen, "the %s is empty, too long or holds a control character",
		    name != NULL && !clean_field(name, strlen(name)) ? "name" : "spec");
		return -1;
	}
	switch (kind) {
	case ECAP_TRUST_INLINE:
		s = ecap_xstrdup(spec);
		break;
	case ECAP_TRUST_INTERP: {
		/* Words joined by single spaces, the script's path stored as paths are. */
		char *copy = ecap_xstrdup(spec), *w, *save = NULL;
		size_t i = 0;
		FILE *f = open_memstream(&s, &(size_t){ 0 });

		if (f == NULL)
			ecap_err(ECAP_EXIT_ERR, "open_memstream");
		for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save), i++) {
			if (i == 1)
				path = store_path(w, base);
			fprintf(f, "%s%s", i ? " " : "", i == 1 ? path : w);
		}
		fclose(f);
		free(copy);
		if (path == NULL) {
			free(s);
			ecap_setwhy(why, whylen, "an interp entry needs \"INTERPRETER SCRIPT "
			    "[ARG...]\"");
			return -1;
		}
		break;
	}
	default:
		path = store_path(spec, base);
		s = ecap_xstrdup(path);
		break;
	}
	*outname = ecap_xstrdup(name != NULL ? name : kind == ECAP_TRUST_FILE ||
	    kind == ECAP_TRUST_WASM || kind == ECAP_TRUST_CAPSULE ? path : s);
	*outspec = s;
	*outpath = path;
	return 0;
}

int
ecap_trust_guess_kind(const char *path, enum ecap_trust_kind *k)
{
	unsigned char b[24];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof b);
	close(fd);
	if (n < 0)
		return -1;
	if (n >= 4 && memcmp(b, "\0asm", 4) == 0)
		*k = ECAP_TRUST_WASM;
	else if (n >= 16 && memcmp(b, "ECAP", 4) == 0 && memcmp(b + 8, "capsule/", 8) == 0)
		*k = ECAP_TRUST_CAPSULE;
	else
		*k = ECAP_TRUST_FILE;
	return 0;
}

int
ecap_trust_list_parse(struct ecap_trust_manifest *m, const char *text, size_t len,
    const char *base, char *why, size_t whylen)
{
	const char *p = text, *end = text + len;
	size_t line = 0, from = m->n, *lines = NULL;
	char sub[256];
	int rc = 0;

	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *l = xstrndup(p, nl == NULL ? (size_t)(end - p) : (size_t)(nl - p));
		char *name, *kindw, *spec, *save = NULL, *n2, *s2, *p2;
		enum ecap_trust_kind kind;

		line++;
		p = nl == NULL ? end : nl + 1;
		name = strtok_r(l, " \t", &save);
		if (name == NULL || name[0] == '#') {
			free(l);
			continue;
		}
		kindw = strtok_r(NULL, " \t", &save);
		spec = save == NULL ? NULL : save + strspn(save, " \t");
		if (kindw == NULL || spec == NULL || *spec == '\0') {
			ecap_setwhy(why, whylen, "line %zu: not \"NAME KIND SPEC\"", line);
			rc = -1;
		} else if (ecap_trust_kind_parse(kindw, &kind) < 0) {
			ecap_setwhy(why, whylen, "line %zu: unknown kind %s", line, kindw);
			rc = -1;
		} else {
			/* A CRLF line's CR; any other control character is refused below. */
			if (*spec != '\0' && spec[strlen(spec) - 1] == '\r')
				spec[strlen(spec) - 1] = '\0';
			if (ecap_trust_describe(kind, spec, name, base, &n2, &s2, &p2, sub,
			    sizeof sub) < 0) {
				ecap_setwhy(why, whylen, "line %zu: %s", line, sub);
				rc = -1;
			} else {
				ecap_trust_manifest_add(m, n2, kind, s2, p2);
				lines = ecap_xrealloc(lines, (m->n - from) * sizeof *lines);
				lines[m->n - from - 1] = line;
			}
		}
		free(l);
	}
	if (rc == 0)
		rc = sort_given(m, from, lines, why, whylen);
	free(lines);
	return rc;
}

int
ecap_trust_capsule_hash(unsigned char out[ECAP_TRUST_HASH_LEN], const unsigned char *p,
    size_t len, const char **why)
{
	size_t at = 0;

	if (len < ECAP_FRAME_HDR + 8 || memcmp(p, "ECAP", 4) != 0 ||
	    memcmp(p + ECAP_FRAME_HDR, "capsule/", 8) != 0) {
		*why = "not a capsule";
		return -1;
	}
	while (len - at >= ECAP_FRAME_HDR) {
		uint32_t n = (uint32_t)p[at + 4] << 24 | (uint32_t)p[at + 5] << 16 |
		    (uint32_t)p[at + 6] << 8 | p[at + 7];

		if (memcmp(p + at, "SIGN", 4) == 0 || memcmp(p + at, "CHKP", 4) == 0) {
			ecap_sha256(out, p, at);
			return 0;
		}
		if (memcmp(p + at, "PAGE", 4) == 0 || memcmp(p + at, "END ", 4) == 0 ||
		    n > ECAP_FRAME_MAX || n > len - at - ECAP_FRAME_HDR)
			break;
		at += ECAP_FRAME_HDR + n;
	}
	*why = "a capsule cut short or malformed before its signature";
	return -1;
}

/* The stat cache. */

struct cache_rec {
	char *path;
	unsigned char hash[ECAP_TRUST_HASH_LEN];
	unsigned long long dev, ino, size;
	struct timespec mtime, ctime, hashed;	/* hashed: when the run that hashed it began */
	int used;			/* looked up or stored by this run */
	int stated;			/* st holds the file's stat from ecap_trust_cache_prestat() */
	struct stat st;
};

struct ecap_trust_cache {
	char *path;
	struct cache_rec *v;
	size_t n, cap;
	int dirty;
	struct timespec start;
	pthread_t stater;		/* ecap_trust_cache_prestat()'s thread */
	int stating;
	int dirfd;
};

#define CACHE_MAGIC	"ecap-trust-cache 2\n"

static int
byrecpath(const void *a, const void *b)
{
	return strcmp(((const struct cache_rec *)a)->path, ((const struct cache_rec *)b)->path);
}

/*
 * The file: CACHE_MAGIC, then one record a file, in the machine's byte
 * order (the cache never leaves it): the hash, then the u64 fields of
 * struct disk_rec, then the path's bytes.
 */
struct disk_rec {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns, hashed_s, hashed_ns;
	uint64_t pathlen;
};

struct ecap_trust_cache *
ecap_trust_cache_load(const char *path)
{
	struct ecap_trust_cache *c;
	unsigned char *text, *p, *end;
	struct stat st;
	size_t i, len, mlen = strlen(CACHE_MAGIC);
	int fd, sorted = 1;

	if (path == NULL)
		return NULL;
	c = ecap_xcalloc(1, sizeof *c);
	c->path = ecap_xstrdup(path);
	clock_gettime(CLOCK_REALTIME, &c->start);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return c;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 30)) {
		close(fd);
		return c;
	}
	len = (size_t)st.st_size;
	text = ecap_xmalloc(len + 1);
	if (ecap_readall(fd, text, len, path) != len || len < mlen ||
	    memcmp(text, CACHE_MAGIC, mlen) != 0) {
		free(text);
		close(fd);
		return c;
	}
	close(fd);
	/* A record that does not fit ends the reading: the file is only a cache. */
	end = text + len;
	for (p = text + mlen; (size_t)(end - p) >= 32 + sizeof(struct disk_rec);) {
		struct disk_rec d;
		struct cache_rec r;

		memcpy(&d, p + 32, sizeof d);
		p += 32 + sizeof d;
		if (d.pathlen == 0 || d.pathlen > (uint64_t)(end - p) ||
		    memchr(p, '\0', (size_t)d.pathlen) != NULL || d.mtime_ns < 0 ||
		    d.ctime_ns < 0 || d.hashed_ns < 0 || d.mtime_ns > 999999999 ||
		    d.ctime_ns > 999999999 || d.hashed_ns > 999999999)
			break;
		memset(&r, 0, sizeof r);
		r.path = xstrndup((const char *)p, (size_t)d.pathlen);
		memcpy(r.hash, p - 32 - sizeof d, 32);
		r.dev = d.dev;
		r.ino = d.ino;
		r.size = d.size;
		r.mtime = (struct timespec){ (time_t)d.mtime_s, (long)d.mtime_ns };
		r.ctime = (struct timespec){ (time_t)d.ctime_s, (long)d.ctime_ns };
		r.hashed = (struct timespec){ (time_t)d.hashed_s, (long)d.hashed_ns };
		p += d.pathlen;
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 256;
			c->v = ecap_xrealloc(c->v, c->cap * sizeof *c->v);
		}
		if (c->n > 0 && strcmp(c->v[c->n - 1].path, r.path) >= 0)
			sorted = 0;
		c->v[c->n++] = r;
	}
	free(text);
	if (!sorted) {
		qsort(c->v, c->n, sizeof *c->v, byrecpath);
		for (i = 1; i < c->n; i++)
			if (strcmp(c->v[i - 1].path, c->v[i].path) == 0)
				c->v[i - 1].size = ~0ULL;	/* a repeated path: never fresh */
	}
	return c;
}

static struct cache_rec *
cache_find(const struct ecap_trust_cache *c, const char *path)
{
	struct cache_rec key = { .path = (char *)(uintptr_t)path };

	return c->n == 0 ? NULL : bsearch(&key, c->v, c->n, sizeof *c->v, byrecpath);
}

static int
ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/*
 * Does the record still describe the file?  A file changed less than a
 * second before it was hashed may have changed again within the same
 * timestamp, so such a record is never used.
 */
static int
cache_fresh(const struct cache_rec *r, const struct stat *st)
{
	struct timespec limit = r->hashed;

	limit.tv_sec -= 1;
	return r->dev == (unsigned long long)st->st_dev && r->ino == (unsigned long long)st->st_ino &&
	    r->size == (unsigned long long)st->st_size &&
	    r->mtime.tv_sec == st->st_mtim.tv_sec && r->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    r->ctime.tv_sec == st->st_ctim.tv_sec && r->ctime.tv_nsec == st->st_ctim.tv_nsec &&
	    ts_before(st->st_mtim, limit) && ts_before(st->st_ctim, limit);
}

static void
cache_put(struct ecap_trust_cache *c, const char *path, const struct stat *st,
    const unsigned char hash[ECAP_TRUST_HASH_LEN])
{
	struct cache_rec *r = cache_find(c, path);

	if (r == NULL) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 256;
			c->v = ecap_xrealloc(c->v, c->cap * sizeof *c->v);
		}
		r = &c->v[c->n++];
		r->path = ecap_xstrdup(path);
	}
	memcpy(r->hash, hash, ECAP_TRUST_HASH_LEN);
	r->dev = (unsigned long long)st->st_dev;
	r->ino = (unsigned long long)st->st_ino;
	r->size = (unsigned long long)st->st_size;
	r->mtime = st->st_mtim;
	r->ctime = st->st_ctim;
	r->hashed = c->start;
	r->used = 1;
	r->stated = 0;
	c->dirty = 1;
}

static void *
prestat(void *arg)
{
	struct ecap_trust_cache *c = arg;
	size_t i;

	for (i = 0; i < c->n; i++)
		c->v[i].stated = fstatat(c->v[i].path[0] == '/' ? AT_FDCWD : c->dirfd, c->v[i].path,
		    &c->v[i].st, 0) == 0;
	return NULL;
}

void
ecap_trust_cache_prestat(struct ecap_trust_cache *c, const char *base)
{
	if (c == NULL || c->n == 0 || c->stating)
		return;
	if ((c->dirfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return;
	if (pthread_create(&c->stater, NULL, prestat, c) != 0) {
		close(c->dirfd);
		return;
	}
	c->stating = 1;
}

void
ecap_trust_cache_prune(struct ecap_trust_cache *c)
{
	size_t i, k = 0;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		if (!c->v[i].used) {
			free(c->v[i].path);
			c->dirty = 1;
			continue;
		}
		c->v[k++] = c->v[i];
	}
	c->n = k;
}

void
ecap_trust_cache_save(struct ecap_trust_cache *c)
{
	char *tmp;
	FILE *f;
	size_t i;
	int ok;

	if (c == NULL || !c->dirty)
		return;
	if (asprintf(&tmp, "%s.%ld.tmp", c->path, (long)getpid()) < 0)
		return;
	if ((f = fopen(tmp, "we")) == NULL) {
		free(tmp);
		return;
	}
	fputs(CACHE_MAGIC, f);
	for (i = 0; i < c->n; i++) {
		const struct cache_rec *r = &c->v[i];
		struct disk_rec d = { r->dev, r->ino, r->size, r->mtime.tv_sec, r->mtime.tv_nsec,
			r->ctime.tv_sec, r->ctime.tv_nsec, r->hashed.tv_sec, r->hashed.tv_nsec,
			strlen(r->path) };

		fwrite(r->hash, 1, 32, f);
		fwrite(&d, sizeof d, 1, f);
		fwrite(r->path, 1, (size_t)d.pathlen, f);
	}
	ok = fflush(f) == 0 && !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, c->path) < 0)
		(void)unlink(tmp);
	free(tmp);
	c->dirty = 0;
}

void
ecap_trust_cache_free(struct ecap_trust_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->stating) {
		pthread_join(c->stater, NULL);
		close(c->dirfd);
	}
	for (i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	free(c->path);
	free(c);
}

/* Hashing. */

struct hashjob {
	struct ecap_trust_entry *const *e;
	int dirfd;			/* the base directory, for relative paths */
	const struct ecap_trust_cache *cache;
	struct ecap_trust_actual *out;
	struct stat *st;
};

/* SHA-256 of what fd holds, read in pieces (small files cost less read than mapped). */
static int
hash_fd(int fd, const struct ecap_trust_entry *e, struct ecap_trust_actual *a)
{
	unsigned char buf[65536];
	ecap_sha256_ctx c;
	ssize_t n;
	int first = 1;

	ecap_sha256_init(&c);
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			a->err = errno;
			return -1;
		}
		if (first && e->kind == ECAP_TRUST_WASM && (n < 4 || memcmp(buf, "\0asm", 4) != 0)) {
			a->err = EINVAL;
			a->why = "not a WebAssembly module";
			return -1;
		}
		first = 0;
		if (n == 0)
			break;
		ecap_sha256_update(&c, buf, (size_t)n);
	}
	ecap_sha256_final(&c, a->hash);
	return 0;
}

static void
hash_one(const struct hashjob *j, size_t i)
{
	const struct ecap_trust_entry *e = j->e[i];
	struct ecap_trust_actual *a = &j->out[i];
	struct stat *st = &j->st[i];
	const struct cache_rec *r;
	int dfd = e->path != NULL && e->path[0] == '/' ? AT_FDCWD : j->dirfd, fd;
	void *map;

	memset(a, 0, sizeof *a);
	if (e->kind == ECAP_TRUST_INLINE) {
		ecap_sha256(a->hash, e->spec, strlen(e->spec));
		return;
	}
	r = j->cache != NULL ? cache_find(j->cache, e->path) : NULL;
	if (r != NULL && r->stated) {
		*st = r->st;
	} else if (fstatat(dfd, e->path, st, 0) < 0) {
		a->err = errno;
		return;
	}
	if (!S_ISREG(st->st_mode)) {
		a->err = EINVAL;
		a->why = "not a regular file";
		return;
	}
	if (r != NULL && cache_fresh(r, st)) {
		memcpy(a->hash, r->hash, sizeof a->hash);
		a->cached = 1;
		return;
	}
	if ((fd = openat(dfd, e->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		a->err = errno;
		return;
	}
	/* The stat that goes with the bytes hashed: of the file opened. */
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		a->err = EINVAL;
		a->why = "not a regular file";
	} else if (e->kind != ECAP_TRUST_CAPSULE) {
		(void)hash_fd(fd, e, a);
	} else if (st->st_size == 0 || (map = mmap(NULL, (size_t)st->st_size, PROT_READ,
	    MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		a->err = st->st_size == 0 ? EINVAL : errno;
		a->why = st->st_size == 0 ? "not a capsule" : NULL;
	} else {
		if (ecap_trust_capsule_hash(a->hash, map, (size_t)st->st_size, &a->why) < 0)
			a->err = EINVAL;
		munmap(map, (size_t)st->st_size);
	}
	close(fd);
}

static void
hash_range(void *arg, size_t lo, size_t hi)
{
	const struct hashjob *j = arg;

	for (; lo < hi; lo++)
		hash_one(j, lo);
}

void
ecap_trust_hash_entries(struct ecap_trust_entry *const *e, size_t n, const char *base,
    struct ecap_trust_cache *cache, struct ecap_trust_actual *out, unsigned threads)
{
	struct hashjob j = { e, open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC), cache, out,
	    ecap_xcalloc(n ? n : 1, sizeof(struct stat)) };
	size_t i;

	if (j.dirfd < 0)
		ecap_err(ECAP_EXIT_ERR, "%s", base);
	if (cache != NULL && cache->stating) {
		pthread_join(cache->stater, NULL);
		cache->stating = 0;
		close(cache->dirfd);
	}

	/* Below a few hundred entries threads cost more than they save. */
	ecap_parallel_for(n, n < 256 ? 1 : threads, hash_range, &j);
	if (cache != NULL) {
		for (i = 0; i < n; i++) {
			struct cache_rec *r;

			if (e[i]->kind == ECAP_TRUST_INLINE || out[i].err != 0)
				continue;
			if (!out[i].cached)
				cache_put(cache, e[i]->path, &j.st[i], out[i].hash);
			else if ((r = cache_find(cache, e[i]->path)) != NULL)
				r->used = 1;
		}
		if (cache->dirty) {
			/* Entries may share a file (interp scripts): keep one record each. */
			size_t k = 0;

			qsort(cache->v, cache->n, sizeof *cache->v, byrecpath);
			for (i = 0; i < cache->n; i++) {
				if (k > 0 && strcmp(cache->v[k - 1].path, cache->v[i].path) == 0) {
					free(cache->v[i].path);
					continue;
				}
				cache->v[k++] = cache->v[i];
			}
			cache->n = k;
		}
	}
	free(j.st);
	close(j.dirfd);
}

/* A copy of s for a one-line message: at most 64 bytes, control characters as '?'. */
static void
printable(char out[68], const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i < 64; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	strcpy(out + i, s[i] != '\0' ? "..." : "");
	if (i == 0)
		strcpy(out, "\"\"");
}

/* Put the entries of add (sorted, unique) into m (sorted) in place of those of the same names. */
static void
merge(struct ecap_trust_manifest *m, struct ecap_trust_manifest *add)
{
	size_t i, k = 0;
	char why[64];

	for (i = 0; i < m->n; i++) {
		if (ecap_trust_manifest_find(add, m->v[i].name) != NULL)
			entry_free(&m->v[i]);
		else
			m->v[k++] = m->v[i];
	}
	m->n = k;
	for (i = 0; i < add->n; i++)
		ecap_trust_manifest_add(m, add->v[i].name, add->v[i].kind, add->v[i].spec,
		    add->v[i].path);
	free(add->v);
	memset(add, 0, sizeof *add);
	(void)ecap_trust_manifest_sort(m, why, sizeof why);
}

void
ecap_trust_xadd_args(struct ecap_trust_manifest *m, int kind, const char *name,
    char *const *argv, int argc, const char *base)
{
	struct ecap_trust_manifest add = { 0 };
	char why[256], *n, *s, *p;
	enum ecap_trust_kind k;
	int i;

	for (i = 0; i < argc; i++) {
		char shown[68];

		printable(shown, argv[i]);
		if (kind >= 0) {
			k = (enum ecap_trust_kind)kind;
		} else if (ecap_trust_guess_kind(argv[i], &k) < 0) {
			int e = errno;

			ecap_errx(ECAP_EXIT_ERR, "%s: %s%s", shown, strerror(e), e == ENOENT ?
			    " (for a command give -k inline or -k interp)" : "");
		}
		if (ecap_trust_describe(k, argv[i], name, base, &n, &s, &p, why, sizeof why) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", shown, why);
		ecap_trust_manifest_add(&add, n, k, s, p);
	}
	/* The same thing named twice is one entry, as given last. */
	(void)sort_given(&add, 0, NULL, NULL, 0);
	merge(m, &add);
}

void
ecap_trust_xadd_list(struct ecap_trust_manifest *m, const char *path, const char *base)
{
	struct ecap_trust_manifest add = { 0 };
	const char *name = ecap_displayname(path, 0);
	char why[320];
	size_t len;
	char *text = ecap_xreadfile(path, &len);

	if (ecap_trust_list_parse(&add, text, len, base, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", name, why);
	merge(m, &add);
	free(text);
}

void
ecap_trust_xhash_manifest(struct ecap_trust_manifest *m, const char *base,
    struct ecap_trust_cache *cache, unsigned threads)
{
	struct ecap_trust_entry **e = ecap_xcalloc(m->n ? m->n : 1, sizeof *e);
	struct ecap_trust_actual *a = ecap_xcalloc(m->n ? m->n : 1, sizeof *a);
	size_t i;

	for (i = 0; i < m->n; i++)
		e[i] = &m->v[i];
	ecap_trust_hash_entries(e, m->n, base, cache, a, threads);
	for (i = 0; i < m->n; i++) {
		if (a[i].err != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", m->v[i].path,
			    a[i].why != NULL ? a[i].why : strerror(a[i].err));
		memcpy(m->v[i].hash, a[i].hash, sizeof a[i].hash);
	}
	free(e);
	free(a);
}
