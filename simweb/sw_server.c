/* The HTTP side of simweb: libmicrohttpd with its internal poll() thread pool
 * (not epoll, see start_daemon; no hand-written HTTP parsing), the request log, gzip, and the misbehaviour
 * switches (--fault). Delays never block a pool thread: a connection is
 * suspended and a timer thread resumes it when its time comes. */
#include "sw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "gr_log.h"
#include "gr_util.h"

#define BODY_MAX ((size_t)1 << 20)

static const struct sw_universe *U;
static const struct sw_server_opts *O;
static int log_fd = -1;
static volatile int stopping;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- fault specs ------------------------------------------------------------------ */

static const char *const fault_names[] = { "429", "503", "500", "slow-first-byte", "slow-body", "reset", "redirect",
                                           "redirect-loop", "wrong-length", "truncate", "huge", "gzip-bomb" };

static bool parse_num(const char *s, long long *v)
{
    int64_t x;
    if (!gr_parse_i64(s, &x) || x < 0)
        return false;
    *v = (long long)x;
    return true;
}

enum gr_rc sw_fault_parse(const char *spec, struct sw_fault *f, char *err, size_t errlen)
{
    char buf[512], *next;
    bool have_kind = false, have_count = false;

    memset(f, 0, sizeof *f);
    f->share = 1.0;
    f->retry_after = 1;
    f->delay_ms = -1;
    f->bytes = -1;
    f->chunk = 1024;
    if (strlen(spec) >= sizeof buf) {
        snprintf(err, errlen, "--fault %s: too long", spec);
        return GR_EUSAGE;
    }
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *kv = buf; kv; kv = next) {
        next = strchr(kv, ',');
        if (next)
            *next++ = '\0';
        if (!*kv)
            continue;
        char *eq = strchr(kv, '=');
        long long v = 0;
        if (!eq) {
            snprintf(err, errlen, "--fault %s: '%s' is not key=value", spec, kv);
            return GR_EUSAGE;
        }
        *eq++ = '\0';
        if (strcmp(kv, "kind") == 0) {
            size_t i;
            for (i = 0; i < sizeof fault_names / sizeof fault_names[0]; i++)
                if (strcmp(eq, fault_names[i]) == 0)
                    break;
            if (i == sizeof fault_names / sizeof fault_names[0]) {
                snprintf(err, errlen, "--fault %s: unknown kind '%s'", spec, eq);
                return GR_EUSAGE;
            }
            f->kind = (int)i;
            have_kind = true;
        } else if (strcmp(kv, "host") == 0) {
            snprintf(f->host, sizeof f->host, "%s", strcmp(eq, "all") == 0 ? "" : eq);
        } else if (strcmp(kv, "path") == 0) {
            snprintf(f->path, sizeof f->path, "%s", eq);
        } else if (strcmp(kv, "share") == 0) {
            if (!gr_parse_double(eq, &f->share) || !(f->share >= 0 && f->share <= 1)) {
                snprintf(err, errlen, "--fault %s: share must be a number between 0 and 1", spec);
                return GR_EUSAGE;
            }
        } else if (strcmp(kv, "retry_after") == 0 && parse_num(eq, &v) && v < 86400) {
            f->retry_after = (int)v;
        } else if (strcmp(kv, "delay_ms") == 0 && parse_num(eq, &v) && v < 3600000) {
            f->delay_ms = (long)v;
        } else if (strcmp(kv, "count") == 0 && parse_num(eq, &v) && v < 1000000000) {
            f->count = (long)v;
            have_count = true;
        } else if (strcmp(kv, "bytes") == 0 && parse_num(eq, &v)) {
            f->bytes = v;
        } else if (strcmp(kv, "chunk") == 0 && parse_num(eq, &v) && v > 0 && v < 1000000) {
            f->chunk = (long)v;
        } else {
            snprintf(err, errlen, "--fault %s: bad key or value '%s=%s'", spec, kv, eq);
            return GR_EUSAGE;
        }
    }
    if (!have_kind) {
        snprintf(err, errlen, "--fault %s: kind= is required", spec);
        return GR_EUSAGE;
    }
    if (!have_count)
        f->count = (f->kind == SW_F_429 || f->kind == SW_F_503) ? 1 : 0;
    if (f->delay_ms < 0)
        f->delay_ms = f->kind == SW_F_SLOW_FIRST ? 2000 : 100;
    if (f->bytes < 0)
        f->bytes = f->kind == SW_F_GZIP_BOMB ? (1LL << 30) : (256LL << 20);
    return GR_OK;
}

