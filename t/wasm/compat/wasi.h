/*
 * wasi.h: what real programs need and wasi-libc lacks, included first (-include) in
 * every real program's wasm build, never in the native one.  WASI preview 1 has no
 * file owners and no permission bits: fchmod and fchown succeed and do nothing
 * (bzip2 copies its input's mode and owner to its output with them).  Signals and
 * times() come from wasi-libc's own emulations (-D_WASI_EMULATED_SIGNAL and
 * -D_WASI_EMULATED_PROCESS_CLOCKS, -lwasi-emulated-signal and
 * -lwasi-emulated-process-clocks: mk/wasm.mk).
 */
#ifndef ECAP_WASI_COMPAT_H
#define ECAP_WASI_COMPAT_H
#include <sys/types.h>

int fchmod(int fd, mode_t mode);
int fchown(int fd, uid_t owner, gid_t group);
#endif
