/* exit: exits with the status given as its one argument (proc_exit), printing
 * nothing: "c-exit.wasm 3" exits 3.  The number is passed as it is, so a runtime's
 * handling of 256 or 4294967295 (-1) can be tried too.  Without an argument it
 * exits 0; with a bad one, 125, "exit: bad status: ARG" on standard error. */
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	char *end;
	long long n;

	if (argc < 2)
		exit(0);
	n = strtoll(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0') {
		fprintf(stderr, "exit: bad status: %s\n", argv[1]);
		exit(125);
	}
	exit((int)n);
}
