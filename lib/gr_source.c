/* The source registry (one line per site) and the helpers the source modules
 * share: PCRE2 patterns compiled once, URL query handling, HTML entities,
 * JSON access. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "gr_source.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gr_charset.h"
#include "gr_log.h"
#include "gr_rows.h"
#include "gr_source_impl.h"
#include "gr_util.h"

/* The registry: one entry per site, its module lib/sources/<file>.c
 * defining gr_source_<name>. Adding a site is that file and one entry here.
 * GR_TEST_SOURCES: sources compiled only into test programs (the toy store
 * of tests/integration/toy_source.sh, built with -DGR_TOY_SOURCE). */
/* sogou_profile comes before wechat: wechat's article pattern claims every
 * mp.weixin.qq.com/s? URL, and the temporary signed links are
 * sogou_profile's (the first source whose pattern matches owns a URL). */
#define GR_SOURCES(X) X(sogou) X(sogou_profile) X(wechat) X(tqq) X(360) X(91) X(yyb) X(baidu) X(wandoujia) X(appstore) GR_TEST_SOURCES(X)
#ifdef GR_TOY_SOURCE
#define GR_TEST_SOURCES(X) X(toy)
#else
#define GR_TEST_SOURCES(X)
#endif
#define GR_SOURCE_DECL(n) extern const struct gr_source gr_source_##n;
#define GR_SOURCE_REF(n) &gr_source_##n,
GR_SOURCES(GR_SOURCE_DECL)
static const struct gr_source *const registry[] = { GR_SOURCES(GR_SOURCE_REF) };
#define NSOURCES (sizeof registry / sizeof registry[0])
#define MAXPAT 8
#define GR_DISCOVER_MAX (128u << 20)

/* ---- PCRE2 ------------------------------------------------------------------- */

static pcre2_match_context *mctx;
static pthread_mutex_t re_lock = PTHREAD_MUTEX_INITIALIZER;

/* Match limits keep a hostile page from making a pattern run away. */
#define GR_RE_MATCH_LIMIT 2000000u
#define GR_RE_DEPTH_LIMIT 20000u

enum gr_rc gr__re_compile(struct gr__re *re)
{
    enum gr_rc rc = GR_OK;
    int err;
    PCRE2_SIZE eoff;
    pcre2_code *code;

