/* trust-hash: fingerprint what may run into a trust manifest, ecap-trust(5), or check one. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "parallel.h"
#include "parse.h"
#include "trust.h"
#include "trustref.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: trust-hash [-C DIR] [-j N] [-k KIND] [-n NAME] [-f LIST] [-o FILE] [ARG...]\n"
	    "       trust-hash [-C DIR] [-j N] [-q] -c MANIFEST [NAME...]\n"
	    "KIND: inline, file, interp, wasm, capsule\n");
	ecap_usage_exit(status);
}

/* Options that may be given once. */
static void
once(int given, int opt)
{
	if (given)
		ecap_errx(ECAP_EXIT_ERR, "-%c given twice", opt);
}

/* -c: check the entries of a manifest file (those named, or all) like sha256sum -c. */
static int
check(const char *path, char *const *names, int nnames, const char *base, unsigned threads,
    int quiet)
{
	static struct ecap_trust_manifest m;
	static struct ecap_trust_entry **e;
	static struct ecap_trust_actual *a;
	static char *text;
	size_t len, n = 0, i, bad = 0;
	char why[256];
	int k;

	text = ecap_xreadfile(path, &len);
	if (ecap_trust_manifest_parse(&m, text, len, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", ecap_displayname(path, 0), why);
	e = ecap_xcalloc(m.n + (size_t)nnames + 1, sizeof *e);
	if (nnames == 0)
		for (i = 0; i < m.n; i++)
			e[n++] = &m.v[i];
	for (k = 0; k < nnames; k++) {
		if ((e[n] = ecap_trust_manifest_find(&m, names[k])) == NULL)
			ecap_errx(ECAP_EXIT_ERR, "%s: no entry %s", ecap_displayname(path, 0),
			    names[k]);
		n++;
	}
	a = ecap_xcalloc(n + 1, sizeof *a);
	ecap_trust_hash_entries(e, n, base, NULL, a, threads);
	for (i = 0; i < n; i++) {
		int ok = a[i].err == 0 && memcmp(a[i].hash, e[i]->hash, ECAP_TRUST_HASH_LEN) == 0;

		if (!ok)
			bad++;
		if (ok && quiet)
			continue;
		if (a[i].err != 0)
			printf("%s: FAILED open or read: %s\n", e[i]->name,
			    a[i].why != NULL ? a[i].why : strerror(a[i].err));
		else
			printf("%s: %s\n", e[i]->name, ok ? "OK" : "FAILED");
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	if (bad > 0)
		ecap_warnx("WARNING: %zu of %zu %s not match", bad, n, n == 1 ? "entry did" :
		    "entries did");
	free(a);
	free(e);
	free(text);
	ecap_trust_manifest_free(&m);
	return bad > 0 ? ECAP_EXIT_NO : ECAP_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Static: what the program holds when an error ends it stays reachable. */
	static struct ecap_trust_manifest m;
	const char *list = NULL, *out = NULL, *checkfile = NULL, *name = NULL;
	unsigned threads = ecap_ncpu();
	int ch, kind = -1, quiet = 0;
	enum ecap_trust_kind k;
	struct ecap_out o;
	static char *base, *text;
	size_t len;

	ecap_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "C:c:f:hj:k:n:o:qV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (chdir(optarg) < 0)
				ecap_err(ECAP_EXIT_ERR, "%s", optarg);
			break;
		case 'c':
			once(checkfile != NULL, 'c');
			checkfile = optarg;
			break;
		case 'f':
			once(list != NULL, 'f');
			list = optarg;
			break;
		case 'j':
			threads = ecap_xparse_threads(optarg);
			break;
		case 'k':
			once(kind >= 0, 'k');
			if (ecap_trust_kind_parse(optarg, &k) < 0)
				ecap_errx(ECAP_EXIT_ERR, "-k %s: not inline, file, interp, wasm or "
				    "capsule", optarg);
			kind = (int)k;
			break;
		case 'n':
			once(name != NULL, 'n');
			name = optarg;
			break;
		case 'o':
			once(out != NULL, 'o');
			out = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(ECAP_EXIT_OK);
		case 'V':
			ecap_print_version();
		default:
			usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	base = ecap_trust_base(".");
	if (checkfile != NULL) {
		if (list != NULL || out != NULL || kind >= 0 || name != NULL)
			usage(ECAP_EXIT_ERR);
		return check(checkfile, argv, argc, base, threads, quiet);
	}
	if ((argc == 0 && list == NULL) || (name != NULL && argc != 1) || quiet)
		usage(ECAP_EXIT_ERR);
	if (list != NULL)
		ecap_trust_xadd_list(&m, list, base);
	ecap_trust_xadd_args(&m, kind, name, argv, argc, base);
	ecap_trust_xhash_manifest(&m, base, NULL, threads);
	text = ecap_trust_manifest_format(&m, &len);
	ecap_out_open(&o, out != NULL ? out : "-");
	ecap_writeall(o.fd, text, len, ecap_displayname(out != NULL ? out : "-", 1));
	ecap_out_commit(&o);
	free(text);
	free(base);
	ecap_trust_manifest_free(&m);
	return ECAP_EXIT_OK;
}
