#include "gr_warc_read.h"

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

#define HEADER_MAX (256u << 10)

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

/* ---- inflate ----------------------------------------------------------------- */

/* Inflates one stream from in. Output beyond out->max is discarded (so the
 * stream's end is still found, when the caller asks where it is) and
 * reported as GR_ELIMIT. Returns GR_EDATA
 * for corrupt data, GR_ETEMP when the input ends before the stream does. */
static enum gr_rc inflate_stream(const void *in, size_t len, int wbits, struct gr_buf *out, size_t *consumed)
{
    z_stream z;
    unsigned char chunk[65536];
    enum gr_rc rc = GR_OK;
    bool over = false;
    int zr;

    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK)
        return GR_ENOMEM;
    z.next_in = (Bytef *)in;
    for (;;) {
        size_t feed = len - (size_t)((const unsigned char *)z.next_in - (const unsigned char *)in);
        z.avail_in = feed > (1u << 30) ? (1u << 30) : (uInt)feed;
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        zr = inflate(&z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            rc = zr == Z_MEM_ERROR ? GR_ENOMEM : GR_EDATA;
            break;
        }
        {
            size_t got = sizeof chunk - z.avail_out;
            if (got && !over) {
                enum gr_rc a = gr_buf_append(out, chunk, got);
                if (a == GR_ELIMIT) {
                    over = true;
                    if (!consumed)
                        break;  /* nobody needs the stream's end: stop (a gzip bomb) */
                }
                else if (a) {
                    rc = a;
                    break;
                }
            }
        }
        if (zr == Z_STREAM_END)
            break;
        if (zr == Z_BUF_ERROR && z.avail_in == 0 && z.avail_out != 0) {
            rc = GR_ETEMP;   /* input ended inside the stream */
            break;
        }
        if (z.avail_in == 0 && z.avail_out != 0 &&
            (size_t)((const unsigned char *)z.next_in - (const unsigned char *)in) >= len) {
            rc = GR_ETEMP;
            break;
        }
    }
    if (consumed)
        *consumed = (size_t)((const unsigned char *)z.next_in - (const unsigned char *)in);
    inflateEnd(&z);
    if (!rc && over)
        rc = GR_ELIMIT;
    return rc;
}

static struct libdeflate_decompressor *decompressor(void);

/* A whole gzip member in one libdeflate call, its size taken from the
 * trailer (ISIZE); false when that does not work out (several members,
 * trailing bytes, damage, truncation, over the cap): zlib then decides. */
static bool inflate_gzip_fast(const unsigned char *in, size_t len, struct gr_buf *out, size_t *consumed)
{
    struct libdeflate_decompressor *d = decompressor();
    size_t isize, in_used = 0, out_used = 0;
    char *dst;

    if (!d || len < 18 || in[0] != 0x1f || in[1] != 0x8b)
        return false;
    isize = (size_t)in[len - 4] | (size_t)in[len - 3] << 8 | (size_t)in[len - 2] << 16 | (size_t)in[len - 1] << 24;
    if (isize == 0 || isize > (1u << 28) || !(dst = gr_buf_reserve(out, isize)))
        return false;
    if (libdeflate_gzip_decompress_ex(d, in, len, dst, isize, &in_used, &out_used) != LIBDEFLATE_SUCCESS ||
        in_used != len || out_used != isize)
        return false;
    out->len += out_used;
    out->data[out->len] = '\0';
    if (consumed)
        *consumed = in_used;
    return true;
}

enum gr_rc gr_inflate(const void *in, size_t len, bool raw, struct gr_buf *out, size_t *consumed)
{
    size_t keep = out->len;
    enum gr_rc rc;

    if (!raw && inflate_gzip_fast(in, len, out, consumed))
        return GR_OK;
    out->len = keep;
    if (out->data)
        out->data[keep] = '\0';
    rc = inflate_stream(in, len, raw ? -15 : 15 + 32, out, consumed);
    return rc == GR_ETEMP ? GR_EDATA : rc;
}

/* One libdeflate decompressor per thread: whole-member inflation is about
 * twice as fast as zlib's streaming inflate. */
static __thread struct libdeflate_decompressor *tl_dd;

static struct libdeflate_decompressor *decompressor(void)
{
    if (!tl_dd)
        tl_dd = libdeflate_alloc_decompressor();
    return tl_dd;
}

/* Inflates the gzip member at in[0..len) into a buffer of the reader with
 * libdeflate, growing the buffer while it is too small. Returns false when
 * libdeflate cannot (bad or truncated data, too large): the caller then uses
 * zlib, which tells those cases apart. */
