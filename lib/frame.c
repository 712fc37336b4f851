#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "merkle.h"
#include "xio.h"

const struct ecap_frame_format ecap_frame_formats[] = {
	{ "data", 1, "DATAEVNT" },	/* raw bytes wrapped by ecap-frame wrap */
	{ "capsule", 1, "HEADRCPTTABLROOTSIGNPAGE" },	/* ecap(5) */
	{ "exec", 1, "METABODYSTDIEVNT" },	/* ecap-open(1) to wasm-exec(1) */
	{ NULL, 0, NULL },
};

const struct ecap_frame_format *
ecap_frame_format_find(const char *name)
{
	const struct ecap_frame_format *f;

	for (f = ecap_frame_formats; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static int
isalpha_c(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
valid_type(const unsigned char *t)
{
	int i;

	if (!isalpha_c(t[0]))
		return 0;
	for (i = 1; i < 4; i++)
		if (!isalpha_c(t[i]) && !(t[i] >= '0' && t[i] <= '9') && t[i] != ' ')
			return 0;
	return 1;
}

int
ecap_frame_valid_type(const char *type)
{
	return strlen(type) == 4 && valid_type((const unsigned char *)type);
}

int
ecap_frame_critical(const char *type)
{
	return type[0] >= 'A' && type[0] <= 'Z';
}

static void
reader_init(struct ecap_frame_reader *r, const char *name, unsigned flags)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->flags = flags;
	ecap_sha256_init(&r->hash);
}

void
ecap_frame_reader_fd(struct ecap_frame_reader *r, int fd, const char *name, unsigned flags)
{
	reader_init(r, name, flags);
	r->fd = fd;
}

void
ecap_frame_reader_mem(struct ecap_frame_reader *r, const void *mem, size_t len,
    const char *name, unsigned flags)
{
	reader_init(r, name, flags);
	r->fd = -1;
	r->mem = mem;
	r->memlen = len;
}

void
ecap_frame_reader_free(struct ecap_frame_reader *r)
{
	free(r->buf);
	r->buf = NULL;
	r->cap = 0;
	free(r->q);
	r->q = NULL;
	r->qcap = r->qlen = r->qhead = 0;
}

static int
fail(struct ecap_frame_reader *r, int code, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(struct ecap_frame_reader *r, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->err, sizeof(r->err), "offset %llu: ", (unsigned long long)off);
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	r->state = 3 + (-code);	/* remember the code: state - 3 */
	return code;
}

/*
 * Read up to n bytes into dst.  Returns the number read (short
 * only at end of input), or -1 on a read error (r->err set).
 */
static ssize_t
take(struct ecap_frame_reader *r, unsigned char *dst, size_t n)
{
	size_t got = 0;

	if (r->fd < 0) {
		got = r->memlen - r->mempos < n ? r->memlen - r->mempos : n;
		memcpy(dst, r->mem + r->mempos, got);
		r->mempos += got;
	} else {
		while (got < n) {
			size_t k;

			if (r->inpos == r->inlen) {
				ssize_t m;

				if (n - got >= sizeof(r->in)) {
					/* Large reads go straight to the caller's buffer. */
					m = read(r->fd, dst + got, n - got);
					if (m > 0) {
						got += m;
						continue;
					}
				} else {
					m = read(r->fd, r->in, sizeof(r->in));
					if (m > 0) {
						r->inlen = m;
						r->inpos = 0;
						continue;
					}
				}
				if (m == 0)
					break;
				if (errno == EINTR)
					continue;
				fail(r, ECAP_FRAME_EIO, r->off + got, "read: %s", strerror(errno));
				return -1;
			}
			k = r->inlen - r->inpos < n - got ? r->inlen - r->inpos : n - got;
			memcpy(dst + got, r->in + r->inpos, k);
			r->inpos += k;
			got += k;
		}
	}
	r->off += got;
	return got;
}

/* The type as printable text for messages: 'ABCD', or hex bytes when it is not text. */
static const char *
showtype(const unsigned char *t, char *out, size_t outlen)
{
	int i;

	for (i = 0; i < 4; i++)
		if (t[i] < 0x20 || t[i] > 0x7e || t[i] == '\'')
			break;
	if (i == 4)
		snprintf(out, outlen, "'%.4s'", (const char *)t);
	else
		snprintf(out, outlen, "0x%02x%02x%02x%02x", t[0], t[1], t[2], t[3]);
	return out;
}

static int
parse_header(struct ecap_frame_reader *r, const struct ecap_frame *f)
{
	const unsigned char *p = f->data, *slash;
	size_t namelen, i;
	unsigned long v = 0;

	slash = f->len ? memchr(p, '/', f->len) : NULL;
	namelen = slash ? (size_t)(slash - p) : 0;
	if (slash == NULL || namelen == 0 || namelen > ECAP_FRAME_FORMAT_MAX ||
	    !(p[0] >= 'a' && p[0] <= 'z'))
		goto bad;
	for (i = 0; i < namelen; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
			goto bad;
	i = namelen + 1;
	if (i == f->len || p[i] == '0' || f->len - i > 6)
		goto bad;
	for (; i < f->len; i++) {
		if (p[i] < '0' || p[i] > '9')
			goto bad;
		v = v * 10 + (p[i] - '0');
	}
	memcpy(r->format, p, namelen);
	r->format[namelen] = '\0';
	r->version = v;
	r->known = ecap_frame_format_find(r->format);
	if (r->flags & ECAP_FRAME_ANYTYPE)
		return 0;
	if (r->known == NULL)
		return fail(r, ECAP_FRAME_EFORMAT, f->off, "unknown stream format '%s'", r->format);
	if (v > r->known->version)
		return fail(r, ECAP_FRAME_EFORMAT, f->off,
		    "stream format %s/%lu is newer than this program reads (%s/%u)",
		    r->format, v, r->format, r->known->version);
	return 0;
bad:
	return fail(r, ECAP_FRAME_EHEAD, f->off,
	    "malformed ECAP header: payload is not FORMAT/VERSION");
}

static int
known_type(const struct ecap_frame_reader *r, const char *type)
{
	const char *t;

	if (r->known == NULL)
		return 0;
	for (t = r->known->types; *t != '\0'; t += 4)
		if (memcmp(t, type, 4) == 0)
			return 1;
	return 0;
}

/*
 * The stream hash takes in one record a frame: its type, its length (4
 * bytes, big-endian) and the RFC 6962 leaf hash of its payload.
 */
static void
make_record(unsigned char rec[ECAP_FRAME_RECORD], const char *type, uint32_t len,
    const unsigned char *digest)
{
	memcpy(rec, type, 4);
	rec[4] = len >> 24;
	rec[5] = len >> 16;
	rec[6] = len >> 8;
	rec[7] = len;
	memcpy(rec + 8, digest, 32);
}

/* Take in the records at the head of the queue whose digests are known. */
static void
flush_records(struct ecap_frame_reader *r)
{
	while (r->qhead < r->qlen && r->q[r->qhead].ready) {
		ecap_sha256_update(&r->hash, r->q[r->qhead].rec, ECAP_FRAME_RECORD);
		r->qhead++;
	}
	if (r->qhead == r->qlen)
		r->qhead = r->qlen = 0;
}

/* Queue the record of frame f; its digest now, or later from the caller when deferred. */
static void
add_record(struct ecap_frame_reader *r, const struct ecap_frame *f)
{
	struct ecap_frame_record *q;
	const char *t;
	int deferred = 0;

	for (t = r->defer; t != NULL && *t != '\0'; t += 4)
		if (memcmp(t, f->type, 4) == 0)
			deferred = 1;
	if (r->qlen == r->qcap) {
		r->qcap = r->qcap ? 2 * r->qcap : 64;
		r->q = ecap_xrealloc(r->q, r->qcap * sizeof(*r->q));
	}
	q = &r->q[r->qlen++];
	q->off = f->off;
	q->ready = !deferred;
	memcpy(q->rec, f->type, 4);
	if (deferred) {
		make_record(q->rec, f->type, f->len, (const unsigned char[32]){ 0 });
	} else {
		unsigned char d[32];

		ecap_merkle_leaf_hash(d, f->data, f->len);
		make_record(q->rec, f->type, f->len, d);
	}
	flush_records(r);
}

void
ecap_frame_reader_defer(struct ecap_frame_reader *r, const char *types)
{
	r->defer = types;
}

int
ecap_frame_reader_digest(struct ecap_frame_reader *r, const unsigned char digest[32])
{
	size_t i;

	for (i = r->qhead; i < r->qlen; i++) {
		if (!r->q[i].ready) {
			memcpy(r->q[i].rec + 8, digest, 32);
			r->q[i].ready = 1;
			flush_records(r);
			return 0;
		}
	}
	return -1;
}

int
ecap_frame_read(struct ecap_frame_reader *r, struct ecap_frame *f)
{
	unsigned char hdr[ECAP_FRAME_HDR], pre[ECAP_SHA256_LEN], c, *into;
	char tbuf[16];
	ssize_t got;
	size_t have;
	uint64_t off;

again:
	if (r->state >= 3)
		return -(r->state - 3);
	if (r->state == 2) {
		off = r->off;
		got = take(r, &c, 1);
		if (got < 0)
			return ECAP_FRAME_EIO;
		if (got > 0)
			return fail(r, ECAP_FRAME_ETRAIL, off, "data after END frame");
		return 0;
	}
	off = r->off;
	got = take(r, hdr, sizeof(hdr));
	if (got < 0)
		return ECAP_FRAME_EIO;
	if (got == 0 && r->state == 0)
		return fail(r, ECAP_FRAME_ETRUNC, off, "empty input: expected an ECAP stream header");
	if (got == 0)
		return fail(r, ECAP_FRAME_ETRUNC, off, "stream ends without an END frame (truncated)");
	if (got < (ssize_t)sizeof(hdr))
		return fail(r, ECAP_FRAME_ETRUNC, off,
		    "truncated frame header: %zd of 8 bytes", got);
	if (!valid_type(hdr))
		return fail(r, ECAP_FRAME_ETYPE, off, "bad frame type %s%s",
		    showtype(hdr, tbuf, sizeof(tbuf)),
		    r->state == 0 ? ": not a frame stream" : "");
	memcpy(f->type, hdr, 4);
	f->type[4] = '\0';
	f->len = (uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 | (uint32_t)hdr[6] << 8 | hdr[7];
	f->off = off;
	if (r->state == 0 && memcmp(f->type, "ECAP", 4) != 0)
		return fail(r, ECAP_FRAME_EHEAD, off,
		    "expected an ECAP stream header, found frame '%s': not a frame stream",
		    f->type);
	if (f->len > ECAP_FRAME_MAX)
		return fail(r, ECAP_FRAME_ELEN, off,
		    "frame '%s' declares %lu payload bytes, over the limit of %u",
		    f->type, (unsigned long)f->len, ECAP_FRAME_MAX);
	if ((memcmp(f->type, "CHKP", 4) == 0 || memcmp(f->type, "END ", 4) == 0) &&
	    f->len != ECAP_SHA256_LEN)
		return fail(r, ECAP_FRAME_ELEN, off, "frame '%s' has %lu payload bytes, not %d",
		    f->type, (unsigned long)f->len, ECAP_SHA256_LEN);
	if (memcmp(f->type, "ECAP", 4) == 0 && f->len > ECAP_FRAME_FORMAT_MAX + 8)
		return fail(r, ECAP_FRAME_ELEN, off, "frame 'ECAP' has %lu payload bytes, over %d",
		    (unsigned long)f->len, ECAP_FRAME_FORMAT_MAX + 8);

	/* The payload: grow the buffer only as data arrives, so a lying length costs nothing. */
	have = 0;
	into = r->into != NULL && f->len <= r->intocap ? r->into : NULL;
	r->into = NULL;
	if (into != NULL) {
		got = f->len ? take(r, into, f->len) : 0;
		if (got < 0)
			return ECAP_FRAME_EIO;
		if ((size_t)got < f->len)
			return fail(r, ECAP_FRAME_ETRUNC, off,
			    "frame '%s' truncated: %zd of %lu payload bytes", f->type, got,
			    (unsigned long)f->len);
		have = f->len;
	}
	while (have < f->len) {
		size_t want = f->len - have;

		if (r->cap == have) {
			size_t ncap = r->cap ? r->cap * 2 : 65536;

			if (ncap > f->len)
				ncap = f->len;
			r->buf = ecap_xrealloc(r->buf, ncap);
			r->cap = ncap;
		}
		if (want > r->cap - have)
			want = r->cap - have;
		got = take(r, r->buf + have, want);
		if (got < 0)
			return ECAP_FRAME_EIO;
		if (got == 0)
			return fail(r, ECAP_FRAME_ETRUNC, off,
			    "frame '%s' truncated: %zu of %lu payload bytes", f->type, have,
			    (unsigned long)f->len);
		have += got;
	}
	f->data = into != NULL ? into : r->buf;

	if (memcmp(f->type, "ECAP", 4) == 0) {
		if (r->state != 0)
			return fail(r, ECAP_FRAME_EHEAD, off, "second ECAP stream header");
		if (parse_header(r, f) < 0)
			return -(r->state - 3);
		r->state = 1;
		add_record(r, f);
		return 1;
	}
	if (memcmp(f->type, "CHKP", 4) == 0 || memcmp(f->type, "END ", 4) == 0) {
		if (r->qlen > 0)
			return fail(r, ECAP_FRAME_EDIGEST, r->q[r->qhead].off,
			    "the digest of this frame was not supplied before the %s at offset %llu",
			    f->type[0] == 'E' ? "END" : "checkpoint", (unsigned long long)off);
		ecap_sha256_peek(&r->hash, pre);
		if (memcmp(f->data, pre, ECAP_SHA256_LEN) != 0)
			return fail(r, ECAP_FRAME_EHASH, off,
			    "%s hash does not match the stream before it (corrupt or spliced)",
			    f->type[0] == 'E' ? "END" : "checkpoint");
		memcpy(r->lasthash, pre, sizeof(pre));
		if (f->type[0] == 'E')
			r->state = 2;
		else
			add_record(r, f);
		return 1;
	}
	add_record(r, f);
	if (r->flags & ECAP_FRAME_ANYTYPE)
		return 1;
	if (ecap_frame_critical(f->type)) {
		if (!known_type(r, f->type))
			return fail(r, ECAP_FRAME_ECRIT, off,
			    "unknown critical frame '%s' in a %s/%u stream", f->type, r->format,
			    r->version);
		return 1;
	}
	if (r->flags & ECAP_FRAME_ANCILLARY)
		return 1;
	goto again;
}

void
ecap_frame_reader_into(struct ecap_frame_reader *r, void *dst, size_t cap)
{
	r->into = dst;
	r->intocap = cap;
}

int
ecap_frame_xread(struct ecap_frame_reader *r, struct ecap_frame *f)
{
	int rc = ecap_frame_read(r, f);

	if (rc < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", r->name, r->err);
	return rc;
}

void
ecap_frame_writer_init(struct ecap_frame_writer *w, int fd, const char *name)
{
	w->fd = fd;
	w->name = name;
	w->off = 0;
	ecap_sha256_init(&w->hash);
}

#define WRITEV_FRAMES	256	/* frames a writev() call takes at most */

void
ecap_frame_writev(struct ecap_frame_writer *w, const char *type, const struct iovec *payload,
    size_t n, const unsigned char (*digest)[32])
{
	unsigned char hdr[WRITEV_FRAMES][ECAP_FRAME_HDR], rec[ECAP_FRAME_RECORD];
	struct iovec iov[2 * WRITEV_FRAMES], *v;
	size_t k, m, cnt;

	for (; n > 0; n -= m, payload += m, digest += m) {
		m = n < WRITEV_FRAMES ? n : WRITEV_FRAMES;
		for (k = 0; k < m; k++) {
			size_t len = payload[k].iov_len;

			if (!ecap_frame_valid_type(type) || len > ECAP_FRAME_MAX)
				ecap_errx(ECAP_EXIT_ERR, "%s: cannot write frame '%s' of %zu bytes",
				    w->name, type, len);
			memcpy(hdr[k], type, 4);
			hdr[k][4] = len >> 24;
			hdr[k][5] = len >> 16;
			hdr[k][6] = len >> 8;
			hdr[k][7] = len;
			make_record(rec, type, (uint32_t)len, digest[k]);
			ecap_sha256_update(&w->hash, rec, sizeof(rec));
			iov[2 * k] = (struct iovec){ hdr[k], sizeof(hdr[k]) };
			iov[2 * k + 1] = payload[k];
			w->off += sizeof(hdr[k]) + len;
		}
		/* Every header and payload in one writev, then whatever a short write left over. */
		for (v = iov, cnt = 2 * m; cnt > 0;) {
			ssize_t got = writev(w->fd, v, cnt > IOV_MAX ? IOV_MAX : (int)cnt);

			if (got < 0) {
				if (errno == EINTR)
					continue;
				ecap_err(ECAP_EXIT_ERR, "%s: write", w->name);
			}
			while (cnt > 0 && (size_t)got >= v->iov_len) {
				got -= v->iov_len;
				v++;
				cnt--;
			}
			if (cnt > 0) {
				v->iov_base = (unsigned char *)v->iov_base + got;
				v->iov_len -= got;
			}
		}
	}
}

void
ecap_frame_write_digest(struct ecap_frame_writer *w, const char *type, const void *data,
    size_t len, const unsigned char digest[32])
{
	struct iovec iov = { (void *)(uintptr_t)data, len };
	unsigned char d[1][32];

	memcpy(d[0], digest, 32);
	ecap_frame_writev(w, type, &iov, 1, d);
}

void
ecap_frame_writer_skip(struct ecap_frame_writer *w, const char *type, size_t len,
    const unsigned char digest[32])
{
	unsigned char rec[ECAP_FRAME_RECORD];

	make_record(rec, type, (uint32_t)len, digest);
	ecap_sha256_update(&w->hash, rec, sizeof(rec));
	w->off += ECAP_FRAME_HDR + len;
}

void
ecap_frame_write(struct ecap_frame_writer *w, const char *type, const void *data, size_t len)
{
	unsigned char d[32];

	ecap_merkle_leaf_hash(d, data, len);
	ecap_frame_write_digest(w, type, data, len, d);
}

void
ecap_frame_begin(struct ecap_frame_writer *w, const char *format, unsigned version)
{
	char hdr[ECAP_FRAME_FORMAT_MAX + 16];
	int n = snprintf(hdr, sizeof(hdr), "%s/%u", format, version);

	if (n < 0 || (size_t)n >= sizeof(hdr))
		ecap_errx(ECAP_EXIT_ERR, "%s: format name too long", w->name);
	ecap_frame_write(w, "ECAP", hdr, n);
}

void
ecap_frame_checkpoint(struct ecap_frame_writer *w)
{
	unsigned char h[ECAP_SHA256_LEN];

	ecap_sha256_peek(&w->hash, h);
	ecap_frame_write(w, "CHKP", h, sizeof(h));
}

void
ecap_frame_end(struct ecap_frame_writer *w)
{
	unsigned char h[ECAP_SHA256_LEN];

	ecap_sha256_peek(&w->hash, h);
	ecap_frame_write(w, "END ", h, sizeof(h));
}
