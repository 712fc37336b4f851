/*
 * parse.h - strict parsing of numbers and sizes given on command lines, and
 * of files of hashes.  Each returns 0, or -1 for text that is not exactly
 * what it expects (no sign, no spaces, no trailing characters, no overflow).
 */
#ifndef ECAP_PARSE_H
#define ECAP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* A decimal unsigned 64-bit number: "0" to "18446744073709551615". */
int ecap_parse_u64(const char *s, uint64_t *out);

/*
 * A size in bytes: decimal digits with an optional binary suffix, K (KiB),
 * M (MiB) or G (GiB); "65536", "64K", "16M".
 */
int ecap_parse_size(const char *s, uint64_t *out);

/*
 * In len bytes of metadata lines "key=value\n" (the text of an exec/1 META
 * frame, ecap-open(1)), the value of the first line whose key is key and,
 * unless want is NULL, whose value is want: a pointer to it, not
 * NUL-terminated, with its length in *vlen; NULL when there is none.
 */
const char *ecap_meta_find(const char *text, size_t len, const char *key, const char *want,
    size_t *vlen);

/* A -j thread count, 1 to 64; ends the program (exit 2) naming -j otherwise. */
unsigned ecap_xparse_threads(const char *s);

/*
 * Read a list of 32-byte hashes written as 64 hex digits one a line (as
 * merkle(1) prints proofs) from fd, at most max of them, into out.  Empty
 * input is an empty list.  Returns the number read, or ends the program
 * (exit 2) with "NAME: FILE: line N: ..." for a line that is not a hash, or
 * when there are more than max.  name is for messages.
 */
size_t ecap_read_hashes(int fd, const char *name, unsigned char (*out)[32], size_t max);

#endif
