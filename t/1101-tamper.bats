#!/usr/bin/env bats
# Capsules that were changed: every byte of a small signed capsule with two
# key stanzas flipped in turn, the capsule cut at every offset, and the
# splices a forger would try (pages swapped between capsules or reordered,
# a header on another capsule's pages, a page appended or dropped, table
# entries swapped), the frame hashes made right so that only the capsule's
# own checks can catch them.  Each is refused with a one-line message and
# nothing is written.

setup() {
	load lib/common
	ecap-keygen -o k > /dev/null
	ecap-keygen -t x25519 -o id > id.rcpt
	ecap-keygen -t ed25519 -f signer > /dev/null
	echo "publisher@example.org $(cut -d' ' -f1,2 signer.pub)" > allowed_signers
	prng 300 > p
	mkdir o
}

# refused_quietly FILE STATUS MESSAGE [OPTION...]: ecap-open with OPTIONs, or the master
# key, refuses FILE with STATUS and the one line MESSAGE: -o writes no file and leaves no
# temporary; the exec/1 stream on stdout holds no CHKP, so it cannot pass as complete.
refused_quietly() {
	local f=$1 st=$2 msg=$3
	shift 3
	(($# > 0)) || set -- --key-file k
	run -"$st" --separate-stderr ecap-open "$@" -o o/out "$f"
	assert_equal "$stderr" "$msg"
	assert_output ""
	assert_dir_holds_nothing o
	ecap-open "$@" "$f" < /dev/null > stream 2> /dev/null && fail "ecap-open $f succeeded"
	run -1 grep -c CHKP stream
}

# pages_from FILE: the PAGE frames of the capsule FILE, as bytes.
pages_from() {
	local first end
	first=$(frame_offset "$1" PAGE)
	end=$(frame_offset "$1" END)
	tail -c +$((first + 1)) "$1" | head -c $((end - first))
}

# set_root FILE: make the ROOT frame's root that of FILE's PAGE frames (as a forger
# without the signing key can, for an unsigned capsule), and the frame hashes right.
set_root() {
	rehash "$1"
	patch_bytes "$1" $(($(frame_offset "$1" ROOT) + 8)) "$(merkle -t PAGE "$1" | cut -c1-64)"
	rehash "$1"
}

# --- the sweeps ---

@test "sweep: every byte flipped in turn is refused, with one line, exit 1-4, and no file" {
	ecap-seal --key-file k -r "$(cat id.rcpt)" --sign signer --page-size 64 -o c p
	size=$(file_size c)
	((size > 1000))
	run -0 ecap-open --key-file k --allowed-signers allowed_signers -o out c
	cmp out p
	rm out
	# Where the pages and the frame hashes are, for the message each must give.
	mapfile -t fr < <(ecap-frame list c)
	mapfile -t byte < <(od -An -v -tu1 -w1 c | tr -d ' ')
	cp c t
	: > bad
	for ((at = 0; at < size; at++)); do
		# One write puts the last byte back and flips this one.
		printf -v flipped '\\%03o' $((byte[at] ^ 1))
		if ((at == 0)); then
			printf "$flipped" > b
			dd if=b of=t conv=notrunc status=none
		else
			printf -v orig '\\%03o' "${byte[at - 1]}"
			printf "$orig$flipped" > b
			dd if=b of=t bs=1 seek=$((at - 1)) conv=notrunc status=none
		fi
		st=0
		ecap-open --key-file k --allowed-signers allowed_signers -o o/out t > so 2> err || st=$?
		mapfile -t msg < err
		# Which frame the byte is in, and where in it.
		want=
		for f in "${fr[@]}"; do
			read -r off type len _ <<< "$f"
			((at >= off + 8 + len)) && continue
			if ((at >= off + 8)); then
				case $type in
				PAGE) want="ecap-open: t: page $(((off - $(frame_offset c PAGE)) / 88)): does not match the page table" ;;
				TABL) want="ecap-open: t: signature does not verify" ;;
				CHKP) want="ecap-open: t: offset $off: checkpoint hash does not match the stream before it (corrupt or spliced)" ;;
				END) want="ecap-open: t: offset $off: END hash does not match the stream before it (corrupt or spliced)" ;;
				esac
			fi
			break
		done
		if ((st < 1 || st > 4)); then
			echo "byte $at: exit $st" >> bad
		elif ((${#msg[@]} != 1)) || [[ ${msg[0]} != "ecap-open: t: "* ]]; then
			echo "byte $at: not one line: $(cat err)" >> bad
		elif [[ -n $want && ${msg[0]} != "$want" ]]; then
			echo "byte $at: ${msg[0]}, not $want" >> bad
		elif [[ -s so ]]; then
			echo "byte $at: output on stdout" >> bad
		elif [[ -e o/out ]]; then
			echo "byte $at: o/out written" >> bad
		fi
	done
	printf -v orig '\\%03o' "${byte[size - 1]}"
	printf "$orig" > b
	dd if=b of=t bs=1 seek=$((size - 1)) conv=notrunc status=none
	cmp t c
	assert_dir_holds_nothing o
	run cat bad
	assert_output ""
}

@test "sweep: the capsule cut at every offset is refused; the exec/1 stream never reaches CHKP" {
	ecap-seal --key-file k -r "$(cat id.rcpt)" --sign signer --page-size 64 -o c p
	size=$(file_size c)
	header=$(frame_offset c PAGE)
	: > bad
	for ((at = 0; at < size; at++)); do
		head -c "$at" c > t
		st=0
		if ((at < header)); then
			# Cut in the header: the exec/1 stream (for wasm-exec) is not even begun.
			ecap-open -i id t < /dev/null > so 2> err || st=$?
		else
			# Cut in the pages: -o writes no file; the exec/1 stream may have had BODY
			# frames, never the CHKP that closes the payload, or an END.
			ecap-open -i id -o o/out t > so 2> err || st=$?
			ecap-open --key-file k t < /dev/null > stream 2> /dev/null &&
				echo "cut at $at: opened" >> bad
			grep -q -e CHKP -e 'END ' stream && echo "cut at $at: CHKP or END in the stream" >> bad
		fi
		mapfile -t msg < err
		if ((at < 17 ? st != 2 : st != 1)); then
			# Before the whole ECAP frame it is not a capsule (2); after, truncated (1).
			echo "cut at $at: exit $st: $(cat err)" >> bad
		elif ((${#msg[@]} != 1)) || [[ ${msg[0]} != "ecap-open: t: "* ]]; then
			echo "cut at $at: not one line: $(cat err)" >> bad
		elif [[ -s so || -e o/out ]]; then
			echo "cut at $at: output written" >> bad
		fi
	done
	assert_dir_holds_nothing o
	run cat bad
	assert_output ""
}

# --- splices: two capsules sealed with the same key ---

@test "a page swapped in from another capsule with the same key is refused" {
	prng 300 2 > q
	ecap-seal --key-file k --page-size 64 -o a p
	ecap-seal --key-file k --page-size 64 -o b q
	one=$(frame_offset a PAGE 1)
	assert_equal "$(frame_offset b PAGE 1)" "$one"
	{ head -c "$one" a; frame_bytes b "$one"; tail -c +$((one + 89)) a; } > x
	rehash x
	assert_equal "$(file_size x)" "$(file_size a)"
	refused_quietly x 1 "ecap-open: x: page 1: does not match the page table"
	# With its table entry and the root made right too: the AEAD still refuses it.
	tabl=$(frame_offset a TABL)
	patch_bytes x $((tabl + 8 + 32)) "$(tail -c +$((tabl + 8 + 32 + 1)) b | head -c 32 | od -An -tx1 | tr -d ' \n')"
	set_root x
	refused_quietly x 1 "ecap-open: x: page 1: authentication failed (tampered)"
	# A signed capsule's table cannot be made right without the signing key.
	ecap-seal --key-file k --sign signer --page-size 64 -o s p
	cp s y
	patch_bytes y $(($(frame_offset s TABL) + 8 + 32)) "$(tail -c +$((tabl + 8 + 32 + 1)) b | head -c 32 | od -An -tx1 | tr -d ' \n')"
	set_root y
	refused_quietly y 1 "ecap-open: y: signature does not verify"
}

@test "two pages of one capsule reordered are refused" {
	ecap-seal --key-file k --page-size 64 -o a p
	zero=$(frame_offset a PAGE 0)
	{ head -c "$zero" a; frame_bytes a $((zero + 88)); frame_bytes a "$zero"; tail -c +$((zero + 177)) a; } > x
	rehash x
	refused_quietly x 1 "ecap-open: x: page 0: does not match the page table"
	# The table reordered to match, and its root made right: the page's nonce still refuses it.
	tabl=$(($(frame_offset a TABL) + 8))
	patch_bytes x "$tabl" "$(tail -c +$((tabl + 33)) a | head -c 32 | od -An -tx1 | tr -d ' \n')"
	patch_bytes x $((tabl + 32)) "$(tail -c +$((tabl + 1)) a | head -c 32 | od -An -tx1 | tr -d ' \n')"
	set_root x
	refused_quietly x 1 "ecap-open: x: page 0: authentication failed (tampered)"
}

@test "the header of one capsule spliced onto the pages of another is refused" {
	prng 300 2 > q
	ecap-seal --key-file k --page-size 64 -o a p
	ecap-seal --key-file k --page-size 64 -o b q
	{ head -c "$(frame_offset a PAGE)" a; pages_from b; } > x
	seal 'END ' x
	refused_quietly x 1 "ecap-open: x: page 0: does not match the page table"
	# a's stanza and header with b's table, root and pages: a's file key and header hash
	# do not open b's pages.
	{ head -c "$(frame_offset a TABL)" a; tail -c +$(($(frame_offset b TABL) + 1)) b; } > y
	rehash y
	refused_quietly y 1 "ecap-open: y: page 0: authentication failed (tampered)"
	# b's key stanza moved into a (the same master key): it was wrapped for b's salt.
	rcpt=$(frame_offset a RCPT)
	{ head -c "$rcpt" a; frame_bytes b "$rcpt"; tail -c +$((rcpt + 66)) a; } > z
	rehash z
	refused_quietly z 1 "ecap-open: z: key stanza 1: authentication failed (tampered)"
	# Signed: the splice of the stanza breaks the signature first.
	ecap-seal --key-file k --sign signer --page-size 64 -o s p
	rcpt=$(frame_offset s RCPT)
	{ head -c "$rcpt" s; frame_bytes b "$rcpt"; tail -c +$((rcpt + 66)) s; } > w
	rehash w
	refused_quietly w 1 "ecap-open: w: signature does not verify"
}

@test "a PAGE appended after the last page is refused" {
	ecap-seal --key-file k --page-size 64 -o a p
	end=$(frame_offset a END)
	{ head -c "$end" a; frame_bytes a "$(frame_offset a PAGE 4)"; } > x
	seal 'END ' x
	refused_quietly x 1 "ecap-open: x: offset $end: frame 'PAGE' after the last page"
	# A full page appended to a capsule whose last page is full.
	head -c 320 p > p5
	ecap-seal --key-file k --page-size 64 -o f p5
	end=$(frame_offset f END)
	{ head -c "$end" f; frame_bytes f "$(frame_offset f PAGE 0)"; } > y
	seal 'END ' y
	refused_quietly y 1 "ecap-open: y: offset $end: frame 'PAGE' after the last page"
}

@test "the last page dropped, with table, root, count and length made right, is refused" {
	head -c 320 p > p5
	ecap-seal --key-file k --page-size 64 -o a p5
	tabl=$(frame_offset a TABL)
	{
		head -c "$tabl" a
		tail -c +$((tabl + 9)) a | head -c 128 | frame TABL
		{ head -c 32 /dev/zero; unhex 0000000000000004; unhex 0000000000000100; } | frame ROOT
	} > x
	seal CHKP x
	for ((n = 0; n < 4; n++)); do
		frame_bytes a "$(frame_offset a PAGE "$n")" >> x
	done
	seal 'END ' x
	set_root x
	run -0 ecap-inspect --json x
	assert_equal "$(jq -c '[.pages, .payload_bytes]' <<< "$output")" "[4,256]"
	# Page 3 was not sealed as the last page (age's STREAM nonce): the cut shows.
	refused_quietly x 1 "ecap-open: x: page 3: authentication failed (tampered)"
}

@test "TABL entries swapped are refused: by the Merkle root, or by the signature" {
	ecap-seal --key-file k --page-size 64 -o a p
	tabl=$(($(frame_offset a TABL) + 8))
	swap_entries() {
		cp "$1" "$2"
		patch_bytes "$2" "$3" "$(tail -c +$(($3 + 33)) "$1" | head -c 32 | od -An -tx1 | tr -d ' \n')"
		patch_bytes "$2" $(($3 + 32)) "$(tail -c +$(($3 + 1)) "$1" | head -c 32 | od -An -tx1 | tr -d ' \n')"
		rehash "$2"
	}
	swap_entries a x "$tabl"
	refused_quietly x 1 "ecap-open: x: the page table does not match its Merkle root"
	run -1 --separate-stderr ecap-inspect --verify x
	assert_equal "$stderr" "ecap-inspect: x: the page table does not match its Merkle root"
	ecap-seal --key-file k --sign signer --page-size 64 -o s p
	swap_entries s y $(($(frame_offset s TABL) + 8))
	refused_quietly y 1 "ecap-open: y: signature does not verify"
	refused_quietly y 1 "ecap-open: y: signature does not verify" \
		--key-file k --allowed-signers allowed_signers
}

@test "the signature of one capsule on another is refused, even by the same signer" {
	prng 300 2 > q
	ecap-seal --key-file k --sign signer --page-size 64 -o a p
	ecap-seal --key-file k --sign signer --page-size 64 -o b q
	sign=$(frame_offset a SIGN)
	assert_equal "$(frame_offset b SIGN)" "$sign"
	{ head -c "$sign" a; frame_bytes b "$sign"; tail -c +$(($(frame_offset a CHKP) + 1)) a; } > x
	rehash x
	refused_quietly x 1 "ecap-open: x: signature does not verify" \
		--key-file k --allowed-signers allowed_signers
	# Removing the signature: fine without allowed signers, refused (4) with them.
	{ head -c "$sign" a; tail -c +$(($(frame_offset a CHKP) + 1)) a; } > u
	rehash u
	ecap-open --key-file k --raw u | cmp - p
	refused_quietly u 4 "ecap-open: u: the capsule is not signed, and allowed signers are required" \
		--key-file k --allowed-signers allowed_signers
}
