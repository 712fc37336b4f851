/*
 * sshkey.c - OpenSSH private key files (openssh-key-v1, PROTOCOL.key in
 * OpenSSH), unencrypted, of type ssh-ed25519 and ecdsa-sha2-nistp256: read
 * them, write them as ssh-keygen does, and make new keys; .pub files; and
 * the system's randomness (getrandom(2)).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl.h>
#include <nettle/base64.h>
#include <nettle/eddsa.h>

#include "err.h"
#include "keys.h"
#include "ssh.h"
#include "xio.h"

#define WHYLEN	256
#define WHY(...) setwhy(why, __VA_ARGS__)

#define MAGIC		"openssh-key-v1"	/* and a NUL */
#define BEGIN		"-----BEGIN OPENSSH PRIVATE KEY-----"
#define END		"-----END OPENSSH PRIVATE KEY-----"
#define BLOCKSIZE	8	/* cipher "none" */
#define WRAP		70	/* base64 line length, as ssh-keygen writes */
#define MAXFILE		(1 << 20)	/* longest key file we read, bytes */

/* The order n of the P-256 group (FIPS 186-4, D.1.2.3), big-endian. */
static const unsigned char p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

#define setwhy(why, ...)	ecap_setwhy(why, WHYLEN, __VA_ARGS__)

void
ecap_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = getrandom(p, len, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			ecap_err(ECAP_EXIT_ERR, "getrandom");
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Read the whole file at path into a NUL-terminated buffer; ends the program if it cannot. */
static char *
slurp(const char *path, size_t *lenp)
{
	int fd = ecap_xopen(path, O_RDONLY);
	char *buf = ecap_xmalloc(MAXFILE + 1);
	size_t n = ecap_readall(fd, buf, MAXFILE + 1, ecap_displayname(path, 0));

	if (fd != STDIN_FILENO)
		close(fd);
	if (n > MAXFILE) {
		explicit_bzero(buf, MAXFILE + 1);
		ecap_errx(ECAP_EXIT_ERR, "%s: file too large for a key", path);
	}
	buf[n] = '\0';
	*lenp = n;
	return buf;
}

static void
wipefree(void *p, size_t n)
{
	if (p != NULL) {
		explicit_bzero(p, n);
		free(p);
	}
}

/*
 * The binary content of the armored text: the BEGIN line, base64 lines, the
 * END line, then nothing but blank space.  Returns 0, 1 when the text does
 * not start with the BEGIN line, or -1 when it does but is not well formed.
 */
static int
dearmor(unsigned char **out, size_t *outlen, const char *text, size_t len)
{
	const char *p = text, *e = text + len, *nl;
	char *b64;
	size_t n = 0, ln;
	int rc;

	if (len < strlen(BEGIN) || memcmp(p, BEGIN, strlen(BEGIN)) != 0)
		return 1;
	p += strlen(BEGIN);
	if (*p == '\r')
		p++;
	if (*p != '\n')
		return -1;
	p++;
	b64 = ecap_xmalloc(len + 1);
	for (;;) {
		if (p >= e) {
			wipefree(b64, len + 1);
			return -1;
		}
		nl = memchr(p, '\n', (size_t)(e - p));
		ln = nl ? (size_t)(nl - p) : (size_t)(e - p);
		if (ln > 0 && p[ln - 1] == '\r')
			ln--;
		if (ln == strlen(END) && memcmp(p, END, ln) == 0)
			break;
		memcpy(b64 + n, p, ln);
		n += ln;
		p = nl ? nl + 1 : e;
	}
	p += strlen(END);
	for (; p < e; p++)
		if (strchr(" \t\r\n", *p) == NULL) {
			wipefree(b64, len + 1);
			return -1;
		}
	b64[n] = '\0';
	rc = ecap_base64_decode(out, outlen, b64);
	wipefree(b64, len + 1);
	return rc;
}

/* An mpint secret scalar into d (32 bytes); -1 when malformed or out of range. */
static int
get_scalar(struct ecap_ssh_buf *b, unsigned char d[32])
{
	static const unsigned char zero[32];
	const unsigned char *s;
	size_t n;

	if (ecap_ssh_get_string(b, &s, &n) == -1 || (n > 0 && (s[0] & 0x80)))
		return -1;
	while (n > 0 && s[0] == 0) {
		s++;
		n--;
	}
	if (n > 32)
		return -1;
	memset(d, 0, 32 - n);
	memcpy(d + 32 - n, s, n);
	if (memcmp(d, zero, 32) == 0 || memcmp(d, p256_order, 32) >= 0)
		return -1;
	return 0;
}

/* The public point of the P-256 scalar d into q (65 bytes). */
static void
p256_public(unsigned char q[65], const unsigned char d[32])
{
	unsigned char x[32];
	br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };

	memcpy(x, d, sizeof x);
	br_ec_compute_pub(br_ec_get_default(), NULL, q, &sk);
	explicit_bzero(x, sizeof x);
}

