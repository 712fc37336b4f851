/*
 * wasm.h - recognise, parse and validate WebAssembly modules in the binary
 * format, and report what a sealer records and a sandbox checks: imports,
 * exports, memory limits, the start function.
 *
 * The standard is the WebAssembly Core Specification, binary format
 * (https://webassembly.github.io/spec/core/binary/): version 1.0 (2019), plus
 * the 2.0 proposals wabt 1.0.32 enables by default (mutable globals,
 * saturating float-to-int, sign extension, multi-value, bulk memory,
 * reference types, SIMD), which cover what clang --target=wasm32-wasi emits.
 * Threads, exceptions (tags), tail calls, memory64, multi-memory and GC are
 * refused, as wasm-validate refuses them without its --enable-* flags.
 *
 * Parsing and validation are wabt's (ReadBinaryIr, ValidateModule), wrapped
 * in lib/wasm.cc; nothing C++ shows in this header, and no C++ exception
 * crosses it.  The functions keep no state between calls.
 */
#ifndef ECAP_WASM_H
#define ECAP_WASM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The media type recorded for a WebAssembly payload (IANA, Core Spec 2.0 Appendix). */
#define ECAP_WASM_CONTENT_TYPE	"application/wasm"

/* The unit of memory limits: one page is 64 KiB (Core Spec §2.3.8, §4.2.8). */
#define ECAP_WASM_PAGE_SIZE	65536

/*
 * 1 if the len bytes at buf begin with the preamble of a module (Core Spec
 * §5.5.16): the magic "\0asm" and version 1 as a 4-byte little-endian
 * integer, the 8 bytes 00 61 73 6d 01 00 00 00; 0 otherwise (shorter than
 * 8 bytes, another magic, or another version such as a component's).  Reads
 * no more than those 8 bytes: it says what a payload claims to be, not that
 * it is valid.
 */
int ecap_wasm_is_module(const void *buf, size_t len);

/* One import (Core Spec §2.5.11, §5.5.5), in the order of the import section. */
struct ecap_wasm_import {
	char *module;		/* the module name, e.g. "wasi_snapshot_preview1" */
	char *name;		/* the item's name, e.g. "fd_write" */
	char kind[8];		/* "func", "table", "memory", "global" or "tag" */
};				/* ("tag" needs exceptions, which are refused: never yet) */

/* One export (Core Spec §2.5.10, §5.5.10), in the order of the export section. */
struct ecap_wasm_export {
	char *name;		/* e.g. "_start", "memory" */
	char kind[8];		/* "func", "table", "memory", "global" or "tag" */
};

/*
 * What ecap_wasm_inspect() found.  Names are NUL-terminated UTF-8 (the
 * binary format requires valid UTF-8; wabt checks it), allocated with
 * malloc and released by ecap_wasm_info_free().  Counts are numbers of
 * entries; memory limits are in pages of ECAP_WASM_PAGE_SIZE bytes, at most
 * 65536 each (4 GiB) in a valid 32-bit memory (Core Spec §3.2.4).
 */
struct ecap_wasm_info {
	size_t nimports;
	struct ecap_wasm_import *imports;	/* nimports entries; NULL when none */
	size_t nexports;
	struct ecap_wasm_export *exports;	/* nexports entries; NULL when none */

	size_t nfuncs;		/* functions the module defines (imports not counted) */

	int has_memory;		/* 1 if the module defines or imports a memory */
	int memory_imported;	/* 1 if that memory is imported rather than defined */
	uint32_t memory_min_pages;	/* its initial size; 0 without a memory */
	int has_memory_max;	/* 1 if it declares a maximum */
	uint32_t memory_max_pages;	/* that maximum; 0 when has_memory_max is 0 */

	int has_start;		/* 1 if there is a start section (Core Spec §2.5.9) */
	uint32_t start_func;	/* its function index (imported functions first) */
};

/*
 * Parse the len bytes at buf as a module in the binary format and validate
 * it (Core Spec §5 and §3), then fill *info (which need not be initialised).
 * A module is refused when it does not begin with the preamble, when it does
 * not decode (truncated, malformed, unknown section or opcode, a feature not
 * enabled), or when it does not validate (type mismatch, bad index, ...).
 * Custom sections other than the ones wabt reads are skipped, not checked.
 * A module whose import or export names contain a NUL byte (valid UTF-8,
 * but not a C string) is refused too, since it could not be recorded whole.
 *
 * Returns 0 on success.  Returns -1 when the module is refused or memory ran
 * out; then *info holds nothing (all zero; freeing it is harmless), and
 * unless why is NULL a one-line reason, truncated to whylen bytes including
 * its NUL, is in why: wabt's first error and the byte offset it names,
 * counted from the start of buf, as
 *   "offset 38: type mismatch in i32.add, expected [i32, i32] but got [i32, i64]"
 * 256 bytes hold any reason whole but for very long names quoted in it.
 */
int ecap_wasm_inspect(const void *buf, size_t len, struct ecap_wasm_info *info,
    char *why, size_t whylen);

/* Release what ecap_wasm_inspect() allocated in *info and zero it; NULL is allowed. */
void ecap_wasm_info_free(struct ecap_wasm_info *info);

#ifdef __cplusplus
}
#endif

#endif
