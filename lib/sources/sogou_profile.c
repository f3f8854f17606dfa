/* The pages a Sogou search result links to on mp.weixin.qq.com (issue 16):
 * the Sogou-linked profile page (/profile?src=3&timestamp=...&signature=...)
 * and the temporary article links (/s?timestamp=...&src=3&ver=1&signature=...).
 * Both are signed for a few hours (research/sources.md 1.1: 链接已过期
 * after that), so their URLs are provenance, never identities.
 *
 * Profile page: the name (strong.profile_nickname), the WeChat id
 * (p.profile_account 微信号: ...), 功能介绍 and 帐号主体 (the verified body)
 * from ul.profile_desc, and msgList, the literal JSON of the account's
 * latest messages (WechatSogou's bitsea-history fixture: `var msgList =
 * {...};`), whose content_url values are temporary links again. The page
 * gives no __biz (var biz = "" || ""): one discovered_account row with the
 * identity and the newest message's title, time and link.
 *
 * Temporary article page: the JS variables of an article (biz, mid, ct,
 * nickname, user_name, msg_title, written "" || "value" as on every article
 * page): one discovered_account row linking the WeChat id (user_name) to its
 * __biz, which is what lets the registry promote and track the account.
 *
 * Listed before wechat in the registry: wechat's article pattern claims
 * every /s? URL, and a signed one is this module's. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_source_impl.h"
#include "gr_url.h"
#include "gr_util.h"

static const struct gr_url_pattern patterns[] = {
    { "^https?://mp\\.weixin\\.qq\\.com/profile\\?(?:[^#]*&)?signature=", "sogou_profile", NULL },
    { "^https?://mp\\.weixin\\.qq\\.com/s\\?(?:[^#]*&)?signature=", "sogou_article", NULL },
    { NULL, NULL, NULL },
};

static struct gr__re re_expired = GR__RE("链接已过期", 0);
static struct gr__re re_nick = GR__RE("<strong\\s+class=\"profile_nickname\"\\s*>(.*?)</strong>", PCRE2_DOTALL);
static struct gr__re re_account = GR__RE("<p\\s+class=\"profile_account\"\\s*>\\s*微信号\\s*(?::|：)\\s*(.*?)</p>", PCRE2_DOTALL);
static struct gr__re re_desc =
    GR__RE("功能介绍\\s*</label>\\s*<div\\s+class=\"profile_desc_value\"[^>]*>(.*?)</div>", PCRE2_DOTALL);
static struct gr__re re_body =
    GR__RE("帐号主体\\s*</label>\\s*<div\\s+class=\"profile_desc_value\"[^>]*>(.*?)</div>", PCRE2_DOTALL);
static struct gr__re re_msglist = GR__RE("var\\s+msgList\\s*=\\s*(\\{.*?\\})\\s*;\\s*(?:\\n|</script>|seajs)", PCRE2_DOTALL);
/* a JS string variable, "" || "value" or "value" */
static struct gr__re re_jsvar = GR__RE("\\bvar\\s+(biz|ct|nickname|user_name|msg_title)\\s*=\\s*"
                                       "(?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\|\\|\\s*)?\"((?:[^\"\\\\]|\\\\.)*)\"",
                                       0);

static enum gr_rc group_text(const char *s, const size_t *ov, int g, struct gr_buf *out)
{
    gr_buf_reset(out);
    if (ov[2 * g] == SIZE_MAX)
        return GR_OK;
    return gr__html_text(s + ov[2 * g], ov[2 * g + 1] - ov[2 * g], out);
}

/* The value of a JS string literal s[0..n) (JSON escapes, then HTML
 * character references) into out (reset first). */
