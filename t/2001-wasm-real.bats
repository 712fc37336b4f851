#!/usr/bin/env bats
# Real programs by others under wasm-exec: bzip2 and cmark, built from their
# Debian source packages for wasm32-wasi and natively (mk/wasm.mk); the two
# builds must agree byte for byte on real input.  Then a real program sealed,
# opened and run end to end, twice, with the same output and transcript.
# (sh t/wasm/compare.sh bin/wasm-exec runs the long comparisons: 33 of them.)

setup() {
	load lib/common
	W="$DATA/wasm"
	N="$T_ROOT/t/wasm/build/native"
	S="$T_ROOT/t/wasm/build"
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
}

@test "bzip2 compresses and decompresses as its native build does" {
	for f in /usr/share/common-licenses/GPL-3 "$S/bzip2/sample3.ref"; do
		wasm-exec "$W/real-bzip2.wasm" -- -c < "$f" > wasm.bz2
		"$N/bzip2" -c < "$f" > native.bz2
		cmp wasm.bz2 native.bz2
		wasm-exec "$W/real-bzip2.wasm" -- -dc < wasm.bz2 > back
		cmp back "$f"
	done
	# Upstream's own test vector: sample3.ref at -3 is sample3.bz2.
	wasm-exec "$W/real-bzip2.wasm" -- -3 < "$S/bzip2/sample3.ref" | cmp - "$S/bzip2/sample3.bz2"
}

@test "bzip2 works on files in a preopened directory, and nowhere else" {
	mkdir d
	cp /usr/share/common-licenses/GPL-3 d/text
	run -0 wasm-exec --dir d::/d "$W/real-bzip2.wasm" -- /d/text
	assert_file_not_exists d/text
	"$N/bzip2" -c < /usr/share/common-licenses/GPL-3 | cmp - d/text.bz2
	run -0 wasm-exec --dir d::/d "$W/real-bzip2.wasm" -- -d /d/text.bz2
	cmp d/text /usr/share/common-licenses/GPL-3
	# Read only: bzip2 can read but not write beside it.
	run wasm-exec --dir d::/d:ro "$W/real-bzip2.wasm" -- -k /d/text
	(( status != 0 ))
	assert_file_not_exists d/text.bz2
	cp /usr/share/common-licenses/GPL-3 outside
	run wasm-exec --dir d::/d "$W/real-bzip2.wasm" -- /d/../outside
	(( status != 0 ))
	assert_file_not_exists outside.bz2
}

@test "cmark renders as its native build does, in every output format" {
	for t in html xml man latex commonmark; do
		wasm-exec "$W/real-cmark.wasm" -- -t "$t" < "$S/cmark/README.md" > wasm.out
		"$N/cmark" -t "$t" < "$S/cmark/README.md" > native.out
		cmp wasm.out native.out
	done
	wasm-exec "$W/real-cmark.wasm" -- --smart < "$S/cmark/changelog.txt" > wasm.out
	"$N/cmark" --smart < "$S/cmark/changelog.txt" | cmp - wasm.out
}

@test "ecap-seal, ecap-open | wasm-exec: a real program end to end, the same twice" {
	ecap-seal --key-file team.key --meta id=org.commonmark.cmark -o cmark.ecap "$W/real-cmark.wasm"
	mkdir one two
	(cd one && ecap-open --key-file ../team.key ../cmark.ecap < "$S/cmark/README.md" |
		wasm-exec --report r.json --transcript t.txt -- -t html > out.html)
	(cd two && SOURCE_DATE_EPOCH=1 ecap-open --key-file ../team.key ../cmark.ecap \
		< "$S/cmark/README.md" | wasm-exec --report r.json -- -t html > out.html)
	"$N/cmark" -t html < "$S/cmark/README.md" | cmp - one/out.html
	cmp one/out.html two/out.html
	assert_equal "$(jq -r .transcript_hash one/r.json)" "$(jq -r .transcript_hash two/r.json)"
	assert_equal "$(jq -r .transcript_hash one/r.json)" "$(sha256sum < one/t.txt | cut -d' ' -f1)"
	assert_equal "$(jq -r .fuel_used one/r.json)" "$(jq -r .fuel_used two/r.json)"
	assert_equal "$(jq -r .output_hash one/r.json)" "$(sha256sum < one/out.html | cut -d' ' -f1)"
	run -0 jq -r '.capsule_id | length' one/r.json
	assert_output 64
	# The report names the capsule as ecap-inspect does.
	assert_equal "$(jq -r .capsule_id one/r.json)" "$(ecap-inspect --json cmark.ecap | jq -r .header_hash)"
	assert_equal "$(jq -r .capsule_hash one/r.json)" "$(ecap-inspect --json cmark.ecap | jq -r .capsule_hash)"
}
