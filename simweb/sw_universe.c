/* The simulated universe: who exists (accounts, apps, store listings), and
 * what their numbers are on a given day. Entities are built once at start-up
 * (a few hundred bytes each, so the report scale stays far below 1 GB); their
 * articles, posts and counts are computed on demand from (seed, entity, day). */
#include "sw.h"

#include <errno.h>
#include <stdarg.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uthash.h>

#include "gr_log.h"
#include "gr_targets.h"
#include "gr_util.h"

const char *const sw_level_name[4] = { "central", "province", "city", "county" };
const char *const sw_store_host[SW_NSTORES] = { "zhushou.360.cn", "apk.91.com", "sj.qq.com", "shouji.baidu.com",
                                                "www.wandoujia.com", "itunes.apple.com" };

/* ---- hashing ---------------------------------------------------------------- */

uint64_t sw_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return sw_mix(h);
}

uint64_t sw_hash_str(const char *s) { return sw_hash_bytes(s, strlen(s)); }

void sw_utc_format(int64_t t, bool with_time, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (!strftime(out, n, with_time ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm))
        out[0] = '\0';
}

double sw_normal(uint64_t h)
{
    double u1 = sw_unit(sw_mix(h ^ 0x1234567ULL)), u2 = sw_unit(sw_mix(h ^ 0x89abcdefULL));
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* ---- arena for strings ------------------------------------------------------ */

struct sw_arena_blk {
    struct sw_arena_blk *next;
    size_t used, cap;
    char data[];
};
struct sw_arena {
    struct sw_arena_blk *head;
};

static char *arena_alloc(struct sw_arena *a, size_t n)
{
    struct sw_arena_blk *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static const char *astr(struct sw_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static const char *afmt(struct sw_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *afmt(struct sw_arena *a, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return astr(a, tmp);
}

static void arena_free(struct sw_arena *a)
{
    if (!a)
        return;
    while (a->head) {
        struct sw_arena_blk *n = a->head->next;
        free(a->head);
        a->head = n;
    }
    free(a);
}

/* ---- map --------------------------------------------------------------------- */

struct sw_map_entry {
    const char *key;
    uint32_t val;
    UT_hash_handle hh;
};

static void map_free(struct sw_map *m)
{
    struct sw_map_entry *e, *tmp;

    HASH_ITER(hh, m->head, e, tmp) {
        HASH_DEL(m->head, e);
        free(e);
    }
    m->head = NULL;
}

/* Inserts key unless present; GR_EDATA when it is already there. */
static enum gr_rc map_put(struct sw_map *m, const char *key, uint32_t val)
{
    struct sw_map_entry *e;
    size_t n = strlen(key);

    HASH_FIND(hh, m->head, key, n, e);
    if (e)
        return GR_EDATA;
    e = malloc(sizeof *e);
    if (!e)
        return GR_ENOMEM;
    e->key = key;
    e->val = val;
    HASH_ADD_KEYPTR(hh, m->head, e->key, n, e);
    return GR_OK;
}

long sw_map_get(const struct sw_map *m, const char *key)
{
    struct sw_map_entry *e;

    HASH_FIND(hh, m->head, key, strlen(key), e);
    return e ? (long)e->val : -1;
}

/* ---- vocabulary for names ------------------------------------------------------ */

static const char *const provinces[31] = {
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆" };
static const char *const functions[20] = {
    "公安", "旅游", "交通", "司法", "教育", "卫生", "税务", "气象", "共青团", "党政宣传",
    "工商", "环保", "民政", "法院", "检察", "消防", "食药监", "人社", "文化", "地震" };
static const char *const syl1[20] = { "东", "西", "南", "北", "安", "平", "宁", "兴", "德", "清",
                                      "长", "新", "永", "定", "宝", "华", "临", "泰", "丰", "昌" };
static const char *const syl2[20] = { "阳", "州", "山", "江", "城", "安", "宁", "原", "海", "川",
                                      "林", "水", "都", "平", "兴", "化", "源", "溪", "门", "口" };
static const char *const name_suffix[6] = { "", "发布", "在线", "微发布", "之窗", "服务" };
static const char *const surnames[12] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙" };
static const char *const given[16] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                                       "杰", "涛", "明", "霞" };
static const char *const app_suffix[6] = { "通", "服务", "助手", "在线", "掌上办", "e站" };

static int pick_level(uint64_t h)
{
    double x = sw_unit(h);
    return x < 0.10 ? SW_CENTRAL : x < 0.35 ? SW_PROVINCE : x < 0.75 ? SW_CITY : SW_COUNTY;
}

/* Base-26 letters of a permuted index: unique for distinct i < 26^6. */
static void letters6(uint64_t i, uint64_t salt, char out[7])
{
    uint64_t m = 308915776ULL;     /* 26^6 */
    uint64_t v = (i * 16777619ULL + salt % m) % m;
    for (int k = 5; k >= 0; k--) {
        out[k] = (char)('a' + v % 26);
        v /= 26;
    }
    out[6] = '\0';
}

/* Base64 of the decimal digits of n (what real __biz values are). */
void sw_biz_of(uint64_t n, char out[24])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char d[24];
    int len = snprintf(d, sizeof d, "%llu", (unsigned long long)n);
    size_t o = 0;
    for (int i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)d[i] << 16;
        int rem = len - i;
        if (rem > 1)
            v |= (uint32_t)(unsigned char)d[i + 1] << 8;
        if (rem > 2)
            v |= (uint32_t)(unsigned char)d[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = rem > 1 ? b64[(v >> 6) & 63] : '=';
        out[o++] = rem > 2 ? b64[v & 63] : '=';
    }
    out[o] = '\0';
}

/* Organisation-style display name. */
static void org_name(uint64_t h, int level, int prov, int fn, char *out, size_t n)
{
    const char *suf = name_suffix[(h >> 7) % 6];
    const char *c1 = syl1[(h >> 13) % 20], *c2 = syl2[(h >> 19) % 20];
    const char *d1 = syl1[(h >> 25) % 20], *d2 = syl2[(h >> 31) % 20];
    switch (level) {
    case SW_CENTRAL: snprintf(out, n, "中国%s%s", functions[fn], suf); break;
    case SW_PROVINCE: snprintf(out, n, "%s%s%s", provinces[prov], functions[fn], suf); break;
    case SW_CITY: snprintf(out, n, "%s%s%s%s", c1, c2, functions[fn], suf); break;
    default: snprintf(out, n, "%s%s%s%s县%s", c1, c2, d1, d2, functions[fn]); break;
    }
}

/* ---- growable arrays ---------------------------------------------------------------- */

#define GROW(arr, n, cap)                                                          \
    do {                                                                           \
        if ((n) == (cap)) {                                                        \
            size_t nc__ = (cap) ? (cap) * 2 : 64;                                  \
            void *p__ = realloc((arr), nc__ * sizeof *(arr));                      \
            if (!p__) { rc = GR_ENOMEM; goto out; }                                \
            (arr) = p__;                                                           \
            (cap) = nc__;                                                          \
        }                                                                          \
    } while (0)

/* Read-count model: an account's log-mean so that the average article gets
 * about `mean` reads (account spread 0.9, article spread 1.0 in log space). */
static double read_mu_for(uint64_t h, double mean)
{
    return log(mean) - 0.905 + 0.9 * sw_normal(h);
}

static void wx_model(struct sw_universe *u, struct sw_wx *a, bool report)
{
    /* x1.37: on a given day part of the month's articles are young and still
     * growing, and second articles of a push are read less; this brings the
     * observed monthly averages to the report's 784 (local) and 2993 (central). */
    a->read_mu = read_mu_for(sw_mix(a->h ^ 0x51), (a->central ? 2993.0 : 784.0) * 1.37);
    double base = report ? 0.62 : 0.085;
    a->push_p = base * (0.5 + sw_unit(sw_mix(a->h ^ 0x52)));
    if (a->push_p > 1.0)
        a->push_p = 1.0;
    a->blocked = (sw_mix(a->h ^ 0x53) % 50) == 0;
    (void)u;
}

static void tw_model(struct sw_tw *t, bool small_first)
{
    uint64_t h = t->h;
    double med_f = t->civil ? 300.0 : 3000.0;
    t->f0 = (int64_t)(med_f * exp((t->civil ? 1.5 : 2.0) * sw_normal(sw_mix(h ^ 1))));
    t->i0 = 20 + (int64_t)(sw_mix(h ^ 2) % 1500);
    t->p0 = (int64_t)(800.0 * exp(1.2 * sw_normal(sw_mix(h ^ 3))));
    t->lambda = sw_unit(sw_mix(h ^ 4)) < 0.35 ? 0.0 : exp(log(0.4) + 0.9 * sw_normal(sw_mix(h ^ 5)));
    if (t->lambda > 20)
        t->lambda = 20;
    if (small_first)
        t->lambda = 4.0;
    double uu = sw_unit(sw_mix(h ^ 6));
    if (sw_unit(sw_mix(h ^ 7)) < 0.15)
        t->ftrend = -(1.0 + (double)t->f0 * 0.002 * uu);
    else
        t->ftrend = (double)t->f0 * 0.003 * uu + 3.0 * uu;
    t->nulldata = (sw_mix(h ^ 8) % 50) == 7;
    if (small_first)
        t->nulldata = false;
}

static void listing_model(struct sw_listing *l)
{
    uint64_t h = l->h;
    if (l->store == SW_SAPPSTORE) {
        l->n0 = (sw_mix(h ^ 11) % 10) == 0 ? -1 : (int64_t)(200.0 * exp(1.5 * sw_normal(sw_mix(h ^ 12))));
        l->rate_ppm = 1000 + (int64_t)(sw_mix(h ^ 13) % 5000);
    } else {
        l->n0 = 100 + (int64_t)(200000.0 * exp(2.0 * sw_normal(sw_mix(h ^ 12))));
        if (l->n0 > 3000000000LL)
            l->n0 = 3000000000LL;
        l->rate_ppm = 1000 + (int64_t)(sw_mix(h ^ 13) % 9000);
    }
    l->variant = (int)(sw_mix(h ^ 14) % 100);
    l->gone = (sw_mix(h ^ 15) % 100) < 3;
}

/* Splits "http://host/path?query" into path and query (pointers into a copy). */
static bool url_split(const char *url, char *copy, size_t n, const char **path, const char **query)
{
    const char *p = strstr(url, "://");
    if (!p || strlen(url) >= n)
        return false;
    p = strchr(p + 3, '/');
    if (!p)
        return false;
    snprintf(copy, n, "%s", p);
    char *q = strchr(copy, '?');
    char *frag = strchr(copy, '#');
    if (frag)
        *frag = '\0';
    if (q) {
        *q = '\0';
        *query = q + 1;
    } else {
        *query = "";
    }
    *path = copy;
    return true;
}

static int store_of(const char *s)
{
    for (int i = 0; i < SW_NSTORES; i++)
        if (strcmp(s, gr_store_names[i]) == 0)
            return i;
    return -1;
}

/* Registers a listing under "<store>:<token>". */
static enum gr_rc index_listing(struct sw_universe *u, size_t i)
{
    char key[512];
    snprintf(key, sizeof key, "%d:%s", u->ls[i].store, u->ls[i].token);
    const char *k = astr(u->arena, key);
    if (!k)
        return GR_ENOMEM;
    return map_put(&u->ls_by_token, k, (uint32_t)i);
}

/* ---- named targets ----------------------------------------------------------------- */

struct named {
    struct sw_universe *u;
    bool report;
    size_t *cap_org, *cap_wx, *cap_tw, *cap_app, *cap_ls;
    struct sw_map apps_by_key;
};

/* Room for one more element of arr (n used of *cap), or GR_ENOMEM. */
#define GROW1(arr, n, cap)                                                   \
    do {                                                                     \
        void *grown_ = gr_grow((arr), (n), (cap), sizeof *(arr), 64);         \
        if (!grown_)                                                         \
            return GR_ENOMEM;                                                \
        (arr) = grown_;                                                      \
    } while (0)
#define COL(name) gr_targets_col(r, name)

static enum gr_rc named_org_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct named *x = arg;
    struct sw_universe *u = x->u;
    struct sw_arena *A = u->arena;

    (void)msg, (void)msglen;
    if (r->line == 1)
        return GR_OK;
    GROW1(u->orgs, u->n_orgs, x->cap_org);
    struct sw_org *o = &u->orgs[u->n_orgs++];
    o->org_key = astr(A, COL("org_key"));
    o->name = astr(A, COL("name"));
    o->level = astr(A, COL("level"));
    o->province = astr(A, COL("province"));
    o->city = astr(A, COL("city"));
    o->function = astr(A, COL("function"));
    return GR_OK;
}

static enum gr_rc named_wx_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct named *x = arg;
    struct sw_universe *u = x->u;
    struct sw_arena *A = u->arena;
    const char *biz = COL("biz");

    (void)msg, (void)msglen;
    if (r->line == 1 || !*biz)
        return GR_OK;
    GROW1(u->wx, u->n_wx, x->cap_wx);
    struct sw_wx *a = &u->wx[u->n_wx];
    memset(a, 0, sizeof *a);
    a->biz = astr(A, biz);
    if (map_put(&u->wx_by_biz, a->biz, (uint32_t)u->n_wx) != GR_OK) {
        gr_warn("%s line %ld: duplicate biz %s skipped", r->path, r->line, biz);
        return GR_OK;
    }
    a->name = astr(A, COL("name"));
    a->org_key = astr(A, COL("org_key"));
    a->level = astr(A, COL("level"));
    a->province = astr(A, COL("province"));
    a->function = astr(A, COL("function"));
    a->verified_body = astr(A, COL("verified_body"));
    a->h = sw_h2(u->seed, sw_hash_str(biz));
    a->user_name = afmt(A, "gh_%012llx", (unsigned long long)(a->h >> 16));
    a->central = strcmp(a->level, "central") == 0;
    a->tracked = a->named = true;
    wx_model(u, a, x->report);
    a->read_mu += log(4.0);     /* the report names the big accounts */
    a->blocked = false;
    u->n_wx++;
    return GR_OK;
}

static enum gr_rc named_tw_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct named *x = arg;
    struct sw_universe *u = x->u;
    struct sw_arena *A = u->arena;
    const char *acc = COL("account");

    (void)msg, (void)msglen;
    if (r->line == 1 || !*acc)
        return GR_OK;
    GROW1(u->tw, u->n_tw, x->cap_tw);
    struct sw_tw *t = &u->tw[u->n_tw];
    memset(t, 0, sizeof *t);
    t->account = astr(A, acc);
    if (map_put(&u->tw_by_name, t->account, (uint32_t)u->n_tw) != GR_OK) {
        gr_warn("%s line %ld: duplicate account %s skipped", r->path, r->line, acc);
        return GR_OK;
    }
    t->nick = astr(A, COL("name"));
    t->org_key = astr(A, COL("org_key"));
    t->level = astr(A, COL("level"));
    t->province = astr(A, COL("province"));
    t->function = astr(A, COL("function"));
    t->civil = strcmp(COL("kind"), "civil_servant") == 0;
    t->named = true;
    t->h = sw_h2(u->seed, sw_hash_str(acc));
    tw_model(t, false);
    t->f0 *= 10;
    if (t->lambda < 0.5)
        t->lambda = 0.5 + sw_unit(t->h);
    t->nulldata = false;
    u->n_tw++;
    return GR_OK;
}

