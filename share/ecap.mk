# ecap.mk: make rules that package WebAssembly modules into capsules with
# ecap-seal(1).  Include it from a project's Makefile and name the keys:
#
#   include /usr/local/share/ecap/ecap.mk
#   ECAP_KEY_FILE     = team.key
#   ECAP_SIGN         = alice
#   ECAP_META         = id=org.example.hello version=1.2
#   ECAP_CAPABILITIES = clock
#   all: hello.ecap
#   hello.ecap: ECAP_CAPABILITIES = clock dir:ro
#
#   make hello.ecap              hello.wasm sealed into hello.ecap
#   make hello.ecap.verified     and checked by ecap-inspect --verify
#
# %.ecap: %.wasm   ecap-seal --reproducible: the same module, keys and variables
#                  give a byte-identical capsule.  ecap-seal -o writes through a
#                  temporary file, so a failed seal leaves no capsule behind.  A
#                  capsule is rebuilt when its module changes; after a change of
#                  keys or variables, make -B.
# %.ecap.verified: %.ecap   ecap-inspect --verify: every page against the page
#                  table and, with ECAP_ALLOWED_SIGNERS, a signer listed there;
#                  the file is the report, written once the check passed.
#
# The variables, set before or after the include (ECAP_GIT before it), on
# make's command line, in the environment, or for one capsule as hello.ecap's
# ECAP_CAPABILITIES above.  ECAP_KEY_FILE and ECAP_ALLOWED_SIGNERS mean what
# they mean to ecap-seal and ecap-inspect in the environment:
#   ECAP_KEY_FILE        the master key file (--key-file)
#   ECAP_RECIPIENTS      X25519 recipients, ecap-x25519:..., one -r each; one of
#                        ECAP_KEY_FILE and ECAP_RECIPIENTS at least, or make stops
#   ECAP_SIGN            the SSH private key that signs (--sign); unset: unsigned
#   ECAP_META            KEY=VALUE metadata lines (--meta), values without spaces
#   ECAP_CAPABILITIES    the capabilities the module needs (--capability)
#   ECAP_SEAL_FLAGS      more options: --compress, --aead chacha20-poly1305,
#                        --meta 'description=with spaces', ...
#   ECAP_REPRODUCIBLE    1 (the default): --reproducible; 0: random salt and keys
#   SOURCE_DATE_EPOCH    the capsules' created time; unless set, the time of the
#                        last git commit (git log -1 --format=%ct), or 0
#                        (1970-01-01) outside a git repository or before a commit
#   ECAP_ALLOWED_SIGNERS the allowed-signers file of %.ecap.verified; unset: the
#                        capsule's integrity only, signed or not
#   ECAP_SEAL ECAP_INSPECT ECAP_GIT   the programs: ecap-seal, ecap-inspect, git

ECAP_KEY_FILE        ?=
ECAP_RECIPIENTS      ?=
ECAP_SIGN            ?=
ECAP_META            ?=
ECAP_CAPABILITIES    ?=
ECAP_SEAL_FLAGS      ?=
ECAP_REPRODUCIBLE    ?= 1
ECAP_ALLOWED_SIGNERS ?=
ECAP_SEAL            ?= ecap-seal
ECAP_INSPECT         ?= ecap-inspect
ECAP_GIT             ?= git

ifeq ($(strip $(SOURCE_DATE_EPOCH)),)
SOURCE_DATE_EPOCH := $(or $(shell $(ECAP_GIT) log -1 --format=%ct 2>/dev/null),0)
endif

# ecap_quote WORD: WORD as one shell word, in single quotes.
ecap_quote = '$(subst ','\'',$(1))'

# ecap_need_key: nothing, or make stops when the capsule $@ would have no key.
ecap_need_key = $(if $(strip $(ECAP_KEY_FILE)$(ECAP_RECIPIENTS)),,$(error \
	$@: no key: set ECAP_KEY_FILE (a master key file) or \
	ECAP_RECIPIENTS (X25519 recipients, ecap-x25519:...)))

ecap_seal_args = $(strip \
	$(if $(strip $(ECAP_KEY_FILE)),--key-file $(strip $(ECAP_KEY_FILE))) \
	$(foreach r,$(ECAP_RECIPIENTS),-r $(r)) \
	$(if $(strip $(ECAP_SIGN)),--sign $(strip $(ECAP_SIGN))) \
	$(foreach m,$(ECAP_META),--meta $(call ecap_quote,$(m))) \
	$(foreach c,$(ECAP_CAPABILITIES),--capability $(call ecap_quote,$(c))) \
	$(if $(filter 1,$(ECAP_REPRODUCIBLE)),--reproducible) \
	$(ECAP_SEAL_FLAGS))

%.ecap: %.wasm
	$(ecap_need_key)SOURCE_DATE_EPOCH=$(strip $(SOURCE_DATE_EPOCH)) $(ECAP_SEAL) $(ecap_seal_args) -o $@ $<

ecap_inspect_args = $(strip --verify \
	$(if $(strip $(ECAP_ALLOWED_SIGNERS)),--allowed-signers $(strip $(ECAP_ALLOWED_SIGNERS))))

%.ecap.verified: %.ecap
	$(ECAP_INSPECT) $(ecap_inspect_args) $< > $@.tmp || { rm -f $@ $@.tmp; exit 1; }
	@mv -f $@.tmp $@

# A capsule that make hello.ecap.verified had to build stays.
.PRECIOUS: %.ecap
