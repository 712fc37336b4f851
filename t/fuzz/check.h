/*
 * check.h - the invariants of the fuzz targets: CHECK(c) aborts, naming the
 * target's source file and line, when c does not hold, so libFuzzer keeps the
 * input as a crash.
 */
#ifndef ECAP_FUZZ_CHECK_H
#define ECAP_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

/* A library's reason for refusing an input: not empty, and one line. */
static inline void
check_why(const char *why)
{
	CHECK(why[0] != '\0');
	CHECK(strchr(why, '\n') == NULL);
}

#endif
