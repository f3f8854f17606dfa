/* The WARC reader (lib/gr_warc_read.c) and HTTP message parsing: gzip per
 * record, plain files, .open files, broken input, and files written by the
 * crawler's writer (lib/gr_warc_write.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "gr_buf.h"
#include "gr_warc_read.h"
#include "gr_warc_write.h"

static char tmpdir[256];

static void gz_member(struct gr_buf *out, const char *data, size_t n)
{
    z_stream z;
    unsigned char chunk[1 << 16];
    int zr;

    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)n;
    do {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        zr = deflate(&z, Z_FINISH);
        assert_int_equal(gr_buf_append(out, chunk, sizeof chunk - z.avail_out), GR_OK);
    } while (zr == Z_OK);
    assert_int_equal(zr, Z_STREAM_END);
    deflateEnd(&z);
}

/* A WARC record as text. */
static void record(struct gr_buf *out, const char *type, const char *id, const char *conc, const char *uri,
                   const char *block, size_t blen)
{
    gr_buf_printf(out, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: 2014-10-05T08:00:00Z\r\n", type, id);
    if (conc)
        gr_buf_printf(out, "WARC-Concurrent-To: %s\r\n", conc);
    if (uri)
        gr_buf_printf(out, "WARC-Target-URI: %s\r\n", uri);
    gr_buf_printf(out, "Content-Type: application/http; msgtype=%s\r\nContent-Length: %zu\r\n\r\n",
                  strcmp(type, "request") == 0 ? "request" : "response", blen);
    gr_buf_append(out, block, blen);
    gr_buf_appends(out, "\r\n\r\n");
}

static void write_file(const char *path, const struct gr_buf *b)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
    fclose(f);
}

