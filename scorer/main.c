/* bin/scorer: options, then scorer_*() from scorer/, then an exit status. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_prog.h"
#include "gr_util.h"
#include "scorer.h"

static const struct gr_config_key keys[] = {
    GR_PROG_KEY_DB,
    GR_PROG_KEYS_LOG("info"),
    { "scorer.work_mem", GR_CFG_STR, "256MB", 0, 0,
      "PostgreSQL work_mem inside a scoring run (its sorts and hashes of every account stay in memory)" },
    { "scorer.temp_buffers", GR_CFG_STR, "256MB", 0, 0,
      "PostgreSQL temp_buffers of the scorer's session (the run's temporary tables stay in memory)" },
    { "scorer.jit", GR_CFG_BOOL, "false", 0, 0,
      "PostgreSQL JIT compilation of the run's statements (at these sizes it costs more than it saves)" },
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "db", "log", "scorer", NULL };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: scorer run [--methodology FILE] --period PERIOD [--force] [--final] [--explain]\n"
            "                  [--db CONNINFO]\n"
            "       scorer run --pending [--methodology FILE] [--db CONNINFO]\n"
            "       scorer pending [--methodology FILE] [--db CONNINFO]\n"
            "       scorer compare RUN_A RUN_B [--across-periods] [--db CONNINFO]\n"
            "       scorer list [--db CONNINFO]\n"
            "       scorer check-report DIR\n"
            "       scorer reproduce DIR [--run N] [--periods FILE] [--documented FILE]... [--db CONNINFO]\n"
            "       scorer --help | --help-methodology | --version\n"
            "\n"
            "Scores WeChat (WCI), Tencent Weibo (BCI), combined and app rankings from the obs.*\n"
            "observations, inside PostgreSQL, and writes them to score.* (report.* views read them).\n"
            "\n"
            "  run            score one period with one methodology, in one transaction. PERIOD is a\n"
            "                 calendar month (2014-10), an ISO week (2014-W46) or a date range\n"
            "                 (2014-10-01..2014-10-31, both ends inclusive), days in period.timezone.\n"
            "                 Without --methodology: %s\n"
            "                 ($GOVREACH_SHARE/conf/methodology/2014.conf). When a run of the same\n"
            "                 methodology text over the same period and the same inputs exists, nothing\n"
            "                 is done (exit 0) unless --force. The run is final when the period end plus\n"
            "                 its settle days (period.stat_grace_days) had passed at the fetch time of the\n"
            "                 newest observation, else provisional (--final declares it final). Prints\n"
            "                 the run number and its status.\n"
            "  run --pending  score every calendar month that observations loaded since the last\n"
            "                 `run --pending` of this methodology touch (the nightly driver does this).\n"
            "  pending        list those months, one per line, without scoring.\n"
            "  compare        compare two runs of the same period (rank and score moves per WCI, BCI,\n"
            "                 combined, app list), store the comparison in score.comparison*, print the\n"
            "                 moves as TSV. Runs of different periods need --across-periods.\n"
            "  list           print every run as TSV.\n"
            "  check-report   check the report tables in DIR (TSV files named like report/tables/)\n"
            "                 against the four identities and cross-table consistency; print every\n"
            "                 violation as TSV (kind, table, row, name, column, printed, expected, size).\n"
            "                 No database needed.\n"
            "  reproduce      compare a stored run (default: report.run_info(), the latest final month\n"
            "                 of the default methodology) with the report tables in DIR row by row.\n"
            "                 Each table's period is the periods file's (--periods FILE, default\n"
            "                 $GOVREACH_SHARE/conf/report/periods_2014.tsv: key, period, label, tables):\n"
            "                 a table on its month line, or on no line, is compared with that run; a\n"
            "                 table of another period with its methodology's latest run of that period\n"
            "                 (that run itself when there is none);\n"
            "                 print every difference as TSV (table, row, column, printed, computed,\n"
            "                 size, status) and one summary line per table. Differences named in the\n"
            "                 documented-differences files are marked \"documented\" and not counted:\n"
            "                 by default $GOVREACH_SHARE/tests/data/report/expected_violations.tsv (the\n"
            "                 report's own errors) and the doc lines of\n"
            "                 $GOVREACH_SHARE/simweb/report_2014.tsv (the calibrated scenario's\n"
            "                 contradictions); --documented FILE (repeatable) replaces them.\n"
            "\n"
            "options:\n"
            "  -m, --methodology FILE  methodology file (INI; see --help-methodology)\n"
            "  -p, --period PERIOD     2014-10, 2014-W46 or 2014-10-01..2014-10-31\n"
            "  -f, --force             score again even when an identical run exists\n"
            "      --final             declare the run final although its settle days have not passed\n"
            "      --pending           (run) score every month new observations touch\n"
            "      --explain           (run) print EXPLAIN (ANALYZE, BUFFERS) of each SQL step of the\n"
            "                          run, with its time, on stdout (the run is stored as usual)\n"
            "      --across-periods    (compare) allow runs of different periods\n"
            "      --run N             (reproduce) the run to compare\n"
            "      --documented FILE   (reproduce) a documented-differences file (repeatable)\n"
            "      --periods FILE      (reproduce) the report's periods (default\n"
            "                          $GOVREACH_SHARE/conf/report/periods_2014.tsv)\n"
            "  -d, --db CONNINFO       libpq conninfo; default db.conninfo (--config, --set or\n"
            "                          $GOVREACH_DB_CONNINFO), then the PG* environment, then the\n"
            "                          embedded cluster in $GOVREACH_VAR/pg\n"
            "      --help-methodology  every methodology parameter, its default and meaning\n"
            "\n"
            "environment: GOVREACH_DB_CONNINFO (database), GOVREACH_SHARE (where conf/ is),\n"
            "GR_LOG_LEVEL, GR_LOG_FORMAT=json; GOVREACH_SCORER_PAUSE_MS pauses between the SQL\n"
            "steps of a run inside its transaction (a test hook for the kill -9 test).\n"
            "\n"
            "exit status: 0 ok (check-report: no violation; reproduce: only documented differences);\n"
            "1 check-report found violations, reproduce found undocumented differences, or\n"
            "a month of run --pending failed to score (the others are scored);\n"
            "64 usage; 65 bad data (a malformed report table or periods file, named file:line;\n"
            "a run failing on data);\n"
            "66 missing input (methodology file, report directory, run number); 69 database\n"
            "unavailable; 70 internal error; 74 I/O error; 75 temporary failure, retry;\n"
            "78 bad methodology or configuration file (reported as file:line: message).\n\n",
            scorer_default_method_path());
    gr_prog_print_common_options(f);
    fputs("\nConfiguration keys:\n", f);
    gr_config_print_keys(keys, f);
}

static void usage(FILE *f);
static const struct gr_prog_def def = {
    "scorer", GR_LIB_PQ | GR_LIB_JANSSON | GR_LIB_INIH, usage, keys, sections, NULL,
};
static struct gr_prog prog;

static int usage_error(const char *msg) { return gr_prog_usage_error(&prog, msg); }

static int fail(enum gr_rc rc, const char *err)
{
    gr_error("%s", err);
    return gr_rc_exit(rc);
}

/* db: --db, else db.conninfo (which GOVREACH_DB_CONNINFO sets), else libpq's defaults */
static enum gr_rc connect_db(const char *db, PGconn **conn, char *err, size_t errlen)
{
    gr_db_set_timeout(GR_DB_STAGE_DEADLINE_MS);
    return gr_db_connect(db, conn, err, errlen);
}