/* ---- per-URL fault counters -------------------------------------------------------- */

static pthread_mutex_t cnt_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *cnt_keys;
static uint32_t *cnt_vals;
static size_t cnt_cap, cnt_n;

/* Increments the counter of key and returns its new value (0 on no memory). */
static uint32_t counter_bump(uint64_t key)
{
    uint32_t v = 0;
    if (!key)
        key = 1;
    pthread_mutex_lock(&cnt_mu);
    if ((cnt_n + 1) * 2 > cnt_cap) {
        size_t nc = cnt_cap ? cnt_cap * 2 : 4096;
        uint64_t *nk = calloc(nc, sizeof *nk);
        uint32_t *nv = calloc(nc, sizeof *nv);
        if (!nk || !nv) {
            free(nk);
            free(nv);
            goto out;
        }
        for (size_t i = 0; i < cnt_cap; i++) {
            if (!cnt_keys[i])
                continue;
            size_t j = cnt_keys[i] & (nc - 1);
            while (nk[j])
                j = (j + 1) & (nc - 1);
            nk[j] = cnt_keys[i];
            nv[j] = cnt_vals[i];
        }
        free(cnt_keys);
        free(cnt_vals);
        cnt_keys = nk;
        cnt_vals = nv;
        cnt_cap = nc;
    }
    size_t i = key & (cnt_cap - 1);
    while (cnt_keys[i] && cnt_keys[i] != key)
        i = (i + 1) & (cnt_cap - 1);
    if (!cnt_keys[i]) {
        cnt_keys[i] = key;
        cnt_n++;
    }
    v = ++cnt_vals[i];
out:
    pthread_mutex_unlock(&cnt_mu);
    return v;
}

/* ---- timer thread: resumes suspended connections ------------------------------------ */

struct timer_ent {
    int64_t due;
    struct MHD_Connection *conn;
};
static pthread_mutex_t tm_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tm_cv = PTHREAD_COND_INITIALIZER;
static struct timer_ent *tm_v;
static size_t tm_n, tm_cap;
static bool tm_quit;

/* Suspends conn and schedules its resumption at due. Call only from MHD callbacks. */
static bool suspend_until(struct MHD_Connection *conn, int64_t due)
{
    pthread_mutex_lock(&tm_mu);
    if (tm_quit) {
        pthread_mutex_unlock(&tm_mu);
        return false;
    }
    {
        struct timer_ent *nv = gr_grow(tm_v, tm_n, &tm_cap, sizeof *nv, 64);
        if (!nv) {
            pthread_mutex_unlock(&tm_mu);
            return false;
        }
        tm_v = nv;
    }
    MHD_suspend_connection(conn);
    tm_v[tm_n].due = due;
    tm_v[tm_n].conn = conn;
    tm_n++;
    pthread_cond_signal(&tm_cv);
    pthread_mutex_unlock(&tm_mu);
    return true;
}

static void *timer_main(void *arg)
{
    struct MHD_Connection *due[64];
    (void)arg;
    pthread_mutex_lock(&tm_mu);
    for (;;) {
        int64_t now = now_us(), next = now + 1000000;
        size_t nd = 0;
        for (size_t i = 0; i < tm_n && nd < sizeof due / sizeof due[0];) {
            if (tm_v[i].due <= now || tm_quit) {
                due[nd++] = tm_v[i].conn;
                tm_v[i] = tm_v[--tm_n];
                continue;
            }
            if (tm_v[i].due < next)
                next = tm_v[i].due;
            i++;
        }
        if (nd) {
            /* Never call into libmicrohttpd holding tm_mu: its threads take
             * tm_mu (in suspend_until) while holding their own locks. */
            pthread_mutex_unlock(&tm_mu);
            for (size_t i = 0; i < nd; i++)
                MHD_resume_connection(due[i]);
            pthread_mutex_lock(&tm_mu);
            continue;
        }
        if (tm_quit && tm_n == 0)
            break;
        struct timespec ts = { .tv_sec = next / 1000000, .tv_nsec = (long)(next % 1000000) * 1000 };
        pthread_cond_timedwait(&tm_cv, &tm_mu, &ts);
    }
    pthread_mutex_unlock(&tm_mu);
    return NULL;
}

