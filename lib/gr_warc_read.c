#include "gr_warc_read.h"
#include "gr_http.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>
#include <zlib.h>


struct gr_warc_reader {
    char *path;
    const unsigned char *map;
    size_t size;
    size_t pos;
    bool gzip, open_file;
    uint64_t tail_dropped;
    /* Two of each, alternating, so a record stays valid while the caller
     * looks at the next one (pairing a response with a later request). */
    struct gr_buf bufs[2];         /* the decompressed member */
    struct gr_buf uris[2];
    /* libdeflate output buffers (whole members are inflated in one call) */
    char *mem[2];
    size_t memcap[2];
    size_t guess;                  /* output size to try first: the largest seen */
    int cur;
};
#define RBUF(r) (&(r)->bufs[(r)->cur])
#define RURI(r) (&(r)->uris[(r)->cur])

static const unsigned char gz_magic[3] = { 0x1f, 0x8b, 0x08 };

enum gr_rc gr_warc_reader_open(const char *path, struct gr_warc_reader **out, char *err, size_t errlen)
{
    struct gr_warc_reader *r;
    struct stat st;
    int fd;
    size_t pl = strlen(path);

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? GR_ENOINPUT : GR_EIO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return GR_EIO;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        return GR_ENOMEM;
    }
    r->path = strdup(path);
    r->size = (size_t)st.st_size;
    if (r->size > 0) {
        void *m = mmap(NULL, r->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            snprintf(err, errlen, "%s: mmap: %s", path, strerror(errno));
            close(fd);
            free(r->path);
            free(r);
            return GR_EIO;
        }
        r->map = m;
        madvise(m, r->size, MADV_SEQUENTIAL);
    }
    close(fd);
    r->gzip = r->size >= 2 && r->map[0] == 0x1f && r->map[1] == 0x8b;
    r->open_file = pl >= 5 && strcmp(path + pl - 5, ".open") == 0;
    for (int i = 0; i < 2; i++) {
        gr_buf_init(&r->bufs[i], GR_WARC_RECORD_MAX);
        gr_buf_init(&r->uris[i], 64u << 10);
    }
    *out = r;
    return GR_OK;
}

void gr_warc_reader_free(struct gr_warc_reader *r)
{
    if (!r)
        return;
    if (r->map)
        munmap((void *)r->map, r->size);
    for (int i = 0; i < 2; i++) {
        gr_buf_free(&r->bufs[i]);
        gr_buf_free(&r->uris[i]);
        free(r->mem[i]);
    }
    free(r->path);
    free(r);
}

uint64_t gr_warc_reader_tell(const struct gr_warc_reader *r) { return r->pos; }
void gr_warc_reader_seek(struct gr_warc_reader *r, uint64_t off) { r->pos = off > r->size ? r->size : (size_t)off; }
bool gr_warc_reader_gzip(const struct gr_warc_reader *r) { return r->gzip; }
uint64_t gr_warc_reader_tail_dropped(const struct gr_warc_reader *r) { return r->tail_dropped; }

/* Inflates the gzip member at in[0..len) into a buffer of the reader with
 * libdeflate, growing the buffer while it is too small. Returns false when
 * libdeflate cannot (bad or truncated data, too large): the caller then uses
 * zlib, which tells those cases apart. */
static bool inflate_member_fast(struct gr_warc_reader *r, const void *in, size_t len, const char **out,
                                size_t *outlen, size_t *consumed)
{
    struct libdeflate_decompressor *d = gr_inflate_libdeflate();
    size_t avail = r->guess ? r->guess : (1u << 20);

    if (!d)
        return false;
    for (;;) {
        enum libdeflate_result res;
        size_t in_used = 0, out_used = 0;
        if (r->memcap[r->cur] < avail + 1) {
            char *p = realloc(r->mem[r->cur], avail + 1);
            if (!p)
                return false;
            r->mem[r->cur] = p;
            r->memcap[r->cur] = avail + 1;
        }
        res = libdeflate_gzip_decompress_ex(d, in, len, r->mem[r->cur], avail, &in_used, &out_used);
        if (res == LIBDEFLATE_SUCCESS) {
            r->mem[r->cur][out_used] = '\0';
            *out = r->mem[r->cur];
            *outlen = out_used;
            *consumed = in_used;
            return true;
        }
        if (res != LIBDEFLATE_INSUFFICIENT_SPACE || avail >= GR_WARC_RECORD_MAX)
            return false;
        avail = avail * 4 > GR_WARC_RECORD_MAX ? GR_WARC_RECORD_MAX : avail * 4;
        if (avail > r->guess)
            r->guess = avail;
    }
}

/* ---- WARC headers ------------------------------------------------------------ */

