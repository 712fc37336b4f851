#!/usr/bin/env bats
# ecap-keygen and lib/keys.c: X25519 against RFC 7748, master keys from every
# source, X25519 identities, SSH keys against ssh-keygen, usage errors.

setup() {
	load lib/common
	HELPER="$T_ROOT/t/helper/test-keys"
	# A fixed master key and its key id (HKDF-SHA256, info "ecap key id", first 8 bytes).
	KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
	KEYID=$(printf '' | openssl kdf -keylen 8 -kdfopt digest:SHA256 -kdfopt hexkey:$KEY \
		-kdfopt salt: -kdfopt info:"ecap key id" HKDF 2>/dev/null | tr -d ':\n' |
		tr 'A-F' 'a-f')
}

teardown() {
	if [[ -n ${KEYRING_NAME:-} ]]; then
		keyctl purge user "$KEYRING_NAME" > /dev/null 2>&1 || true
	fi
}

# keyring_or_skip: a fresh name for a user key, or skip when the kernel keyring is not usable.
keyring_or_skip() {
	KEYRING_NAME="ecap-test-$$-$BATS_TEST_NUMBER-$RANDOM"
	command -v keyctl > /dev/null || skip "no keyctl"
	keyctl add user "$KEYRING_NAME-probe" 00 @u > /dev/null 2>&1 ||
		skip "the kernel keyring is not usable here"
	keyctl purge user "$KEYRING_NAME-probe" > /dev/null 2>&1
}

# RFC 7748 §5.2, the two test vectors: scalar, u-coordinate, output (all as the RFC prints them).
@test "X25519: RFC 7748 §5.2 test vectors" {
	run -0 "$HELPER" x25519 a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4 \
		e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c
	assert_output c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552
	# The u-coordinate's top bit is set: it must be masked (RFC 7748 §5).
	run -0 "$HELPER" x25519 4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d \
		e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493
	assert_output 95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957
}

@test "X25519: RFC 7748 §5.2 iterated test, 1 and 1,000 iterations" {
	run -0 "$HELPER" x25519-iterate 1
	assert_output 422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079
	run -0 "$HELPER" x25519-iterate 1000
	assert_output 684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51
}

@test "X25519: RFC 7748 §6.1 Diffie-Hellman" {
	local a=77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a
	local apub=8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a
	local b=5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb
	local bpub=de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f
	local k=4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742
	local nine=0900000000000000000000000000000000000000000000000000000000000000
	run -0 "$HELPER" x25519 "$a" "$nine"
	assert_output "$apub"
	run -0 "$HELPER" x25519 "$b" "$nine"
	assert_output "$bpub"
	run -0 "$HELPER" x25519 "$a" "$bpub"
	assert_output "$k"
	run -0 "$HELPER" x25519 "$b" "$apub"
	assert_output "$k"
}

@test "X25519: an all-zero shared secret (a low-order point) is refused" {
	local a=77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a
	for point in 0000000000000000000000000000000000000000000000000000000000000000 \
		0100000000000000000000000000000000000000000000000000000000000000 \
		ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f; do
		run -1 "$HELPER" x25519 "$a" "$point"
		assert_output --partial "all-zero shared secret refused"
	done
}

@test "master key: a new key is 64 hex digits and a newline, to stdout" {
	run -0 ecap-keygen
	assert_output --regexp '^[0-9a-f]{64}$'
	ecap-keygen > k1
	ecap-keygen > k2
	assert_equal "$(file_size k1)" 65
	! cmp -s k1 k2
}

@test "master key: -o FILE is created with mode 0600 and prints the key id, not the key" {
	run -0 --separate-stderr ecap-keygen -o team.key
	assert_output --regexp '^[0-9a-f]{16}$'
	[ -z "$stderr" ]
	assert_equal "$(stat -c %a team.key)" 600
	run -0 grep -Ec '^[0-9a-f]{64}$' team.key
	id=$(ecap-keygen -l team.key | cut -d' ' -f2)
	run -0 ecap-keygen -o other.key
	[ "$output" != "$id" ]
	[ "$(ecap-keygen -l other.key | cut -d' ' -f2)" = "$output" ]
}

