# make demo: the pipeline on a real program, mk/demo.sh: cmark (built for WASI
# from its Debian source package) sealed, signed, approved in a scratch git
# repository, opened and run in the sandbox on README.md with auditing on;
# then its output, the capsule, the audit trail and every verification.
# make demo DEMO_TAMPER=capsule (or page, or script): one byte changed first,
# and the demo stops where that is caught.
DEMO_WASM = t/data/wasm/real-cmark.wasm t/data/wasm/hostile-loop.wasm

demo: all $(DEMO_WASM)
	@DEMO_TAMPER='$(DEMO_TAMPER)' sh mk/demo.sh '$(CURDIR)'

.PHONY: demo
