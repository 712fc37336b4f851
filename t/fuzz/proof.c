/*
 * proof.c - libFuzzer target for the RFC 6962 proofs of lib/merkle.c.
 *
 * The input is read in two parts.
 *
 *   1. Arbitrary claims: a leaf index and tree size, old and new tree sizes
 *      (anywhere in 0..2^64-1), two lists of up to 130 hashes and two roots.
 *      The verifiers must return OK, MISMATCH or MALFORMED, MALFORMED exactly
 *      when the proof has not the length ecap_merkle_inclusion_len() and
 *      ecap_merkle_consistency_len() give, and those lengths must be the
 *      ones the recursive definitions of RFC 6962 §2.1.1 and §2.1.2 give.
 *      Where no proof is needed (old == new, old == 0) the result is known.
 *
 *   2. A real tree: the rest of the input cut into up to 64 leaves.  Its
 *      roots must be MTH of RFC 6962 §2.1 computed here by recursion, the
 *      proofs the library makes must be PATH and PROOF computed the same way
 *      and must verify, and with one bit of any proof hash, root or leaf
 *      flipped they must not.
 *
 * Proofs are handed over in heap buffers of exactly their length, so that
 * AddressSanitizer sees a verifier read one hash too many.  A broken
 * promise aborts, which libFuzzer reports as a crash.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merkle.h"
#include "sha256.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define HLEN		ECAP_MERKLE_HASH_LEN
#define MAX_ARB		130	/* hashes in an arbitrary proof: a little over the limit */
#define MAX_LEAVES	64
#define MAX_LEAF	16	/* bytes of data in a leaf */

/* The input, consumed from the front; past its end every byte reads as 0. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t
byte(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t
bytes(struct in *in, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | byte(in);
	return v;
}

/*
 * A 64-bit count, shaped so that the interesting ones are easy to reach:
 * small, 16-bit, any 64-bit value, or a power of two plus or minus a little.
 */
static uint64_t
count(struct in *in)
{
	uint8_t b = byte(in);

	switch (b & 3) {
	case 0:
		return b >> 2;
	case 1:
		return bytes(in, 2);
	case 2:
		return bytes(in, 8);
	default:
		return ((uint64_t)1 << (b >> 2)) + (uint64_t)(int64_t)(int8_t)byte(in);
	}
}

/* One hash from the input. */
static void
take_hash(struct in *in, ecap_merkle_hash h)
{
	size_t j;

	for (j = 0; j < HLEN; j++)
		h[j] = byte(in);
}

/* n hashes from the input in a buffer of exactly n hashes (never NULL). */
static ecap_merkle_hash *
hashes(struct in *in, size_t n)
{
	ecap_merkle_hash *h = malloc(n ? n * HLEN : 1);
	size_t i;

	CHECK(h != NULL);
	for (i = 0; i < n; i++)
		take_hash(in, h[i]);
	return h;
}

/* A copy of the n hashes at h in a buffer of exactly n hashes. */
static ecap_merkle_hash *
exact(const ecap_merkle_hash *h, size_t n)
{
	ecap_merkle_hash *c = malloc(n ? n * HLEN : 1);

	CHECK(c != NULL);
	memcpy(c, h, n * HLEN);
	return c;
}

