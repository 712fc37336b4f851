# Debian packages the toolkit builds, tests and benchmarks with.
# `make deps` installs what is missing (apt-get); it does nothing when all are there.
DEPS = \
	age \
	bats \
	bats-assert \
	bats-file \
	bats-support \
	clang \
	coreutils \
	dpkg-dev \
	file \
	g++ \
	gcc \
	git \
	jq \
	keyutils \
	libbearssl-dev \
	libc6-dev \
	libclang-rt-14-dev \
	libclang-rt-14-dev-wasm32 \
	libgit2-dev \
	libjansson-dev \
	libkeyutils-dev \
	libseccomp-dev \
	libsqlite3-dev \
	libzstd-dev \
	lld \
	make \
	mandoc \
	nettle-dev \
	nodejs \
	openssh-client \
	openssl \
	procps \
	sqlite3 \
	strace \
	time \
	util-linux \
	wabt \
	wasi-libc

# Why each is here:
#   nettle-dev          SHA-256 with the x86 SHA extensions (lib/sha256.c), hex (lib/hex.c),
#                       base64 and Ed25519 (lib/ssh.c; hogweed, with libgmp-dev)
#   libbearssl-dev      AES-256-GCM, ChaCha20-Poly1305, HKDF, X25519, ECDSA P-256 (static)
#   libkeyutils-dev     master keys in the Linux kernel keyring (lib/keys.c);
#   keyutils            keyctl(1), for the tests of that
#   openssh-client      t/ checks SSH keys and signatures against ssh-keygen both ways;
#                       make bench makes the approver's key with ssh-keygen
#   strace              t/ shows that opening a capsule writes no file; make bench, that
#                       trust-verify with a warm stat cache opens none of the files
#   age                 make bench compares ecap-seal and ecap-open with age -r and age -d
#   libjansson-dev      every --json output (lib/json.c)
#   wabt, g++           WebAssembly parse+validate (libwabt.a is C++: lib/wasm.cc); wat2wasm for t/
#   bats, bats-*        the test suite in t/
#   clang, libclang-rt-14-dev   libFuzzer targets in t/fuzz (make fuzz)
#   file                t/ checks the magic(5) entry in share/
#   jq                  t/ reads the --json outputs as a script would
#   mandoc              t/ lints the manual pages (mandoc -T lint)
#   util-linux          t/ runs a program as another user (setpriv) to test unreadable files
#   openssl, coreutils  make bench compares against openssl dgst and sha256sum
#   wasi-libc, lld, libclang-rt-14-dev-wasm32   clang --target=wasm32-wasi: the C library,
#                       the linker (wasm-ld) and compiler-rt's builtins for the wasm fixtures
#                       (mk/wasm.mk, t/wasm/)
#   dpkg-dev            dpkg-source, which apt-get source needs to unpack the real programs'
#                       Debian sources (bzip2, cmark) built to wasm (make wasm-sources)
#   libgit2-dev         the configuration file, in git-config syntax (lib/config.c)
#   git                 t/ writes configuration files with git config -f; make bench
#                       times trust-verify in a git repository, against git diff-files
#   libsqlite3-dev      the audit log's store (lib/audit.c)
#   libzstd-dev         capsule payload compression, ecap-seal --compress (lib/compress.c)
#   sqlite3             t/ changes audit rows behind the log's back; make bench's baseline
#   libseccomp-dev      wasm-exec's engine process runs under a seccomp filter (bin/wasm-exec.c)
#   procps, time        t/2000 finds wasm-exec's engine process (pgrep); make bench reads
#                       node's peak memory (/usr/bin/time)
#   nodejs              node:wasi runs the wasm fixtures for comparison (t/wasm/run-node.mjs,
#                       make wasm-node-check, make bench)

SUDO = $$( [ "$$(id -u)" = 0 ] || echo sudo )

deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q '^install ok installed' || echo "$$p"; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -q && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	else echo "make deps: all $(words $(DEPS)) packages are installed"; fi

.PHONY: deps
