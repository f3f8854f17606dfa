# simweb/: the simulated web, bin/simweb (libmicrohttpd; see simweb/README.md),
# and bin/test_simweb, the cmocka unit tests of its pure parts (run by tests/run unit).
# Only these two programs link libmicrohttpd.
SIMWEB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out simweb/test_%.c,$(wildcard simweb/*.c)))
SIMWEB_LIB_OBJS := $(filter-out $(BUILD)/simweb/main.o,$(SIMWEB_OBJS))
SIMWEB_MHD := $(shell pkg-config --libs libmicrohttpd)
$(eval $(call link-program,simweb,$(SIMWEB_OBJS),$(SIMWEB_MHD)))
$(eval $(call link-program,test_simweb,$(BUILD)/simweb/test_simweb.o $(SIMWEB_LIB_OBJS),-lcmocka $(SIMWEB_MHD)))
