#!/usr/bin/env bats
# Trust manifests, ecap-trust(5): trust-hash.  Every kind's hash rebuilt with
# sha256sum (a capsule's also against ecap-inspect); the manifest text, sorted,
# to stdout or atomically to -o; paths relative to the top of the git work
# tree, to the current directory outside one, absolute outside the base; list
# files; -c like sha256sum -c; every malformed manifest and every usage error
# with its status and its one-line message.

setup() {
	load lib/common
	echo one > f1
	echo two > f2
	mkdir scripts
	echo 'print("a")' > scripts/a.py
}

# sha FILE: the SHA-256 of FILE in hex.
sha() {
	sha256sum < "$1" | cut -d' ' -f1
}

# entry NAME KIND HEX SPEC: one manifest line.
entry() {
	printf '%s\t%s\tsha256:%s\t%s\n' "$@"
}

# zeros: 64 zero hex digits.
zeros() {
	printf '%064d' 0
}

# outside_repositories: skip the test when the test directory lies in a git work tree.
outside_repositories() {
	if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
		skip "$BATS_TEST_TMPDIR is inside a git work tree"
	fi
}

# usage_error ARGS...: trust-hash ARGS exits 2 with the usage on stderr and nothing on stdout.
usage_error() {
	run --separate-stderr -2 trust-hash "$@"
	assert_output ""
	[ "$stderr" = "$(trust-hash --help)" ] || fail "stderr: '$stderr', want the usage"
}

# bad_manifest TEXT MESSAGE: a manifest file m holding TEXT (printf format) is
# refused by -c with "trust-hash: m: MESSAGE", exit 2, nothing on stdout.
bad_manifest() {
	printf "$1" > m
	exits_with 2 "trust-hash: m: $2" trust-hash -c m
}

# --- kinds ---

@test "inline: the hash is SHA-256 of the command line as given, spaces and quotes kept" {
	cmd="make -C src  'all' V=1"
	run -0 trust-hash -k inline "$cmd"
	assert_output "ecap-trust 1
$(entry "$cmd" inline "$(printf %s "$cmd" | sha256sum | cut -d' ' -f1)" "$cmd")"
}

@test "file: the hash is sha256sum's; a file is guessed as file when it is no module or capsule" {
	printf 'not \0asm' > x.wasm
	run -0 trust-hash f1 x.wasm
	assert_output "ecap-trust 1
$(entry f1 file "$(sha f1)" f1)
$(entry x.wasm file "$(sha x.wasm)" x.wasm)"
	run -0 trust-hash -k file f2
	assert_line --index 1 "$(entry f2 file "$(sha f2)" f2)"
}

@test "interp: the hash is the script's; the spec's words joined by one space, the script's path normalized" {
	run -0 trust-hash -k interp 'python3   ./scripts/../scripts/a.py  --x   y'
	assert_output "ecap-trust 1
$(entry 'python3 scripts/a.py --x y' interp "$(sha scripts/a.py)" 'python3 scripts/a.py --x y')"
	run -0 trust-hash -k interp 'python3 scripts/a.py --x'
	assert_line --index 1 "$(entry 'python3 scripts/a.py --x' interp "$(sha scripts/a.py)" \
		'python3 scripts/a.py --x')"
}

@test "wasm: guessed from the \\0asm magic whatever the file's name; the hash is sha256sum's" {
	make -s -C "$T_ROOT" t/data/wasm/hello.wasm
	cp "$DATA/wasm/hello.wasm" module
	run -0 trust-hash module
	assert_output "ecap-trust 1
$(entry module wasm "$(sha module)" module)"
	run -0 trust-hash -k wasm module
	assert_line --index 1 "$(entry module wasm "$(sha module)" module)"
}

@test "capsule: guessed; the hash is ecap-inspect's capsule hash, SHA-256 of the bytes before SIGN" {
	ecap-keygen -o k > /dev/null
	ecap-keygen -t ed25519 -C alice@example.org -f alice > /dev/null
	prng 1000 > p
	ecap-seal --key-file k --sign alice --page-size 256 -o signed p
	h=$(head -c "$(frame_offset signed SIGN)" signed | sha256sum | cut -d' ' -f1)
	run -0 ecap-inspect signed
	assert_line "capsule hash: $h"
	run -0 jq -r .capsule_hash < <(ecap-inspect --json signed)
	assert_output "$h"
	run -0 trust-hash signed
	assert_output "ecap-trust 1
$(entry signed capsule "$h" signed)"
}

