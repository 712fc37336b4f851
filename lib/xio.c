#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "xio.h"

void *
ecap_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		ecap_errx(ECAP_EXIT_ERR, "out of memory (%zu bytes)", n);
	return p;
}

void *
ecap_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		ecap_errx(ECAP_EXIT_ERR, "out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *
ecap_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		ecap_errx(ECAP_EXIT_ERR, "out of memory (%zu bytes)", n);
	return p;
}

char *
ecap_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ecap_xmalloc(n), s, n);
}

const char *
ecap_displayname(const char *path, int writing)
{
	if (strcmp(path, "-") == 0)
		return writing ? "stdout" : "stdin";
	return path;
}

int
ecap_xopen(const char *path, int flags)
{
	struct stat st;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = (flags & O_ACCMODE) == O_RDONLY ? STDIN_FILENO : STDOUT_FILENO;
	else if ((fd = open(path, flags | O_CLOEXEC, 0666)) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	if (fstat(fd, &st) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", ecap_displayname(path, flags & O_ACCMODE));
	if (S_ISDIR(st.st_mode))
		ecap_errx(ECAP_EXIT_ERR, "%s: is a directory", path);
	return fd;
}

size_t
ecap_readall(int fd, void *buf, size_t len, const char *name)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ecap_err(ECAP_EXIT_ERR, "%s: read", name);
		}
		got += n;
	}
	return got;
}

char *
ecap_xreadfile(const char *path, size_t *lenp)
{
	int fd = ecap_xopen(path, O_RDONLY);
	const char *name = ecap_displayname(path, 0);
	char *text = NULL;
	size_t len = 0, got;

	do {
		text = ecap_xrealloc(text, len + 65536 + 1);
		got = ecap_readall(fd, text + len, 65536, name);
		len += got;
	} while (got == 65536);
	text[len] = '\0';
	if (fd != 0)
		close(fd);
	*lenp = len;
	return text;
}

void
ecap_writeall(int fd, const void *buf, size_t len, const char *name)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ecap_err(ECAP_EXIT_ERR, "%s: write", name);
		}
		p += n;
		len -= n;
	}
}

static void
unlink_tmp(void *arg)
{
	unlink(arg);
}

static char *
dirof(const char *path)
{
	char *copy = ecap_xstrdup(path);
	char *dir = ecap_xstrdup(dirname(copy));

	free(copy);
	return dir;
}

void
ecap_out_open(struct ecap_out *o, const char *path)
{
	struct stat st;
	char *dir;
	mode_t mask;

	o->path = path;
	o->tmp = NULL;
	o->atdie = -1;
	o->direct = 0;
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		return;
	}
	/* A device or a pipe (/dev/null, a FIFO) is written as it is, never replaced. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			ecap_errx(ECAP_EXIT_ERR, "%s: is a directory", path);
		o->fd = ecap_xopen(path, O_WRONLY);
		o->direct = 1;
		return;
	}
	dir = dirof(path);
	o->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (o->fd == -1 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		/* No O_TMPFILE here: a named temporary, removed if we die. */
		size_t n = strlen(path) + sizeof(".XXXXXX");

		o->tmp = ecap_xmalloc(n);
		snprintf(o->tmp, n, "%s.XXXXXX", path);
		o->fd = mkostemp(o->tmp, O_CLOEXEC);
		if (o->fd != -1) {
			o->atdie = ecap_atdie(unlink_tmp, o->tmp);
			mask = umask(0);
			umask(mask);
			fchmod(o->fd, 0666 & ~mask);
		}
	}
	if (o->fd == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: cannot create output in %s", path, dir);
	free(dir);
}

void
ecap_out_commit(struct ecap_out *o)
{
	char *dir;
	int dfd;

	if (strcmp(o->path, "-") == 0)
		return;
	if (o->direct) {
		if (close(o->fd) == -1)
			ecap_err(ECAP_EXIT_ERR, "%s: close", o->path);
		o->fd = -1;
		return;
	}
	if (fsync(o->fd) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: fsync", o->path);
	if (o->tmp == NULL) {
		/* Give the unnamed file a temporary name, then rename it over path. */
		char proc[64], tmp[4096];
		int i;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
		for (i = 0;; i++) {
			snprintf(tmp, sizeof(tmp), "%s.%ld.%d.tmp", o->path, (long)getpid(), i);
			if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
				break;
			if (errno != EEXIST || i > 100)
				ecap_err(ECAP_EXIT_ERR, "%s: link temporary file", o->path);
		}
		o->tmp = ecap_xstrdup(tmp);
		o->atdie = ecap_atdie(unlink_tmp, o->tmp);
	}
	if (rename(o->tmp, o->path) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: rename", o->path);
	ecap_atdie_cancel(o->atdie);
	free(o->tmp);
	o->tmp = NULL;
	if (close(o->fd) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s: close", o->path);
	o->fd = -1;
	dir = dirof(o->path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}
