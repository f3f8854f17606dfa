/* bin/crawler: options and configuration, then crawler_run(). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "crawler.h"
#include "gr_config.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_prog.h"
#include "gr_util.h"

static void usage(FILE *f)
{
    fputs("usage: crawler [--db CONNINFO] [--config FILE] [--out DIR] [--connect-to ADDR:PORT]\n"
          "               [--max-pages N] [--time-budget SECONDS] [--concurrency N]\n"
          "               [--set section.key=value]... [--urls FILE] [--help] [--help-config] [--version]\n"
          "\n"
          "Fetches what is due in the Postgres frontier (crawl.frontier), politely, and writes\n"
          "WARC/1.1 files (one gzip member per record) to spool/warc/ under $GOVREACH_VAR, or --out.\n"
          "Several crawler processes may share one frontier. With --urls FILE it crawls a URL list\n"
          "(lines \"URL\" or \"METHOD URL [BODY]\") into WARC without a database.\n"
          "\n"
          "  --db CONNINFO        libpq conninfo (else db.conninfo, PG* variables, embedded cluster)\n"
          "  --out DIR            WARC directory\n"
          "  --connect-to A:P     connect every host to A:P, keeping URL host names (simulated web);\n"
          "                       a comma list may put curl HOST:PORT:ADDR:PORT entries first\n"
          "  --max-pages N        stop claiming after N pages\n"
          "  --time-budget S      stop claiming after S seconds, then finish in-flight transfers\n"
          "  --concurrency N      transfers in flight in this process\n"
          "  --urls FILE          crawl a URL list without a database ('-' = stdin)\n"
          "  --help-config        list every configuration key\n"
          "\n"
          "SIGINT/SIGTERM: stop claiming and let in-flight transfers finish for\n"
          "crawler.grace_seconds; a second signal releases them at once. Leases of a killed\n"
          "crawler expire and another run takes them.\n"
          "\n"
          "Exit status: 0 done, complete; 1 finished with items failed or work left (the summary\n"
          "counts both by reason); 64 usage; 65 bad data; 66 missing input; 69 database or network\n"
          "unavailable; 70 internal error; 74 I/O error (WARC); 75 interrupted or temporary\n"
          "failure (safe to rerun); 78 bad configuration.\n"
          "\n",
          f);
    gr_prog_print_common_options(f);
}

int main(int argc, char **argv)
{
    /* the key table is built from the sources' tables */
    const struct gr_prog_def def = {
        "crawler",
        GR_LIB_CURL | GR_LIB_UV | GR_LIB_XML2 | GR_LIB_PCRE2 | GR_LIB_PQ | GR_LIB_ZLIB | GR_LIB_DEFLATE |
            GR_LIB_JANSSON | GR_LIB_INIH,
        usage, crawler_config_keys(), crawler_config_sections(), NULL,
    };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "out", required_argument, NULL, 'o' },
        { "connect-to", required_argument, NULL, 't' },
        { "max-pages", required_argument, NULL, 'm' },
        { "time-budget", required_argument, NULL, 'b' },
        { "concurrency", required_argument, NULL, 'n' },
        { "urls", required_argument, NULL, 'u' },
        { "help-config", no_argument, NULL, 'H' },
        GR_PROG_LONGOPTS,
        { NULL, 0, NULL, 0 }
    };
    struct gr_prog p;
    struct crawler_opts o;
    struct crawler_summary sum;
    struct gr_config *cfg;
    char err[2048];
    enum gr_rc rc;
    int c, status = 0;
    int64_t i;
    double d;

    memset(&o, 0, sizeof o);
    if (!def.keys || !def.sections) {
        fprintf(stderr, "crawler: out of memory building the configuration keys\n");
        return gr_rc_exit(GR_ENOMEM);
    }
    if (gr_prog_init(&p, &def, argc))
        return gr_prog_exit(&p, gr_rc_exit(GR_ENOMEM));
    while ((c = getopt_long(argc, argv, GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'o': o.out_dir = optarg; break;
        case 't': o.connect_to = optarg; break;
        case 'u': o.urls_file = optarg; break;
        case 'm':
            if (!gr_parse_i64(optarg, &i) || i < 0) {
                snprintf(err, sizeof err, "--max-pages \"%s\" is not a count", optarg);
                return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
            }
            o.max_pages = i;
            break;
        case 'b':
            if (!gr_parse_double(optarg, &d) || d < 0) {
                snprintf(err, sizeof err, "--time-budget \"%s\" is not a number of seconds", optarg);
                return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
            }
            o.time_budget = d;
            break;
        case 'n':
            if (!gr_parse_i64(optarg, &i) || i < 1 || i > 4096) {
                snprintf(err, sizeof err, "--concurrency \"%s\" is not in 1..4096", optarg);
                return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
            }
            o.concurrency = (int)i;
            break;
        case 'H':
            printf("Configuration keys (file < environment GOVREACH_SECTION_KEY < --set):\n");
            gr_config_print_keys(def.keys, stdout);
            return gr_prog_exit(&p, 0);
        default:
            if ((status = gr_prog_option(&p, c, optarg)) >= 0)
                return gr_prog_exit(&p, status);
        }
    }
    if (optind < argc) {
        snprintf(err, sizeof err, "unexpected argument \"%s\"", argv[optind]);
        return gr_prog_exit(&p, gr_prog_usage_error(&p, err));
    }
    if ((status = gr_prog_setup(&p)))
        return gr_prog_exit(&p, status);
    cfg = p.cfg;
    if (!o.db)
        o.db = gr_config_get(cfg, "db.conninfo");
    o.cfg = cfg;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "crawler: curl_global_init failed\n");
        return gr_prog_exit(&p, gr_rc_exit(GR_EINTERNAL));
    }
    rc = crawler_run(&o, &sum, err, sizeof err);
    if (sum.seconds > 0)
        gr_notice("summary: %llu pages, %llu bytes, %llu errors (%llu retried, %llu failed, %llu robots-blocked, "
              "%llu truncated, %llu released), %llu links found, %.1f s; statuses %s; errors by host %s",
              (unsigned long long)sum.pages, (unsigned long long)sum.bytes, (unsigned long long)sum.errors,
              (unsigned long long)sum.retries, (unsigned long long)sum.failed, (unsigned long long)sum.blocked,
              (unsigned long long)sum.truncated, (unsigned long long)sum.released,
              (unsigned long long)sum.links_found, sum.seconds, sum.status_json ? sum.status_json : "{}",
              sum.errors_by_host_json ? sum.errors_by_host_json : "{}");
    if (sum.seconds > 0 && (sum.pending || sum.failed))
        gr_notice("%s: %llu pending (%llu leased, %llu retries, %llu waiting on their host, %llu due, "
                  "%llu behind an unreachable robots.txt), "
                  "%llu failed by reason %s",
                  sum.pending ? "incomplete" : "complete", (unsigned long long)sum.pending,
                  (unsigned long long)sum.pending_leased, (unsigned long long)sum.pending_retry,
                  (unsigned long long)sum.pending_host_wait, (unsigned long long)sum.pending_due,
                  (unsigned long long)sum.pending_robots, (unsigned long long)sum.failed, sum.failed_json ? sum.failed_json : "{}");
    /* Items failed, or work due before the end was left undone (retries,
     * leases, a host's Retry-After, the budget or --max-pages running out):
     * the crawl is not complete, and says so with exit 1. */
    if (!rc && (sum.waits_left || sum.failed || sum.pending))
        rc = GR_EPARTIAL;
    if (rc && rc != GR_ETEMP && rc != GR_EPARTIAL)
        gr_error("%s", err);
    else if (rc == GR_ETEMP)
        gr_notice("interrupted: rerun to finish the crawl");
    status = gr_rc_exit(rc);
    free(sum.status_json);
    free(sum.errors_by_host_json);
    free(sum.failed_json);
    curl_global_cleanup();
    return gr_prog_exit(&p, status);
}