@test "master key: a umask does not widen, and never loosens, the mode" {
	(umask 000 && ecap-keygen -o loose.key > /dev/null)
	assert_equal "$(stat -c %a loose.key)" 600
}

@test "master key: an existing file is never overwritten (O_EXCL), not even a symlink's target" {
	echo keep > team.key
	run -2 ecap-keygen -o team.key
	assert_output "ecap-keygen: team.key: already exists; not overwriting it"
	assert_equal "$(cat team.key)" keep
	ln -s elsewhere link.key
	run -2 ecap-keygen -o link.key
	assert_output "ecap-keygen: link.key: already exists; not overwriting it"
	assert_file_not_exists elsewhere
	run -2 ecap-keygen -t x25519 -o team.key
	assert_output "ecap-keygen: team.key: already exists; not overwriting it"
	assert_equal "$(cat team.key)" keep
}

@test "master key: a file in a missing directory is an error naming it" {
	run -2 ecap-keygen -o nodir/team.key
	assert_output "ecap-keygen: nodir/team.key: No such file or directory"
}

@test "master key: a key from openssl rand -hex 32 works as it is, with or without a newline" {
	openssl rand -hex 32 > rand.key
	run -0 ecap-keygen -l rand.key
	assert_output --regexp '^256 [0-9a-f]{16} rand.key \(SYMMETRIC\)$'
	printf '%s' "$(cat rand.key)" > nonl.key
	[ "$(ecap-keygen -l nonl.key | cut -d' ' -f2)" = "$(ecap-keygen -l rand.key | cut -d' ' -f2)" ]
	# Upper-case hex is the same key.
	tr a-f A-F < rand.key > upper.key
	[ "$(ecap-keygen -l upper.key | cut -d' ' -f2)" = "$(ecap-keygen -l rand.key | cut -d' ' -f2)" ]
}

@test "master key: the key id is the first 8 bytes of HKDF-SHA256(key, info \"ecap key id\")" {
	[[ $KEYID =~ ^[0-9a-f]{16}$ ]] || skip "openssl kdf HKDF is not available"
	echo "$KEY" > fixed.key
	run -0 ecap-keygen -l fixed.key
	assert_output "256 $KEYID fixed.key (SYMMETRIC)"
}

@test "master key: wrong length, non-hex and trailing junk are refused, naming the file" {
	printf '%063d\n' 0 > short.key
	printf '%065d\n' 0 > long.key
	printf 'g%063d\n' 0 > nonhex.key
	printf '%s\n' "${KEY:0:40}z${KEY:41}" > middle.key
	printf '%sx\n' "$KEY" > junk.key
	printf '%s\n\n' "$KEY" > twonl.key
	printf '%s\r\n' "$KEY" > crlf.key
	printf ' %s\n' "$KEY" > space.key
	: > empty.key
	run -2 ecap-keygen -l short.key
	assert_output "ecap-keygen: short.key: too short for a key: 63 hex digits, want 64"
	run -2 ecap-keygen -l long.key
	assert_output "ecap-keygen: long.key: too long for a key: more than 64 hex digits"
	run -2 ecap-keygen -l nonhex.key
	assert_output "ecap-keygen: nonhex.key: not a key: byte 1 is not a hex digit (want 64 hex digits)"
	run -2 ecap-keygen -l middle.key
	assert_output "ecap-keygen: middle.key: not a key: byte 41 is not a hex digit (want 64 hex digits)"
	for f in junk twonl crlf; do
		run -2 ecap-keygen -l "$f.key"
		assert_output "ecap-keygen: $f.key: trailing data after the key's 64 hex digits"
	done
	run -2 ecap-keygen -l space.key
	assert_output "ecap-keygen: space.key: not a key: byte 1 is not a hex digit (want 64 hex digits)"
	run -2 ecap-keygen -l empty.key
	assert_output "ecap-keygen: empty.key: too short for a key: 0 hex digits, want 64"
	# The same rules for ECAP_KEY, and the message never shows the key.
	ECAP_KEY="${KEY}x" run -2 ecap-keygen -l
	assert_output "ecap-keygen: ECAP_KEY: trailing data after the key's 64 hex digits"
	ECAP_KEY="${KEY:0:62}" run -2 ecap-keygen -l
	assert_output "ecap-keygen: ECAP_KEY: too short for a key: 62 hex digits, want 64"
}

