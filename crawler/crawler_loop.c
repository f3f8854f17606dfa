/* curl <-> libuv: one libuv loop drives one libcurl multi handle through
 * the socket API (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION, one
 * uv_poll_t per socket, one uv_timer_t).
 *
 * Traps avoided (research/crawler-practice.md section 3.2):
 *  - curl_multi_info_read is drained after every curl_multi_socket_action,
 *    whatever the running count says (a transfer that only ends by timeout
 *    must complete);
 *  - a uv_poll_t is never reused: CURL_POLL_REMOVE or a socket close closes
 *    the handle, the next IN/OUT for that fd gets a fresh one;
 *  - CURLOPT_CLOSESOCKETFUNCTION stops polling before the fd is closed, so a
 *    reused fd number never meets a stale epoll registration;
 *  - poll errors go to curl as CURL_CSELECT_ERR;
 *  - callbacks return 0 unless the situation is truly fatal (-1 would abort
 *    every transfer of the multi handle). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"
#include <sys/time.h>

int64_t cr_wall_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}
/* ------------------------------------------------------------ curl <-> uv */

static struct sock_ctx *fd_ctx(struct engine *e, curl_socket_t fd)
{
    return fd >= 0 && (size_t)fd < e->fdmap_n ? e->fdmap[fd] : NULL;
}

static void set_fd_ctx(struct engine *e, curl_socket_t fd, struct sock_ctx *c)
{
    if (fd < 0)
        return;
    if ((size_t)fd >= e->fdmap_n) {
        size_t n = e->fdmap_n ? e->fdmap_n : 256;
        struct sock_ctx **m;
        while (n <= (size_t)fd)
            n *= 2;
        m = realloc(e->fdmap, n * sizeof *m);
        if (!m)
            return;
        memset(m + e->fdmap_n, 0, (n - e->fdmap_n) * sizeof *m);
        e->fdmap = m;
        e->fdmap_n = n;
    }
    e->fdmap[fd] = c;
}

static void poll_close_cb(uv_handle_t *h)
{
    free(h);
}

/* Stops polling and closes the handle (asynchronously freed). */
static void ctx_stop_poll(struct sock_ctx *c)
{
    if (c->poll) {
        uv_poll_stop(c->poll);
        uv_close((uv_handle_t *)c->poll, poll_close_cb);
        c->poll = NULL;
    }
}

static void drain_info(struct engine *e)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(e->multi, &left))) {
        if (m->msg == CURLMSG_DONE) {
            CURL *h = m->easy_handle;
            CURLcode rc = m->data.result;   /* read before remove_handle */
            char *priv = NULL;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
            if (priv)
                cr_finish_transfer(e, (struct cr_job *)(void *)priv, rc);
        }
    }
}

static void poll_cb(uv_poll_t *p, int status, int events)
{
    struct sock_ctx *c = p->data;
    struct engine *e = c->e;
    int flags = 0, running;

    if (status < 0)
        flags = CURL_CSELECT_ERR;
    else {
        if (events & UV_READABLE)
            flags |= CURL_CSELECT_IN;
        if (events & UV_WRITABLE)
            flags |= CURL_CSELECT_OUT;
    }
    curl_multi_socket_action(e->multi, c->fd, flags, &running);
    drain_info(e);
}

int cr_socket_cb(CURL *h, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct engine *e = userp;
    struct sock_ctx *c = socketp;
    int events = 0;
    (void)h;

    if (what == CURL_POLL_REMOVE) {
        if (c) {
            ctx_stop_poll(c);
            if (fd_ctx(e, s) == c)
                set_fd_ctx(e, s, NULL);
            free(c);
            curl_multi_assign(e->multi, s, NULL);
        }
        return 0;
    }
    if (what & CURL_POLL_IN)
        events |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        events |= UV_WRITABLE;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return 0;       /* the transfer will time out; never -1 */
        c->fd = s;
        c->e = e;
        curl_multi_assign(e->multi, s, c);
    }
    if (fd_ctx(e, s) != c) {
        struct sock_ctx *old = fd_ctx(e, s);
        if (old)
            ctx_stop_poll(old);     /* fd number reused: the old handle is stale */
        set_fd_ctx(e, s, c);
    }
    if (!c->poll) {
        /* Never reuse a closing handle: always a fresh one. */
        c->poll = malloc(sizeof *c->poll);
        if (!c->poll)
            return 0;
        if (uv_poll_init_socket(&e->loop, c->poll, s) != 0) {
            free(c->poll);
            c->poll = NULL;
            gr_warn("cannot poll socket %d", (int)s);
            return 0;
        }
        c->poll->data = c;
    }
    uv_poll_start(c->poll, events, poll_cb);
    return 0;
}

/* Called by libcurl right before it closes a socket: stop polling first, so
 * the fd number can be reused safely. */
int cr_closesocket_cb(void *arg, curl_socket_t s)
{
    struct engine *e = arg;
    struct sock_ctx *c = fd_ctx(e, s);
    if (c) {
        ctx_stop_poll(c);
        set_fd_ctx(e, s, NULL);
    }
    return close(s);
}

static void curl_timer_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    int running;
    curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drain_info(e);           /* whatever running says */
}

int cr_timer_cb(CURLM *m, long timeout_ms, void *userp)
{
    struct engine *e = userp;
    (void)m;
    if (timeout_ms < 0)
        uv_timer_stop(&e->curl_timer);
    else
        uv_timer_start(&e->curl_timer, curl_timer_cb, (uint64_t)timeout_ms, 0);
    return 0;
}

void cr_walk_close_cb(uv_handle_t *h, void *arg)
{
    struct engine *e = arg;
    if (!uv_is_closing(h))
        uv_close(h, h->type == UV_POLL && h != (uv_handle_t *)&e->db_poll ? poll_close_cb : NULL);
}