/* ---- request state -------------------------------------------------------------------- */

struct req {
    int64_t start_us;
    char *uri;                  /* raw path?query */
    char host[128];
    char method[16];
    struct gr_buf body;
    int status;
    uint64_t bytes;
    bool delayed, too_big;
};

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)cls;
    (void)con;
    struct req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->start_us = now_us();
    r->uri = strdup(uri ? uri : "");
    gr_buf_init(&r->body, BODY_MAX);
    return r;
}

static void completed_cb(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)con;
    (void)toe;
    struct req *r = *con_cls;
    if (!r)
        return;
    if (log_fd >= 0) {
        char line[2048];
        int n = snprintf(line, sizeof line, "%lld\t%lld\t%s\t%s\t%s\t%d\t%llu\n", (long long)r->start_us,
                         (long long)now_us(), r->host[0] ? r->host : "-", r->method[0] ? r->method : "-",
                         r->uri ? r->uri : "-", r->status, (unsigned long long)r->bytes);
        if (n > 0) {
            size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
            if (write(log_fd, line, len) < 0)
                gr_warn("cannot write the request log: %s", strerror(errno));
        }
    }
    gr_buf_free(&r->body);
    free(r->uri);
    free(r);
    *con_cls = NULL;
}

/* ---- streamed bodies (slow, short, huge) ------------------------------------------------ */

enum { ST_SLOW, ST_SHORT, ST_HUGE };
struct stream {
    struct MHD_Connection *conn;
    char *data;
    size_t len;                 /* bytes of data */
    size_t limit;               /* ST_SHORT: stop with an error after this many bytes */
    uint64_t total;             /* ST_HUGE: bytes to produce */
    int mode;
    long delay_ms, chunk;
    int64_t next_us;
};

static char filler[65536];

static ssize_t stream_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    size_t n;
    switch (s->mode) {
    case ST_SLOW: {
        if (pos >= s->len)
            return MHD_CONTENT_READER_END_OF_STREAM;
        int64_t now = now_us();
        if (pos > 0 && now < s->next_us && !stopping && suspend_until(s->conn, s->next_us))
            return 0;
        n = s->len - (size_t)pos;
        if (n > (size_t)s->chunk)
            n = (size_t)s->chunk;
        if (n > max)
            n = max;
        memcpy(buf, s->data + pos, n);
        s->next_us = now + (int64_t)s->delay_ms * 1000;
        return (ssize_t)n;
    }
    case ST_SHORT:
        if (pos >= s->limit)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        n = s->limit - (size_t)pos;
        if (n > max)
            n = max;
        memcpy(buf, s->data + pos, n);
        return (ssize_t)n;
    default:
        if (pos >= s->total)
            return MHD_CONTENT_READER_END_OF_STREAM;
        n = sizeof filler - 4096;
        if (n > max)
            n = max;
        if ((uint64_t)n > s->total - pos)
            n = (size_t)(s->total - pos);
        memcpy(buf, filler + (pos % 4096), n);
        return (ssize_t)n;
    }
}

static void stream_free_cb(void *cls)
{
    struct stream *s = cls;
    if (!s)
        return;
    free(s->data);
    free(s);
}

/* ---- gzip bomb --------------------------------------------------------------------------- */

static unsigned char *bomb;
static size_t bomb_len;

