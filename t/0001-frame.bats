#!/usr/bin/env bats
# ecap-frame(5) streams and the ecap-frame tool: wrap, list, check, dump, and
# every way a stream can be wrong (each a one-line message with its offset, exit 2).

setup() {
	load lib/common
	printf 'hello' > hello
	ecap-frame wrap hello > good	# ECAP at 0, DATA at 14, END at 27, 67 bytes
}

# refused FILE MESSAGE: check and dump (-t and -i, with -o) all stop with
# "ecap-frame: FILE: MESSAGE" and exit 2, and dump leaves nothing in its directory.
refused() {
	run -2 ecap-frame check "$1"
	assert_output "ecap-frame: $1: $2"
	mkdir -p out
	run -2 ecap-frame dump -t DATA -o out/data "$1"
	assert_output "ecap-frame: $1: $2"
	assert_file_not_exists out/data
	assert_dir_holds_nothing out
	run -2 ecap-frame dump -i 0 -o out/data "$1"
	assert_output "ecap-frame: $1: $2"
	assert_dir_holds_nothing out
}

# roundtrip FILE [WRAP-OPTION...]: wrap FILE, check the stream, dump its DATA: the same bytes.
roundtrip() {
	local f=$1
	shift
	ecap-frame wrap "$@" "$f" > "$f.ecap"
	run -0 ecap-frame check "$f.ecap"
	assert_output --partial "$f.ecap: OK, data/1, "
	ecap-frame dump -t DATA "$f.ecap" > "$f.back"
	assert_files_equal "$f" "$f.back"
}

# --- the format, as wrap writes it ---

@test "the END hash is SHA-256 over type, length and SHA-256(0x00 || payload) of each frame" {
	# Built with printf and openssl alone, as ecap-frame(5) defines it.
	leaf() { { printf '\0'; printf '%s' "$1"; } | openssl dgst -sha256 -binary; }
	want=$({ printf 'ECAP\0\0\0\006'; leaf data/1; printf 'DATA\0\0\0\005'; leaf hello; } |
		openssl dgst -sha256 -binary | od -An -v -tx1 | tr -d ' \n')
	run -0 ecap-frame list good
	assert_line --index 2 "27 END 32 $want"
	assert_equal "$(head -c 27 good | stream_hash)" "$want"
}

@test "wrap writes ECAP data/1, DATA frames, and END with the stream hash of all before it" {
	{
		printf 'ECAP\0\0\0\006data/1'
		printf 'DATA\0\0\0\005hello'
	} > want
	seal 'END ' want
	run -0 ecap-frame wrap hello
	cmp good want
}

@test "list shows offset, type, length, the format and the END hash" {
	end=$(head -c 27 good | stream_hash)
	run -0 ecap-frame list good
	assert_output "0 ECAP 6 data/1
14 DATA 5
27 END 32 $end"
}

@test "list reads stdin" {
	run -0 ecap-frame list < good
	assert_line --index 1 "14 DATA 5"
	assert_equal "${#lines[@]}" 3
}

@test "check says OK with the format, the frame count and the byte count" {
	run -0 ecap-frame check good
	assert_output "good: OK, data/1, 3 frames, 67 bytes"
	run -0 ecap-frame check < good
	assert_output "stdin: OK, data/1, 3 frames, 67 bytes"
}

@test "check -q prints nothing, and still fails on a bad stream" {
	run -0 ecap-frame check -q good
	assert_output ""
	head -c 40 good > cut
	run -2 ecap-frame check -q cut
	assert_output "ecap-frame: cut: offset 27: frame 'END ' truncated: 5 of 32 payload bytes"
}

@test "dump -i gives each frame's payload, the END hash included" {
	run -0 ecap-frame dump -i 0 good
	assert_output "data/1"
	run -0 ecap-frame dump -i 1 good
	assert_output "hello"
	ecap-frame dump -i 2 good > hash
	run -0 od -An -v -tx1 hash
	assert_equal "$(tr -d ' \n' <<< "$output")" "$(head -c 27 good | stream_hash)"
}

