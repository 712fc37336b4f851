#!/usr/bin/env bats
# make install: programs, manual pages and share/ land under DESTDIR/PREFIX.

setup() {
	load lib/common
}

@test "make install DESTDIR=… PREFIX=/usr installs programs, pages and share/" {
	run -0 make -s -C "$T_ROOT" install DESTDIR="$BATS_TEST_TMPDIR/pkg" PREFIX=/usr
	for src in "$T_ROOT"/bin/*.c; do
		p=$(basename "$src" .c)
		assert_file_executable "pkg/usr/bin/$p"
		assert_file_exists "pkg/usr/share/man/man1/$p.1"
	done
	assert_file_exists pkg/usr/share/man/man5/ecap-frame.5
	assert_file_exists pkg/usr/share/man/man7/ecap.7
	for page in "$T_ROOT"/man/*.[1-9]; do
		assert_file_exists "pkg/usr/share/man/man${page##*.}/${page##*/}"
	done
	assert_file_exists pkg/usr/share/ecap/magic
	cmp "$T_ROOT/share/ecap.mk" pkg/usr/share/ecap/ecap.mk
	run -0 stat -c %a pkg/usr/share/ecap/ecap.mk
	assert_output 644
	run -0 pkg/usr/bin/merkle --version
	assert_output "merkle $(cat "$T_ROOT/VERSION")"
}

@test "make uninstall removes what make install put there" {
	make -s -C "$T_ROOT" install DESTDIR="$BATS_TEST_TMPDIR/pkg" PREFIX=/usr
	run -0 make -s -C "$T_ROOT" uninstall DESTDIR="$BATS_TEST_TMPDIR/pkg" PREFIX=/usr
	run -0 find pkg -type f
	assert_output ""
}

@test "the installed magic(5) entry lets file(1) name a frame stream" {
	printf 'hello' | ecap-frame wrap > stream
	run -0 file -b -m "$T_ROOT/share/magic" stream
	assert_output "ecap frame stream, format data/1"
	run -0 file -b --mime-type -m "$T_ROOT/share/magic" stream
	assert_output "application/x-ecap-frame"
	printf 'ECAX\0\0\0\6data/1' > other
	run -0 file -b -m "$T_ROOT/share/magic" other
	refute_output --partial "ecap"
}
