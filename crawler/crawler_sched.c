/* Scheduling: the claim window (jobs claimed ahead of the transfers),
 * starting jobs (robots.txt checked), completions sent to the frontier (the
 * WARC synced first), the frontier's replies and the scheduler tick.
 * Politeness is decided by the frontier's claim (per-host in-flight limit,
 * delay, robots, Retry-After, backoff), never by libcurl's queue: a transfer
 * is added only when its host may be fetched now, so CURLOPT_TIMEOUT never
 * counts queue time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"
#include "gr_db.h"

static void start_ready(struct engine *e);
static void db_kick(struct engine *e);

void cr_fatal(struct engine *e, enum gr_rc rc, const char *msg)
{
    if (!e->rc) {
        e->rc = rc;
        snprintf(e->err, sizeof e->err, "%s", msg);
    }
    if (e->stopping < 2)
        e->stopping = 2;
}
/* ------------------------------------------------------------ robots cache */

static const struct cr_robots *robots_for(struct engine *e, struct cr_job *j)
{
    struct robots_entry *r;
    int status = -1;
    char *body = NULL;
    char err[512];

    HASH_FIND_STR(e->robots, j->host, r);
    if (r && r->version == j->robots_version)
        return r->rules;
    if (e->fr->robots(e->fr, j->host, &status, &body, err, sizeof err) != GR_OK) {
        gr_warn("cannot load robots.txt of %s: %s", j->host, err);
        free(body);
        return NULL;
    }
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r || !(r->host = strdup(j->host))) {
            free(r);
            free(body);
            return NULL;
        }
        HASH_ADD_KEYPTR(hh, e->robots, r->host, strlen(r->host), r);
    }
    cr_robots_free(r->rules);
    r->rules = NULL;
    r->version = j->robots_version;
    if (status >= 200 && status < 300 && body)
        r->rules = cr_robots_parse(body, strlen(body), e->agent_token);
    free(body);
    return r->rules;
}

/* ------------------------------------------------------------ results */

static void push_done(struct engine *e, struct cr_job *j)
{
    j->next = NULL;
    *e->done_tail = j;
    e->done_tail = &j->next;
    e->ndone++;
}
void cr_finish_transfer(struct engine *e, struct cr_job *j, CURLcode rc)
{
    size_t last;

    j->finished_us = cr_wall_us();
    cr_fetch_finish(j, rc);
    curl_multi_remove_handle(e->multi, j->easy);
    if (e->npool < (size_t)e->concurrency) {
        e->pool[e->npool++] = j->easy;
    } else {
        curl_easy_cleanup(j->easy);
    }
    j->easy = NULL;
    last = --e->nact;
    e->act[j->slot] = e->act[last];
    e->act[j->slot]->slot = j->slot;

    if (e->stopping >= 2 && rc == CURLE_ABORTED_BY_CALLBACK) {
        j->outcome = CR_RELEASED;
    } else {
        cr_classify(e, j);
        cr_write_warc(e, j);
        if (j->status > 0 && j->status < 600)
            e->status_counts[j->status]++;
        e->sum->status[j->status > 0 && j->status < 600 ? j->status / 100 : 0]++;
        e->sum->bytes += j->body.len;
        if (j->truncated)
            e->sum->truncated++;
        if (j->outcome == CR_DONE)
            e->sum->pages++;
        else if (j->outcome == CR_RETRY)
            e->sum->retries++;
        else if (j->outcome == CR_FAILED) {
            e->sum->failed++;
            cr_count_failed(e, j->error);
        }
        if (j->outcome != CR_DONE || j->status >= 400) {
            e->sum->errors++;
            cr_count_host_error(e, j->host);
        }
        gr_debug("%s %s -> %ld %s (%.0f ms)", j->method, j->url, j->status, j->error, j->t_total);
    }
    push_done(e, j);
    start_ready(e);
    /* the progress line's unit carries the in-flight count */
    snprintf(e->prog_what, sizeof e->prog_what, "pages, %zu in flight", e->nact);
    gr_progress_tick(&e->prog, e->sum->pages, e->sum->errors);
    db_kick(e);
    if (e->nact == 0)
        cr_schedule_tick(e, 0);
}

