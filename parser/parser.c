/* The parser stage. Each WARC file is read record by record; each response
 * is paired with its request (WARC-Concurrent-To, in either direction and
 * either order), its HTTP message decoded, and handed to the source that owns
 * its URL (gr_source_extract). Rows go to temporary TSV files in the output
 * directory, renamed into place when the whole WARC is done, so a reader of
 * the spool never sees half a file. -j N forks N workers, each taking every
 * Nth file; outputs are per WARC, so they do not depend on N. */
#include "parser.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gr_buf.h"
#include "gr_log.h"
#include "gr_rows.h"
#include "gr_warc_read.h"

#define REQ_RING 16
#define REQ_BODY_MAX (1u << 20)
#define BODY_MAX (160u << 20)
#define FLUSH_AT (4u << 20)

void parser_base_name(const char *path, char *out, size_t outsz)
{
    const char *b = strrchr(path, '/');
    size_t n;
    static const char *const sfx[] = { ".open", ".gz", ".warc" };

    b = b ? b + 1 : path;
    n = strlen(b);
    for (int i = 0; i < 3; i++) {
        size_t k = strlen(sfx[i]);
        if (n > k && memcmp(b + n - k, sfx[i], k) == 0)
            n -= k;
    }
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

/* The WARC file name as the provenance column shows it: the base name
 * without ".open" (the name the file has once the crawler closes it). */
static void warc_display_name(const char *path, char *out, size_t outsz)
{
    const char *b = strrchr(path, '/');
    size_t n;

    b = b ? b + 1 : path;
    n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".open") == 0)
        n -= 5;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

/* Set by SIGINT/SIGTERM: the WARC being parsed is abandoned (its temporary
 * files removed) and no further file is started. */
static volatile sig_atomic_t stop_requested;

static void stop_cb(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* ---- output files ------------------------------------------------------------ */

struct outset {
    FILE *f[GR_REC_COUNT];
    char tmp[GR_REC_COUNT][PATH_MAX];
    char fin[GR_REC_COUNT][PATH_MAX];
};

static void outset_abort(struct outset *o)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (o->f[t]) {
            fclose(o->f[t]);
            o->f[t] = NULL;
        }
        if (o->tmp[t][0])
            unlink(o->tmp[t]);
        o->tmp[t][0] = '\0';
    }
}

static enum gr_rc outset_open(struct outset *o, const char *dir, const char *base)
{
    memset(o, 0, sizeof *o);
    for (int t = 0; t < GR_REC_COUNT; t++) {
        int n1 = snprintf(o->fin[t], PATH_MAX, "%s/%s.%s.tsv", dir, base, gr_rec_name((enum gr_rec_type)t));
        int n2 = snprintf(o->tmp[t], PATH_MAX, "%s/.%s.%s.tsv.tmp%ld", dir, base, gr_rec_name((enum gr_rec_type)t),
                          (long)getpid());
        if (n1 >= PATH_MAX || n2 >= PATH_MAX) {
            gr_error("output path too long for %s in %s", base, dir);
            o->tmp[t][0] = '\0';
            outset_abort(o);
            return GR_EIO;
        }
        o->f[t] = fopen(o->tmp[t], "w");
        if (!o->f[t]) {
            gr_error("unable to create %s: %s", o->tmp[t], strerror(errno));
            o->tmp[t][0] = '\0';
            outset_abort(o);
            return GR_EIO;
        }
        setvbuf(o->f[t], NULL, _IOFBF, 1u << 16);
        if (fprintf(o->f[t], "%s\n", gr_rec_header((enum gr_rec_type)t)) < 0) {
            outset_abort(o);
            return GR_EIO;
        }
    }
    return GR_OK;
}

static enum gr_rc outset_flush(struct outset *o, struct gr_rows *rows)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (rows->b[t].len && fwrite(rows->b[t].data, 1, rows->b[t].len, o->f[t]) != rows->b[t].len) {
            gr_error("unable to write %s: %s", o->tmp[t], strerror(errno));
            return GR_EIO;
        }
    }
    gr_rows_reset(rows);
    return GR_OK;
}

/* Closes and renames into place; parse_reject last, since its presence is
 * what marks a WARC as done. */
static enum gr_rc outset_commit(struct outset *o)
{
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (fflush(o->f[t]) != 0 || fsync(fileno(o->f[t])) != 0 || fclose(o->f[t]) != 0) {
            gr_error("unable to write %s: %s", o->tmp[t], strerror(errno));
            o->f[t] = NULL;
            outset_abort(o);
            return GR_EIO;
        }
        o->f[t] = NULL;
    }
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (rename(o->tmp[t], o->fin[t]) != 0) {
            gr_error("unable to rename %s to %s: %s", o->tmp[t], o->fin[t], strerror(errno));
            outset_abort(o);
            return GR_EIO;
        }
        o->tmp[t][0] = '\0';
    }
    return GR_OK;
}

