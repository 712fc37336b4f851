# WebAssembly fixtures for wasm-exec: WASI preview 1 command modules, built with clang
# and wasi-libc (see t/wasm/README).
#   t/data/wasm/c-NAME.wasm     our small programs, t/wasm/NAME.c, one per capability or
#                               limit (c- because t/data/wasm/hello.wasm is hello.wat's)
#   t/data/wasm/real-NAME.wasm  real programs by others, from their Debian source packages,
#                               unpacked and built in t/wasm/build/ (git-ignored); the same
#                               sources built natively, t/wasm/build/native/NAME, are the
#                               oracle: make wasm-node-check compares the two under node.
# t/data/wasm/hostile-*.wat (a runaway loop, memory bombs, ...) are built by mk/test.mk.
#   make t/data/wasm/c-hello.wasm   make wasm-sources   make wasm-node-check

WASM_CC      = clang
WASM_SYSROOT = /usr
WASM_TARGET  = --target=wasm32-wasi --sysroot=$(WASM_SYSROOT)
WASM_OPT     = -O2
WASM_CFLAGS  = $(WASM_OPT) $(REPRO)
WASM_LDFLAGS = -Wl,--strip-all
WASM_BUILD   = t/wasm/build
NODE         = node

WASM_PROGRAMS = \
	t/data/wasm/c-alloc.wasm \
	t/data/wasm/c-args.wasm \
	t/data/wasm/c-bigout.wasm \
	t/data/wasm/c-cat.wasm \
	t/data/wasm/c-clock.wasm \
	t/data/wasm/c-env.wasm \
	t/data/wasm/c-escape.wasm \
	t/data/wasm/c-exit.wasm \
	t/data/wasm/c-files.wasm \
	t/data/wasm/c-hello.wasm \
	t/data/wasm/c-random.wasm \
	t/data/wasm/c-spin.wasm

WASM_REAL = \
	t/data/wasm/real-bzip2.wasm \
	t/data/wasm/real-cmark.wasm

WASM_NATIVE = \
	$(WASM_BUILD)/native/bzip2 \
	$(WASM_BUILD)/native/cmark

t/data/wasm/c-%.wasm: t/wasm/%.c t/wasm/errname.h
	$(WASM_CC) $(WASM_TARGET) $(WASM_CFLAGS) -Wall -Wextra $(WASM_LDFLAGS) -o $@ $<

# The real programs' sources: `apt-get source` into t/wasm/build/dl-NAME/, unpacked
# (Debian's patches applied) into t/wasm/build/NAME/ whatever the version, which is
# kept in t/wasm/build/NAME/.version.  apt-get source needs deb-src entries: when there
# are none, wasm-debsrc adds deb-src to the Types of Debian's sources (as root, or with
# sudo: $(SUDO) is mk/deps.mk's) and updates the lists.
WASM_SRC_PKGS = bzip2 cmark
WASM_APT_SOURCES = /etc/apt/sources.list.d/debian.sources

wasm-sources: $(WASM_SRC_PKGS:%=$(WASM_BUILD)/%/.unpacked)

wasm-debsrc:
	@if ! apt-cache showsrc $(firstword $(WASM_SRC_PKGS)) 2>/dev/null | grep -q '^Package:'; then \
		if ! grep -qs '^Types:.*deb-src' $(WASM_APT_SOURCES); then \
			echo "wasm-debsrc: adding deb-src to the Types of $(WASM_APT_SOURCES)"; \
			$(SUDO) sed -i 's/^Types: deb$$/Types: deb deb-src/' $(WASM_APT_SOURCES) || exit 1; \
		fi; \
		$(SUDO) apt-get update -q || exit 1; \
	fi

# dpkg-source --no-check: apt-get has checked the files against the signed index.
$(WASM_BUILD)/%/.unpacked: | wasm-debsrc
	rm -rf $(WASM_BUILD)/$* $(WASM_BUILD)/dl-$*
	mkdir -p $(WASM_BUILD)/dl-$*
	cd $(WASM_BUILD)/dl-$* && apt-get source -q --download-only $* && \
		dpkg-source --no-check -x $*_*.dsc src
	mv $(WASM_BUILD)/dl-$*/src $(WASM_BUILD)/$*
	sed -n 's/^Version: //p' $(WASM_BUILD)/dl-$*/$*_*.dsc > $(WASM_BUILD)/$*/.version
	touch $@

# The real programs: Debian's sources compiled file by file, no upstream build system.
# wasm: WASM_REAL_CFLAGS and the shims in t/wasm/compat/ (wasi.h, included first);
# native: the host $(CC), the same sources and flags but for the shims.
# Upstream's own warnings are not ours to fix: -w.
WASM_REAL_CFLAGS  = $(WASM_OPT) -w -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
                    -include t/wasm/compat/wasi.h
WASM_REAL_LDLIBS  = -lwasi-emulated-signal -lwasi-emulated-process-clocks
WASM_COMPAT       = t/wasm/compat/wasi.c
NATIVE_CFLAGS     = -O2 -w

# bzip2: the program and the library, as upstream's Makefile builds them.
BZIP2_CFLAGS = -D_FILE_OFFSET_BITS=64
BZIP2_SRC = \
	$(WASM_BUILD)/bzip2/blocksort.c \
	$(WASM_BUILD)/bzip2/bzip2.c \
	$(WASM_BUILD)/bzip2/bzlib.c \
	$(WASM_BUILD)/bzip2/compress.c \
	$(WASM_BUILD)/bzip2/crctable.c \
	$(WASM_BUILD)/bzip2/decompress.c \
	$(WASM_BUILD)/bzip2/huffman.c \
	$(WASM_BUILD)/bzip2/randtable.c

