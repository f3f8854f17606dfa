/* WeChat public accounts (mp.weixin.qq.com): history pages (profile_ext
 * home HTML and getmsg JSON), article pages, and the getappmsgext stats JSON.
 * Shapes: research/sources.md section 1. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_count.h"
#include "gr_dom.h"
#include "gr_source_impl.h"
#include "gr_util.h"

#define WX_HOST "mp.weixin.qq.com"
#define WX_BUFMAX (64u << 20)

static const struct gr_url_pattern wechat_patterns[] = {
    { "^https?://mp\\.weixin\\.qq\\.com/mp/getappmsgext(?:[?#]|$)", "wechat_stats", NULL },
    { "^https?://mp\\.weixin\\.qq\\.com/mp/profile_ext\\?(?:[^#]*&)?action=home(?:[&#]|$)", "wechat_home", NULL },
    { "^https?://mp\\.weixin\\.qq\\.com/mp/profile_ext\\?(?:[^#]*&)?action=getmsg(?:[&#]|$)", "wechat_getmsg", NULL },
    { "^https?://mp\\.weixin\\.qq\\.com/s(?:\\?|/[A-Za-z0-9_-]+(?:[?#]|$))", "wechat_article", NULL },
    { NULL, NULL, NULL },
};

/* ---- identity and JS variables ----------------------------------------------- */

/* The JS variables of an article page that carry data. */
enum jsvar { JV_BIZ, JV_MID, JV_IDX, JV_SN, JV_APPMSGID, JV_CT, JV_NICKNAME, JV_MSG_TITLE, JV_COUNT };
static const char *const jsvar_names[JV_COUNT] = {
    "biz", "mid", "idx", "sn", "appmsgid", "ct", "nickname", "msg_title",
};

/* The right-hand side runs to the first ';' or newline outside a string
 * literal ("&quot;" inside a literal has a ';'). */
static struct gr__re re_jsvar = GR__RE(
    "var\\s+(biz|mid|idx|sn|appmsgid|ct|nickname|msg_title)\\s*=\\s*"
    "((?:\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'|[^;\\n\"'])+)", 0);
static struct gr__re re_literal = GR__RE("\"((?:[^\"\\\\\\n]|\\\\.)*)\"|'((?:[^'\\\\\\n]|\\\\.)*)'", 0);

/* Decodes JS string escapes (\\n \\" \\/ \\xHH \\uHHHH ...) of s[0..n) into out. */
static enum gr_rc js_unescape(const char *s, size_t n, struct gr_buf *out)
{
    enum gr_rc rc = GR_OK;

    for (size_t i = 0; i < n && !rc; i++) {
        unsigned long cp;
        int digits;
        if (s[i] != '\\' || i + 1 >= n) {
            rc = gr_buf_appendc(out, s[i]);
            continue;
        }
        i++;
        switch (s[i]) {
        case 'n': rc = gr_buf_appendc(out, '\n'); continue;
        case 't': rc = gr_buf_appendc(out, '\t'); continue;
        case 'r': rc = gr_buf_appendc(out, '\r'); continue;
        case 'x': digits = 2; break;
        case 'u': digits = 4; break;
        default: rc = gr_buf_appendc(out, s[i]); continue;
        }
        cp = 0;
        if (i + (size_t)digits >= n) {
            rc = gr_buf_appendc(out, s[i]);
            continue;
        }
        for (int k = 1; k <= digits; k++) {
            char c = s[i + (size_t)k];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                digits = -1;
                break;
            }
            cp = cp * 16 + (unsigned)d;
        }
        if (digits < 0) {
            rc = gr_buf_appendc(out, s[i]);
            continue;
        }
        i += (size_t)digits;
        {
            char e[16];
            int l = snprintf(e, sizeof e, "&#%lu;", cp == 0 ? 0xFFFDul : cp);
            /* through the entity decoder, which writes UTF-8 and rejects surrogates */
            rc = gr__html_unescape(e, (size_t)l, out);
        }
    }
    return rc;
}

struct jsvars {
    struct gr_buf v[JV_COUNT];
    int seen[JV_COUNT];          /* occurrences */
    bool conflict[JV_COUNT];     /* occurrences with different values */
};

static void jsvars_init(struct jsvars *j)
{
    for (int i = 0; i < JV_COUNT; i++) {
        gr_buf_init(&j->v[i], 1u << 20);
        j->seen[i] = 0;
        j->conflict[i] = false;
    }
}

static void jsvars_free(struct jsvars *j)
{
    for (int i = 0; i < JV_COUNT; i++)
        gr_buf_free(&j->v[i]);
}

/* The first non-empty quoted literal of a JS right-hand side, HTML-unescaped
 * (the page's String.prototype.html decodes entities the same way). */
static enum gr_rc first_literal(const char *rhs, size_t n, struct gr_buf *out)
{
    size_t ov[6], pos = 0;

    gr_buf_reset(out);
    for (;;) {
        int r = gr__re_match(&re_literal, rhs, n, pos, ov, 3);
        if (r <= 0)
            return GR_OK;
        for (int g = 1; g <= 2; g++) {
            if (ov[2 * g] != SIZE_MAX && ov[2 * g + 1] > ov[2 * g]) {
                struct gr_buf js;
                enum gr_rc rc;
                gr_buf_init(&js, 1u << 20);
                rc = js_unescape(rhs + ov[2 * g], ov[2 * g + 1] - ov[2 * g], &js);
                if (!rc)
                    rc = gr__html_unescape(js.data ? js.data : "", js.len, out);
                gr_buf_free(&js);
                return rc;
            }
        }
        pos = ov[1];
    }
}