    if (__atomic_load_n(&re->code, __ATOMIC_ACQUIRE))
        return GR_OK;
    pthread_mutex_lock(&re_lock);
    if (re->code)
        goto out;
    if (!mctx) {
        mctx = pcre2_match_context_create(NULL);
        if (!mctx) {
            rc = GR_ENOMEM;
            goto out;
        }
        pcre2_set_match_limit(mctx, GR_RE_MATCH_LIMIT);
        pcre2_set_depth_limit(mctx, GR_RE_DEPTH_LIMIT);
    }
    code = pcre2_compile((PCRE2_SPTR)re->pattern, PCRE2_ZERO_TERMINATED, re->flags, &err, &eoff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        gr_error("pattern %s does not compile at %zu: %s", re->pattern, (size_t)eoff, (char *)msg);
        rc = GR_EINTERNAL;
        goto out;
    }
    /* JIT when the platform has it; pcre2_match falls back to the
     * interpreter by itself when it does not. */
    if (!getenv("GR_PCRE2_NO_JIT"))   /* set to test the interpreter fallback */
        (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    __atomic_store_n(&re->code, code, __ATOMIC_RELEASE);
out:
    pthread_mutex_unlock(&re_lock);
    return rc;
}

/* One match block per thread, found through a thread-local pointer; the key's
 * destructor frees it when a thread ends (the parser's workers). */
static __thread pcre2_match_data *tl_md;
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free_cb(void *p) { pcre2_match_data_free(p); }
static void md_key_init(void) { (void)pthread_key_create(&md_key, md_free_cb); }

int gr__re_match(struct gr__re *re, const char *s, size_t n, size_t start, size_t *ov, int ovn)
{
    int r;
    PCRE2_SIZE *v;

    if (gr__re_compile(re))
        return -1;
    if (!tl_md) {
        tl_md = pcre2_match_data_create(32, NULL);
        if (!tl_md)
            return -1;
        pthread_once(&md_once, md_key_init);
        (void)pthread_setspecific(md_key, tl_md);
    }
    if (start > n)
        return 0;
    r = pcre2_match(re->code, (PCRE2_SPTR)s, n, start, 0, tl_md, mctx);
    if (r == PCRE2_ERROR_NOMATCH)
        return 0;
    if (r < 0)
        return -1;
    if (r == 0)
        r = 32;
    v = pcre2_get_ovector_pointer(tl_md);
    for (int i = 0; i < ovn * 2; i++)
        ov[i] = i < r * 2 ? (v[i] == PCRE2_UNSET ? SIZE_MAX : v[i]) : SIZE_MAX;
    return r;
}

int gr__re_count(struct gr__re *re, const char *s, size_t n, int max)
{
    size_t ov[2], pos = 0;
    int c = 0;

    while (c <= max) {
        int r = gr__re_match(re, s, n, pos, ov, 1);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        c++;
        pos = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
    }
    return c;
}

/* ---- URL patterns ------------------------------------------------------------ */

static struct gr__re url_res[NSOURCES][MAXPAT];
static pthread_once_t url_once = PTHREAD_ONCE_INIT;
static enum gr_rc url_init_rc;

static void url_init(void)
{
    for (size_t i = 0; i < NSOURCES; i++) {
        const struct gr_url_pattern *p = registry[i]->patterns;
        for (int j = 0; p && p[j].re && j < MAXPAT; j++) {
            url_res[i][j].pattern = p[j].re;
            url_res[i][j].flags = PCRE2_CASELESS;
            if (gr__re_compile(&url_res[i][j]))
                url_init_rc = GR_EINTERNAL;
        }
    }
}

/* Finds the source and pattern index owning url. */
static const struct gr_source *lookup(const char *url, const char *method, int *pat)
{
    size_t n, ov[2];

    if (!url)
        return NULL;
    pthread_once(&url_once, url_init);
    if (url_init_rc)
        return NULL;
    n = strlen(url);
    for (size_t i = 0; i < NSOURCES; i++) {
        const struct gr_url_pattern *p = registry[i]->patterns;
        for (int j = 0; p && p[j].re && j < MAXPAT; j++) {
            if (p[j].method && (!method || strcasecmp(method, p[j].method) != 0))
                continue;
            if (gr__re_match(&url_res[i][j], url, n, 0, ov, 1) > 0) {
                if (pat)
                    *pat = j;
                return registry[i];
            }
        }
    }
    return NULL;
}

bool gr_source_blocked(const struct gr_page *page, const char *location, char *why, size_t why_len)
{
    const struct gr_source *s = lookup(page->url, page->method ? page->method : "GET", NULL);
    if (why_len)
        why[0] = '\0';
    return s && s->blocked && s->blocked(page, location, why, why_len);
}

bool gr_source_can_block(const struct gr_source *s)
{
    return s && s->blocked;
}

const struct gr_source *gr_source_find(const char *url)
{
    const struct gr_source *s = lookup(url, "POST", NULL);
    return s ? s : lookup(url, "GET", NULL);
}

const char *gr_source_name(const struct gr_source *s) { return s ? s->name : NULL; }

const char *gr_source_kind(const char *url, const char *method)
{
    int j = 0;
    const struct gr_source *s = lookup(url, method ? method : "GET", &j);
    return s ? s->patterns[j].kind : NULL;
}

static const char *source_kind_of(const struct gr_source **src, const char *url, const char *method)
{
    int j = 0;
    const struct gr_source *s = lookup(url, method ? method : "GET", &j);
    *src = s;
    return s ? s->patterns[j].kind : NULL;
}

/* ---- seeds, credentials, hosts ------------------------------------------------ */

void gr_seeds_init(struct gr_seeds *s)
{
    memset(s, 0, sizeof *s);
}

void gr_seeds_free(struct gr_seeds *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].url);
        free(s->v[i].target_key);
    }
    free(s->v);
    gr_seeds_init(s);
}

enum gr_rc gr_seeds_add(struct gr_seeds *s, const struct gr_source *src, const char *url, const char *target_key)
{
    const struct gr_source *owner;
    const char *kind = source_kind_of(&owner, url, "GET");
    struct gr_seed *e;

