/* capsule.c - sealing and opening capsules, ecap(5).  See capsule.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capsule.h"
#include "compress.h"
#include "err.h"
#include "hex.h"
#include "kdf.h"
#include "parallel.h"
#include "parse.h"
#include "secmem.h"
#include "sha256.h"
#include "xio.h"

#define HEAD_FIXED	48		/* aead, page size, compression, 0, salt */
#define ROOT_LEN	48		/* root, page count, payload length */
#define TABL_MAX	(ECAP_FRAME_MAX / 32)	/* leaf hashes in one TABL frame */
#define STANZA_SYM_LEN	(1 + 8 + 48)
#define STANZA_X_LEN	(1 + 8 + 32 + 48)
#define BATCH_BYTES	(2u << 20)	/* plaintext a round of threads works on; two rounds are locked */
#define META_MAX	(1u << 20)	/* metadata, bytes */
#define PROGRESS_BYTES	(64u << 20)	/* a progress line from this much payload on */

static const unsigned char zero_nonce[ECAP_AEAD_NONCE_LEN];

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, (uint32_t)v);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* A growing byte buffer: the bytes of the frames before SIGN, and such. */
struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void
bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->cap - b->len < len) {
		while (b->cap - b->len < len)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = ecap_xrealloc(b->p, b->cap);
	}
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* Append a frame's encoding (type, length, payload) to b. */
static void
bytes_frame(struct bytes *b, const char *type, const void *data, size_t len)
{
	unsigned char hdr[ECAP_FRAME_HDR];

	memcpy(hdr, type, 4);
	put32(hdr + 4, (uint32_t)len);
	bytes_add(b, hdr, sizeof(hdr));
	bytes_add(b, data, len);
}

/* Write a frame and keep a copy of its bytes in b (the signed part). */
static void
signed_frame(struct ecap_frame_writer *w, struct bytes *b, const char *type, const void *data,
    size_t len)
{
	ecap_frame_write(w, type, data, len);
	bytes_frame(b, type, data, len);
}

void
ecap_capsule_free(struct ecap_capsule *c)
{
	size_t i;

	for (i = 0; i < c->nmeta; i++)
		free(c->meta[i]);
	free(c->meta);
	free(c->stanzas);
	free(c->table);
	free(c->sig);
	ecap_sshkey_wipe(&c->signer);
	memset(c, 0, sizeof(*c));
}

const char *
ecap_capsule_meta(const struct ecap_capsule *c, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < c->nmeta; i++)
		if (strncmp(c->meta[i], key, n) == 0 && c->meta[i][n] == '=')
			return c->meta[i] + n + 1;
	return NULL;
}