static enum gr_rc named_app_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct named *x = arg;
    struct sw_universe *u = x->u;
    struct sw_arena *A = u->arena;
    const char *key = COL("app_key");

    (void)msg, (void)msglen;
    if (r->line == 1 || !*key)
        return GR_OK;
    GROW1(u->apps, u->n_apps, x->cap_app);
    struct sw_app *p = &u->apps[u->n_apps];
    p->app_key = astr(A, key);
    if (map_put(&x->apps_by_key, p->app_key, (uint32_t)u->n_apps) != GR_OK)
        return GR_OK;
    p->name = astr(A, COL("name"));
    p->org_key = astr(A, COL("org_key"));
    p->level = astr(A, COL("level"));
    p->province = astr(A, COL("province"));
    p->function = astr(A, COL("function"));
    p->package = p->app_key;
    p->h = sw_h2(u->seed, sw_hash_str(key));
    u->n_apps++;
    return GR_OK;
}

static enum gr_rc named_listing_cb(const struct gr_targets_row *r, void *arg, char *msg, size_t msglen)
{
    struct named *x = arg;
    struct sw_universe *u = x->u;
    struct sw_arena *A = u->arena;
    char copy[1024], tok[512];
    const char *path, *query;

    (void)msg, (void)msglen;
    if (r->line == 1)
        return GR_OK;
    int st = store_of(COL("store"));
    long ai = sw_map_get(&x->apps_by_key, COL("app_key"));
    const char *url = COL("url");
    if (st < 0 || ai < 0 || !url_split(url, copy, sizeof copy, &path, &query) ||
        !sw_listing_token(st, path, query, tok, sizeof tok)) {
        gr_warn("%s line %ld: listing skipped (unknown store or app, or a URL simweb cannot serve)", r->path,
                r->line);
        return GR_OK;
    }
    GROW1(u->ls, u->n_ls, x->cap_ls);
    struct sw_listing *l = &u->ls[u->n_ls];
    memset(l, 0, sizeof *l);
    l->store = st;
    l->listing_id = astr(A, COL("listing_id"));
    l->url = astr(A, url);
    l->token = astr(A, tok);
    l->app = (uint32_t)ai;
    l->h = sw_h3(u->seed, (uint64_t)st, sw_hash_str(l->listing_id));
    listing_model(l);
    l->gone = false;
    if (l->store != SW_SAPPSTORE)
        l->n0 *= 20;      /* named apps are the big ones */
    if (l->n0 > 3000000000LL)
        l->n0 = 3000000000LL;
    if (index_listing(u, u->n_ls) != GR_OK) {
        gr_warn("%s line %ld: duplicate listing skipped", r->path, r->line);
        return GR_OK;
    }
    u->n_ls++;
    return GR_OK;
}

