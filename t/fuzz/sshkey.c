/*
 * sshkey.c - libFuzzer target for the OpenSSH key parsers of lib/ssh.c and
 * lib/sshkey.c.
 *
 * The input is handed, as a file (a memfd), to ecap_sshkey_load_private()
 * and ecap_sshkey_load_public(); as a NUL-terminated line to
 * ecap_sshkey_parse_line(); and as a binary blob to
 * ecap_sshkey_parse_public().  Each must return 0 or -1 with a non-empty
 * one-line reason, never crash.  A key that loads is held to what the
 * headers promise: its public line parses back to the same key, a private
 * key's public half equals what load_public gives, and a signature it
 * makes verifies while a signature over other data does not.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "keys.h"
#include "ssh.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* The line of k parses back to k. */
static void
check_roundtrip(const struct ecap_sshkey *k)
{
	struct ecap_sshkey k2;
	char line[1024], fp[64], why[256] = "";

	CHECK(ecap_sshkey_format_line(k, line, sizeof line) == 0);
	CHECK(ecap_sshkey_parse_line(&k2, line, why) == 0);
	CHECK(ecap_sshkey_equal(k, &k2));
	ecap_sshkey_fingerprint(k, fp);
	CHECK(strncmp(fp, "SHA256:", 7) == 0 && strlen(fp) == 50);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecap_sshkey k, pub;
	struct ecap_ssh_out o = { 0 };
	char why[256], path[64];
	char *line;
	int fd, rc, rcpub;

	fd = memfd_create("sshkey", 0);
	CHECK(fd != -1);
	CHECK(write(fd, data, size) == (ssize_t)size);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	why[0] = '\0';
	rc = ecap_sshkey_load_private(&k, path, why);
	CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		check_why(why);
	why[0] = '\0';
	rcpub = ecap_sshkey_load_public(&pub, path, why);
	CHECK(rcpub == 0 || rcpub == -1);
	if (rcpub == -1)
		check_why(why);
	else
		check_roundtrip(&pub);
	if (rc == 0) {
		CHECK(k.has_private);
		CHECK(rcpub == 0 && ecap_sshkey_equal(&k, &pub));
		check_roundtrip(&k);
		CHECK(ecap_sshkey_sign(&k, data, size, &o) == 0);
		CHECK(ecap_sshkey_verify(&pub, data, size, o.p, o.len, why) == 0);
		CHECK(ecap_sshkey_verify(&pub, "x", 1, o.p, o.len, why) == 1);
		ecap_ssh_out_free(&o);
		ecap_sshkey_wipe(&k);
	}
	close(fd);

	line = malloc(size + 1);
	CHECK(line != NULL);
	memcpy(line, data, size);
	line[size] = '\0';
	why[0] = '\0';
	rc = ecap_sshkey_parse_line(&k, line, why);
	if (rc == 0)
		check_roundtrip(&k);
	else
		check_why(why);
	free(line);

	why[0] = '\0';
	rc = ecap_sshkey_parse_public(&k, data, size, why);
	if (rc == 0) {
		check_roundtrip(&k);
		CHECK(ecap_sshkey_verify(&k, "", 0, data, size, why) != 0);
	} else {
		check_why(why);
	}
	return 0;
}
