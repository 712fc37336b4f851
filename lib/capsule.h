/*
 * capsule.h - sealing and opening capsules, ecap(5): an ecap-frame(5)
 * stream of format capsule/1 that carries a payload encrypted page by page
 * under an AEAD, the RFC 6962 Merkle tree of its ciphertext pages, key
 * stanzas for the keys that may open it, and an optional SSH signature
 * (PROTOCOL.sshsig, namespace "ecap") over everything before the pages.
 *
 *   ECAP  "capsule/1"
 *   HEAD  u32 aead, u32 page size, u32 compression (0 none, 1 zstd), u32 0, salt[32],
 *         then metadata: "key=value\n" lines, sorted, no duplicates
 *   RCPT  one per key stanza: u8 kind (1 symmetric, 2 x25519), key id[8],
 *         [x25519: ephemeral public key[32]], wrapped file key[32 + 16]
 *   TABL  leaf hashes of the PAGE payloads, 32 bytes each, in page order
 *         (as many TABL frames as needed, each at most 16 MiB)
 *   ROOT  RFC 6962 root[32], u64 page count, u64 payload length
 *   SIGN  (optional) SSHSIG blob over every stream byte before SIGN
 *   CHKP
 *   PAGE  one per page: ciphertext || 16-byte tag
 *   END
 *
 * Numbers are big-endian.  The capsule hash, SHA-256 of every stream byte
 * before SIGN (before CHKP when unsigned), names a capsule and its pages in
 * trust manifests, ecap-trust(5).  The header hash, SHA-256 of every stream byte
 * before the first TABL frame, is the associated data of every page; page i
 * is sealed with the STREAM nonce (i, last) of age under the payload key
 * HKDF-SHA256(file key, salt, "ecap payload").  man/ecap.5 is the
 * authority.
 */
#ifndef ECAP_CAPSULE_H
#define ECAP_CAPSULE_H

#include <stddef.h>
#include <stdint.h>

#include "aead.h"
#include "frame.h"
#include "keys.h"
#include "merkle.h"
#include "ssh.h"
#include "sshsig.h"

#define ECAP_CAPSULE_FORMAT	"capsule"
#define ECAP_CAPSULE_VERSION	1
#define ECAP_PAGE_DEFAULT	65536u				/* bytes */
#define ECAP_PAGE_MIN		64u				/* bytes */
#define ECAP_PAGE_MAX		(ECAP_FRAME_MAX - ECAP_AEAD_TAG_LEN)	/* bytes */
#define ECAP_SIGN_NAMESPACE	"ecap"

/* Stanza kinds. */
#define ECAP_STANZA_SYM		1
#define ECAP_STANZA_X25519	2

struct ecap_stanza {
	int kind;
	unsigned char keyid[8];
	unsigned char eph[32];		/* x25519 only */
	unsigned char wrapped[48];	/* file key (32) || tag (16) */
};

/* Everything a capsule says before its pages. */
struct ecap_capsule {
	enum ecap_aead_alg aead;
	uint32_t page_size;		/* bytes of plaintext a page holds */
	uint32_t compression;		/* 0: none */
	unsigned char salt[32];
	char **meta;			/* "key=value", sorted */
	size_t nmeta;
	struct ecap_stanza *stanzas;
	size_t nstanzas;
	unsigned char header_hash[32];
	unsigned char capsule_hash[32];	/* SHA-256 of the signed_len bytes: pins every page */
	ecap_merkle_hash *table;	/* leaf hash of every page */
	uint64_t pages;
	uint64_t payload_len;		/* bytes */
	unsigned char root[32];
	int is_signed;
	struct ecap_sshkey signer;	/* public key, when is_signed */
	unsigned char *sig;		/* the SSHSIG blob, when is_signed */
	size_t siglen;
	const struct ecap_allowed_signer *principal;	/* the matching entry, or NULL */
	const struct ecap_stanza *opened_by;	/* the key stanza that opened it; NULL keyless */
	uint64_t signed_len;		/* bytes the signature covers: all before SIGN */
	uint64_t header_len;		/* bytes before the first PAGE frame */
	uint64_t stream_len;		/* bytes of the whole capsule, once read to END */
};

void ecap_capsule_free(struct ecap_capsule *c);

/* The value of metadata key, or NULL. */
const char *ecap_capsule_meta(const struct ecap_capsule *c, const char *key);

/* What to seal with. */
struct ecap_seal_opts {
	enum ecap_aead_alg aead;
	uint32_t page_size;
	const struct ecap_symkey *sym;		/* a symmetric stanza, or NULL */
	const struct ecap_x25519 *rcpt;		/* x25519 stanzas */
	size_t nrcpt;
	const struct ecap_sshkey *signer;	/* private key, or NULL: unsigned */
	char **meta;				/* "key=value" */
	size_t nmeta;
	const unsigned char *prefix;		/* payload bytes that come before infd's, or NULL */
	size_t prefixlen;
	int reproducible;			/* salt, keys from the content (needs a regular file) */
	unsigned threads;
	int progress;				/* a progress line on stderr */
	uint32_t compression;			/* ECAP_COMPRESS_*: what the payload already is */
};

/*
 * Seal the payload, o->prefix then what infd gives (infd -1: nothing more;
 * named inname in messages), and write the capsule to outfd (outname) from
 * its current offset.  A regular file of known size into a regular file not
 * in append mode, unsigned or signed with Ed25519, is read once: the pages
 * are written after room for the header, whose length the size fixes, and
 * the header last.  Otherwise a regular file is read twice (pages sealed
 * again on the second pass and checked against the page table), and other
 * input is spooled, sealed, in an unnamed temporary file until the page
 * table is complete.  The capsule is the same either way.  Errors end the
 * program with a message (exit 2).
 */
void ecap_seal(const struct ecap_seal_opts *o, int infd, const char *inname, int outfd,
    const char *outname);

/* Exit statuses of a capsule that does not open (ecap-open(1), EXIT STATUS). */
#define ECAP_EXIT_TAMPERED	1	/* does not verify: changed, truncated, spliced */
#define ECAP_EXIT_NOKEY		3	/* no key stanza matches the key given */
#define ECAP_EXIT_UNTRUSTED	4	/* unsigned or unknown signer, with allowed signers */

/* What to open with, and where the plaintext goes. */
struct ecap_open_opts {
	const struct ecap_symkey *sym;		/* or NULL */
	const struct ecap_x25519 *ids;		/* identities */
	size_t nids;
	const struct ecap_allowed_signers *signers;	/* require a trusted signature, or NULL */
	int keyless;				/* check the pages' leaf hashes, decrypt nothing */
	int header_only;			/* stop after the header callback */
	unsigned threads;
	/* Called once everything before the pages has verified. */
	void (*header)(void *arg, const struct ecap_capsule *c);
	/* Called for each page, in order, once it has verified; plaintext in locked memory. */
	void (*page)(void *arg, uint64_t index, const unsigned char *plain, size_t len);
	void *arg;
};

/*
 * Read a capsule from fd (named name in messages), verify it in the order
 * of ecap(5) and hand out its pages.  Fills c (free with
 * ecap_capsule_free()).  A capsule that does not verify ends the program
 * with a one-line message naming the page or field and one of the exit
 * statuses above (2 for a malformed or unsupported stream, a read error or
 * a bad key file).
 */
void ecap_open(const struct ecap_open_opts *o, int fd, const char *name, struct ecap_capsule *c);

#endif
