#!/usr/bin/env bats
# Batch analysis: the README's example checks a directory of capsules in
# parallel and counts them by exit status, failures included.

setup() {
	load lib/common
}

# caps: 20 capsules under caps/, in subdirectories (one with a space in its
# name): 16 signed by alice, who is an allowed signer, 2 of them changed
# afterwards (one in a page, one in the signed header); 3 signed by mallory,
# who is not; 1 unsigned.
caps() {
	ecap-keygen -o team.key > /dev/null
	ecap-keygen -t ed25519 -C alice@example.com -f alice > /dev/null
	ecap-keygen -t ed25519 -C mallory@example.com -f mallory > /dev/null
	echo "alice@example.com $(cat alice.pub)" > allowed_signers
	mkdir -p caps/team-a "caps/team b" caps/unknown
	for i in $(seq 1 16); do
		d=caps/team-a
		((i > 8)) && d="caps/team b"
		printf 'payload %d\n' "$i" > payload
		ecap-seal --key-file team.key --sign alice -o "$d/$i.ecap" payload
	done
	for i in 1 2 3; do
		printf 'unknown %d\n' "$i" > payload
		ecap-seal --key-file team.key --sign mallory -o "caps/unknown/$i.ecap" payload
	done
	ecap-seal --key-file team.key -o caps/unsigned.ecap payload
	flip_byte caps/team-a/7.ecap "$(($(frame_offset caps/team-a/7.ecap PAGE) + 12))"
	flip_byte "caps/team b/16.ecap" "$(($(frame_offset "caps/team b/16.ecap" HEAD) + 8 + 60))"
}

@test "README: batch analysis counts every capsule, failures by exit status" {
	caps
	run -0 bash -c 'find caps -name "*.ecap" | wc -l'
	assert_output 20
	readme_block "Batch analysis:" > batch.sh
	run -0 grep -c 'xargs -0 -r -P 4 -n 1' batch.sh
	run -0 bash -e batch.sh
	assert_line '[{"status":0,"capsules":14},{"status":1,"capsules":2},{"status":4,"capsules":4}]'
	assert_line '[{"principal":"alice@example.com","capsules":14}]'
	assert_line 'ecap-inspect: caps/team-a/7.ecap: page 0: does not match the page table'
	assert_line 'ecap-inspect: caps/team b/16.ecap: signature does not verify'
	assert_line 'ecap-inspect: caps/unsigned.ecap: the capsule is not signed, and allowed signers are required'
	for i in 1 2 3; do
		assert_line --regexp "^ecap-inspect: caps/unknown/$i.ecap: unknown signer SHA256:.*: not in the allowed signers for namespace ecap\$"
	done
	# One line for each capsule, each whole, whatever the order the runs ended in.
	run -0 jq -r .file results.jsonl
	assert_equal "$(sort <<< "$output")" "$(find caps -name '*.ecap' | sort)"
	run -0 jq -r 'select(.status == 0) | .capsule_hash' results.jsonl
	assert_equal "$(wc -l <<< "$output")" 14
	assert_equal "$(ecap-inspect --json caps/team-a/1.ecap | jq -r .capsule_hash)" \
		"$(jq -r 'select(.file == "caps/team-a/1.ecap") | .capsule_hash' results.jsonl)"
}

@test "README: batch analysis of capsules that all verify, and of none" {
	caps
	rm -r caps/unknown caps/unsigned.ecap caps/team-a/7.ecap "caps/team b/16.ecap"
	readme_block "Batch analysis:" > batch.sh
	run -0 bash -e batch.sh
	assert_output '[{"status":0,"capsules":14}]
[{"principal":"alice@example.com","capsules":14}]'
	rm -r caps
	mkdir caps
	run -0 bash -e batch.sh
	assert_output '[]
[]'
}

@test "README: batch analysis reports a file that is not a capsule, exit status 2" {
	caps
	echo 'not a capsule' > caps/junk.ecap
	readme_block "Batch analysis:" > batch.sh
	run -0 bash -e batch.sh
	assert_line '[{"status":0,"capsules":14},{"status":1,"capsules":2},{"status":2,"capsules":1},{"status":4,"capsules":4}]'
	assert_line --partial 'ecap-inspect: caps/junk.ecap: not a capsule'
}
