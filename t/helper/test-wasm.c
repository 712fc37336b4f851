/*
 * test-wasm.c - drive lib/wasm.h from the tests (t/1003-wasm.bats), like
 * git's t/helper:
 *
 *   test-wasm [FILE]      what ecap_wasm_inspect() finds in FILE (or stdin):
 *                           module            if ecap_wasm_is_module() says so
 *                           import MODULE NAME KIND    one line per import, in order
 *                           export NAME KIND           one line per export, in order
 *                           funcs N                    functions defined
 *                           memory none | memory [imported] min N [max M]   (pages)
 *                           start N                    if there is a start function
 *                         exit 0; or "test-wasm: FILE: reason" on stderr, exit 1
 *
 *   test-wasm meter FUEL MAXPAGES [EXPORT] < in > out
 *                         ecap_wasm_meter() of stdin (t/2002-meter.bats): the
 *                         metered module on stdout and "fuel global N" on
 *                         stderr, exit 0; or "test-wasm: stdin: reason" on
 *                         stderr and nothing on stdout, exit 1.  FUEL is a
 *                         decimal number, a leading '-' allowed (to see it
 *                         refused); MAXPAGES 0 is no cap; EXPORT names the
 *                         fuel global's export.
 *
 * Errors reading FILE, bad arguments: "test-wasm: reason" on stderr, exit 2.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "parse.h"
#include "wasm.h"
#include "xio.h"

/* All of standard input or of a file into a new buffer. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	int fd = ecap_xopen(path, O_RDONLY);
	size_t cap = 65536, len = 0, n;
	unsigned char *p = ecap_xmalloc(cap);

	while ((n = ecap_readall(fd, p + len, cap - len, ecap_displayname(path, 0))) > 0) {
		len += n;
		if (len < cap)
			break;
		cap *= 2;
		p = ecap_xrealloc(p, cap);
	}
	*lenp = len;
	return p;
}

static void
usage(void)
{
	fprintf(stderr, "usage: test-wasm [FILE]\n"
	    "       test-wasm meter FUEL MAXPAGES [EXPORT] < in > out\n");
	exit(ECAP_EXIT_ERR);
}

/* test-wasm meter FUEL MAXPAGES [EXPORT] */
static int
meter(int argc, char **argv)
{
	struct ecap_wasm_meter_opts o = { 0, 0, NULL };
	const char *fuel = argv[0];
	uint64_t n, pages;
	unsigned char *buf;
	uint32_t global;
	size_t len, outlen;
	void *out;
	char why[256];

	if (argc < 2 || argc > 3)
		usage();
	if (ecap_parse_u64(fuel + (fuel[0] == '-'), &n) == -1 || n > INT64_MAX)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a fuel", fuel);
	o.fuel = fuel[0] == '-' ? -(int64_t)n : (int64_t)n;
	if (ecap_parse_u64(argv[1], &pages) == -1 || pages > UINT32_MAX)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a number of pages", argv[1]);
	o.max_pages = (uint32_t)pages;
	o.export_fuel = argc > 2 ? argv[2] : NULL;

	buf = slurp("-", &len);
	if (ecap_wasm_meter(buf, len, &o, &out, &outlen, &global, why, sizeof why) == -1) {
		if (out != NULL || outlen != 0)
			ecap_errx(ECAP_EXIT_ERR, "stdin: refused, yet an output was left");
		ecap_errx(ECAP_EXIT_NO, "stdin: %s", why);
	}
	ecap_writeall(STDOUT_FILENO, out, outlen, "stdout");
	fprintf(stderr, "fuel global %u\n", (unsigned)global);
	free(out);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "-";
	struct ecap_wasm_info info;
	unsigned char *buf;
	char why[256];
	size_t len, k;

	ecap_setprogname(argv[0]);
	if (argc > 1 && strcmp(argv[1], "meter") == 0)
		return meter(argc - 2, argv + 2);
	if (argc > 2)
		usage();
	buf = slurp(path, &len);
	if (ecap_wasm_is_module(buf, len))
		puts("module");
	if (ecap_wasm_inspect(buf, len, &info, why, sizeof why) == -1)
		ecap_errx(ECAP_EXIT_NO, "%s: %s", ecap_displayname(path, 0), why);
	for (k = 0; k < info.nimports; k++)
		printf("import %s %s %s\n", info.imports[k].module, info.imports[k].name,
		    info.imports[k].kind);
	for (k = 0; k < info.nexports; k++)
		printf("export %s %s\n", info.exports[k].name, info.exports[k].kind);
	printf("funcs %zu\n", info.nfuncs);
	if (!info.has_memory)
		puts("memory none");
	else if (info.has_memory_max)
		printf("memory %smin %u max %u\n", info.memory_imported ? "imported " : "",
		    (unsigned)info.memory_min_pages, (unsigned)info.memory_max_pages);
	else
		printf("memory %smin %u\n", info.memory_imported ? "imported " : "",
		    (unsigned)info.memory_min_pages);
	if (info.has_start)
		printf("start %u\n", (unsigned)info.start_func);
	ecap_wasm_info_free(&info);
	ecap_wasm_info_free(&info);	/* a second free of a freed info is harmless */
	free(buf);
	return 0;
}
