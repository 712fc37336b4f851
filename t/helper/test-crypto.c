/*
 * test-crypto: known-answer tests, cross-checks and timings for lib/kdf and
 * lib/aead.  Arguments and outputs are hex (an empty string is empty);
 * exit 0 ok, 1 authentication failed or a cross-check differed, 2 usage.
 *
 *   test-crypto hmac KEY DATA                 HMAC-SHA256
 *   test-crypto hkdf IKM SALT INFO LEN        HKDF-SHA256, LEN bytes (decimal)
 *   test-crypto seal ALG KEY NONCE AAD PT     prints CT || TAG
 *   test-crypto open ALG KEY NONCE AAD CTTAG  prints PT, or exits 1
 *   test-crypto stream-nonce COUNTER LAST     COUNTER and LAST (0/1) decimal
 *   test-crypto names                         name <-> enum round trip
 *   test-crypto impl ALG                      implementations chosen
 *   test-crypto cross [--portable] [N]        ours == Nettle, N random messages
 *                                             per length; --portable forces
 *                                             BearSSL's portable code
 *   test-crypto speed [SECONDS]               GB/s for 64 KiB messages
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>

#include "aead.h"
#include "err.h"
#include "hex.h"
#include "kdf.h"
#include "xio.h"

static noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: test-crypto hmac KEY DATA\n"
	    "       test-crypto hkdf IKM SALT INFO LEN\n"
	    "       test-crypto seal ALG KEY NONCE AAD PLAINTEXT\n"
	    "       test-crypto open ALG KEY NONCE AAD CIPHERTEXT_WITH_TAG\n"
	    "       test-crypto stream-nonce COUNTER LAST\n"
	    "       test-crypto names | impl ALG | cross [--portable] [N] | speed [SECONDS]\n");
	exit(ECAP_EXIT_ERR);
}

/* Decode hex text into a new buffer (at least 1 byte allocated); *len gets its length. */
static unsigned char *
unhex(const char *what, const char *text, size_t *len)
{
	size_t n = strlen(text);
	unsigned char *p;

	if (n % 2 != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: odd number of hex digits", what);
	*len = n / 2;
	p = ecap_xmalloc(*len + 1);
	if (ecap_hex_decode(p, *len, text) != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not hex", what);
	return p;
}

static void
unhex_exact(const char *what, const char *text, unsigned char *out, size_t len)
{
	if (ecap_hex_decode(out, len, text) != 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: want %zu bytes in hex", what, len);
}

static void
puthex(const unsigned char *p, size_t len)
{
	char *s = ecap_xmalloc(2 * len + 1);

	ecap_hex_encode(s, p, len);
	if (printf("%s\n", s) < 0 || fflush(stdout) == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	free(s);
}

static unsigned long long
number(const char *what, const char *text)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-')
		ecap_errx(ECAP_EXIT_ERR, "%s: not a decimal number: %s", what, text);
	return v;
}

static enum ecap_aead_alg
alg_arg(const char *name)
{
	enum ecap_aead_alg alg = ecap_aead_from_name(name);

	if (alg == 0)
		ecap_errx(ECAP_EXIT_ERR, "unknown AEAD: %s", name);
	return alg;
}

static int
cmd_hmac(int argc, char **argv)
{
	unsigned char out[ECAP_HMAC_SHA256_LEN], *key, *data;
	size_t keylen, len;

	if (argc != 3)
		usage();
	key = unhex("KEY", argv[1], &keylen);
	data = unhex("DATA", argv[2], &len);
	ecap_hmac_sha256(out, key, keylen, data, len);
	puthex(out, sizeof out);
	free(key);
	free(data);
	return 0;
}

static int
cmd_hkdf(int argc, char **argv)
{
	unsigned char *ikm, *salt, *info, *out;
	size_t ikmlen, saltlen, infolen, outlen;

	if (argc != 5)
		usage();
	ikm = unhex("IKM", argv[1], &ikmlen);
	salt = unhex("SALT", argv[2], &saltlen);
	info = unhex("INFO", argv[3], &infolen);
	outlen = number("LEN", argv[4]);
	out = ecap_xmalloc(outlen + 1);
	if (ecap_hkdf_sha256(out, outlen, ikm, ikmlen, salt, saltlen, info, infolen) != 0)
		ecap_errx(ECAP_EXIT_ERR, "hkdf: LEN %zu is more than %d bytes", outlen,
		    ECAP_HKDF_SHA256_MAX);
	puthex(out, outlen);
	free(ikm);
	free(salt);
	free(info);
	free(out);
	return 0;
}

static int
cmd_seal(int argc, char **argv)
{
	struct ecap_aead ctx;
	unsigned char key[ECAP_AEAD_KEY_LEN], nonce[ECAP_AEAD_NONCE_LEN], *aad, *buf;
	size_t aadlen, len;

	if (argc != 6)
		usage();
	unhex_exact("KEY", argv[2], key, sizeof key);
	unhex_exact("NONCE", argv[3], nonce, sizeof nonce);
	aad = unhex("AAD", argv[4], &aadlen);
	buf = unhex("PLAINTEXT", argv[5], &len);
	buf = ecap_xrealloc(buf, len + ECAP_AEAD_TAG_LEN);
	if (ecap_aead_init(&ctx, alg_arg(argv[1]), key) != 0)
		ecap_errx(ECAP_EXIT_ERR, "aead init failed");
	if (ecap_aead_seal(&ctx, nonce, aad, aadlen, buf, len, buf + len) != 0)
		ecap_errx(ECAP_EXIT_ERR, "seal failed");
	ecap_aead_wipe(&ctx);
	puthex(buf, len + ECAP_AEAD_TAG_LEN);
	free(aad);
	free(buf);
	return 0;
}

static int
cmd_open(int argc, char **argv)
{
	struct ecap_aead ctx;
	unsigned char key[ECAP_AEAD_KEY_LEN], nonce[ECAP_AEAD_NONCE_LEN], *aad, *buf;
	size_t aadlen, len, k;

	if (argc != 6)
		usage();
	unhex_exact("KEY", argv[2], key, sizeof key);
	unhex_exact("NONCE", argv[3], nonce, sizeof nonce);
	aad = unhex("AAD", argv[4], &aadlen);
	buf = unhex("CIPHERTEXT_WITH_TAG", argv[5], &len);
	if (len < ECAP_AEAD_TAG_LEN)
		ecap_errx(ECAP_EXIT_ERR, "CIPHERTEXT_WITH_TAG: shorter than the %d-byte tag",
		    ECAP_AEAD_TAG_LEN);
	len -= ECAP_AEAD_TAG_LEN;
	if (ecap_aead_init(&ctx, alg_arg(argv[1]), key) != 0)
		ecap_errx(ECAP_EXIT_ERR, "aead init failed");
	if (ecap_aead_open(&ctx, nonce, aad, aadlen, buf, len, buf + len) != 0) {
		/* The library promises a wiped buffer: hold it to that. */
		for (k = 0; k < len; k++)
			if (buf[k] != 0)
				ecap_errx(3, "open: buffer not wiped after a failed tag check");
		ecap_errx(ECAP_EXIT_NO, "open: authentication failed");
	}
	ecap_aead_wipe(&ctx);
	puthex(buf, len);
	free(aad);
	free(buf);
	return 0;
}

static int
cmd_stream_nonce(int argc, char **argv)
{
	unsigned char nonce[ECAP_AEAD_NONCE_LEN];
	unsigned long long last;

	if (argc != 3)
		usage();
	last = number("LAST", argv[2]);
	if (last > 1)
		ecap_errx(ECAP_EXIT_ERR, "LAST: 0 or 1");
	ecap_stream_nonce(nonce, number("COUNTER", argv[1]), (int)last);
	puthex(nonce, sizeof nonce);
	return 0;
}

static int
cmd_names(int argc, char **argv)
{
	static const char *const known[] = { "aes-256-gcm", "chacha20-poly1305" };
	size_t k;

	(void)argv;
	if (argc != 1)
		usage();
	for (k = 0; k < 2; k++)
		printf("%s %d %s\n", known[k], (int)ecap_aead_from_name(known[k]),
		    ecap_aead_name(ecap_aead_from_name(known[k])));
	printf("AES-256-GCM %d\n", (int)ecap_aead_from_name("AES-256-GCM"));
	printf("aes-128-gcm %d\n", (int)ecap_aead_from_name("aes-128-gcm"));
	printf("3 %s\n", ecap_aead_name(3) ? ecap_aead_name(3) : "(null)");
	return 0;
}

static int
cmd_impl(int argc, char **argv)
{
	struct ecap_aead ctx;
	unsigned char key[ECAP_AEAD_KEY_LEN] = { 0 };

	if (argc != 2)
		usage();
	if (ecap_aead_init(&ctx, alg_arg(argv[1]), key) != 0)
		ecap_errx(ECAP_EXIT_ERR, "aead init failed");
	printf("%s %s\n", argv[1], ecap_aead_impl(&ctx));
	return 0;
}

static void
randombytes(void *p, size_t n)
{
	unsigned char *b = p;
	ssize_t r;

	while (n > 0) {
		r = getrandom(b, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			ecap_err(ECAP_EXIT_ERR, "getrandom");
		b += r;
		n -= (size_t)r;
	}
}

/*
 * Swap in BearSSL's portable constant-time code (what ecap_aead_init picks on
 * a CPU without AES-NI, PCLMULQDQ, SSE2 or 64-bit multiplies), so that the
 * cross-check covers it on any machine.
 */
static void
use_portable(struct ecap_aead *ctx, const unsigned char key[ECAP_AEAD_KEY_LEN])
{
	if (ctx->alg == ECAP_AEAD_AES256GCM) {
		br_aes_ct64_ctr_vtable.init(&ctx->u.gcm.aes.vtable, key, ECAP_AEAD_KEY_LEN);
		ctx->u.gcm.ghash = br_ghash_ctmul64;
	} else {
		ctx->u.cp.chacha = br_chacha20_ct_run;
		ctx->u.cp.poly = br_poly1305_ctmul_run;
	}
}

/* Seal one random message of len bytes with ours and Nettle's; 0 when they agree. */
static int
cross_one(enum ecap_aead_alg alg, size_t len, size_t aadlen, int portable)
{
	struct ecap_aead ctx;
	struct gcm_aes256_ctx g;
	struct chacha_poly1305_ctx c;
	unsigned char key[ECAP_AEAD_KEY_LEN], nonce[ECAP_AEAD_NONCE_LEN];
	unsigned char tag[ECAP_AEAD_TAG_LEN], ntag[ECAP_AEAD_TAG_LEN];
	unsigned char *pt, *ours, *theirs, *aad;
	int bad = 0;

	pt = ecap_xmalloc(len + 1);
	ours = ecap_xmalloc(len + 1);
	theirs = ecap_xmalloc(len + 1);
	aad = ecap_xmalloc(aadlen + 1);
	randombytes(key, sizeof key);
	randombytes(nonce, sizeof nonce);
	randombytes(pt, len);
	randombytes(aad, aadlen);
	memcpy(ours, pt, len);

	if (ecap_aead_init(&ctx, alg, key) != 0)
		ecap_errx(ECAP_EXIT_ERR, "aead init failed");
	if (portable)
		use_portable(&ctx, key);
	if (ecap_aead_seal(&ctx, nonce, aad, aadlen, ours, len, tag) != 0)
		ecap_errx(ECAP_EXIT_ERR, "seal failed");
	if (alg == ECAP_AEAD_AES256GCM) {
		gcm_aes256_set_key(&g, key);
		gcm_aes256_set_iv(&g, sizeof nonce, nonce);
		gcm_aes256_update(&g, aadlen, aad);
		gcm_aes256_encrypt(&g, len, theirs, pt);
		gcm_aes256_digest(&g, sizeof ntag, ntag);
	} else {
		chacha_poly1305_set_key(&c, key);
		chacha_poly1305_set_nonce(&c, nonce);
		chacha_poly1305_update(&c, aadlen, aad);
		chacha_poly1305_encrypt(&c, len, theirs, pt);
		chacha_poly1305_digest(&c, sizeof ntag, ntag);
	}
	if (memcmp(ours, theirs, len) != 0) {
		ecap_warnx("cross: %s: %zu bytes, aad %zu: ciphertext differs from Nettle's",
		    ecap_aead_name(alg), len, aadlen);
		bad = 1;
	}
	if (memcmp(tag, ntag, sizeof tag) != 0) {
		ecap_warnx("cross: %s: %zu bytes, aad %zu: tag differs from Nettle's",
		    ecap_aead_name(alg), len, aadlen);
		bad = 1;
	}
	if (ecap_aead_open(&ctx, nonce, aad, aadlen, ours, len, tag) != 0 ||
	    memcmp(ours, pt, len) != 0) {
		ecap_warnx("cross: %s: %zu bytes, aad %zu: does not open to the plaintext",
		    ecap_aead_name(alg), len, aadlen);
		bad = 1;
	}
	ecap_aead_wipe(&ctx);
	free(pt);
	free(ours);
	free(theirs);
	free(aad);
	return bad;
}

static int
cmd_cross(int argc, char **argv)
{
	static const size_t large[] = { 4095, 4096, 65535, 65536, 65537, 1u << 20, (1u << 20) + 13 };
	static const enum ecap_aead_alg algs[] = { ECAP_AEAD_AES256GCM, ECAP_AEAD_CHACHA20POLY1305 };
	unsigned long long rounds = 1, r;
	size_t a, len, k, aadlen, count = 0;
	int bad = 0, portable = 0;

	if (argc > 1 && strcmp(argv[1], "--portable") == 0) {
		portable = 1;
		argc--;
		argv++;
	}
	if (argc > 2)
		usage();
	if (argc == 2)
		rounds = number("N", argv[1]);
	for (a = 0; a < 2; a++) {
		for (r = 0; r < rounds; r++) {
			for (len = 0; len <= 1000; len++) {
				aadlen = (len * 7 + r) % 70;	/* 0..69: empty, partial and whole blocks */
				bad |= cross_one(algs[a], len, aadlen, portable);
				count++;
			}
			for (k = 0; k < sizeof large / sizeof large[0]; k++) {
				bad |= cross_one(algs[a], large[k], 32, portable);
				count++;
			}
		}
	}
	printf("cross%s: %zu messages, %s\n", portable ? " (portable code)" : "", count,
	    bad ? "DIFFERENCES FOUND" : "identical to Nettle");
	return bad ? ECAP_EXIT_NO : 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmd_speed(int argc, char **argv)
{
	static const enum ecap_aead_alg algs[] = { ECAP_AEAD_AES256GCM, ECAP_AEAD_CHACHA20POLY1305 };
	enum { MSG = 64 * 1024 };
	struct ecap_aead ctx;
	unsigned char key[ECAP_AEAD_KEY_LEN], nonce[ECAP_AEAD_NONCE_LEN], tag[ECAP_AEAD_TAG_LEN];
	unsigned char aad[32] = { 0 }, *ct, *buf;
	double secs = 1.0, t0, t;
	unsigned long long n;
	size_t a;
	int op, k;

	if (argc > 2)
		usage();
	if (argc == 2)
		secs = strtod(argv[1], NULL);
	if (!(secs > 0))
		ecap_errx(ECAP_EXIT_ERR, "SECONDS: a positive number");
	ct = ecap_xcalloc(1, MSG);
	buf = ecap_xcalloc(1, MSG);
	randombytes(key, sizeof key);
	for (a = 0; a < 2; a++) {
		ecap_aead_init(&ctx, algs[a], key);
		ecap_stream_nonce(nonce, 0, 1);
		ecap_aead_seal(&ctx, nonce, aad, sizeof aad, ct, MSG, tag);
		for (op = 0; op < 2; op++) {
			n = 0;
			t0 = now();
			do {
				for (k = 0; k < 64; k++, n++) {
					if (op == 0) {
						ecap_stream_nonce(nonce, n, 0);
						ecap_aead_seal(&ctx, nonce, aad, sizeof aad, buf, MSG, tag);
						continue;
					}
					/* open decrypts in place: each round opens a fresh copy */
					memcpy(buf, ct, MSG);
					if (ecap_aead_open(&ctx, nonce, aad, sizeof aad, buf, MSG,
					    tag) != 0)
						ecap_errx(ECAP_EXIT_ERR, "speed: open failed");
				}
				t = now() - t0;
			} while (t < secs);
			if (op == 0) {	/* leave nonce and tag of ct for the open round */
				ecap_stream_nonce(nonce, 0, 1);
				memset(ct, 0, MSG);
				ecap_aead_seal(&ctx, nonce, aad, sizeof aad, ct, MSG, tag);
			}
			printf("%-17s %-4s %-13s 64 KiB messages, one core: %.2f GB/s\n",
			    ecap_aead_name(algs[a]), op == 0 ? "seal" : "open",
			    ecap_aead_impl(&ctx), (double)n * MSG / t / 1e9);
		}
		ecap_aead_wipe(&ctx);
	}
	free(ct);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "hmac", cmd_hmac }, { "hkdf", cmd_hkdf }, { "seal", cmd_seal },
		{ "open", cmd_open }, { "stream-nonce", cmd_stream_nonce },
		{ "names", cmd_names }, { "impl", cmd_impl }, { "cross", cmd_cross },
		{ "speed", cmd_speed },
	};
	size_t k;

	ecap_setprogname(argv[0]);
	if (argc < 2)
		usage();
	for (k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
		if (strcmp(argv[1], cmds[k].name) == 0)
			return cmds[k].fn(argc - 1, argv + 1);
	usage();
}
