/* Unit tests for lib/gr_warc_write: record layout, one gzip member per
 * record, stored members for compressed bodies, rotation, .open recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gr_warc_write.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_warc_write.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[600];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Reads a whole file into memory. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *p;
    long n;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(p);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* Inflates exactly one gzip member at data[off..], returns its text. */
static char *inflate_member(const unsigned char *data, size_t len, size_t off, size_t *used, size_t *outlen)
{
    z_stream z;
    size_t cap = 1 << 20;
    char *out = malloc(cap);
    int zr;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    z.next_in = (unsigned char *)data + off;
    z.avail_in = (uInt)(len - off);
    z.next_out = (unsigned char *)out;
    z.avail_out = (uInt)cap - 1;
    zr = inflate(&z, Z_FINISH);
    assert_int_equal(zr, Z_STREAM_END);
    *used = (size_t)(len - off) - z.avail_in;
    *outlen = z.total_out;
    out[z.total_out] = '\0';
    inflateEnd(&z);
    return out;
}

static int count_files(const char *suffix, char *first, size_t firstlen)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t a = strlen(de->d_name), b = strlen(suffix);
        if (a >= b && strcmp(de->d_name + a - b, suffix) == 0) {
            if (first && n == 0)
                snprintf(first, firstlen, "%s/%s", tmpdir, de->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static struct gr_warc_writer *new_writer(const char *sub, uint64_t max_bytes)
{
    struct gr_warc_opts o;
    struct gr_warc_writer *w = NULL;
    char err[256];
    static char dir[512];
    gr_warc_opts_init(&o);
    snprintf(dir, sizeof dir, "%s%s", tmpdir, sub);
    o.dir = dir;
    o.prefix = "t";
    o.software = "test/1";
    o.max_bytes = max_bytes;
    o.fsync_on_close = false;
    assert_int_equal(gr_warc_writer_new(&o, &w, err, sizeof err), GR_OK);
    return w;
}

static void record_layout_is_warc_1_1_with_one_member_per_record(void **state)
{
    struct gr_warc_writer *w = new_writer("", 0);
    struct gr_warc_pos p1, p2;
    struct gr_warc_record r = { 0 };
    struct gr_warc_field f = { "WARC-Custom", "x" };
    char err[256], path[2048];
    unsigned char *data;
    size_t len = 0, used, olen, off = 0;
    char *rec;
    (void)state;

    r.type = GR_WARC_RESPONSE;
    r.target_uri = "http://example.org/a?b=1";
    r.content_type = "application/http;msgtype=response";
    r.head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
    r.head_len = strlen(r.head);
    r.body = "hello";
    r.body_len = 5;
    r.truncated = "length";
    r.fields = &f;
    r.nfields = 1;
    assert_int_equal(gr_warc_write(w, &r, &p1, err, sizeof err), GR_OK);
    r.type = GR_WARC_METADATA;
    r.content_type = "application/warc-fields";
    r.head = "via: x\r\n";
    r.head_len = 8;
    r.body = NULL;
    r.body_len = 0;
    r.truncated = NULL;
    r.concurrent_to = p1.record_id;
    assert_int_equal(gr_warc_write(w, &r, &p2, err, sizeof err), GR_OK);
    assert_true(p2.offset == p1.offset + p1.length);
    assert_int_equal(count_files(".warc.gz.open", NULL, 0), 1);
    assert_int_equal(gr_warc_writer_free(w, err, sizeof err), GR_OK);
    assert_int_equal(count_files(".warc.gz.open", NULL, 0), 0);
    assert_int_equal(count_files(".warc.gz", path, sizeof path), 1);
    assert_non_null(strstr(path, p1.file));

    data = slurp(path, &len);
    assert_non_null(data);
    /* warcinfo first */
    rec = inflate_member(data, len, off, &used, &olen);
    assert_true(strncmp(rec, "WARC/1.1\r\nWARC-Type: warcinfo\r\n", 31) == 0);
    assert_null(strstr(rec, "WARC-Target-URI"));
    assert_non_null(strstr(rec, "software: test/1\r\n"));
    free(rec);
    off += used;
    assert_int_equal(off, p1.offset);
    rec = inflate_member(data, len, off, &used, &olen);
    assert_int_equal(used, p1.length);
    assert_non_null(strstr(rec, "WARC-Type: response\r\n"));
    assert_non_null(strstr(rec, "WARC-Target-URI: http://example.org/a?b=1\r\n"));
    assert_non_null(strstr(rec, "WARC-Truncated: length\r\n"));
    assert_non_null(strstr(rec, "WARC-Custom: x\r\n"));
    assert_non_null(strstr(rec, "Content-Length: 43\r\n\r\nHTTP/1.1 200 OK"));
    assert_string_equal(rec + olen - 9, "hello\r\n\r\n");
    free(rec);
    off += used;
    rec = inflate_member(data, len, off, &used, &olen);
    assert_non_null(strstr(rec, "WARC-Type: metadata\r\n"));
    assert_non_null(strstr(rec, p1.record_id));
    free(rec);
    off += used;
    assert_int_equal(off, len);
    free(data);
}

static void compressed_body_is_stored_and_text_is_compressed(void **state)
{
    struct gr_warc_writer *w = new_writer("/c", 0);
    struct gr_warc_record r = { 0 };
    struct gr_warc_pos p;
    char err[256];
    char *text = malloc(20000);
    unsigned char *rnd = malloc(20000);
    uint64_t files, records, in, out, stored;
    (void)state;

    for (int i = 0; i < 20000; i++)
        text[i] = "<p>government account</p>\n"[i % 26];
    srand(7);
    for (int i = 0; i < 20000; i++)
        rnd[i] = (unsigned char)rand();
    r.type = GR_WARC_RESPONSE;
    r.target_uri = "http://example.org/";
    r.content_type = "application/http;msgtype=response";
    r.body = text;
    r.body_len = 20000;
    assert_int_equal(gr_warc_write(w, &r, &p, err, sizeof err), GR_OK);
    assert_true(p.length < 2000);           /* compressed well */
    r.body = (const char *)rnd;
    assert_int_equal(gr_warc_write(w, &r, &p, err, sizeof err), GR_OK);
    assert_true(p.length > 20000);           /* stored: a few bytes of framing */
    r.body = text;
    r.body_compressed = true;                /* caller says: already encoded */
    assert_int_equal(gr_warc_write(w, &r, &p, err, sizeof err), GR_OK);
    assert_true(p.length > 20000);
    gr_warc_stats(w, &files, &records, &in, &out, &stored);
    assert_int_equal(files, 1);
    assert_int_equal(records, 4);
    assert_int_equal(stored, 3);             /* the two bodies above and the small warcinfo record */
    assert_int_equal(gr_warc_writer_free(w, err, sizeof err), GR_OK);
    free(text);
    free(rnd);
}

static void rotates_by_size(void **state)
{
    struct gr_warc_writer *w = new_writer("/r", 3000);
    struct gr_warc_record r = { 0 };
    char err[256];
    unsigned char body[1500];
    uint64_t files, records, in, out, stored;
    DIR *d;
    struct dirent *de;
    int n = 0;
    char dir[1024];
    (void)state;

    srand(3);
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (unsigned char)rand();
    r.type = GR_WARC_RESOURCE;
    r.target_uri = "http://example.org/x";
    r.content_type = "application/octet-stream";
    r.body = (const char *)body;
    r.body_len = sizeof body;
    for (int i = 0; i < 6; i++)
        assert_int_equal(gr_warc_write(w, &r, NULL, err, sizeof err), GR_OK);
    gr_warc_stats(w, &files, &records, &in, &out, &stored);
    assert_true(files >= 3);
    assert_int_equal(gr_warc_writer_free(w, err, sizeof err), GR_OK);
    snprintf(dir, sizeof dir, "%s/r", tmpdir);
    d = opendir(dir);
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".warc.gz") && !strstr(de->d_name, ".open"))
            n++;
    closedir(d);
    assert_int_equal(n, (int)files);
}

