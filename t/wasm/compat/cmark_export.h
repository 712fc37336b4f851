/*
 * cmark_export.h: what CMake's GenerateExportHeader writes for cmark built as a
 * static library (CMARK_STATIC_DEFINE): no export or visibility attributes.  cmark's
 * two other generated headers, config.h and cmark_version.h, are made from their
 * .in files by mk/wasm.mk.  Used by both the wasm and the native build.
 */
#ifndef CMARK_EXPORT_H
#define CMARK_EXPORT_H
#define CMARK_EXPORT
#define CMARK_NO_EXPORT
#define CMARK_DEPRECATED __attribute__((__deprecated__))
#define CMARK_DEPRECATED_EXPORT CMARK_EXPORT CMARK_DEPRECATED
#define CMARK_DEPRECATED_NO_EXPORT CMARK_NO_EXPORT CMARK_DEPRECATED
#endif