static enum gr_rc build_bomb(long long bytes)
{
    z_stream z;
    static unsigned char zeros[1 << 16];
    size_t cap = (size_t)(bytes / 900) + 65536;
    memset(&z, 0, sizeof z);
    bomb = malloc(cap);
    if (!bomb || deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return GR_ENOMEM;
    z.next_out = bomb;
    z.avail_out = (uInt)cap;
    long long left = bytes;
    int zr = Z_OK;
    while (zr != Z_STREAM_END) {
        size_t n = left > (long long)sizeof zeros ? sizeof zeros : (size_t)left;
        z.next_in = zeros;
        z.avail_in = (uInt)n;
        left -= (long long)n;
        zr = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
        if (zr == Z_STREAM_ERROR || (z.avail_out == 0 && zr != Z_STREAM_END)) {
            deflateEnd(&z);
            return GR_EINTERNAL;
        }
    }
    bomb_len = z.total_out;
    deflateEnd(&z);
    return GR_OK;
}

/* The bomb is deflated in the background (about 2.5 s per GiB) so that simweb
 * listens at once; the first request that needs it waits for it. */
static pthread_t bomb_thr;
static bool bomb_started;
static enum gr_rc bomb_rc;
static long long bomb_bytes;
static pthread_once_t bomb_once = PTHREAD_ONCE_INIT;

static void *bomb_main(void *arg)
{
    (void)arg;
    bomb_rc = build_bomb(bomb_bytes);
    return NULL;
}

static void bomb_join(void)
{
    if (bomb_started) {
        pthread_join(bomb_thr, NULL);
        bomb_started = false;
    }
}

/* ---- the handler ------------------------------------------------------------------------- */

struct owned {
    char *a, *b;
};
static void owned_free_cb(void *cls)
{
    struct owned *o = cls;
    if (!o)
        return;
    free(o->a);
    free(o->b);
    free(o);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct req *rq, int status, struct MHD_Response *resp,
                             uint64_t bytes)
{
    if (!resp)
        return MHD_NO;
    rq->status = status;
    rq->bytes = bytes;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* A 302 to loc with an empty body. */
static enum MHD_Result redirect(struct MHD_Connection *conn, struct req *rq, const char *loc)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)(uintptr_t)"", MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Location", loc);
    MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
    return queue(conn, rq, 302, resp, 0);
}

static enum MHD_Result simple(struct MHD_Connection *conn, struct req *rq, int status, const char *body, int retry_after)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
    if (retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    return queue(conn, rq, status, resp, strlen(body));
}

/* The first fault that applies to this request, counting it. */
static const struct sw_fault *pick_fault(const struct req *rq, const char *path, uint64_t url_hash)
{
    for (size_t i = 0; i < O->n_faults; i++) {
        const struct sw_fault *f = &O->faults[i];
        if (f->host[0] && strcasecmp(f->host, rq->host) != 0)
            continue;
        if (f->path[0] ? strncmp(path, f->path, strlen(f->path)) != 0 : strcmp(path, "/robots.txt") == 0)
            continue;
        if (f->share < 1.0 && sw_unit(sw_h2(url_hash, 0xFA017 + i)) >= f->share)
            continue;
        if (f->count > 0 && counter_bump(sw_h2(url_hash, i)) > (uint32_t)f->count)
            continue;
        return f;
    }
    return NULL;
}

/* Removes simweb's own marker parameters (_sw_*) from a query, in place. */
static void strip_markers(char *q)
{
    char *w = q, *p = q;
    while (*p) {
        char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        if (strncmp(p, "_sw_", 4) != 0) {
            if (w != q)
                *w++ = '&';
            memmove(w, p, n);
            w += n;
        }
        p += n + (amp ? 1 : 0);
    }
    *w = '\0';
}

/* Sogou's anti-spider limit: a token bucket per client address (refilled
 * at sogou_rate a second up to sogou_burst); a client that finds it empty is
 * sent to /antispider/ for sogou_block_ms, whatever it does meanwhile. */
struct sogou_client {
    char addr[48];
    double tokens;
    int64_t last_us, blocked_until_us;
};
static struct sogou_client sogou_clients[256];
static pthread_mutex_t sogou_mu = PTHREAD_MUTEX_INITIALIZER;

