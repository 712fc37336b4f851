/*
 * bigout N: writes N bytes to standard output, in writes of 64 KiB: lines of 64
 * bytes, "000000000000000 ....\n", each starting with its byte offset in decimal,
 * the last one cut short, so that where output was cut can be seen.  N may end in K,
 * M or G (powers of 1024).  Exits 0, or 1 with "bigout: write: ENAME" on standard
 * error after a failed write (a closed pipe, an output limit); 2 with a usage line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "errname.h"

int
main(int argc, char **argv)
{
	static char buf[65536];
	unsigned long long n, done = 0, off;
	ssize_t w;
	size_t len, i;
	char *end;

	if (argc != 2 || (n = strtoull(argv[1], &end, 10), *argv[1] == '\0')) {
		fprintf(stderr, "usage: bigout N[K|M|G]\n");
		return 2;
	}
	switch (*end) {
	case 'G': n <<= 10; /* FALLTHROUGH */
	case 'M': n <<= 10; /* FALLTHROUGH */
	case 'K': n <<= 10; end++; break;
	}
	if (*end != '\0') {
		fprintf(stderr, "usage: bigout N[K|M|G]\n");
		return 2;
	}
	while (done < n) {
		for (i = 0; i < sizeof buf; i += 64) {
			snprintf(buf + i, 64, "%015llu", done + i);
			memset(buf + i + 15, '.', 48);
			buf[i + 63] = '\n';
		}
		len = n - done < sizeof buf ? (size_t)(n - done) : sizeof buf;
		for (off = 0; off < len; off += (size_t)w) {
			if ((w = write(1, buf + off, len - off)) < 0) {
				fprintf(stderr, "bigout: write: %s\n", errname(errno));
				return 1;
			}
		}
		done += len;
	}
	return 0;
}
