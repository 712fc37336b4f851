/* audit-append: add events to the audit log, ecap-audit(5), from arguments or a stream. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "err.h"
#include "frame.h"
#include "parse.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: audit-append [--db FILE] --type TYPE\n"
	    "                    [--json BODY | FIELD=VALUE | FIELD:=JSON]...\n"
	    "       audit-append [--db FILE] --jsonl [FILE]\n"
	    "       audit-append [--db FILE] --tee\n");
	ecap_usage_exit(status);
}

static struct ecap_audit *db;

static void
xadd(const char *type, json_t *body, uint64_t *seq)
{
	char why[512];

	if (ecap_audit_add(db, type, body, seq, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

static void
xbegin(void)
{
	char why[512];

	if (ecap_audit_begin(db, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

static void
xcommit(void)
{
	char why[512];

	if (ecap_audit_commit(db, why, sizeof why) < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
}

/* One event from the command line: --json BODY, or FIELD=VALUE (a string) and FIELD:=JSON. */
static void
one(const char *type, const char *json, char **fields, int nfields)
{
	json_error_t jerr;
	json_t *body;
	uint64_t seq;
	int k;

	if (json != NULL) {
		if (nfields > 0)
			ecap_errx(ECAP_EXIT_ERR, "--json and FIELD=VALUE do not go together");
		body = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
		if (body == NULL)
			ecap_errx(ECAP_EXIT_ERR, "--json: column %d: %s", jerr.column, jerr.text);
		if (!json_is_object(body))
			ecap_errx(ECAP_EXIT_ERR, "--json: not a JSON object");
	} else {
		body = json_object();
	}
	for (k = 0; k < nfields; k++) {
		char *f = fields[k], *eq = strchr(f, '=');
		json_t *v;

		if (eq == NULL || eq == f || (eq == f + 1 && f[0] == ':'))
			ecap_errx(ECAP_EXIT_ERR, "%s: not FIELD=VALUE or FIELD:=JSON", f);
		if (eq[-1] == ':') {
			eq[-1] = '\0';
			v = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
			if (v == NULL)
				ecap_errx(ECAP_EXIT_ERR, "%s: %s", f, jerr.text);
		} else {
			*eq = '\0';
			if ((v = json_string(eq + 1)) == NULL)
				ecap_errx(ECAP_EXIT_ERR, "%s: the value is not UTF-8", f);
		}
		if (json_object_get(body, f) != NULL)
			ecap_errx(ECAP_EXIT_ERR, "%s: field given twice", f);
		json_object_set_new(body, f, v);
	}
	xbegin();
	xadd(type, body, &seq);
	xcommit();
	json_decref(body);
	printf("%llu\n", (unsigned long long)seq);
}

/* One --jsonl line: {"type": T, "body": {...}}, added to the open group. */
static uint64_t
jsonl_line(const char *name, size_t lineno, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *ev = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr), *type, *body;
	uint64_t seq;

	if (ev == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: %s", name, lineno, jerr.text);
	type = json_object_get(ev, "type");
	body = json_object_get(ev, "body");
	if (!json_is_string(type) || (body != NULL && !json_is_object(body)) ||
	    json_object_size(ev) != (body ? 2u : 1u))
		ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: not {\"type\": TYPE, \"body\": {...}}",
		    name, lineno);
	if (body == NULL)
		json_object_set_new(ev, "body", body = json_object());
	xadd(json_string_value(type), body, &seq);
	json_decref(ev);
	return seq;
}

/*
 * --jsonl: one event a line, appended in groups: the lines that one read
 * brings (what was waiting) are committed together, and their sequence
 * numbers are printed only once the group is on disk.
 */
static void
jsonl(const char *path)
{
	int fd = ecap_xopen(path, O_RDONLY);
	const char *name = ecap_displayname(path, 0);
	size_t cap = 1 << 20, len = 0, lineno = 0, k, start;
	char *buf = ecap_xmalloc(cap);
	uint64_t first, last;
	ssize_t n;

	for (;;) {
		if (len == cap) {
			if (cap >= (64u << 20))
				ecap_errx(ECAP_EXIT_ERR, "%s: line %zu: longer than 64 MiB", name,
				    lineno + 1);
			buf = ecap_xrealloc(buf, cap *= 2);
		}
		while ((n = read(fd, buf + len, cap - len)) < 0 && errno == EINTR)
			;
		if (n < 0)
			ecap_err(ECAP_EXIT_ERR, "%s", name);
		if (n == 0 && len > 0)
			buf[len++] = '\n';	/* a last line without its newline */
		len += (size_t)n;
		first = last = 0;
		for (start = 0, k = 0; k < len; k++) {
			if (buf[k] != '\n')
				continue;
			lineno++;
			if (k > start) {
				if (first == 0)
					xbegin();
				last = jsonl_line(name, lineno, buf + start, k - start);
				if (first == 0)
					first = last;
			}
			start = k + 1;
		}
		if (first != 0) {
			xcommit();
			for (; first <= last; first++)
				printf("%llu\n", (unsigned long long)first);
			if (fflush(stdout) != 0)
				ecap_err(ECAP_EXIT_ERR, "stdout");
		}
		memmove(buf, buf + start, len - start);
		len -= start;
		if (n == 0)
			break;
	}
	free(buf);
	if (fd != 0)
		close(fd);
}

