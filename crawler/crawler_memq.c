/* The in-memory frontier of `crawler --urls FILE`: the same politeness as
 * the Postgres frontier (per-host in-flight limit, delay, robots.txt with
 * Crawl-delay, Retry-After, backoff with jitter, attempt cap) for an ad-hoc
 * URL list, without a database. Redirect targets are added (deduplicated);
 * discovery is off in this mode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <uthash.h>

#include "crawler.h"
#include "gr_log.h"
#include "gr_progress.h"
#include "gr_util.h"

enum mstate { M_QUEUED, M_LEASED, M_DONE };

struct mitem {
    char *url, *method, *body, *kind, *source;
    struct mhost *h;
    int depth, attempts, hops;
    double due;
    enum mstate state;
};

struct mhost {
    char *name;
    char *origin;                /* "scheme://authority" of the first URL */
    double next_allowed;
    int inflight, backoff_level, max_inflight;
    int64_t delay_ms, crawl_delay_ms;
    int robots_status;           /* -1 unknown */
    char *robots_body;
    int64_t robots_version;
    bool robots_queued;
    bool robots_unreachable;     /* its robots.txt failed: disallow all (RFC 9309 2.3.1.4) */
    size_t *q;                   /* queued item indices (FIFO ring) */
    size_t qh, qn, qcap;
    UT_hash_handle hh;
};

struct seen {
    char *key;
    UT_hash_handle hh;
};

struct memq {
    struct cr_frontier f;
    const struct gr_config *cfg;
    const char *agent;
    struct mitem *items;
    size_t n, cap;
    struct mhost *hosts;
    struct seen *seen;
    size_t leased;
};

static bool q_push(struct mhost *h, size_t idx)
{
    if (h->qn == h->qcap) {
        size_t nc = h->qcap ? h->qcap * 2 : 16;
        size_t *nq = malloc(nc * sizeof *nq);
        if (!nq)
            return false;
        for (size_t i = 0; i < h->qn; i++)
            nq[i] = h->q[(h->qh + i) % h->qcap];
        free(h->q);
        h->q = nq;
        h->qh = 0;
        h->qcap = nc;
    }
    h->q[(h->qh + h->qn) % h->qcap] = idx;
    h->qn++;
    return true;
}

/* Puts idx at the head of the host's queue (a robots.txt retry must come
 * before the URLs that wait for it). */
static bool q_push_front(struct mhost *h, size_t idx)
{
    if (!q_push(h, idx))
        return false;
    {
        size_t last = (h->qh + h->qn - 1) % h->qcap;
        h->qn--;
        h->qh = (h->qh + h->qcap - 1) % h->qcap;
        h->q[h->qh] = h->q[last] = idx;
        h->qn++;
    }
    return true;
}

static struct mhost *host_get(struct memq *m, const char *url)
{
    char name[512];
    struct mhost *h;
    const char *colon = strstr(url, "://");

    if (!gr_url_host(url, name, sizeof name) || !colon)
        return NULL;
    HASH_FIND_STR(m->hosts, name, h);
    if (h)
        return h;
    h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->name = strdup(name);
    h->origin = strndup(url, (size_t)(colon - url) + 3 + strcspn(colon + 3, "/?#"));
    if (!h->name || !h->origin) {
        free(h->name);
        free(h->origin);
        free(h);
        return NULL;
    }
    h->robots_status = -1;
    h->crawl_delay_ms = -1;
    h->delay_ms = cr_host_delay_ms(m->cfg, name, m->f.polite.delay_ms);
    h->max_inflight = cr_host_max_inflight(m->cfg, name, m->f.polite.max_inflight);
    HASH_ADD_KEYPTR(hh, m->hosts, h->name, strlen(h->name), h);
    return h;
}

