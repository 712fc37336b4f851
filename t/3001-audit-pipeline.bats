#!/usr/bin/env bats
# ecap-open and wasm-exec record their own steps in the audit log, ecap-audit(5):
# CapsuleLoad, one PageDecrypt per page with the page table's leaf hash,
# ExecutionStart and ExecutionComplete, whose transcript hash is the report's;
# on with --audit, --audit-db or ECAP_AUDIT, off otherwise; failing closed when
# the log cannot be opened or written, before and during the step.

setup() {
	load lib/common
	W="$DATA/wasm"
	echo 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > team.key
}

# refused_log PROG DB COMMAND...: COMMAND exits 2, writes nothing on stdout, and
# says on one line "PROG: audit log: DB: " and SQLite's reason.
refused_log() {
	local prog=$1 db=$2
	shift 2
	run --separate-stderr -2 "$@"
	assert_output ""
	[[ $stderr == "$prog: audit log: $db: "* && $stderr != *$'\n'* ]] ||
		fail "stderr: '$stderr', want one line '$prog: audit log: $db: ...'"
}

# events DB: the log's events, one JSON object a line (audit-verify --export jsonl).
events() {
	audit-verify --db "$1" --export jsonl
}

# types DB: the types of DB's events, one a line, in order, a PageDecrypt's with its page index.
types() {
	events "$1" | jq -r '[.type, (.index // empty | tostring)] | join(" ")'
}

# body DB TYPE: the bodies of DB's events of TYPE, one a line, keys sorted.
body() {
	events "$1" | jq -cS --arg t "$2" 'select(.type == $t) | del(.seq, .time, .type, .hash, .prev)'
}

# cmark_capsule: cmark.ecap, cmark sealed in pages of 32 KiB (nine of them).
cmark_capsule() {
	ecap-seal --key-file team.key --page-size 32K --meta id=org.commonmark.cmark \
		-o cmark.ecap "$W/real-cmark.wasm"
}

# failing_log DB TYPE [PAGE]: an audit log whose append of a TYPE event (of page
# PAGE) fails, as on a full disk: a trigger aborts the insert.
failing_log() {
	wasm-exec --audit-db "$1" "$W/c-hello.wasm" > /dev/null
	sqlite3 "$1" "CREATE TRIGGER full BEFORE INSERT ON events WHEN NEW.type = '$2'${3:+ AND json_extract(NEW.body, '\$.index') = $3}
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
}

@test "ecap-open --audit | wasm-exec --audit: CapsuleLoad, PageDecrypt for each page, ExecutionStart, ExecutionComplete" {
	cmark_capsule
	ecap-open --audit --key-file team.key cmark.ecap < "$T_ROOT/README.md" |
		wasm-exec --audit --report r.json > out.html
	wasm-exec "$W/real-cmark.wasm" < "$T_ROOT/README.md" | cmp - out.html
	db="$XDG_STATE_HOME/ecap/audit.db"
	run -0 audit-verify --db "$db"
	hh=$(ecap-inspect --json cmark.ecap | jq -r .header_hash)
	ch=$(ecap-inspect --json cmark.ecap | jq -r .capsule_hash)
	root=$(ecap-inspect --json cmark.ecap | jq -r .root)
	n=$(ecap-inspect --json cmark.ecap | jq -r .pages)
	((n == 9))
	# Exactly these events, in this order.
	run -0 types "$db"
	assert_output "CapsuleLoad
$(for ((k = 0; k < n; k++)); do echo "PageDecrypt $k"; done)
ExecutionStart
ExecutionComplete"
	run -0 body "$db" CapsuleLoad
	kid=$(ecap-keygen -l team.key | cut -d' ' -f2)
	assert_output "{\"capsule_hash\":\"$ch\",\"capsule_id\":\"$hh\",\"header_hash\":\"$hh\",\"id\":\"org.commonmark.cmark\",\"key_id\":\"$kid\",\"key_kind\":\"key\",\"pages\":$n,\"root\":\"$root\"}"
	# Each page's leaf hash from the page table, as merkle computes it from the PAGE frames.
	run -0 body "$db" PageDecrypt
	assert_output "$(merkle --leaves -t PAGE cmark.ecap |
		awk -v h="$hh" '{ printf "{\"capsule_id\":\"%s\",\"index\":%d,\"leaf_hash\":\"%s\"}\n", h, NR - 1, $1 }')"
	for k in 0 4 8; do
		run -0 jq -r "select(.index == $k) | .leaf_hash" <<< "$(body "$db" PageDecrypt)"
		assert_output "$(ecap-inspect --page "$k" --json cmark.ecap | jq -r .leaf_hash)"
	done
	# Never the plaintext, nor a hash of it.
	split -b 32768 "$W/real-cmark.wasm" plain.
	for f in plain.*; do
		run -1 grep -c "$(sha256_hex "$f")" <(events "$db")
	done
	run -0 body "$db" ExecutionStart
	assert_output "{\"capsule_id\":\"$hh\",\"engine\":\"interp\",\"granted\":[],\"module_hash\":\"$(sha256_hex "$W/real-cmark.wasm")\"}"
	# ExecutionComplete: the report's fields under the same names; its transcript hash the report's.
	body "$db" ExecutionComplete > complete.json
	run -0 jq -r .transcript_hash complete.json
	assert_output "$(jq -r .transcript_hash r.json)"
	run -0 jq -n --slurpfile e complete.json --slurpfile r r.json '$r[0] as $r | $e[0] == {
		module_hash: $r.module_hash, capsule_id: $r.capsule_id, capsule_hash: $r.capsule_hash,
		engine: $r.engine,
		exit_status: $r.exit_status, fuel_used: $r.fuel_used, peak_memory: $r.peak_memory,
		output_hash: $r.output_hash, transcript_hash: $r.transcript_hash, wall_time: $r.wall_time,
		calls: $r.calls, denied_calls: $r.denied_calls }'
	assert_output true
	run -0 jq -r '[.capsule_id, .exit_status, .output_hash, (has("trap"))] | join(" ")' complete.json
	assert_output "$hh 0 $(sha256_hex out.html) false"
}

