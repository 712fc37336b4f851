/*
 * aead.h - the two AEADs a capsule may use (ecap(5)), over BearSSL, and the
 * STREAM nonce of age that numbers a capsule's pages.
 *
 *   ECAP_AEAD_AES256GCM          AES-256 (FIPS 197) in GCM (NIST SP 800-38D),
 *                                "aes-256-gcm"; AES-NI and PCLMULQDQ when
 *                                the CPU has them, else BearSSL's
 *                                constant-time ct64 AES and ctmul64 GHASH.
 *   ECAP_AEAD_CHACHA20POLY1305   AEAD_CHACHA20_POLY1305 (RFC 8439 §2.8),
 *                                "chacha20-poly1305"; SSE2 ChaCha20 when
 *                                available, Poly1305 with 64-bit multiplies
 *                                (ctmulq) when available, else the ct/ctmul
 *                                code.
 *
 * Both take 32-byte keys, 12-byte nonces and give 16-byte tags; the tag is
 * passed separately from the ciphertext, which is the length of the
 * plaintext.  Every length is in bytes; a NULL pointer is allowed wherever
 * its length is 0.  A nonce must never be used twice with one key.
 * Implementations are chosen at run time; all of them are constant-time.
 */
#ifndef ECAP_AEAD_H
#define ECAP_AEAD_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#define ECAP_AEAD_KEY_LEN	32
#define ECAP_AEAD_NONCE_LEN	12
#define ECAP_AEAD_TAG_LEN	16
/*
 * Longest message, bytes, for both AEADs: GCM's 2^39 - 256 bits (SP 800-38D
 * §5.2.1.1); ChaCha20-Poly1305 allows more (RFC 8439 §2.8: 2^38 - 64).
 */
#define ECAP_AEAD_MAX_LEN	((((uint64_t)1) << 36) - 32)

enum ecap_aead_alg {
	ECAP_AEAD_AES256GCM = 1,
	ECAP_AEAD_CHACHA20POLY1305 = 2
};

/*
 * A key set up for one AEAD: allocated by the caller, filled by
 * ecap_aead_init(), used for any number of messages, erased by
 * ecap_aead_wipe().  It holds no pointers into itself, so it may be copied
 * or moved, and seal/open only read it, so threads may share one.
 */
struct ecap_aead {
	enum ecap_aead_alg alg;
	union {
		struct {
			br_aes_gen_ctr_keys aes;	/* the AES-256 key schedule */
			br_ghash ghash;
		} gcm;
		struct {
			unsigned char key[ECAP_AEAD_KEY_LEN];
			br_chacha20_run chacha;
			br_poly1305_run poly;
		} cp;
	} u;
};

/*
 * The AEAD called name ("aes-256-gcm", "chacha20-poly1305"; exact,
 * lower case), or 0 when there is none.
 */
enum ecap_aead_alg ecap_aead_from_name(const char *name);

/* The name of alg as ecap_aead_from_name() takes it, or NULL when alg is not an AEAD. */
const char *ecap_aead_name(enum ecap_aead_alg alg);

/*
 * Set up ctx for alg with a 32-byte key.  Returns 0, or -1 when alg is
 * not one of the enum's values (ctx is then unusable).
 */
int ecap_aead_init(struct ecap_aead *ctx, enum ecap_aead_alg alg,
    const unsigned char key[ECAP_AEAD_KEY_LEN]);

/*
 * The implementations ctx uses, for diagnostics: "aes-ni+pclmul",
 * "ct64+ctmul64", "sse2+ctmulq", "ct+ctmul", ... (static text).
 */
const char *ecap_aead_impl(const struct ecap_aead *ctx);

/*
 * Encrypt len bytes at buf in place under the 12-byte nonce, authenticating
 * them and aadlen bytes of associated data aad; write the 16-byte tag to
 * tag.  Returns 0, or -1 (buf untouched) when len > ECAP_AEAD_MAX_LEN.
 */
int ecap_aead_seal(const struct ecap_aead *ctx, const unsigned char nonce[ECAP_AEAD_NONCE_LEN],
    const void *aad, size_t aadlen, void *buf, size_t len,
    unsigned char tag[ECAP_AEAD_TAG_LEN]);

/*
 * Check the 16-byte tag over aad (aadlen bytes) and the ciphertext at buf
 * (len bytes) under the nonce, and decrypt buf in place.  Returns 0 when the
 * tag matches (compared in constant time); -1 when it does not, or when len
 * > ECAP_AEAD_MAX_LEN.  On -1, all len bytes of buf have been set to zero:
 * no unauthenticated plaintext is ever left for the caller.
 */
int ecap_aead_open(const struct ecap_aead *ctx, const unsigned char nonce[ECAP_AEAD_NONCE_LEN],
    const void *aad, size_t aadlen, void *buf, size_t len,
    const unsigned char tag[ECAP_AEAD_TAG_LEN]);

/* Erase the key material in ctx (explicit_bzero); init it again to reuse it. */
void ecap_aead_wipe(struct ecap_aead *ctx);

/*
 * The nonce of segment number counter (0, 1, ...) of a STREAM, as the age
 * file format (C2SP age, "Payload") builds it: the counter as an 11-byte
 * big-endian number, then one byte, 0x01 when this is the last segment and
 * 0x00 otherwise.  A 64-bit counter always fits (its top 3 bytes are zero).
 */
void ecap_stream_nonce(unsigned char nonce[ECAP_AEAD_NONCE_LEN], uint64_t counter, int last);

#endif
