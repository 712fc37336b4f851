#!/usr/bin/env bats
# share/ecap.mk: a project's Makefile includes it and make seals NAME.wasm into
# NAME.ecap with ecap-seal, reproducibly, and checks it with ecap-inspect
# (NAME.ecap.verified); and the README's example of it runs as written.

setup() {
	load lib/common
	# Run as from make check or not, make here is a make of its own.
	unset MAKEFLAGS MAKELEVEL MFLAGS
	# No git repository around the test's directory unless a test makes one.
	export GIT_CEILING_DIRECTORIES="$BATS_TEST_TMPDIR"
	mkdir proj
	cd proj || return 1
	make -s -C "$T_ROOT" t/data/wasm/c-hello.wasm
	cp "$T_ROOT/t/data/wasm/c-hello.wasm" hello.wasm
	ecap-keygen -o team.key > /dev/null
	export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.org
	export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.org
}

# makefile LINE...: a Makefile that includes share/ecap.mk, then the LINEs.
makefile() {
	{
		echo "include $T_ROOT/share/ecap.mk"
		printf '%s\n' "$@"
	} > Makefile
}

# signer NAME: an ed25519 SSH signing key NAME for NAME@example.com, listed in allowed_signers.
signer() {
	ssh-keygen -q -t ed25519 -N '' -C "$1@example.com" -f "$1"
	echo "$1@example.com $(cat "$1.pub")" >> allowed_signers
}

# git_repo EPOCH: the current directory as a git repository with one commit made at EPOCH.
git_repo() {
	git init -q .
	git add -A
	GIT_COMMITTER_DATE="@$1 +0000" GIT_AUTHOR_DATE="@$1 +0000" git commit -qm one
}

@test "make NAME.ecap seals NAME.wasm for ECAP_KEY_FILE, reproducibly; it opens and runs" {
	makefile 'ECAP_KEY_FILE = team.key'
	run -0 make hello.ecap
	assert_output "SOURCE_DATE_EPOCH=0 ecap-seal --key-file team.key --reproducible -o hello.ecap hello.wasm"
	run -0 bash -c 'ecap-open --key-file team.key hello.ecap < /dev/null | wasm-exec'
	assert_output "hello, world"
	run -0 ecap-inspect hello.ecap
	assert_line "stanza: key $(ecap-keygen -l team.key | cut -d' ' -f2)"
	assert_line "signer: none"
	assert_line "meta: content-type=application/wasm"
	assert_line "meta: created=1970-01-01T00:00:00Z"
}

@test "a second make does nothing; a changed module is sealed again" {
	makefile 'ECAP_KEY_FILE = team.key' 'all: hello.ecap'
	touch -d @1000000000 hello.wasm
	run -0 make
	assert_output --partial "ecap-seal"
	sealed=$(stat -c %y hello.ecap)
	run -0 make
	assert_output "make: Nothing to be done for 'all'."
	run -0 make hello.ecap
	assert_output "make: 'hello.ecap' is up to date."
	run -0 make -q hello.ecap
	assert_equal "$(stat -c %y hello.ecap)" "$sealed"
	touch hello.wasm
	run -0 make
	assert_output --partial "ecap-seal"
}

@test "ECAP_SIGN signs the capsule: ecap-inspect --verify --allowed-signers names the signer" {
	signer alice
	makefile 'ECAP_KEY_FILE = team.key' 'ECAP_SIGN = alice'
	run -0 make hello.ecap
	assert_output --partial " --sign alice "
	run -0 ecap-inspect --verify --allowed-signers allowed_signers hello.ecap
	assert_line "principal: alice@example.com"
	assert_line "verified: page table, Merkle root, signature, every page, END"
	run -0 ecap-open --key-file team.key --allowed-signers allowed_signers --raw hello.ecap
	cmp <(ecap-open --key-file team.key --raw hello.ecap) hello.wasm
}

@test "ECAP_META and ECAP_CAPABILITIES are the capsule's metadata, quoted for the shell" {
	makefile 'ECAP_KEY_FILE = team.key' \
		"ECAP_META = id=org.example.hello version=1.0 note=it's&\$\$HOME;" \
		'ECAP_CAPABILITIES = clock dir:ro'
	run -0 make hello.ecap
	run -0 ecap-inspect hello.ecap
	assert_line "meta: id=org.example.hello"
	assert_line "meta: version=1.0"
	assert_line "meta: note=it's&\$HOME;"
	assert_line "meta: capability=clock"
	assert_line "meta: capability=dir:ro"
}

