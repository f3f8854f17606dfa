# tests/simweb/: the simulated web, bin/simweb (libmicrohttpd; see tests/simweb/README.md),
# and bin/test_simweb, the cmocka unit tests of its pure parts (run by tests/run unit).
# Only these two programs link libmicrohttpd.
SIMWEB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out tests/simweb/test_%.c,$(wildcard tests/simweb/*.c)))
SIMWEB_LIB_OBJS := $(filter-out $(BUILD)/tests/simweb/main.o,$(SIMWEB_OBJS))
SIMWEB_MHD := $(shell pkg-config --libs libmicrohttpd)
$(eval $(call link-program,simweb,$(SIMWEB_OBJS),$(SIMWEB_MHD)))
$(eval $(call link-program,test_simweb,$(BUILD)/tests/simweb/test_simweb.o $(SIMWEB_LIB_OBJS),-lcmocka $(SIMWEB_MHD)))
