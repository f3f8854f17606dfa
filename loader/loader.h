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
    const char *quarantine_dir; /* load: bad files are moved here and the rest load; NULL = stop */
    int partitions_ahead;       /* migrate: monthly obs partitions created after the current month */
};

/* Applies pending migrations in order, each in its own transaction, then
 * creates the obs.* partitions of the current month and o->partitions_ahead
 * months after it (schema/012). *applied receives how many were applied. */
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

/* Creates the login role name (or repairs an existing one that is not a
 * superuser): LOGIN, member of research and of nothing else, no other
 * attribute, read-only transactions by default, a generated password
 * (written to password, at least 33 bytes). GR_EUSAGE for a name that is not
 * a plain identifier; GR_EDATA for an existing role with other powers. */
enum gr_rc loader_grant_research(PGconn *conn, const char *name, char *password, size_t passlen, char *err,
                                 size_t errlen);

/* SHA-256 of a file as 64 hex digits plus NUL. */
enum gr_rc loader_sha256_file(const char *path, char hex[65]);

#endif
