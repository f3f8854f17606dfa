/* 百度手机助手 (shouji.baidu.com): span.download-num "下载次数: 6.9亿" (ASCII
 * colon), package in data_package. Shapes: research/sources.md section 6. */
#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://shouji\\.baidu\\.com/(?:software|game)/\\d+\\.html", "app_listing", NULL },
    { "^https?://shouji\\.baidu\\.com/soft/item\\?(?:[^#]*&)?docid=\\d+", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("(?|/(?:software|game)/(\\d+)\\.html|[?&]docid=(\\d+))", 0);
static struct gr__re re_count =
    GR__RE("<span\\s+class=\"[^\"]*\\bdownload-num\\b[^\"]*\"\\s*>([^<]*)</span>", 0);
static struct gr__re re_name = GR__RE("<h1[^>]*class=\"[^\"]*\\bapp-name\\b[^\"]*\"[^>]*>\\s*(?:<span[^>]*>)?([^<]*)<", 0);
static struct gr__re re_pkg = GR__RE("data_package=\"([^\"]+)\"", 0);
static struct gr_xpath xp_count =
    GR_XPATH("(//span[contains(concat(' ',normalize-space(@class),' '),' download-num ')]"
             "|//*[contains(concat(' ',normalize-space(@class),' '),' params-download-num ')])[1]");
static struct gr_xpath xp_name =
    GR_XPATH("(//h1[contains(concat(' ',normalize-space(@class),' '),' app-name ')])[1]");
static struct gr_xpath xp_pkg = GR_XPATH("(//@data_package)[1]");

static const struct gr__store_spec spec = {
    .store = "baidu", .url_id = &re_id, .id_is_package = false,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = &re_pkg,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = &xp_pkg,
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "shouji.baidu.com", NULL };

const struct gr_source gr_source_baidu = {
    .name = "baidu", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
