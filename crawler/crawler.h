/* The crawler stage: internal interfaces shared by the files in crawler/.
 *
 *   crawler.c ...       the engine (its files: crawler_engine.h)
 *   crawler_polite.c    the politeness policy of both frontiers
 *   crawler_fetch.c     per-transfer curl setup, callbacks, credentials and
 *                       their redaction
 *   crawler_robots.c    robots.txt parsing and matching
 *   crawler_frontier.c  the Postgres frontier (claim, complete, links, runs)
 *   crawler_memq.c      the in-memory frontier of --urls mode
 *   main.c              options and configuration only
 */
#ifndef CRAWLER_H
#define CRAWLER_H

#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_config.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_source.h"
#include "gr_url.h"

/* ------------------------------------------------------------------ options */

struct crawler_opts {
    const struct gr_config *cfg;   /* every key of crawler_config_keys() */
    const char *db;                /* conninfo or NULL */
    const char *urls_file;         /* --urls mode when set */
    const char *out_dir;
    const char *connect_to;        /* "ADDR:PORT" or NULL */
    int64_t max_pages;             /* 0 = no limit */
    double time_budget;            /* seconds; 0 = none */
    int concurrency;
};

/* The crawler's configuration keys: its own, one crawler.recrawl_<kind> per
 * kind of the sources' kind tables that has a default, and the keys of the
 * sources' credential tables (SECTION.host, SECTION.https_only and a secret
 * per credential); and the sections it checks (crawler, each credential
 * section, host:). Built once, for the process's lifetime; NULL when out of
 * memory. */
const struct gr_config_key *crawler_config_keys(void);
const char *const *crawler_config_sections(void);

/* Result summary of one run. */
struct crawler_summary {
    uint64_t pages, bytes, errors, retries, failed, blocked, truncated, released, lost_leases;
    uint64_t links_found;
    uint64_t status[6];            /* 1xx..5xx counted at [1..5]; [0] = no response */
    double seconds;
    bool interrupted;
    /* work left pending at the end (frontier mode): see struct cr_pending */
    uint64_t pending, pending_leased, pending_retry, pending_host_wait, pending_due, pending_robots;
    bool waits_left;               /* retries or leases left: the exit status is 1 */
    char *failed_json;             /* {"reason": n, ...} of the URLs failed */
    char *status_json;             /* {"200": n, ...} (owned by the engine) */
    char *errors_by_host_json;     /* {"host": n, ...} */
};

enum gr_rc crawler_run(const struct crawler_opts *o, struct crawler_summary *sum, char *err, size_t errlen);

/* --------------------------------------------------------------------- jobs */

enum cr_outcome {
    CR_DONE,          /* fetched; schedule the next crawl if the kind recurs */
    CR_RETRY,         /* transient failure: back off, try again */
    CR_FAILED,        /* permanent failure, or attempts exhausted */
    CR_BLOCKED,       /* robots.txt disallows it */
    CR_RELEASED       /* not (completely) fetched because of shutdown */
};

struct cr_job {
    struct cr_job *next;
    size_t slot;                   /* index in the engine's active array */
    /* from the frontier */
    int64_t id;
    char token[40];
    double claimed_at;             /* monotonic time of the claim (gr_now) */
    bool lease_lost;               /* the completion found the lease retaken */
    char *url, *method, *post_body, *host, *source, *kind, *target_key;
    int depth;
    int attempts;                  /* including this one */
    int redirect_hops;
    int64_t published_at;          /* unix seconds, 0 = unknown */
    int64_t robots_version;        /* host robots_fetched_at (unix us), 0 = none */
    char *etag, *last_modified;    /* validators of the last 200 (conditional GET) */
    int64_t delay_ms;              /* the host's delay when claimed: > 0 means start now */
    /* transfer */
    CURL *easy;
    struct curl_slist *headers;
    char *req_url;                 /* URL sent (may carry credentials) */
    bool credentialed;
    struct gr_buf reqhead;         /* request headers as sent */
    struct gr_buf resphead;        /* response header bytes */
    struct gr_buf body;            /* body bytes as served (content-encoded) */
    const char *truncated;         /* WARC-Truncated value or NULL */
    int64_t started_us, finished_us;   /* wall clock */
    double t_start;                /* monotonic */
    CURLcode curl_rc;
    char errbuf[CURL_ERROR_SIZE];
    long status;
    double retry_after;            /* seconds from Retry-After, -1 when absent */
    char ip[64];
    double t_dns, t_connect, t_ttfb, t_total;
    char *location;                /* absolute redirect target or NULL */
    /* results for the frontier */
    enum cr_outcome outcome;
    int64_t next_due;              /* unix seconds of the next crawl, 0 = none */
    int64_t host_wait_ms;          /* politeness wait requested after this job */
    int backoff;                   /* +1 grow host backoff, -1 reset, 0 keep */
    char error[256];               /* curl or policy error text ("" = none) */
    char warc_file[256];
    int64_t warc_offset;
    struct gr_links links;         /* discovered, filtered */
    /* robots.txt job results */
    int robots_status;             /* -1 = not a robots job or no answer */
    char *robots_body;
};

