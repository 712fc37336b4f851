#!/usr/bin/env bats
# SSH keys (openssh-key-v1, PROTOCOL.key), fingerprints and SSH signatures
# (PROTOCOL.sshsig) against the real ssh-keygen, both ways, for ssh-ed25519
# and ecdsa-sha2-nistp256; allowed-signers files; every error path.

setup() {
	load lib/common
	SSH="$T_ROOT/t/helper/test-ssh"
	printf 'a capsule header\n' > msg
}

# keygen TYPE FILE: a key made by ssh-keygen (TYPE ed25519 or ecdsa).
keygen() {
	case $1 in
	ecdsa) ssh-keygen -q -t ecdsa -b 256 -N '' -C "$1@test" -f "$2" ;;
	*) ssh-keygen -q -t "$1" -N '' -C "$1@test" -f "$2" ;;
	esac
}

# armor_blob: the SSH SIGNATURE armor of the binary blob on stdin.
armor_blob() {
	echo '-----BEGIN SSH SIGNATURE-----'
	base64 -w 70
	echo '-----END SSH SIGNATURE-----'
}

# blob_of SIGFILE: the binary blob of an armored signature.
blob_of() {
	sed '1d;$d' "$1" | base64 -d
}

@test "keys made by ssh-keygen load: fingerprint and public line equal ssh-keygen's" {
	for kt in ed25519 ecdsa; do
		keygen "$kt" "k$kt"
		run -0 "$SSH" fingerprint "k$kt"
		assert_output "$(ssh-keygen -l -f "k$kt.pub")"
		run -0 "$SSH" private "k$kt"
		assert_output "$(cat "k$kt.pub")"
		run -0 "$SSH" pubkey "k$kt.pub"
		assert_output "$(cat "k$kt.pub")"
	done
}

@test "keys we make are read by ssh-keygen -y and -l" {
	for kt in ed25519 ecdsa; do
		run -0 "$SSH" genkey "$kt" "our$kt" "ours@test"
		fp=$output
		[[ $(stat -c %a "our$kt") == 600 ]]
		[[ $(stat -c %a "our$kt.pub") == 644 ]]
		run -0 ssh-keygen -y -f "our$kt"
		assert_output "$(cat "our$kt.pub")"
		run -0 ssh-keygen -l -f "our$kt"
		assert_output "256 $fp ours@test (${kt^^})"
		run -0 "$SSH" fingerprint "our$kt"
		assert_output "256 $fp ours@test (${kt^^})"
	done
}

@test "the private key files we write are ssh-keygen's format byte for byte (but the random check-int)" {
	for kt in ed25519 ecdsa; do
		"$SSH" genkey "$kt" "our$kt" "ours@test"
		cp "our$kt" again
		ssh-keygen -q -p -N '' -P '' -f again
		# same lines, same lengths; the binary differs only in the 8 check-int bytes
		assert_equal "$(awk '{ print length }' "our$kt")" "$(awk '{ print length }' again)"
		assert_equal "$(head -1 "our$kt")" "-----BEGIN OPENSSH PRIVATE KEY-----"
		run cmp -l <(blob_of "our$kt") <(blob_of again)
		span=$(printf '%s\n' "$output" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print hi - lo }')
		((span < 8))
		rm -f again
	done
}

@test "genkey refuses an existing file and leaves it as it was" {
	echo precious > k
	run -2 "$SSH" genkey ed25519 k
	assert_output "test-ssh: k: already exists (not overwritten)"
	assert_equal "$(cat k)" precious
	assert_file_not_exists k.pub
}

@test "our signatures verify with ssh-keygen -Y verify -n ecap" {
	for kt in ed25519 ecdsa; do
		"$SSH" genkey "$kt" "our$kt" > /dev/null
		echo "pub@test $(cat "our$kt.pub")" > allowed
		"$SSH" sign "our$kt" ecap < msg > sig
		assert_equal "$(head -1 sig)" "-----BEGIN SSH SIGNATURE-----"
		run -0 ssh-keygen -Y verify -f allowed -I pub@test -n ecap -s sig < msg
		assert_output --partial "Good \"ecap\" signature for pub@test"
		run ssh-keygen -Y verify -f allowed -I pub@test -n git -s sig < msg
		assert_failure
	done
}

@test "our signatures with ssh-keygen's keys verify with ssh-keygen too" {
	for kt in ed25519 ecdsa; do
		keygen "$kt" "k$kt"
		echo "pub@test $(cat "k$kt.pub")" > allowed
		"$SSH" sign "k$kt" ecap < msg > sig
		run -0 ssh-keygen -Y verify -f allowed -I pub@test -n ecap -s sig < msg
	done
}

