/* The Postgres frontier (schema/002_crawl.sql, 022_frontier_queue.sql):
 * claims with FOR UPDATE SKIP LOCKED on the host rows taking the queued rows
 * of crawl.queue (due work only) plus a lease and token per URL, completions in
 * one short transaction per batch (frontier rows by token, host politeness,
 * the fetch log, robots.txt, discovered links), expired leases returned and
 * newly due rows moved from crawl.queue_later once a second. Every statement writes
 * crawl.frontier only (HOT updates); its triggers keep crawl.queue. No
 * transaction is open while transfers run. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>

#include "crawler.h"
#include "gr_db.h"
#include "gr_dbpipe.h"
#include "gr_log.h"
#include "gr_pgarr.h"
#include "gr_progress.h"
#include "gr_util.h"

enum pg_op { OP_NONE, OP_REAP, OP_CLAIM, OP_COMPLETE };
/* The prepared statements, by op. */
#define NSTMT 4

/* ------------------------------------------------------------ parameters
 * The positional parameters of the statements are named by these tables:
 * an SQL text says @c or @l for the unnest of a column group (its array
 * parameters in table order, aliased by the column names) and @name for a
 * scalar; expand_sql() numbers them, and the C side fills params[] by the
 * same enums, so a column is added in one place. */

struct pgcol {
    const char *name, *type;
};

/* One element per completed job. */
enum ccol {
    C_ID, C_TOKEN, C_OUTCOME, C_STATUS, C_ERR, C_NEXT_DUE, C_WARC_FILE, C_WARC_OFF, C_ETAG, C_LASTMOD, C_HOST,
    C_BACKOFF, C_WAIT_MS, C_RSTATUS, C_RBODY, C_RDELAY, C_METHOD, C_KIND, C_ATTEMPT, C_ST, C_FIN, C_CURL_CODE,
    C_BYTES, C_TRUNCATED, C_RA, C_DNS, C_CONN, C_TTFB, C_TOTAL, C_IP, C_REDIR, C_URL, NCCOL
};
static const struct pgcol c_cols[NCCOL] = {
    [C_ID] = { "id", "bigint" }, [C_TOKEN] = { "token", "text" }, [C_OUTCOME] = { "outcome", "text" },
    [C_STATUS] = { "status", "int" }, [C_ERR] = { "err", "text" }, [C_NEXT_DUE] = { "next_due", "float8" },
    [C_WARC_FILE] = { "warc_file", "text" }, [C_WARC_OFF] = { "warc_off", "bigint" },
    [C_ETAG] = { "etag", "text" }, [C_LASTMOD] = { "lastmod", "text" }, [C_HOST] = { "host", "text" },
    [C_BACKOFF] = { "backoff", "int" }, [C_WAIT_MS] = { "wait_ms", "bigint" },
    [C_RSTATUS] = { "rstatus", "int" }, [C_RBODY] = { "rbody", "text" }, [C_RDELAY] = { "rdelay", "bigint" },
    [C_METHOD] = { "method", "text" }, [C_KIND] = { "kind", "text" }, [C_ATTEMPT] = { "attempt", "int" },
    [C_ST] = { "st", "float8" }, [C_FIN] = { "fin", "float8" }, [C_CURL_CODE] = { "curl_code", "int" },
    [C_BYTES] = { "bytes", "bigint" }, [C_TRUNCATED] = { "truncated", "text" }, [C_RA] = { "ra", "float8" },
    [C_DNS] = { "dns", "float8" }, [C_CONN] = { "conn", "float8" }, [C_TTFB] = { "ttfb", "float8" },
    [C_TOTAL] = { "total", "float8" }, [C_IP] = { "ip", "text" }, [C_REDIR] = { "redir", "text" },
    [C_URL] = { "url", "text" },
};

/* One element per link found by a page whose lease held. */
enum lcol {
    L_URL, L_METHOD, L_BODY, L_HOST, L_SOURCE, L_KIND, L_TARGET_KEY, L_DEPTH, L_DUE, L_PUBLISHED, L_HOPS,
    L_PARENT, NLCOL
};
static const struct pgcol l_cols[NLCOL] = {
    [L_URL] = { "url", "text" }, [L_METHOD] = { "method", "text" }, [L_BODY] = { "body", "text" },
    [L_HOST] = { "host", "text" }, [L_SOURCE] = { "source", "text" }, [L_KIND] = { "kind", "text" },
    [L_TARGET_KEY] = { "target_key", "text" }, [L_DEPTH] = { "depth", "int" }, [L_DUE] = { "due", "float8" },
    [L_PUBLISHED] = { "published", "float8" }, [L_HOPS] = { "hops", "int" }, [L_PARENT] = { "parent", "bigint" },
};

/* Scalars, after the column groups; the politeness values come from
 * crawler_polite.c. */
enum scal {
    S_CLAIM_MAX, S_RUN_ID, S_DELAY_MS, S_MAX_INFLIGHT, S_MAX_CRAWL_DELAY_MS, S_LEASE_SECONDS, S_ROBOTS,
    S_BACKOFF_MS, S_JITTER_MIN, S_FAILED_RETRY_S, S_FAILED_RETRY_CAP_S, S_ROBOTS_PATH, NSCAL
};
static const struct pgcol s_params[NSCAL] = {
    [S_CLAIM_MAX] = { "claim_max", "int" }, [S_RUN_ID] = { "run_id", "bigint" },
    [S_DELAY_MS] = { "delay_ms", "bigint" }, [S_MAX_INFLIGHT] = { "max_inflight", "int" },
    [S_MAX_CRAWL_DELAY_MS] = { "max_crawl_delay_ms", "bigint" }, [S_LEASE_SECONDS] = { "lease_seconds", "float8" },
    [S_ROBOTS] = { "robots", "bool" }, [S_BACKOFF_MS] = { "backoff_ms", "float8[]" },
    [S_JITTER_MIN] = { "jitter_min", "float8" }, [S_FAILED_RETRY_S] = { "failed_retry_s", "float8" },
    [S_FAILED_RETRY_CAP_S] = { "failed_retry_cap_s", "float8" }, [S_ROBOTS_PATH] = { "robots_path", "text" },
};

/* Parameter slots: the column groups, then the scalars (a statement sends
 * them all; those its text does not name are unused). */
#define P_C(i) (i)
#define P_L(i) (NCCOL + (i))
#define P_S(i) (NCCOL + NLCOL + (i))
#define NPARAMS (NCCOL + NLCOL + NSCAL)
#define NARRS (NCCOL + NLCOL)

/* A statement's parameters: $k+1 is the value of slot[k]. */
struct stmt {
    int slot[NPARAMS];
    int n;
};

/* tmpl with its @c, @l and @name references numbered ($k::type); st gets
 * the slot of each number. Caller frees; NULL on an unknown name (a bug). */
static char *expand_sql(const char *tmpl, struct stmt *st)
{
    struct gr_buf b;
    int num[NPARAMS] = { 0 };

    st->n = 0;
    gr_buf_init(&b, (size_t)1 << 20);
    for (const char *s = tmpl; *s;) {
        size_t n;
        if (*s != '@') {
            n = strcspn(s, "@");
            gr_buf_append(&b, s, n);
            s += n;
            continue;
        }
        n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz_");
        if ((n == 1 && (s[1] == 'c' || s[1] == 'l'))) {
            bool links = s[1] == 'l';
            const struct pgcol *cols = links ? l_cols : c_cols;
            int ncols = links ? NLCOL : NCCOL;
            gr_buf_appends(&b, "unnest(");
            for (int i = 0; i < ncols; i++) {
                int slot = links ? P_L(i) : P_C(i);
                st->slot[st->n] = slot;
                num[slot] = ++st->n;
                gr_buf_printf(&b, "%s$%d::%s[]", i ? ", " : "", st->n, cols[i].type);
            }
            gr_buf_printf(&b, ") AS %c(", s[1]);
            for (int i = 0; i < ncols; i++)
                gr_buf_printf(&b, "%s%s", i ? ", " : "", cols[i].name);
            gr_buf_appendc(&b, ')');
        } else {
            int i = 0;
            while (i < NSCAL && !(strlen(s_params[i].name) == n && strncmp(s_params[i].name, s + 1, n) == 0))
                i++;
            if (i == NSCAL) {
                gr_buf_free(&b);
                return NULL;
            }
            if (!num[P_S(i)]) {
                st->slot[st->n] = P_S(i);
                num[P_S(i)] = ++st->n;
            }
            gr_buf_printf(&b, "$%d::%s", num[P_S(i)], s_params[i].type);
        }
        s += 1 + n;
    }
    return gr_buf_steal(&b, NULL);
}

