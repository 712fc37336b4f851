#!/bin/sh
# make bench: merkle against openssl dgst -sha256 and sha256sum on one file
# (1 GiB unless BENCH_MIB says otherwise), each run BENCH_RUNS times from a
# warm page cache; the best run of each counts.  Prints seconds and ratios,
# and appends the comparisons to make bench's summary (BENCH_SUMMARY).
set -eu
default_runs=5
. "$(dirname "$0")/lib/common.sh"

m=$(best "$bin/merkle" "$file")
m1=$(best "$bin/merkle" -j 1 "$file")
o=$(best openssl dgst -sha256 "$file")
s=$(best sha256sum "$file")

awk -v mib="$mib" -v runs="$runs" -v cpus="$(nproc)" -v m="$m" -v m1="$m1" -v o="$o" -v s="$s" \
    -v sum="$summary" -v OFS='\t' 'BEGIN {
	printf "merkle: %d MiB file, best of %d runs, %d CPUs\n", mib, runs, cpus
	printf "  %-28s %8s %10s %12s\n", "tool", "seconds", "MiB/s", "merkle is"
	row("merkle (all CPUs)", m)
	row("merkle -j 1", m1)
	row("openssl dgst -sha256", o)
	row("sha256sum", s)
	printf "  target: merkle at least 2.00x faster than openssl dgst -sha256: %.2fx, %s\n",
	    o / m, (o / m >= 2 ? "met" : "NOT met")
	what = sprintf("merkle, %d MiB file", mib)
	print what, rate(m), "openssl dgst -sha256", rate(o), sprintf("%.2fx", o / m),
	    "at least 2.00x", (o / m >= 2 ? "met" : "NOT met") >> sum
	print what, rate(m), "sha256sum", rate(s), sprintf("%.2fx", s / m), "", "" >> sum
}
function row(name, ns) {
	printf "  %-28s %8.3f %10.0f %11.2fx\n", name, ns / 1e9, mib / (ns / 1e9), ns / m
}
function rate(ns) {
	return sprintf("%.0f MiB/s", mib / (ns / 1e9))
}'