@test "ssh-keygen's signatures verify with ours, and not for another namespace, message, key, or byte" {
	for kt in ed25519 ecdsa; do
		keygen "$kt" "k$kt"
		keygen "$kt" "other$kt"
		echo "pub@test $(cat "k$kt.pub")" > allowed
		ssh-keygen -q -Y sign -f "k$kt" -n ecap msg 2> /dev/null
		run -0 "$SSH" verify allowed ecap msg.sig < msg
		assert_output "pub@test"

		run -1 "$SSH" verify allowed git msg.sig < msg
		assert_output 'test-ssh: msg.sig: signature namespace "ecap" is not "git"'

		run -1 "$SSH" verify allowed ecap msg.sig <<< "another message"
		assert_output "test-ssh: msg.sig: signature does not verify"

		echo "pub@test $(cat "other$kt.pub")" > others
		run -1 "$SSH" verify others ecap msg.sig < msg
		assert_output --regexp "^test-ssh: msg.sig: (ED25519|ECDSA) key SHA256:[A-Za-z0-9+/]{43} is not an allowed signer for namespace ecap$"

		# the last byte of the signature proper (the blob ends with it)
		blob_of msg.sig > blob
		n=$(stat -c %s blob)
		{ head -c $((n - 1)) blob; printf '\x55' | cmp -s - <(tail -c 1 blob) && printf '\x56' || printf '\x55'; } |
			armor_blob > bad.sig
		run -1 "$SSH" verify allowed ecap bad.sig < msg
		assert_output "test-ssh: bad.sig: signature does not verify"
		rm -f msg.sig
	done
}