/* Adds a URL unless seen; returns false only when out of memory. */
static bool add_item(struct memq *m, const char *method, const char *url, const char *body, const char *kind,
                     int depth, int hops)
{
    struct seen *s;
    struct mitem *it;
    struct mhost *h;
    size_t kl = strlen(method) + strlen(url) + (body ? strlen(body) : 0) + 3;
    char *key = malloc(kl);

    if (!key)
        return false;
    snprintf(key, kl, "%s %s\n%s", method, url, body ? body : "");
    HASH_FIND_STR(m->seen, key, s);
    if (s) {
        free(key);
        return true;
    }
    h = host_get(m, url);
    if (!h) {
        gr_warn("skipping %s: not an absolute http(s) URL", url);
        free(key);
        return true;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        free(key);
        return false;
    }
    s->key = key;
    HASH_ADD_KEYPTR(hh, m->seen, s->key, strlen(s->key), s);
    {
        struct mitem *ni = gr_grow(m->items, m->n, &m->cap, sizeof *ni, 256);
        if (!ni)
            return false;
        m->items = ni;
    }
    it = &m->items[m->n];
    memset(it, 0, sizeof *it);
    it->url = strdup(url);
    it->method = strdup(method);
    it->body = strdup(body ? body : "");
    it->kind = strdup(kind);
    {
        const struct gr_source *src = strcmp(kind, "robots") ? gr_source_find(url) : NULL;
        it->source = strdup(strcmp(kind, "robots") == 0 ? "robots" : src ? gr_source_name(src) : "none");
    }
    if (!it->url || !it->method || !it->body || !it->kind || !it->source)
        return false;
    it->h = h;
    it->depth = depth;
    it->hops = hops;
    if (!q_push(h, m->n))
        return false;
    m->n++;
    return true;
}

static struct cr_job *make_job(struct memq *m, size_t idx)
{
    struct mitem *it = &m->items[idx];
    struct cr_job *j = cr_job_new();

    if (!j)
        return NULL;
    j->id = (int64_t)idx + 1;
    snprintf(j->token, sizeof j->token, "mem");
    j->url = strdup(it->url);
    j->method = strdup(it->method);
    j->post_body = strdup(it->body);
    j->host = strdup(it->h->name);
    j->source = strdup(it->source);
    j->kind = strdup(it->kind);
    j->depth = it->depth;
    j->redirect_hops = it->hops;
    j->attempts = ++it->attempts;
    j->robots_version = it->h->robots_version;
    if (!j->url || !j->method || !j->post_body || !j->host || !j->source || !j->kind) {
        cr_job_free(j);
        return NULL;
    }
    return j;
}

static enum gr_rc mem_claim(struct cr_frontier *f, int max, struct cr_job **out, char *err, size_t errlen)
{
    struct memq *m = (struct memq *)f;
    struct mhost *h, *tmp;
    struct cr_job *head = NULL, **tail = &head;
    double now = gr_now();
    int got = 0;

    HASH_ITER(hh, m->hosts, h, tmp) {
        int budget;
        int64_t spacing;
        if (got >= max)
            break;
        if (h->next_allowed > now || h->inflight >= h->max_inflight || h->qn == 0 || h->robots_unreachable)
            continue;
        if (f->polite.robots && h->robots_status < 0 && !h->robots_queued) {
            char *url = cr_polite_robots_url(h->origin);
            size_t before = m->n;
            bool added = url && add_item(m, "GET", url, NULL, "robots", 0, 0);
            h->robots_queued = true;
            if (!added) {
                free(url);
                goto oom;
            }
            if (m->n == before)
                gr_warn("%s is in the URL list itself: crawling %s without robots rules", url, h->name);
            free(url);
            if (m->n == before) {
                h->robots_status = 0;
            } else {
                /* move the robots item to the front of the host's queue */
                size_t last = (h->qh + h->qn - 1) % h->qcap, idx = h->q[last];
                h->qn--;
                if (!q_push_front(h, idx))
                    goto oom;
            }
        }
        spacing = cr_polite_spacing_ms(&f->polite, h->delay_ms, h->crawl_delay_ms);
        budget = spacing > 0 ? 1 : h->max_inflight - h->inflight;
        while (budget > 0 && got < max && h->qn) {
            size_t idx = h->q[h->qh];
            struct mitem *it = &m->items[idx];
            struct cr_job *j;
            if (it->due > now)
                break;
            if (f->polite.robots && h->robots_status < 0 && strcmp(it->kind, "robots") != 0)
                break;
            h->qh = (h->qh + 1) % h->qcap;
            h->qn--;
            j = make_job(m, idx);
            if (!j)
                goto oom;
            it->state = M_LEASED;
            j->delay_ms = spacing;
            m->leased++;
            h->inflight++;
            *tail = j;
            tail = &j->next;
            got++;
            budget--;
            if (spacing > 0 && now + (double)spacing / 1000.0 > h->next_allowed)
                h->next_allowed = now + (double)spacing / 1000.0;
        }
    }
    *out = head;
    return GR_OK;
oom:
    *out = head;
    snprintf(err, errlen, "out of memory in the URL-list frontier");
    return GR_ENOMEM;
}