t/data/wasm/real-bzip2.wasm: $(WASM_BUILD)/bzip2/.unpacked t/wasm/compat/wasi.h $(WASM_COMPAT)
	$(WASM_CC) $(WASM_TARGET) $(WASM_REAL_CFLAGS) $(BZIP2_CFLAGS) $(WASM_LDFLAGS) -o $@ \
		$(BZIP2_SRC) $(WASM_COMPAT) $(WASM_REAL_LDLIBS)

$(WASM_BUILD)/native/bzip2: $(WASM_BUILD)/bzip2/.unpacked
	mkdir -p $(@D)
	$(CC) $(NATIVE_CFLAGS) $(BZIP2_CFLAGS) -o $@ $(BZIP2_SRC)

# cmark: its library and main.c.  CMake would generate three headers: config.h and
# cmark_version.h are made here from their .in files (every feature test true, the
# version from project() in CMakeLists.txt), cmark_export.h is t/wasm/compat/'s.
CMARK_GEN    = $(WASM_BUILD)/cmark-gen
CMARK_CFLAGS = -DCMARK_STATIC_DEFINE -I$(CMARK_GEN) -It/wasm/compat -I$(WASM_BUILD)/cmark/src
CMARK_SRC = \
	$(WASM_BUILD)/cmark/src/blocks.c \
	$(WASM_BUILD)/cmark/src/buffer.c \
	$(WASM_BUILD)/cmark/src/cmark.c \
	$(WASM_BUILD)/cmark/src/cmark_ctype.c \
	$(WASM_BUILD)/cmark/src/commonmark.c \
	$(WASM_BUILD)/cmark/src/houdini_href_e.c \
	$(WASM_BUILD)/cmark/src/houdini_html_e.c \
	$(WASM_BUILD)/cmark/src/houdini_html_u.c \
	$(WASM_BUILD)/cmark/src/html.c \
	$(WASM_BUILD)/cmark/src/inlines.c \
	$(WASM_BUILD)/cmark/src/iterator.c \
	$(WASM_BUILD)/cmark/src/latex.c \
	$(WASM_BUILD)/cmark/src/main.c \
	$(WASM_BUILD)/cmark/src/man.c \
	$(WASM_BUILD)/cmark/src/node.c \
	$(WASM_BUILD)/cmark/src/references.c \
	$(WASM_BUILD)/cmark/src/render.c \
	$(WASM_BUILD)/cmark/src/scanners.c \
	$(WASM_BUILD)/cmark/src/utf8.c \
	$(WASM_BUILD)/cmark/src/xml.c
CMARK_HDR = $(CMARK_GEN)/config.h $(CMARK_GEN)/cmark_version.h t/wasm/compat/cmark_export.h

$(CMARK_GEN)/config.h: $(WASM_BUILD)/cmark/.unpacked
	mkdir -p $(@D)
	sed 's/^#cmakedefine \(.*\)/#define \1 1/' $(WASM_BUILD)/cmark/src/config.h.in > $@

$(CMARK_GEN)/cmark_version.h: $(WASM_BUILD)/cmark/.unpacked
	mkdir -p $(@D)
	v=$$(sed -n 's/^project(cmark VERSION \([0-9]*\.[0-9]*\.[0-9]*\))$$/\1/p' \
		$(WASM_BUILD)/cmark/CMakeLists.txt) && \
	[ -n "$$v" ] && set -- $$(echo "$$v" | tr . ' ') && \
	sed -e "s/@PROJECT_VERSION_MAJOR@/$$1/g" -e "s/@PROJECT_VERSION_MINOR@/$$2/g" \
		-e "s/@PROJECT_VERSION_PATCH@/$$3/g" $(WASM_BUILD)/cmark/src/cmark_version.h.in > $@

t/data/wasm/real-cmark.wasm: $(CMARK_HDR) t/wasm/compat/wasi.h $(WASM_COMPAT)
	$(WASM_CC) $(WASM_TARGET) $(WASM_REAL_CFLAGS) $(CMARK_CFLAGS) $(WASM_LDFLAGS) -o $@ \
		$(CMARK_SRC) $(WASM_COMPAT) $(WASM_REAL_LDLIBS)

$(WASM_BUILD)/native/cmark: $(CMARK_HDR)
	mkdir -p $(@D)
	$(CC) $(NATIVE_CFLAGS) $(CMARK_CFLAGS) -o $@ $(CMARK_SRC)

clean-wasm:
	rm -f $(WASM_PROGRAMS) $(WASM_REAL)
	rm -rf $(WASM_BUILD)

# make wasm-node-check: every module validates (wasm-validate), and the real programs
# give the same output under node:wasi as natively (t/wasm/compare.sh; CMARK_SPEC=1
# adds the CommonMark spec's examples): a check of the fixtures that needs no wasm-exec.
wasm-node-check: $(WASM_PROGRAMS) $(WASM_REAL) $(WASM_NATIVE) $(WASM_FIXTURES)
	@for f in $(WASM_PROGRAMS) $(WASM_REAL) $(filter t/data/wasm/hostile-%,$(WASM_FIXTURES)); do \
		wasm-validate "$$f" || { echo "wasm-node-check: $$f does not validate" >&2; exit 1; }; \
	done; echo "wasm-validate: all modules valid"
	sh t/wasm/compare.sh $(NODE) t/wasm/run-node.mjs

clean: clean-wasm
check: $(WASM_PROGRAMS) $(WASM_REAL) $(WASM_NATIVE)

.PHONY: clean-wasm wasm-debsrc wasm-sources wasm-node-check
