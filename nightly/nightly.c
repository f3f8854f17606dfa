/* See nightly.h. Stages run as child processes (lib/gr_spawn) that die with
 * the driver (PR_SET_PDEATHSIG), so a kill -9 of the driver is a kill -9 of
 * the stage too, and every stage is built to be rerun after that: the crawl
 * frontier's leases expire, the parser writes atomically, the loader's ledger
 * and pending-score marks commit with the data. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"
#include "gr_progress.h"
#include "gr_spawn.h"
#include "nightly.h"

#define NIGHTLY_LOCK_KEY "7243002"
#define MAX_ARGS 4096

struct stage_result {
    const char *name;
    int status;             /* exit status, -1 not run, 128+sig when killed */
    double wall, cpu;
    char detail[768];
};

static volatile sig_atomic_t stop_signal;
static volatile pid_t child_pid;

static void on_signal_cb(int sig)
{
    stop_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

/* Runs argv with stdout and stderr appended to the log file (lib/gr_spawn). */
static int run_stage(const struct nightly_opts *o, struct stage_result *r, char *const *argv)
{
    struct gr_spawn_result sr;

    gr_spawn_run(argv, o->log_file, &child_pid, &sr);
    r->status = sr.status;
    r->wall = sr.wall;
    r->cpu = sr.cpu;
    return r->status;
}

/* Lists dir's regular files ending in suffix, sorted, as "dir/name". */
static int list_files(const char *dir, const char *suffix, char ***out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;
    int n = 0, cap = 0;
    size_t sl = strlen(suffix);

    *out = NULL;
    if (!d)
        return 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        char path[4096];
        if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0 || de->d_name[0] == '.')
            continue;
        if (n + 1 >= cap) {
            int nc = cap ? cap * 2 : 64;
            char **p = realloc(v, (size_t)nc * sizeof *p);
            if (!p)
                break;
            v = p;
            cap = nc;
        }
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        v[n++] = strdup(path);
    }
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *out = v;
    return n;
}