    if (!kind || owner != src)
        return GR_EDATA;
    {
        struct gr_seed *v = gr_grow(s->v, s->n, &s->cap, sizeof *v, 64);
        if (!v)
            return GR_ENOMEM;
        s->v = v;
    }
    e = &s->v[s->n];
    e->url = strdup(url);
    e->target_key = strdup(target_key);
    e->source = src->name;
    e->kind = kind;
    if (!e->url || !e->target_key) {
        free(e->url);
        free(e->target_key);
        return GR_ENOMEM;
    }
    s->n++;
    return GR_OK;
}

enum gr_rc gr__seed_table(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out)
{
    for (const struct gr_seed_spec *sp = src->seeds; sp && sp->target; sp++) {
        struct gr_buf url;
        enum gr_rc rc;
        if (strcmp(sp->target, t->table) != 0)
            continue;
        gr_buf_init(&url, 64 * 1024);
        gr_buf_printf(&url, "%s://%s", sp->scheme, sp->host);
        /* the path template's one %s is the key */
        for (const char *p = sp->path; *p; p++) {
            if (p[0] == '%' && p[1] == 's') {
                gr_buf_appends(&url, t->key);
                p++;
            } else {
                gr_buf_appendc(&url, *p);
            }
        }
        rc = url.data ? gr_seeds_add(out, src, url.data, t->key) : GR_ENOMEM;
        gr_buf_free(&url);
        if (rc)
            return rc;
    }
    return GR_OK;
}

enum gr_rc gr__store_seed(const struct gr_source *src, const struct gr_target *t, struct gr_seeds *out)
{
    char key[512];
    if (strcmp(t->table, "store_listing") != 0 || !t->store || strcmp(t->store, src->name) != 0 || !t->url)
        return GR_OK;
    snprintf(key, sizeof key, "%s:%s", t->store, t->key);
    return gr_seeds_add(out, src, t->url, key);
}

enum gr_rc gr_source_seed(const struct gr_target *t, struct gr_seeds *out)
{
    for (size_t i = 0; i < NSOURCES; i++) {
        enum gr_rc rc = registry[i]->seed ? registry[i]->seed(registry[i], t, out) : GR_OK;
        if (rc)
            return rc;
    }
    return GR_OK;
}

bool gr_source_secret_param(const char *name, size_t len)
{
    for (size_t i = 0; i < NSOURCES; i++)
        for (const char *const *k = registry[i]->secret_params; k && *k; k++)
            if (len == strlen(*k) && strncmp(name, *k, len) == 0)
                return true;
    return false;
}

static char secret_list[512];
static pthread_once_t secret_once = PTHREAD_ONCE_INIT;

static void secret_list_init(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NSOURCES; i++)
        for (const char *const *k = registry[i]->secret_params; k && *k; k++)
            n += (size_t)snprintf(secret_list + n, sizeof secret_list - n, "%s%s", n ? ", " : "", *k);
}

const char *gr_source_secret_list(void)
{
    pthread_once(&secret_once, secret_list_init);
    return secret_list;
}

bool gr_source_wants_credentials(const char *url)
{
    const struct gr_source *src = gr_source_find(url);
    const char *p = strstr(url, "://");

    if (!src || !p || !(p = strchr(p + 3, '/')))
        return false;
    for (const char *const *c = src->creds ? src->creds->paths : NULL; c && *c; c++)
        if (strncmp(p, *c, strlen(*c)) == 0)
            return true;
    return false;
}

const struct gr_source *gr__source_at(size_t i)
{
    return i < NSOURCES ? registry[i] : NULL;
}

const struct gr_cred_table *gr_source_cred_table(size_t i)
{
    for (size_t k = 0; k < NSOURCES; k++)
        if (registry[k]->creds && i-- == 0)
            return registry[k]->creds;
    return NULL;
}

/* The first declaration of kind in the registry's kind tables, or NULL. */
static const struct gr_kind *kind_decl(const char *kind, size_t nsrc)
{
    for (size_t k = 0; k < nsrc; k++)
        for (const struct gr_kind *d = registry[k]->kinds; d && d->name; d++)
            if (strcmp(d->name, kind) == 0)
                return d;
    return NULL;
}

