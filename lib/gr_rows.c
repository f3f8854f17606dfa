#include "gr_rows.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gr_source.h"
#include "gr_util.h"

static const char *const rec_names[GR_REC_COUNT] = {
    "wechat_article", "wechat_stat", "wechat_history", "weibo_account",
    "weibo_post", "app_listing", "discovered_account", "parse_reject",
};

const char *const gr_status_names[] = {
    "ok", "deleted", "blocked", "expired", "verification", "not_found", "error", NULL,
};
const char *const gr_store_names[] = { "360", "91", "yyb", "baidu", "wandoujia", "appstore", NULL };

#define PROV "\twarc_file\twarc_offset\turl\tfetched_at"
static const char *const rec_headers[GR_REC_COUNT] = {
    "biz\tmid\tidx\tsn\ttitle\taccount_name\tpublished_at\tstatus" PROV,
    "biz\tmid\tidx\torigin\tread_num\tread_capped\tread_raw\tlike_num\tlike_raw\told_like_num\tstatus" PROV,
    "biz\tmid\tidx\tsn\ttitle\tpublished_at\tcontent_url" PROV,
    "account\tnick\tfollowers\tfollowing\tposts\tstatus" PROV,
    "account\tpost_id\tposted_at\tkind\treposts\tcomments\tmentions" PROV,
    "store\tlisting_id\tpackage\tapp_name\tdownloads\tdownloads_capped\tdownloads_raw\trating_count\trating_avg\tstatus" PROV,
    "query\tpage\trank\twechat_id\tname\tverified_body\tdescription\tlatest_title\tlatest_url\tlatest_at\tprofile_url\tbiz" PROV,
    "source\treason" PROV,
};

const char *gr_rec_name(enum gr_rec_type t) { return (unsigned)t < GR_REC_COUNT ? rec_names[t] : "?"; }
const char *gr_rec_header(enum gr_rec_type t) { return (unsigned)t < GR_REC_COUNT ? rec_headers[t] : ""; }

void gr_rows_init(struct gr_rows *r, size_t max)
{
    for (int i = 0; i < GR_REC_COUNT; i++) {
        gr_buf_init(&r->b[i], max);
        r->n[i] = 0;
    }
}

void gr_rows_free(struct gr_rows *r)
{
    if (!r)
        return;
    for (int i = 0; i < GR_REC_COUNT; i++)
        gr_buf_free(&r->b[i]);
}

void gr_rows_reset(struct gr_rows *r)
{
    for (int i = 0; i < GR_REC_COUNT; i++) {
        gr_buf_reset(&r->b[i]);
        r->n[i] = 0;
    }
}

enum gr_rc gr_rows_append(struct gr_rows *dst, const struct gr_rows *src)
{
    for (int i = 0; i < GR_REC_COUNT; i++) {
        enum gr_rc rc = gr_buf_append(&dst->b[i], src->b[i].data ? src->b[i].data : "", src->b[i].len);
        if (rc)
            return rc;
        dst->n[i] += src->n[i];
    }
    return GR_OK;
}

size_t gr_rows_total(const struct gr_rows *r)
{
    size_t t = 0;
    for (int i = 0; i < GR_REC_COUNT; i++)
        t += r->n[i];
    return t;
}

enum gr_rc gr_copy_escape(struct gr_buf *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    enum gr_rc rc = GR_OK;

    while (i < n) {
        unsigned char c = p[i];
        const char *esc = NULL;
        size_t k;

        if (c >= 0x20 && c < 0x80 && c != '\\') {
            run++;
            i++;
            continue;
        }
        if (run) {
            rc = gr_buf_append(b, s + i - run, run);
            if (rc)
                return rc;
            run = 0;
        }
        switch (c) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case 0: esc = ""; break;
        default: break;
        }
        if (esc) {
            rc = gr_buf_appends(b, esc);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            rc = gr_buf_printf(b, "\\x%02X", c);   /* COPY decodes \xHH */
            i++;
        } else if ((k = gr_utf8_seq(p + i, n - i)) > 0) {
            rc = gr_buf_append(b, s + i, k);
            i += k;
        } else {
            rc = gr_buf_appends(b, "\xEF\xBF\xBD");
            i++;
        }
        if (rc)
            return rc;
    }
    if (run)
        rc = gr_buf_append(b, s + n - run, run);
    return rc;
}

void gr_iso8601(int64_t t, char *out, size_t outsz)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, outsz, "1970-01-01T00:00:00Z");
        return;
    }
    strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void gr_row_begin(struct gr_row *r, struct gr_rows *rows, enum gr_rec_type type)
{
    r->rows = rows;
    r->type = type;
    r->start = rows->b[type].len;
    r->fields = 0;
    r->rc = GR_OK;
}

static void sep(struct gr_row *r)
{
    if (r->rc == GR_OK && r->fields++ > 0)
        r->rc = gr_buf_appendc(&r->rows->b[r->type], '\t');
}

void gr_row_text(struct gr_row *r, const char *s, size_t n)
{
    sep(r);
    if (r->rc)
        return;
    if (!s)
        r->rc = gr_buf_appends(&r->rows->b[r->type], "\\N");
    else
        r->rc = gr_copy_escape(&r->rows->b[r->type], s, n);
}

void gr_row_str(struct gr_row *r, const char *s) { gr_row_text(r, s, s ? strlen(s) : 0); }

void gr_row_null(struct gr_row *r) { gr_row_text(r, NULL, 0); }

void gr_row_i64(struct gr_row *r, int64_t v)
{
    sep(r);
    if (r->rc == GR_OK)
        r->rc = gr_buf_printf(&r->rows->b[r->type], "%" PRId64, v);
}

void gr_row_bool(struct gr_row *r, bool v)
{
    sep(r);
    if (r->rc == GR_OK)
        r->rc = gr_buf_appendc(&r->rows->b[r->type], v ? 't' : 'f');
}

void gr_row_time(struct gr_row *r, int64_t t)
{
    char ts[40];

    gr_iso8601(t, ts, sizeof ts);
    sep(r);
    if (r->rc == GR_OK)
        r->rc = gr_buf_appends(&r->rows->b[r->type], ts);
}

/* Columns of a record type, from its header (counted once per process). */
static int rec_ncols(enum gr_rec_type t)
{
    static int n[GR_REC_COUNT];

    if (!n[t]) {
        int k = 1;
        for (const char *h = rec_headers[t]; *h; h++)
            k += *h == '\t';
        n[t] = k;
    }
    return n[t];
}

enum gr_rc gr_row_end(struct gr_row *r, const struct gr_page *page)
{
    struct gr_buf *b = &r->rows->b[r->type];

    gr_row_str(r, page->warc_file ? page->warc_file : "");
    gr_row_i64(r, page->warc_offset);
    gr_row_str(r, page->url ? page->url : "");
    gr_row_time(r, page->fetched_at);
    /* a source's positional gr_row_* calls must give the header's column count
     * (the header is checked against the schema by schema_contract.sh) */
    if (r->rc == GR_OK && r->fields != rec_ncols(r->type))
        r->rc = GR_EINTERNAL;
    if (r->rc == GR_OK)
        r->rc = gr_buf_appendc(b, '\n');
    if (r->rc) {
        b->len = r->start;
        if (b->data)
            b->data[b->len] = '\0';
        return r->rc;
    }
    r->rows->n[r->type]++;
    return GR_OK;
}
