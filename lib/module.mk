# lib/ unit tests: tests/unit/test_<module>.c, each a cmocka program linked with libgovreach.a.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
$(foreach t,$(UNIT_SRCS),$(eval $(call link-program,$(notdir $(t:.c=)),$(BUILD)/$(t:.c=.o),-lcmocka)))
