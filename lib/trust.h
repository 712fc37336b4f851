/*
 * trust.h - trust manifests, ecap-trust(5): what may run, fingerprinted.
 *
 * A manifest is text: the line "ecap-trust 1", then one entry a line,
 *
 *   NAME TAB KIND TAB sha256:HEX TAB SPEC
 *
 * sorted by NAME (bytewise, as strcmp), names unique, no tab, newline or
 * other control character in any field.  The kinds, after Cupcake's three
 * and ecap's two:
 *
 *   inline   SPEC is a command line; the hash is SHA-256 of SPEC itself
 *   file     SPEC is a path; the hash is SHA-256 of the file's contents
 *   interp   SPEC is "INTERPRETER SCRIPT [ARG...]" split at spaces; the
 *            hash is SHA-256 of the SCRIPT file (interpreter and arguments
 *            are pinned by the manifest text itself)
 *   wasm     SPEC is the path of a WebAssembly module; the hash is SHA-256
 *            of the module, the module hash of wasm-exec(1)
 *   capsule  SPEC is the path of a capsule; the hash is the capsule hash of
 *            ecap(5): SHA-256 of every stream byte before SIGN (or before
 *            CHKP when unsigned), which pins the header, the page table and
 *            the root, hence every page
 *
 * Paths are stored relative to the base directory (the top of the git work
 * tree) when they lie beneath it, else absolute; "." and ".." are resolved
 * by name.  man/ecap-trust.5 is the authority.
 */
#ifndef ECAP_TRUST_H
#define ECAP_TRUST_H

#include <stddef.h>
#include <stdint.h>

#define ECAP_TRUST_MAGIC	"ecap-trust 1"
#define ECAP_TRUST_HASH_LEN	32	/* bytes of SHA-256 */
#define ECAP_TRUST_FIELD_MAX	4096	/* longest name or spec, bytes */

struct ecap_trust_cache;

enum ecap_trust_kind {
	ECAP_TRUST_INLINE,
	ECAP_TRUST_FILE,
	ECAP_TRUST_INTERP,
	ECAP_TRUST_WASM,
	ECAP_TRUST_CAPSULE,
};

struct ecap_trust_entry {
	char *name;
	enum ecap_trust_kind kind;
	unsigned char hash[ECAP_TRUST_HASH_LEN];
	char *spec;
	char *path;	/* the file the hash is of (as stored: relative or absolute), NULL for inline */
};

struct ecap_trust_manifest {
	struct ecap_trust_entry *v;
	size_t n, cap;
};

/* "inline", "file", ...; parse returns 0, or -1 for a name that is none of them. */
const char *ecap_trust_kind_name(enum ecap_trust_kind k);
int ecap_trust_kind_parse(const char *s, enum ecap_trust_kind *k);

/*
 * Parse manifest text (len bytes) into m (empty on entry).  Returns 0, or
 * -1 with "line N: reason" in why (whylen bytes) for anything but the
 * format above: a wrong first line, a bad field, entries out of order or
 * repeated.
 */
int ecap_trust_manifest_parse(struct ecap_trust_manifest *m, const char *text, size_t len,
    char *why, size_t whylen);

/* The manifest's text (a new string; its length in *len). */
char *ecap_trust_manifest_format(const struct ecap_trust_manifest *m, size_t *len);

/*
 * Append an entry (its hash zero until hashed), taking the name, spec and
 * path strings over; ecap_trust_manifest_sort() finds repeated names.
 */
void ecap_trust_manifest_add(struct ecap_trust_manifest *m, char *name,
    enum ecap_trust_kind kind, char *spec, char *path);

/* Sort by name; returns 0, or -1 with the repeated name in why. */
int ecap_trust_manifest_sort(struct ecap_trust_manifest *m, char *why, size_t whylen);

/* The entry called name (m sorted), or NULL. */
struct ecap_trust_entry *ecap_trust_manifest_find(const struct ecap_trust_manifest *m,
    const char *name);

/* Remove the entry called name (m sorted); returns 0, or -1 when there is none. */
int ecap_trust_manifest_remove(struct ecap_trust_manifest *m, const char *name);

void ecap_trust_manifest_free(struct ecap_trust_manifest *m);

/*
 * Describe one thing to approve: kind and spec as a user gives them (a path
 * relative to the current directory), base the absolute base directory.
 * Fills *spec and *path (new strings: paths rewritten relative to base) and
 * *name (spec's path, or the spec itself for inline, when name is NULL).
 * Returns 0, or -1 with why for an empty spec, a control character, an
 * interp spec without a script.
 */