static void recover_keeps_complete_records_and_drops_partial_last(void **state)
{
    struct gr_warc_writer *w = new_writer("/k", 0);
    struct gr_warc_record r = { 0 };
    struct gr_warc_pos p;
    char err[256], open_path[2048], dir[1024];
    unsigned files;
    uint64_t dropped, members, good, size;
    FILE *f;
    (void)state;

    r.type = GR_WARC_RESOURCE;
    r.target_uri = "http://example.org/x";
    r.content_type = "text/plain";
    r.body = "some text some text some text";
    r.body_len = strlen(r.body);
    assert_int_equal(gr_warc_write(w, &r, &p, err, sizeof err), GR_OK);
    assert_int_equal(gr_warc_write(w, &r, &p, err, sizeof err), GR_OK);
    snprintf(dir, sizeof dir, "%s/k", tmpdir);
    snprintf(open_path, sizeof open_path, "%s/%s.open", dir, p.file);
    /* Records are buffered until a flush (the crawler flushes, and syncs,
     * before it commits the fetches they belong to). */
    {
        struct stat st;
        int fd = -1;
        assert_int_equal(stat(open_path, &st), 0);
        assert_int_equal(st.st_size, 0);
        assert_string_equal(gr_warc_open_path(w), open_path);
        assert_int_equal(gr_warc_flush(w, &fd, err, sizeof err), GR_OK);
        assert_true(fd >= 0);
        assert_int_equal(fdatasync(fd), 0);
        close(fd);
        assert_int_equal(stat(open_path, &st), 0);
        assert_int_equal((uint64_t)st.st_size, p.offset + p.length);
    }
    /* While the writer holds the file, recovery leaves it alone. */
    assert_int_equal(gr_warc_recover(dir, &files, &dropped, err, sizeof err), GR_OK);
    assert_int_equal(files, 0);
    /* Simulate a kill: append half a gzip member, leak the writer's fd. */
    f = fopen(open_path, "ab");
    fwrite("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x0b\x0d", 1, 12, f);
    fclose(f);
    {
        /* Drop the writer without closing: emulate process death by
         * releasing the lock through a fresh file description close. */
        char cmd[12000];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s.tmp' && mv '%s.tmp' '%s'", open_path, open_path, open_path,
                 open_path);
        assert_int_equal(system(cmd), 0);
    }
    assert_int_equal(gr_warc_recover(dir, &files, &dropped, err, sizeof err), GR_OK);
    assert_int_equal(files, 1);
    assert_int_equal(dropped, 12);
    {
        char final[2048];
        snprintf(final, sizeof final, "%s/%s", dir, p.file);
        assert_int_equal(gr_warc_scan(final, &members, &good, &size, err, sizeof err), GR_OK);
        assert_int_equal(members, 3);
        assert_int_equal(good, size);
    }
    /* The writer's own close now fails to rename (file gone) but must not crash. */
    gr_warc_writer_free(w, err, sizeof err);
}

static void record_ids_are_unique_uuids(void **state)
{
    char a[64], b[64];
    (void)state;
    gr_warc_record_id(a, sizeof a);
    gr_warc_record_id(b, sizeof b);
    assert_int_equal(strlen(a), 47);
    assert_true(strncmp(a, "<urn:uuid:", 10) == 0);
    assert_int_equal(a[46], '>');
    assert_string_not_equal(a, b);
    gr_warc_date(1412496000123456LL, a, sizeof a);
    assert_string_equal(a, "2014-10-05T08:00:00.123456Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record_layout_is_warc_1_1_with_one_member_per_record),
        cmocka_unit_test(compressed_body_is_stored_and_text_is_compressed),
        cmocka_unit_test(rotates_by_size),
        cmocka_unit_test(recover_keeps_complete_records_and_drops_partial_last),
        cmocka_unit_test(record_ids_are_unique_uuids),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
