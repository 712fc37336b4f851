#!/bin/sh
# make bench: durable appends per second into the audit log, ecap-audit(5)
# (SQLite, WAL, synchronous=FULL: a seq is reported once its event is on disk).
# One writer: BENCH_AUDIT_EVENTS events (20,000 unless it says otherwise)
# through audit-append --jsonl (group commits), streamed a line a write(2) into
# a pipe, and read from a file; BENCH_AUDIT_SERIAL of them (2,000) a line at a
# time, each sent once the one before was reported (a commit each); and
# BENCH_AUDIT_PROCS of them (500) with one audit-append process each.  Eight
# --jsonl writers at once, 1/8 of the events each.  Beside them the baseline:
# as many plain INSERTs by the sqlite3 shell into a table of the same shape
# with the same pragmas, a transaction each and all in one.  Each run starts
# from an empty database; the best of BENCH_RUNS runs counts; every log is
# verified afterwards (audit-verify), and every seq reported checked.
# Prints events/s, ratios, and whether the target for one writer is met, and
# appends one writer's comparisons to make bench's summary (BENCH_SUMMARY).
set -eu

if ! command -v sqlite3 > /dev/null; then
	m="audit: skipped: sqlite3 is not installed (Debian package sqlite3)"
	echo "$m" >&2
	echo "$m" >> "${BENCH_SUMMARY:-/dev/null}"
	exit 0
fi

default_runs=3
BENCH_MIB=0		# no scratch file of random bytes here
. "$(dirname "$0")/lib/common.sh"

n=${BENCH_AUDIT_EVENTS:-20000}
procs=${BENCH_AUDIT_PROCS:-500}
serial=${BENCH_AUDIT_SERIAL:-2000}
per=$((n / 8))
n8=$((per * 8))

# The events: writer 0's n, and writers 1 to 8's per each, as --jsonl lines;
# writer 0's bodies, as the log stores them, in INSERTs for the sqlite3 shell.
id=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
awk -v n="$n" -v per="$per" -v dir="$dir" -v id="$id" -v q="'" 'BEGIN {
	for (i = 1; i <= n; i++) {
		print "{\"type\":\"Bench\",\"body\":" body(0, i) "}" > (dir "/events")
		row = sprintf("INSERT INTO events VALUES (%d, %s, %s, %s, X%s, X%s);", i,
		    q "2026-11-21T10:00:00Z" q, q "Bench" q, q body(0, i) q,
		    q sprintf("%064x", i - 1) q, q id q)
		print row > (dir "/each.sql")
		print row > (dir "/one.sql")
	}
	print "COMMIT;" > (dir "/one.sql")
	for (w = 1; w <= 8; w++)
		for (i = 1; i <= per; i++)
			print "{\"type\":\"Bench\",\"body\":" body(w, i) "}" > (dir "/events." w)
}
function body(w, i) {
	return sprintf("{\"bytes\":65536,\"capsule_id\":\"%s\",\"i\":%d,\"writer\":%d}", id, i, w)
}'
pragmas="PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
schema="CREATE TABLE events (seq INTEGER PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL,
    body TEXT NOT NULL, prev BLOB NOT NULL, hash BLOB NOT NULL);"

# The cases: each appends to the empty log $1 (an audit log, or for sqlite3 the table).
streamed() {
	awk '{ print; fflush() }' "$dir/events" | "$bin/audit-append" --db "$1" --jsonl > "$dir/out"
}
fromfile() {
	"$bin/audit-append" --db "$1" --jsonl "$dir/events" > "$dir/out"
}
oneatatime() {
	rm -f "$dir/in" "$dir/seqs"
	mkfifo "$dir/in" "$dir/seqs"
	"$bin/audit-append" --db "$1" --jsonl < "$dir/in" > "$dir/seqs" &
	exec 3> "$dir/in" 4< "$dir/seqs"
	head -n "$serial" "$dir/events" | while IFS= read -r line; do
		echo "$line" >&3
		read -r seq <&4
		echo "$seq"
	done > "$dir/out"
	exec 3>&- 4<&-
	wait
}
byprocess() {
	i=1
	while [ "$i" -le "$procs" ]; do
		"$bin/audit-append" --db "$1" --type Bench bytes:=65536 capsule_id="$id" \
		    i:="$i" writer:=0 || return
		i=$((i + 1))
	done > "$dir/out"
}
eight() {
	for w in 1 2 3 4 5 6 7 8; do
		awk '{ print; fflush() }' "$dir/events.$w" |
			"$bin/audit-append" --db "$1" --jsonl > "$dir/out.$w" &
	done
	wait
}
sqleach() {
	{ echo "$pragmas"; cat "$dir/each.sql"; } | sqlite3 -bail "$1" > /dev/null
}
sqlone() {
	{ echo "$pragmas BEGIN;"; cat "$dir/one.sql"; } | sqlite3 -bail "$1" > /dev/null
}

