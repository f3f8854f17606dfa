/* Pages: what each simulated site answers, shaped like the real pages
 * described in research/sources.md. Every function here is pure: the same
 * universe and request give the same bytes. */
#include "gr_util.h"
#include "sw.h"

#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PAGE_MAX ((size_t)8 << 20)

void sw_resp_init(struct sw_resp *r)
{
    memset(r, 0, sizeof *r);
    gr_buf_init(&r->head, PAGE_MAX);
    gr_buf_init(&r->tail, PAGE_MAX);
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
}

void sw_resp_free(struct sw_resp *r)
{
    if (!r)
        return;
    gr_buf_free(&r->head);
    gr_buf_free(&r->tail);
}

size_t sw_resp_len(const struct sw_resp *r) { return r->head.len + r->mid_len + r->tail.len; }

/* ---- escaping ------------------------------------------------------------------- */

enum gr_rc sw_put_html(struct gr_buf *b, const char *s)
{
    enum gr_rc rc = GR_OK;
    const char *run = s;
    for (; *s && !rc; s++) {
        const char *e = NULL;
        switch (*s) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: continue;
        }
        if ((rc = gr_buf_append(b, run, (size_t)(s - run))))
            break;
        rc = gr_buf_appends(b, e);
        run = s + 1;
    }
    if (!rc)
        rc = gr_buf_appends(b, run);
    return rc;
}

/* JSON string body (no quotes); also safe inside a JS "..." literal in <script>.
 * slash: write '/' as "\/" (PHP style, as the real WeChat JSON does). */
static enum gr_rc put_json_n(struct gr_buf *b, const char *s, size_t n, bool slash)
{
    enum gr_rc rc = GR_OK;
    const char *run = s, *end = s + n;
    char e[8];
    for (; s < end && !rc; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            snprintf(e, sizeof e, "\\%c", c);
        else if (c == '/' && slash)
            snprintf(e, sizeof e, "\\/");
        else if (c == '\n')
            snprintf(e, sizeof e, "\\n");
        else if (c < 0x20 || c == '<' || c == '>')
            snprintf(e, sizeof e, "\\u%04x", c);
        else
            continue;
        if ((rc = gr_buf_append(b, run, (size_t)(s - run))))
            break;
        rc = gr_buf_appends(b, e);
        run = s + 1;
    }
    if (!rc)
        rc = gr_buf_append(b, run, (size_t)(end - run));
    return rc;
}
enum gr_rc sw_put_json(struct gr_buf *b, const char *s) { return put_json_n(b, s, strlen(s), false); }

/* ---- forms and query strings --------------------------------------------------------- */

bool sw_form_get(const char *qs, size_t n, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key);
    const char *p = qs, *end = qs + n;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *fe = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(fe - p));
        if (eq && (size_t)(eq - p) == klen && memcmp(p, key, klen) == 0) {
            size_t o = 0;
            for (const char *v = eq + 1; v < fe; v++) {
                int c = (unsigned char)*v;
                if (c == '%' && fe - v >= 3 && gr_hexval(v[1]) >= 0 && gr_hexval(v[2]) >= 0) {
                    c = gr_hexval(v[1]) * 16 + gr_hexval(v[2]);
                    v += 2;
                }
                if (o + 1 >= outlen)
                    return false;
                out[o++] = (char)c;
            }
            out[o] = '\0';
            return true;
        }
        p = fe + 1;
    }
    return false;
}

static bool parse_i64(const char *s, int64_t *v)
{
    int64_t x = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || x > 922337203685477579LL)
            return false;
        x = x * 10 + (*s - '0');
    }
    *v = x;
    return true;
}

/* ---- GBK ------------------------------------------------------------------------------ */

enum gr_rc sw_to_gbk(const char *in, size_t n, struct gr_buf *out)
{
    /* GB18030 is GBK for every character GBK has, and encodes the rest too,
     * so a name from a target list never makes a page fail. */
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char tmp[8192];
    char *ip = (char *)(uintptr_t)in;
    size_t il = n;
    enum gr_rc rc = GR_OK;

