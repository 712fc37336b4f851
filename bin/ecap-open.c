/* ecap-open: verify and decrypt a capsule, ecap(5), for wasm-exec or as plaintext. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "capsule.h"
#include "compress.h"
#include "err.h"
#include "frame.h"
#include "hex.h"
#include "keys.h"
#include "parallel.h"
#include "parse.h"
#include "secmem.h"
#include "sshsig.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: ecap-open [--key-file FILE | --keyring NAME] [-i IDENTITY]...\n"
	    "                 [--allowed-signers FILE] [--raw | -o OUT] [--no-stdin]\n"
	    "                 [--audit | --audit-db FILE] [-j THREADS] [CAPSULE]\n");
	ecap_usage_exit(status);
}

struct sink {
	int frames;			/* exec/1 stream, or raw plaintext */
	struct ecap_frame_writer w;
	struct ecap_out out;
	const char *outname;
	const char *name;		/* the capsule, for messages */
	struct ecap_audit *audit;	/* the audit log, or NULL: auditing is off */
	const struct ecap_capsule *c;	/* once its header verified */
	char capsule_id[65];		/* its header hash, hex */
	struct ecap_decompress *unz;	/* a compressed payload's decompressor, or NULL */
};

/* CapsuleLoad: the header verified (ecap-open(1), AUDIT). */
static void
audit_load(struct sink *s, const struct ecap_capsule *c)
{
	json_t *o = json_object();
	const char *id = ecap_capsule_meta(c, "id");
	char hex[65], fp[64];

	json_object_set_new(o, "capsule_id", json_string(s->capsule_id));
	json_object_set_new(o, "header_hash", json_string(s->capsule_id));
	ecap_hex_encode(hex, c->capsule_hash, 32);
	json_object_set_new(o, "capsule_hash", json_string(hex));
	ecap_hex_encode(hex, c->root, 32);
	json_object_set_new(o, "root", json_string(hex));
	if (c->is_signed) {
		ecap_sshkey_fingerprint(&c->signer, fp);
		json_object_set_new(o, "signer", json_string(fp));
	}
	if (c->principal != NULL)
		json_object_set_new(o, "principal", json_string(c->principal->principals));
	json_object_set_new(o, "pages", json_integer((json_int_t)c->pages));
	if (c->opened_by != NULL) {
		ecap_hex_encode(hex, c->opened_by->keyid, sizeof(c->opened_by->keyid));
		json_object_set_new(o, "key_id", json_string(hex));
		json_object_set_new(o, "key_kind", json_string(
		    c->opened_by->kind == ECAP_STANZA_SYM ? "key" : "x25519"));
	}
	if (id != NULL)
		json_object_set_new(o, "id", json_string(id));
	ecap_audit_xappend(s->audit, "CapsuleLoad", o);
}

/* Plaintext out: a BODY frame, or raw bytes. */
static void
emit(void *arg, const unsigned char *plain, size_t len)
{
	struct sink *s = arg;

	if (s->frames)
		ecap_frame_write(&s->w, "BODY", plain, len);
	else
		ecap_writeall(s->out.fd, plain, len, s->outname);
}