const struct gr_kind *gr_source_kind_at(size_t i)
{
    for (size_t k = 0; k < NSOURCES; k++)
        for (const struct gr_kind *d = registry[k]->kinds; d && d->name; d++)
            if (kind_decl(d->name, k) == NULL && i-- == 0)   /* not declared by an earlier source */
                return d;
    return NULL;
}

bool gr_kind_by_publish_age(const char *kind)
{
    const struct gr_kind *d = kind ? kind_decl(kind, NSOURCES) : NULL;
    return d && d->by_publish_age;
}

bool gr_source_same_site(const struct gr_source *src, const char *from_host, const char *to_host)
{
    bool from = false, to = false;
    if (strcmp(from_host, to_host) == 0)
        return true;
    for (const char *const *h = src ? src->hosts : NULL; h && *h; h++) {
        from = from || strcmp(*h, from_host) == 0;
        to = to || strcmp(*h, to_host) == 0;
    }
    return from && to;
}

enum gr_rc gr_source_discover(const struct gr_page *page, struct gr_links *out)
{
    int j = 0;
    const struct gr_source *s;

    if (!page || !page->url)
        return GR_OK;
    s = lookup(page->url, page->method ? page->method : "GET", &j);
    if (!s || !s->discover || page->status < 200 || page->status > 299 || !page->body)
        return GR_OK;
    {
        /* sources read valid UTF-8: convert (GBK pages) and clean (stray
         * invalid bytes would make a JSON parser refuse the whole list) */
        struct gr_buf utf8;
        struct gr_page p = *page;
        char cs[64];
        enum gr_rc rc;

        gr_buf_init(&utf8, GR_DISCOVER_MAX);
        gr_charset_resolve(page->content_type, page->body, page->len, cs, sizeof cs);
        if (strcmp(cs, "utf-8") == 0 && gr_charset_is_clean_utf8(page->body, page->len)) {
            p.utf8 = true;
            return s->discover(&p, s->patterns[j].kind, out);     /* as it is: no copy */
        }
        rc = gr_charset_to_utf8(cs, page->body, page->len, &utf8, NULL);
        if (rc == GR_OK) {
            p.body = utf8.data ? utf8.data : "";
            p.len = utf8.len;
            p.utf8 = true;
            rc = s->discover(&p, s->patterns[j].kind, out);
        } else if (rc == GR_ELIMIT) {
            rc = s->discover(page, s->patterns[j].kind, out);
        }
        gr_buf_free(&utf8);
        return rc;
    }
}

/* ---- links ------------------------------------------------------------------- */

void gr_links_init(struct gr_links *l)
{
    l->v = NULL;
    l->n = l->cap = 0;
}

void gr_links_free(struct gr_links *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].url);
        free(l->v[i].method);
        free(l->v[i].post_body);
    }
    free(l->v);
    gr_links_init(l);
}

#define GR_LINKS_MAX 100000

enum gr_rc gr_links_add(struct gr_links *l, const char *url, const char *method, const char *post_body,
                        const char *kind, int64_t published_at)
{
    struct gr_link *k;

    if (!url)
        return GR_EDATA;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct gr_link *v;
        if (l->n >= GR_LINKS_MAX)
            return GR_ELIMIT;
        v = realloc(l->v, ncap * sizeof *v);
        if (!v)
            return GR_ENOMEM;
        l->v = v;
        l->cap = ncap;
    }
    k = &l->v[l->n];
    k->url = strdup(url);
    k->method = strdup(method ? method : "GET");
    k->post_body = post_body ? strdup(post_body) : NULL;
    k->kind = kind;
    k->published_at = published_at;
    if (!k->url || !k->method || (post_body && !k->post_body)) {
        free(k->url);
        free(k->method);
        free(k->post_body);
        return GR_ENOMEM;
    }
    l->n++;
    return GR_OK;
}

/* ---- URL and text helpers ---------------------------------------------------- */