/* Scans text (the whole page, or one script's text) for the variables. */
static enum gr_rc jsvars_scan(struct jsvars *j, const char *s, size_t n)
{
    size_t ov[6], pos = 0;
    struct gr_buf tmp;
    enum gr_rc rc = GR_OK;

    gr_buf_init(&tmp, 1u << 20);
    for (;;) {
        int r = gr__re_match(&re_jsvar, s, n, pos, ov, 3);
        int which = -1;
        if (r <= 0)
            break;
        for (int i = 0; i < JV_COUNT; i++) {
            if (strlen(jsvar_names[i]) == ov[3] - ov[2] && memcmp(s + ov[2], jsvar_names[i], ov[3] - ov[2]) == 0)
                which = i;
        }
        pos = ov[1];
        if (which < 0)
            continue;
        rc = first_literal(s + ov[4], ov[5] - ov[4], &tmp);
        if (rc)
            goto out;
        if (j->seen[which] == 0) {
            rc = gr_buf_append(&j->v[which], tmp.data ? tmp.data : "", tmp.len);
            if (rc)
                goto out;
        } else if (tmp.len != j->v[which].len || (tmp.len && memcmp(tmp.data, j->v[which].data, tmp.len) != 0)) {
            j->conflict[which] = true;
        }
        j->seen[which]++;
    }
out:
    gr_buf_free(&tmp);
    return rc;
}

static const char *jv(const struct jsvars *j, enum jsvar v)
{
    return j->seen[v] && j->v[v].len ? j->v[v].data : NULL;
}

/* Form/query identity of an article: __biz, mid, idx, sn. */
struct ident {
    struct gr_buf biz, sn;
    int64_t mid, idx;
    bool has_mid, has_idx;
};

static void ident_init(struct ident *id)
{
    gr_buf_init(&id->biz, 4096);
    gr_buf_init(&id->sn, 4096);
    id->mid = id->idx = 0;
    id->has_mid = id->has_idx = false;
}

static void ident_free(struct ident *id)
{
    gr_buf_free(&id->biz);
    gr_buf_free(&id->sn);
}

static bool ident_ok(const struct ident *id) { return id->biz.len > 0 && id->has_mid && id->has_idx; }

/* Reads the identity from a query string ("?a=b&c=d" or a URL). */
static void ident_from_query(struct ident *id, const char *q)
{
    struct gr_buf t;

    gr_buf_init(&t, 4096);
    if (!id->biz.len)
        gr__query_param(q, "__biz", &id->biz);
    if (!id->has_mid) {
        if ((gr__query_param(q, "mid", &t) || gr__query_param(q, "appmsgid", &t)) && t.len)
            id->has_mid = gr_parse_i64(t.data, &id->mid) && id->mid >= 0;
    }
    if (!id->has_idx) {
        if ((gr__query_param(q, "idx", &t) || gr__query_param(q, "itemidx", &t)) && t.len)
            id->has_idx = gr_parse_i64(t.data, &id->idx) && id->idx >= 0 && id->idx < 1000;
    }
    if (!id->sn.len) {
        gr__query_param(q, "sn", &id->sn);
        /* a trailing #rd or similar sometimes sticks to sn in copied links */
        if (id->sn.len && strchr(id->sn.data, '#'))
            id->sn.len = (size_t)(strchr(id->sn.data, '#') - id->sn.data), id->sn.data[id->sn.len] = '\0';
    }
    gr_buf_free(&t);
}

static void ident_from_body(struct ident *id, const char *body, size_t len)
{
    struct gr_buf q;

    if (!body || !len)
        return;
    gr_buf_init(&q, 1u << 20);
    if (!gr_buf_appendc(&q, '?') && !gr_buf_append(&q, body, len))
        ident_from_query(id, q.data);
    gr_buf_free(&q);
}

static void ident_from_jsvars(struct ident *id, const struct jsvars *j)
{
    const char *v;

    if (!id->biz.len && (v = jv(j, JV_BIZ)))
        gr_buf_appends(&id->biz, v);
    if (!id->has_mid && ((v = jv(j, JV_MID)) || (v = jv(j, JV_APPMSGID))))
        id->has_mid = gr_parse_i64(v, &id->mid) && id->mid >= 0;
    if (!id->has_idx && (v = jv(j, JV_IDX)))
        id->has_idx = gr_parse_i64(v, &id->idx) && id->idx >= 0 && id->idx < 1000;
    if (!id->sn.len && (v = jv(j, JV_SN)))
        gr_buf_appends(&id->sn, v);
}

/* ---- history: msgList / general_msg_list ------------------------------------- */

/* "http://mp.weixin.qq.com" or "https://..." from the page URL. */
static void origin_of(const char *url, struct gr_buf *out)
{
    const char *p = strstr(url, "://");
    const char *slash = p ? strchr(p + 3, '/') : NULL;

    gr_buf_reset(out);
    if (p && slash)
        gr_buf_append(out, url, (size_t)(slash - url));
    else
        gr_buf_appends(out, "http://" WX_HOST);
}

/* Turns a listed content_url into a fetchable URL: removes backslashes and
 * &amp; layers, drops the fragment, makes it absolute. */
static enum gr_rc clean_content_url(const char *raw, const char *origin, struct gr_buf *out)
{
    struct gr_buf a;
    enum gr_rc rc = GR_OK;
    size_t n = strlen(raw);

