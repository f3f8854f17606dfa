/* Tencent Weibo open API (open.t.qq.com): user/other_info and
 * statuses/user_timeline, JSON {ret, errcode, msg, data}; data may be null;
 * hasnext == 0 means more pages. Shapes: research/sources.md section 2. */
#include <stdio.h>
#include <string.h>

#include "gr_source_impl.h"
#include "gr_util.h"

static const struct gr_url_pattern tqq_patterns[] = {
    { "^https?://open\\.t\\.qq\\.com/api/user/(?:other_)?info(?:[?#]|$)", "weibo_user", NULL },
    { "^https?://open\\.t\\.qq\\.com/api/statuses/user_timeline(?:[?#]|$)", "weibo_timeline", NULL },
    { NULL, NULL, NULL },
};

static enum gr_rc tqq_discover(const struct gr_page *page, const char *kind, struct gr_links *out)
{
    json_t *root = NULL, *data, *info, *last;
    int64_t ret = 0, hasnext = -1, ts = 0;
    struct gr_buf u1, u2;
    char tsbuf[32];
    enum gr_rc rc = GR_OK;

    if (strcmp(kind, "weibo_timeline") != 0)
        return GR_OK;
    gr_buf_init(&u1, 1u << 16);
    gr_buf_init(&u2, 1u << 16);
    root = gr__json_parse(page->body, page->len, NULL, 0);
    if (!root)
        goto out;
    if (gr__json_i64(root, "ret", &ret) && ret != 0)
        goto out;
    data = json_object_get(root, "data");
    info = json_object_get(data, "info");
    if (!json_is_object(data) || !gr__json_i64(data, "hasnext", &hasnext) || hasnext != 0)
        goto out;
    if (!json_is_array(info) || json_array_size(info) == 0)
        goto out;
    last = json_array_get(info, json_array_size(info) - 1);
    if (!gr__json_i64(last, "timestamp", &ts))
        goto out;
    snprintf(tsbuf, sizeof tsbuf, "%lld", (long long)ts);
    rc = gr__url_set_param(page->url, "pageflag", "1", &u1);
    if (!rc)
        rc = gr__url_set_param(u1.data, "pagetime", tsbuf, &u2);
    if (!rc)
        rc = gr_links_add(out, u2.data, "GET", NULL, "weibo_timeline", 0);
out:
    json_decref(root);
    gr_buf_free(&u1);
    gr_buf_free(&u2);
    return rc;
}

/* The account a request was about: the name parameter, else data.name. */
static bool account_of(const struct gr_page *page, json_t *data, struct gr_buf *out)
{
    const char *n;

    if (gr__query_param(page->url, "name", out) && out->len)
        return true;
    n = gr__json_str(data, "name");
    gr_buf_reset(out);
    return n && *n && gr_buf_appends(out, n) == GR_OK;
}

