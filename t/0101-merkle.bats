#!/usr/bin/env bats
# The merkle program beyond the published vectors (t/0100): output, leaf sizes,
# the mmap and pipe paths, threads, proofs on real files, and every error path.

setup() {
	load lib/common
}

# proof_fixture: f, 6500 bytes in 7 leaves of 1000; r, its root; proof, the
# inclusion proof of leaf 3; leaf, that leaf's data.
proof_fixture() {
	prng 6500 > f
	r=$(root -s 1000 f)
	merkle proof -s 1000 3 f > proof
	dd if=f of=leaf bs=1000 skip=3 count=1 status=none
}

# hexof: stdin's bytes as lower-case hex on one line.
hexof() {
	od -An -v -tx1 | tr -d ' \n'
}

# leaf_hex FILE: SHA-256(0x00 || FILE), by openssl.
leaf_hex() {
	{ printf '\0'; cat "$1"; } | openssl dgst -sha256 -binary | hexof
}

# node_hex LEFT RIGHT: SHA-256(0x01 || LEFT || RIGHT), hashes in hex, by openssl.
node_hex() {
	{ printf '\1'; unhex "$1"; unhex "$2"; } | openssl dgst -sha256 -binary | hexof
}

# mth HASH...: the RFC 6962 root over these leaf hashes (hex), split at the
# largest power of two below their number.
mth() {
	local n=$# k=1
	if ((n == 0)); then
		openssl dgst -sha256 -binary < /dev/null | hexof
	elif ((n == 1)); then
		printf '%s' "$1"
	else
		while ((k * 2 < n)); do k=$((k * 2)); done
		node_hex "$(mth "${@:1:k}")" "$(mth "${@:k+1}")"
	fi
}

# mth_of_pieces PREFIX: the root over the files PREFIX* (split(1) output), in name order.
mth_of_pieces() {
	local p hashes=()
	for p in "$1"*; do
		[[ -e $p ]] || continue
		hashes+=("$(leaf_hex "$p")")
	done
	mth "${hashes[@]}"
}

# root [OPTION...] FILE: merkle's root of FILE, hex only.
root() {
	merkle "$@" | cut -c1-64
}

# big: a 70 MiB pseudo-random file (more than the 64 MiB pipe buffer), made once per file.
big() {
	[[ -f $BATS_FILE_TMPDIR/big ]] || prng $((70 << 20)) 7 > "$BATS_FILE_TMPDIR/big"
	printf '%s' "$BATS_FILE_TMPDIR/big"
}

usage_start="usage: merkle [-s BYTES | -s line | -t TYPE] [-j THREADS] [--json] [FILE...]"

# --- roots ---

@test "one line a file, like sha256sum: the root, two spaces, the name" {
	printf 'abc' > a
	printf 'hello\n' > 'b c'
	: > e
	run -0 merkle a 'b c' e
	assert_line --index 0 "$(mth "$(leaf_hex a)")  a"
	assert_line --index 1 "$(mth "$(leaf_hex 'b c')")  b c"
	assert_line --index 2 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  e"
	assert_equal "${#lines[@]}" 3
	# the same layout as sha256sum's
	assert_equal "$(sed 's/^[0-9a-f]\{64\}//' <<< "$output")" \
		"$(sha256sum a 'b c' e | sed 's/^[0-9a-f]\{64\}//')"
}

@test "stdin, with no file and as -" {
	printf 'abc' > a
	want=$(leaf_hex a)
	run -0 merkle < a
	assert_output "$want  -"
	run -0 merkle - < a
	assert_output "$want  -"
	run -0 merkle a - a < a
	assert_output "$want  a
$want  -
$want  a"
}

@test "a file (mmap) and a pipe give the same root at 0, 1, 65535, 65536, 65537 bytes" {
	for n in 0 1 65535 65536 65537 131072 200000; do
		prng "$n" > "f$n"
		from_file=$(root "f$n")
		from_pipe=$(cat "f$n" | root)
		assert_equal "$from_pipe" "$from_file"
		assert_equal "$from_file" "$(split -b 65536 -d -a 3 "f$n" "p$n." && mth_of_pieces "p$n.")"
	done
}

