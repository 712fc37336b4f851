/* env: prints the environment (environ_sizes_get, environ_get), one NAME=VALUE a
 * line, in the order the runtime gave it; exits 0.  Nothing else: an empty
 * environment prints nothing.  Sort the output to compare across runtimes. */
#include <stdio.h>

extern char **environ;

int
main(void)
{
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		printf("%s\n", *e);
	return fflush(stdout) == 0 ? 0 : 1;
}
