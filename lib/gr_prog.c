#include "gr_prog.h"

#include <csv.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libdeflate.h>
#include <libpq-fe.h>
#include <libxml/xmlversion.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zlib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "gr_log.h"

#ifndef GR_INIH_VERSION
#define GR_INIH_VERSION "unknown"
#endif

enum gr_rc gr_prog_init(struct gr_prog *p, const struct gr_prog_def *def, int argc)
{
    memset(p, 0, sizeof *p);
    p->def = def;
    gr_log_init(def->name);
    /* every --set takes at least one argv slot; room for a few the program adds */
    p->capsets = (argc > 0 ? argc : 0) + 8;
    p->sets = calloc((size_t)p->capsets, sizeof *p->sets);
    if (!p->sets)
        return GR_ENOMEM;
    if (getenv("GOVREACH_CONFIG") && *getenv("GOVREACH_CONFIG"))
        p->config_path = getenv("GOVREACH_CONFIG");
    return GR_OK;
}

enum gr_rc gr_prog_add_set(struct gr_prog *p, char *set)
{
    if (p->nsets == p->capsets) {
        char **n = realloc(p->sets, (size_t)p->capsets * 2 * sizeof *n);
        if (!n)
            return GR_ENOMEM;
        p->sets = n;
        p->capsets *= 2;
    }
    p->sets[p->nsets++] = set;
    return GR_OK;
}

int gr_prog_usage_error(const struct gr_prog *p, const char *msg)
{
    fprintf(stderr, "%s: %s\ntry '%s --help'\n", p->def->name, msg, p->def->name);
    return gr_rc_exit(GR_EUSAGE);
}

int gr_prog_option(struct gr_prog *p, int c, const char *arg)
{
    char msg[512];

    switch (c) {
    case 'c': p->config_path = arg; return -1;
    case 'q': p->verbosity = -1; return -1;
    case 'v': p->verbosity = 1; return -1;
    case 'h':
        if (p->def->usage)
            p->def->usage(stdout);
        return 0;
    case 'V': gr_prog_print_version(p->def, stdout); return 0;
    case GR_PROG_OPT_SET:
        if (!strchr(arg, '=') || arg[0] == '=') {
            snprintf(msg, sizeof msg, "--set \"%s\" is not section.key=value", arg);
            return gr_prog_usage_error(p, msg);
        }
        /* getopt hands out argv itself: gr_config_setup may edit it in place */
        return gr_prog_add_set(p, (char *)arg) ? gr_rc_exit(GR_ENOMEM) : -1;
    default:
        /* getopt has named the option already (opterr) */
        fprintf(stderr, "try '%s --help'\n", p->def->name);
        return gr_rc_exit(GR_EUSAGE);
    }
}

int gr_prog_setup(struct gr_prog *p)
{
    char err[2048];
    enum gr_rc rc;

    p->cfg = gr_config_new(p->def->keys, p->def->sections);
    if (!p->cfg)
        return gr_rc_exit(GR_ENOMEM);
    rc = gr_config_setup(p->cfg, p->config_path, p->sets, p->nsets, p->verbosity, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s: %s\n", p->def->name, err);
        return gr_rc_exit(rc);
    }
    return 0;
}

int gr_prog_exit(struct gr_prog *p, int status)
{
    gr_config_free(p->cfg);
    free(p->sets);
    memset(p, 0, sizeof *p);
    return status;
}

void gr_prog_print_version(const struct gr_prog_def *def, FILE *f)
{
    unsigned l = def->libs;
    char buf[64];

    fprintf(f, "%s (govreach) %s\n", def->name, GR_VERSION);
    if (l & GR_LIB_CURL)
        fprintf(f, "libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
    if (l & GR_LIB_UV)
        fprintf(f, "libuv %s\n", uv_version_string());
    if (l & GR_LIB_XML2)
        fprintf(f, "libxml2 %s\n", LIBXML_DOTTED_VERSION);
    if (l & GR_LIB_PCRE2) {
        if (pcre2_config(PCRE2_CONFIG_VERSION, buf) < 0)
            snprintf(buf, sizeof buf, "unknown");
        fprintf(f, "PCRE2 %s\n", buf);
    }
    if (l & GR_LIB_PQ) {
        int v = PQlibVersion();
        fprintf(f, "libpq %d.%d\n", v / 10000, v % 10000);
    }
    if (l & GR_LIB_ZLIB)
        fprintf(f, "zlib %s\n", zlibVersion());
    if (l & GR_LIB_DEFLATE)
        fprintf(f, "libdeflate %s\n", LIBDEFLATE_VERSION_STRING);
    if (l & GR_LIB_JANSSON)
        fprintf(f, "jansson %s\n", jansson_version_str());
    if (l & GR_LIB_INIH)
        fprintf(f, "inih %s\n", GR_INIH_VERSION);
    if (l & GR_LIB_CSV)
        fprintf(f, "libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
    if (l & GR_LIB_CRYPTO)
        fprintf(f, "libcrypto %s\n", OpenSSL_version(OPENSSL_VERSION));
    if (def->more_versions)
        def->more_versions(f);
}

void gr_prog_print_common_options(FILE *f)
{
    fputs("Common options (every govreach program):\n"
          "  -c, --config FILE  configuration file (default: $GOVREACH_CONFIG if set); precedence:\n"
          "                     defaults < file < GOVREACH_SECTION_KEY environment < --set\n"
          "      --set S.K=V    set a configuration key (section.key=value; repeatable, no limit)\n"
          "  -q, --quiet        log warnings and errors only\n"
          "  -v, --verbose      log debug messages\n"
          "  -h, --help         show this help\n"
          "  -V, --version      show the version and the versions of the linked libraries\n",
          f);
}
