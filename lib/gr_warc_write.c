#include "gr_warc_write.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "gr_buf.h"
#include "gr_log.h"

/* Blocks larger than this are never compressed in memory at once by callers
 * of this module (the crawler caps bodies well below); a hard limit keeps
 * a bug from allocating without bound. */
#define WARC_MAX_RECORD ((size_t)1 << 31)
#define SAMPLE_LEN 4096
#define SMALL_RECORD 1024

struct gr_warc_writer {
    struct gr_warc_opts o;
    char *dir;
    char *prefix;
    char *software;
    char *operator_;
    char *extra;
    struct libdeflate_compressor *c0, *c1;
    int fd;                        /* -1 when no file is open */
    char open_path[1024];
    char final_path[1024];
    char final_base[256];
    char warcinfo_id[64];
    uint64_t file_bytes, file_records;
    unsigned serial;
    /* scratch buffers, reused */
    char *rec;
    size_t rec_cap;
    char *out;
    size_t out_cap;
    /* records compressed and not yet written (gr_warc_flush): one write
     * a batch of records where there was one a record */
    char *pend;
    size_t pend_len;
    /* lifetime statistics */
    uint64_t n_files, n_records, bytes_in, bytes_out, n_stored;
};

void gr_warc_opts_init(struct gr_warc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dir = "spool/warc";
    o->prefix = "govreach";
    o->software = "govreach";
    o->fsync_on_close = true;
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Random bytes for record ids, drawn from the kernel 4 KiB at a time (a
 * syscall per record was visible at 10,000 pages/s). */
static __thread unsigned char tl_rand[4096];
static __thread size_t tl_rand_left;

static void random_bytes(unsigned char *u, size_t n)
{
    if (tl_rand_left < n) {
        size_t got = 0;
        while (got < sizeof tl_rand) {
            ssize_t r = getrandom(tl_rand + got, sizeof tl_rand - got, 0);
            if (r <= 0) {
                /* getrandom cannot really fail; fall back to a time-seeded
                 * mix rather than abort */
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                for (size_t i = got; i < sizeof tl_rand; i++)
                    tl_rand[i] = (unsigned char)((unsigned long)ts.tv_nsec >> (i % 4 * 8)) ^
                                 (unsigned char)(i * 131 + (unsigned)getpid());
                break;
            }
            got += (size_t)r;
        }
        tl_rand_left = sizeof tl_rand;
    }
    tl_rand_left -= n;
    memcpy(u, tl_rand + tl_rand_left, n);
    memset(tl_rand + tl_rand_left, 0, n);    /* used bytes do not linger */
}

void gr_warc_record_id(char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    char id[64] = "<urn:uuid:", *p = id + 10;
    unsigned char u[16];

    random_bytes(u, sizeof u);
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[u[i] >> 4];
        *p++ = hex[u[i] & 15];
    }
    *p++ = '>';
    *p = '\0';
    snprintf(out, outlen, "%s", id);
}

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

void gr_warc_date(int64_t us, char *out, size_t outlen)
{
    time_t t = (time_t)(us / 1000000);
    struct tm tm;
    char base[32];

    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, outlen, "%s.%06dZ", base, (int)(us % 1000000));
}

