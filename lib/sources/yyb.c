/* 应用宝 (sj.qq.com / android.myapp.com): detail page div.det-ins-num
 * "8.3亿下载", name div.det-name-int; or the JSON of the app endpoints
 * (appDownCount, an integer). Shapes: research/sources.md section 5. */
#include <stdio.h>
#include <string.h>

#include "gr_dom.h"
#include "gr_source_impl.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://(?:sj\\.qq\\.com|android\\.myapp\\.com)/myapp/[A-Za-z/]*\\.htm\\?(?:[^#]*&)?(?:apkName|pkgName|kw)=[^&#]+",
      "app_listing", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_id = GR__RE("[?&](?:apkName|pkgName|kw)=([^&#]+)", 0);
static struct gr__re re_count =
    GR__RE("<div\\s+class=\"[^\"]*\\bdet-ins-num\\b[^\"]*\"\\s*>([^<]*)</div>", 0);
static struct gr__re re_name =
    GR__RE("<div\\s+class=\"[^\"]*\\bdet-name-int\\b[^\"]*\"\\s*>([^<]*)</div>", 0);
static struct gr_xpath xp_count =
    GR_XPATH("(//div[contains(concat(' ',normalize-space(@class),' '),' det-ins-num ')])[1]");
static struct gr_xpath xp_name =
    GR_XPATH("(//div[contains(concat(' ',normalize-space(@class),' '),' det-name-int ')])[1]");

static const struct gr__store_spec spec = {
    .store = "yyb", .url_id = &re_id, .id_is_package = true,
    .fast_count = &re_count, .fast_name = &re_name, .pkg = NULL,
    .dom_count = &xp_count, .dom_name = &xp_name, .dom_pkg = NULL,
};

/* Finds the object describing pkg (pkgName equal, or the only one with an
 * appDownCount) anywhere in the JSON, depth-bounded. */
static json_t *find_app(json_t *j, const char *pkg, int depth, json_t **any, int *nany)
{
    if (depth > 16 || !j)
        return NULL;
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        if (json_object_get(j, "appDownCount")) {
            const char *p = gr__json_str(j, "pkgName");
            if (p && strcmp(p, pkg) == 0)
                return j;
            *any = j;
            (*nany)++;
        }
        json_object_foreach(j, k, v) {
            json_t *r = find_app(v, pkg, depth + 1, any, nany);
            if (r)
                return r;
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            json_t *r = find_app(v, pkg, depth + 1, any, nany);
            if (r)
                return r;
        }
    }
    return NULL;
}

static enum gr_rc extract_json(const struct gr_doc *doc, struct gr_rows *out, char *reason, size_t rlen)
{
    struct gr_buf id;
    json_t *root, *app, *any = NULL;
    int nany = 0;
    int64_t dl;
    char num[32];
    const char *status = gr__page_status(doc);
    enum gr_rc rc;

    gr_buf_init(&id, 4096);
    if (!gr__query_param(doc->page->url, "apkName", &id) && !gr__query_param(doc->page->url, "pkgName", &id) &&
        !gr__query_param(doc->page->url, "kw", &id)) {
        gr_buf_free(&id);
        snprintf(reason, rlen, "yyb: no package in the URL");
        return GR_EDATA;
    }
    root = gr__json_parse(doc->text, doc->len, reason, rlen);
    if (!root) {
        gr_buf_free(&id);
        return GR_EDATA;
    }
    app = find_app(root, id.data, 0, &any, &nany);
    if (!app && nany == 1)
        app = any;
    if (!app && strcmp(status, GR_ST_OK) == 0) {
        json_decref(root);
        gr_buf_free(&id);
        snprintf(reason, rlen, "yyb: the JSON lists no app %s", id.data);
        return GR_EDATA;
    }
    num[0] = '\0';
    if (app && gr__json_i64(app, "appDownCount", &dl) && dl >= 0)
        snprintf(num, sizeof num, "%lld", (long long)dl);
    rc = gr__store_row(doc, out, "yyb", id.data, id.data, app ? gr__json_str(app, "appName") : NULL,
                       num[0] ? num : NULL, false, 0, false, 0, status);
    json_decref(root);
    gr_buf_free(&id);
    return rc;
}

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    size_t i = 0;

    while (i < doc->len && (doc->text[i] == ' ' || doc->text[i] == '\n' || doc->text[i] == '\r' || doc->text[i] == '\t'))
        i++;
    if (i < doc->len && (doc->text[i] == '{' || doc->text[i] == '[')) {
        *decided = true;
        return extract_json(doc, out, reason, rlen);
    }
    return gr__store_extract(&spec, doc, path, out, decided, reason, rlen);
}

static const char *const hosts[] = { "sj.qq.com", "android.myapp.com", NULL };

const struct gr_source gr_source_yyb = {
    .name = "yyb", .patterns = patterns, .kinds = gr__store_kinds, .seed = gr__store_seed, .hosts = hosts, .discover = NULL, .extract = extract,
};
