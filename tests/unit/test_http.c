/* Unit tests of lib/gr_http.c, the one HTTP decoder of the crawler's
 * discovery and the parser: header lookup (case, folding, the last of a
 * repeated field, interim blocks), de-chunking, content codings by the rule
 * of gr_http.h (gzip, x-gzip, deflate zlib and raw, identity, bogus and
 * unsupported names, a body stored decoded), bounds, and whole messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gr_http.h"

/* data[0..len) compressed with windowBits wbits (16 + 15 gzip, 15 zlib,
 * -15 raw) */
static void compress_n(struct gr_buf *out, const void *data, size_t len, int wbits)
{
    unsigned char tmp[65536];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = tmp;
    z.avail_out = sizeof tmp;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    gr_buf_reset(out);
    gr_buf_append(out, tmp, z.total_out);
    deflateEnd(&z);
}

static void compress_to(struct gr_buf *out, const char *text, int wbits)
{
    compress_n(out, text, strlen(text), wbits);
}

/* The value of field name in h is want. */
static void expect_header(const char *h, const char *name, const char *want)
{
    char *v = gr_http_header(h, strlen(h), name);
    assert_non_null(v);
    assert_string_equal(v, want);
    free(v);
}

static void header_value_takes_the_last_occurrence_trimmed(void **state)
{
    const char *h = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\ncontent-encoding:  gzip \r\n"
                    "Location: /a\r\nLocation: /b\r\n\r\n";
    (void)state;
    expect_header(h, "Content-Encoding", "gzip");
    expect_header(h, "Location", "/b");
    assert_null(gr_http_header(h, strlen(h), "Retry-After"));
}