static bool parse_run_id(const char *s, int64_t *out) { return gr_parse_i64(s, out) && *out > 0; }

#define MAX_DOCUMENTED 8

struct cli {
    const char *method_path, *period, *db;
    bool force, final, pending, across;
    int64_t run;
    const char *documented[MAX_DOCUMENTED + 1];
    int ndocumented;
    const char *periods;
    bool explain;
    const char *work_mem, *temp_buffers;   /* scorer.* keys */
    bool jit;
};

static int cmd_check_report(const char *dir)
{
    char err[2048] = "";
    size_t nviol = 0;
    enum gr_rc rc = scorer_check_report(dir, stdout, &nviol, err, sizeof err);

    fflush(stdout);
    if (rc)
        return fail(rc, err);
    if (nviol) {
        gr_notice("%zu violation(s) in the report tables of %s", nviol, dir);
        return 1;
    }
    gr_info("no violations in %s", dir);
    return 0;
}

static void print_run(const struct scorer_method *m, const struct scorer_period *p,
                      const struct scorer_run_result *r)
{
    if (r->skipped)
        printf("up to date: run %" PRId64 " (methodology %s %s, %s, same inputs)\n", r->run_id, m->name,
               m->version, p->label);
    else
        printf("run %" PRId64 ": methodology %s %s, %s (%s..%s), %s: %ld WeChat, %ld Weibo, %ld combined, "
               "%ld app listings\n",
               r->run_id, m->name, m->version, p->label, p->start, p->end, r->status, r->wechat, r->weibo,
               r->combined, r->listings);
    fflush(stdout);
}

