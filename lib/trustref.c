/* trustref.c - approvals as signed git commits on refs/ecap/trust: see trustref.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "config.h"
#include "err.h"
#include "hex.h"
#include "sshsig.h"
#include "trustref.h"
#include "xio.h"

static const char *
giterr(void)
{
	const git_error *e = git_error_last();

	return e != NULL && e->message != NULL ? e->message : "unknown libgit2 error";
}

static char *
short_oid(const git_oid *id, char out[13])
{
	git_oid_tostr(out, 13, id);
	return out;
}

/* An absolute copy of path without trailing slashes. */
static char *
absdir(const char *path)
{
	char *p = realpath(path, NULL);
	size_t n;

	if (p == NULL)
		p = ecap_xstrdup(path);
	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

int
ecap_trust_repo_open(struct ecap_trust_repo *r, const char *path, char *why, size_t whylen)
{
	memset(r, 0, sizeof *r);
	git_libgit2_init();
	/*
	 * In a git hook (GIT_DIR set), as git itself: its repository, and the objects
	 * of a push still in quarantine (GIT_OBJECT_DIRECTORY and the alternates).
	 */
	if (strcmp(path, ".") == 0 && getenv("GIT_DIR") != NULL) {
		if (git_repository_open_ext(&r->git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
			ecap_setwhy(why, whylen, "$GIT_DIR: not a git repository: %s", giterr());
			return -1;
		}
	} else if (git_repository_open_ext(&r->git, path, 0, NULL) < 0) {
		ecap_setwhy(why, whylen, "%s: not in a git repository: %s", path, giterr());
		return -1;
	}
	r->gitdir = absdir(git_repository_path(r->git));
	r->base = absdir(git_repository_workdir(r->git) != NULL ? git_repository_workdir(r->git) :
	    git_repository_path(r->git));
	return 0;
}

char *
ecap_trust_base(const char *dir)
{
	struct ecap_trust_repo r;

	if (ecap_trust_repo_open(&r, dir, NULL, 0) == 0) {
		char *b = git_repository_workdir(r.git) != NULL ? ecap_xstrdup(r.base) : NULL;

		ecap_trust_repo_close(&r);
		if (b != NULL)
			return b;
	}
	return absdir(dir);
}

void
ecap_trust_repo_close(struct ecap_trust_repo *r)
{
	git_repository_free(r->git);
	free(r->base);
	free(r->gitdir);
	memset(r, 0, sizeof *r);
}

char *
ecap_trust_repo_config(struct ecap_trust_repo *r, const char *name, int path)
{
	git_config *cfg;
	git_buf b = { 0 };
	char *v = NULL;

	if (git_repository_config_snapshot(&cfg, r->git) < 0)
		return NULL;
	if ((path ? git_config_get_path(&b, cfg, name) : git_config_get_string_buf(&b, cfg, name)) ==
	    0)
		v = ecap_xstrdup(b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	return v;
}

/* Policy. */

void
ecap_trust_policy_default(struct ecap_trust_policy *p)
{
	memset(p, 0, sizeof *p);
	p->approvals = 1;
	p->enforce = 1;
}

void
ecap_trust_policy_free(struct ecap_trust_policy *p)
{
	size_t i;

	for (i = 0; i < p->nprincipals; i++)
		free(p->principals[i]);
	free(p->principals);
	ecap_trust_policy_default(p);
}

static int
add_principal(const git_config_entry *e, void *arg)
{
	struct ecap_trust_policy *p = arg;

	if (e->value == NULL || *e->value == '\0')
		return 1;	/* "principal" without a value: refused below */
	p->principals = ecap_xrealloc(p->principals, (p->nprincipals + 1) * sizeof *p->principals);
	p->principals[p->nprincipals++] = ecap_xstrdup(e->value);
	return 0;
}

/* A policy holds the three settings of trustref.h and nothing else. */
struct why {
	char *why;
	size_t whylen;
};

static int
known_key(const git_config_entry *e, void *arg)
{
	struct why *w = arg;

	if (strcmp(e->name, "trust.approvals") == 0 || strcmp(e->name, "trust.principal") == 0 ||
	    strcmp(e->name, "trust.enforce") == 0)
		return 0;
	ecap_setwhy(w->why, w->whylen, "policy: %.64s: not a policy setting", e->name);
	return 1;
}

/*
 * Does text hold an [include] or [includeIf] section?  libgit2 would read the
 * files they name while parsing, so they are refused before it sees them.
 */
static int
has_include(const char *text, size_t len)
{
	size_t i, k;

	for (i = 0; i < len; i++) {
		if (text[i] != '[')
			continue;
		for (k = i + 1; k < len && (text[k] == ' ' || text[k] == '\t'); k++)
			;
		if (len - k >= 7 && strncasecmp(text + k, "include", 7) == 0)
			return 1;
	}
	return 0;
}

/* libgit2 reads config from files only: the text goes through a memory file. */
int
ecap_trust_policy_parse(struct ecap_trust_policy *p, const char *text, size_t len, char *why,
    size_t whylen)
{
	git_config *cfg = NULL;
	char path[64];
	int fd, rc = -1;
	int32_t n;

	ecap_trust_policy_default(p);
	if (has_include(text, len) || memchr(text, '\0', len) != NULL) {
		ecap_setwhy(why, whylen, "policy: an include section or a NUL byte: not a policy");
		return -1;
	}
	if ((fd = memfd_create("ecap-trust-policy", MFD_CLOEXEC)) < 0)
		ecap_err(ECAP_EXIT_ERR, "memfd_create");
	ecap_writeall(fd, text, len, "policy");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (git_config_open_ondisk(&cfg, path) < 0) {
		ecap_setwhy(why, whylen, "policy: %s", giterr());
		goto out;
	}
	if ((rc = git_config_get_int32(&n, cfg, "trust.approvals")) == 0) {
		if (n < 1 || n > 1000) {
			ecap_setwhy(why, whylen, "policy: trust.approvals: %d is not 1 to 1000", n);
			rc = -1;
			goto out;
		}
		p->approvals = (unsigned)n;
	} else if (rc != GIT_ENOTFOUND) {
		ecap_setwhy(why, whylen, "policy: trust.approvals: %s", giterr());
		goto out;
	}
	if ((rc = git_config_get_bool(&p->enforce, cfg, "trust.enforce")) < 0 &&
	    rc != GIT_ENOTFOUND) {
		ecap_setwhy(why, whylen, "policy: trust.enforce: %s", giterr());
		goto out;
	}
	if (rc == GIT_ENOTFOUND)
		p->enforce = 1;
	rc = git_config_get_multivar_foreach(cfg, "trust.principal", NULL, add_principal, p);
	if (rc == 1) {
		ecap_setwhy(why, whylen, "policy: trust.principal: no value");
		rc = -1;
		goto out;
	}
	if (rc < 0 && rc != GIT_ENOTFOUND) {
		ecap_setwhy(why, whylen, "policy: trust.principal: %s", giterr());
		goto out;
	}
	rc = git_config_foreach(cfg, known_key, &(struct why){ why, whylen });
	if (rc != 0) {
		rc = -1;
		goto out;
	}
out:
	git_config_free(cfg);
	close(fd);
	if (rc < 0)
		ecap_trust_policy_free(p);
	return rc;
}

char *
ecap_trust_policy_format(const struct ecap_trust_policy *p)
{
	char *s = NULL;
	size_t len, i;
	FILE *f = open_memstream(&s, &len);

	if (f == NULL)
		ecap_err(ECAP_EXIT_ERR, "open_memstream");
	fprintf(f, "[trust]\n\tapprovals = %u\n", p->approvals);
	for (i = 0; i < p->nprincipals; i++)
		fprintf(f, "\tprincipal = \"%s\"\n", p->principals[i]);
	fprintf(f, "\tenforce = %s\n", p->enforce ? "true" : "false");
	if (fclose(f) == EOF)
		ecap_err(ECAP_EXIT_ERR, "open_memstream");
	return s;
}

/* Is want one of the comma-separated names of list? */
static int
in_list(const char *list, const char *want)
{
	size_t n = strlen(want);

	for (;;) {
		size_t k = strcspn(list, ",");

		if (k == n && strncmp(list, want, n) == 0)
			return 1;
		if (list[k] == '\0')
			return 0;
		list += k + 1;
	}
}

int
ecap_trust_policy_counts(const struct ecap_trust_policy *p, const char *principal)
{
	size_t i;

	if (p->nprincipals == 0)
		return 1;
	for (i = 0; i < p->nprincipals; i++)
		if (in_list(principal, p->principals[i]))
			return 1;
	return 0;
}

/* Reading an approval. */

static int
read_blob(git_repository *g, const git_tree *tree, const char *name, char **text, size_t *len,
    char *why, size_t whylen)
{
	const git_tree_entry *te = git_tree_entry_byname(tree, name);
	git_blob *b;

	if (te == NULL || git_tree_entry_type(te) != GIT_OBJECT_BLOB) {
		ecap_setwhy(why, whylen, "its tree has no %s", name);
		return 1;
	}
	if (git_blob_lookup(&b, g, git_tree_entry_id(te)) < 0) {
		ecap_setwhy(why, whylen, "%s: %s", name, giterr());
		return -1;
	}
	*len = (size_t)git_blob_rawsize(b);
	*text = ecap_xmalloc(*len + 1);
	memcpy(*text, git_blob_rawcontent(b), *len);
	(*text)[*len] = '\0';
	git_blob_free(b);
	return 0;
}

/* The manifest and policy of the tree of commit c into s. */
static int
read_tree(git_repository *g, const git_commit *c, struct ecap_trust_state *s, char *why,
    size_t whylen)
{
	git_tree *tree;
	char sub[256], id[13];
	int rc;

	if (git_commit_tree(&tree, c) < 0) {
		ecap_setwhy(why, whylen, "commit %s: %s", short_oid(git_commit_id(c), id), giterr());
		return -1;
	}
	s->tree = *git_tree_id(tree);
	if ((rc = read_blob(g, tree, "manifest", &s->manifest_text, &s->manifest_len, sub,
	    sizeof sub)) != 0 ||
	    (rc = read_blob(g, tree, "policy", &s->policy_text, &(size_t){ 0 }, sub,
	    sizeof sub)) != 0)
		goto bad;
	rc = 1;
	if (ecap_trust_manifest_parse(&s->manifest, s->manifest_text, s->manifest_len, sub + 10,
	    sizeof sub - 10) < 0) {
		memcpy(sub, "manifest: ", 10);
		goto bad;
	}
	if (ecap_trust_policy_parse(&s->policy, s->policy_text, strlen(s->policy_text), sub,
	    sizeof sub) < 0)
		goto bad;
	git_tree_free(tree);
	return 0;
bad:
	ecap_setwhy(why, whylen, "commit %s: %s", short_oid(git_commit_id(c), id), sub);
	git_tree_free(tree);
	return rc;
}

int
ecap_trust_read(struct ecap_trust_repo *r, const char *rev, struct ecap_trust_state *s,
    char *why, size_t whylen)
{
	git_object *o;
	git_commit *c;
	int rc;

	memset(s, 0, sizeof *s);
	ecap_trust_policy_default(&s->policy);
	ecap_trust_policy_default(&s->before);
	if (rev == NULL) {
		rc = git_reference_name_to_id(&s->tip, r->git, ECAP_TRUST_REF);
		if (rc == GIT_ENOTFOUND) {
			ecap_setwhy(why, whylen, "no approval: %s does not exist (trust-approve "
			    "makes it)", ECAP_TRUST_REF);
			return 1;
		}
		if (rc < 0) {
			ecap_setwhy(why, whylen, "%s: %s", ECAP_TRUST_REF, giterr());
			return 1;
		}
	} else {
		if (git_revparse_single(&o, r->git, rev) < 0) {
			ecap_setwhy(why, whylen, "%s: %s", rev, giterr());
			return 1;
		}
		s->tip = *git_object_id(o);
		git_object_free(o);
	}
	if (git_commit_lookup(&c, r->git, &s->tip) < 0) {
		ecap_setwhy(why, whylen, "%s: not a commit: %s", rev ? rev : ECAP_TRUST_REF,
		    giterr());
		return 1;
	}
	rc = read_tree(r->git, c, s, why, whylen);
	git_commit_free(c);
	return rc;
}

void
ecap_trust_state_free(struct ecap_trust_state *s)
{
	size_t i;

	free(s->manifest_text);
	free(s->policy_text);
	ecap_trust_manifest_free(&s->manifest);
	ecap_trust_policy_free(&s->policy);
	ecap_trust_policy_free(&s->before);
	for (i = 0; i < s->napprovals; i++)
		free(s->approvals[i].principal);
	free(s->approvals);
	memset(s, 0, sizeof *s);
}

/* The entry that lists k for namespace git at some time of its validity, or NULL. */
static const struct ecap_allowed_signer *
listed(const struct ecap_allowed_signers *a, const struct ecap_sshkey *k)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		struct ecap_allowed_signers one = { &a->v[i], 1 };
		long long t = a->v[i].valid_after ? a->v[i].valid_after : a->v[i].valid_before ?
		    a->v[i].valid_before - 1 : 0;

		if (ecap_allowed_signers_find(&one, k, ECAP_TRUST_NAMESPACE, t) != NULL)
			return &a->v[i];
	}
	return NULL;
}

/*
 * Verify the signature of commit c: the allowed-signers entry of its key in
 * *who.  Returns 0, or 1 with why.
 */
static int
verify_commit(git_repository *g, const git_commit *c, const struct ecap_allowed_signers *a,
    long long now, const struct ecap_allowed_signer **who, char fp[64], char *why, size_t whylen)
{
	git_buf sig = { 0 }, data = { 0 };
	unsigned char *blob = NULL;
	size_t bloblen;
	struct ecap_sshsig s;
	char sub[256], id[13];
	long long when = (long long)git_commit_committer(c)->when.time;
	const struct ecap_allowed_signer *e;
	int rc = 1;

	short_oid(git_commit_id(c), id);
	if (git_commit_extract_signature(&sig, &data, g, (git_oid *)(uintptr_t)git_commit_id(c),
	    "gpgsig") < 0) {
		ecap_setwhy(why, whylen, "commit %s is not signed", id);
		return 1;
	}
	if (strstr(sig.ptr, "-----BEGIN SSH SIGNATURE-----") == NULL) {
		ecap_setwhy(why, whylen, "commit %s: not an SSH signature (gpg.format must be ssh)",
		    id);
		goto out;
	}
	if (ecap_sshsig_dearmor(&blob, &bloblen, sig.ptr, sub) < 0 ||
	    ecap_sshsig_parse(&s, blob, bloblen, sub) < 0) {
		ecap_setwhy(why, whylen, "commit %s: bad signature: %s", id, sub);
		goto out;
	}
	ecap_sshkey_fingerprint(&s.key, fp);
	if (ecap_sshsig_verify(&s, ECAP_TRUST_NAMESPACE, data.ptr, data.size, sub) != 0) {
		ecap_setwhy(why, whylen, "commit %s: bad signature by %s: %s", id, fp, sub);
		goto out;
	}
	e = ecap_allowed_signers_find(a, &s.key, ECAP_TRUST_NAMESPACE, now);
	if (e == NULL || ecap_allowed_signers_find(a, &s.key, ECAP_TRUST_NAMESPACE, when) == NULL) {
		const struct ecap_allowed_signer *then = e != NULL ? e : listed(a, &s.key);

		if (then == NULL)
			ecap_setwhy(why, whylen, "commit %s: signed by %s, which is not in the "
			    "allowed signers for namespace git", id, fp);
		else
			ecap_setwhy(why, whylen, "commit %s: signed by %s (%s), whose allowed-signers "
			    "entry (line %u) is not valid %s", id, fp, then->principals, then->line,
			    e == NULL ? "now: valid-before or valid-after" :
			    "at the commit's time");
		goto out;
	}
	*who = e;
	rc = 0;
out:
	free(blob);
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
	return rc;
}

/* The approvals of one run of commits that share a tree. */
struct run {
	struct ecap_trust_approval *v;	/* distinct principals, newest first */
	size_t n;
	size_t commits;
	int hit;			/* stop is one of its commits */
};

static void
run_free(struct run *run)
{
	size_t i;

	for (i = 0; i < run->n; i++)
		free(run->v[i].principal);
	free(run->v);
	memset(run, 0, sizeof *run);
}

/*
 * Verify the run that starts at c (taken over) and shares tree: every commit
 * validly signed, its signers' principals collected.  *next is the first
 * commit of the run before it, or NULL at the root.  Returns 0, or 1 with why.
 */
static int
verify_run(git_repository *g, git_commit *c, const git_oid *tree,
    const struct ecap_allowed_signers *a, long long now, const git_oid *stop, struct run *run,
    git_commit **next, char *why, size_t whylen)
{
	git_commit *parent;
	char id[13], fp[64];
	size_t k;
	int rc = 1;

	*next = NULL;
	for (;; run->commits++) {
		const struct ecap_allowed_signer *who;
		git_tree *t;
		int same;

		if (run->commits == ECAP_TRUST_WALK_MAX) {
			ecap_setwhy(why, whylen, "more than %d commits approve one tree",
			    ECAP_TRUST_WALK_MAX);
			goto out;
		}
		if (stop != NULL && git_oid_equal(stop, git_commit_id(c)))
			run->hit = 1;
		if (verify_commit(g, c, a, now, &who, fp, why, whylen) != 0)
			goto out;
		for (k = 0; k < run->n; k++)
			if (strcmp(run->v[k].principal, who->principals) == 0)
				break;
		if (k == run->n) {
			run->v = ecap_xrealloc(run->v, (k + 1) * sizeof *run->v);
			run->v[k] = (struct ecap_trust_approval){ *git_commit_id(c),
			    ecap_xstrdup(who->principals), { 0 },
			    (long long)git_commit_committer(c)->when.time };
			memcpy(run->v[k].fingerprint, fp, 64);
			run->n++;
		}
		if (git_commit_parentcount(c) == 0)
			break;
		if (git_commit_parent(&parent, c, 0) < 0 || git_commit_tree(&t, parent) < 0) {
			ecap_setwhy(why, whylen, "commit %s: its parent: %s",
			    short_oid(git_commit_id(c), id), giterr());
			goto out;
		}
		same = git_oid_equal(git_tree_id(t), tree);
		git_tree_free(t);
		git_commit_free(c);
		c = parent;
		if (!same) {
			*next = c;
			c = NULL;
			break;
		}
	}
	rc = 0;
out:
	git_commit_free(c);
	return rc;
}

int
ecap_trust_check(struct ecap_trust_repo *r, struct ecap_trust_state *s,
    const struct ecap_allowed_signers *a, unsigned minapprovals, long long now,
    const git_oid *stop, char *why, size_t whylen)
{
	git_commit *c = NULL, *next = NULL;
	struct ecap_trust_state cur, before;
	const struct ecap_trust_policy *p = &s->policy;
	const git_oid *tree = &s->tree;
	struct run run = { 0 };
	char id[13], list[512], shortwhy[768] = "";
	size_t depth, i;
	int rc = 1, only_short = 0;

	memset(&cur, 0, sizeof cur);
	ecap_trust_policy_default(&cur.policy);
	if (git_commit_lookup(&c, r->git, &s->tip) < 0) {
		ecap_setwhy(why, whylen, "%s: %s", ECAP_TRUST_REF, giterr());
		return 1;
	}
	/*
	 * Run by run from the tip back to the approval seen before (or the root):
	 * each must be approved under its own policy and the one before it, so no
	 * chain of commits can climb down from a count it could not meet.
	 */
	for (depth = 0;; depth++) {
		unsigned required = p->approvals, prev = 0;

		if (verify_run(r->git, c, tree, a, now, stop, &run, &next, why, whylen) != 0)
			goto out;
		c = NULL;
		memset(&before, 0, sizeof before);
		ecap_trust_policy_default(&before.policy);
		if (next != NULL) {
			if (read_tree(r->git, next, &before, why, whylen) != 0) {
				ecap_trust_state_free(&before);
				goto out;
			}
			prev = before.policy.approvals;
		}
		/*
		 * Who approves a change must be a principal of the policy it makes and of
		 * the one it replaces, so no outsider can write himself into the policy.
		 */
		for (i = 0; i < run.n; i++) {
			int here = ecap_trust_policy_counts(p, run.v[i].principal);

			if (here && (next == NULL || ecap_trust_policy_counts(&before.policy,
			    run.v[i].principal)))
				continue;
			ecap_setwhy(why, whylen, "commit %s: signed by %s, who is not a principal of "
			    "the policy%s", short_oid(&run.v[i].commit, id), run.v[i].principal,
			    here ? " it replaces" : "");
			ecap_trust_state_free(&before);
			goto out;
		}
		if (prev > required)
			required = prev;
		if (minapprovals > required)
			required = minapprovals;
		if (depth == 0) {
			ecap_trust_policy_free(&s->before);
			if (next != NULL) {
				s->before = before.policy;
				ecap_trust_policy_default(&before.policy);
			}
			/* Oldest first. */
			s->approvals = ecap_xcalloc(run.n + 1, sizeof *s->approvals);
			for (i = 0; i < run.n; i++)
				s->approvals[i] = run.v[run.n - 1 - i];
			s->napprovals = run.n;
			s->run = run.commits;
			s->required = required;
			free(run.v);
			run.v = NULL;
			run.n = 0;
			if (s->napprovals < required) {
				size_t n = 0;

				list[0] = '\0';
				for (i = 0; i < s->napprovals && n < sizeof list; i++)
					n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
					    i ? ", " : "", s->approvals[i].principal);
				/* Said once the older approvals were checked too. */
				snprintf(shortwhy, sizeof shortwhy, "%s %s is approved by %zu of the %u "
				    "principals required (%s)", ECAP_TRUST_REF, short_oid(&s->tip, id),
				    s->napprovals, required, list);
			}
		} else if (run.n < required) {
			ecap_setwhy(why, whylen, "commit %s, an earlier approval, is approved by %zu "
			    "of the %u principals required", short_oid(&run.v[0].commit, id), run.n,
			    required);
			ecap_trust_state_free(&before);
			goto out;
		}
		if (run.hit || next == NULL) {
			ecap_trust_state_free(&before);
			break;
		}
		run_free(&run);
		ecap_trust_state_free(&cur);
		cur = before;
		p = &cur.policy;
		tree = &cur.tree;
		c = next;
		next = NULL;
	}
	if (shortwhy[0] != '\0') {
		ecap_setwhy(why, whylen, "%s", shortwhy);
		only_short = 1;
		goto out;
	}
	rc = 0;
out:
	s->signed_ok = rc == 0 || only_short;
	run_free(&run);
	ecap_trust_state_free(&cur);
	git_commit_free(c);
	git_commit_free(next);
	return rc;
}

