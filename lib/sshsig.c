/*
 * sshsig.c - SSH signatures (OpenSSH PROTOCOL.sshsig) and allowed-signers
 * files (ssh-keygen(1), ALLOWED SIGNERS).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "config.h"
#include "err.h"
#include "ssh.h"
#include "sshsig.h"
#include "xio.h"

#define WHYLEN	128
#define WHY(...) setwhy(why, __VA_ARGS__)

#define MAGIC		"SSHSIG"	/* 6 bytes, no NUL */
#define MAGICLEN	6
#define VERSION		1
#define BEGIN		"-----BEGIN SSH SIGNATURE-----"
#define END		"-----END SSH SIGNATURE-----"
#define WRAP		70

#define setwhy(why, ...)	ecap_setwhy(why, WHYLEN, __VA_ARGS__)

/* The message digest of hash 256 or 512 into h (64 bytes); returns its length. */
static size_t
digest(int hash, const void *msg, size_t len, unsigned char h[SHA512_DIGEST_SIZE])
{
	struct sha256_ctx c256;
	struct sha512_ctx c512;

	if (hash == 256) {
		sha256_init(&c256);
		sha256_update(&c256, len, msg);
		sha256_digest(&c256, SHA256_DIGEST_SIZE, h);
		return SHA256_DIGEST_SIZE;
	}
	sha512_init(&c512);
	sha512_update(&c512, len, msg);
	sha512_digest(&c512, SHA512_DIGEST_SIZE, h);
	return SHA512_DIGEST_SIZE;
}

/* The data a signature covers (PROTOCOL.sshsig §3), appended to o. */
static void
signed_data(struct ecap_ssh_out *o, const char *ns, int hash, const void *msg, size_t len)
{
	unsigned char h[SHA512_DIGEST_SIZE];
	size_t hn = digest(hash, msg, len, h);

	ecap_ssh_put_bytes(o, MAGIC, MAGICLEN);
	ecap_ssh_put_cstring(o, ns);
	ecap_ssh_put_string(o, "", 0);
	ecap_ssh_put_cstring(o, hash == 256 ? "sha256" : "sha512");
	ecap_ssh_put_string(o, h, hn);
}

int
ecap_sshsig_sign(const struct ecap_sshkey *k, const char *ns, const void *msg, size_t len,
    struct ecap_ssh_out *o)
{
	struct ecap_ssh_out data = { 0 }, sig = { 0 }, pub = { 0 };

	if (!k->has_private)
		return -1;
	signed_data(&data, ns, 512, msg, len);
	if (ecap_sshkey_sign(k, data.p, data.len, &sig) == -1) {
		ecap_ssh_out_free(&data);
		ecap_ssh_out_free(&sig);
		return -1;
	}
	ecap_sshkey_put_public(&pub, k);
	ecap_ssh_put_bytes(o, MAGIC, MAGICLEN);
	ecap_ssh_put_u32(o, VERSION);
	ecap_ssh_put_string(o, pub.p, pub.len);
	ecap_ssh_put_cstring(o, ns);
	ecap_ssh_put_string(o, "", 0);
	ecap_ssh_put_cstring(o, "sha512");
	ecap_ssh_put_string(o, sig.p, sig.len);
	ecap_ssh_out_free(&data);
	ecap_ssh_out_free(&sig);
	ecap_ssh_out_free(&pub);
	return 0;
}