enum gr_rc gr_warc_writer_new(const struct gr_warc_opts *o, struct gr_warc_writer **out, char *err,
                              size_t errlen)
{
    struct gr_warc_writer *w = calloc(1, sizeof *w);
    enum gr_rc rc = GR_ENOMEM;

    *out = NULL;
    if (!w)
        return GR_ENOMEM;
    w->o = *o;
    w->fd = -1;
    w->dir = xstrdup(o->dir ? o->dir : "spool/warc");
    w->prefix = xstrdup(o->prefix ? o->prefix : "govreach");
    w->software = xstrdup(o->software ? o->software : "govreach");
    w->operator_ = xstrdup(o->operator_);
    w->extra = xstrdup(o->warcinfo_extra);
    if (!w->dir || !w->prefix || !w->software || (o->operator_ && !w->operator_) ||
        (o->warcinfo_extra && !w->extra))
        goto out;
    if (!w->o.max_bytes)
        w->o.max_bytes = (uint64_t)1 << 30;
    w->c0 = libdeflate_alloc_compressor(0);
    w->c1 = libdeflate_alloc_compressor(1);
    if (!w->c0 || !w->c1)
        goto out;
    /* mkdir -p */
    {
        char path[1024];
        size_t n = (size_t)snprintf(path, sizeof path, "%s", w->dir);
        if (n >= sizeof path) {
            snprintf(err, errlen, "WARC directory name too long: %s", w->dir);
            rc = GR_EIO;
            goto out;
        }
        for (char *p = path + 1; ; p++) {
            if (*p == '/' || *p == '\0') {
                char c = *p;
                *p = '\0';
                if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                    snprintf(err, errlen, "cannot create WARC directory %s: %s", path, strerror(errno));
                    rc = GR_EIO;
                    goto out;
                }
                *p = c;
                if (!c)
                    break;
            }
        }
    }
    *out = w;
    return GR_OK;
out:
    if (rc == GR_ENOMEM)
        snprintf(err, errlen, "out of memory creating the WARC writer");
    {
        char e2[8];
        gr_warc_writer_free(w, e2, sizeof e2);
    }
    return rc;
}

static enum gr_rc ensure(char **p, size_t *cap, size_t need)
{
    char *n;
    size_t c;

    if (need <= *cap)
        return GR_OK;
    if (need > WARC_MAX_RECORD * 2)
        return GR_ELIMIT;
    c = *cap ? *cap : 65536;
    while (c < need)
        c *= 2;
    n = realloc(*p, c);
    if (!n)
        return GR_ENOMEM;
    *p = n;
    *cap = c;
    return GR_OK;
}

static enum gr_rc write_all(int fd, const char *p, size_t n, const char *path, char *err, size_t errlen)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            return GR_EIO;
        }
        p += k;
        n -= (size_t)k;
    }
    return GR_OK;
}

/* The write buffer's size: whole pages reach the page cache, not one
 * record's partial page at a time. */
#define WARC_PEND_CAP ((size_t)256 << 10)

enum gr_rc gr_warc_flush(struct gr_warc_writer *w, int *sync_fd, char *err, size_t errlen)
{
    enum gr_rc rc = GR_OK;