    gr_buf_reset(out);
    gr_buf_init(&a, 1u << 16);
    for (size_t i = 0; i < n && !rc; i++) {
        if (raw[i] == '\\')
            continue;
        if (raw[i] == '#')
            break;
        if (raw[i] == '&') {
            size_t k = i + 1;
            while (k + 4 <= n && memcmp(raw + k, "amp;", 4) == 0)
                k += 4;
            i = k - 1;
            rc = gr_buf_appendc(&a, '&');
            continue;
        }
        rc = gr_buf_appendc(&a, raw[i]);
    }
    if (rc || a.len == 0)
        goto out;
    if (a.len >= 2 && a.data[0] == '/' && a.data[1] == '/')
        rc = gr_buf_printf(out, "%s:%s", strncmp(origin, "https:", 6) == 0 ? "https" : "http", a.data);
    else if (a.data[0] == '/')
        rc = gr_buf_printf(out, "%s%s", origin, a.data);
    else if (strncmp(a.data, "http://" WX_HOST "/", sizeof "http://" WX_HOST) == 0 && strncmp(origin, "https:", 6) == 0)
        rc = gr_buf_printf(out, "https://%s", a.data + 7);   /* a page served over https links over https */
    else if (strncmp(a.data, "http://", 7) == 0 || strncmp(a.data, "https://", 8) == 0)
        rc = gr_buf_appends(out, a.data);
out:
    gr_buf_free(&a);
    return rc;
}

/* One listed article, passed to the visitor. */
struct hist_item {
    const char *content_url;     /* raw as listed */
    const char *title;
    int64_t datetime;
    bool has_datetime;
};

typedef enum gr_rc (*hist_visit_cb)(void *ctx, const struct hist_item *it);

/* Walks a history list object {"list":[{comm_msg_info, app_msg_ext_info}]}:
 * only type 49 items, the main article and its multi_app_msg_item_list. */
static enum gr_rc walk_list(json_t *root, hist_visit_cb cb, void *ctx, size_t *pushes)
{
    json_t *list = json_object_get(root, "list");
    size_t i;
    json_t *it;
    enum gr_rc rc = GR_OK;

    *pushes = 0;
    if (!json_is_array(list))
        return GR_EDATA;
    json_array_foreach(list, i, it) {
        json_t *cmi = json_object_get(it, "comm_msg_info");
        json_t *ext = json_object_get(it, "app_msg_ext_info");
        int64_t type = 0;
        struct hist_item h;
        json_t *multi, *m;
        size_t k;

        (*pushes)++;
        if (!gr__json_i64(cmi, "type", &type) || type != 49 || !json_is_object(ext))
            continue;
        h.has_datetime = gr__json_i64(cmi, "datetime", &h.datetime);
        if (!h.has_datetime)
            h.datetime = 0;
        h.content_url = gr__json_str(ext, "content_url");
        h.title = gr__json_str(ext, "title");
        if (h.content_url && *h.content_url && (rc = cb(ctx, &h)))
            return rc;
        multi = json_object_get(ext, "multi_app_msg_item_list");
        json_array_foreach(multi, k, m) {
            h.content_url = gr__json_str(m, "content_url");
            h.title = gr__json_str(m, "title");
            if (h.content_url && *h.content_url && (rc = cb(ctx, &h)))
                return rc;
        }
    }
    return GR_OK;
}

static struct gr__re re_msglist_q = GR__RE("msgList\\s*=\\s*'([^']*)'", 0);
static struct gr__re re_msglist_lit = GR__RE("msgList\\s*=\\s*(?=\\{)", 0);
static struct gr__re re_can_continue = GR__RE("can_msg_continue\\s*=\\s*['\"]?\\s*(\\d+)", 0);
static struct gr__re re_next_offset = GR__RE("next_offset\\s*=\\s*['\"]?\\s*(\\d+)", 0);

/* The msgList object of a home page; NULL with reason when absent or broken. */
static json_t *home_msglist(const char *s, size_t n, char *reason, size_t rlen)
{
    size_t ov[4];
    json_t *j = NULL;

    if (gr__re_match(&re_msglist_q, s, n, 0, ov, 2) > 0) {
        struct gr_buf u;
        gr_buf_init(&u, WX_BUFMAX);
        if (gr__html_unescape(s + ov[2], ov[3] - ov[2], &u) == GR_OK)
            j = gr__json_parse(u.data ? u.data : "", u.len, reason, rlen);
        gr_buf_free(&u);
    } else if (gr__re_match(&re_msglist_lit, s, n, 0, ov, 1) > 0) {
        json_error_t err;
        j = json_loadb(s + ov[1], n - ov[1], JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &err);
        gr__json_strip_nul(j, 0);
        if (!j)
            snprintf(reason, rlen, "msgList is not JSON: %s", err.text);
    } else {
        snprintf(reason, rlen, "no msgList on the history page");
    }
    return gr__json_object_of(j, "msgList", reason, rlen);
}

/* The inner list of a getmsg JSON: general_msg_list is a JSON string. */
static json_t *getmsg_list(json_t *root, char *reason, size_t rlen)
{
    json_t *g = json_object_get(root, "general_msg_list");
    json_t *j = NULL;

    if (json_is_string(g))
        j = gr__json_parse(json_string_value(g), json_string_length(g), reason, rlen);
    else if (json_is_object(g))
        j = json_incref(g);
    else
        snprintf(reason, rlen, "getmsg JSON without general_msg_list");
    return gr__json_object_of(j, "general_msg_list", reason, rlen);
}

