LOADER_OBJS := $(BUILD)/loader/loader_migrate.o $(BUILD)/loader/loader_load.o $(BUILD)/loader/loader_targets.o \
               $(BUILD)/loader/loader_roles.o $(BUILD)/loader/loader_divisions.o \
               $(BUILD)/loader/loader_candidates.o $(BUILD)/loader/loader_queries.o
$(eval $(call link-program,loader,$(BUILD)/loader/main.o $(LOADER_OBJS)))