/* ---- request pairing --------------------------------------------------------- */

struct req {
    char id[128], concurrent_to[128];
    char method[16];
    char *body;
    size_t body_len;
};

struct req_ring {
    struct req r[REQ_RING];
    int next;
};

static void ring_free(struct req_ring *g)
{
    for (int i = 0; i < REQ_RING; i++)
        free(g->r[i].body);
    memset(g, 0, sizeof *g);
}

static void ring_add(struct req_ring *g, const struct gr_warc_rec *rec, struct gr_buf *scratch)
{
    struct req *q = &g->r[g->next];
    struct gr_http_msg m;
    char err[128];

    g->next = (g->next + 1) % REQ_RING;
    free(q->body);
    memset(q, 0, sizeof *q);
    snprintf(q->id, sizeof q->id, "%s", rec->id);
    snprintf(q->concurrent_to, sizeof q->concurrent_to, "%s", rec->concurrent_to);
    if (gr_http_parse(rec->block, rec->block_len, false, &m, scratch, err, sizeof err) != GR_OK)
        return;
    snprintf(q->method, sizeof q->method, "%s", m.method);
    if (m.body_len && m.body_len <= REQ_BODY_MAX) {
        q->body = malloc(m.body_len + 1);
        if (q->body) {
            memcpy(q->body, m.body, m.body_len);
            q->body[m.body_len] = '\0';
            q->body_len = m.body_len;
        }
    }
}

static const struct req *ring_find(const struct req_ring *g, const struct gr_warc_rec *resp)
{
    for (int i = 0; i < REQ_RING; i++) {
        const struct req *q = &g->r[i];
        if (!q->id[0])
            continue;
        if ((q->concurrent_to[0] && strcmp(q->concurrent_to, resp->id) == 0) ||
            (resp->concurrent_to[0] && strcmp(resp->concurrent_to, q->id) == 0))
            return q;
    }
    return NULL;
}

/* ---- one file ---------------------------------------------------------------- */

static bool is_robots(const char *url)
{
    const char *p = strstr(url, "://");
    const char *slash = p ? strchr(p + 3, '/') : NULL;
    return slash && strncmp(slash, "/robots.txt", 11) == 0 && (slash[11] == '\0' || slash[11] == '?');
}

static enum gr_rc add_reject(struct gr_rows *rows, const char *warc_name, uint64_t off, const char *url,
                             int64_t when, const char *source, const char *reason)
{
    struct gr_page pg;
    struct gr_row r;

    memset(&pg, 0, sizeof pg);
    pg.url = url ? url : "";
    pg.warc_file = warc_name;
    pg.warc_offset = (int64_t)off;
    pg.fetched_at = when;
    gr_row_begin(&r, rows, GR_REC_PARSE_REJECT);
    gr_row_str(&r, source);
    gr_row_str(&r, reason);
    return gr_row_end(&r, &pg);
}

enum gr_rc parser_file(const char *path, const char *out_dir, enum gr_extract_mode mode, struct parser_stats *st)
{
    struct gr_warc_reader *rd = NULL;
    struct outset os;
    struct gr_rows rows;
    struct req_ring ring;
    struct gr_buf scratch, rscratch;
    struct gr_warc_rec rec, peek;
    char base[NAME_MAX + 1], wname[NAME_MAX + 1], err[512];
    bool eof = false, opened = false;
    int64_t last_date = 0;
    struct stat sb;
    enum gr_rc rc;

