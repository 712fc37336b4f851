#!/bin/sh
# compare.sh [RUNNER...]: the real programs, t/data/wasm/real-*.wasm, against the same
# sources built natively, t/wasm/build/native/* (make wasm-node-check builds both
# and runs this), on real inputs: their output must be identical byte for byte.
# RUNNER runs a module: it is given MODULE ARG... (MODULE -- ARG... when RUNNER is
# wasm-exec) and the program's standard input; the programs only read standard input
# and write standard output here, so any WASI runtime fits.  The default is node
# t/wasm/run-node.mjs.
#   sh t/wasm/compare.sh                       # under node
#   sh t/wasm/compare.sh bin/wasm-exec         # under wasm-exec
#   CMARK_SPEC=1 sh t/wasm/compare.sh          # and the CommonMark spec's examples
# Prints one line a comparison and "wasm-compare: N passed, N failed"; exits 1 when
# one differed, 2 when something is missing.
set -u
cd "$(dirname "$0")/../.." || exit 2
[ $# -gt 0 ] || set -- node t/wasm/run-node.mjs
W=t/data/wasm
N=t/wasm/build/native
S=t/wasm/build
for f in $W/real-bzip2.wasm $W/real-cmark.wasm $N/bzip2 $N/cmark; do
	[ -e "$f" ] || { echo "compare.sh: $f: missing (make wasm-node-check)" >&2; exit 2; }
done
case $1 in *wasm-exec) sep=--;; *) sep=;; esac

# run MODULE ARG...: MODULE under RUNNER.
run() {
	m=$1
	shift
	$runner "$m" $sep "$@"
}
runner=$*

tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT || exit 2
pass=0 fail=0

# same WHAT: the files $tmp/wasm and $tmp/native are identical.
same() {
	if cmp -s "$tmp/wasm" "$tmp/native"; then
		echo "identical  $1 ($(wc -c < "$tmp/wasm") bytes)"
		pass=$((pass + 1))
	else
		echo "DIFFERENT  $1: $(cmp "$tmp/wasm" "$tmp/native" 2>&1)"
		fail=$((fail + 1))
	fi
}

# bzip2: compress real texts (the GPL, bzip2's own manual in PostScript, the bash
# manual page when there is one), then decompress the native output with the wasm
# build; /usr/bin/bzip2 (Debian's build of the same source) must agree too.
cp /usr/share/common-licenses/GPL-3 $S/bzip2/manual.ps "$tmp"/
zcat /usr/share/man/man1/bash.1.gz > "$tmp/bash.1" 2>/dev/null || rm -f "$tmp/bash.1"
for f in "$tmp"/GPL-3 "$tmp"/manual.ps "$tmp"/bash.1; do
	[ -e "$f" ] || continue
	name=${f##*/}
	run $W/real-bzip2.wasm -c < "$f" > "$tmp/wasm"
	$N/bzip2 -c < "$f" > "$tmp/native"
	same "bzip2 -c < $name"
	if [ -x /usr/bin/bzip2 ]; then
		cp "$tmp/native" "$tmp/native.bz2"
		/usr/bin/bzip2 -c < "$f" > "$tmp/native"
		same "bzip2 -c < $name (against /usr/bin/bzip2)"
		mv "$tmp/native.bz2" "$tmp/native"
	fi
	mv "$tmp/native" "$tmp/compressed"
	run $W/real-bzip2.wasm -dc < "$tmp/compressed" > "$tmp/wasm"
	cp "$f" "$tmp/native"
	same "bzip2 -dc < $name.bz2 (the original back)"
done
# upstream's own test (its Makefile's `make test`): samples at -1, -2, -3, both ways
for i in 1 2 3; do
	run $W/real-bzip2.wasm -$i < $S/bzip2/sample$i.ref > "$tmp/wasm"
	cp $S/bzip2/sample$i.bz2 "$tmp/native"
	same "bzip2 -$i < sample$i.ref (upstream's sample$i.bz2)"
	run $W/real-bzip2.wasm -d < $S/bzip2/sample$i.bz2 > "$tmp/wasm"
	cp $S/bzip2/sample$i.ref "$tmp/native"
	same "bzip2 -d < sample$i.bz2 (upstream's sample$i.ref)"
done

# cmark: the CommonMark spec itself, cmark's README and changelog, in every output
# format, and HTML with --smart.
for f in $S/cmark/test/spec.txt $S/cmark/README.md $S/cmark/changelog.txt; do
	for opts in "-t html" "-t xml" "-t man" "-t latex" "-t commonmark" "--smart -t html"; do
		# shellcheck disable=SC2086 # opts are words
		run $W/real-cmark.wasm $opts < "$f" > "$tmp/wasm"
		# shellcheck disable=SC2086
		$N/cmark $opts < "$f" > "$tmp/native"
		same "cmark $opts < ${f#$S/}"
	done
done

# The spec's examples with cmark's own test runner (one run per example: about a
# minute under node).
if [ "${CMARK_SPEC:-0}" = 1 ]; then
	if python3 $S/cmark/test/spec_tests.py --spec $S/cmark/test/spec.txt \
		--program "$* $W/real-cmark.wasm" > "$tmp/spec" 2>&1; then
		echo "passed     cmark spec_tests.py: $(tail -n 1 "$tmp/spec")"
		pass=$((pass + 1))
	else
		echo "FAILED     cmark spec_tests.py: $(tail -n 1 "$tmp/spec")"
		fail=$((fail + 1))
	fi
fi

echo "wasm-compare: $pass passed, $fail failed"
[ $fail = 0 ]