@test "master key: a missing or unreadable key file is an error naming it" {
	run -2 ecap-keygen -l --key-file nosuch.key
	assert_output "ecap-keygen: nosuch.key: No such file or directory"
	ECAP_KEY_FILE=nosuch.key run -2 ecap-keygen -l
	assert_output "ecap-keygen: nosuch.key: No such file or directory"
	mkdir dir.key
	run -2 ecap-keygen -l dir.key
	assert_output "ecap-keygen: dir.key: is a directory"
}

@test "master key: no source at all says how to give one" {
	run -2 ecap-keygen -l
	assert_output "ecap-keygen: no key: give --key-file or --keyring, or set ECAP_KEY, ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file"
}

@test "master key: --key-file beats ECAP_KEY beats ECAP_KEY_FILE" {
	ecap-keygen -o a.key > a.id
	ecap-keygen -o b.key > b.id
	ecap-keygen -o c.key > c.id
	ECAP_KEY=$(cat b.key) ECAP_KEY_FILE=c.key run -0 ecap-keygen -l --key-file a.key
	assert_output "256 $(cat a.id) a.key (SYMMETRIC)"
	ECAP_KEY=$(cat b.key) ECAP_KEY_FILE=c.key run -0 ecap-keygen -l
	assert_output "256 $(cat b.id) ECAP_KEY (SYMMETRIC)"
	ECAP_KEY_FILE=c.key run -0 ecap-keygen -l
	assert_output "256 $(cat c.id) c.key (SYMMETRIC)"
}

@test "master key: --keyring beats the environment; ECAP_KEYRING comes last" {
	keyring_or_skip
	ecap-keygen -o a.key > a.id
	ecap-keygen -o c.key > c.id
	keyctl add user "$KEYRING_NAME" "$(cat a.key)" @u > /dev/null
	run -0 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "256 $(cat a.id) keyring:$KEYRING_NAME (SYMMETRIC)"
	ECAP_KEY_FILE=c.key run -0 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "256 $(cat a.id) keyring:$KEYRING_NAME (SYMMETRIC)"
	ECAP_KEY=$(cat c.key) run -0 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "256 $(cat a.id) keyring:$KEYRING_NAME (SYMMETRIC)"
	ECAP_KEYRING=$KEYRING_NAME run -0 ecap-keygen -l
	assert_output "256 $(cat a.id) keyring:$KEYRING_NAME (SYMMETRIC)"
	ECAP_KEYRING=$KEYRING_NAME ECAP_KEY_FILE=c.key run -0 ecap-keygen -l
	assert_output "256 $(cat c.id) c.key (SYMMETRIC)"
	run -2 ecap-keygen -l --keyring "$KEYRING_NAME" --key-file c.key
	assert_output "ecap-keygen: give a key file or a keyring key, not both"
}

@test "master key: --keyring NAME stores a new key as keyctl would, and prints only its id" {
	keyring_or_skip
	run -0 ecap-keygen --keyring "$KEYRING_NAME"
	assert_output --regexp '^[0-9a-f]{16}$'
	id=$output
	run -0 keyctl print "%user:$KEYRING_NAME"
	assert_output --regexp '^[0-9a-f]{64}$'
	echo "$output" > from-keyring.key
	run -0 ecap-keygen -l from-keyring.key
	assert_output "256 $id from-keyring.key (SYMMETRIC)"
	# Never replaced.
	run -2 ecap-keygen --keyring "$KEYRING_NAME"
	assert_output "ecap-keygen: kernel keyring key $KEYRING_NAME: already exists; not replacing it"
	[ "$(keyctl print "%user:$KEYRING_NAME")" = "$(cat from-keyring.key)" ]
}

@test "master key: --keyring with -o stores the same key in both" {
	keyring_or_skip
	run -0 ecap-keygen -o both.key --keyring "$KEYRING_NAME"
	id=$output
	[ "$(keyctl print "%user:$KEYRING_NAME")" = "$(cat both.key)" ]
	run -0 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "256 $id keyring:$KEYRING_NAME (SYMMETRIC)"
}

