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
	t/fuzz/capsule-fuzzer \
	t/fuzz/frame-fuzzer \
	t/fuzz/proof-fuzzer \
	t/fuzz/sshkey-fuzzer \
	t/fuzz/sshsig-fuzzer \
	t/fuzz/trust-fuzzer

FUZZ_FRAME_SRC = \
	lib/err.c \
	lib/frame.c \
	lib/merkle.c \
	lib/parallel.c \
	lib/sha256.c \
	lib/xio.c

FUZZ_PROOF_SRC = \
	lib/err.c \
	lib/merkle.c \
	lib/parallel.c \
	lib/sha256.c \
	lib/xio.c

# The SSH targets need the whole crypto link (BearSSL for P-256, hogweed for Ed25519),
# and libgit2 for the config file that can name allowed signers (lib/config.c).
FUZZ_SSH_SRC = \
	lib/config.c \
	lib/err.c \
	lib/sha256.c \
	lib/ssh.c \
	lib/sshkey.c \
	lib/sshsig.c \
	lib/xio.c
FUZZ_SSH_LDLIBS = -l:libbearssl.a -lhogweed -lnettle -lgmp -lgit2

# The trust target: manifests and lists (lib/trust.c), and the policy, which
# libgit2's config API reads (lib/trustref.c); the rest of trustref.c needs sshsig.c.
FUZZ_TRUST_SRC = \
	lib/config.c \
	lib/err.c \
	lib/frame.c \
	lib/hex.c \
	lib/merkle.c \
	lib/parallel.c \
	lib/sha256.c \
	lib/ssh.c \
	lib/sshkey.c \
	lib/sshsig.c \
	lib/trust.c \
	lib/trustref.c \
	lib/xio.c
FUZZ_TRUST_LDLIBS = -l:libbearssl.a -lhogweed -lnettle -lgmp -lgit2

# The capsule target: the library but the parts it does not use (lib/wasm.cc,
# lib/interp.cc, lib/wasi.c, lib/audit.c, lib/compress.c, lib/json.c), with the whole
# crypto link and keyutils.  A refused capsule longjmps out of
# ecap_open() past its frees, so no leak checking, and the allocators are wrapped so
# that the target frees what was left (t/fuzz/capsule.c); the library's messages on
# stderr (one per refused input) are closed, sanitizer reports still go to libFuzzer's.
FUZZ_CAPSULE_SRC = \
	lib/aead.c \
	lib/capsule.c \
	lib/config.c \
	lib/err.c \
	lib/frame.c \
	lib/hex.c \
	lib/kdf.c \
	lib/keys.c \
	lib/merkle.c \
	lib/parallel.c \
	lib/parse.c \
	lib/secmem.c \
	lib/sha256.c \
	lib/ssh.c \
	lib/sshkey.c \
	lib/sshsig.c \
	lib/xio.c
FUZZ_CAPSULE_LDLIBS = -l:libbearssl.a -lhogweed -lnettle -lgmp -lkeyutils -lgit2 \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free \
	-Wl,--wrap=ecap_secmem_alloc,--wrap=ecap_secmem_free
FUZZ_CAPSULE_OPTIONS = -detect_leaks=0 -close_fd_mask=2

t/fuzz/capsule-fuzzer: t/fuzz/capsule.c t/fuzz/check.h $(FUZZ_CAPSULE_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/capsule.c $(FUZZ_CAPSULE_SRC) \
		$(FUZZ_CAPSULE_LDLIBS)

t/fuzz/frame-fuzzer: t/fuzz/frame.c t/fuzz/check.h $(FUZZ_FRAME_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/frame.c $(FUZZ_FRAME_SRC) \
		$(FUZZ_LDLIBS)

t/fuzz/proof-fuzzer: t/fuzz/proof.c t/fuzz/check.h $(FUZZ_PROOF_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/proof.c $(FUZZ_PROOF_SRC) \
		$(FUZZ_LDLIBS)

t/fuzz/sshkey-fuzzer: t/fuzz/sshkey.c t/fuzz/check.h $(FUZZ_SSH_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/sshkey.c $(FUZZ_SSH_SRC) \
		$(FUZZ_SSH_LDLIBS)

t/fuzz/sshsig-fuzzer: t/fuzz/sshsig.c t/fuzz/check.h $(FUZZ_SSH_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/sshsig.c $(FUZZ_SSH_SRC) \
		$(FUZZ_SSH_LDLIBS)

fuzz: $(FUZZ)
	@failed=; for f in $(FUZZ); do \
		name=$${f#t/fuzz/}; name=$${name%-fuzzer}; \
		corpus=t/fuzz/corpus-$$name; crash=$$corpus-crash; \
		mkdir -p "$$corpus" "$$crash" && cp t/fuzz/seeds/$$name/* "$$corpus"/ || exit 1; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		case $$name in capsule) extra='$(FUZZ_CAPSULE_OPTIONS)';; *) extra=;; esac; \
		UBSAN_OPTIONS=print_stacktrace=1 "$$f" $(FUZZ_OPTIONS) $$extra \
			-max_total_time=$(FUZZ_SECONDS) -artifact_prefix="$$crash"/ "$$corpus" || \
			failed="$$failed $$name"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "make fuzz: failed:$$failed (inputs in t/fuzz/corpus-NAME-crash/)" >&2; exit 1; fi

t/fuzz/trust-fuzzer: t/fuzz/trust.c t/fuzz/check.h $(FUZZ_TRUST_SRC) $(LIBHDR) VERSION
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -o $@ t/fuzz/trust.c $(FUZZ_TRUST_SRC) \
		$(FUZZ_TRUST_LDLIBS)

.PHONY: fuzz
