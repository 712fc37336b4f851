/*
 * files DIR: the file system calls, in DIR (the guest path of a preopened
 * directory, e.g. /data), which holds a file input.txt and nothing else of the
 * following names.  Prints one line for each call and what it returned ("0" or an
 * errno name), leaves DIR as it found it, and exits 0 when every call returned
 * what it should, 1 when one did not (marked "UNEXPECTED, want ..."), 2 on a usage
 * error.  With DIR holding input.txt = "hello, files\n":
 *   read input.txt: 13 bytes: hello, files
 *   open missing.txt: ENOENT
 *   write new.txt: 19 bytes
 *   stat new.txt: file, 19 bytes
 *   stat .: directory
 *   mkdir sub: 0
 *   list: input.txt new.txt sub
 *   rename new.txt sub/moved.txt: 0
 *   stat new.txt: ENOENT
 *   stat sub/moved.txt: file, 19 bytes
 *   read sub/moved.txt: 19 bytes: written by c-files
 *   rmdir sub: ENOTEMPTY
 *   unlink sub/moved.txt: 0
 *   rmdir sub: 0
 *   list: input.txt
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errname.h"

static const char *dir;
static int unexpected;

/* path: DIR/name, in a static buffer. */
static const char *
path(const char *name)
{
	static char buf[4096];

	if (strcmp(name, ".") == 0)
		return dir;
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

/* result: ends the line of a call that returned ret (0 or -1 with errno), which
 * should have failed with want (0: should have succeeded). */
static void
result(int ret, int want)
{
	int got = ret < 0 ? errno : 0;

	printf("%s", errname(got));
	if (got != want) {
		printf(" UNEXPECTED, want %s", errname(want));
		unexpected++;
	}
	printf("\n");
}

static void
readfile(const char *name)
{
	char buf[256];
	ssize_t n;
	int fd;

	printf("read %s: ", name);
	if ((fd = open(path(name), O_RDONLY)) < 0 ||
	    (n = read(fd, buf, sizeof buf - 1)) < 0) {
		result(-1, 0);
		return;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("%zd bytes: %s\n", n, buf);
}

static void
writefile(const char *name, const char *text)
{
	ssize_t n;
	int fd;

	printf("write %s: ", name);
	if ((fd = open(path(name), O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0 ||
	    (n = write(fd, text, strlen(text))) < 0 || close(fd) < 0) {
		result(-1, 0);
		return;
	}
	printf("%zd bytes\n", n);
}

static void
statfile(const char *name, int want)
{
	struct stat st;

	printf("stat %s: ", name);
	if (stat(path(name), &st) < 0) {
		result(-1, want);
		return;
	}
	if (S_ISDIR(st.st_mode))
		printf("directory");
	else if (S_ISREG(st.st_mode))
		printf("file, %lld bytes", (long long)st.st_size);
	else
		printf("other (mode %o)", (unsigned)st.st_mode);
	printf("%s\n", want ? " UNEXPECTED" : "");
	unexpected += want != 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list(void)
{
	char *names[64];
	struct dirent *d;
	size_t i, n = 0;
	DIR *dp;

	printf("list:");
	if ((dp = opendir(dir)) == NULL) {
		printf(" ");
		result(-1, 0);
		return;
	}
	while ((d = readdir(dp)) != NULL && n < 64)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			names[n++] = strdup(d->d_name);
	closedir(dp);
	qsort(names, n, sizeof names[0], cmpstr);
	for (i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int
main(int argc, char **argv)
{
	char to[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: files DIR\n");
		return 2;
	}
	dir = argv[1];
	readfile("input.txt");
	printf("open missing.txt: ");
	result(open(path("missing.txt"), O_RDONLY), ENOENT);
	writefile("new.txt", "written by c-files\n");
	statfile("new.txt", 0);
	statfile(".", 0);
	printf("mkdir sub: ");
	result(mkdir(path("sub"), 0755), 0);
	list();
	printf("rename new.txt sub/moved.txt: ");
	snprintf(to, sizeof to, "%s", path("sub/moved.txt"));
	result(rename(path("new.txt"), to), 0);
	statfile("new.txt", ENOENT);
	statfile("sub/moved.txt", 0);
	readfile("sub/moved.txt");
	printf("rmdir sub: ");
	result(rmdir(path("sub")), ENOTEMPTY);
	printf("unlink sub/moved.txt: ");
	result(unlink(path("sub/moved.txt")), 0);
	printf("rmdir sub: ");
	result(rmdir(path("sub")), 0);
	list();
	return unexpected ? 1 : 0;
}
