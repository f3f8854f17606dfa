# bin/crawler: the crawl stage (issue 4). main.c is thin; the engine and its
# parts link without it.
CRAWLER_OBJS := $(addprefix $(BUILD)/crawler/,crawler.o crawler_fetch.o crawler_robots.o crawler_frontier.o \
                crawler_memq.o)
$(eval $(call link-program,crawler,$(BUILD)/crawler/main.o $(CRAWLER_OBJS)))
