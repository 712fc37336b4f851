/*
 * trustref.h - approvals as signed git commits, ecap-trust(5), over libgit2.
 *
 * The approved manifest lives on the ref refs/ecap/trust: each commit's
 * tree holds two blobs, "manifest" (trust.h) and "policy" (git-config
 * syntax, read with libgit2's config API):
 *
 *   [trust]
 *           approvals = 2              distinct principals required (default 1)
 *           principal = alice@example  who may count (repeatable; none: anyone
 *           principal = bob@example     in the allowed signers)
 *           enforce = true             false: enforcement disabled by approval
 *
 * Each commit is signed in git's SSH format: a "gpgsig" header holding an
 * armored SSHSIG (PROTOCOL.sshsig) in namespace "git" over the commit
 * object without that header, as `git commit -S` with gpg.format=ssh makes
 * and `git verify-commit` checks.  Several approvers approve one tree by
 * several commits in a row with that same tree.
 *
 * The tip is approved when every commit of the run of commits that share
 * its tree (following first parents) carries a valid signature by a key of
 * the allowed-signers file (namespace "git", valid now and at the commit's
 * committer time), and their distinct principals number at least the
 * largest of: the tip's policy, the policy before it (so lowering the
 * count takes the old count) and the local floor (git config
 * trust.minApprovals).
 */
#ifndef ECAP_TRUSTREF_H
#define ECAP_TRUSTREF_H

#include <stddef.h>

#include <git2.h>

#include "sshsig.h"
#include "trust.h"

#define ECAP_TRUST_REF		"refs/ecap/trust"
#define ECAP_TRUST_NAMESPACE	"git"	/* git's SSHSIG namespace for commits */
#define ECAP_TRUST_WALK_MAX	10000	/* commits looked at from the tip */

struct ecap_trust_repo {
	git_repository *git;
	char *base;	/* absolute top of the work tree (the git dir for a bare repository) */
	char *gitdir;	/* absolute, no trailing slash */
};

/*
 * Open the repository containing path (searching upwards as git does); for
 * path "." with $GIT_DIR set, as in a git hook, the repository git's
 * environment names, objects in quarantine included.
 * Returns 0, or -1 with why.  Initialises libgit2 on first use.
 */
int ecap_trust_repo_open(struct ecap_trust_repo *r, const char *path, char *why, size_t whylen);
void ecap_trust_repo_close(struct ecap_trust_repo *r);

/* The base of paths for dir: the top of the git work tree holding it, else dir itself (absolute). */
char *ecap_trust_base(const char *dir);

/* A string from the repository's git config (new string; a path expanded when path), or NULL. */
char *ecap_trust_repo_config(struct ecap_trust_repo *r, const char *name, int path);

struct ecap_trust_policy {
	unsigned approvals;	/* >= 1 */
	char **principals;
	size_t nprincipals;
	int enforce;
};

void ecap_trust_policy_default(struct ecap_trust_policy *p);
/* Parse policy text (len bytes); returns 0, or -1 with why. */
int ecap_trust_policy_parse(struct ecap_trust_policy *p, const char *text, size_t len, char *why,
    size_t whylen);
/* The text of p (a new string). */
char *ecap_trust_policy_format(const struct ecap_trust_policy *p);
void ecap_trust_policy_free(struct ecap_trust_policy *p);
/* Does the policy let principal (an allowed-signers principals field) count? */
int ecap_trust_policy_counts(const struct ecap_trust_policy *p, const char *principal);

/* One approving commit. */
struct ecap_trust_approval {
	git_oid commit;
	char *principal;	/* the allowed-signers principals field */
	char fingerprint[64];	/* SHA256:... of the signing key */
	long long time;		/* committer time, seconds since the epoch */
};

/* An approval as read from the ref, and what checking it found. */
struct ecap_trust_state {
	git_oid tip;
	git_oid tree;
	char *manifest_text;
	size_t manifest_len;
	struct ecap_trust_manifest manifest;
	char *policy_text;
	struct ecap_trust_policy policy;
	struct ecap_trust_policy before;	/* the policy of the approval before the tip's tree */
	unsigned required;		/* after ecap_trust_check() */
	struct ecap_trust_approval *approvals;	/* distinct principals, oldest first */
	size_t napprovals;
	size_t run;			/* commits that share the tip's tree */
	int signed_ok;			/* the only fault found: too few approvals of the tip's tree */
};

