/* ecap-keygen: make master keys, X25519 identities and SSH signing keys; show their public halves and ids. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "keys.h"
#include "ssh.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: ecap-keygen [-o FILE] [--keyring NAME]\n"
	    "       ecap-keygen -t x25519 [-o FILE]\n"
	    "       ecap-keygen -t ed25519|ecdsa [-C COMMENT] -f FILE\n"
	    "       ecap-keygen -y FILE\n"
	    "       ecap-keygen -l [--json] FILE...\n"
	    "       ecap-keygen -l [--json] [--key-file FILE] [--keyring NAME]\n");
	ecap_usage_exit(status);
}

enum mode { GENERATE, PUBLIC, LIST };
enum type { SYMMETRIC, X25519, ED25519, ECDSA };

struct opts {
	enum mode mode;
	enum type type;
	const char *out;	/* -o or -f */
	const char *comment;	/* -C */
	const char *keyring;	/* --keyring */
	const char *keyfile;	/* --key-file */
	int json;
};

/* What a key file holds, judged by its first bytes. */
enum kind { K_SYMMETRIC, K_IDENTITY, K_RECIPIENT, K_SSH_PRIVATE, K_SSH_PUBLIC };

static enum kind
classify(const char *path)
{
	char buf[4096];
	int fd = ecap_xopen(path, O_RDONLY);
	size_t n = ecap_readall(fd, buf, sizeof(buf) - 1, path);
	enum kind k = K_SYMMETRIC;

	close(fd);
	buf[n] = '\0';
	if (strncmp(buf, "-----BEGIN ", 11) == 0)
		k = K_SSH_PRIVATE;
	else if (strncmp(buf, "ssh-", 4) == 0 || strncmp(buf, "ecdsa-", 6) == 0 ||
	    strncmp(buf, "sk-", 3) == 0)
		k = K_SSH_PUBLIC;
	else if (strncmp(buf, "ecap-x25519:", 12) == 0)
		k = K_RECIPIENT;
	else if (strncmp(buf, "ecap-x25519-identity:", 21) == 0 || buf[0] == '#')
		k = K_IDENTITY;
	explicit_bzero(buf, sizeof(buf));
	return k;
}

static void
recipient_file(struct ecap_x25519 *x, const char *path)
{
	char buf[128], why[256];
	int fd = ecap_xopen(path, O_RDONLY);
	size_t n = ecap_readall(fd, buf, sizeof(buf) - 1, path);

	close(fd);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (ecap_x25519_parse_recipient(x, buf, why) == -1)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", path, why);
}