struct pgq {
    struct cr_frontier f;
    PGconn *conn;               /* claims and completions: non-blocking, prepared */
    PGconn *side;               /* everything else (robots.txt, run, WARC files) */
    /* Claims and completions in flight: in pipeline mode a completion and
     * a claim (with its reap) are on the wire together, each its own
     * transaction (lib/gr_dbpipe). */
    struct gr_dbpipe pipe;
    int claim_max;
    struct gr_pgarr arrs[NARRS];
    char scal[NSCAL][32];       /* the scalars as text (S_BACKOFF_MS: backoff_ms) */
    char *backoff_ms;           /* the backoff of each level, as an array literal */
    const char *params[NPARAMS];    /* every slot's value for the next statement */
    struct stmt stmts[NSTMT];
    const struct gr_config *cfg;
    const char *agent;
    char run_id[32];
    int64_t stats_first;        /* first stats offset (s) */
    double last_ensure;
    double last_reap;
};

/* ------------------------------------------------------------ helpers */

static const char *outcome_name(enum cr_outcome o)
{
    switch (o) {
    case CR_DONE: return "done";
    case CR_RETRY: return "retry";
    case CR_FAILED: return "failed";
    case CR_BLOCKED: return "blocked";
    case CR_RELEASED: return "released";
    }
    return "failed";
}

/* ------------------------------------------------------------ setup */

static enum gr_rc promote(struct pgq *q, char *err, size_t errlen);

/* Every queued host has a host row, and (with robots on) a robots.txt row. */
static enum gr_rc ensure_hosts(struct pgq *q, char *err, size_t errlen)
{
    const char *params[1];
    PGresult *res = NULL;
    enum gr_rc rc;

    rc = gr_db_exec(q->side,
                    "INSERT INTO crawl.host (host) "
                    "SELECT DISTINCT w.host FROM crawl.queue w "
                    "WHERE w.state IN ('queued', 'leased') "
                    "  AND NOT EXISTS (SELECT 1 FROM crawl.host h WHERE h.host = w.host) "
                    "ON CONFLICT (host) DO NOTHING",
                    err, errlen);
    if (rc || !q->f.polite.robots)
        return rc;
    params[0] = CR_ROBOTS_PATH;
    rc = gr_db_execp(q->side,
                     "INSERT INTO crawl.frontier (url, host, source, kind, depth, priority, due_at) "
                     "SELECT o.origin || $1, h.host, 'robots', 'robots', 0, 0, now() "
                     "FROM crawl.host h CROSS JOIN LATERAL ("
                     "  SELECT crawl.url_origin(f.url) AS origin FROM crawl.queue w JOIN crawl.frontier f ON f.id = w.id"
                     "  WHERE w.host = h.host AND w.state = 'queued' AND NOT w.robots LIMIT 1) o "
                     "WHERE h.robots_fetched_at IS NULL AND o.origin IS NOT NULL "
                     "  AND NOT EXISTS (SELECT 1 FROM crawl.frontier f WHERE f.host = h.host AND f.kind = 'robots') "
                     "ON CONFLICT (url, method, post_body) DO NOTHING",
                     1, params, &res, err, errlen);
    PQclear(res);
    return rc;
}

struct override_ctx {
    struct pgq *q;
    enum gr_rc rc;
    char *err;
    size_t errlen;
};

static void apply_override(const char *section, void *arg)
{
    struct override_ctx *c = arg;
    const char *host = section + 5;     /* after "host:" */
    char dname[600], iname[600];
    const char *params[3];
    PGresult *res = NULL;

    if (c->rc || !*host)
        return;
    snprintf(dname, sizeof dname, "%s.delay_ms", section);
    snprintf(iname, sizeof iname, "%s.max_inflight", section);
    params[0] = host;
    params[1] = gr_config_get(c->q->cfg, dname);
    params[2] = gr_config_get(c->q->cfg, iname);
    c->rc = gr_db_execp(c->q->side,
                        "INSERT INTO crawl.host (host, delay_ms, max_inflight) VALUES (lower($1), $2::int, $3::int) "
                        "ON CONFLICT (host) DO UPDATE SET delay_ms = EXCLUDED.delay_ms, "
                        "max_inflight = EXCLUDED.max_inflight",
                        3, params, &res, c->err, c->errlen);
    PQclear(res);
}

/* ------------------------------------------------------------ requests */

/* Queues the prepared statement of op (its parameters from q->params) and its sync on the claim/complete
 * connection without waiting (the connection is non-blocking). */
static enum gr_rc send_prepared(struct pgq *q, enum pg_op op, struct cr_job *list, char *err, size_t errlen)
{
    static const char *const names[NSTMT] = { [OP_REAP] = "reap", [OP_CLAIM] = "claim", [OP_COMPLETE] = "complete" };
    const struct stmt *st = &q->stmts[op];
    const char *vals[NPARAMS];

    for (int k = 0; k < st->n; k++)
        vals[k] = q->params[st->slot[k]];
    return gr_dbpipe_send(&q->pipe, op, list, names[op], st->n, vals, err, errlen);
}

/* ------------------------------------------------------------ claim */

static const char CLAIM_SQL[] =
    "WITH hs AS ("
    "  SELECT h.host, h.robots_fetched_at,"
    "         GREATEST(COALESCE(h.delay_ms, @delay_ms), LEAST(COALESCE(h.crawl_delay_ms, 0), @max_crawl_delay_ms)) AS delay_ms,"
    "         COALESCE(h.max_inflight, @max_inflight) - h.inflight AS room"
    "  FROM crawl.host h"
    "  WHERE h.next_allowed_at <= now() AND h.inflight < COALESCE(h.max_inflight, @max_inflight)"
    /* its first due row, if it may be fetched: before the host's robots.txt
     * only the robots.txt row (priority 0, the lowest: first when due) */
    "    AND (SELECT NOT @robots OR h.robots_fetched_at IS NOT NULL OR w.robots FROM crawl.queue w"
    "         WHERE w.host = h.host AND w.state = 'queued' ORDER BY w.priority, w.due_at LIMIT 1)"
    "  ORDER BY h.next_allowed_at"
    "  LIMIT @claim_max"
    "  FOR UPDATE OF h SKIP LOCKED"
    "), pick AS ("
    /* queued rows in crawl.queue are due: the index scan reads no row due later */
    "  SELECT p.id FROM hs CROSS JOIN LATERAL ("
    "    SELECT w.id, w.robots FROM crawl.queue w"
    "    WHERE w.host = hs.host AND w.state = 'queued'"
    "    ORDER BY w.priority, w.due_at"
    "    LIMIT CASE WHEN hs.delay_ms > 0 THEN 1 ELSE hs.room END"
    "  ) p"
    "  WHERE NOT @robots OR hs.robots_fetched_at IS NOT NULL OR p.robots"
    "  LIMIT @claim_max"
    "), upd AS ("
    /* the picked ids as an array: one primary-key probe each. A join with
     * pick let the planner walk frontier_pkey in a merge join from its first
     * id up to the largest one picked (the whole frontier, 30,303 rows, on a
     * claim of three) */
    "  UPDATE crawl.frontier f SET state = 'leased', lease_until = now() + make_interval(secs => @lease_seconds),"
    "         lease_token = tok.t, attempts = f.attempts + 1, lease_run = @run_id"
    "  FROM (SELECT gen_random_uuid() AS t) tok WHERE f.id = ANY (ARRAY(SELECT id FROM pick)) AND f.state = 'queued'"
    "  RETURNING f.id, f.url, f.method, f.post_body, f.host, f.source, f.kind, f.target_key, f.depth,"
    "            f.attempts, f.lease_token, f.redirect_hops,"
    "            COALESCE(extract(epoch FROM f.published_at)::bigint, 0) AS published, f.etag, f.last_modified"
    "), hu AS ("
    "  UPDATE crawl.host h SET inflight = h.inflight + c.n,"
    "         next_allowed_at = CASE WHEN hs.delay_ms > 0"
    "                                THEN now() + make_interval(secs => hs.delay_ms / 1000.0)"
    "                                ELSE h.next_allowed_at END"
    "  FROM (SELECT host, count(*) AS n FROM upd GROUP BY host) c JOIN hs ON hs.host = c.host"
    "  WHERE h.host = c.host"
    ")"
    "SELECT upd.id, upd.url, upd.method, upd.post_body, upd.host, upd.source, upd.kind, upd.target_key,"
    "       upd.depth, upd.attempts, upd.lease_token, upd.redirect_hops, upd.published,"
    "       COALESCE((extract(epoch FROM hs.robots_fetched_at) * 1000000)::bigint, 0), upd.etag, upd.last_modified,"
    "       hs.delay_ms "
    "FROM upd JOIN hs ON hs.host = upd.host";

