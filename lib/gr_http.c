/* HTTP/1.x messages: header fields, transfer and content codings, inflate
 * (gr_http.h states the decoding rule both stages follow). */
#include "gr_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libdeflate.h>
#include <zlib.h>

/* ---- header fields ------------------------------------------------------------ */

/* Finds the end of the header block (after the blank line) in p[0..n):
 * returns the offset of the first body byte, or 0 when not found. */
size_t gr_http_header_end(const char *p, size_t n)
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

bool gr_http_field_is(const char *n, size_t nn, const char *want)
{
    return strlen(want) == nn && strncasecmp(n, want, nn) == 0;
}

void gr_http_copy_value(char *dst, size_t dsz, const char *v, size_t vn)
{
    if (vn >= dsz)
        vn = dsz - 1;
    memcpy(dst, v, vn);
    dst[vn] = '\0';
}

/* The line at *i of h[0..n): its bounds without the line end; *i moves
 * past it. */
static void next_line(const char *h, size_t n, size_t *i, size_t *ls, size_t *le)
{
    *ls = *i;
    while (*i < n && h[*i] != '\n')
        (*i)++;
    *le = *i;
    (*i)++;
    if (*le > *ls && h[*le - 1] == '\r')
        (*le)--;
}

static void trim(const char *h, size_t *s, size_t *e)
{
    while (*s < *e && (h[*s] == ' ' || h[*s] == '\t'))
        (*s)++;
    while (*e > *s && (h[*e - 1] == ' ' || h[*e - 1] == '\t'))
        (*e)--;
}

void gr_http_each_field(const char *h, size_t n, gr_http_field_cb cb, void *ctx)
{
    char fold[8192];
    size_t i = 0;

    while (i < n && h[i] != '\n')
        i++;
    i++;
    while (i < n) {
        size_t ls, le, colon, vs, ve, fl = 0;
        next_line(h, n, &i, &ls, &le);
        if (le == ls)
            break;
        if (h[ls] == ' ' || h[ls] == '\t')
            continue;           /* a continuation without a field before it */
        for (colon = ls; colon < le && h[colon] != ':'; colon++)
            ;
        if (colon == le)
            continue;
        vs = colon + 1;
        ve = le;
        trim(h, &vs, &ve);
        /* obsolete line folding: the next lines starting with a blank
         * continue this value */
        while (i < n && (h[i] == ' ' || h[i] == '\t')) {
            size_t cs, ce;
            next_line(h, n, &i, &cs, &ce);
            trim(h, &cs, &ce);
            if (!fl) {
                fl = ve - vs < sizeof fold ? ve - vs : sizeof fold - 1;
                memcpy(fold, h + vs, fl);
            }
            if (cs < ce && fl + 1 < sizeof fold) {
                size_t k = ce - cs < sizeof fold - fl - 1 ? ce - cs : sizeof fold - fl - 1;
                if (fl)
                    fold[fl++] = ' ';
                memcpy(fold + fl, h + cs, k > sizeof fold - fl ? sizeof fold - fl : k);
                fl += k > sizeof fold - fl ? sizeof fold - fl : k;
            }
        }
        if (fl)
            cb(ctx, h + ls, colon - ls, fold, fl);
        else
            cb(ctx, h + ls, colon - ls, h + vs, ve - vs);
    }
}

struct find_ctx {
    const char *name;
    char *val;
};

static void find_cb(void *vctx, const char *n, size_t nn, const char *v, size_t vn)
{
    struct find_ctx *c = vctx;
    if (gr_http_field_is(n, nn, c->name)) {
        free(c->val);
        c->val = strndup(v, vn);
    }
}

char *gr_http_header(const char *head, size_t len, const char *name)
{
    struct find_ctx c = { name, NULL };
    size_t off = 0;

    while (off < len) {
        size_t he = gr_http_header_end(head + off, len - off);
        gr_http_each_field(head + off, he ? he : len - off, find_cb, &c);
        if (!he)
            break;
        off += he;
        if (len - off < 5 || memcmp(head + off, "HTTP/", 5) != 0)
            break;
    }
    return c.val;
}