/* The named targets: the same target lists the loader reads
 * (conf/targets/FORMAT.md), through the same reader (lib/gr_targets); a
 * file that is absent is skipped. */
static enum gr_rc load_named(struct sw_universe *u, const char *dir, bool report, char *err, size_t errlen,
                             size_t *cap_org, size_t *cap_wx, size_t *cap_tw, size_t *cap_app, size_t *cap_ls)
{
    static const struct {
        const char *file;
        gr_targets_row_cb cb;
    } files[] = {
        { "organisations.csv", named_org_cb }, { "wechat_accounts.csv", named_wx_cb },
        { "weibo_accounts.csv", named_tw_cb }, { "apps.csv", named_app_cb },
        { "store_listings.csv", named_listing_cb },
    };
    struct named x = { u, report, cap_org, cap_wx, cap_tw, cap_app, cap_ls, { NULL } };
    char path[4096];
    enum gr_rc rc = GR_OK;

    for (size_t i = 0; !rc && i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].file);
        rc = gr_targets_read(path, files[i].cb, &x, NULL, err, errlen);
        if (rc == GR_ENOINPUT)
            rc = GR_OK;
    }
    map_free(&x.apps_by_key);
    return rc;
}

/* ---- corpus ----------------------------------------------------------------------------- */

static const char *const clauses[] = {
    "为深入贯彻落实党的十八届三中全会精神", "进一步提升政务服务水平", "切实保障人民群众生命财产安全",
    "各级各部门要高度重视", "认真组织开展专项检查", "坚持以人民为中心的发展思想", "加快推进简政放权",
    "着力解决群众反映强烈的突出问题", "确保各项工作落到实处", "广大市民朋友请注意", "近日",
    "据了解", "记者从有关部门获悉", "截至目前", "全市共排查隐患点", "相关负责人表示",
    "下一步将继续加大工作力度", "进一步完善长效机制", "积极回应社会关切", "不断提高群众满意度",
    "在全社会营造良好氛围", "请广大群众相互转告", "如遇紧急情况请及时拨打服务热线",
    "以上措施自发布之日起施行", "欢迎社会各界监督", "节假日期间", "气温将明显下降",
    "出行前请关注路况信息", "依法从严查处违法行为", "推动经济社会持续健康发展", "服务基层",
    "深化改革开放", "加强队伍建设", "创新社会治理方式", "扎实推进各项重点工作", "共建平安家园",
    "全面提升城市管理水平", "让数据多跑路", "让群众少跑腿", "持续优化营商环境" };
