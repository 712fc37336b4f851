#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *ecap_progname = "ecap";
const char ecap_version[] = ECAP_VERSION;

#define NATDIE 16

static struct {
	void (*fn)(void *);
	void *arg;
} atdie[NATDIE];

static void (*exit_hook)(int);

void
ecap_set_exit_hook(void (*hook)(int status))
{
	exit_hook = hook;
}

void
ecap_setprogname(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	ecap_progname = p ? p + 1 : argv0;
}

void
ecap_print_version(void)
{
	printf("%s %s\n", ecap_progname, ecap_version);
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	exit(ECAP_EXIT_OK);
}

int
ecap_atdie(void (*fn)(void *), void *arg)
{
	int i;

	for (i = 0; i < NATDIE; i++) {
		if (atdie[i].fn == NULL) {
			atdie[i].fn = fn;
			atdie[i].arg = arg;
			return i;
		}
	}
	ecap_errx(ECAP_EXIT_ERR, "too many cleanup handlers");
}

void
ecap_atdie_cancel(int handle)
{
	if (handle >= 0 && handle < NATDIE)
		atdie[handle].fn = NULL;
}

static noreturn void
die(int status)
{
	int i;

	for (i = NATDIE - 1; i >= 0; i--) {
		void (*fn)(void *) = atdie[i].fn;

		if (fn != NULL) {
			atdie[i].fn = NULL;
			fn(atdie[i].arg);
		}
	}
	fflush(stdout);
	if (exit_hook != NULL)
		exit_hook(status);
	exit(status);
}

static void
vmsg(const char *fmt, va_list ap, const char *why)
{
	/* One write of one line, so messages of concurrent processes do not mix. */
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "%s: ", ecap_progname);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	if (fmt != NULL) {
		int m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);

		n = (m < 0 || (size_t)(n + m) >= sizeof(line)) ? (int)strlen(line) : n + m;
	}
	if (why != NULL)
		n += snprintf(line + n, sizeof(line) - n, "%s%s",
		    fmt != NULL ? ": " : "", why);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	fflush(stdout);
	fwrite(line, 1, n, stderr);
}

void
ecap_err(int status, const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, why);
	va_end(ap);
	die(status);
}

void
ecap_verrx(int status, const char *fmt, va_list ap)
{
	vmsg(fmt, ap, NULL);
	die(status);
}

void
ecap_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecap_verrx(status, fmt, ap);
}

void
ecap_setwhy(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

void
ecap_usage_exit(int status)
{
	if (status == ECAP_EXIT_OK && fflush(stdout) == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	exit(status);
}

void
ecap_warn(const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, why);
	va_end(ap);
}

void
ecap_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap, NULL);
	va_end(ap);
}