/* ------------------------------------------------------------ scheduling */

static void start_job(struct engine *e, struct cr_job *j)
{
    char path[8192];
    char err[512];
    CURLMcode mc;

    j->started_us = cr_wall_us();
    j->t_start = gr_now();
    if (e->fr->polite.robots && strcmp(j->kind, "robots") != 0) {
        const struct cr_robots *r = robots_for(e, j);
        if (r && gr_url_path(j->url, path, sizeof path) && !cr_robots_allowed(r, path)) {
            j->outcome = CR_BLOCKED;
            j->finished_us = j->started_us;
            snprintf(j->error, sizeof j->error, "disallowed by robots.txt");
            e->sum->blocked++;
            push_done(e, j);
            return;
        }
    }
    if (cr_fetch_prepare(&e->fc, j, e->pool, &e->npool, cr_closesocket_cb, e, err, sizeof err) != GR_OK) {
        j->outcome = CR_FAILED;
        j->finished_us = j->started_us;
        snprintf(j->error, sizeof j->error, "%.250s", err);
        e->sum->failed++;
        push_done(e, j);
        return;
    }
    j->slot = e->nact;
    e->act[e->nact++] = j;
    mc = curl_multi_add_handle(e->multi, j->easy);
    if (mc != CURLM_OK) {
        e->act[j->slot] = e->act[--e->nact];
        e->act[j->slot]->slot = j->slot;
        j->outcome = CR_RETRY;
        snprintf(j->error, sizeof j->error, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
        push_done(e, j);
    }
}

/* Starts claimed jobs while slots are free. A job whose lease has run half
 * its time waiting is given back instead: its completion must land while
 * the lease still holds. */
static void start_ready(struct engine *e)
{
    while (e->ready && e->nact < (size_t)e->concurrency && e->stopping == 0) {
        struct cr_job *j = e->ready;
        e->ready = j->next;
        if (!e->ready)
            e->ready_tail = &e->ready;
        e->nready--;
        j->next = NULL;
        if (j->claimed_at > 0 && gr_now() - j->claimed_at > e->fr->polite.lease_seconds / 2.0) {
            j->started_us = j->finished_us = cr_wall_us();
            j->outcome = CR_RELEASED;
            push_done(e, j);
            continue;
        }
        start_job(e, j);
    }
}

/* Gives claimed but unstarted jobs back (shutdown). */
void cr_release_ready(struct engine *e)
{
    while (e->ready) {
        struct cr_job *j = e->ready;
        e->ready = j->next;
        j->started_us = j->finished_us = cr_wall_us();
        j->outcome = CR_RELEASED;
        push_done(e, j);
    }
    e->ready_tail = &e->ready;
    e->nready = 0;
}

void cr_free_list(struct cr_job *j)
{
    for (struct cr_job *n; j; j = n) {
        n = j->next;
        cr_job_free(j);
    }
}

/* Takes the finished jobs for a completion. */
struct cr_job *cr_take_done(struct engine *e)
{
    struct cr_job *list = e->done;
    e->done = NULL;
    e->done_tail = &e->done;
    e->ndone = 0;
    return list;
}

/* Appends list to the completions whose records are durable. */
void cr_add_synced(struct engine *e, struct cr_job *list)
{
    if (!list)
        return;
    *e->synced_tail = list;
    while (list->next)
        list = list->next;
    e->synced_tail = &list->next;
}

/* Takes the completions whose records are durable, oldest first. */
struct cr_job *cr_take_synced(struct engine *e)
{
    struct cr_job *list = e->synced;
    e->synced = NULL;
    e->synced_tail = &e->synced;
    return list;
}

/* A completion of list ended with rc. A transient failure puts the jobs
 * back in front of the synced ones, to be sent again (completions are
 * committed in the order their records were written: cr_drop_uncommitted). */
void cr_completed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err)
{
    if (rc == GR_ETEMP && ++e->temp_failures < 10) {
        struct cr_job *rest = cr_take_synced(e);
        gr_warn("recording completions failed, retrying: %s", err);
        cr_add_synced(e, list);
        cr_add_synced(e, rest);
        return;
    }
    if (rc) {
        gr_error("cannot record completions: %s", err);
        cr_fatal(e, rc, err);
        cr_free_list(list);
        return;
    }
    e->temp_failures = 0;
    for (struct cr_job *j = list; j; j = j->next) {
        if (j->outcome == CR_RELEASED)
            e->sum->released++;
        if (j->lease_lost)
            e->sum->lost_leases++;
    }
    cr_free_list(list);
    e->claim_fresh = false;     /* completions may have made work due */
}

