/* The program skeleton every govreach program's main.c is built on: the
 * common options (--config, --set without a cap, --quiet, --verbose, --help,
 * --version), the configuration set-up in the documented precedence, and the
 * exit status from the one table (gr_rc_exit in gr_err.c).
 *
 * A main.c declares a struct gr_prog_def, puts GR_PROG_LONGOPTS and
 * GR_PROG_SHORTOPTS into its getopt_long() tables and hands every option it
 * does not know to gr_prog_option():
 *
 *     static const struct gr_prog_def def = { "parser", GR_LIB_XML2 | ..., usage, keys, sections };
 *     struct gr_prog p;
 *     if (gr_prog_init(&p, &def, argc))
 *         return gr_rc_exit(GR_ENOMEM);
 *     while ((c = getopt_long(argc, argv, "o:j:" GR_PROG_SHORTOPTS, longopts, NULL)) != -1)
 *         switch (c) {
 *         case 'o': ...; break;
 *         default: if ((st = gr_prog_option(&p, c, optarg)) >= 0) return gr_prog_exit(&p, st);
 *         }
 *     if ((st = gr_prog_setup(&p)))
 *         return gr_prog_exit(&p, st);
 *     ... p.cfg ...
 *     return gr_prog_exit(&p, gr_rc_exit(rc));
 *
 * This is the one part of lib/ that sees argv: the options every program
 * shares are parsed once, here. */
#ifndef GR_PROG_H
#define GR_PROG_H

#include <getopt.h>
#include <stdio.h>

#include "gr_config.h"
#include "gr_err.h"

#define GR_VERSION "0.1"

/* The libraries a program links, for --version (each asked for its own
 * version at run time where it has a call for it). */
enum gr_prog_lib {
    GR_LIB_CURL = 1 << 0,
    GR_LIB_UV = 1 << 1,
    GR_LIB_XML2 = 1 << 2,
    GR_LIB_PCRE2 = 1 << 3,
    GR_LIB_PQ = 1 << 4,
    GR_LIB_ZLIB = 1 << 5,
    GR_LIB_DEFLATE = 1 << 6,
    GR_LIB_JANSSON = 1 << 7,
    GR_LIB_INIH = 1 << 8,
    GR_LIB_CSV = 1 << 9,
    GR_LIB_CRYPTO = 1 << 10,
};

struct gr_prog_def {
    const char *name;                       /* "parser": log prefix and messages */
    unsigned libs;                          /* enum gr_prog_lib bits */
    void (*usage)(FILE *f);                 /* the program's --help text */
    const struct gr_config_key *keys;       /* its key table (gr_config.h) */
    const char *const *sections;            /* the sections it checks */
    /* Optional: prints more "library version" lines (a library lib/ does not
     * link, e.g. simweb's libmicrohttpd). */
    void (*more_versions)(FILE *f);
};

struct gr_prog {
    const struct gr_prog_def *def;
    struct gr_config *cfg;      /* NULL until gr_prog_setup() */
    const char *config_path;    /* --config, else $GOVREACH_CONFIG, else NULL */
    char **sets;                /* every --set, in order (no cap) */
    int nsets, capsets;
    int verbosity;              /* -1 --quiet, 1 --verbose */
};

/* The common keys, for a program's key table: the database and the logger. */
#define GR_PROG_KEY_DB                                                                                      \
    { "db.conninfo", GR_CFG_SECRET, NULL, 0, 0, "libpq conninfo; empty = PG* environment or the embedded cluster" }
#define GR_PROG_KEYS_LOG(default_level)                                                                      \
    { "log.level", GR_CFG_STR, default_level, 0, 0, "debug, info, notice, warn or error" },                  \
    { "log.format", GR_CFG_STR, "text", 0, 0, "text or json" }

/* Option codes of the long-only common options (above any character). */
enum { GR_PROG_OPT_SET = 0x4700, GR_PROG_OPT_VERSION };

#define GR_PROG_SHORTOPTS "c:qvhV"
#define GR_PROG_LONGOPTS                                                                      \
    { "config", required_argument, NULL, 'c' }, { "set", required_argument, NULL, GR_PROG_OPT_SET }, \
    { "quiet", no_argument, NULL, 'q' }, { "verbose", no_argument, NULL, 'v' },                  \
    { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }

/* Calls gr_log_init(def->name) and prepares p; argc bounds the number of
 * --set options. GR_OK or GR_ENOMEM. */
enum gr_rc gr_prog_init(struct gr_prog *p, const struct gr_prog_def *def, int argc);
/* Handles one common option (or an unknown one: '?' or ':'). Returns -1 when
 * the program goes on, else the exit status to return now: 0 after --help
 * and --version, 64 (usage) after an unknown option or a --set without '='. */
int gr_prog_option(struct gr_prog *p, int c, const char *arg);
/* Adds "section.key=value" as if given with --set (after the ones given). */
enum gr_rc gr_prog_add_set(struct gr_prog *p, char *set);
/* Loads the configuration: defaults < file < GOVREACH_* environment < --set,
 * then log.level (unless GR_LOG_LEVEL is set), log.format and --quiet or
 * --verbose. Returns 0, or the exit status after printing "NAME: message"
 * (78 for a bad or missing file, key or value; 70 out of memory). */
int gr_prog_setup(struct gr_prog *p);
/* Prints "NAME: MSG" and "try 'NAME --help'" to stderr; returns 64. */
int gr_prog_usage_error(const struct gr_prog *p, const char *msg);
/* Frees p and returns status, so that `return gr_prog_exit(&p, st);` ends main. */
int gr_prog_exit(struct gr_prog *p, int status);

/* --version: "NAME (govreach) VERSION" and one "library version" line per
 * library of def->libs. */
void gr_prog_print_version(const struct gr_prog_def *def, FILE *f);
/* The common options' lines for a --help text. */
void gr_prog_print_common_options(FILE *f);

#endif
