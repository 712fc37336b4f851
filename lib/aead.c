/* aead.c - AES-256-GCM and ChaCha20-Poly1305 over BearSSL (see aead.h). */
#include <string.h>

#include <bearssl.h>

#include "aead.h"

static const struct {
	enum ecap_aead_alg alg;
	const char *name;
} names[] = {
	{ ECAP_AEAD_AES256GCM, "aes-256-gcm" },
	{ ECAP_AEAD_CHACHA20POLY1305, "chacha20-poly1305" },
};

enum ecap_aead_alg
ecap_aead_from_name(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcmp(name, names[k].name) == 0)
			return names[k].alg;
	return 0;
}

const char *
ecap_aead_name(enum ecap_aead_alg alg)
{
	size_t k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (names[k].alg == alg)
			return names[k].name;
	return NULL;
}

int
ecap_aead_init(struct ecap_aead *ctx, enum ecap_aead_alg alg,
    const unsigned char key[ECAP_AEAD_KEY_LEN])
{
	const br_block_ctr_class *aes;

	memset(ctx, 0, sizeof *ctx);
	switch (alg) {
	case ECAP_AEAD_AES256GCM:
		aes = br_aes_x86ni_ctr_get_vtable();
		if (aes == NULL)
			aes = &br_aes_ct64_ctr_vtable;
		aes->init(&ctx->u.gcm.aes.vtable, key, ECAP_AEAD_KEY_LEN);
		ctx->u.gcm.ghash = br_ghash_pclmul_get();
		if (ctx->u.gcm.ghash == 0)
			ctx->u.gcm.ghash = br_ghash_ctmul64;
		break;
	case ECAP_AEAD_CHACHA20POLY1305:
		memcpy(ctx->u.cp.key, key, ECAP_AEAD_KEY_LEN);
		ctx->u.cp.chacha = br_chacha20_sse2_get();
		if (ctx->u.cp.chacha == 0)
			ctx->u.cp.chacha = br_chacha20_ct_run;
		ctx->u.cp.poly = br_poly1305_ctmulq_get();
		if (ctx->u.cp.poly == 0)
			ctx->u.cp.poly = br_poly1305_ctmul_run;
		break;
	default:
		return -1;
	}
	ctx->alg = alg;
	return 0;
}

const char *
ecap_aead_impl(const struct ecap_aead *ctx)
{
	int fast1, fast2;

	switch (ctx->alg) {
	case ECAP_AEAD_AES256GCM:
		fast1 = ctx->u.gcm.aes.vtable != &br_aes_ct64_ctr_vtable;
		fast2 = ctx->u.gcm.ghash != br_ghash_ctmul64;
		return fast1 ? (fast2 ? "aes-ni+pclmul" : "aes-ni+ctmul64")
		    : (fast2 ? "ct64+pclmul" : "ct64+ctmul64");
	case ECAP_AEAD_CHACHA20POLY1305:
		fast1 = ctx->u.cp.chacha != br_chacha20_ct_run;
		fast2 = ctx->u.cp.poly != br_poly1305_ctmul_run;
		return fast1 ? (fast2 ? "sse2+ctmulq" : "sse2+ctmul")
		    : (fast2 ? "ct+ctmulq" : "ct+ctmul");
	}
	return "none";
}

/*
 * br_gcm_init() keeps a pointer to the block cipher context, typed as
 * mutable although GCM only ever calls the const run() method on it; this
 * lets seal and open take a const context and build the (small) GCM state
 * on their own stack, so one key schedule serves many threads and pages.
 */
static void
gcm_start(br_gcm_context *gc, const struct ecap_aead *ctx,
    const unsigned char nonce[ECAP_AEAD_NONCE_LEN], const void *aad, size_t aadlen)
{
	union {
		const br_block_ctr_class *const *c;
		const br_block_ctr_class **m;
	} bc = { .c = &ctx->u.gcm.aes.vtable };

	br_gcm_init(gc, bc.m, ctx->u.gcm.ghash);
	br_gcm_reset(gc, nonce, ECAP_AEAD_NONCE_LEN);
	if (aadlen > 0)
		br_gcm_aad_inject(gc, aad, aadlen);
	br_gcm_flip(gc);
}

int
ecap_aead_seal(const struct ecap_aead *ctx, const unsigned char nonce[ECAP_AEAD_NONCE_LEN],
    const void *aad, size_t aadlen, void *buf, size_t len,
    unsigned char tag[ECAP_AEAD_TAG_LEN])
{
	br_gcm_context gc;

	if ((uint64_t)len > ECAP_AEAD_MAX_LEN)
		return -1;
	switch (ctx->alg) {
	case ECAP_AEAD_AES256GCM:
		gcm_start(&gc, ctx, nonce, aad, aadlen);
		if (len > 0)
			br_gcm_run(&gc, 1, buf, len);
		br_gcm_get_tag(&gc, tag);
		explicit_bzero(&gc, sizeof gc);
		return 0;
	case ECAP_AEAD_CHACHA20POLY1305:
		ctx->u.cp.poly(ctx->u.cp.key, nonce, len ? buf : tag, len,
		    aadlen ? aad : tag, aadlen, tag, ctx->u.cp.chacha, 1);
		return 0;
	}
	return -1;
}

/* 1 when the n bytes at a and b are equal, in time that depends only on n. */
static int
ct_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	volatile unsigned char d = 0;
	size_t k;

	for (k = 0; k < n; k++)
		d |= a[k] ^ b[k];
	return d == 0;
}

int
ecap_aead_open(const struct ecap_aead *ctx, const unsigned char nonce[ECAP_AEAD_NONCE_LEN],
    const void *aad, size_t aadlen, void *buf, size_t len,
    const unsigned char tag[ECAP_AEAD_TAG_LEN])
{
	br_gcm_context gc;
	unsigned char want[ECAP_AEAD_TAG_LEN];
	int ok = 0;

	if ((uint64_t)len > ECAP_AEAD_MAX_LEN) {
		explicit_bzero(buf, len);
		return -1;
	}
	switch (ctx->alg) {
	case ECAP_AEAD_AES256GCM:
		gcm_start(&gc, ctx, nonce, aad, aadlen);
		if (len > 0)
			br_gcm_run(&gc, 0, buf, len);
		ok = br_gcm_check_tag(&gc, tag) == 1;
		explicit_bzero(&gc, sizeof gc);
		break;
	case ECAP_AEAD_CHACHA20POLY1305:
		ctx->u.cp.poly(ctx->u.cp.key, nonce, len ? buf : want, len,
		    aadlen ? aad : want, aadlen, want, ctx->u.cp.chacha, 0);
		ok = ct_equal(want, tag, ECAP_AEAD_TAG_LEN);
		explicit_bzero(want, sizeof want);
		break;
	}
	if (!ok) {
		if (len > 0)
			explicit_bzero(buf, len);
		return -1;
	}
	return 0;
}

void
ecap_aead_wipe(struct ecap_aead *ctx)
{
	explicit_bzero(ctx, sizeof *ctx);
}

void
ecap_stream_nonce(unsigned char nonce[ECAP_AEAD_NONCE_LEN], uint64_t counter, int last)
{
	int k;

	memset(nonce, 0, ECAP_AEAD_NONCE_LEN);
	for (k = 10; k >= 3; k--) {
		nonce[k] = (unsigned char)counter;
		counter >>= 8;
	}
	nonce[11] = last ? 0x01 : 0x00;
}
