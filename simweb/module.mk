# simweb/: the simulated web, bin/simweb (libmicrohttpd; see simweb/README.md),
# and bin/test_simweb, the cmocka unit tests of its pure parts (run by tests/run unit).
# Only these two programs link libmicrohttpd.
SIMWEB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out simweb/test_%.c,$(wildcard simweb/*.c)))
SIMWEB_LIB_OBJS := $(filter-out $(BUILD)/simweb/main.o,$(SIMWEB_OBJS))
SIMWEB_MHD := $(shell pkg-config --libs libmicrohttpd)
$(eval $(call link-program,simweb,$(SIMWEB_OBJS),$(SIMWEB_MHD)))
$(eval $(call link-program,test_simweb,$(BUILD)/simweb/test_simweb.o $(SIMWEB_LIB_OBJS),-lcmocka $(SIMWEB_MHD)))

# simweb's truth stays independent of what the pipeline computes (simweb/README.md,
# "Independence"): none of its objects includes lib/sources/ or the count normaliser
# (lib/gr_count*), even through another header, and the program links no symbol of
# them. Checked on every build, from the compiler's dependency files and the binary.
SIMWEB_FORBIDDEN := lib/sources/|lib/gr_count|lib/gr_source
$(BIN)/.simweb-independent: $(BIN)/simweb $(BIN)/test_simweb
	$(Q)if grep -lE '$(SIMWEB_FORBIDDEN)' $(SIMWEB_OBJS:.o=.d) $(BUILD)/simweb/test_simweb.d; then \
	  echo "simweb: the files above include lib/sources/ or the count normaliser (see simweb/README.md)"; exit 1; fi
	$(Q)if nm $(BIN)/simweb | grep -E ' [TDRB] (gr_count_|gr_source_|gr__|gr_sources)'; then \
	  echo "simweb: bin/simweb links the symbols above of lib/sources/ or lib/gr_count (see simweb/README.md)"; exit 1; fi
	@touch $@
TEST_PROGRAMS += $(BIN)/.simweb-independent