/*
 * Read the commit rev names (NULL: the tip of refs/ecap/trust) and the
 * manifest and policy of its tree into s.  Returns 0; 1 when there is no
 * approval to read (no such ref or commit, a tree without a manifest or
 * policy, one that does not parse), with the reason in why; -1 for a
 * repository error (why).
 */
int ecap_trust_read(struct ecap_trust_repo *r, const char *rev, struct ecap_trust_state *s,
    char *why, size_t whylen);

/*
 * Check the signatures and the policies of s (see above) against the
 * allowed signers a, at time now (seconds since the epoch), with the local
 * floor minapprovals: the run of the tip, then each run before it back to
 * the one holding stop (an approval checked before; NULL: back to the root).
 * Returns 0 when approved; 1 when not, with the reason in why naming the
 * commit, and s->signed_ok set when the only fault is too few approvals of
 * the tip's tree.
 */
int ecap_trust_check(struct ecap_trust_repo *r, struct ecap_trust_state *s,
    const struct ecap_allowed_signers *a, unsigned minapprovals, long long now,
    const git_oid *stop, char *why, size_t whylen);

/*
 * Check s as an approval that may stand: ecap_trust_check() back to since
 * (NULL: the seen tip, when the tip descends from it), then
 * ecap_trust_check_seen() against since.  Returns 0, or 1 with why; a
 * rewound tip clears s->signed_ok.
 */
int ecap_trust_verify(struct ecap_trust_repo *r, struct ecap_trust_state *s,
    const struct ecap_allowed_signers *a, unsigned minapprovals, const git_oid *since,
    char *why, size_t whylen);

void ecap_trust_state_free(struct ecap_trust_state *s);

/*
 * The ref may only move forward: the tip must descend from since (NULL:
 * the tip recorded in $GIT_DIR/ecap/trust-seen the last time an approval
 * checked out, if any).  Returns 0, or 1 with why.  Record stores the tip
 * as seen (errors ignored: a read-only repository keeps no record).
 */
int ecap_trust_check_seen(struct ecap_trust_repo *r, const struct ecap_trust_state *s,
    const git_oid *since, char *why, size_t whylen);
void ecap_trust_record_seen(struct ecap_trust_repo *r, const git_oid *tip);
/* The recorded seen tip into *out: 1, or 0 when none is recorded, -1 when it does not parse. */
int ecap_trust_seen(struct ecap_trust_repo *r, git_oid *out);

/*
 * Write a commit with parent (NULL: none) whose tree holds the manifest and
 * the policy texts, signed in git's SSH format with key, into *out.
 * Author and committer come from git config user.name and user.email, else
 * from the key's comment.  Returns 0, or -1 with why.
 */
int ecap_trust_commit(struct ecap_trust_repo *r, const git_oid *parent, const char *manifest,
    size_t manifest_len, const char *policy, const char *message, const struct ecap_sshkey *key,
    git_oid *out, char *why, size_t whylen);

/*
 * Move refs/ecap/trust to commit by compare-and-swap: only if it still
 * points at old (NULL: only if it does not exist).  Returns 0; 1 when the
 * ref moved meanwhile or is locked (read it again and retry); -1 with why.
 */
int ecap_trust_ref_update(struct ecap_trust_repo *r, const git_oid *commit, const git_oid *old,
    const char *message, char *why, size_t whylen);

/*
 * For a program: load the allowed signers of path (NULL: $ECAP_ALLOWED_SIGNERS,
 * the repository's git config gpg.ssh.allowedSignersFile, the config file's
 * signers.allowedSignersFile, in that order) into a.  None named, or a file
 * that does not parse, ends the program (exit 2).
 */
void ecap_trust_xsigners(struct ecap_trust_repo *r, const char *path,
    struct ecap_allowed_signers *a);

/*
 * For a program: open the repository at path, read the approval at rev
 * (NULL: the tip of refs/ecap/trust) and check it with the allowed signers
 * of signers_path (as ecap_trust_xsigners()) and against since (NULL: the seen tip), recording the tip
 * as seen when it checks out and rev is NULL.  Returns 0 with r and s
 * filled; 1 when there is no valid approval (why); a repository that
 * cannot be opened or an allowed-signers file that is missing or does not
 * parse end the program (exit 2).
 */
int ecap_trust_xload(const char *path, const char *signers_path, const char *rev,
    const char *since, struct ecap_trust_repo *r, struct ecap_trust_state *s, char *why,
    size_t whylen);

#endif
