/* See report.h: the page. Tables are written here, in C, every text escaped;
 * charts are drawn by assets/report.js (ECharts) from the page's data, which
 * sits in a <script type="application/json"> element (report_json escapes
 * < > & in it). Nothing is loaded from the network. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define A(x)                                                                                                   \
    do {                                                                                                       \
        if ((rc = gr_buf_appends(b, (x))) != GR_OK)                                                            \
            goto out;                                                                                          \
    } while (0)
#define E(x)                                                                                                   \
    do {                                                                                                       \
        if ((rc = report_html_escape(b, (x))) != GR_OK)                                                        \
            goto out;                                                                                          \
    } while (0)
#define P(...)                                                                                                 \
    do {                                                                                                       \
        if ((rc = gr_buf_printf(b, __VA_ARGS__)) != GR_OK)                                                     \
            goto out;                                                                                          \
    } while (0)

enum gr_rc report_html_escape(struct gr_buf *b, const char *s)
{
    enum gr_rc rc = GR_OK;
    while (s && *s && !rc) {
        size_t n = strcspn(s, "&<>\"'");
        rc = gr_buf_append(b, s, n);
        s += n;
        if (!*s || rc)
            break;
        switch (*s) {
        case '&': rc = gr_buf_appends(b, "&amp;"); break;
        case '<': rc = gr_buf_appends(b, "&lt;"); break;
        case '>': rc = gr_buf_appends(b, "&gt;"); break;
        case '"': rc = gr_buf_appends(b, "&quot;"); break;
        default: rc = gr_buf_appends(b, "&#39;"); break;
        }
        s++;
    }
    return rc;
}

/* Column headings as the report prints them; other names are shown as they are. */
static const char *const labels[][2] = {
    { "rank", "排名" },          { "name", "名称" },          { "wci", "WCI" },
    { "bci", "BCI" },            { "combined", "综合指数" },  { "read_index", "阅读指数" },
    { "like_index", "点赞指数" }, { "read_col", "阅读指数" },  { "like_col", "点赞指数" },
    { "account", "账号" },       { "published_at", "发布时间" }, { "title", "标题" },
    { "reads_raw", "阅读数" },   { "likes", "点赞数" },       { "followers", "听众数" },
    { "coverage", "覆盖度" },    { "activity", "活跃度" },    { "interaction", "互动度" },
    { "propagation", "传播度" }, { "store", "应用商店" },      { "app", "应用" },
    { "downloads", "下载量" },   { "platform", "平台" },      { "dimension", "维度" },
    { "value", "值" },           { "accounts", "账号数" },    { "share", "占比" },
    { "mean_score", "平均分" },  { "above_mean", "高于均值" }, { "metric", "指标" },
    { "listings", "上架数" },    { "ranked", "有下载量" },    { "mean_downloads", "平均下载量" },
    { "province", "省份" },      { "apps", "应用数" },        { "list", "榜单" },
    { "key", "标识" },           { "prev_rank", "上期排名" }, { "rank_move", "名次变化" },
    { "score", "得分" },         { "prev_score", "上期得分" }, { "status", "状态" },
    { "prev_run_id", "上期运行" }, { "registered", "注册" },   { "scored", "参评" },
    { "observed", "已观测到" }, { "failed", "有失败" }, { "entries", "条目数" }, { "reason", "原因" },
};

static const char *label(const char *col)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i][0], col) == 0)
            return labels[i][1];
    return col;
}

static enum gr_rc table_html(struct gr_buf *b, const struct report_table *t, int html_rows)
{
    enum gr_rc rc = GR_OK;
    int nc = PQnfields(t->res), nr = PQntuples(t->res);
    int shown = report_table_shown(t, html_rows);

