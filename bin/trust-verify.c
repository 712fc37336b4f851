/* trust-verify: check the approval on refs/ecap/trust and the files it approves, ecap-trust(5). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "err.h"
#include "hex.h"
#include "json.h"
#include "parallel.h"
#include "parse.h"
#include "trust.h"
#include "trustref.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: trust-verify [-C DIR] [--allowed-signers FILE] [--commit REV] [--since REV]\n"
	    "                    [--no-files] [--no-cache] [-j N] [-v] [--json]\n"
	    "                    [--audit | --audit-db FILE] [PATH|NAME...]\n"
	    "       trust-verify [options] --list [--modified] [--hashes] [PATH|NAME...]\n");
	ecap_usage_exit(status);
}

enum status { ST_OK, ST_MODIFIED, ST_MISSING, ST_UNREADABLE, ST_UNAPPROVED };
static const char *const status_names[] = { "ok", "modified", "missing", "unreadable",
	"not-approved" };

struct result {
	const char *arg;			/* what was asked for */
	struct ecap_trust_entry *e;		/* NULL: not approved */
	struct ecap_trust_actual a;
	enum status st;
	int hashed;				/* a and st say what is on disk */
};

static void
rfc3339(long long t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The entries an argument names: by name, or by the path it stores (the script of interp). */
static size_t
select_entries(struct ecap_trust_manifest *m, const char *arg, const char *base,
    struct ecap_trust_entry **out)
{
	struct ecap_trust_entry *e = ecap_trust_manifest_find(m, arg);
	char *n, *s, *p = NULL;
	size_t i, k = 0;

	if (e != NULL) {
		out[0] = e;
		return 1;
	}
	if (ecap_trust_describe(ECAP_TRUST_FILE, arg, NULL, base, &n, &s, &p, NULL, 0) < 0)
		return 0;
	for (i = 0; i < m->n; i++)
		if (m->v[i].path != NULL && strcmp(m->v[i].path, p) == 0)
			out[k++] = &m->v[i];
	free(n);
	free(s);
	free(p);
	return k;
}

static json_t *
approvals_json(const struct ecap_trust_state *s)
{
	json_t *a = json_array();
	char hex[GIT_OID_HEXSZ + 1], t[21];
	size_t i;

	for (i = 0; i < s->napprovals; i++) {
		git_oid_tostr(hex, sizeof hex, &s->approvals[i].commit);
		rfc3339(s->approvals[i].time, t);
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "principal",
		    s->approvals[i].principal, "signer", s->approvals[i].fingerprint,
		    "commit", hex, "time", t));
	}
	return a;
}

static json_t *
result_json(const struct result *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(r->e != NULL ? r->e->name : r->arg));
	if (r->hashed || r->e == NULL)
		json_object_set_new(o, "status", json_string(status_names[r->st]));
	if (r->e == NULL)
		return o;
	json_object_set_new(o, "kind", json_string(ecap_trust_kind_name(r->e->kind)));
	json_object_set_new(o, "spec", json_string(r->e->spec));
	if (r->e->path != NULL)
		json_object_set_new(o, "path", json_string(r->e->path));
	json_object_set_new(o, "expected_hash", ecap_json_hex(r->e->hash, ECAP_TRUST_HASH_LEN));
	if (r->hashed && r->a.err == 0)
		json_object_set_new(o, "actual_hash", ecap_json_hex(r->a.hash,
		    ECAP_TRUST_HASH_LEN));
	return o;
}

/* A TrustViolation event when auditing is on. */
static void
violation(struct ecap_audit *log, const struct ecap_trust_repo *r,
    const struct ecap_trust_state *s, const char *reason, const struct result *res, size_t n)
{
	json_t *o, *a;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	if (log == NULL)
		return;
	o = json_object();
	json_object_set_new(o, "repository", json_string(r->base));
	if (!git_oid_is_zero(&s->tip)) {
		git_oid_tostr(hex, sizeof hex, &s->tip);
		json_object_set_new(o, "commit", json_string(hex));
	}
	json_object_set_new(o, "reason", json_string(reason));
	a = json_array();
	for (i = 0; i < n; i++)
		if (res[i].st != ST_OK)
			json_array_append_new(a, result_json(&res[i]));
	json_object_set_new(o, "entries", a);
	ecap_audit_xappend(log, "TrustViolation", o);
}

