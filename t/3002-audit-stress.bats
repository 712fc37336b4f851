#!/usr/bin/env bats
# audit stress: eight writers appending to one log at once (one process an
# event, and --jsonl groups of varied sizes that interleave), eight creating
# it at once, and writers killed with SIGKILL at random moments: no event
# lost, none twice, no gap in seq, every seq a writer printed the one of its
# event, the chain and the tree verify.

setup() {
	load lib/common
}

teardown() {
	# What a failed test leaves: a steady writer ends, a writer not yet killed is.
	touch "$BATS_TEST_TMPDIR/stop"
	[[ -z ${target:-} ]] || kill -9 -- "$target" 2> /dev/null || true
}

# create: an empty log.db (no event), so that what follows races on appends only.
create() {
	audit-append --db log.db --jsonl < /dev/null
	run -0 audit-verify --db log.db
	assert_output --regexp '^log\.db: OK, 0 events, root [0-9a-f]{64}$'
}

# ready W: writer W is ready; wait for the others (the file "go").
ready() {
	touch "ready.$1"
	while [[ ! -e go ]]; do sleep 0.01; done
}

# go N: once N writers are ready, let them all go at once.
go() {
	local n
	while n=$(find . -maxdepth 1 -name 'ready.*' | wc -l) && ((n < $1)); do
		sleep 0.01
	done
	touch go
}

# wait_writers PID...: each exited 0, and no err.* file holds a word.
wait_writers() {
	local pid st f
	for pid in "$@"; do
		st=0
		wait "$pid" || st=$?
		((st == 0)) || fail "a writer (pid $pid) exited $st: $(cat err.* 2> /dev/null)"
	done
	for f in err.*; do
		[[ ! -s $f ]] || fail "$f: $(cat "$f")"
	done
}

# same WANT GOT: the files are equal, or fail showing where they differ.
same() {
	diff -u "$1" "$2" > diff.out || fail "$1 and $2 differ: $(head -40 diff.out)"
}

# one_by_one W N: writer W appends its N events with one audit-append each,
# their seqs on stdout.
one_by_one() {
	local i
	ready "$1"
	for ((i = 1; i <= $2; i++)); do
		audit-append --db log.db --type Stress writer:="$1" i:="$i" || return
	done
}

# feed W N: writer W's N events as --jsonl lines, in groups of 1 to 40 lines
# (at most 1,800 bytes: each group one write(2) into the pipe, so one read of
# audit-append brings whole groups), 0 to 4 ms apart; the group sizes in groups.W.
feed() {
	local w=$1 n=$2 i=1 k g lines
	ready "$w"
	while ((i <= n)); do
		g=$((RANDOM % 40 + 1))
		((i + g - 1 <= n)) || g=$((n - i + 1))
		lines=
		for ((k = 0; k < g; k++, i++)); do
			lines+="{\"type\":\"Stress\",\"body\":{\"writer\":$w,\"i\":$i}}"$'\n'
		done
		/usr/bin/printf '%s' "$lines" || return
		echo "$g" >> "groups.$w"
		sleep "0.00$((RANDOM % 5))"
	done
}

# check_log WRITERS N: log.db holds exactly WRITERS * N events, seq 1 to the
# last without a gap, each (writer, i) once; line i of out.W (what writer W
# printed) is the seq of its event i; audit-verify passes.  The export stays
# in log.jsonl.
check_log() {
	local w total=$(($1 * $2))
	run -0 audit-verify --db log.db
	assert_output --regexp "^log\.db: OK, $total events, root [0-9a-f]{64}$"
	audit-verify --db log.db --export jsonl > log.jsonl
	jq -r .seq log.jsonl > seqs
	seq "$total" > want-seqs
	same want-seqs seqs
	for ((w = 1; w <= $1; w++)); do
		awk -v w="$w" '{ print w, FNR, $0 }' "out.$w"
	done > want-events
	jq -r '"\(.writer) \(.i) \(.seq)"' log.jsonl | sort -k1,1n -k3,3n > events
	same want-events events
}

@test "8 writers, 1,000 audit-append processes each, all at once: 8,000 events, no gap, none twice" {
	create
	pids=()
	for w in 1 2 3 4 5 6 7 8; do
		one_by_one "$w" 1000 > "out.$w" 2> "err.$w" 3>&- &
		pids+=($!)
	done
	go 8
	wait_writers "${pids[@]}"
	check_log 8 1000
}

