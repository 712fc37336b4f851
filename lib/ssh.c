/*
 * ssh.c - SSH wire encoding (RFC 4251 §5), public keys and their text
 * lines, SHA256 fingerprints, raw SSH signatures (RFC 8709 §6 with
 * Nettle's Ed25519, RFC 5656 §3.1.2 with BearSSL's P-256), and base64.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>
#include <nettle/base64.h>
#include <nettle/eddsa.h>

#include "sha256.h"
#include "ssh.h"
#include "xio.h"

#define WHY(...) do { if (why != NULL) snprintf(why, 128, __VA_ARGS__); } while (0)

/* Reader. */

void
ecap_ssh_buf_init(struct ecap_ssh_buf *b, const void *data, size_t len)
{
	b->p = data;
	b->len = len;
	b->bad = 0;
}

int
ecap_ssh_get_bytes(struct ecap_ssh_buf *b, const unsigned char **s, size_t n)
{
	if (b->bad || n > b->len) {
		b->bad = 1;
		return -1;
	}
	if (s != NULL)
		*s = b->p;
	b->p += n;
	b->len -= n;
	return 0;
}

int
ecap_ssh_get_u32(struct ecap_ssh_buf *b, uint32_t *v)
{
	const unsigned char *p;

	if (ecap_ssh_get_bytes(b, &p, 4) == -1)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
ecap_ssh_get_string(struct ecap_ssh_buf *b, const unsigned char **s, size_t *n)
{
	uint32_t len;
	const unsigned char *p;

	if (ecap_ssh_get_u32(b, &len) == -1 || ecap_ssh_get_bytes(b, &p, len) == -1)
		return -1;
	if (s != NULL)
		*s = p;
	if (n != NULL)
		*n = len;
	return 0;
}

int
ecap_ssh_get_cstring(struct ecap_ssh_buf *b, const char *want)
{
	const unsigned char *s;
	size_t n;

	if (ecap_ssh_get_string(b, &s, &n) == -1)
		return -1;
	if (n != strlen(want) || memcmp(s, want, n) != 0) {
		b->bad = 1;
		return -1;
	}
	return 0;
}

/* Writer. */

void
ecap_ssh_put_bytes(struct ecap_ssh_out *o, const void *s, size_t n)
{
	if (n > o->cap - o->len) {
		size_t cap = o->cap ? o->cap : 256;
		unsigned char *p;

		while (cap - o->len < n)
			cap *= 2;
		/* Grow by copying, so the old buffer can be wiped: it may hold secrets. */
		p = ecap_xmalloc(cap);
		if (o->len)
			memcpy(p, o->p, o->len);
		if (o->p != NULL) {
			explicit_bzero(o->p, o->cap);
			free(o->p);
		}
		o->p = p;
		o->cap = cap;
	}
	if (n)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

void
ecap_ssh_put_u32(struct ecap_ssh_out *o, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	ecap_ssh_put_bytes(o, b, 4);
}

void
ecap_ssh_put_string(struct ecap_ssh_out *o, const void *s, size_t n)
{
	ecap_ssh_put_u32(o, (uint32_t)n);
	ecap_ssh_put_bytes(o, s, n);
}

void
ecap_ssh_put_cstring(struct ecap_ssh_out *o, const char *s)
{
	ecap_ssh_put_string(o, s, strlen(s));
}

void
ecap_ssh_put_mpint(struct ecap_ssh_out *o, const unsigned char *s, size_t n)
{
	while (n > 0 && s[0] == 0) {
		s++;
		n--;
	}
	if (n > 0 && (s[0] & 0x80)) {
		ecap_ssh_put_u32(o, (uint32_t)n + 1);
		ecap_ssh_put_bytes(o, "", 1);
		ecap_ssh_put_bytes(o, s, n);
	} else {
		ecap_ssh_put_string(o, s, n);
	}
}

void
ecap_ssh_out_free(struct ecap_ssh_out *o)
{
	if (o->p != NULL) {
		explicit_bzero(o->p, o->cap);
		free(o->p);
	}
	o->p = NULL;
	o->len = o->cap = 0;
}

/*
 * Read an mpint that must be a non-negative number of at most n bytes into
 * out (n bytes, big-endian, left-padded with zeros).  -1 if it is negative
 * or too large.
 */
static int
get_mpint_fixed(struct ecap_ssh_buf *b, unsigned char *out, size_t n)
{
	const unsigned char *s;
	size_t len;

	if (ecap_ssh_get_string(b, &s, &len) == -1)
		return -1;
	if (len > 0 && (s[0] & 0x80)) {
		b->bad = 1;
		return -1;
	}
	while (len > 0 && s[0] == 0) {
		s++;
		len--;
	}
	if (len > n) {
		b->bad = 1;
		return -1;
	}
	memset(out, 0, n - len);
	memcpy(out + n - len, s, len);
	return 0;
}

/* Keys. */

void
ecap_sshkey_wipe(struct ecap_sshkey *k)
{
	explicit_bzero(k, sizeof *k);
}

const char *
ecap_sshkey_type_name(enum ecap_sshkey_type t)
{
	switch (t) {
	case ECAP_SSHKEY_ED25519:
		return "ssh-ed25519";
	case ECAP_SSHKEY_ECDSA_P256:
		return "ecdsa-sha2-nistp256";
	}
	return "unknown";
}

const char *
ecap_sshkey_type_label(enum ecap_sshkey_type t)
{
	switch (t) {
	case ECAP_SSHKEY_ED25519:
		return "ED25519";
	case ECAP_SSHKEY_ECDSA_P256:
		return "ECDSA";
	}
	return "UNKNOWN";
}

void
ecap_sshkey_put_public(struct ecap_ssh_out *o, const struct ecap_sshkey *k)
{
	ecap_ssh_put_cstring(o, ecap_sshkey_type_name(k->type));
	if (k->type == ECAP_SSHKEY_ECDSA_P256)
		ecap_ssh_put_cstring(o, "nistp256");
	ecap_ssh_put_string(o, k->pub, k->publen);
}

void
ecap_ssh_printable(char *out, size_t max, const unsigned char *s, size_t n)
{
	size_t i, m = n > max ? max : n;

	for (i = 0; i < m; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	out[m] = '\0';
	if (n > m)
		strcpy(out + m, "...");
}

/* Is the 65-byte point an uncompressed point on P-256 (not the point at infinity)? */
static int
p256_point_ok(const unsigned char *q, size_t len)
{
	const br_ec_impl *ec = br_ec_get_default();
	unsigned char tmp[65];
	static const unsigned char one[1] = { 1 };
	int ok;

	if (len != 65 || q[0] != 0x04)
		return 0;
	memcpy(tmp, q, 65);
	ok = ec->mul(tmp, 65, one, 1, BR_EC_secp256r1) == 1 && memcmp(tmp, q, 65) == 0;
	return ok;
}

int
ecap_sshkey_parse_public(struct ecap_sshkey *k, const void *blob, size_t len, char *why)
{
	struct ecap_ssh_buf b;
	const unsigned char *t, *q;
	size_t tn, qn;
	char name[64];

	memset(k, 0, sizeof *k);
	ecap_ssh_buf_init(&b, blob, len);
	if (ecap_ssh_get_string(&b, &t, &tn) == -1) {
		WHY("malformed public key");
		return -1;
	}
	if (tn == 11 && memcmp(t, "ssh-ed25519", 11) == 0) {
		k->type = ECAP_SSHKEY_ED25519;
		if (ecap_ssh_get_string(&b, &q, &qn) == -1 || qn != ED25519_KEY_SIZE ||
		    b.len != 0) {
			WHY("malformed ssh-ed25519 public key");
			return -1;
		}
	} else if (tn == 19 && memcmp(t, "ecdsa-sha2-nistp256", 19) == 0) {
		k->type = ECAP_SSHKEY_ECDSA_P256;
		if (ecap_ssh_get_cstring(&b, "nistp256") == -1 ||
		    ecap_ssh_get_string(&b, &q, &qn) == -1 || b.len != 0) {
			WHY("malformed ecdsa-sha2-nistp256 public key");
			return -1;
		}
		if (!p256_point_ok(q, qn)) {
			WHY("ecdsa-sha2-nistp256 public key is not a point on the curve");
			return -1;
		}
	} else {
		ecap_ssh_printable(name, 40, t, tn);
		WHY("unsupported key type %s (only ssh-ed25519 and ecdsa-sha2-nistp256)", name);
		return -1;
	}
	memcpy(k->pub, q, qn);
	k->publen = qn;
	return 0;
}

int
ecap_sshkey_parse_line(struct ecap_sshkey *k, const char *line, char *why)
{
	const char *p = line, *t, *e;
	size_t tn, bn, cn;
	char *b64;
	unsigned char *blob;
	size_t bloblen;
	int rc;

	memset(k, 0, sizeof *k);
	p += strspn(p, " \t");
	t = p;
	tn = strcspn(p, " \t\r\n");
	if (tn == 0) {
		WHY("no public key on the line");
		return -1;
	}
	p += tn;
	p += strspn(p, " \t");
	bn = strcspn(p, " \t\r\n");
	if (bn == 0) {
		WHY("no base64 key after the key type");
		return -1;
	}
	b64 = ecap_xmalloc(bn + 1);
	memcpy(b64, p, bn);
	b64[bn] = '\0';
	p += bn;
	rc = ecap_base64_decode(&blob, &bloblen, b64);
	free(b64);
	if (rc == -1) {
		WHY("public key is not valid base64");
		return -1;
	}
	rc = ecap_sshkey_parse_public(k, blob, bloblen, why);
	free(blob);
	if (rc == -1)
		return -1;
	if (tn != strlen(ecap_sshkey_type_name(k->type)) ||
	    memcmp(t, ecap_sshkey_type_name(k->type), tn) != 0) {
		char name[64];

		ecap_ssh_printable(name, 40, (const unsigned char *)t, tn);
		WHY("key type %s does not match the key (%s)", name,
		    ecap_sshkey_type_name(k->type));
		memset(k, 0, sizeof *k);
		return -1;
	}
	/* The comment: the rest, without the blanks around it and the line end. */
	p += strspn(p, " \t");
	e = p + strlen(p);
	while (e > p && strchr(" \t\r\n", e[-1]) != NULL)
		e--;
	if (memchr(p, '\n', (size_t)(e - p)) != NULL) {
		WHY("more than one line");
		memset(k, 0, sizeof *k);
		return -1;
	}
	cn = (size_t)(e - p);
	if (cn >= sizeof k->comment)
		cn = sizeof k->comment - 1;
	memcpy(k->comment, p, cn);
	k->comment[cn] = '\0';
	return 0;
}

int
ecap_sshkey_format_line(const struct ecap_sshkey *k, char *out, size_t outlen)
{
	struct ecap_ssh_out o = { 0 };
	char *b64;
	int n;

	ecap_sshkey_put_public(&o, k);
	b64 = ecap_xmalloc(BASE64_ENCODE_RAW_LENGTH(o.len) + 1);
	ecap_base64_encode(b64, o.p, o.len);
	ecap_ssh_out_free(&o);
	n = snprintf(out, outlen, "%s %s%s%s", ecap_sshkey_type_name(k->type), b64,
	    k->comment[0] ? " " : "", k->comment);
	free(b64);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

void
ecap_sshkey_fingerprint(const struct ecap_sshkey *k, char out[64])
{
	struct ecap_ssh_out o = { 0 };
	unsigned char h[ECAP_SHA256_LEN];
	char b64[BASE64_ENCODE_RAW_LENGTH(ECAP_SHA256_LEN) + 1];
	size_t n;

	ecap_sshkey_put_public(&o, k);
	ecap_sha256(h, o.p, o.len);
	ecap_ssh_out_free(&o);
	ecap_base64_encode(b64, h, sizeof h);
	n = strlen(b64);
	while (n > 0 && b64[n - 1] == '=')
		b64[--n] = '\0';
	snprintf(out, 64, "SHA256:%s", b64);
}

int
ecap_sshkey_equal(const struct ecap_sshkey *a, const struct ecap_sshkey *b)
{
	return a->type == b->type && a->publen == b->publen &&
	    memcmp(a->pub, b->pub, a->publen) == 0;
}

/* Signatures. */

int
ecap_sshkey_sign(const struct ecap_sshkey *k, const void *data, size_t len,
    struct ecap_ssh_out *o)
{
	struct ecap_ssh_out inner = { 0 };
	unsigned char sig[ED25519_SIGNATURE_SIZE], h[ECAP_SHA256_LEN], x[32];
	br_ec_private_key sk = { BR_EC_secp256r1, x, sizeof x };
	size_t n;

	if (!k->has_private)
		return -1;
	ecap_ssh_put_cstring(o, ecap_sshkey_type_name(k->type));
	switch (k->type) {
	case ECAP_SSHKEY_ED25519:
		ed25519_sha512_sign(k->pub, k->priv, len, data, sig);
		ecap_ssh_put_string(o, sig, ED25519_SIGNATURE_SIZE);
		break;
	case ECAP_SSHKEY_ECDSA_P256:
		ecap_sha256(h, data, len);
		memcpy(x, k->priv, sizeof x);
		n = br_ecdsa_i31_sign_raw(br_ec_get_default(), &br_sha256_vtable, h, &sk, sig);
		explicit_bzero(x, sizeof x);
		if (n != 64)
			return -1;
		ecap_ssh_put_mpint(&inner, sig, 32);
		ecap_ssh_put_mpint(&inner, sig + 32, 32);
		ecap_ssh_put_string(o, inner.p, inner.len);
		ecap_ssh_out_free(&inner);
		break;
	}
	return 0;
}

int
ecap_sshkey_verify(const struct ecap_sshkey *k, const void *data, size_t len,
    const void *sig, size_t siglen, char *why)
{
	struct ecap_ssh_buf b, in;
	const unsigned char *t, *s;
	size_t tn, sn;
	unsigned char rs[64], h[ECAP_SHA256_LEN], q[65];
	const char *want = ecap_sshkey_type_name(k->type);
	br_ec_public_key pk;
	char name[64];

	ecap_ssh_buf_init(&b, sig, siglen);
	if (ecap_ssh_get_string(&b, &t, &tn) == -1 || ecap_ssh_get_string(&b, &s, &sn) == -1 ||
	    b.len != 0) {
		WHY("malformed signature");
		return -1;
	}
	if (tn != strlen(want) || memcmp(t, want, tn) != 0) {
		ecap_ssh_printable(name, 40, t, tn);
		WHY("signature type %s does not match the key type %s", name, want);
		return -1;
	}
	switch (k->type) {
	case ECAP_SSHKEY_ED25519:
		if (sn != ED25519_SIGNATURE_SIZE) {
			WHY("malformed ssh-ed25519 signature");
			return -1;
		}
		return ed25519_sha512_verify(k->pub, len, data, s) ? 0 : 1;
	case ECAP_SSHKEY_ECDSA_P256:
		ecap_ssh_buf_init(&in, s, sn);
		if (get_mpint_fixed(&in, rs, 32) == -1 || get_mpint_fixed(&in, rs + 32, 32) == -1 ||
		    in.len != 0) {
			WHY("malformed ecdsa-sha2-nistp256 signature");
			return -1;
		}
		ecap_sha256(h, data, len);
		pk.curve = BR_EC_secp256r1;
		memcpy(q, k->pub, sizeof q);
		pk.q = q;
		pk.qlen = k->publen;
		return br_ecdsa_i31_vrfy_raw(br_ec_get_default(), h, sizeof h, &pk, rs, 64) ? 0 : 1;
	}
	WHY("unsupported key type");
	return -1;
}

/* base64. */

void
ecap_base64_encode(char *out, const void *bin, size_t len)
{
	base64_encode_raw(out, len, bin);
	out[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
}

int
ecap_base64_decode(unsigned char **out, size_t *outlen, const char *text)
{
	struct base64_decode_ctx ctx;
	size_t n = strlen(text), i, pad = 0, got;
	unsigned char *p;

	/* Exact RFC 4648 text: full quads, padding only at the end; no blanks. */
	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i++) {
		char c = text[i];

		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return -1;
	}
	if (pad > 2)
		return -1;
	p = ecap_xmalloc(BASE64_DECODE_LENGTH(n) + 1);
	got = BASE64_DECODE_LENGTH(n) + 1;
	base64_decode_init(&ctx);
	if (!base64_decode_update(&ctx, &got, p, n, text) || !base64_decode_final(&ctx)) {
		free(p);
		return -1;
	}
	*out = p;
	*outlen = got;
	return 0;
}