@test "a 70 MiB file: file and pipe, -j 1 and -j 2, all the same root" {
	b=$(big)
	want=$(root "$b")
	assert_equal "$(root -j 1 "$b")" "$want"
	assert_equal "$(root -j 2 "$b")" "$want"
	assert_equal "$(cat "$b" | root -j 1)" "$want"
	assert_equal "$(cat "$b" | root -j 2)" "$want"
	assert_equal "$(cat "$b" | root)" "$want"
	run -0 merkle --json "$b"
	assert_output --partial '"size":1120'
}

@test "a 70 MiB file: the leaves on both sides of the 64 MiB pipe buffer are the right ones" {
	b=$(big)
	run -0 merkle --leaves "$b"
	assert_equal "${#lines[@]}" 1120
	for k in 0 1023 1024 1119; do
		dd if="$b" of=piece bs=64K skip="$k" count=1 status=none
		assert_line --index "$k" "$(leaf_hex piece)"
	done
}

@test "a 70 MiB file in leaves of 1000 bytes: more leaves than one round takes; file and pipe agree" {
	b=$(big)
	merkle --leaves -s 1000 "$b" > from_file
	cat "$b" | merkle --leaves -s 1000 > from_pipe
	assert_files_equal from_file from_pipe
	run -0 wc -l < from_file
	assert_output 73401
	for k in 65535 65536 67108 73400; do
		dd if="$b" of=piece bs=1000 skip="$k" count=1 status=none
		assert_equal "$(sed -n "$((k + 1))p" from_file)" "$(leaf_hex piece)"
	done
	assert_equal "$(cat "$b" | root -s 1000 -j 1)" "$(root -s 1000 -j 2 "$b")"
}

@test "-s line on 70 MiB of text: file and pipe agree; one 70 MiB line is one leaf" {
	b=$(big)
	head -c 52M "$b" | base64 -w 997 > text
	assert_equal "$(cat text | root -s line)" "$(root -s line text)"
	head -c 52M "$b" | base64 -w 0 > oneline
	want=$({ printf '\0'; cat oneline; } | sha256_hex)
	assert_equal "$(cat oneline | root -s line)" "$want"
	assert_equal "$(root -s line oneline)" "$want"
}

@test "3 leaves and 5 leaves: the root equals one built by hand with openssl" {
	printf 'abc' > three
	printf 'hello' > five
	# leaf hashes of the single bytes
	for name in three five; do
		len=$(file_size "$name")
		for ((k = 0; k < len; k++)); do
			{ printf '\0'; dd if="$name" bs=1 skip="$k" count=1 status=none; } |
				openssl dgst -sha256 -binary > "$name.l$k"
		done
	done
	node() { { printf '\1'; cat "$1" "$2"; } | openssl dgst -sha256 -binary > "$3"; }
	# 3 leaves: split at 2: ((l0 l1) l2)
	node three.l0 three.l1 three.n01
	node three.n01 three.l2 three.root
	run -0 merkle -s 1 three
	assert_output "$(hexof < three.root)  three"
	# 5 leaves: split at 4: (((l0 l1) (l2 l3)) l4)
	node five.l0 five.l1 five.n01
	node five.l2 five.l3 five.n23
	node five.n01 five.n23 five.n03
	node five.n03 five.l4 five.root
	run -0 merkle -s 1 five
	assert_output "$(hexof < five.root)  five"
}

@test "-s 1, 1000, 64K, 1M: the roots of split(1) pieces, from a file and a pipe" {
	printf 'abcdefg' > tiny
	split -b 1 -d -a 3 tiny t.
	assert_equal "$(root -s 1 tiny)" "$(mth_of_pieces t.)"
	prng 2500 > mid
	split -b 1000 -d -a 3 mid m.
	assert_equal "$(root -s 1000 mid)" "$(mth_of_pieces m.)"
	assert_equal "$(cat mid | root -s 1000)" "$(mth_of_pieces m.)"
	prng 300000 > k64
	split -b 65536 -d -a 3 k64 k.
	assert_equal "$(root -s 64K k64)" "$(mth_of_pieces k.)"
	assert_equal "$(root k64)" "$(mth_of_pieces k.)"
	prng $((5 * 1024 * 1024 / 2)) > m1
	split -b 1M -d -a 3 m1 M.
	assert_equal "$(root -s 1M m1)" "$(mth_of_pieces M.)"
	assert_equal "$(cat m1 | root -s 1M)" "$(mth_of_pieces M.)"
	assert_equal "$(root -s 1048576 m1)" "$(mth_of_pieces M.)"
}

