/*
 * wasm.cc - lib/wasm.h over wabt's C++ library (libwabt.a): the one C++ file
 * in libecap.  Everything C++ stays in here: no exception leaves it (a
 * std::bad_alloc becomes "out of memory"), and what it hands back is plain
 * malloc'd C.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <memory>
#include <new>
#include <string>

#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/ir.h"
#include "wabt/validator.h"

#include "wasm.h"

namespace {

/* Copy a reason into why (if any room), cutting it at the first newline. */
void
say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void
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

/* The first error wabt reported, with its byte offset, into why. */
void
say_error(char *why, size_t whylen, const wabt::Errors &errors, const char *what)
{
	for (const wabt::Error &e : errors) {
		if (e.error_level != wabt::ErrorLevel::Error)
			continue;
		say(why, whylen, "offset %zu: %s", e.loc.offset, e.message.c_str());
		return;
	}
	say(why, whylen, "%s", what);	/* wabt said no but gave no message */
}

/* A malloc'd copy of a wasm name, or nullptr if it holds a NUL byte or memory ran out. */
char *
cstr(const std::string &s, bool *nul)
{
	char *p;

	if (s.find('\0') != std::string::npos) {
		*nul = true;
		return nullptr;
	}
	if ((p = static_cast<char *>(malloc(s.size() + 1))) == nullptr)
		return nullptr;
	memcpy(p, s.data(), s.size());
	p[s.size()] = '\0';
	return p;
}

/* The spec's name of an external kind (Core Spec §2.5.10), which fits kind[8]. */
void
kind(char out[8], wabt::ExternalKind k)
{
	const char *s = "?";

	switch (k) {
	case wabt::ExternalKind::Func:	 s = "func"; break;
	case wabt::ExternalKind::Table:	 s = "table"; break;
	case wabt::ExternalKind::Memory: s = "memory"; break;
	case wabt::ExternalKind::Global: s = "global"; break;
	case wabt::ExternalKind::Tag:	 s = "tag"; break;
	}
	memcpy(out, s, strlen(s) + 1);
}

/* ecap_wasm_inspect() proper; may throw std::bad_alloc. */
int
inspect(const void *buf, size_t len, struct ecap_wasm_info *info, char *why, size_t whylen)
{
	wabt::Features features;	/* wabt 1.0.32's defaults: see wasm.h */
	wabt::ReadBinaryOptions options(features, nullptr, false, true, true);
	wabt::Errors errors;
	wabt::Module module;
	bool nul = false;

	if (wabt::Failed(wabt::ReadBinaryIr("", buf, len, options, &errors, &module))) {
		say_error(why, whylen, errors, "malformed module");
		return -1;
	}
	wabt::ValidateOptions voptions(features);
	if (wabt::Failed(wabt::ValidateModule(&module, &errors, voptions))) {
		say_error(why, whylen, errors, "invalid module");
		return -1;
	}

	if (!module.imports.empty()) {
		info->imports = static_cast<struct ecap_wasm_import *>(
		    calloc(module.imports.size(), sizeof *info->imports));
		if (info->imports == nullptr)
			throw std::bad_alloc();
	}
	for (const wabt::Import *im : module.imports) {
		struct ecap_wasm_import *o = &info->imports[info->nimports++];

		o->module = cstr(im->module_name, &nul);
		o->name = cstr(im->field_name, &nul);
		if (nul) {
			say(why, whylen, "import %zu: a name holds a NUL byte", info->nimports - 1);
			return -1;
		}
		if (o->module == nullptr || o->name == nullptr)
			throw std::bad_alloc();
		kind(o->kind, im->kind());
	}

	if (!module.exports.empty()) {
		info->exports = static_cast<struct ecap_wasm_export *>(
		    calloc(module.exports.size(), sizeof *info->exports));
		if (info->exports == nullptr)
			throw std::bad_alloc();
	}
	for (const wabt::Export *ex : module.exports) {
		struct ecap_wasm_export *o = &info->exports[info->nexports++];

		o->name = cstr(ex->name, &nul);
		if (nul) {
			say(why, whylen, "export %zu: its name holds a NUL byte", info->nexports - 1);
			return -1;
		}
		if (o->name == nullptr)
			throw std::bad_alloc();
		kind(o->kind, ex->kind);
	}

	info->nfuncs = module.funcs.size() - module.num_func_imports;

	/* Without multi-memory there is at most one; imported ones come first. */
	if (!module.memories.empty()) {
		const wabt::Limits &l = module.memories[0]->page_limits;

		info->has_memory = 1;
		info->memory_imported = module.num_memory_imports > 0;
		info->memory_min_pages = static_cast<uint32_t>(l.initial);
		info->has_memory_max = l.has_max;
		info->memory_max_pages = l.has_max ? static_cast<uint32_t>(l.max) : 0;
	}

	if (!module.starts.empty() && module.starts[0]->is_index()) {
		info->has_start = 1;
		info->start_func = module.starts[0]->index();
	}
	return 0;
}

}  // namespace

extern "C" int
ecap_wasm_is_module(const void *buf, size_t len)
{
	static const unsigned char preamble[8] = { 0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00 };

	return len >= sizeof preamble && memcmp(buf, preamble, sizeof preamble) == 0;
}

extern "C" int
ecap_wasm_inspect(const void *buf, size_t len, struct ecap_wasm_info *info, char *why,
    size_t whylen)
{
	const unsigned char *p = static_cast<const unsigned char *>(buf);
	int rc;

	memset(info, 0, sizeof *info);
	if (why != nullptr && whylen > 0)
		why[0] = '\0';
	/* wabt would say "bad magic value"; say what the payload is not. */
	if (len < 4 || memcmp(p, "\0asm", 4) != 0) {
		say(why, whylen, "offset 0: not a WebAssembly module (no \\0asm magic)");
		return -1;
	}
	if (len >= 8 && !ecap_wasm_is_module(buf, len)) {
		say(why, whylen, "offset 4: unsupported binary format version 0x%02x%02x%02x%02x "
		    "(expected 1; a component or a pre-1.0 module?)", p[7], p[6], p[5], p[4]);
		return -1;
	}
	try {
		rc = inspect(buf, len, info, why, whylen);
	} catch (const std::bad_alloc &) {
		say(why, whylen, "out of memory");
		rc = -1;
	} catch (...) {
		say(why, whylen, "wabt failed unexpectedly");
		rc = -1;
	}
	if (rc == -1)
		ecap_wasm_info_free(info);
	return rc;
}

extern "C" void
ecap_wasm_info_free(struct ecap_wasm_info *info)
{
	size_t k;

	if (info == nullptr)
		return;
	for (k = 0; k < info->nimports; k++) {
		free(info->imports[k].module);
		free(info->imports[k].name);
	}
	for (k = 0; k < info->nexports; k++)
		free(info->exports[k].name);
	free(info->imports);
	free(info->exports);
	memset(info, 0, sizeof *info);
}