    if (cd == (iconv_t)-1)
        return GR_EINTERNAL;
    while (il > 0) {
        char *op = tmp;
        size_t ol = sizeof tmp;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        if ((rc = gr_buf_append(out, tmp, (size_t)(op - tmp))))
            break;
        if (r == (size_t)-1 && op == tmp) {
            rc = GR_EDATA;
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

/* ---- robots.txt ---------------------------------------------------------------------- */

struct robots_rule {
    char host[64];
    char *body;
};
static struct robots_rule robots[16];
static size_t n_robots;

enum gr_rc sw_robots_set(const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof robots[0].host) {
        snprintf(err, errlen, "--robots %s: expected HOST=RULES", spec);
        return GR_EUSAGE;
    }
    if (n_robots == sizeof robots / sizeof robots[0]) {
        snprintf(err, errlen, "--robots: at most 16 hosts");
        return GR_EUSAGE;
    }
    struct robots_rule *r = &robots[n_robots];
    snprintf(r->host, sizeof r->host, "%.*s", (int)(eq - spec), spec);
    size_t n = strlen(eq + 1);
    r->body = malloc(n + 2);
    if (!r->body)
        return GR_ENOMEM;
    size_t o = 0;
    for (const char *p = eq + 1; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') {
            r->body[o++] = '\n';
            p++;
        } else {
            r->body[o++] = *p;
        }
    }
    if (o == 0 || r->body[o - 1] != '\n')
        r->body[o++] = '\n';
    r->body[o] = '\0';
    n_robots++;
    return GR_OK;
}

void sw_robots_free(void)
{
    for (size_t i = 0; i < n_robots; i++)
        free(robots[i].body);
    n_robots = 0;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void ymd(int64_t t, char *out, size_t n)
{
    sw_utc_format(t, false, out, n);
}

static bool pick_gbk(const struct sw_req *req)
{
    uint64_t h = sw_h2(sw_hash_str(req->path), sw_hash_str(req->query));
    return h % 100 < 5;
}

static enum gr_rc not_found(struct sw_resp *r)
{
    r->status = 404;
    r->ctype = "text/html; charset=utf-8";
    return gr_buf_appends(&r->head, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404 Not Found</title></head>"
                                    "<body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>\n");
}

/* Converts head and tail to GBK and switches the corpus slice to the GBK corpus. */
static enum gr_rc make_gbk(struct sw_resp *r)
{
    struct gr_buf h2, t2;
    enum gr_rc rc;
    gr_buf_init(&h2, PAGE_MAX);
    gr_buf_init(&t2, PAGE_MAX);
    if ((rc = sw_to_gbk(r->head.data ? r->head.data : "", r->head.len, &h2)) ||
        (rc = sw_to_gbk(r->tail.data ? r->tail.data : "", r->tail.len, &t2))) {
        gr_buf_free(&h2);
        gr_buf_free(&t2);
        return rc;
    }
    gr_buf_free(&r->head);
    gr_buf_free(&r->tail);
    r->head = h2;
    r->tail = t2;
    r->gbk = true;
    r->ctype = "text/html; charset=gbk";
    return GR_OK;
}

/* ---- WeChat ------------------------------------------------------------------------------ */

static const struct sw_wx *wx_find(const struct sw_universe *u, const char *biz)
{
    long i = sw_map_get(&u->wx_by_biz, biz);
    return i < 0 ? NULL : &u->wx[i];
}

static const char *const STRING_HTML_JS =
    "<script type=\"text/javascript\">String.prototype.html = function(encode) {\n"
    "  var replace = [\"&#39;\", \"'\", \"&quot;\", '\"', \"&nbsp;\", \" \", \"&gt;\", \">\", \"&lt;\", \"<\", \"&yen;\", \"\\u00a5\", \"&amp;\", \"&\"];\n"
    "  var target; if (encode) { target = replace.slice().reverse(); } else { target = replace; }\n"
    "  for (var i = 0, str = this; i < target.length; i += 2) { str = str.replace(new RegExp(target[i], 'g'), target[i + 1]); }\n"
    "  return str; };\n</script>\n";

static enum gr_rc wx_message_page(struct sw_resp *r, const char *title, const char *msg, const char *desc, bool weui)
{
    struct gr_buf *b = &r->head;
    enum gr_rc rc = gr_buf_appends(b,
        "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0\" />\n");
    if (!rc)
        rc = gr_buf_printf(b, "<title>%s</title>\n</head>\n<body class=\"zh_CN\">\n", title);
    if (!rc && weui)
        rc = gr_buf_printf(b, "<div class=\"weui-msg\">\n<div class=\"weui-msg__icon-area\"><i class=\"weui-icon-warn weui-icon_msg\"></i></div>\n"
                              "<div class=\"weui-msg__text-area\">\n<h2 class=\"weui-msg__title\">%s</h2>\n%s%s%s</div>\n</div>\n",
                           msg, desc ? "<p class=\"weui-msg__desc\">" : "", desc ? desc : "", desc ? "</p>\n" : "");
    else if (!rc)
        rc = gr_buf_printf(b, "<div class=\"page_msg\">\n<div class=\"inner\">\n<span class=\"msg_icon_wrp\"><i class=\"icon80_smile\"></i></span>\n"
                              "<div class=\"msg_content\">\n<div class=\"global_error_msg warn\">\n%s\n</div>\n</div>\n</div>\n</div>\n", msg);
    if (!rc)
        rc = gr_buf_appends(b, "</body>\n</html>\n");
    return rc;
}

static enum gr_rc wx_article_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    char biz[128], mids[32], idxs[16], sn[64], date[16];
    int64_t mid, idx;
    struct sw_push p;
    struct sw_article a;
    const struct sw_wx *acc;
    enum gr_rc rc;
    size_t qn = strlen(req->query);

    if (!sw_form_get(req->query, qn, "__biz", biz, sizeof biz) || !sw_form_get(req->query, qn, "mid", mids, sizeof mids) ||
        !sw_form_get(req->query, qn, "idx", idxs, sizeof idxs) || !parse_i64(mids, &mid) || !parse_i64(idxs, &idx) ||
        !(acc = wx_find(u, biz)) || !sw_wx_push_by_mid(u, acc, mid, &p) || idx < 1 || idx > p.k)
        return not_found(r);
    sw_wx_article(u, acc, &p, (int)idx, &a);
    if (sw_form_get(req->query, qn, "sn", sn, sizeof sn) && strcmp(sn, a.sn) != 0)
        return not_found(r);
    switch (a.status) {
    case SW_DELETED: return wx_message_page(r, "", "该内容已被发布者删除", NULL, false);
    case SW_BLOCKED: return wx_message_page(r, "", "此帐号已被屏蔽, 内容无法查看", NULL, false);
    case SW_EXPIRED: return wx_message_page(r, "", "链接已过期", NULL, true);
    case SW_VERIFY:
        if (a.h & 1)
            return wx_message_page(r, "验证", "你的访问过于频繁，需要从微信打开验证身份，是否需要继续访问当前页面", NULL, true);
        return wx_message_page(r, "环境异常", "环境异常", "完成验证后即可继续访问", true);
    default: break;
    }
    bool gbk = pick_gbk(req);
    struct gr_buf *b = &r->head;
    ymd(p.ct + 8 * 3600, date, sizeof date);
    rc = gr_buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n"
                          "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0\" />\n"
                          "<meta name=\"apple-mobile-web-app-capable\" content=\"yes\">\n<meta name=\"format-detection\" content=\"telephone=no\">\n"
                          "<meta property=\"og:title\" content=\"",
                       gbk ? "gbk" : "utf-8");
    if (!rc) rc = sw_put_html(b, a.title);
    if (!rc) rc = gr_buf_printf(b, "\" />\n<meta property=\"og:url\" content=\"http://mp.weixin.qq.com/s?__biz=%s&amp;mid=%lld&amp;idx=%d&amp;sn=%s#rd\" />\n"
                                   "<meta property=\"og:description\" content=\"", biz, (long long)mid, a.idx, a.sn);
    if (!rc) rc = sw_put_html(b, a.digest);
    if (!rc) rc = gr_buf_appends(b, "\" />\n<title>");
    if (!rc) rc = sw_put_html(b, a.title);
    if (!rc) rc = gr_buf_appends(b, "</title>\n");
    if (!rc) rc = gr_buf_appends(b, STRING_HTML_JS);
    if (!rc) rc = gr_buf_appends(b, "<style>.rich_media_title{font-size:24px;} .rich_media_content{overflow:hidden;color:#3e3e3e;}</style>\n"
                                    "</head>\n<body id=\"activity-detail\" class=\"zh_CN mm_appmsg\" ontouchstart=\"\">\n"
                                    "<div id=\"js_article\" class=\"rich_media\">\n<div id=\"js_top_ad_area\" class=\"top_banner\"></div>\n"
                                    "<div class=\"rich_media_inner\">\n<div id=\"page-content\" class=\"rich_media_area_primary\">\n"
                                    "<h2 class=\"rich_media_title\" id=\"activity-name\">\n                    ");
    if (!rc) rc = sw_put_html(b, a.title);
    if (!rc) rc = gr_buf_printf(b, "\n                </h2>\n<div id=\"meta_content\" class=\"rich_media_meta_list\">\n"
                                   "<em id=\"post-date\" class=\"rich_media_meta rich_media_meta_text\">%s</em>\n"
                                   "<a class=\"rich_media_meta rich_media_meta_link rich_media_meta_nickname\" href=\"##\" id=\"post-user\">", date);
    if (!rc) rc = sw_put_html(b, acc->name);
    if (!rc) rc = gr_buf_appends(b, "</a>\n<span class=\"rich_media_meta rich_media_meta_text rich_media_meta_nickname\">");
    if (!rc) rc = sw_put_html(b, acc->name);
    if (!rc) rc = gr_buf_appends(b, "</span>\n</div>\n<div class=\"rich_media_content \" id=\"js_content\">\n");
    if (rc)
        return rc;
    const int c = gbk ? 1 : 0;
    r->mid_ptr = u->corpus[c] + u->par_off[c][a.par_first];
    r->mid_len = u->par_off[c][a.par_first + a.par_count] - u->par_off[c][a.par_first];

