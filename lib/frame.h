/*
 * frame.h - reading and writing ecap-frame(5) streams.
 *
 * A stream is a sequence of frames:
 *
 *   type     4 bytes, ASCII: a letter, then letters, digits or spaces
 *   length   4 bytes, big-endian unsigned, at most ECAP_FRAME_MAX
 *   payload  length bytes
 *
 * It opens with an "ECAP" frame whose payload names the stream format and
 * its version ("data/1"), may hold "CHKP" checkpoint frames, and closes with
 * an "END " frame.  CHKP and END carry the stream hash: SHA-256 over one
 * 40-byte record for each frame before them, its type, its length and the
 * RFC 6962 leaf hash SHA-256(0x00 || payload) of its payload.  A type whose first letter is upper case is critical
 * (a reader that does not know it must stop); lower case is ancillary (a
 * reader that does not know it skips it), as in PNG (ISO/IEC 15948 §5.4).
 * man/ecap-frame.5 is the authority on the format.
 */
#ifndef ECAP_FRAME_H
#define ECAP_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sha256.h"

#define ECAP_FRAME_HDR		8		/* type + length, bytes */
#define ECAP_FRAME_MAX		(16u << 20)	/* largest payload, bytes (16 MiB) */
#define ECAP_FRAME_FORMAT_MAX	64		/* longest format name in ECAP, bytes */
#define ECAP_FRAME_RECORD	40		/* type, length, leaf hash: one frame's part of the stream hash */

/*
 * A stream format: its name, the highest version this build reads, and the
 * critical frame types it defines besides ECAP, CHKP and END (concatenated
 * 4-byte types, e.g. "DATA"), so a reader can stop at any other.
 */
struct ecap_frame_format {
	const char *name;
	unsigned version;
	const char *types;
};

/* The formats this build knows, ended by an entry with name NULL. */
extern const struct ecap_frame_format ecap_frame_formats[];

/* The known format called name ("data"), or NULL. */
const struct ecap_frame_format *ecap_frame_format_find(const char *name);

/* One frame as read. */
struct ecap_frame {
	char type[5];		/* the 4 type bytes and a NUL */
	uint32_t len;		/* payload length, bytes */
	unsigned char *data;	/* payload; valid until the next read */
	uint64_t off;		/* offset of the frame's first byte in the stream */
};

/* Errors of ecap_frame_read(), negative; the reader's err says what and where. */
enum {
	ECAP_FRAME_EIO = -1,		/* read error */
	ECAP_FRAME_ETRUNC = -2,		/* stream ends inside a frame, or without END */
	ECAP_FRAME_ETYPE = -3,		/* type bytes are not a frame type: not a frame stream */
	ECAP_FRAME_ELEN = -4,		/* declared length over ECAP_FRAME_MAX, or wrong for the type */
	ECAP_FRAME_EHEAD = -5,		/* no ECAP frame first, a malformed one, or a second one */
	ECAP_FRAME_EFORMAT = -6,	/* format or version this build does not read */
	ECAP_FRAME_ECRIT = -7,		/* unknown critical frame type */
	ECAP_FRAME_EHASH = -8,		/* CHKP or END hash does not match the stream */
	ECAP_FRAME_ETRAIL = -9,		/* bytes after END */
	ECAP_FRAME_EDIGEST = -10,	/* a deferred frame's digest was not supplied in time */
};

/* A frame's record for the stream hash, waiting for its digest when deferred. */
struct ecap_frame_record {
	unsigned char rec[ECAP_FRAME_RECORD];
	int ready;
	uint64_t off;
};

/* Reader flags. */
#define ECAP_FRAME_ANYTYPE	0x1	/* return every frame, known or not (dump tools) */
#define ECAP_FRAME_ANCILLARY	0x2	/* return ancillary frames instead of skipping them */

/*
 * A reader.  Set it up with ecap_frame_reader_fd() or ecap_frame_reader_mem();
 * it holds one payload buffer that grows with the data that actually
 * arrives, never beyond ECAP_FRAME_MAX, and is freed by
 * ecap_frame_reader_free().
 */
struct ecap_frame_reader {
	int fd;				/* source, or -1 for memory */
	const unsigned char *mem;	/* memory source */
	size_t memlen, mempos;
	const char *name;		/* for messages */
	unsigned flags;
	uint64_t off;			/* bytes consumed so far */
	ecap_sha256_ctx hash;		/* over the records of the frames so far */
	const char *defer;		/* types whose digests the caller supplies */
	struct ecap_frame_record *q;	/* records not yet taken in, oldest first */
	size_t qhead, qlen, qcap;
	unsigned char *buf;		/* payload buffer */
	size_t cap;
	unsigned char *into;		/* the next payload's buffer instead, or NULL */
	size_t intocap;
	unsigned char in[65536];	/* read-ahead from fd */
	size_t inlen, inpos;
	int state;			/* 0 before ECAP, 1 inside, 2 after END, 3 failed */
	char format[ECAP_FRAME_FORMAT_MAX + 1];	/* from the ECAP frame: "data" */
	unsigned version;		/* from the ECAP frame: 1 */
	const struct ecap_frame_format *known;	/* NULL when the format is unknown */
	unsigned char lasthash[ECAP_SHA256_LEN];	/* what the last CHKP/END carried */
	char err[256];			/* "offset N: what" after an error */
};