@test "-s 16M is the largest leaf" {
	prng $((17 << 20)) > f
	split -b 16M -d -a 3 f p.
	assert_equal "$(root -s 16M f)" "$(mth_of_pieces p.)"
	assert_equal "$(cat f | root -s 16M)" "$(mth_of_pieces p.)"
}

@test "-s line: a leaf a line with its newline; empty lines count; the last line may lack one" {
	printf 'first\n\nthird\n\n\nlast without newline' > log
	split -l 1 -d -a 3 log l.
	run -0 ls l.*
	assert_equal "${#lines[@]}" 6
	assert_equal "$(root -s line log)" "$(mth_of_pieces l.)"
	assert_equal "$(cat log | root -s line)" "$(mth_of_pieces l.)"
	printf '\n\n' > blank
	assert_equal "$(root -s line blank)" "$(node_hex "$(printf '\0\n' | sha256_hex)" "$(printf '\0\n' | sha256_hex)")"
	: > empty
	run -0 merkle -s line empty
	assert_output "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty"
}

@test "--leaves: one leaf hash a line" {
	printf 'abcde' > f
	run -0 merkle --leaves -s 2 f
	assert_output "$(printf '\0ab' | sha256_hex)
$(printf '\0cd' | sha256_hex)
$(printf '\0e' | sha256_hex)"
	run -0 merkle --leaves -s 2 < f
	assert_equal "${#lines[@]}" 3
	: > empty
	run -0 merkle --leaves empty
	assert_output ""
}

@test "--json roots: file, root, size in leaves, bytes" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	prng 2500 > f
	r=$(root -s 1000 f)
	run -0 merkle --json -s 1000 f - < f
	assert_equal "${#lines[@]}" 2
	run -0 jq -e -s --arg r "$r" '
		.[0] == {file: "f", root: $r, size: 3, bytes: 2500} and
		.[1] == {file: "stdin", root: $r, size: 3, bytes: 2500}' <<< "$output"
}

@test "--leaves --json: index, offset, length and hash of each leaf" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	printf 'one\n\nthree' > log
	run -0 merkle --leaves --json -s line log
	run -0 jq -e -s \
		--arg h0 "$(printf '\0one\n' | sha256_hex)" \
		--arg h1 "$(printf '\0\n' | sha256_hex)" \
		--arg h2 "$(printf '\0three' | sha256_hex)" '
		. == [{index: 0, offset: 0, length: 4, leaf_hash: $h0},
		      {index: 1, offset: 4, length: 1, leaf_hash: $h1},
		      {index: 2, offset: 5, length: 5, leaf_hash: $h2}]' <<< "$output"
}

@test "--leaves --json -t: the offsets are those of the payloads in the stream" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	printf 'abcde' | ecap-frame wrap -s 2 > s
	run -0 merkle --leaves --json -t DATA s
	run -0 jq -e -s --arg h "$(printf '\0e' | sha256_hex)" '
		[.[] | [.index, .offset, .length]] == [[0, 22, 2], [1, 32, 2], [2, 42, 1]] and
		.[2].leaf_hash == $h' <<< "$output"
	assert_equal "$(root -t DATA s)" "$(printf 'abcde' | root -s 2)"
}

@test "--leaves --json from a pipe keeps the offsets across reads" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	b=$(big)
	run -0 bash -c "cat '$b' | merkle --leaves --json -s 1000 | sed -n '67109p;73401p'"
	run -0 jq -e -s '
		.[0].index == 67108 and .[0].offset == 67108000 and .[0].length == 1000 and
		.[1].index == 73400 and .[1].offset == 73400000 and .[1].length == 320' <<< "$output"
}

# --- inclusion proofs on a real file ---