/* The largest power of two smaller than n, for n >= 2, for any 64-bit n. */
static uint64_t
split(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* The length of PATH(m, D[n]) (RFC 6962 §2.1.1), or -1 when m >= n. */
static int
ref_inclusion_len(uint64_t m, uint64_t n)
{
	int len = 0;

	if (m >= n)
		return -1;
	for (; n > 1; len++) {
		uint64_t k = split(n);

		if (m < k) {
			n = k;
		} else {
			m -= k;
			n -= k;
		}
	}
	return len;
}

/* The length of PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 6962 §2.1.2), or -1. */
static int
ref_consistency_len(uint64_t m, uint64_t n)
{
	int len = 0, b = 1;

	if (m > n)
		return -1;
	if (m == 0 || m == n)
		return 0;
	for (; m != n; len++) {
		uint64_t k = split(n);

		if (m <= k) {
			n = k;
		} else {
			m -= k;
			n -= k;
			b = 0;
		}
	}
	return len + !b;
}

/* MTH(D[n]) of RFC 6962 §2.1 over leaf hashes, by its recursive definition. */
static void
ref_mth(ecap_merkle_hash out, const ecap_merkle_hash *leaves, uint64_t n)
{
	unsigned char buf[1 + 2 * HLEN];
	uint64_t k;

	if (n == 0) {
		ecap_sha256(out, "", 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], HLEN);
		return;
	}
	k = split(n);
	buf[0] = 0x01;
	ref_mth(buf + 1, leaves, k);
	ref_mth(buf + 1 + HLEN, leaves + k, n - k);
	ecap_sha256(out, buf, sizeof(buf));
}

/* PATH(m, D[n]) of RFC 6962 §2.1.1, appended to proof[*len]. */
static void
ref_path(ecap_merkle_hash *proof, int *len, uint64_t m, const ecap_merkle_hash *leaves,
    uint64_t n)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		ref_path(proof, len, m, leaves, k);
		ref_mth(proof[(*len)++], leaves + k, n - k);
	} else {
		ref_path(proof, len, m - k, leaves + k, n - k);
		ref_mth(proof[(*len)++], leaves, k);
	}
}

/* SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2, appended to proof[*len]. */
static void
ref_subproof(ecap_merkle_hash *proof, int *len, uint64_t m, const ecap_merkle_hash *leaves,
    uint64_t n, int b)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_mth(proof[(*len)++], leaves, n);
		return;
	}
	k = split(n);
	if (m <= k) {
		ref_subproof(proof, len, m, leaves, k, b);
		ref_mth(proof[(*len)++], leaves + k, n - k);
	} else {
		ref_subproof(proof, len, m - k, leaves + k, n - k, 0);
		ref_mth(proof[(*len)++], leaves, k);
	}
}

static int
valid_result(int rc)
{
	return rc == ECAP_MERKLE_OK || rc == ECAP_MERKLE_MISMATCH || rc == ECAP_MERKLE_MALFORMED;
}

static void
flip(unsigned char *h, unsigned bit)
{
	h[bit / 8 % HLEN] ^= 1u << bit % 8;
}

/* Part 1: arbitrary sizes, indexes and hashes. */
static void
arbitrary(struct in *in)
{
	ecap_merkle_hash leaf, root, old_root, new_root, empty, *proof;
	uint64_t index, size, old, new;
	size_t plen;
	int want, rc;
	uint8_t sel;

	ecap_sha256(empty, "", 0);

	index = count(in);
	size = count(in);
	old = count(in);
	new = count(in);

	want = ecap_merkle_inclusion_len(index, size);
	CHECK(want == ref_inclusion_len(index, size));
	CHECK(want <= 64);
	plen = byte(in) % (MAX_ARB + 1);
	if (byte(in) & 1 && want >= 0)
		plen = want;
	proof = hashes(in, plen);
	memset(leaf, 0x00, HLEN);
	memset(root, 0xff, HLEN);
	rc = ecap_merkle_inclusion_verify(leaf, index, size, proof, plen, root);
	CHECK(valid_result(rc));
	CHECK((rc == ECAP_MERKLE_MALFORMED) == (want < 0 || plen != (size_t)want));
	free(proof);

	want = ecap_merkle_consistency_len(old, new);
	CHECK(want == ref_consistency_len(old, new));
	CHECK(want <= ECAP_MERKLE_MAX_PROOF);
	plen = byte(in) % (MAX_ARB + 1);
	if (byte(in) & 1 && want >= 0)
		plen = want;
	proof = hashes(in, plen);
	/* Roots: the empty tree's or from the input; the new one may be the old one. */
	sel = byte(in);
	if (sel & 1)
		ecap_sha256(old_root, "", 0);
	else
		take_hash(in, old_root);
	if (sel & 2)
		memcpy(new_root, old_root, HLEN);
	else
		take_hash(in, new_root);
	rc = ecap_merkle_consistency_verify(old, new, old_root, new_root, proof, plen);
	CHECK(valid_result(rc));
	CHECK((rc == ECAP_MERKLE_MALFORMED) == (want < 0 || plen != (size_t)want));
	/*
	 * With no proof to check: equal sizes need equal roots, and every tree extends
	 * the empty one, if the old root claimed is the empty tree's.
	 */
	if (old == new && plen == 0)
		CHECK(rc == (memcmp(old_root, new_root, HLEN) == 0 ?
		    ECAP_MERKLE_OK : ECAP_MERKLE_MISMATCH));
	else if (old == 0 && plen == 0)
		CHECK(rc == (memcmp(old_root, empty, HLEN) == 0 ?
		    ECAP_MERKLE_OK : ECAP_MERKLE_MISMATCH));
	free(proof);
}

