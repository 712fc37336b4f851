#!/usr/bin/env bats
# wasm-exec --trust REPO: a module runs only when its module hash is approved
# as a wasm entry, a capsule only when the capsule hash ecap-open passes on is
# approved as a capsule entry, both on a refs/ecap/trust that verifies;
# anything else exits 126 before the guest starts, with a TrustViolation
# event when auditing is on.

setup() {
	load lib/common
	W="$T_ROOT/t/data/wasm"
	ssh-keygen -q -t ed25519 -N '' -C alice -f alice
	echo "alice@example.com $(cat alice.pub)" > signers
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
	git init -q repo
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/signers"
	git -C repo config user.signingkey "$BATS_TEST_TMPDIR/alice"
	cp "$W/c-hello.wasm" "$W/c-args.wasm" repo/
}

@test "an approved module runs; an unapproved one exits 126 naming its hash, and nothing runs" {
	trust-approve -C repo --yes c-hello.wasm > /dev/null
	run -0 wasm-exec --trust repo repo/c-hello.wasm
	assert_output --partial 'hello'
	hash=$(sha256sum < "$W/c-args.wasm" | cut -d' ' -f1)
	run -126 wasm-exec --trust repo --report r.json repo/c-args.wasm
	assert_output --regexp "^wasm-exec: --trust repo: module sha256:$hash is not approved by refs/ecap/trust [0-9a-f]{40}$"
	assert_file_not_exists r.json
	# The module is named by its hash, not its path: a copy elsewhere runs too.
	run -0 wasm-exec --trust repo "$W/c-hello.wasm"
}

@test "a capsule runs when its capsule hash is approved, not when only another capsule's is" {
	ecap-seal --key-file team.key -o repo/hello.ecap "$W/c-hello.wasm"
	ecap-seal --key-file team.key -o other.ecap "$W/c-hello.wasm"
	run -0 trust-hash repo/hello.ecap
	assert_line --partial '	capsule	sha256:'
	trust-approve -C repo --yes hello.ecap > /dev/null
	run -0 bash -c 'ecap-open --key-file team.key repo/hello.ecap < /dev/null | wasm-exec --trust repo'
	assert_output --partial 'hello'
	# The same module in another capsule: its capsule hash is not approved.
	run -126 bash -c 'ecap-open --key-file team.key other.ecap < /dev/null | wasm-exec --trust repo'
	assert_output --regexp '^wasm-exec: --trust repo: capsule sha256:[0-9a-f]{64} is not approved'
	[ "$(ecap-inspect --json other.ecap | jq -r .capsule_hash)" = "$(echo "$output" | sed 's/.*capsule sha256:\([0-9a-f]*\).*/\1/')" ]
}

@test "no approval, or one that does not verify: nothing runs" {
	run -126 wasm-exec --trust repo repo/c-hello.wasm
	assert_output --partial 'no approval: refs/ecap/trust does not exist'
	trust-approve -C repo --yes c-hello.wasm > /dev/null
	tip=$(git -C repo rev-parse refs/ecap/trust)
	git -C repo update-ref refs/ecap/trust "$(git -C repo cat-file commit "$tip" |
		sed '/^gpgsig /,/-----END SSH SIGNATURE-----/d' | git -C repo hash-object -t commit -w --stdin)"
	run -126 wasm-exec --trust repo repo/c-hello.wasm
	assert_output --partial 'is not signed'
	run -2 wasm-exec --trust /nonexistent repo/c-hello.wasm
	assert_output --partial 'not in a git repository'
}

@test "with auditing on, a refused module is a TrustViolation event and no ExecutionStart" {
	trust-approve -C repo --yes c-hello.wasm > /dev/null
	run -126 wasm-exec --trust repo --audit-db audit.db repo/c-args.wasm
	run -0 audit-verify --db audit.db --export jsonl
	assert_equal "$(jq -r .type <<< "$output")" TrustViolation
	[ "$(jq -r .module_hash <<< "$output")" = "$(sha256sum < "$W/c-args.wasm" | cut -d' ' -f1)" ]
	run -0 wasm-exec --trust repo --audit-db audit.db repo/c-hello.wasm
	run -0 audit-verify --db audit.db --export jsonl
	assert_equal "$(jq -r .type <<< "$output" | tr '\n' ,)" TrustViolation,ExecutionStart,ExecutionComplete,
}

@test "enforcement disabled by a signed approval: modules run, with a warning" {
	trust-approve -C repo --yes c-hello.wasm > /dev/null
	trust-approve -C repo --yes --disable > /dev/null
	run -0 wasm-exec --trust repo repo/c-args.wasm
	assert_output --partial 'enforcement is disabled by the approval'
}