@test "master key: a missing or malformed keyring key is an error naming it" {
	keyring_or_skip
	run -2 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "ecap-keygen: kernel keyring key $KEYRING_NAME: not found in the session or user keyring"
	keyctl add user "$KEYRING_NAME" "${KEY}0" @u > /dev/null
	run -2 ecap-keygen -l --keyring "$KEYRING_NAME"
	assert_output "ecap-keygen: kernel keyring key $KEYRING_NAME: too long for a key: more than 64 hex digits"
}

@test "master key: the key id is the same from every source" {
	echo "$KEY" > fixed.key
	want=$(ecap-keygen -l fixed.key | cut -d' ' -f2)
	[ "$(ecap-keygen -l --key-file fixed.key | cut -d' ' -f2)" = "$want" ]
	[ "$(ECAP_KEY=$KEY ecap-keygen -l | cut -d' ' -f2)" = "$want" ]
	[ "$(ECAP_KEY_FILE=fixed.key ecap-keygen -l | cut -d' ' -f2)" = "$want" ]
	[ "$(ecap-keygen -l --json fixed.key | jq -r .key_id)" = "$want" ]
	[ "$(ecap-keygen -l fixed.key | cut -d' ' -f2)" = "$want" ]	# stable
	if command -v keyctl > /dev/null && keyctl add user "ecap-test-$$-same" "$KEY" @u > /dev/null 2>&1; then
		KEYRING_NAME="ecap-test-$$-same"
		[ "$(ecap-keygen -l --keyring "$KEYRING_NAME" | cut -d' ' -f2)" = "$want" ]
	fi
}

@test "master key: -l never prints the key, and -y refuses a symmetric key" {
	echo "$KEY" > fixed.key
	run -0 ecap-keygen -l fixed.key
	refute_output --partial "${KEY:0:16}"
	run -0 ecap-keygen -l --json fixed.key
	refute_output --partial "${KEY:0:16}"
	run -2 ecap-keygen -y fixed.key
	assert_output "ecap-keygen: fixed.key: a master key is symmetric: it has no public half (ecap-keygen -l shows its key id)"
}

@test "master key: --json gives bits, file, key_id, private and type" {
	echo "$KEY" > fixed.key
	run -0 ecap-keygen -l --json fixed.key
	id=$(ecap-keygen -l fixed.key | cut -d' ' -f2)
	assert_output "{\"bits\":256,\"file\":\"fixed.key\",\"key_id\":\"$id\",\"private\":true,\"type\":\"symmetric\"}"
}

@test "x25519: -t x25519 -o FILE writes a 0600 identity and prints its recipient" {
	run -0 --separate-stderr ecap-keygen -t x25519 -o device.id
	assert_output --regexp '^ecap-x25519:[0-9a-f]{64}$'
	[ -z "$stderr" ]
	rcpt=$output
	assert_equal "$(stat -c %a device.id)" 600
	run -0 cat device.id
	assert_line --index 0 "# recipient: $rcpt"
	assert_line --index 1 --regexp '^ecap-x25519-identity:[0-9a-f]{64}$'
	run -0 ecap-keygen -y device.id
	assert_output "$rcpt"
}

@test "x25519: without -o the identity goes to stdout" {
	run -0 ecap-keygen -t x25519
	assert_line --index 0 --regexp '^# recipient: ecap-x25519:[0-9a-f]{64}$'
	assert_line --index 1 --regexp '^ecap-x25519-identity:[0-9a-f]{64}$'
	echo "$output" > id
	run -0 ecap-keygen -y id
	assert_output "$(sed -n 's/^# recipient: //p' id)"
}

@test "x25519: -y of RFC 7748 §6.1's private keys gives their public keys" {
	printf 'ecap-x25519-identity:%s\n' \
		77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a > alice.id
	printf '# Bob\necap-x25519-identity:%s\n' \
		5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb > bob.id
	run -0 ecap-keygen -y alice.id
	assert_output ecap-x25519:8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a
	run -0 ecap-keygen -y -f bob.id
	assert_output ecap-x25519:de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f
}

