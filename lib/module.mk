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

# The store codes of the C side (gr_store_names, lib/gr_rows.c) are the schema's:
# generated from the last CHECK (store IN (...)) of the migrations in order (today
# obs.app_listing's in 003_obs.sql; a migration adding a store is later), so a new
# store is its source file, its registry line and the schema's line. A schema
# whose store CHECKs disagree fails schema_contract.sh.
SCHEMA_SQL := $(sort $(wildcard schema/[0-9]*.sql))
$(BUILD)/gen/gr_store_names.h: $(SCHEMA_SQL)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)cat $(SCHEMA_SQL) | sed -n "s/.*CHECK (store IN (\([^)]*\))).*/#define GR_STORE_NAMES \1/p" | tail -n 1 \
	  | tr "'" '"' >$@.tmp && test -s $@.tmp && mv $@.tmp $@ || { rm -f $@.tmp; echo "schema/: no CHECK (store IN (...))" >&2; exit 1; }
$(BUILD)/lib/gr_rows.o: $(BUILD)/gen/gr_store_names.h
$(BUILD)/lib/gr_rows.o: CFLAGS_ALL += -I$(BUILD)/gen

# inih has no version call: --version prints the one it was built against.
$(BUILD)/lib/gr_prog.o: CFLAGS_ALL += -DGR_INIH_VERSION='"$(shell pkg-config --modversion inih)"'