    struct gr_buf *t = &r->tail;
    rc = gr_buf_appends(t, "</div>\n<script type=\"text/javascript\">var first_sceen__time = (+new Date());</script>\n");
    if (!rc && a.footer2014) {
        char rd[32];
        int64_t shown = sw_read_shown(a.reads);
        if (shown > 100000)
            snprintf(rd, sizeof rd, "%s", a.wan_cap ? "10万+" : "100000+");
        else
            snprintf(rd, sizeof rd, "%lld", (long long)shown);
        rc = gr_buf_printf(t, "<div class=\"rich_media_tool\" id=\"js_toobar\">\n"
                              "<div id=\"js_read_area\" class=\"media_tool_meta tips_global meta_primary\"><em style=\"color:#8c8c8c;font-style:normal;\" id=\"readNum\">阅读 %s</em></div>\n"
                              "<span class=\"media_tool_meta meta_primary tips_global meta_praise\" id=\"like\"><i class=\"icon_praise_gray\"></i><span class=\"praise_num\" id=\"likeNum\">%lld</span></span>\n"
                              "<a id=\"js_report_article\" class=\"media_tool_meta tips_global meta_extra\" href=\"##\">举报</a>\n</div>\n",
                           rd, (long long)a.likes);
    } else if (!rc) {
        rc = gr_buf_appends(t, "<div class=\"rich_media_tool\" id=\"js_toobar3\">\n"
                               "<div id=\"js_read_area3\" class=\"media_tool_meta tips_global meta_primary\" style=\"display:none;\">阅读 <span id=\"readNum3\"></span></div>\n"
                               "<span style=\"display:none;\" class=\"media_tool_meta meta_extra meta_praise\" id=\"like3\"><i class=\"icon_praise_gray\"></i><span class=\"praise_num\" id=\"likeNum3\"></span></span>\n"
                               "<a id=\"js_report_article3\" style=\"display:none;\" class=\"media_tool_meta tips_global meta_extra\" href=\"##\">投诉</a>\n</div>\n");
    }
    if (!rc) rc = gr_buf_appends(t, "</div>\n</div>\n</div>\n<script type=\"text/javascript\">\n    var biz = \"\" || \"");
    if (!rc) rc = sw_put_json(t, biz);
    if (!rc) rc = gr_buf_printf(t, "\";\n    var sn = \"\" || \"\" || \"%s\";\n    var mid = \"\" || \"\" || \"%lld\";\n    var idx = \"\" || \"\" || \"%d\";\n",
                                a.sn, (long long)mid, a.idx);
    if (!rc) rc = gr_buf_appends(t, "    var nickname = \"");
    if (!rc) rc = sw_put_json(t, acc->name);
    if (!rc) rc = gr_buf_printf(t, "\";\n    var user_name = \"%s\";\n    var ct = \"%lld\";\n    var publish_time = \"%s\" || \"\";\n    var msg_title = \"",
                                acc->user_name, (long long)p.ct, date);
    if (!rc) rc = sw_put_json(t, a.title);
    if (!rc) rc = gr_buf_appends(t, "\";\n    var msg_desc = \"");
    if (!rc) rc = sw_put_json(t, a.digest);
    if (!rc) rc = gr_buf_printf(t, "\";\n    var msg_cdn_url = \"http://mmbiz.qpic.cn/mmbiz/%016llx/0?wx_fmt=jpeg\";\n    var msg_link = \"\";\n"
                                   "    var msg_source_url = '';\n    var appmsgid = '' || '' || \"%lld\";\n"
                                   "    var comment_id = \"%llu\" || \"%llu\" * 1;\n    var copyright_stat = \"0\" * 1;\n"
                                   "    var read_num = \"\" * 1;\n    var like_num = \"\" * 1;\n</script>\n</body>\n</html>\n",
                                (unsigned long long)sw_mix(a.h ^ 77), (long long)mid,
                                (unsigned long long)(sw_mix(a.h ^ 78) % 3000000000ULL),
                                (unsigned long long)(sw_mix(a.h ^ 78) % 3000000000ULL));
    if (!rc && gbk)
        rc = make_gbk(r);
    return rc;
}

static enum gr_rc wx_appmsgext(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    char biz[128], mids[32], idxs[16], sn[64];
    int64_t mid, idx;
    struct sw_push p;
    struct sw_article a;
    const struct sw_wx *acc;
    const char *src = req->body_len ? req->body : req->query;
    size_t n = req->body_len ? req->body_len : strlen(req->query);
    bool ok = true;

    r->ctype = "application/json; charset=UTF-8";
    /* Fields may come in the body (the usual form) or in the query string. */
    if (!sw_form_get(src, n, "__biz", biz, sizeof biz) && !sw_form_get(req->query, strlen(req->query), "__biz", biz, sizeof biz))
        ok = false;
    if (ok && !sw_form_get(src, n, "mid", mids, sizeof mids) && !sw_form_get(req->query, strlen(req->query), "mid", mids, sizeof mids))
        ok = false;
    if (ok && !sw_form_get(src, n, "idx", idxs, sizeof idxs) && !sw_form_get(req->query, strlen(req->query), "idx", idxs, sizeof idxs))
        ok = false;
    if (ok && (!parse_i64(mids, &mid) || !parse_i64(idxs, &idx) || !(acc = wx_find(u, biz)) ||
               !sw_wx_push_by_mid(u, acc, mid, &p) || idx < 1 || idx > p.k))
        ok = false;
    if (ok) {
        sw_wx_article(u, acc, &p, (int)idx, &a);
        if ((sw_form_get(src, n, "sn", sn, sizeof sn) || sw_form_get(req->query, strlen(req->query), "sn", sn, sizeof sn)) &&
            strcmp(sn, a.sn) != 0)
            ok = false;
        else if (a.status != SW_OK)
            ok = false;
    }
    if (!ok)
        return gr_buf_appends(&r->head, "{\"base_resp\":{\"ret\":-1,\"errmsg\":\"no data\"}}");
    return gr_buf_printf(&r->head,
                         "{\"advertisement_num\":0,\"advertisement_info\":[],\"appmsgstat\":{\"show\":true,\"is_login\":true,"
                         "\"liked\":false,\"read_num\":%lld,\"like_num\":%lld,\"ret\":0,\"real_read_num\":0,\"version\":1,"
                         "\"prompted\":1,\"like_disabled\":false,\"style\":1,\"old_like_num\":%lld},\"comment_enabled\":1,"
                         "\"reward_head_imgs\":[],\"only_fans_can_comment\":false,\"is_ios_reward_open\":0,"
                         "\"base_resp\":{\"wxtoken\":%llu}}",
                         (long long)sw_read_shown(a.reads), (long long)a.likes, (long long)a.likes,
                         (unsigned long long)(sw_mix(a.h ^ 99) % 4000000000ULL));
}

