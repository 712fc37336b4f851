/* trust-approve: record a trust manifest as a signed commit on refs/ecap/trust, ecap-trust(5). */
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
#include "keys.h"
#include "parallel.h"
#include "parse.h"
#include "sha256.h"
#include "ssh.h"
#include "sshsig.h"
#include "trust.h"
#include "trustref.h"
#include "xio.h"

#define RETRIES	50	/* compare-and-swap attempts when other approvers race */

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: trust-approve [-C DIR] [--yes] [--dry-run] [--key KEY] [--allowed-signers FILE]\n"
	    "                     [-m MESSAGE] [-f LIST] [-k KIND] [-n NAME] [--remove NAME]...\n"
	    "                     [--approvals N] [--principal P]... [--enable | --disable]\n"
	    "                     [--reset] [--audit | --audit-db FILE] [ARG...]\n");
	ecap_usage_exit(status);
}

/* What the command line asks for, applied to whatever tip is current. */
struct request {
	const char *list, *name;
	int kind;
	char **args;
	int nargs;
	char **remove;
	size_t nremove;
	int reset, enable, disable;
	long approvals;			/* -1: unchanged */
	char **principals;		/* NULL: unchanged */
	size_t nprincipals;
	const char *base;
	unsigned threads;
};

/* The new manifest and policy texts, from the tip's (old may be NULL). */
static void
compute(const struct request *q, const struct ecap_trust_state *old,
    struct ecap_trust_manifest *m, struct ecap_trust_policy *p)
{
	size_t i;
	char why[256];

