/* random: prints 16 bytes of getentropy (random_get) as 32 lowercase hex digits and
 * a newline; exits 0, or 1 with "random: ENAME" when the call fails. */
#include <errno.h>
#include <unistd.h>
#include "errname.h"

int
main(void)
{
	unsigned char b[16];
	size_t i;

	if (getentropy(b, sizeof b) < 0) {
		fprintf(stderr, "random: %s\n", errname(errno));
		return 1;
	}
	for (i = 0; i < sizeof b; i++)
		printf("%02x", b[i]);
	printf("\n");
	return 0;
}
