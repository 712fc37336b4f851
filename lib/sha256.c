#include "sha256.h"

void
ecap_sha256_init(ecap_sha256_ctx *c)
{
	sha256_init(c);
}

void
ecap_sha256_update(ecap_sha256_ctx *c, const void *data, size_t len)
{
	sha256_update(c, len, data);
}

void
ecap_sha256_final(ecap_sha256_ctx *c, unsigned char out[ECAP_SHA256_LEN])
{
	sha256_digest(c, ECAP_SHA256_LEN, out);
}

void
ecap_sha256_peek(const ecap_sha256_ctx *c, unsigned char out[ECAP_SHA256_LEN])
{
	ecap_sha256_ctx copy = *c;

	sha256_digest(&copy, ECAP_SHA256_LEN, out);
}

void
ecap_sha256(unsigned char out[ECAP_SHA256_LEN], const void *data, size_t len)
{
	ecap_sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, ECAP_SHA256_LEN, out);
}
