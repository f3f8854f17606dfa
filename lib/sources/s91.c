/* 91助手 (apk.91.com): ul.s_info li "下载次数：25380万"; the package is in the
 * URL. Shapes: research/sources.md section 4. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://apk\\.91\\.com/soft/android/[A-Za-z0-9._]+-\\d+", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("/Soft/Android/([A-Za-z0-9_.]+?)-\\d+", PCRE2_CASELESS);
static struct gr__re re_count = GR__RE("<li[^>]*>(\\s*下载次数\\s*[：:][^<]*)</li>", 0);
static struct gr__re re_name = GR__RE("<h1[^>]*>([^<]*)</h1>", 0);
static struct gr_xpath xp_count =
    GR_XPATH("(//ul[contains(concat(' ',normalize-space(@class),' '),' s_info ')]/li[starts-with(normalize-space(.),'下载次数')])[1]");
static struct gr_xpath xp_name = GR_XPATH("(//h1)[1]");

static const struct gr__store_spec spec = {
    .store = "91", .url_id = &re_id, .id_is_package = true,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = NULL,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = NULL,
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "apk.91.com", NULL };

const struct gr_source gr_source_91 = {
    .name = "91", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