/* Finds name= in the query of url; sets *v, *vn to the raw value. */
static bool find_param(const char *url, const char *name, const char **v, size_t *vn)
{
    const char *q = strchr(url, '?');
    size_t nl = strlen(name);
    const char *end;

    if (!q)
        return false;
    end = strchr(q, '#');
    if (!end)
        end = q + strlen(q);
    q++;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *e = amp ? amp : end;
        if ((size_t)(e - q) > nl && memcmp(q, name, nl) == 0 && q[nl] == '=') {
            *v = q + nl + 1;
            *vn = (size_t)(e - *v);
            return true;
        }
        q = e + 1;
    }
    return false;
}

bool gr__query_param_raw(const char *url, const char *name, struct gr_buf *out)
{
    const char *v;
    size_t vn;

    gr_buf_reset(out);
    if (!url || !find_param(url, name, &v, &vn))
        return false;
    return gr_buf_append(out, v, vn) == GR_OK;
}

bool gr__query_param(const char *url, const char *name, struct gr_buf *out)
{
    const char *v;
    size_t vn;

    gr_buf_reset(out);
    if (!url || !find_param(url, name, &v, &vn))
        return false;
    for (size_t i = 0; i < vn; i++) {
        char c = v[i];
        if (c == '%' && i + 2 < vn) {
            int h = gr_hexval((unsigned char)v[i + 1]);
            int l = gr_hexval((unsigned char)v[i + 2]);
            if (h >= 0 && l >= 0) {
                c = (char)(h * 16 + l);
                i += 2;
            }
        }
        /* '+' stays '+': base64 __biz values contain it, written unescaped */
        if (gr_buf_appendc(out, c))
            return false;
    }
    return true;
}

enum gr_rc gr__url_set_param(const char *url, const char *name, const char *value, struct gr_buf *out)
{
    const char *v;
    size_t vn;
    enum gr_rc rc;

    gr_buf_reset(out);
    if (find_param(url, name, &v, &vn)) {
        rc = gr_buf_append(out, url, (size_t)(v - url));
        if (!rc)
            rc = gr_buf_appends(out, value);
        if (!rc)
            rc = gr_buf_appends(out, v + vn);
        return rc;
    }
    {
        const char *hash = strchr(url, '#');
        size_t base = hash ? (size_t)(hash - url) : strlen(url);
        rc = gr_buf_append(out, url, base);
        if (!rc)
            rc = gr_buf_appendc(out, memchr(url, '?', base) ? '&' : '?');
        if (!rc)
            rc = gr_buf_printf(out, "%s=%s", name, value);
        if (!rc && hash)
            rc = gr_buf_appends(out, hash);
        return rc;
    }
}

enum gr_rc gr__form_encode(const char *s, struct gr_buf *out)
{
    enum gr_rc rc = GR_OK;

    for (; *s && !rc; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~' || c == '=')
            rc = gr_buf_appendc(out, (char)c);
        else
            rc = gr_buf_printf(out, "%%%02X", c);
    }
    return rc;
}

static enum gr_rc put_utf8(struct gr_buf *out, unsigned long cp)
{
    char u[4];

    if (cp == 0)
        cp = 0xFFFD;
    return gr_buf_append(out, u, gr_utf8_encode(cp > 0x10FFFF ? 0xFFFD : (uint32_t)cp, u));
}

