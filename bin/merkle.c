/* merkle: RFC 6962 Merkle tree roots, inclusion and consistency proofs of files. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "hex.h"
#include "json.h"
#include "merkle.h"
#include "parallel.h"
#include "parse.h"
#include "sha256.h"
#include "xio.h"

#define PIPE_BUFFER	(64u << 20)	/* bytes read from a pipe per round of threads */
#define BATCH_LEAVES	65536u		/* most leaves hashed per round of threads */
#define LEAF_MAX	(16u << 20)	/* largest -s, bytes */

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: merkle [-s BYTES | -s line | -t TYPE] [-j THREADS] [--json] [FILE...]\n"
	    "       merkle --leaves [-s BYTES | -s line | -t TYPE] [--json] [FILE]\n"
	    "       merkle proof [-s BYTES | -s line | -t TYPE] [--json] INDEX [FILE]\n"
	    "       merkle consistency [-s BYTES | -s line | -t TYPE] [--json] OLD NEW [FILE]\n"
	    "       merkle verify --root HEX --index I --size N [--proof FILE]\n"
	    "                     [--leaf-hash HEX | LEAFFILE]\n"
	    "       merkle verify-consistency --old-size M --old-root HEX\n"
	    "                     --new-size N --new-root HEX [PROOFFILE]\n");
	ecap_usage_exit(status);
}

enum split { SPLIT_BYTES, SPLIT_LINE, SPLIT_FRAME };

struct opts {
	enum split split;
	uint64_t leafsize;	/* SPLIT_BYTES */
	const char *type;	/* SPLIT_FRAME */
	unsigned threads;
	int json, leaves;
	/* verify, verify-consistency */
	const char *root, *old_root, *new_root, *leaf_hash, *proof;
	const char *index, *size, *old_size, *new_size;
};

/* What hashing one input gives: the root always, every leaf when asked. */
struct tree {
	struct ecap_merkle m;
	uint64_t bytes;
	int keep;
	ecap_merkle_hash *hash;
	uint64_t *off, *len;
	size_t n, cap;
};

static void
tree_add(struct tree *t, const ecap_merkle_hash h, uint64_t off, uint64_t len)
{
	ecap_merkle_push(&t->m, h);
	t->bytes += len;
	if (!t->keep)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->hash = ecap_xrealloc(t->hash, t->cap * sizeof(*t->hash));
		t->off = ecap_xrealloc(t->off, t->cap * sizeof(*t->off));
		t->len = ecap_xrealloc(t->len, t->cap * sizeof(*t->len));
	}
	memcpy(t->hash[t->n], h, sizeof(t->hash[0]));
	t->off[t->n] = off;
	t->len[t->n] = len;
	t->n++;
}

static void
tree_free(struct tree *t)
{
	free(t->hash);
	free(t->off);
	free(t->len);
}

/*
 * Cut buf[0..len) into leaves: fixed-size pieces or lines (each with its
 * newline).  Unless eof, a piece that may still grow is left for later.
 * Returns the number of spans, consumed bytes in *used.
 */
static size_t
cut(const struct opts *o, const unsigned char *buf, size_t len, int eof,
    struct ecap_span *sp, size_t *used)
{
	size_t n = 0, pos = 0;

	while (pos < len && n < BATCH_LEAVES) {
		size_t piece;

		if (o->split == SPLIT_BYTES) {
			piece = len - pos < o->leafsize ? len - pos : o->leafsize;
			if (piece < o->leafsize && !eof)
				break;
		} else {
			const unsigned char *nl = memchr(buf + pos, '\n', len - pos);

			if (nl == NULL && !eof)
				break;
			piece = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
		}
		sp[n].p = buf + pos;
		sp[n].len = piece;
		n++;
		pos += piece;
	}
	*used = pos;
	return n;
}

static void
add_spans(const struct opts *o, struct tree *t, const struct ecap_span *sp, size_t n,
    ecap_merkle_hash *hb, uint64_t base, const unsigned char *buf)
{
	size_t i;

	ecap_merkle_leaf_hashes(hb, sp, n, o->threads);
	for (i = 0; i < n; i++)
		tree_add(t, hb[i], base + (uint64_t)(sp[i].p - buf), sp[i].len);
}