@test "8 writers, 1,000 events each through --jsonl in groups of 1 to 40: groups commit whole and interleave" {
	create
	pids=()
	for w in 1 2 3 4 5 6 7 8; do
		feed "$w" 1000 2> "err.feed.$w" 3>&- |
			audit-append --db log.db --jsonl > "out.$w" 2> "err.$w" 3>&- &
		pids+=($!)
	done
	go 8
	wait_writers "${pids[@]}"
	check_log 8 1000
	# What one write brought, one read took and one transaction committed:
	# the events of each group have consecutive seqs.
	for w in 1 2 3 4 5 6 7 8; do
		awk 'NR == FNR { size[NR] = $1; next }
		    left == 0 { g++; left = size[g]; first = $1; k = 0 }
		    $1 != first + k { printf "%s: group %d (%d lines): seq %d, want %d\n",
		        FILENAME, g, size[g], $1, first + k; bad = 1; exit }
		    { k++; left-- }
		    END { exit bad + (g != length(size)) }' "groups.$w" "out.$w" > split.out ||
			fail "a group was not one transaction: $(cat split.out)"
	done
	# The writers' transactions interleaved: the log is not eight runs, one
	# writer after the other; and the groups were of varied sizes.
	runs=$(jq -r .writer log.jsonl | uniq | wc -l)
	((runs > 8)) || fail "the events came in $runs runs: the writers did not interleave"
	sizes=$(sort -un groups.* | wc -l)
	((sizes > 10)) || fail "only $sizes different group sizes"
}

@test "8 writers creating the log at once, 30 times over: none is refused" {
	for ((t = 1; t <= 30; t++)); do
		rm -f log.db log.db-wal log.db-shm ready.* go
		pids=()
		for w in 1 2 3 4 5 6 7 8; do
			one_by_one "$w" 1 > "out.$w" 2> "err.$w" 3>&- &
			pids+=($!)
		done
		go 8
		wait_writers "${pids[@]}"
		check_log 8 1
	done
}

# kill_feed K PACED: lines {"run":K,"j":J} for J = 1, 2, ... until the reader
# goes away: when PACED is 1 in groups of 1 to 5 lines, 1 to 3 ms apart (at
# most 20,000); else as fast as the reader takes them, in blocks of 4 KiB that
# cut lines in two (at most 50,000).
kill_feed() {
	local j=1 k g lines
	if (($2 == 0)); then
		awk -v k="$1" 'BEGIN {
			for (j = 1; j <= 50000; j++)
				printf "{\"type\":\"Killed\",\"body\":{\"run\":%d,\"j\":%d}}\n", k, j
		}'
		return 0
	fi
	while ((j <= 20000)); do
		g=$((RANDOM % 5 + 1))
		lines=
		for ((k = 0; k < g; k++, j++)); do
			lines+="{\"type\":\"Killed\",\"body\":{\"run\":$1,\"j\":$j}}"$'\n'
		done
		/usr/bin/printf '%s' "$lines" 2> /dev/null || return 0
		sleep "0.00$((RANDOM % 3 + 1))"
	done
}

# check_run K BASE: of the events after seq BASE, those of run K are j = 1,
# 2, ..., M in seq order (no gap, none twice, none out of order); the first
# ones are those whose seq the writer printed (out.K): each is there, at that
# seq.  Sets m to M and r to how many the writer printed.
check_run() {
	local k=$1 base=$2
	audit-verify --db log.db --export jsonl | tail -n +"$((base + 1))" |
		jq -r --argjson k "$k" 'select(.run == $k) | "\(.seq) \(.j)"' > "got.$k"
	m=$(wc -l < "got.$k")
	r=$(wc -l < "out.$k")
	cut -d' ' -f2 "got.$k" > "got-j.$k"
	seq "$m" > "want-j.$k"
	same "want-j.$k" "got-j.$k"
	((m >= r)) || fail "run $k: $r events reported appended, $m in the log"
	head -n "$r" "out.$k" | awk '{ print $0, NR }' > "want.$k"
	head -n "$r" "got.$k" > "got-r.$k"
	same "want.$k" "got-r.$k"
}

