/*
 * wabt.h - what lib/wasm.cc and lib/interp.cc, the two C++ files over
 * wabt's library, share: one-line reasons and the names of external kinds.
 * C++ only, and internal to libecap: no C file includes it.
 */
#ifndef ECAP_WABT_H
#define ECAP_WABT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wabt/common.h"
#include "wabt/error.h"

namespace ecap_wabt {

/* Copy a reason into why (if there is room), cut at its first newline. */
inline void say(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

inline void
say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == nullptr || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	why[strcspn(why, "\r\n")] = '\0';
}

/* The first error wabt reported, "offset N: message", after prefix; what when it gave none. */
inline void
say_error(char *why, size_t whylen, const wabt::Errors &errors, const char *what,
    const char *prefix = "")
{
	for (const wabt::Error &e : errors) {
		if (e.error_level != wabt::ErrorLevel::Error)
			continue;
		say(why, whylen, "%soffset %zu: %s", prefix, e.loc.offset, e.message.c_str());
		return;
	}
	say(why, whylen, "%s%s", prefix, what);
}

/* The spec's name of an external kind (Core Spec §2.5.10): at most 6 letters. */
inline const char *
kindname(wabt::ExternalKind k)
{
	switch (k) {
	case wabt::ExternalKind::Func:	 return "func";
	case wabt::ExternalKind::Table:	 return "table";
	case wabt::ExternalKind::Memory: return "memory";
	case wabt::ExternalKind::Global: return "global";
	case wabt::ExternalKind::Tag:	 return "tag";
	}
	return "?";
}

}  // namespace ecap_wabt

#endif