static char *
seen_path(struct ecap_trust_repo *r)
{
	char *p;

	if (asprintf(&p, "%s/ecap/trust-seen", r->gitdir) < 0)
		ecap_err(ECAP_EXIT_ERR, "asprintf");
	return p;
}

int
ecap_trust_seen(struct ecap_trust_repo *r, git_oid *out)
{
	char *path = NULL, buf[GIT_OID_HEXSZ + 2];
	ssize_t n;
	int fd;

	path = seen_path(r);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (git_oid_fromstr(out, buf) < 0)
		return -1;
	return 1;
}

/* The seen tip. */


int
ecap_trust_check_seen(struct ecap_trust_repo *r, const struct ecap_trust_state *s,
    const git_oid *since, char *why, size_t whylen)
{
	git_oid seen;
	char a[13], b[13];
	const char *what = "the approval given with --since";
	int rc;

	if (since == NULL) {
		what = "the approval seen before";
		rc = ecap_trust_seen(r, &seen);
		if (rc == 0)
			return 0;
		if (rc < 0) {
			ecap_setwhy(why, whylen, "%s/ecap/trust-seen: not a commit id", r->gitdir);
			return 1;
		}
		since = &seen;
	}
	if (git_oid_equal(since, &s->tip))
		return 0;
	if (git_graph_descendant_of(r->git, &s->tip, since) == 1)
		return 0;
	ecap_setwhy(why, whylen, "%s was rewound: %s does not descend from %s, %s", ECAP_TRUST_REF,
	    short_oid(&s->tip, a), short_oid(since, b), what);
	return 1;
}

