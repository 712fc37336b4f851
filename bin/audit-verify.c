/* audit-verify: prove the audit log, ecap-audit(5): chain, tree, checkpoints, proofs. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "err.h"
#include "hex.h"
#include "keys.h"
#include "merkle.h"
#include "parse.h"
#include "ssh.h"
#include "sshsig.h"
#include "xio.h"

#define NAMESPACE	"ecap-audit"
#define CHECKPOINT	"ecap-audit checkpoint\n"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: audit-verify [--db FILE]\n"
	    "       audit-verify [--db FILE] --checkpoint [--sign KEY]\n"
	    "       audit-verify [--db FILE] --since CHECKPOINT [--allowed-signers FILE]\n"
	    "       audit-verify [--db FILE] --proof SEQ\n"
	    "       audit-verify [--db FILE] --export jsonl\n"
	    "       audit-verify [--db FILE] --json [--type TYPE] [--after TIME] [--before TIME]\n"
	    "                    [--capsule ID]\n");
	ecap_usage_exit(status);
}

struct filter {
	const char *type, *after, *before, *capsule;
};

/* One event as a line of JSON: its fields and its body's, side by side. */
static int
print_event(void *arg, const struct ecap_audit_event *e)
{
	const struct filter *f = arg;
	json_t *o = json_loads(e->body, 0, NULL);
	char hex[2 * ECAP_SHA256_LEN + 1];

	if (o == NULL || !json_is_object(o))
		ecap_errx(ECAP_EXIT_ERR, "event %llu: its body is not a JSON object",
		    (unsigned long long)e->seq);
	if ((f->type != NULL && strcmp(e->type, f->type) != 0) ||
	    (f->after != NULL && strcmp(e->time, f->after) < 0) ||
	    (f->before != NULL && strcmp(e->time, f->before) >= 0) ||
	    (f->capsule != NULL && !(json_is_string(json_object_get(o, "capsule_id")) &&
	    strcmp(json_string_value(json_object_get(o, "capsule_id")), f->capsule) == 0))) {
		json_decref(o);
		return 0;
	}
	json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
	json_object_set_new(o, "time", json_string(e->time));
	json_object_set_new(o, "type", json_string(e->type));
	ecap_hex_encode(hex, e->hash, sizeof e->hash);
	json_object_set_new(o, "hash", json_string(hex));
	ecap_hex_encode(hex, e->prev, sizeof e->prev);
	json_object_set_new(o, "prev", json_string(hex));
	if (json_dumpf(o, stdout, JSON_COMPACT | JSON_SORT_KEYS) < 0 || putchar('\n') == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	json_decref(o);
	return 0;
}

/* The checkpoint text of the log now (without a signature). */
static char *
checkpoint_text(uint64_t size, const ecap_merkle_hash root)
{
	char hex[2 * ECAP_MERKLE_HASH_LEN + 1], now[21], *s;

	ecap_hex_encode(hex, root, ECAP_MERKLE_HASH_LEN);
	ecap_audit_now(now);
	if (asprintf(&s, CHECKPOINT "size %llu\nroot %s\ntime %s\n", (unsigned long long)size, hex,
	    now) < 0)
		ecap_err(ECAP_EXIT_ERR, "asprintf");
	return s;
}

static void
checkpoint(uint64_t size, const ecap_merkle_hash root, const char *keyfile)
{
	char *text = checkpoint_text(size, root), *armor, why[256];
	struct ecap_sshkey key;
	struct ecap_ssh_out sig;

	fputs(text, stdout);
	if (keyfile != NULL) {
		if (ecap_sshkey_load_private(&key, keyfile, why) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: %s", keyfile, why);
		memset(&sig, 0, sizeof sig);
		if (ecap_sshsig_sign(&key, NAMESPACE, text, strlen(text), &sig) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: not a private key", keyfile);
		ecap_sshsig_armor(&armor, sig.p, sig.len);
		fputs(armor, stdout);
		free(armor);
		ecap_ssh_out_free(&sig);
		ecap_sshkey_wipe(&key);
	}
	free(text);
}

/* Read a checkpoint file: its size and root; check its signature against the allowed signers. */
static void
read_checkpoint(const char *path, const char *signers, uint64_t *size, ecap_merkle_hash root)
{
	int fd = ecap_xopen(path, O_RDONLY);
	const char *name = ecap_displayname(path, 0);
	char buf[16384], hex[2 * ECAP_MERKLE_HASH_LEN + 2], timebuf[32], why[256];
	size_t len = ecap_readall(fd, buf, sizeof buf - 1, name), bodylen;
	const char *sigtext;
	struct ecap_allowed_signers as;
	int have_signers;

	if (fd != 0)
		close(fd);
	buf[len] = '\0';
	if (strncmp(buf, CHECKPOINT, strlen(CHECKPOINT)) != 0 ||
	    sscanf(buf + strlen(CHECKPOINT), "size %llu\nroot %65s\ntime %31s\n",
	    (unsigned long long *)size, hex, timebuf) != 3 || strlen(hex) != 64 ||
	    ecap_hex_decode(root, ECAP_MERKLE_HASH_LEN, hex) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not an ecap-audit checkpoint", name);
	sigtext = strstr(buf, "-----BEGIN SSH SIGNATURE-----");
	bodylen = sigtext ? (size_t)(sigtext - buf) : len;
	have_signers = ecap_allowed_signers_xload(&as, signers);
	if (sigtext == NULL && have_signers)
		ecap_errx(ECAP_EXIT_NO, "%s: the checkpoint is not signed", name);
	if (sigtext != NULL && !have_signers)
		ecap_errx(ECAP_EXIT_ERR, "%s: the checkpoint is signed: give --allowed-signers "
		    "(or ECAP_ALLOWED_SIGNERS) to check it", name);
	if (sigtext != NULL) {
		struct ecap_sshsig sig;
		unsigned char *blob;
		size_t bloblen;
		char fp[64];

		if (ecap_sshsig_dearmor(&blob, &bloblen, sigtext, why) < 0 ||
		    ecap_sshsig_parse(&sig, blob, bloblen, why) < 0)
			ecap_errx(ECAP_EXIT_NO, "%s: %s", name, why);
		if (ecap_sshsig_verify(&sig, NAMESPACE, buf, bodylen, why) != 0)
			ecap_errx(ECAP_EXIT_NO, "%s: %s", name, why);
		if (ecap_allowed_signers_find(&as, &sig.key, NAMESPACE,
		    (long long)time(NULL)) == NULL) {
			ecap_sshkey_fingerprint(&sig.key, fp);
			ecap_errx(ECAP_EXIT_NO, "%s: signed by %s, not an allowed signer", name, fp);
		}
		free(blob);
	}
	if (have_signers)
		ecap_allowed_signers_free(&as);
}

int
main(int argc, char *argv[])
{
	enum { O_DB = 256, O_CHECKPOINT, O_SIGN, O_SINCE, O_SIGNERS, O_PROOF, O_EXPORT, O_JSON,
	    O_TYPE, O_AFTER, O_BEFORE, O_CAPSULE };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "checkpoint", no_argument, NULL, O_CHECKPOINT },
		{ "sign", required_argument, NULL, O_SIGN },
		{ "since", required_argument, NULL, O_SINCE },
		{ "allowed-signers", required_argument, NULL, O_SIGNERS },
		{ "proof", required_argument, NULL, O_PROOF },
		{ "export", required_argument, NULL, O_EXPORT },
		{ "json", no_argument, NULL, O_JSON },
		{ "type", required_argument, NULL, O_TYPE },
		{ "after", required_argument, NULL, O_AFTER },
		{ "before", required_argument, NULL, O_BEFORE },
		{ "capsule", required_argument, NULL, O_CAPSULE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbpath = NULL, *sign = NULL, *since = NULL, *signers = NULL, *proof = NULL;
	struct filter filt = { NULL, NULL, NULL, NULL };
	int c, mode = 0, rc;
	struct ecap_audit *a;
	ecap_merkle_hash *leaves, root;
	uint64_t size, bad;
	char *path, why[512], hex[2 * ECAP_MERKLE_HASH_LEN + 1];

	ecap_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: dbpath = optarg; break;
		case O_CHECKPOINT: mode = O_CHECKPOINT; break;
		case O_SIGN: sign = optarg; break;
		case O_SINCE: since = optarg; mode = O_SINCE; break;
		case O_SIGNERS: signers = optarg; break;
		case O_PROOF: proof = optarg; mode = O_PROOF; break;
		case O_EXPORT:
			if (strcmp(optarg, "jsonl") != 0)
				ecap_errx(ECAP_EXIT_ERR, "--export %s: the format is jsonl", optarg);
			mode = O_EXPORT;
			break;
		case O_JSON: mode = O_JSON; break;
		case O_TYPE: filt.type = optarg; break;
		case O_AFTER: filt.after = optarg; break;
		case O_BEFORE: filt.before = optarg; break;
		case O_CAPSULE: filt.capsule = optarg; break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	if (optind != argc || (sign != NULL && mode != O_CHECKPOINT) ||
	    (signers != NULL && mode != O_SINCE) ||
	    ((filt.type || filt.after || filt.before || filt.capsule) && mode != O_JSON))
		usage(ECAP_EXIT_ERR);

	path = ecap_audit_path(dbpath);
	if (access(path, F_OK) < 0)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	if ((a = ecap_audit_open(path, 1, why, sizeof why)) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);

	if (mode == O_EXPORT || mode == O_JSON) {
		rc = ecap_audit_each(a, print_event, &filt, why, sizeof why);
		if (rc < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		ecap_audit_close(a);
		free(path);
		return ECAP_EXIT_OK;
	}

	rc = ecap_audit_verify(a, &size, &leaves, &bad, why, sizeof why);
	if (rc < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	if (rc == 1)
		ecap_errx(ECAP_EXIT_NO, "%s: %s", path, why);
	ecap_merkle_root_of(root, leaves, size);

	switch (mode) {
	case 0:
		ecap_hex_encode(hex, root, sizeof root);
		printf("%s: OK, %llu events, root %s\n", ecap_displayname(path, 0),
		    (unsigned long long)size, hex);
		break;
	case O_CHECKPOINT:
		checkpoint(size, root, sign);
		break;
	case O_SINCE: {
		uint64_t old;
		ecap_merkle_hash oldroot, *pf;
		int n;

		read_checkpoint(since, signers, &old, oldroot);
		if (old > size)
			ecap_errx(ECAP_EXIT_NO, "%s: the log has %llu events, fewer than the %llu of "
			    "the checkpoint: it was cut short", path, (unsigned long long)size,
			    (unsigned long long)old);
		pf = ecap_xcalloc(ECAP_MERKLE_MAX_PROOF, sizeof *pf);
		if (old > 0 && ((n = ecap_merkle_consistency_proof(pf, leaves, size, old)) < 0 ||
		    ecap_merkle_consistency_verify(old, size, oldroot, root, pf, (size_t)n) != 0))
			ecap_errx(ECAP_EXIT_NO, "%s: the log does not extend the checkpoint: its "
			    "first %llu events are not the ones the checkpoint saw", path,
			    (unsigned long long)old);
		free(pf);
		printf("%s: consistent: %llu events extend the checkpoint's %llu\n",
		    ecap_displayname(path, 0), (unsigned long long)size, (unsigned long long)old);
		break;
	}
	case O_PROOF: {
		uint64_t seq;
		ecap_merkle_hash *pf;
		int n, k;

		if (ecap_parse_u64(proof, &seq) < 0 || seq == 0 || seq > size)
			ecap_errx(ECAP_EXIT_ERR, "--proof %s: not an event of the log (1 to %llu)",
			    proof, (unsigned long long)size);
		pf = ecap_xcalloc(ECAP_MERKLE_MAX_PROOF, sizeof *pf);
		if ((n = ecap_merkle_inclusion_proof(pf, leaves, size, seq - 1)) < 0 ||
		    ecap_merkle_inclusion_verify(leaves[seq - 1], seq - 1, size, pf, (size_t)n,
		    root) != 0)
			ecap_errx(ECAP_EXIT_ERR, "event %llu: the inclusion proof does not verify",
			    (unsigned long long)seq);
		printf("seq %llu\nsize %llu\n", (unsigned long long)seq, (unsigned long long)size);
		ecap_hex_encode(hex, root, sizeof root);
		printf("root %s\n", hex);
		ecap_hex_encode(hex, leaves[seq - 1], sizeof root);
		printf("leaf %s\n", hex);
		for (k = 0; k < n; k++) {
			ecap_hex_encode(hex, pf[k], sizeof root);
			printf("proof %s\n", hex);
		}
		free(pf);
		break;
	}
	}
	free(leaves);
	ecap_audit_close(a);
	free(path);
	if (fflush(stdout) != 0 || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	return ECAP_EXIT_OK;
}
