/*
 * xio.h - checked allocation and I/O that end the program on failure
 * (signify's x-wrappers), and atomic output files.
 *
 * Every function here either succeeds or calls ecap_err()/ecap_errx() with
 * status 2 and a message naming the file, so callers need no error checks.
 */
#ifndef ECAP_XIO_H
#define ECAP_XIO_H

#include <stddef.h>
#include <sys/types.h>

/* malloc/calloc/realloc/strdup that never return NULL ("out of memory" ends the program). */
void *ecap_xmalloc(size_t n);
void *ecap_xcalloc(size_t nmemb, size_t size);
void *ecap_xrealloc(void *p, size_t n);
char *ecap_xstrdup(const char *s);

/*
 * Open path with open(2) flags (mode 0666 before umask when creating).
 * "-" means standard input (O_RDONLY) or standard output (otherwise).
 * Refuses directories.  Returns the descriptor.
 */
int ecap_xopen(const char *path, int flags);

/* The name to use for path in messages: "stdin" or "stdout" for "-". */
const char *ecap_displayname(const char *path, int writing);

/*
 * Read up to len bytes from fd into buf, looping on short reads and EINTR,
 * until len bytes or end of file.  Returns the number of bytes read (less
 * than len only at end of file).  name is for messages.
 */
size_t ecap_readall(int fd, void *buf, size_t len, const char *name);

/*
 * The whole file at path ("-": standard input) in a new buffer, with a NUL
 * after its *len bytes.
 */
char *ecap_xreadfile(const char *path, size_t *len);

/* Write all len bytes of buf to fd, looping on partial writes and EINTR. */
void ecap_writeall(int fd, const void *buf, size_t len, const char *name);

/*
 * An output file that appears only when complete: ecap_out_open() creates an
 * unnamed temporary file in the directory of path (O_TMPFILE, or a mkstemp
 * name removed again if the program dies), ecap_out_commit() fsyncs it, renames
 * it over path and fsyncs the directory.  If the program ends before the
 * commit, path is left as it was.  For path "-" the output is standard output;
 * a path that names a device or a FIFO (/dev/null) is opened and written as
 * it is, never replaced.
 */
struct ecap_out {
	int fd;			/* write here */
	const char *path;	/* the final name */
	char *tmp;		/* the temporary name, or NULL for O_TMPFILE and "-" */
	int atdie;		/* cleanup handle, or -1 */
	int direct;		/* path is a device or FIFO, written directly */
};

void ecap_out_open(struct ecap_out *o, const char *path);
void ecap_out_commit(struct ecap_out *o);

#endif
