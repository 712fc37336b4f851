#!/usr/bin/env bats
# The configuration file, in git-config syntax (lib/config.h): the master key,
# the allowed signers and the audit log; after the command line and the
# environment, which win; ECAP_CONFIG names another file; a malformed file
# stops every program that reads it.

setup() {
	load lib/common
	CONF="$XDG_CONFIG_HOME/ecap/config"
	mkdir -p "$(dirname "$CONF")"
	ecap-keygen -o team.key > team.id
	printf 'secret payload\n' > p
}

@test "key.file: the master key when no flag or variable names one; ~/ is the home" {
	cp team.key "$HOME/team.key"
	git config -f "$CONF" key.file '~/team.key'
	ecap-seal -o c p
	run -0 ecap-open --raw c
	assert_output "secret payload"
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat team.id)"
	# The environment and the command line come first.
	ecap-keygen -o other.key > other.id
	ECAP_KEY_FILE=other.key ecap-seal -o c2 p
	run -0 ecap-inspect c2
	assert_line "stanza: key $(cat other.id)"
	ecap-seal --key-file other.key -o c3 p
	run -3 ecap-open --raw c3
}

@test "key.file and key.keyring together, a missing key file, no key at all: refused" {
	git config -f "$CONF" key.file "$PWD/team.key"
	git config -f "$CONF" key.keyring ecap-test
	exits_with 2 "ecap-seal: config $CONF: key.file and key.keyring are both set" ecap-seal -o c p
	assert_file_not_exists c
	git config -f "$CONF" --unset key.keyring
	git config -f "$CONF" key.file "$PWD/missing.key"
	run --separate-stderr -2 ecap-seal -o c p
	[[ $stderr == "ecap-seal: $PWD/missing.key: "* ]]
	rm "$CONF"
	exits_with 2 "ecap-seal: no key: give --key-file, --keyring or -r, or set ECAP_KEY, ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file" \
		ecap-seal -o c p
}

@test "signers.allowedSignersFile: ecap-open requires a signer it lists" {
	ssh-keygen -q -t ed25519 -N '' -C alice@example.org -f alice
	echo "alice@example.org $(cat alice.pub)" > allowed
	git config -f "$CONF" signers.allowedSignersFile "$PWD/allowed"
	ecap-seal --key-file team.key -o unsigned p
	ecap-seal --key-file team.key --sign alice -o signed p
	run -4 ecap-open --key-file team.key --raw unsigned
	run -0 ecap-open --key-file team.key --raw signed
	assert_output "secret payload"
	run -0 ecap-inspect --verify signed
	assert_line "principal: alice@example.org"
}

@test "audit.enabled and audit.db: ecap-open and wasm-exec record their steps" {
	git config -f "$CONF" audit.enabled true
	git config -f "$CONF" audit.db "$PWD/log.db"
	ecap-seal --key-file team.key -o m.ecap "$DATA/wasm/c-hello.wasm"
	ecap-open --key-file team.key m.ecap < /dev/null | wasm-exec > out
	assert_equal "$(cat out)" "hello, world"
	run -0 jq -sr 'map(.type) | join(" ")' < <(audit-verify --db log.db --export jsonl)
	assert_output "CapsuleLoad PageDecrypt ExecutionStart ExecutionComplete"
	# audit-verify and audit-append find the database there too.
	run -0 audit-verify
	assert_output "$PWD/log.db: OK, 4 events, root $(audit-verify --db log.db | sed 's/.* root //')"
	git config -f "$CONF" audit.enabled false
	ecap-open --key-file team.key m.ecap < /dev/null | wasm-exec > /dev/null
	run -0 audit-verify
	assert_output --partial "OK, 4 events"
}

@test "ECAP_CONFIG names the file; a malformed one stops the program, naming it" {
	git config -f other.conf key.file "$PWD/team.key"
	ECAP_CONFIG=$PWD/other.conf ecap-seal -o c p
	ECAP_CONFIG=$PWD/other.conf run -0 ecap-open --raw c
	assert_output "secret payload"
	printf '[key\nfile = x\n' > "$CONF"
	run --separate-stderr -2 ecap-seal -o c2 p
	[[ $stderr == "ecap-seal: config $CONF: "* ]] || fail "stderr: $stderr"
	assert_file_not_exists c2
	printf '[audit]\n\tenabled = maybe\n' > "$CONF"
	run --separate-stderr -2 wasm-exec "$DATA/wasm/c-hello.wasm"
	[[ $stderr == "wasm-exec: config $CONF: audit.enabled: "* ]] || fail "stderr: $stderr"
	assert_output ""
}