static const struct {
    const char *name;
    unsigned long cp;
} entities[] = {
    { "quot", '"' }, { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "apos", '\'' },
    { "nbsp", 0xA0 }, { "yen", 0xA5 }, { "middot", 0xB7 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
    { "hellip", 0x2026 }, { "mdash", 0x2014 }, { "copy", 0xA9 },
};

enum gr_rc gr__html_text(const char *s, size_t n, struct gr_buf *out)
{
    struct gr_buf raw;
    size_t start = out->len;
    enum gr_rc rc = GR_OK;

    gr_buf_init(&raw, n + 1);
    for (size_t i = 0; i < n && !rc;) {
        if (s[i] == '<' && i + 3 < n && !memcmp(s + i, "<!--", 4)) {
            const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
            i = e ? (size_t)(e - s) + 3 : n;
        } else if (s[i] == '<') {
            const char *e = memchr(s + i, '>', n - i);
            i = e ? (size_t)(e - s) + 1 : n;
        } else {
            size_t j = i;
            while (j < n && s[j] != '<')
                j++;
            rc = gr_buf_append(&raw, s + i, j - i);
            i = j;
        }
    }
    if (!rc)
        rc = gr__html_unescape(raw.data ? raw.data : "", raw.len, out);
    if (!rc && out->data)
        out->len = start + gr__normalize_space(out->data + start, out->len - start);
    if (out->data)
        out->data[out->len] = '\0';
    gr_buf_free(&raw);
    return rc;
}

enum gr_rc gr__html_unescape(const char *s, size_t n, struct gr_buf *out)
{
    size_t i = 0, run = 0;
    enum gr_rc rc = GR_OK;

    while (i < n && !rc) {
        size_t j, k;
        if (s[i] != '&') {
            run++;
            i++;
            continue;
        }
        if (run) {
            rc = gr_buf_append(out, s + i - run, run);
            run = 0;
            if (rc)
                break;
        }
        /* find ';' within a short window */
        for (j = i + 1; j < n && j < i + 12 && s[j] != ';' && s[j] != '&'; j++)
            ;
        if (j < n && s[j] == ';' && j > i + 1) {
            if (s[i + 1] == '#') {
                unsigned long cp = 0;
                bool ok = true;
                if (j > i + 2 && (s[i + 2] == 'x' || s[i + 2] == 'X')) {
                    ok = j > i + 3;
                    for (k = i + 3; k < j && ok; k++) {
                        int h = gr_hexval((unsigned char)s[k]);
                        ok = h >= 0 && cp < 0x110000;
                        cp = cp * 16 + (unsigned)(h < 0 ? 0 : h);
                    }
                } else {
                    ok = j > i + 2;
                    for (k = i + 2; k < j && ok; k++) {
                        ok = s[k] >= '0' && s[k] <= '9' && cp < 0x110000;
                        cp = cp * 10 + (unsigned)(s[k] - '0');
                    }
                }
                if (ok) {
                    rc = put_utf8(out, cp);
                    i = j + 1;
                    continue;
                }
            } else {
                bool found = false;
                for (k = 0; k < sizeof entities / sizeof entities[0]; k++) {
                    size_t el = strlen(entities[k].name);
                    if (el == j - i - 1 && memcmp(s + i + 1, entities[k].name, el) == 0) {
                        rc = put_utf8(out, entities[k].cp);
                        found = true;
                        break;
                    }
                }
                if (found) {
                    i = j + 1;
                    continue;
                }
            }
        }
        run++;
        i++;
    }
    if (!rc && run)
        rc = gr_buf_append(out, s + n - run, run);
    return rc;
}

size_t gr__normalize_space(char *s, size_t n)
{
    size_t o = 0, i = 0;
    bool space = true;   /* drops leading space */

    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t w = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            w = 1;
        else if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            w = 2;
        else if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80)
            w = 3;
        if (w) {
            if (!space)
                s[o++] = ' ';
            space = true;
            i += w;
        } else {
            s[o++] = s[i++];
            space = false;
        }
    }
    if (o > 0 && s[o - 1] == ' ')
        o--;
    if (o < n)
        s[o] = '\0';
    return o;
}

/* ---- JSON -------------------------------------------------------------------- */

void gr__json_strip_nul(json_t *j, int depth)
{
    const char *k;
    json_t *v;
    size_t i;

    if (!j || depth > 4096)
        return;
    if (json_is_string(j)) {
        size_t len = json_string_length(j);
        const char *p = json_string_value(j);
        if (memchr(p, '\0', len)) {
            /* "\u0000" is stored without the NUL; the rest of the text kept */
            char *c = malloc(len + 1);
            size_t o = 0;
            if (!c)
                return;
            for (i = 0; i < len; i++)
                if (p[i])
                    c[o++] = p[i];
            json_string_setn(j, c, o);
            free(c);
        }
    } else if (json_is_object(j)) {
        json_object_foreach(j, k, v)
            gr__json_strip_nul(v, depth + 1);
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            gr__json_strip_nul(v, depth + 1);
    }
}

