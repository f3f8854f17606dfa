/* Tencent Weibo open API (open.t.qq.com): user/other_info and
 * statuses/user_timeline, JSON {ret, errcode, msg, data}; data may be null;
 * hasnext == 0 means more pages. Shapes: research/sources.md section 2. */
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "gr_source_impl.h"
#include "gr_util.h"

static const struct gr_url_pattern tqq_patterns[] = {
    { "^https?://open\\.t\\.qq\\.com/api/user/(?:other_)?info(?:[?#]|$)", "weibo_user", NULL },
    { "^https?://open\\.t\\.qq\\.com/api/statuses/user_timeline(?:[?#]|$)", "weibo_timeline", NULL },
    { NULL, NULL, NULL },
};

/* What the crawler reads of a timeline page: ret, data.hasnext and the
 * timestamp of data.info's last post. Read with yajl's event parser: a
 * page is 70 posts of some thirty fields, and building jansson's tree of
 * them was more than half the crawler's CPU on a report-scale night, for
 * three numbers. The page must be JSON as a whole (a truncated or broken
 * one gives nothing, as before); the keys read must not repeat. The parser
 * (extract) reads the posts themselves with jansson. */
enum tl_role { TL_OTHER, TL_ROOT, TL_DATA, TL_INFO, TL_POST };
enum tl_key { TK_NONE, TK_RET, TK_DATA, TK_HASNEXT, TK_INFO, TK_TIMESTAMP };

struct tl_scan {
    enum tl_role role[64];  /* of each open container; deeper ones are TL_OTHER */
    int depth;
    enum tl_key key;        /* the key whose value comes next, when read */
    unsigned seen_root, seen_data, seen_post;   /* the keys read, as bits */
    bool has_ret, has_data, has_hasnext, has_info;
    int64_t ret, hasnext, ts;
    size_t posts;
    bool post_ts;           /* the last post so far is an object with a timestamp */
    bool dup;
};

static enum tl_role tl_parent(const struct tl_scan *t)
{
    return t->depth > 0 && t->depth <= 64 ? t->role[t->depth - 1] : TL_OTHER;
}

/* A value starts in the current container: the last post's timestamp is
 * reset when it is a new element of data.info. */
static void tl_value_start(struct tl_scan *t)
{
    if (tl_parent(t) == TL_INFO) {
        t->posts++;
        t->post_ts = false;
    }
}

/* A scalar value (an integer, or a string holding one, as gr__json_i64
 * reads them; anything else: has=false) for the pending key. */
static int tl_scalar(struct tl_scan *t, bool has, int64_t v)
{
    enum tl_key k = t->key;

    tl_value_start(t);
    t->key = TK_NONE;
    switch (k) {
    case TK_RET: t->has_ret = has; t->ret = v; break;
    case TK_HASNEXT: t->has_hasnext = has; t->hasnext = v; break;
    case TK_TIMESTAMP: t->post_ts = has; t->ts = v; break;
    default: break;
    }
    return 1;
}

static int tl_null(void *c) { return tl_scalar(c, false, 0); }
static int tl_bool(void *c, int b) { (void)b; return tl_scalar(c, false, 0); }
static int tl_double(void *c, double d) { (void)d; return tl_scalar(c, false, 0); }
static int tl_int(void *c, long long v) { return tl_scalar(c, true, (int64_t)v); }

static int tl_string(void *c, const unsigned char *s, size_t n)
{
    struct tl_scan *t = c;
    char b[32];
    int64_t v = 0;
    bool ok = false;

    if (t->key != TK_NONE && n < sizeof b) {
        memcpy(b, s, n);
        b[n] = '\0';
        ok = gr_parse_i64(b, &v);
    }
    return tl_scalar(t, ok, v);
}

static int tl_open(struct tl_scan *t, bool map)
{
    enum tl_role r = TL_OTHER;
    enum tl_role parent = tl_parent(t);

    tl_value_start(t);
    if (t->depth == 0 && map)
        r = TL_ROOT;
    else if (t->key == TK_DATA && map)
        r = TL_DATA;
    else if (t->key == TK_INFO && !map)
        r = TL_INFO;
    else if (parent == TL_INFO && map)
        r = TL_POST;
    if (t->key == TK_DATA)
        t->has_data = map;
    if (t->key == TK_INFO)
        t->has_info = !map;
    t->key = TK_NONE;
    if (t->depth < 64)
        t->role[t->depth] = r;
    t->depth++;
    return 1;
}

