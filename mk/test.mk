# make check: the bats suite in t/ against the programs in bin/.
BATS      = bats
BATSFLAGS = --print-output-on-failure
TESTS     = t/*.bats

check: all
	$(BATS) $(BATSFLAGS) $(TESTS)

.PHONY: check
