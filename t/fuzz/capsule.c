/*
 * capsule.c - libFuzzer target for the capsule reader of lib/capsule.c,
 * ecap(5): ecap_open() on the input as a whole capsule (from a memfd).
 *
 * Each input is opened twice: keyless (the header, page table, Merkle root
 * and every page's leaf hash; nothing decrypted), then with a fixed master
 * key and a fixed X25519 identity (the pages decrypted); a capsule that
 * opens with the keys is opened a third time with an allowed-signers file
 * that trusts one fixed Ed25519 key.  A refused input ends in ecap_errx(),
 * which the exit hook turns into a siglongjmp back here; the exit status
 * must be one of ecap-open(1)'s.  What must hold:
 *   - the header callback sees a consistent capsule (page size in range,
 *     at least one stanza, page count that fits the payload length, sorted
 *     metadata), and is called before any page;
 *   - pages come in order, each page_size bytes but the last, which holds
 *     the rest; together they are the payload length; a capsule that opens
 *     was read to its last byte;
 *   - what opens with the keys opens keylessly too, and the allowed signers
 *     accept it exactly when the fixed key signed it (else exit 4).
 * The CHKP and END hashes would stop nearly every change to the header
 * before the checks behind the checkpoint (page table against ROOT, page
 * count against payload length, the pages against a changed header), so an
 * input whose CHKP or END frames do not carry the stream hash of the frames
 * before them (ecap-frame(5): SHA-256 over each frame's type, big-endian
 * length and leaf hash SHA-256(0x00 || payload)) is opened a second time
 * with those hashes put right.
 * The longjmp skips the library's frees, so this target runs with
 * -detect_leaks=0 (mk/fuzz.mk), and, since those leaks would fill the
 * memory in seconds, the link wraps malloc, calloc, realloc, free and
 * ecap_secmem_alloc/free (ld --wrap): what is allocated on this thread
 * while a capsule is opened is tracked, what a refused capsule left behind
 * is freed after the longjmp, and a capsule that opens must leave nothing.
 *
 * Seeds (t/fuzz/seeds/capsule/) were made with, for a payload FILE,
 *   SOURCE_DATE_EPOCH=1700000000 bin/ecap-seal --key-file KEY --page-size 64 \
 *       --reproducible [--aead chacha20-poly1305] [--sign t/fuzz/seeds/sshkey/ed25519] \
 *       [-r RECIPIENT] -o OUT FILE
 * where KEY holds FUZZ_KEY below and RECIPIENT is the recipient of FUZZ_IDENTITY.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "capsule.h"
#include "err.h"
#include "keys.h"
#include "sha256.h"
#include "sshsig.h"
#include "check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* No leak check at exit either, so that running one input again (a crash) says only what matters. */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}


/* The master key of the seeds, and an X25519 identity (recipient ecap-x25519:b0d08f35...). */
#define FUZZ_KEY \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define FUZZ_IDENTITY \
	"ecap-x25519-identity:5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\n"
/* The public half of t/fuzz/seeds/sshkey/ed25519. */
#define FUZZ_SIGNERS \
	"fuzz@ecap namespaces=\"ecap\" ssh-ed25519 " \
	"AAAAC3NzaC1lZDI1NTE5AAAAIJaDzu7Dly1UE7uT69QZY2RfkgVXzg2s2Z+Mi6BQ4SDK\n"

static struct ecap_symkey sym;
static struct ecap_x25519 id;
static struct ecap_allowed_signers signers;
static int capfd;

/* ---- allocations made while a capsule is opened ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__real_ecap_secmem_alloc(size_t len);
void __real_ecap_secmem_free(void *p, size_t len);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_ecap_secmem_alloc(size_t len);
void __wrap_ecap_secmem_free(void *p, size_t len);

#define GONE	((void *)1)	/* a freed slot in the table */

/* An open-addressing table of live blocks: heap (len 0) or locked memory (len in bytes). */
static struct block {
	void *p;
	size_t len;
	int secmem;
} *blocks;
static size_t nslots, nused, nlive;	/* slots; slots not empty (live or GONE); live */
static _Thread_local int tracking;

static size_t
slot_of(const void *p)
{
	return ((uintptr_t)p >> 4) * 0x9e3779b97f4a7c15ull & (nslots - 1);
}

static void
track(void *p, size_t len, int secmem)
{
	size_t i;

	if (2 * (nused + 1) > nslots) {
		struct block *old = blocks;
		size_t oldn = nslots;

		nslots = nslots ? (2 * nlive + 2 > oldn ? 2 * oldn : oldn) : 1024;
		blocks = __real_calloc(nslots, sizeof(*blocks));
		CHECK(blocks != NULL);
		nused = nlive = 0;
		for (i = 0; i < oldn; i++)
			if (old[i].p != NULL && old[i].p != GONE)
				track(old[i].p, old[i].len, old[i].secmem);
		__real_free(old);
	}
	for (i = slot_of(p); blocks[i].p != NULL; i = (i + 1) & (nslots - 1))
		;
	blocks[i] = (struct block){ p, len, secmem };
	nused++;
	nlive++;
}

