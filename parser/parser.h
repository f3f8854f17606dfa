/* The parser stage: WARC files in, TSV files (the loader contract of
 * schema/003_obs.sql) out. parser/main.c handles options; this is the logic,
 * linkable without main.c so tests can call it. */
#ifndef GR_PARSER_H
#define GR_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_err.h"
#include "gr_rows.h"
#include "gr_source.h"

struct parser_opts {
    const char *out_dir;
    int jobs;                        /* worker processes (-j), >= 1 */
    enum gr_extract_mode mode;       /* AUTO, DOM (--dom-only) or VERIFY (--verify) */
    bool force;                      /* reparse even when outputs are up to date */
    const char *const *files;
    size_t nfiles;
};

struct parser_stats {
    uint64_t files, files_skipped, files_failed;
    uint64_t records, responses, bytes;
    uint64_t rows[GR_REC_COUNT];     /* per enum gr_rec_type */
    uint64_t rejects, fast, dom, disagreements, warc_errors, redirects;
};

/* Parses every file. GR_OK when all went well; GR_EPARTIAL when some pages
 * disagreed under --verify; GR_ENOINPUT / GR_EIO when a file could not be
 * read or written (the others are still done). Stats summed over workers. */
enum gr_rc parser_run(const struct parser_opts *o, struct parser_stats *st);

/* Parses one WARC into out_dir (no up-to-date check). */
enum gr_rc parser_file(const char *path, const char *out_dir, enum gr_extract_mode mode, struct parser_stats *st);

/* "<dir>/<base>.<type>.tsv" names: base is the WARC's name without
 * .open, .gz and .warc. */
void parser_base_name(const char *path, char *out, size_t outsz);

#endif
