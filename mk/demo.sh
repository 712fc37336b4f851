#!/bin/sh
# make demo: the toolkit's pipeline on a real program, in a scratch directory
# that is removed at the end, whatever happens.
#
# cmark, the CommonMark reference renderer, built for WASI from its Debian
# source package, is sealed into an encrypted capsule signed with a
# throwaway SSH key; a scratch git repository approves the capsule and the
# script that runs it (signed commits on refs/ecap/trust); then the script
# runs the pipeline on README.md with auditing on:
#
#   trust-verify && ecap-open cmark.ecap < README.md | wasm-exec --trust . > README.html
#   (the second half is run.sh, the approved script)
#
# and the demo prints the program's output, the capsule's summary, the audit
# trail and every verification.  DEMO_TAMPER=capsule, page or script changes
# one byte of the capsule's signed header, of its last page or of the
# approved script before the run, and the demo stops at the step that
# catches it, with its message.
#
# Usage: sh mk/demo.sh TOPDIR (the source tree: bin/, t/data/wasm/, README.md)
set -eu

top=$(cd "$1" && pwd)
PATH="$top/bin:$PATH"
export PATH
unset $(env | sed -n 's/^\(ECAP_[A-Z_]*\)=.*/\1/p')
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
trap 'exit 130' INT TERM
export HOME="$d/home" XDG_CONFIG_HOME="$d/home/.config" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
cd "$d"

step() { printf '\n== %s\n' "$*"; }

# flip FILE OFFSET: change one byte of FILE.
flip() {
	b=$(od -An -tu1 -j "$2" -N1 "$1")
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

step "throwaway keys: a team key for the capsule, an SSH key for signing and approving"
ecap-keygen -o team.key > /dev/null
ecap-keygen -t ed25519 -C demo@example.org -f signer > /dev/null
echo "demo@example.org $(cat signer.pub)" > allowed_signers
ecap-keygen -l signer.pub

step "ecap-seal: cmark (built for WASI from Debian's source) sealed, encrypted and signed"
git init -q repo
cp "$top/t/data/wasm/real-cmark.wasm" cmark.wasm
ecap-seal --key-file team.key --sign signer --meta id=org.commonmark.cmark \
	-o repo/cmark.ecap cmark.wasm
ecap-inspect --allowed-signers allowed_signers repo/cmark.ecap |
	grep -E '^(format|aead|pages|payload|capsule hash|signer|principal|meta: (id|content-type))'

step "trust-approve: the capsule and the script that runs it, a signed commit on refs/ecap/trust"
cat > repo/run.sh <<'EOF'
#!/bin/sh
# Render Markdown on stdin to HTML with the approved cmark capsule, audited.
set -e
ecap-open --audit --key-file ../team.key cmark.ecap |
	wasm-exec --audit --trust . -- -t html
EOF
cd repo
git config user.name Demo
git config user.email demo@example.org
git config gpg.ssh.allowedSignersFile "$d/allowed_signers"
git config user.signingkey "$d/signer"
printf 'cmark capsule cmark.ecap\nrender interp sh run.sh\n' > ../approve.list
trust-approve --yes -f ../approve.list | grep -v '^approved'
git log --format='%G? %GS %s' refs/ecap/trust
export ECAP_AUDIT="$d/audit.db"

case "${DEMO_TAMPER:-}" in
capsule)
	step "one byte of the capsule's signed header changed"
	flip cmark.ecap 60 ;;
script)
	step "one byte of the approved script changed"
	flip run.sh 30 ;;
page)
	step "one byte of the capsule's last page changed"
	flip cmark.ecap $(($(wc -c < cmark.ecap) - 100)) ;;
esac

step "the pipeline: trust-verify && sh run.sh < README.md > README.html"
status=0
{ trust-verify && sh run.sh < "$top/README.md" > "$d/README.html"; } || status=$?
if [ "$status" != 0 ]; then
	step "stopped: exit status $status; the audit trail shows how far it got"
	audit-verify --export jsonl | jq -r '"\(.seq) \(.type) \(.reason // "")"' | sed 's/ $//'
	exit "$status"
fi
head -n 3 "$d/README.html"

step "the audit trail: every step, hash-chained"
audit-verify --export jsonl | jq -r '"\(.seq) \(.type)"' |
	awk 'NR <= 3 || /Execution/ { print } /PageDecrypt/ { n++ } END { print n " PageDecrypt events in all" }'
audit-verify --export jsonl | jq -r 'select(.type == "ExecutionComplete") |
	"exit_status \(.exit_status) fuel_used \(.fuel_used) transcript \(.transcript_hash)"'

step "verification: the log, the approval, the capsule"
audit-verify
trust-verify -v 2>&1
ecap-inspect --verify --allowed-signers ../allowed_signers cmark.ecap | grep '^verified:'

step "a runaway module, stopped by its fuel (exit 134)"
if wasm-exec --fuel 1000000 "$top/t/data/wasm/hostile-loop.wasm"; then exit 1; else test $? = 134; fi

step "demo done; its scratch directory is removed"