static bool sogou_limited(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[48] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
    }
    int64_t now = now_us();
    bool limited;
    pthread_mutex_lock(&sogou_mu);
    size_t slot = sw_hash_str(addr) % 256;
    struct sogou_client *c = &sogou_clients[slot];
    if (strcmp(c->addr, addr) != 0) {
        snprintf(c->addr, sizeof c->addr, "%s", addr);
        c->tokens = O->sogou_burst;
        c->last_us = now;
        c->blocked_until_us = 0;
    }
    c->tokens += (double)(now - c->last_us) / 1e6 * O->sogou_rate;
    if (c->tokens > O->sogou_burst)
        c->tokens = O->sogou_burst;
    c->last_us = now;
    if (now < c->blocked_until_us) {
        limited = true;
    } else if (c->tokens < 1) {
        c->blocked_until_us = now + (int64_t)O->sogou_block_ms * 1000;
        limited = true;
    } else {
        c->tokens -= 1;
        limited = false;
    }
    pthread_mutex_unlock(&sogou_mu);
    return limited;
}

static enum MHD_Result handler_cb(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct req *rq = *con_cls;
    struct sw_resp r;
    struct sw_req sr;
    char path[4096], query[8192];
    enum MHD_Result ret = MHD_NO;
    (void)cls;
    (void)url;
    (void)version;

    if (!rq)
        return MHD_NO;
    if (!rq->method[0]) {
        const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
        size_t i = 0;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        for (; host && host[i] && host[i] != ':' && i + 1 < sizeof rq->host; i++)
            rq->host[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
        rq->host[i] = '\0';
        /* The first call carries only the headers; answering now would make
         * libmicrohttpd close the connection (the body might be unread). */
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (gr_buf_append(&rq->body, upload_data, *upload_data_size) != GR_OK)
            rq->too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->too_big)
        return simple(conn, rq, 413, "<html><body><h1>413 Request Entity Too Large</h1></body></html>\n", 0);

    /* Split the raw URI. */
    const char *qm = strchr(rq->uri, '?');
    size_t plen = qm ? (size_t)(qm - rq->uri) : strlen(rq->uri);
    if (plen >= sizeof path || (qm && strlen(qm + 1) >= sizeof query))
        return simple(conn, rq, 414, "<html><body><h1>414 URI Too Long</h1></body></html>\n", 0);
    memcpy(path, rq->uri, plen);
    path[plen] = '\0';
    snprintf(query, sizeof query, "%s", qm ? qm + 1 : "");
    bool redirected = strstr(query, "_sw_redirected=1") != NULL, looped = strstr(query, "_sw_loop=1") != NULL;
    strip_markers(query);

    if (O->sogou_rate > 0 && strcmp(rq->host, "weixin.sogou.com") == 0 && strcmp(path, "/weixin") == 0 &&
        sogou_limited(conn)) {
        char loc[sizeof query * 3 + 128];
        size_t o = (size_t)snprintf(loc, sizeof loc, "http://weixin.sogou.com/antispider/?from=%%2Fweixin%%3F");
        for (const char *q = query; *q && o + 4 < sizeof loc; q++) {
            unsigned char ch = (unsigned char)*q;
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.')
                loc[o++] = (char)ch;
            else
                o += (size_t)snprintf(loc + o, sizeof loc - o, "%%%02X", ch);
        }
        loc[o] = '\0';
        return redirect(conn, rq, loc);
    }

    uint64_t url_hash = sw_h3(sw_hash_str(rq->host), sw_hash_str(path), sw_hash_str(query));
    url_hash = sw_h2(url_hash, sw_hash_bytes(rq->body.data ? rq->body.data : "", rq->body.len));
    const struct sw_fault *f = NULL;
    /* A request resumed after its slow-first-byte delay was counted on its first pass. */
    if (O->n_faults && !rq->delayed)
        f = pick_fault(rq, path, url_hash);
    if (f && f->kind == SW_F_SLOW_FIRST) {
        rq->delayed = true;
        if (!stopping && suspend_until(conn, now_us() + (int64_t)f->delay_ms * 1000))
            return MHD_YES;
        f = NULL;
    }
    if (f) {
        char loc[sizeof path + sizeof query + 256];
        switch (f->kind) {
        case SW_F_429:
            return simple(conn, rq, 429, "<html><body><h1>429 Too Many Requests</h1></body></html>\n", f->retry_after);
        case SW_F_503:
            return simple(conn, rq, 503, "<html><body><h1>503 Service Unavailable</h1></body></html>\n", f->retry_after);
        case SW_F_500:
            return simple(conn, rq, 500, "<html><body><h1>500 Internal Server Error</h1></body></html>\n", 0);
        case SW_F_RESET: {
            const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
            if (ci) {
                struct linger lg = { .l_onoff = 1, .l_linger = 0 };
                setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
            }
            rq->status = 0;
            return MHD_NO;
        }
        case SW_F_REDIRECT:
        case SW_F_REDIRECT_LOOP: {
            bool send;
            const char *marker;
            if (f->kind == SW_F_REDIRECT) {
                send = !redirected;
                marker = "_sw_redirected=1";
            } else {
                send = true;
                marker = looped ? NULL : "_sw_loop=1";
            }
            if (!send)
                break;
            snprintf(loc, sizeof loc, "http://%s%s%s%s%s%s", rq->host, path, query[0] || marker ? "?" : "", query,
                     query[0] && marker ? "&" : "", marker ? marker : "");
            return redirect(conn, rq, loc);
        }
        case SW_F_GZIP_BOMB: {
            pthread_once(&bomb_once, bomb_join);
            if (bomb_rc || !bomb)
                return simple(conn, rq, 500, "<html><body><h1>500 Internal Server Error</h1></body></html>\n", 0);
            struct MHD_Response *resp = MHD_create_response_from_buffer(bomb_len, bomb, MHD_RESPMEM_PERSISTENT);
            if (!resp)
                return MHD_NO;
            MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
            MHD_add_response_header(resp, "Content-Encoding", "gzip");
            return queue(conn, rq, 200, resp, bomb_len);
        }
        case SW_F_HUGE: {
            struct stream *s = calloc(1, sizeof *s);
            if (!s)
                return MHD_NO;
            s->mode = ST_HUGE;
            s->total = (uint64_t)f->bytes;
            struct MHD_Response *resp = MHD_create_response_from_callback(s->total, 65536, stream_cb, s, stream_free_cb);
            if (!resp) {
                free(s);
                return MHD_NO;
            }
            MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
            return queue(conn, rq, 200, resp, s->total);
        }
        default:
            break;      /* body faults: below, once the page is built */
        }
    }

    sw_resp_init(&r);
    sr.host = rq->host;
    sr.method = rq->method;
    sr.path = path;
    sr.query = query;
    sr.body = rq->body.data ? rq->body.data : "";
    sr.body_len = rq->body.len;
    if (sw_page(U, &sr, &r) != GR_OK) {
        sw_resp_free(&r);
        return simple(conn, rq, 500, "<html><body><h1>500 Internal Server Error</h1></body></html>\n", 0);
    }

    const char *ae = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    bool gzip = O->gzip && ae && strstr(ae, "gzip");
    bool body_fault = f && (f->kind == SW_F_SLOW_BODY || f->kind == SW_F_WRONG_LENGTH || f->kind == SW_F_TRUNCATE);
    struct MHD_Response *resp = NULL;
    size_t total = sw_resp_len(&r);
    uint64_t logged = total;

    if (gzip || body_fault) {
        /* Flatten the body. */
        char *flat = malloc(total + 1);
        if (!flat)
            goto out;
        memcpy(flat, r.head.data ? r.head.data : "", r.head.len);
        if (r.mid_len)
            memcpy(flat + r.head.len, r.mid_ptr, r.mid_len);
        memcpy(flat + r.head.len + r.mid_len, r.tail.data ? r.tail.data : "", r.tail.len);
        if (gzip) {
            /* one compressor per server thread: allocating one per
             * response cost as much as compressing */
            static __thread struct libdeflate_compressor *c;
            if (!c)
                c = libdeflate_alloc_compressor(1);
            size_t bound = c ? libdeflate_gzip_compress_bound(c, total) : 0;
            char *z = c ? malloc(bound) : NULL;
            size_t zn = z ? libdeflate_gzip_compress(c, flat, total, z, bound) : 0;
            free(flat);
            if (!zn) {
                free(z);
                goto out;
            }
            flat = z;
            total = zn;
            logged = zn;
        }
        if (body_fault) {
            struct stream *s = calloc(1, sizeof *s);
            if (!s) {
                free(flat);
                goto out;
            }
            s->conn = conn;
            s->data = flat;
            s->len = total;
            s->delay_ms = f->delay_ms;
            s->chunk = f->chunk;
            if (f->kind == SW_F_SLOW_BODY) {
                s->mode = ST_SLOW;
                resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_cb, s, stream_free_cb);
            } else if (f->kind == SW_F_WRONG_LENGTH) {
                /* The whole body is sent, but Content-Length promises more. */
                s->mode = ST_SHORT;
                s->limit = total;
                resp = MHD_create_response_from_callback(total + 1000, 4096, stream_cb, s, stream_free_cb);
            } else {
                /* Content-Length is right, but the connection closes halfway. */
                s->mode = ST_SHORT;
                s->limit = total / 2;
                logged = total / 2;
                resp = MHD_create_response_from_callback(total, 4096, stream_cb, s, stream_free_cb);
            }
            if (!resp)
                stream_free_cb(s);
        } else {
            resp = MHD_create_response_from_buffer(total, flat, MHD_RESPMEM_MUST_FREE);
            if (!resp)
                free(flat);
        }
        if (resp && gzip)
            MHD_add_response_header(resp, "Content-Encoding", "gzip");
    } else {
        struct owned *o = calloc(1, sizeof *o);
        struct MHD_IoVec iov[3];
        unsigned n = 0;
        if (!o)
            goto out;
        if (r.head.len)
            iov[n++] = (struct MHD_IoVec){ r.head.data, r.head.len };
        if (r.mid_len)
            iov[n++] = (struct MHD_IoVec){ r.mid_ptr, r.mid_len };
        if (r.tail.len)
            iov[n++] = (struct MHD_IoVec){ r.tail.data, r.tail.len };
        o->a = gr_buf_steal(&r.head, NULL);
        o->b = gr_buf_steal(&r.tail, NULL);
        resp = MHD_create_response_from_iovec(iov, n, owned_free_cb, o);
        if (!resp)
            owned_free_cb(o);
    }
    if (!resp)
        goto out;
    MHD_add_response_header(resp, "Content-Type", r.ctype);
    if (O->gzip)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    ret = queue(conn, rq, r.status, resp, logged);
out:
    sw_resp_free(&r);
    return ret;
}