static bool inflate_member_fast(struct gr_warc_reader *r, const void *in, size_t len, const char **out,
                                size_t *outlen, size_t *consumed)
{
    struct libdeflate_decompressor *d = decompressor();
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

/* Finds the end of the header block (after the blank line) in p[0..n):
 * returns the offset of the first body byte, or 0 when not found. */
static size_t header_end(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (p[i] == '\n') {
            if (p[i + 1] == '\n')
                return i + 2;
            if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
                return i + 3;
        }
    }
    return 0;
}

static void copy_val(char *dst, size_t dsz, const char *v, size_t vn)
{
    if (vn >= dsz)
        vn = dsz - 1;
    memcpy(dst, v, vn);
    dst[vn] = '\0';
}

/* Walks "Name: value" lines of h[0..n) (the first line skipped), calling
 * cb for each. */
typedef void (*hdr_cb)(void *ctx, const char *name, size_t nn, const char *val, size_t vn);
static void each_header(const char *h, size_t n, hdr_cb cb, void *ctx)
{
    size_t i = 0;

    while (i < n && h[i] != '\n')
        i++;
    i++;
    while (i < n) {
        size_t ls = i, le, colon;
        while (i < n && h[i] != '\n')
            i++;
        le = i;
        i++;
        if (le > ls && h[le - 1] == '\r')
            le--;
        if (le == ls)
            break;
        for (colon = ls; colon < le && h[colon] != ':'; colon++)
            ;
        if (colon == le)
            continue;
        {
            size_t vs = colon + 1, ve = le;
            while (vs < ve && (h[vs] == ' ' || h[vs] == '\t'))
                vs++;
            while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t'))
                ve--;
            cb(ctx, h + ls, colon - ls, h + vs, ve - vs);
        }
    }
}

struct warc_hdr_ctx {
    struct gr_warc_rec *rec;
    struct gr_buf *uri;
    int64_t clen;
    bool has_clen, bad_clen;
};

static bool name_is(const char *n, size_t nn, const char *want)
{
    return strlen(want) == nn && strncasecmp(n, want, nn) == 0;
}