static enum gr_rc run_one(PGconn *conn, const struct cli *cl, const struct scorer_method *m,
                          const struct scorer_period *p, unsigned pause_ms, char *err, size_t errlen)
{
    struct scorer_run_opts o;
    struct scorer_run_result r;
    enum gr_rc rc;

    memset(&o, 0, sizeof o);
    o.period_start = p->start;
    o.period_end = p->end;
    o.period_kind = p->kind;
    o.period_label = p->label;
    o.force = cl->force;
    o.final = cl->final;
    o.pause_ms = pause_ms;
    o.explain = cl->explain ? stdout : NULL;
    o.work_mem = cl->work_mem;
    o.temp_buffers = cl->temp_buffers;
    o.jit = cl->jit;
    rc = scorer_run(conn, m, &o, &r, err, errlen);
    if (!rc)
        print_run(m, p, &r);
    return rc;
}

/* run --pending and pending: the months new observations touch. */
static enum gr_rc run_pending(PGconn *conn, const struct cli *cl, const struct scorer_method *m, bool score,
                              unsigned pause_ms, int *failed, char *err, size_t errlen)
{
    struct scorer_pending pend;
    enum gr_rc rc = scorer_pending(conn, m, &pend, err, errlen), first = GR_OK;
    char e1[2048] = "";

    *failed = 0;
    if (rc)
        return rc;
    if (!score) {
        for (int i = 0; i < pend.n; i++)
            printf("%s\n", pend.months[i]);
        gr_info("%d month(s) touched by observations loaded since the last `scorer run --pending` of %s", pend.n,
                m->name);
        scorer_pending_free(&pend);
        return GR_OK;
    }
    if (pend.n == 0)
        gr_info("no period waits for scoring (methodology %s)", m->name);
    for (int i = 0; i < pend.n; i++) {
        struct scorer_period p;
        if (!scorer_period_month(pend.months[i], &p)) {
            snprintf(err, errlen, "internal: pending month \"%s\" is not YYYY-MM", pend.months[i]);
            scorer_pending_free(&pend);
            return GR_EINTERNAL;
        }
        rc = run_one(conn, cl, m, &p, pause_ms, e1, sizeof e1);
        if (rc) {
            gr_error("scoring %s failed: %s", p.label, e1);
            (*failed)++;
            if (!first) {
                first = rc;
                size_t k = (size_t)snprintf(err, errlen, "scoring %s failed: ", p.label);
                if (k < errlen)
                    snprintf(err + k, errlen - k, "%.*s", (int)(errlen - k - 1), e1);
            }
            /* a lost database fails every other month too */
            if (rc == GR_EUNAVAIL)
                break;
        }
    }
    if (!*failed)
        first = scorer_pending_done(conn, m, &pend, err, errlen);
    scorer_pending_free(&pend);
    return first;
}

