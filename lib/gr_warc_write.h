/* WARC/1.1 writer (ISO 28500:2017): one gzip member per record, so every
 * record's byte range is a gzip file of its own and an offset index gives
 * random access.
 *
 * A file is written as DIR/NAME.warc.gz.open, held with an exclusive flock()
 * while open (so several crawler processes can share DIR), and on close
 * fsync()ed and renamed to DIR/NAME.warc.gz. When a record would take the file
 * past max_bytes the writer closes it and opens the next one (rotation). The
 * first record of each file is a warcinfo record.
 *
 * Compression is chosen per record by measurement: a block whose payload is
 * already compressed (the caller says so, e.g. Content-Encoding: gzip kept
 * verbatim, or a 4 KiB sample does not shrink by 10% at level 1) is written
 * as a stored gzip member (deflate level 0, no CPU spent); otherwise the
 * record is compressed with libdeflate at level 1.
 *
 * gr_warc_recover() repairs files left .open by a killed process: complete
 * gzip members are kept, a partial last member is cut off, and the file is
 * renamed (or removed when nothing complete is left). */
#ifndef GR_WARC_WRITE_H
#define GR_WARC_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_err.h"

struct gr_warc_writer;

struct gr_warc_opts {
    const char *dir;              /* output directory (created if missing) */
    const char *prefix;           /* file name prefix, e.g. "govreach" */
    uint64_t max_bytes;           /* rotate when a file would exceed this; 0 = 1 GiB */
    const char *software;         /* warcinfo "software:" */
    const char *operator_;        /* warcinfo "operator:" (contact), may be NULL */
    const char *warcinfo_extra;   /* more warcinfo fields ("name: value\r\n"...), may be NULL */
    bool fsync_on_close;          /* fsync before rename (default true via gr_warc_opts_init) */
    /* Called after a file is opened (closed = false) and after it is closed
     * and renamed (closed = true; path is the final name). May be NULL. */
    void (*file_cb)(void *arg, const char *path, bool closed, uint64_t records, uint64_t bytes);
    void *file_cb_arg;
};

void gr_warc_opts_init(struct gr_warc_opts *o);

/* One extra named header of a record ("WARC-Truncated", ...). */
struct gr_warc_field {
    const char *name;
    const char *value;
};

enum gr_warc_type {
    GR_WARC_WARCINFO,
    GR_WARC_REQUEST,
    GR_WARC_RESPONSE,
    GR_WARC_METADATA,
    GR_WARC_REVISIT,
    GR_WARC_RESOURCE
};

/* A record to write. The block is the concatenation of head (e.g. HTTP
 * headers) and body; either may be empty. */
struct gr_warc_record {
    enum gr_warc_type type;
    const char *target_uri;       /* required except for warcinfo */
    int64_t date_us;              /* WARC-Date, unix microseconds; 0 = now */
    const char *content_type;     /* of the block; NULL when the block is empty */
    const char *concurrent_to;    /* "<urn:uuid:...>" or NULL */
    const char *refers_to;        /* "<urn:uuid:...>" or NULL */
    const char *truncated;        /* "length", "time", "disconnect", "unspecified" or NULL */
    const char *ip_address;       /* WARC-IP-Address or NULL */
    const char *profile;          /* WARC-Profile (revisit) or NULL */
    const struct gr_warc_field *fields;  /* more headers, may be NULL */
    size_t nfields;
    const char *head;
    size_t head_len;
    const char *body;
    size_t body_len;
    bool body_compressed;         /* the body is already compressed: store it */
};

/* Where a record landed. record_id is "<urn:uuid:...>". file is the final
 * (post-rename) base name of the file holding the record. */
struct gr_warc_pos {
    char record_id[64];
    char file[256];
    uint64_t offset;              /* of the record's gzip member */
    uint64_t length;              /* compressed length of the member */
};

/* Opens the first file lazily (on the first write). Returns GR_ENOMEM,
 * or GR_EIO with err when DIR cannot be created. */
enum gr_rc gr_warc_writer_new(const struct gr_warc_opts *o, struct gr_warc_writer **out, char *err,
                              size_t errlen);
/* Writes one record (rotating first when needed). pos may be NULL. */
enum gr_rc gr_warc_write(struct gr_warc_writer *w, const struct gr_warc_record *r,
                         struct gr_warc_pos *pos, char *err, size_t errlen);
/* Records are buffered: written to the file by gr_warc_flush, gr_warc_sync,
 * gr_warc_close, or when the buffer fills. A caller commits work that refers
 * to records only after one of those. */
/* Writes the buffered records to the current file: after it they survive
 * the process being killed (a power failure: gr_warc_sync). With sync_fd
 * non-NULL, *sync_fd is set to a duplicate of the file's descriptor (-1 when
 * no file is open) for an fdatasync on another thread, which stays valid
 * across rotation; the caller closes it. */
enum gr_rc gr_warc_flush(struct gr_warc_writer *w, int *sync_fd, char *err, size_t errlen);
/* The path of the file being written (NULL when none), for messages. */
const char *gr_warc_open_path(const struct gr_warc_writer *w);
/* Writes the buffered records and fdatasync()s the current file (to make
 * them durable before a caller commits work that refers to them). No-op
 * when no file is open. */
enum gr_rc gr_warc_sync(struct gr_warc_writer *w, char *err, size_t errlen);
/* Closes the current file: fsync, rename away ".open". The next write opens
 * a new file. */
enum gr_rc gr_warc_close(struct gr_warc_writer *w, char *err, size_t errlen);
/* Closes (as gr_warc_close) and frees; accepts NULL. */
enum gr_rc gr_warc_writer_free(struct gr_warc_writer *w, char *err, size_t errlen);

/* Statistics of the writer's whole life. */
void gr_warc_stats(const struct gr_warc_writer *w, uint64_t *files, uint64_t *records,
                   uint64_t *bytes_in, uint64_t *bytes_out, uint64_t *stored_members);

/* Fills out with a fresh "<urn:uuid:...>" (random v4 UUID); out >= 48 bytes. */
void gr_warc_record_id(char *out, size_t outlen);
/* Formats a unix-microsecond time as WARC-Date (UTC, microseconds). */
void gr_warc_date(int64_t us, char *out, size_t outlen);

/* Recovers every *.warc.gz.open file in dir that no live writer holds
 * (flock). *files counts the files renamed, *dropped_bytes the bytes of
 * partial records cut off. Files with no complete record are removed. */
enum gr_rc gr_warc_recover(const char *dir, unsigned *files, uint64_t *dropped_bytes, char *err,
                           size_t errlen);
/* The same, calling cb (when not NULL) for every file recovered with its
 * final path, its complete records (gzip members) and its size. */
enum gr_rc gr_warc_recover_cb(const char *dir, unsigned *files, uint64_t *dropped_bytes,
                              void (*cb)(void *arg, const char *path, uint64_t records, uint64_t bytes),
                              void *arg, char *err, size_t errlen);

/* Checks one .warc.gz file: counts its complete gzip members and returns the
 * offset just past the last one (== file size when the file is sound). */
enum gr_rc gr_warc_scan(const char *path, uint64_t *members, uint64_t *good_end, uint64_t *size,
                        char *err, size_t errlen);

#endif
