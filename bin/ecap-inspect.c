/* ecap-inspect: show and verify a capsule, ecap(5), without any key. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capsule.h"
#include "compress.h"
#include "err.h"
#include "hex.h"
#include "json.h"
#include "merkle.h"
#include "parallel.h"
#include "parse.h"
#include "sshsig.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: ecap-inspect [--verify] [--allowed-signers FILE] [--json] [CAPSULE]\n"
	    "       ecap-inspect --page N [--json] [CAPSULE]\n"
	    "       ecap-inspect --signature [CAPSULE]\n");
	ecap_usage_exit(status);
}

static const char *
hex32(const unsigned char *h, char out[65])
{
	ecap_hex_encode(out, h, 32);
	return out;
}

/* A compressed payload's size before compression (0 for none), from its metadata. */
static uint64_t
uncompressed(const struct ecap_capsule *c)
{
	uint64_t v = 0;

	if (c->compression == ECAP_COMPRESS_ZSTD)
		(void)ecap_parse_u64(ecap_capsule_meta(c, ECAP_COMPRESS_SIZE_KEY), &v);
	return v;
}

static void
print_text(const char *name, const struct ecap_capsule *c, int verified)
{
	char hex[65], fp[64], id[17];
	size_t i;

	printf("capsule: %s\n", name);
	printf("format: %s/%d\n", ECAP_CAPSULE_FORMAT, ECAP_CAPSULE_VERSION);
	printf("aead: %s\n", ecap_aead_name(c->aead));
	printf("page size: %u\n", c->page_size);
	printf("pages: %llu\n", (unsigned long long)c->pages);
	printf("payload: %llu bytes\n", (unsigned long long)c->payload_len);
	if (c->compression == ECAP_COMPRESS_ZSTD)
		printf("compression: zstd, %llu bytes before, ratio %.2f\n",
		    (unsigned long long)uncompressed(c), c->payload_len ?
		    (double)uncompressed(c) / (double)c->payload_len : 0.0);
	else
		printf("compression: none\n");
	if (c->stream_len != 0)
		printf("capsule size: %llu bytes\n", (unsigned long long)c->stream_len);
	printf("header: %llu bytes\n", (unsigned long long)c->header_len);
	printf("merkle root: %s\n", hex32(c->root, hex));
	printf("header hash: %s\n", hex32(c->header_hash, hex));
	printf("capsule hash: %s\n", hex32(c->capsule_hash, hex));
	for (i = 0; i < c->nstanzas; i++) {
		ecap_hex_encode(id, c->stanzas[i].keyid, 8);
		printf("stanza: %s %s\n", c->stanzas[i].kind == ECAP_STANZA_SYM ? "key" : "x25519",
		    id);
	}
	if (c->is_signed) {
		ecap_sshkey_fingerprint(&c->signer, fp);
		printf("signer: %s (%s)\n", fp, ecap_sshkey_type_label(c->signer.type));
		if (c->principal != NULL)
			printf("principal: %s\n", c->principal->principals);
		printf("signed: %llu bytes\n", (unsigned long long)c->signed_len);
	} else {
		printf("signer: none\n");
	}
	for (i = 0; i < c->nmeta; i++)
		printf("meta: %s\n", c->meta[i]);
	if (verified)
		printf("verified: page table, Merkle root, %s, every page, END\n",
		    c->is_signed ? "signature" : "no signature");
}

static void
print_json(const char *name, const struct ecap_capsule *c, int verified)
{
	json_t *j = json_object(), *st = json_array(), *meta = json_array();
	char id[17], fp[64];
	size_t i;

	json_object_set_new(j, "file", json_string(name));
	json_object_set_new(j, "format", json_sprintf("%s/%d", ECAP_CAPSULE_FORMAT,
	    ECAP_CAPSULE_VERSION));
	json_object_set_new(j, "aead", json_string(ecap_aead_name(c->aead)));
	json_object_set_new(j, "page_size", json_integer(c->page_size));
	json_object_set_new(j, "pages", json_integer((json_int_t)c->pages));
	json_object_set_new(j, "payload_bytes", json_integer((json_int_t)c->payload_len));
	json_object_set_new(j, "compression", json_string(c->compression == ECAP_COMPRESS_ZSTD ?
	    "zstd" : "none"));
	if (c->compression == ECAP_COMPRESS_ZSTD) {
		json_object_set_new(j, "uncompressed_bytes", json_integer((json_int_t)uncompressed(c)));
		json_object_set_new(j, "compression_ratio", json_real(c->payload_len ?
		    (double)uncompressed(c) / (double)c->payload_len : 0.0));
	}
	json_object_set_new(j, "header_bytes", json_integer((json_int_t)c->header_len));
	if (c->stream_len != 0)
		json_object_set_new(j, "bytes", json_integer((json_int_t)c->stream_len));
	json_object_set_new(j, "root", ecap_json_hex(c->root, 32));
	json_object_set_new(j, "header_hash", ecap_json_hex(c->header_hash, 32));
	json_object_set_new(j, "capsule_hash", ecap_json_hex(c->capsule_hash, 32));
	for (i = 0; i < c->nstanzas; i++) {
		ecap_hex_encode(id, c->stanzas[i].keyid, 8);
		json_array_append_new(st, json_pack("{s:s, s:s}", "key_kind",
		    c->stanzas[i].kind == ECAP_STANZA_SYM ? "key" : "x25519", "key_id", id));
	}
	json_object_set_new(j, "stanzas", st);
	for (i = 0; i < c->nmeta; i++)
		json_array_append_new(meta, json_string(c->meta[i]));
	json_object_set_new(j, "meta", meta);
	json_object_set_new(j, "signed", json_boolean(c->is_signed));
	if (c->is_signed) {
		ecap_sshkey_fingerprint(&c->signer, fp);
		json_object_set_new(j, "signer", json_string(fp));
		json_object_set_new(j, "signer_type", json_string(
		    ecap_sshkey_type_name(c->signer.type)));
		json_object_set_new(j, "signed_bytes", json_integer((json_int_t)c->signed_len));
		if (c->principal != NULL)
			json_object_set_new(j, "principal", json_string(c->principal->principals));
	}
	json_object_set_new(j, "verified", json_boolean(verified));
	ecap_json_print(j);
}

