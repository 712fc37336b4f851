/*
 * clock: reads CLOCK_REALTIME and CLOCK_MONOTONIC (clock_time_get) twice, a short
 * computation apart, and prints each reading in seconds.nanoseconds, then whether
 * each advanced.  Exits 0 when the monotonic clock did not go back and the real
 * time is after 2020-01-01, 1 otherwise (or when a read fails: "ENAME").
 *   realtime 1: 1747735200.123456789
 *   monotonic 1: 81234.000012345
 *   realtime 2: 1747735200.125456789
 *   monotonic 2: 81234.002012345
 *   realtime advanced: yes
 *   monotonic advanced: yes
 */
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include "errname.h"

static int
readclock(clockid_t id, const char *name, int n, int64_t *ns)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) < 0) {
		printf("%s %d: %s\n", name, n, errname(errno));
		return -1;
	}
	printf("%s %d: %lld.%09ld\n", name, n, (long long)ts.tv_sec, (long)ts.tv_nsec);
	*ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return 0;
}

int
main(void)
{
	int64_t r1, m1, r2, m2;
	volatile uint32_t x = 1;
	long i;

	if (readclock(CLOCK_REALTIME, "realtime", 1, &r1) < 0 ||
	    readclock(CLOCK_MONOTONIC, "monotonic", 1, &m1) < 0)
		return 1;
	for (i = 0; i < 5000000; i++)	/* a few milliseconds */
		x = x * 1103515245 + 12345;
	if (readclock(CLOCK_REALTIME, "realtime", 2, &r2) < 0 ||
	    readclock(CLOCK_MONOTONIC, "monotonic", 2, &m2) < 0)
		return 1;
	printf("realtime advanced: %s\n", r2 > r1 ? "yes" : "no");
	printf("monotonic advanced: %s\n", m2 > m1 ? "yes" : "no");
	return m2 >= m1 && r1 >= (int64_t)1577836800 * 1000000000 ? 0 : 1;
}