/* Read from descriptor fd (not closed by the reader); name is for messages. */
void ecap_frame_reader_fd(struct ecap_frame_reader *r, int fd, const char *name,
    unsigned flags);

/* Read from len bytes at mem, which must outlive the reader. */
void ecap_frame_reader_mem(struct ecap_frame_reader *r, const void *mem, size_t len,
    const char *name, unsigned flags);

void ecap_frame_reader_free(struct ecap_frame_reader *r);

/*
 * Read the next frame into f.  The ECAP header is checked and returned
 * first; unless ECAP_FRAME_ANYTYPE, a format this build does not know is an
 * error.  CHKP and END hashes are checked before they are returned, so when a
 * CHKP frame comes back everything before it is intact.  After END, the
 * stream must end.
 *
 * Returns 1 with a frame in f, 0 once the END frame has been returned and
 * the stream ended cleanly, or one of the negative ECAP_FRAME_E* codes with
 * r->err set to one line "offset N: what went wrong".  After an error every
 * further call returns the same error.
 */
int ecap_frame_read(struct ecap_frame_reader *r, struct ecap_frame *f);

/*
 * Let the caller supply the digests (leaf hashes of the payloads) of the
 * frames of the given types (concatenated 4-byte types, "PAGE"), for
 * instance because it computes them anyway, on several threads.  Each must
 * be supplied with ecap_frame_reader_digest(), in stream order, before the
 * next CHKP or END is read, or that read fails with ECAP_FRAME_EDIGEST.
 * The string must outlive the reader.
 */
void ecap_frame_reader_defer(struct ecap_frame_reader *r, const char *types);

/*
 * The 32-byte digest, SHA-256(0x00 || payload), of the oldest deferred frame
 * still waiting for one.  Returns 0, or -1 when none is waiting.  A wrong
 * digest makes the next CHKP or END fail to match.
 */
int ecap_frame_reader_digest(struct ecap_frame_reader *r, const unsigned char digest[32]);

/*
 * Read the payload of the next frame into the cap bytes at dst instead of
 * the reader's own buffer (f->data then points to dst), when it fits: large
 * reads then go from the descriptor straight to dst.  For one read only.
 */
void ecap_frame_reader_into(struct ecap_frame_reader *r, void *dst, size_t cap);

/* Read the whole stream; on error end the program with "NAME: FILE: offset N: what" (exit 2). */
int ecap_frame_xread(struct ecap_frame_reader *r, struct ecap_frame *f);

/* Is the 4-byte type critical (upper-case first letter)? */
int ecap_frame_critical(const char *type);

/* Is the NUL-terminated text a well-formed 4-byte frame type? */
int ecap_frame_valid_type(const char *type);

/*
 * A writer: ecap_frame_begin() writes the ECAP header for format/version,
 * ecap_frame_write() one frame, ecap_frame_checkpoint() a CHKP frame and
 * ecap_frame_end() the END frame.  Frames are written as they come (no
 * buffering), so a consumer sees a checkpoint as soon as it is written.
 * Write errors end the program (exit 2) naming name.
 */
struct ecap_frame_writer {
	int fd;
	const char *name;
	uint64_t off;		/* bytes written so far */
	ecap_sha256_ctx hash;	/* over the records of the frames written so far */
};

void ecap_frame_writer_init(struct ecap_frame_writer *w, int fd, const char *name);
void ecap_frame_begin(struct ecap_frame_writer *w, const char *format, unsigned version);
void ecap_frame_write(struct ecap_frame_writer *w, const char *type, const void *data,
    size_t len);
/* The same, with the payload's digest SHA-256(0x00 || data) already known (32 bytes). */
void ecap_frame_write_digest(struct ecap_frame_writer *w, const char *type, const void *data,
    size_t len, const unsigned char digest[32]);
/*
 * n frames of one type in as few writev(2) calls as can take them: frame k's
 * payload is payload[k], its digest digest[k].
 */
void ecap_frame_writev(struct ecap_frame_writer *w, const char *type, const struct iovec *payload,
    size_t n, const unsigned char (*digest)[32]);
/*
 * Account for a frame of len payload bytes with digest SHA-256(0x00 ||
 * payload) that was written at this point of the stream by other means (at
 * its offset, through another writer): it joins the stream hash and w->off
 * steps over it; nothing is written.
 */
void ecap_frame_writer_skip(struct ecap_frame_writer *w, const char *type, size_t len,
    const unsigned char digest[32]);
void ecap_frame_checkpoint(struct ecap_frame_writer *w);
void ecap_frame_end(struct ecap_frame_writer *w);

#endif