/* ---- discover ---------------------------------------------------------------- */

struct disc_ctx {
    struct gr_links *out;
    struct gr_buf origin, url;
};

static enum gr_rc disc_item_cb(void *vctx, const struct hist_item *it)
{
    struct disc_ctx *c = vctx;
    enum gr_rc rc = clean_content_url(it->content_url, c->origin.data, &c->url);

    if (rc || c->url.len == 0)
        return rc;
    return gr_links_add(c->out, c->url.data, "GET", NULL, "wechat_article", it->has_datetime ? it->datetime : 0);
}

static enum gr_rc add_getmsg(const struct gr_page *page, const char *kind, int64_t offset, struct gr_links *out)
{
    struct gr_buf u, biz, o;
    char off[32];
    enum gr_rc rc = GR_OK;

    gr_buf_init(&u, 1u << 16);
    gr_buf_init(&biz, 4096);
    gr_buf_init(&o, 4096);
    snprintf(off, sizeof off, "%lld", (long long)offset);
    if (strcmp(kind, "wechat_getmsg") == 0) {
        rc = gr__url_set_param(page->url, "offset", off, &u);
    } else {
        if (!gr__query_param_raw(page->url, "__biz", &biz) || !biz.len)
            goto out;
        origin_of(page->url, &o);
        rc = gr_buf_printf(&u, "%s/mp/profile_ext?action=getmsg&__biz=%s&f=json&offset=%s&count=10&is_ok=1&scene=124",
                           o.data, biz.data, off);
    }
    if (!rc)
        rc = gr_links_add(out, u.data, "GET", NULL, "wechat_getmsg", 0);
out:
    gr_buf_free(&u);
    gr_buf_free(&biz);
    gr_buf_free(&o);
    return rc;
}

static enum gr_rc discover_history(const struct gr_page *page, const char *kind, struct gr_links *out)
{
    char reason[256];
    json_t *root = NULL, *list = NULL;
    struct disc_ctx c;
    size_t pushes = 0, ov[4];
    int64_t cont = 0, next = -1;
    enum gr_rc rc = GR_OK;

    c.out = out;
    gr_buf_init(&c.origin, 4096);
    gr_buf_init(&c.url, 1u << 16);
    origin_of(page->url, &c.origin);
    if (strcmp(kind, "wechat_home") == 0) {
        list = home_msglist(page->body, page->len, reason, sizeof reason);
        if (gr__re_match(&re_can_continue, page->body, page->len, 0, ov, 2) > 0)
            gr_parse_i64n(page->body + ov[2], ov[3] - ov[2], &cont);
        if (gr__re_match(&re_next_offset, page->body, page->len, 0, ov, 2) > 0)
            gr_parse_i64n(page->body + ov[2], ov[3] - ov[2], &next);
    } else {
        root = gr__json_parse(page->body, page->len, reason, sizeof reason);
        if (!root)
            goto out;
        list = getmsg_list(root, reason, sizeof reason);
        gr__json_i64(root, "can_msg_continue", &cont);
        gr__json_i64(root, "next_offset", &next);
    }
    if (list)
        rc = walk_list(list, disc_item_cb, &c, &pushes);
    if (rc == GR_EDATA)
        rc = GR_OK;
    if (rc)
        goto out;
    if (cont == 1 && list) {
        if (next < 0) {
            /* the home page lists the first pushes; continue after them */
            int64_t cur = 0;
            struct gr_buf t;
            gr_buf_init(&t, 64);
            if (gr__query_param(page->url, "offset", &t) && t.len)
                gr_parse_i64(t.data, &cur);
            gr_buf_free(&t);
            next = cur + (int64_t)pushes;
        }
        if (pushes > 0 || next > 0)
            rc = add_getmsg(page, kind, next, out);
    }
out:
    json_decref(list);
    json_decref(root);
    gr_buf_free(&c.origin);
    gr_buf_free(&c.url);
    return rc;
}

static enum gr_rc discover_article(const struct gr_page *page, struct gr_links *out)
{
    struct ident id;
    struct jsvars j;
    struct gr_buf body, u, o;
    int64_t ct = 0;
    enum gr_rc rc;

    ident_init(&id);
    jsvars_init(&j);
    gr_buf_init(&body, 1u << 16);
    gr_buf_init(&u, 4096);
    gr_buf_init(&o, 4096);
    rc = jsvars_scan(&j, page->body, page->len);
    if (rc)
        goto out;
    ident_from_query(&id, page->url);
    ident_from_jsvars(&id, &j);
    if (!ident_ok(&id) || !id.sn.len)
        goto out;   /* a deleted or broken page: nothing to ask stats for */
    if (jv(&j, JV_CT))
        gr_parse_i64(jv(&j, JV_CT), &ct);
    rc = gr_buf_appends(&body, "__biz=");
    if (!rc)
        rc = gr__form_encode(id.biz.data, &body);
    if (!rc)
        rc = gr_buf_printf(&body, "&mid=%lld&idx=%lld&sn=", (long long)id.mid, (long long)id.idx);
    if (!rc)
        rc = gr__form_encode(id.sn.data, &body);
    if (!rc)
        rc = gr_buf_appends(&body, "&is_only_read=1&is_temp_url=0&appmsg_type=9");
    origin_of(page->url, &o);
    if (!rc)
        rc = gr_buf_printf(&u, "%s/mp/getappmsgext", o.data);
    if (!rc)
        rc = gr_links_add(out, u.data, "POST", body.data, "wechat_stats", ct);
out:
    ident_free(&id);
    jsvars_free(&j);
    gr_buf_free(&body);
    gr_buf_free(&u);
    gr_buf_free(&o);
    return rc;
}