/* The inner general_msg_list / msgList JSON for pushes[from, to). */
static enum gr_rc wx_msg_list(const struct sw_universe *u, const struct sw_wx *acc, const struct sw_push *ps, int from,
                              int to, struct gr_buf *b)
{
    enum gr_rc rc = gr_buf_appends(b, "{\"list\":[");
    for (int i = from; !rc && i < to; i++) {
        const struct sw_push *p = &ps[i];
        for (int idx = 1; !rc && idx <= p->k; idx++) {
            struct sw_article a;
            sw_wx_article(u, acc, p, idx, &a);
            if (idx == 1) {
                rc = gr_buf_printf(b, "%s{\"comm_msg_info\":{\"id\":%lld,\"type\":49,\"datetime\":%lld,\"fakeid\":\"%llu\",\"status\":2,\"content\":\"\"},"
                                      "\"app_msg_ext_info\":{",
                                   i > from ? "," : "", (long long)p->msgid, (long long)p->ct,
                                   (unsigned long long)(acc->h % 4000000000ULL));
            } else {
                rc = gr_buf_appends(b, idx == 2 ? "\"multi_app_msg_item_list\":[{" : ",{");
            }
            if (!rc) rc = gr_buf_appends(b, "\"title\":\"");
            if (!rc) rc = put_json_n(b, a.title, strlen(a.title), true);
            if (!rc) rc = gr_buf_appends(b, "\",\"digest\":\"");
            if (!rc) rc = put_json_n(b, a.digest, strlen(a.digest), true);
            if (!rc) rc = gr_buf_appends(b, "\",\"content_url\":\"http:\\/\\/mp.weixin.qq.com\\/s?__biz=");
            if (!rc) rc = put_json_n(b, acc->biz, strlen(acc->biz), true);
            if (!rc) rc = gr_buf_printf(b, "&amp;mid=%lld&amp;idx=%d&amp;sn=%s#rd\",\"source_url\":\"\","
                                           "\"cover\":\"http:\\/\\/mmbiz.qpic.cn\\/mmbiz\\/%016llx\\/0?wx_fmt=jpeg\",\"author\":\"\","
                                           "\"copyright_stat\":100,\"del_flag\":1,\"fileid\":%llu",
                                        (long long)p->mid, idx, a.sn, (unsigned long long)sw_mix(a.h ^ 77),
                                        (unsigned long long)(sw_mix(a.h ^ 79) % 600000000ULL));
            if (!rc && idx == 1)
                rc = gr_buf_printf(b, ",\"is_multi\":%d,\"subtype\":9,\"item_show_type\":0%s", p->k > 1 ? 1 : 0,
                                   p->k > 1 ? "," : ",\"multi_app_msg_item_list\":[]}}");
            else if (!rc)
                rc = gr_buf_appends(b, "}");
            if (!rc && idx == p->k && p->k > 1)
                rc = gr_buf_appends(b, "]}}");
        }
    }
    if (!rc)
        rc = gr_buf_appends(b, "]}");
    return rc;
}

static enum gr_rc wx_profile(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    char biz[128], action[32], tmp[32];
    const struct sw_wx *acc;
    struct sw_push ps[30];
    size_t qn = strlen(req->query);
    int64_t offset = 0, count = 10;
    struct gr_buf inner;
    enum gr_rc rc;

    if (!sw_form_get(req->query, qn, "__biz", biz, sizeof biz) || !(acc = wx_find(u, biz)) ||
        !sw_form_get(req->query, qn, "action", action, sizeof action))
        return not_found(r);
    int n = sw_wx_pushes(u, acc, ps);
    gr_buf_init(&inner, PAGE_MAX);
    if (strcmp(action, "getmsg") == 0) {
        if (sw_form_get(req->query, qn, "offset", tmp, sizeof tmp) && !parse_i64(tmp, &offset))
            offset = 0;
        if (sw_form_get(req->query, qn, "count", tmp, sizeof tmp) && (!parse_i64(tmp, &count) || count < 1 || count > 10))
            count = 10;
        int from = offset > n ? n : (int)offset;
        int to = from + (int)count > n ? n : from + (int)count;
        r->ctype = "application/json; charset=UTF-8";
        rc = wx_msg_list(u, acc, ps, from, to, &inner);
        if (!rc) rc = gr_buf_printf(&r->head, "{\"ret\":0,\"errmsg\":\"ok\",\"msg_count\":%d,\"can_msg_continue\":%d,\"general_msg_list\":\"",
                                    to - from, to < n ? 1 : 0);
        if (!rc) rc = put_json_n(&r->head, inner.data, inner.len, false);
        if (!rc) rc = gr_buf_printf(&r->head, "\",\"next_offset\":%d,\"video_count\":1,\"use_video_tab\":1,\"real_type\":0,\"home_page_list\":[]}",
                                    to);
    } else if (strcmp(action, "home") == 0) {
        bool gbk = pick_gbk(req);
        int to = n < 10 ? n : 10;
        struct gr_buf *b = &r->head;
        rc = wx_msg_list(u, acc, ps, 0, to, &inner);
        if (!rc) rc = gr_buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n"
                                       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1.0,maximum-scale=1.0,user-scalable=0\" />\n<title>",
                                    gbk ? "gbk" : "utf-8");
        if (!rc) rc = sw_put_html(b, acc->name);
        if (!rc) rc = gr_buf_appends(b, "</title>\n");
        if (!rc) rc = gr_buf_appends(b, STRING_HTML_JS);
        if (!rc) rc = gr_buf_printf(b, "</head>\n<body id=\"\" class=\"zh_CN \">\n<div class=\"profile_info_area\">\n<div class=\"profile_info_group\">\n"
                                       "<span class=\"radius_avatar profile_avatar\"><img src=\"http://wx.qlogo.cn/mmhead/%016llx/0\" id=\"icon\"></span>\n"
                                       "<div class=\"profile_info\">\n<strong class=\"profile_nickname\" id=\"nickname\">\n",
                                    (unsigned long long)acc->h);
        if (!rc) rc = sw_put_html(b, acc->name);
        if (!rc) rc = gr_buf_appends(b, "\n</strong>\n");
        if (!rc && acc->verified_body && *acc->verified_body) {
            rc = gr_buf_appends(b, "<p class=\"profile_desc\">");
            if (!rc) rc = sw_put_html(b, acc->verified_body);
            if (!rc) rc = gr_buf_appends(b, "官方微信公众号</p>\n<span class=\"profile_verify\"><i class=\"icon_verify success\">&nbsp;</i>");
            if (!rc) rc = sw_put_html(b, acc->verified_body);
            if (!rc) rc = gr_buf_appends(b, "</span>\n");
        }
        if (!rc) rc = gr_buf_appends(b, "</div>\n</div>\n</div>\n<div class=\"weui_panel weui_panel_access\" id=\"js_profile_history_container\">\n"
                                        "<div class=\"weui_panel_hd\">已无更多</div>\n<div id=\"js_history_list\"></div>\n</div>\n"
                                        "<script type=\"text/javascript\">\n    var nickname = \"");
        if (!rc) rc = sw_put_json(b, acc->name);
        if (!rc) rc = gr_buf_appends(b, "\".html(false) || \"\";\n    var __biz = \"");
        if (!rc) rc = sw_put_json(b, acc->biz);
        if (!rc) rc = gr_buf_printf(b, "\";\n    var username = \"\" || \"%s\";\n    var msgList = '", acc->user_name);
        if (!rc) rc = sw_put_html(b, inner.data);
        if (!rc) rc = gr_buf_printf(b, "';\n    var can_msg_continue = '%d' * 1;\n    var is_ok = '1' * 1;\n"
                                       "    var appmsg_token = \"%llu_%016llx\";\n</script>\n</body>\n</html>\n",
                                    n > to ? 1 : 0, (unsigned long long)(u->cur_abs % 1000),
                                    (unsigned long long)sw_mix(acc->h ^ (uint64_t)u->cur_abs));
        if (!rc && gbk)
            rc = make_gbk(r);
    } else {
        rc = not_found(r);
    }
    gr_buf_free(&inner);
    return rc;
}

