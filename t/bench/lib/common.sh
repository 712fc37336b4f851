# Sourced by the benchmarks in t/bench/: a scratch directory, a file of random
# bytes in the page cache, and the best-of-N timer.
#   top       the source tree;  bin   its programs
#   mib       file size in MiB (BENCH_MIB);  runs   runs of each command (BENCH_RUNS)
#   dir       a scratch directory, removed at exit;  file   $mib MiB of random bytes in it
#   summary   the file the benchmark appends its rows for make bench's summary to, in the
#             form t/bench/lib/summary.awk reads (BENCH_SUMMARY; /dev/null when unset)
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/bin
mib=${BENCH_MIB:-1024}
runs=${BENCH_RUNS:-$default_runs}
summary=${BENCH_SUMMARY:-/dev/null}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ecap-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
file=$dir/data
head -c "$((mib * 1048576))" /dev/urandom > "$file"
cat "$file" > /dev/null

# best COMMAND...: the shortest of $runs runs of COMMAND, in nanoseconds, its output discarded
best() {
	b=""
	n=0
	while [ "$n" -lt "$runs" ]; do
		s=$(date +%s%N)
		"$@" > /dev/null
		e=$(date +%s%N)
		t=$((e - s))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		n=$((n + 1))
	done
	echo "$b"
}
