/* bin/govreach: the operator's command. `govreach nightly` runs the pipeline. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_config.h"
#include "gr_log.h"
#include "gr_util.h"
#include "nightly.h"

static const struct gr_config_key keys[] = {
    { "db.conninfo", GR_CFG_SECRET, NULL, 0, 0, "libpq conninfo; empty = PG* environment or the embedded cluster" },
    { "log.level", GR_CFG_STR, "warn", 0, 0, "debug, info, notice, warn or error (the driver's own messages)" },
    { "log.format", GR_CFG_STR, "text", 0, 0, "text or json" },
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
          "\n"
          "Runs the nightly pipeline: lock, loader migrate, loader targets (if configured), crawler\n"
          "(within a time budget), parser (new WARC files only), loader load (new TSV files only),\n"
          "scorer run --pending (every month the new observations touch). The stages' logs go to the log file; on success\n"
          "only the summary is printed (cron mails what is printed).\n"
          "\n"
          "Options:\n"
          "  -c, --config FILE      configuration file, also passed to every stage\n"
          "  -d, --db CONNINFO      libpq connection string (default: db.conninfo, PG* variables,\n"
          "                         else the embedded cluster in var/pg)\n"
          "      --set KEY=VAL      set a configuration key\n"
          "      --no-crawl         skip the crawl (parse, load and score what is in the spool)\n"
          "  -h, --help             show this help\n"
          "\n"
          "Exit status: 0 all went well; 1 finished with item-level failures (failed fetches,\n"
          "rejected pages, a failed scoring run); 75 another run holds the lock (its holder is named)\n"
          "or the run was interrupted; otherwise the failing stage's status: 65 bad data, 66 input\n"
          "missing, 69 database or network unavailable, 70 internal error, 74 I/O error, 78 bad\n"
          "configuration; 64 usage.\n"
          "\nConfiguration keys:\n",
          f);
    gr_config_print_keys(keys, f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "config", required_argument, NULL, 'c' }, { "db", required_argument, NULL, 'd' },
        { "set", required_argument, NULL, 's' },    { "no-crawl", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    struct gr_config *cfg;
    struct nightly_opts o = { 0 };
    char err[1024], bindir[4096], spool[2048], lock[4096], logf[4096];
    const char *config_path = getenv("GOVREACH_CONFIG");
    enum gr_rc rc = GR_OK;
    char *sets[64];
    int c, nsets = 0;

    gr_log_init("govreach");
    cfg = gr_config_new(keys, sections);
    if (!cfg)
        return gr_rc_exit(GR_ENOMEM);
    while ((c = getopt_long(argc, argv, "+c:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': config_path = optarg; break;
        case 'd': o.conninfo = optarg; break;
        case 's':
            if (nsets < 64)
                sets[nsets++] = optarg;
            break;
        case 'n': o.skip_crawl = true; break;
        case 'h': usage(stdout); gr_config_free(cfg); return 0;
        default: fputs("govreach: try --help\n", stderr); gr_config_free(cfg); return gr_rc_exit(GR_EUSAGE);
        }
    }
    if (optind != argc - 1 || strcmp(argv[optind], "nightly") != 0) {
        fputs("govreach: expected the command \"nightly\"; try --help\n", stderr);
        gr_config_free(cfg);
        return gr_rc_exit(GR_EUSAGE);
    }
    rc = gr_config_setup(cfg, config_path, sets, nsets, 0, err, sizeof err);
    if (rc) {
        fprintf(stderr, "govreach: %s\n", err);
        gr_config_free(cfg);
        return gr_rc_exit(rc);
    }
    {
        ssize_t k = readlink("/proc/self/exe", bindir, sizeof bindir - 1);
        char *slash;
        if (k <= 0) {
            fputs("govreach: cannot find its own directory\n", stderr);
            gr_config_free(cfg);
            return gr_rc_exit(GR_EINTERNAL);
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
    o.config_path = config_path && *config_path ? config_path : NULL;
    o.spool = spool;
    o.targets = gr_config_get(cfg, "nightly.targets");
    o.lock_file = lock;
    o.log_file = logf;
    o.crawl_budget = (int)gr_config_int(cfg, "nightly.crawl_budget");
    o.parse_jobs = (int)gr_config_int(cfg, "nightly.parse_jobs");
    rc = nightly_run(&o);
    gr_config_free(cfg);
    return gr_rc_exit(rc);
}
