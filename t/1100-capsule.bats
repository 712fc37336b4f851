#!/usr/bin/env bats
# Capsules, ecap(5): ecap-seal, ecap-open and ecap-inspect.  Round trips for
# every key mode, AEAD, page size and payload edge; the exec/1 frame stream
# and -o; signatures and allowed signers, with ssh-keygen both ways; every
# error with its message and status and nothing written; the keyless
# inspector; and a trace showing that opening writes nothing to disk.
# The tamper and truncation sweeps and the splices are in t/1101-tamper.bats.

setup() {
	load lib/common
	ecap-keygen -o k > k.id
	ecap-keygen -o k2 > k2.id
	ecap-keygen -t x25519 -o id1 > id1.rcpt
	ecap-keygen -t x25519 -o id2 > id2.rcpt
	ID1=$(ecap-keygen -l id1 | cut -d' ' -f2)
	ID2=$(ecap-keygen -l id2 | cut -d' ' -f2)
	VERSION=$(cat "$T_ROOT/VERSION")
	prng 300 > p
}

teardown() {
	if [[ -n ${KEYRING_NAME:-} ]]; then
		keyctl purge user "$KEYRING_NAME" > /dev/null 2>&1 || true
	fi
}

# open_refused STATUS MESSAGE CAPSULE [OPTION...]: ecap-open refuses CAPSULE the same
# way writing frames, with --raw and with -o FILE; nothing on stdout, no file, no temporary.
open_refused() {
	local st=$1 msg=$2 c=$3
	shift 3
	exits_with "$st" "$msg" ecap-open "$@" "$c" < /dev/null
	exits_with "$st" "$msg" ecap-open "$@" --raw "$c"
	mkdir -p outdir
	exits_with "$st" "$msg" ecap-open "$@" -o outdir/out "$c"
	assert_dir_holds_nothing outdir
}

# sizes PAGE: the payload sizes tried with pages of PAGE bytes: empty, one byte,
# and k pages and k pages and a byte for k = 1, 2, 3.
sizes() {
	echo 0 1 "$1" $(($1 + 1)) $((2 * $1)) $((2 * $1 + 1)) $((3 * $1)) $((3 * $1 + 1))
}