static enum gr_rc mem_complete(struct cr_frontier *f, struct cr_job *list, char *err, size_t errlen)
{
    struct memq *m = (struct memq *)f;
    double now = gr_now();

    for (struct cr_job *j = list; j; j = j->next) {
        struct mitem *it;
        struct mhost *h;
        int64_t wait = 0;
        size_t idx;

        if (j->id < 1 || (size_t)j->id > m->n)
            continue;
        idx = (size_t)j->id - 1;
        it = &m->items[idx];
        h = it->h;
        if (it->state != M_LEASED)
            continue;
        h->inflight--;
        m->leased--;
        if (j->backoff > 0)
            h->backoff_level++;
        else if (j->backoff < 0)
            h->backoff_level = 0;
        wait = cr_polite_wait_ms(&f->polite, j, h->backoff_level);
        {
            int64_t d = cr_polite_spacing_ms(&f->polite, h->delay_ms, h->crawl_delay_ms);
            if (wait > d)
                d = wait;
            if (now + (double)d / 1000.0 > h->next_allowed)
                h->next_allowed = now + (double)d / 1000.0;
        }
        if (j->robots_status == 0 && j->outcome == CR_FAILED) {
            /* unreachable: nothing else on the host is fetched in this
             * crawl; its URLs are reported pending (the URL list has no
             * later night to retry on) */
            h->robots_unreachable = true;
        } else if (j->robots_status >= 0) {
            free(h->robots_body);
            h->robots_body = j->robots_body ? strdup(j->robots_body) : NULL;
            h->robots_status = j->robots_status;
            h->robots_version++;
            h->crawl_delay_ms = h->robots_status >= 200 && h->robots_status < 300
                                    ? cr_polite_crawl_delay_ms(&f->polite, h->robots_body, m->agent)
                                    : -1;
        }
        switch (j->outcome) {
        case CR_RETRY:
            it->state = M_QUEUED;
            it->due = now + (double)wait / 1000.0;
            if (!(strcmp(it->kind, "robots") == 0 ? q_push_front(h, idx) : q_push(h, idx)))
                goto oom;
            break;
        case CR_RELEASED:
            it->state = M_QUEUED;
            it->attempts--;
            if (!(strcmp(it->kind, "robots") == 0 ? q_push_front(h, idx) : q_push(h, idx)))
                goto oom;
            break;
        default:
            it->state = M_DONE;
            break;
        }
        for (size_t i = 0; i < j->links.n; i++) {
            const struct gr_link *l = &j->links.v[i];
            const char *kind = strcmp(l->kind, "redirect") == 0 ? it->kind : l->kind;
            int hops = strcmp(l->kind, "redirect") == 0 ? it->hops + 1 : 0;
            int depth = strcmp(l->kind, "redirect") == 0 ? it->depth : it->depth + 1;
            if (!add_item(m, l->method, l->url, l->post_body, kind, depth, hops))
                goto oom;
            it = &m->items[idx];      /* items may have moved */
        }
        if (j->outcome != CR_RELEASED)
            gr_info("%s %s -> %ld%s%s", j->method, j->url, j->status, j->error[0] ? " " : "", j->error);
    }
    return GR_OK;
oom:
    snprintf(err, errlen, "out of memory in the URL-list frontier");
    return GR_ENOMEM;
}

static enum gr_rc mem_robots(struct cr_frontier *f, const char *host, int *status, char **body, char *err,
                             size_t errlen)
{
    struct memq *m = (struct memq *)f;
    struct mhost *h;
    (void)err;
    (void)errlen;
    *status = -1;
    *body = NULL;
    HASH_FIND_STR(m->hosts, host, h);
    if (!h)
        return GR_OK;
    *status = h->robots_status;
    if (h->robots_body && !(*body = strdup(h->robots_body)))
        return GR_ENOMEM;
    return GR_OK;
}

/* Only one kind of work is left undone in a URL-list crawl: the URLs of
 * hosts whose robots.txt was unreachable. */
static enum gr_rc mem_pending(struct cr_frontier *f, struct cr_pending *p, char *err, size_t errlen)
{
    struct memq *m = (struct memq *)f;
    struct mhost *h, *tmp;
    (void)err;
    (void)errlen;

    memset(p, 0, sizeof *p);
    p->next_secs = -1;
    HASH_ITER(hh, m->hosts, h, tmp)
        if (h->robots_unreachable)
            p->robots_wait += (int64_t)h->qn;
    return GR_OK;
}