@test "every single-byte change of a signature blob is refused" {
	keygen ed25519 k
	echo "pub@test $(cat k.pub)" > allowed
	ssh-keygen -q -Y sign -f k -n ecap msg 2> /dev/null
	blob_of msg.sig > blob
	n=$(stat -c %s blob)
	for ((off = 0; off < n; off += 7)); do
		{ head -c "$off" blob; head -c 1 /dev/zero | tr '\0' '\377' | cmp -s - <(tail -c +$((off + 1)) blob | head -c 1) &&
			printf '\x00' || printf '\xff'; tail -c +$((off + 2)) blob; } | armor_blob > bad.sig
		run "$SSH" verify allowed ecap bad.sig < msg
		[[ $status == 1 || $status == 2 ]] || fail "byte $off: status $status"
		[[ ${#lines[@]} == 1 && $output == test-ssh:* ]] || fail "byte $off: $output"
	done
}

@test "signatures with hash sha256 (ssh-keygen -O hashalg=sha256) verify" {
	for kt in ed25519 ecdsa; do
		keygen "$kt" "k$kt"
		echo "pub@test $(cat "k$kt.pub")" > allowed
		ssh-keygen -q -Y sign -f "k$kt" -n ecap -O hashalg=sha256 msg 2> /dev/null
		run -0 "$SSH" verify allowed ecap msg.sig < msg
		assert_output "pub@test"
		rm -f msg.sig
	done
}

@test "allowed signers: principals lists, namespaces, comments, blank lines, cert-authority, other key types" {
	keygen ed25519 a
	keygen ecdsa b
	keygen ed25519 c
	ssh-keygen -q -t rsa -b 2048 -N '' -f r
	cat > allowed <<-EOF
	# publishers

	  # an indented comment
	alice@example.com,alice@corp $(cat a.pub)
	bob@example.com namespaces="git,ecap*" $(cut -d' ' -f1,2 b.pub)
	carol@example.com namespaces="git" $(cat c.pub)
	*@example.com cert-authority $(cat c.pub)
	rsa@example.com $(cat r.pub)
	EOF
	run -0 "$SSH" signers allowed
	assert_line --index 0 --regexp '^4 alice@example.com,alice@corp namespaces=\* valid-after=0 valid-before=0 SHA256:'
	assert_line --index 1 --regexp '^5 bob@example.com namespaces=git,ecap\* '
	assert_line --index 2 --regexp '^6 carol@example.com namespaces=git '
	assert_equal "${#lines[@]}" 3

	for who in a b c; do ssh-keygen -q -Y sign -f "$who" -n ecap msg 2> /dev/null; mv msg.sig "$who.sig"; done
	run -0 "$SSH" verify allowed ecap a.sig < msg
	assert_output "alice@example.com,alice@corp"
	run -0 "$SSH" verify allowed ecap b.sig < msg
	assert_output "bob@example.com"
	run -1 "$SSH" verify allowed ecap c.sig < msg
	assert_output --partial "is not an allowed signer for namespace ecap"
	# ssh-keygen agrees
	run -0 ssh-keygen -Y verify -f allowed -I bob@example.com -n ecap -s b.sig < msg
	run ssh-keygen -Y verify -f allowed -I carol@example.com -n ecap -s c.sig < msg
	assert_failure
}

@test "allowed signers: valid-after and valid-before" {
	keygen ed25519 k
	ssh-keygen -q -Y sign -f k -n ecap msg 2> /dev/null
	echo "old@test valid-before=\"20000101\" $(cat k.pub)" > expired
	echo "new@test valid-after=\"29990101Z\" $(cat k.pub)" > future
	echo "now@test valid-after=\"20000101\",valid-before=\"299901010000Z\" $(cat k.pub)" > current
	run -1 "$SSH" verify expired ecap msg.sig < msg
	assert_output --partial "is not an allowed signer"
	run -1 "$SSH" verify future ecap msg.sig < msg
	assert_output --partial "is not an allowed signer"
	run -0 "$SSH" verify current ecap msg.sig < msg
	assert_output "now@test"
	run -0 "$SSH" signers current
	assert_output --regexp "^1 now@test namespaces=\* valid-after=946684800 valid-before=32472144000 "
	run ssh-keygen -Y verify -f expired -I old@test -n ecap -s msg.sig < msg
	assert_failure
	run -0 ssh-keygen -Y verify -f current -I now@test -n ecap -s msg.sig < msg
}

@test "allowed signers: a malformed line is reported with its line number" {
	keygen ed25519 k
	key=$(cat k.pub)
	while IFS='|' read -r line want; do
		printf '# ok\n\nok@test %s\n%s\n' "$key" "${line//KEY/$key}" > allowed
		run -2 "$SSH" signers allowed
		assert_output "test-ssh: allowed: line 4: $want"
	done <<-'EOF'
	lonely@test|missing key
	x@test frobnicate="1" KEY|unsupported option "frobnicate="1""
	x@test namespaces="" KEY|invalid namespaces option
	x@test valid-after="2020" KEY|invalid valid-after time
	x@test valid-before="20201301" KEY|invalid valid-before time
	x@test valid-after="20300101",valid-before="20200101" KEY|valid-before is not after valid-after
	x@test ssh-ed25519 AAAA!!!!|public key is not valid base64
	x@test ssh-ed25519 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKMehZdtkAGqTSv8O1gNZnQYa8J9x31aKYlPHbGhjCzYXLjLj4N6fqGY3hAwGTX6XkEc5/f5TOVik50klyn2PT4=|key type ssh-ed25519 does not match the key (ecdsa-sha2-nistp256)
	x@test ssh-frob AAAA|unknown key type "ssh-frob"
	EOF
}

@test "an encrypted key is refused with a clear message" {
	ssh-keygen -q -t ed25519 -N 'secret' -f k
	run -2 "$SSH" sign k ecap < msg
	assert_output "test-ssh: k: encrypted keys are not supported: decrypt with ssh-keygen -p"
	# its public half is readable without the passphrase
	run -0 "$SSH" pubkey k
	assert_output "$(cut -d' ' -f1,2 k.pub)"
}

@test "unsupported key types are refused: rsa, ecdsa P-384" {
	ssh-keygen -q -t rsa -b 2048 -N '' -f rsa
	ssh-keygen -q -t ecdsa -b 384 -N '' -f p384
	run -2 "$SSH" sign rsa ecap < msg
	assert_output "test-ssh: rsa: unsupported key type ssh-rsa (only ssh-ed25519 and ecdsa-sha2-nistp256)"
	run -2 "$SSH" fingerprint rsa.pub
	assert_output "test-ssh: rsa.pub: unsupported key type ssh-rsa (only ssh-ed25519 and ecdsa-sha2-nistp256)"
	run -2 "$SSH" sign p384 ecap < msg
	assert_output "test-ssh: p384: unsupported key type ecdsa-sha2-nistp384 (only ssh-ed25519 and ecdsa-sha2-nistp256)"
}

@test "truncated, garbled and foreign key files are refused" {
	keygen ed25519 k
	head -c 200 k > trunc
	run -2 "$SSH" sign trunc ecap < msg
	assert_output "test-ssh: trunc: truncated or malformed OpenSSH private key (armor or base64)"

	# a whole base64 block cut out of the middle
	{ head -1 k; blob_of k | head -c 150 | base64 -w 70; tail -1 k; } > short
	run -2 "$SSH" sign short ecap < msg
	assert_output "test-ssh: short: truncated key file"

	# the second check-int changed
	blob_of k > bin
	off=$(grep -obUaP 'ssh-ed25519' bin | sed -n 2p | cut -d: -f1)
	{ head -c $((off - 5)) bin; printf '\xee'; tail -c +$((off - 3)) bin; } |
		{ head -1 k; base64 -w 70; tail -1 k; } > garbled
	run -2 "$SSH" sign garbled ecap < msg
	assert_output "test-ssh: garbled: check-ints differ: corrupt key"

	# the padding changed
	{ head -c $(($(stat -c %s bin) - 1)) bin; printf '\x09'; } | { head -1 k; base64 -w 70; tail -1 k; } > padded
	run -2 "$SSH" sign padded ecap < msg
	assert_output "test-ssh: padded: bad padding after the private key"

	echo 'hello' > text
	run -2 "$SSH" sign text ecap < msg
	assert_output "test-ssh: text: not an OpenSSH private key"
	openssl genpkey -algorithm ed25519 -out pem
	run -2 "$SSH" sign pem ecap < msg
	assert_output --partial "test-ssh: pem: not an OpenSSH private key (PEM keys are not supported"
}

@test "bad signature armor is refused" {
	keygen ed25519 k
	echo "pub@test $(cat k.pub)" > allowed
	ssh-keygen -q -Y sign -f k -n ecap msg 2> /dev/null
	sed '1d' msg.sig > nobegin
	run -2 "$SSH" verify allowed ecap nobegin < msg
	assert_output 'test-ssh: nobegin: not an armored SSH signature (no "-----BEGIN SSH SIGNATURE-----" line)'
	sed '$d' msg.sig > noend
	run -2 "$SSH" verify allowed ecap noend < msg
	assert_output 'test-ssh: noend: no "-----END SSH SIGNATURE-----" line'
	sed '2s/^./*/' msg.sig > notb64
	run -2 "$SSH" verify allowed ecap notb64 < msg
	assert_output "test-ssh: notb64: armored SSH signature is not valid base64"
	{ cat msg.sig; echo trailing; } > trailing
	run -2 "$SSH" verify allowed ecap trailing < msg
	assert_output 'test-ssh: trailing: trailing text after "-----END SSH SIGNATURE-----"'
}

@test "a wrong SSHSIG version, an unsupported hash, bad magic, trailing data are refused" {
	keygen ed25519 k
	echo "pub@test $(cat k.pub)" > allowed
	ssh-keygen -q -Y sign -f k -n ecap msg 2> /dev/null
	blob_of msg.sig > blob
	{ head -c 9 blob; printf '\x02'; tail -c +11 blob; } | armor_blob > v2.sig
	run -2 "$SSH" verify allowed ecap v2.sig < msg
	assert_output "test-ssh: v2.sig: unsupported SSHSIG version 2 (only 1)"
	perl -0777 -pe 's/sha512/sha384/' blob | armor_blob > h.sig
	run -2 "$SSH" verify allowed ecap h.sig < msg
	assert_output 'test-ssh: h.sig: unsupported hash algorithm "sha384" (only sha256 and sha512)'
	perl -0777 -pe 's/^SSHSIG/SSHSIX/' blob | armor_blob > m.sig
	run -2 "$SSH" verify allowed ecap m.sig < msg
	assert_output "test-ssh: m.sig: not an SSH signature (no SSHSIG magic)"
	{ cat blob; printf 'x'; } | armor_blob > t.sig
	run -2 "$SSH" verify allowed ecap t.sig < msg
	assert_output "test-ssh: t.sig: trailing data after the SSH signature"
	head -c 100 blob | armor_blob > short.sig
	run -2 "$SSH" verify allowed ecap short.sig < msg
	assert_output "test-ssh: short.sig: truncated SSH signature"
}

@test "a signature by an rsa key is refused as an unsupported key" {
	ssh-keygen -q -t rsa -b 2048 -N '' -f r
	echo "pub@test $(cat r.pub)" > allowed
	ssh-keygen -q -Y sign -f r -n ecap msg 2> /dev/null
	run -2 "$SSH" verify allowed ecap msg.sig < msg
	assert_output "test-ssh: msg.sig: signer key: unsupported key type ssh-rsa (only ssh-ed25519 and ecdsa-sha2-nistp256)"
}
