#include <string.h>

#include "err.h"
#include "merkle.h"
#include "parallel.h"
#include "sha256.h"

void
ecap_merkle_leaf_hash(ecap_merkle_hash out, const void *data, size_t len)
{
	static const unsigned char prefix = 0x00;
	ecap_sha256_ctx c;

	ecap_sha256_init(&c);
	ecap_sha256_update(&c, &prefix, 1);
	ecap_sha256_update(&c, data, len);
	ecap_sha256_final(&c, out);
}

void
ecap_merkle_node_hash(ecap_merkle_hash out, const ecap_merkle_hash left,
    const ecap_merkle_hash right)
{
	unsigned char buf[1 + 2 * ECAP_MERKLE_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, ECAP_MERKLE_HASH_LEN);
	memcpy(buf + 1 + ECAP_MERKLE_HASH_LEN, right, ECAP_MERKLE_HASH_LEN);
	ecap_sha256(out, buf, sizeof(buf));
}

struct leaves {
	ecap_merkle_hash *out;
	const struct ecap_span *leaves;
};

static void
hash_range(void *arg, size_t lo, size_t hi)
{
	struct leaves *l = arg;
	size_t i;

	for (i = lo; i < hi; i++)
		ecap_merkle_leaf_hash(l->out[i], l->leaves[i].p, l->leaves[i].len);
}

void
ecap_merkle_leaf_hashes(ecap_merkle_hash *out, const struct ecap_span *leaves,
    size_t n, unsigned nthreads)
{
	struct leaves l = { out, leaves };
	size_t i, total = 0;

	/* Threads pay off only for enough work; 1 MiB a thread is plenty. */
	for (i = 0; i < n; i++)
		total += leaves[i].len;
	while (nthreads > 1 && total / nthreads < (1u << 20))
		nthreads--;
	ecap_parallel_for(n, nthreads, hash_range, &l);
}

void
ecap_merkle_init(struct ecap_merkle *m)
{
	m->size = 0;
	m->top = 0;
}

void
ecap_merkle_push(struct ecap_merkle *m, const ecap_merkle_hash leaf)
{
	ecap_merkle_hash h;
	uint64_t k;

	/* Each trailing one bit of size is a perfect subtree the new leaf completes. */
	memcpy(h, leaf, sizeof(h));
	for (k = m->size; k & 1; k >>= 1)
		ecap_merkle_node_hash(h, m->stack[--m->top], h);
	memcpy(m->stack[m->top++], h, sizeof(h));
	m->size++;
}

void
ecap_merkle_root(const struct ecap_merkle *m, ecap_merkle_hash out)
{
	ecap_merkle_hash h;
	unsigned i;

	if (m->top == 0) {
		ecap_sha256(out, "", 0);
		return;
	}
	/* Fold the subtrees from the smallest (rightmost) up: RFC 6962's split. */
	memcpy(h, m->stack[m->top - 1], sizeof(h));
	for (i = m->top - 1; i-- > 0;)
		ecap_merkle_node_hash(h, m->stack[i], h);
	memcpy(out, h, sizeof(h));
}

void
ecap_merkle_root_of(ecap_merkle_hash out, const ecap_merkle_hash *leaves, uint64_t n)
{
	struct ecap_merkle m;
	uint64_t i;

	ecap_merkle_init(&m);
	for (i = 0; i < n; i++)
		ecap_merkle_push(&m, leaves[i]);
	ecap_merkle_root(&m, out);
}

/* The largest power of two smaller than n, for n >= 2. */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static int
bitlen(uint64_t x)
{
	return x == 0 ? 0 : 64 - __builtin_clzll(x);
}

/* The one bits of x from bit n up; n may be 64 (a shift by 64 is undefined in C). */
static int
popcount_above(uint64_t x, int n)
{
	return n >= 64 ? 0 : __builtin_popcountll(x >> n);
}

int
ecap_merkle_inclusion_len(uint64_t index, uint64_t size)
{
	int inner;

	if (index >= size)
		return -1;
	/* Levels below the point where the paths to index and to size-1 part, then the border. */
	inner = bitlen(index ^ (size - 1));
	return inner + popcount_above(index, inner);
}

int
ecap_merkle_consistency_len(uint64_t old, uint64_t new)
{
	int inner, border, shift;

	if (old > new)
		return -1;
	if (old == 0 || old == new)
		return 0;
	inner = bitlen((old - 1) ^ (new - 1));
	border = popcount_above(old - 1, inner);
	shift = __builtin_ctzll(old);
	/* The old tree's root of its 2^shift subtree comes first unless old is that subtree. */
	return inner - shift + border + (old != (uint64_t)1 << shift);
}