/*
 * Parse the binary openssh-key-v1 blob.  With priv 0, only the public key
 * in the clear header (this works for encrypted keys too).  Returns 0, or
 * -1 with the reason (without the file name) in why.
 */
static int
parse_blob(struct ecap_sshkey *k, const unsigned char *blob, size_t len, int priv, char *why)
{
	struct ecap_ssh_buf b, s;
	struct ecap_sshkey pub;
	const unsigned char *cipher, *kdf, *pubblob, *sec, *pk, *sk, *cm, *pad;
	size_t ciphern, kdfn, pubn, secn, pkn, skn, cmn, padn, i;
	uint32_t nkeys, c1, c2;
	unsigned char q[65], seedpub[ED25519_KEY_SIZE];

	memset(k, 0, sizeof *k);
	ecap_ssh_buf_init(&b, blob, len);
	if (ecap_ssh_get_bytes(&b, &cipher, sizeof MAGIC) == -1 ||
	    memcmp(cipher, MAGIC, sizeof MAGIC) != 0) {
		WHY("not an openssh-key-v1 key (bad magic)");
		return -1;
	}
	if (ecap_ssh_get_string(&b, &cipher, &ciphern) == -1 ||
	    ecap_ssh_get_string(&b, &kdf, &kdfn) == -1 ||
	    ecap_ssh_get_string(&b, NULL, NULL) == -1 ||
	    ecap_ssh_get_u32(&b, &nkeys) == -1) {
		WHY("truncated key file");
		return -1;
	}
	if (nkeys != 1) {
		WHY("holds %lu keys, not one", (unsigned long)nkeys);
		return -1;
	}
	if (ecap_ssh_get_string(&b, &pubblob, &pubn) == -1 ||
	    ecap_ssh_get_string(&b, &sec, &secn) == -1) {
		WHY("truncated key file");
		return -1;
	}
	if (b.len != 0) {
		WHY("trailing data after the private key section");
		return -1;
	}
	if (ecap_sshkey_parse_public(&pub, pubblob, pubn, why) == -1)
		return -1;
	if (!priv) {
		*k = pub;
		return 0;
	}
	if (ciphern != 4 || memcmp(cipher, "none", 4) != 0 || kdfn != 4 ||
	    memcmp(kdf, "none", 4) != 0) {
		WHY("encrypted keys are not supported: decrypt with ssh-keygen -p");
		return -1;
	}
	if (secn < BLOCKSIZE || secn % BLOCKSIZE != 0) {
		WHY("private key section is not a whole number of blocks");
		return -1;
	}
	ecap_ssh_buf_init(&s, sec, secn);
	if (ecap_ssh_get_u32(&s, &c1) == -1 || ecap_ssh_get_u32(&s, &c2) == -1) {
		WHY("truncated private key section");
		return -1;
	}
	if (c1 != c2) {
		WHY("check-ints differ: corrupt key");
		return -1;
	}
	if (ecap_ssh_get_cstring(&s, ecap_sshkey_type_name(pub.type)) == -1) {
		WHY("private key type does not match the public key");
		return -1;
	}
	*k = pub;
	switch (pub.type) {
	case ECAP_SSHKEY_ED25519:
		if (ecap_ssh_get_string(&s, &pk, &pkn) == -1 ||
		    ecap_ssh_get_string(&s, &sk, &skn) == -1 ||
		    pkn != ED25519_KEY_SIZE || skn != 2 * ED25519_KEY_SIZE) {
			WHY("malformed ssh-ed25519 private key");
			goto bad;
		}
		if (memcmp(pk, pub.pub, pkn) != 0 || memcmp(sk + 32, pub.pub, 32) != 0) {
			WHY("private key does not match the public key");
			goto bad;
		}
		memcpy(k->priv, sk, 32);
		ed25519_sha512_public_key(seedpub, k->priv);
		if (memcmp(seedpub, pub.pub, 32) != 0) {
			WHY("private key does not match the public key");
			goto bad;
		}
		break;
	case ECAP_SSHKEY_ECDSA_P256:
		if (ecap_ssh_get_cstring(&s, "nistp256") == -1 ||
		    ecap_ssh_get_string(&s, &pk, &pkn) == -1 ||
		    get_scalar(&s, k->priv) == -1) {
			WHY("malformed ecdsa-sha2-nistp256 private key");
			goto bad;
		}
		p256_public(q, k->priv);
		if (pkn != 65 || memcmp(pk, pub.pub, 65) != 0 || memcmp(q, pub.pub, 65) != 0) {
			WHY("private key does not match the public key");
			goto bad;
		}
		break;
	}
	if (ecap_ssh_get_string(&s, &cm, &cmn) == -1) {
		WHY("truncated private key section");
		goto bad;
	}
	if (s.len >= BLOCKSIZE) {
		WHY("trailing data after the private key");
		goto bad;
	}
	padn = s.len;
	ecap_ssh_get_bytes(&s, &pad, padn);
	for (i = 0; i < padn; i++)
		if (pad[i] != (unsigned char)(i + 1)) {
			WHY("bad padding after the private key");
			goto bad;
		}
	if (cmn >= sizeof k->comment)
		cmn = sizeof k->comment - 1;
	memcpy(k->comment, cm, cmn);
	k->comment[cmn] = '\0';
	k->has_private = 1;
	return 0;
bad:
	ecap_sshkey_wipe(k);
	return -1;
}