    P("<section class=\"table\" id=\"tbl-%s\">\n<h3>", t->name);
    E(t->title);
    P("</h3>\n<p class=\"meta\">%d 行", nr);
    if (shown < nr)
        P("，页面显示前 %d 行", shown);
    P("；<a href=\"csv/%s.csv\">CSV</a>（完整）· 视图 <code>report.%s</code></p>\n", t->name, t->name);
    if (nr == 0) {
        A("<p class=\"empty\">本期无数据。</p>\n");
    }
    P("<div class=\"scroll\"><table class=\"grid\" data-view=\"%s\" data-rows=\"%d\" data-total=\"%d\">\n<thead><tr>",
      t->name, shown, nr);
    for (int c = 0; c < nc; c++) {
        P("<th data-col=\"%s\">", PQfname(t->res, c));
        E(label(PQfname(t->res, c)));
        A("</th>");
    }
    A("</tr></thead>\n<tbody>\n");
    for (int r = 0; r < shown; r++) {
        A("<tr>");
        for (int c = 0; c < nc; c++) {
            if (PQgetisnull(t->res, r, c)) {
                A("<td class=\"null\"></td>");
                continue;
            }
            A("<td>");
            E(PQgetvalue(t->res, r, c));
            A("</td>");
        }
        A("</tr>\n");
    }
    A("</tbody></table></div>\n</section>\n");
out:
    return rc;
}

static enum gr_rc section_tables(struct gr_buf *b, const struct report_data *d, const char *section, int html_rows)
{
    enum gr_rc rc = GR_OK;
    for (int i = 0; i < d->ntables && !rc; i++)
        if (strcmp(d->tables[i].section, section) == 0)
            rc = table_html(b, &d->tables[i], html_rows);
    return rc;
}

static enum gr_rc chart(struct gr_buf *b, const char *id, const char *title)
{
    enum gr_rc rc = GR_OK;
    P("<figure class=\"chart-box\"><figcaption>");
    E(title);
    P("</figcaption><div class=\"chart\" id=\"chart-%s\" data-chart=\"%s\"></div></figure>\n", id, id);
out:
    return rc;
}

static enum gr_rc dl_item(struct gr_buf *b, const char *term, const char *value)
{
    enum gr_rc rc = GR_OK;
    A("<dt>");
    E(term);
    A("</dt><dd>");
    E(value && *value ? value : "—");
    A("</dd>\n");
out:
    return rc;
}

/* The summary's per-platform counts, summed from report.run_coverage. */
static enum gr_rc summary_counts(struct gr_buf *b, const struct report_data *d)
{
    static const char *const platforms[][2] = { { "wechat", "微信公众号" }, { "weibo", "腾讯微博账号" },
                                                { "app_listing", "应用商店条目" } };
    const struct report_table *t = report_data_table(d, "run_coverage");
    enum gr_rc rc = GR_OK;
    int cp, cs, ce;

    if (!t)
        return GR_OK;
    cp = PQfnumber(t->res, "platform");
    cs = PQfnumber(t->res, "scored");
    ce = PQfnumber(t->res, "entries");
    if (cp < 0 || cs < 0 || ce < 0)
        return GR_OK;
    A("<table class=\"summary\"><thead><tr><th>平台</th><th>注册</th><th>本期参评</th><th>未参评</th></tr></thead>"
      "<tbody>\n");
    for (size_t i = 0; i < sizeof platforms / sizeof platforms[0]; i++) {
        long long scored = 0, not_scored = 0;
        for (int r = 0; r < PQntuples(t->res); r++) {
            long long n = strtoll(PQgetvalue(t->res, r, ce), NULL, 10);
            if (strcmp(PQgetvalue(t->res, r, cp), platforms[i][0]) != 0)
                continue;
            if (PQgetvalue(t->res, r, cs)[0] == 't')
                scored += n;
            else
                not_scored += n;
        }
        P("<tr><td>%s</td><td>%lld</td><td>%lld</td><td>%lld</td></tr>\n", platforms[i][1], scored + not_scored, scored,
          not_scored);
    }
    A("</tbody></table>\n");
out:
    return rc;
}

enum gr_rc report_html_page(const struct report_data *d, int html_rows, struct gr_buf *b)
{
    enum gr_rc rc = GR_OK;
    const char *status = report_run_value(d, "status");
    bool provisional = strcmp(status, "final") != 0;
    const char *period = report_run_value(d, "period");
    const char *meth = report_run_value(d, "methodology");
    char range[64], wb_range[64];

