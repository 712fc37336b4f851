/*
 * test-frame: the stream hash of ecap-frame(5), computed apart from the
 * reader, for tests that build or forge streams by hand.
 *
 *   test-frame hash [FILE]    the stream hash over every whole frame of FILE (or stdin)
 *   test-frame rehash FILE    rewrite each CHKP and END payload in place with the
 *                             stream hash of the frames before it
 *
 * Frames are taken as they come (type, length, payload), without any check,
 * so that malformed streams can be hashed too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hex.h"
#include "merkle.h"
#include "sha256.h"

static unsigned char *
slurp(FILE *f, size_t *len)
{
	unsigned char *p = NULL;
	size_t cap = 0, n;

	*len = 0;
	do {
		if (cap - *len < 65536)
			p = realloc(p, cap = 2 * cap + 65536);
		if (p == NULL)
			ecap_errx(2, "out of memory");
		n = fread(p + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	return p;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walk the frames of buf; with rehash, patch every CHKP and END.  Returns the hash after the last. */
static void
walk(unsigned char *buf, size_t len, int rehash, unsigned char out[32])
{
	ecap_sha256_ctx c;
	size_t off = 0;

	ecap_sha256_init(&c);
	while (off + 8 <= len) {
		uint32_t n = be32(buf + off + 4);
		unsigned char rec[40];

		if (n > len - off - 8)
			break;
		if (rehash && n == 32 && (memcmp(buf + off, "CHKP", 4) == 0 ||
		    memcmp(buf + off, "END ", 4) == 0))
			ecap_sha256_peek(&c, buf + off + 8);
		memcpy(rec, buf + off, 8);
		ecap_merkle_leaf_hash(rec + 8, buf + off + 8, n);
		ecap_sha256_update(&c, rec, sizeof(rec));
		off += 8 + (size_t)n;
	}
	ecap_sha256_final(&c, out);
}

int
main(int argc, char *argv[])
{
	unsigned char *buf, h[32];
	char hex[65];
	size_t len;
	FILE *f;

	ecap_setprogname(argv[0]);
	if (argc == 2 && strcmp(argv[1], "hash") == 0) {
		f = stdin;
	} else if (argc == 3 && (strcmp(argv[1], "hash") == 0 || strcmp(argv[1], "rehash") == 0)) {
		if ((f = fopen(argv[2], "rb")) == NULL)
			ecap_err(2, "%s", argv[2]);
	} else {
		fprintf(stderr, "usage: test-frame hash [FILE] | rehash FILE\n");
		return 2;
	}
	buf = slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (strcmp(argv[1], "rehash") == 0) {
		walk(buf, len, 1, h);
		if ((f = fopen(argv[2], "wb")) == NULL || fwrite(buf, 1, len, f) != len ||
		    fclose(f) != 0)
			ecap_err(2, "%s", argv[2]);
	} else {
		walk(buf, len, 0, h);
		ecap_hex_encode(hex, h, 32);
		puts(hex);
	}
	free(buf);
	return 0;
}