/* Is line "key=value" with key [a-z0-9][a-z0-9.-]* and value printable, no newline? */
static int
meta_valid(const char *line, size_t len)
{
	size_t i = 0;

	if (len == 0 || !((line[0] >= 'a' && line[0] <= 'z') || (line[0] >= '0' && line[0] <= '9')))
		return 0;
	for (; i < len && line[i] != '='; i++)
		if (!((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9') ||
		    line[i] == '.' || line[i] == '-'))
			return 0;
	if (i == len)
		return 0;
	for (i++; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return 0;
	return 1;
}

/* Is the value of a min-toolkit-version line a dotted version, "1" or "0.1.2"? */
static int
version_valid(const char *v)
{
	int digits = 0;

	for (; *v != '\0'; v++) {
		if (*v >= '0' && *v <= '9')
			digits++;
		else if (*v == '.' && digits > 0)
			digits = 0;
		else
			return 0;
	}
	return digits > 0;
}

#define MIN_VERSION	"min-toolkit-version="

/* Do the "key=value" lines a and b have the same key? */
static int
meta_same_key(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");

	return strncmp(a, b, n + 1) == 0;
}

/* Keys that may appear more than once. */
static int
meta_multi(const char *line)
{
	static const char *const multi[] = { "capability=", "parent=", "wasm-import=",
	    "wasm-export=" };
	size_t i;

	for (i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		if (strncmp(line, multi[i], strlen(multi[i])) == 0)
			return 1;
	return 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stanza key: HKDF-SHA256 of the secret, the salt and the stanza's label. */
static void
kek(unsigned char out[32], const void *secret, size_t secretlen, const void *salt,
    size_t saltlen, const char *info)
{
	ecap_hkdf_sha256(out, 32, secret, secretlen, salt, saltlen, info, strlen(info));
}

static const unsigned char basepoint[32] = { 9 };

/* ---- sealing ---- */

struct sealjob {
	const struct ecap_aead *aead;
	const unsigned char *aad;
	unsigned char *buf;		/* slot i at i * slot */
	size_t slot;
	size_t *len;			/* plaintext bytes of each page */
	uint64_t first;			/* index of the batch's first page */
	uint64_t last;			/* index of the capsule's last page, or UINT64_MAX */
	ecap_merkle_hash *leaf;	/* NULL: no leaf hashes */
};

static void
seal_range(void *arg, size_t lo, size_t hi)
{
	struct sealjob *j = arg;
	unsigned char nonce[ECAP_AEAD_NONCE_LEN];
	size_t k;

	for (k = lo; k < hi; k++) {
		unsigned char *p = j->buf + k * j->slot;
		uint64_t idx = j->first + k;

		ecap_stream_nonce(nonce, idx, idx == j->last);
		ecap_aead_seal(j->aead, nonce, j->aad, ECAP_SHA256_LEN, p, j->len[k], p + j->len[k]);
		if (j->leaf != NULL)
			ecap_merkle_leaf_hash(j->leaf[k], p, j->len[k] + ECAP_AEAD_TAG_LEN);
	}
}

/* The payload as it is read: the prefix bytes, then the descriptor's. */
struct source {
	const unsigned char *pre;
	size_t prelen, prepos;
	int fd;			/* -1: nothing after the prefix */
	const char *name;
};

static size_t
source_read(struct source *src, unsigned char *dst, size_t n)
{
	size_t got = 0;

	if (src->prepos < src->prelen) {
		got = src->prelen - src->prepos < n ? src->prelen - src->prepos : n;
		memcpy(dst, src->pre + src->prepos, got);
		src->prepos += got;
	}
	if (got < n && src->fd != -1)
		got += ecap_readall(src->fd, dst + got, n - got, src->name);
	return got;
}

/* Read the next page into dst; *last is set when the input ends with it. */
static size_t
read_page(struct source *src, unsigned char *dst, size_t ps, int *carry,
    unsigned char *carried, int *last)
{
	size_t n = 0;

	if (*carry) {
		dst[0] = *carried;
		n = 1;
		*carry = 0;
	}
	n += source_read(src, dst + n, ps - n);
	if (n < ps) {
		*last = 1;
	} else if (source_read(src, carried, 1) == 0) {
		*last = 1;
	} else {
		*carry = 1;
	}
	return n;
}

static void
seed_for_reproducible(const struct ecap_seal_opts *o, struct source *src,
    const unsigned char fixed[HEAD_FIXED], const struct bytes *metatext, unsigned char seed[32])
{
	struct ecap_hmac_sha256 h;
	ecap_sha256_ctx c;
	unsigned char digest[32], buf[65536];
	struct stat st;
	off_t start = 0;
	size_t n, i;

	if (src->fd != -1 && (fstat(src->fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (start = lseek(src->fd, 0, SEEK_CUR)) == -1))
		ecap_errx(ECAP_EXIT_ERR, "%s: --reproducible needs a regular file, not a pipe",
		    src->name);
	ecap_sha256_init(&c);
	while ((n = source_read(src, buf, sizeof(buf))) > 0)
		ecap_sha256_update(&c, buf, n);
	ecap_sha256_final(&c, digest);
	explicit_bzero(buf, sizeof(buf));
	src->prepos = 0;
	if (src->fd != -1 && lseek(src->fd, start, SEEK_SET) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: seek", src->name);
	/*
	 * The seed binds the content, the whole HEAD but its salt (parameters and
	 * metadata) and every stanza's key: two capsules that share a seed share
	 * all of these, so their pages' associated data are the same too.
	 */
	ecap_hmac_sha256_init(&h, digest, sizeof(digest));
	ecap_hmac_sha256_update(&h, "ecap reproducible 1", 19);
	ecap_hmac_sha256_update(&h, fixed, HEAD_FIXED);
	ecap_hmac_sha256_update(&h, metatext->p, metatext->len);
	if (o->sym != NULL)
		ecap_hmac_sha256_update(&h, o->sym->key, sizeof(o->sym->key));
	for (i = 0; i < o->nrcpt; i++)
		ecap_hmac_sha256_update(&h, o->rcpt[i].pub, sizeof(o->rcpt[i].pub));
	ecap_hmac_sha256_final(&h, seed);
	explicit_bzero(&h, sizeof(h));
}

/*
 * One pass over the payload: a batch of pages at a time is read and sealed
 * on the pool while the next batch is read and the last one, sealed, goes
 * to emit(), in page order.
 */
struct sealpass {
	struct source *src;
	const struct ecap_seal_opts *o;
	struct ecap_pool *pool;
	struct sealjob job[2];
	ecap_merkle_hash *leaves[2];
	size_t per;
	uint64_t total;			/* plaintext bytes read */
	void (*emit)(struct sealpass *sp, const struct sealjob *j, size_t n);
	void *arg;
};

/* Read up to sp->per pages, from page first on, into j; returns how many. */
static size_t
read_batch(struct sealpass *sp, struct sealjob *j, uint64_t first, int *carry,
    unsigned char *carried, int *last)
{
	size_t n = 0;

	j->first = first;
	j->last = UINT64_MAX;
	while (n < sp->per && !*last) {
		j->len[n] = read_page(sp->src, j->buf + n * j->slot, sp->o->page_size, carry,
		    carried, last);
		sp->total += j->len[n];
		n++;
	}
	if (*last)
		j->last = first + n - 1;
	return n;
}

/* Seal the whole payload once, leaf hashes too when withleaf; returns the page count. */
static uint64_t
seal_pass(struct sealpass *sp, int withleaf,
    void (*emit)(struct sealpass *sp, const struct sealjob *j, size_t n))
{
	size_t n[2];
	uint64_t first = 0;
	int b = 0, carry = 0, last = 0;
	unsigned char carried;

	sp->total = 0;
	sp->emit = emit;
	for (b = 0; b < 2; b++)
		sp->job[b].leaf = withleaf ? sp->leaves[b] : NULL;
	b = 0;
	n[0] = read_batch(sp, &sp->job[0], 0, &carry, &carried, &last);
	ecap_pool_submit(sp->pool, n[0], seal_range, &sp->job[0]);
	while (n[b] > 0) {
		int nb = !b;

		n[nb] = last ? 0 : read_batch(sp, &sp->job[nb], first + n[b], &carry, &carried,
		    &last);
		ecap_pool_wait(sp->pool);
		if (n[nb] > 0)
			ecap_pool_submit(sp->pool, n[nb], seal_range, &sp->job[nb]);
		sp->emit(sp, &sp->job[b], n[b]);
		first += n[b];
		b = nb;
	}
	return first;
}

/* What the passes build: the page table, its tree, the tags for a second pass, the output. */
struct sealout {
	ecap_merkle_hash *table;
	uint64_t pages, cap;
	struct ecap_merkle m;
	unsigned char *tags;		/* two passes: every page's tag */
	int spool;			/* spooled: the ciphertext, or -1 */
	struct ecap_frame_writer *w;	/* one pass, and the second of two: the PAGE frames */
	struct iovec *iov;		/* a batch's pages, for w */
	uint64_t size;			/* one pass: the payload's length, bytes */
	const char *inname;
	int progress;			/* a progress line on stderr */
};

/* Write the n pages of j as PAGE frames to so->w; their digests are at digest. */
static void
write_pages(struct sealout *so, const struct sealjob *j, size_t n,
    const ecap_merkle_hash *digest)
{
	size_t i;

	for (i = 0; i < n; i++)
		so->iov[i] = (struct iovec){ j->buf + i * j->slot, j->len[i] + ECAP_AEAD_TAG_LEN };
	ecap_frame_writev(so->w, "PAGE", so->iov, n, digest);
}

/* Take the leaf hashes (and tags) of a sealed batch into the table; write or spool it. */
static void
emit_first(struct sealpass *sp, const struct sealjob *j, size_t n)
{
	struct sealout *so = sp->arg;
	size_t i, slot = j->slot;

	/* One pass: a file that grows (into the capsule itself, say) stops at once. */
	if (so->size > 0 && sp->total > so->size)
		ecap_errx(ECAP_EXIT_ERR, "%s: changed while it was being sealed", so->inname);
	if (so->pages + n > so->cap) {
		so->cap = so->cap ? 2 * so->cap : 1024;
		while (so->cap < so->pages + n)
			so->cap *= 2;
		so->table = ecap_xrealloc(so->table, so->cap * sizeof(*so->table));
		if (so->w == NULL && so->spool == -1)
			so->tags = ecap_xrealloc(so->tags, so->cap * ECAP_AEAD_TAG_LEN);
	}
	for (i = 0; i < n; i++) {
		memcpy(so->table[so->pages + i], j->leaf[i], sizeof(j->leaf[i]));
		ecap_merkle_push(&so->m, j->leaf[i]);
		if (so->w == NULL && so->spool == -1)
			memcpy(so->tags + (so->pages + i) * ECAP_AEAD_TAG_LEN,
			    j->buf + i * slot + j->len[i], ECAP_AEAD_TAG_LEN);
	}
	if (so->w != NULL)
		write_pages(so, j, n, j->leaf);
	if (so->spool != -1)
		ecap_writeall(so->spool, j->buf, (n - 1) * slot + j->len[n - 1] + ECAP_AEAD_TAG_LEN,
		    "spool");
	so->pages += n;
	if (so->progress && sp->total >= PROGRESS_BYTES)
		fprintf(stderr, "\r%s: sealed %llu MiB", ecap_progname,
		    (unsigned long long)(sp->total >> 20));
}

/*
 * The second of two passes: the same plaintext under the same key and nonce
 * gives the same page; the tag, a MAC over the page under a key that nobody
 * else holds, tells whether it is, without hashing the page again.
 */
static void
emit_again(struct sealpass *sp, const struct sealjob *j, size_t n)
{
	struct sealout *so = sp->arg;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t idx = j->first + i;

		if (idx >= so->pages || memcmp(j->buf + i * j->slot + j->len[i],
		    so->tags + idx * ECAP_AEAD_TAG_LEN, ECAP_AEAD_TAG_LEN) != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: changed while it was being sealed", so->inname);
	}
	write_pages(so, j, n, so->table + j->first);
}

/*
 * Can the capsule be written out of order to fd: a regular file, not in
 * append mode?  *base is where it starts.
 */
static int
out_seekable(int fd, off_t *base)
{
	struct stat st;
	int fl;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (fl = fcntl(fd, F_GETFL)) != -1 &&
	    !(fl & O_APPEND) && (*base = lseek(fd, 0, SEEK_CUR)) != -1;
}

/*
 * The length of k's signatures, when every signature has the same length
 * (Ed25519), else 0 (an ECDSA signature's integers vary in length).
 */
static size_t
sign_len(const struct ecap_sshkey *k)
{
	struct ecap_ssh_out sig = { 0 };
	size_t len;

	if (k->type != ECAP_SSHKEY_ED25519 || ecap_sshsig_sign(k, ECAP_SIGN_NAMESPACE, "", 0,
	    &sig) < 0)
		return 0;
	len = sig.len;
	ecap_ssh_out_free(&sig);
	return len;
}

/* An unnamed temporary file for the ciphertext, in $TMPDIR. */
static int
spool_open(void)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: cannot create a temporary file", dir);
	return fd;
}

void
ecap_seal(const struct ecap_seal_opts *o, int infd, const char *inname, int outfd,
    const char *outname)
{
	struct ecap_frame_writer w, wp;
	struct bytes head = { 0 }, sigbytes = { 0 }, metatext = { 0 }, rcpts = { 0 };
	struct ecap_aead aead, wrap;
	unsigned char seed[32], salt[32], filekey[32], paykey[32], k[32], hh[32];
	char **meta;
	size_t i, slot, siglen = 0;
	uint64_t headlen = 0;
	int b, seekable_in;
	off_t start = 0, base = 0;
	struct stat ist;
	struct source src = { o->prefix, o->prefixlen, 0, infd, inname };
	/* Static, so that what they hold stays reachable when an error ends the program. */
	static struct sealpass sp;
	static struct sealout so;

	if (o->sym == NULL && o->nrcpt == 0)
		ecap_errx(ECAP_EXIT_ERR, "no key: give a master key or a recipient");
	if (o->page_size < ECAP_PAGE_MIN || o->page_size > ECAP_PAGE_MAX)
		ecap_errx(ECAP_EXIT_ERR, "page size must be %u to %u bytes", ECAP_PAGE_MIN,
		    ECAP_PAGE_MAX);
	if (ecap_aead_name(o->aead) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "unknown AEAD");

	/* The metadata sorted, each line once. */
	meta = ecap_xcalloc(o->nmeta + 1, sizeof(*meta));
	for (i = 0; i < o->nmeta; i++)
		meta[i] = o->meta[i];
	qsort(meta, o->nmeta, sizeof(*meta), cmpstr);
	for (i = 0; i < o->nmeta; i++) {
		if (!meta_valid(meta[i], strlen(meta[i])))
			ecap_errx(ECAP_EXIT_ERR, "metadata '%s': not key=value (key of a-z 0-9 . -, "
			    "value without control characters)", meta[i]);
		if (meta[i][0] == 'x' && meta[i][1] == '-')
			ecap_errx(ECAP_EXIT_ERR, "metadata '%s': keys beginning x- are reserved for "
			    "openers", meta[i]);
		if (strncmp(meta[i], MIN_VERSION, strlen(MIN_VERSION)) == 0 &&
		    !version_valid(meta[i] + strlen(MIN_VERSION)))
			ecap_errx(ECAP_EXIT_ERR, "metadata '%s': not a version such as 0.1.0", meta[i]);
		if (i > 0 && strcmp(meta[i], meta[i - 1]) == 0)
			continue;
		if (i > 0 && meta_same_key(meta[i], meta[i - 1]) && !meta_multi(meta[i]))
			ecap_errx(ECAP_EXIT_ERR, "metadata key of '%s' given twice", meta[i]);
		bytes_add(&metatext, meta[i], strlen(meta[i]));
		bytes_add(&metatext, "\n", 1);
	}
	free(meta);
	if (metatext.len > META_MAX)
		ecap_errx(ECAP_EXIT_ERR, "metadata longer than %u bytes", META_MAX);
	{
		unsigned char fixed[HEAD_FIXED] = { 0 };

		put32(fixed, o->aead);
		put32(fixed + 4, o->page_size);
		put32(fixed + 8, o->compression);
		if (o->reproducible) {
			seed_for_reproducible(o, &src, fixed, &metatext, seed);
			ecap_hkdf_sha256(salt, 32, seed, 32, NULL, 0, "salt", 4);
			ecap_hkdf_sha256(filekey, 32, seed, 32, NULL, 0, "file key", 8);
		} else {
			ecap_random(salt, sizeof(salt));
			ecap_random(filekey, sizeof(filekey));
		}
		memcpy(fixed + 16, salt, 32);
		bytes_add(&head, fixed, sizeof(fixed));
		bytes_add(&head, metatext.p, metatext.len);
		free(metatext.p);
	}

	/* RCPT: the file key wrapped for every key that may open the capsule. */
	if (o->sym != NULL) {
		unsigned char st[STANZA_SYM_LEN];

		st[0] = ECAP_STANZA_SYM;
		ecap_hex_decode(st + 1, 8, o->sym->id);
		kek(k, o->sym->key, sizeof(o->sym->key), salt, sizeof(salt), "ecap sym stanza");
		ecap_aead_init(&wrap, o->aead, k);
		memcpy(st + 9, filekey, 32);
		ecap_aead_seal(&wrap, zero_nonce, NULL, 0, st + 9, 32, st + 41);
		ecap_aead_wipe(&wrap);
		bytes_add(&rcpts, st, sizeof(st));
	}
	for (i = 0; i < o->nrcpt; i++) {
		unsigned char st[STANZA_X_LEN], e[32], shared[32], ks[64];
		size_t j;

		/* A recipient named twice gets one stanza. */
		for (j = 0; j < i && memcmp(o->rcpt[j].pub, o->rcpt[i].pub, 32) != 0; j++)
			;
		if (j < i)
			continue;

		if (o->reproducible) {
			unsigned char info[32];
			int n = snprintf((char *)info, sizeof(info), "x25519 ephemeral %zu", i);

			ecap_hkdf_sha256(e, 32, seed, 32, NULL, 0, info, n);
		} else {
			ecap_random(e, sizeof(e));
		}
		st[0] = ECAP_STANZA_X25519;
		ecap_hex_decode(st + 1, 8, o->rcpt[i].id);
		ecap_x25519(st + 9, e, basepoint);
		if (ecap_x25519(shared, e, o->rcpt[i].pub) < 0)
			ecap_errx(ECAP_EXIT_ERR, "recipient %s: a low-order point, not a key",
			    o->rcpt[i].id);
		memcpy(ks, st + 9, 32);
		memcpy(ks + 32, o->rcpt[i].pub, 32);
		kek(k, shared, sizeof(shared), ks, sizeof(ks), "ecap x25519 stanza");
		ecap_aead_init(&wrap, o->aead, k);
		memcpy(st + 41, filekey, 32);
		ecap_aead_seal(&wrap, zero_nonce, NULL, 0, st + 41, 32, st + 73);
		ecap_aead_wipe(&wrap);
		explicit_bzero(e, sizeof(e));
		explicit_bzero(shared, sizeof(shared));
		bytes_add(&rcpts, st, sizeof(st));
	}
	explicit_bzero(k, sizeof(k));

	/* Every key is good: the header up to the stanzas, whose hash is the pages' AAD. */
	{
		char hdr[32];
		int n = snprintf(hdr, sizeof(hdr), "%s/%d", ECAP_CAPSULE_FORMAT,
		    ECAP_CAPSULE_VERSION);

		bytes_frame(&sigbytes, "ECAP", hdr, n);
	}
	bytes_frame(&sigbytes, "HEAD", head.p, head.len);
	for (i = 0; i < rcpts.len;) {
		size_t n = rcpts.p[i] == ECAP_STANZA_SYM ? STANZA_SYM_LEN : STANZA_X_LEN;

		bytes_frame(&sigbytes, "RCPT", rcpts.p + i, n);
		i += n;
	}
	free(head.p);
	free(rcpts.p);
	ecap_sha256(hh, sigbytes.p, sigbytes.len);

	kek(paykey, filekey, sizeof(filekey), salt, sizeof(salt), "ecap payload");
	explicit_bzero(filekey, sizeof(filekey));
	ecap_aead_init(&aead, o->aead, paykey);
	explicit_bzero(paykey, sizeof(paykey));
	explicit_bzero(seed, sizeof(seed));
	slot = (size_t)o->page_size + ECAP_AEAD_TAG_LEN;
	memset(&sp, 0, sizeof(sp));
	memset(&so, 0, sizeof(so));
	sp.per = BATCH_BYTES / o->page_size;
	if (sp.per < 1)
		sp.per = 1;
	sp.src = &src;
	sp.o = o;
	sp.arg = &so;
	sp.pool = ecap_pool_start(o->threads);
	for (b = 0; b < 2; b++) {
		sp.job[b] = (struct sealjob){ &aead, hh, ecap_secmem_alloc(sp.per * slot), slot,
		    ecap_xcalloc(sp.per, sizeof(size_t)), 0, UINT64_MAX, NULL };
		sp.leaves[b] = ecap_xcalloc(sp.per, sizeof(ecap_merkle_hash));
	}
	ecap_merkle_init(&so.m);
	so.spool = -1;
	so.inname = inname;
	so.progress = o->progress && isatty(STDERR_FILENO);
	so.iov = ecap_xcalloc(sp.per, sizeof(*so.iov));

	/*
	 * Into a regular file, the pages are written once, where they belong
	 * after a header whose length is known in advance, and the header is
	 * written last.  Otherwise a regular file is read twice, the second time
	 * to seal its pages again as they are written; anything else is spooled,
	 * sealed, in an unnamed temporary file.
	 */
	seekable_in = src.fd != -1 && src.prelen == 0 && fstat(src.fd, &ist) == 0 &&
	    S_ISREG(ist.st_mode) && (start = lseek(src.fd, 0, SEEK_CUR)) != -1;
	{
		struct stat ost;

		if (seekable_in && fstat(outfd, &ost) == 0 && ost.st_dev == ist.st_dev &&
		    ost.st_ino == ist.st_ino)
			ecap_errx(ECAP_EXIT_ERR, "%s: input file is output file", inname);
	}
	/* A size of 0 may not be the truth (/proc): such a file is read twice. */
	if (seekable_in && ist.st_size > start && out_seekable(outfd, &base) &&
	    (o->signer == NULL || (siglen = sign_len(o->signer)) > 0)) {
		uint64_t size = (uint64_t)(ist.st_size - start);
		uint64_t want = (size - 1) / o->page_size + 1;

		headlen = sigbytes.len + (want + TABL_MAX - 1) / TABL_MAX * ECAP_FRAME_HDR +
		    want * 32 + ECAP_FRAME_HDR + ROOT_LEN +
		    (o->signer != NULL ? ECAP_FRAME_HDR + siglen : 0) +
		    ECAP_FRAME_HDR + ECAP_SHA256_LEN;
		if (lseek(outfd, base + headlen, SEEK_SET) == -1)
			ecap_err(ECAP_EXIT_ERR, "%s: seek", outname);
		ecap_frame_writer_init(&wp, outfd, outname);
		so.w = &wp;
		so.size = size;
		seal_pass(&sp, 1, emit_first);
		if (so.pages != want || sp.total != size)
			ecap_errx(ECAP_EXIT_ERR, "%s: changed while it was being sealed", inname);
		if (lseek(outfd, base, SEEK_SET) == -1)
			ecap_err(ECAP_EXIT_ERR, "%s: seek", outname);
	} else {
		if (!seekable_in)
			so.spool = spool_open();
		seal_pass(&sp, 1, emit_first);
	}
	if (so.progress && sp.total >= PROGRESS_BYTES)
		fputc('\n', stderr);

	/* The header, the page table, its root, the signature over all of it, a checkpoint. */
	ecap_frame_writer_init(&w, outfd, outname);
	for (i = 0; i < sigbytes.len; i += ECAP_FRAME_HDR + get32(sigbytes.p + i + 4)) {
		char type[5] = { 0 };

		memcpy(type, sigbytes.p + i, 4);
		ecap_frame_write(&w, type, sigbytes.p + i + ECAP_FRAME_HDR, get32(sigbytes.p + i + 4));
	}
	for (i = 0; i < so.pages; i += TABL_MAX) {
		size_t n = so.pages - i < TABL_MAX ? so.pages - i : TABL_MAX;

		signed_frame(&w, &sigbytes, "TABL", so.table[i], n * sizeof(*so.table));
	}
	{
		unsigned char root[ROOT_LEN];

		ecap_merkle_root(&so.m, root);
		put64(root + 32, so.pages);
		put64(root + 40, sp.total);
		signed_frame(&w, &sigbytes, "ROOT", root, sizeof(root));
	}
	if (o->signer != NULL) {
		struct ecap_ssh_out sig = { 0 };

		if (ecap_sshsig_sign(o->signer, ECAP_SIGN_NAMESPACE, sigbytes.p, sigbytes.len,
		    &sig) < 0)
			ecap_errx(ECAP_EXIT_ERR, "signing key has no private key");
		if (so.w != NULL && sig.len != siglen)
			ecap_errx(ECAP_EXIT_ERR, "the signature is %zu bytes, not the %zu expected",
			    sig.len, siglen);
		ecap_frame_write(&w, "SIGN", sig.p, sig.len);
		ecap_ssh_out_free(&sig);
	}
	free(sigbytes.p);
	ecap_frame_checkpoint(&w);

	if (so.w != NULL) {
		/* One pass: the pages are in place already. */
		uint64_t lastlen = sp.total - (so.pages - 1) * (uint64_t)o->page_size;

		if (w.off != headlen)
			ecap_errx(ECAP_EXIT_ERR, "%s: a header of %llu bytes, not the %llu expected",
			    outname, (unsigned long long)w.off, (unsigned long long)headlen);
		for (i = 0; i < so.pages; i++)
			ecap_frame_writer_skip(&w, "PAGE", (i + 1 == so.pages ? lastlen :
			    o->page_size) + ECAP_AEAD_TAG_LEN, so.table[i]);
		if (lseek(outfd, base + w.off, SEEK_SET) == -1)
			ecap_err(ECAP_EXIT_ERR, "%s: seek", outname);
	} else if (so.spool == -1) {
		/* The second of two passes. */
		uint64_t first = sp.total;

		if (lseek(src.fd, start, SEEK_SET) == -1)
			ecap_err(ECAP_EXIT_ERR, "%s: seek", inname);
		so.w = &w;
		if (seal_pass(&sp, 0, emit_again) != so.pages || sp.total != first)
			ecap_errx(ECAP_EXIT_ERR, "%s: changed while it was being sealed", inname);
	} else {
		/* From the spool. */
		uint64_t lastlen = sp.total - (so.pages - 1) * (uint64_t)o->page_size +
		    ECAP_AEAD_TAG_LEN;
		unsigned char *buf = sp.job[0].buf;

		if (lseek(so.spool, 0, SEEK_SET) == -1)
			ecap_err(ECAP_EXIT_ERR, "spool: seek");
		for (i = 0; i < so.pages;) {
			size_t n = so.pages - i < sp.per ? so.pages - i : sp.per, k2;
			size_t want = i + n == so.pages ? (n - 1) * slot + lastlen : n * slot;

			if (ecap_readall(so.spool, buf, want, "spool") != want)
				ecap_errx(ECAP_EXIT_ERR, "spool: short read");
			for (k2 = 0; k2 < n; k2++)
				so.iov[k2] = (struct iovec){ buf + k2 * slot,
				    i + k2 + 1 == so.pages ? lastlen : slot };
			ecap_frame_writev(&w, "PAGE", so.iov, n, so.table + i);
			i += n;
		}
		close(so.spool);
	}
	ecap_frame_end(&w);
	ecap_pool_stop(sp.pool);
	ecap_aead_wipe(&aead);
	for (b = 0; b < 2; b++) {
		ecap_secmem_free(sp.job[b].buf, sp.per * slot);
		free(sp.job[b].len);
		free(sp.leaves[b]);
	}
	free(so.table);
	free(so.tags);
	free(so.iov);
}

/* ---- opening ---- */

struct reader {
	struct ecap_frame_reader r;
	const char *name;
	int started;		/* the ECAP frame was read */
};

static noreturn void
tampered(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static noreturn void
tampered(const char *name, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecap_errx(ECAP_EXIT_TAMPERED, "%s: %s", name, msg);
}

/* The next frame; stream faults end the program with the right status. */
static void
next(struct reader *rd, struct ecap_frame *f)
{
	int rc = ecap_frame_read(&rd->r, f);

	if (rc > 0 && !ecap_frame_critical(f->type))
		tampered(rd->name, "offset %llu: ancillary frame '%s': a capsule has none",
		    (unsigned long long)f->off, f->type);
	if (rc > 0)
		return;
	if (rc == 0)
		tampered(rd->name, "ends after END where more was due");
	switch (rc) {
	case ECAP_FRAME_EIO:
	case ECAP_FRAME_EFORMAT:
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", rd->name, rd->r.err);
	default:
		if (!rd->started)
			ecap_errx(ECAP_EXIT_ERR, "%s: not a capsule: %s", rd->name, rd->r.err);
		tampered(rd->name, "%s", rd->r.err);
	}
}

static void
parse_head(struct reader *rd, const struct ecap_frame *f, struct ecap_capsule *c)
{
	size_t i, j;
	const char *p, *end;

	if (f->len < HEAD_FIXED)
		tampered(rd->name, "offset %llu: HEAD frame too short", (unsigned long long)f->off);
	c->aead = get32(f->data);
	c->page_size = get32(f->data + 4);
	c->compression = get32(f->data + 8);
	memcpy(c->salt, f->data + 16, 32);
	if (ecap_aead_name(c->aead) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s: unsupported AEAD number %u", rd->name, c->aead);
	if (c->compression != ECAP_COMPRESS_NONE && c->compression != ECAP_COMPRESS_ZSTD)
		ecap_errx(ECAP_EXIT_ERR, "%s: unsupported compression number %u", rd->name,
		    c->compression);
	if (get32(f->data + 12) != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: reserved field is not zero", rd->name);
	if (c->page_size < ECAP_PAGE_MIN || c->page_size > ECAP_PAGE_MAX)
		tampered(rd->name, "HEAD: page size %u out of range", c->page_size);
	p = (const char *)f->data + HEAD_FIXED;
	end = (const char *)f->data + f->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		char *line;

		if (nl == NULL || !meta_valid(p, nl - p))
			tampered(rd->name, "HEAD: malformed metadata line %zu", c->nmeta + 1);
		if (nl - p >= 2 && p[0] == 'x' && p[1] == '-')
			ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: metadata key '%.*s' is reserved for openers",
			    rd->name, (int)(strchr(p, '=') - p), p);
		line = ecap_xmalloc(nl - p + 1);
		memcpy(line, p, nl - p);
		line[nl - p] = '\0';
		if (strncmp(line, MIN_VERSION, strlen(MIN_VERSION)) == 0 &&
		    !version_valid(line + strlen(MIN_VERSION)))
			ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: '%s' is not a version", rd->name, line);
		if (c->nmeta > 0 && strcmp(c->meta[c->nmeta - 1], line) >= 0)
			tampered(rd->name, "HEAD: metadata not sorted at line %zu", c->nmeta + 1);
		c->meta = ecap_xrealloc(c->meta, (c->nmeta + 1) * sizeof(*c->meta));
		c->meta[c->nmeta++] = line;
		p = nl + 1;
	}
	for (i = 0; i < c->nmeta; i++)
		for (j = i + 1; j < c->nmeta; j++)
			if (meta_same_key(c->meta[i], c->meta[j]) && !meta_multi(c->meta[i]))
				ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: metadata key of '%s' given twice",
				    rd->name, c->meta[i]);
	/* A compressed payload declares its size; another does not. */
	{
		const char *size = ecap_capsule_meta(c, ECAP_COMPRESS_SIZE_KEY);
		uint64_t v;

		if (c->compression == ECAP_COMPRESS_ZSTD &&
		    (size == NULL || ecap_parse_u64(size, &v) < 0))
			ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: a compressed payload without a valid "
			    ECAP_COMPRESS_SIZE_KEY, rd->name);
		if (c->compression == ECAP_COMPRESS_NONE && size != NULL)
			ecap_errx(ECAP_EXIT_ERR, "%s: HEAD: " ECAP_COMPRESS_SIZE_KEY " without "
			    "compression", rd->name);
	}
}

static void
parse_rcpt(struct reader *rd, const struct ecap_frame *f, struct ecap_capsule *c)
{
	struct ecap_stanza *s;

	c->stanzas = ecap_xrealloc(c->stanzas, (c->nstanzas + 1) * sizeof(*c->stanzas));
	s = &c->stanzas[c->nstanzas++];
	memset(s, 0, sizeof(*s));
	if (f->len == STANZA_SYM_LEN && f->data[0] == ECAP_STANZA_SYM) {
		memcpy(s->keyid, f->data + 1, 8);
		memcpy(s->wrapped, f->data + 9, 48);
	} else if (f->len == STANZA_X_LEN && f->data[0] == ECAP_STANZA_X25519) {
		memcpy(s->keyid, f->data + 1, 8);
		memcpy(s->eph, f->data + 9, 32);
		memcpy(s->wrapped, f->data + 41, 48);
	} else if (f->len > 0 && f->data[0] != ECAP_STANZA_SYM && f->data[0] != ECAP_STANZA_X25519) {
		ecap_errx(ECAP_EXIT_ERR, "%s: key stanza %zu: unsupported kind %u", rd->name,
		    c->nstanzas, f->data[0]);
	} else {
		tampered(rd->name, "key stanza %zu: malformed", c->nstanzas);
	}
	s->kind = f->data[0];
}

/* Try to unwrap the file key from stanza s with secret k; 0 on success. */
static int
unwrap(const struct ecap_capsule *c, const struct ecap_stanza *s, const unsigned char k[32],
    unsigned char filekey[32])
{
	struct ecap_aead a;
	int rc;

	ecap_aead_init(&a, c->aead, k);
	memcpy(filekey, s->wrapped, 32);
	rc = ecap_aead_open(&a, zero_nonce, NULL, 0, filekey, 32, s->wrapped + 32);
	ecap_aead_wipe(&a);
	return rc;
}

/* The file key, from the first stanza one of our keys opens; that stanza is returned. */
static const struct ecap_stanza *
find_key(const struct ecap_open_opts *o, const char *name, const struct ecap_capsule *c,
    unsigned char filekey[32])
{
	unsigned char id[8], k[32];
	char ids[256] = "";
	size_t i, j, n = 0;

	for (i = 0; i < c->nstanzas; i++) {
		const struct ecap_stanza *s = &c->stanzas[i];
		int matched = 0;

		if (s->kind == ECAP_STANZA_SYM && o->sym != NULL) {
			ecap_hex_decode(id, 8, o->sym->id);
			if (memcmp(id, s->keyid, 8) == 0) {
				kek(k, o->sym->key, sizeof(o->sym->key), c->salt, sizeof(c->salt),
				    "ecap sym stanza");
				matched = 1;
			}
		}
		for (j = 0; s->kind == ECAP_STANZA_X25519 && !matched && j < o->nids; j++) {
			unsigned char shared[32], ks[64];

			ecap_hex_decode(id, 8, o->ids[j].id);
			if (memcmp(id, s->keyid, 8) != 0)
				continue;
			if (ecap_x25519(shared, o->ids[j].secret, s->eph) < 0)
				tampered(name, "key stanza %zu: ephemeral key is a low-order point",
				    i + 1);
			memcpy(ks, s->eph, 32);
			memcpy(ks + 32, o->ids[j].pub, 32);
			kek(k, shared, sizeof(shared), ks, sizeof(ks), "ecap x25519 stanza");
			explicit_bzero(shared, sizeof(shared));
			matched = 1;
		}
		if (matched) {
			int rc = unwrap(c, s, k, filekey);

			explicit_bzero(k, sizeof(k));
			if (rc < 0)
				tampered(name, "key stanza %zu: authentication failed (tampered)", i + 1);
			return s;
		}
		if (n < 4) {
			size_t len = strlen(ids);

			snprintf(ids + len, sizeof(ids) - len, "%s%s ", n ? ", " : "",
			    s->kind == ECAP_STANZA_SYM ? "key" : "x25519");
			ecap_hex_encode(ids + strlen(ids), s->keyid, 8);
			n++;
		}
	}
	ecap_errx(ECAP_EXIT_NOKEY, "%s: no key stanza matches: wrong key? (the capsule is for %s)",
	    name, ids);
}

/* A header frame kept for after the signature: its payload at sigbytes + at. */
struct hframe {
	char type[5];
	size_t at, len;
	uint64_t off;
};

struct openjob {
	const struct ecap_capsule *c;
	const struct ecap_aead *aead;
	unsigned char *buf;
	size_t slot;
	size_t *len;		/* ciphertext + tag bytes of each page */
	uint64_t first;
	int keyless;
	int *bad;		/* per page: 1 leaf hash, 2 tag */
};

static void
open_range(void *arg, size_t lo, size_t hi)
{
	struct openjob *j = arg;
	unsigned char nonce[ECAP_AEAD_NONCE_LEN];
	ecap_merkle_hash h;
	size_t k;

	for (k = lo; k < hi; k++) {
		unsigned char *p = j->buf + k * j->slot;
		uint64_t idx = j->first + k;
		size_t n = j->len[k] - ECAP_AEAD_TAG_LEN;

		j->bad[k] = 0;
		ecap_merkle_leaf_hash(h, p, j->len[k]);
		if (memcmp(h, j->c->table[idx], sizeof(h)) != 0) {
			j->bad[k] = 1;
			continue;
		}
		if (j->keyless)
			continue;
		ecap_stream_nonce(nonce, idx, idx + 1 == j->c->pages);
		if (ecap_aead_open(j->aead, nonce, j->c->header_hash, 32, p, n, p + n) < 0)
			j->bad[k] = 2;
	}
}

/*
 * Read up to per pages, from page first on, into j's slots (the payload read
 * straight into its slot); returns how many (0 after the last page).
 */
static size_t
read_pages(struct reader *rd, const struct ecap_capsule *c, struct openjob *j, size_t per,
    uint64_t first)
{
	struct ecap_frame f;
	size_t n = 0;

	j->first = first;
	while (n < per && first + n < c->pages) {
		uint64_t k = first + n;
		unsigned char *p = j->buf + n * j->slot;
		size_t want = k + 1 < c->pages ? j->slot :
		    (size_t)(c->payload_len - k * c->page_size) + ECAP_AEAD_TAG_LEN;

		ecap_frame_reader_into(&rd->r, p, j->slot);
		next(rd, &f);
		if (strcmp(f.type, "PAGE") != 0)
			tampered(rd->name, "offset %llu: frame '%s' where page %llu is due",
			    (unsigned long long)f.off, f.type, (unsigned long long)k);
		if (f.len != want)
			tampered(rd->name, "page %llu: %lu bytes, not %zu",
			    (unsigned long long)k, (unsigned long)f.len, want);
		if (f.data != p)
			memcpy(p, f.data, f.len);
		j->len[n++] = f.len;
	}
	return n;
}

void
ecap_open(const struct ecap_open_opts *o, int fd, const char *name, struct ecap_capsule *c)
{
	struct reader rd = { .name = name };
	struct ecap_frame f;
	struct bytes sigbytes = { 0 };
	struct ecap_aead aead;
	unsigned char filekey[32], paykey[32], root[32];
	/* Static, so that what they hold stays reachable when an error ends the program. */
	static struct openjob job[2];
	static struct ecap_pool *pool;
	size_t slot, per, n[2], i, nh, h, hashed = 0;
	struct hframe *hf = NULL;
	ptrdiff_t last_kind = 0;
	int b;
	uint64_t ntable = 0, idx = 0, expect;

	memset(c, 0, sizeof(*c));
	ecap_frame_reader_fd(&rd.r, fd, name, ECAP_FRAME_ANCILLARY);
	/* The pages' leaf hashes, computed on every thread, serve the stream hash too. */
	ecap_frame_reader_defer(&rd.r, "PAGE");
	next(&rd, &f);		/* ECAP, checked by the reader */
	rd.started = 1;
	bytes_frame(&sigbytes, f.type, f.data, f.len);
	if (strcmp(rd.r.format, ECAP_CAPSULE_FORMAT) != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a capsule: a %s/%u stream", name, rd.r.format,
		    rd.r.version);
	/*
	 * Everything before the checkpoint is read first, checked only for the
	 * order of its frames, so that the signature is verified before any field
	 * is believed; then the fields, the page table and its root.
	 */
	for (nh = 0;; nh++) {
		static const char order[] = "HEADRCPTTABLROOT";
		const char *at;

		next(&rd, &f);
		at = strstr(order, f.type);
		if (at == NULL || (at - order) % 4 != 0 || (nh == 0 && at != order) ||
		    (nh > 0 && at < order + 4) ||
		    (at - order) < last_kind || (at - order) > last_kind + 4)
			tampered(name, "offset %llu: frame '%s' out of place in the header",
			    (unsigned long long)f.off, f.type);
		last_kind = at - order;
		hf = ecap_xrealloc(hf, (nh + 1) * sizeof(*hf));
		hf[nh] = (struct hframe){ { 0 }, sigbytes.len + ECAP_FRAME_HDR, f.len, f.off };
		memcpy(hf[nh].type, f.type, 5);
		bytes_frame(&sigbytes, f.type, f.data, f.len);
		if (strcmp(f.type, "RCPT") == 0)
			hashed = sigbytes.len;
		if (strcmp(f.type, "ROOT") == 0) {
			nh++;
			break;
		}
	}

	/* The signature over everything so far. */
	next(&rd, &f);
	if (strcmp(f.type, "SIGN") == 0) {
		struct ecap_sshsig sig;
		char why[256];
		char fp[64];

		if (ecap_sshsig_parse(&sig, f.data, f.len, why) < 0)
			tampered(name, "signature: %s", why);
		if (ecap_sshsig_verify(&sig, ECAP_SIGN_NAMESPACE, sigbytes.p, sigbytes.len, why) != 0)
			tampered(name, "%s", why);
		c->is_signed = 1;
		c->signer = sig.key;
		c->sig = ecap_xmalloc(f.len);
		memcpy(c->sig, f.data, f.len);
		c->siglen = f.len;
		ecap_sshkey_fingerprint(&c->signer, fp);
		if (o->signers != NULL) {
			c->principal = ecap_allowed_signers_find(o->signers, &c->signer,
			    ECAP_SIGN_NAMESPACE, (long long)time(NULL));
			if (c->principal == NULL)
				ecap_errx(ECAP_EXIT_UNTRUSTED, "%s: unknown signer %s: not in the "
				    "allowed signers for namespace ecap", name, fp);
		}
		next(&rd, &f);
	} else if (o->signers != NULL) {
		ecap_errx(ECAP_EXIT_UNTRUSTED, "%s: the capsule is not signed, and allowed signers "
		    "are required", name);
	}
	c->signed_len = sigbytes.len;
	if (strcmp(f.type, "CHKP") != 0)
		tampered(name, "offset %llu: frame '%s' where the checkpoint is due",
		    (unsigned long long)f.off, f.type);

	/* The fields: HEAD, the stanzas, the page table and its root. */
	for (h = 0; h < nh; h++) {
		struct ecap_frame hf1 = { .len = (uint32_t)hf[h].len,
		    .data = sigbytes.p + hf[h].at, .off = hf[h].off };

		memcpy(hf1.type, hf[h].type, 5);
		if (strcmp(hf1.type, "HEAD") == 0) {
			parse_head(&rd, &hf1, c);
		} else if (strcmp(hf1.type, "RCPT") == 0) {
			parse_rcpt(&rd, &hf1, c);
		} else if (strcmp(hf1.type, "TABL") == 0) {
			if (hf1.len == 0 || hf1.len % 32 != 0)
				tampered(name, "offset %llu: TABL frame of %lu bytes",
				    (unsigned long long)hf1.off, (unsigned long)hf1.len);
			c->table = ecap_xrealloc(c->table,
			    (ntable + hf1.len / 32) * sizeof(*c->table));
			memcpy(c->table[ntable], hf1.data, hf1.len);
			ntable += hf1.len / 32;
		} else {
			if (hf1.len != ROOT_LEN)
				tampered(name, "offset %llu: ROOT frame of %lu bytes, not %d",
				    (unsigned long long)hf1.off, (unsigned long)hf1.len, ROOT_LEN);
			memcpy(c->root, hf1.data, 32);
			c->pages = get64(hf1.data + 32);
			c->payload_len = get64(hf1.data + 40);
		}
	}
	ecap_sha256(c->header_hash, sigbytes.p, hashed);
	ecap_sha256(c->capsule_hash, sigbytes.p, sigbytes.len);
	free(sigbytes.p);
	free(hf);
	ecap_merkle_root_of(root, c->table, ntable);
	if (ntable != c->pages)
		tampered(name, "ROOT says %llu pages, the page table has %llu",
		    (unsigned long long)c->pages, (unsigned long long)ntable);
	if (memcmp(root, c->root, 32) != 0)
		tampered(name, "the page table does not match its Merkle root");
	expect = c->payload_len == 0 ? 1 : (c->payload_len - 1) / c->page_size + 1;
	if (c->pages != expect)
		tampered(name, "ROOT: %llu pages cannot hold %llu bytes in pages of %u",
		    (unsigned long long)c->pages, (unsigned long long)c->payload_len, c->page_size);
	c->header_len = rd.r.off;

	if (!o->keyless) {
		c->opened_by = find_key(o, name, c, filekey);
		kek(paykey, filekey, sizeof(filekey), c->salt, sizeof(c->salt), "ecap payload");
		explicit_bzero(filekey, sizeof(filekey));
		ecap_aead_init(&aead, c->aead, paykey);
		explicit_bzero(paykey, sizeof(paykey));
	}
	if (o->header != NULL)
		o->header(o->arg, c);
	if (o->header_only) {
		ecap_frame_reader_free(&rd.r);
		return;
	}

	/*
	 * The pages: leaf hash, then tag, then out.  A batch at a time goes to
	 * the threads while this one reads the next batch and writes out the
	 * last, checked one.
	 */
	slot = (size_t)c->page_size + ECAP_AEAD_TAG_LEN;
	per = BATCH_BYTES / c->page_size;
	if (per < 1)
		per = 1;
	if (per > c->pages)
		per = c->pages;
	pool = ecap_pool_start(o->threads);
	for (b = 0; b < 2; b++) {
		job[b] = (struct openjob){ c, &aead, ecap_secmem_alloc(per * slot), slot,
		    ecap_xcalloc(per, sizeof(size_t)), 0, o->keyless,
		    ecap_xcalloc(per, sizeof(int)) };
	}
	b = 0;
	n[0] = read_pages(&rd, c, &job[0], per, 0);
	ecap_pool_submit(pool, n[0], open_range, &job[0]);
	while (n[b] > 0) {
		struct openjob *j = &job[b];
		int nb = !b;

		n[nb] = read_pages(&rd, c, &job[nb], per, idx + n[b]);
		ecap_pool_wait(pool);
		for (i = 0; i < n[b]; i++) {
			if (j->bad[i] == 1)
				tampered(name, "page %llu: does not match the page table",
				    (unsigned long long)(idx + i));
			if (j->bad[i] == 2)
				tampered(name, "page %llu: authentication failed (tampered)",
				    (unsigned long long)(idx + i));
		}
		if (n[nb] > 0)
			ecap_pool_submit(pool, n[nb], open_range, &job[nb]);
		for (i = 0; i < n[b]; i++) {
			ecap_frame_reader_digest(&rd.r, c->table[idx + i]);
			if (o->page != NULL && !o->keyless)
				o->page(o->arg, idx + i, j->buf + i * slot,
				    j->len[i] - ECAP_AEAD_TAG_LEN);
			explicit_bzero(j->buf + i * slot, j->len[i]);
		}
		idx += n[b];
		b = nb;
	}
	ecap_pool_stop(pool);
	for (b = 0; b < 2; b++) {
		ecap_secmem_free(job[b].buf, per * slot);
		free(job[b].len);
		free(job[b].bad);
	}
	if (!o->keyless)
		ecap_aead_wipe(&aead);
	next(&rd, &f);
	if (strcmp(f.type, "END ") != 0)
		tampered(name, "offset %llu: frame '%s' after the last page",
		    (unsigned long long)f.off, f.type);
	if (ecap_frame_read(&rd.r, &f) != 0)
		tampered(name, "%s", rd.r.err);
	c->stream_len = rd.r.off;
	ecap_frame_reader_free(&rd.r);
}
