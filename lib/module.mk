# lib/ unit tests: tests/unit/test_<module>.c, each a cmocka program linked with libgovreach.a.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
$(foreach t,$(UNIT_SRCS),$(eval $(call link-program,$(notdir $(t:.c=)),$(BUILD)/$(t:.c=.o),-lcmocka)))

# tests/contract/contract_dump.c: the C side of the schema contract, printed for
# tests/integration/schema_contract.sh (built with `all`, not installed).
$(BIN)/contract_dump: $(BUILD)/tests/contract/contract_dump.o $(LIBGR)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBGR) $(LIBS_ALL)
TEST_PROGRAMS += $(BIN)/contract_dump

# inih has no version call: --version prints the one it was built against.
$(BUILD)/lib/gr_prog.o: CFLAGS_ALL += -DGR_INIH_VERSION='"$(shell pkg-config --modversion inih)"'
