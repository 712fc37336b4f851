/* ecap-frame: list, check, dump and make ecap-frame(5) streams. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "frame.h"
#include "hex.h"
#include "json.h"
#include "parse.h"
#include "xio.h"

static noreturn void
usage(int status)
{
	fprintf(status == ECAP_EXIT_OK ? stdout : stderr,
	    "usage: ecap-frame list [--json] [FILE]\n"
	    "       ecap-frame check [-q] [FILE]\n"
	    "       ecap-frame dump (-i INDEX | -t TYPE) [-o OUT] [FILE]\n"
	    "       ecap-frame wrap [-t TYPE] [-s BYTES | --each] [-o OUT] [FILE...]\n");
	ecap_usage_exit(status);
}

struct opts {
	int json, quiet, each;
	int have_index;
	uint64_t index;
	const char *type;
	uint64_t size;
	const char *out;
};

static const char *
input_name(int argc, char **argv)
{
	if (argc > 1)
		usage(ECAP_EXIT_ERR);
	return argc == 1 ? argv[0] : "-";
}

/* The type without trailing spaces, for text output: "END". */
static const char *
shorttype(const char *type, char *buf)
{
	int n = 4;

	while (n > 1 && type[n - 1] == ' ')
		n--;
	memcpy(buf, type, n);
	buf[n] = '\0';
	return buf;
}