/* ---- start and stop ------------------------------------------------------------------------ */

static void mhd_log_cb(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    gr_debug("libmicrohttpd: %s", msg);
}

static enum gr_rc slurp(const char *path, char **out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct gr_buf b;
    char tmp[4096];
    size_t n;
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return GR_ENOINPUT;
    }
    gr_buf_init(&b, 1 << 20);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (gr_buf_append(&b, tmp, n) != GR_OK)
            break;
    fclose(f);
    if (!b.data) {
        snprintf(err, errlen, "%s is empty", path);
        return GR_EDATA;
    }
    *out = gr_buf_steal(&b, NULL);
    return GR_OK;
}

static struct MHD_Daemon *start_daemon(struct sockaddr_in *sa, bool tls, const char *key, const char *cert)
{
    /* poll(), not epoll: libmicrohttpd 0.9.75's epoll loop stopped reading
     * requests when exactly 256 or 512 keep-alive connections were open
     * (crawler --concurrency 256 stalled until its low-speed timeout; 255
     * and 257 ran through) */
    unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    struct MHD_OptionItem opts[12];
    size_t n = 0;

    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log_cb, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed_cb, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, 1000, NULL };
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log_cb, NULL };
    if (O->threads > 1)
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, O->threads, NULL };
    if (tls) {
        flags |= MHD_USE_TLS;
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)key };
        opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cert };
    }
    opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    return MHD_start_daemon(flags, 0, NULL, NULL, handler_cb, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
}

