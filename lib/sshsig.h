/*
 * sshsig.h - SSH signatures of OpenSSH's PROTOCOL.sshsig (what
 * `ssh-keygen -Y sign` makes and `ssh-keygen -Y verify` checks), and
 * allowed-signers files (ssh-keygen(1), ALLOWED SIGNERS).
 *
 * The signed data is
 *   "SSHSIG" || string namespace || string reserved ("") ||
 *   string hash_algorithm || string H(message)
 * and the signature blob
 *   "SSHSIG" || uint32 1 || string publickey || string namespace ||
 *   string reserved || string hash_algorithm || string signature
 * armored between "-----BEGIN SSH SIGNATURE-----" and
 * "-----END SSH SIGNATURE-----" in base64 lines of 70 characters.
 */
#ifndef ECAP_SSHSIG_H
#define ECAP_SSHSIG_H

#include <stddef.h>

#include "ssh.h"

#define ECAP_SSHSIG_NAMESPACE_MAX	64	/* longest namespace we accept, bytes */

/* A parsed signature blob; pointers point into the blob it was parsed from. */
struct ecap_sshsig {
	struct ecap_sshkey key;		/* the signer's public key */
	char namespace[ECAP_SSHSIG_NAMESPACE_MAX + 1];
	int hash;			/* 256 or 512: sha256 or sha512 */
	const unsigned char *sig;	/* the SSH signature blob */
	size_t siglen;
};

/*
 * Sign the message digest of hash_algorithm 512 (sha512, as ssh-keygen
 * does) of len bytes at msg with k in namespace ns; append the binary
 * signature blob to o.  Returns 0, or -1 when k has no private key.
 */
int ecap_sshsig_sign(const struct ecap_sshkey *k, const char *ns, const void *msg, size_t len,
    struct ecap_ssh_out *o);

/*
 * Parse a binary signature blob (bloblen bytes) into s.  Returns 0, or -1
 * with a one-line reason in why (at least 128 bytes) for anything but
 * version 1 with a supported key and hash "sha256" or "sha512".
 */
int ecap_sshsig_parse(struct ecap_sshsig *s, const void *blob, size_t bloblen, char *why);

/*
 * Verify a parsed signature over the message (len bytes at msg), requiring
 * namespace ns.  Returns 0 when it verifies, 1 when the signature or the
 * namespace does not match (why says which).
 */
int ecap_sshsig_verify(const struct ecap_sshsig *s, const char *ns, const void *msg, size_t len,
    char *why);

/*
 * Armor: write the PEM-like text of a binary blob into a new NUL-terminated
 * string (*out, free it); dearmor: the binary blob from such text (*out,
 * *outlen; free it).  Dearmor returns -1 with why for text that is not one
 * SSH SIGNATURE block.
 */
void ecap_sshsig_armor(char **out, const void *blob, size_t len);
int ecap_sshsig_dearmor(unsigned char **out, size_t *outlen, const char *text, char *why);

/*
 * An allowed-signers file (the format git's gpg.ssh.allowedSignersFile
 * names): lines "PRINCIPALS [OPTIONS] KEYTYPE BASE64KEY [COMMENT]", with
 * the options namespaces="a,b" (patterns with * and ?, "!" to deny),
 * valid-after= and valid-before= (YYYYMMDD[HHMM[SS]], local time, or UTC
 * with a trailing Z) and cert-authority.  Blank lines and "#" comments are
 * ignored; lines with cert-authority (no certificates here) and lines with
 * a key type OpenSSH knows but we do not support (ssh-rsa, ssh-dss,
 * ecdsa-sha2-nistp384/521, sk-*, certificates) are skipped.  PRINCIPALS may
 * be double-quoted.
 */
struct ecap_allowed_signer {
	char *principals;	/* comma-separated patterns, as in the file */
	char *namespaces;	/* NULL: any namespace */
	long long valid_after;	/* seconds since the epoch, or 0 */
	long long valid_before;	/* seconds since the epoch, or 0 */
	struct ecap_sshkey key;
	unsigned line;		/* line number in the file */
};

struct ecap_allowed_signers {
	struct ecap_allowed_signer *v;
	size_t n;
};

/*
 * Read the file at path ("-": standard input).  Returns 0, or -1 with
 * "line N: reason" in why (at least 128 bytes) for a line that cannot be
 * parsed (a file that cannot be read ends the program).
 */
int ecap_allowed_signers_load(struct ecap_allowed_signers *a, const char *path, char *why);
void ecap_allowed_signers_free(struct ecap_allowed_signers *a);

/*
 * For a program: load the allowed signers named by path (a flag) or, when
 * path is NULL, by $ECAP_ALLOWED_SIGNERS.  Returns 1 when a file was
 * loaded, 0 when none is named; a file that does not parse ends the program
 * (exit 2) naming the file and the line.
 */
int ecap_allowed_signers_xload(struct ecap_allowed_signers *a, const char *path);

/*
 * The first entry that lists key k for namespace ns and is valid at time
 * now (seconds since the epoch), or NULL when none does (unknown signer).
 */
const struct ecap_allowed_signer *ecap_allowed_signers_find(const struct ecap_allowed_signers *a,
    const struct ecap_sshkey *k, const char *ns, long long now);

#endif
