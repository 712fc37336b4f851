#!/usr/bin/env bats
# ecap-seal --compress: Zstandard before the pages, ecap(5) compression 1.
# Round trips for every key mode, AEAD and page size, compressible and not,
# empty and one byte, from files and pipes; the size and ratio ecap-inspect
# shows; a compressed module run by wasm-exec; reproducible capsules; the
# tamper sweep; and the uncompressed-size line ecap-seal alone may write.

setup() {
	load lib/common
	ecap-keygen -o k > /dev/null
	ecap-keygen -t x25519 -o id1 > id1.rcpt
}

@test "round trips: key modes, AEADs, page sizes; compressible, random, empty, one byte" {
	seq 200000 > text
	prng 300000 7 > random
	printf 'x' > one
	: > empty
	for f in text random one empty; do
		for aead in aes-256-gcm chacha20-poly1305; do
			for ps in 64 4K 64K; do
				ecap-seal --key-file k -r "$(cat id1.rcpt)" --aead "$aead" --page-size "$ps" \
					--compress -o c "$f"
				ecap-open --key-file k --raw c | cmp - "$f"
				ecap-open -i id1 --raw c | cmp - "$f"
				# From a pipe, and the exec/1 stream's BODY frames.
				ecap-seal --key-file k --aead "$aead" --page-size "$ps" --compress < "$f" > p
				ecap-open --key-file k < p | ecap-frame dump -t BODY | cmp - "$f"
			done
		done
	done
}

@test "ecap-inspect shows the compression, its size before and the ratio" {
	seq 200000 > text
	ecap-seal --key-file k --compress -o c text
	n=$(file_size text)
	run -0 ecap-inspect c
	payload=$(sed -n 's/^payload: \([0-9]*\) bytes$/\1/p' <<< "$output")
	(( payload < n / 3 ))
	assert_line "compression: zstd, $n bytes before, ratio $(awk -v a="$n" -v b="$payload" 'BEGIN { printf "%.2f", a / b }')"
	assert_line "meta: uncompressed-size=$n"
	run -0 jq -c '[.compression, .uncompressed_bytes, .payload_bytes == '"$payload"']' < <(ecap-inspect --json c)
	assert_output "[\"zstd\",$n,true]"
	ecap-seal --key-file k -o plain text
	run -0 ecap-inspect plain
	assert_line "compression: none"
	run -0 ecap-inspect --verify c
	assert_line --partial "verified:"
}

@test "a compressed module runs under wasm-exec, its metadata recorded from the module itself" {
	ecap-seal --key-file k --compress -o m.ecap "$DATA/wasm/real-cmark.wasm"
	run -0 ecap-inspect m.ecap
	assert_line "meta: content-type=application/wasm"
	assert_line "meta: wasm-export=func _start"
	printf '# compressed\n' | ecap-open --key-file k m.ecap | wasm-exec > out
	assert_equal "$(cat out)" "<h1>compressed</h1>"
}

@test "--reproducible --compress: the same bytes twice; --meta uncompressed-size is refused" {
	seq 5000 > text
	SOURCE_DATE_EPOCH=0 ecap-seal --key-file k --reproducible --compress -o a text
	SOURCE_DATE_EPOCH=0 ecap-seal --key-file k --reproducible --compress -o b text
	cmp a b
	exits_with 2 "ecap-seal: --meta: uncompressed-size is written by --compress" \
		ecap-seal --key-file k --meta uncompressed-size=1 -o c text
	assert_file_not_exists c
}

@test "sweep: every byte of a small compressed capsule flipped is refused, and nothing written" {
	seq 300 > text
	ecap-seal --key-file k --page-size 64 --compress -o c text
	size=$(file_size c)
	for ((off = 0; off < size; off++)); do
		cp c x
		flip_byte x "$off"
		if ecap-open --key-file k -o out x 2> /dev/null; then
			fail "offset $off: a changed capsule opened"
		fi
		[[ ! -e out ]] || fail "offset $off: output written"
	done
}