    if (sync_fd)
        *sync_fd = -1;
    if (!w || w->fd < 0)
        return GR_OK;
    if (w->pend_len) {
        rc = write_all(w->fd, w->pend, w->pend_len, w->open_path, err, errlen);
        w->pend_len = 0;    /* written or not, never written twice */
        if (rc)
            return rc;
    }
    if (sync_fd && (*sync_fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        snprintf(err, errlen, "cannot duplicate the descriptor of %s: %s", w->open_path, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}

const char *gr_warc_open_path(const struct gr_warc_writer *w)
{
    return w && w->fd >= 0 ? w->open_path : NULL;
}

/* Appends a compressed record to the write buffer (written at once when it
 * would not fit). */
static enum gr_rc pend(struct gr_warc_writer *w, const char *p, size_t n, char *err, size_t errlen)
{
    enum gr_rc rc;

    if (w->pend_len + n > WARC_PEND_CAP && (rc = gr_warc_flush(w, NULL, err, errlen)) != GR_OK)
        return rc;
    if (n > WARC_PEND_CAP)
        return write_all(w->fd, p, n, w->open_path, err, errlen);
    if (!w->pend && !(w->pend = malloc(WARC_PEND_CAP))) {
        snprintf(err, errlen, "out of memory for the WARC write buffer");
        return GR_ENOMEM;
    }
    memcpy(w->pend + w->pend_len, p, n);
    w->pend_len += n;
    return GR_OK;
}

static const char *type_name(enum gr_warc_type t)
{
    switch (t) {
    case GR_WARC_WARCINFO: return "warcinfo";
    case GR_WARC_REQUEST: return "request";
    case GR_WARC_RESPONSE: return "response";
    case GR_WARC_METADATA: return "metadata";
    case GR_WARC_REVISIT: return "revisit";
    case GR_WARC_RESOURCE: return "resource";
    }
    return "resource";
}

/* True when header values carry no CR or LF (which would forge headers). */
static bool clean_value(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static enum gr_rc write_record_raw(struct gr_warc_writer *w, const struct gr_warc_record *r,
                                   const char *record_id, struct gr_warc_pos *pos, char *err,
                                   size_t errlen);

static enum gr_rc open_file(struct gr_warc_writer *w, char *err, size_t errlen)
{
    char host[128] = "localhost";
    char stamp[32], newp[sizeof w->open_path + 8];
    time_t t = time(NULL);
    struct tm tm;
    enum gr_rc rc;
    struct gr_buf info;

    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    for (char *p = host; *p; p++)
        if (*p == '/' || *p == ' ')
            *p = '_';
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    for (;;) {
        int n = snprintf(w->final_base, sizeof w->final_base, "%s-%s-%05u-%d-%s.warc.gz", w->prefix, stamp,
                         w->serial++, (int)getpid(), host);
        if (n < 0 || (size_t)n >= sizeof w->final_base) {
            snprintf(err, errlen, "WARC file name too long");
            return GR_EIO;
        }
        snprintf(w->final_path, sizeof w->final_path, "%s/%s", w->dir, w->final_base);
        snprintf(w->open_path, sizeof w->open_path, "%s/%s.open", w->dir, w->final_base);
        if (access(w->final_path, F_OK) == 0)
            continue;
        /* Created and locked under a name recovery ignores, then renamed to
         * ".open": another crawler's recovery must never see an unlocked
         * ".open" file of a live writer (it would take it over). */
        snprintf(newp, sizeof newp, "%s.new", w->open_path);
        w->fd = open(newp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (w->fd >= 0)
            break;
        if (errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", newp, strerror(errno));
            return GR_EIO;
        }
    }
    if (flock(w->fd, LOCK_EX | LOCK_NB) != 0 || rename(newp, w->open_path) != 0) {
        snprintf(err, errlen, "cannot lock and open %s: %s", w->open_path, strerror(errno));
        close(w->fd);
        w->fd = -1;
        unlink(newp);
        return GR_EIO;
    }
    w->file_bytes = 0;
    w->file_records = 0;
    w->n_files++;
    gr_buf_init(&info, 1 << 20);
    gr_buf_printf(&info, "software: %s\r\nformat: WARC File Format 1.1\r\n"
                  "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
                  "hostname: %s\r\n", w->software, host);
    if (w->operator_)
        gr_buf_printf(&info, "operator: %s\r\n", w->operator_);
    if (w->extra)
        gr_buf_appends(&info, w->extra);
    {
        struct gr_warc_record r = { 0 };
        r.type = GR_WARC_WARCINFO;
        r.content_type = "application/warc-fields";
        r.head = info.data;
        r.head_len = info.len;
        {
            struct gr_warc_field f = { "WARC-Filename", w->final_base };
            r.fields = &f;
            r.nfields = 1;
            gr_warc_record_id(w->warcinfo_id, sizeof w->warcinfo_id);
            rc = write_record_raw(w, &r, w->warcinfo_id, NULL, err, errlen);
        }
    }
    gr_buf_free(&info);
    if (rc)
        return rc;
    if (w->o.file_cb)
        w->o.file_cb(w->o.file_cb_arg, w->final_path, false, 0, 0);
    return GR_OK;
}

enum gr_rc gr_warc_close(struct gr_warc_writer *w, char *err, size_t errlen)
{
    enum gr_rc rc = GR_OK;

    if (!w || w->fd < 0)
        return GR_OK;
    rc = gr_warc_flush(w, NULL, err, errlen);
    if (!rc && w->o.fsync_on_close && fsync(w->fd) != 0) {
        snprintf(err, errlen, "cannot fsync %s: %s", w->open_path, strerror(errno));
        rc = GR_EIO;
    }
    if (close(w->fd) != 0 && !rc) {
        snprintf(err, errlen, "cannot close %s: %s", w->open_path, strerror(errno));
        rc = GR_EIO;
    }
    w->fd = -1;
    if (!rc && rename(w->open_path, w->final_path) != 0) {
        snprintf(err, errlen, "cannot rename %s: %s", w->open_path, strerror(errno));
        rc = GR_EIO;
    }
    if (!rc && w->o.fsync_on_close) {
        int dfd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    if (!rc && w->o.file_cb)
        w->o.file_cb(w->o.file_cb_arg, w->final_path, true, w->file_records, w->file_bytes);
    return rc;
}

enum gr_rc gr_warc_sync(struct gr_warc_writer *w, char *err, size_t errlen)
{
    enum gr_rc rc = gr_warc_flush(w, NULL, err, errlen);

    if (rc || !w || w->fd < 0)
        return rc;
    if (fdatasync(w->fd) != 0) {
        snprintf(err, errlen, "cannot sync %s: %s", w->open_path, strerror(errno));
        return GR_EIO;
    }
    return GR_OK;
}

enum gr_rc gr_warc_writer_free(struct gr_warc_writer *w, char *err, size_t errlen)
{
    enum gr_rc rc;

    if (!w)
        return GR_OK;
    rc = gr_warc_close(w, err, errlen);
    libdeflate_free_compressor(w->c0);
    libdeflate_free_compressor(w->c1);
    free(w->rec);
    free(w->out);
    free(w->pend);
    free(w->dir);
    free(w->prefix);
    free(w->software);
    free(w->operator_);
    free(w->extra);
    free(w);
    return rc;
}

void gr_warc_stats(const struct gr_warc_writer *w, uint64_t *files, uint64_t *records, uint64_t *bytes_in,
                   uint64_t *bytes_out, uint64_t *stored_members)
{
    *files = w ? w->n_files : 0;
    *records = w ? w->n_records : 0;
    *bytes_in = w ? w->bytes_in : 0;
    *bytes_out = w ? w->bytes_out : 0;
    *stored_members = w ? w->n_stored : 0;
}

/* Decides whether compressing pays: a sample of the body at level 1 must
 * shrink by at least 10%, and the record must not be tiny. libdeflate
 * clears its hash tables on every call: a 478-byte request record takes
 * 3.8 us at level 1 (to 333 bytes) against 0.04 us stored (501 bytes), so
 * below SMALL_RECORD the CPU costs more than the bytes it saves (a request
 * and a metadata record per page were 9% of the crawler's CPU). */
static bool worth_compressing(struct gr_warc_writer *w, const struct gr_warc_record *r, size_t total)
{
    char out[SAMPLE_LEN + 512];
    size_t n, got;

    if (r->body_compressed || total < SMALL_RECORD)
        return false;
    if (r->body_len < 64)
        return true;
    n = r->body_len < SAMPLE_LEN ? r->body_len : SAMPLE_LEN;
    got = libdeflate_deflate_compress(w->c1, r->body, n, out, sizeof out);
    return got != 0 && got * 10 < n * 9;
}

static enum gr_rc write_record_raw(struct gr_warc_writer *w, const struct gr_warc_record *r,
                                   const char *record_id, struct gr_warc_pos *pos, char *err,
                                   size_t errlen)
{
    char date[48];
    char hdr[8192];
    size_t hl = 0, block = r->head_len + r->body_len, total, bound, clen;
    int n;
    enum gr_rc rc;
    struct libdeflate_compressor *c;

#define HDR(...)                                                                  \
    do {                                                                          \
        n = snprintf(hdr + hl, sizeof hdr - hl, __VA_ARGS__);                     \
        if (n < 0 || (size_t)n >= sizeof hdr - hl) {                              \
            snprintf(err, errlen, "WARC record header too long for %s",         \
                     r->target_uri ? r->target_uri : "warcinfo");                 \
            return GR_ELIMIT;                                                     \
        }                                                                         \
        hl += (size_t)n;                                                          \
    } while (0)

    if (block > WARC_MAX_RECORD) {
        snprintf(err, errlen, "WARC record too large (%zu bytes)", block);
        return GR_ELIMIT;
    }
    if ((r->target_uri && !clean_value(r->target_uri)) || (r->content_type && !clean_value(r->content_type))) {
        snprintf(err, errlen, "WARC header value with a line break refused");
        return GR_EDATA;
    }
    gr_warc_date(r->date_us ? r->date_us : now_us(), date, sizeof date);
    HDR("WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n", type_name(r->type),
        record_id, date);
    if (r->target_uri && r->type != GR_WARC_WARCINFO)
        HDR("WARC-Target-URI: %s\r\n", r->target_uri);
    if (r->type != GR_WARC_WARCINFO && w->warcinfo_id[0])
        HDR("WARC-Warcinfo-ID: %s\r\n", w->warcinfo_id);
    if (r->concurrent_to && clean_value(r->concurrent_to))
        HDR("WARC-Concurrent-To: %s\r\n", r->concurrent_to);
    if (r->refers_to && clean_value(r->refers_to))
        HDR("WARC-Refers-To: %s\r\n", r->refers_to);
    if (r->ip_address && clean_value(r->ip_address) && *r->ip_address)
        HDR("WARC-IP-Address: %s\r\n", r->ip_address);
    if (r->profile && clean_value(r->profile))
        HDR("WARC-Profile: %s\r\n", r->profile);
    if (r->truncated && clean_value(r->truncated))
        HDR("WARC-Truncated: %s\r\n", r->truncated);
    for (size_t i = 0; i < r->nfields; i++)
        if (clean_value(r->fields[i].name) && clean_value(r->fields[i].value))
            HDR("%s: %s\r\n", r->fields[i].name, r->fields[i].value);
    if (block && r->content_type)
        HDR("Content-Type: %s\r\n", r->content_type);
    HDR("Content-Length: %zu\r\n\r\n", block);
#undef HDR

    total = hl + block + 4;
    rc = ensure(&w->rec, &w->rec_cap, total);
    if (rc)
        goto fail;
    memcpy(w->rec, hdr, hl);
    if (r->head_len)
        memcpy(w->rec + hl, r->head, r->head_len);
    if (r->body_len)
        memcpy(w->rec + hl + r->head_len, r->body, r->body_len);
    memcpy(w->rec + hl + block, "\r\n\r\n", 4);

    c = worth_compressing(w, r, total) ? w->c1 : w->c0;
    bound = libdeflate_gzip_compress_bound(c, total);
    rc = ensure(&w->out, &w->out_cap, bound);
    if (rc)
        goto fail;
    clen = libdeflate_gzip_compress(c, w->rec, total, w->out, w->out_cap);
    if (!clen) {
        rc = GR_EINTERNAL;
        snprintf(err, errlen, "libdeflate failed to compress a %zu-byte record", total);
        return rc;
    }
    if (pos) {
        snprintf(pos->record_id, sizeof pos->record_id, "%s", record_id);
        snprintf(pos->file, sizeof pos->file, "%s", w->final_base);
        pos->offset = w->file_bytes;
        pos->length = clen;
    }
    rc = pend(w, w->out, clen, err, errlen);
    if (rc)
        return rc;
    w->file_bytes += clen;
    w->file_records++;
    w->n_records++;
    w->bytes_in += total;
    w->bytes_out += clen;
    if (c == w->c0)
        w->n_stored++;
    return GR_OK;
fail:
    snprintf(err, errlen, "%s for a %zu-byte WARC record", gr_strerror(rc), total);
    return rc;
}

enum gr_rc gr_warc_write(struct gr_warc_writer *w, const struct gr_warc_record *r, struct gr_warc_pos *pos,
                         char *err, size_t errlen)
{
    char id[64];
    enum gr_rc rc;
    uint64_t estimate = r->head_len + r->body_len + 1024;

    if (r->type != GR_WARC_WARCINFO && !r->target_uri) {
        snprintf(err, errlen, "WARC %s record without a target URI", type_name(r->type));
        return GR_EINTERNAL;
    }
    /* Rotate before a record that would take the file past max_bytes (a
     * file always takes at least one record besides its warcinfo). */
    if (w->fd >= 0 && w->file_records > 1 && w->file_bytes + estimate / 2 > w->o.max_bytes) {
        rc = gr_warc_close(w, err, errlen);
        if (rc)
            return rc;
    }
    if (w->fd < 0) {
        rc = open_file(w, err, errlen);
        if (rc)
            return rc;
    }
    gr_warc_record_id(id, sizeof id);
    return write_record_raw(w, r, id, pos, err, errlen);
}

/* ---------------------------------------------------------------- recovery */

enum gr_rc gr_warc_scan(const char *path, uint64_t *members, uint64_t *good_end, uint64_t *size, char *err,
                        size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    unsigned char in[65536], out[65536];
    z_stream z;
    uint64_t consumed = 0;     /* bytes of the file fed to inflate and used */
    bool in_member = false;
    enum gr_rc rc = GR_OK;
    struct stat st;

    *members = *good_end = *size = 0;
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return GR_EIO;
    }
    if (fstat(fd, &st) == 0)
        *size = (uint64_t)st.st_size;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        close(fd);
        snprintf(err, errlen, "zlib init failed");
        return GR_ENOMEM;
    }
    for (;;) {
        ssize_t k = read(fd, in, sizeof in);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            rc = GR_EIO;
            break;
        }
        if (k == 0)
            break;
        z.next_in = in;
        z.avail_in = (uInt)k;
        while (z.avail_in) {
            uInt before = z.avail_in;
            int zr;
            z.next_out = out;
            z.avail_out = sizeof out;
            in_member = true;
            zr = inflate(&z, Z_NO_FLUSH);
            consumed += before - z.avail_in;
            if (zr == Z_STREAM_END) {
                (*members)++;
                *good_end = consumed;
                in_member = false;
                inflateReset(&z);
            } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
                goto done;          /* corrupt data: keep what was good */
            }
        }
    }
done:
    (void)in_member;
    inflateEnd(&z);
    close(fd);
    return rc;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

enum gr_rc gr_warc_recover(const char *dir, unsigned *files, uint64_t *dropped_bytes, char *err,
                           size_t errlen)
{
    return gr_warc_recover_cb(dir, files, dropped_bytes, NULL, NULL, err, errlen);
}

enum gr_rc gr_warc_recover_cb(const char *dir, unsigned *files, uint64_t *dropped_bytes,
                              void (*cb)(void *arg, const char *path, uint64_t records, uint64_t bytes),
                              void *arg, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    enum gr_rc rc = GR_OK;

    *files = 0;
    *dropped_bytes = 0;
    if (!d) {
        if (errno == ENOENT)
            return GR_OK;
        snprintf(err, errlen, "cannot read WARC directory %s: %s", dir, strerror(errno));
        return GR_EIO;
    }
    while ((de = readdir(d))) {
        char path[1024], final[1024];
        uint64_t members, good, size;
        int fd;

        if (!ends_with(de->d_name, ".warc.gz.open"))
            continue;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
            continue;
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {   /* a live writer holds it */
            close(fd);
            continue;
        }
        rc = gr_warc_scan(path, &members, &good, &size, err, errlen);
        if (rc) {
            close(fd);
            break;
        }
        snprintf(final, sizeof final, "%.*s", (int)(strlen(path) - 5), path);
        if (members == 0) {
            gr_warn("removing %s: no complete WARC record in it", path);
            unlink(path);
            *dropped_bytes += size;
        } else {
            if (good < size) {
                gr_warn("recovering %s: dropping a partial last record (%llu bytes)", path,
                        (unsigned long long)(size - good));
                if (ftruncate(fd, (off_t)good) != 0) {
                    snprintf(err, errlen, "cannot truncate %s: %s", path, strerror(errno));
                    rc = GR_EIO;
                    close(fd);
                    break;
                }
                *dropped_bytes += size - good;
            }
            fsync(fd);
            if (rename(path, final) != 0) {
                snprintf(err, errlen, "cannot rename %s: %s", path, strerror(errno));
                rc = GR_EIO;
                close(fd);
                break;
            }
            gr_info("recovered %s (%llu records)", final, (unsigned long long)members);
            (*files)++;
            if (cb)
                cb(arg, final, members, good);
        }
        close(fd);
    }
    closedir(d);
    return rc;
}