/* ---- Tencent Weibo ---------------------------------------------------------------------------- */

static const struct sw_tw *tw_find(const struct sw_universe *u, const char *q)
{
    char name[128];
    if (!sw_form_get(q, strlen(q), "name", name, sizeof name))
        return NULL;
    long i = sw_map_get(&u->tw_by_name, name);
    return i < 0 ? NULL : &u->tw[i];
}

static enum gr_rc tw_user(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    const struct sw_tw *t = tw_find(u, req->query);
    struct gr_buf *b = &r->head;
    enum gr_rc rc;

    r->ctype = "application/json; charset=utf-8";
    if (!t)
        return gr_buf_appends(b, "{\"data\":null,\"errcode\":-101,\"msg\":\"user not exist\",\"ret\":4,\"seqid\":0}");
    if (t->nulldata)
        return gr_buf_printf(b, "{\"data\":null,\"errcode\":0,\"msg\":\"ok\",\"ret\":0,\"seqid\":%llu}",
                             (unsigned long long)(sw_mix(t->h ^ (uint64_t)u->cur_abs) % 10000000000000ULL));
    rc = gr_buf_printf(b, "{\"data\":{\"birth_day\":0,\"birth_month\":0,\"birth_year\":0,\"city_code\":\"\",\"comp\":null,"
                          "\"country_code\":\"1\",\"edu\":null,\"email\":\"\",\"exp\":%d,\"fansnum\":%lld,\"favnum\":0,"
                          "\"head\":\"http://app.qlogo.cn/mbloghead/%016llx\",\"homecity_code\":\"\",\"homecountry_code\":\"\","
                          "\"homepage\":\"\",\"homeprovince_code\":\"\",\"hometown_code\":\"\",\"idolnum\":%lld,\"industry_code\":0,"
                          "\"introduction\":\"",
                       (int)(t->h % 5000), (long long)sw_tw_followers(u, t), (unsigned long long)t->h,
                       (long long)sw_tw_following(u, t));
    if (!rc) rc = sw_put_json(b, t->nick);
    if (!rc) rc = gr_buf_appends(b, t->civil ? "\",\"isent\":0" : "官方微博\",\"isent\":0");
    if (!rc) rc = gr_buf_printf(b, ",\"ismyblack\":0,\"ismyfans\":0,\"ismyidol\":0,\"isrealname\":2,\"isvip\":%d,\"level\":%d,"
                                   "\"location\":\"\",\"mutual_fans_num\":0,\"name\":\"",
                                t->civil ? 0 : 1, (int)(t->h % 10) + 1);
    if (!rc) rc = sw_put_json(b, t->account);
    if (!rc) rc = gr_buf_appends(b, "\",\"nick\":\"");
    if (!rc) rc = sw_put_json(b, t->nick);
    if (!rc) rc = gr_buf_printf(b, "\",\"openid\":\"%016llX%016llX\",\"province_code\":\"%d\",\"regtime\":%lld,\"send_private_flag\":2,"
                                   "\"sex\":0,\"tag\":null,\"tweetnum\":%lld,\"verifyinfo\":\"",
                                (unsigned long long)sw_mix(t->h ^ 1), (unsigned long long)sw_mix(t->h ^ 2),
                                11 + (int)(t->h % 50), (long long)(1280000000 + (int64_t)(t->h % 100000000)),
                                (long long)sw_tw_tweetnum(u, t));
    if (!rc && !t->civil) rc = sw_put_json(b, t->nick);
    if (!rc) rc = gr_buf_printf(b, "\"},\"errcode\":0,\"msg\":\"ok\",\"ret\":0,\"seqid\":%llu}",
                                (unsigned long long)(sw_mix(t->h ^ (uint64_t)u->cur_abs) % 10000000000000ULL));
    return rc;
}

static enum gr_rc tw_post_json(const struct sw_universe *u, const struct sw_tw *t, const struct sw_post *p, struct gr_buf *b,
                               struct gr_buf *text)
{
    enum gr_rc rc;
    gr_buf_reset(text);
    if ((rc = sw_tw_post_text(u, t, p, text)))
        return rc;
    rc = gr_buf_printf(b, "{\"city_code\":\"\",\"count\":%lld,\"country_code\":\"1\",\"emotiontype\":0,\"emotionurl\":\"\","
                          "\"from\":\"腾讯微博\",\"fromurl\":\"http://t.qq.com\\n\",\"geo\":\"\",\"head\":\"http://app.qlogo.cn/mbloghead/%016llx\","
                          "\"id\":\"%s\",\"image\":null,\"isrealname\":2,\"isvip\":%d,\"jing\":\"0\",\"latitude\":\"0\",\"location\":\"\","
                          "\"longitude\":\"0\",\"mcount\":%lld,\"music\":null,\"name\":\"",
                       (long long)p->count, (unsigned long long)t->h, p->id, t->civil ? 0 : 1, (long long)p->mcount);
    if (!rc) rc = sw_put_json(b, t->account);
    if (!rc) rc = gr_buf_appends(b, "\",\"nick\":\"");
    if (!rc) rc = sw_put_json(b, t->nick);
    if (!rc) rc = gr_buf_appends(b, "\",\"origtext\":\"");
    if (!rc) rc = sw_put_json(b, text->data);
    if (!rc) rc = gr_buf_appends(b, "\",\"self\":0,\"source\":null,\"status\":0,\"text\":\"");
    if (!rc) rc = sw_put_json(b, text->data);
    if (!rc) rc = gr_buf_printf(b, "\",\"timestamp\":%lld,\"type\":%d,\"video\":null,\"wei\":\"0\"}", (long long)p->ts, p->type);
    return rc;
}