@test "dump -i past the last frame says how many there are" {
	run -2 ecap-frame dump -i 3 good
	assert_output "ecap-frame: good: no frame 3: the stream has 3 frames"
	mkdir out
	run -2 ecap-frame dump -i 3 -o out/x good
	assert_dir_holds_nothing out
}

@test "dump -o writes the payload to a file, and leaves no temporary behind" {
	mkdir out
	run -0 ecap-frame dump -t DATA -o out/data good
	assert_output ""
	assert_files_equal hello out/data
	run -0 ls -A out
	assert_output "data"
}

@test "wrap -o writes the stream to a file" {
	mkdir out
	run -0 ecap-frame wrap -o out/s.ecap hello
	assert_output ""
	assert_files_equal good out/s.ecap
	run -0 ls -A out
	assert_output "s.ecap"
}

@test "wrap of empty input is ECAP and END only, and dumps back to nothing" {
	: > empty
	roundtrip empty
	assert_size_zero empty.back
	run -0 ecap-frame list empty.ecap
	assert_line --index 0 "0 ECAP 6 data/1"
	assert_line --index 1 --regexp '^14 END 32 [0-9a-f]{64}$'
	assert_equal "${#lines[@]}" 2
}

@test "round trip of 1 byte" {
	printf 'x' > one
	roundtrip one
	run -0 ecap-frame list one.ecap
	assert_line --index 1 "14 DATA 1"
}

@test "round trip of exactly 65536 bytes is one DATA frame" {
	prng 65536 > f
	roundtrip f
	run -0 ecap-frame list f.ecap
	assert_line --index 1 "14 DATA 65536"
	assert_line --index 2 --regexp '^65558 END 32 '
}

@test "round trip of 65537 bytes is two DATA frames" {
	prng 65537 > f
	roundtrip f
	run -0 ecap-frame list f.ecap
	assert_line --index 1 "14 DATA 65536"
	assert_line --index 2 "65558 DATA 1"
	assert_line --index 3 --regexp '^65567 END 32 '
}

@test "round trip of a few MiB of random data, from a file and from a pipe" {
	prng $((3 * 1024 * 1024 + 5)) > big
	roundtrip big
	run -0 ecap-frame check big.ecap
	assert_output "big.ecap: OK, data/1, 51 frames, $(( $(file_size big) + 14 + 49 * 8 + 40 )) bytes"
	prng $((3 * 1024 * 1024 + 5)) | ecap-frame wrap | cmp - big.ecap
}

@test "wrap -s sets the frame size, and the data comes back the same" {
	prng 100 > small
	roundtrip small -s 1
	run -0 ecap-frame check small.ecap
	assert_output "small.ecap: OK, data/1, 102 frames, $((14 + 100 * 9 + 40)) bytes"
	prng 2500 > mid
	roundtrip mid -s 1000
	run -0 ecap-frame list mid.ecap
	assert_output --regexp $'^0 ECAP 6 data/1\n14 DATA 1000\n1022 DATA 1000\n2030 DATA 500\n2538 END 32 [0-9a-f]{64}$'
	prng 3000 > k
	roundtrip k -s 1K
	run -0 ecap-frame list k.ecap
	assert_line --index 1 "14 DATA 1024"
	assert_line --index 3 "2078 DATA 952"
	prng $((3 * 1024 * 1024)) > m
	roundtrip m -s 1M
	run -0 ecap-frame check m.ecap
	assert_output --partial ", 5 frames, "
	roundtrip m -s 16M
	run -0 ecap-frame list m.ecap
	assert_line --index 1 "14 DATA 3145728"
}