static enum gr_rc js_string(const char *s, size_t n, struct gr_buf *out)
{
    struct gr_buf q;
    json_error_t je;
    json_t *j;
    enum gr_rc rc = GR_OK;
    gr_buf_reset(out);
    gr_buf_init(&q, n + 3);
    if ((rc = gr_buf_appendc(&q, '"')) || (rc = gr_buf_append(&q, s, n)) || (rc = gr_buf_appendc(&q, '"'))) {
        gr_buf_free(&q);
        return rc;
    }
    j = json_loadb(q.data, q.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (j && json_is_string(j))
        rc = gr__html_text(json_string_value(j), json_string_length(j), out);
    else
        rc = gr__html_text(s, n, out);   /* not valid JSON escapes: as written */
    json_decref(j);
    gr_buf_free(&q);
    return rc;
}

static const char *nz(const struct gr_buf *b) { return b->len ? b->data : NULL; }

static enum gr_rc profile_extract(const struct gr_doc *doc, struct gr_rows *out, char *reason, size_t rlen)
{
    const char *s = doc->text;
    size_t n = doc->len, ov[4];
    struct gr_buf name, wxid, desc, body, title, link;
    int64_t at = 0;
    bool have_at = false;
    json_t *ml = NULL;
    char *latest = NULL;
    enum gr_rc rc = GR_OK;