/* ---- codings ------------------------------------------------------------------- */

enum gr_rc gr_http_dechunk(const char *p, size_t n, struct gr_buf *out, char *err, size_t errlen)
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

/* ---- inflate ----------------------------------------------------------------- */

/* Inflates one stream from in. Output beyond out->max is discarded (so the
 * stream's end is still found, when the caller asks where it is) and
 * reported as GR_ELIMIT. Returns GR_EDATA
 * for corrupt data, GR_ETEMP when the input ends before the stream does. */
enum gr_rc gr_inflate_stream(const void *in, size_t len, int wbits, struct gr_buf *out, size_t *consumed)
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

/* One libdeflate decompressor per thread. */
static __thread struct libdeflate_decompressor *tl_dd;

struct libdeflate_decompressor *gr_inflate_libdeflate(void)
{
    if (!tl_dd)
        tl_dd = libdeflate_alloc_decompressor();
    return tl_dd;
}

/* A whole gzip member in one libdeflate call, its size taken from the
 * trailer (ISIZE); false when that does not work out (several members,
 * trailing bytes, damage, truncation, over the cap): zlib then decides. */
static bool inflate_gzip_fast(const unsigned char *in, size_t len, struct gr_buf *out, size_t *consumed)
{
    struct libdeflate_decompressor *d = gr_inflate_libdeflate();
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
    rc = gr_inflate_stream(in, len, raw ? -15 : 15 + 32, out, consumed);
    return rc == GR_ETEMP ? GR_EDATA : rc;
}



/* The coding named by encoding, trimmed, into name. */
static void coding_name(const char *encoding, char *name, size_t size)
{
    size_t s = 0, e = encoding ? strlen(encoding) : 0;
    if (encoding)
        trim(encoding, &s, &e);
    gr_http_copy_value(name, size, encoding ? encoding + s : "", e - s);
}

bool gr_http_coded(const char *encoding)
{
    char name[64];
    coding_name(encoding, name, sizeof name);
    return name[0] && strcasecmp(name, "identity") != 0;
}

enum gr_rc gr_http_decode(const char *encoding, const char *in, size_t len, struct gr_buf *out, const char **body,
                          size_t *blen, char *err, size_t errlen)
{
    const unsigned char *u = (const unsigned char *)in;
    bool gzip, gz, zl;
    char name[64];
    enum gr_rc rc;

    gr_buf_reset(out);
    *body = in;
    *blen = len;
    coding_name(encoding, name, sizeof name);
    if (!name[0] || strcasecmp(name, "identity") == 0)
        return GR_OK;
    gzip = strcasecmp(name, "gzip") == 0 || strcasecmp(name, "x-gzip") == 0;
    if (!gzip && strcasecmp(name, "deflate") != 0) {
        snprintf(err, errlen, "unsupported content coding \"%.60s\"", name);
        return GR_EDATA;
    }
    if (len == 0)
        return GR_OK;
    gz = len >= 2 && u[0] == 0x1f && u[1] == 0x8b;
    zl = len >= 2 && (u[0] & 0x0f) == 8 && ((u[0] << 8) | u[1]) % 31 == 0;
    if (gzip && !gz && !zl)
        return GR_OK;           /* stored already decoded */
    rc = gr_inflate(in, len, !gz && !zl, out, NULL);
    if (rc == GR_EDATA && out->len > 0)
        rc = GR_OK;             /* a truncated stream: keep what inflated */
    if (rc == GR_ELIMIT)
        snprintf(err, errlen, "decoded body over %zu bytes", out->max);
    else if (rc)
        snprintf(err, errlen, "broken %s content coding", name);
    if (!rc || rc == GR_ELIMIT) {
        *body = out->data ? out->data : "";
        *blen = out->len;
    }
    return rc;
}

/* ---- messages ------------------------------------------------------------------ */