static void
hash_frames(const struct opts *o, struct tree *t, int fd, const char *name)
{
	struct ecap_frame_reader r;
	struct ecap_frame f;
	ecap_merkle_hash h;

	ecap_frame_reader_fd(&r, fd, name, ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY);
	/* A leaf hash is what the stream hash takes of a payload too: computed once. */
	ecap_frame_reader_defer(&r, o->type);
	while (ecap_frame_xread(&r, &f) > 0) {
		if (memcmp(f.type, o->type, 4) != 0)
			continue;
		ecap_merkle_leaf_hash(h, f.data, f.len);
		ecap_frame_reader_digest(&r, h);
		tree_add(t, h, f.off + ECAP_FRAME_HDR, f.len);
	}
	ecap_frame_reader_free(&r);
}

static void
hash_input(const struct opts *o, struct tree *t, const char *path)
{
	struct ecap_span *sp = ecap_xmalloc(BATCH_LEAVES * sizeof(*sp));
	ecap_merkle_hash *hb = ecap_xmalloc(BATCH_LEAVES * sizeof(*hb));
	const char *name = ecap_displayname(path, 0);
	int fd = ecap_xopen(path, O_RDONLY);
	struct stat st;
	size_t n, used;

	ecap_merkle_init(&t->m);
	if (o->split == SPLIT_FRAME) {
		hash_frames(o, t, fd, name);
		goto done;
	}
	if (fstat(fd, &st) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", name);
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		/* A regular file is hashed where it lies in the page cache. */
		size_t size = st.st_size, pos = 0;
		unsigned char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (map != MAP_FAILED) {
			madvise(map, size, MADV_SEQUENTIAL);
			while (pos < size) {
				n = cut(o, map + pos, size - pos, 1, sp, &used);
				add_spans(o, t, sp, n, hb, 0, map);
				pos += used;
			}
			munmap(map, size);
			goto done;
		}
	}
	{
		/* A pipe, or anything else: read in batches, carrying the unfinished leaf over. */
		size_t cap = PIPE_BUFFER, len = 0;
		uint64_t base = 0;
		unsigned char *buf = ecap_xmalloc(cap);
		int eof = 0;

		if (o->split == SPLIT_BYTES && cap < 2 * o->leafsize)
			cap = 2 * o->leafsize, buf = ecap_xrealloc(buf, cap);
		while (!eof || len > 0) {
			size_t got;

			if (!eof) {
				got = ecap_readall(fd, buf + len, cap - len, name);
				eof = got < cap - len;
				len += got;
			}
			n = cut(o, buf, len, eof, sp, &used);
			add_spans(o, t, sp, n, hb, base, buf);
			if (used == 0 && !eof && len == cap) {
				/* One line longer than the buffer. */
				cap *= 2;
				buf = ecap_xrealloc(buf, cap);
			}
			memmove(buf, buf + used, len - used);
			len -= used;
			base += used;
		}
		free(buf);
	}
done:
	if (fd != STDIN_FILENO)
		close(fd);
	free(sp);
	free(hb);
}

static void
print_hash(const unsigned char *h)
{
	char hex[2 * ECAP_MERKLE_HASH_LEN + 1];

	ecap_hex_encode(hex, h, ECAP_MERKLE_HASH_LEN);
	puts(hex);
}

static json_t *
json_hashes(const ecap_merkle_hash *h, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, ecap_json_hex(h[i], ECAP_MERKLE_HASH_LEN));
	return a;
}

static void
finish_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
}

static int
cmd_root(const struct opts *o, int argc, char **argv)
{
	static char stdin_name[] = "-";
	static char *dash[] = { stdin_name };
	int i;

	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	if (o->leaves && argc > 1)
		usage(ECAP_EXIT_ERR);
	for (i = 0; i < argc; i++) {
		struct tree t = { .keep = o->leaves };
		ecap_merkle_hash root;
		char hex[2 * ECAP_MERKLE_HASH_LEN + 1];
		size_t k;

		hash_input(o, &t, argv[i]);
		ecap_merkle_root(&t.m, root);
		if (o->leaves) {
			for (k = 0; k < t.n; k++) {
				if (o->json)
					ecap_json_print(json_pack("{s:I, s:I, s:I, s:o}",
					    "index", (json_int_t)k, "offset", (json_int_t)t.off[k],
					    "length", (json_int_t)t.len[k], "leaf_hash",
					    ecap_json_hex(t.hash[k], ECAP_MERKLE_HASH_LEN)));
				else
					print_hash(t.hash[k]);
			}
		} else if (o->json) {
			ecap_json_print(json_pack("{s:s, s:o, s:I, s:I}", "file",
			    ecap_displayname(argv[i], 0),
			    "root", ecap_json_hex(root, sizeof(root)), "size", (json_int_t)t.m.size,
			    "bytes", (json_int_t)t.bytes));
		} else {
			ecap_hex_encode(hex, root, sizeof(root));
			printf("%s  %s\n", hex, argv[i]);
		}
		tree_free(&t);
	}
	finish_stdout();
	return ECAP_EXIT_OK;
}