@test "capsule: unsigned, the hash is SHA-256 of the bytes before CHKP, as ecap-inspect says" {
	ecap-keygen -o k > /dev/null
	prng 1000 > p
	ecap-seal --key-file k --page-size 256 -o unsigned p
	[ -z "$(frame_offset unsigned SIGN)" ]
	h=$(head -c "$(frame_offset unsigned CHKP)" unsigned | sha256sum | cut -d' ' -f1)
	run -0 ecap-inspect unsigned
	assert_line "capsule hash: $h"
	run -0 jq -r .capsule_hash < <(ecap-inspect --json unsigned)
	assert_output "$h"
	run -0 trust-hash -k capsule unsigned
	assert_output "ecap-trust 1
$(entry unsigned capsule "$h" unsigned)"
}

@test "-k capsule refuses a file that is not a capsule, or one cut short before its CHKP" {
	exits_with 2 "trust-hash: f1: not a capsule" trust-hash -k capsule f1
	ecap-keygen -o k > /dev/null
	prng 1000 > p
	ecap-seal --key-file k -o c p
	head -c "$(frame_offset c CHKP)" c > cut
	exits_with 2 "trust-hash: cut: a capsule cut short or malformed before its signature" \
		trust-hash cut
}

@test "a directory is refused, with -k file and without" {
	mkdir d
	exits_with 2 "trust-hash: d: not a regular file" trust-hash -k file d
	exits_with 2 "trust-hash: d: Is a directory" trust-hash d
}

# --- the output ---

@test "the manifest: \"ecap-trust 1\", then one entry a line sorted bytewise by name" {
	run -0 trust-hash -k inline zz 'a b' B _x a
	assert_equal "${#lines[@]}" 6
	assert_line --index 0 "ecap-trust 1"
	run -0 cut -f1 < <(trust-hash -k inline zz 'a b' B _x a | tail -n +2)
	assert_output "$(printf '%s\n' zz 'a b' B _x a | LC_ALL=C sort)"
	assert_output "B
_x
a
a b
zz"
}

@test "an argument named twice, or two paths to one file, make one entry" {
	run -0 trust-hash f1 ./f1 scripts/../f1
	assert_output "ecap-trust 1
$(entry f1 file "$(sha f1)" f1)"
}

@test "-n NAME names the one entry" {
	run -0 trust-hash -n build -k inline 'make all'
	assert_output "ecap-trust 1
$(entry build inline "$(printf %s 'make all' | sha256sum | cut -d' ' -f1)" 'make all')"
	run -0 trust-hash -n first f1
	assert_output "ecap-trust 1
$(entry first file "$(sha f1)" f1)"
}

@test "-o FILE: the manifest in FILE, nothing on stdout; an old FILE replaced whole" {
	mkdir out
	head -c 10000 /dev/zero > out/m
	run -0 --separate-stderr trust-hash -o out/m f1 f2
	assert_output ""
	[ -z "$stderr" ]
	trust-hash f1 f2 | cmp - out/m
	assert_equal "$(ls -A out)" m
}

@test "-o FILE: on an error no file is left, and an old FILE is left as it was" {
	mkdir out
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -k file -o out/m f1 nosuch
	assert_dir_holds_nothing out
	echo old > out/m
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -k file -o out/m nosuch
	assert_equal "$(cat out/m)" old
	assert_equal "$(ls -A out)" m
}

@test "-o FILE: a directory, a missing directory, a full device" {
	mkdir out
	exits_with 2 "trust-hash: out: is a directory" trust-hash -o out f1
	exits_with 2 "trust-hash: nodir/m: cannot create output in nodir: No such file or directory" \
		trust-hash -o nodir/m f1
	[ ! -e nodir ]
	exits_with 2 "trust-hash: /dev/full: write: No space left on device" trust-hash -o /dev/full f1
	run --separate-stderr -2 sh -c 'trust-hash f1 > /dev/full'
	[ "$stderr" = "trust-hash: stdout: write: No space left on device" ]
}