static enum gr_rc tw_timeline(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    const struct sw_tw *t = tw_find(u, req->query);
    char tmp[32];
    int64_t reqnum = 20, pageflag = 0, pagetime = 0;
    size_t qn = strlen(req->query);
    struct sw_post day[64];
    struct gr_buf *b = &r->head, text;
    enum gr_rc rc = GR_OK;
    int emitted = 0, total = 0;
    bool more = false;

    r->ctype = "application/json; charset=utf-8";
    if (!t)
        return gr_buf_appends(b, "{\"data\":null,\"errcode\":-101,\"msg\":\"user not exist\",\"ret\":4,\"seqid\":0}");
    if (sw_form_get(req->query, qn, "reqnum", tmp, sizeof tmp) && (!parse_i64(tmp, &reqnum) || reqnum < 1))
        reqnum = 20;
    if (reqnum > 70)
        reqnum = 70;
    if (sw_form_get(req->query, qn, "pageflag", tmp, sizeof tmp) && !parse_i64(tmp, &pageflag))
        pageflag = 0;
    if (sw_form_get(req->query, qn, "pagetime", tmp, sizeof tmp) && !parse_i64(tmp, &pagetime))
        pagetime = 0;
    gr_buf_init(&text, 1 << 16);
    /* Window posts, newest first; pageflag 1: older than pagetime; 2: newer than pagetime. */
    rc = gr_buf_appends(b, "{\"data\":{\"hasnext\":1,\"info\":[");
    size_t hn_at = b->len - 10;   /* the 1 of "hasnext":1 */
    if (pageflag == 2) {
        /* Collect the reqnum posts just newer than pagetime, then print newest first. */
        struct sw_post *sel = calloc((size_t)reqnum, sizeof *sel);
        int ns = 0;
        if (!sel) {
            rc = GR_ENOMEM;
            goto out;
        }
        for (int64_t d = sw_tw_window_first(u); d <= u->cur_abs && !more; d++) {
            int n = sw_tw_posts_on(u, t, d, day, 64);
            for (int j = 0; j < n; j++) {
                if (day[j].ts <= pagetime)
                    continue;
                if (ns == reqnum) {
                    more = true;
                    break;
                }
                sel[ns++] = day[j];
            }
        }
        for (int j = ns - 1; !rc && j >= 0; j--) {
            if (emitted++ && (rc = gr_buf_appendc(b, ',')))
                break;
            rc = tw_post_json(u, t, &sel[j], b, &text);
        }
        free(sel);
    } else {
        for (int64_t d = u->cur_abs; d >= sw_tw_window_first(u) && !rc && !more; d--) {
            int n = sw_tw_posts_on(u, t, d, day, 64);
            for (int j = n - 1; j >= 0 && !rc; j--) {
                if (pageflag == 1 && day[j].ts >= pagetime)
                    continue;
                if (emitted == reqnum) {
                    more = true;
                    break;
                }
                if (emitted++ && (rc = gr_buf_appendc(b, ',')))
                    break;
                rc = tw_post_json(u, t, &day[j], b, &text);
            }
        }
    }
    for (int64_t d = u->cur_abs; d >= sw_tw_window_first(u); d--)
        total += sw_tw_posts_on(u, t, d, day, 64);
    if (!rc) rc = gr_buf_printf(b, "],\"timestamp\":%lld,\"totalnum\":%d,\"user\":{\"", (long long)(u->cur_abs * 86400 + 86399), total);
    if (!rc) rc = sw_put_json(b, t->account);
    if (!rc) rc = gr_buf_appends(b, "\":\"");
    if (!rc) rc = sw_put_json(b, t->nick);
    if (!rc) rc = gr_buf_printf(b, "\"}},\"errcode\":0,\"msg\":\"ok\",\"ret\":0,\"seqid\":%llu}",
                                (unsigned long long)(sw_mix(t->h ^ (uint64_t)u->cur_abs ^ (uint64_t)pagetime) % 10000000000000ULL));
    if (!rc && more)
        b->data[hn_at] = '0';
out:
    gr_buf_free(&text);
    return rc;
}

/* ---- stores ------------------------------------------------------------------------------------- */