int
ecap_sshsig_parse(struct ecap_sshsig *s, const void *blob, size_t bloblen, char *why)
{
	struct ecap_ssh_buf b;
	const unsigned char *m, *pk, *ns, *h;
	size_t pkn, nsn, hn;
	uint32_t version;
	char name[40], reason[WHYLEN];

	memset(s, 0, sizeof *s);
	ecap_ssh_buf_init(&b, blob, bloblen);
	if (ecap_ssh_get_bytes(&b, &m, MAGICLEN) == -1 || memcmp(m, MAGIC, MAGICLEN) != 0) {
		WHY("not an SSH signature (no SSHSIG magic)");
		return -1;
	}
	if (ecap_ssh_get_u32(&b, &version) == -1) {
		WHY("truncated SSH signature");
		return -1;
	}
	if (version != VERSION) {
		WHY("unsupported SSHSIG version %lu (only 1)", (unsigned long)version);
		return -1;
	}
	if (ecap_ssh_get_string(&b, &pk, &pkn) == -1 ||
	    ecap_ssh_get_string(&b, &ns, &nsn) == -1 ||
	    ecap_ssh_get_string(&b, NULL, NULL) == -1 ||
	    ecap_ssh_get_string(&b, &h, &hn) == -1 ||
	    ecap_ssh_get_string(&b, &s->sig, &s->siglen) == -1) {
		WHY("truncated SSH signature");
		return -1;
	}
	if (b.len != 0) {
		WHY("trailing data after the SSH signature");
		return -1;
	}
	if (ecap_sshkey_parse_public(&s->key, pk, pkn, reason) == -1) {
		WHY("signer key: %s", reason);
		return -1;
	}
	if (nsn == 0 || nsn > ECAP_SSHSIG_NAMESPACE_MAX || memchr(ns, '\0', nsn) != NULL) {
		WHY("invalid signature namespace");
		return -1;
	}
	memcpy(s->namespace, ns, nsn);
	s->namespace[nsn] = '\0';
	if (hn == 6 && memcmp(h, "sha256", 6) == 0) {
		s->hash = 256;
	} else if (hn == 6 && memcmp(h, "sha512", 6) == 0) {
		s->hash = 512;
	} else {
		ecap_ssh_printable(name, 32, h, hn);
		WHY("unsupported hash algorithm \"%s\" (only sha256 and sha512)", name);
		return -1;
	}
	return 0;
}

int
ecap_sshsig_verify(const struct ecap_sshsig *s, const char *ns, const void *msg, size_t len,
    char *why)
{
	struct ecap_ssh_out data = { 0 };
	char reason[WHYLEN];
	int rc;

	if (strcmp(s->namespace, ns) != 0) {
		WHY("signature namespace \"%s\" is not \"%s\"", s->namespace, ns);
		return 1;
	}
	signed_data(&data, ns, s->hash, msg, len);
	rc = ecap_sshkey_verify(&s->key, data.p, data.len, s->sig, s->siglen, reason);
	ecap_ssh_out_free(&data);
	if (rc == -1) {
		WHY("%s", reason);
		return 1;
	}
	if (rc == 1) {
		WHY("signature does not verify");
		return 1;
	}
	return 0;
}

void
ecap_sshsig_armor(char **out, const void *blob, size_t len)
{
	size_t bl = BASE64_ENCODE_RAW_LENGTH(len), off;
	char *b64 = ecap_xmalloc(bl + 1), *p;

	ecap_base64_encode(b64, blob, len);
	*out = p = ecap_xmalloc(strlen(BEGIN) + strlen(END) + bl + bl / WRAP + 4);
	p += sprintf(p, "%s\n", BEGIN);
	for (off = 0; off < bl; off += WRAP) {
		size_t m = bl - off < WRAP ? bl - off : WRAP;

		memcpy(p, b64 + off, m);
		p += m;
		*p++ = '\n';
	}
	sprintf(p, "%s\n", END);
	free(b64);
}