static void
ssh_file(struct ecap_sshkey *k, const char *path, int private)
{
	char why[256];

	if ((private ? ecap_sshkey_load_private(k, path, why) :
	    ecap_sshkey_load_public(k, path, why)) == -1)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

static void
print_ssh_line(const struct ecap_sshkey *k)
{
	char line[512];

	if (ecap_sshkey_format_line(k, line, sizeof(line)) == -1)
		ecap_errx(ECAP_EXIT_ERR, "public key line too long");
	printf("%s\n", line);
}

/* One -l record: bits, id or fingerprint, where from, type; or the same as JSON. */
static void
print_record(const struct opts *o, const char *id, const char *where, const char *label,
    const char *type, const char *comment, const char *recipient, int private)
{
	json_t *j;

	if (!o->json) {
		printf("256 %s %s (%s)\n", id, comment != NULL ? (*comment ? comment : "no comment") :
		    where, label);
		return;
	}
	j = json_pack("{s:i, s:s, s:s, s:b}", "bits", 256, "file", where, "type", type,
	    "private", private);
	json_object_set_new(j, comment != NULL ? "fingerprint" : "key_id", json_string(id));
	if (comment != NULL)
		json_object_set_new(j, "comment", json_string(comment));
	if (recipient != NULL)
		json_object_set_new(j, "recipient", json_string(recipient));
	ecap_json_print(j);
}

static void
list_file(const struct opts *o, const char *path)
{
	struct ecap_symkey s;
	struct ecap_x25519 x;
	struct ecap_sshkey k;
	char why[256], fp[64], rcpt[80];
	enum kind kind = classify(path);

	switch (kind) {
	case K_SYMMETRIC:
		if (ecap_symkey_find(&s, path, NULL, why) != 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		print_record(o, s.id, path, "SYMMETRIC", "symmetric", NULL, NULL, 1);
		explicit_bzero(&s, sizeof(s));
		break;
	case K_IDENTITY:
	case K_RECIPIENT:
		if (kind == K_RECIPIENT)
			recipient_file(&x, path);
		else if (ecap_x25519_load_identity(&x, path, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		ecap_x25519_format_recipient(&x, rcpt);
		print_record(o, x.id, path, "X25519", "x25519", NULL, rcpt, x.has_secret);
		explicit_bzero(&x, sizeof(x));
		break;
	case K_SSH_PRIVATE:
	case K_SSH_PUBLIC:
		ssh_file(&k, path, kind == K_SSH_PRIVATE);
		ecap_sshkey_fingerprint(&k, fp);
		print_record(o, fp, path, ecap_sshkey_type_label(k.type),
		    ecap_sshkey_type_name(k.type), k.comment, NULL, k.has_private);
		ecap_sshkey_wipe(&k);
		break;
	}
}

/* -l without files: the master key that the flags or the environment select. */
static void
list_master(const struct opts *o)
{
	struct ecap_symkey s;
	char why[256];

	if (ecap_symkey_find(&s, o->keyfile, o->keyring, why) != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	print_record(o, s.id, s.source, "SYMMETRIC", "symmetric", NULL, NULL, 1);
	explicit_bzero(&s, sizeof(s));
}

static void
public_half(const char *path)
{
	struct ecap_x25519 x;
	struct ecap_sshkey k;
	char why[256], rcpt[80];
	enum kind kind = classify(path);

	switch (kind) {
	case K_SYMMETRIC:
		ecap_errx(ECAP_EXIT_ERR, "%s: a master key is symmetric: it has no public half "
		    "(ecap-keygen -l shows its key id)", path);
	case K_IDENTITY:
	case K_RECIPIENT:
		if (kind == K_RECIPIENT)
			recipient_file(&x, path);
		else if (ecap_x25519_load_identity(&x, path, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		ecap_x25519_format_recipient(&x, rcpt);
		explicit_bzero(&x, sizeof(x));
		printf("%s\n", rcpt);
		break;
	case K_SSH_PRIVATE:
	case K_SSH_PUBLIC:
		ssh_file(&k, path, kind == K_SSH_PRIVATE);
		print_ssh_line(&k);
		ecap_sshkey_wipe(&k);
		break;
	}
}

static void
generate(const struct opts *o)
{
	struct ecap_symkey s;
	struct ecap_x25519 x;
	struct ecap_sshkey k;
	char why[256], rcpt[80];
	const char *out = o->out != NULL ? o->out : "-";
	int tostdout = strcmp(out, "-") == 0;
	/* With only --keyring, the key goes to the keyring and nowhere else. */
	int keyonly = o->out == NULL && o->keyring != NULL;

	switch (o->type) {
	case SYMMETRIC:
		if (ecap_symkey_generate(&s, keyonly ? NULL : out, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		if (o->keyring != NULL && ecap_symkey_to_keyring(&s, o->keyring, why) == -1) {
			if (!tostdout)
				unlink(out);
			explicit_bzero(&s, sizeof(s));
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		}
		/* When the key itself is not on stdout, its id is. */
		if (!tostdout || keyonly)
			printf("%s\n", s.id);
		explicit_bzero(&s, sizeof(s));
		break;
	case X25519:
		if (ecap_x25519_generate(&x, out, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		ecap_x25519_format_recipient(&x, rcpt);
		explicit_bzero(&x, sizeof(x));
		if (!tostdout)
			printf("%s\n", rcpt);
		break;
	case ED25519:
	case ECDSA:
		if (ecap_sshkey_generate(&k, o->type == ED25519 ? ECAP_SSHKEY_ED25519 :
		    ECAP_SSHKEY_ECDSA_P256, o->comment, out, why) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		print_ssh_line(&k);
		ecap_sshkey_wipe(&k);
		break;
	}
}

static enum type
parse_type(const char *s)
{
	if (strcmp(s, "symmetric") == 0)
		return SYMMETRIC;
	if (strcmp(s, "x25519") == 0)
		return X25519;
	if (strcmp(s, "ed25519") == 0)
		return ED25519;
	if (strcmp(s, "ecdsa") == 0)
		return ECDSA;
	ecap_errx(ECAP_EXIT_ERR, "-t %s: unknown key type (symmetric, x25519, ed25519 or ecdsa)",
	    s);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "keyring", required_argument, NULL, 'K' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .mode = GENERATE, .type = SYMMETRIC };
	unsigned char seen[256] = { 0 };
	char *onefile[2] = { NULL, NULL };
	int ch, j;

	ecap_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "C:f:hlo:t:y", longopts, NULL)) != -1) {
		if (ch != '?' && ch != 'h' && ch != 'V' && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "%s given twice",
			    ch == 'J' ? "--json" : ch == 'K' ? "--keyring" :
			    ch == 'k' ? "--key-file" : (char[]){ '-', (char)ch, '\0' });
		switch (ch) {
		case 'C': o.comment = optarg; break;
		case 'f':
		case 'o':
			if (o.out != NULL)
				ecap_errx(ECAP_EXIT_ERR, "-f and -o name the same file: give one");
			o.out = optarg;
			break;
		case 'l':
		case 'y':
			if (o.mode != GENERATE)
				ecap_errx(ECAP_EXIT_ERR, "-l and -y cannot be given together");
			o.mode = ch == 'l' ? LIST : PUBLIC;
			break;
		case 't': o.type = parse_type(optarg); break;
		case 'J': o.json = 1; break;
		case 'K': o.keyring = optarg; break;
		case 'k': o.keyfile = optarg; break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;

	if (o.mode != GENERATE) {
		/* -l and -y take the file as an operand or, as ssh-keygen does, with -f. */
		const char *what = o.mode == LIST ? "-l" : "-y";

		if (seen['t'] || seen['C'] || seen['o'])
			ecap_errx(ECAP_EXIT_ERR, "%s: -t, -C and -o are for making keys", what);
		if (o.out != NULL && argc > 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: give the file with -f or as an operand, "
			    "not both", what);
		if (o.out != NULL) {
			onefile[0] = ecap_xstrdup(o.out);
			argv = onefile;
			argc = 1;
		}
		for (j = 0; j < argc; j++)
			if (strcmp(argv[j], "-") == 0)
				ecap_errx(ECAP_EXIT_ERR, "%s: reads key files, not standard input",
				    what);
	}
	switch (o.mode) {
	case LIST:
		if (argc > 0 && (o.keyfile != NULL || o.keyring != NULL))
			ecap_errx(ECAP_EXIT_ERR, "-l: --key-file and --keyring select the master "
			    "key to show when no FILE is given");
		if (argc == 0)
			list_master(&o);
		for (j = 0; j < argc; j++)
			list_file(&o, argv[j]);
		break;
	case PUBLIC:
		if (o.json || o.keyring != NULL || o.keyfile != NULL)
			ecap_errx(ECAP_EXIT_ERR, "-y: --json, --keyring and --key-file do not "
			    "apply");
		if (argc != 1)
			usage(ECAP_EXIT_ERR);
		public_half(argv[0]);
		break;
	case GENERATE:
		if (argc > 0)
			usage(ECAP_EXIT_ERR);
		if (o.json || o.keyfile != NULL)
			ecap_errx(ECAP_EXIT_ERR, "--json and --key-file are for -l");
		if (o.keyring != NULL && o.type != SYMMETRIC)
			ecap_errx(ECAP_EXIT_ERR, "--keyring holds master keys only, not -t %s keys",
			    o.type == X25519 ? "x25519" : o.type == ED25519 ? "ed25519" : "ecdsa");
		if (o.comment != NULL && (o.type == SYMMETRIC || o.type == X25519))
			ecap_errx(ECAP_EXIT_ERR, "-C: only SSH keys (-t ed25519 or ecdsa) have "
			    "a comment");
		if ((o.type == ED25519 || o.type == ECDSA) &&
		    (o.out == NULL || strcmp(o.out, "-") == 0))
			ecap_errx(ECAP_EXIT_ERR, "-t %s: name the key file with -f FILE "
			    "(FILE.pub is written beside it)", o.type == ED25519 ? "ed25519" : "ecdsa");
		generate(&o);
		break;
	}
	free(onefile[0]);
	if (fflush(stdout) == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	return ECAP_EXIT_OK;
}
