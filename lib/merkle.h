/*
 * merkle.h - Merkle hash trees, inclusion proofs and consistency proofs of
 * RFC 6962 §2.1 (restated in RFC 9162 §2.1), with SHA-256.
 *
 *   MTH({})       = SHA-256()                          (the empty tree)
 *   MTH({d0})     = SHA-256(0x00 || d0)                 (leaf hash)
 *   MTH(D[n])     = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
 *                   with k the largest power of two smaller than n
 *
 * Hashes are 32-byte arrays.  Tree sizes and leaf indexes are counts of
 * leaves, indexes zero-based.  Proofs are arrays of hashes in the order
 * RFC 6962 gives them (from the leaf, or the old tree, upwards).
 */
#ifndef ECAP_MERKLE_H
#define ECAP_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define ECAP_MERKLE_HASH_LEN	32
/* No proof in a tree of fewer than 2^64 leaves is longer than this, in hashes. */
#define ECAP_MERKLE_MAX_PROOF	128

typedef unsigned char ecap_merkle_hash[ECAP_MERKLE_HASH_LEN];

/* Leaf hash of len bytes of data: SHA-256(0x00 || data) (RFC 6962 §2.1). */
void ecap_merkle_leaf_hash(ecap_merkle_hash out, const void *data, size_t len);

/* Interior node hash: SHA-256(0x01 || left || right) (RFC 6962 §2.1). */
void ecap_merkle_node_hash(ecap_merkle_hash out, const ecap_merkle_hash left,
    const ecap_merkle_hash right);

/*
 * Leaf hashes of n leaves, given as (pointer, length in bytes) spans, into
 * out[0..n-1], on up to nthreads threads (1 for none; fewer when there is
 * less than 1 MiB a thread).  Ends the program if a thread cannot be started.
 */
struct ecap_span {
	const unsigned char *p;
	size_t len;
};
void ecap_merkle_leaf_hashes(ecap_merkle_hash *out, const struct ecap_span *leaves,
    size_t n, unsigned nthreads);

/*
 * A tree built leaf by leaf in O(log n) memory: ecap_merkle_push() appends
 * the leaf hash of the next leaf, ecap_merkle_root() gives MTH of the leaves
 * so far and may be called at any time.  The context needs no destructor.
 */
struct ecap_merkle {
	uint64_t size;			/* leaves pushed so far */
	unsigned top;			/* entries in stack[], popcount(size) */
	ecap_merkle_hash stack[64];	/* roots of the perfect subtrees, largest first */
};
void ecap_merkle_init(struct ecap_merkle *m);
void ecap_merkle_push(struct ecap_merkle *m, const ecap_merkle_hash leaf);
void ecap_merkle_root(const struct ecap_merkle *m, ecap_merkle_hash out);

/* MTH of the n leaves whose leaf hashes are leaves[0..n-1]. */
void ecap_merkle_root_of(ecap_merkle_hash out, const ecap_merkle_hash *leaves, uint64_t n);

/*
 * The number of hashes in the inclusion proof of leaf index in a tree of
 * size leaves, and in the consistency proof between tree sizes old and new;
 * -1 when index >= size, or when not 0 <= old <= new.
 */
int ecap_merkle_inclusion_len(uint64_t index, uint64_t size);
int ecap_merkle_consistency_len(uint64_t old, uint64_t new);

/*
 * The inclusion proof PATH(index, D[size]) of RFC 6962 §2.1.1 from the leaf
 * hashes leaves[0..size-1], into proof (room for ECAP_MERKLE_MAX_PROOF
 * hashes).  Returns the number of hashes, or -1 when index >= size.
 */
int ecap_merkle_inclusion_proof(ecap_merkle_hash *proof, const ecap_merkle_hash *leaves,
    uint64_t size, uint64_t index);

/*
 * The consistency proof PROOF(old, D[new]) of RFC 6962 §2.1.2 from the leaf
 * hashes leaves[0..new-1], into proof (room for ECAP_MERKLE_MAX_PROOF hashes).
 * For old == new and for old == 0 the proof is empty.  Returns the number of
 * hashes, or -1 when old > new.
 */
int ecap_merkle_consistency_proof(ecap_merkle_hash *proof, const ecap_merkle_hash *leaves,
    uint64_t new, uint64_t old);

/* Results of the verifiers. */
#define ECAP_MERKLE_OK		0	/* the proof verifies */
#define ECAP_MERKLE_MISMATCH	1	/* well formed, but the hashes do not match */
#define ECAP_MERKLE_MALFORMED	(-1)	/* index >= size, old > new, or wrong proof length */

/*
 * Verify that leaf (a leaf hash) is at index in the tree of size leaves
 * with root, given its inclusion proof of plen hashes (RFC 9162 §2.1.3.2).
 */
int ecap_merkle_inclusion_verify(const ecap_merkle_hash leaf, uint64_t index, uint64_t size,
    const ecap_merkle_hash *proof, size_t plen, const ecap_merkle_hash root);

/*
 * Verify that the tree of size old with root old_root is a prefix of the tree
 * of size new with root new_root, given the consistency proof of plen hashes
 * (RFC 9162 §2.1.4.2; old == new needs an empty proof and equal roots,
 * old == 0 an empty proof and old_root the empty tree's, SHA-256 of nothing).
 */
int ecap_merkle_consistency_verify(uint64_t old, uint64_t new, const ecap_merkle_hash old_root,
    const ecap_merkle_hash new_root, const ecap_merkle_hash *proof, size_t plen);

#endif