static void warc_hdr_cb(void *vctx, const char *n, size_t nn, const char *v, size_t vn)
{
    struct warc_hdr_ctx *c = vctx;
    struct gr_warc_rec *rec = c->rec;

    if (name_is(n, nn, "WARC-Type")) {
        copy_val(rec->type, sizeof rec->type, v, vn);
        for (char *p = rec->type; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    } else if (name_is(n, nn, "WARC-Record-ID")) {
        copy_val(rec->id, sizeof rec->id, v, vn);
    } else if (name_is(n, nn, "WARC-Concurrent-To")) {
        if (!rec->concurrent_to[0])
            copy_val(rec->concurrent_to, sizeof rec->concurrent_to, v, vn);
    } else if (name_is(n, nn, "WARC-Date")) {
        copy_val(rec->date, sizeof rec->date, v, vn);
    } else if (name_is(n, nn, "Content-Type")) {
        copy_val(rec->content_type, sizeof rec->content_type, v, vn);
    } else if (name_is(n, nn, "WARC-Truncated")) {
        copy_val(rec->truncated, sizeof rec->truncated, v, vn);
    } else if (name_is(n, nn, "WARC-Target-URI")) {
        if (vn >= 2 && v[0] == '<' && v[vn - 1] == '>') {
            v++;
            vn -= 2;
        }
        gr_buf_reset(c->uri);
        gr_buf_append(c->uri, v, vn);
    } else if (name_is(n, nn, "Content-Length")) {
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
    size_t he, lim = n < HEADER_MAX ? n : HEADER_MAX;

    *short_block = false;
    if (n < 8 || memcmp(p, "WARC/", 5) != 0) {
        snprintf(err, errlen, "not a WARC record (no WARC/ version line)");
        return GR_EDATA;
    }
    he = header_end(p, lim);
    if (!he) {
        *short_block = n < HEADER_MAX;
        snprintf(err, errlen, "WARC header without an end");
        return GR_EDATA;
    }
    memset(&c, 0, sizeof c);
    c.rec = rec;
    c.uri = RURI(r);
    gr_buf_reset(RURI(r));
    each_header(p, he, warc_hdr_cb, &c);
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
    rc = inflate_stream(r->map + start, r->size - start, 15 + 16, RBUF(r), &consumed);
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

/* ---- HTTP -------------------------------------------------------------------- */

struct http_hdr_ctx {
    struct gr_http_msg *m;
};

static void http_hdr_cb(void *vctx, const char *n, size_t nn, const char *v, size_t vn)
{
    struct http_hdr_ctx *c = vctx;

    if (name_is(n, nn, "Content-Type"))
        copy_val(c->m->content_type, sizeof c->m->content_type, v, vn);
    else if (name_is(n, nn, "Content-Encoding"))
        copy_val(c->m->content_encoding, sizeof c->m->content_encoding, v, vn);
    else if (name_is(n, nn, "Transfer-Encoding"))
        copy_val(c->m->transfer_encoding, sizeof c->m->transfer_encoding, v, vn);
}

/* De-chunks p[0..n) into out. A body cut off inside a chunk keeps what came. */
static enum gr_rc dechunk(const char *p, size_t n, struct gr_buf *out, char *err, size_t errlen)
{
    size_t i = 0;

    for (;;) {
        uint64_t sz = 0;
        int digits = 0;
        enum gr_rc rc;

        while (i < n) {
            char c = p[i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0)
                break;
            if (sz > (UINT64_C(1) << 40)) {
                snprintf(err, errlen, "chunk size too large");
                return GR_EDATA;
            }
            sz = sz * 16 + (unsigned)d;
            digits++;
            i++;
        }
        if (!digits) {
            if (i >= n)
                return GR_OK;   /* cut off: keep what came */
            snprintf(err, errlen, "bad chunk size line");
            return GR_EDATA;
        }
        while (i < n && p[i] != '\n')   /* chunk extensions */
            i++;
        i++;
        if (sz == 0)
            return GR_OK;
        if (i >= n)
            return GR_OK;
        if (sz > n - i)
            sz = n - i;   /* truncated body */
        rc = gr_buf_append(out, p + i, (size_t)sz);
        if (rc)
            return rc;
        i += (size_t)sz;
        if (i < n && p[i] == '\r')
            i++;
        if (i < n && p[i] == '\n')
            i++;
    }
}

enum gr_rc gr_http_parse(const char *block, size_t len, bool response, struct gr_http_msg *m,
                         struct gr_buf *scratch, char *err, size_t errlen)
{
    struct http_hdr_ctx c = { m };
    size_t he, i;
    enum gr_rc rc = GR_OK;
    struct gr_buf tmp;
    const char *body;
    size_t blen;

    memset(m, 0, sizeof *m);
    gr_buf_reset(scratch);
    if (response) {
        int st = 0;
        if (len < 12 || memcmp(block, "HTTP/", 5) != 0) {
            snprintf(err, errlen, "response block is not HTTP (no status line)");
            return GR_EDATA;
        }
        for (i = 5; i < len && block[i] != ' '; i++)
            ;
        for (i++; i < len && block[i] >= '0' && block[i] <= '9' && st < 1000; i++)
            st = st * 10 + (block[i] - '0');
        if (st < 100 || st > 999) {
            snprintf(err, errlen, "bad HTTP status line");
            return GR_EDATA;
        }
        m->status = st;
    } else {
        for (i = 0; i < len && i < sizeof m->method - 1 && block[i] >= 'A' && block[i] <= 'Z'; i++)
            m->method[i] = block[i];
        m->method[i] = '\0';
        if (i == 0 || i >= len || block[i] != ' ') {
            snprintf(err, errlen, "request block is not HTTP (no request line)");
            return GR_EDATA;
        }
    }
    he = header_end(block, len < HEADER_MAX ? len : HEADER_MAX);
    if (!he) {
        /* headers cut off: no body */
        each_header(block, len, http_hdr_cb, &c);
        m->body = block + len;
        m->body_len = 0;
        return GR_OK;
    }
    each_header(block, he, http_hdr_cb, &c);
    body = block + he;
    blen = len - he;
    if (strcasestr(m->transfer_encoding, "chunked")) {
        rc = dechunk(body, blen, scratch, err, errlen);
        if (rc)
            return rc;
        body = scratch->data ? scratch->data : "";
        blen = scratch->len;
        m->decoded = true;
    }
    if (blen > 0 && (strcasestr(m->content_encoding, "gzip") || strcasestr(m->content_encoding, "deflate"))) {
        bool gz = blen >= 2 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b;
        bool zl = blen >= 2 && ((unsigned char)body[0] & 0x0f) == 8 &&
                  (((unsigned char)body[0] << 8) | (unsigned char)body[1]) % 31 == 0;
        bool raw = !gz && !zl && strcasestr(m->content_encoding, "deflate");
        if (gz || zl || raw) {
            gr_buf_init(&tmp, scratch->max);
            rc = gr_inflate(body, blen, raw, &tmp, NULL);
            if (rc == GR_EDATA && tmp.len > 0 && (gz || zl)) {
                rc = GR_OK;   /* a truncated body: keep what inflated */
            }
            if (rc) {
                gr_buf_free(&tmp);
                if (rc == GR_ELIMIT)
                    snprintf(err, errlen, "decoded body over %zu bytes", scratch->max);
                else
                    snprintf(err, errlen, "broken %s content coding", m->content_encoding);
                return rc;
            }
            gr_buf_free(scratch);
            *scratch = tmp;
            body = scratch->data ? scratch->data : "";
            blen = scratch->len;
            m->decoded = true;
        }
        /* otherwise the body was stored already decoded: use it as it is */
    }
    m->body = body;
    m->body_len = blen;
    return GR_OK;
}