bool gr_warc_parse_date(const char *s, int64_t *out)
{
    struct tm tm;
    int v[6] = { 0 };
    const int lens[6] = { 4, 2, 2, 2, 2, 2 };
    const char seps[6] = { '-', '-', 'T', ':', ':', 0 };
    const char *p = s;

    memset(&tm, 0, sizeof tm);
    for (int i = 0; i < 6; i++) {
        for (int k = 0; k < lens[i]; k++, p++) {
            if (*p < '0' || *p > '9')
                return false;
            v[i] = v[i] * 10 + (*p - '0');
        }
        if (seps[i]) {
            if (*p != seps[i] && !(seps[i] == 'T' && *p == ' '))
                return false;
            p++;
        }
    }
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p != 'Z' && *p != '\0' && !(p[0] == '+' && p[1] == '0' && p[2] == '0'))
        return false;
    if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
        return false;
    tm.tm_year = v[0] - 1900;
    tm.tm_mon = v[1] - 1;
    tm.tm_mday = v[2];
    tm.tm_hour = v[3];
    tm.tm_min = v[4];
    tm.tm_sec = v[5];
    *out = (int64_t)timegm(&tm);
    return true;
}

struct warc_hdr_ctx {
    struct gr_warc_rec *rec;
    struct gr_buf *uri;
    int64_t clen;
    bool has_clen, bad_clen;
};