@test "wrap of several files frames each file on its own; the data is their concatenation" {
	prng 70000 3 > a
	printf 'bc' > b
	ecap-frame wrap a b > s
	run -0 ecap-frame list s
	assert_line --index 1 "14 DATA 65536"
	assert_line --index 2 "65558 DATA 4464"
	assert_line --index 3 "70030 DATA 2"
	cat a b > want
	ecap-frame dump -t DATA s > back
	assert_files_equal want back
}

@test "wrap - reads stdin among files" {
	printf 'A' > a
	printf 'C' > c
	printf 'B' | ecap-frame wrap a - c > s
	run -0 ecap-frame dump -t DATA s
	assert_output "ABC"
}

@test "wrap --each makes one frame of each file, an empty file included" {
	printf 'ab' > a
	: > e
	prng 100000 > c
	ecap-frame wrap --each a e c > s
	run -0 ecap-frame list s
	assert_line --index 1 "14 DATA 2"
	assert_line --index 2 "24 DATA 0"
	assert_line --index 3 "32 DATA 100000"
	assert_line --index 4 --regexp '^100040 END 32 '
	ecap-frame dump -i 3 s > back
	assert_files_equal c back
	run -0 ecap-frame dump -i 2 s
	assert_output ""
}

@test "wrap --each takes a file of exactly 16 MiB, and refuses one byte more" {
	truncate -s 16M max
	ecap-frame wrap --each max > s
	run -0 ecap-frame list s
	assert_line --index 1 "14 DATA 16777216"
	truncate -s 16777217 over
	mkdir out
	run -2 ecap-frame wrap --each -o out/s over
	assert_output "ecap-frame: over: larger than a frame (16777216 bytes)"
	assert_dir_holds_nothing out
}

@test "wrap -t with an ancillary type: list marks it, check passes over it" {
	ecap-frame wrap -t note hello > s
	run -0 ecap-frame list s
	assert_line --index 1 "14 note 5 ancillary"
	run -0 ecap-frame check s
	assert_output "s: OK, data/1, 3 frames, 67 bytes"
	run -0 ecap-frame dump -t note s
	assert_output "hello"
	run -0 ecap-frame dump -t DATA s
	assert_output ""
}

@test "list --json: one object a frame, with format, criticality and hashes" {
	command -v jq > /dev/null || skip "jq is not installed (mk/deps.mk)"
	ecap-frame wrap -t note hello > s
	end=$(head -c 27 s | stream_hash)
	run -0 ecap-frame list --json s
	assert_equal "${#lines[@]}" 3
	run -0 jq -e -s --arg h "$end" '
		.[0] == {offset: 0, type: "ECAP", length: 6, critical: true, format: "data/1"} and
		.[1] == {offset: 14, type: "note", length: 5, critical: false} and
		.[2] == {offset: 27, type: "END ", length: 32, critical: true, sha256: $h}' \
		<<< "$output"
}

@test "list --json is compact, one line a frame" {
	run -0 ecap-frame list --json good
	assert_line --index 0 '{"critical":true,"format":"data/1","length":6,"offset":0,"type":"ECAP"}'
	assert_line --index 1 '{"critical":true,"length":5,"offset":14,"type":"DATA"}'
}

@test "a hand-made stream with a checkpoint checks, lists and dumps" {
	{
		printf 'data/1' | frame ECAP
		printf 'hello' | frame DATA
	} > s
	seal CHKP s
	printf 'world' | frame DATA >> s
	seal 'END ' s
	chkp=$(head -c 27 s | stream_hash)
	run -0 ecap-frame check s
	assert_output "s: OK, data/1, 5 frames, $(file_size s) bytes"
	run -0 ecap-frame list s
	assert_line --index 2 "27 CHKP 32 $chkp"
	assert_line --index 3 "67 DATA 5"
	run -0 ecap-frame dump -t DATA s
	assert_output "helloworld"
}

