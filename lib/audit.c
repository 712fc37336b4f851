/*
 * audit.c - the audit log: see audit.h and man/ecap-audit.5.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "audit.h"
#include "config.h"
#include "err.h"
#include "hex.h"
#include "parse.h"
#include "sha256.h"
#include "xio.h"

#define FORMAT		"ecap-audit/1"
#define BUSY_MS		60000	/* how long a writer waits for the lock */

struct ecap_audit {
	sqlite3 *db;
	char *path;
	int in_tx;
	uint64_t last;		/* in a transaction: the last seq and hash */
	unsigned char lasthash[ECAP_SHA256_LEN];
	sqlite3_stmt *ins;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY,"
    " time TEXT NOT NULL,"
    " type TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " prev BLOB NOT NULL,"
    " hash BLOB NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES ('format', '" FORMAT "');";

char *
ecap_audit_path(const char *path)
{
	const char *e = getenv("ECAP_AUDIT"), *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	if (path != NULL)
		return ecap_xstrdup(path);
	if (e != NULL && *e != '\0')
		return ecap_xstrdup(e);
	if ((p = ecap_config_xget("audit.db", 1)) != NULL)
		return p;
	if (state != NULL && *state == '/') {
		if (asprintf(&p, "%s/ecap/audit.db", state) < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
	} else {
		if (asprintf(&p, "%s/.local/state/ecap/audit.db", home ? home : ".") < 0)
			ecap_err(ECAP_EXIT_ERR, "asprintf");
	}
	return p;
}

/* mkdir -p of path's directory, each new one 0700. */
static int
mkparents(const char *path)
{
	char *d = ecap_xstrdup(path), *s;
	int rc = 0;

	for (s = d + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(d);
	return rc;
}

static int
dberr(struct ecap_audit *a, char *why, size_t whylen, const char *what)
{
	ecap_setwhy(why, whylen, "%s: %s: %s", a->path, what, sqlite3_errmsg(a->db));
	return -1;
}

static int
exec(struct ecap_audit *a, const char *sql, char *why, size_t whylen)
{
	if (sqlite3_exec(a->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(a, why, whylen, sql);
	return 0;
}

/* The integer the query's first row holds, or -1. */
static long long
count(struct ecap_audit *a, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;

	if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * WAL mode, which stays set in the file: switch only when it is not set, and
 * wait while another process holds the lock (switching ignores the busy
 * timeout), as two writers creating the log at once do.
 */
static int
wal(struct ecap_audit *a, char *why, size_t whylen)
{
	sqlite3_stmt *st;
	int tries, rc = SQLITE_BUSY, done = 0;

	for (tries = 0; tries < BUSY_MS / 10 && !done; tries++) {
		if (sqlite3_prepare_v2(a->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0)
			done = 1;
		sqlite3_finalize(st);
		if (done)
			break;
		rc = sqlite3_exec(a->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		usleep(10000);
	}
	if (!done && rc != SQLITE_OK)
		return dberr(a, why, whylen, "PRAGMA journal_mode=WAL");
	return 0;
}

struct ecap_audit *
ecap_audit_open(const char *path, int readonly, char *why, size_t whylen)
{
	struct ecap_audit *a = ecap_xcalloc(1, sizeof *a);
	sqlite3_stmt *st = NULL;
	int ok = 0;

	a->path = ecap_xstrdup(path);
	if (!readonly && mkparents(path) < 0) {
		ecap_setwhy(why, whylen, "%s: cannot make its directory: %s", path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &a->db, readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		ecap_setwhy(why, whylen, "%s: %s", path,
		    a->db ? sqlite3_errmsg(a->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(a->db, BUSY_MS);
	if (!readonly) {
		if (wal(a, why, whylen) < 0 ||
		    exec(a, "PRAGMA synchronous=FULL", why, whylen) < 0 ||
		    exec(a, "BEGIN IMMEDIATE", why, whylen) < 0)
			goto fail;
		/* A new database gets the schema; one with tables of its own is not ours. */
		if (count(a, "SELECT count(*) FROM sqlite_master") > 0 &&
		    count(a, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
		    "name = 'meta'") == 0) {
			sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
			ecap_setwhy(why, whylen, "%s: not an ecap audit database (%s)", path, FORMAT);
			goto fail;
		}
		if (exec(a, schema, why, whylen) < 0 || exec(a, "COMMIT", why, whylen) < 0) {
			sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
	}
	/* It must be ours: the format named in meta. */
	if (sqlite3_prepare_v2(a->db, "SELECT value FROM meta WHERE key = 'format'", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), FORMAT) == 0)
		ok = 1;
	sqlite3_finalize(st);
	if (!ok) {
		ecap_setwhy(why, whylen, "%s: not an ecap audit database (%s)", path, FORMAT);
		goto fail;
	}
	if (!readonly && sqlite3_prepare_v2(a->db, "INSERT INTO events "
	    "(seq, time, type, body, prev, hash) VALUES (?, ?, ?, ?, ?, ?)", -1, &a->ins,
	    NULL) != SQLITE_OK) {
		dberr(a, why, whylen, "prepare");
		goto fail;
	}
	return a;
fail:
	ecap_audit_close(a);
	return NULL;
}

void
ecap_audit_close(struct ecap_audit *a)
{
	if (a == NULL)
		return;
	if (a->in_tx)
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(a->ins);
	sqlite3_close(a->db);
	free(a->path);
	free(a);
}

void
ecap_audit_now(char out[21])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;
	time_t t = time(NULL);
	struct tm tm;

	if (sde != NULL && ecap_parse_u64(sde, &v) == 0 && v < (1ull << 40))
		t = (time_t)v;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Names the log gives every event (and its JSON export): not for bodies. */
static const char *const reserved[] = { "seq", "time", "type", "hash", "prev", NULL };

static int
valid_type(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 64)
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

char *
ecap_audit_record(uint64_t seq, const char *time_, const char *type, const char *body,
    const unsigned char prev[ECAP_SHA256_LEN], char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *b = json_loads(body, JSON_REJECT_DUPLICATES, &jerr), *r;
	char hex[2 * ECAP_SHA256_LEN + 1], *s;

	if (b == NULL || !json_is_object(b)) {
		ecap_setwhy(why, whylen, "its body is not a JSON object%s%s", b ? "" : ": ",
		    b ? "" : jerr.text);
		json_decref(b);
		return NULL;
	}
	ecap_hex_encode(hex, prev, ECAP_SHA256_LEN);
	r = json_pack("{s:o, s:s, s:I, s:s, s:s}", "body", b, "prev", hex, "seq",
	    (json_int_t)seq, "time", time_, "type", type);
	if (r == NULL) {
		ecap_setwhy(why, whylen, "its fields are not valid UTF-8");
		return NULL;
	}
	s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(r);
	if (s == NULL)
		ecap_setwhy(why, whylen, "out of memory");
	return s;
}

/* The last event's seq and hash (0 and zeros for an empty log). */
static int
lastevent(struct ecap_audit *a, uint64_t *seq, unsigned char hash[ECAP_SHA256_LEN], char *why,
    size_t whylen)
{
	sqlite3_stmt *st;
	int rc;

	*seq = 0;
	memset(hash, 0, ECAP_SHA256_LEN);
	if (sqlite3_prepare_v2(a->db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return dberr(a, why, whylen, "read the last event");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == ECAP_SHA256_LEN)
			memcpy(hash, sqlite3_column_blob(st, 1), ECAP_SHA256_LEN);
	} else if (rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return dberr(a, why, whylen, "read the last event");
	}
	sqlite3_finalize(st);
	return 0;
}

int
ecap_audit_begin(struct ecap_audit *a, char *why, size_t whylen)
{
	if (a->ins == NULL) {
		ecap_setwhy(why, whylen, "%s: opened read-only", a->path);
		return -1;
	}
	if (exec(a, "BEGIN IMMEDIATE", why, whylen) < 0)
		return -1;
	a->in_tx = 1;
	if (lastevent(a, &a->last, a->lasthash, why, whylen) < 0) {
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
		a->in_tx = 0;
		return -1;
	}
	return 0;
}

static int
rollback(struct ecap_audit *a)
{
	if (a->in_tx)
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	a->in_tx = 0;
	return -1;
}

int
ecap_audit_add(struct ecap_audit *a, const char *type, json_t *body, uint64_t *seq, char *why,
    size_t whylen)
{
	char now[21], *b, *rec;
	unsigned char h[ECAP_SHA256_LEN];
	uint64_t n = a->last + 1;

	if (!a->in_tx) {
		ecap_setwhy(why, whylen, "no transaction");
		return -1;
	}
	if (!valid_type(type)) {
		ecap_setwhy(why, whylen, "event type '%s' is not 1 to 64 letters, digits, '-', '_', '.'",
		    type);
		return rollback(a);
	}
	if (!json_is_object(body)) {
		ecap_setwhy(why, whylen, "an event body must be a JSON object");
		return rollback(a);
	}
	for (const char *const *r = reserved; *r != NULL; r++)
		if (json_object_get(body, *r) != NULL) {
			ecap_setwhy(why, whylen, "field '%s' is the log's own, not the event's", *r);
			return rollback(a);
		}
	if ((b = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		ecap_setwhy(why, whylen, "out of memory");
		return rollback(a);
	}
	ecap_audit_now(now);
	if ((rec = ecap_audit_record(n, now, type, b, a->lasthash, why, whylen)) == NULL) {
		free(b);
		return rollback(a);
	}
	ecap_sha256(h, rec, strlen(rec));
	free(rec);
	sqlite3_reset(a->ins);
	sqlite3_bind_int64(a->ins, 1, (sqlite3_int64)n);
	sqlite3_bind_text(a->ins, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->ins, 3, type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->ins, 4, b, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(a->ins, 5, a->lasthash, ECAP_SHA256_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(a->ins, 6, h, ECAP_SHA256_LEN, SQLITE_TRANSIENT);
	free(b);
	if (sqlite3_step(a->ins) != SQLITE_DONE) {
		dberr(a, why, whylen, "append");
		sqlite3_reset(a->ins);
		return rollback(a);
	}
	sqlite3_reset(a->ins);
	a->last = n;
	memcpy(a->lasthash, h, sizeof h);
	if (seq != NULL)
		*seq = n;
	return 0;
}

int
ecap_audit_commit(struct ecap_audit *a, char *why, size_t whylen)
{
	if (!a->in_tx) {
		ecap_setwhy(why, whylen, "no transaction");
		return -1;
	}
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		dberr(a, why, whylen, "commit");
		return rollback(a);
	}
	a->in_tx = 0;
	return 0;
}

int
ecap_audit_append(struct ecap_audit *a, const char *type, json_t *body, uint64_t *seq,
    char *why, size_t whylen)
{
	if (ecap_audit_begin(a, why, whylen) < 0 ||
	    ecap_audit_add(a, type, body, seq, why, whylen) < 0)
		return -1;
	return ecap_audit_commit(a, why, whylen);
}

struct ecap_audit *
ecap_audit_xopen_if(int audit, const char *audit_db)
{
	const char *env = getenv("ECAP_AUDIT");
	struct ecap_audit *a;
	char *path, why[512];

	if (!audit && audit_db == NULL && (env == NULL || *env == '\0') &&
	    !ecap_config_xbool("audit.enabled", 0))
		return NULL;
	path = ecap_audit_path(audit_db);
	if ((a = ecap_audit_open(path, 0, why, sizeof why)) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "audit log: %s", why);
	free(path);
	return a;
}

void
ecap_audit_xappend(struct ecap_audit *a, const char *type, json_t *body)
{
	char why[512];

	if (body == NULL)
		ecap_errx(ECAP_EXIT_ERR, "audit log: out of memory");
	if (ecap_audit_append(a, type, body, NULL, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "audit log: %s", why);
	json_decref(body);
}

int
ecap_audit_each(struct ecap_audit *a, int (*fn)(void *arg, const struct ecap_audit_event *e),
    void *arg, char *why, size_t whylen)
{
	sqlite3_stmt *st;
	struct ecap_audit_event e;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(a->db, "SELECT seq, time, type, body, prev, hash FROM events "
	    "ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return dberr(a, why, whylen, "read the events");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.seq = (uint64_t)sqlite3_column_int64(st, 0);
		e.time = (char *)(uintptr_t)sqlite3_column_text(st, 1);
		e.type = (char *)(uintptr_t)sqlite3_column_text(st, 2);
		e.body = (char *)(uintptr_t)sqlite3_column_text(st, 3);
		if (sqlite3_column_bytes(st, 4) == ECAP_SHA256_LEN)
			memcpy(e.prev, sqlite3_column_blob(st, 4), ECAP_SHA256_LEN);
		else
			memset(e.prev, 0xff, ECAP_SHA256_LEN);	/* matches no hash */
		if (sqlite3_column_bytes(st, 5) == ECAP_SHA256_LEN)
			memcpy(e.hash, sqlite3_column_blob(st, 5), ECAP_SHA256_LEN);
		else
			memset(e.hash, 0xff, ECAP_SHA256_LEN);
		if (e.time == NULL)
			e.time = (char *)(uintptr_t)"";
		if (e.type == NULL)
			e.type = (char *)(uintptr_t)"";
		if (e.body == NULL)
			e.body = (char *)(uintptr_t)"";
		if ((stop = fn(arg, &e)) != 0)
			break;
	}
	if (stop == 0 && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return dberr(a, why, whylen, "read the events");
	}
	sqlite3_finalize(st);
	return stop;
}

struct verify {
	uint64_t n;
	unsigned char prev[ECAP_SHA256_LEN];
	ecap_merkle_hash *leaves;
	size_t cap;
	uint64_t bad;
	char *why;
	size_t whylen;
};

static int
verify_one(void *arg, const struct ecap_audit_event *e)
{
	struct verify *v = arg;
	unsigned char h[ECAP_SHA256_LEN];
	char why[256], *rec, *canon = NULL;
	json_t *b;

	v->bad = v->n + 1;
	if (e->seq != v->n + 1) {
		if (e->seq > v->n + 1)
			ecap_setwhy(v->why, v->whylen, "event %llu is missing (event %llu follows %llu)",
			    (unsigned long long)(v->n + 1), (unsigned long long)e->seq,
			    (unsigned long long)v->n);
		else
			ecap_setwhy(v->why, v->whylen, "event %llu is out of order",
			    (unsigned long long)e->seq);
		return 1;
	}
	if ((rec = ecap_audit_record(e->seq, e->time, e->type, e->body, e->prev, why,
	    sizeof why)) == NULL) {
		ecap_setwhy(v->why, v->whylen, "event %llu: %s", (unsigned long long)e->seq, why);
		return 1;
	}
	/* The body must be stored as it was hashed: canonical. */
	if ((b = json_loads(e->body, 0, NULL)) != NULL)
		canon = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(b);
	if (canon == NULL || strcmp(canon, e->body) != 0 || !valid_type(e->type)) {
		ecap_setwhy(v->why, v->whylen, "event %llu: its %s is not in canonical form",
		    (unsigned long long)e->seq, valid_type(e->type) ? "body" : "type");
		free(canon);
		free(rec);
		return 1;
	}
	free(canon);
	if (memcmp(e->prev, v->prev, ECAP_SHA256_LEN) != 0) {
		ecap_setwhy(v->why, v->whylen, "event %llu: its prev hash is not event %llu's hash",
		    (unsigned long long)e->seq, (unsigned long long)v->n);
		free(rec);
		return 1;
	}
	ecap_sha256(h, rec, strlen(rec));
	if (memcmp(h, e->hash, sizeof h) != 0) {
		ecap_setwhy(v->why, v->whylen, "event %llu: its hash does not match its contents",
		    (unsigned long long)e->seq);
		free(rec);
		return 1;
	}
	if (v->n == v->cap)
		v->leaves = ecap_xrealloc(v->leaves, (v->cap = v->cap ? 2 * v->cap : 1024) *
		    sizeof *v->leaves);
	ecap_merkle_leaf_hash(v->leaves[v->n], rec, strlen(rec));
	free(rec);
	memcpy(v->prev, h, sizeof h);
	v->n++;
	return 0;
}

int
ecap_audit_verify(struct ecap_audit *a, uint64_t *size, ecap_merkle_hash **leaves,
    uint64_t *bad, char *why, size_t whylen)
{
	struct verify v;
	int rc;

	memset(&v, 0, sizeof v);
	v.why = why;
	v.whylen = whylen;
	*size = 0;
	*leaves = NULL;
	*bad = 0;
	/* One read transaction: a consistent snapshot while writers go on. */
	if (exec(a, "BEGIN", why, whylen) < 0)
		return -1;
	rc = ecap_audit_each(a, verify_one, &v, why, whylen);
	sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
	if (rc != 0) {
		free(v.leaves);
		if (rc == 1)
			*bad = v.bad;
		return rc;
	}
	*size = v.n;
	*leaves = v.leaves;
	return 0;
}
