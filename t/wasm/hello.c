/* hello: prints "hello, world" and exits 0.  Kept tiny (one write, no stdio): the
 * startup benchmark runs it, so what it measures is the runtime, not printf. */
#include <unistd.h>

int
main(void)
{
	static const char msg[] = "hello, world\n";

	return write(1, msg, sizeof msg - 1) == sizeof msg - 1 ? 0 : 1;
}
