#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "hex.h"
#include "json.h"
#include "xio.h"

void
ecap_json_print(json_t *obj)
{
	if (obj == NULL || json_dumpf(obj, stdout, JSON_COMPACT | JSON_SORT_KEYS) == -1 ||
	    putchar('\n') == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	json_decref(obj);
}

json_t *
ecap_json_hex(const unsigned char *bin, size_t len)
{
	char *text = ecap_xmalloc(2 * len + 1);
	json_t *s;

	ecap_hex_encode(text, bin, len);
	s = json_string(text);
	free(text);
	if (s == NULL)
		ecap_errx(ECAP_EXIT_ERR, "out of memory");
	return s;
}
