/*
 * config.c - the configuration file through libgit2: see config.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "config.h"
#include "err.h"
#include "xio.h"

char *
ecap_config_path(void)
{
	const char *e = getenv("ECAP_CONFIG"), *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	if (e != NULL && *e != '\0')
		return ecap_xstrdup(e);
	if (x != NULL && *x == '/') {
		if (asprintf(&p, "%s/ecap/config", x) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
	} else if (asprintf(&p, "%s/.config/ecap/config", home ? home : ".") < 0) {
		ecap_err(ECAP_EXIT_ERR, "asprintf");
	}
	return p;
}

/* The parsed file, or NULL when there is none; read once. */
static git_config *
load(void)
{
	static git_config *cfg;
	static int done;
	char *path;

	if (done)
		return cfg;
	done = 1;
	path = ecap_config_path();
	if (access(path, F_OK) != 0) {
		free(path);
		return NULL;
	}
	git_libgit2_init();
	if (git_config_open_ondisk(&cfg, path) < 0) {
		const git_error *e = git_error_last();

		ecap_errx(ECAP_EXIT_ERR, "config %s: %s", path, e ? e->message : "cannot be read");
	}
	free(path);
	return cfg;
}

static noreturn void
bad(const char *name)
{
	const git_error *e = git_error_last();
	char *path = ecap_config_path();

	ecap_errx(ECAP_EXIT_ERR, "config %s: %s: %s", path, name, e ? e->message : "invalid");
}

char *
ecap_config_xget(const char *name, int path)
{
	git_config *cfg = load();
	git_buf b = { 0 };
	char *v;
	int rc;

	if (cfg == NULL)
		return NULL;
	rc = path ? git_config_get_path(&b, cfg, name) : git_config_get_string_buf(&b, cfg, name);
	if (rc == GIT_ENOTFOUND)
		return NULL;
	if (rc < 0)
		bad(name);
	v = ecap_xstrdup(b.ptr);
	git_buf_dispose(&b);
	return v;
}

int
ecap_config_xbool(const char *name, int dflt)
{
	git_config *cfg = load();
	int v, rc;

	if (cfg == NULL)
		return dflt;
	rc = git_config_get_bool(&v, cfg, name);
	if (rc == GIT_ENOTFOUND)
		return dflt;
	if (rc < 0)
		bad(name);
	return v;
}
