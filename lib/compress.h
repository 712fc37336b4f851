/*
 * compress.h - the payload compression of capsules, ecap(5): Zstandard
 * (RFC 8878) through libzstd, one frame for the whole payload.
 *
 * Sealing compresses the payload before it is cut into pages, into an
 * anonymous memory file (memfd_create(2)), never a file on disk; opening
 * decompresses the verified pages as they come, in order, into locked
 * memory (secmem.h) that is wiped when freed, and stops at the declared
 * size, so a payload that would grow past it is refused rather than
 * written.
 */
#ifndef ECAP_COMPRESS_H
#define ECAP_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

/* The HEAD compression numbers (ecap(5)). */
#define ECAP_COMPRESS_NONE	0
#define ECAP_COMPRESS_ZSTD	1

/* The metadata key that holds the payload's size before compression, in bytes. */
#define ECAP_COMPRESS_SIZE_KEY	"uncompressed-size"

/* The zstd level ecap-seal uses. */
#define ECAP_COMPRESS_LEVEL	9

/*
 * The largest window, as a power of two (1 MiB): what the opener keeps of
 * the plaintext in locked memory; a frame that asks for more is refused.
 */
#define ECAP_COMPRESS_WINDOW_LOG	20

/*
 * Compress prefixlen bytes at prefix (may be 0), then everything fd gives
 * (fd -1: nothing more; name is for messages) into one zstd frame, written
 * to a new memory file.  Returns its descriptor, positioned at 0, with the
 * bytes read in *inlen; a read error or an allocation failure ends the
 * program (exit 2).
 */
int ecap_compress_memfd(const void *prefix, size_t prefixlen, int fd, const char *name,
    uint64_t *inlen);

struct ecap_decompress;

/*
 * A decompressor of one zstd frame that must give exactly size bytes; out
 * is called with each piece of output (at most 128 KiB, in locked memory
 * valid during the call).  Returns NULL when memory ran out.
 */
struct ecap_decompress *ecap_decompress_new(uint64_t size,
    void (*out)(void *arg, const unsigned char *p, size_t len), void *arg);

/*
 * Feed len compressed bytes.  Returns 0, or -1 with a one-line reason in
 * why ("not zstd data", "more than the 1000 bytes declared", "data after
 * the end of the frame").
 */
int ecap_decompress_feed(struct ecap_decompress *d, const void *p, size_t len, char *why,
    size_t whylen);

/* After the last bytes: 0 when the frame ended with exactly the declared size, or -1 with why. */
int ecap_decompress_end(struct ecap_decompress *d, char *why, size_t whylen);

void ecap_decompress_free(struct ecap_decompress *d);

#endif