static int cmd_run(const struct cli *cl, bool score)
{
    struct scorer_method m;
    struct scorer_period p;
    char err[2048] = "";
    const char *pause = getenv("GOVREACH_SCORER_PAUSE_MS"); /* test hook, see --help */
    int64_t pms = 0;
    int failed = 0;
    PGconn *conn = NULL;
    enum gr_rc rc;

    if (!score || cl->pending) {
        if (cl->period)
            return usage_error("--pending and pending take no --period: they find the periods themselves");
    } else if (!cl->period) {
        return usage_error("run needs --period (2014-10, 2014-W46 or 2014-10-01..2014-10-31) or --pending");
    } else if (!scorer_period_parse(cl->period, &p)) {
        return usage_error("--period must be YYYY-MM, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD with real dates, "
                           "start <= end");
    }
    if (pause && (!gr_parse_i64(pause, &pms) || pms < 0 || pms > 600000))
        return usage_error("GOVREACH_SCORER_PAUSE_MS must be 0..600000");
    scorer_method_init(&m);
    rc = scorer_method_load(&m, cl->method_path ? cl->method_path : scorer_default_method_path(), err,
                            sizeof err);
    if (!rc)
        rc = connect_db(cl->db, &conn, err, sizeof err);
    if (!rc && score && !cl->pending)
        rc = run_one(conn, cl, &m, &p, (unsigned)pms, err, sizeof err);
    else if (!rc)
        rc = run_pending(conn, cl, &m, score, (unsigned)pms, &failed, err, sizeof err);
    scorer_method_free(&m);
    PQfinish(conn);
    if (rc && failed && rc != GR_EUNAVAIL) {
        gr_error("%d month(s) failed to score; the others are scored", failed);
        return 1;
    }
    return rc ? fail(rc, err) : 0;
}

static int cmd_compare(const struct cli *cl, const char *ra, const char *rb)
{
    char err[2048] = "";
    int64_t a, b, cid;
    PGconn *conn = NULL;
    enum gr_rc rc;

    if (!parse_run_id(ra, &a) || !parse_run_id(rb, &b))
        return usage_error("compare takes two run numbers");
    rc = connect_db(cl->db, &conn, err, sizeof err);
    if (!rc)
        rc = scorer_compare(conn, a, b, cl->across, stdout, &cid, err, sizeof err);
    PQfinish(conn);
    return rc ? fail(rc, err) : 0;
}

static int cmd_reproduce(const struct cli *cl, const char *dir)
{
    char err[2048] = "", d1[1024], d2[1024], periods[1024];
    const char *defaults[3] = { d1, d2, NULL };
    size_t nfail = 0;
    PGconn *conn = NULL;
    enum gr_rc rc;

    snprintf(d1, sizeof d1, "%s/tests/data/report/expected_violations.tsv", gr_share_dir());
    snprintf(d2, sizeof d2, "%s/simweb/report_2014.tsv", gr_share_dir());
    snprintf(periods, sizeof periods, "%s/conf/report/periods_2014.tsv", gr_share_dir());
    rc = connect_db(cl->db, &conn, err, sizeof err);
    if (!rc)
        rc = scorer_reproduce(conn, dir, cl->run, cl->periods ? cl->periods : periods,
                              cl->ndocumented ? cl->documented : defaults, stdout, &nfail, err, sizeof err);
    PQfinish(conn);
    fflush(stdout);
    if (rc)
        return fail(rc, err);
    if (nfail) {
        gr_notice("%zu undocumented difference(s) between the run and the report tables of %s", nfail, dir);
        return 1;
    }
    gr_info("the run reproduces the report tables of %s up to the documented differences", dir);
    return 0;
}

static int cmd_list(const struct cli *cl)
{
    char err[2048] = "";
    PGconn *conn = NULL;
    enum gr_rc rc = connect_db(cl->db, &conn, err, sizeof err);

    if (!rc)
        rc = scorer_list(conn, stdout, err, sizeof err);
    PQfinish(conn);
    return rc ? fail(rc, err) : 0;
}

