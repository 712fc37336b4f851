/* spin N: runs N rounds of a 64-bit xorshift (pure computation, no calls) and prints
 * the final state as 16 hex digits, so that the result can be checked; exits 0, 2
 * with a usage line.  "spin 0" prints 0000000000000001; a CPU-time limit stops a
 * large N. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	unsigned long long n, i;
	uint64_t x = 1;
	char *end;

	if (argc != 2 || (n = strtoull(argv[1], &end, 10), *end != '\0' || *argv[1] == '\0')) {
		fprintf(stderr, "usage: spin N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	printf("%016" PRIx64 "\n", x);
	return 0;
}