static void msg_field_cb(void *vctx, const char *n, size_t nn, const char *v, size_t vn)
{
    struct gr_http_msg *m = vctx;

    if (gr_http_field_is(n, nn, "Content-Type"))
        gr_http_copy_value(m->content_type, sizeof m->content_type, v, vn);
    else if (gr_http_field_is(n, nn, "Content-Encoding"))
        gr_http_copy_value(m->content_encoding, sizeof m->content_encoding, v, vn);
    else if (gr_http_field_is(n, nn, "Transfer-Encoding"))
        gr_http_copy_value(m->transfer_encoding, sizeof m->transfer_encoding, v, vn);
}

/* The status of the status line at head[0..len), or 0 when it is not one. */
static int status_line(const char *head, size_t len)
{
    size_t i;
    int st = 0;

    if (len < 12 || memcmp(head, "HTTP/", 5) != 0)
        return 0;
    for (i = 5; i < len && head[i] != ' '; i++)
        ;
    for (i++; i < len && head[i] >= '0' && head[i] <= '9' && st < 1000; i++)
        st = st * 10 + (head[i] - '0');
    return st < 100 || st > 999 ? -1 : st;
}

enum gr_rc gr_http_message(const char *head, size_t hlen, const char *body, size_t blen, bool framed, bool response,
                           struct gr_http_msg *m, struct gr_buf *scratch, char *err, size_t errlen)
{
    enum gr_rc rc;
    size_t i;

    memset(m, 0, sizeof *m);
    gr_buf_reset(scratch);
    if (response) {
        int st = status_line(head, hlen);
        /* interim 1xx blocks (100 Continue) before the final response */
        for (size_t he; st >= 100 && st < 200 && (he = gr_http_header_end(head, hlen)) && status_line(head + he, hlen - he) > 0;) {
            head += he;
            hlen -= he;
            st = status_line(head, hlen);
        }
        if (st == 0) {
            snprintf(err, errlen, "response block is not HTTP (no status line)");
            return GR_EDATA;
        }
        if (st < 0) {
            snprintf(err, errlen, "bad HTTP status line");
            return GR_EDATA;
        }
        m->status = st;
    } else {
        for (i = 0; i < hlen && i < sizeof m->method - 1 && head[i] >= 'A' && head[i] <= 'Z'; i++)
            m->method[i] = head[i];
        m->method[i] = '\0';
        if (i == 0 || i >= hlen || head[i] != ' ') {
            snprintf(err, errlen, "request block is not HTTP (no request line)");
            return GR_EDATA;
        }
    }
    gr_http_each_field(head, hlen, msg_field_cb, m);
    m->body = body;
    m->body_len = blen;
    if (framed && strcasestr(m->transfer_encoding, "chunked")) {
        rc = gr_http_dechunk(body, blen, scratch, err, errlen);
        if (rc)
            return rc;
        m->body = scratch->data ? scratch->data : "";
        m->body_len = scratch->len;
        m->decoded = true;
    }
    if (m->body_len > 0 && m->content_encoding[0]) {
        const char *b;
        size_t bl;
        if (m->decoded) {
            /* de-chunked into scratch: decode into a buffer of its own */
            struct gr_buf tmp;
            gr_buf_init(&tmp, scratch->max);
            rc = gr_http_decode(m->content_encoding, m->body, m->body_len, &tmp, &b, &bl, err, errlen);
            if (b == tmp.data) {
                gr_buf_free(scratch);
                *scratch = tmp;
            } else {
                gr_buf_free(&tmp);
            }
        } else {
            rc = gr_http_decode(m->content_encoding, m->body, m->body_len, scratch, &b, &bl, err, errlen);
        }
        if (rc && rc != GR_ELIMIT)
            return rc;
        m->decoded = m->decoded || b != m->body;
        m->body = b;
        m->body_len = bl;
        return rc;
    }
    return GR_OK;
}

enum gr_rc gr_http_parse(const char *block, size_t len, bool response, struct gr_http_msg *m,
                         struct gr_buf *scratch, char *err, size_t errlen)
{
    size_t he = gr_http_header_end(block, len < GR_HTTP_HEADER_MAX ? len : GR_HTTP_HEADER_MAX);
    if (!he)    /* headers cut off: no body */
        return gr_http_message(block, len, block + len, 0, true, response, m, scratch, err, errlen);
    return gr_http_message(block, he, block + he, len - he, true, response, m, scratch, err, errlen);
}