static int dispatch(const struct cli *clp, int nops, const char *const *ops);

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "methodology", required_argument, NULL, 'm' },
        { "period", required_argument, NULL, 'p' },
        { "force", no_argument, NULL, 'f' },
        { "db", required_argument, NULL, 'd' },
        { "help-methodology", no_argument, NULL, 'M' },
        { "final", no_argument, NULL, 'F' },
        { "pending", no_argument, NULL, 'P' },
        { "across-periods", no_argument, NULL, 'A' },
        { "run", required_argument, NULL, 'R' },
        { "documented", required_argument, NULL, 'D' },
        { "periods", required_argument, NULL, 'T' },
        { "explain", no_argument, NULL, 'X' },
        GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct cli cl = { NULL, NULL, NULL, false, false, false, false, 0, { NULL }, 0, NULL, false, NULL, NULL, false };
    int c, st;
    char m[256];

    if (gr_prog_init(&prog, &def, argc))
        return gr_prog_exit(&prog, gr_rc_exit(GR_ENOMEM));
    opterr = 0;
    /* GNU getopt permutes, so options may come before or after the command. */
    while ((c = getopt_long(argc, argv, ":m:p:fd:" GR_PROG_SHORTOPTS, opts, NULL)) != -1) {
        switch (c) {
        case 'm': cl.method_path = optarg; break;
        case 'p': cl.period = optarg; break;
        case 'f': cl.force = true; break;
        case 'F': cl.final = true; break;
        case 'P': cl.pending = true; break;
        case 'A': cl.across = true; break;
        case 'X': cl.explain = true; break;
        case 'T': cl.periods = optarg; break;
        case 'd': cl.db = optarg; break;
        case 'R':
            if (!parse_run_id(optarg, &cl.run))
                return gr_prog_exit(&prog, usage_error("--run takes a run number"));
            break;
        case 'D':
            if (cl.ndocumented == MAX_DOCUMENTED)
                return gr_prog_exit(&prog, usage_error("at most 8 --documented files"));
            cl.documented[cl.ndocumented++] = optarg;
            break;
        case 'M':
            printf("methodology keys (INI: [section] then key = value; see conf/methodology/2014.conf):\n");
            scorer_method_print_keys(stdout);
            return gr_prog_exit(&prog, 0);
        case '?': case ':':
            snprintf(m, sizeof m, "unknown option or missing value in \"%s\"", argv[optind - 1]);
            return gr_prog_exit(&prog, usage_error(m));
        default:
            if ((st = gr_prog_option(&prog, c, optarg)) >= 0)
                return gr_prog_exit(&prog, st);
        }
    }
    if ((st = gr_prog_setup(&prog)))
        return gr_prog_exit(&prog, st);
    if (!cl.db)
        cl.db = gr_config_get(prog.cfg, "db.conninfo");
    cl.work_mem = gr_config_get(prog.cfg, "scorer.work_mem");
    cl.temp_buffers = gr_config_get(prog.cfg, "scorer.temp_buffers");
    cl.jit = gr_config_bool(prog.cfg, "scorer.jit");
    st = dispatch(&cl, argc - optind, (const char *const *)argv + optind);
    return gr_prog_exit(&prog, st);
}

/* The command and its operands, after the options. */
static int dispatch(const struct cli *clp, int nops, const char *const *ops)
{
    const struct cli cl = *clp;
    char m[256];

    if (nops == 0)
        return usage_error("missing command (run, pending, compare, list, check-report or reproduce)");
    if (strcmp(ops[0], "check-report") == 0)
        return nops == 2 ? cmd_check_report(ops[1]) : usage_error("check-report takes one directory");
    if (strcmp(ops[0], "run") == 0)
        return nops == 1 ? cmd_run(&cl, true) : usage_error("run takes no operands");
    if (strcmp(ops[0], "pending") == 0)
        return nops == 1 ? cmd_run(&cl, false) : usage_error("pending takes no operands");
    if (strcmp(ops[0], "compare") == 0)
        return nops == 3 ? cmd_compare(&cl, ops[1], ops[2]) : usage_error("compare takes two run numbers");
    if (strcmp(ops[0], "reproduce") == 0)
        return nops == 2 ? cmd_reproduce(&cl, ops[1]) : usage_error("reproduce takes one directory");
    if (strcmp(ops[0], "list") == 0)
        return nops == 1 ? cmd_list(&cl) : usage_error("list takes no operands");
    snprintf(m, sizeof m, "unknown command \"%s\"", ops[0]);
    return usage_error(m);
}
