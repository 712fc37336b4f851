#!/usr/bin/env bats
# The audit log, ecap-audit(5): audit-append and audit-verify; the record and
# its hashes rebuilt with jq, sha256sum and merkle; every kind of change to
# the rows made with the sqlite3 shell caught with its sequence number; a log
# cut short, and cut and grown again, caught against a signed checkpoint,
# whose signature ssh-keygen -Y verify accepts; every error with its status.

setup() {
	load lib/common
	export SOURCE_DATE_EPOCH=1700000000 ECAP_AUDIT=$PWD/audit.db
}

# log N: N events of a few types and bodies.
log() {
	local k
	for ((k = 1; k <= $1; k++)); do
		audit-append --type "Step$((k % 3))" n:="$k" name="step $k" > /dev/null
	done
}

# record SEQ: the canonical record of event SEQ, rebuilt from the export with jq.
record() {
	audit-verify --export jsonl | jq -cS --argjson s "$1" 'select(.seq == $s) |
		{body: (del(.seq, .time, .type, .hash, .prev)), prev, seq, time, type}' | tr -d '\n'
}

@test "audit-append: one event from fields, from JSON; its sequence number on stdout" {
	run -0 audit-append --type Deploy app=hello replicas:=3 'tags:=["a","b"]'
	assert_output 1
	run -0 audit-append --type Note --json '{"text":"ünïcode","n":1.5}'
	assert_output 2
	run -0 audit-verify --export jsonl
	assert_line '{"app":"hello","hash":"'"$(sqlite3 audit.db "SELECT lower(hex(hash)) FROM events WHERE seq=1")"'","prev":"0000000000000000000000000000000000000000000000000000000000000000","replicas":3,"seq":1,"tags":["a","b"],"time":"2023-11-14T22:13:20Z","type":"Deploy"}'
	run -0 sqlite3 audit.db "SELECT seq, time, type, body FROM events ORDER BY seq"
	assert_output '1|2023-11-14T22:13:20Z|Deploy|{"app":"hello","replicas":3,"tags":["a","b"]}
2|2023-11-14T22:13:20Z|Note|{"n":1.5,"text":"ünïcode"}'
}

@test "the record, the chain and the tree are as ecap-audit(5) says: rebuilt with jq, sha256sum, merkle" {
	log 5
	for s in 1 2 3 4 5; do
		record "$s" > "rec$s"
		assert_equal "$(sha256sum < "rec$s" | cut -d' ' -f1)" \
			"$(sqlite3 audit.db "SELECT lower(hex(hash)) FROM events WHERE seq=$s")"
	done
	# Event 3's prev is event 2's hash.
	assert_equal "$(sqlite3 audit.db "SELECT lower(hex(prev)) FROM events WHERE seq=3")" \
		"$(sha256sum < rec2 | cut -d' ' -f1)"
	# The root is the RFC 6962 root of the records, one leaf each.
	root=$(audit-verify | sed 's/.* root //')
	for s in 1 2 3 4 5; do
		audit-verify --proof "$s" > proof
		run -0 sed -n 's/^root //p' proof
		assert_output "$root"
		sed -n 's/^proof //p' proof > path
		run -0 merkle verify --root "$root" --index $((s - 1)) --size 5 --proof path "rec$s"
	done
	# A wrong record does not verify against the proof of event 2.
	audit-verify --proof 2 | sed -n 's/^proof //p' > path
	run -1 merkle verify --root "$root" --index 1 --size 5 --proof path rec3
}

@test "--jsonl: a line a event, in group commits, numbers printed once on disk" {
	printf '%s\n' '{"type":"A","body":{"i":1}}' '{"type":"B"}' '' '{"type":"C","body":{}}' > in
	run -0 audit-append --jsonl in
	assert_output "1
2
3"
	printf '%s\n' '{"type":"D"}' '{"type":"E","body":[]}' '{"type":"F"}' > bad
	run --separate-stderr -2 audit-append --jsonl bad
	assert_equal "$stderr" 'audit-append: bad: line 2: not {"type": TYPE, "body": {...}}'
	# The bad line's group is rolled back whole: D was in it and is not in the log.
	run -0 audit-verify
	assert_output --partial "OK, 3 events"
	printf '{"type":"G"}' | audit-append --jsonl > out
	assert_equal "$(cat out)" 4
}

