/* kdf.c - HMAC-SHA256 and HKDF-SHA256 over BearSSL (see kdf.h). */
#include <string.h>

#include <bearssl.h>

#include "kdf.h"

void
ecap_hmac_sha256_init(struct ecap_hmac_sha256 *c, const void *key, size_t keylen)
{
	br_hmac_key_context kc;

	br_hmac_key_init(&kc, &br_sha256_vtable, keylen ? key : "", keylen);
	br_hmac_init(&c->hc, &kc, 0);
	explicit_bzero(&kc, sizeof kc);
}

void
ecap_hmac_sha256_update(struct ecap_hmac_sha256 *c, const void *data, size_t len)
{
	if (len > 0)
		br_hmac_update(&c->hc, data, len);
}

void
ecap_hmac_sha256_final(struct ecap_hmac_sha256 *c, unsigned char out[ECAP_HMAC_SHA256_LEN])
{
	br_hmac_out(&c->hc, out);
	explicit_bzero(c, sizeof *c);
}

void
ecap_hmac_sha256(unsigned char out[ECAP_HMAC_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t len)
{
	struct ecap_hmac_sha256 c;

	ecap_hmac_sha256_init(&c, key, keylen);
	ecap_hmac_sha256_update(&c, data, len);
	ecap_hmac_sha256_final(&c, out);
}

int
ecap_hkdf_sha256(unsigned char *out, size_t outlen, const void *ikm, size_t ikmlen,
    const void *salt, size_t saltlen, const void *info, size_t infolen)
{
	br_hkdf_context hc;
	size_t n;

	if (outlen > ECAP_HKDF_SHA256_MAX)
		return -1;
	if (salt == NULL)
		br_hkdf_init(&hc, &br_sha256_vtable, BR_HKDF_NO_SALT, 0);
	else
		br_hkdf_init(&hc, &br_sha256_vtable, saltlen ? salt : "", saltlen);
	if (ikmlen > 0)
		br_hkdf_inject(&hc, ikm, ikmlen);
	br_hkdf_flip(&hc);
	n = br_hkdf_produce(&hc, infolen ? info : "", infolen, out, outlen);
	explicit_bzero(&hc, sizeof hc);
	return n == outlen ? 0 : -1;
}