int
ecap_sshsig_dearmor(unsigned char **out, size_t *outlen, const char *text, char *why)
{
	const char *p = text, *nl;
	char *b64;
	size_t n = 0, ln, len = strlen(text);
	int rc;

	p += strspn(p, " \t\r\n");
	if (strncmp(p, BEGIN, strlen(BEGIN)) != 0) {
		WHY("not an armored SSH signature (no \"%s\" line)", BEGIN);
		return -1;
	}
	p += strlen(BEGIN);
	if (*p == '\r')
		p++;
	if (*p != '\n') {
		WHY("malformed \"%s\" line", BEGIN);
		return -1;
	}
	p++;
	b64 = ecap_xmalloc(len + 1);
	for (;;) {
		if (*p == '\0') {
			free(b64);
			WHY("no \"%s\" line", END);
			return -1;
		}
		nl = strchr(p, '\n');
		ln = nl ? (size_t)(nl - p) : strlen(p);
		if (ln > 0 && p[ln - 1] == '\r')
			ln--;
		if (ln == strlen(END) && memcmp(p, END, ln) == 0)
			break;
		memcpy(b64 + n, p, ln);
		n += ln;
		p = nl ? nl + 1 : p + strlen(p);
	}
	p += strlen(END);
	if (p[strspn(p, " \t\r\n")] != '\0') {
		free(b64);
		WHY("trailing text after \"%s\"", END);
		return -1;
	}
	b64[n] = '\0';
	rc = ecap_base64_decode(out, outlen, b64);
	free(b64);
	if (rc == -1) {
		WHY("armored SSH signature is not valid base64");
		return -1;
	}
	return 0;
}

/* Allowed signers. */

/*
 * Does s match the pattern of patlen bytes (with * and ?)?  Greedy with one
 * backtrack point, so O(strlen(s) * patlen) however many stars there are.
 */
static int
match_pattern(const char *s, const char *pat, size_t patlen)
{
	const char *retry = NULL;
	size_t i = 0, star = 0;
	int have_star = 0;

	while (*s != '\0') {
		if (i < patlen && (pat[i] == '?' || pat[i] == *s)) {
			s++;
			i++;
		} else if (i < patlen && pat[i] == '*') {
			have_star = 1;
			star = ++i;
			retry = s;
		} else if (have_star) {
			i = star;
			s = ++retry;
		} else {
			return 0;
		}
	}
	while (i < patlen && pat[i] == '*')
		i++;
	return i == patlen;
}

/* Does s match the comma-separated pattern list (a "!" pattern that matches denies)? */
static int
match_list(const char *s, const char *list)
{
	const char *p = list, *e;
	int yes = 0;

	for (;;) {
		int neg = *p == '!';

		e = p + strcspn(p, ",");
		if (match_pattern(s, p + neg, (size_t)(e - p - neg))) {
			if (neg)
				return 0;
			yes = 1;
		}
		if (*e == '\0')
			return yes;
		p = e + 1;
	}
}

/* A token: up to a blank outside double quotes.  Returns its length. */
static size_t
token(const char *p)
{
	size_t n = 0;
	int q = 0;

	for (; p[n] != '\0'; n++) {
		if (p[n] == '"')
			q = !q;
		else if (p[n] == '\n' || (!q && (p[n] == ' ' || p[n] == '\t' || p[n] == '\r')))
			break;
	}
	return n;
}

/* Key types OpenSSH knows but we do not support: such entries are skipped. */
static int
other_key_type(const char *t, size_t n)
{
	static const char *const known[] = {
		"ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
		"sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com",
	};
	size_t k;

	if (n > 21 && memcmp(t + n - 21, "-cert-v01@openssh.com", 21) == 0)
		return 1;
	for (k = 0; k < sizeof known / sizeof known[0]; k++)
		if (strlen(known[k]) == n && memcmp(known[k], t, n) == 0)
			return 1;
	return 0;
}

static int
our_key_type(const char *t, size_t n)
{
	return (n == 11 && memcmp(t, "ssh-ed25519", 11) == 0) ||
	    (n == 19 && memcmp(t, "ecdsa-sha2-nistp256", 19) == 0);
}

