/* 360手机助手 (zhushou.360.cn): detail page, first span.s-3 "下载：7001万次",
 * package in the inline 'pname'. Shapes: research/sources.md section 3. */
#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://zhushou\\.360\\.cn/detail/index/soft_id/\\d+", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("/soft_id/(\\d+)", 0);
static struct gr__re re_count = GR__RE("<span\\s+class=\"\\s*s-3\\s*\"\\s*>(\\s*下载[^<]*)</span>", 0);
static struct gr__re re_name = GR__RE("id=\"app-name\"[^>]*>\\s*<span[^>]*\\stitle=\"([^\"]*)\"", 0);
static struct gr__re re_pkg = GR__RE("['\"]pname['\"]\\s*:\\s*[\"']([^\"']+)[\"']", 0);
static struct gr_xpath xp_count =
    GR_XPATH("(//span[contains(concat(' ',normalize-space(@class),' '),' s-3 ')][contains(.,'下载')])[1]");
static struct gr_xpath xp_name = GR_XPATH("(//*[@id='app-name']/span/@title)[1]");

static const struct gr__store_spec spec = {
    .store = "360", .url_id = &re_id, .id_is_package = false,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = &re_pkg,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = NULL,
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "zhushou.360.cn", NULL };

const struct gr_source gr_source_360 = {
    .name = "360", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