@test "x25519: the key id is SHA-256 of the public key, the same for identity and recipient" {
	printf 'ecap-x25519-identity:%s\n' \
		77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a > alice.id
	ecap-keygen -y alice.id > alice.pub
	want=$(unhex 8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a |
		sha256_hex | cut -c1-16)
	run -0 ecap-keygen -l alice.id alice.pub
	assert_line --index 0 "256 $want alice.id (X25519)"
	assert_line --index 1 "256 $want alice.pub (X25519)"
	run -0 ecap-keygen -l --json alice.id
	assert_output "{\"bits\":256,\"file\":\"alice.id\",\"key_id\":\"$want\",\"private\":true,\"recipient\":\"$(cat alice.pub)\",\"type\":\"x25519\"}"
	refute_output --partial 77076d0a
	run -0 ecap-keygen -l --json alice.pub
	assert_output --partial '"private":false'
}

@test "x25519: malformed identities and recipients are refused, naming the file" {
	printf 'ecap-x25519-identity:%063d\n' 0 > short.id
	printf 'ecap-x25519-identity:%064d\nextra\n' 0 > extra.id
	printf '# only a comment\n' > comment.id
	printf 'ecap-x25519:%063d\n' 0 > short.pub
	run -2 ecap-keygen -l short.id
	assert_output 'ecap-keygen: short.id: line 1: not an X25519 identity: want "ecap-x25519-identity:" and 64 hex digits'
	run -2 ecap-keygen -y extra.id
	assert_output "ecap-keygen: extra.id: line 2: more than one line after the identity"
	run -2 ecap-keygen -y comment.id
	assert_output 'ecap-keygen: comment.id: no "ecap-x25519-identity:" line: not an X25519 identity'
	run -2 ecap-keygen -l short.pub
	assert_output 'ecap-keygen: short.pub: not an X25519 recipient: want "ecap-x25519:" and 64 hex digits'
}

@test "ssh: -t ed25519 -f k writes k and k.pub as ssh-keygen does; ssh-keygen agrees" {
	run -0 ecap-keygen -t ed25519 -C alice@example.org -f k
	assert_output --regexp '^ssh-ed25519 [A-Za-z0-9+/]+ alice@example.org$'
	assert_equal "$(cat k.pub)" "$output"
	assert_equal "$(stat -c %a k)" 600
	assert_equal "$(stat -c %a k.pub)" 644
	run -0 ssh-keygen -y -f k
	assert_output "$(cat k.pub)"
	run -0 ssh-keygen -l -f k.pub
	assert_output "$(ecap-keygen -l k.pub)"
	assert_output "$(ecap-keygen -l k)"
	run -0 ecap-keygen -y k
	assert_output "$(cat k.pub)"
}

@test "ssh: -t ecdsa -f k makes a P-256 key that ssh-keygen reads" {
	run -0 ecap-keygen -t ecdsa -f k
	assert_output --regexp '^ecdsa-sha2-nistp256 [A-Za-z0-9+/=]+$'
	run -0 ssh-keygen -y -f k
	assert_output --partial "$(cut -d' ' -f1,2 k.pub)"
	run -0 ssh-keygen -l -f k.pub
	assert_output --regexp '^256 SHA256:[A-Za-z0-9+/]{43} no comment \(ECDSA\)$'
	assert_output "$(ecap-keygen -l k.pub)"
}

@test "ssh: an existing key file or .pub is never overwritten" {
	echo keep > k.pub
	run -2 ecap-keygen -t ed25519 -f k
	assert_output --partial "k.pub: already exists"
	assert_file_not_exists k
	assert_equal "$(cat k.pub)" keep
}

@test "ssh: -l on keys made by ssh-keygen prints what ssh-keygen -l prints" {
	ssh-keygen -q -t ed25519 -N '' -C 'ed key' -f ed
	ssh-keygen -q -t ecdsa -b 256 -N '' -C ec@host -f ec
	for f in ed ed.pub ec ec.pub; do
		run -0 ssh-keygen -l -f "$f"
		assert_output "$(ecap-keygen -l "$f")"
	done
	run -0 ecap-keygen -l ed.pub ec.pub
	assert_line --index 0 "$(ssh-keygen -l -f ed.pub)"
	assert_line --index 1 "$(ssh-keygen -l -f ec.pub)"
	run -0 ecap-keygen -l --json ed
	assert_output "{\"bits\":256,\"comment\":\"ed key\",\"file\":\"ed\",\"fingerprint\":\"$(ssh-keygen -l -f ed.pub | cut -d' ' -f2)\",\"private\":true,\"type\":\"ssh-ed25519\"}"
	run -0 ecap-keygen -y ec
	assert_output "$(cat ec.pub)"
}

