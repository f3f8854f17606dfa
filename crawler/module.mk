# bin/crawler: the crawl stage (issue 4). main.c is thin; the engine and its
# parts link without it.
CRAWLER_OBJS := $(addprefix $(BUILD)/crawler/,crawler.o crawler_settings.o crawler_polite.o crawler_loop.o \
                crawler_sched.o crawler_outcome.o crawler_discover.o crawler_warcrec.o crawler_signal.o \
                crawler_fetch.o crawler_robots.o crawler_frontier.o \
                crawler_memq.o)
$(eval $(call link-program,crawler,$(BUILD)/crawler/main.o $(CRAWLER_OBJS)))