# roundtrips "SEAL-OPTIONS" "OPEN-OPTIONS"...: for both AEADs, pages of 64, 1000,
# 65536 (the default, no --page-size) and 1M bytes, and every payload size of
# sizes: seal from a file to -o and from a pipe to a pipe; every OPEN-OPTIONS
# opens each alone to the payload's bytes.
roundtrips() {
	local seal=$1 aead ps bytes n opts
	shift
	prng $((3 * 1048576 + 1)) 5 > all
	for aead in aes-256-gcm chacha20-poly1305; do
		for ps in 64 1000 default 1M; do
			case $ps in
			default) bytes=65536 ;;
			1M) bytes=1048576 ;;
			*) bytes=$ps ;;
			esac
			for n in $(sizes "$bytes"); do
				head -c "$n" all > pl
				if [[ $ps == default ]]; then
					ecap-seal $seal --aead "$aead" -o c pl
				else
					ecap-seal $seal --aead "$aead" --page-size "$ps" -o c pl
				fi || fail "seal failed: $seal, $aead, page $ps, $n bytes"
				[[ $(ecap-inspect c | sed -n 3,6p) == "aead: $aead
page size: $bytes
pages: $(((n + bytes - 1) / bytes + (n == 0)))
payload: $n bytes" ]] || fail "ecap-inspect: wrong geometry: $aead, page $ps, $n bytes"
				for opts in "$@"; do
					ecap-open $opts --raw c > back ||
						fail "open $opts failed: $seal, $aead, page $ps, $n bytes"
					cmp -s pl back || fail "open $opts: wrong bytes: $seal, $aead, page $ps, $n bytes"
					if [[ $ps == default ]]; then
						cat pl | ecap-seal $seal --aead "$aead" | ecap-open $opts --raw - > back
					else
						cat pl | ecap-seal $seal --aead "$aead" --page-size "$ps" |
							ecap-open $opts --raw - > back
					fi || fail "pipe $opts failed: $seal, $aead, page $ps, $n bytes"
					cmp -s pl back || fail "pipe $opts: wrong bytes: $seal, $aead, page $ps, $n bytes"
				done
			done
		done
	done
}

# --- round trips ---

@test "round trips: master key from --key-file, every AEAD, page size and payload edge" {
	roundtrips "--key-file k" "--key-file k"
}

@test "round trips: master key from ECAP_KEY" {
	export ECAP_KEY=$(cat k)
	roundtrips "" ""
}

@test "round trips: master key from ECAP_KEY_FILE" {
	export ECAP_KEY_FILE=k
	roundtrips "" ""
}

@test "round trips: an X25519 recipient named with -r, opened with -i" {
	roundtrips "-r $(cat id1.rcpt)" "-i id1"
}

@test "round trips: master key from the kernel keyring (--keyring)" {
	command -v keyctl > /dev/null || skip "no keyctl"
	KEYRING_NAME="ecap-test-$$-$BATS_TEST_NUMBER-$RANDOM"
	keyctl add user "$KEYRING_NAME" "$(cat k)" @u > /dev/null 2>&1 ||
		skip "the kernel keyring is not usable here"
	roundtrips "--keyring $KEYRING_NAME" "--keyring $KEYRING_NAME" "--key-file k"
}

@test "round trips: X25519 recipients from a file named with -R, opened with -i" {
	ecap-keygen -y id1 > rcpts
	roundtrips "-R rcpts" "-i id1"
}

@test "round trips: a master key and two recipients in one capsule, each opening it alone" {
	# -R with an identity file names its recipient.
	roundtrips "--key-file k -r $(cat id1.rcpt) -R id2" "--key-file k" "-i id1" "-i id2"
}

@test "-R takes a recipients file as ecap-keygen -y writes it, one stanza for each" {
	ecap-keygen -y id1 > rcpts
	ecap-keygen -y id2 >> rcpts
	run -0 ecap-seal -R rcpts -o c p
	ecap-open -i id1 --raw c | cmp - p
	ecap-open -i id2 --raw c | cmp - p
	assert_equal "$(ecap-inspect c | grep -c '^stanza: x25519 ')" 2
}

@test "the capsule lists one stanza per key: key id for the master key, x25519 ids for recipients" {
	ecap-seal --key-file k -r "$(cat id1.rcpt)" -r "$(cat id2.rcpt)" -o c p
	run -0 ecap-inspect --json c
	assert_equal "$(jq -c .stanzas <<< "$output")" \
		"[{\"key_id\":\"$(cat k.id)\",\"key_kind\":\"key\"},{\"key_id\":\"$ID1\",\"key_kind\":\"x25519\"},{\"key_id\":\"$ID2\",\"key_kind\":\"x25519\"}]"
	# A key besides recipients only when named: with -r alone, ECAP_KEY is not used.
	ECAP_KEY=$(cat k) ecap-seal -r "$(cat id1.rcpt)" -o c1 p
	run -0 ecap-inspect --json c1
	assert_equal "$(jq -c '[.stanzas[].key_kind]' <<< "$output")" '["x25519"]'
	# A recipient named twice, or by -r and by -R, gets one stanza.
	ecap-seal -r "$(cat id1.rcpt)" -r "$(cat id1.rcpt)" -R id1 -o c2 p
	run -0 ecap-inspect c2
	assert_equal "$(grep -c '^stanza: ' <<< "$output")" 1
}

@test "--page-size takes a size with a suffix, and the limits 64 and 16777200 work" {
	ecap-seal --key-file k --page-size 64K -o a p
	run -0 ecap-inspect --json a
	assert_equal "$(jq .page_size <<< "$output")" 65536
	for ps in 64 16777200; do
		ecap-seal --key-file k --page-size "$ps" -o "c$ps" p
		ecap-open --key-file k --raw "c$ps" | cmp - p
	done
	assert_equal "$(ecap-inspect --json c64 | jq .pages)" 5
	assert_equal "$(ecap-inspect --json c16777200 | jq .pages)" 1
}

@test "--reproducible: the same payload, key, options and SOURCE_DATE_EPOCH give the same bytes" {
	export SOURCE_DATE_EPOCH=1000000000
	ecap-seal --key-file k -r "$(cat id1.rcpt)" --page-size 64 --reproducible -o a p
	ecap-seal --key-file k -r "$(cat id1.rcpt)" --page-size 64 --reproducible -o b p
	cmp a b
	ecap-open -i id1 --raw a | cmp - p
	ecap-seal --key-file k2 -r "$(cat id1.rcpt)" --page-size 64 --reproducible -o c p
	! cmp -s a c
}

# --- the exec/1 frame stream ---

@test "default output: ECAP exec/1, META, the payload in BODY frames, CHKP, stdin as STDI, END" {
	ecap-seal --key-file k --page-size 64 -o c p
	printf 'input for the guest' > in
	ecap-open --key-file k c < in > s
	run -0 ecap-frame list s
	assert_line --index 0 "0 ECAP 6 exec/1"
	assert_equal "$(ecap-frame list s | awk '{ printf "%s ", $2 }')" \
		"ECAP META BODY BODY BODY BODY BODY CHKP STDI END "
	ecap-frame dump -t BODY s | cmp - p
	ecap-frame dump -t STDI s | cmp - in
	run -0 ecap-frame check s
	assert_output --regexp '^s: OK, exec/1, 10 frames, [0-9]+ bytes$'
	# The CHKP closes exactly the verified payload: it comes before any stdin.
	assert_equal "$(frame_offset s CHKP)" $(($(frame_offset s STDI) - 40))
}

@test "META carries the signed metadata, the header and capsule hashes and the Merkle root" {
	ecap-seal --key-file k --meta purpose=test --capability net -o c p
	ecap-open --key-file k c < /dev/null > s
	run -0 ecap-frame dump -t META s
	assert_output "capability=net
content-type=application/octet-stream
$(ecap-inspect c | sed -n 's/^meta: created=/created=/p')
purpose=test
x-header-hash=$(ecap-inspect --json c | jq -r .header_hash)
x-capsule-hash=$(head -c "$(frame_offset c CHKP)" c | sha256sum | cut -c1-64)
x-merkle-root=$(merkle -t PAGE c | cut -c1-64)"
}

@test "stdin is passed on in STDI frames as it comes, however long" {
	ecap-seal --key-file k -o c p
	prng 200000 3 > in
	ecap-open --key-file k c < in > s
	ecap-frame dump -t STDI s | cmp - in
	assert_equal "$(ecap-frame list s | tail -n 1 | cut -d' ' -f2)" END
	(($(ecap-frame list s | grep -c ' STDI ') > 1))
}

@test "--no-stdin: no STDI frame, stdin is not read; a capsule read from stdin gives no STDI" {
	ecap-seal --key-file k -o c p
	echo unread > in
	ecap-open --key-file k --no-stdin c < in > s
	assert_equal "$(ecap-frame list s | awk '{ printf "%s ", $2 }')" "ECAP META BODY CHKP END "
	ecap-open --key-file k - < c > s2
	assert_equal "$(ecap-frame list s2 | awk '{ printf "%s ", $2 }')" "ECAP META BODY CHKP END "
	ecap-frame dump -t BODY s2 | cmp - p
	# No CAPSULE operand: the same as -.
	ecap-open --key-file k < c > s3
	cmp s2 s3
}

@test "an empty payload is one empty BODY frame" {
	ecap-seal --key-file k -o c /dev/null
	ecap-open --key-file k --no-stdin c > s
	run -0 ecap-frame list s
	assert_line --index 2 --regexp '^[0-9]+ BODY 0$'
	assert_equal "${#lines[@]}" 5
}

# --- -o FILE and --raw ---

@test "-o FILE: the payload in FILE, nothing on stdout" {
	ecap-seal --key-file k --page-size 64 -o c p
	run -0 --separate-stderr ecap-open --key-file k -o out c
	assert_output ""
	[ -z "$stderr" ]
	cmp out p
	# An existing file is replaced.
	echo old > out2
	ecap-open --key-file k -o out2 c
	cmp out2 p
}

@test "-o FILE is atomic: after a failure there is no FILE and no temporary; an old FILE stays" {
	prng 1000 > big
	ecap-seal --key-file k --page-size 64 -o c big
	cp c bad
	flip_byte bad "$(($(frame_offset c PAGE 10) + 20))"
	mkdir d
	exits_with 1 "ecap-open: bad: page 10: does not match the page table" \
		ecap-open --key-file k -o d/out bad
	assert_dir_holds_nothing d
	exits_with 3 "ecap-open: c: no key stanza matches: wrong key? (the capsule is for key $(cat k.id))" \
		ecap-open --key-file k2 -o d/out c
	assert_dir_holds_nothing d
	echo keep > d/out
	exits_with 1 "ecap-open: bad: page 10: does not match the page table" \
		ecap-open --key-file k -o d/out bad
	assert_equal "$(cat d/out)" keep
	assert_equal "$(ls -A d)" out
}

@test "ecap-seal -o FILE: nothing is left after a failure" {
	mkdir d
	exits_with 2 "ecap-seal: nosuch: No such file or directory" ecap-seal --key-file k -o d/c nosuch
	exits_with 2 "ecap-seal: nosuch: No such file or directory" \
		ecap-seal --key-file k --sign nosuch -o d/c p
	run -2 --separate-stderr bash -c 'cat p | ecap-seal --key-file k --reproducible -o d/c'
	assert_equal "$stderr" "ecap-seal: stdin: --reproducible needs a regular file, not a pipe"
	assert_dir_holds_nothing d
}

@test "--raw: the payload alone on stdout" {
	ecap-seal --key-file k -o c p
	run -0 --separate-stderr ecap-open --key-file k --raw c
	[ -z "$stderr" ]
	ecap-open --key-file k --raw c | cmp - p
}

# --- nothing written to disk ---

# traced COMMAND...: run COMMAND under strace -f, every thread, into the file trace: each
# system call that opens, creates, names or writes a file (writev is the frame writer's).
traced() {
	# (LeakSanitizer cannot run under ptrace: off for a sanitizer build.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -o trace -e trace=open,openat,creat,write,pwrite64,writev,pwritev,pwritev2,\
sendfile,splice,copy_file_range,rename,renameat,renameat2,link,linkat,symlink,symlinkat,\
mknod,mknodat,memfd_create "$@"
}
WRITE='^[0-9]+ +(write|pwrite64|writev|pwritev|pwritev2|sendfile|splice|copy_file_range)\('
NAME='^[0-9]+ +(creat|rename|renameat|renameat2|link|linkat|symlink|symlinkat|mknod|mknodat|memfd_create)\('
WOPEN='^[0-9]+ +(open|openat)\(.*(O_WRONLY|O_RDWR|O_CREAT|O_TMPFILE)'

@test "strace: opening with --raw opens no file for writing and writes only to stdout" {
	prng 5000000 9 > big
	ecap-seal --key-file k --page-size 4096 -o c big
	traced ecap-open --key-file k --raw c > back
	cmp back big
	run -1 grep -E "$WOPEN" trace
	run -1 grep -E "$NAME" trace
	grep -E "$WRITE" trace > writes
	grep -q '^[0-9]* *write(1, ' writes
	run -1 grep -vE "${WRITE}[12], " writes
}

@test "strace: the exec/1 stream goes to stdout only, too" {
	ecap-seal --key-file k --page-size 64 -o c p
	traced ecap-open --key-file k c < /dev/null > s
	ecap-frame dump -t BODY s | cmp - p
	run -1 grep -E "$WOPEN" trace
	run -1 grep -E "$NAME" trace
	grep -E "$WRITE" trace > writes
	grep -q '^[0-9]* *writev(1, ' writes
	run -1 grep -vE "${WRITE}[12], " writes
}

@test "strace: with -o OUT the only file written is OUT's unnamed temporary, linked and renamed" {
	prng 5000000 9 > big
	ecap-seal --key-file k --page-size 4096 -o c big
	mkdir d
	traced ecap-open --key-file k -o d/out c
	cmp d/out big
	run -0 grep -E "$WOPEN" trace
	assert_output --regexp '^[0-9]+ +openat\(AT_FDCWD, "d", O_WRONLY[|]O_CLOEXEC[|]O_TMPFILE, 0666\) = [0-9]+$'
	fd=${output##* = }
	grep -E "$WRITE" trace > writes
	grep -q "^[0-9]* *write($fd, " writes
	run -1 grep -vE "${WRITE}$fd, " writes
	run -0 grep -E "$NAME" trace
	assert_line --index 0 --regexp "linkat\(AT_FDCWD, \"/proc/self/fd/$fd\", AT_FDCWD, \"d/out\.[0-9]+\.0\.tmp\", AT_SYMLINK_FOLLOW\) = 0$"
	assert_line --index 1 --regexp 'rename\("d/out\.[0-9]+\.0\.tmp", "d/out"\) = 0$'
	assert_equal "${#lines[@]}" 2
}

# --- signatures ---

# signers: four signing keys, two from ecap-keygen, two from ssh-keygen, each listed in
# allowed_signers under its own principal.
signers() {
	ecap-keygen -t ed25519 -C ours-ed -f our-ed25519 > /dev/null
	ecap-keygen -t ecdsa -C ours-ec -f our-ecdsa > /dev/null
	ssh-keygen -q -t ed25519 -N '' -C ssh-ed -f ssh-ed25519
	ssh-keygen -q -t ecdsa -b 256 -N '' -C ssh-ec -f ssh-ecdsa
	for s in our-ed25519 our-ecdsa ssh-ed25519 ssh-ecdsa; do
		echo "$s@example.org $(cut -d' ' -f1,2 "$s.pub")"
	done > allowed_signers
}

@test "signed with keys from ecap-keygen and ssh-keygen, ed25519 and ecdsa: the listed signer opens" {
	signers
	for s in our-ed25519 our-ecdsa ssh-ed25519 ssh-ecdsa; do
		ecap-seal --key-file k --sign "$s" --page-size 64 -o "c-$s" p
		ecap-open --key-file k --allowed-signers allowed_signers --raw "c-$s" | cmp - p
		ecap-open --key-file k --allowed-signers allowed_signers "c-$s" < /dev/null > st
		fp=$(ssh-keygen -l -f "$s.pub" | cut -d' ' -f2)
		run -0 ecap-frame dump -t META st
		assert_line "x-signer=$fp"
		assert_line "x-principal=$s@example.org"
		run -0 ecap-inspect --allowed-signers allowed_signers "c-$s"
		kt=${s#*-}
		assert_line "signer: $fp (${kt^^})"
		assert_line "principal: $s@example.org"
		run -0 ecap-inspect --allowed-signers allowed_signers --json "c-$s"
		assert_equal "$(jq -r '[.signed, .signer, .principal] | @tsv' <<< "$output")" \
			"true	$fp	$s@example.org"
	done
}

@test "ecap-inspect names the signer's key type" {
	signers
	for s in our-ed25519 ssh-ecdsa; do
		ecap-seal --key-file k --sign "$s" -o "c-$s" p
	done
	run -0 ecap-inspect c-our-ed25519
	assert_line --regexp '^signer: SHA256:[A-Za-z0-9+/]{43} \(ED25519\)$'
	run -0 ecap-inspect --json c-ssh-ecdsa
	assert_equal "$(jq -r .signer_type <<< "$output")" ecdsa-sha2-nistp256
}

@test "--allowed-signers refuses an unsigned capsule with exit 4" {
	signers
	ecap-seal --key-file k -o c p
	open_refused 4 "ecap-open: c: the capsule is not signed, and allowed signers are required" c \
		--key-file k --allowed-signers allowed_signers
	exits_with 4 "ecap-inspect: c: the capsule is not signed, and allowed signers are required" \
		ecap-inspect --allowed-signers allowed_signers c
}

@test "--allowed-signers refuses a signer it does not list with exit 4, naming its fingerprint" {
	signers
	ssh-keygen -q -t ed25519 -N '' -C stranger -f stranger
	ecap-seal --key-file k --sign stranger -o c p
	fp=$(ssh-keygen -l -f stranger.pub | cut -d' ' -f2)
	open_refused 4 "ecap-open: c: unknown signer $fp: not in the allowed signers for namespace ecap" c \
		--key-file k --allowed-signers allowed_signers
	exits_with 4 "ecap-inspect: c: unknown signer $fp: not in the allowed signers for namespace ecap" \
		ecap-inspect --allowed-signers allowed_signers c
	# Listed, but only for another namespace: still unknown for ecap.
	echo "git@example.org namespaces=\"git\" $(cut -d' ' -f1,2 stranger.pub)" > git_signers
	open_refused 4 "ecap-open: c: unknown signer $fp: not in the allowed signers for namespace ecap" c \
		--key-file k --allowed-signers git_signers
}

@test "ECAP_ALLOWED_SIGNERS is used when --allowed-signers is not given" {
	signers
	ecap-seal --key-file k -o c p
	ecap-seal --key-file k --sign ssh-ed25519 -o cs p
	ECAP_ALLOWED_SIGNERS=allowed_signers ecap-open --key-file k --raw cs | cmp - p
	ECAP_ALLOWED_SIGNERS=allowed_signers run -4 --separate-stderr ecap-open --key-file k --raw c
	assert_equal "$stderr" "ecap-open: c: the capsule is not signed, and allowed signers are required"
	assert_output ""
}

@test "interop: ssh-keygen -Y verify -n ecap says Good for the signed bytes of every capsule" {
	signers
	for s in our-ed25519 our-ecdsa ssh-ed25519 ssh-ecdsa; do
		ecap-seal --key-file k -r "$(cat id1.rcpt)" --sign "$s" -o c p
		ecap-inspect --signature c > sig
		n=$(ecap-inspect --json c | jq .signed_bytes)
		assert_equal "$n" "$(frame_offset c SIGN)"
		head -c "$n" c > signed
		run -0 ssh-keygen -Y verify -f allowed_signers -I "$s@example.org" -n ecap -s sig < signed
		assert_output --partial "Good \"ecap\" signature for $s@example.org with "
		run -255 ssh-keygen -Y verify -f allowed_signers -I "$s@example.org" -n git -s sig < signed
		refute_output --partial Good
		# One byte more or less is not what was signed.
		head -c $((n - 1)) c > short
		run -255 ssh-keygen -Y verify -f allowed_signers -I "$s@example.org" -n ecap -s sig < short
	done
}

@test "interop: the signature is the armored SSHSIG that ssh-keygen -Y sign makes for the same key" {
	signers
	ecap-seal --key-file k --sign ssh-ed25519 -o c p
	ecap-inspect --signature c > sig
	head -c "$(ecap-inspect --json c | jq .signed_bytes)" c > signed
	ssh-keygen -q -Y sign -f ssh-ed25519 -n ecap < signed > theirs
	# Ed25519 is deterministic: the same blob byte for byte.
	cmp sig theirs
}

@test "--signature of an unsigned capsule: exit 1" {
	ecap-seal --key-file k -o c p
	exits_with 1 "ecap-inspect: c: the capsule is not signed" ecap-inspect --signature c
}

# --- errors: keys ---

@test "wrong master key: exit 3, the key ids the capsule is for, nothing written" {
	ecap-seal --key-file k --page-size 64 -o c p
	open_refused 3 "ecap-open: c: no key stanza matches: wrong key? (the capsule is for key $(cat k.id))" \
		c --key-file k2
	ECAP_KEY=$(cat k2) open_refused 3 \
		"ecap-open: c: no key stanza matches: wrong key? (the capsule is for key $(cat k.id))" c
}

@test "wrong identity: exit 3, and a master key for a capsule with recipients only" {
	ecap-seal -r "$(cat id1.rcpt)" --key-file k -o c p
	open_refused 3 "ecap-open: c: no key stanza matches: wrong key? (the capsule is for key $(cat k.id), x25519 $ID1)" \
		c -i id2
	ecap-seal -r "$(cat id1.rcpt)" -o c1 p
	open_refused 3 "ecap-open: c1: no key stanza matches: wrong key? (the capsule is for x25519 $ID1)" \
		c1 --key-file k
}

@test "no key at all: exit 2, saying how to give one" {
	ecap-seal --key-file k -o c p
	open_refused 2 "ecap-open: no key: give --key-file, --keyring or -i, or set ECAP_KEY, ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file" c
	exits_with 2 "ecap-seal: no key: give --key-file, --keyring or -r, or set ECAP_KEY, ECAP_KEY_FILE, ECAP_KEYRING or key.file in the config file" \
		ecap-seal p
}

@test "a missing or malformed key file, ECAP_KEY or identity: exit 2 naming it" {
	ecap-seal --key-file k -o c p
	open_refused 2 "ecap-open: nosuch: No such file or directory" c --key-file nosuch
	ECAP_KEY_FILE=nosuch open_refused 2 "ecap-open: nosuch: No such file or directory" c
	ECAP_KEY=zz open_refused 2 \
		"ecap-open: ECAP_KEY: not a key: byte 1 is not a hex digit (want 64 hex digits)" c
	echo junk > badid
	open_refused 2 \
		"ecap-open: badid: line 1: not an X25519 identity: want \"ecap-x25519-identity:\" and 64 hex digits" \
		c -i badid
	exits_with 2 "ecap-seal: not an X25519 recipient: want \"ecap-x25519:\" and 64 hex digits" \
		ecap-seal -r bogus p
	exits_with 2 "ecap-seal: k: not an OpenSSH private key" ecap-seal --key-file k --sign k p
}

@test "a low-order X25519 recipient is refused before anything is written" {
	zero=ecap-x25519:$(printf '%064d' 0)
	id=$(head -c 32 /dev/zero | sha256_hex | cut -c1-16)
	run -2 ecap-seal -r "$zero" -o c p
	assert_output "ecap-seal: recipient $id: a low-order point, not a key"
	assert_file_not_exists c
	st=0
	ecap-seal --key-file k -r "$zero" p > so 2> err || st=$?
	assert_equal "$st" 2
	assert_equal "$(cat err)" "ecap-seal: recipient $id: a low-order point, not a key"
	assert_equal "$(file_size so)" 0
}

# --- errors: not a capsule, unsupported ---

@test "not a capsule: a data/1 stream, random bytes, an empty file, a directory" {
	ecap-frame wrap p > d
	prng 500 7 > r
	: > e
	mkdir dir
	open_refused 2 "ecap-open: d: not a capsule: a data/1 stream" d --key-file k
	open_refused 2 "ecap-open: r: not a capsule: offset 0: bad frame type 0x429c3c22: not a frame stream" \
		r --key-file k
	open_refused 2 "ecap-open: e: not a capsule: offset 0: empty input: expected an ECAP stream header" \
		e --key-file k
	open_refused 2 "ecap-open: dir: is a directory" dir --key-file k
	open_refused 2 "ecap-open: nosuch: No such file or directory" nosuch --key-file k
	exits_with 2 "ecap-inspect: d: not a capsule: a data/1 stream" ecap-inspect d
	exits_with 2 "ecap-inspect: d: not a capsule: a data/1 stream" ecap-inspect --verify d
}

@test "unsupported version: a capsule/2 stream (with its hashes made right)" {
	ecap-seal --key-file k -o c p
	cp c v2
	patch_bytes v2 16 32		# "capsule/1" -> "capsule/2"
	rehash v2
	run -0 ecap-frame list v2
	assert_line --index 0 "0 ECAP 9 capsule/2"
	open_refused 2 \
		"ecap-open: v2: offset 0: stream format capsule/2 is newer than this program reads (capsule/1)" \
		v2 --key-file k
}

@test "unsupported AEAD, compression and key stanza kind (with hashes made right): exit 2" {
	ecap-seal --key-file k -o c p
	head=$(($(frame_offset c HEAD) + 8))
	cp c aead
	patch_bytes aead "$head" 00000003
	rehash aead
	open_refused 2 "ecap-open: aead: unsupported AEAD number 3" aead --key-file k
	exits_with 2 "ecap-inspect: aead: unsupported AEAD number 3" ecap-inspect aead
	cp c comp
	patch_bytes comp $((head + 8)) 00000002
	rehash comp
	open_refused 2 "ecap-open: comp: unsupported compression number 2" comp --key-file k
	# zstd, but without the size it must declare.
	cp c nosize
	patch_bytes nosize $((head + 8)) 00000001
	rehash nosize
	open_refused 2 "ecap-open: nosize: HEAD: a compressed payload without a valid uncompressed-size" \
		nosize --key-file k
	cp c resv
	patch_bytes resv $((head + 12)) 00000001
	rehash resv
	open_refused 2 "ecap-open: resv: HEAD: reserved field is not zero" resv --key-file k
	cp c kind
	patch_bytes kind $(($(frame_offset c RCPT) + 8)) 03
	rehash kind
	open_refused 2 "ecap-open: kind: key stanza 1: unsupported kind 3" kind --key-file k
}

@test "min-toolkit-version: a higher one is refused with exit 2, ours and lower ones open" {
	ecap-seal --key-file k --meta min-toolkit-version=99 -o c99 p
	open_refused 2 "ecap-open: c99: the capsule needs toolkit version 99 or later; this is $VERSION" c99 --key-file k
	ecap-seal --key-file k --meta "min-toolkit-version=$VERSION.1" -o cnext p
	open_refused 2 "ecap-open: cnext: the capsule needs toolkit version $VERSION.1 or later; this is $VERSION" \
		cnext --key-file k
	for v in "$VERSION" 0.0.1 0; do
		ecap-seal --key-file k --meta "min-toolkit-version=$v" -o c p
		ecap-open --key-file k --raw c | cmp - p
	done
}

@test "a metadata key given twice with two values is refused (min-toolkit-version cannot be dodged)" {
	exits_with 2 "ecap-seal: metadata key of 'min-toolkit-version=99' given twice" \
		ecap-seal --key-file k --meta min-toolkit-version=0.0.1 --meta min-toolkit-version=99 -o c p
	assert_file_not_exists c
	# The same line twice is one line; capability may repeat.
	ecap-seal --key-file k --meta a=1 --meta a=1 --capability x --capability y -o c p
	run -0 ecap-inspect c
	assert_equal "$(grep -c '^meta: a=1$' <<< "$output")" 1
	assert_line "meta: capability=x"
	assert_line "meta: capability=y"
	# A HEAD forged to hold a key twice (sorted, hashes right) is refused by the opener.
	ecap-seal --key-file k --meta a=1 --meta b=2 -o c p
	at=$(grep -obUa 'b=2' c | cut -d: -f1)
	patch_bytes c "$at" 61		# "b=2" -> "a=2"
	rehash c
	open_refused 2 "ecap-open: c: HEAD: metadata key of 'a=1' given twice" c --key-file k
}

# --- errors: options and usage ---

@test "bad --page-size: exit 2 with the limits" {
	for ps in 63 0 abc 16777201 16M -1 ''; do
		exits_with 2 "ecap-seal: --page-size: not a size of 64 to 16777200 bytes: '$ps'" \
			ecap-seal --key-file k --page-size "$ps" p
	done
}

@test "--aead junk: exit 2 naming the two AEADs" {
	exits_with 2 "ecap-seal: --aead: not aes-256-gcm or chacha20-poly1305: 'junk'" \
		ecap-seal --key-file k --aead junk p
	exits_with 2 "ecap-seal: --aead: not aes-256-gcm or chacha20-poly1305: ''" \
		ecap-seal --key-file k --aead '' p
}

@test "bad metadata and thread counts: exit 2" {
	exits_with 2 "ecap-seal: metadata 'BAD': not key=value (key of a-z 0-9 . -, value without control characters)" \
		ecap-seal --key-file k --meta BAD p
	exits_with 2 "ecap-seal: metadata 'x-signer=me': keys beginning x- are reserved for openers" \
		ecap-seal --key-file k --meta x-signer=me p
	exits_with 2 "ecap-seal: -j: not a thread count of 1 to 64: '0'" ecap-seal --key-file k -j 0 p
	ecap-seal --key-file k -o c p
	exits_with 2 "ecap-open: -j: not a thread count of 1 to 64: '65'" ecap-open --key-file k -j 65 --raw c
	exits_with 2 "ecap-inspect: --page: not a page number: 'abc'" ecap-inspect --page abc c
}

@test "an option given twice is refused; -r, -R, --meta, --capability and -i may repeat" {
	ecap-seal --key-file k -o c p
	for twice in "--aead aes-256-gcm --aead aes-256-gcm" "--page-size 64 --page-size 64" \
		"--key-file k --key-file k" "-o x -o x" "--sign k --sign k" "--reproducible --reproducible" \
		"-j 1 -j 1"; do
		exits_with 2 "ecap-seal: an option was given twice" ecap-seal --key-file k $twice p
	done
	assert_file_not_exists x
	for twice in "--raw --raw" "--key-file k --key-file k" "-o x -o x" "--no-stdin --no-stdin" \
		"--allowed-signers k --allowed-signers k"; do
		exits_with 2 "ecap-open: an option was given twice" ecap-open --key-file k $twice c
	done
	assert_file_not_exists x
	for twice in "--json --json" "--verify --verify" "--page 0 --page 0" "--signature --signature" \
		"--allowed-signers k --allowed-signers k"; do
		exits_with 2 "ecap-inspect: an option was given twice" ecap-inspect $twice c
	done
	ecap-seal --key-file k -r "$(cat id1.rcpt)" -R id2 -r "$(cat id2.rcpt)" --meta a=1 --meta b=2 \
		--capability x --capability y -o c2 p
	ecap-open -i id2 -i id1 --raw c2 | cmp - p
}

@test "usage errors: exit 2 with the usage on stderr, nothing on stdout" {
	ecap-seal --key-file k -o c p
	for args in "p p" "--bogus p" "-x"; do
		run -2 --separate-stderr ecap-seal --key-file k $args
		assert_output ""
		[[ $stderr == *"usage: ecap-seal "* ]]
	done
	for args in "c c" "--raw -o x c" "--bogus c"; do
		run -2 --separate-stderr ecap-open --key-file k $args
		assert_output ""
		[[ $stderr == *"usage: ecap-open "* ]]
	done
	assert_file_not_exists x
	for args in "c c" "--verify --page 0 c" "--signature --json c" "--page 0 --signature c" "--bogus c"; do
		run -2 --separate-stderr ecap-inspect $args
		assert_output ""
		[[ $stderr == *"usage: ecap-inspect "* ]]
	done
	for prog in ecap-seal ecap-open ecap-inspect; do
		run -0 --separate-stderr "$prog" --help
		assert_line --index 0 --partial "usage: $prog "
		[ -z "$stderr" ]
	done
}

# --- ecap-inspect ---

@test "ecap-inspect: the summary, every field, without any key" {
	signers
	SOURCE_DATE_EPOCH=1000000000 ecap-seal --key-file k -r "$(cat id1.rcpt)" --sign ssh-ecdsa \
		--aead chacha20-poly1305 --page-size 64 --meta purpose=test --capability net -o c p
	fp=$(ssh-keygen -l -f ssh-ecdsa.pub | cut -d' ' -f2)
	run -0 ecap-inspect c
	assert_output "capsule: c
format: capsule/1
aead: chacha20-poly1305
page size: 64
pages: 5
payload: 300 bytes
compression: none
header: $(frame_offset c PAGE) bytes
merkle root: $(merkle -t PAGE c | cut -c1-64)
header hash: $(head -c "$(frame_offset c TABL)" c | sha256_hex)
capsule hash: $(head -c "$(frame_offset c SIGN)" c | sha256_hex)
stanza: key $(cat k.id)
stanza: x25519 $ID1
signer: $fp (ECDSA)
signed: $(frame_offset c SIGN) bytes
meta: capability=net
meta: content-type=application/octet-stream
meta: created=2001-09-09T01:46:40Z
meta: purpose=test"
	# Reads stdin too, and names it.
	run -0 ecap-inspect < c
	assert_line --index 0 "capsule: stdin"
}

@test "ecap-inspect --json: the same fields for scripts" {
	signers
	SOURCE_DATE_EPOCH=1000000000 ecap-seal --key-file k -r "$(cat id1.rcpt)" --sign our-ed25519 \
		--page-size 1000 --meta purpose=test -o c p
	run -0 ecap-inspect --json c
	j=$output
	assert_equal "$(jq -r '[.file, .format, .aead, .page_size, .pages, .payload_bytes, .header_bytes,
	    .signed, .signer_type, .signed_bytes, .verified] | @tsv' <<< "$j")" \
		"c	capsule/1	aes-256-gcm	1000	1	300	$(frame_offset c PAGE)	true	ssh-ed25519	$(frame_offset c SIGN)	false"
	assert_equal "$(jq -r .root <<< "$j")" "$(merkle -t PAGE c | cut -c1-64)"
	assert_equal "$(jq -r .header_hash <<< "$j")" "$(head -c "$(frame_offset c TABL)" c | sha256_hex)"
	assert_equal "$(jq -r .capsule_hash <<< "$j")" "$(head -c "$(frame_offset c SIGN)" c | sha256_hex)"
	assert_equal "$(jq -r .signer <<< "$j")" "$(ssh-keygen -l -f our-ed25519.pub | cut -d' ' -f2)"
	assert_equal "$(jq -c .meta <<< "$j")" \
		'["content-type=application/octet-stream","created=2001-09-09T01:46:40Z","purpose=test"]'
	assert_equal "$(jq -r 'has("bytes")' <<< "$j")" false
	ecap-seal --key-file k -o u p
	assert_equal "$(ecap-inspect --json u | jq -c '[.signed, has("signer")]')" '[false,false]'
}

@test "ecap-inspect --verify: a good capsule verifies without a key" {
	signers
	ecap-seal --key-file k --sign ssh-ed25519 --page-size 64 -o c p
	run -0 ecap-inspect --verify c
	assert_line "capsule size: $(file_size c) bytes"
	assert_equal "${lines[-1]}" "verified: page table, Merkle root, signature, every page, END"
	run -0 ecap-inspect --verify --json c
	assert_equal "$(jq -c '[.verified, .bytes]' <<< "$output")" "[true,$(file_size c)]"
	ecap-seal --key-file k -o u p
	run -0 ecap-inspect --verify u
	assert_equal "${lines[-1]}" "verified: page table, Merkle root, no signature, every page, END"
}

@test "ecap-inspect --verify: a tampered page, table, signature or END is refused without a key" {
	signers
	ecap-seal --key-file k --sign ssh-ed25519 --page-size 64 -o c p
	cp c page && flip_byte page $(($(frame_offset c PAGE 2) + 8))
	exits_with 1 "ecap-inspect: page: page 2: does not match the page table" ecap-inspect --verify page
	exits_with 1 "ecap-inspect: page: page 2: does not match the page table" ecap-inspect --verify --json page
	# Without --verify only the header is read and checked.
	run -0 ecap-inspect page
	cp c tabl && flip_byte tabl $(($(frame_offset c TABL) + 8))
	exits_with 1 "ecap-inspect: tabl: signature does not verify" ecap-inspect --verify tabl
	exits_with 1 "ecap-inspect: tabl: signature does not verify" ecap-inspect tabl
	cp c end && flip_byte end $(($(frame_offset c 'END') + 8))
	run -1 --separate-stderr ecap-inspect --verify end
	assert_equal "$stderr" "ecap-inspect: end: offset $(frame_offset c END): END hash does not match the stream before it (corrupt or spliced)"
	assert_output ""
	ecap-seal --key-file k --page-size 64 -o u p
	cp u utabl && flip_byte utabl $(($(frame_offset u TABL) + 8)) && rehash utabl
	exits_with 1 "ecap-inspect: utabl: the page table does not match its Merkle root" ecap-inspect --verify utabl
}

@test "ecap-inspect --page N: an inclusion proof that merkle verify accepts, for every page" {
	prng 1000 > big
	ecap-seal --key-file k --page-size 64 -o c big
	root=$(ecap-inspect --json c | jq -r .root)
	assert_equal "$(merkle -t PAGE c | cut -c1-64)" "$root"
	merkle --leaves -t PAGE c > leaves
	for ((n = 0; n < 16; n++)); do
		ecap-inspect --page "$n" c > proof
		ecap-inspect --page "$n" --json c | jq -r '"\(.index) \(.size) \(.root)", .leaf_hash, .proof[]' > j
		assert_equal "$(head -n 1 j)" "$n 16 $root"
		leaf=$(sed -n 2p j)
		assert_equal "$leaf" "$(sed -n "$((n + 1))p" leaves)"
		assert_equal "$(tail -n +3 j)" "$(cat proof)"
		run -0 merkle verify --root "$root" --index "$n" --size 16 --proof proof --leaf-hash "$leaf"
		# Not the proof of any other page.
		run -1 merkle verify --root "$root" --index $(((n + 1) % 16)) --size 16 --proof proof \
			--leaf-hash "$leaf"
	done
	exits_with 2 "ecap-inspect: c: no page 16: the capsule has 16" ecap-inspect --page 16 c
	# One page (an empty payload): the proof is empty, the root is the leaf hash.
	ecap-seal --key-file k -o e /dev/null
	ecap-inspect --page 0 e > proof
	[ ! -s proof ]
	leaf=$(ecap-inspect --page 0 --json e | jq -r .leaf_hash)
	assert_equal "$(ecap-inspect --json e | jq -r .root)" "$leaf"
	run -0 merkle verify --root "$leaf" --index 0 --size 1 --proof proof --leaf-hash "$leaf"
}

@test "merkle -t PAGE prints the root that ecap-inspect shows, for 1, 2, 3 and 5 pages" {
	for n in 1 65 129 300; do
		head -c "$n" p > pl
		ecap-seal --key-file k --page-size 64 -o c pl
		assert_equal "$(merkle -t PAGE c | cut -c1-64)" "$(ecap-inspect --json c | jq -r .root)"
	done
}

@test "one pass, two passes and the spool give the same reproducible capsule, signed or not" {
	make -s -C "$T_ROOT" t/data/wasm/hello.wasm
	w="$T_ROOT/t/data/wasm/hello.wasm"
	ssh-keygen -q -t ed25519 -N '' -f ed
	ssh-keygen -q -t ecdsa -b 256 -N '' -f ec
	export SOURCE_DATE_EPOCH=5
	for sign in "" "--sign ed" "--sign ec"; do
		for pg in 64 100 65536; do
			# A file into a file: one pass (ECDSA: two); into a pipe: two; a pipe: spooled.
			ecap-seal --key-file k $sign --reproducible --page-size "$pg" -o one "$w"
			ecap-seal --key-file k $sign --reproducible --page-size "$pg" "$w" > one-stdout
			ecap-seal --key-file k $sign --reproducible --page-size "$pg" "$w" | cat > two
			cat "$w" | ecap-seal --key-file k $sign --reproducible --page-size "$pg" > spooled
			cmp one one-stdout
			cmp one two
			cmp one spooled
			ecap-open --key-file k --raw one | cmp - "$w"
			[[ -z $sign ]] || ecap-inspect --verify one > /dev/null
		done
	done
	# One pass seeks past the header to write the pages, and back; two passes do not seek.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -o tr -e trace=lseek ecap-seal --key-file k --sign ed "$w" > one
	grep -q '^lseek(1, [1-9][0-9]*, SEEK_SET)' tr
	grep -q '^lseek(1, 0, SEEK_SET)' tr
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -o tr -e trace=lseek ecap-seal --key-file k --sign ec "$w" > two
	! grep -q '^lseek(1, [0-9]*, SEEK_SET)' tr
}

@test "one pass: more pages than one TABL frame holds, the same as two passes" {
	# 524288 leaf hashes fill a TABL frame; pages of 64 bytes need three frames here.
	prng $((64 * 1100000 + 5)) 9 > big
	export SOURCE_DATE_EPOCH=5
	ecap-seal --key-file k --reproducible --page-size 64 -o one big
	ecap-seal --key-file k --reproducible --page-size 64 big | cat > two
	cmp one two
	[[ $(ecap-inspect one | grep '^pages:') == "pages: 1100001" ]]
	ecap-open --key-file k --raw one | cmp - big
}

@test "into standard output: after what is already there, and appended with >>" {
	{ echo before; ecap-seal --key-file k p; echo after; } > out
	[[ $(head -c 7 out) == before && $(tail -c 6 out) == after ]]
	tail -c +8 out | head -c -6 | ecap-open --key-file k --raw - | cmp - p
	echo before > app
	ecap-seal --key-file k p >> app
	tail -c +8 app | ecap-open --key-file k --raw - | cmp - p
}

@test "the payload's own file as the output: refused, the file unchanged" {
	cp p p.orig
	run --separate-stderr -2 sh -c 'ecap-seal --key-file k p 1<> p'
	[[ $stderr == "ecap-seal: p: input file is output file" ]]
	cmp p p.orig
	run --separate-stderr -2 sh -c 'ecap-seal --key-file k p >> p'
	[[ $stderr == "ecap-seal: p: input file is output file" ]]
	cmp p p.orig
}

@test "a file whose size says 0 but that has bytes (/proc) is sealed whole" {
	[[ -r /proc/version && ! -s /proc/version ]] || skip "no /proc/version of size 0"
	ecap-seal --key-file k -o c /proc/version
	ecap-open --key-file k --raw c | cmp - /proc/version
}


@test "a progress line on a terminal for a payload of 64 MiB or more; none in a pipe or for less" {
	command -v script > /dev/null || skip "script(1) is not installed"
	prng $((65 * 1048576)) 3 > big
	script -qec "ecap-seal --key-file k -o c big" /dev/null > tty
	grep -q 'ecap-seal: sealed 65 MiB' tty
	ecap-open --key-file k --raw c | cmp - big
	ecap-seal --key-file k -o c big 2> err
	[[ ! -s err ]]
	script -qec "ecap-seal --key-file k -o c p" /dev/null > tty
	! grep -q 'sealed' tty
}