bool sw_listing_token(int store, const char *path, const char *query, char *out, size_t n)
{
    const char *p = NULL, *e;
    size_t len;
    switch (store) {
    case SW_S360:
        if (strncmp(path, "/detail/index/soft_id/", 22) != 0)
            return false;
        p = path + 22;
        len = strspn(p, "0123456789");
        if (!len || (p[len] && p[len] != '/'))
            return false;
        break;
    case SW_S91:
        if (strncasecmp(path, "/Soft/Android/", 14) != 0)
            return false;
        p = path + 14;
        e = strstr(p, ".html");
        if (!e || e[5])
            return false;
        len = (size_t)(e - p);
        break;
    case SW_SYYB:
        if (strcmp(path, "/myapp/detail.htm") != 0)
            return false;
        return sw_form_get(query, strlen(query), "apkName", out, n) && *out;
    case SW_SBAIDU:
        if (strncmp(path, "/software/", 10) == 0)
            p = path + 10;
        else if (strncmp(path, "/game/", 6) == 0)
            p = path + 6;
        else
            return false;
        e = strstr(p, ".html");
        if (!e || e[5])
            return false;
        len = (size_t)(e - p);
        break;
    case SW_SWDJ:
        if (strncmp(path, "/apps/", 6) != 0)
            return false;
        p = path + 6;
        len = strlen(p);
        if (len && p[len - 1] == '/')
            len--;
        if (memchr(p, '/', len))
            return false;
        break;
    case SW_SAPPSTORE:
        if (strcmp(path, "/lookup") != 0)
            return false;
        return sw_form_get(query, strlen(query), "id", out, n) && *out;
    default:
        return false;
    }
    if (!len || len >= n)
        return false;
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* Display variants (listing->variant, 0-99). */
#define V_FULLWIDTH(v) ((v) < 5)
#define V_NBSP(v)      ((v) >= 5 && (v) < 10)
#define V_COMMAS(v)    ((v) >= 10 && (v) < 15)
#define V_COMMENT(v)   ((v) >= 15 && (v) < 20)

static void commas(int64_t n, char *out, size_t len)
{
    char d[32];
    int k = snprintf(d, sizeof d, "%lld", (long long)n), o = 0;
    for (int i = 0; i < k && (size_t)o + 2 < len; i++) {
        if (i && (k - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = d[i];
    }
    out[o] = '\0';
}

/* The download count as the store writes it (number part only) and the exact
 * integer it implies. False when the page shows no number (少量人). */
bool sw_listing_display(const struct sw_universe *u, const struct sw_listing *l, char *out, size_t n, int64_t *implied)
{
    int64_t c = sw_listing_count(u, l);
    int v = l->variant;
    if (c < 0)
        return false;
    if (V_COMMAS(v) && (l->store == SW_S360 || l->store == SW_S91 || l->store == SW_SBAIDU)) {
        commas(c, out, n);
        *implied = c;
        return true;
    }
    bool yi = c >= 100000000 && l->store != SW_S91 && (l->store != SW_S360 || c >= 1000000000);
    if (l->store == SW_SWDJ && c < 2000) {
        snprintf(out, n, "少量人");
        return false;
    }
    if (c < 10000) {
        snprintf(out, n, "%lld", (long long)c);
        *implied = c;
    } else if (yi) {
        int64_t t = c / 10000000;      /* tenths of 亿 */
        snprintf(out, n, "%lld.%lld亿", (long long)(t / 10), (long long)(t % 10));
        *implied = t * 10000000;
    } else if ((l->store == SW_SWDJ && c < 100000000) || ((l->store == SW_SYYB || l->store == SW_SBAIDU) && c < 100000)) {
        int64_t t = c / 1000;          /* tenths of 万 */
        snprintf(out, n, "%lld.%lld万", (long long)(t / 10), (long long)(t % 10));
        *implied = t * 1000;
    } else {
        snprintf(out, n, "%lld万", (long long)(c / 10000));
        *implied = c / 10000 * 10000;
    }
    return true;
}

/* Writes the display number with the listing's variant applied. */
static enum gr_rc put_count(struct gr_buf *b, const struct sw_listing *l, const char *num)
{
    enum gr_rc rc = GR_OK;
    if (V_NBSP(l->variant))
        rc = gr_buf_appends(b, "&nbsp;");
    if (!rc && V_COMMENT(l->variant) && l->store == SW_S360)
        rc = gr_buf_appends(b, "<!-- dl -->");
    if (!rc && V_FULLWIDTH(l->variant)) {
        for (const char *p = num; *p && !rc; p++) {
            if (*p >= '0' && *p <= '9') {
                char fw[4] = { (char)0xef, (char)0xbc, (char)(0x90 + (*p - '0')), 0 };
                rc = gr_buf_appends(b, fw);
            } else {
                rc = gr_buf_appendc(b, *p);
            }
        }
    } else if (!rc) {
        rc = gr_buf_appends(b, num);
    }
    return rc;
}

static enum gr_rc store_page(const struct sw_universe *u, int store, const struct sw_req *req, struct sw_resp *r)
{
    char tok[512], key[600], num[64], date[16];
    int64_t implied = 0;
    if (!sw_listing_token(store, req->path, req->query, tok, sizeof tok))
        return not_found(r);
    snprintf(key, sizeof key, "%d:%s", store, tok);
    long li = sw_map_get(&u->ls_by_token, key);
    const struct sw_listing *l = li < 0 ? NULL : &u->ls[li];
    const struct sw_app *app = l ? &u->apps[l->app] : NULL;
    struct gr_buf *b = &r->head;
    enum gr_rc rc = GR_OK;

    if (store == SW_SAPPSTORE) {
        r->ctype = "text/javascript; charset=utf-8";
        if (!l || l->gone)
            return gr_buf_appends(b, "\n\n\n{\n \"resultCount\":0,\n \"results\": []\n}\n\n\n");
        int64_t rc_n = sw_listing_count(u, l);
        ymd((l->h % 100000000) + 1300000000, date, sizeof date);
        rc = gr_buf_printf(b, "\n\n\n{\n \"resultCount\":1,\n \"results\": [\n{\"isGameCenterEnabled\":false, \"screenshotUrls\":[], "
                              "\"artworkUrl60\":\"http://a1.mzstatic.com/us/r30/Purple/v4/%016llx/AppIcon60x60.png\", "
                              "\"kind\":\"software\", \"features\":[], \"supportedDevices\":[\"iPhone4S\"], \"trackId\":%s, \"trackName\":\"",
                           (unsigned long long)l->h, l->token);
        if (!rc) rc = sw_put_json(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "\", \"bundleId\":\"");
        if (!rc) rc = sw_put_json(b, app->package);
        if (!rc) rc = gr_buf_printf(b, "\", \"releaseDate\":\"%sT08:00:00Z\", \"currentVersionReleaseDate\":\"%sT08:00:00Z\", "
                                       "\"version\":\"%d.%d.%d\", \"primaryGenreName\":\"Utilities\", \"price\":0.00, "
                                       "\"formattedPrice\":\"免费\", \"currency\":\"CNY\", \"fileSizeBytes\":\"%llu\", \"artistName\":\"",
                                    date, date, 1 + (int)(l->h % 4), (int)(l->h >> 8) % 10, (int)(l->h >> 16) % 10,
                                    (unsigned long long)(5000000 + l->h % 50000000));
        if (!rc) rc = sw_put_json(b, app->name);
        if (!rc && rc_n >= 0) {
            int avg = 100 + (int)(sw_mix(l->h ^ 0xAB) % 401);     /* hundredths, 1.00-5.00 */
            rc = gr_buf_printf(b, "\", \"averageUserRating\":%d.%02d, \"averageUserRatingForCurrentVersion\":%d.%02d, "
                                  "\"userRatingCount\":%lld, \"userRatingCountForCurrentVersion\":%lld",
                               avg / 100, avg % 100, avg / 100, avg % 100, (long long)rc_n, (long long)(rc_n / 3));
        } else if (!rc) {
            rc = gr_buf_appends(b, "\"");
        }
        if (!rc) rc = gr_buf_printf(b, ", \"trackViewUrl\":\"https://itunes.apple.com/cn/app/id%s?mt=8\"}]\n}\n\n\n", l->token);
        return rc;
    }
    if (!l || l->gone)
        return not_found(r);
    bool gbk = pick_gbk(req);
    const char *cs = gbk ? "gbk" : "utf-8";
    bool has = sw_listing_display(u, l, num, sizeof num, &implied);
    uint64_t h = l->h;
    ymd(u->cur_abs * 86400 - (int64_t)(h % 90) * 86400, date, sizeof date);
    switch (store) {
    case SW_S360:
        rc = gr_buf_printf(b, "<!doctype html>\n<html>\n<head>\n<meta charset=\"%s\">\n<title>", cs);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "_360手机助手</title>\n</head>\n<body>\n<div id=\"doc\">\n<div class=\"product btn_type1\" id=\"app-info-panel\">\n"
                                        "<dl class=\"clearfix\">\n<dt><img src=\"http://p18.qhimg.com/t01a.png\" width=\"72\" height=\"72\"></dt>\n<dd>\n"
                                        "<h2 id=\"app-name\"><span title=\"");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "\">");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "</span><cite class=\"verify_tag\"></cite></h2>\n<div class=\"pf\">\n<span class=\"s-3\">下载：");
        if (!rc) rc = put_count(b, l, num);
        if (!rc) rc = gr_buf_printf(b, "次</span>\n<span class=\"s-3\">%d.%02dM</span>\n</div>\n</dd>\n</dl>\n</div>\n"
                                       "<div class=\"base-info\">\n<table cellspacing=\"0\" cellpadding=\"0\" width=\"100%%\">\n<tbody>\n<tr>\n"
                                       "<td><strong>作者：</strong>",
                                    1 + (int)(h % 60), (int)((h >> 8) % 100));
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_printf(b, "</td>\n<td><strong>更新时间：</strong>%s</td>\n</tr>\n<tr>\n"
                                       "<td><strong>版本：</strong>%d.%d.%d<!--versioncode:%llu--><!--updatetime:%s--></td>\n"
                                       "<td><strong>系统：</strong>Android 2.2以上</td>\n</tr>\n</tbody>\n</table>\n</div>\n</div>\n"
                                       "<script type=\"text/javascript\">\nvar detail = (function(){ return { 'sid': %s, 'type': \"soft\", 'pname': \"",
                                    date, 1 + (int)(h % 4), (int)((h >> 8) % 10), (int)((h >> 16) % 10),
                                    (unsigned long long)(h % 100000000), date, l->token);
        if (!rc) rc = sw_put_json(b, app->package);
        if (!rc) rc = gr_buf_printf(b, "\", 'downloadUrl': 'http://shouji.360tpcdn.com/%s.apk', 'vcode': '%llu', 'baike_name': '",
                                    l->token, (unsigned long long)(h % 100000000));
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "' }; })();\n</script>\n</body>\n</html>\n");
        break;
    case SW_S91:
        rc = gr_buf_printf(b, "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
                              "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\" />\n<title>",
                           cs);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "_安卓软件下载_91助手</title>\n</head>\n<body>\n<div class=\"s_intro\">\n<div class=\"s_title\"><h1 class=\"ff f20 fb fl\">");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_printf(b, "</h1></div>\n<ul class=\"s_info\">\n<li>版本：%d.%d.%d</li>\n<li>下载次数：",
                                    1 + (int)(h % 4), (int)((h >> 8) % 10), (int)((h >> 16) % 10));
        if (!rc) rc = put_count(b, l, num);
        if (!rc) rc = gr_buf_printf(b, "</li>\n<li>文件大小：%d.%02dMB</li>\n<li>适用固件：2.2及更高固件</li>\n<li>分享日期：%s 15:37</li>\n"
                                       "<li>开发商：", 1 + (int)(h % 60), (int)((h >> 8) % 100), date);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_printf(b, "</li>\n</ul>\n<a class=\"s_btn s_btn4\" href=\"/soft/Controller.ashx?Action=Download&amp;id=%llu\">下载到电脑</a>\n"
                                       "</div>\n</body>\n</html>\n", (unsigned long long)(h % 10000000));
        break;
    case SW_SYYB:
        rc = gr_buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"%s\">\n<title>", cs);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "-应用宝官网</title>\n</head>\n<body>\n<div class=\"det-main-container\">\n<div class=\"det-name\">\n<div class=\"det-name-int\">");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "</div>\n</div>\n<div class=\"det-insnum-line\"><div class=\"det-ins-num\">");
        if (!rc) rc = put_count(b, l, num);
        if (!rc) rc = gr_buf_printf(b, "下载</div><div class=\"det-size\">%d.%02dM</div></div>\n"
                                       "<div class=\"det-othinfo-container\">\n<div class=\"det-othinfo-tit\">版本号：</div><div class=\"det-othinfo-data\">V%d.%d.%d</div>\n"
                                       "<div class=\"det-othinfo-tit\">更新时间：</div><div class=\"det-othinfo-data\" id=\"J_ApkPublishTime\" data-apkPublishTime=\"%lld\"></div>\n</div>\n"
                                       "<a class=\"det-down-btn\" href=\"javascript:void(0);\" data-apkName=\"",
                                    1 + (int)(h % 60), (int)((h >> 8) % 100), 1 + (int)(h % 4), (int)((h >> 8) % 10),
                                    (int)((h >> 16) % 10), (long long)(u->cur_abs * 86400 - (int64_t)(h % 90) * 86400));
        if (!rc) rc = sw_put_html(b, app->package);
        if (!rc) rc = gr_buf_printf(b, "\" data-apkUrl=\"http://dd.myapp.com/16891/%016llX.apk\">下载</a>\n</div>\n</body>\n</html>\n",
                                    (unsigned long long)h);
        break;
    case SW_SBAIDU:
        rc = gr_buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n<title>", cs);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "_百度手机助手</title>\n</head>\n<body>\n<div class=\"app-intro\">\n<div class=\"intro-top\">\n<h1 class=\"app-name\"><span>");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_printf(b, "</span></h1>\n<div class=\"detail\">\n<span class=\"size\">大小: %d.%dMB</span>\n<span class=\"version\">版本: %d.%d.%d</span>\n"
                                       "<span class=\"download-num\">下载次数: ",
                                    1 + (int)(h % 60), (int)((h >> 8) % 10), 1 + (int)(h % 4), (int)((h >> 8) % 10), (int)((h >> 16) % 10));
        if (!rc) rc = put_count(b, l, num);
        if (!rc) rc = gr_buf_appends(b, "</span>\n</div>\n</div>\n<span class=\"one-setup-btn\" data_package=\"");
        if (!rc) rc = sw_put_html(b, app->package);
        if (!rc) rc = gr_buf_printf(b, "\" data_versionname=\"%d.%d.%d\" data_size=\"%llu\" data_name=\"",
                                    1 + (int)(h % 4), (int)((h >> 8) % 10), (int)((h >> 16) % 10), (unsigned long long)(h % 60000000));
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "\">一键安装</span>\n</div>\n</body>\n</html>\n");
        break;
    case SW_SWDJ:
        rc = gr_buf_printf(b, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"%s\">\n<title>", cs);
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "下载_豌豆荚</title>\n</head>\n<body data-pn=\"");
        if (!rc) rc = sw_put_html(b, app->package);
        if (!rc) rc = gr_buf_appends(b, "\" data-title=\"");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "\">\n<div class=\"detail-wrap\">\n<div class=\"app-info\">\n<p class=\"app-name\"><span class=\"title\" itemprop=\"name\">");
        if (!rc) rc = sw_put_html(b, app->name);
        if (!rc) rc = gr_buf_appends(b, "</span></p>\n</div>\n<div class=\"num-list\">\n<span class=\"item\"><i itemprop=\"interactionCount\">");
        if (!rc) rc = has ? put_count(b, l, num) : gr_buf_appends(b, num);
        if (!rc) rc = gr_buf_printf(b, "</i><b>人安装</b></span>\n<span class=\"item\"><i>%d%%</i><b>好评率</b></span>\n</div>\n"
                                       "<dl class=\"infos-list\">\n<dt>大小</dt><dd>%d.%02dM</dd>\n<dt>更新</dt><dd><time class=\"update-time\" datetime=\"%s\">%s</time></dd>\n"
                                       "<dt>版本</dt><dd>%d.%d.%d</dd>\n</dl>\n</div>\n</body>\n</html>\n",
                                    50 + (int)(h % 50), 1 + (int)(h % 60), (int)((h >> 8) % 100), date, date,
                                    1 + (int)(h % 4), (int)((h >> 8) % 10), (int)((h >> 16) % 10));
        break;
    default:
        return not_found(r);
    }
    if (!rc && gbk)
        rc = make_gbk(r);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------------------------------- */