struct cr_job *cr_job_new(void);
void cr_job_free(struct cr_job *j);
/* Clears transfer state so a job can be retried in-process. */
void cr_job_reset_transfer(struct cr_job *j);

/* ---------------------------------------------------------------- frontier */

/* Politeness parameters passed down to a frontier's claim. */
struct cr_polite {
    int64_t delay_ms;              /* default per-host delay */
    int max_inflight;              /* default per-host in-flight limit */
    int64_t max_crawl_delay_ms;    /* cap on robots Crawl-delay */
    int64_t retry_after_cap_ms;    /* cap on Retry-After */
    int64_t backoff_base_ms, backoff_cap_ms;
    int max_attempts;
    int lease_seconds;
    bool robots;                   /* obey robots.txt */
    int64_t failed_retry_s;        /* a failed URL's first retry on a later night */
    int64_t failed_retry_cap_s;    /* the longest wait between those retries */
    int64_t failed_give_up_s;      /* failing this long: given up */
    int db_timeout_ms;             /* deadline on every database wait (0 = none) */
};

/* Frontier rows left to do in this crawl (not the recrawls scheduled for
 * later nights): leased by a crawler, queued after a transient failure
 * (retry), due but their host waits (Retry-After, backoff), or due. */
struct cr_pending {
    int64_t leased, retry, host_wait, due;
    int64_t robots_wait;           /* on a host whose robots.txt is unreachable (a later night) */
    double next_secs;              /* seconds until the first may be claimed, < 0 = none */
};

/* One answered request of an asynchronous frontier. */
struct cr_reply {
    bool claim;                    /* a claim; else a completion */
    struct cr_job *jobs;           /* the jobs claimed, or the completion's list */
    enum gr_rc rc;
    char err[1024];
};

