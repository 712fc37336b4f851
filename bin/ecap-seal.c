/* ecap-seal: seal a payload into an encrypted, optionally signed capsule, ecap(5). */
#include <fcntl.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include "capsule.h"
#include "compress.h"
#include "err.h"
#include "keys.h"
#include "parallel.h"
#include "parse.h"
#include "secmem.h"
#include "wasm.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: ecap-seal [--key-file FILE | --keyring NAME] [-r RECIPIENT]... [-R FILE]...\n"
	    "                 [--sign KEY] [--aead aes-256-gcm | chacha20-poly1305]\n"
	    "                 [--page-size BYTES] [--meta KEY=VALUE]... [--capability CAP]...\n"
	    "                 [--compress] [--reproducible] [-j THREADS] [-o OUT] [FILE]\n");
	ecap_usage_exit(status);
}

/* "created" as RFC 3339 UTC, from SOURCE_DATE_EPOCH when set. */
static const char *
created(void)
{
	static char buf[64];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t t = (uint64_t)time(NULL);
	time_t tt;
	struct tm tm;

	if (sde != NULL && ecap_parse_u64(sde, &t) < 0)
		ecap_errx(ECAP_EXIT_ERR, "SOURCE_DATE_EPOCH: not a number of seconds: '%s'", sde);
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "SOURCE_DATE_EPOCH: out of range");
	strftime(buf, sizeof(buf), "created=%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int
has_key(char **meta, size_t n, const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i < n; i++)
		if (strncmp(meta[i], key, len) == 0 && meta[i][len] == '=')
			return 1;
	return 0;
}

/*
 * -R FILE: the recipients in FILE, one a line ("#" comments and blank lines
 * skipped), as age -R reads them; an identity file gives its recipient.
 */
static size_t
recipients_file(struct ecap_x25519 **rcpt, size_t n, const char *path)
{
	struct ecap_x25519 x;
	char *line = NULL, why[256];
	size_t cap = 0, lineno = 0, before = n;
	ssize_t len;
	FILE *f;

	if (ecap_x25519_load_identity(&x, path, why) == 0) {
		explicit_bzero(x.secret, sizeof(x.secret));
		x.has_secret = 0;
		*rcpt = ecap_xrealloc(*rcpt, (n + 1) * sizeof(**rcpt));
		(*rcpt)[n++] = x;
		return n;
	}
	if ((f = fdopen(ecap_xopen(path, O_RDONLY), "r")) == NULL)
		ecap_err(ECAP_EXIT_ERR, "%s", path);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
		    line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (ecap_x25519_parse_recipient(&x, line, why) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: %s", path, lineno, why);
		*rcpt = ecap_xrealloc(*rcpt, (n + 1) * sizeof(**rcpt));
		(*rcpt)[n++] = x;
	}
	if (ferror(f))
		ecap_err(ECAP_EXIT_ERR, "%s: read", path);
	fclose(f);
	free(line);
	if (n == before)
		ecap_errx(ECAP_EXIT_ERR, "%s: no recipient in the file", path);
	return n;
}