json_t *gr__json_parse(const char *s, size_t n, char *reason, size_t reason_len)
{
    json_error_t err;
    json_t *j;
    size_t i = 0;

    /* a UTF-8 BOM is not JSON but pages carry it */
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    j = json_loadb(s + i, n - i, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    gr__json_strip_nul(j, 0);
    if (!j && reason)
        snprintf(reason, reason_len, "not JSON: line %d column %d: %s", err.line, err.column, err.text);
    return j;
}

json_t *gr__json_object_of(json_t *j, const char *what, char *reason, size_t reason_len)
{
    if (j && !json_is_object(j)) {
        json_decref(j);
        snprintf(reason, reason_len, "%s is not an object", what);
        return NULL;
    }
    return j;
}

json_t *gr__json_object(const char *s, size_t n, const char *what, char *reason, size_t reason_len)
{
    char w[64];
    snprintf(w, sizeof w, "%s: JSON", what);
    return gr__json_object_of(gr__json_parse(s, n, reason, reason_len), w, reason, reason_len);
}

bool gr__json_i64(json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    if (json_is_string(v)) {
        int64_t x;
        if (gr_parse_i64(json_string_value(v), &x)) {
            *out = x;
            return true;
        }
    }
    return false;
}

const char *gr__json_str(json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* ---- extract ----------------------------------------------------------------- */

#define GR_PAGE_UTF8_MAX (128u << 20)

static __thread bool tl_init;
static __thread struct gr_buf tl_utf8;
static __thread struct gr_rows tl_fast, tl_dom;

static enum gr_rc reject(const struct gr_page *page, const char *source, const char *reason, struct gr_rows *out)
{
    struct gr_row r;

    gr_row_begin(&r, out, GR_REC_PARSE_REJECT);
    gr_row_str(&r, source);
    gr_row_str(&r, reason);
    return gr_row_end(&r, page);
}

/* The first differing line of two row sets, for the verify report. */
static void describe_diff(const struct gr_rows *a, const struct gr_rows *b, char *out, size_t outsz)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        const char *x = a->b[t].data ? a->b[t].data : "", *y = b->b[t].data ? b->b[t].data : "";
        size_t i = 0;
        if (a->b[t].len == b->b[t].len && memcmp(x, y, a->b[t].len) == 0)
            continue;
        while (x[i] && x[i] == y[i])
            i++;
        while (i > 0 && x[i - 1] != '\n')
            i--;
        snprintf(out, outsz, "%s: fast [%.*s] dom [%.*s]", gr_rec_name((enum gr_rec_type)t),
                 (int)strcspn(x + i, "\n") > 100 ? 100 : (int)strcspn(x + i, "\n"), x + i,
                 (int)strcspn(y + i, "\n") > 100 ? 100 : (int)strcspn(y + i, "\n"), y + i);
        return;
    }
    snprintf(out, outsz, "row sets differ");
}

static bool rows_equal(const struct gr_rows *a, const struct gr_rows *b)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (a->b[t].len != b->b[t].len ||
            (a->b[t].len && memcmp(a->b[t].data, b->b[t].data, a->b[t].len) != 0))
            return false;
    }
    return true;
}

enum gr_rc gr_source_extract(const struct gr_page *page, enum gr_extract_mode mode, struct gr_rows *out,
                             struct gr_extract_result *res)
{
    const struct gr_source *src = NULL;
    struct gr_buf utf8;
    struct gr_rows fast, dom;
    struct gr_doc doc;
    char charset[64];
    enum gr_rc rc = GR_OK, xrc, fast_rc = GR_OK;
    bool decided = false;

