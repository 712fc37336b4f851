/*
 * json.h - printing records as JSON Lines (one compact JSON object a line,
 * keys sorted) through jansson, for every program's --json output.
 */
#ifndef ECAP_JSON_H
#define ECAP_JSON_H

#include <jansson.h>

/* Print obj as one line on stdout and release it; ends the program if stdout fails. */
void ecap_json_print(json_t *obj);

/* A new JSON string of the 2*len lower-case hex digits of len bytes at bin. */
json_t *ecap_json_hex(const unsigned char *bin, size_t len);

#endif
