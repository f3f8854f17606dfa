# bin/govreach: the nightly driver and the HTML report (report*.c, linkable by tests).
REPORT_OBJS := $(BUILD)/nightly/report.o $(BUILD)/nightly/report_data.o $(BUILD)/nightly/report_html.o \
               $(BUILD)/nightly/report_csv.o
$(eval $(call link-program,govreach,$(BUILD)/nightly/main.o $(BUILD)/nightly/nightly.o $(REPORT_OBJS)))
