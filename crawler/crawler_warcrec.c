/* The WARC records of one fetch (response or revisit, request with the
 * credentials redacted, metadata), and the recovery of files a killed
 * crawler left open (exactly-once observations). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler_engine.h"
#include "gr_log.h"
#include "gr_util.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gr_warc_read.h"

/* The response header block as stored: curl removed the chunked framing
 * from the body, so the header that announced it is renamed; a Location
 * echoing credentials has their values redacted. */
static char *stored_response_head(const struct cr_job *j, size_t *len)
{
    struct gr_buf out;
    const char *p = j->resphead.data ? j->resphead.data : "", *end = p + j->resphead.len;

    gr_buf_init(&out, j->resphead.len + 1024);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (n > 18 && strncasecmp(p, "Transfer-Encoding:", 18) == 0)
            gr_buf_appends(&out, "X-Crawler-");
        if ((n > 9 && strncasecmp(p, "Location:", 9) == 0) || (n > 17 && strncasecmp(p, "Content-Location:", 17) == 0))
            cr_redact_line(&out, p, n);
        else
            gr_buf_append(&out, p, n);
        p += n;
    }
    /* a header block cut short (timeout, cap) still ends the header section */
    if (out.len < 4 || memcmp(out.data + out.len - 4, "\r\n\r\n", 4) != 0) {
        if (out.len >= 2 && memcmp(out.data + out.len - 2, "\r\n", 2) == 0)
            gr_buf_appends(&out, "\r\n");
        else
            gr_buf_appends(&out, "\r\n\r\n");
    }
    return gr_buf_steal(&out, len);
}

/* A record of j's fetch (concurrent_to: the response's id, or NULL). */
static void record_of(struct gr_warc_record *r, enum gr_warc_type type, const struct cr_job *j, const char *ctype,
                      const char *concurrent_to)
{
    memset(r, 0, sizeof *r);
    r->type = type;
    r->target_uri = j->url;
    r->date_us = j->started_us;
    r->content_type = ctype;
    r->concurrent_to = concurrent_to;
}

void cr_write_warc(struct engine *e, struct cr_job *j)
{
    struct gr_warc_record r;
    struct gr_warc_pos rp, qp;
    struct gr_warc_field mf[1];
    struct gr_buf meta;
    char *head = NULL, *req = NULL, *enc = NULL;
    size_t hlen = 0, qlen = 0;
    char err[512];
    enum gr_rc rc;
    bool revisit = j->status == 304;

    if (j->status <= 0 || j->resphead.len == 0)
        return;                 /* no response: only the fetch log knows */
    head = stored_response_head(j, &hlen);
    record_of(&r, revisit ? GR_WARC_REVISIT : GR_WARC_RESPONSE, j, "application/http;msgtype=response", NULL);
    r.truncated = j->truncated;
    r.ip_address = j->ip;
    r.head = head;
    r.head_len = hlen;
    if (revisit) {
        r.profile = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
    } else {
        r.body = j->body.data;
        r.body_len = j->body.len;
        enc = gr_http_header(j->resphead.data ? j->resphead.data : "", j->resphead.len, "Content-Encoding");
        r.body_compressed = gr_http_coded(enc);
    }
    rc = gr_warc_write(e->warc, &r, &rp, err, sizeof err);
    if (rc)
        goto fail;
    snprintf(j->warc_file, sizeof j->warc_file, "%s", rp.file);
    snprintf(e->warc_base, sizeof e->warc_base, "%s", rp.file);
    j->warc_offset = (int64_t)rp.offset;

    req = cr_fetch_redacted_request(&e->fc, j, &qlen);
    record_of(&r, GR_WARC_REQUEST, j, "application/http;msgtype=request", rp.record_id);
    r.head = req;
    r.head_len = qlen;
    if (j->post_body && *j->post_body && strcmp(j->method, "POST") == 0) {
        r.body = j->post_body;
        r.body_len = strlen(j->post_body);
    }
    rc = gr_warc_write(e->warc, &r, &qp, err, sizeof err);
    if (rc)
        goto fail;

    gr_buf_init(&meta, 1 << 20);
    gr_buf_printf(&meta, "fetchTimeMs: %.0f\r\n", j->t_total);
    if (j->id > 0)
        gr_buf_printf(&meta, "govreach-frontier-id: %lld\r\n", (long long)j->id);
    gr_buf_printf(&meta, "govreach-source: %s\r\ngovreach-kind: %s\r\n", j->source ? j->source : "",
                  j->kind ? j->kind : "");
    if (j->target_key && !strpbrk(j->target_key, "\r\n"))
        gr_buf_printf(&meta, "govreach-target-key: %s\r\n", j->target_key);
    gr_buf_printf(&meta, "govreach-depth: %d\r\ngovreach-attempt: %d\r\ngovreach-method: %s\r\n", j->depth,
                  j->attempts, j->method);
    if (j->published_at > 0)
        gr_buf_printf(&meta, "govreach-published-at: %lld\r\n", (long long)j->published_at);
    if (j->truncated)
        gr_buf_printf(&meta, "govreach-truncated: %s\r\n", j->truncated);
    if (j->curl_rc != CURLE_OK)
        gr_buf_printf(&meta, "govreach-curl-error: %d %s\r\n", (int)j->curl_rc, curl_easy_strerror(j->curl_rc));
    if (j->credentialed)
        gr_buf_printf(&meta, "govreach-redacted: Cookie header and %s parameters removed from the request record\r\n",
                      gr_source_secret_list());
    record_of(&r, GR_WARC_METADATA, j, "application/warc-fields", rp.record_id);
    mf[0].name = "WARC-Refers-To";
    mf[0].value = rp.record_id;
    r.fields = mf;
    r.nfields = 1;
    r.head = meta.data;
    r.head_len = meta.len;
    rc = gr_warc_write(e->warc, &r, NULL, err, sizeof err);
    gr_buf_free(&meta);
    if (rc)
        goto fail;
    free(head);
    free(req);
    free(enc);
    return;
fail:
    free(head);
    free(req);
    free(enc);
    gr_error("cannot write WARC: %s", err);
    /* No durable record, no completion: the URL goes back to the queue
     * (disk full: exit 74, and a rerun fetches it). */
    e->warc_broken = true;
    j->outcome = CR_RELEASED;
    j->warc_file[0] = '\0';
    cr_fatal(e, rc == GR_EIO ? GR_EIO : rc, err);
}
/* ------------------------------------------------------------ setup and run */

