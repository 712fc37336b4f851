# make bench: benchmarks in t/bench/, each printing ratios against outside tools;
# then one table of them all (each appends its rows to $BENCH_SUMMARY, a
# temporary file, and t/bench/lib/summary.awk prints them).
bench: all
	@BENCH_SUMMARY=$$(mktemp "$${TMPDIR:-/tmp}/ecap-bench.XXXXXX") || exit 2; \
	export BENCH_SUMMARY; \
	trap 'rm -f "$$BENCH_SUMMARY"' EXIT INT TERM; \
	for b in t/bench/*.sh; do sh "$$b" || exit 1; done; \
	awk -f t/bench/lib/summary.awk "$$BENCH_SUMMARY"

.PHONY: bench