/* The events a frame carries in --tee, or NULL. */
static json_t *
event_of(const struct ecap_frame *f, const struct ecap_frame_reader *r, uint64_t *page,
    const char **type, char *capsule)
{
	if (strcmp(f->type, "EVNT") == 0) {
		json_error_t jerr;
		json_t *ev = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &jerr);
		json_t *t = json_object_get(ev, "type"), *b = json_object_get(ev, "body");

		if (!json_is_string(t) || (b != NULL && !json_is_object(b)))
			ecap_errx(ECAP_EXIT_ERR, "stdin: offset %llu: EVNT is not {\"type\": TYPE, "
			    "\"body\": {...}}", (unsigned long long)f->off);
		*type = ecap_xstrdup(json_string_value(t));
		b = b ? json_incref(b) : json_object();
		json_decref(ev);
		return b;
	}
	if (strcmp(r->format, "exec") != 0)
		return NULL;
	if (strcmp(f->type, "META") == 0) {
		/* CapsuleLoad: what ecap-open established, its x- lines. */
		static const struct { const char *key, *field; } keep[] = {
			{ "x-header-hash", "header_hash" }, { "x-capsule-hash", "capsule_hash" },
			{ "x-merkle-root", "root" }, { "x-signer", "signer" },
			{ "x-principal", "principal" }, { "id", "id" },
		};
		json_t *b = json_object();

		for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
			size_t n;
			const char *v = ecap_meta_find((const char *)f->data, f->len, keep[k].key,
			    NULL, &n);

			if (v != NULL && n > 0)
				json_object_set_new(b, keep[k].field, json_stringn(v, n));
		}
		if (json_is_string(json_object_get(b, "header_hash")))
			snprintf(capsule, 65, "%s", json_string_value(json_object_get(b, "header_hash")));
		json_object_set_new(b, "capsule_id", json_string(capsule));
		*type = ecap_xstrdup("CapsuleLoad");
		return b;
	}
	if (strcmp(f->type, "BODY") == 0) {
		*type = ecap_xstrdup("PageDecrypt");
		return json_pack("{s:s, s:I, s:I}", "capsule_id", capsule, "index",
		    (json_int_t)(*page)++, "bytes", (json_int_t)f->len);
	}
	return NULL;
}

/*
 * --tee: copy a frame stream from stdin to stdout unchanged, recording the
 * events it carries; a frame is passed on only once its event is on disk.
 */
static void
tee_stream(void)
{
	struct ecap_frame_reader r;
	struct ecap_frame f;
	uint64_t page = 0;
	char capsule[65] = "";
	unsigned char hdr[ECAP_FRAME_HDR];
	int rc;

	ecap_frame_reader_fd(&r, 0, "stdin", ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY);
	while ((rc = ecap_frame_xread(&r, &f)) > 0) {
		const char *type = NULL;
		json_t *body = event_of(&f, &r, &page, &type, capsule);

		if (body != NULL) {
			xbegin();
			xadd(type, body, NULL);
			xcommit();
			json_decref(body);
			free((char *)(uintptr_t)type);
		}
		memcpy(hdr, f.type, 4);
		hdr[4] = (unsigned char)(f.len >> 24);
		hdr[5] = (unsigned char)(f.len >> 16);
		hdr[6] = (unsigned char)(f.len >> 8);
		hdr[7] = (unsigned char)f.len;
		ecap_writeall(1, hdr, sizeof hdr, "stdout");
		ecap_writeall(1, f.data, f.len, "stdout");
	}
	ecap_frame_reader_free(&r);
}

int
main(int argc, char *argv[])
{
	enum { O_DB = 256, O_TYPE, O_JSON, O_JSONL, O_TEE };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "type", required_argument, NULL, O_TYPE },
		{ "json", required_argument, NULL, O_JSON },
		{ "jsonl", no_argument, NULL, O_JSONL },
		{ "tee", no_argument, NULL, O_TEE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dbpath = NULL, *type = NULL, *json = NULL;
	int c, mode = 0;
	char *path, why[512];

	ecap_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB: dbpath = optarg; break;
		case O_TYPE: type = optarg; break;
		case O_JSON: json = optarg; break;
		case O_JSONL: mode = O_JSONL; break;
		case O_TEE: mode = O_TEE; break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	if (mode == 0 && type == NULL)
		usage(ECAP_EXIT_ERR);
	if (mode != 0 && (type != NULL || json != NULL || (mode == O_TEE && optind < argc) ||
	    argc - optind > 1))
		usage(ECAP_EXIT_ERR);
	path = ecap_audit_path(dbpath);
	if ((db = ecap_audit_open(path, 0, why, sizeof why)) == NULL)
		ecap_errx(ECAP_EXIT_ERR, "%s", why);
	if (mode == O_JSONL)
		jsonl(optind < argc ? argv[optind] : "-");
	else if (mode == O_TEE)
		tee_stream();
	else
		one(type, json, argv + optind, argc - optind);
	ecap_audit_close(db);
	free(path);
	if (fflush(stdout) != 0 || ferror(stdout))
		ecap_err(ECAP_EXIT_ERR, "stdout");
	return ECAP_EXIT_OK;
}
