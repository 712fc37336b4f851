#!/usr/bin/env bats
# The man pages: every command in EXAMPLES runs as written and prints what the
# page shows under it, and every page renders without a warning.

setup() {
	load lib/common
}

PAGES="audit-append.1 audit-verify.1 ecap-audit.5 ecap-config.5 ecap-frame.1 ecap-frame.5 ecap-inspect.1 ecap-keygen.1 ecap-open.1 ecap-seal.1 ecap-trust.5 ecap.5 ecap.7 merkle.1 trust-approve.1 trust-hash.1 trust-verify.1 wasm-exec.1"

# examples PAGE: the literal displays of PAGE's EXAMPLES section as the reader
# sees them: "$ command" lines, each followed by what it prints.  Only the
# escapes \e (a backslash) and \& (nothing) are allowed in them.
examples() {
	awk '
	/^\.Sh / { ex = ($2 == "EXAMPLES"); next }
	!ex { next }
	/^\.Bd -literal/ { lit = 1; next }
	/^\.Ed/ { lit = 0; next }
	!lit { next }
	/^[.\047]/ { print "UNEXPECTED MACRO: " $0; next }
	{
		out = ""
		for (k = 1; k <= length($0); k++) {
			c = substr($0, k, 1)
			if (c != "\\") { out = out c; continue }
			e = substr($0, ++k, 1)
			if (e == "e") out = out "\\"
			else if (e != "&") out = out "UNSUPPORTED ESCAPE \\" e
		}
		print out
	}' "$T_ROOT/man/$1"
}

# script_of: a bash script that replays the transcript on stdin: it prints each
# command line as the page shows it, then runs the command, and says so when a
# command (or any part of a pipeline) fails.  All commands run in one shell, so
# files and variables carry over from one to the next, as when a reader types
# them.
script_of() {
	local line cmd="" pending=0

	echo 'set -o pipefail'
	while IFS= read -r line; do
		if ((pending == 0)) && [[ $line != '$ '* ]]; then
			continue
		fi
		if ((pending)); then
			cmd+=$'\n'"$line"
		else
			cmd=${line#'$ '}
		fi
		printf 'printf "%%s\\n" %q\n' "$line"
		if [[ $line == *\\ ]]; then
			pending=1
			continue
		fi
		pending=0
		printf '%s\n' "$cmd"
		echo 'rc=$?; [ "$rc" = 0 ] || echo "[exit status $rc]"'
	done
}

# check_examples PAGE: run PAGE's EXAMPLES in an empty directory and compare
# the whole transcript with the page.
check_examples() {
	examples "$1" > expected
	run -0 grep -c '^\$ ' expected
	(( output > 0 ))
	script_of < expected > examples.sh
	mkdir work
	run -0 bash -c 'cd work && bash ../examples.sh < /dev/null'
	assert_output "$(cat expected)"
}

@test "ecap-frame(1): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-frame.1
}

@test "ecap-frame(5): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-frame.5
}

@test "ecap-keygen(1): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-keygen.1
}

@test "ecap-inspect(1): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-inspect.1
}

@test "ecap-open(1): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-open.1
}

@test "ecap-seal(1): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-seal.1
}

@test "ecap(5): EXAMPLES run as written and print what the page shows" {
	check_examples ecap.5
}

@test "merkle(1): EXAMPLES run as written and print what the page shows" {
	check_examples merkle.1
}

@test "EXAMPLES show commands only in literal displays, so that all of them are run" {
	for page in $PAGES; do
		run -0 awk '/^\.Sh / { ex = ($2 == "EXAMPLES") }
			ex && (/^\.(Dl|D1)/ || (/^\.Bd/ && !/-literal/)) { print FILENAME ": " $0 }' \
			"$T_ROOT/man/$page"
		assert_output ""
	done
}

@test "every page renders without warnings (mandoc -T lint)" {
	for page in $PAGES; do
		run -0 mandoc -T lint -W warning "$T_ROOT/man/$page"
		assert_output ""
	done
}

@test "every page has the sections of signify(1), in order" {
	local model="|NAME|SYNOPSIS|DESCRIPTION|ENVIRONMENT|FILES|EXIT STATUS|EXAMPLES|SEE ALSO|STANDARDS|"
	for page in $PAGES; do
		run -0 awk '/^\.Sh / { sub(/^\.Sh /, ""); print }' "$T_ROOT/man/$page"
		for sec in NAME DESCRIPTION EXAMPLES "SEE ALSO" STANDARDS; do
			assert_line "$sec"
		done
		# The page's sections are the model's, in the model's order.
		rest=$model
		while IFS= read -r sec; do
			[[ $rest == *"|$sec|"* ]] || fail "$page: section '$sec' unknown or out of order"
			rest="|${rest#*"|$sec|"}"
		done <<< "$output"
	done
}

@test "wasm-exec(1): EXAMPLES run as written and print what the page shows" {
	check_examples wasm-exec.1
}

@test "audit-append(1): EXAMPLES run as written and print what the page shows" {
	check_examples audit-append.1
}

@test "audit-verify(1): EXAMPLES run as written and print what the page shows" {
	check_examples audit-verify.1
}

@test "ecap-audit(5): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-audit.5
}

@test "trust-hash(1): EXAMPLES run as written and print what the page shows" {
	check_examples trust-hash.1
}

@test "trust-approve(1): EXAMPLES run as written and print what the page shows" {
	check_examples trust-approve.1
}

@test "trust-verify(1): EXAMPLES run as written and print what the page shows" {
	check_examples trust-verify.1
}

@test "ecap-trust(5): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-trust.5
}

@test "ecap(7): EXAMPLES run as written and print what the page shows" {
	check_examples ecap.7
}

@test "ecap-config(5): EXAMPLES run as written and print what the page shows" {
	check_examples ecap-config.5
}

@test "every page in man/ is in PAGES and has its EXAMPLES run" {
	local p missing=""
	for p in "$T_ROOT"/man/*.[1-9]; do
		p=${p##*/}
		[[ " $PAGES " == *" $p "* ]] || missing+="$p (not in PAGES) "
		grep -q "check_examples $p\$" "$BATS_TEST_FILENAME" || missing+="$p (no EXAMPLES test) "
	done
	[ -z "$missing" ] || fail "$missing"
}
