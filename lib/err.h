/*
 * err.h - program name, fatal errors and exit statuses, after BSD err(3).
 *
 * Every ecap program exits with one of these statuses (documented in each
 * program's man page, EXIT STATUS):
 *   0  success
 *   1  a check said no (a proof, signature or hash does not verify), as cmp(1)
 *   2  usage error, bad input or any other error
 * Programs that need more statuses document them in their own man page.
 */
#ifndef ECAP_ERR_H
#define ECAP_ERR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

#define ECAP_EXIT_OK	0
#define ECAP_EXIT_NO	1
#define ECAP_EXIT_ERR	2

/* The program name used as the prefix of every message; set once from argv[0]. */
extern const char *ecap_progname;

/* The toolkit version, from the file VERSION at build time ("0.1.0"). */
extern const char ecap_version[];

/* Set ecap_progname to the last path component of argv0. */
void ecap_setprogname(const char *argv0);

/* Print "NAME VERSION" to stdout and exit 0: the answer to --version. */
noreturn void ecap_print_version(void);

/*
 * Print "NAME: MESSAGE: strerror(errno)" (ecap_err) or "NAME: MESSAGE"
 * (ecap_errx) as one line on stderr, run the cleanup handlers registered
 * with ecap_atdie() and exit with status.
 */
noreturn void ecap_err(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
noreturn void ecap_errx(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
noreturn void ecap_verrx(int status, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Format a one-line reason into why (whylen bytes, truncated to fit); why
 * NULL is allowed and ignored.  For library functions that report errors to
 * their caller in a "why" buffer.
 */
void ecap_setwhy(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * End a usage() function: exit with status, after checking that the usage
 * text written to stdout (for --help, status 0) really went out.
 */
noreturn void ecap_usage_exit(int status);

/* Print "NAME: MESSAGE[: strerror(errno)]" on stderr and go on. */
void ecap_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ecap_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Register fn(arg) to run when ecap_err/ecap_errx end the program, last
 * registered first (for instance to remove a temporary file).  Returns a
 * handle for ecap_atdie_cancel().  At most 16 handlers may be registered at
 * once; one more ends the program.
 */
int ecap_atdie(void (*fn)(void *), void *arg);
void ecap_atdie_cancel(int handle);

/*
 * Call hook(status) instead of exit(status) when ecap_err/ecap_errx end the
 * program (after the cleanup handlers); NULL restores exit.  For harnesses
 * such as fuzz targets that must survive a refused input: the hook must not
 * return (it may longjmp).
 */
void ecap_set_exit_hook(void (*hook)(int status));

#endif
