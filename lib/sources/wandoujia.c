/* 豌豆荚 (www.wandoujia.com/apps/<pkg>): i[itemprop=interactionCount] text;
 * name in body/@data-title. Shapes: research/sources.md section 7. */
#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://www\\.wandoujia\\.com/apps/[^/?#]+/?(?:[?#]|$)", "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("/apps/([^/?#]+)", 0);
static struct gr__re re_count = GR__RE("<i[^>]*\\sitemprop=\"interactionCount\"[^>]*>([^<]*)</i>", 0);
static struct gr__re re_name = GR__RE("<body[^>]*\\sdata-title=\"([^\"]*)\"", 0);
static struct gr_xpath xp_count =
    GR_XPATH("(//i[@itemprop='interactionCount']"
             "|//div[contains(concat(' ',normalize-space(@class),' '),' num-list ')]/span[contains(concat(' ',normalize-space(@class),' '),' item ')][1]/i)[1]");
static struct gr_xpath xp_name = GR_XPATH("(/html/body/@data-title)[1]");

static const struct gr__store_spec spec = {
    .store = "wandoujia", .url_id = &re_id, .id_is_package = true,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = NULL,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = NULL,
};

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "www.wandoujia.com", NULL };

const struct gr_source gr_source_wandoujia = {
    .name = "wandoujia", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
