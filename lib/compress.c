/*
 * compress.c - capsule payload compression: see compress.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The custom allocator API is zstd's experimental one: libzstd is linked statically. */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>

#include "compress.h"
#include "err.h"
#include "secmem.h"
#include "xio.h"

#define IN_CHUNK	(1u << 20)

int
ecap_compress_memfd(const void *prefix, size_t prefixlen, int fd, const char *name,
    uint64_t *inlen)
{
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	size_t outcap = ZSTD_CStreamOutSize(), n, r;
	unsigned char *in = ecap_xmalloc(IN_CHUNK), *out = ecap_xmalloc(outcap);
	int mfd = memfd_create("ecap-compress", MFD_CLOEXEC), eof = 0;

	if (cc == NULL)
		ecap_errx(ECAP_EXIT_ERR, "compress: out of memory");
	if (mfd < 0)
		ecap_err(ECAP_EXIT_ERR, "memfd_create");
	ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, ECAP_COMPRESS_LEVEL);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0);	/* the pages have tags */
	ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, ECAP_COMPRESS_WINDOW_LOG);
	*inlen = 0;
	while (!eof) {
		ZSTD_inBuffer ib;

		if (prefixlen > 0) {
			ib = (ZSTD_inBuffer){ prefix, prefixlen, 0 };
			prefixlen = 0;
		} else {
			n = fd >= 0 ? ecap_readall(fd, in, IN_CHUNK, name) : 0;
			eof = n < IN_CHUNK;
			ib = (ZSTD_inBuffer){ in, n, 0 };
		}
		*inlen += ib.size;
		do {
			ZSTD_outBuffer ob = { out, outcap, 0 };

			r = ZSTD_compressStream2(cc, &ob, &ib, eof ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(r))
				ecap_errx(ECAP_EXIT_ERR, "compress: %s", ZSTD_getErrorName(r));
			ecap_writeall(mfd, out, ob.pos, "memory file");
		} while (eof ? r != 0 : ib.pos < ib.size);
	}
	if (lseek(mfd, 0, SEEK_SET) < 0)
		ecap_err(ECAP_EXIT_ERR, "memory file");
	ZSTD_freeCCtx(cc);
	explicit_bzero(in, IN_CHUNK);
	free(in);
	free(out);
	return mfd;
}

/* zstd's allocations in locked memory: the window holds plaintext. */
static void *
lock_alloc(void *opaque, size_t size)
{
	size_t *p = ecap_secmem_alloc(size + sizeof(size_t) * 2);

	(void)opaque;
	p[0] = size + sizeof(size_t) * 2;
	return p + 2;
}

static void
lock_free(void *opaque, void *addr)
{
	size_t *p = addr;

	(void)opaque;
	if (p != NULL)
		ecap_secmem_free(p - 2, p[-2]);
}

struct ecap_decompress {
	ZSTD_DStream *ds;
	uint64_t size, done;
	int ended;
	unsigned char *out;
	size_t outcap;
	void (*fn)(void *arg, const unsigned char *p, size_t len);
	void *arg;
};

struct ecap_decompress *
ecap_decompress_new(uint64_t size, void (*out)(void *arg, const unsigned char *p, size_t len),
    void *arg)
{
	static const ZSTD_customMem locked = { lock_alloc, lock_free, NULL };
	struct ecap_decompress *d = ecap_xcalloc(1, sizeof *d);

	d->ds = ZSTD_createDStream_advanced(locked);
	if (d->ds == NULL) {
		free(d);
		return NULL;
	}
	ZSTD_DCtx_setParameter(d->ds, ZSTD_d_windowLogMax, ECAP_COMPRESS_WINDOW_LOG);
	d->size = size;
	d->outcap = ZSTD_DStreamOutSize();
	d->out = ecap_secmem_alloc(d->outcap);
	d->fn = out;
	d->arg = arg;
	return d;
}

int
ecap_decompress_feed(struct ecap_decompress *d, const void *p, size_t len, char *why,
    size_t whylen)
{
	ZSTD_inBuffer ib = { p, len, 0 };

	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob = { d->out, d->outcap, 0 };
		size_t r;

		if (d->ended) {
			ecap_setwhy(why, whylen, "data after the end of the compressed payload");
			return -1;
		}
		r = ZSTD_decompressStream(d->ds, &ob, &ib);
		if (ZSTD_isError(r)) {
			ecap_setwhy(why, whylen, "compressed payload: %s", ZSTD_getErrorName(r));
			return -1;
		}
		if (ob.pos > d->size - d->done) {
			ecap_setwhy(why, whylen, "compressed payload: more than the %llu bytes declared",
			    (unsigned long long)d->size);
			return -1;
		}
		d->done += ob.pos;
		if (ob.pos > 0)
			d->fn(d->arg, d->out, ob.pos);
		if (r == 0)
			d->ended = 1;
		else if (ob.pos == 0 && ib.pos == ib.size)
			break;
	}
	return 0;
}

int
ecap_decompress_end(struct ecap_decompress *d, char *why, size_t whylen)
{
	if (!d->ended) {
		ecap_setwhy(why, whylen, "compressed payload: it ends inside its frame");
		return -1;
	}
	if (d->done != d->size) {
		ecap_setwhy(why, whylen, "compressed payload: %llu bytes, not the %llu declared",
		    (unsigned long long)d->done, (unsigned long long)d->size);
		return -1;
	}
	return 0;
}

void
ecap_decompress_free(struct ecap_decompress *d)
{
	if (d == NULL)
		return;
	ZSTD_freeDStream(d->ds);
	ecap_secmem_free(d->out, d->outcap);
	free(d);
}