/* Inclusion of leaf index in the first size leaves. */
static void
inclusion(const ecap_merkle_hash *leaves, uint64_t size, uint64_t index, unsigned bit)
{
	ecap_merkle_hash root, ref_root, leaf, *room, *proof, *longer;
	ecap_merkle_hash ref[ECAP_MERKLE_MAX_PROOF];
	int len, rlen = 0, i;

	room = malloc(ECAP_MERKLE_MAX_PROOF * HLEN);
	CHECK(room != NULL);
	len = ecap_merkle_inclusion_proof(room, leaves, size, index);
	CHECK(len == ecap_merkle_inclusion_len(index, size));
	ref_path(ref, &rlen, index, leaves, size);
	CHECK(len == rlen && memcmp(room, ref, (size_t)len * HLEN) == 0);
	proof = exact(room, len);
	free(room);

	ecap_merkle_root_of(root, leaves, size);
	ref_mth(ref_root, leaves, size);
	CHECK(memcmp(root, ref_root, HLEN) == 0);
	memcpy(leaf, leaves[index], HLEN);
	CHECK(ecap_merkle_inclusion_verify(leaf, index, size, proof, len, root) ==
	    ECAP_MERKLE_OK);

	/* One hash more or less is malformed. */
	longer = malloc((size_t)(len + 1) * HLEN);
	CHECK(longer != NULL);
	memcpy(longer, proof, (size_t)len * HLEN);
	memset(longer[len], 0, HLEN);
	CHECK(ecap_merkle_inclusion_verify(leaf, index, size, longer, len + 1, root) ==
	    ECAP_MERKLE_MALFORMED);
	if (len > 0)
		CHECK(ecap_merkle_inclusion_verify(leaf, index, size, proof, len - 1, root) ==
		    ECAP_MERKLE_MALFORMED);
	free(longer);

	/* Every hash counts: one bit flipped anywhere and the proof fails. */
	for (i = 0; i < len; i++) {
		flip(proof[i], bit);
		CHECK(ecap_merkle_inclusion_verify(leaf, index, size, proof, len, root) ==
		    ECAP_MERKLE_MISMATCH);
		flip(proof[i], bit);
	}
	flip(root, bit);
	CHECK(ecap_merkle_inclusion_verify(leaf, index, size, proof, len, root) ==
	    ECAP_MERKLE_MISMATCH);
	flip(root, bit);
	flip(leaf, bit);
	CHECK(ecap_merkle_inclusion_verify(leaf, index, size, proof, len, root) ==
	    ECAP_MERKLE_MISMATCH);
	flip(leaf, bit);
	free(proof);
}

