#!/usr/bin/env bats
# What every program answers: --version, --help, and usage errors.

setup() {
	load lib/common
	version=$(cat "$T_ROOT/VERSION")
	programs=()
	for src in "$T_ROOT"/bin/*.c; do
		programs+=("$(basename "$src" .c)")
	done
}

@test "every bin/NAME.c is built" {
	for p in "${programs[@]}"; do
		assert_file_executable "$T_ROOT/bin/$p"
	done
}

@test "--version prints the name and the VERSION file's version" {
	for p in "${programs[@]}"; do
		run -0 "$p" --version
		assert_output "$p $version"
	done
}

@test "--help prints the usage on stdout and exits 0" {
	for p in "${programs[@]}"; do
		run -0 --separate-stderr "$p" --help
		assert_output --partial "usage: $p"
		[ -z "$stderr" ]
	done
}

@test "an unknown option prints the usage on stderr and exits 2" {
	for p in "${programs[@]}"; do
		run -2 --separate-stderr "$p" --no-such-option
		[ -z "$output" ]
		[[ "$stderr" == *"usage: $p"* ]]
	done
}

@test "every program has a manual page" {
	for p in "${programs[@]}"; do
		assert_file_exists "$T_ROOT/man/$p.1"
	done
}
