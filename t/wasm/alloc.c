/*
 * alloc N: mallocs N MiB (wasi-libc's dlmalloc grows the memory with memory.grow),
 * writes to every 4 KiB page of it, and prints "ok N MiB" and exits 0, or prints
 * "malloc failed" and exits 1.  A wasm32 memory is at most 4 GiB, less the
 * program's own, so 4000 fails on any runtime; 2 exits with a usage line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
	unsigned long long n;
	volatile unsigned char *p;	/* volatile: or clang drops the malloc */
	size_t i, size;
	char *end;

	if (argc != 2 || (n = strtoull(argv[1], &end, 10), *end != '\0' || *argv[1] == '\0')) {
		fprintf(stderr, "usage: alloc MIB\n");
		return 2;
	}
	if (n > SIZE_MAX >> 20 || (p = malloc(size = (size_t)n << 20)) == NULL) {
		printf("malloc failed\n");
		return 1;
	}
	for (i = 0; i < size; i += 4096)
		p[i] = 1;
	printf("ok %llu MiB\n", n);
	return 0;
}