@test "ECAP_AUDIT names the log and turns auditing on; --audit-db names another; empty is off" {
	mkdir -p fs
	echo hi > fs/in.txt
	ecap-seal --key-file team.key --capability dir:ro -o hello.ecap "$W/c-hello.wasm"
	hh=$(ecap-inspect --json hello.ecap | jq -r .header_hash)
	export ECAP_AUDIT="$PWD/env.db"
	run -0 bash -c "ecap-open --key-file team.key hello.ecap < /dev/null | wasm-exec --dir fs::/data:ro"
	assert_output "hello, world"
	run -0 types env.db
	assert_output "CapsuleLoad
PageDecrypt 0
ExecutionStart
ExecutionComplete"
	run -0 body env.db ExecutionStart
	assert_output "{\"capsule_id\":\"$hh\",\"engine\":\"interp\",\"granted\":[\"dir:fs::/data:ro\"],\"module_hash\":\"$(sha256_hex "$W/c-hello.wasm")\"}"
	# A module from a file: no capsule_id, and no trap.
	run -3 wasm-exec "$W/c-exit.wasm" -- 3
	events env.db > log.jsonl
	run -0 jq -c 'select(.seq == 6) | [.type, .exit_status, has("capsule_id"), has("trap")]' log.jsonl
	assert_output '["ExecutionComplete",3,false,false]'
	# --audit-db wins over ECAP_AUDIT.
	run -0 ecap-open --key-file team.key --audit-db other.db --raw hello.ecap
	run -0 types other.db
	assert_output "CapsuleLoad
PageDecrypt 0"
	assert_equal "$(events env.db | wc -l)" 6
	# Set but empty: off.
	ECAP_AUDIT= wasm-exec "$W/c-hello.wasm"
	ECAP_AUDIT= ecap-open --key-file team.key --raw hello.ecap
	assert_equal "$(events env.db | wc -l)" 6
	assert_not_exist "$XDG_STATE_HOME/ecap"
}

@test "a log that cannot be opened: ecap-open releases nothing, wasm-exec runs nothing (exit 2)" {
	ecap-seal --key-file team.key -o hello.ecap "$W/c-hello.wasm"
	mkdir dir.db
	touch file
	for db in dir.db file/audit.db; do
		refused_log ecap-open "$db" ecap-open --key-file team.key --audit-db "$db" hello.ecap
		refused_log ecap-open "$db" ecap-open --key-file team.key --audit-db "$db" --raw hello.ecap
		refused_log ecap-open "$db" ecap-open --key-file team.key --audit-db "$db" -o out hello.ecap
		assert_not_exist out
		refused_log wasm-exec "$db" wasm-exec --audit-db "$db" --report r.json \
			--transcript t.txt "$W/c-hello.wasm"
		assert_not_exist r.json
		assert_not_exist t.txt
		refused_log wasm-exec "$db" env ECAP_AUDIT="$db" wasm-exec "$W/c-hello.wasm"
		# The pipeline: nothing comes out of either.
		run --separate-stderr -2 bash -c "ecap-open --key-file team.key --audit-db '$db' \
			hello.ecap < /dev/null | wasm-exec --audit-db '$db'"
		assert_output ""
	done
	assert_dir_holds_nothing dir.db
	# The default log, under a state directory that is a file.
	mkdir -p "$HOME/.local"
	touch "$XDG_STATE_HOME"
	refused_log ecap-open "$XDG_STATE_HOME/ecap/audit.db" \
		ecap-open --key-file team.key --audit --raw hello.ecap
	refused_log wasm-exec "$XDG_STATE_HOME/ecap/audit.db" wasm-exec --audit "$W/c-hello.wasm"
}