/* Takes the jobs a claim returned (rc its code). */
void cr_claimed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err)
{
    struct cr_job *n;
    int got = 0;

    if (rc) {
        gr_error("cannot claim work: %s", err);
        if (++e->temp_failures >= 10)
            cr_fatal(e, GR_EUNAVAIL, err);
    }
    for (; list; list = n) {
        n = list->next;
        list->next = NULL;
        got++;
        if (strcmp(list->kind, "robots") != 0)
            e->started_pages++;
        if (e->stopping) {
            /* a signal arrived while the claim ran */
            list->started_us = list->finished_us = cr_wall_us();
            list->outcome = CR_RELEASED;
            push_done(e, list);
            continue;
        }
        if (list->delay_ms > 0 && e->nact < 2 * (size_t)e->concurrency) {
            /* A host with a delay: start at once, so the spacing the claim
             * set (next_allowed_at) is the spacing on the wire, even past
             * the concurrency (up to 2x; later only spaces it more). */
            start_job(e, list);
            continue;
        }
        *e->ready_tail = list;
        e->ready_tail = &list->next;
        e->nready++;
    }
    e->claim_short = !rc && got * 2 < e->claim_asked;
    e->claim_empty = !rc && got == 0;
    e->claim_fresh = !rc;
    start_ready(e);
}

static void db_io_cb(uv_poll_t *p, int status, int events);

/* Whether the frontier's connection was lost, checked right after each call
 * that may drop it (progress, a failed send): libpq has then closed its
 * socket (socket() is -1, or another descriptor), and the watcher is
 * stopped at once, never started again on the closed descriptor, whose
 * number curl may reuse next. libuv aborts the process when epoll refuses a
 * descriptor (EBADF), which a crawl with PostgreSQL stopped under it met
 * once in 20 trials of a CI run (crawler_dbloss: exit 134). The requests
 * still outstanding then end by their deadline, checked on every tick
 * (cr_db_progress). */
static bool db_socket_lost(struct engine *e)
{
    uv_os_fd_t fd;

    if (uv_fileno((const uv_handle_t *)&e->db_poll, &fd) == 0 && e->fr->socket(e->fr) == fd)
        return false;
    uv_poll_stop(&e->db_poll);
    return true;
}

/* Watches the frontier's connection while a request runs. */
static void db_watch(struct engine *e, bool want_write)
{
    if (!db_socket_lost(e))
        uv_poll_start(&e->db_poll, UV_READABLE | (want_write ? UV_WRITABLE : 0), db_io_cb);
}

/* Whether a request to the frontier is outstanding. */
static bool db_busy(const struct engine *e)
{
    return e->claiming || e->committing;
}

/* Whether completions wait for their WARC sync or their turn to be sent. */
static bool sync_busy(const struct engine *e)
{
    return e->syncing || e->synced;
}