/* Expired leases back to the queue (their hosts' inflight down), and the
 * queued rows that have come due moved to crawl.queue for the claims that
 * follow. */
static const char REAP_SQL[] =
    "WITH r AS ("
    "  UPDATE crawl.frontier f SET state = 'queued', lease_token = NULL, lease_until = NULL"
    "  FROM crawl.queue w WHERE w.state = 'leased' AND w.lease_until < now()"
    "    AND f.id = w.id AND f.state = 'leased' AND f.lease_until < now() RETURNING f.host"
    "), c AS (SELECT host, count(*) AS n FROM r GROUP BY host"
    "), h AS (UPDATE crawl.host h SET inflight = GREATEST(h.inflight - c.n, 0) FROM c WHERE h.host = c.host) "
    "SELECT (SELECT coalesce(sum(n), 0) FROM c), crawl.queue_promote()";

static enum gr_rc send_claim(struct pgq *q, char *err, size_t errlen)
{
    snprintf(q->scal[S_CLAIM_MAX], sizeof q->scal[0], "%d", q->claim_max);
    return send_prepared(q, OP_CLAIM, NULL, err, errlen);
}

static struct cr_job *claim_parse(const PGresult *res)
{
    struct cr_job *head = NULL, **tail = &head;
    int n = PQntuples(res);
    double now = gr_now();

    for (int i = 0; i < n; i++) {
        struct cr_job *j = cr_job_new();
        int64_t v;
        if (!j)
            break;
        gr_parse_i64(PQgetvalue(res, i, 0), &j->id);
        j->url = strdup(PQgetvalue(res, i, 1));
        j->method = strdup(PQgetvalue(res, i, 2));
        j->post_body = strdup(PQgetvalue(res, i, 3));
        j->host = strdup(PQgetvalue(res, i, 4));
        j->source = strdup(PQgetvalue(res, i, 5));
        j->kind = strdup(PQgetvalue(res, i, 6));
        j->target_key = PQgetisnull(res, i, 7) ? NULL : strdup(PQgetvalue(res, i, 7));
        if (gr_parse_i64(PQgetvalue(res, i, 8), &v))
            j->depth = (int)v;
        if (gr_parse_i64(PQgetvalue(res, i, 9), &v))
            j->attempts = (int)v;
        snprintf(j->token, sizeof j->token, "%s", PQgetvalue(res, i, 10));
        if (gr_parse_i64(PQgetvalue(res, i, 11), &v))
            j->redirect_hops = (int)v;
        gr_parse_i64(PQgetvalue(res, i, 12), &j->published_at);
        gr_parse_i64(PQgetvalue(res, i, 13), &j->robots_version);
        j->etag = PQgetisnull(res, i, 14) ? NULL : strdup(PQgetvalue(res, i, 14));
        j->last_modified = PQgetisnull(res, i, 15) ? NULL : strdup(PQgetvalue(res, i, 15));
        gr_parse_i64(PQgetvalue(res, i, 16), &j->delay_ms);
        j->claimed_at = now;
        *tail = j;
        tail = &j->next;
    }
    return head;
}

static enum gr_rc pg_send_claim(struct cr_frontier *f, int max, char *err, size_t errlen)
{
    struct pgq *q = (struct pgq *)f;

    q->claim_max = max;
    /* Leases expire in whole seconds: returning expired ones once a second
     * is enough (a separate statement first: both touch the host rows). */
    if (gr_now() - q->last_reap >= 1.0) {
        enum gr_rc rc = send_prepared(q, OP_REAP, NULL, err, errlen);
        if (rc)
            return rc;
        q->last_reap = gr_now();
    }
    return send_claim(q, err, errlen);
}

/* ------------------------------------------------------------ complete */

/* One statement, so one implicit transaction: the frontier rows whose lease
 * is still ours (by token), their hosts' politeness and robots.txt, the
 * fetch log (every attempt, lease lost or not) and the links found by the
 * pages whose lease held. Returns the ids whose lease held. */
