# bin/crawler: the crawl stage (issue 4). main.c is thin; the engine and its
# parts link without it.
CRAWLER_OBJS := $(addprefix $(BUILD)/crawler/,crawler.o crawler_settings.o crawler_polite.o crawler_loop.o \
                crawler_sched.o crawler_outcome.o crawler_discover.o crawler_warcrec.o crawler_signal.o \
                crawler_fetch.o crawler_robots.o crawler_frontier.o \
                crawler_memq.o)
$(eval $(call link-program,crawler,$(BUILD)/crawler/main.o $(CRAWLER_OBJS)))

# bin/test_crawler_engine: unit tests of the engine's parts, linked from its
# objects without main.c (tests/unit/crawler/).
$(eval $(call link-program,test_crawler_engine,$(BUILD)/tests/unit/crawler/test_crawler_engine.o $(CRAWLER_OBJS),-lcmocka))
$(BUILD)/tests/unit/crawler/%.o: CFLAGS_ALL += -Icrawler