static uint64_t
number(const char *what, const char *s)
{
	uint64_t v;

	if (s == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s is required", what);
	if (ecap_parse_u64(s, &v) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a number: '%s'", what, s);
	return v;
}

static void
hash_arg(unsigned char *out, const char *what, const char *s)
{
	if (s == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s is required", what);
	if (ecap_hex_decode(out, ECAP_MERKLE_HASH_LEN, s) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a 64-digit hex SHA-256 hash: '%s'", what, s);
}

static int
cmd_proof(const struct opts *o, int argc, char **argv)
{
	ecap_merkle_hash proof[ECAP_MERKLE_MAX_PROOF], root;
	struct tree t = { .keep = 1 };
	const char *path;
	uint64_t index;
	int n, i;

	if (argc < 1 || argc > 2)
		usage(ECAP_EXIT_ERR);
	index = number("INDEX", argv[0]);
	path = argc == 2 ? argv[1] : "-";
	hash_input(o, &t, path);
	if (index >= t.n)
		ecap_errx(ECAP_EXIT_ERR, "%s: no leaf %llu: the tree has %zu leaves",
		    ecap_displayname(path, 0), (unsigned long long)index, t.n);
	n = ecap_merkle_inclusion_proof(proof, t.hash, t.n, index);
	ecap_merkle_root(&t.m, root);
	if (o->json)
		ecap_json_print(json_pack("{s:I, s:I, s:o, s:o, s:o}", "index", (json_int_t)index,
		    "size", (json_int_t)t.n, "root", ecap_json_hex(root, sizeof(root)),
		    "leaf_hash", ecap_json_hex(t.hash[index], ECAP_MERKLE_HASH_LEN),
		    "proof", json_hashes(proof, n)));
	else
		for (i = 0; i < n; i++)
			print_hash(proof[i]);
	tree_free(&t);
	finish_stdout();
	return ECAP_EXIT_OK;
}

static int
cmd_consistency(const struct opts *o, int argc, char **argv)
{
	ecap_merkle_hash proof[ECAP_MERKLE_MAX_PROOF], oldroot, newroot;
	struct tree t = { .keep = 1 };
	const char *path;
	uint64_t old, new;
	int n, i;

	if (argc < 2 || argc > 3)
		usage(ECAP_EXIT_ERR);
	old = number("OLD", argv[0]);
	new = number("NEW", argv[1]);
	if (old > new)
		ecap_errx(ECAP_EXIT_ERR, "OLD (%llu) is larger than NEW (%llu)",
		    (unsigned long long)old, (unsigned long long)new);
	path = argc == 3 ? argv[2] : "-";
	hash_input(o, &t, path);
	if (new > t.n)
		ecap_errx(ECAP_EXIT_ERR, "%s: has %zu leaves, fewer than NEW (%llu)",
		    ecap_displayname(path, 0), t.n, (unsigned long long)new);
	n = ecap_merkle_consistency_proof(proof, t.hash, new, old);
	if (o->json) {
		ecap_merkle_root_of(oldroot, t.hash, old);
		ecap_merkle_root_of(newroot, t.hash, new);
		ecap_json_print(json_pack("{s:I, s:I, s:o, s:o, s:o}", "old_size",
		    (json_int_t)old, "new_size", (json_int_t)new, "old_root",
		    ecap_json_hex(oldroot, sizeof(oldroot)), "new_root",
		    ecap_json_hex(newroot, sizeof(newroot)), "proof", json_hashes(proof, n)));
	} else {
		for (i = 0; i < n; i++)
			print_hash(proof[i]);
	}
	tree_free(&t);
	finish_stdout();
	return ECAP_EXIT_OK;
}

/* Read a proof file, and refuse one of the wrong length before any hashing. */
static size_t
read_proof(const char *path, ecap_merkle_hash *proof, int want, const char *what)
{
	const char *name = ecap_displayname(path, 0);
	int fd = ecap_xopen(path, O_RDONLY);
	size_t n = ecap_read_hashes(fd, name, proof, ECAP_MERKLE_MAX_PROOF);

	if (fd != STDIN_FILENO)
		close(fd);
	if (n != (size_t)want)
		ecap_errx(ECAP_EXIT_ERR, "%s: proof has %zu hashes; %s takes %d", name, n, what,
		    want);
	return n;
}

static int
cmd_verify(const struct opts *o, int argc, char **argv)
{
	ecap_merkle_hash proof[ECAP_MERKLE_MAX_PROOF], root, leaf;
	uint64_t index, size;
	size_t plen = 0;
	char what[128];
	int want;

	if (argc > 1 || (argc == 1 && o->leaf_hash != NULL))
		usage(ECAP_EXIT_ERR);
	hash_arg(root, "--root", o->root);
	index = number("--index", o->index);
	size = number("--size", o->size);
	if ((want = ecap_merkle_inclusion_len(index, size)) < 0)
		ecap_errx(ECAP_EXIT_ERR, "--index %llu is not below --size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	if (o->leaf_hash != NULL)
		hash_arg(leaf, "--leaf-hash", o->leaf_hash);
	snprintf(what, sizeof(what), "leaf %llu of a tree of %llu", (unsigned long long)index,
	    (unsigned long long)size);
	if (o->proof != NULL)
		plen = read_proof(o->proof, proof, want, what);
	else if (want != 0)
		ecap_errx(ECAP_EXIT_ERR, "--proof is required: %s has a proof of %d hashes",
		    what, want);
	if (o->leaf_hash == NULL) {
		/* The leaf's data, hashed as it streams in. */
		const char *path = argc == 1 ? argv[0] : "-";
		const char *name = ecap_displayname(path, 0);
		int fd;
		static const unsigned char zero = 0;
		unsigned char buf[65536];
		ecap_sha256_ctx c;
		size_t n;

		if (strcmp(path, "-") == 0 && o->proof != NULL && strcmp(o->proof, "-") == 0)
			ecap_errx(ECAP_EXIT_ERR, "the proof and the leaf cannot both come from stdin");
		fd = ecap_xopen(path, O_RDONLY);
		ecap_sha256_init(&c);
		ecap_sha256_update(&c, &zero, 1);
		while ((n = ecap_readall(fd, buf, sizeof(buf), name)) > 0)
			ecap_sha256_update(&c, buf, n);
		ecap_sha256_final(&c, leaf);
	}
	switch (ecap_merkle_inclusion_verify(leaf, index, size, proof, plen, root)) {
	case ECAP_MERKLE_OK:
		printf("inclusion verified: %s\n", what);
		finish_stdout();
		return ECAP_EXIT_OK;
	case ECAP_MERKLE_MISMATCH:
		ecap_errx(ECAP_EXIT_NO, "inclusion proof does not verify: %s does not lead to "
		    "--root", what);
	default:
		ecap_errx(ECAP_EXIT_ERR, "malformed inclusion proof for %s", what);
	}
}

static int
cmd_verify_consistency(const struct opts *o, int argc, char **argv)
{
	ecap_merkle_hash proof[ECAP_MERKLE_MAX_PROOF], oldroot, newroot;
	uint64_t old, new;
	size_t plen;
	char what[128];
	int want;

	if (argc > 1)
		usage(ECAP_EXIT_ERR);
	old = number("--old-size", o->old_size);
	new = number("--new-size", o->new_size);
	hash_arg(oldroot, "--old-root", o->old_root);
	hash_arg(newroot, "--new-root", o->new_root);
	if ((want = ecap_merkle_consistency_len(old, new)) < 0)
		ecap_errx(ECAP_EXIT_ERR, "--old-size %llu is larger than --new-size %llu",
		    (unsigned long long)old, (unsigned long long)new);
	snprintf(what, sizeof(what), "tree sizes %llu and %llu", (unsigned long long)old,
	    (unsigned long long)new);
	plen = read_proof(argc == 1 ? argv[0] : "-", proof, want, what);
	switch (ecap_merkle_consistency_verify(old, new, oldroot, newroot, proof, plen)) {
	case ECAP_MERKLE_OK:
		printf("consistency verified: %s\n", what);
		finish_stdout();
		return ECAP_EXIT_OK;
	case ECAP_MERKLE_MISMATCH:
		ecap_errx(ECAP_EXIT_NO, "consistency proof does not verify for %s: "
		    "the old tree is not a prefix of the new one", what);
	default:
		ecap_errx(ECAP_EXIT_ERR, "malformed consistency proof for %s", what);
	}
}

enum cmd { ROOT, PROOF, CONSISTENCY, VERIFY, VERIFY_CONSISTENCY };

int
main(int argc, char *argv[])
{
	enum { O_JSON = 256, O_LEAVES, O_ROOT, O_INDEX, O_SIZE, O_PROOF, O_LEAF_HASH,
	    O_OLD_SIZE, O_OLD_ROOT, O_NEW_SIZE, O_NEW_ROOT, O_HELP, O_VERSION };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "leaves", no_argument, NULL, O_LEAVES },
		{ "root", required_argument, NULL, O_ROOT },
		{ "index", required_argument, NULL, O_INDEX },
		{ "size", required_argument, NULL, O_SIZE },
		{ "proof", required_argument, NULL, O_PROOF },
		{ "leaf-hash", required_argument, NULL, O_LEAF_HASH },
		{ "old-size", required_argument, NULL, O_OLD_SIZE },
		{ "old-root", required_argument, NULL, O_OLD_ROOT },
		{ "new-size", required_argument, NULL, O_NEW_SIZE },
		{ "new-root", required_argument, NULL, O_NEW_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *names[] = { "", "proof", "consistency", "verify", "verify-consistency" };
	struct opts o = { .split = SPLIT_BYTES, .leafsize = 65536 };
	const char **slot;
	enum cmd cmd = ROOT;
	int ch, tree_opts = 0, verify_opts = 0, seen_j = 0, c;

	ecap_setprogname(argv[0]);
	for (c = PROOF; c <= VERIFY_CONSISTENCY; c++) {
		if (argc > 1 && strcmp(argv[1], names[c]) == 0) {
			cmd = c;
			argc--;
			argv++;
			break;
		}
	}
	o.threads = ecap_ncpu();
	while ((ch = getopt_long(argc, argv, "hj:s:t:", longopts, NULL)) != -1) {
		if ((ch == 's' || ch == 't') && tree_opts != 0)
			ecap_errx(ECAP_EXIT_ERR, "only one -s or -t may be given");
		if (ch == 'j' && seen_j++)
			ecap_errx(ECAP_EXIT_ERR, "-j given twice");
		slot = NULL;
		switch (ch) {
		case 's':
			if (strcmp(optarg, "line") == 0) {
				o.split = SPLIT_LINE;
			} else if (ecap_parse_size(optarg, &o.leafsize) < 0 || o.leafsize == 0 ||
			    o.leafsize > LEAF_MAX) {
				ecap_errx(ECAP_EXIT_ERR, "-s: not 'line' nor a leaf size of 1 to %u "
				    "bytes: '%s'", LEAF_MAX, optarg);
			}
			tree_opts |= 1;
			break;
		case 't':
			if (!ecap_frame_valid_type(optarg))
				ecap_errx(ECAP_EXIT_ERR, "-t: not a frame type: '%s'", optarg);
			o.split = SPLIT_FRAME;
			o.type = optarg;
			tree_opts |= 2;
			break;
		case 'j':
			o.threads = ecap_xparse_threads(optarg);
			break;
		case O_JSON: o.json = 1; break;
		case O_LEAVES: o.leaves = 1; break;
		case O_ROOT: slot = &o.root; break;
		case O_INDEX: slot = &o.index; break;
		case O_SIZE: slot = &o.size; break;
		case O_PROOF: slot = &o.proof; break;
		case O_LEAF_HASH: slot = &o.leaf_hash; break;
		case O_OLD_SIZE: slot = &o.old_size; break;
		case O_OLD_ROOT: slot = &o.old_root; break;
		case O_NEW_SIZE: slot = &o.new_size; break;
		case O_NEW_ROOT: slot = &o.new_root; break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
		if (slot != NULL) {
			if (*slot != NULL)
				ecap_errx(ECAP_EXIT_ERR, "--%s given twice",
				    longopts[ch - O_JSON].name);
			*slot = optarg;
			verify_opts = 1;
		}
	}
	argc -= optind;
	argv += optind;
	/* Each command takes only its own options. */
	switch (cmd) {
	case ROOT:
		if (verify_opts)
			usage(ECAP_EXIT_ERR);
		return cmd_root(&o, argc, argv);
	case PROOF:
		if (verify_opts || o.leaves)
			usage(ECAP_EXIT_ERR);
		return cmd_proof(&o, argc, argv);
	case CONSISTENCY:
		if (verify_opts || o.leaves)
			usage(ECAP_EXIT_ERR);
		return cmd_consistency(&o, argc, argv);
	case VERIFY:
		if (tree_opts || seen_j || o.json || o.leaves || o.old_size || o.old_root || o.new_size ||
		    o.new_root)
			usage(ECAP_EXIT_ERR);
		return cmd_verify(&o, argc, argv);
	case VERIFY_CONSISTENCY:
		if (tree_opts || seen_j || o.json || o.leaves || o.root || o.index || o.size || o.proof ||
		    o.leaf_hash)
			usage(ECAP_EXIT_ERR);
		return cmd_verify_consistency(&o, argc, argv);
	}
	usage(ECAP_EXIT_ERR);
}