    memset(res, 0, sizeof *res);
    /* per-thread buffers, reused from page to page (no realloc churn) */
    if (!tl_init) {
        gr_buf_init(&tl_utf8, GR_PAGE_UTF8_MAX);
        gr_rows_init(&tl_fast, GR_PAGE_UTF8_MAX);
        gr_rows_init(&tl_dom, GR_PAGE_UTF8_MAX);
        tl_init = true;
    }
    utf8 = tl_utf8;
    fast = tl_fast;
    dom = tl_dom;
    gr_buf_reset(&utf8);
    gr_rows_reset(&fast);
    gr_rows_reset(&dom);
    res->kind = page->url ? source_kind_of(&src, page->url, page->method) : NULL;
    res->source = src ? src->name : NULL;
    if (!src || !src->extract) {
        snprintf(res->reason, sizeof res->reason, "no source owns this URL");
        goto rejected;
    }
    if (page->status >= 300 && page->status < 400) {
        snprintf(res->reason, sizeof res->reason, "HTTP %d redirect: no page to parse", page->status);
        goto rejected;
    }
    if (page->status >= 500) {
        snprintf(res->reason, sizeof res->reason, "HTTP %d server error", page->status);
        goto rejected;
    }
    if (page->len == 0 && page->status >= 200 && page->status < 300) {
        snprintf(res->reason, sizeof res->reason, "empty body (HTTP %d)", page->status);
        goto rejected;
    }
    gr_charset_resolve(page->content_type, page->body ? page->body : "", page->body ? page->len : 0, charset,
                       sizeof charset);
    rc = gr_charset_to_utf8(charset, page->body ? page->body : "", page->body ? page->len : 0, &utf8, NULL);
    if (rc == GR_ELIMIT) {
        rc = GR_OK;
        snprintf(res->reason, sizeof res->reason, "page too large (over %u bytes as UTF-8)", GR_PAGE_UTF8_MAX);
        goto rejected;
    }
    if (rc)
        goto out;
    doc.page = page;
    doc.kind = res->kind;
    doc.text = utf8.data;
    doc.len = utf8.len;

    if (mode != GR_EXTRACT_DOM) {
        xrc = src->extract(&doc, GR_PATH_FAST, &fast, &decided, res->reason, sizeof res->reason);
        if (xrc == GR_ENOMEM) {
            rc = xrc;
            goto out;
        }
        fast_rc = xrc;
        if (decided && xrc) {
            gr_rows_reset(&fast);
            if (mode == GR_EXTRACT_AUTO)
                goto rejected;
        }
        res->fast_decided = decided;
        if (decided && mode == GR_EXTRACT_AUTO) {
            rc = gr_rows_append(out, &fast);
            goto out;
        }
        if (!decided)
            gr_rows_reset(&fast);
    }
    {
        char dreason[256] = "";
        bool dd = true;
        xrc = src->extract(&doc, GR_PATH_DOM, &dom, &dd, dreason, sizeof dreason);
        if (xrc == GR_ENOMEM) {
            rc = xrc;
            goto out;
        }
        if (xrc)
            gr_rows_reset(&dom);
        if (mode == GR_EXTRACT_VERIFY && res->fast_decided) {
            /* a reject on both sides agrees when both reject */
            bool frej = fast_rc != GR_OK;
            bool drej = xrc != GR_OK;
            if (frej != drej || !rows_equal(&fast, &dom)) {
                res->disagree = true;
                if (frej != drej)
                    snprintf(res->reason, sizeof res->reason, "fast %s, dom %s%.200s", frej ? "rejected" : "gave rows",
                             drej ? "rejected: " : "gave rows", drej ? dreason : "");
                else
                    describe_diff(&fast, &dom, res->reason, sizeof res->reason);
            }
        }
        if (xrc) {
            if (!res->disagree)
                snprintf(res->reason, sizeof res->reason, "%s", dreason);
            goto rejected;
        }
        rc = gr_rows_append(out, &dom);
        goto out;
    }
rejected:
    res->rejected = true;
    rc = reject(page, res->source, res->reason[0] ? res->reason : "unparseable page", out);
out:
    /* keep the buffers unless a huge page made them huge */
    if (utf8.cap > (16u << 20)) {
        gr_buf_free(&utf8);
        gr_rows_free(&fast);
        gr_rows_free(&dom);
    }
    tl_utf8 = utf8;
    tl_fast = fast;
    tl_dom = dom;
    return rc;
}

void gr_page_from_http(struct gr_page *pg, const struct gr_http_msg *m, const char *url, const char *method,
                       const char *req, size_t req_len, int64_t fetched_at)
{
    memset(pg, 0, sizeof *pg);
    pg->url = url;
    pg->method = method && *method ? method : "GET";
    pg->request_body = req && req_len ? req : NULL;
    pg->request_len = req && req_len ? req_len : 0;
    pg->status = m->status;
    pg->content_type = m->content_type[0] ? m->content_type : NULL;
    pg->body = m->body;
    pg->len = m->body_len;
    pg->fetched_at = fetched_at;
}