static void sync_work_cb(uv_work_t *w)
{
    struct engine *e = w->data;
    e->sync_errno = fdatasync(e->sync_fd) == 0 ? 0 : errno;
}

/* The batch's sync ended: it joins the synced completions; on failure
 * nothing more is committed as fetched (its jobs go back to the finished
 * ones, which the shutdown path releases). */
static void sync_done(struct engine *e)
{
    struct cr_job *list = e->syncing;

    close(e->sync_fd);
    e->sync_fd = -1;
    e->syncing = NULL;
    if (e->sync_errno) {
        char err[1024];
        snprintf(err, sizeof err, "cannot sync %s: %s", e->sync_path, strerror(e->sync_errno));
        gr_error("cannot sync the WARC: %s", err);
        e->warc_broken = true;
        if (list) {
            struct cr_job *last = list;
            size_t n = 1;
            for (; last->next; last = last->next)
                n++;
            last->next = e->done;
            if (!e->done)
                e->done_tail = &last->next;
            e->done = list;
            e->ndone += n;
        }
        cr_fatal(e, GR_EIO, err);
        return;
    }
    cr_add_synced(e, list);
}

static void sync_after_cb(uv_work_t *w, int status)
{
    struct engine *e = w->data;

    if (status == UV_ECANCELED)
        e->sync_errno = ECANCELED;
    sync_done(e);
    db_kick(e);
    if (e->stopping && e->nact == 0 && e->ndone == 0 && e->nready == 0 && !db_busy(e) && !sync_busy(e))
        cr_schedule_tick(e, 0);
}

/* Writes the finished jobs' buffered WARC records and starts their
 * fdatasync on the thread pool (crawler.warc_sync; without it they are
 * synced at once). False after a fatal error. */
static bool start_sync(struct engine *e)
{
    char err[1024];
    const char *path = gr_warc_open_path(e->warc);
    enum gr_rc rc = gr_warc_flush(e->warc, e->warc_sync ? &e->sync_fd : NULL, err, sizeof err);

    if (rc) {
        gr_error("cannot write the WARC: %s", err);
        e->warc_broken = true;
        cr_fatal(e, rc, err);
        return false;
    }
    if (e->sync_fd < 0) {
        cr_add_synced(e, cr_take_done(e));
        return true;
    }
    snprintf(e->sync_path, sizeof e->sync_path, "%s", path ? path : "the WARC");
    e->syncing = cr_take_done(e);
    e->sync_req.data = e;
    if (uv_queue_work(&e->loop, &e->sync_req, sync_work_cb, sync_after_cb) != 0) {
        sync_work_cb(&e->sync_req);     /* no thread pool: here */
        sync_done(e);
    }
    return !e->rc;
}

/* Sends the frontier the requests wanted that are not outstanding yet: a
 * completion of the finished jobs whose WARC records are durable (the sync
 * of the next batch started) and a claim. An
 * asynchronous frontier has both on the wire together; the others answer
 * at once. */
