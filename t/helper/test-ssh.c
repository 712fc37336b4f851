/*
 * test-ssh.c - drive lib/ssh.c, lib/sshkey.c and lib/sshsig.c from the
 * tests (t/1002-ssh.bats), like git's t/helper:
 *
 *   test-ssh pubkey FILE                 the public key line of a key file
 *   test-ssh fingerprint FILE            "BITS SHA256:... COMMENT (TYPE)", as ssh-keygen -l
 *   test-ssh genkey ed25519|ecdsa FILE [COMMENT]   write FILE and FILE.pub
 *   test-ssh sign KEYFILE NAMESPACE < MSG          the armored SSH signature
 *   test-ssh verify ALLOWED_SIGNERS NAMESPACE SIGFILE < MSG
 *                                        the signer's principals; exit 0, 1 (no) or 2
 *   test-ssh signers FILE                each entry of an allowed-signers file
 *
 * Errors: "test-ssh: reason" on stderr, exit 2.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "ssh.h"
#include "sshsig.h"
#include "xio.h"

static noreturn void
usage(void)
{
	fprintf(stderr, "usage: test-ssh pubkey|fingerprint FILE\n"
	    "       test-ssh genkey ed25519|ecdsa FILE [COMMENT]\n"
	    "       test-ssh sign KEYFILE NAMESPACE < MSG\n"
	    "       test-ssh verify ALLOWED_SIGNERS NAMESPACE SIGFILE < MSG\n"
	    "       test-ssh signers FILE\n");
	exit(ECAP_EXIT_ERR);
}

/* All of standard input or of a file into a new buffer, NUL-terminated. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	int fd = ecap_xopen(path, O_RDONLY);
	size_t cap = 65536, len = 0, n;
	unsigned char *p = ecap_xmalloc(cap + 1);

	while ((n = ecap_readall(fd, p + len, cap - len, ecap_displayname(path, 0))) > 0) {
		len += n;
		if (len < cap)
			break;
		cap *= 2;
		p = ecap_xrealloc(p, cap + 1);
	}
	p[len] = '\0';
	*lenp = len;
	return p;
}

static void
load_any(struct ecap_sshkey *k, const char *path)
{
	char why[256];

	if (ecap_sshkey_load_public(k, path, why) == -1)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

int
main(int argc, char **argv)
{
	struct ecap_sshkey k;
	char why[256], line[1024], fp[64];

	ecap_setprogname(argv[0]);
	if (argc < 3)
		usage();
	if (strcmp(argv[1], "pubkey") == 0 && argc == 3) {
		load_any(&k, argv[2]);
		if (ecap_sshkey_format_line(&k, line, sizeof line) == -1)
			ecap_errx(2, "line too long");
		puts(line);
	} else if (strcmp(argv[1], "private") == 0 && argc == 3) {
		/* load the private key and print its public line */
		if (ecap_sshkey_load_private(&k, argv[2], why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		if (ecap_sshkey_format_line(&k, line, sizeof line) == -1)
			ecap_errx(2, "line too long");
		puts(line);
		ecap_sshkey_wipe(&k);
	} else if (strcmp(argv[1], "fingerprint") == 0 && argc == 3) {
		load_any(&k, argv[2]);
		ecap_sshkey_fingerprint(&k, fp);
		printf("256 %s %s (%s)\n", fp, k.comment[0] ? k.comment : "no comment",
		    ecap_sshkey_type_label(k.type));
	} else if (strcmp(argv[1], "genkey") == 0 && (argc == 4 || argc == 5)) {
		enum ecap_sshkey_type t;

		if (strcmp(argv[2], "ed25519") == 0)
			t = ECAP_SSHKEY_ED25519;
		else if (strcmp(argv[2], "ecdsa") == 0)
			t = ECAP_SSHKEY_ECDSA_P256;
		else
			ecap_errx(ECAP_EXIT_ERR, "%s: unsupported key type", argv[2]);
		if (ecap_sshkey_generate(&k, t, argc == 5 ? argv[4] : "", argv[3], why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		ecap_sshkey_fingerprint(&k, fp);
		puts(fp);
		ecap_sshkey_wipe(&k);
	} else if (strcmp(argv[1], "sign") == 0 && argc == 4) {
		struct ecap_ssh_out o = { 0 };
		unsigned char *msg;
		size_t len;
		char *armor;

		if (ecap_sshkey_load_private(&k, argv[2], why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		msg = slurp("-", &len);
		if (ecap_sshsig_sign(&k, argv[3], msg, len, &o) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: cannot sign", argv[2]);
		ecap_sshkey_wipe(&k);
		ecap_sshsig_armor(&armor, o.p, o.len);
		fputs(armor, stdout);
		free(armor);
		free(msg);
		ecap_ssh_out_free(&o);
	} else if (strcmp(argv[1], "verify") == 0 && argc == 5) {
		struct ecap_allowed_signers a;
		const struct ecap_allowed_signer *e;
		struct ecap_sshsig s;
		unsigned char *msg, *text, *blob;
		size_t len, tlen, blen;

		if (ecap_allowed_signers_load(&a, argv[2], why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", argv[2], why);
		text = slurp(argv[4], &tlen);
		if (ecap_sshsig_dearmor(&blob, &blen, (char *)text, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", argv[4], why);
		if (ecap_sshsig_parse(&s, blob, blen, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", argv[4], why);
		msg = slurp("-", &len);
		if (ecap_sshsig_verify(&s, argv[3], msg, len, why) != 0)
			ecap_errx(ECAP_EXIT_NO, "%s: %s", argv[4], why);
		ecap_sshkey_fingerprint(&s.key, fp);
		e = ecap_allowed_signers_find(&a, &s.key, argv[3], (long long)time(NULL));
		if (e == NULL)
			ecap_errx(ECAP_EXIT_NO, "%s: %s key %s is not an allowed signer for "
			    "namespace %s", argv[4], ecap_sshkey_type_label(s.key.type), fp, argv[3]);
		printf("%s\n", e->principals);
		ecap_allowed_signers_free(&a);
		free(blob);
		free(text);
		free(msg);
	} else if (strcmp(argv[1], "signers") == 0 && argc == 3) {
		struct ecap_allowed_signers a;
		size_t n;

		if (ecap_allowed_signers_load(&a, argv[2], why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", argv[2], why);
		for (n = 0; n < a.n; n++) {
			ecap_sshkey_fingerprint(&a.v[n].key, fp);
			printf("%u %s namespaces=%s valid-after=%lld valid-before=%lld %s\n",
			    a.v[n].line, a.v[n].principals,
			    a.v[n].namespaces ? a.v[n].namespaces : "*",
			    a.v[n].valid_after, a.v[n].valid_before, fp);
		}
		ecap_allowed_signers_free(&a);
	} else {
		usage();
	}
	return 0;
}