@test "-j N: hundreds of entries hash alike on one thread and on four" {
	mkdir many
	for ((i = 0; i < 300; i++)); do echo "$i" > "many/f$i"; done
	trust-hash -j 1 -o one many/*
	trust-hash -j 4 -o four many/*
	cmp one four
	assert_equal "$(wc -l < one)" 301
	assert_equal "$(grep -c "	sha256:$(sha many/f123)	many/f123$" one)" 1
	run -0 trust-hash -j 4 -q -c one
	assert_output ""
}

# --- paths ---

@test "paths: relative to the top of the git work tree, from a subdirectory; -C DIR alike" {
	git init -q repo
	mkdir -p repo/sub/deep
	echo hi > repo/sub/deep/f
	echo 'echo x' > repo/tool.sh
	cd repo/sub
	run -0 trust-hash deep/f ./deep/../deep/f
	assert_output "ecap-trust 1
$(entry sub/deep/f file "$(sha deep/f)" sub/deep/f)"
	run -0 trust-hash -k interp 'sh ../tool.sh -e'
	assert_line --index 1 "$(entry 'sh tool.sh -e' interp "$(sha ../tool.sh)" 'sh tool.sh -e')"
	cd "$BATS_TEST_TMPDIR"
	run -0 trust-hash -C repo/sub deep/f
	assert_line --index 1 "$(entry sub/deep/f file "$(sha repo/sub/deep/f)" sub/deep/f)"
}

@test "paths: -c from a subdirectory finds them from the top of the work tree" {
	git init -q repo
	mkdir -p repo/sub
	echo hi > repo/sub/f
	(cd repo && trust-hash -o m sub/f)
	cd repo/sub
	run -0 trust-hash -c ../m
	assert_output "sub/f: OK"
}

@test "paths: relative to the current directory outside any repository" {
	outside_repositories
	mkdir -p a/b
	echo x > a/b/c
	cd a
	run -0 trust-hash b/c ./b/../b/c
	assert_output "ecap-trust 1
$(entry b/c file "$(sha b/c)" b/c)"
}

@test "paths: absolute when outside the base, a sibling whose name starts with the base's too" {
	git init -q repo
	mkdir repo2 out
	echo o > out/g
	echo s > repo2/s
	top=$(pwd -P)
	cd repo
	run -0 trust-hash ../out/g ../repo/../repo2/s
	assert_output "ecap-trust 1
$(entry "$top/out/g" file "$(sha ../out/g)" "$top/out/g")
$(entry "$top/repo2/s" file "$(sha ../repo2/s)" "$top/repo2/s")"
	run -0 trust-hash "$top/out/g"
	assert_line --index 1 "$(entry "$top/out/g" file "$(sha ../out/g)" "$top/out/g")"
}

@test "paths: an absolute path beneath the base is stored relative" {
	git init -q repo
	echo x > repo/x
	top=$(pwd -P)
	cd repo
	run -0 trust-hash "$top/repo/./x"
	assert_output "ecap-trust 1
$(entry x file "$(sha x)" x)"
}

# --- list files ---

@test "-f LIST: comments, blank lines, CRLF, every kind; with arguments too" {
	ecap-keygen -o k > /dev/null
	prng 1000 > p
	ecap-seal --key-file k -o c p
	ch=$(head -c "$(frame_offset c CHKP)" c | sha256sum | cut -d' ' -f1)
	make -s -C "$T_ROOT" t/data/wasm/hello.wasm
	cp "$DATA/wasm/hello.wasm" mod.wasm
	printf '%s\n' '# what may run' '' '   # indented' \
		'run inline ls -l  /tmp' \
		"scr	interp   python3   ./scripts/a.py  -v" \
		'data file ./f1' $'other\tfile\tf2\r' \
		'mod wasm mod.wasm' 'cap capsule c' > list
	run -0 trust-hash -f list -k inline 'echo hi'
	assert_output "ecap-trust 1
$(entry cap capsule "$ch" c)
$(entry data file "$(sha f1)" f1)
$(entry 'echo hi' inline "$(printf %s 'echo hi' | sha256sum | cut -d' ' -f1)" 'echo hi')
$(entry mod wasm "$(sha mod.wasm)" mod.wasm)
$(entry other file "$(sha f2)" f2)
$(entry run inline "$(printf %s 'ls -l  /tmp' | sha256sum | cut -d' ' -f1)" 'ls -l  /tmp')
$(entry scr interp "$(sha scripts/a.py)" 'python3 scripts/a.py -v')"
}

@test "-f -: the list from stdin" {
	printf 'a file f1\nb inline true\n' > list
	trust-hash -f list > want
	run -0 trust-hash -f - < list
	assert_output "$(cat want)"
	assert_line --index 1 "$(entry a file "$(sha f1)" f1)"
}

@test "-f LIST: an argument replaces the list's entry of the same name" {
	printf 'a inline x\nb inline y\n' > list
	run -0 trust-hash -f list -n a -k inline z
	assert_line --index 1 "$(entry a inline "$(printf z | sha256sum | cut -d' ' -f1)" z)"
	assert_line --index 2 "$(entry b inline "$(printf y | sha256sum | cut -d' ' -f1)" y)"
}

@test "-f LIST: a bad kind, a missing spec, a repeated name, with the line; nothing written" {
	mkdir out
	printf 'a inline x\n# c\nb shell y\n' > list
	exits_with 2 "trust-hash: list: line 3: unknown kind shell" trust-hash -o out/m -f list
	printf 'a inline x\n\nb file\n' > list
	exits_with 2 'trust-hash: list: line 3: not "NAME KIND SPEC"' trust-hash -o out/m -f list
	printf 'a inline   \n' > list
	exits_with 2 'trust-hash: list: line 1: not "NAME KIND SPEC"' trust-hash -o out/m -f list
	printf 'onlyname\n' > list
	exits_with 2 'trust-hash: list: line 1: not "NAME KIND SPEC"' trust-hash -o out/m -f list
	printf 'a inline x\nb file f1\na file f2\n' > list
	exits_with 2 "trust-hash: list: line 3: entry a given twice (first on line 1)" trust-hash -o out/m -f list
	printf 'a inline x\nb interp python3\n' > list
	exits_with 2 'trust-hash: list: line 2: an interp entry needs "INTERPRETER SCRIPT [ARG...]"' \
		trust-hash -o out/m -f list
	printf 'a file nosuch\n' > list
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -o out/m -f list
	printf 'b shell y\n' | exits_with 2 "trust-hash: stdin: line 1: unknown kind shell" \
		trust-hash -o out/m -f -
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -o out/m -f nosuch
	assert_dir_holds_nothing out
}

# --- -c ---

@test "-c: every entry OK, exit 0; from stdin too; an empty manifest" {
	ecap-keygen -o k > /dev/null
	ecap-seal --key-file k -o c f1
	trust-hash -o m f1 f2 c
	trust-hash -k inline -o m2 'ls -l'
	trust-hash -k interp -o m3 'python3 scripts/a.py'
	run -0 --separate-stderr trust-hash -c m
	assert_output "c: OK
f1: OK
f2: OK"
	[ -z "$stderr" ]
	run -0 trust-hash -c - < m
	assert_output "c: OK
f1: OK
f2: OK"
	run -0 trust-hash -c m2
	assert_output "ls -l: OK"
	run -0 trust-hash -c m3
	assert_output "python3 scripts/a.py: OK"
	printf 'ecap-trust 1\n' > empty
	run -0 --separate-stderr trust-hash -c empty
	assert_output ""
	[ -z "$stderr" ]
}

@test "-c: a modified file, script or capsule header is FAILED, exit 1, a warning on stderr" {
	ecap-keygen -o k > /dev/null
	prng 1000 > p
	ecap-seal --key-file k -o c p
	trust-hash -o m f1 f2 c
	trust-hash -k interp -o m2 'python3 scripts/a.py'
	echo changed > f2
	flip_byte c "$(($(frame_offset c ROOT) + 20))"
	run -1 --separate-stderr trust-hash -c m
	assert_output "c: FAILED
f1: OK
f2: FAILED"
	[ "$stderr" = "trust-hash: WARNING: 2 of 3 entries did not match" ]
	echo 'print("b")' > scripts/a.py
	run -1 --separate-stderr trust-hash -c m2
	assert_output "python3 scripts/a.py: FAILED"
	[ "$stderr" = "trust-hash: WARNING: 1 of 1 entry did not match" ]
}

@test "-c: a missing file, a directory, a file no longer a capsule: FAILED open or read" {
	ecap-keygen -o k > /dev/null
	ecap-seal --key-file k -o c f1
	trust-hash -o m f1 f2 c
	rm f1 f2
	mkdir f2
	echo plain > c
	run -1 --separate-stderr trust-hash -c m
	assert_output "c: FAILED open or read: not a capsule
f1: FAILED open or read: No such file or directory
f2: FAILED open or read: not a regular file"
	[ "$stderr" = "trust-hash: WARNING: 3 of 3 entries did not match" ]
}

@test "-c -q: failures only; nothing at all when every entry is OK" {
	trust-hash -o m f1 f2 scripts/a.py
	run -0 --separate-stderr trust-hash -q -c m
	assert_output ""
	[ -z "$stderr" ]
	echo changed > f2
	rm f1
	run -1 --separate-stderr trust-hash -q -c m
	assert_output "f1: FAILED open or read: No such file or directory
f2: FAILED"
	[ "$stderr" = "trust-hash: WARNING: 2 of 3 entries did not match" ]
}

@test "-c MANIFEST NAME...: only those entries, in the order named" {
	trust-hash -o m f1 f2 scripts/a.py
	echo changed > f2
	run -0 trust-hash -c m scripts/a.py f1
	assert_output "scripts/a.py: OK
f1: OK"
	run -1 --separate-stderr trust-hash -c m f2
	assert_output "f2: FAILED"
	[ "$stderr" = "trust-hash: WARNING: 1 of 1 entry did not match" ]
}

@test "-c MANIFEST NAME: an unknown name is an error, exit 2, nothing checked" {
	trust-hash -o m f1
	exits_with 2 "trust-hash: m: no entry nosuch" trust-hash -c m f1 nosuch
}

@test "-c: a missing manifest; stdout that cannot be written" {
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -c nosuch
	trust-hash -o m f1
	run --separate-stderr -2 sh -c 'trust-hash -c m > /dev/full'
	[ "$stderr" = "trust-hash: stdout: No space left on device" ]
}

# --- malformed manifests ---

@test "-c refuses a wrong first line" {
	bad_manifest 'ecap-trust 2\n' 'line 1: not "ecap-trust 1"'
	bad_manifest '' 'line 1: not "ecap-trust 1"'
	bad_manifest 'ecap-trust 1' 'line 1: not "ecap-trust 1"'
	bad_manifest 'ecap-trust 1\r\n' 'line 1: not "ecap-trust 1"'
	bad_manifest "f1\tfile\tsha256:$(sha f1)\tf1\n" 'line 1: not "ecap-trust 1"'
}

@test "-c refuses a line of three fields and an empty line" {
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" x)\nb\tinline\tsha256:$(zeros)\n" \
		"line 3: not four tab-separated fields"
	bad_manifest "ecap-trust 1\n\n$(entry a inline "$(zeros)" x)\n" \
		"line 2: not four tab-separated fields"
}

@test "-c refuses a line of five fields as not four fields" {
	bad_manifest "ecap-trust 1\na\tinline\tsha256:$(zeros)\tx\ty\n" \
		"line 2: not four tab-separated fields"
}

@test "-c refuses a bad hash: short, long, not hex, without sha256:" {
	for h in "sha256:00" "sha256:$(zeros)0" "sha256:$(zeros | sed s/0/g/)" "SHA256:$(zeros)" \
		"$(zeros)" "sha1:$(zeros)"; do
		bad_manifest "ecap-trust 1\na\tinline\t$h\tx\n" \
			"line 2: the hash is not sha256: and 64 lower-case hex digits"
	done
}

@test "-c refuses an unknown kind" {
	bad_manifest "ecap-trust 1\n$(entry a shell "$(zeros)" x)\n" "line 2: unknown kind"
	bad_manifest "ecap-trust 1\n$(entry a Inline "$(zeros)" x)\n" "line 2: unknown kind"
}

@test "-c refuses entries out of order and a repeated name" {
	bad_manifest "ecap-trust 1\n$(entry b inline "$(zeros)" x)\n$(entry a inline "$(zeros)" x)\n" \
		"line 3: entry a is out of order"
	bad_manifest "ecap-trust 1\n$(entry ab inline "$(zeros)" x)\n$(entry a inline "$(zeros)" x)\n" \
		"line 3: entry a is out of order"
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" x)\n$(entry B inline "$(zeros)" x)\n" \
		"line 3: entry B is out of order"
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" x)\n$(entry a inline "$(zeros)" y)\n" \
		"line 3: entry a is repeated"
}

@test "-c refuses a control character or an empty field" {
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" 'x\001y')\n" \
		"line 2: field 4 is empty, too long or holds a control character"
	bad_manifest "ecap-trust 1\n$(entry 'a\177' inline "$(zeros)" x)\n" \
		"line 2: field 1 is empty, too long or holds a control character"
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" 'x\r')\n" \
		"line 2: field 4 is empty, too long or holds a control character"
	bad_manifest "ecap-trust 1\n\tinline\tsha256:$(zeros)\tx\n" \
		"line 2: field 1 is empty, too long or holds a control character"
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" "$(head -c 4097 /dev/zero | tr '\0' x)")\n" \
		"line 2: field 4 is empty, too long or holds a control character"
}

@test "-c refuses an interp entry without a script" {
	bad_manifest "ecap-trust 1\n$(entry a interp "$(zeros)" python3)\n" \
		'line 2: an interp entry needs "INTERPRETER SCRIPT [ARG...]"'
}

@test "-c refuses a last line without its newline" {
	bad_manifest "ecap-trust 1\n$(entry a inline "$(zeros)" x)\n$(entry b inline "$(zeros)" x)" \
		"line 3: no newline at the end"
}

# --- usage errors ---

@test "usage: no arguments; -n with none or two; -c with options of the other form" {
	usage_error
	usage_error -k inline
	usage_error -n x
	usage_error -n x f1 f2
	usage_error -n x -f /dev/null
	trust-hash -o m f1
	usage_error -c m -k file
	usage_error -c m -n x
	usage_error -c m -o out
	usage_error -c m -f /dev/null
	[ ! -e out ]
}

@test "a file that does not exist, without -k: the error says to give -k inline" {
	exits_with 2 "trust-hash: make all: No such file or directory (for a command give -k inline or -k interp)" \
		trust-hash 'make all'
}

@test "an unknown -k" {
	exits_with 2 "trust-hash: -k shell: not inline, file, interp, wasm or capsule" trust-hash -k shell x
	exits_with 2 "trust-hash: -k : not inline, file, interp, wasm or capsule" trust-hash -k '' x
}

@test "-C to a directory that does not exist; -j out of range" {
	exits_with 2 "trust-hash: nosuch: No such file or directory" trust-hash -C nosuch f1
	exits_with 2 "trust-hash: -j: not a thread count of 1 to 64: '0'" trust-hash -j 0 f1
}

@test "a spec or name that is empty or holds a control character is refused" {
	exits_with 2 "trust-hash: x: the name is empty, too long or holds a control character" \
		trust-hash -k inline -n '' x
	exits_with 2 "trust-hash: x: the name is empty, too long or holds a control character" \
		trust-hash -k inline -n $'a\x01b' x
	run --separate-stderr -2 trust-hash -k inline ''
	assert_output ""
	[[ $stderr == *"the spec is empty, too long or holds a control character" ]]
}

@test "a spec holding a newline is refused in one line of message" {
	run --separate-stderr -2 trust-hash -k inline $'a\nb'
	assert_output ""
	[[ $stderr == "trust-hash: "*"the spec is empty, too long or holds a control character" &&
		$stderr != *$'\n'* ]] || fail "stderr: '$stderr', want one line"
}

@test "an interp spec without a script names it once" {
	exits_with 2 'trust-hash: python3: an interp entry needs "INTERPRETER SCRIPT [ARG...]"' \
		trust-hash -k interp python3
}

@test "an interp spec whose script does not exist" {
	exits_with 2 "trust-hash: scripts/none.py: No such file or directory" \
		trust-hash -k interp 'python3 scripts/none.py'
}

@test "an option given twice is refused" {
	trust-hash -o m f1
	exits_with 2 "trust-hash: -k given twice" trust-hash -k file -k inline f1
	exits_with 2 "trust-hash: -n given twice" trust-hash -n a -n b f1
	exits_with 2 "trust-hash: -f given twice" trust-hash -f /dev/null -f /dev/null f1
	exits_with 2 "trust-hash: -o given twice" trust-hash -o o1 -o o2 f1
	exits_with 2 "trust-hash: -c given twice" trust-hash -c m -c m
	[ ! -e o1 ] && [ ! -e o2 ]
}
