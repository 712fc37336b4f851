/*
 * keys.h - the keys a capsule is sealed and opened with, and the files that
 * hold them.
 *
 * Symmetric master key: 32 bytes, written as 64 hex digits and a newline
 * (what `openssl rand -hex 32` prints).  Its key id is the first 8 bytes of
 * HKDF-SHA256 (RFC 5869) with the key as input keying material, no salt,
 * and info "ecap key id", in 16 hex digits.
 *
 * X25519 (RFC 7748): an identity file holds one line
 * "ecap-x25519-identity:" and the 64 hex digits of the 32-byte secret
 * scalar, optionally after "#" comment lines; its recipient (the public key,
 * what a sealer names with -r) is "ecap-x25519:" and 64 hex digits.  Key id:
 * the first 8 bytes of SHA-256 of the 32-byte public key, in hex.
 *
 * SSH signing keys: OpenSSH private key files ("openssh-key-v1", PROTOCOL.key
 * in OpenSSH), unencrypted, of type ssh-ed25519 or ecdsa-sha2-nistp256, as
 * `ssh-keygen -t ed25519` and `ssh-keygen -t ecdsa -b 256` write them.
 *
 * Errors: the load functions return 0, or -1 with a one-line reason in why
 * (at least 256 bytes) that names the file and what is wrong with it; a file
 * that cannot be opened or read ends the program (exit 2).
 */
#ifndef ECAP_KEYS_H
#define ECAP_KEYS_H

#include <stddef.h>

#include "ssh.h"

#define ECAP_KEY_LEN	32	/* symmetric master key, bytes */
#define ECAP_KEYID_LEN	16	/* key id, hex digits */

/* A symmetric master key.  Wipe it (explicit_bzero) after use. */
struct ecap_symkey {
	unsigned char key[ECAP_KEY_LEN];
	char id[ECAP_KEYID_LEN + 1];
	char source[256];	/* where ecap_symkey_find() found it: a file, "ECAP_KEY", "keyring:NAME" */
};

/* Parse the text of a key file (64 hex digits, then an optional newline, nothing else). */
int ecap_symkey_parse(struct ecap_symkey *k, const char *text, size_t len, const char *name,
    char *why);

/*
 * Find the master key: the file path if not NULL, else the Linux kernel
 * keyring key named keyring (a "user" key searched in the session/user
 * keyrings) if not NULL (both given is an error), else $ECAP_KEY (hex), else
 * the file $ECAP_KEY_FILE, else the keyring key named $ECAP_KEYRING.
 * Returns 0, 1 when there is no source at all, or -1 with why.
 */
int ecap_symkey_find(struct ecap_symkey *k, const char *path, const char *keyring, char *why);

/*
 * ecap_symkey_find() for a program: ends it (exit 2) when there is no key,
 * naming the flags it takes (flags: "--key-file, --keyring or -r"), or when
 * the key is bad.
 */
void ecap_symkey_xfind(struct ecap_symkey *k, const char *path, const char *keyring,
    const char *flags);

/* Create path (O_EXCL, mode 0600) holding 32 random bytes as hex; k gets the key. */
int ecap_symkey_generate(struct ecap_symkey *k, const char *path, char *why);

/* Store the key as a "user" key named name in the user keyring (keyctl add user NAME HEX @u). */
int ecap_symkey_to_keyring(const struct ecap_symkey *k, const char *name, char *why);

/* An X25519 key pair; has_secret 0 for a recipient. */
struct ecap_x25519 {
	unsigned char pub[32];
	unsigned char secret[32];
	int has_secret;
	char id[ECAP_KEYID_LEN + 1];
};

int ecap_x25519_parse_recipient(struct ecap_x25519 *x, const char *text, char *why);
int ecap_x25519_load_identity(struct ecap_x25519 *x, const char *path, char *why);
/* Create path (O_EXCL, 0600) with a new identity and a "# recipient: ..." comment line. */
int ecap_x25519_generate(struct ecap_x25519 *x, const char *path, char *why);
/* "ecap-x25519:" and 64 hex digits, NUL-terminated: 77 bytes. */
void ecap_x25519_format_recipient(const struct ecap_x25519 *x, char out[80]);

/*
 * X25519(scalar, point) of RFC 7748 §5 into out (32 bytes).  Returns 0, or
 * -1 when the result is all zeros (a low-order point: RFC 7748 §6.1).
 */
int ecap_x25519(unsigned char out[32], const unsigned char scalar[32],
    const unsigned char point[32]);

/* Load an OpenSSH private key file (unencrypted openssh-key-v1) into k. */
int ecap_sshkey_load_private(struct ecap_sshkey *k, const char *path, char *why);

/*
 * Load a public key: a .pub file or an authorized_keys-style line in path,
 * or the public half of a private key file.
 */
int ecap_sshkey_load_public(struct ecap_sshkey *k, const char *path, char *why);

/*
 * Make a new key of type t with comment, write the private key to path
 * (openssh-key-v1, O_EXCL, 0600) and the public key line to path.pub (0644),
 * as ssh-keygen -f path does.
 */
int ecap_sshkey_generate(struct ecap_sshkey *k, enum ecap_sshkey_type t, const char *comment,
    const char *path, char *why);

/* Fill buf with len bytes from the system's CSPRNG (getrandom(2)); ends the program on failure. */
void ecap_random(void *buf, size_t len);

#endif
