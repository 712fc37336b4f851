#!/bin/sh
# make bench: ecap-seal and ecap-open against age (age -r, age -d, Debian
# package age) on one file of random bytes (1 GiB unless BENCH_MIB says
# otherwise), each run BENCH_RUNS times from a warm page cache; the best run
# of each counts.  The capsule is sealed with a master key (--key-file), in
# pages of the default size; merkle -t PAGE times its Merkle tree alone.
# Sealing is timed two ways, both tools alike: into a file in the scratch
# directory (standard output redirected, so neither syncs it; ecap-seal writes
# the pages once and the header last) and into /dev/null, which cannot be
# written out of order (ecap-seal reads the file twice, sealing its pages again
# as it writes them).  Before each run into a file the disk is synced, outside
# the time.  Opening writes the payload to /dev/null.
# Prints seconds, MiB/s and ratios, and whether the targets are met (ecap-seal
# into a file at least as fast as age -r into a file, ecap-open at least 1.2
# times as fast as age -d), and appends the comparisons to make bench's
# summary (BENCH_SUMMARY).
set -eu

if ! command -v age > /dev/null || ! command -v age-keygen > /dev/null; then
	m="capsule: skipped: age and age-keygen are not installed (Debian package age)"
	echo "$m" >&2
	echo "$m" >> "${BENCH_SUMMARY:-/dev/null}"
	exit 0
fi

default_runs=3
. "$(dirname "$0")/lib/common.sh"

"$bin/ecap-keygen" -o "$dir/key" > /dev/null
age-keygen -o "$dir/age-key" 2> /dev/null
recipient=$(age-keygen -y "$dir/age-key")

# into OUT COMMAND...: the shortest of $runs runs of COMMAND > OUT, in nanoseconds,
# the disk synced before each run; OUT is removed after each.
into() {
	out=$1
	shift
	b=""
	n=0
	while [ "$n" -lt "$runs" ]; do
		sync
		s=$(date +%s%N)
		"$@" > "$out"
		e=$(date +%s%N)
		rm -f "$out"
		t=$((e - s))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		n=$((n + 1))
	done
	echo "$b"
}

# ecap-seal -o would add an fsync that age -o does not do: both write to standard output.
sf=$(into "$dir/out" "$bin/ecap-seal" --key-file "$dir/key" "$file")
af=$(into "$dir/out" age -r "$recipient" "$file")
sf1=$(into "$dir/out" "$bin/ecap-seal" --key-file "$dir/key" -j 1 "$file")
se=$(best "$bin/ecap-seal" --key-file "$dir/key" "$file")
ae=$(best age -r "$recipient" "$file")
"$bin/ecap-seal" --key-file "$dir/key" -o "$dir/capsule" "$file"
age -r "$recipient" -o "$dir/age" "$file"
op=$(best "$bin/ecap-open" --key-file "$dir/key" --raw "$dir/capsule")
op1=$(best "$bin/ecap-open" --key-file "$dir/key" -j 1 --raw "$dir/capsule")
ad=$(best age -d -i "$dir/age-key" "$dir/age")
mt=$(best "$bin/merkle" -t PAGE "$dir/capsule")

# Both round trips give the file back.
"$bin/ecap-open" --key-file "$dir/key" --raw "$dir/capsule" | cmp -s - "$file" ||
	{ echo "capsule: ecap-open does not give the file back" >&2; exit 1; }
age -d -i "$dir/age-key" "$dir/age" | cmp -s - "$file" ||
	{ echo "capsule: age -d does not give the file back" >&2; exit 1; }

awk -v mib="$mib" -v runs="$runs" -v cpus="$(nproc)" -v age="$(age --version)" \
    -v sf="$sf" -v sf1="$sf1" -v af="$af" -v se="$se" -v ae="$ae" -v op="$op" -v op1="$op1" -v ad="$ad" -v mt="$mt" \
    -v sum="$summary" -v OFS='\t' 'BEGIN {
	printf "capsule: %d MiB file, best of %d runs, %d CPUs, age %s\n", mib, runs, cpus, age
	printf "  %-34s %8s %10s   %s\n", "tool", "seconds", "MiB/s", "ratio"
	row("ecap-seal > file (all CPUs)", sf, af / sf, "x age -r > file")
	row("ecap-seal -j 1 > file", sf1, af / sf1, "x age -r > file")
	row("age -r > file (encrypt)", af, 1, "")
	row("ecap-seal > /dev/null (two passes)", se, ae / se, "x age -r > /dev/null")
	row("age -r > /dev/null (encrypt)", ae, 1, "")
	row("ecap-open --raw (all CPUs)", op, ad / op, "x age -d")
	row("ecap-open -j 1 --raw", op1, ad / op1, "x age -d")
	row("age -d (decrypt)", ad, 1, "")
	printf "  %-34s %8.3f %10.0f   %5.0f%% of ecap-seal\n", "merkle -t PAGE (the tree alone)",
	    mt / 1e9, mib / (mt / 1e9), 100 * mt / sf
	printf "  target: ecap-seal at least as fast as age -r, into a file: %.2fx, %s\n",
	    af / sf, (af / sf >= 1 ? "met" : "NOT met")
	printf "          (into /dev/null, where ecap-seal makes two passes: %.2fx, %s)\n",
	    ae / se, (ae / se >= 1 ? "met" : "NOT met")
	printf "  target: ecap-open at least 1.20x faster than age -d: %.2fx, %s\n",
	    ad / op, (ad / op >= 1.2 ? "met" : "NOT met")
	print sprintf("ecap-seal > file, %d MiB file", mib), rate(sf), "age -r > file", rate(af),
	    sprintf("%.2fx", af / sf), "at least 1.00x", (af / sf >= 1 ? "met" : "NOT met") >> sum
	print sprintf("ecap-seal > /dev/null (two passes), %d MiB file", mib), rate(se),
	    "age -r > /dev/null", rate(ae), sprintf("%.2fx", ae / se), "", "" >> sum
	print sprintf("ecap-open --raw, %d MiB file", mib), rate(op), "age -d", rate(ad),
	    sprintf("%.2fx", ad / op), "at least 1.20x", (ad / op >= 1.2 ? "met" : "NOT met") >> sum
}
function rate(ns) {
	return sprintf("%.0f MiB/s", mib / (ns / 1e9))
}
function row(name, ns, ratio, what) {
	printf "  %-34s %8.3f %10.0f   %5.2f%s\n", name, ns / 1e9, mib / (ns / 1e9), ratio,
	    what == "" ? "x" : what
}'
