/*
 * audit.h - the audit log, ecap-audit(5): events in one SQLite database,
 * each chained to the one before by its hash, and all of them the leaves
 * of an RFC 6962 Merkle tree, so that any event has an inclusion proof
 * and any two sizes of the log a consistency proof.
 *
 * An event is a row (seq, time, type, body, prev, hash).  seq counts from
 * 1 with no gap; time is UTC, RFC 3339 ("2026-11-21T10:00:00Z"; from
 * SOURCE_DATE_EPOCH when it is set); type is a name such as
 * "ExecutionComplete"; body a JSON object.  Its record, the bytes that are
 * hashed, is the canonical JSON (jansson, keys sorted, no spaces) of
 *   {"body": BODY, "prev": HEX, "seq": N, "time": TIME, "type": TYPE}
 * where prev is the previous event's hash (64 zeros for the first); its
 * hash is SHA-256(record), and its leaf hash in the tree is
 * SHA-256(0x00 || record) (RFC 6962 §2.1), leaf index seq - 1.
 *
 * Appends are transactions (BEGIN IMMEDIATE ... COMMIT) in WAL mode with
 * synchronous=FULL: once an append returned, its events are on disk, and
 * writers in several processes are serialised by SQLite's lock.  Several
 * events may be appended in one transaction (a group commit): all or none.
 * man/ecap-audit.5 is the authority on the format.
 */
#ifndef ECAP_AUDIT_H
#define ECAP_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "merkle.h"
#include "sha256.h"

struct ecap_audit;

/*
 * The database to use: path if not NULL, else $ECAP_AUDIT, else audit.db
 * of the config file (config.h), else $XDG_STATE_HOME/ecap/audit.db
 * (~/.local/state/ecap/audit.db).  Returns a new string (free it).
 */
char *ecap_audit_path(const char *path);

/*
 * Open the database at path, creating it (and its directory, 0700) unless
 * readonly.  Returns NULL with a one-line reason in why ("PATH: unable to
 * open database file", "PATH: not an ecap audit database").
 */
struct ecap_audit *ecap_audit_open(const char *path, int readonly, char *why, size_t whylen);
void ecap_audit_close(struct ecap_audit *a);

/*
 * Append events in one transaction: ecap_audit_begin(), then
 * ecap_audit_add() for each (body is not taken over; its sequence number
 * in *seq unless seq is NULL), then ecap_audit_commit().  Each returns 0,
 * or -1 with a reason in why, after which the transaction is rolled back:
 * none of its events was appended.  type must be 1 to 64 letters, digits,
 * '-', '_' or '.'; body a JSON object without the fields seq, time, type,
 * hash and prev (the export puts them beside its fields).
 */
int ecap_audit_begin(struct ecap_audit *a, char *why, size_t whylen);
int ecap_audit_add(struct ecap_audit *a, const char *type, json_t *body, uint64_t *seq,
    char *why, size_t whylen);
int ecap_audit_commit(struct ecap_audit *a, char *why, size_t whylen);

/* One event in a transaction of its own. */
int ecap_audit_append(struct ecap_audit *a, const char *type, json_t *body, uint64_t *seq,
    char *why, size_t whylen);

/* An event as read back. */
struct ecap_audit_event {
	uint64_t seq;
	char *time, *type;
	char *body;				/* the stored JSON text */
	unsigned char prev[ECAP_SHA256_LEN], hash[ECAP_SHA256_LEN];
};

/*
 * Call fn on every event in seq order (stop early when it returns nonzero,
 * which is returned).  Returns 0, or -1 with why on a database error.  The
 * event is valid during the call only.
 */
int ecap_audit_each(struct ecap_audit *a,
    int (*fn)(void *arg, const struct ecap_audit_event *e), void *arg, char *why,
    size_t whylen);

/*
 * Check the whole log: sequence numbers 1, 2, ... without a gap, each
 * event's hash over its record, each prev the hash before.  Returns 0 with
 * the number of events in *size and their leaf hashes in *leaves (malloc'd,
 * *size entries; free it); 1 when the log is broken, with the first bad
 * event's seq in *bad and why naming it ("event 17: its hash does not
 * match its contents"); -1 on a database error.
 */
int ecap_audit_verify(struct ecap_audit *a, uint64_t *size, ecap_merkle_hash **leaves,
    uint64_t *bad, char *why, size_t whylen);

/*
 * For a program with --audit and --audit-db FILE: when either is given,
 * $ECAP_AUDIT is set and not empty, or the config file says audit.enabled,
 * open the log (audit_db, else
 * ecap_audit_path(NULL)) or end the program with "PROG: audit log: WHY"
 * (exit 2); otherwise return NULL: auditing is off.
 */
struct ecap_audit *ecap_audit_xopen_if(int audit, const char *audit_db);

/*
 * Append one event in a transaction of its own, taking body over (NULL is
 * out of memory), or end the program with "PROG: audit log: WHY" (exit 2).
 */
void ecap_audit_xappend(struct ecap_audit *a, const char *type, json_t *body);

/* The canonical record of an event (see above), as a new string. */
char *ecap_audit_record(uint64_t seq, const char *time, const char *type, const char *body,
    const unsigned char prev[ECAP_SHA256_LEN], char *why, size_t whylen);

/* The time now, or at SOURCE_DATE_EPOCH, as RFC 3339 UTC into out (21 bytes). */
void ecap_audit_now(char out[21]);

#endif
