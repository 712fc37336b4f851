# make check: the bats suite in t/ against the programs in bin/, ending with
# one line "check: N passed, N failed, N skipped".
BATS      = bats
BATSFLAGS = --print-output-on-failure
TESTS     = t/*.bats

# Test helpers: small programs that call the library directly (known-answer
# tests, parsers), one t/helper/NAME.c each, like git's t/helper.
TEST_HELPERS = $(patsubst %.c,%,$(wildcard t/helper/*.c))

t/helper/%: t/helper/%.c lib/libecap.a $(LIBHDR) .build-flags
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< lib/libecap.a $(LDLIBS)

# WebAssembly fixtures: t/data/wasm/NAME.wat built to NAME.wasm with wabt's wat2wasm.
# --no-check, so that invalid.wat (which parses but does not validate) builds too.
WAT2WASM      = wat2wasm
WASM_FIXTURES = $(patsubst %.wat,%.wasm,$(wildcard t/data/wasm/*.wat))

t/data/wasm/%.wasm: t/data/wasm/%.wat
	$(WAT2WASM) --no-check -o $@ $<

check: all $(TEST_HELPERS) $(WASM_FIXTURES)
	@tap=$$(mktemp) && rc=$$(mktemp) && trap 'rm -f "$$tap" "$$rc"' EXIT && \
	{ $(BATS) $(BATSFLAGS) --formatter tap $(TESTS); echo $$? > "$$rc"; } | tee "$$tap" && \
	ok=$$(grep -c '^ok ' "$$tap"); skip=$$(grep -c '^ok .* # skip' "$$tap"); \
	bad=$$(grep -c '^not ok ' "$$tap"); \
	echo "check$(if $(filter 1,$(SANITIZE)),-sanitize): $$((ok - skip)) passed, $$bad failed, $$skip skipped"; \
	[ "$$(cat "$$rc")" = 0 ] && [ "$$bad" = 0 ] && [ "$$ok" -gt 0 ]

# make repro: build the tree twice, in two directories of different names and
# depths, and show the programs and the library are byte-identical.
REPRO_FILES = bin/* lib/libecap.a

repro:
	@d=$$(mktemp -d) && trap 'rm -rf "$$d"' EXIT && \
	for where in one/ecap second-build/x/y/src; do \
		mkdir -p "$$d/$$where" && \
		git ls-files -z --cached --others --exclude-standard | \
			xargs -0 cp --parents -t "$$d/$$where" && \
		$(MAKE) -s -C "$$d/$$where" CC='$(CC)' all > /dev/null || exit 1; \
	done && \
	cd "$$d/one/ecap" && status=0 && \
	for f in $$(ls -d $(REPRO_FILES) | grep -v '\.c$$'); do \
		if cmp -s "$$f" "$$d/second-build/x/y/src/$$f"; then \
			echo "identical  $$(sha256sum "$$f")"; \
		else echo "DIFFERENT  $$f"; status=1; fi; \
	done && exit $$status

.PHONY: check repro
