#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "hex.h"
#include "parse.h"
#include "xio.h"

int
ecap_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

int
ecap_parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	char digits[32];
	uint64_t v;

	if (n == 0 || n >= sizeof(digits))
		return -1;
	switch (s[n - 1]) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	}
	if (shift)
		n--;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (ecap_parse_u64(digits, &v) < 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

unsigned
ecap_xparse_threads(const char *s)
{
	uint64_t v;

	if (ecap_parse_u64(s, &v) < 0 || v < 1 || v > 64)
		ecap_errx(ECAP_EXIT_ERR, "-j: not a thread count of 1 to 64: '%s'", s);
	return (unsigned)v;
}

size_t
ecap_read_hashes(int fd, const char *name, unsigned char (*out)[32], size_t max)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0, n = 0, lineno = 0;
	ssize_t len;
	int dfd;

	/* A duplicate, so that fclose leaves the caller's descriptor open. */
	if ((dfd = dup(fd)) == -1 || (f = fdopen(dfd, "r")) == NULL)
		ecap_err(ECAP_EXIT_ERR, "%s", name);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (n == max)
			ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: more than %zu hashes", name,
			    lineno, max);
		if (ecap_hex_decode(out[n], 32, line) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: not a 64-digit hex hash", name,
			    lineno);
		n++;
	}
	if (ferror(f))
		ecap_err(ECAP_EXIT_ERR, "%s: read", name);
	free(line);
	fclose(f);
	return n;
}

const char *
ecap_meta_find(const char *text, size_t len, const char *key, const char *want, size_t *vlen)
{
	const char *p = text, *end = text + len;
	size_t kl = strlen(key);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > kl && memcmp(p, key, kl) == 0 && p[kl] == '=' &&
		    (want == NULL || (n - kl - 1 == strlen(want) &&
		    memcmp(p + kl + 1, want, n - kl - 1) == 0))) {
			*vlen = n - kl - 1;
			return p + kl + 1;
		}
		p += n + 1;
	}
	return NULL;
}
