# make demo: the programs on real data, in a scratch directory that is removed
# afterwards.  It frames a real program (bin/merkle itself), lists and checks
# the stream, prints its Merkle root beside sha256sum, proves and verifies the
# inclusion of one page, then shows a one-byte change caught at its offset.
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
	echo "== demo done; its scratch directory is removed"

.PHONY: demo