#define N_CLAUSES (sizeof clauses / sizeof clauses[0])

static enum gr_rc build_corpus(struct sw_universe *u)
{
    enum { NPAR = 4096 };
    struct gr_buf b, g, para;
    enum gr_rc rc = GR_OK;

    gr_buf_init(&b, (size_t)64 << 20);
    gr_buf_init(&g, (size_t)64 << 20);
    gr_buf_init(&para, 1 << 16);
    u->par_off[0] = calloc(NPAR + 1, sizeof(uint32_t));
    u->par_off[1] = calloc(NPAR + 1, sizeof(uint32_t));
    if (!u->par_off[0] || !u->par_off[1]) {
        rc = GR_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < NPAR; i++) {
        uint64_t h = sw_h2(u->seed ^ 0xC0FFEE, i);
        gr_buf_reset(&para);
        if (h % 11 == 0) {
            rc = gr_buf_appends(&para, "<p><br  /></p>\n");
        } else {
            rc = gr_buf_appends(&para, "<p style=\"text-indent: 2em; line-height: 1.75em;\"><span style=\"font-size: 16px; color: rgb(62, 62, 62);\">");
            int sentences = 2 + (int)(h % 5);
            for (int s = 0; !rc && s < sentences; s++) {
                int nc = 2 + (int)(sw_mix(h + (uint64_t)s) % 4);
                for (int c = 0; !rc && c < nc; c++) {
                    rc = gr_buf_appends(&para, clauses[sw_h3(h, (uint64_t)s, (uint64_t)c) % N_CLAUSES]);
                    if (!rc)
                        rc = gr_buf_appends(&para, c + 1 < nc ? "，" : "。");
                }
            }
            if (!rc)
                rc = gr_buf_appends(&para, "</span></p>\n");
        }
        if (rc)
            goto out;
        u->par_off[0][i] = (uint32_t)b.len;
        u->par_off[1][i] = (uint32_t)g.len;
        if ((rc = gr_buf_append(&b, para.data, para.len)) || (rc = sw_to_gbk(para.data, para.len, &g)))
            goto out;
    }
    u->par_off[0][NPAR] = (uint32_t)b.len;
    u->par_off[1][NPAR] = (uint32_t)g.len;
    u->n_par = NPAR;
    u->corpus[0] = gr_buf_steal(&b, NULL);
    u->corpus[1] = gr_buf_steal(&g, NULL);
out:
    gr_buf_free(&b);
    gr_buf_free(&g);
    gr_buf_free(&para);
    return rc;
}

/* The small universe is what the tests look at: make sure it shows every
 * page variant at least once, whatever the seed. */
static void force_variety(struct sw_universe *u, size_t first)
{
    static const struct {
        int store, variant;
        int64_t n0;
        bool gone;
    } want[] = {
        { SW_S360, 15, 70010000, false },       /* HTML comment in the count cell */
        { SW_S360, 0, 0, false },               /* full-width digits */
        { SW_S91, 10, 12330000, false },        /* 12,330,000 */
        { SW_S91, 50, 2538000000LL, false },    /* 253800万 */
        { SW_SYYB, 50, 830000000, false },      /* 8.3亿 */
        { SW_SYYB, 5, 12000, false },           /* &nbsp; 1.2万 */
        { SW_SBAIDU, 50, 690000000, false },    /* 6.9亿 */
        { SW_SBAIDU, 0, 0, false },
        { SW_SWDJ, 50, 800, false },            /* 少量人 */
        { SW_SWDJ, 50, 0, true },               /* removed */
        { SW_SAPPSTORE, 50, -1, false },        /* unrated */
    };
    bool used[sizeof want / sizeof want[0]] = { false };
    for (size_t i = first; i < u->n_ls; i++) {
        struct sw_listing *l = &u->ls[i];
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
            if (used[k] || want[k].store != l->store)
                continue;
            used[k] = true;
            l->variant = want[k].variant;
            l->gone = want[k].gone;
            if (want[k].n0)
                l->n0 = want[k].n0;
            l->rate_ppm = want[k].n0 > 0 ? 0 : l->rate_ppm;
            break;
        }
    }
}

/* ---- building --------------------------------------------------------------------------- */

enum gr_rc sw_universe_build(struct sw_universe *u, const struct sw_opts *o, char *err, size_t errlen)
{
    enum gr_rc rc = GR_OK;
    size_t cap_org = 0, cap_wx = 0, cap_tw = 0, cap_app = 0, cap_ls = 0;
    bool report = o->report_scale;
    long n_acc = o->accounts >= 0 ? o->accounts : report ? 16446 : 30;
    long n_trk = o->tracked >= 0 ? o->tracked
                 : o->accounts >= 0 ? (report ? (long)((double)n_acc * 1050.0 / 16446.0 + 0.5) : n_acc * 4 / 5)
                 : report ? 1050 : 24;
    long n_w = o->weibo >= 0 ? o->weibo : report ? 186697 : 30;
    long n_w_org = report ? (long)((double)n_w * 116607.0 / 186697.0 + 0.5) : n_w * 2 / 3;
    long n_apps = o->apps >= 0 ? o->apps : report ? 377 : 30;
    struct sw_arena *A;
    char tmp[256], letters[7], biz[24];

