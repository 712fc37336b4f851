# make fuzz: the libFuzzer targets in t/fuzz/, built with clang and the library
# sources compiled straight into each, run one after the other for
# FUZZ_SECONDS seconds each.  Each runs on t/fuzz/corpus-NAME/, seeded from
# t/fuzz/seeds/NAME/ (never written to); a crash, a sanitizer report or a
# failed check fails the make, with the input in t/fuzz/corpus-NAME-crash/.
#   make fuzz FUZZ_SECONDS=600
#   t/fuzz/frame-fuzzer t/fuzz/corpus-frame-crash/crash-...   (that input again)

FUZZ_CC       = clang
FUZZ_SECONDS  = 60
FUZZ_CPPFLAGS = -Ilib -D_GNU_SOURCE -DECAP_VERSION='"$(VERSION)"'
FUZZ_CFLAGS   = -std=c11 -g -O1 -fno-omit-frame-pointer -pthread \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_LDLIBS   = -lnettle
FUZZ_OPTIONS  = -print_final_stats=1

FUZZ = \
	t/fuzz/frame-fuzzer \
	t/fuzz/proof-fuzzer

FUZZ_FRAME_SRC = \
	lib/err.c \
	lib/frame.c \
	lib/sha256.c \
	lib/xio.c

FUZZ_PROOF_SRC = \
	lib/err.c \
	lib/merkle.c \
	lib/sha256.c

t/fuzz/frame-fuzzer: t/fuzz/frame.c $(FUZZ_FRAME_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/frame.c $(FUZZ_FRAME_SRC) \
		$(FUZZ_LDLIBS)

t/fuzz/proof-fuzzer: t/fuzz/proof.c $(FUZZ_PROOF_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/proof.c $(FUZZ_PROOF_SRC) \
		$(FUZZ_LDLIBS)

fuzz: $(FUZZ)
	@failed=; for f in $(FUZZ); do \
		name=$${f#t/fuzz/}; name=$${name%-fuzzer}; \
		corpus=t/fuzz/corpus-$$name; crash=$$corpus-crash; \
		mkdir -p "$$corpus" "$$crash" && cp t/fuzz/seeds/$$name/* "$$corpus"/ || exit 1; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		UBSAN_OPTIONS=print_stacktrace=1 "$$f" $(FUZZ_OPTIONS) \
			-max_total_time=$(FUZZ_SECONDS) -artifact_prefix="$$crash"/ "$$corpus" || \
			failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "make fuzz: failed:$$failed (inputs in t/fuzz/corpus-NAME-crash/)" >&2; exit 1; fi

.PHONY: fuzz
