/* The crawler engine's state and the functions its files share (not an
 * interface of the stage: crawler.h is). One engine runs one crawl:
 *
 *   crawler.c           crawler_run: set-up, the run, tear-down, summary
 *   crawler_settings.c  the configuration table and the settings parsed
 *                       from it (time window, stats schedule, connect_to)
 *   crawler_polite.c    the one politeness policy of both frontiers
 *   crawler_loop.c      curl <-> libuv glue (sockets, timers)
 *   crawler_sched.c     claim window, starting jobs, completions, the tick
 *   crawler_outcome.c   what a finished transfer means for the frontier
 *   crawler_discover.c  links found by the sources' discover()
 *   crawler_warcrec.c   the WARC records of a fetch, recovery of a killed run
 *   crawler_signal.c    SIGINT/SIGTERM, the grace period, stopping the loop */
#ifndef CRAWLER_ENGINE_H
#define CRAWLER_ENGINE_H

#include <uthash.h>
#include <uv.h>

#include "crawler.h"
#include "gr_progress.h"
#include "gr_warc_write.h"

struct sock_ctx {
    curl_socket_t fd;
    uv_poll_t *poll;           /* NULL after the socket was closed */
    struct engine *e;
};

struct robots_entry {
    char *host;
    int64_t version;
    struct cr_robots *rules;
    UT_hash_handle hh;
};

struct host_err {
    char *host;
    uint64_t n;
    UT_hash_handle hh;
};

struct engine {
    uv_loop_t loop;
    CURLM *multi;
    uv_timer_t curl_timer, sched_timer, grace_timer;
    uv_signal_t sigint, sigterm;
    struct sock_ctx **fdmap;
    size_t fdmap_n;

    const struct crawler_opts *o;
    const struct gr_config *cfg;
    struct cr_frontier *fr;
    struct cr_fetch_conf fc;
    struct gr_warc_writer *warc;
    bool warc_sync;
    bool warc_broken;              /* a WARC write or sync failed: nothing more is committed as fetched */
    char warc_base[256];           /* file of the last record written */

    int concurrency;
    int window;                /* jobs claimed and not finished: in flight plus ready */
    struct cr_job **act;
    size_t nact;
    struct cr_job *done, **done_tail;
    size_t ndone;
    /* Claimed ahead (up to the window), started as slots free up, so the
     * transfers do not wait for the database round trips. Their hosts
     * count them as in flight already. */
    struct cr_job *ready, **ready_tail;
    size_t nready;
    CURL **pool;
    size_t npool;

    struct robots_entry *robots;
    struct host_err *herr;
    struct host_err *ferr;         /* failed URLs by reason */
    double max_pending_wait;
    bool waiting_pending;
    const char *agent_token;

    bool discover;
    int max_depth, max_redirects;
    int64_t window_start, window_end;
    int64_t stats_offsets[8];
    int nstats;
    size_t max_decoded;
    int poll_ms, idle_exit;
    int64_t grace_ms;

    int64_t started_pages;
    double t0;
    int stopping;              /* 1 = stop claiming; 2 = abort in flight */
    bool finished;
    bool tick_pending;
    int temp_failures;
    /* the frontier's request in flight (a frontier behind a server) */
    uv_poll_t db_poll;
    bool claiming;              /* a claim is outstanding */
    struct cr_job *committing;  /* the jobs of the completion outstanding */
    /* Completions wait for their WARC records to be durable: one batch at a
     * time is fdatasync()ed on libuv's thread pool (the loop goes on with the
     * transfers), then joins the synced ones, sent in the order finished. */
    uv_work_t sync_req;
    struct cr_job *syncing;     /* the batch being synced */
    int sync_fd, sync_errno;
    char sync_path[512];
    struct cr_job *synced, **synced_tail;
    double last_claim;
    int claim_asked;
    bool claim_short;           /* the last claim got under half of what it asked */
    bool claim_empty;           /* ... got nothing */
    bool claim_fresh;           /* ... was made after the last completion */
    double last_run_update;
    enum gr_rc rc;
    char err[1024];

    struct gr_progress prog;
    char prog_what[64];
    struct crawler_summary *sum;
    uint64_t status_counts[600];
};

/* crawler_settings.c */
/* Fills the engine's settings, pol and the User-Agent ua from o and its
 * configuration; GR_ECONFIG with err naming the key when one is invalid. */
enum gr_rc cr_settings_load(struct engine *e, const struct crawler_opts *o, struct cr_polite *pol, char *ua,
                            size_t ualen, char *err, size_t errlen);

/* crawler_loop.c */
int64_t cr_wall_us(void);
int cr_socket_cb(CURL *h, curl_socket_t s, int what, void *userp, void *socketp);
int cr_closesocket_cb(void *arg, curl_socket_t s);
int cr_timer_cb(CURLM *m, long timeout_ms, void *userp);
void cr_walk_close_cb(uv_handle_t *h, void *arg);

/* crawler_sched.c */
/* Records the first fatal error and stops the crawl at once. */
void cr_fatal(struct engine *e, enum gr_rc rc, const char *msg);
/* A transfer ended with rc: its outcome, records and counts; the next job. */
void cr_finish_transfer(struct engine *e, struct cr_job *j, CURLcode rc);
void cr_release_ready(struct engine *e);
void cr_free_list(struct cr_job *j);
struct cr_job *cr_take_done(struct engine *e);
struct cr_job *cr_take_synced(struct engine *e);
void cr_add_synced(struct engine *e, struct cr_job *list);
void cr_completed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err);
void cr_claimed(struct engine *e, struct cr_job *list, enum gr_rc rc, const char *err);
void cr_db_progress(struct engine *e, bool block);
void cr_abort_inflight(struct engine *e);
void cr_schedule_tick(struct engine *e, uint64_t ms);

/* crawler_outcome.c */
/* Decides what the frontier does with j after its transfer. */
void cr_classify(struct engine *e, struct cr_job *j);
void cr_count_host_error(struct engine *e, const char *host);
void cr_count_failed(struct engine *e, const char *error);
/* Frees a table of counts (e->herr, e->ferr) and leaves it empty. */
void cr_counts_free(struct host_err **hash);
/* {"host": n, ...} of hash, or with hosts false {"status": n, ...}. */
char *cr_json_counts(struct engine *e, struct host_err *hash, bool hosts);

/* crawler_discover.c */
/* j's response as the sources see it: gr_http_message() over its header
 * block and its body as served (libcurl removed the chunked framing), the
 * body decoded into scratch (bounded by its max). */
enum gr_rc cr_response(const struct cr_job *j, struct gr_http_msg *m, struct gr_buf *scratch, char *err,
                       size_t errlen);
void cr_discover_links(struct engine *e, struct cr_job *j);

/* crawler_warcrec.c */
void cr_write_warc(struct engine *e, struct cr_job *j);
void cr_warc_file_cb(void *arg, const char *path, bool closed, uint64_t records, uint64_t bytes);
void cr_recovered_cb(void *arg, const char *path, uint64_t records, uint64_t bytes);
enum gr_rc cr_drop_uncommitted(struct engine *e, const char *dir, char *err, size_t errlen);

/* crawler_signal.c */
void cr_grace_cb(uv_timer_t *t);
void cr_signal_cb(uv_signal_t *s, int signum);
void cr_stop_loop(struct engine *e);

#endif