static uint16_t bound_port(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : 0;
}

const char *sw_mhd_version(void) { return MHD_get_version(); }

enum gr_rc sw_serve(const struct sw_universe *u, const struct sw_server_opts *o, char *err, size_t errlen)
{
    struct sockaddr_in sa, sa_tls;
    struct MHD_Daemon *d = NULL, *dt = NULL;
    char host[64], *key = NULL, *cert = NULL;
    const char *colon;
    long long port = 0;
    pthread_t timer;
    bool timer_started = false;
    sigset_t set;
    enum gr_rc rc = GR_OK;
    int sig;

    U = u;
    O = o;
    for (size_t i = 0; i < sizeof filler; i++)
        filler[i] = "<p>simweb filler: 这是一段很长的页面内容。</p>\n"[i % 60];
    colon = strrchr(o->listen, ':');
    if (!colon || (size_t)(colon - o->listen) >= sizeof host || !parse_num(colon + 1, &port) || port > 65535) {
        snprintf(err, errlen, "--listen %s: expected ADDRESS:PORT", o->listen);
        return GR_EUSAGE;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - o->listen), o->listen);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "--listen %s: not an IPv4 address", o->listen);
        return GR_EUSAGE;
    }
    for (size_t i = 0; i < o->n_faults; i++)
        if (o->faults[i].kind == SW_F_GZIP_BOMB && !bomb_started) {
            bomb_bytes = o->faults[i].bytes;
            if (pthread_create(&bomb_thr, NULL, bomb_main, NULL) != 0) {
                snprintf(err, errlen, "cannot start the gzip bomb thread");
                return GR_EINTERNAL;
            }
            bomb_started = true;
        }
    if (o->log_file) {
        log_fd = open(o->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", o->log_file, strerror(errno));
            rc = GR_EIO;
            goto out;
        }
    }
    /* Signals are taken by sigwait below; every thread started from here on inherits the mask. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_create(&timer, NULL, timer_main, NULL) != 0) {
        snprintf(err, errlen, "cannot start the timer thread");
        rc = GR_EINTERNAL;
        goto out;
    }
    timer_started = true;
    d = start_daemon(&sa, false, NULL, NULL);
    if (!d) {
        snprintf(err, errlen, "cannot listen on %s (address in use?)", o->listen);
        rc = GR_EUNAVAIL;
        goto out;
    }
    if (o->tls_port >= 0) {
        if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
            snprintf(err, errlen, "this libmicrohttpd has no TLS support");
            rc = GR_EUNAVAIL;
            goto out;
        }
        if ((rc = slurp(o->key_file, &key, err, errlen)) || (rc = slurp(o->cert_file, &cert, err, errlen)))
            goto out;
        sa_tls = sa;
        sa_tls.sin_port = htons((uint16_t)o->tls_port);
        dt = start_daemon(&sa_tls, true, key, cert);
        if (!dt) {
            snprintf(err, errlen, "cannot serve TLS on port %d (bad certificate or key, or port in use)", o->tls_port);
            rc = GR_EUNAVAIL;
            goto out;
        }
    }
    uint16_t p = bound_port(d);
    fprintf(stderr, "simweb: listening on %s:%u\n", host, (unsigned)p);
    if (dt)
        fprintf(stderr, "simweb: listening (TLS) on %s:%u\n", host, (unsigned)bound_port(dt));
    fflush(stderr);
    /* The port file comes last: once it exists, everything above is said. */
    if (o->port_file) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "%s.tmp", o->port_file);
        FILE *f = fopen(tmp, "w");
        int w = !f ? -1 : dt ? fprintf(f, "%u %u\n", (unsigned)p, (unsigned)bound_port(dt)) : fprintf(f, "%u\n", (unsigned)p);
        if (!f || w < 0 || fclose(f) != 0 || rename(tmp, o->port_file) != 0) {
            snprintf(err, errlen, "cannot write %s: %s", o->port_file, strerror(errno));
            rc = GR_EIO;
            goto out;
        }
    }
    sigwait(&set, &sig);
    gr_info("signal %d: stopping", sig);
out:
    stopping = 1;
    if (timer_started) {
        pthread_mutex_lock(&tm_mu);
        tm_quit = true;
        pthread_cond_signal(&tm_cv);
        pthread_mutex_unlock(&tm_mu);
        pthread_join(timer, NULL);
    }
    if (dt)
        MHD_stop_daemon(dt);
    if (d)
        MHD_stop_daemon(d);
    pthread_once(&bomb_once, bomb_join);
    free(key);
    free(cert);
    free(bomb);
    bomb = NULL;
    free(tm_v);
    free(cnt_keys);
    free(cnt_vals);
    if (log_fd >= 0)
        close(log_fd);
    return rc;
}