# time_case CASE KIND: the best of $runs runs of CASE on a fresh empty database (an
# audit log, or for KIND sql the table), in nanoseconds; the last one stays in $dir/db.
time_case() {
	b=""
	k=0
	while [ "$k" -lt "$runs" ]; do
		rm -f "$dir/db" "$dir/db-wal" "$dir/db-shm"
		if [ "$2" = sql ]; then
			echo "$pragmas $schema" | sqlite3 -bail "$dir/db" > /dev/null
		else
			"$bin/audit-append" --db "$dir/db" --jsonl < /dev/null
		fi
		s=$(date +%s%N)
		"$1" "$dir/db"
		e=$(date +%s%N)
		t=$((e - s))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		k=$((k + 1))
	done
	echo "$b"
}

# check EVENTS WHAT: the log in $dir/db verifies and holds EVENTS events.
check() {
	v=$("$bin/audit-verify" --db "$dir/db") ||
		{ echo "audit: $2: the log does not verify: $v" >&2; exit 1; }
	case $v in
	*": OK, $1 events, root "*) ;;
	*) echo "audit: $2: $v, want $1 events" >&2; exit 1 ;;
	esac
}

# reported EVENTS FILE...: the writers reported EVENTS seqs, all different.
reported() {
	want=$1
	shift
	got=$(sort -u "$@" | wc -l)
	[ "$got" -eq "$want" ] || { echo "audit: $got seqs reported, want $want" >&2; exit 1; }
}

# rows: the table in $dir/db holds n rows.
rows() {
	c=$(sqlite3 "$dir/db" 'SELECT count(*) FROM events')
	[ "$c" -eq "$n" ] || { echo "audit: sqlite3: $c rows, want $n" >&2; exit 1; }
}

st=$(time_case streamed log); check "$n" "--jsonl, streamed"; reported "$n" "$dir/out"
ff=$(time_case fromfile log); check "$n" "--jsonl FILE"; reported "$n" "$dir/out"
os=$(time_case oneatatime log); check "$serial" "--jsonl, one at a time"
reported "$serial" "$dir/out"
bp=$(time_case byprocess log); check "$procs" "one process an event"; reported "$procs" "$dir/out"
e8=$(time_case eight log); check "$n8" "8 writers"
reported "$n8" "$dir"/out.[1-8]
[ "$("$bin/audit-verify" --db "$dir/db" --export jsonl | grep -o '"writer":[1-8]' | sort -u |
    wc -l)" -eq 8 ] || { echo "audit: 8 writers: not all eight are in the log" >&2; exit 1; }
se=$(time_case sqleach sql); rows
so=$(time_case sqlone sql); rows

awk -v n="$n" -v n8="$n8" -v procs="$procs" -v runs="$runs" -v cpus="$(nproc)" \
    -v sqlv="$(sqlite3 --version | cut -d' ' -f1)" \
    -v serial="$serial" -v os="$os" -v st="$st" -v ff="$ff" -v bp="$bp" -v e8="$e8" \
    -v se="$se" -v so="$so" -v sum="$summary" -v OFS='\t' 'BEGIN {
	printf "audit: durable appends, best of %d runs, %d CPUs, SQLite %s (WAL, synchronous=FULL)\n",
	    runs, cpus, sqlv
	printf "  %-40s %7s %8s %10s   %s\n", "writer", "events", "seconds", "events/s",
	    "ratio to sqlite3: INSERT each, all in one"
	se_rate = n / (se / 1e9)
	so_rate = n / (so / 1e9)
	row("audit-append --jsonl, streamed", n, st)
	row("audit-append --jsonl FILE", n, ff)
	row("audit-append --jsonl, one at a time", serial, os)
	row("audit-append, one process an event", procs, bp)
	row("8 x audit-append --jsonl, streamed", n8, e8)
	row("sqlite3, one transaction an INSERT", n, se)
	row("sqlite3, all in one transaction", n, so)
	rate = n / (st / 1e9)
	printf "  target: at least 5,000 events/s for one writer (--jsonl, streamed): %.0f, %s\n",
	    rate, (rate >= 5000 ? "met" : "NOT met")
	what = sprintf("audit-append --jsonl, %d events streamed", n)
	print what, sprintf("%.0f events/s", rate), "sqlite3 INSERTs, a commit each",
	    sprintf("%.0f events/s", se_rate), sprintf("%.2fx", rate / se_rate),
	    "at least 5000 events/s", (rate >= 5000 ? "met" : "NOT met") >> sum
	print what, sprintf("%.0f events/s", rate), "sqlite3 INSERTs, one commit",
	    sprintf("%.0f events/s", so_rate), sprintf("%.2fx", rate / so_rate), "", "" >> sum
}
function row(name, events, ns,    rate) {
	rate = events / (ns / 1e9)
	printf "  %-40s %7d %8.3f %10.0f   %6.2fx %7.3fx\n", name, events, ns / 1e9, rate,
	    rate / se_rate, rate / so_rate
}'
