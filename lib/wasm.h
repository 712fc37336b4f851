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
 * It also rewrites a module so that it meters itself (ecap_wasm_meter): a
 * fuel counter and a memory cap carried in the module's own code, so that
 * every engine that runs the rewritten module uses the same fuel.
 *
 * Parsing, validation and writing are wabt's (ReadBinaryIr, ValidateModule,
 * WriteBinaryModule), wrapped in lib/wasm.cc; nothing C++ shows in this
 * header, and no C++ exception crosses it.  The functions keep no state
 * between calls.
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

/*
 * The deepest nesting of blocks, loops and ifs in a function that
 * ecap_wasm_meter() takes: wabt's writer recurses once per level (a
 * module of 100000 levels overflows an 8 MiB stack).  clang nests one
 * block per case of a switch; 16384 levels take under 3 MiB of stack.
 */
#define ECAP_WASM_METER_MAX_DEPTH	16384

/* What ecap_wasm_meter() is to add; see there. */
struct ecap_wasm_meter_opts {
	int64_t fuel;		/* initial fuel, >= 0, in the units of the cost model */
	uint32_t max_pages;	/* cap on the memory's maximum, in pages of 64 KiB; 0: no cap */
	const char *export_fuel;	/* if not NULL, also export the fuel global under */
};					/* this name (NUL-terminated UTF-8), for tests */

/*
 * Parse and validate the len bytes at buf as ecap_wasm_inspect() does, then
 * rewrite the module to meter itself, deterministically, as gas metering in
 * blockchain runtimes does (instrumentation, not an engine's own counter):
 *
 * Fuel.  A new mutable i64 global is appended, initialised to o->fuel; its
 * index, in the global index space (imported globals first), goes to
 * *fuel_global.  Every instruction list that executes (a function body, the
 * body of a block or loop, each arm of an if, an empty else arm included)
 * starts by charging its cost, then traps if the fuel went below zero:
 *   global.get F  i64.const COST  i64.sub  global.set F
 *   global.get F  i64.const 0  i64.lt_s  if  unreachable  end
 * Cost model: a list costs the number of instructions directly in it, a
 * nested block, loop or if counting as one (its own lists pay for what they
 * hold), and at least 1; it is charged in full on entry, even when a branch
 * leaves it early, and a loop's body again on each iteration.  The fuel
 * used depends only on the path the code takes, never on the engine:
 * o->fuel minus the global's final value.  Running out shows as a trap at
 * an unreachable with the global negative; a trap with it >= 0 is the
 * guest's own.  Constant expressions (global initialisers, segment
 * offsets) are not metered: they run once, at instantiation.
 *
 * Memory.  If o->max_pages is not 0 and the module defines a memory, its
 * maximum becomes the smaller of the declared one (if any) and
 * o->max_pages, so that memory.grow beyond it returns -1 in any engine
 * (Core Spec §4.4.7, memory.grow); a cap above 65536 pages (4 GiB) caps
 * nothing.  A module whose initial size exceeds the cap is refused; so,
 * with a cap, is one
 * that imports its memory (its size is the host's to set, not the
 * module's).  Without a memory, or with o->max_pages 0, memory is as it was.
 *
 * Everything else is kept: function, global and other indices (the new
 * global comes last), imports, exports, the start function, element and
 * data segments.  Custom sections, the name section among them, are
 * dropped.  The result is checked: it is read back and validated.  A
 * function whose blocks nest deeper than ECAP_WASM_METER_MAX_DEPTH is
 * refused.
 *
 * o, out, outlen and fuel_global must not be NULL.  Returns 0 with a new
 * binary module, allocated with malloc, of *outlen bytes at *out, and the
 * fuel global's index in *fuel_global.  Returns -1 when the module is
 * refused or memory ran out, with *out NULL and *outlen 0, and unless why
 * is NULL a one-line reason in why (truncated to whylen bytes including its
 * NUL) as for ecap_wasm_inspect(), or one of:
 *   "fuel -1 is negative"
 *   "imported memory is not supported"
 *   "memory needs 5 pages, over the limit of 4"
 *   "export name \"fuel\" is already taken"
 *   "export name is not valid UTF-8"
 *   "function 3: blocks nested deeper than 16384"
 */
int ecap_wasm_meter(const void *buf, size_t len, const struct ecap_wasm_meter_opts *o,
    void **out, size_t *outlen, uint32_t *fuel_global, char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif
