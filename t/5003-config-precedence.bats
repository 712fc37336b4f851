#!/usr/bin/env bats
# The order of every setting, ecap-config(5): the default, then the
# configuration file, then the ECAP_* environment, then the command line,
# each level winning over the ones below it, for every program that reads
# the setting; for the trust programs' allowed signers, git's own
# gpg.ssh.allowedSignersFile between the environment and our file.  A
# configuration file that does not parse stops every program that reads it,
# with one line naming the file.

setup() {
	load lib/common
	CONF="$XDG_CONFIG_HOME/ecap/config"
	mkdir -p "$(dirname "$CONF")"
	printf 'secret payload\n' > p
	HELLO="$DATA/wasm/c-hello.wasm"
}

teardown() {
	local name
	for name in ${KEYRINGS:-}; do
		keyctl purge user "$name" > /dev/null 2>&1 || true
	done
}

# conf KEY VALUE: set KEY in the configuration file.
conf() {
	git config -f "$CONF" "$1" "$2"
}

# keys: the master keys a, b and c, their ids in a.id, b.id and c.id.
keys() {
	local k
	for k in a b c; do
		ecap-keygen -o "$k.key" > "$k.id"
	done
}

# keyring_or_skip: fresh names for two user keys in $KR1 and $KR2, or skip
# when the kernel keyring is not usable.
keyring_or_skip() {
	KR1="ecap-test-$$-$BATS_TEST_NUMBER-$RANDOM-1"
	KR2="ecap-test-$$-$BATS_TEST_NUMBER-$RANDOM-2"
	command -v keyctl > /dev/null || skip "no keyctl"
	keyctl add user "$KR1-probe" 00 @u > /dev/null 2>&1 ||
		skip "the kernel keyring is not usable here"
	keyctl purge user "$KR1-probe" > /dev/null 2>&1
	KEYRINGS="$KR1 $KR2"
}

# signers: alice's SSH key, and four allowed-signers files that each list it
# under another principal (conf@, git@, env@, flag@example.org), and one
# that lists only bob's key.
signers() {
	local w
	ssh-keygen -q -t ed25519 -N '' -C alice -f alice
	ssh-keygen -q -t ed25519 -N '' -C bob -f bob
	for w in conf git env flag; do
		echo "$w@example.org $(cat alice.pub)" > "$BATS_TEST_TMPDIR/allowed-$w"
	done
	echo "bob@example.org $(cat bob.pub)" > "$BATS_TEST_TMPDIR/allowed-bob"
}

# principal_of_open ARGS...: the principal ecap-open names in the META frame
# when it opens signed.ecap with ARGS (nothing when it names none).
principal_of_open() {
	ecap-open --key-file team.key "$@" -- signed.ecap < /dev/null > frames || return
	ecap-frame dump -t META frames | sed -n 's/^x-principal=//p'
}

# repo: a git repository "repo" (the working directory from then on) whose
# file f alice approved, without any allowed signers in its git config.
repo() {
	git init -q repo
	cd repo
	git config user.name Alice
	git config user.email alice@example.org
	echo one > f
	trust-approve --key ../alice --allowed-signers ../allowed-conf --yes f > /dev/null
}

# approvers ARGS...: the principals trust-verify ARGS finds for the approval.
approvers() {
	trust-verify --no-files --json "$@" | jq -r '.approvals[].principal'
}

# events DB: the number of events in the audit log DB, or "none" when there is none.
events() {
	if [ -e "$1" ]; then
		audit-verify --db "$1" | sed 's/.*OK, \([0-9]*\) events.*/\1/'
	else
		echo none
	fi
}

# logs: the events of the default log and of conf.db, env.db and flag.db.
logs() {
	echo "default=$(events "$XDG_STATE_HOME/ecap/audit.db") conf=$(events conf.db)" \
		"env=$(events env.db) flag=$(events flag.db)"
}

@test "ecap-seal: the master key: none < key.file < ECAP_KEY_FILE, ECAP_KEY < --key-file" {
	keys
	run -2 ecap-seal -o c p
	assert_output --partial 'ecap-seal: no key: give --key-file, --keyring or -r'
	assert_file_not_exists c
	conf key.file "$PWD/a.key"
	ecap-seal -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat a.id)"
	ECAP_KEY_FILE=b.key ecap-seal -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat b.id)"
	ECAP_KEY=$(cat b.key) ecap-seal -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat b.id)"
	ECAP_KEY_FILE=b.key ecap-seal --key-file c.key -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat c.id)"
	ECAP_KEY=$(cat b.key) ecap-seal --key-file c.key -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat c.id)"
	refute_line --partial "stanza: key $(cat a.id)"
	refute_line --partial "stanza: key $(cat b.id)"
}

@test "ecap-open: the master key: none < key.file < ECAP_KEY_FILE, ECAP_KEY < --key-file" {
	keys
	for k in a b c; do
		ecap-seal --key-file "$k.key" -o "$k.ecap" p
	done
	run -2 ecap-open --raw a.ecap
	assert_output --partial 'ecap-open: no key: give --key-file, --keyring or -i'
	conf key.file "$PWD/a.key"
	run -0 ecap-open --raw a.ecap
	assert_output 'secret payload'
	run -3 ecap-open --raw b.ecap
	ECAP_KEY_FILE=b.key run -0 ecap-open --raw b.ecap
	assert_output 'secret payload'
	ECAP_KEY_FILE=b.key run -3 ecap-open --raw a.ecap
	ECAP_KEY=$(cat b.key) run -0 ecap-open --raw b.ecap
	ECAP_KEY=$(cat b.key) run -3 ecap-open --raw a.ecap
	ECAP_KEY_FILE=b.key run -0 ecap-open --key-file c.key --raw c.ecap
	assert_output 'secret payload'
	ECAP_KEY_FILE=b.key run -3 ecap-open --key-file c.key --raw b.ecap
	ECAP_KEY=$(cat b.key) run -3 ecap-open --key-file c.key --raw b.ecap
}

@test "ecap-keygen -l: the master key: none < key.file < ECAP_KEY_FILE, ECAP_KEY < --key-file" {
	keys
	run -2 ecap-keygen -l
	assert_output 'ecap-keygen: no key: give --key-file or --keyring, or set ECAP_KEY, ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file'
	conf key.file "$PWD/a.key"
	run -0 ecap-keygen -l
	assert_output "256 $(cat a.id) $PWD/a.key (SYMMETRIC)"
	ECAP_KEY_FILE=b.key run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) b.key (SYMMETRIC)"
	ECAP_KEY=$(cat b.key) run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) ECAP_KEY (SYMMETRIC)"
	ECAP_KEY_FILE=b.key run -0 ecap-keygen -l --key-file c.key
	assert_output "256 $(cat c.id) c.key (SYMMETRIC)"
}

@test "the kernel keyring: key.keyring < ECAP_KEYRING < --keyring, and across kinds" {
	keyring_or_skip
	keys
	keyctl add user "$KR1" "$(cat a.key)" @u > /dev/null
	keyctl add user "$KR2" "$(cat b.key)" @u > /dev/null
	conf key.keyring "$KR1"
	run -0 ecap-keygen -l
	assert_output "256 $(cat a.id) keyring:$KR1 (SYMMETRIC)"
	ECAP_KEYRING=$KR2 run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) keyring:$KR2 (SYMMETRIC)"
	ECAP_KEYRING=$KR2 run -0 ecap-keygen -l --key-file c.key
	assert_output "256 $(cat c.id) c.key (SYMMETRIC)"
	ECAP_KEY_FILE=c.key run -0 ecap-keygen -l
	assert_output "256 $(cat c.id) c.key (SYMMETRIC)"
	ECAP_KEY_FILE=c.key run -0 ecap-keygen -l --keyring "$KR2"
	assert_output "256 $(cat b.id) keyring:$KR2 (SYMMETRIC)"
	# The same order for the programs that use the key.
	ECAP_KEYRING=$KR2 ecap-seal -o c p
	run -0 ecap-inspect c
	assert_line "stanza: key $(cat b.id)"
	run -3 ecap-open --raw c
	ECAP_KEYRING=$KR2 run -0 ecap-open --raw c
	assert_output 'secret payload'
	git config -f "$CONF" --unset key.keyring
	conf key.file "$PWD/a.key"
	ECAP_KEYRING=$KR2 run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) keyring:$KR2 (SYMMETRIC)"
}

@test "ecap-open: the allowed signers: none < signers.allowedSignersFile < ECAP_ALLOWED_SIGNERS < --allowed-signers" {
	signers
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
	ecap-seal --key-file team.key --sign alice -o signed.ecap p
	run -0 principal_of_open
	assert_output ''
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 principal_of_open
	assert_output 'conf@example.org'
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 principal_of_open
	assert_output 'env@example.org'
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 principal_of_open --allowed-signers allowed-flag
	assert_output 'flag@example.org'
	# Each level decides alone: the one above it does not add to it.
	ECAP_ALLOWED_SIGNERS=allowed-bob run -4 principal_of_open
	ECAP_ALLOWED_SIGNERS=allowed-env run -4 principal_of_open --allowed-signers allowed-bob
	# An empty ECAP_ALLOWED_SIGNERS is no setting.
	ECAP_ALLOWED_SIGNERS= run -0 principal_of_open
	assert_output 'conf@example.org'
}

@test "ecap-inspect: the allowed signers: none < signers.allowedSignersFile < ECAP_ALLOWED_SIGNERS < --allowed-signers" {
	signers
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
	ecap-seal --key-file team.key --sign alice -o signed.ecap p
	run -0 ecap-inspect --verify signed.ecap
	refute_line --partial 'principal:'
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 ecap-inspect --verify signed.ecap
	assert_line 'principal: conf@example.org'
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 ecap-inspect --verify signed.ecap
	assert_line 'principal: env@example.org'
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 ecap-inspect --verify --allowed-signers allowed-flag signed.ecap
	assert_line 'principal: flag@example.org'
	refute_line --partial 'env@'
	refute_line --partial 'conf@'
	ECAP_ALLOWED_SIGNERS=allowed-bob run -4 ecap-inspect --verify signed.ecap
	ECAP_ALLOWED_SIGNERS=allowed-env run -4 ecap-inspect --verify --allowed-signers allowed-bob signed.ecap
}

@test "audit-verify --since: the allowed signers: none < signers.allowedSignersFile < ECAP_ALLOWED_SIGNERS < --allowed-signers" {
	signers
	export ECAP_AUDIT=$PWD/log.db
	audit-append --type Deploy n:=1 > /dev/null
	audit-verify --checkpoint --sign alice > cp
	audit-append --type Deploy n:=2 > /dev/null
	run -2 audit-verify --since cp
	assert_output --partial 'audit-verify: cp: the checkpoint is signed'
	# Each level in turn lists alice, then only bob: it decides, whatever lies below it.
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 audit-verify --since cp
	assert_output "$PWD/log.db: consistent: 2 events extend the checkpoint's 1"
	ECAP_ALLOWED_SIGNERS=allowed-bob run -1 audit-verify --since cp
	assert_output --regexp '^audit-verify: cp: signed by SHA256:.*, not an allowed signer$'
	ECAP_ALLOWED_SIGNERS=allowed-bob run -0 audit-verify --since cp --allowed-signers allowed-flag
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-bob"
	run -1 audit-verify --since cp
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 audit-verify --since cp
	ECAP_ALLOWED_SIGNERS=allowed-env run -1 audit-verify --since cp --allowed-signers allowed-bob
}

@test "trust-verify: the allowed signers: none < signers.allowedSignersFile < git gpg.ssh.allowedSignersFile < ECAP_ALLOWED_SIGNERS < --allowed-signers" {
	signers
	repo
	run -2 trust-verify
	assert_output --partial "trust-verify: $PWD: no allowed signers"
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 approvers
	assert_output 'conf@example.org'
	git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	run -0 approvers
	assert_output 'git@example.org'
	ECAP_ALLOWED_SIGNERS=../allowed-env run -0 approvers
	assert_output 'env@example.org'
	ECAP_ALLOWED_SIGNERS=../allowed-env run -0 approvers --allowed-signers ../allowed-flag
	assert_output 'flag@example.org'
	# The files too are checked under the signers that level names.
	run -0 trust-verify -v
	assert_line --regexp '^trust-verify:   git@example.org SHA256:'
	ECAP_ALLOWED_SIGNERS=../allowed-bob run -1 trust-verify
	ECAP_ALLOWED_SIGNERS=../allowed-env run -1 trust-verify --allowed-signers ../allowed-bob
}

@test "trust-approve: the allowed signers: none < signers.allowedSignersFile < git gpg.ssh.allowedSignersFile < ECAP_ALLOWED_SIGNERS < --allowed-signers" {
	signers
	repo
	echo two > f
	run -2 trust-approve --key ../alice --yes f
	assert_output --partial "trust-approve: $PWD: no allowed signers"
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 trust-approve --key ../alice --yes f
	assert_line --regexp '^approved [0-9a-f]{40} by conf@example.org \(SHA256:'
	echo three > f
	git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	run -0 trust-approve --key ../alice --yes f
	assert_line --regexp '^approved [0-9a-f]{40} by git@example.org \(SHA256:'
	echo four > f
	ECAP_ALLOWED_SIGNERS=../allowed-env run -0 trust-approve --key ../alice --yes f
	assert_line --regexp '^approved [0-9a-f]{40} by env@example.org \(SHA256:'
	echo five > f
	ECAP_ALLOWED_SIGNERS=../allowed-env run -0 trust-approve --key ../alice --allowed-signers ../allowed-flag --yes f
	assert_line --regexp '^approved [0-9a-f]{40} by flag@example.org \(SHA256:'
	# A level that does not list alice refuses her, whatever lies below it.
	echo six > f
	ECAP_ALLOWED_SIGNERS=../allowed-env run -1 trust-approve --key ../alice --allowed-signers ../allowed-bob --yes f
	assert_output --regexp '^trust-approve: your key SHA256:.* is not in the allowed signers for namespace git: your approval would not count$'
}

@test "wasm-exec --trust: the allowed signers: none < signers.allowedSignersFile < git gpg.ssh.allowedSignersFile < ECAP_ALLOWED_SIGNERS" {
	signers
	git init -q repo
	cp "$HELLO" repo/hello.wasm
	trust-approve -C repo --key "$PWD/alice" --allowed-signers "$PWD/allowed-conf" --yes hello.wasm > /dev/null
	run -2 wasm-exec --trust repo "$HELLO"
	assert_output --partial "wasm-exec: $PWD/repo: no allowed signers"
	# Each level in turn lists alice, then only bob: it decides, whatever lies below it.
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-conf"
	run -0 wasm-exec --trust repo "$HELLO"
	assert_output 'hello, world'
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-bob"
	run -126 wasm-exec --trust repo "$HELLO"
	ECAP_ALLOWED_SIGNERS=allowed-env run -0 wasm-exec --trust repo "$HELLO"
	assert_output 'hello, world'
	conf signers.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-bob"
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	run -0 wasm-exec --trust repo "$HELLO"
	ECAP_ALLOWED_SIGNERS=allowed-bob run -126 wasm-exec --trust repo "$HELLO"
}

@test "ecap-open: auditing and its log: off < audit.enabled, audit.db < ECAP_AUDIT < --audit, --audit-db" {
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
	ecap-seal --key-file team.key -o c p
	open() { ecap-open --key-file team.key --raw "$@" c > /dev/null; }
	open
	assert_equal "$(logs)" "default=none conf=none env=none flag=none"
	conf audit.db "$PWD/conf.db"
	open
	assert_equal "$(logs)" "default=none conf=none env=none flag=none"
	conf audit.enabled true
	open
	assert_equal "$(logs)" "default=none conf=2 env=none flag=none"
	ECAP_AUDIT=env.db open
	assert_equal "$(logs)" "default=none conf=2 env=2 flag=none"
	ECAP_AUDIT=env.db open --audit-db flag.db
	assert_equal "$(logs)" "default=none conf=2 env=2 flag=2"
	# audit.enabled alone: the default log; turned off, the environment and the options turn it on.
	git config -f "$CONF" --unset audit.db
	open
	assert_equal "$(logs)" "default=2 conf=2 env=2 flag=2"
	conf audit.enabled false
	open
	assert_equal "$(logs)" "default=2 conf=2 env=2 flag=2"
	ECAP_AUDIT=env.db open
	assert_equal "$(logs)" "default=2 conf=2 env=4 flag=2"
	open --audit
	assert_equal "$(logs)" "default=4 conf=2 env=4 flag=2"
	conf audit.db "$PWD/conf.db"
	open --audit
	assert_equal "$(logs)" "default=4 conf=4 env=4 flag=2"
	open --audit-db flag.db
	assert_equal "$(logs)" "default=4 conf=4 env=4 flag=4"
}

@test "wasm-exec: auditing and its log: off < audit.enabled, audit.db < ECAP_AUDIT < --audit, --audit-db" {
	run1() { wasm-exec "$@" "$HELLO" > /dev/null; }
	run1
	assert_equal "$(logs)" "default=none conf=none env=none flag=none"
	conf audit.enabled true
	run1
	assert_equal "$(logs)" "default=2 conf=none env=none flag=none"
	conf audit.db "$PWD/conf.db"
	run1
	assert_equal "$(logs)" "default=2 conf=2 env=none flag=none"
	ECAP_AUDIT=env.db run1
	assert_equal "$(logs)" "default=2 conf=2 env=2 flag=none"
	ECAP_AUDIT=env.db run1 --audit-db flag.db
	assert_equal "$(logs)" "default=2 conf=2 env=2 flag=2"
	conf audit.enabled false
	run1
	assert_equal "$(logs)" "default=2 conf=2 env=2 flag=2"
	ECAP_AUDIT=env.db run1
	assert_equal "$(logs)" "default=2 conf=2 env=4 flag=2"
	run1 --audit
	assert_equal "$(logs)" "default=2 conf=4 env=4 flag=2"
	ECAP_AUDIT=env.db run1 --audit
	assert_equal "$(logs)" "default=2 conf=4 env=6 flag=2"
}

@test "trust-verify: auditing and its log: off < audit.enabled, audit.db < ECAP_AUDIT < --audit, --audit-db" {
	signers
	repo
	cd ..
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	echo changed > repo/f
	# Each refusal is one TrustViolation event.
	refused() { run -1 trust-verify -C repo "$@"; }
	refused
	assert_equal "$(logs)" "default=none conf=none env=none flag=none"
	conf audit.enabled true
	refused
	assert_equal "$(logs)" "default=1 conf=none env=none flag=none"
	conf audit.db "$PWD/conf.db"
	refused
	assert_equal "$(logs)" "default=1 conf=1 env=none flag=none"
	ECAP_AUDIT=$PWD/env.db refused
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=none"
	ECAP_AUDIT=$PWD/env.db refused --audit-db "$PWD/flag.db"
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=1"
	conf audit.enabled false
	refused
	ECAP_AUDIT=$PWD/env.db refused
	refused --audit
	assert_equal "$(logs)" "default=1 conf=2 env=2 flag=1"
}

@test "trust-approve: auditing and its log: off < audit.enabled, audit.db < ECAP_AUDIT < --audit, --audit-db" {
	signers
	repo
	cd ..
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	n=0
	# Each approval is one TrustApproved event.
	approve() {
		n=$((n + 1))
		echo "$n" > repo/f
		trust-approve -C repo --key "$BATS_TEST_TMPDIR/alice" --yes "$@" f > /dev/null
	}
	approve
	assert_equal "$(logs)" "default=none conf=none env=none flag=none"
	conf audit.enabled true
	approve
	assert_equal "$(logs)" "default=1 conf=none env=none flag=none"
	conf audit.db "$PWD/conf.db"
	approve
	assert_equal "$(logs)" "default=1 conf=1 env=none flag=none"
	ECAP_AUDIT=$PWD/env.db approve
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=none"
	ECAP_AUDIT=$PWD/env.db approve --audit-db "$PWD/flag.db"
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=1"
	conf audit.enabled false
	approve
	ECAP_AUDIT=$PWD/env.db approve
	approve --audit
	assert_equal "$(logs)" "default=1 conf=2 env=2 flag=1"
}

@test "audit-append: the log: the default < audit.db < ECAP_AUDIT < --db; audit.enabled does not apply" {
	audit-append --type T n:=1 > /dev/null
	assert_equal "$(logs)" "default=1 conf=none env=none flag=none"
	conf audit.db "$PWD/conf.db"
	conf audit.enabled false
	audit-append --type T n:=1 > /dev/null
	assert_equal "$(logs)" "default=1 conf=1 env=none flag=none"
	ECAP_AUDIT=env.db audit-append --type T n:=1 > /dev/null
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=none"
	ECAP_AUDIT=env.db audit-append --db flag.db --type T n:=1 > /dev/null
	assert_equal "$(logs)" "default=1 conf=1 env=1 flag=1"
}

@test "audit-verify: the log: the default < audit.db < ECAP_AUDIT < --db" {
	local db k=0
	for db in "$XDG_STATE_HOME/ecap/audit.db" conf.db env.db flag.db; do
		k=$((k + 1))
		for ((i = 0; i < k; i++)); do
			audit-append --db "$db" --type T n:=$i > /dev/null
		done
	done
	run -0 audit-verify
	assert_output --regexp "^$XDG_STATE_HOME/ecap/audit.db: OK, 1 events, root [0-9a-f]{64}\$"
	conf audit.db "$PWD/conf.db"
	run -0 audit-verify
	assert_output --regexp "^$PWD/conf.db: OK, 2 events, root [0-9a-f]{64}\$"
	ECAP_AUDIT=env.db run -0 audit-verify
	assert_output --regexp '^env.db: OK, 3 events, root [0-9a-f]{64}$'
	ECAP_AUDIT=env.db run -0 audit-verify --db flag.db
	assert_output --regexp '^flag.db: OK, 4 events, root [0-9a-f]{64}$'
}

@test "a configuration file that does not parse: every program that reads it stops, one line naming it, exit 2" {
	signers
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
	ecap-seal --key-file team.key -o c p
	git init -q repo
	git -C repo config user.name Alice
	git -C repo config user.email alice@example.org
	git -C repo config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/allowed-git"
	echo one > repo/f
	trust-approve -C repo --key "$BATS_TEST_TMPDIR/alice" --yes f > /dev/null
	printf '[key\n\tfile = team.key\n' > "$CONF"
	check() {
		run --separate-stderr -2 "$@"
		assert_output ''
		[[ $stderr == "$1: config $CONF: "* ]] || fail "$*: stderr: $stderr"
		[[ $stderr != *$'\n'* ]] || fail "$*: more than one line: $stderr"
	}
	check ecap-seal -o c2 p
	assert_file_not_exists c2
	check ecap-open --raw c
	check ecap-open --key-file team.key -o out c
	assert_file_not_exists out
	check ecap-inspect c
	check ecap-keygen -l
	check audit-append --type T n:=1
	check audit-verify
	assert_file_not_exists "$XDG_STATE_HOME/ecap/audit.db"
	check wasm-exec "$HELLO"
	check trust-verify -C repo
	echo two > repo/f
	check trust-approve -C repo --key "$BATS_TEST_TMPDIR/alice" --yes f
	# A program that needs no setting from the file does not read it.
	run -1 trust-verify -C repo --allowed-signers "$PWD/allowed-git" --audit-db "$PWD/log.db"
	assert_output --partial 'f: modified'
	# ECAP_CONFIG names the file that does not parse.
	git config -f good.conf key.file "$PWD/team.key"
	ECAP_CONFIG=$PWD/good.conf run -0 ecap-open --raw c
	assert_output 'secret payload'
	cp "$CONF" bad.conf
	rm "$CONF"
	ECAP_CONFIG=bad.conf run --separate-stderr -2 ecap-open --raw c
	[[ $stderr == "ecap-open: config bad.conf: "* ]] || fail "stderr: $stderr"
}

@test "trust-hash, merkle and ecap-frame read no configuration" {
	printf '[key\n\tfile = team.key\n' > "$CONF"
	run -0 trust-hash p
	assert_line --index 0 'ecap-trust 1'
	run -0 merkle p
	run -0 bash -c 'ecap-frame wrap < p | ecap-frame check -q'
}

@test "paths in the configuration file: ~/ is the home, ~user/ is refused, others are as written" {
	keys
	cp a.key "$HOME/home.key"
	conf key.file '~/home.key'
	run -0 ecap-keygen -l
	assert_output "256 $(cat a.id) $HOME/home.key (SYMMETRIC)"
	conf key.file '~root/home.key'
	run -2 ecap-keygen -l
	assert_output "ecap-keygen: config $CONF: key.file: retrieving a homedir by name is not supported"
	# A relative path is taken from the working directory, not from the file's.
	conf key.file b.key
	run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) b.key (SYMMETRIC)"
	conf key.file '$HOME/home.key'
	run -2 ecap-keygen -l
	assert_output 'ecap-keygen: $HOME/home.key: No such file or directory'
}