static const char COMPLETE_SQL[] =
    "WITH c AS ("
    "  SELECT * FROM @c"
    "), d AS ("
    "  UPDATE crawl.frontier f SET"
    "    state = CASE c.outcome WHEN 'done' THEN CASE WHEN c.next_due IS NULL THEN 'done' ELSE 'queued' END"
    "                           WHEN 'retry' THEN 'queued' WHEN 'released' THEN 'queued' ELSE c.outcome END,"
    "    due_at = CASE WHEN c.outcome = 'done' AND c.next_due IS NOT NULL THEN to_timestamp(c.next_due)"
    "                  WHEN c.outcome = 'retry' THEN now()"
    /* a failed URL is retried on a later night, each time later */
    "                  WHEN c.outcome = 'failed' THEN now() + make_interval(secs => LEAST("
    "                    @failed_retry_s * 2 ^ LEAST(f.failures, 30), @failed_retry_cap_s))"
    "                  ELSE f.due_at END,"
    "    failures = CASE c.outcome WHEN 'done' THEN 0 WHEN 'failed' THEN f.failures + 1 ELSE f.failures END,"
    "    failed_since = CASE c.outcome WHEN 'done' THEN NULL WHEN 'failed' THEN COALESCE(f.failed_since, now())"
    "                   ELSE f.failed_since END,"
    "    lease_run = NULL,"
    "    attempts = CASE c.outcome WHEN 'done' THEN 0 WHEN 'released' THEN GREATEST(f.attempts - 1, 0)"
    "                              ELSE f.attempts END,"
    "    fetches = f.fetches + (c.outcome = 'done')::int,"
    "    lease_token = NULL, lease_until = NULL,"
    "    last_status = CASE WHEN c.outcome = 'released' THEN f.last_status ELSE c.status END,"
    "    last_error = CASE WHEN c.outcome = 'released' THEN f.last_error ELSE c.err END,"
    "    last_fetched_at = CASE WHEN c.outcome IN ('released', 'blocked') THEN f.last_fetched_at ELSE now() END,"
    "    last_warc_file = COALESCE(c.warc_file, f.last_warc_file),"
    "    last_warc_offset = CASE WHEN c.warc_file IS NULL THEN f.last_warc_offset ELSE c.warc_off END,"
    "    etag = CASE WHEN c.status = 200 THEN c.etag ELSE f.etag END,"
    "    last_modified = CASE WHEN c.status = 200 THEN c.lastmod ELSE f.last_modified END"
    "  FROM c WHERE f.id = c.id AND f.state = 'leased' AND f.lease_token = c.token::uuid"
    "  RETURNING f.id"
    "), hs AS ("
    "  SELECT c.host, count(*) AS n,"
    "         CASE WHEN max(c.backoff) > 0 THEN 1 WHEN min(c.backoff) < 0 THEN -1 ELSE 0 END AS backoff,"
    "         max(c.wait_ms) AS wait_ms,"
    "         bool_or(c.rstatus IS NOT NULL) AS robots,"
    "         (array_agg(c.rstatus) FILTER (WHERE c.rstatus IS NOT NULL))[1] AS rstatus,"
    "         (array_agg(c.rbody) FILTER (WHERE c.rstatus IS NOT NULL))[1] AS rbody,"
    "         (array_agg(c.rdelay) FILTER (WHERE c.rstatus IS NOT NULL))[1] AS rdelay"
    "  FROM c JOIN d ON d.id = c.id GROUP BY c.host"
    "), hu AS ("
    /* a new robots.txt Crawl-delay applies at once */
    "  UPDATE crawl.host h SET"
    "    inflight = GREATEST(h.inflight - hs.n, 0),"
    "    backoff_level = CASE WHEN hs.backoff > 0 THEN h.backoff_level + 1 WHEN hs.backoff < 0 THEN 0"
    "                         ELSE h.backoff_level END,"
    "    robots_fetched_at = CASE WHEN hs.robots AND hs.rstatus = 0 THEN NULL"   /* unreachable: disallow all */
    "                             WHEN hs.robots THEN now() ELSE h.robots_fetched_at END,"
    "    robots_status = CASE WHEN hs.robots THEN hs.rstatus ELSE h.robots_status END,"
    "    robots_body = CASE WHEN hs.robots THEN hs.rbody ELSE h.robots_body END,"
    "    crawl_delay_ms = CASE WHEN hs.robots THEN hs.rdelay ELSE h.crawl_delay_ms END,"
    "    next_allowed_at = GREATEST(h.next_allowed_at, now() + make_interval(secs => GREATEST("
    "        COALESCE(h.delay_ms, @delay_ms)::float8,"
    "        LEAST(COALESCE(CASE WHEN hs.robots THEN hs.rdelay ELSE h.crawl_delay_ms END, 0), @max_crawl_delay_ms)::float8,"
    "        CASE WHEN hs.backoff > 0 AND hs.wait_ms > 0 THEN hs.wait_ms::float8"   /* Retry-After, capped */
    "             WHEN hs.backoff > 0 THEN (@backoff_ms)[LEAST(h.backoff_level + 1, cardinality(@backoff_ms))]"
    "                                      * (@jitter_min + random() * (1 - @jitter_min))"
    "             ELSE 0 END) / 1000.0))"
    "  FROM hs WHERE h.host = hs.host"
    "), lg AS ("
    "  INSERT INTO crawl.fetch_log (run_id, frontier_id, url, method, host, kind, attempt, outcome, started_at,"
    "    finished_at, status, curl_code, error, bytes, truncated, retry_after_s, dns_ms, connect_ms, ttfb_ms,"
    "    total_ms, ip, redirect_to, warc_file, warc_offset, lease_lost)"
    "  SELECT @run_id, c.id, c.url, c.method, c.host, c.kind, c.attempt, c.outcome, to_timestamp(c.st),"
    "    to_timestamp(c.fin), c.status, c.curl_code, c.err, c.bytes, c.truncated, c.ra, c.dns, c.conn, c.ttfb,"
    "    c.total, c.ip, c.redir, c.warc_file, c.warc_off, d.id IS NULL"
    "  FROM c LEFT JOIN d ON d.id = c.id"
    "), l AS ("
    "  SELECT l.* FROM @l"
    "  JOIN d ON d.id = l.parent"
    "), nh AS ("
    "  INSERT INTO crawl.host AS h (host)"
    "  SELECT DISTINCT host FROM l"
    "  ON CONFLICT (host) DO NOTHING RETURNING h.host"
    "), nr AS ("
    "  INSERT INTO crawl.frontier (url, host, source, kind, depth, priority, due_at)"
    "  SELECT DISTINCT ON (l.host) crawl.url_origin(l.url) || @robots_path, l.host, 'robots',"
    "         'robots', 0, 0, now()"
    "  FROM l WHERE @robots AND (l.host IN (SELECT host FROM nh) OR EXISTS (SELECT 1 FROM crawl.host h"
    "    WHERE h.host = l.host AND h.robots_fetched_at IS NULL))"
    "  ORDER BY l.host"
    "  ON CONFLICT (url, method, post_body) DO NOTHING"
    "), nl AS ("
    "  INSERT INTO crawl.frontier (url, method, post_body, host, source, kind, target_key, depth, due_at,"
    "    published_at, redirect_hops, parent_id)"
    "  SELECT url, method, body, host, source, kind, target_key, depth, to_timestamp(due),"
    "    CASE WHEN published > 0 THEN to_timestamp(published) END, hops, parent FROM l"
    "  ON CONFLICT (url, method, post_body) DO NOTHING"
    ") "
    "SELECT id FROM d";

/* Appends the robots.txt result of j (a robots job that got an answer). */
static void robots_cols(struct pgq *q, const struct cr_job *j, struct gr_pgarr *a)
{
    int64_t delay = -1;
    bool has = j->robots_status >= 0;

    if (has && j->robots_status >= 200 && j->robots_status < 300)
        delay = cr_polite_crawl_delay_ms(&q->f.polite, j->robots_body, q->agent);
    gr_pgarr_i64(&a[C_RSTATUS], j->robots_status, !has);
    gr_pgarr_str(&a[C_RBODY], has ? j->robots_body : NULL);
    gr_pgarr_i64(&a[C_RDELAY], delay, !has || delay < 0);
}

static void link_cols(struct pgq *q, const struct cr_job *j, int64_t now, struct gr_pgarr *a, size_t *nlinks)
{
    struct gr_pgarr *la = a + NCCOL;

    for (size_t k = 0; k < j->links.n; k++) {
        const struct gr_link *l = &j->links.v[k];
        bool redirect = strcmp(l->kind, "redirect") == 0;
        const struct gr_source *src = gr_source_find(l->url);
        const char *kind = redirect ? gr_source_kind(l->url, l->method) : l->kind;
        char host[512];
        double due = (double)now;
        char *url;
        if (!kind)
            kind = j->kind;
        if (!gr_url_enqueue_form(l->url, &url, host, sizeof host))
            continue;
        /* a link without its own publishing time (an article's stats
         * endpoint) inherits its page's: the stats schedule needs it */
        int64_t pub = l->published_at > 0 ? l->published_at : j->published_at;
        if (gr_kind_by_publish_age(kind) && pub > 0 && q->stats_first > 0 && pub + q->stats_first > now)
            due = (double)(pub + q->stats_first);
        gr_pgarr_str(&la[L_URL], url);
        free(url);
        gr_pgarr_str(&la[L_METHOD], l->method && strcmp(l->method, "POST") == 0 ? "POST" : "GET");
        gr_pgarr_str(&la[L_BODY], l->post_body ? l->post_body : "");
        gr_pgarr_str(&la[L_HOST], host);
        gr_pgarr_str(&la[L_SOURCE], src ? gr_source_name(src) : j->source);
        gr_pgarr_str(&la[L_KIND], kind);
        gr_pgarr_str(&la[L_TARGET_KEY], j->target_key);
        gr_pgarr_i64(&la[L_DEPTH], redirect ? j->depth : j->depth + 1, false);
        gr_pgarr_f(&la[L_DUE], due, false);
        gr_pgarr_f(&la[L_PUBLISHED], (double)pub, false);
        gr_pgarr_i64(&la[L_HOPS], redirect ? j->redirect_hops + 1 : 0, false);
        gr_pgarr_i64(&la[L_PARENT], j->id, false);
        (*nlinks)++;
    }
}

