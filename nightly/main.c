/* bin/govreach: the operator's command. `govreach nightly` runs the pipeline;
 * `govreach report` writes the HTML report (nightly/report.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_config.h"
#include "gr_log.h"
#include "gr_prog.h"
#include "gr_util.h"
#include "nightly.h"
#include "report.h"

static const struct gr_config_key keys[] = {
    GR_PROG_KEY_DB,
    GR_PROG_KEYS_LOG("warn"),     /* the driver's own messages */
    { "nightly.spool", GR_CFG_STR, NULL, 0, 0, "spool directory for WARC and TSV files (default <var>/spool)" },
    { "nightly.targets", GR_CFG_STR, NULL, 0, 0, "target list directory loaded at the start of each run (optional)" },
    { "nightly.crawl_budget", GR_CFG_INT, "3600", 1, 86400 * 7, "seconds the crawl may take before it stops claiming" },
    { "nightly.parse_jobs", GR_CFG_INT, "2", 1, 256, "parser processes (-j)" },
    { "nightly.lock_file", GR_CFG_STR, NULL, 0, 0, "flock(2) file (default <spool>/nightly.lock)" },
    { "nightly.log_file", GR_CFG_STR, NULL, 0, 0, "the stages' log (default <var>/log/nightly.log)" },
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "nightly", NULL };

static void usage(FILE *f)
{
    fputs("usage: govreach [OPTIONS] nightly\n"
          "       govreach [OPTIONS] report [--period P] [--methodology M] [--html-rows N] --out DIR\n"
          "       govreach [OPTIONS] report --spool DIR\n"
          "\n"
          "Runs the nightly pipeline: lock, loader migrate, loader targets (if configured), crawler\n"
          "(within a time budget), parser (new WARC files only), loader load (new TSV files only),\n"
          "scorer run --pending (every month the new observations touch). The stages' logs go to the\n"
          "log file; on success\n"
          "only the summary is printed (cron mails what is printed). The last step writes the HTML\n"
          "report of the latest final period to <spool>/report/latest/ and of the month in progress\n"
          "(marked provisional) to <spool>/report/provisional/.\n"
          "\n"
          "report writes a static report that opens from disk (file://DIR/index.html, no server, no\n"
          "network): every report table as HTML and as CSV (DIR/csv/, UTF-8 with BOM), the page's data\n"
          "as DIR/data.json, charts (ECharts, copied into DIR/assets/). It reads the report.* views and\n"
          "functions only, in one read-only transaction.\n"
          "  --period P             'final' (default: the latest final month), 'provisional' (the month\n"
          "                         in progress), YYYY-MM, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD\n"
          "  --methodology M        a methodology name (default: the default methodology)\n"
          "  --out DIR              where to write (created when missing)\n"
          "  --html-rows N          rows of each table shown in the page (default 100; 0 = all);\n"
          "                         the CSV files always have every row\n"
          "  --spool DIR            the nightly layout: DIR/report/latest/ and DIR/report/provisional/\n"
          "\n"
          "Options (the configuration file of --config is also passed to every stage):\n"
          "  -d, --db CONNINFO      libpq connection string (default: db.conninfo, PG* variables,\n"
          "                         else the embedded cluster in var/pg)\n"
          "      --no-crawl         skip the crawl (parse, load and score what is in the spool)\n"
          "\n"
          "Exit status: 0 all went well; 1 finished with item-level failures (failed fetches,\n"
          "rejected pages, a failed scoring run); 75 another run holds the lock (its holder is named)\n"
          "or the run was interrupted; otherwise the failing stage's status: 65 bad data, 66 input\n"
          "missing, 69 database or network unavailable, 70 internal error, 74 I/O error, 78 bad\n"
          "configuration; 64 usage. report: 0 written; 66 no scoring run for that period and\n"
          "methodology, or the assets are missing (run scripts/deps.sh); 65 a bad period; 69 database\n"
          "unavailable; 74 I/O error.\n"
          "\n",
          f);
    gr_prog_print_common_options(f);
    fputs("\nConfiguration keys:\n", f);
    gr_config_print_keys(keys, f);
}

static const struct gr_prog_def def = {
    "govreach", GR_LIB_PQ | GR_LIB_JANSSON | GR_LIB_CSV | GR_LIB_INIH, usage, keys, sections, NULL,
};

/* govreach report ...: argv[0] is "report"; p has the options given before
 * it, and takes the common ones given after it (--config, --set, --help,
 * --version); the configuration is loaded here, after them. Returns the exit
 * status. */