@test "wrap puts a checkpoint after every 16 MiB of payload when more follows" {
	prng 40000000 > big
	ecap-frame wrap big > big.ef
	run -0 ecap-frame list big.ef
	run -0 awk '$2 != "DATA"' <<< "$output"
	assert_line --index 0 "0 ECAP 6 data/1"
	assert_line --index 1 "16779278 CHKP 32 $(head -c 16779278 big.ef | stream_hash)"
	assert_line --index 2 "33558582 CHKP 32 $(head -c 33558582 big.ef | stream_hash)"
	assert_line --index 3 "40004982 END 32 $(head -c 40004982 big.ef | stream_hash)"
	prng 16777216 > exact
	ecap-frame wrap exact > exact.ef
	run -0 ecap-frame list exact.ef
	refute_output --partial CHKP
}

@test "dump -t to stdout releases only what a checkpoint or END vouched for" {
	prng 40000000 > big
	ecap-frame wrap big > big.ef
	# one byte changed after the first checkpoint: the first 16 MiB come out, no more
	printf 'X' | dd of=big.ef bs=1 seek=30000000 conv=notrunc status=none
	ecap-frame dump -t DATA big.ef > out 2> err && fail "dump accepted a bad stream"
	assert_equal "$(cat err)" "ecap-frame: big.ef: offset 33558582: checkpoint hash does not match the stream before it (corrupt or spliced)"
	assert_equal "$(file_size out)" 16777216
	cmp out <(head -c 16777216 big)
	# no checkpoint before the fault: nothing at all
	prng 100000 > small
	ecap-frame wrap small > small.ef
	printf 'X' | dd of=small.ef bs=1 seek=50000 conv=notrunc status=none
	ecap-frame dump -t DATA small.ef > out2 2> /dev/null && fail "dump accepted a bad stream"
	assert_equal "$(file_size out2)" 0
}

# --- streams that are not right: check, dump and list all stop, with the offset ---

@test "empty input" {
	: > empty
	refused empty "offset 0: empty input: expected an ECAP stream header"
	run -2 ecap-frame list < empty
	assert_output "ecap-frame: stdin: offset 0: empty input: expected an ECAP stream header"
}

@test "truncated frame header, in the first frame and later" {
	head -c 3 good > cut3
	refused cut3 "offset 0: truncated frame header: 3 of 8 bytes"
	head -c 20 good > cut20
	refused cut20 "offset 14: truncated frame header: 6 of 8 bytes"
}

@test "truncated payload" {
	head -c 25 good > cut
	refused cut "offset 14: frame 'DATA' truncated: 3 of 5 payload bytes"
	head -c 10 good > cut10
	refused cut10 "offset 0: frame 'ECAP' truncated: 2 of 6 payload bytes"
}

@test "truncated payload of a big frame, reported after what arrived" {
	prng 100000 > f
	ecap-frame wrap -s 16M f | head -c 70000 > cut
	refused cut "offset 14: frame 'DATA' truncated: 69978 of 100000 payload bytes"
}

@test "a declared length of 0xffffffff, and of one byte over 16 MiB" {
	{ head -c 14 good; printf 'DATA\377\377\377\377hello'; } > huge
	refused huge "offset 14: frame 'DATA' declares 4294967295 payload bytes, over the limit of 16777216"
	{ head -c 14 good; printf 'DATA\001\000\000\001hello'; } > over
	refused over "offset 14: frame 'DATA' declares 16777217 payload bytes, over the limit of 16777216"
	printf 'ECAP\377\377\377\377' > huge0
	refused huge0 "offset 0: frame 'ECAP' declares 4294967295 payload bytes, over the limit of 16777216"
}

@test "a declared length of exactly 16 MiB with little behind it is a truncation" {
	{ head -c 14 good; printf 'DATA\001\000\000\000hello'; } > lie
	refused lie "offset 14: frame 'DATA' truncated: 5 of 16777216 payload bytes"
}

