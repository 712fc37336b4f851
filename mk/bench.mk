# make bench: benchmarks in t/bench/, each printing ratios against outside tools.
bench: all
	@for b in t/bench/*.sh; do sh "$$b" || exit 1; done

.PHONY: bench
