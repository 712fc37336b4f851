#!/usr/bin/env bats
# lib/kdf and lib/aead against published known answers (t/data/crypto/*, each
# file naming its source), every tag-mismatch path, the STREAM nonce, and a
# cross-check of our BearSSL AEADs against Nettle's.

setup() {
	load lib/common
	TC="$T_ROOT/t/helper/test-crypto"
	[[ -x $TC ]] || fail "$TC is not built (make check builds it)"
}

# vectors FILE: the vector lines of t/data/crypto/FILE, "-" fields made empty later.
vectors() {
	grep -v '^#' "$DATA/crypto/$1"
}

# dash HEX: HEX, or the empty string for "-".
dash() {
	[[ $1 == - ]] || printf '%s' "$1"
}

# flip HEX INDEX: HEX with the lowest bit of byte INDEX (negative: from the end) flipped.
flip() {
	local hex=$1 at=$2 n=$((${#1} / 2))
	((at < 0)) && at=$((n + at))
	printf '%s%02x%s' "${hex:0:2*at}" "$((0x${hex:2*at:2} ^ 1))" "${hex:2*at+2}"
}

# refused ARGS...: test-crypto open ARGS fails with status 1, the one message, no plaintext.
refused() {
	run --separate-stderr -1 "$TC" open "$@"
	assert_output ''
	[[ $stderr == "test-crypto: open: authentication failed" ]] ||
		fail "unexpected stderr: $stderr"
}

@test "HMAC-SHA256: RFC 4231 test cases 1-4, 6, 7" {
	count=0
	while read -r tcase key data mac; do
		run -0 "$TC" hmac "$key" "$data"
		assert_output "$mac"
		count=$((count + 1))
	done < <(vectors hmac-sha256)
	[[ $count == 6 ]]
}

@test "HKDF-SHA256: RFC 5869 test cases 1-3 (OKM)" {
	count=0
	while read -r tcase ikm salt info len prk okm; do
		run -0 "$TC" hkdf "$ikm" "$(dash "$salt")" "$(dash "$info")" "$len"
		assert_output "$okm"
		count=$((count + 1))
	done < <(vectors hkdf-sha256)
	[[ $count == 3 ]]
}

@test "HKDF-SHA256: the PRKs of RFC 5869 are HMAC-SHA256(salt, IKM); no salt is 32 zero bytes" {
	while read -r tcase ikm salt info len prk okm; do
		run -0 "$TC" hmac "$(dash "$salt")" "$ikm"
		assert_output "$prk"
	done < <(vectors hkdf-sha256)
	read -r tcase ikm salt info len prk okm < <(vectors hkdf-sha256 | awk '$1 == 3')
	run -0 "$TC" hmac "$(printf '%064d' 0)" "$ikm"
	assert_output "$prk"
}

@test "HKDF-SHA256: output lengths 0 and 255*32 work, 255*32+1 is refused" {
	run -0 "$TC" hkdf 0b0b "" "" 0
	assert_output ''
	run -0 "$TC" hkdf 0b0b "" "" 8160
	[[ ${#output} == 16320 ]]
	run -0 "$TC" hkdf 0b0b "" "" 42
	[[ ${lines[0]} == $(cut -c1-84 <<< "$("$TC" hkdf 0b0b "" "" 8160)") ]]
	run --separate-stderr -2 "$TC" hkdf 0b0b "" "" 8161
	assert_output ''
	[[ $stderr == "test-crypto: hkdf: LEN 8161 is more than 8160 bytes" ]]
}

@test "AES-256-GCM: GCM specification test cases 13-16 seal and open" {
	count=0
	while read -r tcase key iv aad pt ct tag; do
		run -0 "$TC" seal aes-256-gcm "$key" "$iv" "$(dash "$aad")" "$(dash "$pt")"
		assert_output "$(dash "$ct")$tag"
		run -0 "$TC" open aes-256-gcm "$key" "$iv" "$(dash "$aad")" "$(dash "$ct")$tag"
		assert_output "$(dash "$pt")"
		count=$((count + 1))
	done < <(vectors aes-256-gcm)
	[[ $count == 4 ]]
}

@test "ChaCha20-Poly1305: RFC 8439 §2.8.2 and Appendix A.5 seal and open" {
	count=0
	while read -r tcase key nonce aad pt ct tag; do
		run -0 "$TC" seal chacha20-poly1305 "$key" "$nonce" "$aad" "$pt"
		assert_output "$ct$tag"
		run -0 "$TC" open chacha20-poly1305 "$key" "$nonce" "$aad" "$ct$tag"
		assert_output "$pt"
		count=$((count + 1))
	done < <(vectors chacha20-poly1305)
	[[ $count == 2 ]]
}

@test "RFC 8439 §2.8.2 plaintext is the sunscreen sentence" {
	read -r tcase key nonce aad pt ct tag < <(vectors chacha20-poly1305 | awk '$1 == "2.8.2"')
	[[ $(unhex "$pt") == "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it." ]]
}

@test "a flipped bit in ciphertext, tag, AAD or nonce is refused, nothing printed" {
	for alg in aes-256-gcm chacha20-poly1305; do
		while read -r tcase key nonce aad pt ct tag; do
			aad=$(dash "$aad") ct=$(dash "$ct")
			if [[ -n $ct ]]; then
				refused "$alg" "$key" "$nonce" "$aad" "$(flip "$ct" 0)$tag"
				refused "$alg" "$key" "$nonce" "$aad" "$(flip "$ct" -1)$tag"
			fi
			refused "$alg" "$key" "$nonce" "$aad" "$ct$(flip "$tag" 0)"
			refused "$alg" "$key" "$nonce" "$aad" "$ct$(flip "$tag" -1)"
			if [[ -n $aad ]]; then
				refused "$alg" "$key" "$nonce" "$(flip "$aad" 0)" "$ct$tag"
				refused "$alg" "$key" "$nonce" "$(flip "$aad" -1)" "$ct$tag"
				refused "$alg" "$key" "$nonce" "" "$ct$tag"
			else
				refused "$alg" "$key" "$nonce" 00 "$ct$tag"
			fi
			refused "$alg" "$key" "$(flip "$nonce" 0)" "$aad" "$ct$tag"
			refused "$alg" "$key" "$(flip "$nonce" -1)" "$aad" "$ct$tag"
		done < <(vectors "$alg")
	done
}

@test "a wrong key, the other AEAD, or a truncated or extended message is refused" {
	while read -r tcase key nonce aad pt ct tag; do
		refused aes-256-gcm "$(flip "$key" 31)" "$nonce" "$aad" "$ct$tag"
		refused chacha20-poly1305 "$key" "$nonce" "$aad" "$ct$tag"
		refused aes-256-gcm "$key" "$nonce" "$aad" "${ct:2}$tag"
		refused aes-256-gcm "$key" "$nonce" "$aad" "${ct}00$tag"
		refused aes-256-gcm "$key" "$nonce" "$aad" "$ct${tag:0:30}"
	done < <(vectors aes-256-gcm | awk '$1 == 16')
	while read -r tcase key nonce aad pt ct tag; do
		refused chacha20-poly1305 "$(flip "$key" 0)" "$nonce" "$aad" "$ct$tag"
		refused aes-256-gcm "$key" "$nonce" "$aad" "$ct$tag"
		refused chacha20-poly1305 "$key" "$nonce" "$aad" "${ct:0:${#ct}-2}$tag"
	done < <(vectors chacha20-poly1305)
}

@test "an all-zero tag on an empty message is refused" {
	for alg in aes-256-gcm chacha20-poly1305; do
		refused "$alg" "$(printf '%064d' 0)" "$(printf '%024d' 0)" "" "$(printf '%032d' 0)"
	done
}

@test "bad arguments: odd or non-hex digits, wrong key or nonce length, unknown AEAD" {
	k=$(printf '%064d' 0) n=$(printf '%024d' 0)
	run --separate-stderr -2 "$TC" seal aes-256-gcm "${k:2}" "$n" "" ""
	[[ $stderr == "test-crypto: KEY: want 32 bytes in hex" ]]
	run --separate-stderr -2 "$TC" seal aes-256-gcm "$k" "${n}00" "" ""
	[[ $stderr == "test-crypto: NONCE: want 12 bytes in hex" ]]
	run --separate-stderr -2 "$TC" seal aes-256-gcm "$k" "$n" "abc" ""
	[[ $stderr == "test-crypto: AAD: odd number of hex digits" ]]
	run --separate-stderr -2 "$TC" seal aes-256-gcm "$k" "$n" "" "zz"
	[[ $stderr == "test-crypto: PLAINTEXT: not hex" ]]
	run --separate-stderr -2 "$TC" seal aes-128-gcm "$k" "$n" "" ""
	[[ $stderr == "test-crypto: unknown AEAD: aes-128-gcm" ]]
	run --separate-stderr -2 "$TC" open aes-256-gcm "$k" "$n" "" "00"
	[[ $stderr == "test-crypto: CIPHERTEXT_WITH_TAG: shorter than the 16-byte tag" ]]
	assert_output ''
}

@test "AEAD names map both ways, exactly" {
	run -0 "$TC" names
	assert_output "aes-256-gcm 1 aes-256-gcm
chacha20-poly1305 2 chacha20-poly1305
AES-256-GCM 0
aes-128-gcm 0
3 (null)"
}

@test "STREAM nonce (age payload): 11-byte big-endian counter, then the last-chunk flag" {
	run -0 "$TC" stream-nonce 0 0
	assert_output 000000000000000000000000
	run -0 "$TC" stream-nonce 0 1
	assert_output 000000000000000000000001
	run -0 "$TC" stream-nonce 1 0
	assert_output 000000000000000000000100
	run -0 "$TC" stream-nonce 258 1
	assert_output 000000000000000000010201
	run -0 "$TC" stream-nonce 72623859790382856 0
	assert_output 000000010203040506070800
	run -0 "$TC" stream-nonce 18446744073709551615 1
	assert_output 000000ffffffffffffffff01
	run -2 "$TC" stream-nonce 18446744073709551616 0
	run -2 "$TC" stream-nonce 0 2
}

@test "ours equals Nettle's gcm_aes256 and chacha_poly1305 on random messages of 0-1000 bytes and large ones" {
	run -0 "$TC" cross 2
	assert_output "cross: 4032 messages, identical to Nettle"
}

@test "the fastest implementations are chosen where the CPU has them" {
	run -0 "$TC" impl aes-256-gcm
	if grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo; then
		assert_output "aes-256-gcm aes-ni+pclmul"
	fi
	run -0 "$TC" impl chacha20-poly1305
	if [[ $(uname -m) == x86_64 ]]; then
		assert_output "chacha20-poly1305 sse2+ctmulq"
	fi
}

@test "BearSSL's portable AES/GHASH/ChaCha20/Poly1305 code also equals Nettle's" {
	run -0 "$TC" cross --portable 1
	assert_output "cross (portable code): 2016 messages, identical to Nettle"
}
