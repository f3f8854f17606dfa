# bin/govreach: the nightly driver and the HTML report (report*.c, linkable by tests).
REPORT_OBJS := $(BUILD)/nightly/report.o $(BUILD)/nightly/report_data.o $(BUILD)/nightly/report_html.o \
               $(BUILD)/nightly/report_csv.o
$(eval $(call link-program,govreach,$(BUILD)/nightly/main.o $(BUILD)/nightly/nightly.o $(REPORT_OBJS)))

# The unit tests of the report (tests/unit/test_report*.c) link its objects.
REPORT_UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/%,$(wildcard tests/unit/test_report*.c))
$(REPORT_UNIT_TESTS): $(REPORT_OBJS)
$(REPORT_UNIT_TESTS): LDFLAGS_ALL += $(REPORT_OBJS)
$(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,$(wildcard tests/unit/test_report*.c)): CFLAGS_ALL += -Inightly