    memset(u, 0, sizeof *u);
    if (n_trk > n_acc)
        n_trk = n_acc;
    u->seed = o->seed;
    u->day0_abs = o->date_abs;
    u->day = o->day;
    u->cur_abs = o->date_abs + o->day;
    u->small = !report;
    u->arena = A = calloc(1, sizeof *A);
    if (!A) {
        rc = GR_ENOMEM;
        goto out;
    }
    if (o->named_dir && (rc = load_named(u, o->named_dir, report, err, errlen, &cap_org, &cap_wx, &cap_tw,
                                         &cap_app, &cap_ls)))
        return rc;

    /* WeChat accounts: the first n_trk synthetic ones are tracked and each has an organisation. */
    size_t first_syn_org = u->n_orgs, first_syn_wx = u->n_wx;
    for (long i = 0; i < n_acc; i++) {
        uint64_t h = sw_h3(u->seed, 'W', (uint64_t)i);
        GROW(u->wx, u->n_wx, cap_wx);
        struct sw_wx *a = &u->wx[u->n_wx];
        memset(a, 0, sizeof *a);
        for (uint64_t attempt = 0;; attempt++) {
            uint64_t num = 3000000000ULL + ((uint64_t)i * 611953ULL + (u->seed % 999999937ULL) +
                                            attempt * 104729ULL) % 999999937ULL;
            sw_biz_of(num, biz);
            if (sw_map_get(&u->wx_by_biz, biz) < 0)
                break;
        }
        a->biz = astr(A, biz);
        if ((rc = map_put(&u->wx_by_biz, a->biz, (uint32_t)u->n_wx)))
            goto out;
        a->h = h;
        int lv = pick_level(sw_mix(h ^ 0x11));
        int prov = (int)(sw_mix(h ^ 0x12) % 31), fn = (int)(sw_mix(h ^ 0x13) % 20);
        if (u->small && i == 0)
            lv = SW_CENTRAL;
        a->level = sw_level_name[lv];
        a->province = lv == SW_CENTRAL ? "" : provinces[prov];
        a->function = functions[fn];
        a->central = lv == SW_CENTRAL;
        org_name(sw_mix(h ^ 0x14), lv, prov, fn, tmp, sizeof tmp);
        a->name = astr(A, tmp);
        a->user_name = afmt(A, "gh_%012llx", (unsigned long long)(h >> 16));
        a->tracked = i < n_trk;
        wx_model(u, a, report);
        if (u->small && i == 0) {
            /* A busy central account whose articles pass the 100000 cap. */
            a->read_mu = log(150000.0);
            a->push_p = 0.5;
            a->blocked = false;
        }
        if (a->tracked) {
            GROW(u->orgs, u->n_orgs, cap_org);
            struct sw_org *g = &u->orgs[u->n_orgs++];
            g->org_key = afmt(A, "org%05ld", i);
            g->name = afmt(A, "%s%s", a->name, lv == SW_CENTRAL ? "办公室" : "局");
            g->level = a->level;
            g->province = a->province;
            g->city = lv >= SW_CITY ? afmt(A, "%s%s市", syl1[(h >> 13) % 20], syl2[(h >> 19) % 20]) : "";
            g->function = a->function;
            a->org_key = g->org_key;
            a->verified_body = g->name;
        } else {
            a->org_key = "";
            a->verified_body = "";
        }
        u->n_wx++;
    }
    size_t n_syn_orgs = u->n_orgs - first_syn_org;

    if (u->small && n_trk > 5)
        u->wx[first_syn_wx + 5].blocked = true;     /* one blocked account */

    /* Tencent Weibo: organisation accounts (the first ones share an organisation
     * with a tracked WeChat account), then civil servants. */
    for (long i = 0; i < n_w; i++) {
        uint64_t h = sw_h3(u->seed, 'T', (uint64_t)i);
        bool civil = i >= n_w_org;
        GROW(u->tw, u->n_tw, cap_tw);
        struct sw_tw *t = &u->tw[u->n_tw];
        memset(t, 0, sizeof *t);
        for (uint64_t attempt = 0;; attempt++) {
            letters6((uint64_t)i + attempt * 7919ULL, u->seed ^ (civil ? 77 : 0), letters);
            snprintf(tmp, sizeof tmp, "%s%s", civil ? "cs_" : "gov", letters);
            if (sw_map_get(&u->tw_by_name, tmp) < 0)
                break;
        }
        t->account = astr(A, tmp);
        if ((rc = map_put(&u->tw_by_name, t->account, (uint32_t)u->n_tw)))
            goto out;
        t->h = h;
        t->civil = civil;
        size_t link = (size_t)i;
        if (!civil && link < n_syn_orgs && (double)link < (double)n_syn_orgs * 0.6) {
            const struct sw_org *g = &u->orgs[first_syn_org + link];
            const struct sw_wx *a = &u->wx[first_syn_wx + link];
            t->org_key = g->org_key;
            t->level = g->level;
            t->province = g->province;
            t->function = g->function;
            t->nick = a->name;
        } else {
            int lv = civil ? (sw_unit(sw_mix(h ^ 0x21)) < 0.5 ? SW_CITY : SW_COUNTY) : pick_level(sw_mix(h ^ 0x21));
            int prov = (int)(sw_mix(h ^ 0x22) % 31), fn = (int)(sw_mix(h ^ 0x23) % 20);
            t->org_key = "";
            t->level = sw_level_name[lv];
            t->province = lv == SW_CENTRAL ? "" : provinces[prov];
            t->function = functions[fn];
            if (civil)
                snprintf(tmp, sizeof tmp, "%s%s%s", surnames[(h >> 9) % 12], given[(h >> 15) % 16],
                         given[(h >> 21) % 16]);
            else
                org_name(sw_mix(h ^ 0x24), lv, prov, fn, tmp, sizeof tmp);
            t->nick = astr(A, tmp);
        }
        tw_model(t, u->small && i == 0);
        if (u->small && i == 3)
            t->nulldata = true;     /* one "data": null */
        u->n_tw++;
    }