void
ecap_trust_record_seen(struct ecap_trust_repo *r, const git_oid *tip)
{
	char *path = seen_path(r), *tmp, *dir, hex[GIT_OID_HEXSZ + 2];
	int fd;

	if (asprintf(&dir, "%s/ecap", r->gitdir) < 0 ||
	    asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0)
		ecap_err(ECAP_EXIT_ERR, "asprintf");
	{
		git_oid seen;

		/* Nothing to write when it says so already. */
		if (ecap_trust_seen(r, &seen) == 1 && git_oid_equal(&seen, tip)) {
			free(dir);
			free(tmp);
			free(path);
			return;
		}
	}
	(void)mkdir(dir, 0777);
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, tip);
	strcat(hex, "\n");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) >= 0) {
		if (write(fd, hex, strlen(hex)) != (ssize_t)strlen(hex) || fsync(fd) < 0 ||
		    close(fd) < 0 || rename(tmp, path) < 0)
			(void)unlink(tmp);
	}
	free(dir);
	free(tmp);
	free(path);
}

/* Writing an approval. */

static int
signature_of(git_repository *g, const struct ecap_sshkey *key, git_signature **out)
{
	const char *name = key->comment[0] != '\0' ? key->comment : "trust-approve";

	if (git_signature_default(out, g) == 0)
		return 0;
	return git_signature_now(out, name, name);
}