static int report_main(struct gr_prog *p, int argc, char **argv, const char *conninfo)
{
    static const struct option longopts[] = {
        { "period", required_argument, NULL, 'p' },    { "methodology", required_argument, NULL, 'm' },
        { "out", required_argument, NULL, 'o' },       { "spool", required_argument, NULL, 'S' },
        { "html-rows", required_argument, NULL, 'r' }, GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct report_opts ro = { conninfo, NULL, NULL, NULL, 100 };
    const char *spool = NULL;
    char err[1024], detail[2048];
    enum gr_rc rc;
    int64_t rows;
    int c, st;

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:m:o:" GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'p': ro.period = strcmp(optarg, "final") == 0 ? NULL : optarg; break;
        case 'm': ro.methodology = optarg; break;
        case 'o': ro.out_dir = optarg; break;
        case 'S': spool = optarg; break;
        case 'r':
            if (!gr_parse_i64(optarg, &rows) || rows < 0 || rows > 10000000) {
                snprintf(err, sizeof err, "--html-rows wants a number of rows, not \"%s\"", optarg);
                return gr_prog_usage_error(p, err);
            }
            ro.html_rows = (int)rows;
            break;
        default:
            if ((st = gr_prog_option(p, c, optarg)) >= 0)
                return st;
        }
    }
    if (optind != argc || (!ro.out_dir) == (!spool) ||
        (spool && (ro.period || ro.methodology)))
        return gr_prog_usage_error(p, "report wants --out DIR (or --spool DIR alone)");
    if ((st = gr_prog_setup(p)))
        return st;
    if (!conninfo)
        ro.conninfo = conninfo = gr_config_get(p->cfg, "db.conninfo");
    if (spool) {
        rc = report_nightly(conninfo, spool, detail, sizeof detail, err, sizeof err);
        if (!rc)
            printf("govreach report: %s\n", detail);
    } else {
        rc = report_write(&ro, detail, sizeof detail, err, sizeof err);
        if (!rc)
            printf("govreach report: %s/index.html (%s)\n", ro.out_dir, detail);
    }
    if (rc)
        fprintf(stderr, "govreach: report: %s\n", err);
    return gr_rc_exit(rc);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' }, { "no-crawl", no_argument, NULL, 'n' }, GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct gr_prog p;
    struct gr_config *cfg;
    struct nightly_opts o = { 0 };
    char bindir[4096], spool[2048], lock[4096], logf[4096];
    enum gr_rc rc = GR_OK;
    int c, status;

    if (gr_prog_init(&p, &def, argc))
        return gr_prog_exit(&p, gr_rc_exit(GR_ENOMEM));
    while ((c = getopt_long(argc, argv, "+d:" GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.conninfo = optarg; break;
        case 'n': o.skip_crawl = true; break;
        default:
            if ((status = gr_prog_option(&p, c, optarg)) >= 0)
                return gr_prog_exit(&p, status);
        }
    }
    if (optind < argc && strcmp(argv[optind], "report") == 0)
        return gr_prog_exit(&p, report_main(&p, argc - optind, argv + optind, o.conninfo));
    if (optind != argc - 1 || strcmp(argv[optind], "nightly") != 0)
        return gr_prog_exit(&p, gr_prog_usage_error(&p, "expected the command \"nightly\" or \"report\""));
    if ((status = gr_prog_setup(&p)))
        return gr_prog_exit(&p, status);
    cfg = p.cfg;
    {
        ssize_t k = readlink("/proc/self/exe", bindir, sizeof bindir - 1);
        char *slash;
        if (k <= 0) {
            fputs("govreach: cannot find its own directory\n", stderr);
            return gr_prog_exit(&p, gr_rc_exit(GR_EINTERNAL));
        }
        bindir[k] = '\0';
        slash = strrchr(bindir, '/');
        if (slash)
            *slash = '\0';
    }
    snprintf(spool, sizeof spool, "%s", gr_config_get(cfg, "nightly.spool") ? gr_config_get(cfg, "nightly.spool")
                                                                              : "");
    if (!*spool)
        snprintf(spool, sizeof spool, "%s/spool", gr_var_dir());
    if (gr_config_get(cfg, "nightly.lock_file"))
        snprintf(lock, sizeof lock, "%s", gr_config_get(cfg, "nightly.lock_file"));
    else
        snprintf(lock, sizeof lock, "%s/nightly.lock", spool);
    if (gr_config_get(cfg, "nightly.log_file"))
        snprintf(logf, sizeof logf, "%s", gr_config_get(cfg, "nightly.log_file"));
    else
        snprintf(logf, sizeof logf, "%s/log/nightly.log", gr_var_dir());
    if (!o.conninfo)
        o.conninfo = gr_config_get(cfg, "db.conninfo");
    o.bindir = bindir;
    o.config_path = p.config_path && *p.config_path ? p.config_path : NULL;
    o.spool = spool;
    o.targets = gr_config_get(cfg, "nightly.targets");
    o.lock_file = lock;
    o.log_file = logf;
    o.crawl_budget = (int)gr_config_int(cfg, "nightly.crawl_budget");
    o.parse_jobs = (int)gr_config_int(cfg, "nightly.parse_jobs");
    rc = nightly_run(&o);
    return gr_prog_exit(&p, gr_rc_exit(rc));
}
