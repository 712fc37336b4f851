#!/usr/bin/env bats
# The README's examples of capsules and of running modules run as written.

setup() {
	load lib/common
}

# readme_block TITLE: the first sh code block after the line "TITLE" in README.md.
readme_block() {
	awk -v title="$1" '$0 == title { found = 1; next }
		found && /^```sh$/ { inblock = 1; next }
		inblock && /^```$/ { exit }
		inblock { print }' "$T_ROOT/README.md"
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
	run -0 jq -r .capsule run.json
	assert_output --regexp '^[0-9a-f]{64}$'
	assert_equal "$(jq -r .transcript run.json | wc -c)" 65
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
