#!/usr/bin/env bats
# make demo, the README's first command after make deps, runs to its end.

setup() {
	load lib/common
}

@test "make demo runs every step and leaves nothing behind" {
	mkdir scratch
	TMPDIR=$PWD/scratch run -0 make -s -C "$T_ROOT" demo
	assert_output --partial "inclusion verified: leaf 2 of a tree of"
	assert_output --partial "END hash does not match the stream before it"
	assert_output --partial "verified: page table, Merkle root, signature, every page, END"
	assert_output --partial "identical to the program"
	assert_output --partial "no key stanza matches: wrong key?"
	assert_output --partial "page 0: does not match the page table"
	assert_line "meta: id=org.commonmark.cmark"
	assert_line "<h1>ecap</h1>"
	assert_line "exit_status 0"
	assert_output --regexp $'\ncapsule [0-9a-f]{64}\n'
	assert_output --regexp $'\ntranscript [0-9a-f]{64}\n'
	assert_line "wasm-exec: trap: all fuel consumed (--fuel 1000000)"
	assert_line "== demo done; its scratch directory is removed"
	assert_dir_holds_nothing scratch
}
