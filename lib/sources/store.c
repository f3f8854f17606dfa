/* The listing-page extractor shared by the app store modules (360, 91, 应用宝,
 * 百度, 豌豆荚): each of those files is a table (struct gr__store_spec) of
 * where its fields sit; this file reads them on the fast path (PCRE2 over the
 * raw page, answering only when every field has exactly one match) or the
 * DOM path (libxml2 + XPath). */
#include <stdio.h>
#include <string.h>

#include "gr_count.h"
#include "gr_dom.h"
#include "gr_source_impl.h"

#define STORE_TEXT_MAX (1u << 20)

/* Every store's one page kind: the listing, fetched again daily. */
const struct gr_kind gr__store_kinds[] = {
    { "app_listing", "86400", false, "store listing recrawl interval" },
    { NULL, NULL, false, NULL },
};

static const char *const verification_markers[] = {
    "访问过于频繁", "环境异常", "完成验证", "请输入验证码", "antispider", "/mp/verifycode", NULL,
};
static const char *const deleted_markers[] = {
    "该内容已被发布者删除", "此内容因违规无法查看", "此内容被投诉且经审核涉嫌侵权", "此内容被多人投诉",
    "此内容因违规已删除", "应用已下架", "该应用已下架", "该应用不存在", NULL,
};
static const char *const blocked_markers[] = {
    "此帐号已被屏蔽", "该公众号已迁移", "此帐号已自主注销", "此帐号处于帐号迁移流程中",
    "此帐号被投诉且经审核涉嫌侵权", NULL,
};
static const char *const expired_markers[] = { "链接已过期", NULL };

static bool has_any(const char *s, size_t n, const char *const *m)
{
    for (; *m; m++) {
        if (memmem(s, n, *m, strlen(*m)))
            return true;
    }
    return false;
}

const char *gr__page_status(const struct gr_doc *doc)
{
    int st = doc->page->status;

    if (st == 404 || st == 410)
        return GR_ST_NOT_FOUND;
    if (has_any(doc->text, doc->len, verification_markers))
        return GR_ST_VERIFICATION;
    if (st == 429)
        return GR_ST_VERIFICATION;
    if (has_any(doc->text, doc->len, blocked_markers))
        return GR_ST_BLOCKED;
    if (has_any(doc->text, doc->len, deleted_markers))
        return GR_ST_DELETED;
    if (has_any(doc->text, doc->len, expired_markers))
        return GR_ST_EXPIRED;
    if (st >= 400 || (st > 0 && st < 200))
        return GR_ST_ERROR;
    return GR_ST_OK;
}

enum gr_rc gr__store_row(const struct gr_doc *doc, struct gr_rows *out, const char *store, const char *listing_id,
                         const char *package, const char *name, const char *count_text, bool have_rating,
                         int64_t rating_count, bool have_avg, double rating_avg, const char *status)
{
    struct gr_row r;
    struct gr_count c;
    bool ok = strcmp(status, GR_ST_OK) == 0;
    bool parsed = ok && count_text && gr_count_parse(count_text, strlen(count_text), &c) == GR_OK;
    char avg[32];

    gr_row_begin(&r, out, GR_REC_APP_LISTING);
    gr_row_str(&r, store);
    gr_row_str(&r, listing_id);
    gr_row_str(&r, package && *package ? package : NULL);
    gr_row_str(&r, name && *name ? name : NULL);
    if (parsed) {
        gr_row_i64(&r, c.value);
        gr_row_bool(&r, c.capped);
        gr_row_text(&r, count_text + c.raw_off, c.raw_len);
    } else {
        gr_row_null(&r);
        gr_row_bool(&r, false);
        gr_row_str(&r, ok && count_text && *count_text ? count_text : NULL);
    }
    if (ok && have_rating && rating_count >= 0)
        gr_row_i64(&r, rating_count);
    else
        gr_row_null(&r);
    if (ok && have_avg && rating_avg >= 0 && rating_avg < 100) {
        snprintf(avg, sizeof avg, "%.2f", rating_avg);
        gr_row_str(&r, avg);
    } else {
        gr_row_null(&r);
    }
    gr_row_str(&r, status);
    return gr_row_end(&r, doc->page);
}

/* Group 1 of re over s, unescaped and normalised, into out; the number of
 * matches (stops counting at 2). */