    memset(&ring, 0, sizeof ring);
    gr_rows_init(&rows, 256u << 20);
    gr_buf_init(&scratch, BODY_MAX);
    gr_buf_init(&rscratch, REQ_BODY_MAX * 2);
    parser_base_name(path, base, sizeof base);
    warc_display_name(path, wname, sizeof wname);
    if (stat(path, &sb) == 0)
        last_date = (int64_t)sb.st_mtime;
    rc = gr_warc_reader_open(path, &rd, err, sizeof err);
    if (rc) {
        gr_error("unable to read %s", err);
        goto out;
    }
    rc = outset_open(&os, out_dir, base);
    if (rc)
        goto out;
    opened = true;
    for (;;) {
        enum gr_rc r;
        if (stop_requested) {
            gr_warn("%s: interrupted; its outputs are not written", path);
            rc = GR_ETEMP;
            goto out;
        }
        r = gr_warc_reader_next(rd, &rec, &eof, err, sizeof err);
        if (r == GR_EDATA) {
            st->warc_errors++;
            gr_warn("%s: %s", path, err);
            if ((rc = add_reject(&rows, wname, rec.offset, "", last_date, NULL, err)))
                goto out;
            st->rejects++;
            continue;
        }
        if (r) {
            rc = r;
            gr_error("%s: %s", path, gr_strerror(r));
            goto out;
        }
        if (eof)
            break;
        st->records++;
        if (rec.date_s)
            last_date = rec.date_s;
        if (strcmp(rec.type, "request") == 0) {
            ring_add(&ring, &rec, &rscratch);
            continue;
        }
        if (strcmp(rec.type, "response") != 0)
            continue;
        st->responses++;
        st->bytes += rec.block_len;
        if (is_robots(rec.target_uri))
            continue;
        {
            const struct req *q = ring_find(&ring, &rec);
            struct gr_http_msg m;
            struct gr_page pg;
            struct gr_extract_result res;

            if (!q) {
                /* the request may follow its response: look one record ahead */
                uint64_t back = gr_warc_reader_tell(rd);
                bool peof = false;
                char perr[256];
                if (gr_warc_reader_next(rd, &peek, &peof, perr, sizeof perr) == GR_OK && !peof &&
                    strcmp(peek.type, "request") == 0) {
                    ring_add(&ring, &peek, &rscratch);
                    st->records++;
                    q = ring_find(&ring, &rec);
                    if (!q)
                        gr_warc_reader_seek(rd, back), st->records--;
                } else {
                    gr_warc_reader_seek(rd, back);
                }
            }
            if (rec.truncated[0]) {
                char why[128];
                snprintf(why, sizeof why, "response truncated by the crawler (WARC-Truncated: %s)", rec.truncated);
                if ((rc = add_reject(&rows, wname, rec.offset, rec.target_uri, rec.date_s ? rec.date_s : last_date,
                                     gr_source_name(gr_source_find(rec.target_uri)), why)))
                    goto out;
                st->rejects++;
                continue;
            }
            r = gr_http_parse(rec.block, rec.block_len, true, &m, &scratch, err, sizeof err);
            if (r == GR_ENOMEM) {
                rc = r;
                goto out;
            }
            if (r) {
                if ((rc = add_reject(&rows, wname, rec.offset, rec.target_uri, rec.date_s ? rec.date_s : last_date,
                                     gr_source_name(gr_source_find(rec.target_uri)), err)))
                    goto out;
                st->rejects++;
                continue;
            }
            if (m.status >= 300 && m.status < 400 && m.status != 304) {
                st->redirects++;   /* a hop; the crawler stores the page it leads to */
                continue;
            }
            gr_page_from_http(&pg, &m, rec.target_uri, q ? q->method : NULL, q ? q->body : NULL, q ? q->body_len : 0,
                              rec.date_s ? rec.date_s : last_date);
            pg.warc_file = wname;
            pg.warc_offset = (int64_t)rec.offset;
            rc = gr_source_extract(&pg, mode, &rows, &res);
            if (rc) {
                gr_error("%s: offset %llu: %s", path, (unsigned long long)rec.offset, gr_strerror(rc));
                goto out;
            }
            if (res.rejected)
                st->rejects++;
            else if (res.fast_decided)
                st->fast++;
            else
                st->dom++;
            if (res.disagree) {
                st->disagreements++;
                gr_warn("verify: %s offset %llu %s: %s", wname, (unsigned long long)rec.offset, rec.target_uri,
                        res.reason);
            }
        }
        {
            size_t tot = 0;
            for (int t = 0; t < GR_REC_COUNT; t++)
                tot += rows.b[t].len;
            if (tot >= FLUSH_AT) {
                for (int t = 0; t < GR_REC_COUNT; t++)
                    st->rows[t] += rows.n[t];
                if ((rc = outset_flush(&os, &rows)))
                    goto out;
            }
        }
    }
    if (gr_warc_reader_tail_dropped(rd))
        gr_info("%s: %llu bytes at the end are an incomplete record (file still open); parsed up to it", path,
                (unsigned long long)gr_warc_reader_tail_dropped(rd));
    for (int t = 0; t < GR_REC_COUNT; t++)
        st->rows[t] += rows.n[t];
    rc = outset_flush(&os, &rows);
    if (!rc)
        rc = outset_commit(&os);
    opened = false;
out:
    if (opened)
        outset_abort(&os);
    gr_warc_reader_free(rd);
    gr_rows_free(&rows);
    gr_buf_free(&scratch);
    gr_buf_free(&rscratch);
    ring_free(&ring);
    return rc;
}

/* ---- many files -------------------------------------------------------------- */

