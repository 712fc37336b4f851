#!/bin/sh
# make bench: trust-verify on a git repository of BENCH_TRUST_FILES small
# scripts (10,000 unless it says otherwise, in 100 directories, 300 to 4,099
# bytes each), all approved once by trust-approve (an ed25519 key made by
# ssh-keygen, the allowed signers in git config gpg.ssh.allowedSignersFile).
# Side by side: trust-verify with its stat cache ($GIT_DIR/ecap/trust-cache)
# filled by an earlier run (warm: nothing hashed), trust-verify --no-cache
# (cold: every file hashed), and the baselines sha256sum -c over a sha256sum
# file of the same files and git diff-files (git's own stat cache, the index,
# over the same files).  Every run reads the files from a warm page cache; the
# best of BENCH_RUNS runs counts.  strace checks that the warm run opens none
# of the files.  Prints milliseconds, files/s and ratios, and whether the
# target is met (warm trust-verify at most 50 ms), and appends the comparison of
# the warm run with sha256sum -c to make bench's summary (BENCH_SUMMARY).
set -eu

if ! command -v git > /dev/null || ! command -v ssh-keygen > /dev/null; then
	m="trust: skipped: git and ssh-keygen are not installed (Debian packages git,"
	m="$m openssh-client)"
	echo "$m" >&2
	echo "$m" >> "${BENCH_SUMMARY:-/dev/null}"
	exit 0
fi

default_runs=5
BENCH_MIB=0		# no scratch file of random bytes here
. "$(dirname "$0")/lib/common.sh"

n=${BENCH_TRUST_FILES:-10000}
ndirs=100
repo=$dir/repo
gitdir=$repo/.git

# The repository and its files: directory d%02d, script s%04d.sh, the
# content a function of the file's number alone.
git init -q "$repo"
git -C "$repo" config user.name Bench
git -C "$repo" config user.email bench@example.com
d=0
while [ "$d" -lt "$ndirs" ]; do
	mkdir "$repo/$(printf 'd%02d' "$d")"
	d=$((d + 1))
done
awk -v n="$n" -v ndirs="$ndirs" -v repo="$repo" -v dir="$dir" 'BEGIN {
	for (i = 0; i < n; i++) {
		p = sprintf("d%02d/s%04d.sh", i % ndirs, i)
		f = repo "/" p
		size = 300 + (i * 7919) % 3800
		s = sprintf("#!/bin/sh\n# %s: script %d of %d\nset -eu\n", p, i, n)
		for (k = 0; length(s) < size; k++)
			s = s sprintf("echo \"step %d of script %d: %08x\"\n", k, i,
			    (i * 2654435761 + k * 40503) % 4294967296)
		printf "%s", substr(s, 1, size - 1) "\n" > f
		close(f)
		print p > (dir "/paths")
		print p " file " p > (dir "/list")
	}
}'
bytes=$(cd "$repo" && xargs cat < "$dir/paths" | wc -c)
(cd "$repo" && xargs sha256sum < "$dir/paths") > "$dir/sums"
git -C "$repo" add -A .

# The approval: one signer, one commit on refs/ecap/trust.
ssh-keygen -q -t ed25519 -N '' -C bench@example.com -f "$dir/key"
echo "bench@example.com $(cut -d' ' -f1,2 "$dir/key.pub")" > "$dir/allowed_signers"
git -C "$repo" config gpg.ssh.allowedSignersFile "$dir/allowed_signers"
(cd "$repo" && "$bin/trust-approve" --yes --key "$dir/key" -f "$dir/list") > /dev/null
[ "$(git -C "$repo" cat-file -p refs/ecap/trust:manifest | wc -l)" -eq "$((n + 1))" ] ||
	{ echo "trust: trust-approve did not approve all $n files" >&2; exit 1; }

# The stat caches take no record of a file changed less than a second before
# it was hashed (git's index smudges such "racy" entries): let the files age,
# then give git's index its stat records again.
sleep 1.2
git -C "$repo" update-index --really-refresh > /dev/null

cold() {
	rm -f "$gitdir/ecap/trust-cache"
	"$bin/trust-verify" -C "$repo" --no-cache "$@"
}
sumcheck() {
	(cd "$repo" && sha256sum -c --quiet "$dir/sums")
}
tc=$(best cold)
tc1=$(best cold -j 1)
sc=$(best sumcheck)
gd=$(best git -C "$repo" diff-files --quiet)

# Warm: one run fills the cache; then no file is read again (strace shows it).
"$bin/trust-verify" -C "$repo" ||
	{ echo "trust: trust-verify does not verify the approved files" >&2; exit 1; }
[ "$(grep -a -o 'd[0-9][0-9]/s[0-9]*\.sh' "$gitdir/ecap/trust-cache" | wc -l)" -eq "$n" ] ||
	{ echo "trust: the stat cache does not hold all $n files" >&2; exit 1; }
if command -v strace > /dev/null && strace -f -qq -o /dev/null true 2> /dev/null; then
	strace -f -qq -e trace=open,openat -o "$dir/strace" "$bin/trust-verify" -C "$repo"
	opened=$(grep -c '/d[0-9]*/s[0-9]*\.sh"' "$dir/strace" || true)
	[ "$opened" -eq 0 ] ||
		{ echo "trust: the warm run opened $opened of the files: the cache is not" \
		    "used" >&2; exit 1; }
fi
tw=$(best "$bin/trust-verify" -C "$repo")
tw1=$(best "$bin/trust-verify" -C "$repo" -j 1)

awk -v n="$n" -v ndirs="$ndirs" -v bytes="$bytes" -v runs="$runs" -v cpus="$(nproc)" \
    -v gv="$(git --version | cut -d' ' -f3)" \
    -v tw="$tw" -v tw1="$tw1" -v tc="$tc" -v tc1="$tc1" -v sc="$sc" -v gd="$gd" \
    -v sum="$summary" -v OFS='\t' 'BEGIN {
	printf "trust: %d files (%.1f MiB) in %d directories, best of %d runs, %d CPUs, git %s\n",
	    n, bytes / 1048576, ndirs, runs, cpus, gv
	printf "  %-40s %8s %10s   %s\n", "tool", "ms", "files/s", "speed vs sha256sum -c"
	row("trust-verify, warm cache (all CPUs)", tw)
	row("trust-verify -j 1, warm cache", tw1)
	row("trust-verify --no-cache (all CPUs)", tc)
	row("trust-verify --no-cache -j 1", tc1)
	row("sha256sum -c", sc)
	row("git diff-files (git'"'"'s stat cache)", gd)
	printf "  warm trust-verify: %.2fx the speed of --no-cache, %.2fx that of sha256sum -c," \
	    " %.2fx that of git diff-files\n", tc / tw, sc / tw, gd / tw
	printf "  target: warm trust-verify at most 50 ms: %.1f ms, %s\n",
	    tw / 1e6, (tw <= 50e6 ? "met" : "NOT met")
	print sprintf("trust-verify, warm cache, %d files", n), sprintf("%.1f ms", tw / 1e6),
	    "sha256sum -c", sprintf("%.1f ms", sc / 1e6), sprintf("%.2fx", sc / tw),
	    "at most 50 ms", (tw <= 50e6 ? "met" : "NOT met") >> sum
}
function row(name, ns) {
	printf "  %-40s %8.1f %10.0f   %6.2fx\n", name, ns / 1e6, n / (ns / 1e9), sc / ns
}'