@test "CHKP and END must carry exactly 32 bytes; ECAP at most 72" {
	{ head -c 27 good; head -c 31 /dev/zero | frame 'END '; } > short
	refused short "offset 27: frame 'END ' has 31 payload bytes, not 32"
	{ head -c 27 good; head -c 33 /dev/zero | frame CHKP; } > long
	refused long "offset 27: frame 'CHKP' has 33 payload bytes, not 32"
	{ printf "d%071d/1" 0 | frame ECAP; } > bighead
	refused bighead "offset 0: frame 'ECAP' has 74 payload bytes, over 72"
}

@test "bytes that are not a frame stream: binary, text, a PNG" {
	printf '\211PNG\r\n\032\n\0\0\0\rIHDR' > png
	refused png "offset 0: bad frame type 0x89504e47: not a frame stream"
	printf '#!/bin/sh\necho hi\n' > script
	refused script "offset 0: bad frame type '#!/b': not a frame stream"
	printf "1234\0\0\0\0" > digit
	refused digit "offset 0: bad frame type '1234': not a frame stream"
	printf "a'bc\0\0\0\0" > quote
	refused quote "offset 0: bad frame type 0x61276263: not a frame stream"
	printf '\0\0\0\0\0\0\0\0' > zeros
	refused zeros "offset 0: bad frame type 0x00000000: not a frame stream"
}

@test "a bad type after the header" {
	{ head -c 14 good; printf '12AB\0\0\0\0'; } > bad
	refused bad "offset 14: bad frame type '12AB'"
	{ head -c 14 good; printf 'DA\nA\0\0\0\0'; } > ctl
	refused ctl "offset 14: bad frame type 0x44410a41"
}

@test "no ECAP header first" {
	printf 'hello' | frame DATA > s
	seal 'END ' s
	refused s "offset 0: expected an ECAP stream header, found frame 'DATA': not a frame stream"
	: > e
	seal 'END ' e
	refused e "offset 0: expected an ECAP stream header, found frame 'END ': not a frame stream"
	printf 'hello, world\n' > text
	refused text "offset 0: expected an ECAP stream header, found frame 'hell': not a frame stream"
}

@test "a second ECAP header" {
	{ head -c 27 good; printf 'data/1' | frame ECAP; } > s
	seal 'END ' s
	refused s "offset 27: second ECAP stream header"
}

@test "malformed ECAP payloads" {
	for payload in '' data data/ /1 Data/1 data/01 data/0 'data/1 ' data/x 'da ta/1' \
		data/1/2 data/1234567 _data/1; do
		printf '%s' "$payload" | frame ECAP > s
		seal 'END ' s
		refused s "offset 0: malformed ECAP header: payload is not FORMAT/VERSION"
	done
}

@test "a format name of 64 characters is read, one of 65 is malformed" {
	printf "f%063d/1" 0 | frame ECAP > s64
	seal 'END ' s64
	run -0 ecap-frame list s64
	assert_line --index 0 "0 ECAP 66 f$(printf '%063d' 0)/1"
	printf "f%064d/1" 0 | frame ECAP > s65
	seal 'END ' s65
	refused s65 "offset 0: malformed ECAP header: payload is not FORMAT/VERSION"
}

@test "an unknown format: check refuses it, list shows it" {
	{ printf 'video/1' | frame ECAP; printf 'hello' | frame DATA; } > s
	seal 'END ' s
	run -2 ecap-frame check s
	assert_output "ecap-frame: s: offset 0: unknown stream format 'video'"
	run -0 ecap-frame list s
	assert_line --index 0 "0 ECAP 7 video/1"
	assert_line --index 1 "15 DATA 5"
}

@test "a newer version of the format: check refuses it, list shows it" {
	{ printf 'data/2' | frame ECAP; printf 'hello' | frame DATA; } > s
	seal 'END ' s
	run -2 ecap-frame check s
	assert_output "ecap-frame: s: offset 0: stream format data/2 is newer than this program reads (data/1)"
	run -0 ecap-frame list s
	assert_line --index 0 "0 ECAP 6 data/2"
	printf 'data/999999' | frame ECAP > s2
	seal 'END ' s2
	run -2 ecap-frame check s2
	assert_output "ecap-frame: s2: offset 0: stream format data/999999 is newer than this program reads (data/1)"
}