static void warc_hdr_cb(void *vctx, const char *n, size_t nn, const char *v, size_t vn)
{
    struct warc_hdr_ctx *c = vctx;
    struct gr_warc_rec *rec = c->rec;

    if (gr_http_field_is(n, nn, "WARC-Type")) {
        gr_http_copy_value(rec->type, sizeof rec->type, v, vn);
        for (char *p = rec->type; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    } else if (gr_http_field_is(n, nn, "WARC-Record-ID")) {
        gr_http_copy_value(rec->id, sizeof rec->id, v, vn);
    } else if (gr_http_field_is(n, nn, "WARC-Concurrent-To")) {
        if (!rec->concurrent_to[0])
            gr_http_copy_value(rec->concurrent_to, sizeof rec->concurrent_to, v, vn);
    } else if (gr_http_field_is(n, nn, "WARC-Date")) {
        gr_http_copy_value(rec->date, sizeof rec->date, v, vn);
    } else if (gr_http_field_is(n, nn, "Content-Type")) {
        gr_http_copy_value(rec->content_type, sizeof rec->content_type, v, vn);
    } else if (gr_http_field_is(n, nn, "WARC-Truncated")) {
        gr_http_copy_value(rec->truncated, sizeof rec->truncated, v, vn);
    } else if (gr_http_field_is(n, nn, "WARC-Target-URI")) {
        if (vn >= 2 && v[0] == '<' && v[vn - 1] == '>') {
            v++;
            vn -= 2;
        }
        gr_buf_reset(c->uri);
        gr_buf_append(c->uri, v, vn);
    } else if (gr_http_field_is(n, nn, "Content-Length")) {
        int64_t x = 0;
        size_t i;
        for (i = 0; i < vn && v[i] >= '0' && v[i] <= '9' && x < (INT64_C(1) << 50); i++)
            x = x * 10 + (v[i] - '0');
        c->has_clen = true;
        c->bad_clen = i != vn || vn == 0;
        c->clen = x;
    }
}

/* Parses a record from p[0..n). *used gets the bytes the record takes
 * (header, block, and the trailing CRLFCRLF when present). */
static enum gr_rc parse_record(struct gr_warc_reader *r, const char *p, size_t n, struct gr_warc_rec *rec,
                               size_t *used, bool *short_block, char *err, size_t errlen)
{
    struct warc_hdr_ctx c;
    size_t he, lim = n < GR_HTTP_HEADER_MAX ? n : GR_HTTP_HEADER_MAX;

    *short_block = false;
    if (n < 8 || memcmp(p, "WARC/", 5) != 0) {
        snprintf(err, errlen, "not a WARC record (no WARC/ version line)");
        return GR_EDATA;
    }
    he = gr_http_header_end(p, lim);
    if (!he) {
        *short_block = n < GR_HTTP_HEADER_MAX;
        snprintf(err, errlen, "WARC header without an end");
        return GR_EDATA;
    }
    memset(&c, 0, sizeof c);
    c.rec = rec;
    c.uri = RURI(r);
    gr_buf_reset(RURI(r));
    gr_http_each_field(p, he, warc_hdr_cb, &c);
    if (!c.has_clen || c.bad_clen) {
        snprintf(err, errlen, "WARC record without a valid Content-Length");
        return GR_EDATA;
    }
    if ((uint64_t)c.clen > n - he) {
        *short_block = true;
        snprintf(err, errlen, "Content-Length %lld but only %zu bytes follow", (long long)c.clen, n - he);
        return GR_EDATA;
    }
    rec->block = p + he;
    rec->block_len = (size_t)c.clen;
    rec->target_uri = RURI(r)->data ? RURI(r)->data : "";
    if (!rec->date[0] || !gr_warc_parse_date(rec->date, &rec->date_s))
        rec->date_s = 0;
    *used = he + (size_t)c.clen;
    /* the record ends with CRLF CRLF */
    for (int k = 0; k < 4 && *used < n && (p[*used] == '\r' || p[*used] == '\n'); k++)
        (*used)++;
    return GR_OK;
}

static size_t find_gzip(const struct gr_warc_reader *r, size_t from)
{
    const unsigned char *m;

    while (from + 3 <= r->size) {
        m = memchr(r->map + from, 0x1f, r->size - from);
        if (!m)
            break;
        from = (size_t)(m - r->map);
        if (from + 3 <= r->size && memcmp(m, gz_magic, 3) == 0)
            return from;
        from++;
    }
    return r->size;
}

static size_t find_warc_line(const struct gr_warc_reader *r, size_t from)
{
    while (from + 7 <= r->size) {
        const unsigned char *m = memmem(r->map + from, r->size - from, "WARC/1.", 7);
        size_t at;
        if (!m)
            break;
        at = (size_t)(m - r->map);
        if (at == 0 || r->map[at - 1] == '\n')
            return at;
        from = at + 1;
    }
    return r->size;
}

static void rec_clear(struct gr_warc_rec *rec, uint64_t off)
{
    memset(rec, 0, sizeof *rec);
    rec->offset = off;
    rec->target_uri = "";
    rec->block = "";
}

static enum gr_rc next_gzip(struct gr_warc_reader *r, struct gr_warc_rec *rec, bool *eof, char *err, size_t errlen)
{
    size_t start = r->pos, consumed = 0, used = 0;
    enum gr_rc rc;
    char why[200];
    bool short_block;

    rec_clear(rec, start);
    if (start + 3 > r->size || memcmp(r->map + start, gz_magic, 3) != 0) {
        size_t nx = find_gzip(r, start + 1);
        if (start + 3 > r->size && r->open_file) {
            r->tail_dropped += r->size - start;
            r->pos = r->size;
            *eof = true;
            return GR_OK;
        }
        r->pos = nx;
        snprintf(err, errlen, "offset %zu: %zu bytes that are not a gzip member (skipped)", start, nx - start);
        return GR_EDATA;
    }
    {
        const char *mem;
        size_t memlen;
        if (inflate_member_fast(r, r->map + start, r->size - start, &mem, &memlen, &consumed)) {
            r->pos = start + (consumed ? consumed : 1);
            rc = parse_record(r, mem, memlen, rec, &used, &short_block, why, sizeof why);
            if (rc) {
                snprintf(err, errlen, "offset %zu: %s", start, why);
                return rc;
            }
            return GR_OK;
        }
    }
    gr_buf_reset(RBUF(r));
    rc = gr_inflate_stream(r->map + start, r->size - start, 15 + 16, RBUF(r), &consumed);
    if (rc == GR_ETEMP) {
        /* the input ended inside the member: the file's tail is incomplete */
        r->pos = r->size;
        if (r->open_file) {
            r->tail_dropped += r->size - start;
            *eof = true;
            return GR_OK;
        }
        snprintf(err, errlen, "offset %zu: truncated gzip member at the end of the file", start);
        return GR_EDATA;
    }
    if (rc == GR_EDATA) {
        r->pos = find_gzip(r, start + 1);
        snprintf(err, errlen, "offset %zu: corrupt gzip member (skipped)", start);
        return GR_EDATA;
    }
    if (rc == GR_ELIMIT) {
        r->pos = start + consumed;
        snprintf(err, errlen, "offset %zu: record over %u bytes (skipped)", start, GR_WARC_RECORD_MAX);
        return GR_EDATA;
    }
    if (rc)
        return rc;
    r->pos = start + (consumed ? consumed : 1);
    rc = parse_record(r, RBUF(r)->data ? RBUF(r)->data : "", RBUF(r)->len, rec, &used, &short_block, why, sizeof why);
    if (rc) {
        snprintf(err, errlen, "offset %zu: %s", start, why);
        return rc;
    }
    return GR_OK;
}

static enum gr_rc next_plain(struct gr_warc_reader *r, struct gr_warc_rec *rec, bool *eof, char *err, size_t errlen)
{
    size_t start = r->pos, used = 0;
    enum gr_rc rc;
    char why[200];
    bool short_block;

    /* blank lines between records are tolerated */
    while (start < r->size && (r->map[start] == '\r' || r->map[start] == '\n'))
        start++;
    rec_clear(rec, start);
    if (start >= r->size) {
        r->pos = r->size;
        *eof = true;
        return GR_OK;
    }
    rc = parse_record(r, (const char *)r->map + start, r->size - start, rec, &used, &short_block, why, sizeof why);
    if (rc == GR_OK) {
        r->pos = start + used;
        return GR_OK;
    }
    if (short_block && r->open_file) {
        r->tail_dropped += r->size - start;
        r->pos = r->size;
        *eof = true;
        return GR_OK;
    }
    r->pos = find_warc_line(r, start + 1);
    snprintf(err, errlen, "offset %zu: %s (skipped %zu bytes)", start, why, r->pos - start);
    return rc;
}

enum gr_rc gr_warc_reader_next(struct gr_warc_reader *r, struct gr_warc_rec *rec, bool *eof, char *err,
                               size_t errlen)
{
    *eof = false;
    r->cur ^= 1;
    if (r->pos >= r->size) {
        rec_clear(rec, r->pos);
        *eof = true;
        return GR_OK;
    }
    return r->gzip ? next_gzip(r, rec, eof, err, errlen) : next_plain(r, rec, eof, err, errlen);
}

