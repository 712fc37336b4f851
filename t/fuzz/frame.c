/*
 * frame.c - libFuzzer target for the ecap-frame(5) reader (lib/frame.c).
 *
 * The input is read as a frame stream from memory twice, strictly (flags 0)
 * and leniently (ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY), and once more
 * from a descriptor with ECAP_FRAME_ANCILLARY alone.  Every frame and every
 * error is held to what lib/frame.h and ecap-frame(5) promise, the three
 * readings are held to each other, and a stream the lenient reader reads to
 * its end is written again with the writer and must come back byte for byte.
 * The lenient reading is made twice more with the digests of some types
 * deferred (ecap_frame_reader_defer()) and supplied here, right after each
 * frame or only before the CHKP or END that needs them, and must come out
 * the same; a wrong digest must fail the next CHKP or END with
 * ECAP_FRAME_EHASH, a missing one with ECAP_FRAME_EDIGEST.  CHKP and END
 * hashes are checked against a stream hash computed here from the input.
 * A broken promise aborts, which libFuzzer reports as a crash.
 *
 * Built and run by `make fuzz` (mk/fuzz.mk).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frame.h"
#include "sha256.h"
#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


#define LAX	(ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY)

/* One frame as a reader returned it. */
struct seen {
	uint64_t off;
	uint32_t len;
	char type[5];
};

/* What one reading of the input gave. */
struct run {
	int rc;			/* 0 for a clean end, or the error */
	struct seen *f;		/* the frames returned, in order */
	size_t n;
	uint64_t erroff;	/* the offset the error message names */
	char err[sizeof(((struct ecap_frame_reader *)0)->err)];
	char format[ECAP_FRAME_FORMAT_MAX + 1];
	unsigned version;
};

static int
is(const char *type, const char *what)
{
	return memcmp(type, what, 4) == 0;
}

/* A descriptor holding exactly len bytes of data, positioned at 0. */
static int
memfd_with(int *fd, const char *name, const void *data, size_t len)
{
	if (*fd < 0) {
		*fd = memfd_create(name, 0);
		CHECK(*fd >= 0);
	}
	CHECK(ftruncate(*fd, 0) == 0);
	CHECK(len == 0 || pwrite(*fd, data, len, 0) == (ssize_t)len);
	CHECK(lseek(*fd, 0, SEEK_SET) == 0);
	return *fd;
}

/*
 * r->err is one line "offset N: what", N no further than the input goes.
 * Returns N.
 */