static enum gr_rc wechat_discover(const struct gr_page *page, const char *kind, struct gr_links *out)
{
    if (strcmp(kind, "wechat_home") == 0 || strcmp(kind, "wechat_getmsg") == 0)
        return discover_history(page, kind, out);
    if (strcmp(kind, "wechat_article") == 0)
        return discover_article(page, out);
    return GR_OK;
}

/* ---- extract ----------------------------------------------------------------- */

static struct gr__re re_title = GR__RE("<h[12][^>]*\\sid=\"activity-name\"[^>]*>([^<]*)</h[12]>", 0);
static struct gr__re re_title_any = GR__RE("id=\"activity-name\"", 0);
static struct gr__re re_og_title = GR__RE("<meta\\s+property=\"og:title\"\\s+content=\"([^\"]*)\"", 0);
static struct gr__re re_og_any = GR__RE("og:title", 0);
static struct gr__re re_account = GR__RE("\\sid=\"(?:js_name|post-user)\"[^>]*>([^<]*)</", 0);
static struct gr__re re_account_any = GR__RE("id=\"(?:js_name|post-user)\"", 0);
static struct gr__re re_content = GR__RE("id=\"js_content\"", 0);
static struct gr__re re_readnum = GR__RE("\\sid=\"readNum\\d*\"[^>]*>([^<]*)</", 0);
static struct gr__re re_readnum_any = GR__RE("id=\"readNum", 0);
static struct gr__re re_read_em = GR__RE("<em[^>]*>\\s*(阅读[^<]*)</em>", 0);
static struct gr__re re_read_em_any = GR__RE("<em[^>]*>\\s*阅读", 0);
static struct gr__re re_likenum = GR__RE("\\sid=\"likeNum\\d*\"[^>]*>([^<]*)</", 0);
static struct gr__re re_likenum_any = GR__RE("id=\"likeNum", 0);

static struct gr_xpath xp_title = GR_XPATH("//*[@id='activity-name']");
static struct gr_xpath xp_og_title = GR_XPATH("//meta[@property='og:title']/@content");
static struct gr_xpath xp_account = GR_XPATH("(//*[@id='js_name']|//*[@id='post-user'])");
static struct gr_xpath xp_content = GR_XPATH("//*[@id='js_content']");
static struct gr_xpath xp_readnum = GR_XPATH("//*[starts-with(@id,'readNum')]");
static struct gr_xpath xp_read_em = GR_XPATH("//em[starts-with(normalize-space(.),'阅读')]");
static struct gr_xpath xp_likenum = GR_XPATH("//*[starts-with(@id,'likeNum')]");

/* One field read on the fast path: exactly one match of re (group 1,
 * unescaped, normalised) when any_re finds the marker; 0 when the marker is
 * absent; -1 when ambiguous (ask the DOM path). */
static int fast_one(struct gr__re *re, struct gr__re *any_re, const struct gr_doc *doc, struct gr_buf *out)
{
    size_t ov[4];
    int anyc = gr__re_count(any_re, doc->text, doc->len, 1);
    int c;

    gr_buf_reset(out);
    if (anyc == 0)
        return 0;
    if (anyc != 1)
        return -1;
    c = gr__re_count(re, doc->text, doc->len, 1);
    if (c != 1 || gr__re_match(re, doc->text, doc->len, 0, ov, 2) <= 0 || ov[2] == SIZE_MAX)
        return -1;
    if (gr__html_unescape(doc->text + ov[2], ov[3] - ov[2], out))
        return -1;
    out->len = gr__normalize_space(out->data ? out->data : (char *)"", out->len);
    return 1;
}

/* The same on the DOM: 1 with text when the first node exists, else 0. */
static int dom_one(struct gr_dom *dom, struct gr_xpath *xp, struct gr_buf *out)
{
    int c = gr_dom_text(dom, xp, out);
    return c > 0 ? 1 : c < 0 ? -1 : 0;
}

struct article {
    struct ident id;
    struct jsvars j;
    struct gr_buf title, account, read, like, tmp;
    bool has_content;
};

static void article_init(struct article *a)
{
    ident_init(&a->id);
    jsvars_init(&a->j);
    gr_buf_init(&a->title, 1u << 20);
    gr_buf_init(&a->account, 1u << 20);
    gr_buf_init(&a->read, 4096);
    gr_buf_init(&a->like, 4096);
    gr_buf_init(&a->tmp, 64u << 20);
    a->has_content = false;
}

static void article_free(struct article *a)
{
    ident_free(&a->id);
    jsvars_free(&a->j);
    gr_buf_free(&a->title);
    gr_buf_free(&a->account);
    gr_buf_free(&a->read);
    gr_buf_free(&a->like);
    gr_buf_free(&a->tmp);
}

/* Reads the fields on one path. Returns 1 decided, 0 undecided (fast),
 * -1 not an HTML page we can read. */
