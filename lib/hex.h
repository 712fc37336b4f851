/*
 * hex.h - base16 (RFC 4648 §8) text of binary strings, over Nettle.
 */
#ifndef ECAP_HEX_H
#define ECAP_HEX_H

#include <stddef.h>

/* Write the 2*len lower-case hex digits of len bytes at bin, and a NUL, to out (2*len+1 bytes). */
void ecap_hex_encode(char *out, const unsigned char *bin, size_t len);

/*
 * Decode exactly 2*len hex digits (either case) of the NUL-terminated text
 * into len bytes at out.  Returns 0, or -1 when text is longer or shorter
 * than 2*len characters or holds anything but hex digits (out is then
 * unspecified).
 */
int ecap_hex_decode(unsigned char *out, size_t len, const char *text);

#endif