static void db_kick(struct engine *e)
{
    bool async = e->fr->send_claim != NULL;
    char err[1024];
    enum gr_rc rc;

    for (int round = 0; round < 64 && !e->finished; round++) {
        int room = e->window - (int)e->nact - (int)e->nready;
        bool sent = false;

        if (e->stopping >= 2 && e->rc)
            return;             /* fatal: the shutdown path records what it can */
        if (e->done && !e->syncing && !start_sync(e))
            return;
        if (e->synced && !e->committing) {
            struct cr_job *list = cr_take_synced(e);
            if (!async) {
                rc = e->fr->complete(e->fr, list, err, sizeof err);
                cr_completed(e, list, rc, err);
                if (rc)
                    return;
            } else if ((rc = e->fr->send_complete(e->fr, list, err, sizeof err)) != GR_OK) {
                db_socket_lost(e);  /* a failed send may have dropped the connection */
                cr_completed(e, list, rc, err);
                return;
            } else {
                e->committing = list;
            }
            sent = true;
        }
        /* Claim: in bulk once half the window is free while claims come
         * back full; when they come back short (the hosts' limits bind),
         * right behind each completion, which frees host slots; and at least
         * every poll_ms (delays run out). */
        if (!e->claiming && !e->stopping && room > 0 &&
            !(e->o->max_pages > 0 && e->started_pages >= e->o->max_pages) &&
            ((room >= e->window / 2 && !e->claim_short) || (e->claim_short && sent) ||
             gr_now() - e->last_claim >= e->poll_ms / 1000.0)) {
            struct cr_job *list = NULL;
            int64_t lim = e->o->max_pages > 0 ? e->o->max_pages - e->started_pages : room;
            if (lim < room)
                room = (int)lim;
            e->claim_asked = room;
            e->last_claim = gr_now();
            if (!async) {
                rc = e->fr->claim(e->fr, room, &list, err, sizeof err);
                cr_claimed(e, list, rc, err);
                if (rc)
                    return;
            } else if ((rc = e->fr->send_claim(e->fr, room, err, sizeof err)) != GR_OK) {
                db_socket_lost(e);
                cr_claimed(e, NULL, rc, err);
                return;
            } else {
                e->claiming = true;
            }
            sent = true;
        }
        if (async) {
            if (sent)
                db_watch(e, true);
            return;
        }
        if (!sent)
            return;
    }
}

/* Takes the replies that arrived (block: all outstanding ones). */
void cr_db_progress(struct engine *e, bool block)
{
    struct cr_reply r;
    bool want_write = false;

    if (!db_busy(e))
        return;
    while (e->fr->progress(e->fr, block, &r, &want_write)) {
        if (r.claim) {
            e->claiming = false;
            cr_claimed(e, r.jobs, r.rc, r.err);
        } else {
            struct cr_job *c = e->committing;
            e->committing = NULL;
            cr_completed(e, c, r.rc, r.err);
        }
    }
    if (db_busy(e))
        db_watch(e, want_write);
    else
        uv_poll_stop(&e->db_poll);
}

static void db_io_cb(uv_poll_t *p, int status, int events)
{
    struct engine *e = p->data;
    (void)status;
    (void)events;
    cr_db_progress(e, false);
    db_kick(e);
    if (e->stopping && e->nact == 0 && e->ndone == 0 && e->nready == 0 && !db_busy(e) && !sync_busy(e))
        cr_schedule_tick(e, 0);
}

