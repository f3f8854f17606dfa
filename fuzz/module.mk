# libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined), kept out of
# `all`. `make fuzz` builds them in build-fuzz/ and bin-fuzz/ and runs each for
# FUZZ_SECONDS (default 30) from a seed corpus of the fixture pages; a finding
# fails the target and leaves the crashing input in build-fuzz/findings/.
FUZZ_NAMES   := fuzz_count fuzz_http fuzz_warc fuzz_extract
FUZZ_SECONDS ?= 30

ifeq ($(GR_FUZZ_BUILD),1)
$(BIN)/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(LIBGR)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LINK    $@")
	$(Q)$(CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(LIBGR) $(LIBS_ALL)
fuzz-bins: $(addprefix $(BIN)/,$(FUZZ_NAMES))
.PHONY: fuzz-bins
.SECONDARY: $(FUZZ_NAMES:%=$(BUILD)/fuzz/%.o)
endif

fuzz:
	$(MAKE) GR_FUZZ_BUILD=1 CC=clang BUILD=build-fuzz BIN=bin-fuzz OPT='-O1 -g -fno-omit-frame-pointer' \
	  SAN='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined' fuzz-bins
	$(Q)fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)