@test "a capsule's own variables (target-specific) apply to it alone" {
	cp hello.wasm world.wasm
	makefile 'ECAP_KEY_FILE = team.key' 'ECAP_CAPABILITIES = clock' \
		'world.ecap: ECAP_CAPABILITIES = random' 'world.ecap: ECAP_META = id=org.example.world'
	run -0 make hello.ecap world.ecap
	run -0 ecap-inspect hello.ecap
	assert_line "meta: capability=clock"
	refute_line --partial "meta: id="
	run -0 ecap-inspect world.ecap
	assert_line "meta: capability=random"
	refute_line "meta: capability=clock"
	assert_line "meta: id=org.example.world"
}

@test "ECAP_RECIPIENTS seals for X25519 recipients, one stanza each, with or without a master key" {
	r1=$(ecap-keygen -t x25519 -o dev1.id)
	r2=$(ecap-keygen -t x25519 -o dev2.id)
	makefile "ECAP_RECIPIENTS = $r1 $r2"
	run -0 make hello.ecap
	run -0 ecap-inspect hello.ecap
	assert_line "stanza: x25519 $(ecap-keygen -l dev1.id | cut -d' ' -f2)"
	assert_line "stanza: x25519 $(ecap-keygen -l dev2.id | cut -d' ' -f2)"
	refute_line --partial "stanza: key"
	run -0 bash -c 'ecap-open -i dev2.id hello.ecap < /dev/null | wasm-exec'
	assert_output "hello, world"
	run -0 make -B hello.ecap ECAP_KEY_FILE=team.key
	run -0 ecap-inspect hello.ecap
	assert_line "stanza: key $(ecap-keygen -l team.key | cut -d' ' -f2)"
	run -0 ecap-open -i dev1.id --raw hello.ecap
}

@test "without ECAP_KEY_FILE or ECAP_RECIPIENTS make stops with the reason, and writes nothing" {
	makefile 'other: ; @echo other made'
	run -0 make other
	assert_output "other made"
	run -2 make hello.ecap
	assert_output "$T_ROOT/share/ecap.mk:$(grep -n '^	$(ecap_need_key)' "$T_ROOT/share/ecap.mk" | cut -d: -f1): *** hello.ecap: no key: set ECAP_KEY_FILE (a master key file) or ECAP_RECIPIENTS (X25519 recipients, ecap-x25519:...).  Stop."
	assert_file_not_exists hello.ecap
	run -2 make hello.ecap ECAP_KEY_FILE=' '
	assert_output --partial "no key"
	assert_file_not_exists hello.ecap
}

@test "in a git repository the capsule is created at the last commit, and rebuilt byte for byte" {
	signer alice
	makefile 'ECAP_KEY_FILE = team.key' 'ECAP_SIGN = alice' 'ECAP_META = id=org.example.hello'
	git_repo 1700000000
	run -0 make hello.ecap
	assert_output --partial "SOURCE_DATE_EPOCH=1700000000 ecap-seal"
	run -0 ecap-inspect hello.ecap
	assert_line "meta: created=2023-11-14T22:13:20Z"
	mv hello.ecap first.ecap
	run -0 make hello.ecap
	cmp first.ecap hello.ecap
	# A later commit is a later time; SOURCE_DATE_EPOCH given wins over git.
	GIT_COMMITTER_DATE="@1800000000 +0000" git commit -q --allow-empty -m two
	run -0 make -B hello.ecap
	run -0 ecap-inspect hello.ecap
	assert_line "meta: created=2027-01-15T08:00:00Z"
	SOURCE_DATE_EPOCH=1600000000 run -0 make -B hello.ecap
	run -0 ecap-inspect hello.ecap
	assert_line "meta: created=2020-09-13T12:26:40Z"
	run -0 make -B hello.ecap SOURCE_DATE_EPOCH=1500000000
	run -0 ecap-inspect hello.ecap
	assert_line "meta: created=2017-07-14T02:40:00Z"
}

@test "outside a git repository, or before its first commit, SOURCE_DATE_EPOCH is 0" {
	makefile 'ECAP_KEY_FILE = team.key'
	run -0 make hello.ecap
	assert_output --partial "SOURCE_DATE_EPOCH=0 "
	git init -q .
	run -0 make -B hello.ecap
	assert_output --partial "SOURCE_DATE_EPOCH=0 "
	run -0 make -B hello.ecap ECAP_GIT=false
	assert_output --partial "SOURCE_DATE_EPOCH=0 "
}

@test "ECAP_REPRODUCIBLE=0 draws salt and keys at random: two capsules differ" {
	makefile 'ECAP_KEY_FILE = team.key'
	run -0 make hello.ecap ECAP_REPRODUCIBLE=0
	refute_output --partial -- "--reproducible"
	mv hello.ecap first.ecap
	run -0 make hello.ecap ECAP_REPRODUCIBLE=0
	run -1 cmp -s first.ecap hello.ecap
}