static int tl_start_map(void *c) { return tl_open(c, true); }
static int tl_start_array(void *c) { return tl_open(c, false); }
static int tl_close(void *c)
{
    struct tl_scan *t = c;
    if (t->depth > 0 && t->depth <= 64 && t->role[t->depth - 1] == TL_POST)
        t->seen_post = 0;
    t->depth--;
    return 1;
}

static int tl_key(void *c, const unsigned char *s, size_t n)
{
#define TL_KEY(role, name, key) { role, name, sizeof name - 1, key }
    static const struct { enum tl_role role; const char *name; size_t len; enum tl_key key; } keys[] = {
        TL_KEY(TL_ROOT, "ret", TK_RET), TL_KEY(TL_ROOT, "data", TK_DATA), TL_KEY(TL_DATA, "hasnext", TK_HASNEXT),
        TL_KEY(TL_DATA, "info", TK_INFO), TL_KEY(TL_POST, "timestamp", TK_TIMESTAMP),
    };
#undef TL_KEY
    struct tl_scan *t = c;
    enum tl_role r = tl_parent(t);

    t->key = TK_NONE;
    /* every key of every post comes here (some 2,000 a page): no strlen */
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (keys[i].role != r || keys[i].len != n || memcmp(keys[i].name, s, n) != 0)
            continue;
        unsigned *seen = r == TL_ROOT ? &t->seen_root : r == TL_DATA ? &t->seen_data : &t->seen_post;
        if (*seen & (1u << keys[i].key)) {
            t->dup = true;      /* jansson refused duplicate keys: so do we */
            return 0;
        }
        *seen |= 1u << keys[i].key;
        t->key = keys[i].key;
    }
    return 1;
}

static const yajl_callbacks tl_callbacks = {
    tl_null, tl_bool, tl_int, tl_double, NULL, tl_string,
    tl_start_map, tl_key, tl_close, tl_start_array, tl_close,
};

/* Scans a timeline page; false when it is not JSON. utf8: the page is known
 * to be valid UTF-8 (gr_page.utf8), so yajl need not check its strings
 * again: that check was a fifth of yajl's time on a 47 KB timeline page. */
static bool tl_scan(const char *s, size_t n, bool utf8, struct tl_scan *t)
{
    yajl_handle h = yajl_alloc(&tl_callbacks, NULL, t);
    bool ok;

    memset(t, 0, sizeof *t);
    if (!h)
        return false;
    if (utf8)
        yajl_config(h, yajl_dont_validate_strings, 1);
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {   /* a UTF-8 BOM, as gr__json_parse */
        s += 3;
        n -= 3;
    }
    ok = yajl_parse(h, (const unsigned char *)s, n) == yajl_status_ok && yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok && !t->dup;
}

static enum gr_rc tqq_discover(const struct gr_page *page, const char *kind, struct gr_links *out)
{
    struct tl_scan t;
    struct gr_buf u1, u2;
    char tsbuf[32];
    enum gr_rc rc = GR_OK;

    if (strcmp(kind, "weibo_timeline") != 0)
        return GR_OK;
    /* more pages: ret 0 (or none), data.hasnext 0, and the last post's time */
    if (!tl_scan(page->body, page->len, page->utf8, &t) || (t.has_ret && t.ret != 0) || !t.has_data || !t.has_hasnext ||
        t.hasnext != 0 || !t.has_info || t.posts == 0 || !t.post_ts)
        return GR_OK;
    gr_buf_init(&u1, 1u << 16);
    gr_buf_init(&u2, 1u << 16);
    snprintf(tsbuf, sizeof tsbuf, "%lld", (long long)t.ts);
    rc = gr__url_set_param(page->url, "pageflag", "1", &u1);
    if (!rc)
        rc = gr__url_set_param(u1.data, "pagetime", tsbuf, &u2);
    if (!rc)
        rc = gr_links_add(out, u2.data, "GET", NULL, "weibo_timeline", 0);
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