/* Compare dotted versions "1.2.3"; returns <0, 0, >0. */
static int
vercmp(const char *a, const char *b)
{
	while (*a != '\0' || *b != '\0') {
		char *ea, *eb;
		unsigned long x = strtoul(a, &ea, 10), y = strtoul(b, &eb, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (ea == a && eb == b)
			break;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
	}
	return 0;
}

static void
on_header(void *arg, const struct ecap_capsule *c)
{
	struct sink *s = arg;
	const char *min = ecap_capsule_meta(c, "min-toolkit-version");
	char hex[65], fp[64];
	char *meta = NULL;
	size_t len = 0, i;
	FILE *m;

	if (min != NULL && vercmp(min, ecap_version) > 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: the capsule needs toolkit version %s or later; this "
		    "is %s", s->name, min, ecap_version);
	s->c = c;
	ecap_hex_encode(s->capsule_id, c->header_hash, 32);
	if (c->compression == ECAP_COMPRESS_ZSTD) {
		uint64_t size = 0;

		(void)ecap_parse_u64(ecap_capsule_meta(c, ECAP_COMPRESS_SIZE_KEY), &size);
		if ((s->unz = ecap_decompress_new(size, emit, s)) == NULL)
			ecap_errx(ECAP_EXIT_ERR, "%s: out of memory", s->name);
	}
	if (s->audit != NULL)
		audit_load(s, c);
	if (!s->frames)
		return;
	/* META: the signed metadata, then what the opener established. */
	m = open_memstream(&meta, &len);
	if (m == NULL)
		ecap_err(ECAP_EXIT_ERR, "open_memstream");
	for (i = 0; i < c->nmeta; i++)
		fprintf(m, "%s\n", c->meta[i]);
	ecap_hex_encode(hex, c->header_hash, 32);
	fprintf(m, "x-header-hash=%s\n", hex);
	ecap_hex_encode(hex, c->capsule_hash, 32);
	fprintf(m, "x-capsule-hash=%s\n", hex);
	ecap_hex_encode(hex, c->root, 32);
	fprintf(m, "x-merkle-root=%s\n", hex);
	if (c->is_signed) {
		ecap_sshkey_fingerprint(&c->signer, fp);
		fprintf(m, "x-signer=%s\n", fp);
		if (c->principal != NULL)
			fprintf(m, "x-principal=%s\n", c->principal->principals);
	}
	fclose(m);
	ecap_frame_begin(&s->w, "exec", 1);
	ecap_frame_write(&s->w, "META", meta, len);
	free(meta);
}

static void
on_page(void *arg, uint64_t index, const unsigned char *plain, size_t len)
{
	struct sink *s = arg;
	char why[256];

	if (s->audit != NULL) {
		/* PageDecrypt, committed before the page goes out: its leaf hash, never its text. */
		char hex[65];

		ecap_hex_encode(hex, s->c->table[index], sizeof(s->c->table[index]));
		ecap_audit_xappend(s->audit, "PageDecrypt", json_pack("{s:s, s:I, s:s}",
		    "capsule_id", s->capsule_id, "index", (json_int_t)index, "leaf_hash", hex));
	}
	if (s->unz == NULL)
		emit(s, plain, len);
	else if (ecap_decompress_feed(s->unz, plain, len, why, sizeof(why)) < 0)
		ecap_errx(ECAP_EXIT_TAMPERED, "%s: page %llu: %s", s->name,
		    (unsigned long long)index, why);
}

int
main(int argc, char *argv[])
{
	enum { O_KEYFILE = 256, O_KEYRING, O_SIGNERS, O_RAW, O_NOSTDIN, O_AUDIT, O_AUDITDB };
	static const struct option longopts[] = {
		{ "key-file", required_argument, NULL, O_KEYFILE },
		{ "keyring", required_argument, NULL, O_KEYRING },
		{ "identity", required_argument, NULL, 'i' },
		{ "allowed-signers", required_argument, NULL, O_SIGNERS },
		{ "raw", no_argument, NULL, O_RAW },
		{ "no-stdin", no_argument, NULL, O_NOSTDIN },
		{ "output", required_argument, NULL, 'o' },
		{ "audit", no_argument, NULL, O_AUDIT },
		{ "audit-db", required_argument, NULL, O_AUDITDB },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ecap_open_opts o = { 0 };
	struct ecap_symkey sym;
	struct ecap_x25519 *ids = NULL;
	struct ecap_allowed_signers signers;
	struct ecap_capsule c;
	struct sink s = { .frames = 1 };
	const char *keyfile = NULL, *keyring = NULL, *signersfile = NULL, *outpath = NULL, *path;
	const char *auditdb = NULL;
	unsigned char seen[512] = { 0 };
	char why[256];
	size_t nids = 0;
	int ch, fd, raw = 0, nostdin = 0, auditing = 0;

	ecap_setprogname(argv[0]);
	ecap_secmem_harden();
	o.threads = ecap_ncpu();
	while ((ch = getopt_long(argc, argv, "hi:j:o:", longopts, NULL)) != -1) {
		if (ch != 'i' && ch > 0 && ch < (int)sizeof(seen) && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
		switch (ch) {
		case O_KEYFILE: keyfile = optarg; break;
		case O_KEYRING: keyring = optarg; break;
		case O_SIGNERS: signersfile = optarg; break;
		case O_RAW: raw = 1; break;
		case O_NOSTDIN: nostdin = 1; break;
		case O_AUDIT: auditing = 1; break;
		case O_AUDITDB: auditdb = optarg; break;
		case 'o': outpath = optarg; break;
		case 'j':
			o.threads = ecap_xparse_threads(optarg);
			break;
		case 'i': {
			struct ecap_x25519 x;

			if (ecap_x25519_load_identity(&x, optarg, why) < 0)
				ecap_errx(ECAP_EXIT_ERR, "%s", why);
			ids = ecap_xrealloc(ids, (nids + 1) * sizeof(*ids));
			ids[nids++] = x;
			explicit_bzero(&x, sizeof(x));
			break;
		}
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || (raw && outpath != NULL))
		usage(ECAP_EXIT_ERR);
	if (auditing && auditdb != NULL)
		ecap_errx(ECAP_EXIT_ERR, "give --audit or --audit-db, not both");
	path = argc == 1 ? argv[0] : "-";

	if (keyfile != NULL || keyring != NULL || nids == 0) {
		ecap_symkey_xfind(&sym, keyfile, keyring, "--key-file, --keyring or -i");
		o.sym = &sym;
	}
	o.ids = ids;
	o.nids = nids;
	if (ecap_allowed_signers_xload(&signers, signersfile))
		o.signers = &signers;

	/* The audit log first: when it cannot be written, nothing is opened. */
	s.audit = ecap_audit_xopen_if(auditing, auditdb);

	fd = ecap_xopen(path, O_RDONLY);
	s.frames = !raw && outpath == NULL;
	ecap_out_open(&s.out, outpath ? outpath : "-");
	s.outname = ecap_displayname(s.out.path, 1);
	ecap_frame_writer_init(&s.w, s.out.fd, s.outname);
	o.header = on_header;
	o.page = on_page;
	o.arg = &s;
	s.name = ecap_displayname(path, 0);
	ecap_open(&o, fd, s.name, &c);
	if (s.unz != NULL) {
		if (ecap_decompress_end(s.unz, why, sizeof(why)) < 0)
			ecap_errx(ECAP_EXIT_TAMPERED, "%s: %s", s.name, why);
		ecap_decompress_free(s.unz);
	}

	if (s.frames) {
		/* The payload is complete and verified; then the guest's stdin as it comes. */
		ecap_frame_checkpoint(&s.w);
		if (!nostdin && strcmp(path, "-") != 0) {
			unsigned char buf[65536];
			ssize_t n;

			for (;;) {
				n = read(STDIN_FILENO, buf, sizeof(buf));
				if (n == 0)
					break;
				if (n < 0) {
					if (errno == EINTR)
						continue;
					ecap_err(ECAP_EXIT_ERR, "stdin");
				}
				ecap_frame_write(&s.w, "STDI", buf, (size_t)n);
			}
		}
		ecap_frame_end(&s.w);
	}
	ecap_out_commit(&s.out);
	ecap_audit_close(s.audit);
	ecap_capsule_free(&c);
	if (o.sym != NULL)
		explicit_bzero(&sym, sizeof(sym));
	if (ids != NULL) {
		explicit_bzero(ids, nids * sizeof(*ids));
		free(ids);
	}
	if (o.signers != NULL)
		ecap_allowed_signers_free(&signers);
	return ECAP_EXIT_OK;
}
