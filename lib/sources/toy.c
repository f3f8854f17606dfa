/* The toy store (toy.example): a site that exists only in the tests. It is
 * the proof that adding a site is one file (this one) and one entry in the
 * registry (GR_TEST_SOURCES in lib/gr_source.c): its URL and page kind, its
 * seeds (store listings by their own URL), its hosts and its extractor are
 * all here. Compiled only into the toy programs (crawler/module.mk,
 * -DGR_TOY_SOURCE); tests/integration/toy_source.sh crawls it over loopback
 * HTTP, parses it and loads its rows. A listing page:
 *   <h1 id="app" data-pkg="org.toy.bus">Toy Bus</h1><b class="dl">下载：12万次</b> */
#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://toy\\.example/app/\\d+\\.html(?:[?#]|$)", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("/app/(\\d+)\\.html", 0);
static struct gr__re re_count = GR__RE("<b\\s+class=\"dl\"\\s*>([^<]*)</b>", 0);
static struct gr__re re_name = GR__RE("<h1\\s+id=\"app\"[^>]*>([^<]*)</h1>", 0);
static struct gr__re re_pkg = GR__RE("data-pkg=\"([^\"]+)\"", 0);
static struct gr_xpath xp_count = GR_XPATH("(//b[@class='dl'])[1]");
static struct gr_xpath xp_name = GR_XPATH("(//h1[@id='app'])[1]");
static struct gr_xpath xp_pkg = GR_XPATH("(//h1[@id='app']/@data-pkg)[1]");

static const struct gr__store_spec spec = {
    .store = "toy", .url_id = &re_id, .id_is_package = false,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = &re_pkg,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = &xp_pkg,
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "toy.example", NULL };

const struct gr_source gr_source_toy = {
    .name = "toy", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