int
ecap_sshkey_load_private(struct ecap_sshkey *k, const char *path, char *why)
{
	size_t len, binlen;
	char *text = slurp(path, &len);
	unsigned char *bin;
	int rc;

	memset(k, 0, sizeof *k);
	rc = dearmor(&bin, &binlen, text, len);
	if (rc == 1) {
		if (strncmp(text, "-----BEGIN ", 11) == 0 && strstr(text, "ENCRYPTED") != NULL)
			WHY("%s: encrypted keys are not supported: decrypt with ssh-keygen -p", path);
		else if (strncmp(text, "-----BEGIN ", 11) == 0)
			WHY("%s: not an OpenSSH private key (PEM keys are not supported: "
			    "convert with ssh-keygen -p -f FILE)", path);
		else
			WHY("%s: not an OpenSSH private key", path);
	} else if (rc == -1) {
		WHY("%s: truncated or malformed OpenSSH private key (armor or base64)", path);
	}
	wipefree(text, len + 1);
	if (rc != 0)
		return -1;
	if (parse_blob(k, bin, binlen, 1, why) == -1) {
		char reason[WHYLEN];

		if (why != NULL) {
			snprintf(reason, sizeof reason, "%s", why);
			WHY("%s: %s", path, reason);
		}
		rc = -1;
	}
	wipefree(bin, binlen);
	return rc;
}