@test "a page's event that cannot be appended stops ecap-open there: that page and those after it are not released" {
	cmark_capsule
	failing_log a.db PageDecrypt 2
	run --separate-stderr -2 bash -c \
		"ecap-open --key-file team.key --audit-db a.db --raw cmark.ecap > out"
	[ "$stderr" = "ecap-open: audit log: a.db: append: database or disk is full" ] ||
		fail "stderr: $stderr"
	# Exactly pages 0 and 1, each recorded before it was written.
	cmp out <(head -c 65536 "$W/real-cmark.wasm")
	run -0 types a.db
	assert_output "ExecutionStart
ExecutionComplete
CapsuleLoad
PageDecrypt 0
PageDecrypt 1"
	run -0 audit-verify --db a.db
	# -o: no file; the exec/1 stream: no checkpoint, so nothing runs.
	exits_with 2 "ecap-open: audit log: a.db: append: database or disk is full" \
		ecap-open --key-file team.key --audit-db a.db -o out2 cmark.ecap
	assert_not_exist out2
	run --separate-stderr -2 bash -c "ecap-open --key-file team.key --audit-db a.db cmark.ecap \
		< /dev/null | wasm-exec"
	assert_output ""
	[[ $stderr == *"wasm-exec: stdin: offset "*": stream ends without an END frame (truncated)" ]] ||
		fail "stderr: $stderr"
	# The CapsuleLoad event: nothing at all.
	failing_log b.db CapsuleLoad
	exits_with 2 "ecap-open: audit log: b.db: append: database or disk is full" \
		ecap-open --key-file team.key --audit-db b.db cmark.ecap
}

@test "wasm-exec: no ExecutionStart, no run; no ExecutionComplete, exit 2 after the run" {
	failing_log a.db ExecutionStart
	before=$(events a.db)
	exits_with 2 "wasm-exec: audit log: a.db: append: database or disk is full" \
		wasm-exec --audit-db a.db --transcript t.txt --report r.json "$W/c-hello.wasm"
	assert_not_exist t.txt
	assert_not_exist r.json
	assert_equal "$(events a.db)" "$before"
	# The guest ran and its report was written, but the log does not say how it ended.
	failing_log b.db ExecutionComplete
	run --separate-stderr -2 wasm-exec --audit-db b.db --report r.json "$W/c-hello.wasm"
	assert_output "hello, world"
	[ "$stderr" = "wasm-exec: audit log: b.db: append: database or disk is full" ] ||
		fail "stderr: $stderr"
	assert_file_exists r.json
	run -0 types b.db
	assert_output "ExecutionStart
ExecutionComplete
ExecutionStart"
}

@test "a file that is not an audit log is refused, and left as it was" {
	ecap-seal --key-file team.key -o hello.ecap "$W/c-hello.wasm"
	prng 4096 > random.db
	echo "not a database" > text.db
	for db in random.db text.db; do
		sum=$(sha256_hex "$db")
		refused_log ecap-open "$db" ecap-open --key-file team.key --audit-db "$db" --raw hello.ecap
		refused_log wasm-exec "$db" wasm-exec --audit-db "$db" "$W/c-hello.wasm"
		refused_log wasm-exec "$db" env ECAP_AUDIT="$db" wasm-exec "$W/c-hello.wasm"
		assert_equal "$(sha256_hex "$db")" "$sum"
	done
}

@test "without auditing nothing is written to the default log, or anywhere in HOME" {
	cmark_capsule
	ecap-open --key-file team.key cmark.ecap < "$T_ROOT/README.md" |
		wasm-exec --report r.json > out.html
	ecap-open --key-file team.key --raw cmark.ecap > out.wasm
	cmp out.wasm "$W/real-cmark.wasm"
	assert_dir_holds_nothing "$HOME"
}

@test "--audit and --audit-db together, or twice, are usage errors" {
	ecap-seal --key-file team.key -o hello.ecap "$W/c-hello.wasm"
	exits_with 2 "ecap-open: give --audit or --audit-db, not both" \
		ecap-open --key-file team.key --audit --audit-db a.db hello.ecap
	exits_with 2 "ecap-open: an option was given twice" \
		ecap-open --key-file team.key --audit-db a.db --audit-db b.db hello.ecap
	exits_with 2 "wasm-exec: give --audit or --audit-db, not both" \
		wasm-exec --audit --audit-db a.db "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: an option was given twice" \
		wasm-exec --audit-db a.db --audit-db b.db "$W/c-hello.wasm"
	exits_with 2 "wasm-exec: an option was given twice" wasm-exec --audit --audit "$W/c-hello.wasm"
	assert_not_exist a.db
	assert_dir_holds_nothing "$HOME"
	run -0 ecap-open --help
	assert_output --partial "[--audit | --audit-db FILE]"
	run -0 wasm-exec --help
	assert_output --partial "[--audit | --audit-db FILE]"
}
