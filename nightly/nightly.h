/* The nightly driver: one command for cron that takes a lock and runs
 * migrate -> targets -> crawl -> parse -> load -> score, each stage as its
 * own program, with a per-stage summary. Linkable without main.c. */
#ifndef NIGHTLY_H
#define NIGHTLY_H

#include <stdbool.h>

#include "gr_err.h"

struct nightly_opts {
    const char *bindir;         /* where loader, crawler, parser, scorer live */
    const char *config_path;    /* passed on to every stage, may be NULL */
    const char *conninfo;       /* passed on in the environment, may be NULL */
    const char *spool;          /* spool directory (warc/, parsed/) */
    const char *targets;        /* target list directory loaded each run, or NULL */
    const char *lock_file;
    const char *log_file;       /* stages' own logs go here */
    int crawl_budget;           /* seconds */
    int parse_jobs;
    bool skip_crawl;
};

/* Runs the whole pipeline. Returns GR_OK, GR_EPARTIAL (finished with
 * item-level failures), GR_ELOCKED (another run holds the lock) or the code
 * of the stage that failed. The summary goes to stdout. */
enum gr_rc nightly_run(const struct nightly_opts *o);

#endif
