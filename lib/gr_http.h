/* HTTP/1.x messages: header fields, the chunked transfer coding, content
 * codings and inflate. The one decoder of the pipeline: the crawler's
 * discovery (a response as libcurl delivered it) and the parser (a WARC
 * response block) both go through gr_http_message(), so discover() and
 * extract() see the same bytes for the same response.
 *
 * Content codings, one rule for both stages (gr_http_decode):
 *  - Content-Encoding absent, empty or "identity": the body as it is;
 *  - "gzip" or "x-gzip" (any case, surrounding blanks ignored): a gzip
 *    stream; "deflate": a zlib stream, or raw deflate when the body does
 *    not start with a zlib header (servers send both);
 *  - a gzip body without the gzip magic bytes is taken as already decoded
 *    (tools that store bodies decoded keep the header): used as it is;
 *  - a stream cut short keeps what inflated (a truncated transfer), a
 *    stream with nothing inflatable is GR_EDATA ("broken gzip content
 *    coding");
 *  - any other value (br, compress, a list of codings, a bogus name) is
 *    GR_EDATA ("unsupported content coding"): the bytes are not the page,
 *    so the crawler discovers nothing in them and the parser rejects the
 *    record with that reason;
 *  - the decoded body is bounded by the output buffer's max: GR_ELIMIT,
 *    with the first max bytes kept (the crawler discovers links in them,
 *    the parser rejects the record: an observation must be whole).
 *
 * Header fields: names match case-insensitively and exactly (no blank
 * before the colon); values are trimmed; an obsolete line folding (a line
 * starting with a space or tab) continues the field before it and is
 * joined with one space; a repeated field: the last one wins. */
#ifndef GR_HTTP_H
#define GR_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gr_buf.h"
#include "gr_err.h"

/* Header blocks longer than this are treated as cut off. */
#define GR_HTTP_HEADER_MAX (256u << 10)

/* ---- header fields (HTTP and WARC share the syntax) ------------------------ */

/* The offset of the first byte after the blank line ending the header
 * block in p[0..n), or 0 when there is none. */
size_t gr_http_header_end(const char *p, size_t n);
/* Calls cb for each "Name: value" field of h[0..n) after its first line
 * (status, request or version line), up to the blank line; folded lines
 * joined (values over 8 KiB are cut there). */
typedef void (*gr_http_field_cb)(void *ctx, const char *name, size_t nn, const char *val, size_t vn);
void gr_http_each_field(const char *h, size_t n, gr_http_field_cb cb, void *ctx);
/* Whether name[0..nn) is want (case-insensitive). */
bool gr_http_field_is(const char *name, size_t nn, const char *want);
/* Copies v[0..vn) into dst (cut to dsz - 1, NUL-terminated). */
void gr_http_copy_value(char *dst, size_t dsz, const char *v, size_t vn);
/* The value of field name in the header block head[0..len) (several
 * blocks, as after a 100 Continue: all of them), or NULL. Caller frees. */
char *gr_http_header(const char *head, size_t len, const char *name);

/* ---- codings ---------------------------------------------------------------- */

/* Whether encoding names a content coding to remove (not absent, empty or
 * identity). */
bool gr_http_coded(const char *encoding);
/* Removes the chunked transfer coding of p[0..n), appending to out. A body
 * cut off inside a chunk keeps what came. GR_EDATA with err when the
 * framing is broken. */
enum gr_rc gr_http_dechunk(const char *p, size_t n, struct gr_buf *out, char *err, size_t errlen);
/* Removes the content coding encoding (NULL = none) from in[0..len) by the
 * rule above: *body and *blen are in itself or out's data (out reset
 * first; its max bounds the result). */
enum gr_rc gr_http_decode(const char *encoding, const char *in, size_t len, struct gr_buf *out, const char **body,
                          size_t *blen, char *err, size_t errlen);
/* Inflates a gzip or zlib stream (or raw deflate when raw) into out,
 * appending; GR_ELIMIT past out->max, GR_EDATA when broken or truncated.
 * *consumed (may be NULL) receives the input bytes used. */
enum gr_rc gr_inflate(const void *in, size_t len, bool raw, struct gr_buf *out, size_t *consumed);
/* One zlib stream (wbits as inflateInit2: 15 + 16 gzip only, 15 + 32 gzip
 * or zlib, -15 raw). Output beyond out->max is discarded (the stream's end
 * is still found when consumed is asked for) and reported as GR_ELIMIT;
 * GR_EDATA for corrupt data, GR_ETEMP when the input ends inside the
 * stream (the WARC reader's incomplete tail). */
enum gr_rc gr_inflate_stream(const void *in, size_t len, int wbits, struct gr_buf *out, size_t *consumed);
/* This thread's libdeflate decompressor (whole gzip members in one call,
 * about twice as fast as zlib's streaming inflate), or NULL. */
struct libdeflate_decompressor *gr_inflate_libdeflate(void);

/* ---- messages --------------------------------------------------------------- */

struct gr_http_msg {
    int status;                    /* responses: status code; 0 for requests */
    char method[16];               /* requests: GET, POST, ... */
    char content_type[256];
    char content_encoding[64];
    char transfer_encoding[64];
    const char *body;              /* into the block, or into decoded (see below) */
    size_t body_len;
    bool decoded;                  /* chunked or content coding removed */
};

/* The message whose header block is head[0..hlen) and whose body as sent
 * is body[0..blen): with framed, a chunked transfer coding the header
 * names is removed (a WARC block); without, the body has none left (as
 * libcurl delivers it). Then the content coding, by the rule above; the
 * body then points into *scratch. GR_EDATA with err when the message is not
 * HTTP or a coding is broken or unsupported; GR_ELIMIT when the decoded
 * body is over scratch's max (m->body then holds what fitted). */
enum gr_rc gr_http_message(const char *head, size_t hlen, const char *body, size_t blen, bool framed, bool response,
                           struct gr_http_msg *m, struct gr_buf *scratch, char *err, size_t errlen);
/* An HTTP/1.x message in one block (a WARC request or response record):
 * gr_http_message() on its header block and what follows it. */
enum gr_rc gr_http_parse(const char *block, size_t len, bool response, struct gr_http_msg *m,
                         struct gr_buf *scratch, char *err, size_t errlen);

#endif