static enum gr_rc mem_next_event(struct cr_frontier *f, double *secs, char *err, size_t errlen)
{
    struct memq *m = (struct memq *)f;
    struct mhost *h, *tmp;
    double now = gr_now(), best = -1;
    (void)err;
    (void)errlen;

    HASH_ITER(hh, m->hosts, h, tmp) {
        double t;
        if (!h->qn || h->robots_unreachable)
            continue;
        t = m->items[h->q[h->qh]].due;
        if (h->next_allowed > t)
            t = h->next_allowed;
        t -= now;
        if (t < 0)
            t = 0;
        if (best < 0 || t < best)
            best = t;
    }
    if (best < 0 && m->leased)
        best = 0;
    *secs = best;
    return GR_OK;
}

static void mem_warc_file(struct cr_frontier *f, const char *path, bool closed, uint64_t records, uint64_t bytes)
{
    (void)f;
    (void)path;
    (void)closed;
    (void)records;
    (void)bytes;
}

static void mem_finish(struct cr_frontier *f, const struct crawler_summary *s, const char *status, bool final)
{
    (void)final;
    (void)f;
    (void)s;
    (void)status;
}

static void mem_free(struct cr_frontier *f)
{
    struct memq *m = (struct memq *)f;
    struct mhost *h, *th;
    struct seen *s, *ts;

    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].url);
        free(m->items[i].method);
        free(m->items[i].body);
        free(m->items[i].kind);
        free(m->items[i].source);
    }
    free(m->items);
    HASH_ITER(hh, m->hosts, h, th) {
        HASH_DEL(m->hosts, h);
        free(h->name);
        free(h->origin);
        free(h->robots_body);
        free(h->q);
        free(h);
    }
    HASH_ITER(hh, m->seen, s, ts) {
        HASH_DEL(m->seen, s);
        free(s->key);
        free(s);
    }
    free(m);
}

enum gr_rc cr_frontier_mem_new(const char *path, const struct gr_config *cfg, const struct cr_polite *p,
                               struct cr_frontier **out, char *err, size_t errlen)
{
    struct memq *m = calloc(1, sizeof *m);
    FILE *fp;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;

    *out = NULL;
    if (!m)
        return GR_ENOMEM;
    m->f.claim = mem_claim;
    m->f.complete = mem_complete;
    m->f.robots = mem_robots;
    m->f.next_event = mem_next_event;
    m->f.pending = mem_pending;
    m->f.warc_file = mem_warc_file;
    m->f.finish = mem_finish;
    m->f.free = mem_free;
    m->f.polite = *p;
    m->cfg = cfg;
    m->agent = gr_config_get(cfg, "crawler.agent_token");
    fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "cannot open URL list %s", path);
        mem_free(&m->f);
        return GR_ENOINPUT;
    }
    while ((n = getline(&line, &cap, fp)) >= 0) {
        char *s = line, *url, *body = NULL, *sp;
        const char *method = "GET";
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        url = s;
        if (strncmp(s, "GET ", 4) == 0 || strncmp(s, "POST ", 5) == 0) {
            sp = strchr(s, ' ');
            *sp = '\0';
            method = s;
            url = sp + 1;
            while (*url == ' ')
                url++;
        }
        sp = strpbrk(url, " \t");
        if (sp) {
            *sp = '\0';
            body = sp + 1;
            while (*body == ' ' || *body == '\t')
                body++;
        }
        if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
            snprintf(err, errlen, "%s:%d: \"%.200s\" is not an http(s) URL", path, lineno, url);
            free(line);
            if (fp != stdin)
                fclose(fp);
            mem_free(&m->f);
            return GR_EDATA;
        }
        {
            const char *kind = gr_source_kind(url, method);
            size_t ul = strlen(url);
            if (!kind && ul > 11 && strcmp(url + ul - 11, "/robots.txt") == 0)
                kind = "robots";
            if (!add_item(m, method, url, body && *body ? body : NULL, kind ? kind : "page", 0, 0)) {
                snprintf(err, errlen, "out of memory reading %s", path);
                free(line);
                if (fp != stdin)
                    fclose(fp);
                mem_free(&m->f);
                return GR_ENOMEM;
            }
        }
    }
    free(line);
    if (fp != stdin)
        fclose(fp);
    gr_info("%zu URLs on %u hosts in %s", m->n, (unsigned)HASH_COUNT(m->hosts), path);
    *out = &m->f;
    return GR_OK;
}