static int fast_field(struct gr__re *re, const char *s, size_t n, struct gr_buf *out)
{
    size_t ov[4];
    int c;

    gr_buf_reset(out);
    c = gr__re_count(re, s, n, 1);
    if (c != 1)
        return c;
    if (gr__re_match(re, s, n, 0, ov, 2) <= 0 || ov[2] == SIZE_MAX)
        return -1;
    if (gr__html_unescape(s + ov[2], ov[3] - ov[2], out))
        return -1;
    out->len = gr__normalize_space(out->data ? out->data : (char *)"", out->len);
    return 1;
}

static bool url_id(const struct gr__store_spec *spec, const char *url, struct gr_buf *out)
{
    size_t ov[4];

    gr_buf_reset(out);
    if (gr__re_match(spec->url_id, url, strlen(url), 0, ov, 2) <= 0 || ov[2] == SIZE_MAX)
        return false;
    return gr_buf_append(out, url + ov[2], ov[3] - ov[2]) == GR_OK && out->len > 0;
}

enum gr_rc gr__store_extract(const struct gr__store_spec *spec, const struct gr_doc *doc,
                             enum gr_extract_path path, struct gr_rows *out, bool *decided, char *reason,
                             size_t reason_len)
{
    struct gr_buf id, count, name, pkg, scripts;
    struct gr_dom *dom = NULL;
    const char *status = gr__page_status(doc);
    bool have_count = false, have_name = false, have_pkg = false;
    enum gr_rc rc = GR_OK;

    gr_buf_init(&id, 4096);
    gr_buf_init(&count, STORE_TEXT_MAX);
    gr_buf_init(&name, STORE_TEXT_MAX);
    gr_buf_init(&pkg, 4096);
    gr_buf_init(&scripts, 64u << 20);
    *decided = true;
    if (!url_id(spec, doc->page->url, &id)) {
        snprintf(reason, reason_len, "%s: no listing id in the URL", spec->store);
        rc = GR_EDATA;
        goto out;
    }
    if (strcmp(status, GR_ST_OK) != 0)
        goto emit;   /* non-ok pages carry no counts */
    if (path == GR_PATH_FAST) {
        if (fast_field(spec->fast_count, doc->text, doc->len, &count) != 1) {
            *decided = false;
            goto out;
        }
        have_count = true;
        if (spec->fast_name) {
            if (fast_field(spec->fast_name, doc->text, doc->len, &name) != 1) {
                *decided = false;
                goto out;
            }
            have_name = true;
        }
        if (spec->pkg && !spec->id_is_package) {
            int c = fast_field(spec->pkg, doc->text, doc->len, &pkg);
            if (c != 1) {
                *decided = false;
                goto out;
            }
            have_pkg = true;
        }
    } else {
        int c;
        dom = gr_dom_parse(doc->text, doc->len);
        if (!dom) {
            snprintf(reason, reason_len, "%s: the page is not HTML libxml2 can read", spec->store);
            rc = GR_EDATA;
            goto out;
        }
        c = gr_dom_text(dom, spec->dom_count, &count);
        have_count = c > 0;
        if (spec->dom_name && gr_dom_text(dom, spec->dom_name, &name) > 0 && name.len)
            have_name = true;
        if (spec->dom_pkg && gr_dom_text(dom, spec->dom_pkg, &pkg) > 0 && pkg.len)
            have_pkg = true;
        if (!have_pkg && spec->pkg && !spec->id_is_package) {
            size_t ov[4];
            if (!gr_dom_scripts(dom, &scripts) &&
                gr__re_match(spec->pkg, scripts.data ? scripts.data : "", scripts.len, 0, ov, 2) > 0 &&
                ov[2] != SIZE_MAX) {
                gr_buf_reset(&pkg);
                gr__html_unescape(scripts.data + ov[2], ov[3] - ov[2], &pkg);
                pkg.len = gr__normalize_space(pkg.data ? pkg.data : (char *)"", pkg.len);
                have_pkg = pkg.len > 0;
            }
        }
        if (!have_count && !have_name) {
            snprintf(reason, reason_len, "%s: no listing data on the page (no count, no name)", spec->store);
            rc = GR_EDATA;
            goto out;
        }
    }
emit:
    if (spec->id_is_package && strcmp(status, GR_ST_OK) == 0) {
        gr_buf_reset(&pkg);
        gr_buf_append(&pkg, id.data, id.len);
        have_pkg = true;
    }
    rc = gr__store_row(doc, out, spec->store, id.data, have_pkg ? pkg.data : NULL,
                       have_name ? name.data : NULL, have_count ? count.data : NULL, false, 0, false, 0, status);
out:
    gr_dom_free(dom);
    gr_buf_free(&id);
    gr_buf_free(&count);
    gr_buf_free(&name);
    gr_buf_free(&pkg);
    gr_buf_free(&scripts);
    return rc;
}