/* Add a line to the metadata (grown as needed). */
static size_t
add_meta(char ***meta, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static size_t
add_meta(char ***meta, size_t n, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		ecap_errx(ECAP_EXIT_ERR, "out of memory");
	va_end(ap);
	*meta = ecap_xrealloc(*meta, (n + 4) * sizeof(**meta));
	(*meta)[n] = line;
	return n + 1;
}

/*
 * Validate the module and record what a sandbox needs to know of it: its
 * imports and exports, one line each, and its memory limits in pages.
 */
static size_t
wasm_meta(char ***meta, size_t n, const void *buf, size_t len, const char *name)
{
	struct ecap_wasm_info w;
	char why[256];
	size_t k;

	if (ecap_wasm_inspect(buf, len, &w, why, sizeof(why)) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: not a valid WebAssembly module: %s", name, why);
	n = add_meta(meta, n, "wasm-exports=%zu", w.nexports);
	n = add_meta(meta, n, "wasm-imports=%zu", w.nimports);
	for (k = 0; k < w.nimports; k++)
		n = add_meta(meta, n, "wasm-import=%s %s %s", w.imports[k].kind, w.imports[k].module,
		    w.imports[k].name);
	for (k = 0; k < w.nexports; k++)
		n = add_meta(meta, n, "wasm-export=%s %s", w.exports[k].kind, w.exports[k].name);
	if (w.has_memory) {
		if (w.has_memory_max)
			n = add_meta(meta, n, "wasm-memory=%u %u", w.memory_min_pages,
			    w.memory_max_pages);
		else
			n = add_meta(meta, n, "wasm-memory=%u", w.memory_min_pages);
	}
	ecap_wasm_info_free(&w);
	return n;
}

int
main(int argc, char *argv[])
{
	enum { O_KEYFILE = 256, O_KEYRING, O_SIGN, O_AEAD, O_PAGE, O_META, O_CAP, O_REPRO,
	    O_COMPRESS };
	static const struct option longopts[] = {
		{ "key-file", required_argument, NULL, O_KEYFILE },
		{ "keyring", required_argument, NULL, O_KEYRING },
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "sign", required_argument, NULL, O_SIGN },
		{ "aead", required_argument, NULL, O_AEAD },
		{ "page-size", required_argument, NULL, O_PAGE },
		{ "meta", required_argument, NULL, O_META },
		{ "capability", required_argument, NULL, O_CAP },
		{ "reproducible", no_argument, NULL, O_REPRO },
		{ "compress", no_argument, NULL, O_COMPRESS },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct ecap_seal_opts o = { .aead = ECAP_AEAD_AES256GCM, .page_size = ECAP_PAGE_DEFAULT };
	struct ecap_symkey sym;
	struct ecap_x25519 *rcpt = NULL;
	struct ecap_sshkey signer;
	struct ecap_out out;
	const char *keyfile = NULL, *keyring = NULL, *signfile = NULL, *outpath = NULL;
	const char *inpath = "-", *inname;
	unsigned char magic[8], *whole = NULL;
	struct stat st;
	ssize_t n;
	char **meta = NULL, why[256];
	size_t nmeta = 0, nrcpt = 0;
	unsigned char seen[512] = { 0 };
	uint64_t v;
	int ch, fd, compress = 0;

	ecap_setprogname(argv[0]);
	ecap_secmem_harden();
	o.threads = ecap_ncpu();
	while ((ch = getopt_long(argc, argv, "hj:o:r:R:", longopts, NULL)) != -1) {
		if (ch != 'r' && ch != 'R' && ch != O_META && ch != O_CAP && ch > 0 &&
		    ch < (int)sizeof(seen) && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "an option was given twice");
		switch (ch) {
		case O_KEYFILE: keyfile = optarg; break;
		case O_KEYRING: keyring = optarg; break;
		case O_SIGN: signfile = optarg; break;
		case 'o': outpath = optarg; break;
		case O_AEAD:
			if ((o.aead = ecap_aead_from_name(optarg)) == 0)
				ecap_errx(ECAP_EXIT_ERR, "--aead: not aes-256-gcm or chacha20-poly1305: "
				    "'%s'", optarg);
			break;
		case O_PAGE:
			if (ecap_parse_size(optarg, &v) < 0 || v < ECAP_PAGE_MIN || v > ECAP_PAGE_MAX)
				ecap_errx(ECAP_EXIT_ERR, "--page-size: not a size of %u to %u bytes: '%s'",
				    ECAP_PAGE_MIN, ECAP_PAGE_MAX, optarg);
			o.page_size = (uint32_t)v;
			break;
		case 'j':
			o.threads = ecap_xparse_threads(optarg);
			break;
		case O_REPRO: o.reproducible = 1; break;
		case O_COMPRESS: compress = 1; break;
		case O_META:
			nmeta = add_meta(&meta, nmeta, "%s", optarg);
			break;
		case O_CAP:
			nmeta = add_meta(&meta, nmeta, "capability=%s", optarg);
			break;
		case 'r': {
			struct ecap_x25519 x;

			if (ecap_x25519_parse_recipient(&x, optarg, why) < 0)
				ecap_errx(ECAP_EXIT_ERR, "%s", why);
			rcpt = ecap_xrealloc(rcpt, (nrcpt + 1) * sizeof(*rcpt));
			rcpt[nrcpt++] = x;
			break;
		}
		case 'R':
			nrcpt = recipients_file(&rcpt, nrcpt, optarg);
			break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 1)
		usage(ECAP_EXIT_ERR);
	if (argc == 1)
		inpath = argv[0];

	/* A master key when one is named, or when no recipient is. */
	if (keyfile != NULL || keyring != NULL || nrcpt == 0) {
		ecap_symkey_xfind(&sym, keyfile, keyring, "--key-file, --keyring or -r");
		o.sym = &sym;
	}
	o.rcpt = rcpt;
	o.nrcpt = nrcpt;
	if (signfile != NULL) {
		if (ecap_sshkey_load_private(&signer, signfile, why) < 0)
			ecap_errx(ECAP_EXIT_ERR, "%s", why);
		o.signer = &signer;
	}

	fd = ecap_xopen(inpath, O_RDONLY);
	inname = ecap_displayname(inpath, 0);
	meta = ecap_xrealloc(meta, (nmeta + 4) * sizeof(*meta));
	if (!has_key(meta, nmeta, "created"))
		nmeta = add_meta(&meta, nmeta, "%s", created());
	/*
	 * A WebAssembly module is validated and its imports and exports recorded:
	 * a regular file is looked at where it lies, a pipe is read whole first.
	 * Anything else is sealed as it comes, the bytes looked at going first.
	 */
	if (fstat(fd, &st) == -1)
		ecap_err(ECAP_EXIT_ERR, "%s", inname);
	if (S_ISREG(st.st_mode)) {
		n = pread(fd, magic, sizeof(magic), 0);
		if (n < 0)
			ecap_err(ECAP_EXIT_ERR, "%s: read", inname);
		if (ecap_wasm_is_module(magic, (size_t)n)) {
			void *map = st.st_size ? mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) :
			    NULL;

			if (map == MAP_FAILED)
				ecap_err(ECAP_EXIT_ERR, "%s: mmap", inname);
			nmeta = wasm_meta(&meta, nmeta, map, st.st_size, inname);
			munmap(map, st.st_size);
		}
	} else {
		n = (ssize_t)ecap_readall(fd, magic, sizeof(magic), inname);
		if (ecap_wasm_is_module(magic, (size_t)n)) {
			size_t len = (size_t)n, cap = 1 << 20, got;

			whole = ecap_xmalloc(cap);
			memcpy(whole, magic, len);
			while ((got = ecap_readall(fd, whole + len, cap - len, inname)) > 0) {
				len += got;
				if (len == cap)
					whole = ecap_xrealloc(whole, cap *= 2);
			}
			nmeta = wasm_meta(&meta, nmeta, whole, len, inname);
			o.prefix = whole;
			o.prefixlen = len;
			fd = -1;
		} else {
			o.prefix = magic;
			o.prefixlen = (size_t)n;
		}
	}
	if (!has_key(meta, nmeta, "content-type"))
		nmeta = add_meta(&meta, nmeta, "content-type=%s", has_key(meta, nmeta, "wasm-exports") ?
		    ECAP_WASM_CONTENT_TYPE : "application/octet-stream");
	if (has_key(meta, nmeta, ECAP_COMPRESS_SIZE_KEY))
		ecap_errx(ECAP_EXIT_ERR, "--meta: " ECAP_COMPRESS_SIZE_KEY " is written by --compress");
	if (compress) {
		/* Compressed whole first, in memory; then sealed as any payload. */
		uint64_t inlen;

		fd = ecap_compress_memfd(o.prefix, o.prefixlen, fd, inname, &inlen);
		o.prefix = NULL;
		o.prefixlen = 0;
		o.compression = ECAP_COMPRESS_ZSTD;
		nmeta = add_meta(&meta, nmeta, ECAP_COMPRESS_SIZE_KEY "=%llu",
		    (unsigned long long)inlen);
	}
	o.meta = meta;
	o.nmeta = nmeta;
	o.progress = 1;

	ecap_out_open(&out, outpath ? outpath : "-");
	ecap_seal(&o, fd, inname, out.fd, ecap_displayname(out.path, 1));
	ecap_out_commit(&out);
	if (o.sym != NULL)
		explicit_bzero(&sym, sizeof(sym));
	if (o.signer != NULL)
		ecap_sshkey_wipe(&signer);
	while (nmeta > 0)
		free(meta[--nmeta]);
	free(meta);
	free(rcpt);
	free(whole);
	return ECAP_EXIT_OK;
}