@test "--tee passes a stream through unchanged and records its events" {
	ecap-keygen -o k > /dev/null
	prng 200000 > p
	ecap-seal --key-file k --page-size 64K -o p.ecap p
	printf 'input\n' | ECAP_AUDIT= ecap-open --key-file k p.ecap > s.ef
	audit-append --tee < s.ef > out.ef
	cmp s.ef out.ef
	hh=$(ecap-frame dump -t META s.ef | sed -n 's/^x-header-hash=//p')
	run -0 jq -r '[.seq, .type, .capsule_id, (.index|tostring), (.bytes|tostring)] | @tsv' \
		< <(audit-verify --export jsonl)
	assert_output "$(printf '1\tCapsuleLoad\t%s\tnull\tnull\n' "$hh"
		for k in 0 1 2; do printf '%d\tPageDecrypt\t%s\t%d\t65536\n' $((k + 2)) "$hh" $k; done
		printf '5\tPageDecrypt\t%s\t3\t%d' "$hh" $((200000 - 3 * 65536)))"
	# EVNT frames in a data stream.
	printf '{"type":"Custom","body":{"x":1}}' | ecap-frame wrap -t EVNT > ev.ef
	audit-append --tee < ev.ef | cmp - ev.ef
	run -0 audit-verify --json --type Custom
	assert_output --partial '"seq":6'
	assert_output --partial '"x":1'
	# A stream that is not one stops, and nothing past the fault is passed on.
	head -c 100 s.ef > cut.ef
	run -2 audit-append --tee < cut.ef
}

@test "--json listings filter by type, time and capsule" {
	SOURCE_DATE_EPOCH=1700000000 audit-append --type A capsule_id=c1 > /dev/null
	SOURCE_DATE_EPOCH=1700000100 audit-append --type B capsule_id=c2 > /dev/null
	SOURCE_DATE_EPOCH=1700000200 audit-append --type A capsule_id=c2 > /dev/null
	run -0 jq -sc 'map(.seq)' < <(audit-verify --json --type A)
	assert_output "[1,3]"
	run -0 jq -sc 'map(.seq)' < <(audit-verify --json --capsule c2)
	assert_output "[2,3]"
	run -0 jq -sc 'map(.seq)' < <(audit-verify --json --after 2023-11-14T22:15:00Z --before 2023-11-14T22:16:40Z)
	assert_output "[2]"
}

@test "every change to a row with the sqlite3 shell is caught, naming the event" {
	log 6
	cp audit.db clean.db
	run -0 audit-verify
	t() {	# t SQL MESSAGE: after SQL on a fresh copy, audit-verify says MESSAGE, exit 1
		cp clean.db audit.db
		rm -f audit.db-wal audit.db-shm
		sqlite3 audit.db "$1"
		exits_with 1 "audit-verify: $ECAP_AUDIT: $2" audit-verify
	}
	t "UPDATE events SET body = '{\"n\":4,\"name\":\"step 40\"}' WHERE seq = 4" \
		"event 4: its hash does not match its contents"
	t "UPDATE events SET type = 'Step9' WHERE seq = 2" "event 2: its hash does not match its contents"
	t "UPDATE events SET time = '2023-11-14T22:13:21Z' WHERE seq = 5" \
		"event 5: its hash does not match its contents"
	t "UPDATE events SET body = '{\"name\":\"step 3\", \"n\":3}' WHERE seq = 3" \
		"event 3: its body is not in canonical form"
	t "DELETE FROM events WHERE seq = 3" "event 3 is missing (event 4 follows 2)"
	t "UPDATE events SET seq = 100 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3;
	   UPDATE events SET seq = 3 WHERE seq = 100" "event 2: its prev hash is not event 1's hash"
	t "UPDATE events SET hash = zeroblob(32) WHERE seq = 6" "event 6: its hash does not match its contents"
	t "UPDATE events SET prev = zeroblob(32) WHERE seq = 4" "event 4: its prev hash is not event 3's hash"
	# Rewriting one event and its hash still breaks the next one's prev.
	cp clean.db audit.db
	rec=$(record 2 | sed 's/step 2/step 20/')
	h=$(printf '%s' "$rec" | sha256sum | cut -d' ' -f1)
	sqlite3 audit.db "UPDATE events SET body = '{\"n\":2,\"name\":\"step 20\"}', hash = x'$h' WHERE seq = 2"
	exits_with 1 "audit-verify: $ECAP_AUDIT: event 3: its prev hash is not event 2's hash" audit-verify
}

