# scorer/: bin/scorer. The stage's logic (everything but main.c) is also linked
# into the scorer unit tests (tests/unit/test_scorer*.c).
SCORER_LIB_OBJS := $(BUILD)/scorer/method.o $(BUILD)/scorer/run.o $(BUILD)/scorer/compare.o \
                   $(BUILD)/scorer/check.o $(BUILD)/scorer/pending.o \
                   $(BUILD)/scorer/reproduce.o
$(eval $(call link-program,scorer,$(BUILD)/scorer/main.o $(SCORER_LIB_OBJS)))

# The unit tests are declared by lib/module.mk with only libgovreach.a; add the
# scorer's objects to their link line.
SCORER_UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/%,$(wildcard tests/unit/test_scorer*.c))
$(SCORER_UNIT_TESTS): $(SCORER_LIB_OBJS)
$(SCORER_UNIT_TESTS): LDFLAGS_ALL += $(SCORER_LIB_OBJS)
$(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,$(wildcard tests/unit/test_scorer*.c)): CFLAGS_ALL += -Iscorer