@test "proof and verify round trip for every kind of leaf of a 7-leaf file" {
	prng 6500 > f
	r=$(root -s 1000 f)
	merkle --leaves -s 1000 f > leaves
	for idx in 0 1 3 4 6; do
		merkle proof -s 1000 "$idx" f > proof
		dd if=f of=leaf bs=1000 skip="$idx" count=1 status=none
		run -0 merkle verify --root "$r" --index "$idx" --size 7 --proof proof leaf
		assert_output "inclusion verified: leaf $idx of a tree of 7"
		run -0 merkle verify --root "$r" --index "$idx" --size 7 --proof proof < leaf
		assert_output "inclusion verified: leaf $idx of a tree of 7"
		run -0 merkle verify --root "$r" --index "$idx" --size 7 --proof proof \
			--leaf-hash "$(sed -n "$((idx + 1))p" leaves)"
		assert_output "inclusion verified: leaf $idx of a tree of 7"
		run -0 merkle verify --root "$r" --index "$idx" --size 7 --leaf-hash \
			"$(sed -n "$((idx + 1))p" leaves)" --proof - < proof
		assert_output "inclusion verified: leaf $idx of a tree of 7"
	done
	merkle proof -s 1000 6 f > proof
	run -0 wc -l < proof
	assert_output 2
	assert_equal "$(cat f | merkle proof -s 1000 6)" "$(cat proof)"
}

@test "a tree of one leaf: an empty proof, and --proof may be left out" {
	printf 'only' > f
	r=$(root f)
	run -0 merkle proof 0 f
	assert_output ""
	run -0 merkle verify --root "$r" --index 0 --size 1 f
	assert_output "inclusion verified: leaf 0 of a tree of 1"
}

@test "proof --json: index, size, root, leaf hash and the proof" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	prng 6500 > f
	r=$(root -s 1000 f)
	merkle proof -s 1000 3 f > proof
	h=$(merkle --leaves -s 1000 f | sed -n 4p)
	run -0 merkle proof --json -s 1000 3 f
	run -0 jq -e --arg r "$r" --arg h "$h" --argjson p "$(jq -R . proof | jq -s .)" '
		. == {index: 3, size: 7, root: $r, leaf_hash: $h, proof: $p}' <<< "$output"
}

@test "a verified leaf fails against a changed leaf, a changed root, and another index" {
	proof_fixture
	cp leaf changed
	printf 'X' | dd of=changed bs=1 seek=500 conv=notrunc status=none
	run -1 merkle verify --root "$r" --index 3 --size 7 --proof proof changed
	assert_output "merkle: inclusion proof does not verify: leaf 3 of a tree of 7 does not lead to --root"
	other=$(root -s 999 f)
	run -1 merkle verify --root "$other" --index 3 --size 7 --proof proof leaf
	assert_output "merkle: inclusion proof does not verify: leaf 3 of a tree of 7 does not lead to --root"
	run -1 merkle verify --root "$r" --index 2 --size 7 --proof proof leaf
	assert_output "merkle: inclusion proof does not verify: leaf 2 of a tree of 7 does not lead to --root"
}

@test "a well-formed but wrong proof: exit 1" {
	proof_fixture
	sed '2s/^./0/; 2s/^0/1/' proof > wrong
	run -1 cmp -s proof wrong
	run -1 merkle verify --root "$r" --index 3 --size 7 --proof wrong leaf
	assert_output "merkle: inclusion proof does not verify: leaf 3 of a tree of 7 does not lead to --root"
	tac proof > reversed
	run -1 merkle verify --root "$r" --index 3 --size 7 --proof reversed leaf
	assert_output --partial "does not verify"
}

# --- consistency of a growing file ---

@test "a file that grew by appending: consistency verifies" {
	prng 3000 > log
	old=$(root -s 1000 log)
	prng 4200 2 >> log
	new=$(root -s 1000 log)
	merkle consistency -s 1000 3 8 log > proof
	run -0 merkle verify-consistency --old-size 3 --old-root "$old" --new-size 8 \
		--new-root "$new" proof
	assert_output "consistency verified: tree sizes 3 and 8"
	run -0 merkle verify-consistency --old-size 3 --old-root "$old" --new-size 8 \
		--new-root "$new" < proof
	assert_output "consistency verified: tree sizes 3 and 8"
}

@test "a text log that grew by whole lines: consistency verifies with -s line" {
	printf 'one\ntwo\nthree\nfour\nfive\n' > log
	old=$(root -s line log)
	printf 'six\n\neight\n' >> log
	new=$(root -s line log)
	cat log | merkle consistency -s line 5 8 > proof
	run -0 merkle verify-consistency --old-size 5 --old-root "$old" --new-size 8 \
		--new-root "$new" proof
	assert_output "consistency verified: tree sizes 5 and 8"
}