    /* Apps and their store listings. */
    size_t first_syn_ls = u->n_ls;
    for (long i = 0; i < n_apps; i++) {
        uint64_t h = sw_h3(u->seed, 'A', (uint64_t)i);
        GROW(u->apps, u->n_apps, cap_app);
        struct sw_app *p = &u->apps[u->n_apps];
        letters6((uint64_t)i, u->seed ^ 0xA99, letters);
        p->app_key = p->package = afmt(A, "cn.gov.%s", letters);
        p->h = h;
        int lv = pick_level(sw_mix(h ^ 0x31));
        int prov = (int)(sw_mix(h ^ 0x32) % 31), fn = (int)(sw_mix(h ^ 0x33) % 20);
        p->level = sw_level_name[lv];
        p->province = lv == SW_CENTRAL ? "" : provinces[prov];
        p->function = functions[fn];
        if (sw_unit(sw_mix(h ^ 0x34)) < 0.5)
            snprintf(tmp, sizeof tmp, "掌上%s%s", lv == SW_CENTRAL ? "" : provinces[prov], functions[fn]);
        else
            snprintf(tmp, sizeof tmp, "%s%s%s", lv == SW_CENTRAL ? "全国" : provinces[prov], functions[fn],
                     app_suffix[(h >> 40) % 6]);
        p->name = astr(A, tmp);
        p->org_key = n_syn_orgs && (sw_mix(h ^ 0x35) % 3) == 0
                         ? u->orgs[first_syn_org + (size_t)(sw_mix(h ^ 0x36) % n_syn_orgs)].org_key : "";
        u->n_apps++;
        static const double p_store[SW_NSTORES] = { 0.6, 0.4, 0.6, 0.5, 0.5, 0.5 };
        bool any = false;
        for (int st = 0; st < SW_NSTORES; st++) {
            bool on = sw_unit(sw_h2(h, 0x40 + (uint64_t)st)) < p_store[st];
            if (st == SW_NSTORES - 1 && !any)
                on = true;
            if (!on)
                continue;
            any = true;
            GROW(u->ls, u->n_ls, cap_ls);
            struct sw_listing *l = &u->ls[u->n_ls];
            memset(l, 0, sizeof *l);
            l->store = st;
            l->app = (uint32_t)(u->n_apps - 1);
            l->h = sw_h3(u->seed, 0x50 + (uint64_t)st, (uint64_t)i);
            uint64_t perm = ((uint64_t)i * 7919ULL + (u->seed % 100000ULL)) % 999983ULL;
            switch (st) {
            case SW_S360:
                l->listing_id = l->token = afmt(A, "%llu", (unsigned long long)(1000000 + perm));
                l->url = afmt(A, "http://zhushou.360.cn/detail/index/soft_id/%s", l->listing_id);
                break;
            case SW_S91:
                l->listing_id = p->package;
                l->token = afmt(A, "%s-%d", p->package, (int)(10 + l->h % 990));
                l->url = afmt(A, "http://apk.91.com/Soft/Android/%s.html", l->token);
                break;
            case SW_SYYB:
                l->listing_id = l->token = p->package;
                l->url = afmt(A, "http://sj.qq.com/myapp/detail.htm?apkName=%s", p->package);
                break;
            case SW_SBAIDU:
                l->listing_id = l->token = afmt(A, "%llu", (unsigned long long)(7000000 + perm));
                l->url = afmt(A, "http://shouji.baidu.com/software/%s.html", l->listing_id);
                break;
            case SW_SWDJ:
                l->listing_id = l->token = p->package;
                l->url = afmt(A, "http://www.wandoujia.com/apps/%s", p->package);
                break;
            default:
                l->listing_id = l->token = afmt(A, "%llu", (unsigned long long)(400000000 + perm));
                l->url = afmt(A, "http://itunes.apple.com/lookup?id=%s&country=cn", l->listing_id);
                break;
            }
            if (!l->listing_id || !l->token || !l->url) {
                rc = GR_ENOMEM;
                goto out;
            }
            listing_model(l);
            if (index_listing(u, u->n_ls) == GR_OK)
                u->n_ls++;
        }
    }
    if (u->small)
        force_variety(u, first_syn_ls);
    if ((rc = build_corpus(u)))
        goto out;
    if (o->scenario_file && (rc = sw_scenario_load(u, o->scenario_file, err, errlen)))
        goto out;
    return GR_OK;
out:
    if (rc == GR_ENOMEM)
        snprintf(err, errlen, "out of memory building the universe");
    else if (!*err)
        snprintf(err, errlen, "cannot build the universe: %s", gr_strerror(rc));
    sw_universe_free(u);   /* what was built so far (u was zeroed first) */
    return rc;
}

void sw_universe_free(struct sw_universe *u)
{
    if (!u)
        return;
    sw_discovery_free(u);
    free(u->orgs);
    free(u->wx);
    free(u->tw);
    free(u->apps);
    free(u->ls);
    for (size_t i = 0; i < u->n_cal_art; i++)
        free(u->cal_art[i].title);
    free(u->cal_art);
    free(u->cal_post);
    map_free(&u->wx_by_biz);
    map_free(&u->tw_by_name);
    map_free(&u->ls_by_token);
    arena_free(u->arena);
    for (int i = 0; i < 2; i++) {
        free(u->corpus[i]);
        free(u->par_off[i]);
    }
    memset(u, 0, sizeof *u);
}

/* ---- WeChat --------------------------------------------------------------------------- */

#define MID_BASE 2400000000LL

bool sw_wx_push_on(const struct sw_universe *u, const struct sw_wx *a, int64_t absday, struct sw_push *out)
{
    uint64_t h = sw_h2(a->h ^ 0x5057, (uint64_t)absday);
    int cal_secs = -1;
    if (a->cal) {
        /* a calibrated account pushes exactly its data's articles of the day */
        int k = 0, secs = -1;
        for (uint32_t i = 0; i < a->cal_n; i++) {
            const struct sw_cal_art *c = &u->cal_art[a->cal_first + i];
            if (c->day == absday - u->day0_abs) {
                k++;
                if (c->secs >= 0)
                    secs = c->secs;
            }
        }
        if (!k)
            return false;
        out->k = k;
        cal_secs = secs;
    } else {
        if (sw_unit(h) >= a->push_p)
            return false;
        /* the calibrated week (the report's sub-lists): the uncalibrated accounts keep quiet */
        if (u->scenario && absday - u->day0_abs >= u->quiet_first && absday - u->day0_abs <= u->quiet_last)
            return false;
        uint64_t h2 = sw_mix(h);
        double x = sw_unit(h2);
        out->k = x < 0.55 ? 1 : x < 0.80 ? 2 : x < 0.90 ? 3 : 4 + (int)((h2 >> 3) % 5);
    }
    out->absday = absday;
    out->mid = MID_BASE + absday * 100 + (int64_t)((h >> 8) % 100);
    out->msgid = 1000000000LL + absday * 100 + (int64_t)((h >> 8) % 100);
    out->ct = absday * 86400 + (cal_secs >= 0 ? cal_secs : (int64_t)((h >> 20) % (14 * 3600)));
    return true;
}

