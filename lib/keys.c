/*
 * keys.c - symmetric master keys (hex text, environment, kernel keyring)
 * and X25519 identities and recipients.  See keys.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>
#include <keyutils.h>

#include "config.h"
#include "err.h"
#include "hex.h"
#include "kdf.h"
#include "keys.h"
#include "sha256.h"
#include "xio.h"

#define WHYLEN		256	/* bytes of why, at least (keys.h) */
#define MAXKEYFILE	4096	/* the longest key file we read, bytes */

#define X25519_IDENTITY	"ecap-x25519-identity:"
#define X25519_RECIPIENT "ecap-x25519:"

#define say(why, ...)	ecap_setwhy(why, WHYLEN, __VA_ARGS__)

static int
ishex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Read the whole of a small file (a key file) into buf (cap bytes, one more
 * than the longest file accepted, for the NUL).  Returns its length, or -1
 * with why when it is longer than cap - 1 bytes.  A file that cannot be
 * opened or read ends the program.
 */
static ssize_t
readsmall(const char *path, char *buf, size_t cap, char *why)
{
	const char *name = ecap_displayname(path, 0);
	int fd = ecap_xopen(path, O_RDONLY);
	size_t n = ecap_readall(fd, buf, cap, name);

	if (fd != STDIN_FILENO)
		close(fd);
	if (n == cap) {
		explicit_bzero(buf, cap);
		say(why, "%s: too long for a key file (more than %zu bytes)", name, cap - 1);
		return -1;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * Create path with O_EXCL and mode 0600 and write len bytes of text to it,
 * or write them to standard output for "-".  Returns 0, or -1 with why (a
 * partly written file is removed).
 */
static int
writesecret(const char *path, const char *text, size_t len, char *why)
{
	int fd, saved;
	size_t done = 0;

	if (strcmp(path, "-") == 0) {
		ecap_writeall(STDOUT_FILENO, text, len, "stdout");
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			say(why, "%s: already exists; not overwriting it", path);
		else
			say(why, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(path);
	say(why, "%s: write: %s", path, strerror(saved));
	return -1;
}

/* The key id of a master key: HKDF-SHA256(ikm=key, salt="", info="ecap key id")[0..8) in hex. */
static void
symkey_id(struct ecap_symkey *k)
{
	static const char info[] = "ecap key id";
	unsigned char id[ECAP_KEYID_LEN / 2];

	ecap_hkdf_sha256(id, sizeof(id), k->key, sizeof(k->key), "", 0, info, sizeof(info) - 1);
	ecap_hex_encode(k->id, id, sizeof(id));
}

int
ecap_symkey_parse(struct ecap_symkey *k, const char *text, size_t len, const char *name,
    char *why)
{
	char digits[2 * ECAP_KEY_LEN + 1];
	size_t n;

	for (n = 0; n < len && n < 2 * ECAP_KEY_LEN && ishex((unsigned char)text[n]); n++)
		continue;
	if (n < 2 * ECAP_KEY_LEN) {
		if (n == len || (n + 1 == len && text[n] == '\n'))
			say(why, "%s: too short for a key: %zu hex digits, want 64", name, n);
		else
			say(why, "%s: not a key: byte %zu is not a hex digit (want 64 hex digits)",
			    name, n + 1);
		return -1;
	}
	if (len > n && !(len == n + 1 && text[n] == '\n')) {
		if (ishex((unsigned char)text[n]))
			say(why, "%s: too long for a key: more than 64 hex digits", name);
		else
			say(why, "%s: trailing data after the key's 64 hex digits", name);
		return -1;
	}
	memcpy(digits, text, 2 * ECAP_KEY_LEN);
	digits[2 * ECAP_KEY_LEN] = '\0';
	if (ecap_hex_decode(k->key, ECAP_KEY_LEN, digits) == -1) {
		explicit_bzero(digits, sizeof(digits));
		say(why, "%s: not a key: want 64 hex digits", name);
		return -1;
	}
	explicit_bzero(digits, sizeof(digits));
	symkey_id(k);
	return 0;
}

static int
symkey_file(struct ecap_symkey *k, const char *path, char *why)
{
	char buf[MAXKEYFILE + 1];
	ssize_t n = readsmall(path, buf, sizeof(buf), why);
	int rc = -1;

	if (n >= 0)
		rc = ecap_symkey_parse(k, buf, (size_t)n, ecap_displayname(path, 0), why);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

static int
symkey_keyring(struct ecap_symkey *k, const char *keyring, char *why)
{
	char name[WHYLEN];
	key_serial_t id;
	void *data = NULL;
	long n;
	int rc;

	snprintf(name, sizeof(name), "kernel keyring key %s", keyring);
	id = request_key("user", keyring, NULL, 0);
	if (id == -1 && (errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED ||
	    errno == ENOENT))
		id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", keyring, 0);
	if (id == -1) {
		if (errno == ENOKEY || errno == ENOENT)
			say(why, "%s: not found in the session or user keyring", name);
		else
			say(why, "%s: %s", name, strerror(errno));
		return -1;
	}
	if ((n = keyctl_read_alloc(id, &data)) == -1) {
		say(why, "%s: read: %s", name, strerror(errno));
		return -1;
	}
	rc = ecap_symkey_parse(k, data, (size_t)n, name, why);
	explicit_bzero(data, (size_t)n);
	free(data);
	return rc;
}

int
ecap_symkey_find(struct ecap_symkey *k, const char *path, const char *keyring, char *why)
{
	char *conf = NULL, *confring = NULL, *cpath = NULL;
	const char *s;
	int rc;

	/* What the command line names wins; then the environment. */
	if (path != NULL && keyring != NULL) {
		say(why, "give a key file or a keyring key, not both");
		return -1;
	}
	if (path == NULL && keyring == NULL) {
		if ((s = getenv("ECAP_KEY")) != NULL) {
			snprintf(k->source, sizeof(k->source), "ECAP_KEY");
			return ecap_symkey_parse(k, s, strlen(s), "ECAP_KEY", why);
		}
		if ((s = getenv("ECAP_KEY_FILE")) != NULL) {
			if (*s == '\0') {
				say(why, "ECAP_KEY_FILE is empty");
				return -1;
			}
			path = s;
		} else if ((s = getenv("ECAP_KEYRING")) != NULL && *s != '\0') {
			keyring = s;
		} else {
			/* Last, the configuration file. */
			path = conf = ecap_config_xget("key.file", 1);
			keyring = confring = ecap_config_xget("key.keyring", 0);
			if (path != NULL && keyring != NULL) {
				say(why, "config %s: key.file and key.keyring are both set",
				    (cpath = ecap_config_path()));
				rc = -1;
				goto out;
			}
			if (path == NULL && keyring == NULL) {
				say(why, "no key: give --key-file or --keyring, or set ECAP_KEY, "
				    "ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file");
				return 1;
			}
		}
	}
	if (path != NULL) {
		snprintf(k->source, sizeof(k->source), "%s", path);
		rc = symkey_file(k, path, why);
	} else {
		snprintf(k->source, sizeof(k->source), "keyring:%s", keyring);
		rc = symkey_keyring(k, keyring, why);
	}
out:
	free(conf);
	free(confring);
	free(cpath);
	return rc;
}

void
ecap_symkey_xfind(struct ecap_symkey *k, const char *path, const char *keyring,
    const char *flags)
{
	char why[WHYLEN];
	int rc = ecap_symkey_find(k, path, keyring, why);

	if (rc == 1)
		ecap_errx(ECAP_EXIT_ERR, "no key: give %s, or set ECAP_KEY, ECAP_KEY_FILE, "
		    "ECAP_KEYRING or key.file in the config file", flags);
	if (rc < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

int
ecap_symkey_generate(struct ecap_symkey *k, const char *path, char *why)
{
	char text[2 * ECAP_KEY_LEN + 2];
	int rc = 0;

	ecap_random(k->key, sizeof(k->key));
	symkey_id(k);
	if (path != NULL) {
		ecap_hex_encode(text, k->key, sizeof(k->key));
		text[2 * ECAP_KEY_LEN] = '\n';
		rc = writesecret(path, text, 2 * ECAP_KEY_LEN + 1, why);
		explicit_bzero(text, sizeof(text));
	}
	if (rc == -1)
		explicit_bzero(k, sizeof(*k));
	return rc;
}

int
ecap_symkey_to_keyring(const struct ecap_symkey *k, const char *name, char *why)
{
	char text[2 * ECAP_KEY_LEN + 1];
	key_serial_t id;

	if (*name == '\0') {
		say(why, "kernel keyring: the key name is empty");
		return -1;
	}
	/* add_key(2) would silently replace a key of that name: refuse, as for files. */
	if (keyctl_search(KEY_SPEC_USER_KEYRING, "user", name, 0) != -1) {
		say(why, "kernel keyring key %s: already exists; not replacing it", name);
		return -1;
	}
	ecap_hex_encode(text, k->key, sizeof(k->key));
	id = add_key("user", name, text, 2 * ECAP_KEY_LEN, KEY_SPEC_USER_KEYRING);
	explicit_bzero(text, sizeof(text));
	if (id == -1) {
		say(why, "kernel keyring key %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int
ecap_x25519(unsigned char out[32], const unsigned char scalar[32],
    const unsigned char point[32])
{
	const br_ec_impl *ec = br_ec_get_default();
	unsigned char acc = 0;
	size_t j;

	/*
	 * BearSSL's Curve25519 mul() takes the scalar and the u-coordinate as
	 * RFC 7748 encodes them (little-endian), clamps the scalar and masks
	 * the top bit of u itself (§5); the RFC's vectors check all of that.
	 * It multiplies in place, so out starts as a copy of the point.
	 */
	memcpy(out, point, 32);
	if (ec->mul(out, 32, scalar, 32, BR_EC_curve25519) != 1) {
		explicit_bzero(out, 32);
		return -1;
	}
	for (j = 0; j < 32; j++)	/* constant time: no early exit */
		acc |= out[j];
	return acc == 0 ? -1 : 0;
}

/* Fill in x's key id: SHA-256 of the public key, first 8 bytes, in hex. */
static void
x25519_id(struct ecap_x25519 *x)
{
	unsigned char h[ECAP_SHA256_LEN];

	ecap_sha256(h, x->pub, sizeof(x->pub));
	ecap_hex_encode(x->id, h, ECAP_KEYID_LEN / 2);
}

/* Derive x's public key from its secret; -1 only if the scalar is degenerate. */
static int
x25519_public(struct ecap_x25519 *x)
{
	static const unsigned char base[32] = { 9 };

	if (ecap_x25519(x->pub, x->secret, base) == -1)
		return -1;
	x->has_secret = 1;
	x25519_id(x);
	return 0;
}

/* Decode exactly 64 hex digits at text (n bytes) into out; -1 if they are not. */
static int
hex32(unsigned char out[32], const char *text, size_t n)
{
	char digits[65];
	size_t j;
	int rc;

	if (n != 64)
		return -1;
	for (j = 0; j < 64; j++)
		if (!ishex((unsigned char)text[j]))
			return -1;
	memcpy(digits, text, 64);
	digits[64] = '\0';
	rc = ecap_hex_decode(out, 32, digits);
	explicit_bzero(digits, sizeof(digits));
	return rc;
}

int
ecap_x25519_parse_recipient(struct ecap_x25519 *x, const char *text, char *why)
{
	size_t plen = strlen(X25519_RECIPIENT);

	memset(x, 0, sizeof(*x));
	if (strncmp(text, X25519_RECIPIENT, plen) != 0 ||
	    hex32(x->pub, text + plen, strlen(text + plen)) == -1) {
		say(why, "not an X25519 recipient: want \"%s\" and 64 hex digits",
		    X25519_RECIPIENT);
		return -1;
	}
	x25519_id(x);
	return 0;
}

int
ecap_x25519_load_identity(struct ecap_x25519 *x, const char *path, char *why)
{
	const char *name = ecap_displayname(path, 0);
	char buf[MAXKEYFILE + 1], *line, *end;
	size_t plen = strlen(X25519_IDENTITY), lineno = 0;
	ssize_t n;
	int found = 0, rc = -1;

	memset(x, 0, sizeof(*x));
	if ((n = readsmall(path, buf, sizeof(buf), why)) < 0)
		return -1;
	if (memchr(buf, '\0', (size_t)n) != NULL) {
		say(why, "%s: not an X25519 identity: holds a NUL byte", name);
		goto out;
	}
	for (line = buf; *line != '\0'; line = end) {
		size_t len;

		lineno++;
		end = strchr(line, '\n');
		len = end != NULL ? (size_t)(end - line) : strlen(line);
		end = end != NULL ? end + 1 : line + len;
		if (line[0] == '#')
			continue;
		if (found) {
			say(why, "%s: line %zu: more than one line after the identity", name,
			    lineno);
			goto out;
		}
		if (len < plen || strncmp(line, X25519_IDENTITY, plen) != 0 ||
		    hex32(x->secret, line + plen, len - plen) == -1) {
			say(why, "%s: line %zu: not an X25519 identity: want \"%s\" and 64 hex "
			    "digits", name, lineno, X25519_IDENTITY);
			goto out;
		}
		found = 1;
	}
	if (!found) {
		say(why, "%s: no \"%s\" line: not an X25519 identity", name, X25519_IDENTITY);
		goto out;
	}
	if (x25519_public(x) == -1) {
		say(why, "%s: the X25519 secret gives no usable public key", name);
		goto out;
	}
	rc = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	if (rc == -1)
		explicit_bzero(x, sizeof(*x));
	return rc;
}

int
ecap_x25519_generate(struct ecap_x25519 *x, const char *path, char *why)
{
	char text[256], recipient[80], hex[65];
	int len, rc;

	memset(x, 0, sizeof(*x));
	do
		ecap_random(x->secret, sizeof(x->secret));
	while (x25519_public(x) == -1);
	ecap_x25519_format_recipient(x, recipient);
	ecap_hex_encode(hex, x->secret, sizeof(x->secret));
	len = snprintf(text, sizeof(text), "# recipient: %s\n%s%s\n", recipient,
	    X25519_IDENTITY, hex);
	explicit_bzero(hex, sizeof(hex));
	rc = writesecret(path, text, (size_t)len, why);
	explicit_bzero(text, sizeof(text));
	if (rc == -1)
		explicit_bzero(x, sizeof(*x));
	return rc;
}

void
ecap_x25519_format_recipient(const struct ecap_x25519 *x, char out[80])
{
	size_t plen = strlen(X25519_RECIPIENT);

	memcpy(out, X25519_RECIPIENT, plen);
	ecap_hex_encode(out + plen, x->pub, sizeof(x->pub));
}