    gr_buf_init(&name, 4096);
    gr_buf_init(&wxid, 1024);
    gr_buf_init(&desc, 16384);
    gr_buf_init(&body, 4096);
    gr_buf_init(&title, 4096);
    gr_buf_init(&link, 64 * 1024);
    if (gr__re_match(&re_nick, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &name);
    if (!rc && gr__re_match(&re_account, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &wxid);
    if (!rc && gr__re_match(&re_desc, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &desc);
    if (!rc && gr__re_match(&re_body, s, n, 0, ov, 2) > 0)
        rc = group_text(s, ov, 1, &body);
    if (rc)
        goto out;
    if (!name.len || !wxid.len) {
        snprintf(reason, rlen, "profile page without %s", name.len ? "a WeChat id (微信号)" : "an account name");
        rc = GR_EDATA;
        goto out;
    }
    if (gr__re_match(&re_msglist, s, n, 0, ov, 2) > 0) {
        char jr[200];
        size_t i;
        json_t *it;
        ml = gr__json_parse(s + ov[2], ov[3] - ov[2], jr, sizeof jr);
        if (!ml) {
            snprintf(reason, rlen, "profile page msgList is not JSON: %s", jr);
            rc = GR_EDATA;
            goto out;
        }
        /* the newest message with a link */
        json_array_foreach(json_object_get(ml, "list"), i, it) {
            json_t *ext = json_object_get(it, "app_msg_ext_info"), *comm = json_object_get(it, "comm_msg_info");
            const char *t = gr__json_str(ext, "title"), *u = gr__json_str(ext, "content_url");
            int64_t dt;
            if (!t || !u || !*u || !gr__json_i64(comm, "datetime", &dt) || (have_at && dt <= at))
                continue;
            gr_buf_reset(&link);
            if ((rc = gr__html_unescape(u, strlen(u), &link)) || (rc = (gr_buf_reset(&title), gr__html_text(t, strlen(t), &title))))
                goto out;
            free(latest);
            latest = gr_url_resolve(doc->page->url, link.data);
            at = dt;
            have_at = true;
        }
    }
    {
        struct gr_row row;
        gr_row_begin(&row, out, GR_REC_DISCOVERED_ACCOUNT);
        gr_row_null(&row);
        gr_row_null(&row);
        gr_row_null(&row);
        gr_row_str(&row, wxid.data);
        gr_row_str(&row, name.data);
        gr_row_str(&row, nz(&body));
        gr_row_str(&row, nz(&desc));
        gr_row_str(&row, have_at ? nz(&title) : NULL);
        gr_row_str(&row, have_at ? latest : NULL);
        if (have_at)
            gr_row_time(&row, at);
        else
            gr_row_null(&row);
        gr_row_str(&row, doc->page->url);
        gr_row_null(&row);   /* the profile page gives no __biz */
        rc = gr_row_end(&row, doc->page);
    }
out:
    json_decref(ml);
    free(latest);
    gr_buf_free(&name);
    gr_buf_free(&wxid);
    gr_buf_free(&desc);
    gr_buf_free(&body);
    gr_buf_free(&title);
    gr_buf_free(&link);
    return rc;
}

enum { V_BIZ, V_CT, V_NICK, V_USER, V_TITLE, NV };

static enum gr_rc article_extract(const struct gr_doc *doc, struct gr_rows *out, char *reason, size_t rlen)
{
    static const char *const names[NV] = { "biz", "ct", "nickname", "user_name", "msg_title" };
    const char *s = doc->text;
    size_t n = doc->len, pos = 0, ov[6];
    struct gr_buf v[NV];
    int64_t ct = 0;
    bool have_ct = false;
    enum gr_rc rc = GR_OK;

    for (int k = 0; k < NV; k++)
        gr_buf_init(&v[k], 16384);
    for (int m; !rc && (m = gr__re_match(&re_jsvar, s, n, pos, ov, 3)) > 0; pos = ov[1]) {
        for (int k = 0; k < NV; k++)
            if (ov[3] - ov[2] == strlen(names[k]) && !memcmp(s + ov[2], names[k], ov[3] - ov[2]) && !v[k].len)
                rc = js_string(s + ov[4], ov[5] - ov[4], &v[k]);
    }
    if (rc)
        goto out;
    if (!v[V_USER].len || !v[V_BIZ].len) {
        snprintf(reason, rlen, "temporary article page without %s", v[V_USER].len ? "its __biz (var biz)" : "the account's WeChat id (var user_name)");
        rc = GR_EDATA;
        goto out;
    }
    have_ct = v[V_CT].len && gr_parse_i64(v[V_CT].data, &ct);
    {
        struct gr_row row;
        gr_row_begin(&row, out, GR_REC_DISCOVERED_ACCOUNT);
        gr_row_null(&row);
        gr_row_null(&row);
        gr_row_null(&row);
        gr_row_str(&row, v[V_USER].data);
        gr_row_str(&row, v[V_NICK].len ? v[V_NICK].data : v[V_USER].data);
        gr_row_null(&row);
        gr_row_null(&row);
        gr_row_str(&row, nz(&v[V_TITLE]));
        gr_row_str(&row, doc->page->url);
        if (have_ct)
            gr_row_time(&row, ct);
        else
            gr_row_null(&row);
        gr_row_null(&row);
        gr_row_str(&row, v[V_BIZ].data);
        rc = gr_row_end(&row, doc->page);
    }
out:
    for (int k = 0; k < NV; k++)
        gr_buf_free(&v[k]);
    return rc;
}

static enum gr_rc extract(const struct gr_doc *doc, enum gr_extract_path path, struct gr_rows *out, bool *decided,
                          char *reason, size_t rlen)
{
    size_t ov[2];
    (void)path;
    *decided = true;   /* one path: bounded regexes and JSON, for both */
    if (gr__re_match(&re_expired, doc->text, doc->len, 0, ov, 1) > 0) {
        snprintf(reason, rlen, "temporary link expired (链接已过期)");
        return GR_EDATA;
    }
    return strcmp(doc->kind, "sogou_profile") == 0 ? profile_extract(doc, out, reason, rlen)
                                                    : article_extract(doc, out, reason, rlen);
}

static const char *const hosts[] = { "mp.weixin.qq.com", NULL };

/* Their links carry a temporary signature that expires: fetched once. */
static const struct gr_kind sogou_profile_kinds[] = {
    { "sogou_profile", "0", false, "Sogou-linked profile page recrawl interval (0 = never: its signature expires)" },
    { "sogou_article", "0", false, "Sogou-linked article page recrawl interval (0 = never: its signature expires)" },
    { NULL, NULL, false, NULL },
};

const struct gr_source gr_source_sogou_profile = {
    .name = "sogou_profile",
    .kinds = sogou_profile_kinds,
    .patterns = patterns,
    .hosts = hosts,
    .discover = NULL,
    .extract = extract,
};
