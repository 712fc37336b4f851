/*
 * trust.c - libFuzzer target for the trust-manifest parsers of lib/trust.c
 * and the policy parser of lib/trustref.c, ecap-trust(5).
 *
 * The input is read three ways:
 *   - as a manifest (ecap_trust_manifest_parse): 0, or -1 with a one-line
 *     reason "line N: ..."; a manifest that parses has clean fields (no
 *     control character), names strictly increasing, a script path for
 *     every interp entry, and formats back to the input byte for byte (the
 *     text is canonical);
 *   - as a list file (ecap_trust_list_parse, base "/base", paths relative
 *     to the current directory): 0 with the entries sorted and unique, or
 *     -1 with a one-line reason "line N: ..."; either way the entries then
 *     sort, and are found by name when unique;
 *   - as a policy (ecap_trust_policy_parse, git-config syntax through a
 *     memfd): 0, with approvals 1 to 1000 and enforce 0 or 1, or -1 with a
 *     one-line reason; either way no descriptor is left open.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "trust.h"
#include "trustref.h"
#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Descriptors open now, the one that lists them aside. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/* No byte below 0x20 and no DEL in the NUL-terminated s, which is not empty. */
static int
clean(const char *s)
{
	CHECK(s[0] != '\0');
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
check_line_why(const char *why)
{
	check_why(why);
	CHECK(strncmp(why, "line ", 5) == 0);
}

static void
manifest(const uint8_t *data, size_t size)
{
	struct ecap_trust_manifest m = { 0 };
	char why[256] = "", *text;
	size_t i, len;
	int rc;

	rc = ecap_trust_manifest_parse(&m, (const char *)data, size, why, sizeof why);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		check_line_why(why);
		ecap_trust_manifest_free(&m);
		return;
	}
	for (i = 0; i < m.n; i++) {
		struct ecap_trust_entry *e = &m.v[i];

		CHECK(clean(e->name) && clean(e->spec));
		CHECK(ecap_trust_kind_name(e->kind) != NULL);
		if (i > 0)
			CHECK(strcmp(m.v[i - 1].name, e->name) < 0);
		if (e->kind == ECAP_TRUST_INLINE)
			CHECK(e->path == NULL);
		else
			CHECK(e->path != NULL && clean(e->path));
		if (e->kind != ECAP_TRUST_INLINE && e->kind != ECAP_TRUST_INTERP)
			CHECK(strcmp(e->path, e->spec) == 0);
		CHECK(ecap_trust_manifest_find(&m, e->name) == e);
	}
	text = ecap_trust_manifest_format(&m, &len);
	CHECK(len == size && memcmp(text, data, size) == 0);
	free(text);
	CHECK(ecap_trust_manifest_sort(&m, why, sizeof why) == 0);
	ecap_trust_manifest_free(&m);
}

static void
list(const uint8_t *data, size_t size)
{
	struct ecap_trust_manifest m = { 0 };
	char why[256] = "";
	size_t i;
	int rc, sorted;

	rc = ecap_trust_list_parse(&m, (const char *)data, size, "/base", why, sizeof why);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		check_line_why(why);
	for (i = 0; i < m.n; i++) {
		CHECK(clean(m.v[i].name) && clean(m.v[i].spec));
		CHECK((m.v[i].kind == ECAP_TRUST_INLINE) == (m.v[i].path == NULL));
		if (rc == 0 && i > 0)
			CHECK(strcmp(m.v[i - 1].name, m.v[i].name) < 0);
	}
	why[0] = '\0';
	sorted = ecap_trust_manifest_sort(&m, why, sizeof why);
	CHECK(sorted == 0 || (sorted == -1 && rc == -1));
	if (sorted == 0) {
		for (i = 0; i < m.n; i++) {
			if (i > 0)
				CHECK(strcmp(m.v[i - 1].name, m.v[i].name) < 0);
			CHECK(ecap_trust_manifest_find(&m, m.v[i].name) == &m.v[i]);
		}
	} else {
		check_why(why);
	}
	ecap_trust_manifest_free(&m);
}

static void
policy(const uint8_t *data, size_t size)
{
	struct ecap_trust_policy p;
	char why[256] = "";
	size_t i;
	int rc, fds = count_fds();

	rc = ecap_trust_policy_parse(&p, (const char *)data, size, why, sizeof why);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		CHECK(p.approvals >= 1 && p.approvals <= 1000);
		CHECK(p.enforce == 0 || p.enforce == 1);
		for (i = 0; i < p.nprincipals; i++)
			CHECK(p.principals[i] != NULL);
		free(ecap_trust_policy_format(&p));
	} else {
		check_why(why);
		CHECK(p.nprincipals == 0 && p.principals == NULL);
	}
	ecap_trust_policy_free(&p);
	CHECK(count_fds() == fds);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	git_libgit2_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	manifest(data, size);
	list(data, size);
	policy(data, size);
	return 0;
}
