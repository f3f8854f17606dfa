# The toy store (lib/sources/toy.c), a site that exists only in the tests:
# compiled only into bin/toy_crawler, bin/toy_parser and bin/toy_contract_dump, the crawler, the
# parser and the contract's C side with the registry built with -DGR_TOY_SOURCE (its GR_TEST_SOURCES
# entry) and everything else from libgovreach.a. Not installed.
# tests/integration/toy_source.sh crawls tests/toy/site/ with them.
TOY_OBJS := $(BUILD)/toy/gr_source.o $(BUILD)/lib/sources/toy.o

$(BUILD)/toy/gr_source.o: lib/gr_source.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -DGR_TOY_SOURCE -c -o $@ $<

# link-toy NAME, OBJS: bin/NAME from a stage's objects with the toy registry
define link-toy
$(BIN)/$(1): $(2) $(TOY_OBJS) $(LIBGR)
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS_ALL) -o $$@ $(2) $(TOY_OBJS) $(LIBGR) $$(LIBS_ALL)
TEST_PROGRAMS += $(BIN)/$(1)
endef
$(eval $(call link-toy,toy_crawler,$(BUILD)/crawler/main.o $(CRAWLER_OBJS)))
$(eval $(call link-toy,toy_parser,$(BUILD)/parser/main.o $(PARSER_OBJS)))
# the schema contract's C side with the toy registered (toy_source.sh: a store
# the schema does not list is a drift schema_contract.sh reports)
$(eval $(call link-toy,toy_contract_dump,$(BUILD)/tests/contract/contract_dump.o))
