# bin/parser: WARC files in, loader TSV files out (issue 5).
PARSER_OBJS := $(BUILD)/parser/parser.o
$(eval $(call link-program,parser,$(BUILD)/parser/main.o $(PARSER_OBJS)))

# bench/parser_ref.c: the reference loops of bench/parser.sh (built with
# `all`, not installed, not a unit test).
$(BIN)/bench_parser_ref: $(BUILD)/bench/parser_ref.o $(LIBGR)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIBGR) $(LIBS_ALL)
TEST_PROGRAMS += $(BIN)/bench_parser_ref
