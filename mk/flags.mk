# Toolchain, flags and install paths.  Override on the command line:
#   make CC=clang   make SANITIZE=1 check   make install PREFIX=/usr DESTDIR=/tmp/pkg

PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
SHAREDIR  = $(PREFIX)/share/ecap
DESTDIR   =

CC        = cc
CXX       = g++
AR        = ar
ARFLAGS   = rcD
INSTALL   = install

VERSION  := $(shell cat VERSION)

WARN      = -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wcast-qual \
            -Wwrite-strings -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wundef -Wnull-dereference
OPT       = -O2 -g
# Reproducible: no build paths or dates in the objects.
REPRO     = -ffile-prefix-map=$(CURDIR)=. -fdebug-prefix-map=$(CURDIR)=.
CPPFLAGS  = -D_GNU_SOURCE -DECAP_VERSION='"$(VERSION)"' -Ilib
CFLAGS    = -std=c11 $(OPT) $(WARN) $(REPRO) -pthread -fstack-protector-strong \
            -D_FORTIFY_SOURCE=2 -fPIE
# C++ (lib/wasm.cc and lib/interp.cc, over wabt): the C flags but for -std and the C-only warnings.
CXXWARN   = -Wall -Wextra -Wshadow -Wformat=2 -Wpointer-arith -Wcast-qual \
            -Wwrite-strings -Wvla -Wundef -Wnull-dereference
CXXFLAGS  = -std=c++17 $(OPT) $(CXXWARN) $(REPRO) -pthread -fstack-protector-strong \
            -D_FORTIFY_SOURCE=2 -fPIE
LDFLAGS   = -pthread -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LDLIBS    = -l:libbearssl.a -lhogweed -lnettle -lgmp -ljansson -lkeyutils -lseccomp -lsqlite3 -lgit2 -l:libzstd.a \
            -l:libwabt.a -l:libstdc++.a -lm

# make SANITIZE=1: AddressSanitizer and UndefinedBehaviorSanitizer, failing on any report.
ifeq ($(SANITIZE),1)
OPT       = -O1 -g -fno-omit-frame-pointer
CFLAGS   += -fsanitize=address,undefined -fno-sanitize-recover=all -U_FORTIFY_SOURCE
# UBSan's vptr check probes memory with pipe2(2), which wasm-exec's engine sandbox forbids.
CXXFLAGS += -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all \
            -U_FORTIFY_SOURCE
LDFLAGS  += -fsanitize=address,undefined
endif
