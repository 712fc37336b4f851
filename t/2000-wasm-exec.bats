#!/usr/bin/env bats
# wasm-exec: modules from files and from ecap-open's exec/1 stream; the WASI
# host and its capabilities (directories, environment, clocks, randomness);
# fuel, memory, output and time limits; the hostile modules; the sandboxed
# child; the transcript and the report; every error with its status.

setup() {
	load lib/common
	W="$DATA/wasm"
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
}

# fsdir: a directory tree to preopen, as t/wasm/files.c and escape.c expect it:
# fs/d (input.txt, link -> ../outside), fs/ro (input.txt), fs/outside.
fsdir() {
	mkdir -p fs/d fs/ro
	echo secret > fs/outside
	printf 'hello, files\n' > fs/d/input.txt
	cp fs/d/input.txt fs/ro/input.txt
	ln -s ../outside fs/d/link
}

# tree DIR: every path beneath DIR with its type and content hash, for before/after.
tree() {
	(cd "$1" && find . -printf '%p %y %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

@test "a module runs: its output is ours, its exit status proc_exit's" {
	run -0 wasm-exec "$W/c-hello.wasm"
	assert_output "hello, world"
	run -3 wasm-exec "$W/c-exit.wasm" -- 3
	assert_output ""
	run -0 wasm-exec "$W/c-exit.wasm"
	run -255 wasm-exec "$W/c-exit.wasm" -- 256
	run -255 wasm-exec "$W/c-exit.wasm" -- 4294967295
}

@test "the guest's arguments follow --, after its name" {
	run -0 wasm-exec "$W/c-args.wasm" -- 'a b' ''
	assert_output "argc=3
argv[0]=$W/c-args.wasm
argv[1]=a b
argv[2]="
	# Options after the module are the guest's too.
	run -0 wasm-exec "$W/c-args.wasm" --fuel 1
	assert_line "argv[1]=--fuel"
	run -0 wasm-exec - -- x < "$W/c-args.wasm"
	assert_line "argv[0]=main.wasm"
	assert_line "argv[1]=x"
}

@test "stdin streams into the guest; a module read from stdin has an empty one" {
	prng 100000 > in
	wasm-exec "$W/c-cat.wasm" < in > out
	cmp in out
	run -0 wasm-exec < "$W/c-cat.wasm"
	assert_output ""
}

@test "ecap-open | wasm-exec: the capsule runs, STDI is its stdin, the report names the capsule" {
	ecap-seal --key-file team.key -o cat.ecap "$W/c-cat.wasm"
	prng 70000 > in
	ecap-open --key-file team.key cat.ecap < in | wasm-exec --report r.json > out
	cmp in out
	hh=$(ecap-open --key-file team.key cat.ecap < /dev/null | ecap-frame dump -t META |
		sed -n 's/^x-header-hash=//p')
	run -0 jq -r .capsule_id r.json
	assert_output "$hh"
	run -0 jq -r .module_hash r.json
	assert_output "$(sha256sum < "$W/c-cat.wasm" | cut -d' ' -f1)"
}

@test "a stream cut or changed before its checkpoint runs nothing (exit 2)" {
	ecap-seal --key-file team.key -o hello.ecap "$W/c-hello.wasm"
	ecap-open --key-file team.key hello.ecap < /dev/null > s.ef
	chkp=$(ecap-frame list s.ef | awk '$2 == "CHKP" { print $1 }')
	size=$(file_size s.ef)
	for cut in 0 4 8 14 20 100 400 $((chkp - 1)) $((chkp + 8)) $((chkp + 39)); do
		(( cut < chkp + 40 )) || fail "cut $cut is past the checkpoint"
		run --separate-stderr -2 wasm-exec --transcript t.txt < <(head -c "$cut" s.ef)
		assert_output ""
		[[ $stderr == "wasm-exec: stdin: "* ]] || fail "cut $cut: $stderr"
		assert_file_not_exists t.txt
	done
	# A changed byte of the module: the checkpoint does not match.
	body=$(ecap-frame list s.ef | awk '$2 == "BODY" { print $1; exit }')
	cp s.ef bad.ef
	printf 'X' | dd of=bad.ef bs=1 seek=$((body + 100)) conv=notrunc status=none
	run --separate-stderr -2 wasm-exec < bad.ef
	assert_output ""
	assert_equal "$stderr" "wasm-exec: stdin: offset $chkp: checkpoint hash does not match the stream before it (corrupt or spliced)"
	# Another format is not a module.
	ecap-frame wrap < "$W/c-hello.wasm" > data.ef
	exits_with 2 "wasm-exec: stdin: offset 0: a data/1 stream, not exec/1" wasm-exec < data.ef
	(( size > chkp ))
}

@test "a stream cut after its checkpoint: the guest reads EIO, wasm-exec exits 2" {
	ecap-seal --key-file team.key -o cat.ecap "$W/c-cat.wasm"
	printf 'some input\n' | ecap-open --key-file team.key cat.ecap > s.ef
	end=$(ecap-frame list s.ef | awk '$2 == "END" { print $1 }')
	run --separate-stderr -2 wasm-exec < <(head -c "$end" s.ef)
	assert_output "some input"
	grep -qxF "wasm-exec: stdin: offset $end: stream ends without an END frame (truncated)" <<< "$stderr"
	stdi=$(ecap-frame list s.ef | awk '$2 == "STDI" { print $1 }')
	run --separate-stderr -2 wasm-exec < <(head -c $((stdi + 4)) s.ef)
	assert_output ""
	grep -qxF "cat: read: EIO" <<< "$stderr"
	grep -qxF "wasm-exec: stdin: offset $stdi: truncated frame header: 4 of 8 bytes" <<< "$stderr"
	# The whole stream is fine.
	run -0 wasm-exec < s.ef
	assert_output "some input"
}

@test "only capabilities the capsule declares can be granted" {
	fsdir
	ecap-seal --key-file team.key -o none.ecap "$W/c-hello.wasm"
	ecap-seal --key-file team.key --capability dir:ro --capability env \
		--capability clock --capability random -o some.ecap "$W/c-hello.wasm"
	ecap-open --key-file team.key none.ecap < /dev/null > none.ef
	ecap-open --key-file team.key some.ecap < /dev/null > some.ef
	exits_with 2 "wasm-exec: --dir fs/d: the capsule does not declare capability dir:ro" \
		wasm-exec --dir fs/d:ro < none.ef
	exits_with 2 "wasm-exec: --dir fs/d: the capsule does not declare capability dir" \
		wasm-exec --dir fs/d < some.ef
	exits_with 2 "wasm-exec: --env: the capsule does not declare capability env" \
		wasm-exec --env A=1 < none.ef
	exits_with 2 "wasm-exec: --allow clock: the capsule does not declare capability clock" \
		wasm-exec --allow clock < none.ef
	exits_with 2 "wasm-exec: --allow random: the capsule does not declare capability random" \
		wasm-exec --allow random < none.ef
	run -0 wasm-exec --dir fs/d:ro --env A=1 --allow clock,random < some.ef
	assert_output "hello, world"
	# A module from a file has no such declaration to keep to.
	run -0 wasm-exec --dir fs/d --allow clock "$W/c-hello.wasm"
}

@test "--dir: the file calls work beneath the preopen, and the host sees just that" {
	fsdir
	run -0 wasm-exec --report r.json --dir fs/d::/data "$W/c-files.wasm" -- /data
	refute_output --partial UNEXPECTED
	assert_line "read input.txt: 13 bytes: hello, files"
	assert_line "list: input.txt link new.txt sub"
	assert_line "rmdir sub: ENOTEMPTY"
	run -0 ls fs/d
	assert_output "input.txt
link"
	run -0 jq -c '[.granted, .used, .denied_calls]' r.json
	assert_output "[[\"dir:fs/d::/data\"],[\"dir:fs/d::/data\"],0]"
}

@test "--dir: nothing outside the preopen can be reached, and :ro changes nothing" {
	fsdir
	tree fs > before
	run -0 wasm-exec --report r.json --dir fs/d::/data --dir fs/ro::/ro:ro \
		"$W/c-escape.wasm" -- /data /ro
	assert_line "openat ../outside: ENOTCAPABLE"
	assert_line "openat /etc/passwd: ENOTCAPABLE"
	assert_line "openat link (-> ../outside): ENOTCAPABLE"
	assert_line "openat symlink-abs: ENOTCAPABLE"
	assert_line "openat sub/../../outside: ENOTCAPABLE"
	assert_line "openat ../escaped (create): ENOTCAPABLE"
	assert_line "open RODIR/input.txt (write): ENOTCAPABLE"
	assert_line "mkdir RODIR/sub: ENOTCAPABLE"
	assert_line "escapes: 0"
	tree fs > after
	diff before after
	assert_file_not_exists escaped
	run -0 jq '.denied_calls >= 10' r.json
	assert_output true
	# The hand-written module asks the host directly: ../escape and /tmp/escape.
	run -0 wasm-exec --dir fs/d "$DATA/wasm/hostile-write-outside.wasm"
	assert_file_not_exists fs/escape
	assert_file_not_exists /tmp/escape
	tree fs > after2
	diff before after2
}

@test "--env: the guest sees the variables given, and nothing of ours" {
	export OURS=here
	run -0 wasm-exec "$W/c-env.wasm"
	assert_output ""
	run -0 wasm-exec --env A=1 --env OURS --env UNSET_HERE --env 'B=x=y' "$W/c-env.wasm"
	assert_output "A=1
OURS=here
B=x=y"
	exits_with 2 "wasm-exec: --env =1: no variable name" wasm-exec --env =1 "$W/c-env.wasm"
}

@test "the clocks are virtual by default, from SOURCE_DATE_EPOCH, and real with --allow clock" {
	SOURCE_DATE_EPOCH=1700000000 run -0 wasm-exec "$W/c-clock.wasm"
	assert_line "realtime 1: 1700000000.001000000"
	assert_line "monotonic 1: 0.002000000"
	assert_line "realtime 2: 1700000000.003000000"
	assert_line "monotonic advanced: yes"
	first=$output
	SOURCE_DATE_EPOCH=1700000000 run -0 wasm-exec "$W/c-clock.wasm"
	assert_equal "$output" "$first"
	run -0 wasm-exec --allow clock "$W/c-clock.wasm"
	now=$(date +%s)
	real=$(sed -n 's/^realtime 1: \([0-9]*\)\..*/\1/p' <<< "$output")
	(( real <= now && real >= now - 60 ))
}

@test "random_get is seeded: the same bytes for the same module and seed, others otherwise" {
	run -0 wasm-exec "$W/c-random.wasm"
	a=$output
	[[ $a =~ ^[0-9a-f]{32}$ ]]
	run -0 wasm-exec "$W/c-random.wasm"
	assert_equal "$output" "$a"
	run -0 wasm-exec --seed one "$W/c-random.wasm"
	b=$output
	run -0 wasm-exec --seed one "$W/c-random.wasm"
	assert_equal "$output" "$b"
	[ "$a" != "$b" ]
	run -0 wasm-exec --allow random "$W/c-random.wasm"
	c=$output
	run -0 wasm-exec --allow random "$W/c-random.wasm"
	[ "$c" != "$output" ] && [ "$c" != "$a" ]
}

@test "--fuel: the same run takes the same fuel; too little traps (134)" {
	wasm-exec --report r1.json "$W/c-spin.wasm" -- 1000 > o1
	wasm-exec --report r2.json "$W/c-spin.wasm" -- 1000 > o2
	used=$(jq .fuel_used r1.json)
	assert_equal "$(jq .fuel_used r2.json)" "$used"
	wasm-exec --report r3.json "$W/c-spin.wasm" -- 2000 > /dev/null
	(( $(jq .fuel_used r3.json) > used ))
	run -0 wasm-exec --fuel "$used" "$W/c-spin.wasm" -- 1000
	assert_output "$(cat o1)"
	run --separate-stderr -134 wasm-exec --fuel $((used - 1)) --report r4.json \
		"$W/c-spin.wasm" -- 1000
	assert_equal "$stderr" "wasm-exec: trap: all fuel consumed (--fuel $((used - 1)))"
	exits_with 134 "wasm-exec: trap: all fuel consumed (--fuel 1000)" \
		wasm-exec --fuel 1000 "$W/c-spin.wasm" -- 1000
	run -0 jq -r '[.exit_status, .trap, .fuel_used, .fuel_limit] | @tsv' r4.json
	assert_output "$(printf '134\tall fuel consumed (--fuel %d)\t%d\t%d' $((used - 1)) $((used - 1)) $((used - 1)))"
}

@test "--max-memory: memory.grow fails beyond it, and a module that starts bigger is refused" {
	run -0 wasm-exec "$W/c-alloc.wasm" -- 100
	assert_output "ok 100 MiB"
	run -1 wasm-exec --max-memory 64M "$W/c-alloc.wasm" -- 100
	assert_output "malloc failed"
	run -0 wasm-exec --max-memory 128M --report r.json "$W/c-alloc.wasm" -- 100
	run -0 jq '.peak_memory > 100 * 1048576 and .peak_memory <= 128 * 1048576' r.json
	assert_output true
	exits_with 2 "wasm-exec: $W/hostile-meminit.wasm: memory needs 65536 pages, over the limit of 4096" \
		wasm-exec "$W/hostile-meminit.wasm"
}

@test "--timeout: a runaway loop is killed (124) in about the time given" {
	start=$(date +%s%N)
	exits_with 124 "wasm-exec: timeout after 1 seconds" wasm-exec --timeout 1 "$W/hostile-loop.wasm"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	(( ms >= 1000 && ms < 20000 ))
	# The same while the guest waits for input.
	run --separate-stderr -124 wasm-exec --timeout 0.5 "$W/c-cat.wasm" < <(sleep 5)
	assert_equal "$stderr" "wasm-exec: timeout after 0.5 seconds"
}

@test "--max-output: output stops at the limit, as a trap (134)" {
	run --separate-stderr -134 wasm-exec --max-output 100000 "$W/hostile-output.wasm"
	assert_equal "$stderr" "wasm-exec: trap: output limit of 100000 bytes reached"
	wasm-exec --max-output 1M "$W/c-bigout.wasm" -- 2M > out 2> err || st=$?
	assert_equal "${st:-0}" 134
	assert_equal "$(file_size out)" 1048576
	wasm-exec "$W/c-bigout.wasm" -- 2M | cmp -n 1048576 out -
}

@test "hostile modules end with their message and status" {
	exits_with 134 "wasm-exec: trap: call stack exhausted" wasm-exec "$W/hostile-recurse.wasm"
	exits_with 134 "wasm-exec: trap: call stack exhausted" wasm-exec "$W/hostile-recurse-indirect.wasm"
	exits_with 134 "wasm-exec: trap: unreachable executed" wasm-exec "$W/hostile-start-trap.wasm"
	exits_with 134 "wasm-exec: trap: all fuel consumed (--fuel 100000)" \
		wasm-exec --fuel 100000 "$W/hostile-loop.wasm"
	exits_with 2 "wasm-exec: $W/hostile-import.wasm: import env.launch_missiles is not provided" \
		wasm-exec "$W/hostile-import.wasm"
	run --separate-stderr wasm-exec --max-memory 1M --report r.json "$W/hostile-membomb.wasm"
	run -0 jq '.peak_memory <= 1048576' r.json
	assert_output true
	run --separate-stderr wasm-exec --max-memory 1M "$W/hostile-memmax.wasm"
	(( status != 125 ))
}

@test "the guest runs in a child under seccomp, with no new privileges and no files" {
	wasm-exec --timeout 20 "$W/hostile-loop.wasm" 3> /dev/null &
	parent=$!
	child=$(child_of "$parent")
	run -0 grep -E '^(Seccomp|NoNewPrivs):' "/proc/$child/status"
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	# One descriptor: the socket to the parent.
	run -0 ls "/proc/$child/fd"
	assert_equal "${#lines[@]}" 1
	run -0 readlink "/proc/$child/fd/${lines[0]}"
	assert_output --regexp '^socket:'
	run -0 grep '^Max core file size' "/proc/$child/limits"
	assert_output --regexp ' 0 +0 '
	kill "$parent"
	wait "$parent" || true
}

@test "the transcript: its hash is in the report, the same in other directories and at other times" {
	ecap-seal --key-file team.key -o cat.ecap "$W/c-cat.wasm"
	mkdir one two
	(cd one && printf 'same input\n' | ecap-open --key-file ../team.key ../cat.ecap |
		wasm-exec --transcript t.txt --report r.json > out)
	sleep 1
	(cd two && printf 'same input\n' | ecap-open --key-file ../team.key ../cat.ecap |
		wasm-exec --transcript t.txt --report r.json > out)
	cmp one/t.txt two/t.txt
	cmp one/out two/out
	h=$(jq -r .transcript_hash one/r.json)
	assert_equal "$(jq -r .transcript_hash two/r.json)" "$h"
	assert_equal "$(sha256sum < one/t.txt | cut -d' ' -f1)" "$h"
	[ "$(jq .wall_time one/r.json)" != "" ]
	run -0 head -1 one/t.txt
	assert_output "module $(sha256sum < "$W/c-cat.wasm" | cut -d' ' -f1)"
	run -0 tail -1 one/t.txt
	assert_output "exit 0"
	run -0 grep -c "data=11:$(printf 'same input\n' | sha256sum | cut -d' ' -f1)" one/t.txt
	assert_output 2
	# Other input, another transcript.
	printf 'other input\n' | ecap-open --key-file team.key cat.ecap |
		wasm-exec --report r3.json > /dev/null
	[ "$(jq -r .transcript_hash r3.json)" != "$h" ]
}

@test "the report holds every field" {
	wasm-exec --report r.json --env A=1 "$W/c-hello.wasm" > out
	run -0 jq -r 'keys | join(" ")' r.json
	assert_output "calls capsule_hash capsule_id denied_calls engine exit_status fuel_limit fuel_used granted max_rss max_rss_engine module_hash output_bytes output_hash peak_memory stderr_bytes transcript_hash trap unprovided_calls used wall_time"
	run -0 jq -r '[.engine, .exit_status, .output_bytes, .calls.fd_write, (.trap|tostring), (.capsule_id|tostring)] | @tsv' r.json
	assert_output "$(printf 'interp\t0\t13\t1\tnull\tnull')"
	assert_equal "$(jq -r .output_hash r.json)" "$(sha256sum < out | cut -d' ' -f1)"
}

@test "bad input and usage: one line, exit 2, nothing run" {
	exits_with 2 "wasm-exec: missing.wasm: No such file or directory" wasm-exec missing.wasm
	printf 'not wasm' > text
	exits_with 2 "wasm-exec: text: not a WebAssembly module" wasm-exec text
	exits_with 2 "wasm-exec: $W/invalid.wasm: offset 38: type mismatch in i32.add, expected [i32, i32] but got [i32, i64]" \
		wasm-exec "$W/invalid.wasm"
	exits_with 2 "wasm-exec: --fuel x: not a count" wasm-exec --fuel x "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --max-memory 1: not a size from 64K to 4G" \
		wasm-exec --max-memory 1 "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --max-output 0: not a size" wasm-exec --max-output 0 "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --timeout -1: not a number of seconds" wasm-exec --timeout -1 "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --allow net: unknown capability (clock, random)" \
		wasm-exec --allow net "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --dir missing: No such file or directory" \
		wasm-exec --dir missing "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: --dir: empty host or guest path" wasm-exec --dir ::x "$W/c-hello.wasm"
	run -2 wasm-exec --bogus "$W/c-hello.wasm"
	assert_line --partial "usage: wasm-exec"
	run -0 wasm-exec --help
	assert_line --partial "usage: wasm-exec"
	run -0 wasm-exec --version
	assert_output "wasm-exec $(cat "$T_ROOT/VERSION")"
}

@test "imports: WASI's types are required, unknown WASI functions get ENOSYS, no _start is refused" {
	cat > badtype.wat <<-'EOF'
	(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i32)))
	  (func (export "_start")))
	EOF
	cat > unknown.wat <<-'EOF'
	(module (import "wasi_snapshot_preview1" "sock_open" (func $f (param i32) (result i32)))
	  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
	  (func (export "_start") (call $exit (call $f (i32.const 7)))))
	EOF
	cat > nostart.wat <<-'EOF'
	(module (func (export "main")))
	EOF
	cat > memimport.wat <<-'EOF'
	(module (import "env" "memory" (memory 1)) (func (export "_start")))
	EOF
	for m in badtype unknown nostart memimport; do wat2wasm "$m.wat"; done
	exits_with 2 "wasm-exec: badtype.wasm: import wasi_snapshot_preview1.fd_write does not have WASI's type" \
		wasm-exec badtype.wasm
	run -52 wasm-exec --transcript t.txt --report r.json unknown.wasm
	assert_output ""
	run -0 grep -c '^call wasi_snapshot_preview1.sock_open -> 52$' t.txt
	assert_output 1
	run -0 jq .unprovided_calls r.json
	assert_output 1
	exits_with 2 "wasm-exec: nostart.wasm: no exported function _start" wasm-exec nostart.wasm
	exits_with 2 "wasm-exec: memimport.wasm: imported memory is not supported" wasm-exec memimport.wasm
}

@test "an engine that dies is reported (125), with the report still written" {
	wasm-exec --report r.json --transcript t.txt "$W/hostile-loop.wasm" 2> err &
	parent=$!
	child=$(child_of "$parent")
	kill -ABRT "$child"
	st=0
	wait "$parent" || st=$?
	assert_equal "$st" 125
	assert_equal "$(cat err)" "wasm-exec: the engine was killed by SIGABRT"
	run -0 jq -r '[.exit_status, .trap] | @tsv' r.json
	assert_output "$(printf '125\tthe engine was killed by SIGABRT')"
	run -0 tail -1 t.txt
	assert_output "failed the engine was killed by SIGABRT"
}