int
ecap_merkle_inclusion_proof(ecap_merkle_hash *proof, const ecap_merkle_hash *leaves,
    uint64_t size, uint64_t index)
{
	ecap_merkle_hash path[64];
	int len = 0, i;

	if (index >= size)
		return -1;
	/* PATH(m, D[n]) descends into the half holding m; the other half's root is the sibling. */
	while (size > 1) {
		uint64_t k = split(size);

		if (index < k) {
			ecap_merkle_root_of(path[len++], leaves + k, size - k);
			size = k;
		} else {
			ecap_merkle_root_of(path[len++], leaves, k);
			leaves += k;
			index -= k;
			size -= k;
		}
	}
	/* Collected from the top down; the proof lists them from the leaf up. */
	for (i = 0; i < len; i++)
		memcpy(proof[i], path[len - 1 - i], sizeof(path[0]));
	return len;
}

int
ecap_merkle_consistency_proof(ecap_merkle_hash *proof, const ecap_merkle_hash *leaves,
    uint64_t new, uint64_t old)
{
	ecap_merkle_hash path[ECAP_MERKLE_MAX_PROOF];
	int len = 0, i, complete = 1;

	if (old > new)
		return -1;
	if (old == 0 || old == new)
		return 0;
	/* SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2, unrolled; collected top down. */
	while (old != new) {
		uint64_t k = split(new);

		if (old <= k) {
			ecap_merkle_root_of(path[len++], leaves + k, new - k);
			new = k;
		} else {
			ecap_merkle_root_of(path[len++], leaves, k);
			leaves += k;
			old -= k;
			new -= k;
			complete = 0;
		}
	}
	if (!complete)
		ecap_merkle_root_of(path[len++], leaves, new);
	for (i = 0; i < len; i++)
		memcpy(proof[i], path[len - 1 - i], sizeof(path[0]));
	return len;
}

int
ecap_merkle_inclusion_verify(const ecap_merkle_hash leaf, uint64_t index, uint64_t size,
    const ecap_merkle_hash *proof, size_t plen, const ecap_merkle_hash root)
{
	ecap_merkle_hash r;
	uint64_t fn, sn;
	size_t i;
	int want = ecap_merkle_inclusion_len(index, size);

	if (want < 0 || plen != (size_t)want)
		return ECAP_MERKLE_MALFORMED;
	/* RFC 9162 §2.1.3.2. */
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, sizeof(r));
	for (i = 0; i < plen; i++) {
		if (sn == 0)
			return ECAP_MERKLE_MISMATCH;
		if ((fn & 1) || fn == sn) {
			ecap_merkle_node_hash(r, proof[i], r);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			ecap_merkle_node_hash(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(r, root, sizeof(r)) != 0)
		return ECAP_MERKLE_MISMATCH;
	return ECAP_MERKLE_OK;
}

int
ecap_merkle_consistency_verify(uint64_t old, uint64_t new, const ecap_merkle_hash old_root,
    const ecap_merkle_hash new_root, const ecap_merkle_hash *proof, size_t plen)
{
	ecap_merkle_hash fr, sr;
	uint64_t fn, sn;
	size_t i;
	int want = ecap_merkle_consistency_len(old, new);

	if (want < 0 || plen != (size_t)want)
		return ECAP_MERKLE_MALFORMED;
	if (old == new)
		return memcmp(old_root, new_root, ECAP_MERKLE_HASH_LEN) == 0 ?
		    ECAP_MERKLE_OK : ECAP_MERKLE_MISMATCH;
	if (old == 0) {
		/* Every tree extends the empty one, whose root is SHA-256 of nothing. */
		ecap_merkle_hash empty;

		ecap_sha256(empty, "", 0);
		return memcmp(old_root, empty, sizeof(empty)) == 0 ?
		    ECAP_MERKLE_OK : ECAP_MERKLE_MISMATCH;
	}
	/* RFC 9162 §2.1.4.2; a power-of-two old tree is its own first proof node. */
	i = 0;
	if ((old & (old - 1)) == 0) {
		memcpy(fr, old_root, sizeof(fr));
	} else {
		memcpy(fr, proof[0], sizeof(fr));
		i = 1;
	}
	memcpy(sr, fr, sizeof(sr));
	fn = old - 1;
	sn = new - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < plen; i++) {
		if (sn == 0)
			return ECAP_MERKLE_MISMATCH;
		if ((fn & 1) || fn == sn) {
			ecap_merkle_node_hash(fr, proof[i], fr);
			ecap_merkle_node_hash(sr, proof[i], sr);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			ecap_merkle_node_hash(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || memcmp(fr, old_root, sizeof(fr)) != 0 ||
	    memcmp(sr, new_root, sizeof(sr)) != 0)
		return ECAP_MERKLE_MISMATCH;
	return ECAP_MERKLE_OK;
}