@test "an unknown critical type in data/1: check refuses it, list shows it" {
	{ head -c 27 good; printf 'abc' | frame XTRA; } > s
	seal 'END ' s
	run -2 ecap-frame check s
	assert_output "ecap-frame: s: offset 27: unknown critical frame 'XTRA' in a data/1 stream"
	run -0 ecap-frame list s
	assert_line --index 2 "27 XTRA 3"
	assert_line --index 3 --regexp '^38 END 32 '
}

@test "an unknown ancillary type in data/1 is passed over" {
	{ head -c 27 good; printf 'abc' | frame xtra; } > s
	seal 'END ' s
	run -0 ecap-frame check s
	assert_output "s: OK, data/1, 4 frames, 78 bytes"
	run -0 ecap-frame dump -t DATA s
	assert_output "hello"
}

@test "bad END hash: one payload byte flipped" {
	cp good s
	printf 'j' | dd of=s bs=1 seek=22 conv=notrunc status=none
	refused s "offset 27: END hash does not match the stream before it (corrupt or spliced)"
	run -2 ecap-frame list s
	assert_output "0 ECAP 6 data/1
14 DATA 5
ecap-frame: s: offset 27: END hash does not match the stream before it (corrupt or spliced)"
}

@test "bad END hash: the hash itself flipped" {
	cp good s
	printf '\377' | dd of=s bs=1 seek=66 conv=notrunc status=none
	refused s "offset 27: END hash does not match the stream before it (corrupt or spliced)"
}

@test "bad END hash in a big stream: dump -o has written nothing" {
	prng $((3 * 1024 * 1024)) > big
	ecap-frame wrap big > s
	printf 'x' | dd of=s bs=1 seek=2000000 conv=notrunc status=none
	refused s "offset $(( $(file_size s) - 40 )): END hash does not match the stream before it (corrupt or spliced)"
}

@test "bad END hash: an existing -o file is left as it was" {
	cp good s
	printf 'j' | dd of=s bs=1 seek=22 conv=notrunc status=none
	printf 'old\n' > keep
	run -2 ecap-frame dump -t DATA -o keep s
	assert_output --partial "END hash does not match"
	run -0 cat keep
	assert_output "old"
	run -0 ls -A
	assert_output $'good\nhello\nhome\nkeep\ns'
}

@test "bad CHKP hash, in a stream whose END is right" {
	{
		printf 'data/1' | frame ECAP
		printf 'hello' | frame DATA
	} > s
	seal CHKP s
	printf 'world' | frame DATA >> s
	printf '\377' | dd of=s bs=1 seek=40 conv=notrunc status=none
	seal 'END ' s
	refused s "offset 27: checkpoint hash does not match the stream before it (corrupt or spliced)"
	run -2 ecap-frame list s
	assert_line --index 1 "14 DATA 5"
	assert_line --index 2 "ecap-frame: s: offset 27: checkpoint hash does not match the stream before it (corrupt or spliced)"
}

@test "a good checkpoint before a bad END: list shows the checkpoint, then stops" {
	{
		printf 'data/1' | frame ECAP
		printf 'hello' | frame DATA
	} > s
	seal CHKP s
	printf 'world' | frame DATA >> s
	seal 'END ' s
	printf 'W' | dd of=s bs=1 seek=75 conv=notrunc status=none
	run -2 ecap-frame list s
	assert_line --index 2 --regexp '^27 CHKP 32 [0-9a-f]{64}$'
	assert_line --index 3 "67 DATA 5"
	assert_line --index 4 "ecap-frame: s: offset 80: END hash does not match the stream before it (corrupt or spliced)"
}

@test "data after END" {
	{ cat good; printf 'x'; } > s
	refused s "offset 67: data after END frame"
	cat good good > twice
	refused twice "offset 67: data after END frame"
}