int
main(int argc, char *argv[])
{
	enum { O_VERIFY = 256, O_SIGNERS, O_JSON, O_PAGE, O_SIGNATURE };
	static const struct option longopts[] = {
		{ "verify", no_argument, NULL, O_VERIFY },
		{ "allowed-signers", required_argument, NULL, O_SIGNERS },
		{ "json", no_argument, NULL, O_JSON },
		{ "page", required_argument, NULL, O_PAGE },
		{ "signature", no_argument, NULL, O_SIGNATURE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ecap_open_opts o = { .keyless = 1, .header_only = 1 };
	struct ecap_allowed_signers signers;
	struct ecap_capsule c;
	const char *signersfile = NULL, *path = "-", *name;
	unsigned char seen[512] = { 0 };
	int ch, fd, verify = 0, json = 0, signature = 0, page = 0;
	uint64_t pageno = 0;

	ecap_setprogname(argv[0]);
	o.threads = ecap_ncpu();
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch > 0 && ch < (int)sizeof(seen) && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
		switch (ch) {
		case O_VERIFY: verify = 1; break;
		case O_SIGNERS: signersfile = optarg; break;
		case O_JSON: json = 1; break;
		case O_SIGNATURE: signature = 1; break;
		case O_PAGE:
			if (ecap_parse_u64(optarg, &pageno) < 0)
				ecap_errx(ECAP_EXIT_ERR, "--page: not a page number: '%s'", optarg);
			page = 1;
			break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1 || verify + page + signature > 1 || (signature && json))
		usage(ECAP_EXIT_ERR);
	if (argc == 1)
		path = argv[0];
	name = ecap_displayname(path, 0);
	if (ecap_allowed_signers_xload(&signers, signersfile))
		o.signers = &signers;
	o.header_only = !verify;
	fd = ecap_xopen(path, O_RDONLY);
	ecap_open(&o, fd, name, &c);

	if (page) {
		ecap_merkle_hash proof[ECAP_MERKLE_MAX_PROOF];
		char hex[65];
		int n, k;

		if (pageno >= c.pages)
			ecap_errx(ECAP_EXIT_ERR, "%s: no page %llu: the capsule has %llu", name,
			    (unsigned long long)pageno, (unsigned long long)c.pages);
		n = ecap_merkle_inclusion_proof(proof, c.table, c.pages, pageno);
		if (json) {
			json_t *a = json_array();

			for (k = 0; k < n; k++)
				json_array_append_new(a, ecap_json_hex(proof[k], 32));
			ecap_json_print(json_pack("{s:I, s:I, s:o, s:o, s:o}", "index",
			    (json_int_t)pageno, "size", (json_int_t)c.pages, "root",
			    ecap_json_hex(c.root, 32), "leaf_hash",
			    ecap_json_hex(c.table[pageno], 32), "proof", a));
		} else {
			for (k = 0; k < n; k++)
				puts(hex32(proof[k], hex));
		}
	} else if (signature) {
		/* The SSHSIG armor, for ssh-keygen -Y verify over the first signed_len bytes. */
		char *armor;

		if (!c.is_signed)
			ecap_errx(ECAP_EXIT_NO, "%s: the capsule is not signed", name);
		ecap_sshsig_armor(&armor, c.sig, c.siglen);
		fputs(armor, stdout);
		free(armor);
	} else if (json) {
		print_json(name, &c, verify);
	} else {
		print_text(name, &c, verify);
	}
	if (fflush(stdout) == EOF || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	ecap_capsule_free(&c);
	if (o.signers != NULL)
		ecap_allowed_signers_free(&signers);
	return ECAP_EXIT_OK;
}
