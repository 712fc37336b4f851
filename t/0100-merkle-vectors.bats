#!/usr/bin/env bats
# RFC 6962 §2.1 against the published Certificate Transparency test vectors
# (the eight-leaf sequence): roots, inclusion proofs, consistency proofs.

setup() {
	load lib/common
	rfc6962_leaves
}

@test "roots of the test leaves for every tree size 0-8" {
	for n in 0 1 2 3 4 5 6 7 8; do
		rfc6962_stream "$n"
		run -0 merkle -t DATA "tree$n"
		assert_output "$(root_of "$n")  tree$n"
	done
}

@test "the empty tree's root is SHA-256 of nothing" {
	run -0 merkle < /dev/null
	assert_output "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -"
}

@test "leaf hashes are SHA-256(0x00 || data)" {
	rfc6962_stream 8
	run -0 merkle --leaves -t DATA tree8
	for idx in 0 1 2 3 4 5 6 7; do
		want=$({ printf '\0'; cat "leaf$idx"; } | sha256sum | cut -d' ' -f1)
		assert_line --index "$idx" "$want"
	done
}

@test "inclusion proofs equal the published audit paths" {
	while read -r index size hashes; do
		rfc6962_stream "$size"
		run -0 merkle proof -t DATA "$index" "tree$size"
		assert_output "$(printf '%s\n' $hashes)"
	done < "$DATA/rfc6962/inclusion"
}

@test "published inclusion proofs verify against the published roots" {
	while read -r index size hashes; do
		printf '%s\n' $hashes | sed '/^$/d' > proof
		run -0 merkle verify --root "$(root_of "$size")" --index "$index" \
			--size "$size" --proof proof "leaf$index"
		assert_output "inclusion verified: leaf $index of a tree of $size"
	done < "$DATA/rfc6962/inclusion"
}

@test "consistency proofs equal the published ones" {
	while read -r old new hashes; do
		rfc6962_stream "$new"
		run -0 merkle consistency -t DATA "$old" "$new" "tree$new"
		assert_output "$(printf '%s\n' $hashes)"
	done < "$DATA/rfc6962/consistency"
}

@test "published consistency proofs verify against the published roots" {
	while read -r old new hashes; do
		printf '%s\n' $hashes | sed '/^$/d' > proof
		run -0 merkle verify-consistency --old-size "$old" --old-root "$(root_of "$old")" \
			--new-size "$new" --new-root "$(root_of "$new")" proof
		assert_output "consistency verified: tree sizes $old and $new"
	done < "$DATA/rfc6962/consistency"
}

@test "every inclusion proof of every leaf in trees of 1-8 verifies, and fails for another leaf" {
	for size in 1 2 3 4 5 6 7 8; do
		rfc6962_stream "$size"
		root=$(root_of "$size")
		# (bats' run clobbers a variable named i)
		for ((idx = 0; idx < size; idx++)); do
			merkle proof -t DATA "$idx" "tree$size" > proof
			run -0 merkle verify --root "$root" --index "$idx" --size "$size" --proof proof "leaf$idx"
			other=$(( (idx + 1) % 8 ))
			run -1 merkle verify --root "$root" --index "$idx" --size "$size" --proof proof "leaf$other"
			assert_output --partial "inclusion proof does not verify"
		done
	done
}

@test "every consistency proof between sizes 1-8 verifies, and fails against a wrong root" {
	rfc6962_stream 8
	for ((new = 1; new <= 8; new++)); do
		for ((old = 0; old <= new; old++)); do
			merkle consistency -t DATA "$old" "$new" tree8 > proof
			run -0 merkle verify-consistency --old-size "$old" --old-root "$(root_of "$old")" \
				--new-size "$new" --new-root "$(root_of "$new")" proof
			if ((old > 0)); then
				run -1 merkle verify-consistency --old-size "$old" \
					--old-root "$(root_of $((old == 1 ? 2 : 1)))" \
					--new-size "$new" --new-root "$(root_of "$new")" proof
				assert_output --partial "consistency proof does not verify"
			fi
		done
	done
}