static int article_read(const struct gr_doc *doc, enum gr_extract_path path, struct article *a)
{
    const char *v;
    int r;

    if (path == GR_PATH_FAST) {
        if (jsvars_scan(&a->j, doc->text, doc->len))
            return -1;
        for (int i = 0; i < JV_COUNT; i++) {
            if (a->j.conflict[i])
                return 0;
        }
        a->has_content = gr__re_count(&re_content, doc->text, doc->len, 1) > 0;
        r = fast_one(&re_title, &re_title_any, doc, &a->title);
        if (r < 0)
            return 0;
        if (r == 0 || a->title.len == 0) {
            r = fast_one(&re_og_title, &re_og_any, doc, &a->title);
            if (r < 0)
                return 0;
        }
        if (fast_one(&re_account, &re_account_any, doc, &a->account) < 0)
            return 0;
        r = fast_one(&re_readnum, &re_readnum_any, doc, &a->read);
        if (r < 0)
            return 0;
        if (r == 0 && fast_one(&re_read_em, &re_read_em_any, doc, &a->read) < 0)
            return 0;
        if (fast_one(&re_likenum, &re_likenum_any, doc, &a->like) < 0)
            return 0;
    } else {
        struct gr_dom *dom = gr_dom_parse(doc->text, doc->len);
        if (!dom)
            return -1;
        if (gr_dom_scripts(dom, &a->tmp) || jsvars_scan(&a->j, a->tmp.data ? a->tmp.data : "", a->tmp.len)) {
            gr_dom_free(dom);
            return -1;
        }
        a->has_content = gr_dom_text(dom, &xp_content, &a->tmp) > 0;
        if (dom_one(dom, &xp_title, &a->title) <= 0 || a->title.len == 0)
            dom_one(dom, &xp_og_title, &a->title);
        dom_one(dom, &xp_account, &a->account);
        if (dom_one(dom, &xp_readnum, &a->read) <= 0)
            dom_one(dom, &xp_read_em, &a->read);
        dom_one(dom, &xp_likenum, &a->like);
        gr_dom_free(dom);
    }
    if (a->title.len == 0 && (v = jv(&a->j, JV_MSG_TITLE))) {
        gr_buf_reset(&a->title);
        gr_buf_appends(&a->title, v);
        a->title.len = gr__normalize_space(a->title.data, a->title.len);
    }
    if (a->account.len == 0 && (v = jv(&a->j, JV_NICKNAME))) {
        gr_buf_reset(&a->account);
        gr_buf_appends(&a->account, v);
        a->account.len = gr__normalize_space(a->account.data, a->account.len);
    }
    return 1;
}

static void row_count_text(struct gr_row *r, const char *text, size_t n, bool with_cap)
{
    struct gr_count c;

    if (text && n && gr_count_parse(text, n, &c) == GR_OK) {
        gr_row_i64(r, c.value);
        if (with_cap)
            gr_row_bool(r, c.capped);
        gr_row_text(r, text + c.raw_off, c.raw_len);
    } else {
        gr_row_null(r);
        if (with_cap)
            gr_row_bool(r, false);
        gr_row_text(r, n ? text : NULL, n);
    }
}

static enum gr_rc extract_article(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                                  bool *decided, char *reason, size_t rlen)
{
    struct article a;
    const char *status;
    const char *v;
    int64_t ct = 0;
    struct gr_row r;
    enum gr_rc rc = GR_OK;
    int got;

    article_init(&a);
    got = article_read(doc, path, &a);
    if (got == 0) {
        *decided = false;
        goto out;
    }
    *decided = true;
    if (got < 0) {
        snprintf(reason, rlen, "wechat article: not an HTML page libxml2 can read");
        rc = GR_EDATA;
        goto out;
    }
    ident_from_query(&a.id, doc->page->url);
    ident_from_jsvars(&a.id, &a.j);
    if (!ident_ok(&a.id)) {
        status = gr__page_status(doc);
        snprintf(reason, rlen, "wechat article: no __biz/mid/idx in the URL or page (page status %s)", status);
        rc = GR_EDATA;
        goto out;
    }
    if (doc->page->status == 404 || doc->page->status == 410)
        status = GR_ST_NOT_FOUND;
    else if (a.has_content && doc->page->status < 400)
        status = GR_ST_OK;
    else
        status = gr__page_status(doc);
    if (strcmp(status, GR_ST_OK) == 0 && !a.has_content && !jv(&a.j, JV_MSG_TITLE) && a.title.len == 0) {
        snprintf(reason, rlen, "wechat article: neither article content nor a known error page");
        rc = GR_EDATA;
        goto out;
    }
    if ((v = jv(&a.j, JV_CT)))
        gr_parse_i64(v, &ct);
    {
        bool ok = strcmp(status, GR_ST_OK) == 0;
        gr_row_begin(&r, out, GR_REC_WECHAT_ARTICLE);
        gr_row_str(&r, a.id.biz.data);
        gr_row_i64(&r, a.id.mid);
        gr_row_i64(&r, a.id.idx);
        gr_row_str(&r, a.id.sn.len ? a.id.sn.data : NULL);
        gr_row_str(&r, ok && a.title.len ? a.title.data : NULL);
        gr_row_str(&r, ok && a.account.len ? a.account.data : NULL);
        if (ok && ct > 0)
            gr_row_time(&r, ct);
        else
            gr_row_null(&r);
        gr_row_str(&r, status);
        rc = gr_row_end(&r, doc->page);
        if (rc || !ok)
            goto out;
    }
    /* the 2014 footer: counts in the HTML (empty placeholders do not count) */
    if (a.read.len || a.like.len) {
        gr_row_begin(&r, out, GR_REC_WECHAT_STAT);
        gr_row_str(&r, a.id.biz.data);
        gr_row_i64(&r, a.id.mid);
        gr_row_i64(&r, a.id.idx);
        gr_row_str(&r, "footer");
        row_count_text(&r, a.read.data, a.read.len, true);
        row_count_text(&r, a.like.data, a.like.len, false);
        gr_row_null(&r);
        gr_row_str(&r, status);
        rc = gr_row_end(&r, doc->page);
    }
out:
    article_free(&a);
    return rc;
}