static void gzip_decoding_is_bounded(void **state)
{
    static char zeros[1 << 20];
    struct gr_buf cb, out;
    const char *b, *comp;
    size_t bl, clen;
    char err[128];
    (void)state;

    gr_buf_init(&cb, 1 << 20);
    compress_n(&cb, zeros, sizeof zeros, 16 + 15);
    comp = cb.data;
    clen = cb.len;
    /* a 1 MiB bomb against a 64 KiB cap */
    gr_buf_init(&out, 65536);
    assert_int_equal(gr_http_decode("gzip", comp, clen, &out, &b, &bl, err, sizeof err), GR_ELIMIT);
    assert_true(bl <= 65536 && b == out.data);
    assert_non_null(strstr(err, "over 65536 bytes"));
    gr_buf_free(&out);
    /* within the cap it decodes completely */
    gr_buf_init(&out, 2 << 20);
    assert_int_equal(gr_http_decode("gzip", comp, clen, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_int_equal(bl, sizeof zeros);
    /* a truncated stream keeps what was decoded */
    assert_int_equal(gr_http_decode("x-gzip", comp, clen / 2, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_true(bl > 0 && bl < sizeof zeros);
    assert_int_equal(gr_http_decode("br", comp, clen, &out, &b, &bl, err, sizeof err), GR_EDATA);
    assert_non_null(strstr(err, "unsupported content coding \"br\""));
    assert_int_equal(gr_http_decode(NULL, "abc", 3, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_int_equal(bl, 3);
    assert_memory_equal(b, "abc", 3);
    gr_buf_free(&out);
    gr_buf_free(&cb);
}

static void header_case_folding_and_blocks(void **state)
{
    const char *h = "HTTP/1.1 200 OK\r\nX-Long: first part\r\n  second part\r\n\tthird\r\n"
                    "CONTENT-TYPE: text/html;\r\n charset=gbk\r\nSet-Cookie : no\r\n\r\nX-Body: not a header\r\n";
    const char *two = "HTTP/1.1 100 Continue\r\nX-A: interim\r\n\r\nHTTP/1.1 200 OK\r\nX-A: final\r\n\r\n";
    (void)state;

    expect_header(h, "x-long", "first part second part third");
    expect_header(h, "Content-Type", "text/html; charset=gbk");
    /* a blank before the colon is no field name; the body is not headers */
    assert_null(gr_http_header(h, strlen(h), "Set-Cookie"));
    assert_null(gr_http_header(h, strlen(h), "X-Body"));
    expect_header(two, "X-A", "final");
}

static void chunked_bodies(void **state)
{
    struct gr_buf out;
    char err[128];
    const char *ok = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
    (void)state;

    gr_buf_init(&out, 1 << 20);
    assert_int_equal(gr_http_dechunk(ok, strlen(ok), &out, err, sizeof err), GR_OK);
    assert_string_equal(out.data, "hello world");
    /* cut off inside a chunk: what came is kept */
    gr_buf_reset(&out);
    assert_int_equal(gr_http_dechunk("a\r\nhel", 6, &out, err, sizeof err), GR_OK);
    assert_string_equal(out.data, "hel");
    /* not chunk framing at all */
    gr_buf_reset(&out);
    assert_int_equal(gr_http_dechunk("zz\r\nhello", 9, &out, err, sizeof err), GR_EDATA);
    assert_non_null(strstr(err, "chunk size"));
    /* over the cap */
    gr_buf_free(&out);
    gr_buf_init(&out, 4);
    assert_int_equal(gr_http_dechunk(ok, strlen(ok), &out, err, sizeof err), GR_ELIMIT);
    gr_buf_free(&out);
}

static void content_codings(void **state)
{
    const char *text = "<html>投票 8.3亿下载</html>";
    struct gr_buf comp, out;
    const char *b;
    size_t bl;
    char err[128];
    (void)state;

    gr_buf_init(&comp, 1 << 20);
    gr_buf_init(&out, 1 << 20);
    /* gzip, any case and blanks */
    compress_to(&comp, text, 16 + 15);
    assert_int_equal(gr_http_decode(" GZip ", comp.data, comp.len, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_int_equal(bl, strlen(text));
    assert_memory_equal(b, text, bl);
    /* deflate as zlib, and as raw deflate */
    compress_to(&comp, text, 15);
    assert_int_equal(gr_http_decode("deflate", comp.data, comp.len, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_memory_equal(b, text, strlen(text));
    compress_to(&comp, text, -15);
    assert_int_equal(gr_http_decode("deflate", comp.data, comp.len, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_int_equal(bl, strlen(text));
    assert_memory_equal(b, text, bl);
    /* identity and empty: the bytes as they are */
    assert_int_equal(gr_http_decode("identity", text, strlen(text), &out, &b, &bl, err, sizeof err), GR_OK);
    assert_ptr_equal(b, text);
    assert_int_equal(gr_http_decode("", text, strlen(text), &out, &b, &bl, err, sizeof err), GR_OK);
    assert_ptr_equal(b, text);
    assert_false(gr_http_coded(NULL));
    assert_false(gr_http_coded(" identity"));
    assert_true(gr_http_coded("gzip"));
    /* a body stored decoded under a gzip label is used as it is */
    assert_int_equal(gr_http_decode("gzip", "{\"ret\":0}", 9, &out, &b, &bl, err, sizeof err), GR_OK);
    assert_int_equal(bl, 9);
    assert_memory_equal(b, "{\"ret\":0}", 9);
    /* bogus and unsupported codings, broken streams: errors naming them */
    assert_int_equal(gr_http_decode("gzip, br", comp.data, comp.len, &out, &b, &bl, err, sizeof err), GR_EDATA);
    assert_non_null(strstr(err, "unsupported content coding \"gzip, br\""));
    assert_int_equal(gr_http_decode("x-bogus", text, strlen(text), &out, &b, &bl, err, sizeof err), GR_EDATA);
    assert_int_equal(gr_http_decode("gzip", "\x1f\x8b\x08\x00garbagegarbage", 18, &out, &b, &bl, err, sizeof err),
                     GR_EDATA);
    assert_non_null(strstr(err, "broken gzip content coding"));
    assert_int_equal(gr_http_decode("deflate", "plain text", 10, &out, &b, &bl, err, sizeof err), GR_EDATA);
    gr_buf_free(&comp);
    gr_buf_free(&out);
}

static void messages_framed_and_unframed(void **state)
{
    const char *text = "<a href=\"/x\">x</a>";
    struct gr_buf comp, msg, s;
    struct gr_http_msg m, m2;
    char err[128], head[256];
    (void)state;

    gr_buf_init(&comp, 1 << 20);
    gr_buf_init(&msg, 1 << 20);
    gr_buf_init(&s, 1 << 20);
    compress_to(&comp, text, 16 + 15);
    /* a WARC block: chunked framing and gzip */
    gr_buf_appends(&msg, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n");
    gr_buf_printf(&msg, "%zx\r\n", comp.len);
    gr_buf_append(&msg, comp.data, comp.len);
    gr_buf_appends(&msg, "\r\n0\r\n\r\n");
    assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &s, err, sizeof err), GR_OK);
    assert_int_equal(m.status, 200);
    assert_true(m.decoded);
    assert_int_equal(m.body_len, strlen(text));
    assert_memory_equal(m.body, text, m.body_len);
    assert_string_equal(m.content_type, "text/html");
    /* what libcurl delivers for it (framing removed, header kept): the same
     * body, so discover() sees what extract() sees */
    snprintf(head, sizeof head, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
    {
        struct gr_buf s2;
        gr_buf_init(&s2, 1 << 20);
        assert_int_equal(gr_http_message(head, strlen(head), comp.data, comp.len, false, true, &m2, &s2, err,
                                         sizeof err), GR_OK);
        assert_int_equal(m2.status, 200);
        assert_int_equal(m2.body_len, m.body_len);
        assert_memory_equal(m2.body, m.body, m.body_len);
        gr_buf_free(&s2);
    }
    /* an unsupported coding rejects the message with its reason */
    gr_buf_reset(&msg);
    gr_buf_appends(&msg, "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x0b\x02\x80");
    assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &s, err, sizeof err), GR_EDATA);
    assert_non_null(strstr(err, "unsupported content coding"));
    /* a request */
    {
        const char *req = "POST /mp/x HTTP/1.1\r\nHost: a\r\n\r\nf=1";
        assert_int_equal(gr_http_parse(req, strlen(req), false, &m, &s, err, sizeof err), GR_OK);
    }
    assert_string_equal(m.method, "POST");
    assert_int_equal(m.body_len, 3);
    /* not HTTP */
    assert_int_equal(gr_http_parse("HTTP/1.1 abc OK\r\n\r\n", 20, true, &m, &s, err, sizeof err), GR_EDATA);
    assert_int_equal(gr_http_parse("garbage", 7, true, &m, &s, err, sizeof err), GR_EDATA);
    gr_buf_free(&comp);
    gr_buf_free(&msg);
    gr_buf_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_value_takes_the_last_occurrence_trimmed),
        cmocka_unit_test(header_case_folding_and_blocks),
        cmocka_unit_test(gzip_decoding_is_bounded),
        cmocka_unit_test(chunked_bodies),
        cmocka_unit_test(content_codings),
        cmocka_unit_test(messages_framed_and_unframed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