@test "consistency --json: sizes, both roots and the proof" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	prng 3000 > log
	old=$(root -s 1000 log)
	prng 4200 2 >> log
	new=$(root -s 1000 log)
	merkle consistency -s 1000 3 8 log > proof
	run -0 merkle consistency --json -s 1000 3 8 log
	run -0 jq -e --arg o "$old" --arg n "$new" --argjson p "$(jq -R . proof | jq -s .)" '
		. == {old_size: 3, new_size: 8, old_root: $o, new_root: $n, proof: $p}' <<< "$output"
}

@test "consistency of a size with itself, and from size 0: empty proofs" {
	prng 3000 > log
	r=$(root -s 1000 log)
	run -0 merkle consistency -s 1000 3 3 log
	assert_output ""
	: > none
	run -0 merkle verify-consistency --old-size 3 --old-root "$r" --new-size 3 --new-root "$r" none
	assert_output "consistency verified: tree sizes 3 and 3"
	empty=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	run -0 merkle consistency -s 1000 0 3 log
	assert_output ""
	run -0 merkle verify-consistency --old-size 0 --old-root "$empty" --new-size 3 --new-root "$r" none
	assert_output "consistency verified: tree sizes 0 and 3"
	run -1 merkle verify-consistency --old-size 0 --old-root "$r" --new-size 3 --new-root "$r" none
	assert_output "merkle: consistency proof does not verify for tree sizes 0 and 3: the old tree is not a prefix of the new one"
	run -1 merkle verify-consistency --old-size 3 --old-root "$empty" --new-size 3 --new-root "$r" none
	assert_output "merkle: consistency proof does not verify for tree sizes 3 and 3: the old tree is not a prefix of the new one"
}

@test "a file changed instead of appended to: consistency fails, exit 1" {
	prng 3000 > log
	old=$(root -s 1000 log)
	printf 'X' | dd of=log bs=1 seek=1500 conv=notrunc status=none
	prng 4200 2 >> log
	new=$(root -s 1000 log)
	merkle consistency -s 1000 3 8 log > proof
	run -1 merkle verify-consistency --old-size 3 --old-root "$old" --new-size 8 \
		--new-root "$new" proof
	assert_output "merkle: consistency proof does not verify for tree sizes 3 and 8: the old tree is not a prefix of the new one"
}

@test "an old file whose last leaf was partial is not a prefix once that leaf grows" {
	prng 2500 > log
	old=$(root -s 1000 log)
	prng 4200 2 >> log
	new=$(root -s 1000 log)
	merkle consistency -s 1000 3 7 log > proof
	run -1 merkle verify-consistency --old-size 3 --old-root "$old" --new-size 7 \
		--new-root "$new" proof
	assert_output --partial "the old tree is not a prefix of the new one"
}

# --- errors: bad hashes and proofs ---

@test "a --root that is not hex, or of the wrong length" {
	good=$(printf 'x' | sha256_hex)
	: > leaf
	for bad in "${good:0:63}g" "${good:0:62}" "${good}00" "${good:0:63}" '' " $good" \
		"0x${good:0:62}"; do
		run -2 merkle verify --root "$bad" --index 0 --size 1 leaf
		assert_output "merkle: --root: not a 64-digit hex SHA-256 hash: '$bad'"
	done
	run -2 merkle verify --root "$good" --index 0 --size 1 --leaf-hash zz
	assert_output "merkle: --leaf-hash: not a 64-digit hex SHA-256 hash: 'zz'"
	run -2 merkle verify-consistency --old-size 1 --old-root "$good" --new-size 2 \
		--new-root "${good:1}" leaf
	assert_output "merkle: --new-root: not a 64-digit hex SHA-256 hash: '${good:1}'"
	run -2 merkle verify-consistency --old-size 1 --old-root nothex --new-size 2 \
		--new-root "$good" leaf
	assert_output "merkle: --old-root: not a 64-digit hex SHA-256 hash: 'nothex'"
}

@test "upper-case hex is a hash too" {
	prng 6500 > f
	r=$(root -s 1000 f)
	merkle proof -s 1000 3 f | tr a-f A-F > proof
	dd if=f of=leaf bs=1000 skip=3 count=1 status=none
	run -0 merkle verify --root "${r^^}" --index 3 --size 7 --proof proof leaf
	assert_output "inclusion verified: leaf 3 of a tree of 7"
}