static const char RESP[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html>hello</html>";
static const char REQ[] = "POST /mp/getappmsgext HTTP/1.1\r\nHost: mp.weixin.qq.com\r\nContent-Length: 9\r\n\r\n__biz=x&a";

/* Three records, each its own gzip member; returns the member offsets. */
static void make_gz(struct gr_buf *file, size_t off[3])
{
    struct gr_buf r;

    gr_buf_init(&r, 1u << 20);
    for (int i = 0; i < 3; i++) {
        gr_buf_reset(&r);
        if (i == 0)
            record(&r, "warcinfo", "<urn:uuid:0>", NULL, NULL, "software: t\r\n", 13);
        else if (i == 1)
            record(&r, "request", "<urn:uuid:1>", "<urn:uuid:2>", "http://mp.weixin.qq.com/mp/getappmsgext", REQ,
                   sizeof REQ - 1);
        else
            record(&r, "response", "<urn:uuid:2>", NULL, "http://mp.weixin.qq.com/mp/getappmsgext", RESP,
                   sizeof RESP - 1);
        off[i] = file->len;
        gz_member(file, r.data, r.len);
    }
    gr_buf_free(&r);
}

static void read_all(const char *path, int *nrec, int *nerr, uint64_t *resp_off, char *last_err, size_t errlen)
{
    struct gr_warc_reader *rd;
    struct gr_warc_rec rec;
    char err[256];
    bool eof = false;

    *nrec = *nerr = 0;
    assert_int_equal(gr_warc_reader_open(path, &rd, err, sizeof err), GR_OK);
    for (int guard = 0; guard < 100; guard++) {
        enum gr_rc rc = gr_warc_reader_next(rd, &rec, &eof, err, sizeof err);
        if (rc == GR_EDATA) {
            (*nerr)++;
            snprintf(last_err, errlen, "%s", err);
            continue;
        }
        assert_int_equal(rc, GR_OK);
        if (eof)
            break;
        (*nrec)++;
        if (strcmp(rec.type, "response") == 0 && resp_off)
            *resp_off = rec.offset;
    }
    assert_true(eof);
    gr_warc_reader_free(rd);
}

static void test_gzip_records(void **state)
{
    struct gr_buf f;
    size_t off[3];
    char path[512];
    struct gr_warc_reader *rd;
    struct gr_warc_rec rec;
    char err[256];
    bool eof;

    (void)state;
    gr_buf_init(&f, 1u << 20);
    make_gz(&f, off);
    snprintf(path, sizeof path, "%s/a.warc.gz", tmpdir);
    write_file(path, &f);
    assert_int_equal(gr_warc_reader_open(path, &rd, err, sizeof err), GR_OK);
    assert_true(gr_warc_reader_gzip(rd));
    assert_int_equal(gr_warc_reader_next(rd, &rec, &eof, err, sizeof err), GR_OK);
    assert_string_equal(rec.type, "warcinfo");
    assert_int_equal(rec.offset, off[0]);
    assert_int_equal(gr_warc_reader_next(rd, &rec, &eof, err, sizeof err), GR_OK);
    assert_string_equal(rec.type, "request");
    assert_string_equal(rec.concurrent_to, "<urn:uuid:2>");
    assert_int_equal(rec.offset, off[1]);
    assert_int_equal(gr_warc_reader_next(rd, &rec, &eof, err, sizeof err), GR_OK);
    assert_false(eof);
    assert_string_equal(rec.type, "response");
    assert_string_equal(rec.id, "<urn:uuid:2>");
    assert_string_equal(rec.target_uri, "http://mp.weixin.qq.com/mp/getappmsgext");
    assert_int_equal(rec.date_s, 1412496000);
    assert_int_equal(rec.offset, off[2]);
    assert_int_equal(rec.block_len, sizeof RESP - 1);
    assert_memory_equal(rec.block, RESP, sizeof RESP - 1);
    assert_int_equal(gr_warc_reader_next(rd, &rec, &eof, err, sizeof err), GR_OK);
    assert_true(eof);
    gr_warc_reader_free(rd);
    gr_buf_free(&f);
}

static void test_plain_file(void **state)
{
    struct gr_buf f;
    char path[512], last[256] = "";
    int n, e;
    uint64_t ro = 0;
    size_t resp_at;

    (void)state;
    gr_buf_init(&f, 1u << 20);
    record(&f, "request", "<urn:uuid:1>", "<urn:uuid:2>", "http://x/", REQ, sizeof REQ - 1);
    resp_at = f.len;
    record(&f, "response", "<urn:uuid:2>", NULL, "http://x/", RESP, sizeof RESP - 1);
    snprintf(path, sizeof path, "%s/b.warc", tmpdir);
    write_file(path, &f);
    read_all(path, &n, &e, &ro, last, sizeof last);
    assert_int_equal(n, 2);
    assert_int_equal(e, 0);
    assert_int_equal(ro, resp_at);
    gr_buf_free(&f);
}

/* An .open file ends inside a member: read up to the last complete record, no error. */
static void test_open_file_tail(void **state)
{
    struct gr_buf f;
    size_t off[3];
    char path[512], last[256] = "";
    int n, e;
    struct gr_warc_reader *rd;
    char err[256];

    (void)state;
    gr_buf_init(&f, 1u << 20);
    make_gz(&f, off);
    f.len = off[2] + (f.len - off[2]) / 2;
    snprintf(path, sizeof path, "%s/c.warc.gz.open", tmpdir);
    write_file(path, &f);
    read_all(path, &n, &e, NULL, last, sizeof last);
    assert_int_equal(n, 2);
    assert_int_equal(e, 0);
    assert_int_equal(gr_warc_reader_open(path, &rd, err, sizeof err), GR_OK);
    gr_warc_reader_free(rd);
    /* the same bytes in a closed file: the truncation is an error */
    snprintf(path, sizeof path, "%s/c2.warc.gz", tmpdir);
    write_file(path, &f);
    read_all(path, &n, &e, NULL, last, sizeof last);
    assert_int_equal(n, 2);
    assert_int_equal(e, 1);
    assert_non_null(strstr(last, "truncated gzip member"));
    gr_buf_free(&f);
}

/* Garbage between members is skipped and reading goes on. */
static void test_garbage_between(void **state)
{
    struct gr_buf f, g;
    size_t off[3];
    char path[512], last[256] = "";
    int n, e;
    uint64_t ro = 0;

    (void)state;
    gr_buf_init(&f, 1u << 20);
    gr_buf_init(&g, 1u << 20);
    make_gz(&f, off);
    gr_buf_append(&g, f.data, off[2]);
    gr_buf_appends(&g, "GARBAGE\x1f\x8b junk bytes here");
    {
        size_t at = g.len;
        gr_buf_append(&g, f.data + off[2], f.len - off[2]);
        snprintf(path, sizeof path, "%s/d.warc.gz", tmpdir);
        write_file(path, &g);
        read_all(path, &n, &e, &ro, last, sizeof last);
        assert_int_equal(n, 3);
        assert_true(e >= 1);
        assert_int_equal(ro, at);
    }
    gr_buf_free(&f);
    gr_buf_free(&g);
}

/* A Content-Length that lies (too long) in a plain file: an error, then the next record. */
static void test_lying_length(void **state)
{
    struct gr_buf f;
    char path[512], last[256] = "";
    int n, e;

    (void)state;
    gr_buf_init(&f, 1u << 20);
    gr_buf_appends(&f, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:9>\r\nContent-Length: 99999\r\n\r\nshort\r\n\r\n");
    record(&f, "response", "<urn:uuid:2>", NULL, "http://x/", RESP, sizeof RESP - 1);
    snprintf(path, sizeof path, "%s/e.warc", tmpdir);
    write_file(path, &f);
    read_all(path, &n, &e, NULL, last, sizeof last);
    assert_int_equal(n, 1);
    assert_int_equal(e, 1);
    assert_non_null(strstr(last, "Content-Length"));
    gr_buf_free(&f);
}

static void test_missing_file(void **state)
{
    struct gr_warc_reader *rd;
    char err[256];
    (void)state;
    assert_int_equal(gr_warc_reader_open("/nonexistent/x.warc.gz", &rd, err, sizeof err), GR_ENOINPUT);
}

/* Files written by the crawler's writer read back record for record. */
static void test_crawler_writer(void **state)
{
    struct gr_warc_opts o;
    struct gr_warc_writer *w;
    struct gr_warc_record r;
    struct gr_warc_pos req_pos, resp_pos;
    char err[256], dir[512], path[1024];
    struct gr_warc_reader *rd;
    struct gr_warc_rec rec;
    bool eof = false;
    int responses = 0;

    (void)state;
    snprintf(dir, sizeof dir, "%s/w", tmpdir);
    gr_warc_opts_init(&o);
    o.dir = dir;
    o.prefix = "t";
    o.fsync_on_close = false;
    assert_int_equal(gr_warc_writer_new(&o, &w, err, sizeof err), GR_OK);
    memset(&r, 0, sizeof r);
    r.type = GR_WARC_REQUEST;
    r.target_uri = "http://mp.weixin.qq.com/mp/getappmsgext";
    r.content_type = "application/http; msgtype=request";
    r.head = REQ;
    r.head_len = sizeof REQ - 1;
    assert_int_equal(gr_warc_write(w, &r, &req_pos, err, sizeof err), GR_OK);
    memset(&r, 0, sizeof r);
    r.type = GR_WARC_RESPONSE;
    r.target_uri = "http://mp.weixin.qq.com/mp/getappmsgext";
    r.content_type = "application/http; msgtype=response";
    r.concurrent_to = req_pos.record_id;
    r.head = RESP;
    r.head_len = sizeof RESP - 1;
    assert_int_equal(gr_warc_write(w, &r, &resp_pos, err, sizeof err), GR_OK);
    assert_int_equal(gr_warc_writer_free(w, err, sizeof err), GR_OK);
    snprintf(path, sizeof path, "%s/%s", dir, resp_pos.file);
    assert_int_equal(gr_warc_reader_open(path, &rd, err, sizeof err), GR_OK);
    for (;;) {
        assert_int_equal(gr_warc_reader_next(rd, &rec, &eof, err, sizeof err), GR_OK);
        if (eof)
            break;
        if (strcmp(rec.type, "response") == 0) {
            responses++;
            assert_int_equal(rec.offset, resp_pos.offset);
            assert_string_equal(rec.concurrent_to, req_pos.record_id);
            assert_int_equal(rec.block_len, sizeof RESP - 1);
        }
    }
    assert_int_equal(responses, 1);
    gr_warc_reader_free(rd);
}

static void test_http_plain(void **state)
{
    struct gr_http_msg m;
    struct gr_buf s;
    char err[128];

    (void)state;
    gr_buf_init(&s, 1u << 20);
    assert_int_equal(gr_http_parse(RESP, sizeof RESP - 1, true, &m, &s, err, sizeof err), GR_OK);
    assert_int_equal(m.status, 200);
    assert_string_equal(m.content_type, "text/html; charset=utf-8");
    assert_int_equal(m.body_len, 18);
    assert_memory_equal(m.body, "<html>hello</html>", 18);
    assert_int_equal(gr_http_parse(REQ, sizeof REQ - 1, false, &m, &s, err, sizeof err), GR_OK);
    assert_string_equal(m.method, "POST");
    assert_int_equal(m.body_len, 9);
    assert_int_equal(gr_http_parse("garbage", 7, true, &m, &s, err, sizeof err), GR_EDATA);
    gr_buf_free(&s);
}

static void test_http_chunked_gzip(void **state)
{
    struct gr_buf body, msg, s, gz;
    struct gr_http_msg m;
    char err[128];
    const char *text = "<html>投票 8.3亿下载</html>";

    (void)state;
    gr_buf_init(&gz, 1u << 20);
    gr_buf_init(&msg, 1u << 20);
    gr_buf_init(&s, 1u << 20);
    gr_buf_init(&body, 1u << 20);
    gz_member(&gz, text, strlen(text));
    /* chunked in two pieces, gzip content coding */
    gr_buf_appends(&msg, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n");
    gr_buf_printf(&msg, "%zx;ext=1\r\n", (size_t)10);
    gr_buf_append(&msg, gz.data, 10);
    gr_buf_printf(&msg, "\r\n%zx\r\n", gz.len - 10);
    gr_buf_append(&msg, gz.data + 10, gz.len - 10);
    gr_buf_appends(&msg, "\r\n0\r\n\r\n");
    assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &s, err, sizeof err), GR_OK);
    assert_true(m.decoded);
    assert_int_equal(m.body_len, strlen(text));
    assert_memory_equal(m.body, text, strlen(text));
    /* a body over the cap is refused, not truncated silently */
    {
        struct gr_buf small;
        gr_buf_init(&small, 8);
        assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &small, err, sizeof err), GR_ELIMIT);
        gr_buf_free(&small);
    }
    /* broken gzip data */
    gr_buf_reset(&msg);
    gr_buf_appends(&msg, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00garbagegarbage");
    assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &s, err, sizeof err), GR_EDATA);
    /* a body stored already decoded under a gzip header is used as it is */
    gr_buf_reset(&msg);
    gr_buf_appends(&msg, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n{\"ret\":0}");
    assert_int_equal(gr_http_parse(msg.data, msg.len, true, &m, &s, err, sizeof err), GR_OK);
    assert_int_equal(m.body_len, 9);
    gr_buf_free(&gz);
    gr_buf_free(&msg);
    gr_buf_free(&s);
    gr_buf_free(&body);
}

static void test_dates(void **state)
{
    int64_t t;
    (void)state;
    assert_true(gr_warc_parse_date("2014-10-05T08:00:00Z", &t));
    assert_int_equal(t, 1412496000);
    assert_true(gr_warc_parse_date("2014-10-05T08:00:00.123456Z", &t));
    assert_int_equal(t, 1412496000);
    assert_false(gr_warc_parse_date("2014-13-05T08:00:00Z", &t));
    assert_false(gr_warc_parse_date("yesterday", &t));
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_warc_read.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[400];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_records),   cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_open_file_tail), cmocka_unit_test(test_garbage_between),
        cmocka_unit_test(test_lying_length),   cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_crawler_writer), cmocka_unit_test(test_http_plain),
        cmocka_unit_test(test_http_chunked_gzip), cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests_name("warc_read", tests, setup, teardown);
}