enum gr_rc sw_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    const char *h = req->host, *p = req->path;
    static const char *const hosts[] = { "mp.weixin.qq.com", "open.t.qq.com", "zhushou.360.cn", "apk.91.com",
                                         "sj.qq.com", "shouji.baidu.com", "www.wandoujia.com", "itunes.apple.com",
                                         "weixin.sogou.com" };
    bool known = false;
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (strcmp(h, hosts[i]) == 0)
            known = true;
    if (!known)
        return not_found(r);
    if (strcmp(p, "/robots.txt") == 0) {
        r->ctype = "text/plain; charset=utf-8";
        for (size_t i = 0; i < n_robots; i++)
            if (strcmp(robots[i].host, h) == 0)
                return gr_buf_appends(&r->head, robots[i].body);
        return gr_buf_appends(&r->head, "User-agent: *\nDisallow:\n");
    }
    if (strcmp(h, "weixin.sogou.com") == 0)
        return sw_sogou_page(u, req, r);
    if (strcmp(h, "mp.weixin.qq.com") == 0) {
        enum gr_rc src;
        if (sw_sogou_mp(u, req, r, &src))
            return src;
        if (strcmp(p, "/s") == 0)
            return wx_article_page(u, req, r);
        if (strcmp(p, "/mp/getappmsgext") == 0)
            return wx_appmsgext(u, req, r);
        if (strcmp(p, "/mp/profile_ext") == 0)
            return wx_profile(u, req, r);
        return not_found(r);
    }
    if (strcmp(h, "open.t.qq.com") == 0) {
        if (strcmp(p, "/api/user/other_info") == 0)
            return tw_user(u, req, r);
        if (strcmp(p, "/api/statuses/user_timeline") == 0)
            return tw_timeline(u, req, r);
        return not_found(r);
    }
    for (int st = 0; st < SW_NSTORES; st++)
        if (strcmp(h, sw_store_host[st]) == 0)
            return store_page(u, st, req, r);
    return not_found(r);
}
