#!/usr/bin/env bats
# The README's examples run as written: capsules, running modules, the audit log,
# trust approvals, Merkle trees and frames (Packaging with make and Batch
# analysis are run by t/5002 and t/5004).

setup() {
	load lib/common
}

@test "README: the capsule examples run as written" {
	make -s -C "$T_ROOT" t/data/wasm/hello.wasm
	cp "$T_ROOT/t/data/wasm/hello.wasm" hello.wasm
	cp hello.wasm original.wasm
	readme_block "Capsules:" > capsules.sh
	run -0 grep -c ecap-seal capsules.sh
	run -0 bash -e capsules.sh
	assert_output --partial "verified: page table, Merkle root, signature, every page, END"
	assert_output --partial "principal: alice@example.com"
	cmp hello.wasm original.wasm
	assert_file_exists hello.ecap
	assert_file_exists for-device.ecap
}

@test "README: the examples of running modules run as written" {
	cat > hello.c <<-'EOF'
	#include <stdio.h>
	int main(int argc, char **argv) { printf("hello, %s\n", argc > 1 ? argv[1] : "world"); return 0; }
	EOF
	ecap-keygen -o team.key > /dev/null
	mkdir data
	readme_block "Running modules:" > run.sh
	run -0 grep -c wasm-exec run.sh
	run -0 bash -e run.sh
	assert_output "hello, world
hello, world
hello, world
hello, world"
	run -0 jq -r .capsule_id run.json
	assert_output --regexp '^[0-9a-f]{64}$'
	assert_equal "$(jq -r .transcript_hash run.json | wc -c)" 65
	run -0 tail -1 run.txt
	assert_output "exit 0"
}

@test "README: the examples of the audit log run as written" {
	make -s -C "$T_ROOT" t/data/wasm/c-hello.wasm
	ecap-keygen -o team.key > /dev/null
	ecap-seal --key-file team.key -o hello.ecap "$T_ROOT/t/data/wasm/c-hello.wasm"
	ssh-keygen -q -t ed25519 -N '' -C auditor@example.org -f auditor
	echo "auditor@example.org $(cat auditor.pub)" > allowed_signers
	readme_block "The audit log:" > audit.sh
	run -0 grep -c audit-verify audit.sh
	run -0 bash -e audit.sh
	assert_line "audit.db: OK, 5 events, root $(audit-verify --db audit.db | sed 's/.* root //')"
	assert_line "audit.db: consistent: 5 events extend the checkpoint's 5"
	assert_line "\"$(audit-verify --db audit.db --export jsonl | jq -r 'select(.type == "ExecutionComplete") | .transcript_hash')\""
	run -0 jq -sr 'map(.type) | join(" ")' < <(audit-verify --db audit.db --export jsonl)
	assert_output "CapsuleLoad PageDecrypt ExecutionStart ExecutionComplete Deploy"
}

@test "README: the examples of trust approvals run as written" {
	make -s -C "$T_ROOT" t/data/wasm/c-hello.wasm
	mkdir -p "$HOME/.ssh" "$HOME/.config/git"
	ssh-keygen -q -t ed25519 -N '' -C alice@example.com -f "$HOME/.ssh/id_ed25519"
	echo "alice@example.com $(cat "$HOME/.ssh/id_ed25519.pub")" > "$HOME/.config/git/allowed_signers"
	git init -q repo
	cd repo
	git config user.name Alice
	git config user.email alice@example.com
	mkdir scripts
	echo 'echo lint' > scripts/lint.sh
	echo 'print(1)' > scripts/report.py
	cp "$T_ROOT/t/data/wasm/c-hello.wasm" app.wasm
	readme_block "Trust approvals:" > ../trust.sh
	# Installed hooks live in /usr/local; here they are the source tree's.
	sed -i "s|/usr/local/share/ecap/hooks|$T_ROOT/share/hooks|" ../trust.sh
	run -0 bash -e ../trust.sh <<< y   # the answer to trust-approve's question
	assert_line --partial 'lint	file	sha256:'
	assert_line '  ~ lint (modified)'
	assert_line --partial 'Good "git" signature for alice@example.com'
	assert_line 'hello, world'
	run -0 git config core.hooksPath
	run -0 trust-verify
	echo 'echo again' >> scripts/lint.sh
	git add scripts
	run -1 git commit -qm 'not approved'
	assert_output --partial 'scripts/lint.sh: modified since approved'
}

@test "README: the examples of Merkle trees and frames run as written" {
	prng 1000000 7 > big.iso
	seq 250 > app.log
	readme_block "Merkle trees and frames:" > merkle.sh
	run -0 bash -e -o pipefail merkle.sh
	root=$(merkle big.iso | cut -d' ' -f1)
	assert_line --index 0 "$root  big.iso"
	assert_line --partial "inclusion verified: leaf 3 of a tree of 16"
	assert_line "$(merkle -s line app.log)"
	assert_line --regexp '^0 ECAP '
	# The consistency proof checks out against the two roots.
	merkle consistency -s line 100 250 app.log > cproof
	head -n 100 app.log > old.log
	run -0 merkle verify-consistency --old-size 100 --old-root "$(merkle -s line old.log | cut -d' ' -f1)" \
		--new-size 250 --new-root "$(merkle -s line app.log | cut -d' ' -f1)" cproof
}

@test "README: every example block is run by a test" {
	local title missing=""
	while IFS= read -r title; do
		grep -qF "readme_block \"$title\"" "$T_ROOT"/t/*.bats || missing+="$title "
	done < <(awk '/^[A-Z][A-Za-z ,]*:$/ { t = $0; next } /^$/ { next }
		t != "" && /^```sh$/ { print t } { t = "" }' "$T_ROOT/README.md" | tee titles)
	[ -z "$missing" ] || fail "README blocks no test runs: $missing"
	# The blocks without a title are the two commands at the top, which CI runs.
	assert_equal "$(wc -l < titles)" "$(($(grep -c '^```sh$' "$T_ROOT/README.md") - 2))"
}
