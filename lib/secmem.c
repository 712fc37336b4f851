#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "err.h"
#include "secmem.h"

void
ecap_secmem_harden(void)
{
	struct rlimit rl = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		ecap_err(ECAP_EXIT_ERR, "prctl(PR_SET_DUMPABLE)");
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		ecap_err(ECAP_EXIT_ERR, "setrlimit(RLIMIT_CORE)");
}

void *
ecap_secmem_alloc(size_t len)
{
	void *p;

	if (len == 0)
		len = 1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		ecap_err(ECAP_EXIT_ERR, "cannot allocate %zu bytes of locked memory", len);
	if (madvise(p, len, MADV_DONTDUMP) == -1)
		ecap_err(ECAP_EXIT_ERR, "madvise(MADV_DONTDUMP)");
	if (mlock(p, len) == -1)
		ecap_err(ECAP_EXIT_ERR, "cannot lock %zu bytes in memory (ulimit -l)", len);
	return p;
}

void
ecap_secmem_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	if (len == 0)
		len = 1;
	explicit_bzero(p, len);
	munlock(p, len);
	munmap(p, len);
}