/* YYYYMMDD[HHMM[SS]][Z] (local time without Z) into *t; -1 if malformed. */
static int
parse_time(const char *s, size_t n, long long *t)
{
	struct tm tm = { 0 };
	int utc = 0, v[6] = { 0, 0, 0, 0, 0, 0 }, w[6] = { 4, 2, 2, 2, 2, 2 }, f, k;
	size_t off = 0;
	time_t r;

	if (n > 0 && (s[n - 1] == 'Z' || s[n - 1] == 'z')) {
		utc = 1;
		n--;
	}
	if (n != 8 && n != 12 && n != 14)
		return -1;
	for (f = 0; off < n; f++)
		for (k = 0; k < w[f]; k++, off++) {
			if (!isdigit((unsigned char)s[off]))
				return -1;
			v[f] = v[f] * 10 + (s[off] - '0');
		}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	tm.tm_isdst = -1;
	r = utc ? timegm(&tm) : mktime(&tm);
	if (r == (time_t)-1)
		return -1;
	*t = (long long)r;
	return 0;
}

/* An option's value (quoted or not) into a new string. */
static char *
opt_value(const char *p, size_t n)
{
	char *v;

	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (memchr(p, '"', n) != NULL)
		return NULL;
	v = ecap_xmalloc(n + 1);
	memcpy(v, p, n);
	v[n] = '\0';
	return v;
}

/*
 * Parse the options text (n bytes) into e.  Returns 0, 1 for cert-authority
 * (skip the line), or -1 with the reason.
 */
static int
parse_options(struct ecap_allowed_signer *e, const char *p, size_t n, char *why)
{
	const char *end = p + n, *o;
	size_t on;
	int q, ca = 0;
	char *v, name[40];

	while (p < end) {
		for (o = p, q = 0; p < end && (q || *p != ','); p++)
			if (*p == '"')
				q = !q;
		on = (size_t)(p - o);
		if (p < end)
			p++;
		if (on == 14 && strncasecmp(o, "cert-authority", 14) == 0) {
			ca = 1;
		} else if (on > 11 && strncasecmp(o, "namespaces=", 11) == 0) {
			v = e->namespaces == NULL ? opt_value(o + 11, on - 11) : NULL;
			if (v == NULL || *v == '\0') {
				free(v);
				WHY("invalid namespaces option");
				return -1;
			}
			e->namespaces = v;
		} else if (on > 12 && strncasecmp(o, "valid-after=", 12) == 0) {
			if ((v = opt_value(o + 12, on - 12)) == NULL ||
			    parse_time(v, strlen(v), &e->valid_after) == -1) {
				free(v);
				WHY("invalid valid-after time");
				return -1;
			}
			free(v);
		} else if (on > 13 && strncasecmp(o, "valid-before=", 13) == 0) {
			if ((v = opt_value(o + 13, on - 13)) == NULL ||
			    parse_time(v, strlen(v), &e->valid_before) == -1) {
				free(v);
				WHY("invalid valid-before time");
				return -1;
			}
			free(v);
		} else {
			ecap_ssh_printable(name, 32, (const unsigned char *)o, on);
			WHY("unsupported option \"%s\"", name);
			return -1;
		}
	}
	if (e->valid_after && e->valid_before && e->valid_before <= e->valid_after) {
		WHY("valid-before is not after valid-after");
		return -1;
	}
	return ca;
}

/*
 * Parse one line into e.  Returns 0 for an entry, 1 for a line to skip
 * (blank, comment, cert-authority, a key type we do not support), or -1
 * with the reason.
 */