	memset(m, 0, sizeof *m);
	if (old != NULL && !q->reset && q->list == NULL)
		for (i = 0; i < old->manifest.n; i++) {
			const struct ecap_trust_entry *e = &old->manifest.v[i];

			ecap_trust_manifest_add(m, ecap_xstrdup(e->name), e->kind,
			    ecap_xstrdup(e->spec), e->path ? ecap_xstrdup(e->path) : NULL);
		}
	if (q->list != NULL)
		ecap_trust_xadd_list(m, q->list, q->base);
	ecap_trust_xadd_args(m, q->kind, q->name, q->args, q->nargs, q->base);
	if (ecap_trust_manifest_sort(m, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	for (i = 0; i < q->nremove; i++)
		if (ecap_trust_manifest_remove(m, q->remove[i]) < 0)
			ecap_errx(ECAP_EXIT_ERR, "--remove %s: no such entry", q->remove[i]);
	ecap_trust_xhash_manifest(m, q->base, NULL, q->threads);

	ecap_trust_policy_default(p);
	if (old != NULL) {
		p->approvals = old->policy.approvals;
		p->enforce = old->policy.enforce;
		for (i = 0; i < old->policy.nprincipals; i++) {
			p->principals = ecap_xrealloc(p->principals, (i + 1) * sizeof(char *));
			p->principals[i] = ecap_xstrdup(old->policy.principals[i]);
			p->nprincipals++;
		}
	}
	if (q->approvals >= 0)
		p->approvals = (unsigned)q->approvals;
	if (q->principals != NULL) {
		for (i = 0; i < p->nprincipals; i++)
			free(p->principals[i]);
		free(p->principals);
		p->principals = ecap_xcalloc(q->nprincipals + 1, sizeof(char *));
		for (i = 0; i < q->nprincipals; i++)
			p->principals[i] = ecap_xstrdup(q->principals[i]);
		p->nprincipals = q->nprincipals;
	}
	if (q->enable)
		p->enforce = 1;
	if (q->disable)
		p->enforce = 0;
}

/* Do two policies say the same (so the tip's text, however spelled, stays)? */
static int
policy_equal(const struct ecap_trust_policy *a, const struct ecap_trust_policy *b)
{
	size_t i;

	if (a->approvals != b->approvals || a->enforce != b->enforce ||
	    a->nprincipals != b->nprincipals)
		return 0;
	for (i = 0; i < a->nprincipals; i++)
		if (strcmp(a->principals[i], b->principals[i]) != 0)
			return 0;
	return 1;
}

struct counts {
	size_t modified, added, removed;
};

/* The change from old to m, as a review would read it, into f; the counts into c. */
static void
describe(FILE *f, const struct ecap_trust_manifest *old, const struct ecap_trust_manifest *m,
    const struct ecap_trust_policy *op, const struct ecap_trust_policy *p, struct counts *c)
{
	static const struct ecap_trust_manifest none;
	size_t i = 0, j = 0, k;
	char a[72], b[72];

	if (old == NULL)
		old = &none;
	memset(c, 0, sizeof *c);
	while (i < old->n || j < m->n) {
		int cmp = i == old->n ? 1 : j == m->n ? -1 : strcmp(old->v[i].name, m->v[j].name);

		if (cmp < 0) {
			fprintf(f, "  - %s (removed)\n", old->v[i].name);
			c->removed++;
			i++;
		} else if (cmp > 0) {
			ecap_trust_hash_text(b, m->v[j].hash);
			fprintf(f, "  + %s (added, %s)\n    %s %.71s\n", m->v[j].name,
			    ecap_trust_kind_name(m->v[j].kind), m->v[j].spec, b);
			c->added++;
			j++;
		} else {
			const struct ecap_trust_entry *x = &old->v[i], *y = &m->v[j];

			if (x->kind != y->kind || strcmp(x->spec, y->spec) != 0 ||
			    memcmp(x->hash, y->hash, ECAP_TRUST_HASH_LEN) != 0) {
				ecap_trust_hash_text(a, x->hash);
				ecap_trust_hash_text(b, y->hash);
				fprintf(f, "  ~ %s (modified)\n", y->name);
				if (x->kind != y->kind || strcmp(x->spec, y->spec) != 0)
					fprintf(f, "    old %s %s\n    new %s %s\n",
					    ecap_trust_kind_name(x->kind), x->spec,
					    ecap_trust_kind_name(y->kind), y->spec);
				fprintf(f, "    old %.71s\n    new %.71s\n", a, b);
				c->modified++;
			}
			i++;
			j++;
		}
	}
	if (op->approvals != p->approvals)
		fprintf(f, "  policy: approvals %u -> %u\n", op->approvals, p->approvals);
	if (op->enforce != p->enforce)
		fprintf(f, "  policy: enforcement %s\n", p->enforce ? "enabled" : "DISABLED");
	for (k = 0; k < p->nprincipals; k++)
		if (!ecap_trust_policy_counts(op, p->principals[k]) || op->nprincipals == 0)
			fprintf(f, "  policy: principal %s counts\n", p->principals[k]);
	for (k = 0; k < op->nprincipals; k++)
		if (!ecap_trust_policy_counts(p, op->principals[k]) || p->nprincipals == 0)
			fprintf(f, "  policy: principal %s no longer %s\n", op->principals[k],
			    p->nprincipals == 0 ? "listed (anyone counts)" : "counts");
}

/*
 * The commit message: the counts, then the change as shown, cut after
 * MESSAGE_LINES lines (the manifests themselves are in the commits).
 */
#define MESSAGE_LINES	100

static char *
message_of(const struct counts *c, const char *change)
{
	const char *p = change;
	size_t lines = 0, rest = 0;
	char *msg;

	while (*p != '\0' && lines < MESSAGE_LINES) {
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
		lines++;
	}
	for (const char *q = p; *q != '\0'; q++)
		rest += *q == '\n';
	if (asprintf(&msg, "trust: %zu modified, %zu added, %zu removed\n\n%.*s", c->modified,
	    c->added, c->removed, (int)(p - change), change) < 0)
		ecap_err(ECAP_EXIT_ERR, "asprintf");
	if (rest > 0) {
		char *more;

		if (asprintf(&more, "%s... and %zu more lines\n", msg, rest) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
		free(msg);
		msg = more;
	}
	return msg;
}

/* The signing key: --key, else git config user.signingkey (a .pub path means the key beside it). */
static void
load_key(struct ecap_trust_repo *r, const char *path, struct ecap_sshkey *k)
{
	char *conf = NULL, why[256];
	size_t n;

	if (path == NULL) {
		if ((conf = ecap_trust_repo_config(r, "user.signingkey", 1)) == NULL)
			ecap_errx(ECAP_EXIT_ERR, "no signing key: give --key or set git config "
			    "user.signingkey");
		if (strncmp(conf, "key::", 5) == 0 || strncmp(conf, "ssh-", 4) == 0)
			ecap_errx(ECAP_EXIT_ERR, "git config user.signingkey holds a public key (an "
			    "ssh-agent key); give --key with the private key file");
		n = strlen(conf);
		if (n > 4 && strcmp(conf + n - 4, ".pub") == 0)
			conf[n - 4] = '\0';
		path = conf;
	}
	if (ecap_sshkey_load_private(k, path, why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", path, why);
	free(conf);
}

/*
 * The TrustApproved event of the commit the ref now points at.  When it
 * cannot be written, the ref goes back to old (only if it still points at
 * commit): an approval that is not logged is not made.
 */
static void
log_approval(struct ecap_audit *log, struct ecap_trust_repo *r, const git_oid *commit,
    const git_oid *old, const char *principal, const char *fp, const char *mhex,
    const struct counts *c)
{
	char hex[GIT_OID_HEXSZ + 1], why[512], sub[256] = "it moved meanwhile";
	git_reference *ref;
	json_t *body;
	uint64_t seq;
	int rc;

	git_oid_tostr(hex, sizeof hex, commit);
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "repository", r->base,
	    "commit", hex, "principal", principal, "signer", fp, "manifest_hash", mhex,
	    "modified", (int)c->modified, "added", (int)c->added, "removed", (int)c->removed);
	if (body == NULL)
		ecap_errx(ECAP_EXIT_ERR, "out of memory");
	rc = ecap_audit_append(log, "TrustApproved", body, &seq, why, sizeof why);
	json_decref(body);
	if (rc == 0)
		return;
	if (old != NULL) {
		if (ecap_trust_ref_update(r, old, commit, "trust-approve: not logged", sub,
		    sizeof sub) != 0)
			ecap_errx(ECAP_EXIT_ERR, "audit log: %s; and %s could not be moved back: %s",
			    why, ECAP_TRUST_REF, sub);
	} else if (git_reference_lookup(&ref, r->git, ECAP_TRUST_REF) == 0) {
		if (git_oid_equal(git_reference_target(ref), commit))
			(void)git_reference_delete(ref);
		git_reference_free(ref);
	}
	ecap_errx(ECAP_EXIT_ERR, "audit log: %s; the approval is withdrawn", why);
}

static int
confirm(void)
{
	char line[64];

	fprintf(stderr, "Approve this change? [y/N] ");
	fflush(stderr);
	if (fgets(line, sizeof line, stdin) == NULL)
		return 0;
	return strcmp(line, "y\n") == 0 || strcmp(line, "yes\n") == 0 || strcmp(line, "y") == 0 ||
	    strcmp(line, "Y\n") == 0 || strcmp(line, "yes") == 0;
}

int
main(int argc, char *argv[])
{
	enum { O_YES = 256, O_DRYRUN, O_KEY, O_SIGNERS, O_REMOVE, O_APPROVALS, O_PRINCIPAL,
	    O_ENABLE, O_DISABLE, O_RESET, O_AUDIT, O_AUDITDB };
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, O_YES },
		{ "dry-run", no_argument, NULL, O_DRYRUN },
		{ "key", required_argument, NULL, O_KEY },
		{ "allowed-signers", required_argument, NULL, O_SIGNERS },
		{ "remove", required_argument, NULL, O_REMOVE },
		{ "approvals", required_argument, NULL, O_APPROVALS },
		{ "principal", required_argument, NULL, O_PRINCIPAL },
		{ "enable", no_argument, NULL, O_ENABLE },
		{ "disable", no_argument, NULL, O_DISABLE },
		{ "reset", no_argument, NULL, O_RESET },
		{ "audit", no_argument, NULL, O_AUDIT },
		{ "audit-db", required_argument, NULL, O_AUDITDB },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct request q = { .kind = -1, .approvals = -1 };
	const char *keypath = NULL, *signers = NULL, *message = NULL, *auditdb = NULL;
	int ch, yes = 0, dryrun = 0, auditing = 0, attempt, rc;
	/* Static: what the program holds when an error ends it stays reachable. */
	static struct ecap_trust_repo r;
	static struct ecap_trust_state s;
	static struct ecap_allowed_signers a;
	const struct ecap_allowed_signer *me = NULL;
	static struct ecap_sshkey key;
	static struct ecap_audit *log;
	char why[512], *confirmed = NULL, fp[64], hex[GIT_OID_HEXSZ + 1];
	git_oid commit;
	unsigned char seen_opt[O_AUDITDB + 1] = { 0 };
	enum ecap_trust_kind k;
	uint64_t v;

	ecap_setprogname(argv[0]);
	q.threads = ecap_ncpu();
	while ((ch = getopt_long(argc, argv, "C:f:hk:m:n:V", longopts, NULL)) != -1) {
		/* -C, --remove and --principal may be repeated; no other option. */
		if (ch != 'C' && ch != O_REMOVE && ch != O_PRINCIPAL && ch > 0 &&
		    ch < (int)sizeof(seen_opt) && seen_opt[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
		switch (ch) {
		case 'C':
			if (chdir(optarg) < 0)
				ecap_err(ECAP_EXIT_ERR, "%s", optarg);
			break;
		case 'f':
			q.list = optarg;
			break;
		case 'k':
			if (ecap_trust_kind_parse(optarg, &k) < 0)
				ecap_errx(ECAP_EXIT_ERR, "-k %s: not inline, file, interp, wasm or "
				    "capsule", optarg);
			q.kind = (int)k;
			break;
		case 'm':
			message = optarg;
			break;
		case 'n':
			q.name = optarg;
			break;
		case O_YES:
			yes = 1;
			break;
		case O_DRYRUN:
			dryrun = 1;
			break;
		case O_KEY:
			keypath = optarg;
			break;
		case O_SIGNERS:
			signers = optarg;
			break;
		case O_REMOVE:
			q.remove = ecap_xrealloc(q.remove, (q.nremove + 1) * sizeof(char *));
			q.remove[q.nremove++] = optarg;
			break;
		case O_APPROVALS:
			if (ecap_parse_u64(optarg, &v) < 0 || v < 1 || v > 1000)
				ecap_errx(ECAP_EXIT_ERR, "--approvals %s: not 1 to 1000", optarg);
			q.approvals = (long)v;
			break;
		case O_PRINCIPAL:
			q.principals = ecap_xrealloc(q.principals, (q.nprincipals + 1) *
			    sizeof(char *));
			q.principals[q.nprincipals++] = optarg;
			break;
		case O_ENABLE:
			q.enable = 1;
			break;
		case O_DISABLE:
			q.disable = 1;
			break;
		case O_RESET:
			q.reset = 1;
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
	q.args = argv + optind;
	q.nargs = argc - optind;
	if (q.enable && q.disable)
		ecap_errx(ECAP_EXIT_ERR, "give --enable or --disable, not both");
	if (q.name != NULL && q.nargs != 1)
		ecap_errx(ECAP_EXIT_ERR, "-n names one ARG");
	if (auditing && auditdb != NULL)
		ecap_errx(ECAP_EXIT_ERR, "give --audit or --audit-db, not both");

	if (ecap_trust_repo_open(&r, ".", why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	q.base = r.base;
	ecap_trust_xsigners(&r, signers, &a);
	if (!dryrun) {
		load_key(&r, keypath, &key);
		ecap_sshkey_fingerprint(&key, fp);
		if ((me = ecap_allowed_signers_find(&a, &key, ECAP_TRUST_NAMESPACE,
		    (long long)time(NULL))) == NULL)
			ecap_errx(ECAP_EXIT_NO, "your key %s is not in the allowed signers for "
			    "namespace git: your approval would not count", fp);
	}
	log = dryrun ? NULL : ecap_audit_xopen_if(auditing, auditdb);

	for (attempt = 0;; attempt++) {
		static struct ecap_trust_manifest m;
		static struct ecap_trust_policy p, op;
		struct counts c;
		static char *mtext, *ptext, *change, *msg;
		char mhex[2 * ECAP_SHA256_LEN + 1];
		unsigned char mh[ECAP_SHA256_LEN];
		size_t mlen, clen;
		int has_tip, same;
		FILE *f;

		rc = ecap_trust_read(&r, NULL, &s, why, sizeof why);
		if (rc < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		has_tip = !git_oid_is_zero(&s.tip);
		/*
		 * Only on an approval that verifies but for its count: what the change
		 * shows is against it.  A broken or rewound ref is repaired by moving it
		 * back to an approval that verifies, never by approving on top of it.
		 */
		if (rc == 1 && has_tip)
			ecap_errx(ECAP_EXIT_NO, "%s; move %s back to an approval that verifies (git "
			    "update-ref %s COMMIT)", why, ECAP_TRUST_REF, ECAP_TRUST_REF);
		if (rc == 0) {
			if (ecap_trust_verify(&r, &s, &a, 0, NULL, why, sizeof why) != 0 &&
			    !s.signed_ok)
				ecap_errx(ECAP_EXIT_NO, "the current approval does not verify: %s; move "
				    "%s back to an approval that does (git update-ref %s COMMIT)",
				    why, ECAP_TRUST_REF, ECAP_TRUST_REF);
		}
		compute(&q, rc == 0 ? &s : NULL, &m, &p);
		ecap_trust_policy_default(&op);
		if (rc == 0) {
			op.approvals = s.policy.approvals;
			op.enforce = s.policy.enforce;
			op.principals = s.policy.principals;
			op.nprincipals = s.policy.nprincipals;
		}
		mtext = ecap_trust_manifest_format(&m, &mlen);
		ptext = rc == 0 && policy_equal(&p, &s.policy) ? ecap_xstrdup(s.policy_text) :
		    ecap_trust_policy_format(&p);
		ecap_sha256(mh, mtext, mlen);
		ecap_hex_encode(mhex, mh, sizeof mh);
		if ((f = open_memstream(&change, &clen)) == NULL)
			ecap_err(ECAP_EXIT_ERR, "open_memstream");
		describe(f, rc == 0 ? &s.manifest : NULL, &m, &op, &p, &c);
		fclose(f);
		same = rc == 0 && s.manifest_len == mlen && memcmp(s.manifest_text, mtext, mlen) ==
		    0 && strcmp(s.policy_text, ptext) == 0;

		/*
		 * The approver must be a principal of the policy approved and of the one
		 * it replaces: the tip's for a change, the one before the tip's tree
		 * for another approval of that tree.
		 */
		if (me != NULL) {
			const struct ecap_trust_policy *replaced = rc != 0 ? NULL : same ?
			    &s.before : &s.policy;

			if (replaced != NULL && !ecap_trust_policy_counts(replaced, me->principals))
				ecap_errx(ECAP_EXIT_NO, "%s is not a principal of the %s policy: your "
				    "approval would not count", me->principals, same ?
				    "replaced" : "current");
			if (!ecap_trust_policy_counts(&p, me->principals))
				ecap_errx(ECAP_EXIT_NO, "%s is not a principal of the new policy: your "
				    "approval would not count", me->principals);
		}
		if (attempt > 0 && (confirmed == NULL || strcmp(confirmed, change) != 0 ||
		    strlen(confirmed) == 0) && !same)
			ecap_errx(ECAP_EXIT_NO, "%s moved while approving and the change is no "
			    "longer the one shown; run trust-approve again", ECAP_TRUST_REF);
		if (attempt == 0) {
			if (same) {
				size_t i;

				git_oid_tostr(hex, sizeof hex, &s.tip);
				for (i = 0; !dryrun && i < s.napprovals; i++)
					if (strcmp(s.approvals[i].principal, me->principals) == 0) {
						printf("nothing to approve: %s already carries the "
						    "approval of %s\n", hex, me->principals);
						return ECAP_EXIT_OK;
					}
				printf("No change to the manifest of %s (%zu %s); approving it "
				    "again adds an approval (%zu of %u so far).\n", hex, m.n,
				    m.n == 1 ? "entry" : "entries",
				    s.napprovals, s.required ? s.required : s.policy.approvals);
			} else {
				printf("Changes to approve (%zu modified, %zu added, %zu removed):\n%s",
				    c.modified, c.added, c.removed, change);
			}
			if (fflush(stdout) == EOF)
				ecap_err(ECAP_EXIT_ERR, "stdout");
			if (dryrun)
				return ECAP_EXIT_OK;
			if (!yes && !confirm())
				ecap_errx(ECAP_EXIT_NO, "not approved");
			confirmed = ecap_xstrdup(change);
		}
		if (message != NULL)
			msg = ecap_xstrdup(message);
		else if (same)
			(void)!asprintf(&msg, "trust: approve again (%s)\n", me->principals);
		else
			msg = message_of(&c, change);
		if (msg == NULL)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
		if (ecap_trust_commit(&r, has_tip ? &s.tip : NULL, mtext, mlen, ptext, msg, &key,
		    &commit, why, sizeof why) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		rc = ecap_trust_ref_update(&r, &commit, has_tip ? &s.tip : NULL, "trust-approve",
		    why, sizeof why);
		if (rc < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		if (rc == 0 && log != NULL)
			log_approval(log, &r, &commit, has_tip ? &s.tip : NULL, me->principals, fp, mhex,
			    &c);
		free(msg);
		free(mtext);
		free(ptext);
		free(change);
		ecap_trust_manifest_free(&m);
		ecap_trust_policy_free(&p);
		if (rc == 0) {
			git_oid_tostr(hex, sizeof hex, &commit);
			printf("approved %s by %s (%s)\n", hex, me->principals, fp);
			break;
		}
		ecap_trust_state_free(&s);
		if (attempt + 1 == RETRIES)
			ecap_errx(ECAP_EXIT_ERR, "%s: still moving after %d attempts", ECAP_TRUST_REF,
			    RETRIES);
		usleep(1000 + (useconds_t)(rand() % 20000));
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	ecap_audit_close(log);
	ecap_trust_state_free(&s);
	ecap_allowed_signers_free(&a);
	ecap_sshkey_wipe(&key);
	ecap_trust_repo_close(&r);
	free(confirmed);
	return ECAP_EXIT_OK;
}
