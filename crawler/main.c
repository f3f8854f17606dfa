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
#include "gr_util.h"

static void usage(FILE *f)
{
    fputs("usage: crawler [--db CONNINFO] [--config FILE] [--out DIR] [--connect-to ADDR:PORT]\n"
          "               [--max-pages N] [--time-budget SECONDS] [--concurrency N]\n"
          "               [--set section.key=value]... [--urls FILE] [--help] [--help-config]\n"
          "\n"
          "Fetches what is due in the Postgres frontier (crawl.frontier), politely, and writes\n"
          "WARC/1.1 files (one gzip member per record) to spool/warc/ under $GOVREACH_VAR, or --out.\n"
          "Several crawler processes may share one frontier. With --urls FILE it crawls a URL list\n"
          "(lines \"URL\" or \"METHOD URL [BODY]\") into WARC without a database.\n"
          "\n"
          "  --db CONNINFO        libpq conninfo (else db.conninfo, PG* variables, embedded cluster)\n"
          "  --config FILE        INI configuration (default: $GOVREACH_CONFIG if set)\n"
          "  --out DIR            WARC directory\n"
          "  --connect-to A:P     connect every host to A:P, keeping URL host names (simulated web);\n"
          "                       a comma list may put curl HOST:PORT:ADDR:PORT entries first\n"
          "  --max-pages N        stop claiming after N pages\n"
          "  --time-budget S      stop claiming after S seconds, then finish in-flight transfers\n"
          "  --concurrency N      transfers in flight in this process\n"
          "  --set S.K=V          set a configuration key (highest precedence)\n"
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
          "failure (safe to rerun); 78 bad configuration.\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "config", required_argument, NULL, 'c' },
        { "out", required_argument, NULL, 'o' },
        { "connect-to", required_argument, NULL, 't' },
        { "max-pages", required_argument, NULL, 'm' },
        { "time-budget", required_argument, NULL, 'b' },
        { "concurrency", required_argument, NULL, 'n' },
        { "set", required_argument, NULL, 's' },
        { "urls", required_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { "help-config", no_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 }
    };
    struct crawler_opts o;
    struct crawler_summary sum;
    struct gr_config *cfg = NULL;
    const char *config_file = NULL;
    char **sets = NULL;
    size_t nsets = 0;
    char err[2048];
    enum gr_rc rc;
    int c, status = 0;
    int64_t i;
    double d;
    enum gr_log_level lvl;
    const char *v;

    gr_log_init("crawler");
    memset(&o, 0, sizeof o);
    sets = calloc((size_t)argc, sizeof *sets);
    if (!sets)
        return 70;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; break;
        case 'c': config_file = optarg; break;
        case 'o': o.out_dir = optarg; break;
        case 't': o.connect_to = optarg; break;
        case 'u': o.urls_file = optarg; break;
        case 's': sets[nsets++] = optarg; break;
        case 'm':
            if (!gr_parse_i64(optarg, &i) || i < 0) {
                fprintf(stderr, "crawler: --max-pages \"%s\" is not a count\ntry 'crawler --help'\n", optarg);
                free(sets);
                return 64;
            }
            o.max_pages = i;
            break;
        case 'b':
            if (!gr_parse_double(optarg, &d) || d < 0) {
                fprintf(stderr, "crawler: --time-budget \"%s\" is not a number of seconds\ntry 'crawler --help'\n",
                        optarg);
                free(sets);
                return 64;
            }
            o.time_budget = d;
            break;
        case 'n':
            if (!gr_parse_i64(optarg, &i) || i < 1 || i > 4096) {
                fprintf(stderr, "crawler: --concurrency \"%s\" is not in 1..4096\ntry 'crawler --help'\n", optarg);
                free(sets);
                return 64;
            }
            o.concurrency = (int)i;
            break;
        case 'h':
            usage(stdout);
            free(sets);
            return 0;
        case 'H':
            printf("Configuration keys (file < environment GOVREACH_SECTION_KEY < --set):\n");
            gr_config_print_keys(crawler_config_keys, stdout);
            free(sets);
            return 0;
        default:
            fprintf(stderr, "try 'crawler --help'\n");
            free(sets);
            return 64;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "crawler: unexpected argument \"%s\"\ntry 'crawler --help'\n", argv[optind]);
        free(sets);
        return 64;
    }

    cfg = gr_config_new(crawler_config_keys, crawler_config_sections);
    if (!cfg) {
        free(sets);
        return 70;
    }
    rc = GR_OK;
    /* As every program: --config FILE, else $GOVREACH_CONFIG, else none. */
    if (!config_file && getenv("GOVREACH_CONFIG") && *getenv("GOVREACH_CONFIG"))
        config_file = getenv("GOVREACH_CONFIG");
    if (config_file)
        rc = gr_config_load_file(cfg, config_file, false, err, sizeof err);
    if (!rc)
        rc = gr_config_load_env(cfg, err, sizeof err);
    for (size_t k = 0; !rc && k < nsets; k++) {
        char *eq = strchr(sets[k], '=');
        if (!eq) {
            fprintf(stderr, "crawler: --set \"%s\" is not section.key=value\ntry 'crawler --help'\n", sets[k]);
            gr_config_free(cfg);
            free(sets);
            return 64;
        }
        *eq = '\0';
        rc = gr_config_set(cfg, sets[k], eq + 1, err, sizeof err);
    }
    free(sets);
    if (rc) {
        fprintf(stderr, "crawler: %s\n", err);
        gr_config_free(cfg);
        return gr_rc_exit(rc);
    }
    v = gr_config_get(cfg, "log.level");
    if (v && getenv("GR_LOG_LEVEL") == NULL) {
        if (!gr_log_parse_level(v, &lvl)) {
            fprintf(stderr, "crawler: %s: log.level \"%s\" is not debug/info/notice/warn/error\n",
                    gr_config_origin(cfg, "log.level"), v);
            gr_config_free(cfg);
            return 78;
        }
        gr_log_set_level(lvl);
    }
    v = gr_config_get(cfg, "log.format");
    if (v && strcmp(v, "json") == 0)
        gr_log_set_json(true);
    if (!o.db)
        o.db = gr_config_get(cfg, "db.conninfo");
    o.cfg = cfg;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "crawler: curl_global_init failed\n");
        gr_config_free(cfg);
        return 70;
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
    gr_config_free(cfg);
    return status;
}