@test "a proof file with a line that is not a hash names the line" {
	proof_fixture
	for bad in hello '' "$(sed -n 2p proof | cut -c2-)" "$(sed -n 2p proof) " \
		"$(sed -n 2p proof)0" "$(sed -n 2p proof)"$'\r'; do
		{ sed -n 1p proof; printf '%s\n' "$bad"; sed -n 3p proof; } > broken
		run -2 merkle verify --root "$r" --index 3 --size 7 --proof broken leaf
		assert_output "merkle: broken: line 2: not a 64-digit hex hash"
	done
	{ cat proof; printf 'x\n'; } > fourth
	run -2 merkle verify --root "$r" --index 3 --size 7 --proof fourth leaf
	assert_output "merkle: fourth: line 4: not a 64-digit hex hash"
	run -2 merkle verify-consistency --old-size 1 --old-root "$r" --new-size 7 \
		--new-root "$r" fourth
	assert_output "merkle: fourth: line 4: not a 64-digit hex hash"
}

@test "a proof of the wrong length: exit 2, before any hashing" {
	proof_fixture
	head -n 2 proof > short
	run -2 merkle verify --root "$r" --index 3 --size 7 --proof short leaf
	assert_output "merkle: short: proof has 2 hashes; leaf 3 of a tree of 7 takes 3"
	{ cat proof; sed -n 1p proof; } > long
	run -2 merkle verify --root "$r" --index 3 --size 7 --proof long leaf
	assert_output "merkle: long: proof has 4 hashes; leaf 3 of a tree of 7 takes 3"
	: > none
	run -2 merkle verify --root "$r" --index 3 --size 7 --proof none leaf
	assert_output "merkle: none: proof has 0 hashes; leaf 3 of a tree of 7 takes 3"
	run -2 merkle verify --root "$r" --index 0 --size 1 --proof short leaf
	assert_output "merkle: short: proof has 2 hashes; leaf 0 of a tree of 1 takes 0"
	run -2 merkle verify-consistency --old-size 3 --old-root "$r" --new-size 7 \
		--new-root "$r" short
	assert_output "merkle: short: proof has 2 hashes; tree sizes 3 and 7 takes 4"
}

@test "more than 128 hashes in a proof" {
	h=$(printf 'x' | sha256_hex)
	for ((k = 0; k < 129; k++)); do echo "$h"; done > many
	run -2 merkle verify --root "$h" --index 0 --size 7 --proof many --leaf-hash "$h"
	assert_output "merkle: many: line 129: more than 128 hashes"
}

@test "--index not below --size, and OLD larger than NEW" {
	h=$(printf 'x' | sha256_hex)
	: > leaf
	run -2 merkle verify --root "$h" --index 7 --size 7 leaf
	assert_output "merkle: --index 7 is not below --size 7"
	run -2 merkle verify --root "$h" --index 0 --size 0 leaf
	assert_output "merkle: --index 0 is not below --size 0"
	run -2 merkle verify-consistency --old-size 5 --old-root "$h" --new-size 3 --new-root "$h" leaf
	assert_output "merkle: --old-size 5 is larger than --new-size 3"
	prng 6500 > f
	run -2 merkle consistency -s 1000 5 3 f
	assert_output "merkle: OLD (5) is larger than NEW (3)"
}

@test "NEW beyond the file's leaves, and a proof INDEX past the last leaf" {
	prng 6500 > f
	run -2 merkle consistency -s 1000 3 8 f
	assert_output "merkle: f: has 7 leaves, fewer than NEW (8)"
	run -2 merkle consistency -s 1000 3 8 < f
	assert_output "merkle: stdin: has 7 leaves, fewer than NEW (8)"
	run -2 merkle proof -s 1000 7 f
	assert_output "merkle: f: no leaf 7: the tree has 7 leaves"
	: > empty
	run -2 merkle proof 0 empty
	assert_output "merkle: empty: no leaf 0: the tree has 0 leaves"
}