static enum gr_rc pg_send_complete(struct cr_frontier *f, struct cr_job *list, char *err, size_t errlen)
{
    struct pgq *q = (struct pgq *)f;
    struct gr_pgarr *a = q->arrs;
    int64_t now = time(NULL);
    size_t nlinks = 0;

    for (int i = 0; i < NARRS; i++)
        gr_pgarr_reset(&a[i]);
    for (struct cr_job *j = list; j; j = j->next) {
        bool fetched = j->outcome != CR_BLOCKED && j->finished_us > 0;
        const char *rh = j->resphead.data ? j->resphead.data : "";
        char *et = j->status == 200 ? gr_http_header(rh, j->resphead.len, "ETag") : NULL;
        char *lm = j->status == 200 ? gr_http_header(rh, j->resphead.len, "Last-Modified") : NULL;

        gr_pgarr_i64(&a[C_ID], j->id, false);
        gr_pgarr_str(&a[C_TOKEN], j->token);
        gr_pgarr_str(&a[C_OUTCOME], outcome_name(j->outcome));
        gr_pgarr_i64(&a[C_STATUS], j->status, j->status <= 0);
        gr_pgarr_str(&a[C_ERR], j->error[0] ? j->error : NULL);
        gr_pgarr_f(&a[C_NEXT_DUE], (double)j->next_due, j->next_due <= 0);
        gr_pgarr_str(&a[C_WARC_FILE], j->warc_file[0] ? j->warc_file : NULL);
        gr_pgarr_i64(&a[C_WARC_OFF], j->warc_offset, !j->warc_file[0]);
        gr_pgarr_str(&a[C_ETAG], et && strlen(et) < 1000 ? et : NULL);
        gr_pgarr_str(&a[C_LASTMOD], lm && strlen(lm) < 1000 ? lm : NULL);
        free(et);
        free(lm);
        gr_pgarr_str(&a[C_HOST], j->host);
        gr_pgarr_i64(&a[C_BACKOFF], j->backoff, false);
        gr_pgarr_i64(&a[C_WAIT_MS], j->backoff > 0 && j->host_wait_ms > 0 ? cr_polite_retry_after_ms(&f->polite, j->host_wait_ms) : j->host_wait_ms, false);
        robots_cols(q, j, a);
        gr_pgarr_str(&a[C_METHOD], j->method);
        gr_pgarr_str(&a[C_KIND], j->kind);
        gr_pgarr_i64(&a[C_ATTEMPT], j->attempts, false);
        gr_pgarr_f(&a[C_ST], (double)j->started_us / 1e6, false);
        gr_pgarr_f(&a[C_FIN], (double)(j->finished_us ? j->finished_us : j->started_us) / 1e6, false);
        gr_pgarr_i64(&a[C_CURL_CODE], j->curl_rc, !fetched || j->outcome == CR_RELEASED);
        gr_pgarr_i64(&a[C_BYTES], (int64_t)j->body.len, false);
        gr_pgarr_str(&a[C_TRUNCATED], j->truncated);
        gr_pgarr_f(&a[C_RA], j->retry_after, j->retry_after < 0);
        gr_pgarr_f(&a[C_DNS], j->t_dns, !fetched);
        gr_pgarr_f(&a[C_CONN], j->t_connect, !fetched);
        gr_pgarr_f(&a[C_TTFB], j->t_ttfb, !fetched);
        gr_pgarr_f(&a[C_TOTAL], j->t_total, !fetched);
        gr_pgarr_str(&a[C_IP], j->ip[0] ? j->ip : NULL);
        gr_pgarr_str(&a[C_REDIR], j->location);   /* credential-free (gr_url_clean) */
        gr_pgarr_str(&a[C_URL], j->url);
        link_cols(q, j, now, a, &nlinks);
    }
    for (int i = 0; i < NARRS; i++)
        q->params[i] = gr_pgarr_end(&a[i]);
    return send_prepared(q, OP_COMPLETE, list, err, errlen);
}

/* Which leases were still ours: the others' results were not applied. */
static void complete_parse(struct cr_job *list, const PGresult *res)
{
    int nr = PQntuples(res);
    int64_t *ids = nr ? malloc((size_t)nr * sizeof *ids) : NULL;

    for (int i = 0; i < nr; i++)
        if (!ids || !gr_parse_i64(PQgetvalue(res, i, 0), &ids[i]))
            nr = i;
    for (struct cr_job *j = list; j; j = j->next) {
        bool valid = false;
        /* the statement returns the ids mostly in list order */
        for (int i = 0; i < nr && !valid; i++)
            valid = ids[i] == j->id;
        if (!valid) {
            j->lease_lost = true;
            gr_warn("lease of %s was lost (expired and retaken): result not applied", j->url);
        }
    }
    free(ids);
}

/* ------------------------------------------------------------ results */

static int pg_socket(struct cr_frontier *f)
{
    return PQsocket(((struct pgq *)f)->conn);
}

/* The request r, which has ended, into out; false for a reap (nothing
 * for the caller: it only logs, even a failure). */
static bool take_reply(struct pgq *q, struct gr_dbpipe_req *r, struct cr_reply *out)
{
    ExecStatusType st = PQresultStatus(r->res);
    bool broken = q->pipe.broken;

    memset(out, 0, sizeof *out);
    out->claim = r->op != OP_COMPLETE;
    out->jobs = r->arg;
    if (r->op == OP_REAP) {
        long long tot = 0;
        if (!broken && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
            for (int i = 0; i < PQntuples(r->res); i++) {
                int64_t v;
                if (gr_parse_i64(PQgetvalue(r->res, i, 0), &v))
                    tot += v;
            }
            if (tot)
                gr_notice("returned %lld expired leases to the queue", tot);
        } else {
            /* the claim behind it is its own transaction: it goes on */
            gr_dbpipe_error(&q->pipe, r->res, out->err, sizeof out->err);
            gr_warn("cannot return expired leases to the queue: %s", broken ? q->pipe.broken_err : out->err);
            q->last_reap = 0;
        }
        PQclear(r->res);
        return false;
    }
    if (broken) {
        snprintf(out->err, sizeof out->err, "%s", q->pipe.broken_err);
        out->rc = GR_EUNAVAIL;
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        gr_dbpipe_error(&q->pipe, r->res, out->err, sizeof out->err);
        out->rc = r->res ? gr_db_classify(q->conn, r->res) : GR_EUNAVAIL;
    } else if (r->op == OP_CLAIM) {
        out->jobs = claim_parse(r->res);
    } else {
        complete_parse(r->arg, r->res);
    }
    PQclear(r->res);
    return true;
}

static bool pg_progress(struct cr_frontier *f, bool block, struct cr_reply *out, bool *want_write)
{
    struct pgq *q = (struct pgq *)f;
    struct gr_dbpipe_req r;

    /* f->polite.db_timeout_ms shrinks once a stop's grace period is over */
    while (gr_dbpipe_progress(&q->pipe, block, q->f.polite.db_timeout_ms, &r, want_write))
        if (take_reply(q, &r, out))
            return true;
    return false;
}

/* The blocking forms, for callers without a loop (nothing else may be in
 * flight): wait for the reply to the request just sent (rc its sending). */
static enum gr_rc wait_reply(struct cr_frontier *f, enum gr_rc rc, struct cr_job **jobs, char *err, size_t errlen)
{
    struct cr_reply r;
    bool ww;

    if (rc)
        return rc;
    while (pg_progress(f, true, &r, &ww)) {
        if (jobs)
            *jobs = r.jobs;
        snprintf(err, errlen, "%s", r.err);
        rc = r.rc;
    }
    return rc;
}

