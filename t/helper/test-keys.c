/*
 * test-keys: call lib/keys.c directly for known-answer tests.
 *
 *   test-keys x25519 SCALAR POINT   X25519(SCALAR, POINT) of RFC 7748 §5, all in hex;
 *                                   exit 1 when ecap_x25519 refuses an all-zero result
 *   test-keys x25519-iterate N      the iterated test of RFC 7748 §5.2: k = u = 9,
 *                                   then N times k, u = X25519(k, u), k; prints k
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hex.h"
#include "keys.h"
#include "parse.h"

static void
unhex32(unsigned char out[32], const char *s)
{
	if (ecap_hex_decode(out, 32, s) == -1)
		ecap_errx(ECAP_EXIT_ERR, "%s: want 64 hex digits", s);
}

static void
puthex(const unsigned char b[32])
{
	char h[65];

	ecap_hex_encode(h, b, 32);
	printf("%s\n", h);
}

int
main(int argc, char *argv[])
{
	unsigned char k[32], u[32], r[32];
	uint64_t n, j;

	ecap_setprogname(argv[0]);
	if (argc == 4 && strcmp(argv[1], "x25519") == 0) {
		unhex32(k, argv[2]);
		unhex32(u, argv[3]);
		if (ecap_x25519(r, k, u) == -1)
			ecap_errx(ECAP_EXIT_NO, "all-zero shared secret refused");
		puthex(r);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "x25519-iterate") == 0) {
		if (ecap_parse_u64(argv[2], &n) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: not a number", argv[2]);
		memset(k, 0, 32);
		k[0] = 9;
		memcpy(u, k, 32);
		for (j = 0; j < n; j++) {
			if (ecap_x25519(r, k, u) == -1)
				ecap_errx(ECAP_EXIT_NO, "iteration %llu: all-zero result",
				    (unsigned long long)j + 1);
			memcpy(u, k, 32);
			memcpy(k, r, 32);
		}
		puthex(k);
		return 0;
	}
	fprintf(stderr, "usage: test-keys x25519 SCALAR POINT | x25519-iterate N\n");
	return 2;
}