@test "ECAP_SEAL_FLAGS adds options; ECAP_SEAL and ECAP_INSPECT name the programs" {
	printf '#!/bin/sh\necho "$(basename "$0") $*" >> "%s/calls"\nexec "%s/bin/%s" "$@"\n' \
		"$PWD" "$T_ROOT" ecap-seal > seal.sh
	printf '#!/bin/sh\necho "$(basename "$0") $*" >> "%s/calls"\nexec "%s/bin/%s" "$@"\n' \
		"$PWD" "$T_ROOT" ecap-inspect > inspect.sh
	chmod +x seal.sh inspect.sh
	makefile 'ECAP_KEY_FILE = team.key' 'ECAP_SEAL_FLAGS = --compress --aead chacha20-poly1305' \
		"ECAP_SEAL = $PWD/seal.sh" "ECAP_INSPECT = $PWD/inspect.sh"
	run -0 make hello.ecap.verified
	run -0 cat calls
	assert_output "seal.sh --key-file team.key --reproducible --compress --aead chacha20-poly1305 -o hello.ecap hello.wasm
inspect.sh --verify hello.ecap"
	run -0 ecap-inspect hello.ecap
	assert_line "aead: chacha20-poly1305"
	assert_line --partial "meta: uncompressed-size="
}

@test "a seal that fails leaves the capsule as it was and no temporary file" {
	make -s -C "$T_ROOT" t/data/wasm/invalid.wasm
	makefile 'ECAP_KEY_FILE = team.key'
	run -0 make hello.ecap
	cp hello.ecap before.ecap
	cp "$T_ROOT/t/data/wasm/invalid.wasm" hello.wasm
	run -2 make hello.ecap
	assert_output --partial "not a valid WebAssembly module"
	cmp before.ecap hello.ecap
	run -0 ls
	assert_output "Makefile
before.ecap
hello.ecap
hello.wasm
team.key"
}

@test "make NAME.ecap.verified: ecap-inspect --verify, with ECAP_ALLOWED_SIGNERS the signer too" {
	signer alice
	makefile 'ECAP_KEY_FILE = team.key' 'ECAP_SIGN = alice' 'ECAP_ALLOWED_SIGNERS = allowed_signers'
	run -0 make hello.ecap.verified
	assert_line --partial "ecap-inspect --verify --allowed-signers allowed_signers hello.ecap > "
	# The capsule that make built on the way stays.
	assert_file_exists hello.ecap
	run -0 cat hello.ecap.verified
	assert_line "principal: alice@example.com"
	assert_line "verified: page table, Merkle root, signature, every page, END"
	run -0 make hello.ecap.verified
	assert_output "make: 'hello.ecap.verified' is up to date."
	# Unsigned: refused, and the report of the capsule before is gone.
	run -2 make -B hello.ecap.verified ECAP_SIGN=
	assert_line "ecap-inspect: hello.ecap: the capsule is not signed, and allowed signers are required"
	assert_file_not_exists hello.ecap.verified
	assert_file_not_exists hello.ecap.verified.tmp
	# Without ECAP_ALLOWED_SIGNERS, only the capsule's integrity.
	run -0 make hello.ecap.verified ECAP_SIGN= ECAP_ALLOWED_SIGNERS=
	run -0 tail -1 hello.ecap.verified
	assert_output "verified: page table, Merkle root, no signature, every page, END"
}

@test "README: the example of packaging with make runs as written" {
	ssh-keygen -q -t ed25519 -N '' -C alice@example.com -f alice
	echo "alice@example.com $(cat alice.pub)" > allowed_signers
	ecap-keygen -t x25519 -o device.id > /dev/null
	git_repo 1700000000
	readme_block "Packaging with make:" > make.sh
	run -0 grep -c 'make hello.ecap' make.sh
	# Installed, ecap.mk lives in /usr/local; here it is the source tree's.
	sed -i "s|/usr/local/share/ecap/ecap.mk|$T_ROOT/share/ecap.mk|" make.sh
	run -0 bash -e make.sh
	assert_line --partial "SOURCE_DATE_EPOCH=1700000000 ecap-seal --key-file team.key -r ecap-x25519:"
	run -0 bash -c 'ecap-open -i device.id --allowed-signers allowed_signers hello.ecap < /dev/null | wasm-exec'
	assert_output "hello, world"
	run -0 ecap-inspect hello.ecap
	assert_line "meta: created=2023-11-14T22:13:20Z"
	assert_line "meta: id=org.example.hello"
	assert_line "meta: capability=clock"
	run -0 cat hello.ecap.verified
	assert_line "principal: alice@example.com"
	assert_line "verified: page table, Merkle root, signature, every page, END"
	cp hello.ecap first.ecap
	rm hello.ecap hello.ecap.verified
	run -0 bash -e make.sh
	cmp first.ecap hello.ecap
	run -0 make hello.ecap
	assert_output "make: 'hello.ecap' is up to date."
}
