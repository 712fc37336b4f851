/* cat: copies standard input to standard output, in reads of 4 KiB (fd_read,
 * fd_write); exits 0 at end of input, 1 with "cat: read: ENAME" or
 * "cat: write: ENAME" on standard error when a call fails. */
#include <errno.h>
#include <unistd.h>
#include "errname.h"

int
main(void)
{
	static char buf[4096];
	ssize_t n, w, off;

	for (;;) {
		n = read(0, buf, sizeof buf);
		if (n == 0)
			return 0;
		if (n < 0) {
			fprintf(stderr, "cat: read: %s\n", errname(errno));
			return 1;
		}
		for (off = 0; off < n; off += w) {
			w = write(1, buf + off, n - off);
			if (w < 0) {
				fprintf(stderr, "cat: write: %s\n", errname(errno));
				return 1;
			}
		}
	}
}