int
ecap_trust_commit(struct ecap_trust_repo *r, const git_oid *parent, const char *manifest,
    size_t manifest_len, const char *policy, const char *message, const struct ecap_sshkey *key,
    git_oid *out, char *why, size_t whylen)
{
	git_treebuilder *tb = NULL;
	git_oid mid, pid, tid;
	git_tree *tree = NULL;
	git_commit *pc = NULL;
	const git_commit *parents[1];
	git_signature *who = NULL;
	git_buf buf = { 0 };
	struct ecap_ssh_out sig = { 0 };
	char *armor = NULL;
	size_t n;
	int rc = -1;

	if (git_blob_create_from_buffer(&mid, r->git, manifest, manifest_len) < 0 ||
	    git_blob_create_from_buffer(&pid, r->git, policy, strlen(policy)) < 0 ||
	    git_treebuilder_new(&tb, r->git, NULL) < 0 ||
	    git_treebuilder_insert(NULL, tb, "manifest", &mid, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_insert(NULL, tb, "policy", &pid, GIT_FILEMODE_BLOB) < 0 ||
	    git_treebuilder_write(&tid, tb) < 0 || git_tree_lookup(&tree, r->git, &tid) < 0 ||
	    (parent != NULL && git_commit_lookup(&pc, r->git, parent) < 0) ||
	    signature_of(r->git, key, &who) < 0 ||
	    (parents[0] = pc, git_commit_create_buffer(&buf, r->git, who, who, NULL, message, tree,
	    pc ? 1 : 0, parents)) < 0) {
		ecap_setwhy(why, whylen, "writing the commit: %s", giterr());
		goto out;
	}
	if (ecap_sshsig_sign(key, ECAP_TRUST_NAMESPACE, buf.ptr, buf.size, &sig) < 0) {
		ecap_setwhy(why, whylen, "the signing key has no private half");
		goto out;
	}
	ecap_sshsig_armor(&armor, sig.p, sig.len);
	/* The header value ends without the newline; libgit2 indents the lines. */
	n = strlen(armor);
	while (n > 0 && armor[n - 1] == '\n')
		armor[--n] = '\0';
	if (git_commit_create_with_signature(out, r->git, buf.ptr, armor, "gpgsig") < 0) {
		ecap_setwhy(why, whylen, "writing the signed commit: %s", giterr());
		goto out;
	}
	rc = 0;
out:
	free(armor);
	ecap_ssh_out_free(&sig);
	git_buf_dispose(&buf);
	git_signature_free(who);
	git_commit_free(pc);
	git_tree_free(tree);
	git_treebuilder_free(tb);
	return rc;
}

int
ecap_trust_ref_update(struct ecap_trust_repo *r, const git_oid *commit, const git_oid *old,
    const char *message, char *why, size_t whylen)
{
	git_reference *ref = NULL;
	int rc;

	if (old != NULL)
		rc = git_reference_create_matching(&ref, r->git, ECAP_TRUST_REF, commit, 1, old,
		    message);
	else
		rc = git_reference_create(&ref, r->git, ECAP_TRUST_REF, commit, 0, message);
	git_reference_free(ref);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		return 1;
	if (rc < 0) {
		ecap_setwhy(why, whylen, "%s: %s", ECAP_TRUST_REF, giterr());
		return -1;
	}
	return 0;
}

int
ecap_trust_verify(struct ecap_trust_repo *r, struct ecap_trust_state *s,
    const struct ecap_allowed_signers *a, unsigned minapprovals, const git_oid *since,
    char *why, size_t whylen)
{
	git_oid seen;
	const git_oid *stop = since;
	int rc;

	if (stop == NULL && ecap_trust_seen(r, &seen) == 1)
		stop = &seen;
	/*
	 * The signatures first, back to that approval when the tip descends from
	 * it (to the root when not), then the descent itself.
	 */
	if (stop != NULL && !git_oid_equal(stop, &s->tip) &&
	    git_graph_descendant_of(r->git, &s->tip, stop) != 1)
		stop = NULL;
	rc = ecap_trust_check(r, s, a, minapprovals, (long long)time(NULL), stop, why, whylen);
	if ((rc == 0 || s->signed_ok) && ecap_trust_check_seen(r, s, since, why, whylen) != 0) {
		s->signed_ok = 0;
		rc = 1;
	}
	return rc;
}

void
ecap_trust_xsigners(struct ecap_trust_repo *r, const char *path, struct ecap_allowed_signers *a)
{
	const char *env = getenv("ECAP_ALLOWED_SIGNERS");
	char *conf = NULL, *real;
	size_t n = strlen(r->base);

	/* The flag, the environment, git's own setting, then ours. */
	if (path == NULL && env != NULL && *env != '\0')
		path = env;
	if (path == NULL)
		path = conf = ecap_trust_repo_config(r, "gpg.ssh.allowedSignersFile", 1);
	if (path == NULL)
		path = conf = ecap_config_xget("signers.allowedSignersFile", 1);
	if (path == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s: no allowed signers: set git config "
		    "gpg.ssh.allowedSignersFile, ECAP_ALLOWED_SIGNERS or --allowed-signers", r->base);
	/* The root of trust must not be something the repository can change. */
	if (git_repository_workdir(r->git) != NULL && (real = realpath(path, NULL)) != NULL) {
		if (strncmp(real, r->base, n) == 0 && real[n] == '/' &&
		    strncmp(real + n, "/.git/", 6) != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: the allowed signers are inside the work tree "
			    "they would protect; keep them outside the repository", path);
		free(real);
	}
	(void)ecap_allowed_signers_xload(a, path);
	free(conf);
}

int
ecap_trust_xload(const char *path, const char *signers_path, const char *rev, const char *since,
    struct ecap_trust_repo *r, struct ecap_trust_state *s, char *why, size_t whylen)
{
	struct ecap_allowed_signers a = { 0 };
	char *floor;
	unsigned minapprovals = 0;
	git_oid sinceid;
	const git_oid *sincep = NULL;
	git_object *o;
	int rc;

	if (ecap_trust_repo_open(r, path, why, whylen) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	ecap_trust_xsigners(r, signers_path, &a);
	if ((floor = ecap_trust_repo_config(r, "trust.minApprovals", 0)) != NULL) {
		char *end;
		unsigned long v = strtoul(floor, &end, 10);

		if (*floor == '\0' || *end != '\0' || v > 1000)
			ecap_errx(ECAP_EXIT_ERR, "%s: git config trust.minApprovals: %s is not 0 to "
			    "1000", r->base, floor);
		minapprovals = (unsigned)v;
		free(floor);
	}
	if (rev != NULL) {
		if (git_revparse_single(&o, r->git, rev) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", rev, giterr());
		git_object_free(o);
	}
	if (since != NULL) {
		if (git_revparse_single(&o, r->git, since) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", since, giterr());
		sinceid = *git_object_id(o);
		sincep = &sinceid;
		git_object_free(o);
	}
	rc = ecap_trust_read(r, rev, s, why, whylen);
	if (rc == 0)
		rc = ecap_trust_verify(r, s, &a, minapprovals, sincep, why, whylen);
	if (rc == 0 && rev == NULL)
		ecap_trust_record_seen(r, &s->tip);
	if (rc < 0)
		rc = 1;
	ecap_allowed_signers_free(&a);
	return rc;
}