static void
untrack(void *p)
{
	size_t i;

	if (nslots == 0)
		return;
	for (i = slot_of(p); blocks[i].p != NULL; i = (i + 1) & (nslots - 1)) {
		if (blocks[i].p == p) {
			blocks[i].p = GONE;
			nlive--;
			return;
		}
	}
}

/* Free every block still tracked (what a refused capsule left) and empty the table. */
static void
release(void)
{
	size_t i;

	for (i = 0; i < nslots; i++) {
		if (blocks[i].p == NULL || blocks[i].p == GONE)
			continue;
		if (blocks[i].secmem)
			__real_ecap_secmem_free(blocks[i].p, blocks[i].len);
		else
			__real_free(blocks[i].p);
	}
	if (nused > 0)
		memset(blocks, 0, nslots * sizeof(*blocks));
	nused = nlive = 0;
}

void *
__wrap_malloc(size_t n)
{
	void *p = __real_malloc(n);

	if (tracking && p != NULL)
		track(p, 0, 0);
	return p;
}

void *
__wrap_calloc(size_t nmemb, size_t size)
{
	void *p = __real_calloc(nmemb, size);

	if (tracking && p != NULL)
		track(p, 0, 0);
	return p;
}

void *
__wrap_realloc(void *p, size_t n)
{
	void *q = __real_realloc(p, n);

	if (tracking && q != NULL) {
		if (p != NULL)
			untrack(p);
		track(q, 0, 0);
	}
	return q;
}

void
__wrap_free(void *p)
{
	if (tracking && p != NULL)
		untrack(p);
	__real_free(p);
}

void *
__wrap_ecap_secmem_alloc(size_t len)
{
	void *p = __real_ecap_secmem_alloc(len);

	if (tracking)
		track(p, len, 1);
	return p;
}

void
__wrap_ecap_secmem_free(void *p, size_t len)
{
	if (tracking && p != NULL)
		untrack(p);
	__real_ecap_secmem_free(p, len);
}

/* ---- the target ---- */

static sigjmp_buf refused;
static volatile int status;

static void
exit_hook(int st)
{
	status = st;
	siglongjmp(refused, 1);
}

/* What the callbacks saw of one opening. */
struct seen {
	int header;
	uint32_t page_size;
	uint64_t pages, payload_len;
	uint64_t next;		/* index of the page due */
	uint64_t total;		/* bytes of plaintext so far */
};

static void
on_header(void *arg, const struct ecap_capsule *c)
{
	struct seen *s = arg;
	size_t i;

	CHECK(!s->header);
	s->header = 1;
	CHECK(ecap_aead_name(c->aead) != NULL);
	CHECK(c->page_size >= ECAP_PAGE_MIN && c->page_size <= ECAP_PAGE_MAX);
	CHECK(c->compression == 0);
	CHECK(c->nstanzas >= 1);
	CHECK(c->pages >= 1);
	CHECK(c->pages == (c->payload_len == 0 ? 1 : (c->payload_len - 1) / c->page_size + 1));
	for (i = 1; i < c->nmeta; i++)
		CHECK(strcmp(c->meta[i - 1], c->meta[i]) < 0);
	for (i = 0; i < c->nstanzas; i++)
		CHECK(c->stanzas[i].kind == ECAP_STANZA_SYM ||
		    c->stanzas[i].kind == ECAP_STANZA_X25519);
	CHECK(!c->is_signed || (c->sig != NULL && c->siglen > 0));
	CHECK(c->signed_len > 0 && c->signed_len < c->header_len);
	s->page_size = c->page_size;
	s->pages = c->pages;
	s->payload_len = c->payload_len;
}

static void
on_page(void *arg, uint64_t index, const unsigned char *plain, size_t len)
{
	struct seen *s = arg;
	volatile unsigned char touch;

	CHECK(s->header);
	CHECK(index == s->next);
	CHECK(index < s->pages);
	if (index + 1 < s->pages)
		CHECK(len == s->page_size);
	else
		CHECK(len == s->payload_len - index * s->page_size);
	if (len > 0) {
		touch = plain[0];
		touch = plain[len - 1];
		(void)touch;
	}
	s->next++;
	s->total += len;
}

/*
 * Open the capsule in capfd with o; 0 when it opened, else the exit status
 * of the refusal.  c is static: the longjmp must find it as ecap_open() left it.
 */