static uint64_t
check_err(const struct ecap_frame_reader *r, size_t size)
{
	const char *e = r->err, *p;
	size_t len = strnlen(e, sizeof(r->err));
	uint64_t n = 0;

	CHECK(len < sizeof(r->err));
	CHECK(strncmp(e, "offset ", 7) == 0);
	p = e + 7;
	CHECK(*p >= '0' && *p <= '9');
	CHECK(*p != '0' || p[1] == ':');
	for (; *p >= '0' && *p <= '9'; p++) {
		CHECK(n <= (UINT64_MAX - 9) / 10);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	CHECK(strncmp(p, ": ", 2) == 0);
	CHECK(p[2] != '\0' && p[2] != ' ');
	for (p = e; *p != '\0'; p++)
		CHECK(*p >= 0x20 && *p <= 0x7e);
	CHECK(n <= size);
	return n;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The RFC 6962 leaf hash SHA-256(0x00 || payload), computed here, not by the library. */
static void
leaf(unsigned char out[ECAP_SHA256_LEN], const uint8_t *p, size_t len)
{
	ecap_sha256_ctx c;
	unsigned char zero = 0x00;

	ecap_sha256_init(&c);
	ecap_sha256_update(&c, &zero, 1);
	ecap_sha256_update(&c, p, len);
	ecap_sha256_final(&c, out);
}

/*
 * The stream hash of ecap-frame(5) over the frames of the input's first upto
 * bytes, which the reader has read as whole frames: SHA-256 over a 40-byte
 * record for each, its type, its length (big-endian) and the leaf hash of
 * its payload.  Frames are followed from the input's bytes alone.
 */
static void
stream_hash(unsigned char out[ECAP_SHA256_LEN], const uint8_t *data, uint64_t upto)
{
	ecap_sha256_ctx c;
	unsigned char rec[40];
	uint64_t off = 0;
	uint32_t len;

	ecap_sha256_init(&c);
	while (off < upto) {
		CHECK(upto - off >= ECAP_FRAME_HDR);
		len = be32(data + off + 4);
		CHECK(len <= upto - off - ECAP_FRAME_HDR);
		memcpy(rec, data + off, 8);
		leaf(rec + 8, data + off + ECAP_FRAME_HDR, len);
		ecap_sha256_update(&c, rec, sizeof(rec));
		off += ECAP_FRAME_HDR + len;
	}
	CHECK(off == upto);
	ecap_sha256_final(&c, out);
}

/* Everything a returned frame f must be. */
static void
check_frame(const struct ecap_frame_reader *r, const struct ecap_frame *f,
    const uint8_t *data, size_t size, const struct run *run, uint64_t end)
{
	unsigned char h[ECAP_SHA256_LEN];
	char hdr[ECAP_FRAME_FORMAT_MAX + 16];
	uint32_t len;

	CHECK(f->type[4] == '\0' && ecap_frame_valid_type(f->type));
	CHECK(f->len <= ECAP_FRAME_MAX);
	/* Strictly after the last frame, and within the input; the reader consumed just it. */
	CHECK(run->n == 0 || f->off >= end);
	CHECK(f->off <= size && f->len <= size - f->off &&
	    ECAP_FRAME_HDR <= size - f->off - f->len);
	CHECK(r->off == f->off + ECAP_FRAME_HDR + f->len);
	/* Type, length and payload are the input's bytes. */
	CHECK(memcmp(f->type, data + f->off, 4) == 0);
	len = (uint32_t)data[f->off + 4] << 24 | (uint32_t)data[f->off + 5] << 16 |
	    (uint32_t)data[f->off + 6] << 8 | data[f->off + 7];
	CHECK(f->len == len);
	CHECK(f->len == 0 || memcmp(f->data, data + f->off + ECAP_FRAME_HDR, f->len) == 0);
	/* The payload buffer grows only with data that arrived, never over the bound. */
	CHECK(r->cap <= ECAP_FRAME_MAX);
	CHECK(r->cap <= 65536 || r->cap <= 2 * size);

	/* ECAP first and only first, in canonical FORMAT/VERSION form. */
	CHECK((run->n == 0) == is(f->type, "ECAP"));
	if (is(f->type, "ECAP")) {
		CHECK(f->off == 0);
		CHECK(ecap_frame_format_find(r->format) == r->known);
		CHECK(snprintf(hdr, sizeof(hdr), "%s/%u", r->format, r->version) == (int)f->len);
		CHECK(memcmp(hdr, f->data, f->len) == 0);
	}
	/* CHKP and END carry the stream hash of every frame before them. */
	if (is(f->type, "CHKP") || is(f->type, "END ")) {
		CHECK(f->len == ECAP_SHA256_LEN);
		stream_hash(h, data, f->off);
		CHECK(memcmp(f->data, h, sizeof(h)) == 0);
		CHECK(memcmp(r->lasthash, h, sizeof(h)) == 0);
	}
	/* Nothing after END. */
	CHECK(run->n == 0 || !is(run->f[run->n - 1].type, "END "));
	/* With ancillary frames returned none is skipped: they come back to back. */
	if (r->flags & ECAP_FRAME_ANCILLARY)
		CHECK(f->off == end);
	/* Unless any type goes, only a format this build reads, and only its types. */
	if (!(r->flags & ECAP_FRAME_ANYTYPE)) {
		CHECK(r->known != NULL && r->version <= r->known->version);
		CHECK(ecap_frame_critical(f->type) || (r->flags & ECAP_FRAME_ANCILLARY));
		if (ecap_frame_critical(f->type) && !is(f->type, "ECAP") &&
		    !is(f->type, "CHKP") && !is(f->type, "END ")) {
			const char *t;

			for (t = r->known->types; *t != '\0' && !is(t, f->type); t += 4)
				;
			CHECK(*t != '\0');
		}
	}
}

/* Is type one of the concatenated 4-byte types of list (NULL for none)? */
static int
listed(const char *list, const char *type)
{
	for (; list != NULL && *list != '\0'; list += 4)
		if (is(list, type))
			return 1;
	return 0;
}

/*
 * How a reading supplies the digests of deferred frames: not at all (no
 * types deferred), right after each such frame, or only just before a CHKP
 * or END (as the input's next bytes announce it), so that several wait.
 */
enum supply { NONE, EAGER, LAZY };

/* Supply the n digests in pend, oldest first: each is taken, and then none waits. */
static void
supply(struct ecap_frame_reader *r, unsigned char (*pend)[ECAP_SHA256_LEN], size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		CHECK(ecap_frame_reader_digest(r, pend[i]) == 0);
	*n = 0;
	CHECK(ecap_frame_reader_digest(r, pend[0]) == -1);
}

/*
 * Read r to its end or an error into run, checking every step; with defer,
 * the types r was told to defer (ecap_frame_reader_defer()), whose digests
 * are supplied as how says.
 */
static void
read_all(struct ecap_frame_reader *r, const uint8_t *data, size_t size, struct run *run,
    const char *defer, enum supply how)
{
	struct ecap_frame f;
	uint64_t end = 0, off;
	unsigned char (*pend)[ECAP_SHA256_LEN];
	size_t npend = 0;
	int rc, i;

	run->f = malloc((size / ECAP_FRAME_HDR + 1) * sizeof(run->f[0]));
	pend = malloc((size / ECAP_FRAME_HDR + 1) * sizeof(pend[0]));
	CHECK(run->f != NULL && pend != NULL);
	run->n = 0;
	for (;;) {
		if (how == LAZY && npend > 0 && size - r->off >= 4 &&
		    (is((const char *)data + r->off, "CHKP") ||
		    is((const char *)data + r->off, "END ")))
			supply(r, pend, &npend);
		if ((rc = ecap_frame_read(r, &f)) != 1)
			break;
		/* Every frame is at least a header: the loop ends. */
		CHECK(run->n <= size / ECAP_FRAME_HDR);
		check_frame(r, &f, data, size, run, end);
		if (listed(defer, f.type)) {
			leaf(pend[npend++], f.data, f.len);
			if (how == EAGER)
				supply(r, pend, &npend);
		} else if (how != NONE && npend == 0) {
			/* Nothing deferred is waiting. */
			CHECK(ecap_frame_reader_digest(r, (const unsigned char[32]){ 0 }) == -1);
		}
		run->f[run->n].off = f.off;
		run->f[run->n].len = f.len;
		memcpy(run->f[run->n].type, f.type, 5);
		run->n++;
		end = f.off + ECAP_FRAME_HDR + f.len;
	}
	run->rc = rc;
	strcpy(run->format, r->format);
	run->version = r->version;
	if (rc == 0) {
		/* A clean end is END, ending exactly where the input does; and it stays ended. */
		CHECK(run->n >= 2 && is(run->f[run->n - 1].type, "END "));
		CHECK(end == size && r->off == size);
		CHECK(ecap_frame_read(r, &f) == 0);
		CHECK(npend == 0);
		run->err[0] = '\0';
		run->erroff = size;
		free(pend);
		return;
	}
	/* Memory cannot fail to read; every other error is one of the documented ones. */
	CHECK(rc >= ECAP_FRAME_ETRAIL && rc <= ECAP_FRAME_ETRUNC);
	run->erroff = check_err(r, size);
	memcpy(run->err, r->err, sizeof(run->err));
	CHECK(run->erroff >= end);
	switch (rc) {
	case ECAP_FRAME_ETRUNC:
		/* Truncation is found only by running out of input. */
		CHECK(r->off == size);
		break;
	case ECAP_FRAME_ETRAIL:
		CHECK(run->n >= 2 && is(run->f[run->n - 1].type, "END "));
		CHECK(run->erroff == end && end < size);
		break;
	case ECAP_FRAME_EFORMAT:
		CHECK(!(r->flags & ECAP_FRAME_ANYTYPE) && run->n == 0 && run->erroff == 0);
		break;
	case ECAP_FRAME_ECRIT:
		CHECK(!(r->flags & ECAP_FRAME_ANYTYPE) &&
		    ecap_frame_critical((const char *)data + run->erroff));
		break;
	default:
		/* A bad frame: its whole header was there to be judged. */
		CHECK(run->erroff <= size - ECAP_FRAME_HDR);
		break;
	}
	/* After an error every further call returns the same, and reads nothing more. */
	off = r->off;
	for (i = 0; i < 3; i++) {
		CHECK(ecap_frame_read(r, &f) == rc);
		CHECK(strcmp(r->err, run->err) == 0);
		CHECK(r->off == off);
	}
	free(pend);
}

/* Write the frames of a cleanly read stream again and compare with the input. */
static void
round_trip(const uint8_t *data, size_t size, const struct run *run)
{
	static int fd = -1;
	struct ecap_frame_writer w;
	unsigned char *back;
	size_t i;

	memfd_with(&fd, "frame-fuzzer-out", NULL, 0);
	ecap_frame_writer_init(&w, fd, "round trip");
	for (i = 0; i < run->n; i++) {
		const struct seen *s = &run->f[i];

		if (is(s->type, "ECAP"))
			ecap_frame_begin(&w, run->format, run->version);
		else if (is(s->type, "CHKP"))
			ecap_frame_checkpoint(&w);
		else if (is(s->type, "END "))
			ecap_frame_end(&w);
		else
			ecap_frame_write(&w, s->type, data + s->off + ECAP_FRAME_HDR, s->len);
		CHECK(w.off == s->off + ECAP_FRAME_HDR + s->len);
	}
	CHECK(w.off == size);
	CHECK(lseek(fd, 0, SEEK_END) == (off_t)size);
	back = malloc(size);
	CHECK(back != NULL);
	CHECK(pread(fd, back, size, 0) == (ssize_t)size);
	CHECK(memcmp(back, data, size) == 0);
	free(back);
}

static int
same_frame(const struct seen *a, const struct seen *b)
{
	return a->off == b->off && a->len == b->len && memcmp(a->type, b->type, 5) == 0;
}

/* Two readings that returned the same frames and ended the same way, to the byte of the message. */
static void
same_run(const struct run *a, const struct run *b)
{
	size_t i;

	CHECK(a->rc == b->rc && strcmp(a->err, b->err) == 0 && a->erroff == b->erroff);
	CHECK(a->n == b->n);
	for (i = 0; i < a->n; i++)
		CHECK(same_frame(&a->f[i], &b->f[i]));
}

/*
 * The input read cleanly (run, leniently) and its frame k is a DATA frame.
 * Read it again leniently with DATA deferred, supplying every digest right
 * after its frame but that of frame k: with wrong, a wrong one (one bit
 * flipped), and the first CHKP or END after it fails with ECAP_FRAME_EHASH
 * at that frame; without, none from frame k on, and that CHKP or END fails
 * with ECAP_FRAME_EDIGEST naming frame k.  Every frame before that CHKP or
 * END comes back as before.
 */
static void
bad_digest(struct ecap_frame_reader *r, const uint8_t *data, size_t size,
    const struct run *run, size_t k, int wrong)
{
	struct ecap_frame f;
	unsigned char d[ECAP_SHA256_LEN];
	size_t i, stop;
	int rc;
	char want[64];

	for (stop = k + 1; stop < run->n && !is(run->f[stop].type, "CHKP") &&
	    !is(run->f[stop].type, "END "); stop++)
		;
	CHECK(stop < run->n);
	ecap_frame_reader_mem(r, data, size, "fuzz", LAX);
	ecap_frame_reader_defer(r, "DATA");
	for (i = 0; i < stop; i++) {
		CHECK(ecap_frame_read(r, &f) == 1);
		CHECK(f.off == run->f[i].off && f.len == run->f[i].len && is(f.type, run->f[i].type));
		if (!is(f.type, "DATA") || (i > k && !wrong))
			continue;
		leaf(d, f.data, f.len);
		if (i == k) {
			if (!wrong)
				continue;
			d[f.len % sizeof(d)] ^= 1u << (f.off % 8);
		}
		CHECK(ecap_frame_reader_digest(r, d) == 0);
	}
	rc = ecap_frame_read(r, &f);
	snprintf(want, sizeof(want), "offset %llu: ",
	    (unsigned long long)run->f[wrong ? stop : k].off);
	CHECK(rc == (wrong ? ECAP_FRAME_EHASH : ECAP_FRAME_EDIGEST));
	CHECK(strncmp(r->err, want, strlen(want)) == 0);
	check_err(r, size);
	CHECK(ecap_frame_read(r, &f) == rc);
	ecap_frame_reader_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int infd = -1;
	static struct ecap_frame_reader r;	/* 64 KiB of read-ahead: not on the stack */
	struct run strict, lax, anc, def;
	size_t i, j;

	ecap_frame_reader_mem(&r, data, size, "fuzz", 0);
	read_all(&r, data, size, &strict, NULL, NONE);
	ecap_frame_reader_free(&r);

	ecap_frame_reader_mem(&r, data, size, "fuzz", LAX);
	read_all(&r, data, size, &lax, NULL, NONE);
	ecap_frame_reader_free(&r);

	/*
	 * From a descriptor, with ancillary frames returned, the strict reading again
	 * (the same frames once the ancillary ones are left out, the same end, to the
	 * byte of the message): other code reads, but the stream is the same.
	 */
	ecap_frame_reader_fd(&r, memfd_with(&infd, "frame-fuzzer-in", data, size), "fuzz",
	    ECAP_FRAME_ANCILLARY);
	read_all(&r, data, size, &anc, NULL, NONE);
	ecap_frame_reader_free(&r);
	CHECK(anc.rc == strict.rc && strcmp(anc.err, strict.err) == 0);
	for (i = j = 0; i < anc.n; i++)
		if (ecap_frame_critical(anc.f[i].type))
			CHECK(j < strict.n && same_frame(&anc.f[i], &strict.f[j++]));
	CHECK(j == strict.n);

	/*
	 * Strict reads a subsequence of what lenient reads, and fails no later: at the
	 * same offset the same way, or earlier for a reason of its own (an unknown
	 * format or critical type is found only after the checks both make).
	 */
	for (i = j = 0; i < strict.n; i++, j++) {
		while (j < lax.n && lax.f[j].off < strict.f[i].off)
			j++;
		CHECK(j < lax.n && same_frame(&strict.f[i], &lax.f[j]));
	}
	if (strict.rc == 0)
		CHECK(lax.rc == 0);
	if (lax.rc < 0) {
		CHECK(strict.rc < 0 && strict.erroff <= lax.erroff);
		if (strict.erroff == lax.erroff)
			CHECK(strict.rc == lax.rc && strcmp(strict.err, lax.err) == 0);
	}

	if (lax.rc == 0)
		round_trip(data, size, &lax);

	/*
	 * With the digests of some types supplied by the caller (as the capsule
	 * reader does for PAGE), right after each frame or only before the CHKP or
	 * END that needs them, the lenient reading again, exactly.
	 */
	ecap_frame_reader_mem(&r, data, size, "fuzz", LAX);
	ecap_frame_reader_defer(&r, "DATA");
	read_all(&r, data, size, &def, "DATA", EAGER);
	ecap_frame_reader_free(&r);
	same_run(&def, &lax);
	free(def.f);
	ecap_frame_reader_mem(&r, data, size, "fuzz", LAX);
	ecap_frame_reader_defer(&r, "DATAnote");
	read_all(&r, data, size, &def, "DATAnote", LAZY);
	ecap_frame_reader_free(&r);
	same_run(&def, &lax);
	free(def.f);

	/* A wrong digest for the first DATA frame, or none. */
	if (lax.rc == 0) {
		for (i = 0; i < lax.n && !is(lax.f[i].type, "DATA"); i++)
			;
		if (i < lax.n) {
			bad_digest(&r, data, size, &lax, i, 1);
			bad_digest(&r, data, size, &lax, i, 0);
		}
	}

	free(strict.f);
	free(lax.f);
	free(anc.f);
	return 0;
}