/* A JSON count member: its value and its text as written. */
static void row_json_count(struct gr_row *r, json_t *o, const char *key, bool with_cap, bool with_raw)
{
    json_t *v = json_object_get(o, key);
    char buf[32];
    struct gr_count c;

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        gr_row_i64(r, json_integer_value(v));
        /* getappmsgext shows 100001 for articles past the 10万+ cap */
        if (with_cap)
            gr_row_bool(r, json_integer_value(v) == 100001);
        if (with_raw)
            gr_row_str(r, buf);
    } else if (json_is_string(v) &&
               gr_count_parse(json_string_value(v), json_string_length(v), &c) == GR_OK) {
        gr_row_i64(r, c.value);
        if (with_cap)
            gr_row_bool(r, c.capped);
        if (with_raw)
            gr_row_text(r, json_string_value(v) + c.raw_off, c.raw_len);
    } else {
        gr_row_null(r);
        if (with_cap)
            gr_row_bool(r, false);
        if (with_raw)
            gr_row_str(r, json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL);
    }
}

static enum gr_rc extract_stats(const struct gr_doc *doc, struct gr_rows *out, char *reason, size_t rlen)
{
    struct ident id;
    json_t *root = NULL, *st;
    struct gr_row r;
    const char *status = GR_ST_OK;
    enum gr_rc rc = GR_OK;

    ident_init(&id);
    ident_from_body(&id, doc->page->request_body, doc->page->request_len);
    ident_from_query(&id, doc->page->url);
    if (!ident_ok(&id)) {
        snprintf(reason, rlen, "getappmsgext: no __biz/mid/idx in the request body or query");
        rc = GR_EDATA;
        goto out;
    }
    if (doc->page->status == 404) {
        status = GR_ST_NOT_FOUND;
        st = NULL;
    } else {
        root = gr__json_object(doc->text, doc->len, "getappmsgext", reason, rlen);
        if (!root) {
            rc = GR_EDATA;
            goto out;
        }
        st = json_object_get(root, "appmsgstat");
        if (!json_is_object(st)) {
            st = NULL;
            status = GR_ST_ERROR;   /* no appmsgstat: credentials refused; counts missing */
        }
    }
    gr_row_begin(&r, out, GR_REC_WECHAT_STAT);
    gr_row_str(&r, id.biz.data);
    gr_row_i64(&r, id.mid);
    gr_row_i64(&r, id.idx);
    gr_row_str(&r, "appmsgext");
    row_json_count(&r, st, "read_num", true, true);
    row_json_count(&r, st, "like_num", false, true);
    row_json_count(&r, st, "old_like_num", false, false);
    gr_row_str(&r, status);
    rc = gr_row_end(&r, doc->page);
out:
    json_decref(root);
    ident_free(&id);
    return rc;
}

struct hist_ctx {
    const struct gr_doc *doc;
    struct gr_rows *out;
    struct gr_buf biz, origin, url;
    enum gr_rc rc;
};

static enum gr_rc hist_row_cb(void *vctx, const struct hist_item *it)
{
    struct hist_ctx *c = vctx;
    struct ident id;
    struct gr_row r;
    enum gr_rc rc;

    rc = clean_content_url(it->content_url, c->origin.data, &c->url);
    if (rc || c->url.len == 0)
        return rc;
    ident_init(&id);
    ident_from_query(&id, c->url.data);
    if (!id.biz.len)
        gr_buf_appends(&id.biz, c->biz.data ? c->biz.data : "");
    if (!ident_ok(&id)) {
        ident_free(&id);
        return GR_OK;   /* a short /s/<token> link: identity comes with the article */
    }
    gr_row_begin(&r, c->out, GR_REC_WECHAT_HISTORY);
    gr_row_str(&r, id.biz.data);
    gr_row_i64(&r, id.mid);
    gr_row_i64(&r, id.idx);
    gr_row_str(&r, id.sn.len ? id.sn.data : NULL);
    if (it->title) {
        size_t n;
        gr_buf_reset(&c->url);
        gr__html_unescape(it->title, strlen(it->title), &c->url);
        n = gr__normalize_space(c->url.data ? c->url.data : (char *)"", c->url.len);
        gr_row_text(&r, n ? c->url.data : NULL, n);
        /* restore the URL for the content_url column */
        clean_content_url(it->content_url, c->origin.data, &c->url);
    } else {
        gr_row_null(&r);
    }
    if (it->has_datetime && it->datetime > 0)
        gr_row_time(&r, it->datetime);
    else
        gr_row_null(&r);
    gr_row_str(&r, c->url.data);
    rc = gr_row_end(&r, c->doc->page);
    ident_free(&id);
    return rc;
}

static enum gr_rc extract_history(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                                  char *reason, size_t rlen)
{
    json_t *root = NULL, *list = NULL;
    struct hist_ctx c;
    struct gr_buf scripts;
    struct gr_dom *dom = NULL;
    size_t pushes = 0;
    enum gr_rc rc = GR_OK;