@test "missing required options" {
	h=$(printf 'x' | sha256_hex)
	: > leaf
	run -2 merkle verify --index 0 --size 1 leaf
	assert_output "merkle: --root is required"
	run -2 merkle verify --root "$h" --size 1 leaf
	assert_output "merkle: --index is required"
	run -2 merkle verify --root "$h" --index 0 leaf
	assert_output "merkle: --size is required"
	run -2 merkle verify --root "$h" --index 3 --size 7 leaf
	assert_output "merkle: --proof is required: leaf 3 of a tree of 7 has a proof of 3 hashes"
	run -2 merkle verify-consistency --old-root "$h" --new-size 2 --new-root "$h" leaf
	assert_output "merkle: --old-size is required"
	run -2 merkle verify-consistency --old-size 1 --old-root "$h" --new-root "$h" leaf
	assert_output "merkle: --new-size is required"
	run -2 merkle verify-consistency --old-size 1 --new-size 2 --new-root "$h" leaf
	assert_output "merkle: --old-root is required"
	run -2 merkle verify-consistency --old-size 1 --old-root "$h" --new-size 2 leaf
	assert_output "merkle: --new-root is required"
	run -2 merkle proof
	assert_output --partial "$usage_start"
	run -2 merkle consistency 1
	assert_output --partial "$usage_start"
}

@test "numbers that are not numbers" {
	h=$(printf 'x' | sha256_hex)
	prng 6500 > f
	run -2 merkle verify --root "$h" --index x --size 7 f
	assert_output "merkle: --index: not a number: 'x'"
	run -2 merkle verify --root "$h" --index 0 --size -1 f
	assert_output "merkle: --size: not a number: '-1'"
	run -2 merkle verify-consistency --old-size 1.5 --old-root "$h" --new-size 2 --new-root "$h" f
	assert_output "merkle: --old-size: not a number: '1.5'"
	run -2 merkle proof x f
	assert_output "merkle: INDEX: not a number: 'x'"
	run -2 merkle proof 18446744073709551616 f
	assert_output "merkle: INDEX: not a number: '18446744073709551616'"
	run -2 merkle consistency x 2 f
	assert_output "merkle: OLD: not a number: 'x'"
	run -2 merkle consistency 1 '' f
	assert_output "merkle: NEW: not a number: ''"
}

@test "-s 0, -s 17M, -s junk; -s with -t; a bad -t; a bad -j" {
	printf 'abc' > f
	for bad in 0 17M 16777217 1G junk '' 1k -1 line2; do
		run -2 merkle -s "$bad" f
		assert_output "merkle: -s: not 'line' nor a leaf size of 1 to 16777216 bytes: '$bad'"
	done
	run -2 merkle -s 1 -t DATA f
	assert_output "merkle: only one -s or -t may be given"
	run -2 merkle -t DATA -s line f
	assert_output "merkle: only one -s or -t may be given"
	run -2 merkle proof -s 1 -t DATA 0 f
	assert_output "merkle: only one -s or -t may be given"
	run -2 merkle -s 1 -s 2 f
	assert_output "merkle: only one -s or -t may be given"
	run -2 merkle -j 1 -j 2 f
	assert_output "merkle: -j given twice"
	run -2 merkle -t DAT f
	assert_output "merkle: -t: not a frame type: 'DAT'"
	for bad in 0 65 x ''; do
		run -2 merkle -j "$bad" f
		assert_output "merkle: -j: not a thread count of 1 to 64: '$bad'"
	done
}

@test "options a command does not take: the usage, exit 2" {
	h=$(printf 'x' | sha256_hex)
	printf 'abc' > f
	run -2 merkle --root "$h" f
	assert_output --partial "$usage_start"
	run -2 merkle --leaves f f
	assert_output --partial "$usage_start"
	run -2 merkle proof --leaves 0 f
	assert_output --partial "$usage_start"
	run -2 merkle verify -s 1 --root "$h" --index 0 --size 1 f
	assert_output --partial "$usage_start"
	run -2 merkle verify --json --root "$h" --index 0 --size 1 f
	assert_output --partial "$usage_start"
	run -2 merkle verify -j 2 --root "$h" --index 0 --size 1 f
	assert_output --partial "$usage_start"
	run -2 merkle verify-consistency -j 2 --old-size 1 --old-root "$h" \
		--new-size 1 --new-root "$h" f
	assert_output --partial "$usage_start"
	run -2 merkle verify --root "$h" --index 0 --size 1 --leaf-hash "$h" f
	assert_output --partial "$usage_start"
	run -2 merkle verify-consistency --root "$h" --old-size 1 --old-root "$h" \
		--new-size 1 --new-root "$h" f
	assert_output --partial "$usage_start"
	run -2 merkle --frob f
	assert_output --partial "$usage_start"
	run -2 merkle verify --root "$h" --root "$h" --index 0 --size 1 f
	assert_output "merkle: --root given twice"
}