int
ecap_sshkey_load_public(struct ecap_sshkey *k, const char *path, char *why)
{
	size_t len, binlen;
	char *text = slurp(path, &len), *line, *nl;
	unsigned char *bin;
	char reason[WHYLEN];
	int rc;

	memset(k, 0, sizeof *k);
	rc = dearmor(&bin, &binlen, text, len);
	if (rc == 0) {
		/* An unencrypted key gives its comment too; an encrypted one only the key. */
		rc = parse_blob(k, bin, binlen, 1, reason);
		if (rc == 0) {
			explicit_bzero(k->priv, sizeof k->priv);
			k->has_private = 0;
		} else {
			rc = parse_blob(k, bin, binlen, 0, reason);
		}
		wipefree(bin, binlen);
		wipefree(text, len + 1);
		if (rc == -1)
			WHY("%s: %s", path, reason);
		return rc;
	}
	if (rc == -1) {
		wipefree(text, len + 1);
		WHY("%s: truncated or malformed OpenSSH private key (armor or base64)", path);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		wipefree(text, len + 1);
		WHY("%s: not a public key file", path);
		return -1;
	}
	/* The first line that is neither blank nor a comment. */
	for (line = text; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		line += strspn(line, " \t\r");
		if (*line != '\0' && *line != '#')
			break;
		if (nl == NULL) {
			line += strlen(line);
			break;
		}
	}
	if (*line == '\0') {
		WHY("%s: no public key in the file", path);
		rc = -1;
	} else if (ecap_sshkey_parse_line(k, line, reason) == -1) {
		WHY("%s: %s", path, reason);
		rc = -1;
	} else {
		rc = 0;
	}
	wipefree(text, len + 1);
	return rc;
}

/* The openssh-key-v1 text of k (with its private key), as ssh-keygen writes it. */
static char *
format_private(const struct ecap_sshkey *k, size_t *lenp)
{
	struct ecap_ssh_out o = { 0 }, pub = { 0 }, sec = { 0 };
	uint32_t check;
	unsigned char i;
	char *b64, *text, *p;
	size_t n, off, bl;

	ecap_random(&check, sizeof check);
	ecap_ssh_put_u32(&sec, check);
	ecap_ssh_put_u32(&sec, check);
	ecap_ssh_put_cstring(&sec, ecap_sshkey_type_name(k->type));
	switch (k->type) {
	case ECAP_SSHKEY_ED25519:
		ecap_ssh_put_string(&sec, k->pub, 32);
		ecap_ssh_put_u32(&sec, 64);
		ecap_ssh_put_bytes(&sec, k->priv, 32);
		ecap_ssh_put_bytes(&sec, k->pub, 32);
		break;
	case ECAP_SSHKEY_ECDSA_P256:
		ecap_ssh_put_cstring(&sec, "nistp256");
		ecap_ssh_put_string(&sec, k->pub, 65);
		ecap_ssh_put_mpint(&sec, k->priv, 32);
		break;
	}
	ecap_ssh_put_cstring(&sec, k->comment);
	for (i = 1; sec.len % BLOCKSIZE != 0; i++)
		ecap_ssh_put_bytes(&sec, &i, 1);

	ecap_sshkey_put_public(&pub, k);
	ecap_ssh_put_bytes(&o, MAGIC, sizeof MAGIC);
	ecap_ssh_put_cstring(&o, "none");
	ecap_ssh_put_cstring(&o, "none");
	ecap_ssh_put_cstring(&o, "");
	ecap_ssh_put_u32(&o, 1);
	ecap_ssh_put_string(&o, pub.p, pub.len);
	ecap_ssh_put_string(&o, sec.p, sec.len);
	ecap_ssh_out_free(&pub);
	ecap_ssh_out_free(&sec);

	bl = BASE64_ENCODE_RAW_LENGTH(o.len);
	b64 = ecap_xmalloc(bl + 1);
	ecap_base64_encode(b64, o.p, o.len);
	ecap_ssh_out_free(&o);
	n = strlen(BEGIN) + 1 + bl + bl / WRAP + 1 + strlen(END) + 1;
	text = p = ecap_xmalloc(n + 1);
	p += sprintf(p, "%s\n", BEGIN);
	for (off = 0; off < bl; off += WRAP) {
		size_t m = bl - off < WRAP ? bl - off : WRAP;

		memcpy(p, b64 + off, m);
		p += m;
		*p++ = '\n';
	}
	p += sprintf(p, "%s\n", END);
	wipefree(b64, bl + 1);
	*lenp = (size_t)(p - text);
	return text;
}