@test "END missing: the stream cut just before END" {
	head -c 27 good > s
	refused s "offset 27: stream ends without an END frame (truncated)"
	run -2 ecap-frame list s
	assert_output "0 ECAP 6 data/1
14 DATA 5
ecap-frame: s: offset 27: stream ends without an END frame (truncated)"
}

@test "errors on stdin name stdin" {
	head -c 27 good > s
	run -2 ecap-frame check < s
	assert_output "ecap-frame: stdin: offset 27: stream ends without an END frame (truncated)"
}

# --- files and output ---

@test "a missing input file, and a directory" {
	mkdir out dir
	run -2 ecap-frame check nofile
	assert_output "ecap-frame: nofile: No such file or directory"
	run -2 ecap-frame list dir
	assert_output "ecap-frame: dir: is a directory"
	run -2 ecap-frame dump -t DATA -o out/x nofile
	assert_output "ecap-frame: nofile: No such file or directory"
	assert_dir_holds_nothing out
	run -2 ecap-frame wrap -o out/x hello nofile
	assert_output "ecap-frame: nofile: No such file or directory"
	assert_dir_holds_nothing out
	run -2 ecap-frame wrap -o out/x dir
	assert_output "ecap-frame: dir: is a directory"
	assert_dir_holds_nothing out
}

@test "-o into a directory that does not exist" {
	run -2 ecap-frame wrap -o nodir/x hello
	assert_output "ecap-frame: nodir/x: cannot create output in nodir: No such file or directory"
	assert_file_not_exists nodir
}

@test "-o naming a directory: an error, and no temporary left beside it" {
	mkdir -p out/x
	run -2 ecap-frame wrap -o out/x hello
	assert_output "ecap-frame: out/x: is a directory"
	run -0 ls -A out
	assert_output "x"
	assert_dir_holds_nothing out/x
}

@test "a full disk on stdout is an error" {
	run -2 bash -c "ecap-frame wrap hello > /dev/full"
	assert_output "ecap-frame: stdout: write: No space left on device"
	run -2 bash -c "ecap-frame dump -i 1 good > /dev/full"
	assert_output "ecap-frame: stdout: write: No space left on device"
	run -2 bash -c "ecap-frame list good > /dev/full"
	assert_output "ecap-frame: stdout: No space left on device"
}

@test "check on a full stdout is an error" {
	run -2 bash -c "ecap-frame check good > /dev/full"
	assert_output "ecap-frame: stdout: No space left on device"
}

# --- usage ---

usage_text="usage: ecap-frame list [--json] [FILE]
       ecap-frame check [-q] [FILE]
       ecap-frame dump (-i INDEX | -t TYPE) [-o OUT] [FILE]
       ecap-frame wrap [-t TYPE] [-s BYTES | --each] [-o OUT] [FILE...]"

@test "no command, or an unknown one: the usage, exit 2" {
	run -2 ecap-frame
	assert_output "$usage_text"
	run -2 ecap-frame frob good
	assert_output "ecap-frame: unknown command 'frob'
$usage_text"
}

@test "options that the command does not take: the usage, exit 2" {
	for args in "list -q good" "list -i 0 good" "list -o x good" "list -s 1 good" \
		"list -t DATA good" "list --each good" "check --json good" "check -i 0 good" \
		"check -o x good" "check -t DATA good" "dump -q -i 0 good" "dump --json -i 0 good" \
		"dump -s 1 -i 0 good" "dump --each -i 0 good" "wrap --json hello" "wrap -q hello" \
		"wrap -i 0 hello" "list good good" "check good good" "dump -i 0 good good" \
		"-q check good" "list --frob good" "list -x good"; do
		run -2 ecap-frame $args
		assert_output --partial "$usage_text"
	done
	assert_file_not_exists x
}

