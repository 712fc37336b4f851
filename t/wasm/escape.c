/*
 * escape DIR [RODIR]: tries to reach outside the preopened directory DIR (its guest
 * path, e.g. /data) and to write in the read-only preopen RODIR, printing the errno
 * name each attempt ended with; every one should fail.  Exits with the number of
 * attempts that succeeded (0: all refused; 2 also on a usage error, with a usage
 * line).  The caller sets up, on the host: DIR's parent holding a file "outside",
 * and in DIR a symlink "link" to ../outside; RODIR holding a file input.txt.
 *
 * The relative paths go through openat() on a descriptor of DIR, which wasi-libc
 * passes to path_open as they are, so that the runtime, not libc, must refuse them;
 * "open /etc/passwd" (plain open) is refused by wasi-libc itself when no preopen
 * holds it, "openat /etc/passwd" by the runtime.  The symlinks the program makes
 * itself (symlink-rel, symlink-abs; their creation may be allowed: only following
 * them is an escape) are removed again, and so is sub/.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

static int escapes;

/* try: one line "what: ENAME", or "what: OPENED (escape)" and a count. */
static void
try(const char *what, int fd)
{
	if (fd < 0) {
		printf("%s: %s\n", what, errname(errno));
		return;
	}
	printf("%s: OPENED (escape)\n", what);
	escapes++;
	close(fd);
}

/* info: a step that may succeed, not counted. */
static void
info(const char *what, int ret)
{
	printf("%s: %s\n", what, errname(ret < 0 ? errno : 0));
}

int
main(int argc, char **argv)
{
	char buf[4096];
	int d, r;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: escape DIR [RODIR]\n");
		return 2;
	}
	if ((d = open(argv[1], O_RDONLY | O_DIRECTORY)) < 0) {
		fprintf(stderr, "escape: %s: %s\n", argv[1], errname(errno));
		return 2;
	}
	snprintf(buf, sizeof buf, "%s/../outside", argv[1]);
	try("open DIR/../outside", open(buf, O_RDONLY));
	try("openat ../outside", openat(d, "../outside", O_RDONLY));
	try("openat ..", openat(d, "..", O_RDONLY | O_DIRECTORY));
	try("open /etc/passwd", open("/etc/passwd", O_RDONLY));
	try("openat /etc/passwd", openat(d, "/etc/passwd", O_RDONLY));
	try("openat link (-> ../outside)", openat(d, "link", O_RDONLY));
	info("symlinkat ../outside symlink-rel", symlinkat("../outside", d, "symlink-rel"));
	try("openat symlink-rel", openat(d, "symlink-rel", O_RDONLY));
	info("unlinkat symlink-rel", unlinkat(d, "symlink-rel", 0));
	info("symlinkat /etc/passwd symlink-abs", symlinkat("/etc/passwd", d, "symlink-abs"));
	try("openat symlink-abs", openat(d, "symlink-abs", O_RDONLY));
	info("unlinkat symlink-abs", unlinkat(d, "symlink-abs", 0));
	info("mkdirat sub", mkdirat(d, "sub", 0755));
	try("openat sub/../../outside", openat(d, "sub/../../outside", O_RDONLY));
	info("unlinkat sub", unlinkat(d, "sub", AT_REMOVEDIR));
	try("openat ../escaped (create)", openat(d, "../escaped", O_WRONLY | O_CREAT, 0644));
	try("openat /tmp/escaped (create)", openat(d, "/tmp/escaped", O_WRONLY | O_CREAT, 0644));
	close(d);
	if (argc == 3) {
		snprintf(buf, sizeof buf, "%s/new.txt", argv[2]);
		r = open(buf, O_WRONLY | O_CREAT | O_EXCL, 0644);
		try("open RODIR/new.txt (create)", r);
		if (r >= 0)
			unlink(buf);
		snprintf(buf, sizeof buf, "%s/input.txt", argv[2]);
		try("open RODIR/input.txt (write)", open(buf, O_WRONLY | O_APPEND));
		snprintf(buf, sizeof buf, "%s/sub", argv[2]);
		r = mkdir(buf, 0755);
		try("mkdir RODIR/sub", r < 0 ? -1 : open(buf, O_RDONLY | O_DIRECTORY));
		if (r == 0)
			rmdir(buf);
	}
	printf("escapes: %d\n", escapes);
	return escapes;
}
