# make demo: the programs on real data, in a scratch directory that is removed
# afterwards.  It frames a real program (bin/merkle itself), lists and checks
# the stream, prints its Merkle root beside sha256sum, proves and verifies the
# inclusion of one page, then shows a one-byte change (a bit flipped) caught
# at its offset; then seals it into a signed capsule, inspects and verifies it
# without the key, opens it, and shows a wrong key and a changed byte refused.
# Last, the pipeline on a real program: cmark, the CommonMark reference
# renderer built from Debian's source for WASI, sealed, signed, opened and run
# in wasm-exec's sandbox on this README, with its report; then a runaway module
# stopped by its fuel.
DEMO_WASM = t/data/wasm/real-cmark.wasm t/data/wasm/hostile-loop.wasm

demo: all $(DEMO_WASM)
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && set -e && \
	PATH="$(CURDIR)/bin:$$PATH" && cp bin/merkle "$$d/program" && cd "$$d" && \
	flip() { b=$$(od -An -tu1 -j "$$2" -N1 "$$1") && \
		printf "$$(printf '\\%03o' $$((b ^ 1)))" | \
		dd of="$$1" bs=1 seek="$$2" conv=notrunc status=none; } && \
	echo "== ecap-frame wrap < program | ecap-frame list" && \
	ecap-frame wrap -s 16K < program > program.frames && \
	ecap-frame list program.frames | sed -n '1,3p;$$p' && \
	echo "== ecap-frame check" && ecap-frame check program.frames && \
	echo "== merkle -s 16K program, sha256sum program" && \
	merkle -s 16K program && sha256sum program && \
	echo "== the same root over the stream's DATA frames: merkle -t DATA" && \
	merkle -t DATA program.frames && \
	echo "== merkle proof 2: page 2's inclusion proof, verified against the root" && \
	root=$$(merkle -s 16K program | cut -d' ' -f1) && \
	size=$$(merkle --json -s 16K program | sed 's/.*"size":\([0-9]*\).*/\1/') && \
	merkle proof -s 16K 2 program > proof && cat proof && \
	dd if=program bs=16K skip=2 count=1 status=none > page2 && \
	merkle verify --root "$$root" --index 2 --size "$$size" --proof proof page2 && \
	echo "== one byte changed inside a page: the END hash no longer matches" && \
	flip program.frames 20000 && \
	if ecap-frame check program.frames; then exit 1; fi && \
	echo "== and the page's proof no longer verifies (exit 1)" && \
	flip page2 100 && \
	if merkle verify --root "$$root" --index 2 --size "$$size" --proof proof page2; \
	then exit 1; else test $$? = 1; fi && \
	echo "== ecap-seal: the program sealed, signed, with throwaway keys" && \
	ecap-keygen -o team.key > /dev/null && \
	ecap-keygen -t ed25519 -C demo@example.org -f signer > /dev/null && \
	echo "demo@example.org $$(cat signer.pub)" > allowed_signers && \
	ecap-seal --key-file team.key --sign signer --meta id=demo -o program.ecap program && \
	echo "== ecap-inspect --verify, without the key" && \
	ecap-inspect --verify --allowed-signers allowed_signers program.ecap | \
		grep -E '^(aead|pages|merkle root|signer|principal|verified):' && \
	echo "== ecap-open: verified page by page, the same bytes back" && \
	ecap-open --key-file team.key --allowed-signers allowed_signers --raw program.ecap | \
		cmp - program && echo "identical to the program" && \
	echo "== a wrong key is told apart from tampering" && \
	ecap-keygen -o other.key > /dev/null && \
	if ecap-open --key-file other.key --raw program.ecap > /dev/null; then exit 1; \
	else test $$? = 3; fi && \
	flip program.ecap 50000 && \
	if ecap-open --key-file team.key --raw program.ecap > /dev/null; then exit 1; \
	else test $$? = 1; fi && \
	echo "== the pipeline: cmark (from Debian's source, for WASI) sealed, signed, opened, run" && \
	cp "$(CURDIR)/t/data/wasm/real-cmark.wasm" cmark.wasm && \
	ecap-seal --key-file team.key --sign signer --meta id=org.commonmark.cmark \
		-o cmark.ecap cmark.wasm && \
	ecap-inspect cmark.ecap | grep -E '^(meta: (id|content-type)=|pages:)' && \
	echo "== ecap-open --allowed-signers ... cmark.ecap < README.md | wasm-exec -- -t html" && \
	ecap-open --key-file team.key --allowed-signers allowed_signers cmark.ecap \
		< "$(CURDIR)/README.md" | wasm-exec --report run.json -- -t html > README.html && \
	sed -n '1,3p' README.html && \
	echo "== the report: capsule, exit status, fuel used, transcript hash" && \
	jq -r '"capsule \(.capsule)", "exit_status \(.exit_status)", "fuel_used \(.fuel_used)", "transcript \(.transcript)"' run.json && \
	echo "== a module that never ends, stopped by its fuel (exit 134)" && \
	if wasm-exec --fuel 1000000 "$(CURDIR)/t/data/wasm/hostile-loop.wasm"; then exit 1; \
	else test $$? = 134; fi && \
	echo "== demo done; its scratch directory is removed"

.PHONY: demo