    snprintf(range, sizeof range, "%s 至 %s", report_run_value(d, "period_start"), report_run_value(d, "period_end"));
    snprintf(wb_range, sizeof wb_range, "%s 至 %s", report_run_value(d, "weibo_start"), report_run_value(d, "period_end"));

    A("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>政务新媒体传播力报告 ");
    E(period);
    if (provisional)
        A("（临时）");
    A("</title>\n<link rel=\"stylesheet\" href=\"assets/report.css\">\n</head>\n<body>\n<header>\n<h1>政务新媒体传播力报告 ");
    E(period);
    A("</h1>\n");
    if (provisional)
        A("<p class=\"status provisional\" id=\"status\" data-status=\"provisional\">临时结果：本期尚未结束，数字仍会变化"
          "（provisional）。</p>\n");
    else
        A("<p class=\"status final\" id=\"status\" data-status=\"final\">最终结果（final）。</p>\n");
    A("<nav><a href=\"#summary\">概要</a> <a href=\"#panorama\">全景</a> <a href=\"#ranking\">综合</a> "
      "<a href=\"#wechat\">微信</a> <a href=\"#sublist\">分类榜</a> <a href=\"#weibo\">微博</a> "
      "<a href=\"#distribution\">分布</a> <a href=\"#apps\">应用</a> <a href=\"#movers\">变化</a> "
      "<a href=\"#provenance\">方法与来源</a> <a href=\"data.json\">JSON</a></nav>\n</header>\n<main>\n");

    A("<section id=\"summary\"><h2>概要</h2>\n<dl class=\"facts\">\n");
    if ((rc = dl_item(b, "统计周期", period)) || (rc = dl_item(b, "起止日期", range)) ||
        (rc = dl_item(b, "腾讯微博统计起止", wb_range)) ||
        (rc = dl_item(b, "结果状态", provisional ? "临时（provisional）" : "最终（final）")) ||
        (rc = dl_item(b, "参评微信公众号", report_run_value(d, "wechat_accounts"))) ||
        (rc = dl_item(b, "参评腾讯微博账号", report_run_value(d, "weibo_accounts"))) ||
        (rc = dl_item(b, "同时开设微信、微博的机构", report_run_value(d, "organisations"))) ||
        (rc = dl_item(b, "参评应用商店条目", report_run_value(d, "app_listings"))))
        goto out;
    A("</dl>\n");
    if ((rc = summary_counts(b, d)))
        goto out;
    A("<p>注册账号的分布见“全景”，未参评的原因见“方法与来源”。</p>\n</section>\n");

    A("<section id=\"panorama\"><h2>全景</h2>\n<div class=\"charts\">\n");
    if ((rc = chart(b, "panorama-province", "注册账号：按省份")) || (rc = chart(b, "panorama-level", "注册账号：按级别")) ||
        (rc = chart(b, "panorama-function", "注册账号：按职能")))
        goto out;
    A("</div>\n");
    if ((rc = section_tables(b, d, "panorama", html_rows)))
        goto out;
    A("</section>\n<section id=\"ranking\"><h2>综合传播力</h2>\n");
    if ((rc = section_tables(b, d, "ranking", html_rows)))
        goto out;
    A("</section>\n<section id=\"wechat\"><h2>政务微信</h2>\n<div class=\"charts\">\n");
    if ((rc = chart(b, "wechat-top", "WCI 前十（地方）")))
        goto out;
    A("</div>\n");
    if ((rc = section_tables(b, d, "wechat", html_rows)))
        goto out;
    A("</section>\n<section id=\"sublist\"><h2>分类榜单</h2>\n");
    if ((rc = section_tables(b, d, "sublist", html_rows)))
        goto out;
    A("</section>\n<section id=\"weibo\"><h2>腾讯政务微博</h2>\n");
    if ((rc = section_tables(b, d, "weibo", html_rows)))
        goto out;
    A("</section>\n<section id=\"distribution\"><h2>分布与集中度</h2>\n<div class=\"charts\">\n");
    if ((rc = chart(b, "distribution-level", "参评账号按级别：账号数与高于均值的账号数")))
        goto out;
    A("</div>\n");
    if ((rc = section_tables(b, d, "distribution", html_rows)))
        goto out;
    A("</section>\n<section id=\"apps\"><h2>政务应用</h2>\n<div class=\"charts\">\n");
    if ((rc = chart(b, "apps-store", "各应用商店：总下载量")) || (rc = chart(b, "apps-province", "各省份：政务应用总下载量")))
        goto out;
    A("</div>\n");
    if ((rc = section_tables(b, d, "apps", html_rows)))
        goto out;
    A("</section>\n<section id=\"movers\"><h2>与上一期相比</h2>\n");
    if (!report_data_table(d, "movers") || PQntuples(report_data_table(d, "movers")->res) == 0)
        A("<p>没有上一期（同一方法、同类周期）的运行可供比较。</p>\n");
    if ((rc = section_tables(b, d, "movers", html_rows)))
        goto out;