@test "the proof and the leaf cannot both come from stdin" {
	h=$(printf 'x' | sha256_hex)
	run -2 merkle verify --root "$h" --index 0 --size 1 --proof - < /dev/null
	assert_output "merkle: the proof and the leaf cannot both come from stdin"
}

# --- errors: files ---

@test "a missing file, and a missing proof file" {
	printf 'abc' > a
	run -2 merkle nofile
	assert_output "merkle: nofile: No such file or directory"
	run -2 merkle a nofile
	assert_line --index 0 "$(leaf_hex a)  a"
	assert_line --index 1 "merkle: nofile: No such file or directory"
	run -2 merkle proof 0 nofile
	assert_output "merkle: nofile: No such file or directory"
	h=$(printf 'x' | sha256_hex)
	run -2 merkle verify --root "$h" --index 3 --size 7 --proof nofile a
	assert_output "merkle: nofile: No such file or directory"
	run -2 merkle verify --root "$h" --index 0 --size 1 nofile
	assert_output "merkle: nofile: No such file or directory"
}

@test "an unreadable file" {
	printf 'abc' > f
	chmod 000 f
	if [[ $(id -u) == 0 ]]; then
		command -v setpriv > /dev/null || skip "root, and no setpriv to drop it"
		run -2 setpriv --reuid=nobody --regid=nogroup --clear-groups "$T_ROOT/bin/merkle" f
	else
		run -2 merkle f
	fi
	assert_output "merkle: f: Permission denied"
}

@test "a read error" {
	[[ -r /proc/self/mem ]] || skip "no /proc/self/mem"
	run -2 merkle /proc/self/mem
	assert_output "merkle: /proc/self/mem: read: Input/output error"
}

@test "a directory as input, or as a proof" {
	mkdir d
	h=$(printf 'x' | sha256_hex)
	run -2 merkle d
	assert_output "merkle: d: is a directory"
	run -2 merkle --leaves d
	assert_output "merkle: d: is a directory"
	run -2 merkle proof 0 d
	assert_output "merkle: d: is a directory"
	run -2 merkle verify --root "$h" --index 3 --size 7 --proof d --leaf-hash "$h"
	assert_output "merkle: d: is a directory"
	run -2 merkle verify-consistency --old-size 1 --old-root "$h" --new-size 2 --new-root "$h" d
	assert_output "merkle: d: is a directory"
}

@test "-t over a frame stream that is not right: the frame error, exit 2" {
	printf 'hello' | ecap-frame wrap > s
	printf 'j' | dd of=s bs=1 seek=22 conv=notrunc status=none
	run -2 merkle -t DATA s
	assert_output "merkle: s: offset 27: END hash does not match the stream before it (corrupt or spliced)"
}

@test "a full disk on stdout is an error" {
	printf 'abc' > f
	run -2 bash -c 'merkle f > /dev/full'
	assert_output "merkle: stdout: No space left on device"
}

@test "--help: the usage on stdout, exit 0; --version" {
	run -0 --separate-stderr merkle --help
	assert_line --index 0 "$usage_start"
	assert_equal "$stderr" ""
	run -0 merkle --version
	assert_output "merkle $(cat "$T_ROOT/VERSION")"
}

@test "--help on a full stdout is an error" {
	run -2 bash -c "merkle --help > /dev/full"
	assert_output "merkle: stdout: No space left on device"
}

@test "trees of more than 2^63 leaves: proofs of 64 hashes are well formed" {
	h=$(printf 'x' | sha256_hex)
	for n in $(seq 64); do echo "$h"; done > p64
	{ cat p64; echo "$h"; } > p65
	run -1 merkle verify --root "$h" --index 1 --size 9223372036854775809 --proof p64 --leaf-hash "$h"
	assert_output "merkle: inclusion proof does not verify: leaf 1 of a tree of 9223372036854775809 does not lead to --root"
	run -2 merkle verify --root "$h" --index 1 --size 9223372036854775809 --proof p65 --leaf-hash "$h"
	assert_output "merkle: p65: proof has 65 hashes; leaf 1 of a tree of 9223372036854775809 takes 64"
	run -1 merkle verify --root "$h" --index 9223372036854775806 --size 18446744073709551615 \
		--proof p64 --leaf-hash "$h"
	assert_output --partial "inclusion proof does not verify"
}