@test "a log cut short, or cut and grown again, fails against a signed checkpoint" {
	ssh-keygen -q -t ed25519 -N '' -C auditor@example.org -f auditor
	echo "auditor@example.org namespaces=\"ecap-audit\" $(cat auditor.pub)" > allowed
	log 7
	audit-verify --checkpoint --sign auditor > cp
	# ssh-keygen verifies the signature over the four lines.
	sed '/BEGIN SSH SIGNATURE/,$d' cp > body
	sed -n '/BEGIN SSH SIGNATURE/,$p' cp > body.sig
	run -0 ssh-keygen -Y verify -n ecap-audit -f allowed -I auditor@example.org -s body.sig < body
	log 3
	run -0 audit-verify --since cp --allowed-signers allowed
	assert_output "$ECAP_AUDIT: consistent: 10 events extend the checkpoint's 7"
	cp audit.db grown.db
	# Cut short: still a chain, but shorter than the checkpoint.
	sqlite3 audit.db "DELETE FROM events WHERE seq > 5"
	run -0 audit-verify
	exits_with 1 "audit-verify: $ECAP_AUDIT: the log has 5 events, fewer than the 7 of the checkpoint: it was cut short" \
		audit-verify --since cp --allowed-signers allowed
	# Cut and grown again past the checkpoint's size: the consistency proof fails.
	log 6
	run -0 audit-verify
	assert_output --partial "OK, 11 events"
	exits_with 1 "audit-verify: $ECAP_AUDIT: the log does not extend the checkpoint: its first 7 events are not the ones the checkpoint saw" \
		audit-verify --since cp --allowed-signers allowed
	# The checkpoint itself: signed by another key, unsigned, changed, or no signers to check it.
	cp grown.db audit.db
	ssh-keygen -q -t ed25519 -N '' -C other -f other
	audit-verify --checkpoint --sign other > cp.other
	run --separate-stderr -1 audit-verify --since cp.other --allowed-signers allowed
	[[ $stderr == "audit-verify: cp.other: signed by SHA256:"*", not an allowed signer" ]]
	audit-verify --checkpoint > cp.plain
	exits_with 1 "audit-verify: cp.plain: the checkpoint is not signed" \
		audit-verify --since cp.plain --allowed-signers allowed
	sed 's/^size 7$/size 6/' cp > cp.changed
	run --separate-stderr -1 audit-verify --since cp.changed --allowed-signers allowed
	[[ $stderr == "audit-verify: cp.changed: "* ]]
	exits_with 2 "audit-verify: cp: the checkpoint is signed: give --allowed-signers (or ECAP_ALLOWED_SIGNERS) to check it" \
		audit-verify --since cp
	ECAP_ALLOWED_SIGNERS=allowed run -0 audit-verify --since cp
	# Without allowed signers an unsigned checkpoint still holds the log to its size and root.
	run -0 audit-verify --since cp.plain
}

@test "two writers creating the log at once both succeed" {
	for _ in 1 2 3 4 5; do
		rm -f new.db*
		audit-append --db new.db --type A > a.out & p1=$!
		audit-append --db new.db --type B > b.out & p2=$!
		wait "$p1"
		wait "$p2"
		run -0 sort a.out b.out
		assert_output "1
2"
		run -0 audit-verify --db new.db
	done
}

@test "the default database is under XDG_STATE_HOME, in a directory of mode 0700" {
	unset ECAP_AUDIT
	run -0 audit-append --type A
	assert_file_exists "$XDG_STATE_HOME/ecap/audit.db"
	run -0 stat -c %a "$XDG_STATE_HOME/ecap"
	assert_output 700
	run -0 audit-verify
	assert_output --partial "OK, 1 events"
	run -0 audit-append --db other.db --type B
	assert_output 1
}

@test "bad input and usage: one line, exit 2, nothing appended" {
	audit-append --type A > /dev/null
	exits_with 2 "audit-append: field 'seq' is the log's own, not the event's" audit-append --type B seq:=2
	exits_with 2 "audit-append: event type 'no spaces' is not 1 to 64 letters, digits, '-', '_', '.'" \
		audit-append --type 'no spaces'
	exits_with 2 "audit-append: --json: not a JSON object" audit-append --type B --json '[1]'
	exits_with 2 "audit-append: --json: column 1: '[' or '{' expected near 'x'" audit-append --type B --json x
	exits_with 2 "audit-append: a: field given twice" audit-append --type B a=1 a=2
	exits_with 2 "audit-append: novalue: not FIELD=VALUE or FIELD:=JSON" audit-append --type B novalue
	exits_with 2 "audit-append: n: invalid token near 'x'" audit-append --type B 'n:=x'
	run -0 audit-verify
	assert_output --partial "OK, 1 events"
	echo "not a database" > junk.db
	run --separate-stderr -2 audit-append --db junk.db --type A
	[[ $stderr == "audit-append: junk.db: "* ]]
	sqlite3 other.db "CREATE TABLE t(a)"
	exits_with 2 "audit-verify: other.db: not an ecap audit database (ecap-audit/1)" audit-verify --db other.db
	exits_with 2 "audit-append: other.db: not an ecap audit database (ecap-audit/1)" \
		audit-append --db other.db --type A
	run -0 sqlite3 other.db .tables
	assert_output "t"
	exits_with 2 "audit-verify: missing.db: No such file or directory" audit-verify --db missing.db
	exits_with 2 "audit-verify: --proof 9: not an event of the log (1 to 1)" audit-verify --proof 9
	exits_with 2 "audit-verify: --export csv: the format is jsonl" audit-verify --export csv
	touch notdir
	run --separate-stderr -2 audit-append --db notdir/x.db --type A
	[[ $stderr == "audit-append: notdir/x.db: "* ]]
	run -2 audit-append
	assert_line --partial "usage: audit-append"
	run -2 audit-verify --sign key
	assert_line --partial "usage: audit-verify"
	run -0 audit-verify --version
	assert_output "audit-verify $(cat "$T_ROOT/VERSION")"
}
