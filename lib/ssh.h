/*
 * ssh.h - SSH keys as OpenSSH writes them: the wire encoding of RFC 4251
 * §5, public key blobs and text lines (RFC 4253 §6.6, RFC 8709 for
 * ssh-ed25519, RFC 5656 §3.1 for ecdsa-sha2-nistp256), their SHA256
 * fingerprints (as ssh-keygen -l prints them), and raw SSH signatures
 * (RFC 8709 §6, RFC 5656 §3.1.2).  Ed25519 is Nettle's; ECDSA P-256 is
 * BearSSL's.
 */
#ifndef ECAP_SSH_H
#define ECAP_SSH_H

#include <stddef.h>
#include <stdint.h>

/*
 * A reader over a byte string in SSH wire encoding.  Every get function
 * returns 0, or -1 when the data runs out or is malformed; after a failure
 * every further get fails too (so a parser may check once at the end).
 */
struct ecap_ssh_buf {
	const unsigned char *p;	/* next byte */
	size_t len;		/* bytes left */
	int bad;		/* a get failed */
};

void ecap_ssh_buf_init(struct ecap_ssh_buf *b, const void *data, size_t len);
int ecap_ssh_get_u32(struct ecap_ssh_buf *b, uint32_t *v);
/* A string: *s points into the buffer (not NUL-terminated), *n its length in bytes. */
int ecap_ssh_get_string(struct ecap_ssh_buf *b, const unsigned char **s, size_t *n);
/* A string that must equal the NUL-terminated text want exactly. */
int ecap_ssh_get_cstring(struct ecap_ssh_buf *b, const char *want);
/* n raw bytes (no length prefix). */
int ecap_ssh_get_bytes(struct ecap_ssh_buf *b, const unsigned char **s, size_t n);

/* A growing output buffer in SSH wire encoding; allocation failures end the program. */
struct ecap_ssh_out {
	unsigned char *p;
	size_t len, cap;
};

void ecap_ssh_put_u32(struct ecap_ssh_out *o, uint32_t v);
void ecap_ssh_put_string(struct ecap_ssh_out *o, const void *s, size_t n);
void ecap_ssh_put_cstring(struct ecap_ssh_out *o, const char *s);
void ecap_ssh_put_bytes(struct ecap_ssh_out *o, const void *s, size_t n);
/* An mpint (RFC 4251 §5) of the n-byte unsigned big-endian number at s. */
void ecap_ssh_put_mpint(struct ecap_ssh_out *o, const unsigned char *s, size_t n);
/* Wipe and free the buffer. */
void ecap_ssh_out_free(struct ecap_ssh_out *o);

/* Key types. */
enum ecap_sshkey_type {
	ECAP_SSHKEY_ED25519 = 1,	/* "ssh-ed25519" */
	ECAP_SSHKEY_ECDSA_P256 = 2,	/* "ecdsa-sha2-nistp256" */
};

/*
 * A public key, and the private half when has_private.  ed25519: pub is the
 * 32-byte point, priv the 32-byte seed.  ecdsa-sha2-nistp256: pub is the
 * 65-byte uncompressed point (0x04 || X || Y), priv the 32-byte scalar.
 * Wipe with ecap_sshkey_wipe() when done.
 */
struct ecap_sshkey {
	enum ecap_sshkey_type type;
	unsigned char pub[65];
	size_t publen;
	int has_private;
	unsigned char priv[32];
	char comment[256];	/* NUL-terminated, may be empty */
};

void ecap_sshkey_wipe(struct ecap_sshkey *k);

/* "ssh-ed25519" or "ecdsa-sha2-nistp256"; the ssh-keygen -l label "ED25519" or "ECDSA". */
const char *ecap_sshkey_type_name(enum ecap_sshkey_type t);
const char *ecap_sshkey_type_label(enum ecap_sshkey_type t);

/* The public key blob (string type || key data) appended to o. */
void ecap_sshkey_put_public(struct ecap_ssh_out *o, const struct ecap_sshkey *k);

/*
 * Parse a public key blob of len bytes into k (has_private 0, no comment).
 * Returns 0, or -1 for an unsupported type or a malformed blob, with a
 * one-line reason in why (why may be NULL, else at least 128 bytes).
 */
int ecap_sshkey_parse_public(struct ecap_sshkey *k, const void *blob, size_t len, char *why);

/*
 * A public key text line "TYPE BASE64 [COMMENT]" (authorized_keys and .pub
 * files, allowed signers): parse the NUL-terminated line (leading blanks and
 * a trailing newline allowed), or format k into out (outlen bytes;
 * returns -1 if too small).  Parse returns 0 or -1 with why as above.
 */
int ecap_sshkey_parse_line(struct ecap_sshkey *k, const char *line, char *why);
int ecap_sshkey_format_line(const struct ecap_sshkey *k, char *out, size_t outlen);

/* "SHA256:" and the unpadded base64 of SHA-256 of the blob: 50 characters and a NUL into out (64 bytes). */
void ecap_sshkey_fingerprint(const struct ecap_sshkey *k, char out[64]);

/*
 * A printable copy, for messages, of at most max bytes of the n-byte wire
 * string s: bytes outside 0x20-0x7e become '?', and "..." marks a cut.  out
 * holds max + 4 bytes.
 */
void ecap_ssh_printable(char *out, size_t max, const unsigned char *s, size_t n);

/* Do a and b hold the same public key? */
int ecap_sshkey_equal(const struct ecap_sshkey *a, const struct ecap_sshkey *b);

/*
 * Sign len bytes of data with k's private key, appending the SSH signature
 * blob (string type || string signature) to o.  ed25519 signs data itself;
 * ecdsa-sha2-nistp256 signs SHA-256(data), with r and s as mpints, and draws
 * its nonce as RFC 6979 (BearSSL).  Returns 0, or -1 if k has no private key.
 */
int ecap_sshkey_sign(const struct ecap_sshkey *k, const void *data, size_t len,
    struct ecap_ssh_out *o);

/*
 * Verify the SSH signature blob sig (siglen bytes) over data with k's
 * public key.  Returns 0 when it verifies, 1 when it does not, -1 for a
 * malformed blob or one of another key type (why as above).
 */
int ecap_sshkey_verify(const struct ecap_sshkey *k, const void *data, size_t len,
    const void *sig, size_t siglen, char *why);

/* base64 (RFC 4648 §4) over Nettle: encode len bytes into out (BASE64_ENCODE_LENGTH+1 bytes, NUL-terminated, padded). */
void ecap_base64_encode(char *out, const void *bin, size_t len);
/* Decode the NUL-terminated text into a new buffer (*out, *outlen); -1 when it is not base64. */
int ecap_base64_decode(unsigned char **out, size_t *outlen, const char *text);

#endif