void cr_warc_file_cb(void *arg, const char *path, bool closed, uint64_t records, uint64_t bytes)
{
    struct engine *e = arg;
    if (closed)
        gr_info("closed %s (%llu records, %llu bytes)", path, (unsigned long long)records,
                (unsigned long long)bytes);
    if (e->fr && e->fr->warc_file)
        e->fr->warc_file(e->fr, path, closed, records, bytes);
}

/* A WARC left .open by a killed crawler, now closed: record it so. */
void cr_recovered_cb(void *arg, const char *path, uint64_t records, uint64_t bytes)
{
    struct engine *e = arg;
    if (e->fr && e->fr->warc_file)
        e->fr->warc_file(e->fr, path, true, records, bytes);
}

/* Exactly-once observations after a kill -9 (issue 13): before a WARC left
 * .open is recovered, the records of fetches whose completion was never
 * committed are cut off it, so the rerun's fetch of those URLs is the only
 * one stored. Records are written in completion order and completions are
 * committed in that order, so the committed ones are a prefix: the file is
 * cut after the request and metadata records that follow the last
 * committed response (after the warcinfo record when none was). */
enum gr_rc cr_drop_uncommitted(struct engine *e, const char *dir, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    enum gr_rc rc = GR_OK;

    if (!e->fr || !e->fr->warc_committed || !(d = opendir(dir)))
        return GR_OK;
    while (!rc && (de = readdir(d))) {
        char path[1024], base[1024];
        size_t n = strlen(de->d_name);
        struct gr_warc_reader *r = NULL;
        struct gr_warc_rec rec;
        uint64_t off = 0, cut = 0, size;
        bool found = false, eof = false, at = false;
        int fd, after = 0, nrec = 0;
        struct stat st;

        if (n <= 13 || strcmp(de->d_name + n - 13, ".warc.gz.open") != 0 ||
            (size_t)snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= sizeof path)
            continue;
        snprintf(base, sizeof base, "%.*s", (int)(n - 5), de->d_name);
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &st) != 0) {   /* a live writer holds it */
            close(fd);
            continue;
        }
        size = (uint64_t)st.st_size;
        rc = e->fr->warc_committed(e->fr, base, &off, &found, err, errlen);
        if (!rc && gr_warc_reader_open(path, &r, err, errlen) == GR_OK) {
            while (gr_warc_reader_next(r, &rec, &eof, err, errlen) == GR_OK && !eof) {
                nrec++;
                if (!found) {
                    if (strcmp(rec.type, "warcinfo") == 0)
                        cut = gr_warc_reader_tell(r);
                    break;
                }
                if (!at && rec.offset == off) {
                    at = true;
                    cut = gr_warc_reader_tell(r);
                } else if (at && after < 2 && (strcmp(rec.type, "request") == 0 || strcmp(rec.type, "metadata") == 0)) {
                    after++;
                    cut = gr_warc_reader_tell(r);
                } else if (at) {
                    break;
                }
            }
            gr_warc_reader_free(r);
            if ((at || !found) && cut > 0 && cut < size) {
                gr_notice("%s: dropping the records after offset %llu (%llu bytes): their fetches were never "
                          "committed and are fetched again", path, (unsigned long long)cut,
                          (unsigned long long)(size - cut));
                if (ftruncate(fd, (off_t)cut) != 0) {
                    snprintf(err, errlen, "cannot truncate %s: %s", path, strerror(errno));
                    rc = GR_EIO;
                }
            }
        }
        close(fd);
        (void)nrec;
    }
    closedir(d);
    return rc;
}
