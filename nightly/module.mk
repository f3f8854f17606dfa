$(eval $(call link-program,govreach,$(BUILD)/nightly/main.o $(BUILD)/nightly/nightly.o))
