/* bin/parser: options and configuration, then parser_run(); exit codes here only. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_config.h"
#include "gr_log.h"
#include "gr_prog.h"
#include "gr_rows.h"
#include "gr_util.h"
#include "parser.h"

static const struct gr_config_key keys[] = {
    GR_PROG_KEYS_LOG("info"),
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
          "\n"
          "Exit status: 0 ok (rejected pages are data, not failures), 1 --verify found disagreements,\n"
          "64 usage, 66 a WARC file is missing, 70 internal error, 74 I/O error (a file could not be\n"
          "read or written; the other files are still parsed), 75 interrupted by SIGINT/SIGTERM (the\n"
          "WARC being parsed gets no outputs; rerun to finish), 78 bad configuration.\n"
          "\n",
          f);
    gr_prog_print_common_options(f);
    fputs("\nConfiguration keys:\n", f);
    gr_config_print_keys(keys, f);
}

int main(int argc, char **argv)
{
    static const struct gr_prog_def def = {
        "parser", GR_LIB_XML2 | GR_LIB_PCRE2 | GR_LIB_ZLIB | GR_LIB_DEFLATE | GR_LIB_JANSSON | GR_LIB_INIH,
        usage, keys, sections, NULL,
    };
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },    { "jobs", required_argument, NULL, 'j' },
        { "verify", no_argument, NULL, 'P' },       { "dom-only", no_argument, NULL, 'D' },
        { "force", no_argument, NULL, 'f' },        GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    struct gr_prog p;
    struct gr_config *cfg;
    const char *out = NULL;
    char outbuf[4096], jobset[64];
    struct parser_opts o;
    struct parser_stats st;
    int64_t jobs;
    int c, status;
    enum gr_rc rc = GR_OK;

    memset(&o, 0, sizeof o);
    o.mode = GR_EXTRACT_AUTO;
    if (gr_prog_init(&p, &def, argc))
        return gr_prog_exit(&p, gr_rc_exit(GR_ENOMEM));
    while ((c = getopt_long(argc, argv, "o:j:f" GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j':
            /* -j N is --set parser.jobs=N, but a bad N is a usage error */
            if (!gr_parse_i64(optarg, &jobs) || jobs < 1 || jobs > 256)
                return gr_prog_exit(&p, gr_prog_usage_error(&p, "-j wants a number of processes from 1 to 256"));
            snprintf(jobset, sizeof jobset, "parser.jobs=%lld", (long long)jobs);
            if (gr_prog_add_set(&p, jobset))
                return gr_prog_exit(&p, gr_rc_exit(GR_ENOMEM));
            break;
        case 'P': o.mode = GR_EXTRACT_VERIFY; break;
        case 'D': o.mode = GR_EXTRACT_DOM; break;
        case 'f': o.force = true; break;
        default:
            if ((status = gr_prog_option(&p, c, optarg)) >= 0)
                return gr_prog_exit(&p, status);
        }
    }
    if (optind >= argc)
        return gr_prog_exit(&p, gr_prog_usage_error(&p, "no WARC files given"));
    if ((status = gr_prog_setup(&p)))
        return gr_prog_exit(&p, status);
    cfg = p.cfg;
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
    {
        char per[512];
        size_t k = 0;
        uint64_t total = 0;
        for (int t = 0; t < GR_REC_PARSE_REJECT; t++) {
            total += st.rows[t];
            k += (size_t)snprintf(per + k, k < sizeof per ? sizeof per - k : 0, "%s%s %llu", t ? ", " : "",
                                  gr_rec_name((enum gr_rec_type)t), (unsigned long long)st.rows[t]);
        }
        gr_notice("%llu file(s) parsed, %llu skipped (up to date), %llu failed; %llu responses, %llu rows (%s), "
                  "%llu rejects, %llu redirects skipped; fast path %llu, DOM path %llu, disagreements %llu, "
                  "WARC errors %llu",
                  (unsigned long long)st.files, (unsigned long long)st.files_skipped,
                  (unsigned long long)st.files_failed, (unsigned long long)st.responses, (unsigned long long)total,
                  per, (unsigned long long)st.rejects, (unsigned long long)st.redirects,
                  (unsigned long long)st.fast, (unsigned long long)st.dom, (unsigned long long)st.disagreements,
                  (unsigned long long)st.warc_errors);
    }
    return gr_prog_exit(&p, gr_rc_exit(rc));
}
