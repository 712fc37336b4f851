/* args: prints argc and each argument, one a line, as the runtime passed them
 * (args_sizes_get, args_get); exits 0.
 *   argc=3
 *   argv[0]=c-args.wasm
 *   argv[1]=a b
 *   argv[2]=
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	int i;

	printf("argc=%d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	return fflush(stdout) == 0 ? 0 : 1;
}