    c.doc = doc;
    c.out = out;
    gr_buf_init(&c.biz, 4096);
    gr_buf_init(&c.origin, 4096);
    gr_buf_init(&c.url, 1u << 16);
    gr_buf_init(&scripts, 64u << 20);
    origin_of(doc->page->url, &c.origin);
    gr__query_param(doc->page->url, "__biz", &c.biz);
    if (!c.biz.len) {
        snprintf(reason, rlen, "wechat history: no __biz in the URL");
        rc = GR_EDATA;
        goto out;
    }
    if (strcmp(doc->kind, "wechat_home") == 0) {
        const char *st = gr__page_status(doc);
        if (strcmp(st, GR_ST_OK) != 0) {
            snprintf(reason, rlen, "wechat history: %s page", st);
            rc = GR_EDATA;
            goto out;
        }
        if (path == GR_PATH_DOM) {
            dom = gr_dom_parse(doc->text, doc->len);
            if (!dom || gr_dom_scripts(dom, &scripts)) {
                snprintf(reason, rlen, "wechat history: not an HTML page libxml2 can read");
                rc = GR_EDATA;
                goto out;
            }
            list = home_msglist(scripts.data ? scripts.data : "", scripts.len, reason, rlen);
        } else {
            list = home_msglist(doc->text, doc->len, reason, rlen);
        }
    } else {
        int64_t ret = 0;
        root = gr__json_object(doc->text, doc->len, "getmsg", reason, rlen);
        if (!root) {
            rc = GR_EDATA;
            goto out;
        }
        if (gr__json_i64(root, "ret", &ret) && ret != 0) {
            const char *em = gr__json_str(root, "errmsg");
            snprintf(reason, rlen, "getmsg: ret=%lld errmsg=%s%s", (long long)ret, em ? em : "",
                     ret == -3 || ret == -4 ? " (credentials expired)" : "");
            rc = GR_EDATA;
            goto out;
        }
        list = getmsg_list(root, reason, rlen);
    }
    if (!list) {
        rc = GR_EDATA;
        goto out;
    }
    rc = walk_list(list, hist_row_cb, &c, &pushes);
    if (rc == GR_EDATA)
        snprintf(reason, rlen, "wechat history: the message list has no list array");
out:
    gr_dom_free(dom);
    json_decref(list);
    json_decref(root);
    gr_buf_free(&c.biz);
    gr_buf_free(&c.origin);
    gr_buf_free(&c.url);
    gr_buf_free(&scripts);
    return rc;
}

static enum gr_rc wechat_extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                                 bool *decided, char *reason, size_t reason_len)
{
    *decided = true;
    if (strcmp(doc->kind, "wechat_article") == 0)
        return extract_article(doc, path, out, decided, reason, reason_len);
    if (strcmp(doc->kind, "wechat_stats") == 0)
        return extract_stats(doc, out, reason, reason_len);
    return extract_history(doc, path, out, reason, reason_len);
}

/* Each account is crawled from its history page, over https as the real
 * host serves it (the credentials go only there: wechat.https_only); the
 * simulated web serves the host over TLS with a test CA. */
static const struct gr_seed_spec wechat_seeds[] = {
    { "wechat_account", "https", "mp.weixin.qq.com", "/mp/profile_ext?action=home&__biz=%s&scene=124" },
    { NULL, NULL, NULL, NULL },
};
/* The history page and list are fetched again daily (new articles), an
 * article once; its read counts on the stats schedule after publishing. */
static const struct gr_kind wechat_kinds[] = {
    { "wechat_home", "86400", false, "history page recrawl interval" },
    { "wechat_getmsg", "86400", false, "history list recrawl interval" },
    { "wechat_article", "0", false, "article recrawl interval" },
    { "wechat_stats", NULL, true, NULL },
    { NULL, NULL, false, NULL },
};
/* Query parameters that are in-app credentials: never stored or followed,
 * redacted from stored requests. */
static const char *const wechat_secrets[] = { "key", "appmsg_token", "pass_ticket", "uin", "wxtoken", NULL };
/* The ones the crawler sends ([wechat] in the configuration): the Cookie to
 * the host, key and appmsg_token to these endpoints only. */
static const char *const wechat_credential_paths[] = { "/mp/getappmsgext", "/mp/profile_ext", NULL };
static const struct gr_cred_secret wechat_cred_secrets[] = {
    { "cookie", GR_CRED_COOKIE, "in-app Cookie header value (never logged or stored)" },
    { "key", GR_CRED_QUERY, "in-app key parameter (never logged or stored)" },
    { "appmsg_token", GR_CRED_QUERY, "in-app appmsg_token parameter (never logged or stored)" },
    { NULL, GR_CRED_COOKIE, NULL },
};
static const struct gr_cred_table wechat_creds = {
    "wechat", "mp.weixin.qq.com", true, wechat_credential_paths, wechat_cred_secrets,
};
static const char *const wechat_hosts[] = { "mp.weixin.qq.com", NULL };

const struct gr_source gr_source_wechat = {
    .name = "wechat",
    .patterns = wechat_patterns,
    .seeds = wechat_seeds,
    .seed = gr__seed_table,
    .kinds = wechat_kinds,
    .secret_params = wechat_secrets,
    .creds = &wechat_creds,
    .hosts = wechat_hosts,
    .discover = wechat_discover,
    .extract = wechat_extract,
};