@test "kill -9 at random moments, 60 times: every event reported appended is there, the log verifies" {
	create
	# For the first 30 runs a writer lives through them, beside those killed,
	# and must not be hurt; in the last 30 the one killed is the log's only user.
	for ((j = 1; ; j++)); do
		[[ ! -e stop ]] || break
		/usr/bin/printf '{"type":"Steady","body":{"run":0,"j":%d}}\n' "$j" || break
		sleep 0.005
	done 2> /dev/null 3>&- | audit-append --db log.db --jsonl > out.0 2> err.0 3>&- &
	steady=$!

	base=0 reported=0 inlog=0
	for ((k = 1; k <= 60; k++)); do
		# Run k: an odd one --jsonl, an even one audit-append an event; killed
		# by k % 3 = 0 after 0 to 99 ms, --jsonl fed a few lines at a time;
		# 1 after 0 to 19 ms, --jsonl fed flat out; 2 the moment the first
		# seq is reported (--jsonl fed flat out), when a report made before
		# its commit is on disk would show.
		how=$((k % 3))
		: > "out.$k"
		sink=out.$k
		if ((how == 2)); then
			sink=seqs.$k
			mkfifo "$sink"
		fi
		if ((k % 2)); then
			kill_feed "$k" "$((how == 0))" 2> /dev/null 3>&- |
				audit-append --db log.db --jsonl > "$sink" 2> "err.$k" 3>&- &
			pid=$!
			target=$pid
		else
			# in a process group of its own
			setsid bash -c 'for ((j = 1; ; j++)); do
				audit-append --db log.db --type Killed run:="$0" j:="$j" || exit
			done' "$k" > "$sink" 2> "err.$k" 3>&- &
			pid=$!
			target=-$pid
		fi
		((how != 2)) || exec {seqs}< "$sink"
		((k % 2)) || until kill -0 -- "$target" 2> /dev/null; do sleep 0.001; done
		case $how in
		0) sleep "0.0$((RANDOM % 10))$((RANDOM % 10))" ;;
		1) sleep "0.0$((RANDOM % 2))$((RANDOM % 10))" ;;
		2) IFS= read -r -t 30 line <&"$seqs" || fail "run $k: no seq reported"
		   echo "$line" > "out.$k" ;;
		esac
		kill -9 -- "$target"
		if ((how == 2)); then
			cat <&"$seqs" >> "out.$k"
			exec {seqs}<&-
		fi
		st=0
		wait "$pid" || st=$?
		((st == 137)) || fail "run $k: the writer exited $st before it was killed: $(cat "err.$k")"
		[[ ! -s err.$k ]] || fail "run $k: $(cat "err.$k")"

		run -0 audit-verify --db log.db
		assert_output --regexp '^log\.db: OK, [0-9]+ events, root [0-9a-f]{64}$'
		size=${output#*OK, }
		size=${size%% *}
		check_run "$k" "$base"
		# One process an event: at most the one it was killed printing is not reported.
		((k % 2 || m <= r + 1)) || fail "run $k: $m events in the log, $r reported"
		reported=$((reported + r)) inlog=$((inlog + m)) base=$size
		((k == 30)) || continue

		touch stop
		st=0
		wait "$steady" || st=$?
		((st == 0)) || fail "the steady writer exited $st: $(cat err.0)"
		[[ ! -s err.0 ]] || fail "the steady writer: $(cat err.0)"
		# It was not hurt: all its events are there, at the seqs it printed.
		check_run 0 0
		((m == r)) || fail "the steady writer printed $r seqs, the log holds $m of its events"
		((r > 20)) || fail "the steady writer appended only $r events"
		inlog=$((inlog + m))
		run -0 audit-verify --db log.db
		base=${output#*OK, }
		base=${base%% *}
	done

	# The kills did come in the middle of appending; nothing else is in the log.
	((reported >= 60)) || fail "only $reported events reported appended in 60 runs"
	run -0 audit-verify --db log.db
	assert_output --regexp "^log\.db: OK, $inlog events, root [0-9a-f]{64}$"
	if command -v sqlite3 > /dev/null; then
		run -0 sqlite3 log.db 'PRAGMA integrity_check'
		assert_output ok
	fi
}