int
main(int argc, char *argv[])
{
	enum { O_SIGNERS = 256, O_COMMIT, O_SINCE, O_NOFILES, O_NOCACHE, O_JSON, O_LIST,
	    O_MODIFIED, O_HASHES, O_AUDIT, O_AUDITDB };
	static const struct option longopts[] = {
		{ "allowed-signers", required_argument, NULL, O_SIGNERS },
		{ "commit", required_argument, NULL, O_COMMIT },
		{ "since", required_argument, NULL, O_SINCE },
		{ "no-files", no_argument, NULL, O_NOFILES },
		{ "no-cache", no_argument, NULL, O_NOCACHE },
		{ "json", no_argument, NULL, O_JSON },
		{ "list", no_argument, NULL, O_LIST },
		{ "modified", no_argument, NULL, O_MODIFIED },
		{ "hashes", no_argument, NULL, O_HASHES },
		{ "audit", no_argument, NULL, O_AUDIT },
		{ "audit-db", required_argument, NULL, O_AUDITDB },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *signers = NULL, *rev = NULL, *since = NULL, *auditdb = NULL;
	int ch, nofiles = 0, nocache = 0, json = 0, list = 0, modified = 0, hashes = 0;
	int verbose = 0, auditing = 0, rc = ECAP_EXIT_OK;
	unsigned threads = ecap_ncpu();
	unsigned char seen[O_AUDITDB + 1] = { 0 };
	/* Static: what the program holds when an error ends it stays reachable. */
	static struct ecap_trust_repo r;
	static struct ecap_trust_state s;
	static struct ecap_trust_cache *cache;
	static struct ecap_trust_entry **sel;
	static struct ecap_trust_actual *act;
	static struct ecap_audit *log;
	static struct result *res;
	size_t nres = 0, nsel = 0, i, bad = 0;
	char why[512], hex[GIT_OID_HEXSZ + 1], exp[72], got[72];
	static json_t *out, *arr;

	ecap_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "C:hj:vV", longopts, NULL)) != -1) {
		/* -C may be repeated, as git's; no other option. */
		if (ch != 'C' && ch > 0 && ch < (int)sizeof(seen) && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
		switch (ch) {
		case 'C':
			if (chdir(optarg) < 0)
				ecap_err(ECAP_EXIT_ERR, "%s", optarg);
			break;
		case 'j':
			threads = ecap_xparse_threads(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		case O_SIGNERS:
			signers = optarg;
			break;
		case O_COMMIT:
			rev = optarg;
			break;
		case O_SINCE:
			since = optarg;
			break;
		case O_NOFILES:
			nofiles = 1;
			break;
		case O_NOCACHE:
			nocache = 1;
			break;
		case O_JSON:
			json = 1;
			break;
		case O_LIST:
			list = 1;
			break;
		case O_MODIFIED:
			modified = 1;
			break;
		case O_HASHES:
			hashes = 1;
			break;
		case O_AUDIT:
			auditing = 1;
			break;
		case O_AUDITDB:
			auditdb = optarg;
			break;
		case 'h':
			usage(ECAP_EXIT_OK);
		case 'V':
			ecap_print_version();
		default:
			usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	if ((modified || hashes) && !list)
		ecap_errx(ECAP_EXIT_ERR, "--modified and --hashes go with --list");
	if (nofiles && (list || argc > 0))
		ecap_errx(ECAP_EXIT_ERR, "--no-files checks the approval alone: no --list, no "
		    "paths");
	if (auditing && auditdb != NULL)
		ecap_errx(ECAP_EXIT_ERR, "give --audit or --audit-db, not both");
	log = ecap_audit_xopen_if(auditing, auditdb);

	/*
	 * The files the cache knows are stat()ed on a thread of their own while
	 * the approval is read and checked.
	 */
	if (!nocache && !nofiles && (!list || modified)) {
		struct ecap_trust_repo pre;
		char *cpath;

		if (ecap_trust_repo_open(&pre, ".", why, sizeof why) == 0) {
			if (asprintf(&cpath, "%s/ecap/trust-cache", pre.gitdir) < 0)
				ecap_err(ECAP_EXIT_ERR, "asprintf");
			cache = ecap_trust_cache_load(cpath);
			ecap_trust_cache_prestat(cache, pre.base);
			free(cpath);
			ecap_trust_repo_close(&pre);
		}
	}

	/* The approval: signatures, policy, no rewinding. */
	if (ecap_trust_xload(".", signers, rev, since, &r, &s, why, sizeof why) != 0) {
		violation(log, &r, &s, why, NULL, 0);
		if (json)
			ecap_json_print(json_pack("{s:b, s:s}", "ok", 0, "reason", why));
		ecap_errx(ECAP_EXIT_NO, "%s", why);
	}
	git_oid_tostr(hex, sizeof hex, &s.tip);
	if (verbose) {
		char t[21];

		fprintf(stderr, "%s: %s %s: %zu %s, approved by %zu of %u required:\n",
		    ecap_progname, ECAP_TRUST_REF, hex, s.manifest.n, s.manifest.n == 1 ? "entry" :
		    "entries", s.napprovals, s.required);
		for (i = 0; i < s.napprovals; i++) {
			rfc3339(s.approvals[i].time, t);
			fprintf(stderr, "%s:   %s %s %s\n", ecap_progname, s.approvals[i].principal,
			    s.approvals[i].fingerprint, t);
		}
	}
	if (!s.policy.enforce && !list) {
		ecap_warnx("enforcement is disabled by the approval %s (trust-approve --enable "
		    "turns it on)", hex);
		if (json)
			ecap_json_print(json_pack("{s:b, s:s, s:b, s:o}", "ok", 1, "commit", hex,
			    "enforce", 0, "approvals", approvals_json(&s)));
		return ECAP_EXIT_OK;
	}
	if (nofiles) {
		if (json)
			ecap_json_print(json_pack("{s:b, s:s, s:i, s:o}", "ok", 1, "commit", hex,
			    "required", (int)s.required, "approvals", approvals_json(&s)));
		return ECAP_EXIT_OK;
	}

	/* What to check: the entries named, or all. */
	sel = ecap_xcalloc(s.manifest.n + 1, sizeof *sel);
	res = ecap_xcalloc(s.manifest.n + (size_t)argc + 1, sizeof *res);
	if (argc == 0) {
		for (i = 0; i < s.manifest.n; i++) {
			sel[nsel++] = &s.manifest.v[i];
			res[nres++] = (struct result){ .arg = s.manifest.v[i].name,
			    .e = &s.manifest.v[i] };
		}
	} else {
		struct ecap_trust_entry **found = ecap_xcalloc(s.manifest.n + 1, sizeof *found);
		char *taken = ecap_xcalloc(s.manifest.n + 1, 1);
		int k;

		/* Each entry once, however many arguments name it. */
		for (k = 0; k < argc; k++) {
			size_t n = select_entries(&s.manifest, argv[k], r.base, found), j;

			if (n == 0)
				res[nres++] = (struct result){ .arg = argv[k], .st = ST_UNAPPROVED };
			for (j = 0; j < n; j++) {
				size_t at = (size_t)(found[j] - s.manifest.v);

				if (taken[at]++)
					continue;
				sel[nsel++] = found[j];
				res[nres++] = (struct result){ .arg = argv[k], .e = found[j] };
			}
		}
		free(taken);
		free(found);
	}
	if (!nocache && cache == NULL) {
		char *cpath;

		if (asprintf(&cpath, "%s/ecap/trust-cache", r.gitdir) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
		cache = ecap_trust_cache_load(cpath);
		free(cpath);
	}
	act = ecap_xcalloc(nsel + 1, sizeof *act);
	if (!list || modified)
		ecap_trust_hash_entries(sel, nsel, r.base, cache, act, threads);
	for (i = 0, nsel = 0; i < nres; i++) {
		if (res[i].e == NULL)
			continue;
		res[i].a = act[nsel++];
		res[i].hashed = !list || modified;
		if (list && !modified)
			res[i].st = ST_OK;
		else if (res[i].a.err == ENOENT)
			res[i].st = ST_MISSING;
		else if (res[i].a.err != 0)
			res[i].st = ST_UNREADABLE;
		else if (memcmp(res[i].a.hash, res[i].e->hash, ECAP_TRUST_HASH_LEN) != 0)
			res[i].st = ST_MODIFIED;
	}
	if (cache != NULL) {
		char *dir;

		if (argc == 0 && (!list || modified))
			ecap_trust_cache_prune(cache);

		if (asprintf(&dir, "%s/ecap", r.gitdir) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
		(void)mkdir(dir, 0777);
		free(dir);
		ecap_trust_cache_save(cache);
	}

	if (json) {
		out = json_pack("{s:s, s:i, s:o}", "commit", hex, "required", (int)s.required,
		    "approvals", approvals_json(&s));
		arr = json_array();
	}
	for (i = 0; i < nres; i++) {
		const struct result *x = &res[i];

		if (x->st != ST_OK)
			bad++;
		if (list) {
			if (modified && x->st == ST_OK)
				continue;
			if (json) {
				json_array_append_new(arr, result_json(x));
				continue;
			}
			if (x->e == NULL) {
				printf("%s\t(not approved)\n", x->arg);
				continue;
			}
			ecap_trust_hash_text(exp, x->e->hash);
			printf("%s\t%s\t%s%s%.71s%s\n", x->e->name, ecap_trust_kind_name(x->e->kind),
			    x->e->spec, hashes ? "\t" : "", hashes ? exp : "",
			    modified ? (x->st == ST_MODIFIED ? "\tmodified" : x->st == ST_MISSING ?
			    "\tmissing" : x->st == ST_UNAPPROVED ? "" : "\tunreadable") : "");
			continue;
		}
		if (json) {
			json_array_append_new(arr, result_json(x));
			continue;
		}
		if (x->st == ST_OK) {
			if (verbose)
				printf("%s: OK\n", x->e->name);
			continue;
		}
		if (x->st == ST_UNAPPROVED) {
			ecap_warnx("%s: not approved: no entry names it", x->arg);
			continue;
		}
		ecap_trust_hash_text(exp, x->e->hash);
		if (x->st == ST_MODIFIED) {
			ecap_trust_hash_text(got, x->a.hash);
			ecap_warnx("%s: modified since approved: expected %.71s, actual %.71s",
			    x->e->path != NULL ? x->e->path : x->e->name, exp, got);
		} else {
			ecap_warnx("%s: %s: expected %.71s, actual: %s", x->e->path != NULL ?
			    x->e->path : x->e->name,
			    status_names[x->st], exp, x->a.why != NULL ? x->a.why :
			    strerror(x->a.err));
		}
	}
	if (json) {
		json_object_set_new(out, "ok", json_boolean(bad == 0));
		json_object_set_new(out, "entries", arr);
		ecap_json_print(out);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	if (bad > 0 && !list) {
		snprintf(why, sizeof why, "%zu of %zu %s not match the approval %s", bad, nres,
		    nres == 1 ? "entry does" : "entries do", hex);
		violation(log, &r, &s, why, res, nres);
		if (!json)
			ecap_warnx("%s; trust-approve approves the change", why);
		rc = ECAP_EXIT_NO;
	} else if (bad > 0 && modified) {
		rc = ECAP_EXIT_NO;
	}
	ecap_audit_close(log);
	ecap_trust_cache_free(cache);
	free(act);
	free(sel);
	free(res);
	ecap_trust_state_free(&s);
	ecap_trust_repo_close(&r);
	return rc;
}