int sw_wx_pushes(const struct sw_universe *u, const struct sw_wx *a, struct sw_push out[30])
{
    int n = 0;
    for (int64_t d = u->cur_abs; d > u->cur_abs - 30; d--)
        if (sw_wx_push_on(u, a, d, &out[n]))
            n++;
    return n;
}

bool sw_wx_push_by_mid(const struct sw_universe *u, const struct sw_wx *a, int64_t mid, struct sw_push *out)
{
    int64_t q = mid - MID_BASE;
    if (q < 0)
        return false;
    int64_t d = q / 100;
    if (d > u->cur_abs || !sw_wx_push_on(u, a, d, out))
        return false;
    return out->mid == mid;
}

static const char *const topics[] = {
    "关于做好国庆节假期安全工作的通知", "全省召开深化改革工作推进会", "一图读懂政府工作报告",
    "这些新规十月起施行", "权威发布：最新政策解读来了", "重要提醒：近期谨防电信诈骗", "便民服务指南请收好",
    "交通出行提示", "天气预报：冷空气即将来袭", "公开招聘工作人员公告", "秋季旅游线路推荐",
    "我们身边的最美基层干部", "办事不用跑，网上就能办", "图解新修订的法规要点", "专项整治行动取得阶段性成效",
    "关于公开征求意见的公告", "今日起开通服务热线", "青年志愿者在行动", "食品安全抽检结果公布",
    "注意！这些行为将被处罚", "致全市人民的一封信", "重磅！改革方案正式出台", "最全办事攻略来了",
    "平安夜里的守护者" };
#define N_TOPICS (sizeof topics / sizeof topics[0])

int64_t sw_read_shown(int64_t reads) { return reads >= GR_READS_CAPPED ? GR_READS_CAPPED : reads; }

static int64_t grown(int64_t final, int64_t age)
{
    if (age < 0)
        return 0;
    int sh = age + 1 > 62 ? 62 : (int)age + 1;
    return final - (final >> sh);
}

void sw_wx_article(const struct sw_universe *u, const struct sw_wx *a, const struct sw_push *p, int idx,
                   struct sw_article *out)
{
    uint64_t h = sw_h3(a->h ^ 0xA27, (uint64_t)p->absday, (uint64_t)idx);
    memset(out, 0, sizeof *out);
    out->idx = idx;
    out->h = h;
    snprintf(out->sn, sizeof out->sn, "%016llx%016llx", (unsigned long long)sw_mix(h ^ 1),
             (unsigned long long)sw_mix(h ^ 2));
    const char *topic = topics[sw_mix(h ^ 3) % N_TOPICS];
    switch (sw_mix(h ^ 4) % 3) {
    case 0: snprintf(out->title, sizeof out->title, "【%s】%s", a->function, topic); break;
    case 1: snprintf(out->title, sizeof out->title, "%s", topic); break;
    default: snprintf(out->title, sizeof out->title, "%s（第%d期）", topic, (int)(p->absday % 300) + idx); break;
    }
    snprintf(out->digest, sizeof out->digest, "%s，%s。", clauses[sw_mix(h ^ 5) % N_CLAUSES],
             clauses[sw_mix(h ^ 6) % N_CLAUSES]);
    double s = sw_unit(sw_mix(h ^ 7));
    if (a->blocked)
        out->status = SW_BLOCKED;
    else
        out->status = s < 0.02 ? SW_DELETED : s < 0.03 ? SW_EXPIRED : s < 0.045 ? SW_VERIFY : SW_OK;
    double lr = a->read_mu + 1.0 * sw_normal(sw_mix(h ^ 8)) - (idx > 1 ? 0.7 : 0.0);
    if (lr > 18)
        lr = 18;
    int64_t fr = (int64_t)exp(lr) + 1;
    int64_t fl = (int64_t)((double)fr * (0.004 + 0.02 * sw_unit(sw_mix(h ^ 9))));
    int64_t age = u->cur_abs - p->absday;
    out->reads = grown(fr, age);
    out->likes = grown(fl, age);
    if (a->cal) {
        /* calibrated: the final counts from publication on, never deleted */
        out->status = SW_OK;
        for (uint32_t i = 0; i < a->cal_n; i++) {
            const struct sw_cal_art *c = &u->cal_art[a->cal_first + i];
            if (c->day == p->absday - u->day0_abs && c->idx == idx) {
                out->reads = age < 0 ? 0 : c->reads;
                out->likes = age < 0 ? 0 : c->likes;
                if (c->title)
                    snprintf(out->title, sizeof out->title, "%s", c->title);
            }
        }
    }
    uint64_t hf = sw_mix(h ^ 10);
    out->footer2014 = sw_unit(hf) < 0.3;
    out->wan_cap = (hf >> 40) & 1;
    size_t want = 22000 + (size_t)(sw_mix(h ^ 11) % 30000);
    uint32_t first = (uint32_t)(sw_mix(h ^ 12) % (u->n_par - 400));
    uint32_t last = first;
    while (last < u->n_par && u->par_off[0][last] - u->par_off[0][first] < want)
        last++;
    out->par_first = first;
    out->par_count = last - first;
}

/* ---- Tencent Weibo ---------------------------------------------------------------------- */

/* The first of account t's calibrated posts on absday (they are sorted by day and
 * position, sw_scenario.c checks it), by bisection; *n: how many there are that day. */
static const struct sw_cal_post *cal_day(const struct sw_universe *u, const struct sw_tw *t, int64_t absday, int *n)
{
    *n = 0;
    if (!t->cal_n)
        return NULL;
    const struct sw_cal_post *c = &u->cal_post[t->cal_first];
    int64_t d = absday - u->day0_abs;
    uint32_t lo = 0, hi = t->cal_n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c[mid].day < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    uint32_t e = lo;
    while (e < t->cal_n && c[e].day == d)
        e++;
    *n = (int)(e - lo);
    return c + lo;
}