/* True when every output of path exists and is newer than it. */
static bool up_to_date(const char *path, const char *out_dir)
{
    struct stat w, o;
    char base[NAME_MAX + 1], name[PATH_MAX];

    if (stat(path, &w) != 0)
        return false;
    parser_base_name(path, base, sizeof base);
    for (int t = 0; t < GR_REC_COUNT; t++) {
        if (snprintf(name, sizeof name, "%s/%s.%s.tsv", out_dir, base, gr_rec_name((enum gr_rec_type)t)) >=
            (int)sizeof name)
            return false;
        if (stat(name, &o) != 0)
            return false;
        if (o.st_mtim.tv_sec < w.st_mtim.tv_sec ||
            (o.st_mtim.tv_sec == w.st_mtim.tv_sec && o.st_mtim.tv_nsec <= w.st_mtim.tv_nsec))
            return false;
    }
    return true;
}

static enum gr_rc worse(enum gr_rc a, enum gr_rc b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    /* an I/O or input failure outranks a verify disagreement */
    return a == GR_EPARTIAL ? b : a;
}

static enum gr_rc run_some(const struct parser_opts *o, int worker, int nworkers, struct parser_stats *st)
{
    enum gr_rc rc = GR_OK;

    for (size_t i = (size_t)worker; i < o->nfiles; i += (size_t)nworkers) {
        const char *f = o->files[i];
        uint64_t before = st->disagreements;
        enum gr_rc r;
        struct timespec t0, t1;

        if (stop_requested) {
            rc = worse(rc, GR_ETEMP);
            break;
        }
        if (!o->force && up_to_date(f, o->out_dir)) {
            gr_info("%s: outputs are up to date, skipped", f);
            st->files_skipped++;
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &t0);
        r = parser_file(f, o->out_dir, o->mode, st);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (r) {
            st->files_failed++;
            rc = worse(rc, r);
            continue;
        }
        st->files++;
        gr_info("%s: parsed in %.2f s", f, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        if (st->disagreements > before)
            rc = worse(rc, GR_EPARTIAL);
    }
    return rc;
}

static void stats_add(struct parser_stats *a, const struct parser_stats *b)
{
    const uint64_t *s = (const uint64_t *)b;
    uint64_t *d = (uint64_t *)a;
    for (size_t i = 0; i < sizeof *a / sizeof(uint64_t); i++)
        d[i] += s[i];
}

enum gr_rc parser_run(const struct parser_opts *o, struct parser_stats *st)
{
    int n = o->jobs < 1 ? 1 : o->jobs;
    pid_t pids[256];
    int fds[256];
    int started = 0;
    enum gr_rc rc = GR_OK;
    struct stat sb;

    memset(st, 0, sizeof *st);
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = stop_cb;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
    }
    if (stat(o->out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        if (mkdir(o->out_dir, 0777) != 0 && errno != EEXIST) {
            gr_error("unable to create the output directory %s: %s", o->out_dir, strerror(errno));
            return GR_EIO;
        }
    }
    if ((size_t)n > o->nfiles)
        n = (int)o->nfiles;
    if (n > 256)
        n = 256;
    if (n <= 1)
        return run_some(o, 0, 1, st);
    fflush(NULL);
    for (int w = 0; w < n; w++) {
        int p[2];
        if (pipe(p) != 0) {
            gr_error("pipe: %s", strerror(errno));
            rc = GR_EINTERNAL;
            break;
        }
        pids[w] = fork();
        if (pids[w] < 0) {
            gr_error("fork: %s", strerror(errno));
            close(p[0]);
            close(p[1]);
            rc = GR_EINTERNAL;
            break;
        }
        if (pids[w] == 0) {
            struct parser_stats ws;
            enum gr_rc wr;
            close(p[0]);
            memset(&ws, 0, sizeof ws);
            wr = run_some(o, w, n, &ws);
            if (write(p[1], &ws, sizeof ws) != (ssize_t)sizeof ws)
                _exit(100);
            close(p[1]);
            _exit((int)wr);
        }
        close(p[1]);
        fds[w] = p[0];
        started++;
    }
    for (int w = 0; w < started; w++) {
        struct parser_stats ws;
        int status = 0;
        ssize_t got = read(fds[w], &ws, sizeof ws);
        close(fds[w]);
        if (got == (ssize_t)sizeof ws)
            stats_add(st, &ws);
        while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) == 100 || got != (ssize_t)sizeof ws) {
            gr_error("parser worker %d (pid %ld) died (status %d)", w, (long)pids[w], status);
            rc = worse(rc, GR_EINTERNAL);
        } else if (WEXITSTATUS(status) != 0) {
            rc = worse(rc, (enum gr_rc)WEXITSTATUS(status));
        }
    }
    return rc;
}