static int
parse_line(struct ecap_allowed_signer *e, const char *line, char *why)
{
	const char *p = line, *pr, *t;
	size_t prn, tn;
	int rc;
	char name[40];

	memset(e, 0, sizeof *e);
	p += strspn(p, " \t\r\n");
	if (*p == '\0' || *p == '#')
		return 1;
	pr = p;
	prn = token(p);
	p += prn;
	if (prn >= 2 && pr[0] == '"' && pr[prn - 1] == '"') {
		pr++;
		prn -= 2;
	}
	if (prn == 0 || memchr(pr, '"', prn) != NULL) {
		WHY("invalid principals");
		return -1;
	}
	p += strspn(p, " \t");
	t = p;
	tn = token(p);
	if (tn == 0) {
		WHY("missing key");
		return -1;
	}
	if (!our_key_type(t, tn) && !other_key_type(t, tn) && memchr(t, '=', tn) == NULL &&
	    memchr(t, ',', tn) == NULL && !(tn == 14 && strncasecmp(t, "cert-authority", 14) == 0)) {
		ecap_ssh_printable(name, 32, (const unsigned char *)t, tn);
		WHY("unknown key type \"%s\"", name);
		return -1;
	}
	if (!our_key_type(t, tn) && !other_key_type(t, tn)) {
		/* options, then the key */
		rc = parse_options(e, t, tn, why);
		if (rc == -1)
			goto bad;
		p += tn;
		p += strspn(p, " \t");
		t = p;
		tn = token(p);
		if (tn == 0) {
			WHY("missing key");
			goto bad;
		}
		if (rc == 1)
			goto skip;
	}
	if (other_key_type(t, tn))
		goto skip;
	if (!our_key_type(t, tn)) {
		ecap_ssh_printable(name, 32, (const unsigned char *)t, tn);
		WHY("unknown key type \"%s\"", name);
		goto bad;
	}
	if (ecap_sshkey_parse_line(&e->key, t, why) == -1)
		goto bad;
	e->principals = ecap_xmalloc(prn + 1);
	memcpy(e->principals, pr, prn);
	e->principals[prn] = '\0';
	return 0;
skip:
	free(e->namespaces);
	memset(e, 0, sizeof *e);
	return 1;
bad:
	free(e->namespaces);
	memset(e, 0, sizeof *e);
	return -1;
}

int
ecap_allowed_signers_load(struct ecap_allowed_signers *a, const char *path, char *why)
{
	FILE *f;
	char *line = NULL, reason[WHYLEN];
	size_t cap = 0, alloc = 0;
	ssize_t n;
	unsigned lineno = 0;
	struct ecap_allowed_signer e;
	int rc;

	a->v = NULL;
	a->n = 0;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "re")) == NULL)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)n) != NULL) {
			WHY("line %u: NUL byte in the line", lineno);
			goto bad;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		rc = parse_line(&e, line, reason);
		if (rc == 1)
			continue;
		if (rc == -1) {
			WHY("line %u: %s", lineno, reason);
			goto bad;
		}
		e.line = lineno;
		if (a->n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			a->v = ecap_xrealloc(a->v, alloc * sizeof *a->v);
		}
		a->v[a->n++] = e;
	}
	if (ferror(f))
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
bad:
	free(line);
	if (f != stdin)
		fclose(f);
	ecap_allowed_signers_free(a);
	return -1;
}

void
ecap_allowed_signers_free(struct ecap_allowed_signers *a)
{
	size_t k;

	for (k = 0; k < a->n; k++) {
		free(a->v[k].principals);
		free(a->v[k].namespaces);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

int
ecap_allowed_signers_xload(struct ecap_allowed_signers *a, const char *path)
{
	char why[WHYLEN];

	char *conf = NULL;

	if (path == NULL && (path = getenv("ECAP_ALLOWED_SIGNERS")) != NULL && *path == '\0')
		path = NULL;
	if (path == NULL)
		path = conf = ecap_config_xget("signers.allowedSignersFile", 1);
	if (path == NULL)
		return 0;
	if (ecap_allowed_signers_load(a, path, why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", path, why);
	free(conf);
	return 1;
}

const struct ecap_allowed_signer *
ecap_allowed_signers_find(const struct ecap_allowed_signers *a, const struct ecap_sshkey *k,
    const char *ns, long long now)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct ecap_allowed_signer *e = &a->v[i];

		if (!ecap_sshkey_equal(&e->key, k))
			continue;
		if (e->namespaces != NULL && !match_list(ns, e->namespaces))
			continue;
		if (e->valid_after && now < e->valid_after)
			continue;
		if (e->valid_before && now > e->valid_before)
			continue;
		return e;
	}
	return NULL;
}
