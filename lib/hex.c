#include <ctype.h>
#include <string.h>
#include <nettle/base16.h>

#include "hex.h"

void
ecap_hex_encode(char *out, const unsigned char *bin, size_t len)
{
	base16_encode_update(out, len, bin);
	out[2 * len] = '\0';
}

int
ecap_hex_decode(unsigned char *out, size_t len, const char *text)
{
	struct base16_decode_ctx ctx;
	size_t i, n = len;

	/* Nettle skips white space; we want exact-length digits only. */
	if (strlen(text) != 2 * len)
		return -1;
	for (i = 0; i < 2 * len; i++)
		if (!isxdigit((unsigned char)text[i]))
			return -1;
	base16_decode_init(&ctx);
	if (!base16_decode_update(&ctx, &n, out, 2 * len, text) || n != len ||
	    !base16_decode_final(&ctx))
		return -1;
	return 0;
}
