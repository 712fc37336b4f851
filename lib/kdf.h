/*
 * kdf.h - HMAC-SHA256 (RFC 2104, with SHA-256 of FIPS 180-4; test vectors in
 * RFC 4231) and HKDF-SHA256 (RFC 5869), over BearSSL's br_hmac and br_hkdf.
 *
 * Keys, salts, inputs and outputs are byte strings; every length is in
 * bytes.  A NULL pointer is allowed wherever its length is 0.  The functions
 * keep no state of their own and wipe the copies of keys they make on the
 * stack (explicit_bzero) before they return.
 */
#ifndef ECAP_KDF_H
#define ECAP_KDF_H

#include <stddef.h>

#include <bearssl.h>

#define ECAP_HMAC_SHA256_LEN	32		/* MAC size, bytes */
#define ECAP_HKDF_SHA256_MAX	(255 * 32)	/* longest HKDF-SHA256 output, bytes (RFC 5869 §2.3) */

/*
 * HMAC-SHA256 (RFC 2104 §2) of len bytes of data under a key of keylen
 * bytes (any length; keys longer than the 64-byte block are hashed first),
 * into out (32 bytes).  Cannot fail.
 */
void ecap_hmac_sha256(unsigned char out[ECAP_HMAC_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t len);

/*
 * Incremental HMAC-SHA256 for data that arrives in pieces: init with the
 * key, update any number of times with len bytes each, final into out (32
 * bytes).  The context holds key-derived state: final wipes it, and a
 * context abandoned before final should be wiped with explicit_bzero.
 */
struct ecap_hmac_sha256 {
	br_hmac_context hc;
};
void ecap_hmac_sha256_init(struct ecap_hmac_sha256 *c, const void *key, size_t keylen);
void ecap_hmac_sha256_update(struct ecap_hmac_sha256 *c, const void *data, size_t len);
void ecap_hmac_sha256_final(struct ecap_hmac_sha256 *c, unsigned char out[ECAP_HMAC_SHA256_LEN]);

/*
 * HKDF-SHA256 (RFC 5869 §2.2 extract, then §2.3 expand): derive outlen
 * bytes into out from ikmlen bytes of input keying material ikm, saltlen
 * bytes of salt and infolen bytes of context info.
 * salt NULL means "not provided", which RFC 5869 §2.2 defines as 32 zero
 * bytes; it gives the same result as an empty salt.  outlen may be 0..8160
 * (255 * 32).  Returns 0, or -1 (out untouched) when outlen is larger.
 */
int ecap_hkdf_sha256(unsigned char *out, size_t outlen, const void *ikm, size_t ikmlen,
    const void *salt, size_t saltlen, const void *info, size_t infolen);

#endif
