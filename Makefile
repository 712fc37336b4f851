# ecap: see README.md.  make, make check, make bench, make install.
.DELETE_ON_ERROR:
.SUFFIXES:

include mk/flags.mk

BIN = \
	bin/audit-append \
	bin/audit-verify \
	bin/ecap-frame \
	bin/ecap-inspect \
	bin/ecap-keygen \
	bin/ecap-open \
	bin/ecap-seal \
	bin/merkle \
	bin/trust-approve \
	bin/trust-hash \
	bin/trust-verify \
	bin/wasm-exec

LIBOBJ = \
	lib/aead.o \
	lib/audit.o \
	lib/capsule.o \
	lib/compress.o \
	lib/config.o \
	lib/err.o \
	lib/frame.o \
	lib/hex.o \
	lib/interp.o \
	lib/json.o \
	lib/kdf.o \
	lib/keys.o \
	lib/merkle.o \
	lib/parallel.o \
	lib/parse.o \
	lib/secmem.o \
	lib/sha256.o \
	lib/ssh.o \
	lib/sshkey.o \
	lib/sshsig.o \
	lib/trust.o \
	lib/trustref.o \
	lib/wasi.o \
	lib/wasm.o \
	lib/xio.o

LIBHDR = \
	lib/aead.h \
	lib/audit.h \
	lib/capsule.h \
	lib/compress.h \
	lib/config.h \
	lib/err.h \
	lib/frame.h \
	lib/hex.h \
	lib/interp.h \
	lib/json.h \
	lib/kdf.h \
	lib/keys.h \
	lib/merkle.h \
	lib/parallel.h \
	lib/parse.h \
	lib/secmem.h \
	lib/sha256.h \
	lib/ssh.h \
	lib/sshsig.h \
	lib/trust.h \
	lib/trustref.h \
	lib/wabt.h \
	lib/wasi.h \
	lib/wasm.h \
	lib/xio.h

MAN1 = \
	man/audit-append.1 \
	man/audit-verify.1 \
	man/ecap-frame.1 \
	man/ecap-inspect.1 \
	man/ecap-keygen.1 \
	man/ecap-open.1 \
	man/ecap-seal.1 \
	man/merkle.1 \
	man/trust-approve.1 \
	man/trust-hash.1 \
	man/trust-verify.1 \
	man/wasm-exec.1

MAN5 = \
	man/ecap-audit.5 \
	man/ecap-config.5 \
	man/ecap-frame.5 \
	man/ecap-trust.5 \
	man/ecap.5

MAN7 = \
	man/ecap.7

all: $(BIN)

# Objects are rebuilt whenever the compiler or its flags change (say SANITIZE=1).
.build-flags: FORCE
	@echo '$(CC) $(CXX) $(CPPFLAGS) $(CFLAGS) $(CXXFLAGS) $(LDFLAGS) $(LDLIBS)' > $@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

lib/libecap.a: $(LIBOBJ)
	rm -f $@
	$(AR) $(ARFLAGS) $@ $(LIBOBJ)

$(LIBOBJ): $(LIBHDR) .build-flags VERSION

.SUFFIXES: .c .cc .o
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# lib/wasm.cc and lib/interp.cc, the C++ files: the wrappers around wabt's library.
.cc.o:
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

bin/%: bin/%.c lib/libecap.a $(LIBHDR) .build-flags
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< lib/libecap.a $(LDLIBS)

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 $(DESTDIR)$(SHAREDIR)
	$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANPREFIX)/man1
	$(INSTALL) -m 644 $(MAN5) $(DESTDIR)$(MANPREFIX)/man5
	$(INSTALL) -m 644 $(MAN7) $(DESTDIR)$(MANPREFIX)/man7
	cd share && find . -type f | sort | while read -r f; do \
		mode=644; [ -x "$$f" ] && mode=755; \
		$(INSTALL) -D -m $$mode "$$f" "$(DESTDIR)$(SHAREDIR)/$$f" || exit 1; done

# make install-hooks [REPO=DIR]: the trust hooks (ecap-trust(5)) into the
# hooks directory of the repository at REPO (default: the current directory's).
REPO  = .
HOOKS = pre-commit pre-push
install-hooks:
	@hooks=$$(cd '$(REPO)' && git rev-parse --path-format=absolute --git-path hooks) && \
	mkdir -p "$$hooks" && for h in $(HOOKS); do \
		$(INSTALL) -m 755 "share/hooks/$$h" "$$hooks/$$h" || exit 1; \
		echo "installed $$hooks/$$h"; done

uninstall:
	for b in $(BIN); do rm -f $(DESTDIR)$(BINDIR)/$${b#bin/}; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANPREFIX)/man7/$${m#man/}; done
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -f $(BIN) $(LIBOBJ) lib/libecap.a .build-flags .build-flags.new
	rm -rf t/fuzz/*-fuzzer t/fuzz/corpus-* t/tmp $(TEST_HELPERS) $(WASM_FIXTURES)

FORCE:

include mk/demo.mk
include mk/deps.mk
include mk/test.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/wasm.mk

.PHONY: all install install-hooks uninstall clean FORCE