struct cr_frontier {
    /* Claims up to max jobs that may start now (politeness applied). */
    enum gr_rc (*claim)(struct cr_frontier *f, int max, struct cr_job **out, char *err, size_t errlen);
    /* Records finished jobs (outcomes, links, fetch log); the list stays
     * owned by the caller. */
    enum gr_rc (*complete)(struct cr_frontier *f, struct cr_job *list, char *err, size_t errlen);
    /* Asynchronous claims and completions, for a frontier behind a server
     * (NULL for the in-memory one: the engine calls claim and complete).
     * At most one claim and one completion are outstanding at a time; they
     * are answered in the order sent. While any is, the engine polls
     * socket() and calls progress(), which reads what arrived and returns
     * true with *out filled for each request that ended (call it again:
     * more may have); with block it waits, returning false only when
     * nothing is outstanding. *want_write when output is pending. A
     * completion's list stays owned by the caller, untouched until its
     * reply (out->jobs gives it back). */
    int (*socket)(struct cr_frontier *f);
    enum gr_rc (*send_claim)(struct cr_frontier *f, int max, char *err, size_t errlen);
    enum gr_rc (*send_complete)(struct cr_frontier *f, struct cr_job *list, char *err, size_t errlen);
    bool (*progress)(struct cr_frontier *f, bool block, struct cr_reply *out, bool *want_write);
    /* Loads the robots.txt of host: *status -1 when none is known yet;
     * *body malloc()ed or NULL. */
    enum gr_rc (*robots)(struct cr_frontier *f, const char *host, int *status, char **body, char *err,
                         size_t errlen);
    /* Seconds until something may become claimable (a due row or a lease
     * that expires); < 0 when nothing is left at all. */
    enum gr_rc (*next_event)(struct cr_frontier *f, double *secs, char *err, size_t errlen);
    /* The work left pending (NULL for the in-memory frontier). */
    enum gr_rc (*pending)(struct cr_frontier *f, struct cr_pending *p, char *err, size_t errlen);
    /* The offset of the last response record of WARC file base (its final
     * name) whose fetch was committed; *found false when none was (NULL
     * for the in-memory frontier). */
    enum gr_rc (*warc_committed)(struct cr_frontier *f, const char *base, uint64_t *offset, bool *found, char *err,
                                 size_t errlen);
    /* Records a WARC file opened or closed. */
    void (*warc_file)(struct cr_frontier *f, const char *path, bool closed, uint64_t records, uint64_t bytes);
    /* Writes the run summary; final = false for a progress update of a
     * running crawl (finished_at stays NULL). */
    void (*finish)(struct cr_frontier *f, const struct crawler_summary *s, const char *status, bool final);
    void (*free)(struct cr_frontier *f);
    struct cr_polite polite;
};

/* Postgres frontier. Creates the crawl.run row, applies [host:NAME]
 * overrides to crawl.host and makes sure every queued host has a host row
 * and a robots.txt row. */
enum gr_rc cr_frontier_pg_new(const char *conninfo, const struct gr_config *cfg, const struct cr_polite *p,
                              struct cr_frontier **out, char *err, size_t errlen);
/* In-memory frontier over a URL list file (lines "URL" or "METHOD URL [BODY]"). */
enum gr_rc cr_frontier_mem_new(const char *path, const struct gr_config *cfg, const struct cr_polite *p,
                               struct cr_frontier **out, char *err, size_t errlen);

/* ---------------------------------------------- politeness (crawler_polite.c)
 * The one policy of both frontiers: the in-memory one calls these; the
 * Postgres one, which keeps each host's state in crawl.host and applies it
 * in its statements, gets every value from them as parameters (the backoff
 * of each level, the jitter range, the caps, the robots.txt path). */

#define CR_ROBOTS_PATH "/robots.txt"
#define CR_ROBOTS_MAX (512u * 1024)     /* bytes of a robots.txt kept (RFC 9309: at least 500 KiB) */
#define CR_BACKOFF_MAX_LEVEL 31        /* base * 2^30 at most (then the cap) */
#define CR_BACKOFF_JITTER_MIN 0.5      /* a backoff is scaled by [0.5, 1) */

/* The crawler.* politeness keys. */
void cr_polite_from_config(const struct gr_config *cfg, struct cr_polite *p);
/* Per-host overrides ([host:NAME] delay_ms, max_inflight) from the config. */
int64_t cr_host_delay_ms(const struct gr_config *cfg, const char *host, int64_t def);
int cr_host_max_inflight(const struct gr_config *cfg, const char *host, int def);
/* The backoff (ms, before jitter) of a host after its level-th transient
 * failure in a row (1 = the first): base * 2^(level-1), at most the cap. */
double cr_polite_backoff_ms(const struct cr_polite *p, int level);
/* A random factor in [CR_BACKOFF_JITTER_MIN, 1) for a backoff. */
double cr_polite_jitter(void);
/* A Retry-After wait, capped. */
int64_t cr_polite_retry_after_ms(const struct cr_polite *p, int64_t wait_ms);
/* The Crawl-delay of a robots.txt body for agent, capped; -1 when none. */
int64_t cr_polite_crawl_delay_ms(const struct cr_polite *p, const char *robots_body, const char *agent);
/* The spacing between two requests to a host: its delay or its (capped)
 * Crawl-delay, whichever is longer. */