    A("</section>\n<section id=\"provenance\"><h2>方法与来源</h2>\n<dl class=\"facts\">\n");
    if ((rc = dl_item(b, "运行编号 (run id)", report_run_value(d, "run_id"))) || (rc = dl_item(b, "方法", meth)) ||
        (rc = dl_item(b, "方法版本", report_run_value(d, "version"))) ||
        (rc = dl_item(b, "方法 SHA-256", report_run_value(d, "sha256"))) ||
        (rc = dl_item(b, "周期类型", report_run_value(d, "period_kind"))) || (rc = dl_item(b, "周期", period)) ||
        (rc = dl_item(b, "状态", status)) ||
        (rc = dl_item(b, "最新输入数据时间", report_run_value(d, "newest_input_at"))) ||
        (rc = dl_item(b, "评分完成时间", report_run_value(d, "finished_at"))) ||
        (rc = dl_item(b, "报告生成时间 (UTC)", d->generated_at)))
        goto out;
    A("</dl>\n<h3>方法参数</h3>\n<pre class=\"params\">");
    {
        /* one parameter a line, sorted, as the methodology file names them */
        json_t *j = json_loads(report_run_value(d, "params"), 0, NULL);
        char *pretty = j ? json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
        rc = report_html_escape(b, pretty ? pretty : report_run_value(d, "params"));
        free(pretty);
        json_decref(j);
        if (rc)
            goto out;
    }
    A("</pre>\n");
    A("<p class=\"note\">每个注册条目最近一次成功与失败的抓取见视图 report.coverage（最新最终周期）。</p>\n");
    if ((rc = section_tables(b, d, "provenance", html_rows)))
        goto out;
    A("<h3>数据质量说明</h3>\n<ul>\n<li>“10万+”等封顶阅读数按页面原样显示，计分时按方法参数（wci.read_cap）计。</li>\n"
      "<li>无法解析的数字记为缺失，从不记为零；未观测到阅读数的文章不计入 R、Z、N。</li>\n"
      "<li>应用商店 App Store 不公布下载量：列出但不排名。</li>\n</ul>\n<h3>如何复现</h3>\n<pre class=\"repro\">");
    A("# the methodology file whose text has SHA-256 ");
    E(report_run_value(d, "sha256"));
    A(" (conf/methodology/ or score.methodology.text)\nbin/scorer run --methodology conf/methodology/");
    E(meth);
    A(".conf --period ");
    E(period);
    A("\nbin/govreach report --period ");
    E(period);
    A(" --methodology ");
    E(meth);
    A(" --out DIR\n</pre>\n<p>同一方法文本（SHA-256 相同）与相同输入给出相同结果；方法文件改动一个字节即为新方法、新运行，旧运行保留。</p>\n"
      "</section>\n</main>\n<script id=\"gr-data\" type=\"application/json\">");
    if ((rc = report_json(d, html_rows, b)))
        goto out;
    A("</script>\n<script src=\"assets/echarts.min.js\"></script>\n<script src=\"assets/report.js\"></script>\n"
      "</body>\n</html>\n");
out:
    return rc;
}
