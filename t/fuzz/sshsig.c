/*
 * sshsig.c - libFuzzer target for the SSH signature parsers of
 * lib/sshsig.c (PROTOCOL.sshsig): armor, blob, allowed-signers files.
 *
 * The input is read as armored text (ecap_sshsig_dearmor) and what that
 * gives, or else the input itself, as a signature blob (ecap_sshsig_parse);
 * a blob that parses is verified over a fixed message (0 or 1, never more)
 * and must come back from armor and dearmor byte for byte.  The input is
 * also loaded as an allowed-signers file (a memfd).  Every failure must be
 * -1 with a non-empty one-line reason; nothing may crash.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ssh.h"
#include "sshsig.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void
blob(const unsigned char *b, size_t n)
{
	struct ecap_sshsig s;
	char why[128] = "", *armor;
	unsigned char *back;
	size_t backlen;
	int rc;

	rc = ecap_sshsig_parse(&s, b, n, why);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		check_why(why);
		return;
	}
	CHECK(s.hash == 256 || s.hash == 512);
	CHECK(strlen(s.namespace) <= ECAP_SSHSIG_NAMESPACE_MAX);
	CHECK(s.sig >= b && s.sig + s.siglen <= b + n);
	why[0] = '\0';
	rc = ecap_sshsig_verify(&s, s.namespace, "hello\n", 6, why);
	CHECK(rc == 0 || rc == 1);
	if (rc == 1)
		check_why(why);
	CHECK(ecap_sshsig_verify(&s, "not-the-namespace-of-any-seed", "", 0, why) == 1);

	ecap_sshsig_armor(&armor, b, n);
	CHECK(ecap_sshsig_dearmor(&back, &backlen, armor, why) == 0);
	CHECK(backlen == n && memcmp(back, b, n) == 0);
	free(back);
	free(armor);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecap_allowed_signers a;
	struct ecap_sshkey k = { 0 };
	unsigned char *bin;
	size_t binlen, i;
	char *text, why[128] = "", path[64];
	int fd, rc;

	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	rc = ecap_sshsig_dearmor(&bin, &binlen, text, why);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		blob(bin, binlen);
		free(bin);
	} else {
		check_why(why);
		blob(data, size);
	}
	free(text);

	fd = memfd_create("signers", 0);
	CHECK(fd != -1);
	CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	why[0] = '\0';
	rc = ecap_allowed_signers_load(&a, path, why);
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		for (i = 0; i < a.n; i++) {
			CHECK(a.v[i].principals != NULL && a.v[i].line > 0);
			if (a.v[i].namespaces == NULL && !a.v[i].valid_after && !a.v[i].valid_before)
				CHECK(ecap_allowed_signers_find(&a, &a.v[i].key, "ecap", 1) != NULL);
		}
		ecap_allowed_signers_find(&a, &k, "ecap", 1700000000);
		ecap_allowed_signers_free(&a);
	} else {
		check_why(why);
		CHECK(strncmp(why, "line ", 5) == 0);
	}
	close(fd);
	return 0;
}
