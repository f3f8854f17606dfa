/* The loader stage: migrations, target lists and parser output into
 * PostgreSQL. Linkable without main.c so tests can call it. */
#ifndef LOADER_H
#define LOADER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "gr_err.h"

struct loader_opts {
    const char *schema_dir;     /* directory of NNN_name.sql migrations */
    bool score_after_load;      /* run the scorer for the periods a load touched */
    const char *scorer_path;    /* bin/scorer; NULL = next to this program */
    const char *methodology;    /* methodology file for triggered runs, NULL = scorer default */
    const char *conninfo;       /* passed on to the scorer (may be NULL) */
    const char *quarantine_dir; /* load: bad files are moved here and the rest load; NULL = stop */
};

/* Applies pending migrations in order, each in its own transaction.
 * *applied receives how many were applied. */
enum gr_rc loader_migrate(PGconn *conn, const struct loader_opts *o, int *applied);

/* Loads the five target CSVs of dir (conf/targets/FORMAT.md) in one
 * transaction and seeds the crawl frontier. */
enum gr_rc loader_targets(PGconn *conn, const char *dir);

/* Loads parser output files (<anything>.<record_type>.tsv), one transaction
 * per file, each recorded in meta.load_ledger by SHA-256. Stops at the first
 * file that fails, after committing the ones before it; with
 * o->quarantine_dir a file with bad data is moved there and recorded in
 * meta.load_quarantine instead, the others load, and the result is
 * GR_EPARTIAL. */
enum gr_rc loader_load(PGconn *conn, const struct loader_opts *o, char *const *files, int nfiles);

/* Runs the scorer for every month in meta.score_pending (marked by loads)
 * and clears each mark once its run succeeded. */
enum gr_rc loader_score(PGconn *conn, const struct loader_opts *o);

/* SHA-256 of a file as 64 hex digits plus NUL. */
enum gr_rc loader_sha256_file(const char *path, char hex[65]);

#endif