static void
unlink_path(void *path)
{
	unlink(path);
}

/* Create path (O_EXCL, mode) holding len bytes of text.  -1 with why if it exists. */
static int
write_new(const char *path, mode_t mode, const char *text, size_t len, char *why)
{
	int fd, h;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		if (errno == EEXIST) {
			WHY("%s: already exists (not overwritten)", path);
			return -1;
		}
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	}
	h = ecap_atdie(unlink_path, (void *)(uintptr_t)path);
	if (fchmod(fd, mode) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	ecap_writeall(fd, text, len, path);
	if (fsync(fd) == -1 || close(fd) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	ecap_atdie_cancel(h);
	return 0;
}

int
ecap_sshkey_generate(struct ecap_sshkey *k, enum ecap_sshkey_type t, const char *comment,
    const char *path, char *why)
{
	br_hmac_drbg_context rng;
	br_ec_private_key sk;
	unsigned char seed[32], kbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
	char *text, *pubpath, line[512];
	size_t len;
	struct stat st;
	int rc;

	memset(k, 0, sizeof *k);
	pubpath = ecap_xmalloc(strlen(path) + 5);
	sprintf(pubpath, "%s.pub", path);
	if (lstat(path, &st) == 0 || lstat(pubpath, &st) == 0) {
		WHY("%s: already exists (not overwritten)", lstat(path, &st) == 0 ? path : pubpath);
		free(pubpath);
		return -1;
	}
	k->type = t;
	switch (t) {
	case ECAP_SSHKEY_ED25519:
		ecap_random(k->priv, 32);
		ed25519_sha512_public_key(k->pub, k->priv);
		k->publen = 32;
		break;
	case ECAP_SSHKEY_ECDSA_P256:
		ecap_random(seed, sizeof seed);
		br_hmac_drbg_init(&rng, &br_sha256_vtable, seed, sizeof seed);
		explicit_bzero(seed, sizeof seed);
		if (br_ec_keygen(&rng.vtable, br_ec_get_default(), &sk, kbuf,
		    BR_EC_secp256r1) != 32)
			ecap_errx(ECAP_EXIT_ERR, "P-256 key generation failed");
		memcpy(k->priv, sk.x, 32);
		explicit_bzero(kbuf, sizeof kbuf);
		explicit_bzero(&rng, sizeof rng);
		p256_public(k->pub, k->priv);
		k->publen = 65;
		break;
	default:
		WHY("unsupported key type");
		free(pubpath);
		return -1;
	}
	k->has_private = 1;
	snprintf(k->comment, sizeof k->comment, "%s", comment ? comment : "");

	text = format_private(k, &len);
	rc = write_new(path, 0600, text, len, why);
	wipefree(text, len);
	if (rc == 0) {
		if (ecap_sshkey_format_line(k, line, sizeof line - 1) == -1)
			ecap_errx(ECAP_EXIT_ERR, "%s: public key line too long", pubpath);
		strcat(line, "\n");
		rc = write_new(pubpath, 0644, line, strlen(line), why);
		if (rc == -1)
			unlink(path);
	}
	free(pubpath);
	if (rc == -1)
		ecap_sshkey_wipe(k);
	return rc;
}