static int
cmd_list(const struct opts *o, const char *path)
{
	struct ecap_frame_reader r;
	struct ecap_frame f;
	char note[128], tb[5];
	int fd = ecap_xopen(path, O_RDONLY), rc;

	ecap_frame_reader_fd(&r, fd, ecap_displayname(path, 0),
	    ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY);
	while ((rc = ecap_frame_read(&r, &f)) > 0) {
		int hashed = strcmp(f.type, "CHKP") == 0 || strcmp(f.type, "END ") == 0;
		int header = strcmp(f.type, "ECAP") == 0;

		if (o->json) {
			json_t *j = json_pack("{s:I, s:s, s:I, s:b}", "offset", (json_int_t)f.off,
			    "type", f.type, "length", (json_int_t)f.len,
			    "critical", ecap_frame_critical(f.type));

			if (header)
				json_object_set_new(j, "format",
				    json_sprintf("%s/%u", r.format, r.version));
			if (hashed)
				json_object_set_new(j, "sha256", ecap_json_hex(f.data, f.len));
			ecap_json_print(j);
			continue;
		}
		note[0] = '\0';
		if (header)
			snprintf(note, sizeof(note), " %s/%u", r.format, r.version);
		else if (hashed) {
			note[0] = ' ';
			ecap_hex_encode(note + 1, f.data, f.len);
		} else if (!ecap_frame_critical(f.type))
			snprintf(note, sizeof(note), " ancillary");
		printf("%llu %s %lu%s\n", (unsigned long long)f.off, shorttype(f.type, tb),
		    (unsigned long)f.len, note);
	}
	if (fflush(stdout) == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	if (rc < 0)
		ecap_errx(ECAP_EXIT_ERR, "%s: %s", r.name, r.err);
	ecap_frame_reader_free(&r);
	return ECAP_EXIT_OK;
}

static int
cmd_check(const struct opts *o, const char *path)
{
	struct ecap_frame_reader r;
	struct ecap_frame f;
	uint64_t frames = 0;
	int fd = ecap_xopen(path, O_RDONLY);

	ecap_frame_reader_fd(&r, fd, ecap_displayname(path, 0), ECAP_FRAME_ANCILLARY);
	while (ecap_frame_xread(&r, &f) > 0)
		frames++;
	if (!o->quiet)
		printf("%s: OK, %s/%u, %llu frames, %llu bytes\n", r.name, r.format, r.version,
		    (unsigned long long)frames, (unsigned long long)r.off);
	if (fflush(stdout) == EOF)
		ecap_err(ECAP_EXIT_ERR, "stdout");
	ecap_frame_reader_free(&r);
	return ECAP_EXIT_OK;
}

/*
 * Payloads on their way out.  To a file (-o), they go straight into the
 * temporary that appears only once the stream verified.  To stdout, they are
 * held until the next checkpoint or END has matched: nothing unverified is
 * released.
 */
struct sink {
	struct ecap_out out;
	int hold;
	unsigned char *held;
	size_t len, cap;
};

static void
sink_put(struct sink *k, const unsigned char *p, size_t n)
{
	if (n == 0)
		return;
	if (!k->hold) {
		ecap_writeall(k->out.fd, p, n, ecap_displayname(k->out.path, 1));
		return;
	}
	if (k->cap - k->len < n) {
		while (k->cap - k->len < n)
			k->cap = k->cap ? 2 * k->cap : 65536;
		k->held = ecap_xrealloc(k->held, k->cap);
	}
	memcpy(k->held + k->len, p, n);
	k->len += n;
}

static void
sink_release(struct sink *k)
{
	if (k->hold && k->len > 0)
		ecap_writeall(k->out.fd, k->held, k->len, ecap_displayname(k->out.path, 1));
	k->len = 0;
}

static int
cmd_dump(const struct opts *o, const char *path)
{
	struct ecap_frame_reader r;
	struct ecap_frame f;
	struct sink k = { .hold = o->out == NULL };
	uint64_t i = 0;
	int fd, found = 0;

	if (o->have_index == (o->type != NULL))
		usage(ECAP_EXIT_ERR);
	fd = ecap_xopen(path, O_RDONLY);
	ecap_frame_reader_fd(&r, fd, ecap_displayname(path, 0),
	    ECAP_FRAME_ANYTYPE | ECAP_FRAME_ANCILLARY);
	ecap_out_open(&k.out, o->out ? o->out : "-");
	for (; ecap_frame_xread(&r, &f) > 0; i++) {
		if ((o->type != NULL && memcmp(f.type, o->type, 4) == 0) ||
		    (o->have_index && i == o->index)) {
			sink_put(&k, f.data, f.len);
			found = 1;
		}
		if (strcmp(f.type, "CHKP") == 0 || strcmp(f.type, "END ") == 0)
			sink_release(&k);
	}
	if (o->have_index && !found)
		ecap_errx(ECAP_EXIT_ERR, "%s: no frame %llu: the stream has %llu frames", r.name,
		    (unsigned long long)o->index, (unsigned long long)i);
	ecap_out_commit(&k.out);
	free(k.held);
	ecap_frame_reader_free(&r);
	return ECAP_EXIT_OK;
}

/* wrap puts a checkpoint after every this many payload bytes that more data follows. */
#define CHECKPOINT_BYTES	(16u << 20)

static void
put(struct ecap_frame_writer *w, const char *type, const unsigned char *buf, size_t n)
{
	static uint64_t since;

	if (since >= CHECKPOINT_BYTES) {
		ecap_frame_checkpoint(w);
		since = 0;
	}
	ecap_frame_write(w, type, buf, n);
	since += n;
}

static void
wrap_fd(struct ecap_frame_writer *w, const struct opts *o, int fd, const char *name,
    unsigned char *buf)
{
	size_t n;

	if (o->each) {
		/* The whole file as one frame: one byte more than the limit tells it is too big. */
		n = ecap_readall(fd, buf, ECAP_FRAME_MAX + 1, name);
		if (n > ECAP_FRAME_MAX)
			ecap_errx(ECAP_EXIT_ERR, "%s: larger than a frame (%u bytes)", name,
			    ECAP_FRAME_MAX);
		put(w, o->type, buf, n);
		return;
	}
	while ((n = ecap_readall(fd, buf, o->size, name)) > 0)
		put(w, o->type, buf, n);
}

static int
cmd_wrap(struct opts *o, int argc, char **argv)
{
	struct ecap_frame_writer w;
	struct ecap_out out;
	unsigned char *buf;
	int i;

	if (o->type == NULL)
		o->type = "DATA";
	if (!ecap_frame_valid_type(o->type))
		ecap_errx(ECAP_EXIT_ERR, "-t: not a frame type: '%s'", o->type);
	if (ecap_frame_critical(o->type) && strcmp(o->type, "DATA") != 0 &&
	    strcmp(o->type, "EVNT") != 0)
		ecap_errx(ECAP_EXIT_ERR,
		    "-t: critical type '%s' is not part of data/1 (DATA, EVNT, or an ancillary type)",
		    o->type);
	if (o->size == 0 || o->size > ECAP_FRAME_MAX)
		ecap_errx(ECAP_EXIT_ERR, "-s: frame size must be 1 to %u bytes", ECAP_FRAME_MAX);
	buf = ecap_xmalloc(o->each ? ECAP_FRAME_MAX + 1 : o->size);
	ecap_out_open(&out, o->out ? o->out : "-");
	ecap_frame_writer_init(&w, out.fd, ecap_displayname(out.path, 1));
	ecap_frame_begin(&w, "data", 1);
	if (argc == 0)
		wrap_fd(&w, o, STDIN_FILENO, "stdin", buf);
	for (i = 0; i < argc; i++) {
		int fd = ecap_xopen(argv[i], O_RDONLY);

		wrap_fd(&w, o, fd, ecap_displayname(argv[i], 0), buf);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	ecap_frame_end(&w);
	ecap_out_commit(&out);
	free(buf);
	return ECAP_EXIT_OK;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "each", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .size = 65536 };
	unsigned char seen[256] = { 0 };
	const char *cmd;
	int ch, have_size = 0;

	ecap_setprogname(argv[0]);
	while ((ch = getopt_long(argc, argv, "+hi:o:qs:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage(ECAP_EXIT_ERR);
	cmd = argv[0];
	optind = 0;	/* glibc: start over on the new argv, from argv[1] */
	while ((ch = getopt_long(argc, argv, "hi:o:qs:t:", longopts, NULL)) != -1) {
		if (strchr("iost", ch) != NULL && seen[ch]++)
			ecap_errx(ECAP_EXIT_ERR, "-%c given twice", ch);
		switch (ch) {
		case 'J': o.json = 1; break;
		case 'E': o.each = 1; break;
		case 'q': o.quiet = 1; break;
		case 'o':
			o.out = optarg;
			break;
		case 'i':
			if (ecap_parse_u64(optarg, &o.index) < 0)
				ecap_errx(ECAP_EXIT_ERR, "-i: not a frame index: '%s'", optarg);
			o.have_index = 1;
			break;
		case 's':
			if (ecap_parse_size(optarg, &o.size) < 0)
				ecap_errx(ECAP_EXIT_ERR, "-s: not a size in bytes: '%s'", optarg);
			have_size = 1;
			break;
		case 't':
			if (!ecap_frame_valid_type(optarg))
				ecap_errx(ECAP_EXIT_ERR, "-t: not a frame type: '%s'", optarg);
			o.type = optarg;
			break;
		case 'h': usage(ECAP_EXIT_OK);
		case 'V': ecap_print_version();
		default: usage(ECAP_EXIT_ERR);
		}
	}
	argc -= optind;
	argv += optind;
	/* Each command takes only its own options. */
	if (strcmp(cmd, "list") == 0) {
		if (o.each || o.quiet || o.out || o.have_index || o.type || have_size)
			usage(ECAP_EXIT_ERR);
		return cmd_list(&o, input_name(argc, argv));
	}
	if (strcmp(cmd, "check") == 0) {
		if (o.json || o.each || o.out || o.have_index || o.type || have_size)
			usage(ECAP_EXIT_ERR);
		return cmd_check(&o, input_name(argc, argv));
	}
	if (strcmp(cmd, "dump") == 0) {
		if (o.json || o.each || o.quiet || have_size)
			usage(ECAP_EXIT_ERR);
		return cmd_dump(&o, input_name(argc, argv));
	}
	if (strcmp(cmd, "wrap") == 0) {
		if (o.json || o.quiet || o.have_index || (o.each && have_size))
			usage(ECAP_EXIT_ERR);
		return cmd_wrap(&o, argc, argv);
	}
	ecap_warnx("unknown command '%s'", cmd);
	usage(ECAP_EXIT_ERR);
}
