#!/bin/sh
# make bench: wasm-exec against Node's WASI (node:wasi, t/wasm/run-node.mjs), side
# by side: the start-up of a WASI hello world (wall time, best of BENCH_RUNS, and
# peak resident memory: both of wasm-exec's processes added up, Node's one), then
# a CPU-bound real program, bzip2 (from Debian's source, t/data/wasm/real-bzip2.wasm)
# compressing BENCH_BZIP_KIB KiB of text, against the same under Node and natively.
# Prints seconds, MiB and ratios, and whether the start-up targets are met (at most 1/20
# of node's wall time and 1/4 of its memory), and appends the start-up comparisons to
# make bench's summary (BENCH_SUMMARY).
set -eu

if ! command -v node > /dev/null; then
	m="wasm: skipped: node is not installed (Debian package nodejs)"
	echo "$m" >&2
	echo "$m" >> "${BENCH_SUMMARY:-/dev/null}"
	exit 0
fi

default_runs=20
BENCH_MIB=${BENCH_MIB_WASM:-1}
. "$(dirname "$0")/lib/common.sh"

w=$top/t/data/wasm
node="node $top/t/wasm/run-node.mjs"
kib=${BENCH_BZIP_KIB:-256}

for f in "$w/c-hello.wasm" "$w/real-bzip2.wasm" "$top/t/wasm/build/native/bzip2"; do
	[ -e "$f" ] || { echo "wasm: $f is missing: run make check first" >&2; exit 1; }
done

# The hello world, both ways.
[ "$("$bin/wasm-exec" "$w/c-hello.wasm")" = "hello, world" ] ||
	{ echo "wasm: wasm-exec does not run hello" >&2; exit 1; }
[ "$($node "$w/c-hello.wasm")" = "hello, world" ] ||
	{ echo "wasm: node does not run hello" >&2; exit 1; }
we=$(best "$bin/wasm-exec" "$w/c-hello.wasm")
nd=$(best $node "$w/c-hello.wasm")

# Peak memory: wasm-exec's report holds both its processes'; /usr/bin/time gives Node's.
"$bin/wasm-exec" --report "$dir/r.json" "$w/c-hello.wasm" > /dev/null
wm=$(jq '.max_rss + .max_rss_engine' "$dir/r.json")
nm=$( { /usr/bin/time -f '%M' $node "$w/c-hello.wasm" > /dev/null; } 2>&1 | tail -1)
nm=$((nm * 1024))

# A CPU-bound real program: bzip2 on text (man pages, gunzipped), three ways.
for f in /usr/share/man/man1/*.gz; do gzip -dc "$f"; done 2> /dev/null |
	head -c "$((kib * 1024))" > "$dir/text"
runs=1
bw=$(best "$bin/wasm-exec" "$w/real-bzip2.wasm" -- -c < "$dir/text")
bn=$(best $node "$w/real-bzip2.wasm" -c < "$dir/text")
bx=$(best "$top/t/wasm/build/native/bzip2" -c < "$dir/text")
"$bin/wasm-exec" "$w/real-bzip2.wasm" -- -c < "$dir/text" > "$dir/a.bz2"
"$top/t/wasm/build/native/bzip2" -c < "$dir/text" | cmp -s - "$dir/a.bz2" ||
	{ echo "wasm: bzip2 under wasm-exec differs from the native build" >&2; exit 1; }

awk -v runs="${BENCH_RUNS:-$default_runs}" -v cpus="$(nproc)" -v nv="$(node --version)" \
    -v we="$we" -v nd="$nd" -v wm="$wm" -v nm="$nm" -v kib="$kib" \
    -v bw="$bw" -v bn="$bn" -v bx="$bx" -v sum="$summary" -v OFS='\t' 'BEGIN {
	printf "wasm: hello world start-up, best of %d runs, %d CPUs, node %s\n", runs, cpus, nv
	printf "  %-34s %8s %10s\n", "runtime", "ms", "peak MiB"
	printf "  %-34s %8.1f %10.1f\n", "wasm-exec (both processes)", we / 1e6, wm / 1048576
	printf "  %-34s %8.1f %10.1f\n", "node:wasi", nd / 1e6, nm / 1048576
	printf "  wall time: wasm-exec takes %.3f of node'"'"'s (1/%.0f)\n", we / nd, nd / we
	printf "  memory: wasm-exec takes %.3f of node'"'"'s (1/%.1f)\n", wm / nm, nm / wm
	printf "  target: at most 1/20 of node'"'"'s wall time: %s\n", (we * 20 <= nd ? "met" : "NOT met")
	printf "  target: at most 1/4 of node'"'"'s memory: %s\n", (wm * 4 <= nm ? "met" : "NOT met")
	printf "wasm: bzip2 -c on %d KiB of text (CPU-bound), one run each\n", kib
	printf "  %-34s %8.2f s  %7.1fx native\n", "wasm-exec (interpreter)", bw / 1e9, bw / bx
	printf "  %-34s %8.2f s  %7.1fx native\n", "node:wasi (V8, compiled)", bn / 1e9, bn / bx
	printf "  %-34s %8.3f s\n", "native bzip2 (same source)", bx / 1e9
	printf "  wasm-exec is %.0fx slower than node on it\n", bw / bn
	print "wasm-exec hello, start-up", sprintf("%.1f ms", we / 1e6), "node:wasi",
	    sprintf("%.1f ms", nd / 1e6), sprintf("%.1fx", nd / we), "at least 20x",
	    (we * 20 <= nd ? "met" : "NOT met") >> sum
	print "wasm-exec hello, peak memory", sprintf("%.1f MiB", wm / 1048576), "node:wasi",
	    sprintf("%.1f MiB", nm / 1048576), sprintf("%.1fx", nm / wm), "at least 4x",
	    (wm * 4 <= nm ? "met" : "NOT met") >> sum
}'