void cr_abort_inflight(struct engine *e)
{
    /* Remove every transfer; each becomes a released job. */
    while (e->nact) {
        struct cr_job *j = e->act[e->nact - 1];
        j->finished_us = cr_wall_us();
        curl_multi_remove_handle(e->multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
        e->nact--;
        j->outcome = CR_RELEASED;
        push_done(e, j);
    }
}


/* Nothing is due within idle_exit: whether to wait for work still
 * pending (a retry, a host's Retry-After, another crawler's lease) that
 * becomes due before the budget ends (or, with no budget, within
 * max_pending_wait). Sets *next_ms when waiting. */
static bool wait_pending(struct engine *e, uint64_t *next_ms)
{
    struct cr_pending p;
    char err[512];
    double left;

    if (!e->fr->pending)
        return false;
    if (e->fr->pending(e->fr, &p, err, sizeof err) != GR_OK) {
        gr_error("cannot read the frontier: %s", err);
        cr_fatal(e, GR_EUNAVAIL, err);
        return false;
    }
    if (p.leased + p.retry + p.host_wait + p.due == 0 || p.next_secs < 0) {
        if (p.robots_wait)
            gr_notice("%lld URLs wait for their host's robots.txt to answer (a later night)", (long long)p.robots_wait);
        gr_info("nothing due before the budget ends: the crawl ends");
        return false;
    }
    left = e->o->time_budget > 0 ? e->o->time_budget - (gr_now() - e->t0) : e->max_pending_wait;
    if (p.next_secs >= left) {
        gr_notice("work pending beyond the %s (%lld leased, %lld retries, %lld waiting on their host, %lld due; "
                  "next in %.0f s): crawl incomplete",
                  e->o->time_budget > 0 ? "time budget" : "pending wait", (long long)p.leased, (long long)p.retry,
                  (long long)p.host_wait, (long long)p.due, p.next_secs);
        return false;
    }
    if (!e->waiting_pending)
        gr_info("waiting %.0f s for pending work (%lld leased, %lld retries, %lld waiting on their host)",
                p.next_secs, (long long)p.leased, (long long)p.retry, (long long)p.host_wait);
    e->waiting_pending = true;
    *next_ms = p.next_secs > 1.0 ? 1000 : (uint64_t)(p.next_secs * 1000.0) + 1;
    return true;
}

static void tick_cb(uv_timer_t *t)
{
    struct engine *e = t->data;
    uint64_t next_ms = (uint64_t)e->poll_ms;
    char err[1024];

    e->tick_pending = false;
    if (e->finished)
        return;
    if (e->o->time_budget > 0 && !e->stopping && gr_now() - e->t0 >= e->o->time_budget) {
        gr_notice("time budget of %.0f s reached: finishing in-flight transfers", e->o->time_budget);
        e->stopping = 1;
        uv_timer_start(&e->grace_timer, cr_grace_cb, (uint64_t)e->grace_ms, 0);
    }
    if (e->stopping >= 2)
        cr_abort_inflight(e);
    /* a database request past its deadline fails here (socket silent) */
    cr_db_progress(e, false);
    if (e->stopping >= 2 && e->rc && !db_busy(e) && !e->syncing) {
        cr_stop_loop(e);
        return;
    }
    if (gr_now() - e->last_run_update >= 30) {
        /* staff watching crawl.run see a running crawl's counts */
        e->last_run_update = gr_now();
        e->sum->seconds = gr_now() - e->t0;
        e->fr->finish(e->fr, e->sum, "running", false);
    }
    if (!e->stopping && e->o->max_pages > 0 && e->started_pages >= e->o->max_pages)
        e->stopping = 1;
    if (e->stopping)
        cr_release_ready(e);
    db_kick(e);
    start_ready(e);
    if (!e->stopping && !db_busy(e) && !sync_busy(e) && e->claim_empty && e->claim_fresh && e->nact == 0 &&
        e->ndone == 0 &&
        e->nready == 0) {
        /* the last claim, made after the last completion, found nothing */
        double secs;
        if (e->fr->next_event(e->fr, &secs, err, sizeof err) != GR_OK) {
            gr_error("cannot read the frontier: %s", err);
            cr_fatal(e, GR_EUNAVAIL, err);
        } else if (secs < 0 || (secs > e->idle_exit && !e->o->urls_file && !wait_pending(e, &next_ms))) {
            e->stopping = 1;
        } else if (secs > e->idle_exit && !e->o->urls_file) {
            /* waiting for pending work (next_ms set) */
        } else {
            double ms = secs * 1000.0;
            if (ms > 1000)
                ms = 1000;
            if (ms > next_ms)
                next_ms = (uint64_t)ms;
        }
    }
    if (e->stopping && e->nact == 0 && e->ndone == 0 && e->nready == 0 && !db_busy(e) && !sync_busy(e)) {
        cr_stop_loop(e);
        return;
    }
    cr_schedule_tick(e, next_ms);
}

void cr_schedule_tick(struct engine *e, uint64_t ms)
{
    if (e->finished)
        return;
    if (e->tick_pending && ms > 0)
        return;
    e->tick_pending = true;
    uv_timer_start(&e->sched_timer, tick_cb, ms, 0);
}