/* Consistency of the first old leaves with the first new leaves. */
static void
consistency(const ecap_merkle_hash *leaves, uint64_t old, uint64_t new, unsigned bit)
{
	ecap_merkle_hash old_root, new_root, ref_root, *room, *proof;
	ecap_merkle_hash ref[ECAP_MERKLE_MAX_PROOF];
	int len, rlen = 0, i;

	room = malloc(ECAP_MERKLE_MAX_PROOF * HLEN);
	CHECK(room != NULL);
	len = ecap_merkle_consistency_proof(room, leaves, new, old);
	CHECK(len == ecap_merkle_consistency_len(old, new));
	if (old > 0 && old < new)
		ref_subproof(ref, &rlen, old, leaves, new, 1);
	CHECK(len == rlen && memcmp(room, ref, (size_t)len * HLEN) == 0);
	proof = exact(room, len);
	free(room);

	ecap_merkle_root_of(old_root, leaves, old);
	ref_mth(ref_root, leaves, old);
	CHECK(memcmp(old_root, ref_root, HLEN) == 0);
	ecap_merkle_root_of(new_root, leaves, new);
	ref_mth(ref_root, leaves, new);
	CHECK(memcmp(new_root, ref_root, HLEN) == 0);
	CHECK(ecap_merkle_consistency_verify(old, new, old_root, new_root, proof, len) ==
	    ECAP_MERKLE_OK);
	if (len > 0)
		CHECK(ecap_merkle_consistency_verify(old, new, old_root, new_root, proof,
		    len - 1) == ECAP_MERKLE_MALFORMED);

	for (i = 0; i < len; i++) {
		flip(proof[i], bit);
		CHECK(ecap_merkle_consistency_verify(old, new, old_root, new_root, proof, len) ==
		    ECAP_MERKLE_MISMATCH);
		flip(proof[i], bit);
	}
	/*
	 * The old root always counts (for old == 0 it must be the empty tree's); the
	 * new one does too, except that the empty tree is a prefix of every tree.
	 */
	flip(old_root, bit);
	CHECK(ecap_merkle_consistency_verify(old, new, old_root, new_root, proof, len) ==
	    ECAP_MERKLE_MISMATCH);
	flip(old_root, bit);
	flip(new_root, bit);
	CHECK(ecap_merkle_consistency_verify(old, new, old_root, new_root, proof, len) ==
	    (old == 0 && new > 0 ? ECAP_MERKLE_OK : ECAP_MERKLE_MISMATCH));
	flip(new_root, bit);
	free(proof);
}

/* Part 2: a real tree of up to MAX_LEAVES leaves cut from the input. */
static void
tree(struct in *in)
{
	struct ecap_span spans[MAX_LEAVES];
	struct ecap_merkle m;
	ecap_merkle_hash *leaves, *again, root, ref_root;
	uint64_t n, i, size, index, old, new;
	unsigned bit;

	n = byte(in) % (MAX_LEAVES + 1);
	size = n ? byte(in) % n + 1 : 0;
	index = size ? byte(in) % size : 0;
	new = byte(in) % (n + 1);
	old = byte(in) % (new + 1);
	bit = byte(in);
	for (i = 0; i < n; i++) {
		size_t len = byte(in) % (MAX_LEAF + 1);

		spans[i].p = in->p;
		spans[i].len = len < in->n ? len : in->n;
		in->p += spans[i].len;
		in->n -= spans[i].len;
	}

	leaves = malloc(n ? n * HLEN : 1);
	again = malloc(n ? n * HLEN : 1);
	CHECK(leaves != NULL && again != NULL);
	ecap_merkle_init(&m);
	for (i = 0; i < n; i++) {
		ecap_merkle_leaf_hash(leaves[i], spans[i].p, spans[i].len);
		ecap_merkle_push(&m, leaves[i]);
	}
	ecap_merkle_leaf_hashes(again, spans, n, 2);
	CHECK(memcmp(leaves, again, n * HLEN) == 0);
	free(again);
	ecap_merkle_root(&m, root);
	ref_mth(ref_root, leaves, n);
	CHECK(m.size == n && memcmp(root, ref_root, HLEN) == 0);

	if (size > 0)
		inclusion(leaves, size, index, bit);
	consistency(leaves, old, new, bit);
	free(leaves);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };

	arbitrary(&in);
	tree(&in);
	return 0;
}