int ecap_trust_describe(enum ecap_trust_kind kind, const char *spec, const char *name,
    const char *base, char **outname, char **outspec, char **outpath, char *why, size_t whylen);

/*
 * The kind of the file at path for an argument given without one: wasm when
 * it starts with "\0asm", capsule when it starts with an ECAP frame of
 * "capsule/...", else file.  Returns -1 (errno set) when it cannot be read.
 */
int ecap_trust_guess_kind(const char *path, enum ecap_trust_kind *k);

/*
 * Read a list file (len bytes of text): one entry a line, "NAME KIND SPEC"
 * separated by blanks (SPEC runs to the end of the line), blank lines and
 * "#" comments ignored, paths relative to the current directory.  Adds the
 * entries to m with base as above, sorted after those already there.
 * Returns 0, or -1 with "line N: reason" in why (a name given twice among
 * them included).
 */
int ecap_trust_list_parse(struct ecap_trust_manifest *m, const char *text, size_t len,
    const char *base, char *why, size_t whylen);

/*
 * For programs: add the things named on a command line (kind < 0: guessed
 * for each; name: for a single one), or those of the list file at path
 * ("-": standard input), to m, replacing entries of the same name.  Bad
 * input ends the program (exit 2) naming the argument or file and line.
 */
void ecap_trust_xadd_args(struct ecap_trust_manifest *m, int kind, const char *name,
    char *const *argv, int argc, const char *base);
void ecap_trust_xadd_list(struct ecap_trust_manifest *m, const char *path, const char *base);

/*
 * Hash every entry of m into its hash field (threads as below, cache may be
 * NULL); a file that cannot be read ends the program (exit 2) naming it.
 */
void ecap_trust_xhash_manifest(struct ecap_trust_manifest *m, const char *base,
    struct ecap_trust_cache *cache, unsigned threads);

/*
 * The stat cache: for each path, the (device, inode, size, mtime, ctime) it
 * had when hashed and the hash, as git's index keeps them, so files that did
 * not change are not read again.  A record of a file whose mtime or ctime
 * is less than a second older than the start of the run that hashed it is
 * never used: the file may have changed again within the same timestamp
 * (git's "racy" rule).  Kept in the file $GIT_DIR/ecap/trust-cache,
 * outside the work tree.
 */
struct ecap_trust_cache;

/* Load path (a missing or unreadable file is an empty cache); NULL path: no cache. */
struct ecap_trust_cache *ecap_trust_cache_load(const char *path);
/*
 * Start stat()ing every file the cache knows (paths relative to base) on a
 * thread of its own, so that it overlaps with reading and checking the
 * approval; ecap_trust_hash_entries() waits for it and uses those stats.
 */
void ecap_trust_cache_prestat(struct ecap_trust_cache *c, const char *base);
/* Drop the records this run neither looked up nor stored (files no longer approved). */
void ecap_trust_cache_prune(struct ecap_trust_cache *c);
/* Write the cache back when it changed (atomically; errors are ignored: it is only a cache). */
void ecap_trust_cache_save(struct ecap_trust_cache *c);
void ecap_trust_cache_free(struct ecap_trust_cache *c);

/* What hashing one entry found on disk. */
struct ecap_trust_actual {
	unsigned char hash[ECAP_TRUST_HASH_LEN];
	int err;	/* 0, or the errno that kept the file from being read */
	const char *why;	/* with err EINVAL: why the file is not what its kind needs */
	int cached;	/* the hash came from the cache */
};

/*
 * Hash what n entries name, relative to base, into out[0..n), on up to
 * threads threads, using and updating cache (may be NULL).
 */
void ecap_trust_hash_entries(struct ecap_trust_entry *const *e, size_t n, const char *base,
    struct ecap_trust_cache *cache, struct ecap_trust_actual *out, unsigned threads);

/* "sha256:" and 64 hex digits of h into out (72 bytes). */
void ecap_trust_hash_text(char out[72], const unsigned char h[ECAP_TRUST_HASH_LEN]);

/*
 * The capsule hash of the fd_len bytes at p (see above).  Returns 0, or -1
 * with why when they are not a capsule stream up to its SIGN or CHKP.
 */
int ecap_trust_capsule_hash(unsigned char out[ECAP_TRUST_HASH_LEN], const unsigned char *p,
    size_t len, const char **why);

#endif