@test "ssh: a public key without a comment shows 'no comment', as ssh-keygen -l does" {
	ssh-keygen -q -t ed25519 -N '' -C x -f ed
	cut -d' ' -f1,2 ed.pub > bare.pub
	run -0 ssh-keygen -l -f bare.pub
	assert_output --partial " no comment (ED25519)"
	assert_output "$(ecap-keygen -l bare.pub)"
}

@test "ssh: an encrypted private key is refused with a reason" {
	ssh-keygen -q -t ed25519 -N secret -f enc
	run -2 ecap-keygen -y enc
	assert_output --partial "enc: encrypted keys are not supported"
}

@test "usage errors exit 2 and write nothing" {
	mkdir w && cd w
	run -2 ecap-keygen extra
	assert_output --partial "usage: ecap-keygen"
	run -2 ecap-keygen -t rsa -f k
	assert_output "ecap-keygen: -t rsa: unknown key type (symmetric, x25519, ed25519 or ecdsa)"
	run -2 ecap-keygen -o a -o b
	assert_output "ecap-keygen: -o given twice"
	run -2 ecap-keygen -t x25519 -t x25519
	assert_output "ecap-keygen: -t given twice"
	run -2 ecap-keygen -o a -f b
	assert_output "ecap-keygen: -f and -o name the same file: give one"
	run -2 ecap-keygen --keyring a --keyring b
	assert_output "ecap-keygen: --keyring given twice"
	run -2 ecap-keygen -l --json --json x
	assert_output "ecap-keygen: --json given twice"
	run -2 ecap-keygen -l -y x
	assert_output "ecap-keygen: -l and -y cannot be given together"
	run -2 ecap-keygen -t ed25519
	assert_output "ecap-keygen: -t ed25519: name the key file with -f FILE (FILE.pub is written beside it)"
	run -2 ecap-keygen -t ecdsa -o -
	assert_output "ecap-keygen: -t ecdsa: name the key file with -f FILE (FILE.pub is written beside it)"
	run -2 ecap-keygen -C comment -o a
	assert_output "ecap-keygen: -C: only SSH keys (-t ed25519 or ecdsa) have a comment"
	run -2 ecap-keygen -t x25519 --keyring a
	assert_output "ecap-keygen: --keyring holds master keys only, not -t x25519 keys"
	run -2 ecap-keygen --json
	assert_output "ecap-keygen: --json and --key-file are for -l"
	run -2 ecap-keygen --key-file a
	assert_output "ecap-keygen: --json and --key-file are for -l"
	run -2 ecap-keygen -y
	assert_output --partial "usage: ecap-keygen"
	run -2 ecap-keygen -y a b
	assert_output --partial "usage: ecap-keygen"
	run -2 ecap-keygen -y --json a
	assert_output "ecap-keygen: -y: --json, --keyring and --key-file do not apply"
	run -2 ecap-keygen -l -t x25519 a
	assert_output "ecap-keygen: -l: -t, -C and -o are for making keys"
	run -2 ecap-keygen -l --key-file a b
	assert_output "ecap-keygen: -l: --key-file and --keyring select the master key to show when no FILE is given"
	run -2 ecap-keygen -l -f a b
	assert_output "ecap-keygen: -l: give the file with -f or as an operand, not both"
	run -2 ecap-keygen -l -
	assert_output "ecap-keygen: -l: reads key files, not standard input"
	run -2 ecap-keygen -l --no-such-option
	assert_output --partial "usage: ecap-keygen"
	assert_dir_holds_nothing .
}

@test "--help and --version" {
	run -0 --separate-stderr ecap-keygen --help
	assert_line --index 0 "usage: ecap-keygen [-o FILE] [--keyring NAME]"
	[ -z "$stderr" ]
	run -0 ecap-keygen --version
	assert_output "ecap-keygen $(cat "$T_ROOT/VERSION")"
}