int64_t cr_polite_spacing_ms(const struct cr_polite *p, int64_t delay_ms, int64_t crawl_delay_ms);
/* The extra wait a host gets after job j (level: its transient failures
 * in a row, this one included): Retry-After capped, else the backoff with
 * jitter; 0 unless j asked for backoff. */
int64_t cr_polite_wait_ms(const struct cr_polite *p, const struct cr_job *j, int level);
/* The robots.txt URL of url's origin (scheme://authority/robots.txt);
 * caller frees; NULL when url has no scheme. */
char *cr_polite_robots_url(const char *url);

/* ------------------------------------------------------------------ robots */

struct cr_robots;

/* Parses a robots.txt body for our agent token (e.g. "govreach"): the group
 * naming the token, else the "*" group. Never fails on bad input (unknown
 * lines are ignored); returns NULL only when out of memory. */
struct cr_robots *cr_robots_parse(const char *body, size_t len, const char *agent);
void cr_robots_free(struct cr_robots *r);
/* Whether path ("/a/b?q") may be fetched: the longest matching rule wins,
 * Allow wins a tie; "*" and a final "$" are honoured. NULL robots allow all. */
bool cr_robots_allowed(const struct cr_robots *r, const char *path);
/* Crawl-delay in milliseconds, or -1 when none was given. */
int64_t cr_robots_delay_ms(const struct cr_robots *r);

/* ------------------------------------------------------------------- fetch */

#define CR_CREDS 8                 /* credential tables */
#define CR_CRED_PARAMS 8           /* query parameters of one */

struct cr_fetch_conf {
    const char *user_agent;
    const char *accept_encoding;
    const char *ca_file;
    struct curl_slist *connect_to;
    long connect_timeout_ms, timeout_ms, low_speed_limit, low_speed_time;
    size_t max_body, max_header;
    long dns_cache_timeout;
    bool conditional;              /* send If-None-Match / If-Modified-Since */
    /* The credentials of the sources' credential tables, as configured:
     * sent only to their host, never stored. */
    struct cr_cred {
        const char *host;          /* SECTION.host */
        bool https_only;           /* never send them over plain http */
        const char *cookie;        /* the Cookie header value, or NULL */
        const char *param[CR_CRED_PARAMS], *value[CR_CRED_PARAMS];   /* query parameters set */
        int nparams;
    } cred[CR_CREDS];
    int ncred;
};

/* The credentials whose own origin url is (their host, its scheme's default
 * port, https unless https_only is off, no user name), or NULL. */
const struct cr_cred *cr_fetch_cred_for(const struct cr_fetch_conf *fc, const char *url);
/* Whether url gets credentials (cr_fetch_cred_for is not NULL). */
bool cr_fetch_credentialed(const struct cr_fetch_conf *fc, const char *url);
/* Fills fc->cred from cfg, one entry per source credential table with a
 * secret set; GR_ECONFIG with err when the tables outgrow CR_CREDS or
 * CR_CRED_PARAMS. */
enum gr_rc cr_fetch_creds_from_config(const struct gr_config *cfg, struct cr_fetch_conf *fc, char *err,
                                      size_t errlen);
/* Sets up j->easy for j (creating or reusing a handle from *pool). */
enum gr_rc cr_fetch_prepare(const struct cr_fetch_conf *fc, struct cr_job *j, CURL **pool, size_t *npool,
                            curl_closesocket_callback close_cb, void *close_arg, char *err, size_t errlen);
/* Collects status, timings, Retry-After, IP and the redirect target after
 * the transfer ended with rc. */
void cr_fetch_finish(struct cr_job *j, CURLcode rc);
/* The request header block with credentials removed (the Cookie value and
 * the sources' secret parameters) when j was credentialed. Caller frees. */
char *cr_fetch_redacted_request(const struct cr_fetch_conf *fc, const struct cr_job *j, size_t *len);
/* Appends line to out with the values of the sources' secret parameters
 * (gr_source_secret_param) in its query replaced by REDACTED. */
void cr_redact_line(struct gr_buf *out, const char *line, size_t len);
#endif