static int
open_one(struct ecap_open_opts *o, size_t size, int *is_signed, int *trusted)
{
	static struct ecap_capsule c;
	static struct seen s;

	memset(&s, 0, sizeof(s));
	o->header = on_header;
	o->page = on_page;
	o->arg = &s;
	o->threads = 1;
	CHECK(lseek(capfd, 0, SEEK_SET) == 0);
	if (sigsetjmp(refused, 0) != 0) {
		tracking = 0;
		release();
		memset(&c, 0, sizeof(c));
		CHECK(status == ECAP_EXIT_TAMPERED || status == ECAP_EXIT_ERR ||
		    status == ECAP_EXIT_NOKEY || status == ECAP_EXIT_UNTRUSTED);
		CHECK(status != ECAP_EXIT_NOKEY || !o->keyless);
		CHECK(status != ECAP_EXIT_UNTRUSTED || o->signers != NULL);
		return status;
	}
	tracking = 1;
	ecap_open(o, capfd, "fuzz.ecap", &c);
	CHECK(s.header);
	CHECK(c.stream_len == size);
	if (!o->keyless) {
		CHECK(s.next == c.pages);
		CHECK(s.total == c.payload_len);
	}
	*is_signed = c.is_signed;
	*trusted = c.is_signed &&
	    ecap_allowed_signers_find(&signers, &c.signer, ECAP_SIGN_NAMESPACE,
	    (long long)time(NULL)) != NULL;
	CHECK(o->signers == NULL || c.principal != NULL);
	ecap_capsule_free(&c);
	tracking = 0;
	CHECK(nlive == 0);	/* an opened capsule leaves nothing allocated */
	release();
	return 0;
}

/* A file of text for the loaders that take a path: /proc/self/fd/N of a memfd. */
static int
textfile(const char *text, char path[64])
{
	int fd = memfd_create("fuzz-text", 0);

	CHECK(fd != -1);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char why[256], path[64];
	int fd;

	(void)argc;
	(void)argv;
	ecap_setprogname("capsule-fuzzer");
	CHECK(ecap_symkey_parse(&sym, FUZZ_KEY, strlen(FUZZ_KEY), "fuzz key", why) == 0);
	fd = textfile(FUZZ_IDENTITY, path);
	CHECK(ecap_x25519_load_identity(&id, path, why) == 0);
	close(fd);
	fd = textfile(FUZZ_SIGNERS, path);
	CHECK(ecap_allowed_signers_load(&signers, path, why) == 0);
	close(fd);
	capfd = memfd_create("fuzz.ecap", 0);
	CHECK(capfd != -1);
	ecap_set_exit_hook(exit_hook);
	return 0;
}

/*
 * Put the right stream hash into every whole CHKP and END frame of the n
 * bytes at p, as far as the frames can be followed; 1 if anything changed.
 * The stream hash is SHA-256 over one 40-byte record for each frame before
 * (CHKP frames included, fixed first): type, length, SHA-256(0x00 || payload).
 */
static int
fix_hashes(unsigned char *p, size_t n)
{
	static const unsigned char zero = 0x00;
	unsigned char h[ECAP_SHA256_LEN], rec[ECAP_FRAME_HDR + ECAP_SHA256_LEN];
	ecap_sha256_ctx stream, c;
	size_t off = 0, len;
	int changed = 0;

	ecap_sha256_init(&stream);
	while (n - off >= ECAP_FRAME_HDR) {
		len = (size_t)p[off + 4] << 24 | (size_t)p[off + 5] << 16 | (size_t)p[off + 6] << 8 |
		    p[off + 7];
		if (len > n - off - ECAP_FRAME_HDR)
			break;
		if (len == sizeof(h) && (memcmp(p + off, "CHKP", 4) == 0 ||
		    memcmp(p + off, "END ", 4) == 0)) {
			ecap_sha256_peek(&stream, h);
			if (memcmp(p + off + ECAP_FRAME_HDR, h, sizeof(h)) != 0) {
				memcpy(p + off + ECAP_FRAME_HDR, h, sizeof(h));
				changed = 1;
			}
		}
		memcpy(rec, p + off, ECAP_FRAME_HDR);
		ecap_sha256_init(&c);
		ecap_sha256_update(&c, &zero, 1);
		ecap_sha256_update(&c, p + off + ECAP_FRAME_HDR, len);
		ecap_sha256_final(&c, rec + ECAP_FRAME_HDR);
		ecap_sha256_update(&stream, rec, sizeof(rec));
		off += ECAP_FRAME_HDR + len;
	}
	return changed;
}

static void
open_all(const uint8_t *data, size_t size)
{
	struct ecap_open_opts keyless = { .keyless = 1 };
	struct ecap_open_opts keyed = { .sym = &sym, .ids = &id, .nids = 1 };
	struct ecap_open_opts trusting = { .sym = &sym, .ids = &id, .nids = 1,
	    .signers = &signers };
	int plain, opened, is_signed = 0, trusted = 0, s2 = 0, t2 = 0, rc;

	CHECK(ftruncate(capfd, 0) == 0);
	CHECK(pwrite(capfd, data, size, 0) == (ssize_t)size);

	plain = open_one(&keyless, size, &is_signed, &trusted);
	opened = open_one(&keyed, size, &is_signed, &trusted);
	if (opened != 0)
		return;
	CHECK(plain == 0);
	rc = open_one(&trusting, size, &s2, &t2);
	CHECK(rc != 0 || s2 == is_signed);
	if (trusted)
		CHECK(rc == 0);
	else
		CHECK(rc == ECAP_EXIT_UNTRUSTED);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *fixed;

	open_all(data, size);
	fixed = malloc(size ? size : 1);
	CHECK(fixed != NULL);
	memcpy(fixed, data, size);
	if (fix_hashes(fixed, size))
		open_all(fixed, size);
	free(fixed);
	return 0;
}
