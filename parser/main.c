/* bin/parser: options and configuration, then parser_run(); exit codes here only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_config.h"
#include "gr_log.h"
#include "gr_rows.h"
#include "gr_util.h"
#include "parser.h"

static const struct gr_config_key keys[] = {
    { "log.level", GR_CFG_STR, "info", 0, 0, "debug, info, notice, warn or error" },
    { "log.format", GR_CFG_STR, "text", 0, 0, "text or json" },
    { "parser.jobs", GR_CFG_INT, "1", 1, 256, "worker processes (WARC files parsed in parallel)" },
    { "parser.out_dir", GR_CFG_STR, NULL, 0, 0, "output directory for TSV files (default <var>/spool/parsed)" },
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "log", "parser", NULL };

static void usage(FILE *f)
{
    fputs("usage: parser [OPTIONS] WARC...\n"
          "\n"
          "Parses crawled WARC files (.warc.gz with one gzip member per record, plain .warc, and\n"
          ".open files up to their last complete record) into PostgreSQL COPY-format TSV files,\n"
          "the loader's input (schema/003_obs.sql): for each WARC, OUT/<base>.<record_type>.tsv for\n"
          "wechat_article wechat_stat wechat_history weibo_account weibo_post app_listing and\n"
          "parse_reject (pages that gave no records, with the reason). Files are written to a\n"
          "temporary name and renamed when complete. A WARC whose outputs all exist and are newer\n"
          "is skipped, so reruns are cheap and change nothing.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR      output directory (default: config parser.out_dir, else <var>/spool/parsed)\n"
          "  -j, --jobs N       parse N WARC files in parallel (worker processes; output is the same\n"
          "                     for every N)\n"
          "      --verify       run the fast (PCRE2) and the DOM (libxml2) extractor on every page and\n"
          "                     report each disagreement with its WARC offset; exit 1 if any\n"
          "      --dom-only     use only the DOM extractor\n"
          "  -f, --force        parse even when the outputs are up to date\n"
          "  -c, --config FILE  configuration file (default: $GOVREACH_CONFIG if set)\n"
          "      --set KEY=VAL  set a configuration key (section.key)\n"
          "  -q, --quiet        log warnings and errors only\n"
          "  -v, --verbose      log debug messages\n"
          "  -h, --help         show this help\n"
          "\n"
          "Exit status: 0 ok (rejected pages are data, not failures), 1 --verify found disagreements,\n"
          "64 usage, 66 a WARC file is missing, 70 internal error, 74 I/O error (a file could not be\n"
          "read or written; the other files are still parsed), 75 interrupted by SIGINT/SIGTERM (the\n"
          "WARC being parsed gets no outputs; rerun to finish), 78 bad configuration.\n"
          "\nConfiguration keys:\n",
          f);
    gr_config_print_keys(keys, f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },    { "jobs", required_argument, NULL, 'j' },
        { "verify", no_argument, NULL, 'V' },       { "dom-only", no_argument, NULL, 'D' },
        { "force", no_argument, NULL, 'f' },        { "config", required_argument, NULL, 'c' },
        { "set", required_argument, NULL, 's' },    { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },      { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct gr_config *cfg;
    const char *config_path = getenv("GOVREACH_CONFIG");
    const char *out = NULL, *jobs = NULL;
    char err[1024], outbuf[4096];
    struct parser_opts o;
    struct parser_stats st;
    int quiet = 0, verbose = 0, c, nsets = 0;
    char *sets[64];
    enum gr_rc rc = GR_OK;

    memset(&o, 0, sizeof o);
    o.mode = GR_EXTRACT_AUTO;
    gr_log_init("parser");
    cfg = gr_config_new(keys, sections);
    if (!cfg)
        return gr_rc_exit(GR_ENOMEM);
    while ((c = getopt_long(argc, argv, "o:j:fc:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j': jobs = optarg; break;
        case 'V': o.mode = GR_EXTRACT_VERIFY; break;
        case 'D': o.mode = GR_EXTRACT_DOM; break;
        case 'f': o.force = true; break;
        case 'c': config_path = optarg; break;
        case 's':
            if (nsets < 64)
                sets[nsets++] = optarg;
            break;
        case 'q': quiet = 1; break;
        case 'v': verbose = 1; break;
        case 'h': usage(stdout); gr_config_free(cfg); return 0;
        default:
            fputs("parser: try --help\n", stderr);
            gr_config_free(cfg);
            return gr_rc_exit(GR_EUSAGE);
        }
    }
    if (optind >= argc) {
        fputs("parser: no WARC files given; try --help\n", stderr);
        gr_config_free(cfg);
        return gr_rc_exit(GR_EUSAGE);
    }
    if (jobs && nsets < 64) {
        /* -j N is --set parser.jobs=N, checked by the key table */
        static char jobset[64];
        snprintf(jobset, sizeof jobset, "parser.jobs=%s", jobs);
        sets[nsets++] = jobset;
    }
    rc = gr_config_setup(cfg, config_path, sets, nsets, quiet ? -1 : verbose, err, sizeof err);
    if (rc) {
        fprintf(stderr, "parser: %s\n", err);
        gr_config_free(cfg);
        /* a bad -j is a usage error; the rest is configuration */
        return gr_rc_exit(jobs && strstr(err, "parser.jobs") ? GR_EUSAGE : rc);
    }
    if (!out)
        out = gr_config_get(cfg, "parser.out_dir");
    if (!out || !*out) {
        snprintf(outbuf, sizeof outbuf, "%s/spool/parsed", gr_var_dir());
        out = outbuf;
    }
    o.out_dir = out;
    o.jobs = (int)gr_config_int(cfg, "parser.jobs");
    o.files = (const char *const *)(argv + optind);
    o.nfiles = (size_t)(argc - optind);
    rc = parser_run(&o, &st);
    gr_notice("%llu file(s) parsed, %llu skipped (up to date), %llu failed; %llu responses, "
              "%llu rows (article %llu, stat %llu, history %llu, weibo account %llu, post %llu, app %llu), "
              "%llu rejects, %llu redirects skipped; fast path %llu, DOM path %llu, disagreements %llu, WARC errors %llu",
              (unsigned long long)st.files, (unsigned long long)st.files_skipped, (unsigned long long)st.files_failed,
              (unsigned long long)st.responses,
              (unsigned long long)(st.rows[0] + st.rows[1] + st.rows[2] + st.rows[3] + st.rows[4] + st.rows[5]),
              (unsigned long long)st.rows[GR_REC_WECHAT_ARTICLE], (unsigned long long)st.rows[GR_REC_WECHAT_STAT],
              (unsigned long long)st.rows[GR_REC_WECHAT_HISTORY], (unsigned long long)st.rows[GR_REC_WEIBO_ACCOUNT],
              (unsigned long long)st.rows[GR_REC_WEIBO_POST], (unsigned long long)st.rows[GR_REC_APP_LISTING],
              (unsigned long long)st.rejects, (unsigned long long)st.redirects, (unsigned long long)st.fast, (unsigned long long)st.dom,
              (unsigned long long)st.disagreements, (unsigned long long)st.warc_errors);
    gr_config_free(cfg);
    return gr_rc_exit(rc);
}