/* The calibrated post of account t on absday at position j, or NULL. */
static const struct sw_cal_post *cal_post(const struct sw_universe *u, const struct sw_tw *t, int64_t absday, int j)
{
    int n;
    const struct sw_cal_post *c = cal_day(u, t, absday, &n);
    for (int i = 0; i < n; i++)
        if (c[i].j == j)
            return &c[i];
    return NULL;
}

static int tw_count_on(const struct sw_universe *u, const struct sw_tw *t, int64_t absday)
{
    if (t->cal) {
        int n;
        cal_day(u, t, absday, &n);
        return n;
    }
    if (t->lambda <= 0)
        return 0;
    uint64_t h = sw_h2(t->h ^ 0x7057, (uint64_t)absday);
    double x = t->lambda * (0.25 + 1.5 * sw_unit(h));
    int n = (int)x;
    if (sw_unit(sw_mix(h)) < x - n)
        n++;
    return n > 60 ? 60 : n;
}

int64_t sw_tw_window_first(const struct sw_universe *u)
{
    int64_t d = u->cur_abs - 29;
    if (u->scenario && u->day0_abs + u->tw_first < d)
        d = u->day0_abs + u->tw_first;
    return d;
}

int sw_tw_posts_on(const struct sw_universe *u, const struct sw_tw *t, int64_t absday, struct sw_post *out, int cap)
{
    int n = tw_count_on(u, t, absday);
    if (n > cap)
        n = cap;
    for (int j = 0; j < n; j++) {
        uint64_t h = sw_h3(t->h ^ 0x7050, (uint64_t)absday, (uint64_t)j);
        struct sw_post *p = &out[j];
        int64_t slot = 86400 / n;
        p->h = h;
        p->ts = absday * 86400 + (int64_t)j * slot + (int64_t)(h % (uint64_t)slot);
        snprintf(p->id, sizeof p->id, "%lld", (long long)(p->ts * 1000 + (int64_t)((h >> 12) % 1000)));
        double x = sw_unit(sw_mix(h ^ 1));
        p->type = x < 0.55 ? 1 : x < 0.85 ? 2 : x < 0.93 ? 4 : 7;
        p->mentions = (int)(sw_mix(h ^ 2) % 4);
        if (p->mentions == 3 && (sw_mix(h ^ 3) & 1))
            p->mentions = 0;
        double med = 1.0 + (double)t->f0 / 5000.0;
        int64_t fc = (int64_t)(med * exp(1.3 * sw_normal(sw_mix(h ^ 4))));
        int64_t fm = (int64_t)(0.6 * med * exp(1.3 * sw_normal(sw_mix(h ^ 5))));
        int64_t age = u->cur_abs - absday;
        p->count = grown(fc, age);
        p->mcount = grown(fm, age);
        const struct sw_cal_post *c = t->cal ? cal_post(u, t, absday, j) : NULL;
        if (c) {
            /* calibrated: 00:00-16:00 UTC, so the Beijing day is the same day */
            int64_t cslot = 57600 / n;
            p->ts = absday * 86400 + (int64_t)j * cslot + (int64_t)(h % (uint64_t)cslot);
            snprintf(p->id, sizeof p->id, "%lld", (long long)(p->ts * 1000 + (int64_t)((h >> 12) % 1000)));
            p->type = c->type;
            p->mentions = c->mentions;
            p->count = age < 0 ? 0 : c->count;
            p->mcount = age < 0 ? 0 : c->mcount;
        }
    }
    return n;
}

int64_t sw_tw_followers(const struct sw_universe *u, const struct sw_tw *t)
{
    if (t->cal) {
        /* the calibrated followers: the first count up to the Weibo period's first day, the
         * last from tw_last on, linear between */
        if (u->day <= u->tw_first)
            return t->cal_f1;
        if (u->day >= u->tw_last)
            return t->cal_f31;
        return t->cal_f1 + (t->cal_f31 - t->cal_f1) * (u->day - u->tw_first) / (u->tw_last - u->tw_first);
    }
    double j = (double)t->f0 * 0.0003;
    if (j < 2)
        j = 2;
    double f = (double)t->f0 + t->ftrend * u->day + (sw_unit(sw_h2(t->h ^ 0xF0, (uint64_t)u->cur_abs)) - 0.5) * j;
    return f < 0 ? 0 : (int64_t)f;
}

int64_t sw_tw_following(const struct sw_universe *u, const struct sw_tw *t)
{
    int64_t n = t->i0 + (int64_t)u->day * (int64_t)(t->h % 3) / 2;
    return n < 0 ? 0 : n;       /* (a day before day 0 may go below) */
}

int64_t sw_tw_tweetnum(const struct sw_universe *u, const struct sw_tw *t)
{
    int64_t n = t->p0, d0 = sw_tw_window_first(u);
    if (d0 > u->day0_abs - 29)
        d0 = u->day0_abs - 29;
    for (int64_t d = d0; d <= u->cur_abs; d++)
        n += tw_count_on(u, t, d);
    return n;
}

static const char *const tw_phrases[] = {
    "【提醒】", "【权威发布】", "【便民】", "#平安出行#", "#天气#", "转发：", "【通报】", "【关注】" };

enum gr_rc sw_tw_post_text(const struct sw_universe *u, const struct sw_tw *t, const struct sw_post *p, struct gr_buf *b)
{
    enum gr_rc rc = gr_buf_printf(b, "%s%s，%s。", tw_phrases[p->h % 8], clauses[sw_mix(p->h ^ 20) % N_CLAUSES],
                                  clauses[sw_mix(p->h ^ 21) % N_CLAUSES]);
    for (int m = 0; !rc && m < p->mentions; m++) {
        size_t who = (size_t)(sw_mix(p->h ^ (30 + (uint64_t)m)) % u->n_tw);
        if (&u->tw[who] == t)
            who = (who + 1) % u->n_tw;
        rc = gr_buf_printf(b, " @%s", u->tw[who].account);
    }
    return rc;
}

/* ---- stores --------------------------------------------------------------------------------- */

int64_t sw_listing_count(const struct sw_universe *u, const struct sw_listing *l)
{
    if (l->n0 < 0)
        return -1;
    int64_t n = l->n0 + l->n0 / 1000 * l->rate_ppm / 1000 * u->day;
    return n < 0 ? 0 : n;       /* (a day before day 0 may go below) */
}
