#!/usr/bin/env bats
# make demo, the README's first command after make deps: the pipeline on a
# real program runs to its end, under a minute, and leaves nothing behind;
# one byte changed in the capsule's header, in one of its pages or in the
# approved script stops it at the step that catches it, with its message.

setup() {
	load lib/common
	mkdir scratch
	export TMPDIR=$PWD/scratch
}

@test "make demo: sealed, approved, opened and run with auditing; every verification passes" {
	SECONDS=0
	run -0 make -s -C "$T_ROOT" demo
	((SECONDS < 60))
	assert_line "meta: id=org.commonmark.cmark"
	assert_line "principal: demo@example.org"
	assert_line --regexp '^G demo@example.org trust: 0 modified, 2 added, 0 removed$'
	assert_line "<h1>ecap</h1>"
	assert_line "1 CapsuleLoad"
	assert_line "5 PageDecrypt events in all"
	assert_line --regexp '^exit_status 0 fuel_used [0-9]+ transcript [0-9a-f]{64}$'
	assert_line --regexp '/audit.db: OK, 8 events, root [0-9a-f]{64}$'
	assert_line "cmark: OK"
	assert_line "render: OK"
	assert_line "verified: page table, Merkle root, signature, every page, END"
	assert_line "wasm-exec: trap: all fuel consumed (--fuel 1000000)"
	assert_line "== demo done; its scratch directory is removed"
	assert_dir_holds_nothing scratch
}

@test "make demo DEMO_TAMPER=capsule: trust-verify stops it, the capsule named, a TrustViolation logged" {
	run -2 make -s -C "$T_ROOT" demo DEMO_TAMPER=capsule
	assert_line --regexp '^trust-verify: cmark.ecap: modified since approved: expected sha256:[0-9a-f]{64}, actual sha256:[0-9a-f]{64}$'
	assert_line --regexp '^1 TrustViolation 1 of 2 entries do not match the approval [0-9a-f]{40}$'
	refute_line "<h1>ecap</h1>"
	assert_dir_holds_nothing scratch
}

@test "make demo DEMO_TAMPER=script: trust-verify stops it before the script runs" {
	run -2 make -s -C "$T_ROOT" demo DEMO_TAMPER=script
	assert_line --regexp '^trust-verify: run.sh: modified since approved: expected sha256:'
	refute_line --partial 'CapsuleLoad'
	refute_line "<h1>ecap</h1>"
	assert_dir_holds_nothing scratch
}

@test "make demo DEMO_TAMPER=page: ecap-open stops at the page; nothing runs" {
	run -2 make -s -C "$T_ROOT" demo DEMO_TAMPER=page
	assert_line "ecap-open: cmark.ecap: page 4: does not match the page table"
	refute_line --partial 'ExecutionStart'
	refute_line "<h1>ecap</h1>"
	assert_dir_holds_nothing scratch
}
