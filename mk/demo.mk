# make demo: the programs on real data, in a scratch directory that is removed
# afterwards.  It frames a real program (bin/merkle itself), lists and checks
# the stream, prints its Merkle root beside sha256sum, proves and verifies the
# inclusion of one page, then shows a one-byte change caught at its offset;
# then seals it into a signed capsule, inspects and verifies it without the
# key, opens it, and shows a wrong key and a changed byte refused.
demo: all
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && set -e && \
	PATH="$(CURDIR)/bin:$$PATH" && cp bin/merkle "$$d/program" && cd "$$d" && \
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
	printf 'X' | dd of=program.frames bs=1 seek=20000 conv=notrunc status=none && \
	if ecap-frame check program.frames; then exit 1; fi && \
	echo "== and the page's proof no longer verifies (exit 1)" && \
	printf 'X' | dd of=page2 bs=1 seek=100 conv=notrunc status=none && \
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
	printf 'X' | dd of=program.ecap bs=1 seek=50000 conv=notrunc status=none && \
	if ecap-open --key-file team.key --raw program.ecap > /dev/null; then exit 1; \
	else test $$? = 1; fi && \
	echo "== demo done; its scratch directory is removed"

.PHONY: demo
