# Loaded by every test: assertions, our programs first on PATH, a private home.
T_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BATS_LIB="${BATS_LIB:-/usr/lib/bats}"
load "$BATS_LIB/bats-support/load"
load "$BATS_LIB/bats-assert/load"
load "$BATS_LIB/bats-file/load"
bats_require_minimum_version 1.5.0

PATH="$T_ROOT/bin:$PATH"
export HOME="$BATS_TEST_TMPDIR/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_STATE_HOME="$HOME/.local/state"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache"
export LC_ALL=C TZ=UTC
unset $(env | sed -n 's/^\(ECAP_[A-Z_]*\)=.*/\1/p')
mkdir -p "$HOME"
cd "$BATS_TEST_TMPDIR" || exit 1

DATA="$T_ROOT/t/data"

# readme_block TITLE: the first sh code block after the line "TITLE" in README.md.
readme_block() {
	awk -v title="$1" '$0 == title { found = 1; next }
		found && /^```sh$/ { inblock = 1; next }
		inblock && /^```$/ { exit }
		inblock { print }' "$T_ROOT/README.md"
}

# unhex HEX: print the bytes that HEX spells.
unhex() {
	printf '%s' "$1" | sed 's/../\\x&/g' | xargs -0 printf '%b'
}

# rfc6962_leaves: write the eight RFC 6962 test leaves to leaf0..leaf7.
rfc6962_leaves() {
	local i=0 hex
	while IFS= read -r hex; do
		unhex "$hex" > "leaf$i"
		i=$((i + 1))
	done < "$DATA/rfc6962/leaves"
}

# rfc6962_stream N: a frame stream holding the first N test leaves, one a DATA frame.
rfc6962_stream() {
	local n=$1 k files=()
	for ((k = 0; k < n; k++)); do files+=("leaf$k"); done
	if ((n == 0)); then
		ecap-frame wrap < /dev/null > tree0
	else
		ecap-frame wrap --each "${files[@]}" > "tree$n"
	fi
}

# root_of N: the published root of the first N test leaves.
root_of() {
	awk -v n="$1" '$1 == n { print $2 }' "$DATA/rfc6962/roots"
}

# file_size FILE: its size in bytes.
file_size() {
	stat -c %s "$1"
}

# prng BYTES [SEED]: BYTES pseudo-random bytes, the same for the same SEED (AES-CTR of zeros).
prng() {
	head -c "$1" /dev/zero |
		openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "${2:-1}")" -iv "$(printf '%032x' 0)"
}

# sha256_hex [FILE]: the SHA-256 of FILE (or stdin) in hex.
sha256_hex() {
	sha256sum "$@" | cut -c1-64
}

# frame TYPE: one ecap-frame(5) frame of TYPE (4 characters) carrying stdin as its payload.
frame() {
	local payload
	payload=$(mktemp "$BATS_TEST_TMPDIR/.frame.XXXXXX")
	cat > "$payload"
	printf '%s' "$1"
	unhex "$(printf '%08x' "$(file_size "$payload")")"
	cat "$payload"
	rm -f "$payload"
}

# stream_hash [FILE]: the ecap-frame(5) stream hash over the whole frames of FILE (or
# stdin): SHA-256 over type, length and SHA-256(0x00 || payload) of each; as a CHKP or
# END frame right after them would carry it.
stream_hash() {
	"$T_ROOT/t/helper/test-frame" hash "$@"
}

# seal TYPE FILE: append to FILE a TYPE frame ("CHKP" or "END ") carrying the stream hash so far.
seal() {
	local h
	h=$(stream_hash "$2")
	unhex "$h" | frame "$1" >> "$2"
}

# assert_dir_holds_nothing DIR: DIR has no entry at all (no output, no temporary left behind).
assert_dir_holds_nothing() {
	local left
	left=$(ls -A "$1") || fail "cannot list $1"
	[[ -z $left ]] || fail "$1 is not empty: $left"
}

# byte_at FILE OFFSET: the byte at OFFSET of FILE, as a decimal number.
byte_at() {
	od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

# patch_bytes FILE OFFSET HEX: overwrite the bytes of FILE at OFFSET with those HEX spells.
patch_bytes() {
	unhex "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# flip_byte FILE OFFSET [MASK]: XOR the byte at OFFSET of FILE with MASK (default 0x01), in place.
flip_byte() {
	patch_bytes "$1" "$2" "$(printf '%02x' $(($(byte_at "$1" "$2") ^ ${3:-1})))"
}

# frame_offset FILE TYPE [N]: the offset of the Nth (from 0) TYPE frame of the stream FILE.
frame_offset() {
	ecap-frame list "$1" | awk -v t="$2" -v n="${3:-0}" '$2 == t && n-- == 0 { print $1; exit }'
}

# frame_bytes FILE OFFSET: the whole frame (header and payload) at OFFSET of FILE.
frame_bytes() {
	local len
	len=$((16#$(tail -c +$(($2 + 5)) "$1" | head -c 4 | od -An -tx1 | tr -d ' \n')))
	tail -c +$(($2 + 1)) "$1" | head -c $((8 + len))
}

# rehash FILE: rewrite in place the hash of every CHKP and END frame of the frame stream
# FILE to the stream hash of the frames before it, as a forger who changed earlier bytes would.
rehash() {
	"$T_ROOT/t/helper/test-frame" rehash "$1"
}

# exits_with STATUS MESSAGE COMMAND...: COMMAND exits with STATUS, says the one
# line MESSAGE on stderr and nothing on stdout.
exits_with() {
	local st=$1 msg=$2
	shift 2
	run --separate-stderr -"$st" "$@"
	assert_output ""
	[ "$stderr" = "$msg" ] || fail "stderr: '$stderr', want '$msg'"
}

# child_of PID: the pid of PID's child process, once it has one (up to 5 s), or fail.
child_of() {
	local k c
	for ((k = 0; k < 100; k++)); do
		c=$(pgrep -P "$1" || true)
		if [ -n "$c" ]; then
			echo "$c"
			return 0
		fi
		sleep 0.05
	done
	return 1
}