@test "conflicting options: the usage, exit 2" {
	run -2 ecap-frame dump -i 0 -t DATA good
	assert_output "$usage_text"
	run -2 ecap-frame dump good
	assert_output "$usage_text"
	run -2 ecap-frame wrap --each -s 10 hello
	assert_output "$usage_text"
	run -2 ecap-frame wrap -o a -o b hello
	assert_output "ecap-frame: -o given twice"
	assert_file_not_exists a
	assert_file_not_exists b
	run -2 ecap-frame wrap -s 1 -s 2 hello
	assert_output "ecap-frame: -s given twice"
	run -2 ecap-frame dump -i 0 -i 1 good
	assert_output "ecap-frame: -i given twice"
	run -2 ecap-frame dump -t DATA -t DATA good
	assert_output "ecap-frame: -t given twice"
}

@test "wrap -s 0, -s over 16 MiB, -s junk" {
	run -2 ecap-frame wrap -s 0 hello
	assert_output "ecap-frame: -s: frame size must be 1 to 16777216 bytes"
	run -2 ecap-frame wrap -s 16777217 hello
	assert_output "ecap-frame: -s: frame size must be 1 to 16777216 bytes"
	run -2 ecap-frame wrap -s 17M hello
	assert_output "ecap-frame: -s: frame size must be 1 to 16777216 bytes"
	run -2 ecap-frame wrap -s 1G hello
	assert_output "ecap-frame: -s: frame size must be 1 to 16777216 bytes"
	for bad in junk '' -1 1k 1.5M 1KB ' 1' 99999999999999999999999; do
		run -2 ecap-frame wrap -s "$bad" hello
		assert_output "ecap-frame: -s: not a size in bytes: '$bad'"
	done
	mkdir out
	run -2 ecap-frame wrap -s 0 -o out/x hello
	assert_dir_holds_nothing out
}

@test "-t with a bad type, and wrap -t with a critical type other than DATA" {
	for bad in '' abc abcde 1abc ' abc' 'ab-c' "ab'c"; do
		run -2 ecap-frame wrap -t "$bad" hello
		assert_output "ecap-frame: -t: not a frame type: '$bad'"
		run -2 ecap-frame dump -t "$bad" good
		assert_output "ecap-frame: -t: not a frame type: '$bad'"
	done
	run -2 ecap-frame wrap -t XYZW hello
	assert_output "ecap-frame: -t: critical type 'XYZW' is not part of data/1 (DATA, EVNT, or an ancillary type)"
	run -2 ecap-frame wrap -t 'END ' hello
	assert_output "ecap-frame: -t: critical type 'END ' is not part of data/1 (DATA, EVNT, or an ancillary type)"
}

@test "dump -i with a bad index" {
	for bad in x -1 '' 1.0 18446744073709551616; do
		run -2 ecap-frame dump -i "$bad" good
		assert_output "ecap-frame: -i: not a frame index: '$bad'"
	done
}

@test "--version prints the name and VERSION" {
	run -0 ecap-frame --version
	assert_output "ecap-frame $(cat "$T_ROOT/VERSION")"
	run -0 ecap-frame list --version
	assert_output "ecap-frame $(cat "$T_ROOT/VERSION")"
}

@test "--help is not an error: the usage on stdout, exit 0" {
	run -0 --separate-stderr ecap-frame --help
	assert_output "$usage_text"
	assert_equal "$stderr" ""
	run -0 --separate-stderr ecap-frame dump --help
	assert_output "$usage_text"
}

@test "--help on a full stdout is an error" {
	run -2 bash -c "ecap-frame --help > /dev/full"
	assert_output "ecap-frame: stdout: No space left on device"
}

@test "-o naming a FIFO or a device writes to it and never replaces it" {
	printf 'hello' > hello
	mkfifo fifo
	cat fifo > got &
	reader=$!
	run -0 ecap-frame wrap -o fifo hello
	wait "$reader"
	assert [ -p fifo ]
	run -0 ecap-frame dump -t DATA got
	assert_output "hello"
	run -0 ecap-frame wrap -o /dev/null hello
	assert [ -c /dev/null ]
}