static void free_list(char **v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Moves each file into dir/done/ once its stage has succeeded. */
static void move_done(char **files, int n, const char *done)
{
    gr_mkdir_p(done);
    for (int i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/');
        char to[4096];
        if (access(files[i], F_OK) != 0)
            continue;           /* moved already (quarantined) */
        snprintf(to, sizeof to, "%s/%s", done, base ? base + 1 : files[i]);
        if (rename(files[i], to) != 0)
            gr_warn("cannot move %s to %s: %s", files[i], to, strerror(errno));
    }
}

static long long count(PGconn *conn, const char *sql)
{
    PGresult *res = NULL;
    char err[512];
    long long v = -1;

    /* a deadline on the wait (gr_db_set_timeout): a lost database never
     * holds the nightly lock */
    if (gr_db_execp(conn, sql, 0, NULL, &res, err, sizeof err) != GR_OK)
        gr_warn("%s", err);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

static enum gr_rc take_locks(const struct nightly_opts *o, PGconn *conn, int *lockfd)
{
    char holder[512] = "", err[512];
    PGresult *res = NULL;
    int fd;

    gr_mkdir_p(o->spool);
    fd = open(o->lock_file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        gr_error("cannot open the lock file %s: %s", o->lock_file, strerror(errno));
        return GR_EIO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        /* The holder writes its line just after taking the database lock too:
         * give it a moment rather than report "holder unknown". */
        ssize_t k = 0;
        for (int i = 0; i < 40 && k <= 0; i++) {
            if (i)
                usleep(50000);
            k = pread(fd, holder, sizeof holder - 1, 0);
        }
        holder[k > 0 ? k : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        fprintf(stderr, "govreach: another nightly run holds %s (%s); not starting\n", o->lock_file,
                *holder ? holder : "holder unknown");
        close(fd);
        return GR_ELOCKED;
    }
    if (gr_db_execp(conn, "SELECT pg_try_advisory_lock(" NIGHTLY_LOCK_KEY ")", 0, NULL, &res, err, sizeof err)) {
        gr_error("cannot take the database lock: %s", err);
        close(fd);
        return GR_EUNAVAIL;
    }
    if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        PQclear(res);
        if (gr_db_execp(conn, "SELECT a.application_name || ' (backend pid ' || a.pid || ', since ' ||"
                              " to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') || ')'"
                              " FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                              " WHERE l.locktype = 'advisory' AND l.objid = " NIGHTLY_LOCK_KEY " AND l.granted",
                        0, NULL, &res, err, sizeof err))
            res = NULL;
        fprintf(stderr, "govreach: another nightly run holds the database lock: %s; not starting\n",
                res && PQntuples(res) ? PQgetvalue(res, 0, 0) : "holder unknown");
        PQclear(res);
        close(fd);
        return GR_ELOCKED;
    }
    PQclear(res);
    {
        char host[256] = "?", line[600];
        time_t now = time(NULL);
        struct tm tm;
        gethostname(host, sizeof host - 1);
        gmtime_r(&now, &tm);
        snprintf(line, sizeof line, "pid %d on %s, started %04d-%02d-%02dT%02d:%02d:%02dZ\n", (int)getpid(), host,
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        if (ftruncate(fd, 0) == 0 && pwrite(fd, line, strlen(line), 0) < 0)
            gr_warn("cannot write %s", o->lock_file);
    }
    *lockfd = fd;
    return GR_OK;
}

static int argv_base(const struct nightly_opts *o, char **argv, const char *prog)
{
    static char paths[8][4096];
    static int slot;
    int n = 0;
    char *p = paths[slot++ % 8];
    snprintf(p, 4096, "%s/%s", o->bindir, prog);
    argv[n++] = p;
    if (o->config_path) {
        argv[n++] = (char *)"--config";
        argv[n++] = (char *)o->config_path;
    }
    return n;
}

static void print_summary_to(FILE *f, struct stage_result *st, int n, double total, const char *verdict,
                             const char *log_file)
{
    fprintf(f, "govreach nightly: %s in %.1fs (log: %s)\n", verdict, total, log_file);
    for (int i = 0; i < n; i++) {
        if (st[i].status < 0)
            fprintf(f, "  %-8s skipped\n", st[i].name);
        else
            fprintf(f, "  %-8s %-9s %7.1fs wall %7.1fs cpu  %s\n", st[i].name,
                    st[i].status == 0 ? "ok" : st[i].status == 1 ? "partial" : "FAILED", st[i].wall, st[i].cpu,
                    st[i].detail);
        if (st[i].status > 1)
            fprintf(f, "           exit status %d; see the log for its messages\n", st[i].status);
    }
    fflush(f);
}

/* The summary goes to stdout (cron mails it) and to the end of the log. */
static void print_summary(struct stage_result *st, int n, double total, const char *verdict, const char *log_file)
{
    FILE *f = fopen(log_file, "a");
    print_summary_to(stdout, st, n, total, verdict, log_file);
    if (f) {
        print_summary_to(f, st, n, total, verdict, log_file);
        fclose(f);
    }
}

static void record_run(PGconn *conn, long long run_id, struct stage_result *st, int n, const char *verdict)
{
    char buf[8192];
    size_t k = 0;
    const char *params[3];
    char id[32];
    PGresult *res;

    k += (size_t)snprintf(buf + k, sizeof buf - k, "[");
    for (int i = 0; i < n && k < sizeof buf - 512; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k,
                              "%s{\"stage\":\"%s\",\"status\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f}", i ? "," : "",
                              st[i].name, st[i].status, st[i].wall, st[i].cpu);
    snprintf(buf + k, sizeof buf - k, "]");
    snprintf(id, sizeof id, "%lld", run_id);
    params[0] = id;
    params[1] = verdict;
    params[2] = buf;
    {
        char err[512];
        if (gr_db_execp(conn, "UPDATE meta.nightly_run SET finished_at = now(), verdict = $2, stages = $3::jsonb"
                              " WHERE id = $1::bigint", 3, params, &res, err, sizeof err) != GR_OK)
            gr_warn("cannot record the run summary: %s", err);
        PQclear(res);
    }
}

/* govreach report --spool SPOOL as a stage; the summary names the pages written. */
static int nightly_report_stage(const struct nightly_opts *o, struct stage_result *r, char **argv)
{
    static const char *const kinds[] = { "latest", "provisional" };
    struct stat sb;
    size_t k = 0;
    int n = argv_base(o, argv, "govreach");

    argv[n++] = (char *)"report";
    argv[n++] = (char *)"--spool";
    argv[n++] = (char *)o->spool;
    argv[n] = NULL;
    run_stage(o, r, argv);
    for (int i = 0; i < 2 && k < sizeof r->detail; i++) {
        char page[4096];
        snprintf(page, sizeof page, "%s/report/%s/index.html", o->spool, kinds[i]);
        if (stat(page, &sb) == 0)
            k += (size_t)snprintf(r->detail + k, sizeof r->detail - k, "%s%s", k ? ", " : "", page);
    }
    if (k == 0)
        snprintf(r->detail, sizeof r->detail, "no report written (no scored period)");
    return r->status;
}

enum gr_rc nightly_run(const struct nightly_opts *o)
{
    enum { S_MIGRATE, S_TARGETS, S_CRAWL, S_PARSE, S_LOAD, S_SCORE, S_REPORT, S_N };
    struct stage_result st[S_N] = {
        { "migrate", -1, 0, 0, "" }, { "targets", -1, 0, 0, "" }, { "crawl", -1, 0, 0, "" },
        { "parse", -1, 0, 0, "" },   { "load", -1, 0, 0, "" },    { "score", -1, 0, 0, "" },
        { "report", -1, 0, 0, "" },
    };
    char **argv = calloc(MAX_ARGS + 8, sizeof *argv);
    char warcdir[3072], parsedir[3072], done[4096], budget[32], jobs[32], err[1024];
    char **files = NULL;
    int nfiles = 0, lockfd = -1, n;
    PGconn *conn = NULL;
    enum gr_rc rc = GR_OK;
    bool partial = false;
    double t0 = gr_now();
    long long run_id = 0, ledger0 = 0, runs0 = 0, quar0 = 0;
    char quar[4096];
    struct sigaction sa;

    if (!argv)
        return GR_ENOMEM;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal_cb;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (o->conninfo && *o->conninfo)
        setenv("GOVREACH_DB_CONNINFO", o->conninfo, 1);
    snprintf(warcdir, sizeof warcdir, "%s/warc", o->spool);
    snprintf(parsedir, sizeof parsedir, "%s/parsed", o->spool);
    if (gr_mkdir_p(warcdir) || gr_mkdir_p(parsedir)) {
        gr_error("cannot create the spool %s: %s", o->spool, strerror(errno));
        free(argv);
        return GR_EIO;
    }
    {
        char logdir[4096];
        const char *slash = strrchr(o->log_file, '/');
        if (slash) {
            snprintf(logdir, sizeof logdir, "%.*s", (int)(slash - o->log_file), o->log_file);
            gr_mkdir_p(logdir);
        }
    }
    gr_db_set_timeout(30000);   /* every wait of the driver's own connection */
    rc = gr_db_connect(o->conninfo, &conn, err, sizeof err);
    if (rc) {
        gr_error("%s", err);
        goto out;
    }
    {
        char app[128], host[64] = "?";
        gethostname(host, sizeof host - 1);
        snprintf(app, sizeof app, "SET application_name = 'govreach-nightly pid %d on %s'", (int)getpid(), host);
        if (gr_db_exec(conn, app, err, sizeof err))
            gr_warn("%s", err);
    }
    rc = take_locks(o, conn, &lockfd);
    if (rc)
        goto out;

    /* 1. migrate */
    n = argv_base(o, argv, "loader");
    argv[n++] = (char *)"migrate";
    argv[n] = NULL;
    if (run_stage(o, &st[S_MIGRATE], argv) != 0)
        goto failed;
    run_id = count(conn, "INSERT INTO meta.nightly_run (pid) VALUES (pg_backend_pid()) RETURNING id");
    ledger0 = count(conn, "SELECT coalesce(sum(rows_new), 0) FROM meta.load_ledger");
    quar0 = count(conn, "SELECT count(*) FROM meta.load_quarantine");
    runs0 = count(conn, "SELECT count(*) FROM score.run");

    /* 2. targets */
    if (o->targets) {
        n = argv_base(o, argv, "loader");
        argv[n++] = (char *)"targets";
        argv[n++] = (char *)o->targets;
        argv[n] = NULL;
        if (run_stage(o, &st[S_TARGETS], argv) != 0)
            goto failed;
        snprintf(st[S_TARGETS].detail, sizeof st[S_TARGETS].detail, "from %s", o->targets);
    }
    if (stop_signal)
        goto interrupted;

    /* 3. crawl */
    if (!o->skip_crawl) {
        char q[512];
        long long run0 = count(conn, "SELECT coalesce(max(run_id), 0) FROM crawl.run");
        n = argv_base(o, argv, "crawler");
        snprintf(budget, sizeof budget, "%d", o->crawl_budget);
        argv[n++] = (char *)"--out";
        argv[n++] = warcdir;
        argv[n++] = (char *)"--time-budget";
        argv[n++] = budget;
        argv[n] = NULL;
        run_stage(o, &st[S_CRAWL], argv);
        /* The crawler's own totals (crawl.run) for the runs this stage started. */
        snprintf(q, sizeof q, "SELECT coalesce(sum(pages), 0) FROM crawl.run WHERE run_id > %lld", run0);
        long long pages = count(conn, q);
        snprintf(q, sizeof q, "SELECT coalesce(sum(bytes), 0) / 1048576 FROM crawl.run WHERE run_id > %lld", run0);
        long long mb = count(conn, q);
        snprintf(q, sizeof q, "SELECT coalesce(sum(failed), 0) FROM crawl.run WHERE run_id > %lld", run0);
        long long failed = count(conn, q);
        /* Work left pending by the last run (issue 13): the night is partial. */
        snprintf(q, sizeof q, "SELECT coalesce(max(pending), 0) FROM crawl.run WHERE run_id = (SELECT max(run_id) FROM crawl.run WHERE run_id > %lld)", run0);
        long long pending = count(conn, q);
        char why[256] = "";
        if (pending > 0) {
            PGresult *pr;
            snprintf(q, sizeof q, "SELECT coalesce(pending_by_reason::text, '') || ' ' || coalesce(failed_by_reason::text, '') "
                     "FROM crawl.run WHERE run_id = (SELECT max(run_id) FROM crawl.run WHERE run_id > %lld)", run0);
            char perr[256];
            if (gr_db_execp(conn, q, 0, NULL, &pr, perr, sizeof perr) == GR_OK && PQntuples(pr) == 1)
                snprintf(why, sizeof why, " (%s)", PQgetvalue(pr, 0, 0));
            PQclear(pr);
        }
        snprintf(st[S_CRAWL].detail, sizeof st[S_CRAWL].detail,
                 "%lld pages (%lld MB), %lld failed, %lld pending%s; %lld URLs due at later runs", pages, mb, failed,
                 pending, why,
                 count(conn, "SELECT count(*) FROM crawl.frontier WHERE state = 'queued' AND due_at > now()"));
        if (st[S_CRAWL].status == 0 && (failed > 0 || pending > 0))
            st[S_CRAWL].status = 1;     /* items failed or left pending */
        if (st[S_CRAWL].status == 1)
            partial = true;
        else if (st[S_CRAWL].status != 0)
            goto failed;
    }
    if (stop_signal)
        goto interrupted;

    /* 4. parse: the WARCs not parsed yet (parsed ones move to warc/done/) */
    nfiles = list_files(warcdir, ".warc.gz", &files);
    if (nfiles > MAX_ARGS - 16)
        nfiles = MAX_ARGS - 16; /* the rest wait for the next run */
    if (nfiles > 0) {
        n = argv_base(o, argv, "parser");
        snprintf(jobs, sizeof jobs, "%d", o->parse_jobs);
        argv[n++] = (char *)"-j";
        argv[n++] = jobs;
        argv[n++] = (char *)"--out";
        argv[n++] = parsedir;
        for (int i = 0; i < nfiles; i++)
            argv[n++] = files[i];
        argv[n] = NULL;
        run_stage(o, &st[S_PARSE], argv);
        if (st[S_PARSE].status == 0 || st[S_PARSE].status == 1) {
            snprintf(done, sizeof done, "%s/done", warcdir);
            move_done(files, nfiles, done);
        }
        snprintf(st[S_PARSE].detail, sizeof st[S_PARSE].detail, "%d WARC file(s)", nfiles);
        if (st[S_PARSE].status == 1)
            partial = true;
        else if (st[S_PARSE].status != 0)
            goto failed;
    } else {
        st[S_PARSE].status = 0;
        snprintf(st[S_PARSE].detail, sizeof st[S_PARSE].detail, "no new WARC files");
    }
    free_list(files, nfiles);
    files = NULL;
    nfiles = 0;
    if (stop_signal)
        goto interrupted;

    /* 5. load: the TSVs not loaded yet (loaded ones move to parsed/done/) */
    nfiles = list_files(parsedir, ".tsv", &files);
    if (nfiles > MAX_ARGS - 16)
        nfiles = MAX_ARGS - 16;
    if (nfiles > 0) {
        n = argv_base(o, argv, "loader");
        /* a file that fails to load is moved aside, the rest load (issue 13) */
        snprintf(quar, sizeof quar, "%s/quarantine", parsedir);
        argv[n++] = (char *)"--quarantine";
        argv[n++] = quar;
        argv[n++] = (char *)"load";
        for (int i = 0; i < nfiles; i++)
            argv[n++] = files[i];
        argv[n] = NULL;
        int lrc = run_stage(o, &st[S_LOAD], argv);
        if (lrc != 0 && lrc != 1)
            goto failed;
        if (lrc == 1)
            partial = true;
        snprintf(done, sizeof done, "%s/done", parsedir);
        move_done(files, nfiles, done);
    } else {
        st[S_LOAD].status = 0;
    }
    snprintf(st[S_LOAD].detail, sizeof st[S_LOAD].detail, "%d file(s), %lld new rows, %lld quarantined", nfiles,
             count(conn, "SELECT coalesce(sum(rows_new), 0) FROM meta.load_ledger") - ledger0,
             count(conn, "SELECT count(*) FROM meta.load_quarantine") - quar0);
    free_list(files, nfiles);
    files = NULL;
    nfiles = 0;
    if (stop_signal)
        goto interrupted;

    /* 6. score: the scorer alone decides which periods the new observations
     * touch (also those an earlier, interrupted night left unscored); it gets
     * the configuration file like every stage and reads the database from
     * GOVREACH_DB_CONNINFO, set above. */
    n = argv_base(o, argv, "scorer");
    argv[n++] = (char *)"run";
    argv[n++] = (char *)"--pending";
    argv[n] = NULL;
    run_stage(o, &st[S_SCORE], argv);
    {
        char q[256];
        PGresult *r;
        snprintf(q, sizeof q,
                 "SELECT count(*), coalesce(string_agg(period || ' ' || status, ', ' ORDER BY period), '')"
                 " FROM score.run WHERE run_id > (SELECT coalesce(max(run_id), 0) FROM score.run) - %lld",
                 count(conn, "SELECT count(*) FROM score.run") - runs0);
        if (gr_db_execp(conn, q, 0, NULL, &r, err, sizeof err))
            gr_warn("%s", err);
        else if (PQntuples(r) == 1)
            snprintf(st[S_SCORE].detail, sizeof st[S_SCORE].detail, "%s new scoring run(s)%s%s",
                     PQgetvalue(r, 0, 0), *PQgetvalue(r, 0, 1) ? ": " : "", PQgetvalue(r, 0, 1));
        PQclear(r);
    }
    if (st[S_SCORE].status == 1)
        partial = true;
    else if (st[S_SCORE].status != 0)
        goto failed;

    /* 7. the HTML report (nightly/report.c); a failure there leaves the scores standing */
    if (nightly_report_stage(o, &st[S_REPORT], argv) != 0)
        partial = true;

    rc = partial ? GR_EPARTIAL : GR_OK;
    print_summary(st, S_N, gr_now() - t0, partial ? "finished with item-level failures" : "ok", o->log_file);
    record_run(conn, run_id, st, S_N, partial ? "partial" : "ok");
    goto out;

interrupted:
    print_summary(st, S_N, gr_now() - t0, "interrupted", o->log_file);
    record_run(conn, run_id, st, S_N, "interrupted");
    rc = GR_ETEMP;
    goto out;
failed:
    for (int i = 0; i < S_N; i++)
        if (st[i].status > 1) {
            /* the stage's status read back through the one table (lib/gr_err.c);
             * a crash or a kill is internal, unless we were told to stop */
            rc = gr_rc_from_exit(st[i].status);
            if (rc == GR_EINTERNAL && stop_signal)
                rc = GR_ETEMP;
        }
    if (!rc)
        rc = GR_EINTERNAL;
    print_summary(st, S_N, gr_now() - t0, stop_signal ? "interrupted" : "FAILED", o->log_file);
    if (run_id > 0)
        record_run(conn, run_id, st, S_N, "failed");
out:
    free_list(files, nfiles);
    if (conn)
        PQfinish(conn);
    if (lockfd >= 0)
        close(lockfd);
    free(argv);
    return rc;
}
