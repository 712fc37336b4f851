/*
 * sha256.h - SHA-256 (FIPS 180-4) over Nettle, which uses the x86 SHA
 * extensions where the CPU has them.
 */
#ifndef ECAP_SHA256_H
#define ECAP_SHA256_H

#include <stddef.h>
#include <nettle/sha2.h>

#define ECAP_SHA256_LEN	32	/* digest size, bytes */

typedef struct sha256_ctx ecap_sha256_ctx;

/* Start, extend with len bytes of data, and finish (out: 32 bytes; the context is reset). */
void ecap_sha256_init(ecap_sha256_ctx *c);
void ecap_sha256_update(ecap_sha256_ctx *c, const void *data, size_t len);
void ecap_sha256_final(ecap_sha256_ctx *c, unsigned char out[ECAP_SHA256_LEN]);

/* The digest of everything so far, leaving c free to go on (out: 32 bytes). */
void ecap_sha256_peek(const ecap_sha256_ctx *c, unsigned char out[ECAP_SHA256_LEN]);

/* SHA-256 of len bytes at data into out (32 bytes). */
void ecap_sha256(unsigned char out[ECAP_SHA256_LEN], const void *data, size_t len);

#endif