static enum gr_rc pg_claim(struct cr_frontier *f, int max, struct cr_job **out, char *err, size_t errlen)
{
    *out = NULL;
    return wait_reply(f, pg_send_claim(f, max, err, errlen), out, err, errlen);
}

static enum gr_rc pg_complete(struct cr_frontier *f, struct cr_job *list, char *err, size_t errlen)
{
    return wait_reply(f, pg_send_complete(f, list, err, errlen), NULL, err, errlen);
}

/* ------------------------------------------------------------ the rest */

static enum gr_rc pg_robots(struct cr_frontier *f, const char *host, int *status, char **body, char *err,
                            size_t errlen)
{
    struct pgq *q = (struct pgq *)f;
    const char *params[1] = { host };
    PGresult *res = NULL;
    enum gr_rc rc;
    int64_t v;

    *status = -1;
    *body = NULL;
    rc = gr_db_execp(q->side, "SELECT robots_status, robots_body FROM crawl.host WHERE host = $1", 1, params,
                     &res, err, errlen);
    if (rc)
        return rc;
    if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) && gr_parse_i64(PQgetvalue(res, 0, 0), &v)) {
        *status = (int)v;
        if (!PQgetisnull(res, 0, 1))
            *body = strdup(PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return GR_OK;
}

/* The queued rows that have come due moved to crawl.queue (claimable), before asking
 * what is due: the claim window's reap does it only once a second. */
static enum gr_rc promote(struct pgq *q, char *err, size_t errlen)
{
    PGresult *res = NULL;
    enum gr_rc rc = gr_db_execp(q->side, "SELECT crawl.queue_promote()", 0, NULL, &res, err, errlen);
    PQclear(res);
    return rc;
}

static enum gr_rc pg_next_event(struct cr_frontier *f, double *secs, char *err, size_t errlen)
{
    struct pgq *q = (struct pgq *)f;
    const char *robots_param[1] = { f->polite.robots ? "true" : "false" };
    PGresult *res = NULL;
    enum gr_rc rc;
    double d;

    *secs = -1;
    rc = promote(q, err, errlen);
    if (rc)
        return rc;
    /* the due rows, the first row due later (in due order), the first lease
     * to expire; not a row on a host whose robots.txt is unreachable */
#define MAY_FETCH(w)                                                                                              \
    "(NOT $1::bool OR " w ".robots OR EXISTS (SELECT 1 FROM crawl.host h WHERE h.host = " w ".host"              \
    " AND h.robots_fetched_at IS NOT NULL) OR EXISTS (SELECT 1 FROM crawl.frontier r WHERE r.host = " w ".host"   \
    " AND r.kind = 'robots' AND r.state IN ('queued', 'leased')))"
    rc = gr_db_execp(q->side,
                     "SELECT extract(epoch FROM LEAST("
                     "  (SELECT min(w.due_at) FROM crawl.queue w WHERE w.state = 'queued' AND " MAY_FETCH("w") "),"
                     "  (SELECT w.due_at FROM crawl.queue_later w WHERE " MAY_FETCH("w")
                     "   ORDER BY w.due_at LIMIT 1),"
                     "  (SELECT min(lease_until) FROM crawl.queue WHERE state = 'leased')) - now())",
                     1, robots_param, &res, err, errlen);
#undef MAY_FETCH
    if (rc)
        return rc;
    if (PQgetisnull(res, 0, 0) || !gr_parse_double(PQgetvalue(res, 0, 0), &d)) {
        PQclear(res);
        return GR_OK;           /* nothing queued, nothing leased */
    }
    PQclear(res);
    if (d > 0) {
        *secs = d;
        return GR_OK;
    }
    /* Something is due but was not claimable: its host waits (delay,
     * Retry-After, backoff), is busy, or has no host row yet. */
    if (gr_now() - q->last_ensure > 5) {
        q->last_ensure = gr_now();
        rc = ensure_hosts(q, err, errlen);
        if (rc)
            return rc;
    }
    rc = gr_db_execp(q->side,
                     "SELECT extract(epoch FROM GREATEST(min(h.next_allowed_at), now()) - now()) FROM crawl.host h "
                     "WHERE EXISTS (SELECT 1 FROM crawl.queue w WHERE w.host = h.host AND w.state = 'queued' "
                     "AND (NOT $1::bool OR h.robots_fetched_at IS NOT NULL OR w.robots))",
                     1, robots_param, &res, err, errlen);
    if (rc)
        return rc;
    *secs = 0;
    if (!PQgetisnull(res, 0, 0) && gr_parse_double(PQgetvalue(res, 0, 0), &d) && d > 0)
        *secs = d;
    PQclear(res);
    return GR_OK;
}

static enum gr_rc pg_pending(struct cr_frontier *f, struct cr_pending *p, char *err, size_t errlen)
{
    struct pgq *q = (struct pgq *)f;
    const char *robots_param[1] = { f->polite.robots ? "true" : "false" };
    PGresult *res = NULL;
    enum gr_rc rc;

    memset(p, 0, sizeof *p);
    p->next_secs = -1;
    rc = promote(q, err, errlen);
    if (rc)
        return rc;
    rc = gr_db_execp(q->side,
                     "SELECT count(*) FILTER (WHERE NOT x.rb AND x.state = 'leased'),"
                     "  count(*) FILTER (WHERE NOT x.rb AND x.state = 'queued' AND x.attempts > 0),"
                     "  count(*) FILTER (WHERE NOT x.rb AND x.state = 'queued' AND x.attempts = 0 AND x.next_allowed_at > now()),"
                     "  count(*) FILTER (WHERE NOT x.rb AND x.state = 'queued' AND x.attempts = 0 AND x.next_allowed_at <= now()),"
                     "  count(*) FILTER (WHERE x.rb),"
                     "  extract(epoch FROM GREATEST(min(CASE WHEN x.rb THEN NULL WHEN x.state = 'leased' THEN x.lease_until"
                     "    ELSE GREATEST(x.due_at, x.next_allowed_at) END), now()) - now())"
                     " FROM (SELECT w.state, w.attempts, w.due_at, w.lease_until, h.next_allowed_at,"
                     /* rb: its host's robots.txt is unreachable (disallow all until a later night) */
                     "   ($1::bool AND NOT w.robots AND h.robots_fetched_at IS NULL AND NOT EXISTS ("
                     "     SELECT 1 FROM crawl.frontier r WHERE r.host = w.host AND r.kind = 'robots'"
                     "     AND r.state IN ('queued', 'leased'))) AS rb"
                     "   FROM (SELECT state, attempts, due_at, lease_until, host, robots FROM crawl.queue WHERE state <> 'failed'"
                     /* the rows due later that are pending: retries (queue_later_retry) and the
                      * rows due by now (queue_later_due), not the rows of later nights */
                     "         UNION ALL SELECT 'queued', attempts, due_at, NULL, host, robots FROM crawl.queue_later"
                     "         WHERE attempts > 0"
                     "         UNION ALL SELECT 'queued', attempts, due_at, NULL, host, robots FROM crawl.queue_later"
                     "         WHERE attempts = 0 AND due_at <= now()) w"
                     "   JOIN crawl.host h ON h.host = w.host) x",
                     1, robots_param, &res, err, errlen);
    if (rc)
        return rc;
    gr_parse_i64(PQgetvalue(res, 0, 0), &p->leased);
    gr_parse_i64(PQgetvalue(res, 0, 1), &p->retry);
    gr_parse_i64(PQgetvalue(res, 0, 2), &p->host_wait);
    gr_parse_i64(PQgetvalue(res, 0, 3), &p->due);
    gr_parse_i64(PQgetvalue(res, 0, 4), &p->robots_wait);
    if (!PQgetisnull(res, 0, 5))
        gr_parse_double(PQgetvalue(res, 0, 5), &p->next_secs);
    PQclear(res);
    return GR_OK;
}

/* At start: failed URLs whose later-night retry is due go back to the
 * queue (unless failing longer than the give-up age), and the leases of a
 * crawler that ran on this machine and whose process is gone are released
 * (instead of waiting for them to expire). */
static enum gr_rc rearm(struct pgq *q, const char *host, char *err, size_t errlen)
{
    PGresult *res = NULL;
    const char *params[2];
    char give_up[32];
    enum gr_rc rc;
    int n;

    snprintf(give_up, sizeof give_up, "%lld", (long long)q->f.polite.failed_give_up_s);
    params[0] = give_up;
    rc = gr_db_execp(q->side,
                     "UPDATE crawl.frontier f SET state = 'queued', attempts = 0 FROM crawl.queue w"
                     " WHERE w.state = 'failed' AND w.due_at <= now() AND f.id = w.id AND f.state = 'failed'"
                     " AND f.due_at <= now() AND f.failed_since > now() - make_interval(secs => $1::float8)",
                     1, params, &res, err, errlen);
    if (rc)
        return rc;
    if (atoll(PQcmdTuples(res)) > 0)
        gr_info("%s failed URLs retried (failing for less than %s s)", PQcmdTuples(res), give_up);
    PQclear(res);
    params[0] = host;
    params[1] = q->run_id;
    rc = gr_db_execp(q->side,
                     "SELECT run_id, pid FROM crawl.run WHERE hostname = $1 AND finished_at IS NULL"
                     " AND run_id <> $2::bigint AND EXISTS (SELECT 1 FROM crawl.queue w JOIN crawl.frontier f"
                     " ON f.id = w.id WHERE w.state = 'leased' AND f.state = 'leased' AND f.lease_run = crawl.run.run_id)",
                     2, params, &res, err, errlen);
    if (rc)
        return rc;
    n = PQntuples(res);
    for (int i = 0; i < n && !rc; i++) {
        long pid = atol(PQgetvalue(res, i, 1));
        PGresult *r2 = NULL;
        const char *p2[1] = { PQgetvalue(res, i, 0) };
        if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;           /* alive (or not ours to judge): its leases stand */
        rc = gr_db_execp(q->side,
                         "WITH r AS (UPDATE crawl.frontier f SET state = 'queued', lease_token = NULL,"
                         "  lease_until = NULL, lease_run = NULL, attempts = GREATEST(f.attempts - 1, 0)"
                         "  FROM crawl.queue w WHERE w.state = 'leased' AND f.id = w.id AND f.state = 'leased'"
                         "  AND f.lease_run = $1::bigint RETURNING f.host),"
                         " c AS (SELECT host, count(*) AS n FROM r GROUP BY host),"
                         " h AS (UPDATE crawl.host h SET inflight = GREATEST(h.inflight - c.n, 0) FROM c"
                         "  WHERE h.host = c.host),"
                         " k AS (UPDATE crawl.run SET status = 'killed' WHERE run_id = $1::bigint)"
                         " SELECT coalesce(sum(n), 0) FROM c",
                         1, p2, &r2, err, errlen);
        if (!rc)
            gr_notice("returned %s expired leases at once: crawl run %s (pid %ld on this machine) is gone",
                      PQgetvalue(r2, 0, 0), p2[0], pid);
        PQclear(r2);
    }
    PQclear(res);
    return rc;
}

static enum gr_rc pg_warc_committed(struct cr_frontier *f, const char *base, uint64_t *offset, bool *found,
                                    char *err, size_t errlen)
{
    struct pgq *q = (struct pgq *)f;
    const char *params[1] = { base };
    PGresult *res = NULL;
    enum gr_rc rc;
    int64_t v;

    *found = false;
    rc = gr_db_execp(q->side, "SELECT max(warc_offset) FROM crawl.fetch_log WHERE warc_file = $1", 1, params, &res,
                     err, errlen);
    if (rc)
        return rc;
    if (!PQgetisnull(res, 0, 0) && gr_parse_i64(PQgetvalue(res, 0, 0), &v) && v >= 0) {
        *offset = (uint64_t)v;
        *found = true;
    }
    PQclear(res);
    return GR_OK;
}

static void pg_warc_file(struct cr_frontier *f, const char *path, bool closed, uint64_t records, uint64_t bytes)
{
    struct pgq *q = (struct pgq *)f;
    const char *base = strrchr(path, '/');
    char r[32], b[32], e[512];
    const char *params[5];
    PGresult *res = NULL;

    base = base ? base + 1 : path;
    snprintf(r, sizeof r, "%llu", (unsigned long long)records);
    snprintf(b, sizeof b, "%llu", (unsigned long long)bytes);
    params[0] = base;
    params[1] = q->run_id;
    params[2] = path;
    params[3] = closed ? r : NULL;
    params[4] = closed ? b : NULL;
    if (gr_db_execp(q->side,
                    "INSERT INTO crawl.warc_file (file_name, run_id, path, closed_at, records, bytes) "
                    "VALUES ($1, $2::bigint, $3, CASE WHEN $4::bigint IS NULL THEN NULL ELSE now() END, $4::bigint, "
                    "$5::bigint) ON CONFLICT (file_name) DO UPDATE SET closed_at = EXCLUDED.closed_at, "
                    "records = EXCLUDED.records, bytes = EXCLUDED.bytes",
                    5, params, &res, e, sizeof e) != GR_OK)
        gr_warn("cannot record WARC file %s: %s", base, e);
    PQclear(res);
}

static void pg_finish(struct cr_frontier *f, const struct crawler_summary *s, const char *status, bool final)
{
    struct pgq *q = (struct pgq *)f;
    char v[15][48], e[512], pj[256];
    const char *params[19];
    PGresult *res = NULL;

    snprintf(v[0], 48, "%llu", (unsigned long long)s->pages);
    snprintf(v[1], 48, "%llu", (unsigned long long)s->bytes);
    snprintf(v[2], 48, "%llu", (unsigned long long)s->errors);
    snprintf(v[3], 48, "%llu", (unsigned long long)s->retries);
    snprintf(v[4], 48, "%llu", (unsigned long long)s->failed);
    snprintf(v[5], 48, "%llu", (unsigned long long)s->blocked);
    snprintf(v[6], 48, "%llu", (unsigned long long)s->truncated);
    snprintf(v[7], 48, "%llu", (unsigned long long)s->released);
    snprintf(v[8], 48, "%llu", (unsigned long long)s->links_found);
    snprintf(v[9], 48, "%.3f", s->seconds);
    for (int i = 0; i < 10; i++)
        params[i] = v[i];
    params[10] = s->status_json ? s->status_json : "{}";
    params[11] = s->errors_by_host_json ? s->errors_by_host_json : "{}";
    params[12] = status;
    params[13] = q->run_id;
    params[14] = final ? "true" : "false";
    snprintf(v[10], 48, "%llu", (unsigned long long)s->pending);
    params[15] = v[10];
    snprintf(pj, sizeof pj,
             "{\"leased\": %llu, \"retry\": %llu, \"host_wait\": %llu, \"due\": %llu, \"robots_unreachable\": %llu}",
             (unsigned long long)s->pending_leased, (unsigned long long)s->pending_retry,
             (unsigned long long)s->pending_host_wait, (unsigned long long)s->pending_due,
             (unsigned long long)s->pending_robots);
    params[16] = final ? pj : NULL;
    params[17] = s->failed_json ? s->failed_json : "{}";
    if (gr_db_execp(q->side,
                    "UPDATE crawl.run SET finished_at = CASE WHEN $15::bool THEN now() END, pages = $1, bytes = $2, errors = $3, retries = $4,"
                    " failed = $5, blocked = $6, truncated = $7, released = $8, links_found = $9, seconds = $10,"
                    " statuses = $11::jsonb, errors_by_host = $12::jsonb, status = $13, pending = $16,"
                    " pending_by_reason = $17::jsonb, failed_by_reason = $18::jsonb WHERE run_id = $14",
                    18, params, &res, e, sizeof e) != GR_OK)
        gr_warn("cannot record the run summary: %s", e);
    PQclear(res);
}

static void pg_free(struct cr_frontier *f)
{
    struct pgq *q = (struct pgq *)f;
    if (!q)
        return;
    if (q->conn)
        PQfinish(q->conn);
    if (q->side)
        PQfinish(q->side);
    gr_dbpipe_clear(&q->pipe);
    for (int i = 0; i < NARRS; i++)
        gr_pgarr_free(&q->arrs[i]);
    free(q->backoff_ms);
    free(q);
}

enum gr_rc cr_frontier_pg_new(const char *conninfo, const struct gr_config *cfg, const struct cr_polite *p,
                              struct cr_frontier **out, char *err, size_t errlen)
{
    struct pgq *q = calloc(1, sizeof *q);
    PGresult *res = NULL;
    enum gr_rc rc;
    char host[256] = "localhost", pid[32];
    const char *params[2];
    const char *ss;

    *out = NULL;
    if (!q)
        return GR_ENOMEM;
    q->f.claim = pg_claim;
    q->f.complete = pg_complete;
    q->f.socket = pg_socket;
    q->f.send_claim = pg_send_claim;
    q->f.send_complete = pg_send_complete;
    q->f.progress = pg_progress;
    q->f.robots = pg_robots;
    q->f.next_event = pg_next_event;
    q->f.pending = pg_pending;
    q->f.warc_committed = pg_warc_committed;
    q->f.warc_file = pg_warc_file;
    q->f.finish = pg_finish;
    q->f.free = pg_free;
    q->f.polite = *p;
    q->cfg = cfg;
    q->agent = gr_config_get(cfg, "crawler.agent_token");
    ss = gr_config_get(cfg, "crawler.stats_schedule");
    if (ss)
        gr_parse_i64n(ss, strcspn(ss, ","), &q->stats_first);
    for (int i = 0; i < NARRS; i++)
        gr_pgarr_init(&q->arrs[i]);
    {
        /* the scalars: politeness values from crawler_polite.c */
        struct gr_pgarr b;
        gr_pgarr_init(&b);
        for (int level = 1; level <= CR_BACKOFF_MAX_LEVEL; level++)
            gr_pgarr_f(&b, cr_polite_backoff_ms(p, level), false);
        q->backoff_ms = strdup(gr_pgarr_end(&b));
        gr_pgarr_free(&b);
        if (!q->backoff_ms) {
            rc = GR_ENOMEM;
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        snprintf(q->scal[S_DELAY_MS], sizeof q->scal[0], "%lld", (long long)p->delay_ms);
        snprintf(q->scal[S_MAX_INFLIGHT], sizeof q->scal[0], "%d", p->max_inflight);
        snprintf(q->scal[S_MAX_CRAWL_DELAY_MS], sizeof q->scal[0], "%lld", (long long)p->max_crawl_delay_ms);
        snprintf(q->scal[S_LEASE_SECONDS], sizeof q->scal[0], "%d", p->lease_seconds);
        snprintf(q->scal[S_ROBOTS], sizeof q->scal[0], "%s", p->robots ? "true" : "false");
        snprintf(q->scal[S_JITTER_MIN], sizeof q->scal[0], "%g", CR_BACKOFF_JITTER_MIN);
        snprintf(q->scal[S_FAILED_RETRY_S], sizeof q->scal[0], "%lld", (long long)p->failed_retry_s);
        snprintf(q->scal[S_FAILED_RETRY_CAP_S], sizeof q->scal[0], "%lld", (long long)p->failed_retry_cap_s);
        snprintf(q->scal[S_ROBOTS_PATH], sizeof q->scal[0], "%s", CR_ROBOTS_PATH);
        for (int i = 0; i < NSCAL; i++)
            q->params[P_S(i)] = q->scal[i];
        q->params[P_S(S_BACKOFF_MS)] = q->backoff_ms;
    }
    rc = gr_db_connect(conninfo, &q->side, err, errlen);
    if (!rc)
        rc = gr_db_connect(conninfo, &q->conn, err, errlen);
    if (rc)
        goto fail;
    gr_dbpipe_init(&q->pipe, q->conn);
    gethostname(host, sizeof host - 1);
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    params[0] = host;
    params[1] = pid;
    rc = gr_db_execp(q->side, "INSERT INTO crawl.run (hostname, pid) VALUES ($1, $2::int) RETURNING run_id", 2,
                     params, &res, err, errlen);
    if (rc) {
        if (strstr(err, "does not exist"))
            snprintf(err + strlen(err), errlen - strlen(err), " (run `loader migrate` first)");
        goto fail;
    }
    snprintf(q->run_id, sizeof q->run_id, "%s", PQgetvalue(res, 0, 0));
    snprintf(q->scal[S_RUN_ID], sizeof q->scal[0], "%s", q->run_id);
    PQclear(res);
    {
        struct override_ctx oc = { q, GR_OK, err, errlen };
        gr_config_each_section(cfg, "host:", apply_override, &oc);
        if (oc.rc) {
            rc = oc.rc;
            goto fail;
        }
    }
    rc = rearm(q, host, err, errlen);
    if (!rc)
        rc = promote(q, err, errlen);   /* what came due since the last run: host rows below */
    if (rc)
        goto fail;
    rc = ensure_hosts(q, err, errlen);
    if (rc)
        goto fail;
    q->last_ensure = gr_now();
    {
        /* the hot statements, planned once (their plans do not depend on
         * the values: custom plans would only cost planning time) */
        rc = gr_db_exec(q->conn, "SET plan_cache_mode = force_generic_plan", err, errlen);
        /* a statement stuck on a lock or a slow server ends in bounded time */
        if (!rc && q->f.polite.db_timeout_ms > 0) {
            char st[96];
            snprintf(st, sizeof st, "SET statement_timeout = %d", q->f.polite.db_timeout_ms);
            rc = gr_db_exec(q->conn, st, err, errlen);
            if (!rc)
                rc = gr_db_exec(q->side, st, err, errlen);
        }
        /* A completion lost to a server crash only makes its URLs' leases
         * expire and be fetched again (the WARC is synced before it is
         * sent): it need not wait for its WAL flush. */
        if (!rc)
            rc = gr_db_exec(q->conn, "SET synchronous_commit = off", err, errlen);
        if (rc)
            goto fail;
        static const struct { enum pg_op op; const char *name, *sql; } stmts[] = {
            { OP_CLAIM, "claim", CLAIM_SQL }, { OP_REAP, "reap", REAP_SQL }, { OP_COMPLETE, "complete", COMPLETE_SQL },
        };
        for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
            char *sql = expand_sql(stmts[i].sql, &q->stmts[stmts[i].op]);
            if (!sql) {
                snprintf(err, errlen, "the %s statement names an unknown parameter", stmts[i].name);
                rc = GR_EINTERNAL;
                goto fail;
            }
            res = PQprepare(q->conn, stmts[i].name, sql, 0, NULL);
            free(sql);
            if (PQresultStatus(res) != PGRES_COMMAND_OK) {
                snprintf(err, errlen, "cannot prepare the %s statement: %s", stmts[i].name,
                         PQresultErrorMessage(res));
                rc = gr_db_classify(q->conn, res);
                PQclear(res);
                goto fail;
            }
            PQclear(res);
        }
        res = NULL;
        if (PQsetnonblocking(q->conn, 1) != 0 || PQenterPipelineMode(q->conn) != 1) {
            snprintf(err, errlen, "cannot put the database connection in non-blocking pipeline mode: %s", PQerrorMessage(q->conn));
            rc = GR_EUNAVAIL;
            goto fail;
        }
    }
    gr_info("crawl run %s", q->run_id);
    *out = &q->f;
    return GR_OK;
fail:
    pg_free(&q->f);
    return rc;
}
