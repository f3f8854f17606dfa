/* WARC reader (ISO 28500, WARC/1.0 and 1.1): gzip-per-record .warc.gz,
 * plain .warc, and .open files (a crawler still writing, or killed) up to
 * their last complete record. The HTTP messages inside request and
 * response blocks are parsed by gr_http.h (gr_http_parse).
 *
 * The reader maps the file and walks it record by record. A broken record
 * (truncated gzip member, garbage between records, a Content-Length that
 * lies) is reported with its offset and skipped: the reader resynchronises on
 * the next gzip member or "WARC/" line and goes on. */
#ifndef GR_WARC_READ_H
#define GR_WARC_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_http.h"

/* Records larger than this (decompressed) are skipped with an error. */
#define GR_WARC_RECORD_MAX (192u << 20)

struct gr_warc_reader;

/* One record. Strings and block are owned by the reader and stay valid
 * through the next call (so a response can be held while the record after
 * it is read), until the second call after it. Missing header values are "" (never NULL). */
struct gr_warc_rec {
    uint64_t offset;               /* of the gzip member, or of "WARC/" in a plain file */
    char type[32];                 /* WARC-Type, lower case */
    char id[128];                  /* WARC-Record-ID, with <> */
    char concurrent_to[128];       /* first WARC-Concurrent-To */
    char date[64];                 /* WARC-Date as written */
    int64_t date_s;                /* WARC-Date, unix seconds; 0 when unreadable */
    char content_type[256];
    char truncated[32];            /* WARC-Truncated */
    const char *target_uri;
    const char *block;
    size_t block_len;
};

/* Opens path. GR_ENOINPUT when it does not exist, GR_EIO otherwise, with err. */
enum gr_rc gr_warc_reader_open(const char *path, struct gr_warc_reader **out, char *err, size_t errlen);
void gr_warc_reader_free(struct gr_warc_reader *r);
/* The next record: GR_OK with *rec filled, or GR_OK with *eof set at the end.
 * GR_EDATA with err ("offset N: why") for a bad record, which is skipped;
 * rec->offset is its offset. Call again to go on. */
enum gr_rc gr_warc_reader_next(struct gr_warc_reader *r, struct gr_warc_rec *rec, bool *eof, char *err,
                               size_t errlen);
/* Offset the next call will read from, and a way back to it (look-ahead). */
uint64_t gr_warc_reader_tell(const struct gr_warc_reader *r);
void gr_warc_reader_seek(struct gr_warc_reader *r, uint64_t off);
/* True when the file is gzip-per-record. */
bool gr_warc_reader_gzip(const struct gr_warc_reader *r);
/* Bytes at the end of an .open file that did not form a complete record. */
uint64_t gr_warc_reader_tail_dropped(const struct gr_warc_reader *r);

/* Parses a WARC-Date (ISO 8601, optional fraction, Z) into unix seconds. */
bool gr_warc_parse_date(const char *s, int64_t *out);

#endif