/* Counts @mentions: '@' followed by an account name character. */
static int mentions(const char *t)
{
    int c = 0;

    for (const char *s = t; s && *s; s++) {
        /* "a@b.com" is an address, not a mention */
        if (*s == '@' && (s == t || !((s[-1] >= 'a' && s[-1] <= 'z') || (s[-1] >= 'A' && s[-1] <= 'Z') ||
                                      (s[-1] >= '0' && s[-1] <= '9') || s[-1] == '_'))) {
            const char *t1 = s;
            unsigned char x = (unsigned char)t1[1];
            if ((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9') || x == '_' || x == '-')
                c++;
        }
    }
    return c;
}

static void row_count(struct gr_row *r, json_t *o, const char *key, bool ok)
{
    int64_t v;

    if (ok && gr__json_i64(o, key, &v) && v >= 0)
        gr_row_i64(r, v);
    else
        gr_row_null(r);
}

static enum gr_rc extract_user(const struct gr_doc *doc, json_t *root, struct gr_rows *out, char *reason,
                               size_t rlen)
{
    json_t *data = json_object_get(root, "data");
    int64_t ret = 0;
    struct gr_buf acct;
    struct gr_row r;
    const char *status = GR_ST_OK;
    bool ok;
    enum gr_rc rc;

    gr_buf_init(&acct, 4096);
    if (!account_of(doc->page, data, &acct)) {
        snprintf(reason, rlen, "weibo user: no account name in the URL or data");
        gr_buf_free(&acct);
        return GR_EDATA;
    }
    if (!gr__json_i64(root, "ret", &ret))
        ret = 0;
    if (ret != 0 || !json_is_object(data)) {
        int64_t ec = 0;
        const char *msg = gr__json_str(root, "msg");
        status = GR_ST_ERROR;
        /* errcode -101 "user not exist": the account is gone */
        if ((gr__json_i64(root, "errcode", &ec) && ec == -101) || (msg && strstr(msg, "not exist")))
            status = GR_ST_NOT_FOUND;
    }
    if (doc->page->status == 404)
        status = GR_ST_NOT_FOUND;
    ok = strcmp(status, GR_ST_OK) == 0;
    gr_row_begin(&r, out, GR_REC_WEIBO_ACCOUNT);
    gr_row_str(&r, acct.data);
    gr_row_str(&r, ok ? gr__json_str(data, "nick") : NULL);
    row_count(&r, data, "fansnum", ok);
    row_count(&r, data, "idolnum", ok);
    row_count(&r, data, "tweetnum", ok);
    gr_row_str(&r, status);
    rc = gr_row_end(&r, doc->page);
    gr_buf_free(&acct);
    return rc;
}

static const char *post_kind(int64_t type)
{
    switch (type) {
    case 1: return "original";
    case 2: return "repost";
    case 4: return "reply";
    case 7: return "comment";
    default: return "other";
    }
}

static enum gr_rc extract_timeline(const struct gr_doc *doc, json_t *root, struct gr_rows *out, char *reason,
                                   size_t rlen)
{
    json_t *data = json_object_get(root, "data"), *info, *it;
    int64_t ret = 0;
    struct gr_buf acct;
    size_t i;
    enum gr_rc rc = GR_OK;

    if (gr__json_i64(root, "ret", &ret) && ret != 0) {
        int64_t ec = 0;
        gr__json_i64(root, "errcode", &ec);
        snprintf(reason, rlen, "weibo timeline: API error ret=%lld errcode=%lld", (long long)ret, (long long)ec);
        return GR_EDATA;
    }
    if (json_is_null(data) || !data)
        return GR_OK;   /* an empty timeline: data is null */
    if (!json_is_object(data)) {
        snprintf(reason, rlen, "weibo timeline: data is not an object");
        return GR_EDATA;
    }
    info = json_object_get(data, "info");
    if (!info || json_is_null(info))
        return GR_OK;
    if (!json_is_array(info)) {
        snprintf(reason, rlen, "weibo timeline: data.info is not an array");
        return GR_EDATA;
    }
    gr_buf_init(&acct, 4096);
    if (!account_of(doc->page, NULL, &acct)) {
        gr_buf_free(&acct);
        snprintf(reason, rlen, "weibo timeline: no account name in the URL");
        return GR_EDATA;
    }
    json_array_foreach(info, i, it) {
        struct gr_row r;
        json_t *idv = json_object_get(it, "id");
        char idbuf[32];
        const char *id = NULL;
        const char *author = gr__json_str(it, "name");
        int64_t ts, type = 0;
        const char *text;

        if (json_is_string(idv))
            id = json_string_value(idv);
        else if (json_is_integer(idv)) {
            snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(idv));
            id = idbuf;
        }
        if (!id || !*id)
            continue;
        gr__json_i64(it, "type", &type);
        text = gr__json_str(it, "origtext");
        if (!text)
            text = gr__json_str(it, "text");
        gr_row_begin(&r, out, GR_REC_WEIBO_POST);
        gr_row_str(&r, author && *author ? author : acct.data);
        gr_row_str(&r, id);
        if (gr__json_i64(it, "timestamp", &ts) && ts > 0)
            gr_row_time(&r, ts);
        else
            gr_row_null(&r);
        gr_row_str(&r, post_kind(type));
        row_count(&r, it, "count", true);
        row_count(&r, it, "mcount", true);
        if (text)
            gr_row_i64(&r, mentions(text));
        else
            gr_row_null(&r);
        rc = gr_row_end(&r, doc->page);
        if (rc)
            break;
    }
    gr_buf_free(&acct);
    return rc;
}

static enum gr_rc tqq_extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out,
                              bool *decided, char *reason, size_t rlen)
{
    json_t *root;
    enum gr_rc rc;

    (void)path;   /* JSON: one path */
    *decided = true;
    root = gr__json_parse(doc->text, doc->len, reason, rlen);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        if (!root && doc->page->status == 404 && strcmp(doc->kind, "weibo_user") == 0) {
            /* a plain 404 for an account: record the status */
            json_t *empty = json_object();
            json_object_set_new(empty, "ret", json_integer(-1));
            rc = extract_user(doc, empty, out, reason, rlen);
            json_decref(empty);
            return rc;
        }
        if (root)
            snprintf(reason, rlen, "weibo: JSON is not an object");
        return GR_EDATA;
    }
    if (strcmp(doc->kind, "weibo_user") == 0)
        rc = extract_user(doc, root, out, reason, rlen);
    else
        rc = extract_timeline(doc, root, out, reason, rlen);
    json_decref(root);
    return rc;
}

/* Each Weibo account is crawled from its profile and its timeline. */
static const struct gr_seed_spec tqq_seeds[] = {
    { "weibo_account", "http", "open.t.qq.com", "/api/user/other_info?format=json&name=%s" },
    { "weibo_account", "http", "open.t.qq.com",
      "/api/statuses/user_timeline?format=json&name=%s&reqnum=70&pageflag=0&pagetime=0" },
    { NULL, NULL, NULL, NULL },
};
/* An account's profile and its timeline are fetched again daily. */
static const struct gr_kind tqq_kinds[] = {
    { "weibo_user", "86400", false, "Weibo account recrawl interval" },
    { "weibo_timeline", "86400", false, "Weibo timeline recrawl interval" },
    { NULL, NULL, false, NULL },
};
static const char *const tqq_hosts[] = { "open.t.qq.com", NULL };

const struct gr_source gr_source_tqq = {
    .name = "tqq",
    .patterns = tqq_patterns,
    .seeds = tqq_seeds,
    .seed = gr__seed_table,
    .kinds = tqq_kinds,
    .hosts = tqq_hosts,
    .discover = tqq_discover,
    .extract = tqq_extract,
};
